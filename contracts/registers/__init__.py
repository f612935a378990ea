"""The forms of this family: its menu label and URLs here, its registers (one module per
area) beside it. ``ledger`` discovers this package at start-up and never imports the app
by name."""

from django.utils.translation import gettext_lazy as _

from ledger.engine import Family, site


def contract_links(user) -> list[tuple[str, str]]:
    """The family's pages besides its forms: the contracts, and a new one for those who
    enter contracts."""
    from django.urls import reverse

    from contracts.selectors import contract_detail_q, may_create_contract

    links = []
    if contract_detail_q(user) is not None:
        links.append((_("Contracts"), reverse("contracts:contract-list")))
    if may_create_contract(user):
        links.append((_("New contract"), reverse("contracts:contract-create")))
    return links


site.add_family(
    Family.CONTRACTS,
    label=_("Contract ledgers"),
    app="contracts",
    url_prefix="contracts",
    links=contract_links,
)

# The areas' registers come after the family they belong to.
from contracts.registers import (  # noqa: E402
    contracts,  # noqa: F401
    records,  # noqa: F401
)
