"""The forms of this family: its menu label and URLs here, its registers (one module per
area) beside it. ``ledger`` discovers this package at start-up and never imports the app
by name."""

from django.utils.translation import gettext_lazy as _

from ledger.engine import Family, site

site.add_family(
    Family.CONTRACTS, label=_("Contract ledgers"), app="contracts", url_prefix="contracts"
)

# The areas' registers come after the family they belong to.
from contracts.registers import (  # noqa: E402
    contracts,  # noqa: F401
    records,  # noqa: F401
)
