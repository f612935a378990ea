"""Models of this ledger family are added with its forms (see FORMS.md)."""
