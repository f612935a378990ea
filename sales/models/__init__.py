"""The models of the sales family (表5-2 … 5-13), one module per area (orders, plans)."""

from sales.models.orders import *  # noqa: F403
from sales.models.plans import *  # noqa: F403
