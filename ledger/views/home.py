"""The start page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ledger.dashboard import STALE_DAYS, home_summary_cached
from ledger.engine import site
from ledger.selectors import can_create_customer


def home(request):
    """The start page: what needs attention among the customers the user may see.

    Department reviewers (no customer details) get their registers only.
    """
    user = request.user
    context = {
        "registers": site.visible_to(user),
        "summary": home_summary_cached(user),
        "first_stale_days": STALE_DAYS[0],
        "can_create_customer": can_create_customer(user),
    }
    return render(request, "ledger/home.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
