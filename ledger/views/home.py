"""The start page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ledger.engine import site
from ledger.selectors import (
    Scope,
    customer_detail_q,
    customers_visible_to,
    service_records_visible_to,
)


def home(request):
    user = request.user
    mine = customers_visible_to(user, scope=Scope.PERSONAL)
    context = {
        "registers": site.visible_to(user),
        "has_personal": customer_detail_q(user) is not None,
        "customer_count": mine.count() if user.is_sales_side else None,
        "public_count": customers_visible_to(user, scope=Scope.PUBLIC).count(),
        "recent_customers": mine.select_related("owner").order_by("-updated_at")[:8],
        "open_service": service_records_visible_to(user)
        .filter(handled_on__isnull=True)
        .select_related("customer")
        .order_by("received_on")[:8],
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
