"""the sales family (表5-2 … 5-13): orders."""

__all__: list[str] = []
