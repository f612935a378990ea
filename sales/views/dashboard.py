"""The manager's sales dashboard: charts (Apache ECharts, from the app's static files),
each with its table beside it and a link to the register behind it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ledger.charts import bar_chart, pie_chart
from ledger.engine import site
from sales.dashboard import sales_dashboard
from sales.selectors_plans import can_use_plans


def _year(value: str | None, default: int) -> int:
    try:
        year = int(value or default)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _link(code: str, query: str = "") -> str | None:
    """The register (or document list) behind a chart, if it is declared."""
    if site.get(code) is not None:
        return reverse("register-list", args=[code]) + query
    if site.get(code, kind="document") is not None:
        return reverse("document-list", args=[code]) + query
    return None


class SalesDashboardView(View):
    template_name = "sales/dashboard.html"

    def get(self, request):
        user = request.user
        if not can_use_plans(user):
            raise PermissionDenied
        this_year = timezone.localdate().year
        year = _year(request.GET.get("year"), this_year)
        board = sales_dashboard(user, year=year)
        months = [m["label"] for m in board.months]
        charts = {
            "months": bar_chart(
                months,
                {
                    "计划": [m["plan"] for m in board.months],
                    "实际": [m["actual"] for m in board.months],
                },
            ),
            "people": bar_chart(
                [p["name"] for p in board.people],
                {
                    "计划": [p["plan"] for p in board.people],
                    "实际": [p["actual"] for p in board.people],
                },
            ),
            "ages": pie_chart([(a["label"], a["amount"]) for a in board.ages]),
            "customers": bar_chart(
                [c["name"] for c in board.customers],
                {"实际": [c["amount"] for c in board.customers]},
            ),
            "products": bar_chart(
                [p["name"] for p in board.products], {"实际": [p["amount"] for p in board.products]}
            ),
        }
        links = {
            "months": _link("5-4"),
            "shipments": _link("5-6"),
            "people": _link("5-2", f"?year={year}"),
            "results": _link("5-11"),
            "owed": _link("5-12", f"?period={year}"),
            "sales": _link("5-12", f"?period={year}"),
        }
        return render(
            request,
            self.template_name,
            {
                "board": board,
                "charts": charts,
                "links": links,
                "year": year,
                "previous_year": year - 1,
                "next_year": year + 1,
            },
        )
