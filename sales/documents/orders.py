"""Documents of the sales family (表5-2 … 5-13) (orders), declared on ``ledger.engine``."""
