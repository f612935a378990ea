"""The forms of this family: its menu label and URLs here, its registers (one module per
area) beside it. ``ledger`` discovers this package at start-up and never imports the app
by name."""

from django.utils.translation import gettext_lazy as _

from ledger.engine import Family, site


def family_links(user) -> list[tuple[str, str]]:
    """The family's menu links besides its forms, from each area that has some."""
    from sales.registers.plans import plan_links

    return plan_links(user)


site.add_family(
    Family.SALES, label=_("Sales ledgers"), app="sales", url_prefix="sales", links=family_links
)

# The areas' registers come after the family they belong to.
from sales.registers import (  # noqa: E402
    orders,  # noqa: F401
    plans,  # noqa: F401
)
