"""Pages for the figures of 表5-11 besides orders: salespeople's expenses, department
allocations and product costs (managers for their departments, the 总经理, admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from ledger import submissions
from ledger.engine.query import parse_month
from ledger.views.customers import _apply_errors
from sales.forms.orders import AllocationForm, ExpenseForm, ProductCostForm
from sales.selectors import (
    allocations_visible_to,
    can_manage_costs,
    expenses_visible_to,
    product_costs_visible_to,
)
from sales.services.costs import allocation_save, expense_save, product_cost_save


class CostsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_costs(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CostListView(CostsMixin, View):
    def get(self, request):
        month = parse_month(request.GET.get("month"))
        first = month[0] if month else timezone.localdate().replace(day=1)
        costs = product_costs_visible_to(request.user).select_related("product")
        page = Paginator(costs.order_by("product__code", "-effective_on"), 50).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "sales/costs.html",
            {
                "month": first,
                "expenses": expenses_visible_to(request.user)
                .filter(month=first)
                .select_related("salesperson")
                .order_by("salesperson__username"),
                "allocations": allocations_visible_to(request.user)
                .filter(month=first)
                .select_related("salesperson", "department")
                .order_by("salesperson__username"),
                "costs": page,
            },
        )


class CostFormView(CostsMixin, View):
    form_class = None
    person = True

    def make_form(self, data=None):
        kwargs = {"user": self.request.user} if self.person else {}
        initial = {"month": timezone.localdate().replace(day=1)} if self.person else {}
        return self.form_class(data, initial=initial, **kwargs)

    def get(self, request):
        return self.render(self.make_form())

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = self.make_form(request.POST)
        back = reverse("sales:cost-list")
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.save(request.user, form.cleaned_data)
                    submissions.remember(request, back)
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
        return self.render(form)

    def render(self, form):
        return render(
            self.request,
            "ledger/simple_form.html",
            {"form": form, "heading": self.heading(), "back_url": reverse("sales:cost-list")},
        )


class ExpenseFormView(CostFormView):
    form_class = ExpenseForm

    def heading(self):
        return _("Salesperson's expenses of a month")

    def save(self, actor, data):
        expense_save(actor=actor, **data)


class AllocationFormView(CostFormView):
    form_class = AllocationForm

    def heading(self):
        return _("Department allocation of a month")

    def save(self, actor, data):
        allocation_save(actor=actor, **data)


class ProductCostFormView(CostFormView):
    form_class = ProductCostForm
    person = False

    def heading(self):
        return _("Product unit cost")

    def save(self, actor, data):
        product_cost_save(actor=actor, **data)
