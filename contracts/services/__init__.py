"""Writes of the contract family: one module per area (contracts, reviews, changes)."""
