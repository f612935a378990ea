"""The documents of the contract family (表5-14 … 5-25); discovered by ``ledger``."""

from contracts.documents import (
    contracts,  # noqa: F401
    records,  # noqa: F401
)
