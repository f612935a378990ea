"""The models of the contract family (表5-14 … 5-25), one module per area (contracts, records)."""

from contracts.models.contracts import *  # noqa: F403
from contracts.models.records import *  # noqa: F403
