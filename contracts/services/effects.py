"""What happens after a contract's state moved and the transaction committed."""
