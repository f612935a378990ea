"""the contract family (表5-14 … 5-25): contracts."""

__all__: list[str] = []
