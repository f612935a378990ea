"""The manager's sales dashboard (filled in with the orders)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import View

from sales.selectors_plans import can_use_plans


class SalesDashboardView(View):
    def get(self, request):
        if not can_use_plans(request.user):
            raise PermissionDenied
        return render(request, "sales/dashboard.html", {})
