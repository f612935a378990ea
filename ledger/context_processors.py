"""The navigation by family, for every page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ledger.engine import Family, site


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menus = []
    for family in Family:
        items = [
            (f"{r.code_label} {r.title}".strip(), r.get_absolute_url())
            for r in site
            if r.family == family and r.can_open(user)
        ]
        # Every family appears; its forms not yet in use are listed on the index page.
        items.append((_("All forms of this family"), f"{reverse('register-index')}#{family.value}"))
        menus.append({"label": family.label, "items": items, "family": family.value})
    menus.append(
        {
            "label": _("Reports and exports"),
            "items": [
                (_("All forms (表)"), reverse("register-index")),
                (_("Exports"), reverse("exports")),
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
