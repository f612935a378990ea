"""Registers of the contract family (表5-14 … 5-25) (records), declared on ``ledger.engine``."""
