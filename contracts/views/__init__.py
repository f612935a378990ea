"""Pages of contracts (list, detail, form, actions), their reviews and their changes."""
