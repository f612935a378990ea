"""The documents of the sales family (表5-2 … 5-13); discovered by ``ledger``."""

from sales.documents import (
    orders,  # noqa: F401
    plans,  # noqa: F401
)
