"""Writes of the sales family (orders and the facts against them; costs)."""
