"""the sales family (表5-2 … 5-13): plans."""

__all__: list[str] = []
