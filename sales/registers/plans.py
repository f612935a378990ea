"""Registers of the sales family (表5-2 … 5-13) (plans), declared on ``ledger.engine``."""
