"""the contract family (表5-14 … 5-25): records."""

__all__: list[str] = []
