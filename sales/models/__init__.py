"""The models of the sales family (表5-2 … 5-13), one module per area (orders, plans, and
the monthly roll-ups the reports read)."""

from sales.models.orders import *  # noqa: F403
from sales.models.plans import *  # noqa: F403
from sales.models.rollups import *  # noqa: F403
