"""The navigation by family, for every page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ledger.engine import Face, site


def navigation(request):
    """One menu per family that has something this user may open: its registers and
    documents (a document's list at ``/forms/<code>/``) in 表 order, then the family's own
    links (e.g. 客户移交 for managers). A form not built yet, one the role may not open, or
    a document reached from elsewhere (``in_menu = False``: the customer card) is not
    listed (the register index lists every form); a family with nothing to open has no
    menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menus = []
    for spec in site.ordered_families():
        items = [
            (f"{d.code_label} {d.title}".strip(), d.get_absolute_url())
            for d in site.declarations()
            if d.family == spec.family and getattr(d, "in_menu", True) and d.allows(Face.OPEN, user)
        ]
        if spec.links is not None:
            items += spec.links(user)
        if items:
            menus.append({"label": spec.label, "items": items, "family": spec.family.value})
    from ledger.supervision.views import supervision_links

    supervision = supervision_links(user)
    if supervision:
        menus.append({"label": _("Supervision"), "items": supervision, "family": "supervision"})
    menus.append(
        {
            "label": _("Reports and exports"),
            "items": [
                (_("All forms (表)"), reverse("register-index")),
                (_("Exports"), reverse("exports")),
                (_("My exports"), reverse("export-jobs")),
                *([(_("Monthly close"), reverse("month-closes"))] if user.is_admin else []),
            ],
            "family": "exports",
        }
    )
    return {"nav_menus": menus}


def inbox(request):
    """``inbox_count``: how many items wait for the user (待我处理), for the top bar.

    Lazy: counted (one query per workflow) only when a page shows it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from ledger.workflow import inbox as site

    return {"inbox_count": SimpleLazyObject(lambda: site.count_for(user))}
