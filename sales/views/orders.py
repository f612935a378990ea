"""Pages of orders: create and edit (one page, line rows added and removed in place), the
order's page, and the entry of shipments, receipts, invoices and adjustments. Thin views:
the selectors fetch and authorise (404 for what the user may not see), the services write.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

from ledger import submissions
from ledger.views.customers import _apply_errors
from sales.contract_links import contract_choices, visible_contract
from sales.forms.orders import (
    AdjustmentForm,
    InvoiceForm,
    LineFormSet,
    OrderForm,
    ReceiptForm,
    ShipLineFormSet,
    ShipmentForm,
)
from sales.models import OrderLine
from sales.selectors import (
    can_cancel_order,
    can_create_order,
    can_edit_order,
    can_record_payment,
    can_ship_order,
    get_order_for,
    order_history,
    orderable_products,
)
from sales.services.orders import (
    LineInput,
    ShipLineInput,
    adjustment_record,
    invoice_record,
    order_create,
    order_update,
    receipt_record,
    shipment_record,
)


class OrderListView(LoginRequiredMixin, RedirectView):
    """The list of orders is 表5-8's list of documents (sorting, paging, search)."""

    def get_redirect_url(self, *args, **kwargs):
        return reverse("document-list", args=["5-8"])


def _line_products(order=None):
    """Products a line may name: those in use, and those already on the order."""
    products = orderable_products()
    if order is not None:
        used = order.lines.values("product_id")
        from ledger.models import Product

        products = Product.objects.filter(pk__in=products.values("pk")) | Product.objects.filter(
            pk__in=used
        )
    return products.order_by("code")


class OrderFormView(LoginRequiredMixin, View):
    template_name = "sales/order_form.html"

    def get_order(self, pk):
        if pk is None:
            if not can_create_order(self.request.user):
                raise PermissionDenied
            return None
        order = get_order_for(self.request.user, pk)
        if not can_edit_order(self.request.user, order):
            messages.error(self.request, _("A shipped or cancelled order cannot be changed."))
            return order
        return order

    def get(self, request, pk=None):
        order = self.get_order(pk)
        if order is not None and not can_edit_order(request.user, order):
            return redirect(order.get_absolute_url())
        products = _line_products(order)
        if order is None:
            form = OrderForm(
                user=request.user,
                initial={
                    "ordered_on": timezone.localdate(),
                    "owner": request.user.pk,
                    "customer": request.GET.get("customer"),
                },
            )
            formset = LineFormSet(
                prefix="lines", initial=[{}, {}, {}], form_kwargs={"products": products}
            )
        else:
            form = OrderForm(instance=order, user=request.user, initial={"version": order.version})
            formset = LineFormSet(
                prefix="lines",
                initial=[
                    {
                        "line_id": line.pk,
                        "product": line.product_id,
                        "spec": line.spec,
                        "unit": line.unit,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price,
                    }
                    for line in order.lines.order_by("position", "pk")
                ],
                form_kwargs={"products": products},
            )
        return self.render(form, formset, order)

    def post(self, request, pk=None):
        order = self.get_order(pk)
        if order is not None and not can_edit_order(request.user, order):
            return redirect(order.get_absolute_url())
        if done := submissions.repeated(request):
            return done
        products = _line_products(order)
        form = OrderForm(request.POST, instance=order, user=request.user)
        formset = LineFormSet(request.POST, prefix="lines", form_kwargs={"products": products})
        if form.is_valid() and formset.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
            if data.get("owner") is None:
                data.pop("owner")
            existing = {ln.pk: ln for ln in order.lines.all()} if order else {}
            items = []
            for lf in formset:
                cd = lf.cleaned_data
                if not cd or lf.is_blank():
                    continue
                line = existing.get(cd.get("line_id"))
                if cd.get("line_id") and line is None:
                    form.add_error(None, _("This line belongs to another order."))
                    return self.render(form, formset, order)
                values = {
                    k: cd.get(k) for k in ("product", "spec", "unit", "quantity", "unit_price")
                }
                items.append(LineInput(data=values, line=line, delete=bool(cd.get("DELETE"))))
            try:
                with transaction.atomic():
                    if order is None:
                        saved = order_create(actor=request.user, data=data, lines=items)
                    else:
                        saved = order_update(
                            actor=request.user,
                            order=order,
                            expected_version=form.cleaned_data.get("version") or 0,
                            data=data,
                            lines=items,
                            reason=form.cleaned_data.get("reason", ""),
                        )
                    submissions.remember(request, saved.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Order %(number)s saved.") % {"number": saved.number})
                return redirect(saved.get_absolute_url())
        return self.render(form, formset, order)

    def render(self, form, formset, order):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "order": order,
                "heading": _("Edit order %(number)s") % {"number": order.number}
                if order
                else _("New order"),
            },
        )


@require_GET
def order_contract_choices(request):
    """The 合同 options of the order form for the customer just chosen (htmx): that
    customer's contracts the user may place an order under, and, editing an order
    (``?order=``, one the user may see), its current contract; the posted choice stays
    selected when it is among them."""
    user = request.user
    if not can_create_order(user):
        raise PermissionDenied
    order = get_order_for(user, request.GET["order"]) if request.GET.get("order") else None
    raw = request.GET.get("customer", "")
    customer_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
    contracts = contract_choices(user, order, customer_id=customer_id).order_by(
        "-signed_on", "-number"
    )
    return render(
        request,
        "sales/_contract_options.html",
        {"contracts": contracts, "selected": request.GET.get("contract", "")},
    )


class OrderDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        order = get_order_for(user, pk)
        lines = list(order.lines.select_related("product").order_by("position", "pk"))
        shipments = list(
            order.shipments.select_related("handler")
            .prefetch_related("lines__order_line__product")
            .order_by("shipped_on", "pk")
        )
        # The contract it is placed under: linked to its page when the user may see it.
        contract = visible_contract(user, order.contract_id)
        contract_url = contract.get_absolute_url() if contract is not None else ""
        if contract is None and order.contract_id:
            contract = order.contract
        return render(
            request,
            "sales/order_detail.html",
            {
                "order": order,
                "contract": contract,
                "contract_url": contract_url,
                "lines": lines,
                "shipments": shipments,
                "receipts": order.receipts.select_related("created_by").order_by("received_on"),
                "invoices": order.invoices.order_by("issued_on"),
                "adjustments": order.adjustments.order_by("occurred_on"),
                "history": order_history(order, limit=100),
                "can_edit": can_edit_order(user, order),
                "can_ship": can_ship_order(user, order),
                "can_pay": can_record_payment(user, order),
                "can_cancel": can_cancel_order(user, order),
            },
        )


class ShipmentCreateView(LoginRequiredMixin, View):
    template_name = "sales/shipment_form.html"

    def setup_order(self, pk):
        order = get_order_for(self.request.user, pk)
        lines = list(
            OrderLine.objects.filter(order=order).select_related("product").order_by("position")
        )
        return order, lines

    def get(self, request, pk):
        order, lines = self.setup_order(pk)
        if not can_ship_order(request.user, order):
            messages.error(request, _("Only a confirmed order can be shipped."))
            return redirect(order.get_absolute_url())
        form = ShipmentForm(initial={"shipped_on": timezone.localdate()})
        formset = ShipLineFormSet(prefix="ship", initial=[{"order_line_id": ln.pk} for ln in lines])
        return self.render(order, lines, form, formset)

    def post(self, request, pk):
        order, lines = self.setup_order(pk)
        if done := submissions.repeated(request):
            return done
        form = ShipmentForm(request.POST)
        formset = ShipLineFormSet(request.POST, prefix="ship")
        if form.is_valid() and formset.is_valid():
            items = [
                ShipLineInput(
                    order_line_id=cd["order_line_id"],
                    quantity=cd.get("quantity"),
                    production_date=cd.get("production_date"),
                    batch_number=cd.get("batch_number") or "",
                    certificate_number=cd.get("certificate_number") or "",
                )
                for cd in (f.cleaned_data for f in formset)
                if cd.get("quantity") is not None
            ]
            data = dict(form.cleaned_data)
            shipped_on = data.pop("shipped_on")
            try:
                with transaction.atomic():
                    shipment_record(
                        actor=request.user,
                        order=order,
                        shipped_on=shipped_on,
                        lines=items,
                        data=data,
                    )
                    submissions.remember(request, order.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Shipment recorded."))
                return redirect(order.get_absolute_url())
        return self.render(order, lines, form, formset)

    def render(self, order, lines, form, formset):
        rows = list(zip(lines, formset.forms, strict=False))
        return render(
            self.request,
            self.template_name,
            {"order": order, "form": form, "formset": formset, "rows": rows},
        )


class OrderFactView(LoginRequiredMixin, View):
    """A receipt, an invoice or an adjustment against one order (one simple form)."""

    template_name = "ledger/simple_form.html"
    form_class = None
    heading = ""
    done = ""

    def save(self, *, actor, order, data):
        raise NotImplementedError

    def initial(self):
        return {}

    def get(self, request, pk):
        order = get_order_for(request.user, pk)
        if not can_record_payment(request.user, order):
            messages.error(request, _("Only a confirmed order takes receipts and invoices."))
            return redirect(order.get_absolute_url())
        return self.render(self.form_class(initial=self.initial()), order)

    def post(self, request, pk):
        order = get_order_for(request.user, pk)
        if done := submissions.repeated(request):
            return done
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.save(actor=request.user, order=order, data=form.cleaned_data)
                    submissions.remember(request, order.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, str(self.done))
                return redirect(order.get_absolute_url())
        return self.render(form, order)

    def render(self, form, order):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "heading": f"{self.heading} · {order.number}",
                "back_url": order.get_absolute_url(),
            },
        )


class ReceiptCreateView(OrderFactView):
    form_class = ReceiptForm

    @property
    def heading(self):
        return _("Record a receipt")

    @property
    def done(self):
        return _("Receipt recorded.")

    def initial(self):
        return {"received_on": timezone.localdate()}

    def save(self, *, actor, order, data):
        receipt_record(actor=actor, order=order, **data)


class InvoiceCreateView(OrderFactView):
    form_class = InvoiceForm

    @property
    def heading(self):
        return _("Record an invoice")

    @property
    def done(self):
        return _("Invoice recorded.")

    def initial(self):
        return {"issued_on": timezone.localdate()}

    def save(self, *, actor, order, data):
        invoice_record(actor=actor, order=order, **data)


class AdjustmentCreateView(OrderFactView):
    form_class = AdjustmentForm

    @property
    def heading(self):
        return _("Record a return, allowance or write-off")

    @property
    def done(self):
        return _("Adjustment recorded.")

    def initial(self):
        return {"occurred_on": timezone.localdate()}

    def save(self, *, actor, order, data):
        adjustment_record(actor=actor, order=order, **data)


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)
