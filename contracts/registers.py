"""The forms of this family: its menu label and URLs here, its registers and documents
(see ``ledger.engine``) beside them as they are built. ``ledger`` discovers this module
at start-up and never imports the app by name."""

from django.utils.translation import gettext_lazy as _

from ledger.engine import Family, site

site.add_family(
    Family.CONTRACTS, label=_("Contract ledgers"), app="contracts", url_prefix="contracts"
)
