"""The forms of this family: its menu label and URLs here, its registers and documents
(see ``ledger.engine``) beside them as they are built. ``ledger`` discovers this module
at start-up and never imports the app by name."""

from django.utils.translation import gettext_lazy as _

from ledger.engine import Family, site

site.add_family(Family.SALES, label=_("Sales ledgers"), app="sales", url_prefix="sales")
