"""Documents of the contract family (表5-14 … 5-25) (contracts), declared on ``ledger.engine``."""
