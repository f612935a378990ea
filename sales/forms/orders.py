"""Forms of the order pages: the order's header, its line rows, a shipment, a receipt, an
invoice, an adjustment, expenses, allocations and product costs. Choices are limited by
the same selectors that limit the rows; the services decide what may be saved."""

import json

from django import forms
from django.forms import formset_factory
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.models import Product
from sales.contract_links import contract_choices
from sales.models import AdjustmentKind, Order
from sales.selectors import (
    order_customer_choices,
    order_owner_choices,
    salespeople_visible_to,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EXPORT_FIELDS = [
    "shipping_mark",
    "shipping_to",
    "lc_number",
    "app_number",
    "batch_grade",
    "purpose",
    "packing",
    "volume",
    "completion_date",
    "ship_date",
    "color_number",
    "carton_count",
    "carton_numbers",
    "gross_weight",
    "net_weight",
    "last_carton_weight",
    "export_remark",
]


class OrderForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("Required once the order is confirmed; kept in the history."),
    )

    class Meta:
        model = Order
        fields = [
            "customer",
            "contract",
            "owner",
            "ordered_on",
            "remarks",
            "is_export",
            *EXPORT_FIELDS,
        ]
        widgets = {
            "ordered_on": DATE,
            "completion_date": DATE,
            "ship_date": DATE,
            "export_remark": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = order_customer_choices(user).order_by("name")
        self.fields["owner"].queryset = order_owner_choices(user).order_by("username")
        self.fields["owner"].required = False
        # 合同: the chosen customer's contracts that take orders (and the order's own);
        # choosing another customer fetches that one's (htmx, sales:order-contract-choices).
        contract = self.fields["contract"]
        order = self.instance if self.instance.pk else None
        contract.queryset = contract_choices(
            user, order, customer_id=self.chosen_customer_id()
        ).order_by("-signed_on", "-number")
        contract.widget.attrs.update(
            {
                "hx-get": reverse("sales:order-contract-choices"),
                "hx-trigger": "change from:#id_customer",
                "hx-include": "#id_customer",
                "hx-target": "this",
                "hx-swap": "innerHTML",
            }
        )
        if order is not None:
            contract.widget.attrs["hx-vals"] = json.dumps({"order": order.pk})
        contract.help_text = _(
            "Optional: the customer's contract the order is placed under (sealed or in force)."
        )
        contract.error_messages["invalid_choice"] = _(
            "Choose a contract that is sealed or in force and that you may see."
        )
        if self.instance.pk is None:
            self.fields.pop("reason")

    def chosen_customer_id(self) -> int | None:
        """The customer the form is for: as posted, else the order's or the initial one."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("customer"))
        else:
            raw = self.initial.get("customer") or self.instance.customer_id
        raw = str(getattr(raw, "pk", raw) or "")
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None

    def export_fields(self):
        return [self[name] for name in EXPORT_FIELDS]

    def main_fields(self):
        names = ["customer", "contract", "owner", "ordered_on", "remarks", "is_export"]
        if "reason" in self.fields:
            names.append("reason")
        return [self[name] for name in names]


class LineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    product = forms.ModelChoiceField(
        label=_("product name"), queryset=Product.objects.none(), required=False
    )
    spec = forms.CharField(label=_("specification and model"), max_length=120, required=False)
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    quantity = forms.DecimalField(
        label=_("quantity"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    unit_price = forms.DecimalField(
        label=_("unit price"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("line_id") and not data.get("product") and data.get("quantity") is None

    def clean(self):
        data = super().clean()
        if self.is_blank() or data.get("DELETE"):
            return data
        if data.get("product") is None and "product" not in self.errors:
            self.add_error("product", _("Choose a product."))
        if "quantity" in self.errors:
            pass
        elif data.get("quantity") is None:
            self.add_error("quantity", _("Enter the quantity."))
        elif data["quantity"] <= 0:
            self.add_error("quantity", _("The quantity must be more than zero."))
        if "unit_price" in self.errors:
            pass
        elif data.get("unit_price") is None:
            self.add_error("unit_price", _("Enter the unit price."))
        elif data["unit_price"] < 0:
            self.add_error("unit_price", _("The unit price cannot be negative."))
        return data


LineFormSet = formset_factory(LineForm, extra=0, can_delete=True, max_num=200, absolute_max=200)


class ShipmentForm(forms.Form):
    shipped_on = forms.DateField(label=_("shipping date"), widget=DATE)
    place = forms.CharField(label=_("shipping place"), max_length=120, required=False)
    delivery_control = forms.CharField(label=_("delivery control"), max_length=120, required=False)
    carrier = forms.CharField(label=_("carrier name"), max_length=120, required=False)
    waybill_number = forms.CharField(label=_("waybill number"), max_length=60, required=False)


class ShipLineForm(forms.Form):
    order_line_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(
        label=_("quantity shipped"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    production_date = forms.DateField(label=_("production date"), required=False, widget=DATE)
    batch_number = forms.CharField(label=_("production batch"), max_length=60, required=False)
    certificate_number = forms.CharField(
        label=_("inspection certificate number"), max_length=60, required=False
    )


ShipLineFormSet = formset_factory(ShipLineForm, extra=0, max_num=200, absolute_max=200)


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("date received"), widget=DATE)
    amount = forms.DecimalField(label=_("amount received"), max_digits=14, decimal_places=2)
    method = forms.CharField(label=_("payment method"), max_length=40, required=False)
    remarks = forms.CharField(label=_("remarks"), max_length=200, required=False)


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("invoice number"), max_length=40)
    issued_on = forms.DateField(label=_("invoice date"), widget=DATE)
    amount = forms.DecimalField(label=_("invoice amount"), max_digits=14, decimal_places=2)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=AdjustmentKind.choices)
    occurred_on = forms.DateField(label=_("date"), widget=DATE)
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class PersonMonthForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("salesperson"), queryset=None)
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = salespeople_visible_to(user).order_by("username")


class ExpenseForm(PersonMonthForm):
    salary = forms.DecimalField(label=_("salary and allowances"), max_digits=14, decimal_places=2)
    travel = forms.DecimalField(label=_("travel"), max_digits=14, decimal_places=2)
    other = forms.DecimalField(label=_("other"), max_digits=14, decimal_places=2)


class AllocationForm(PersonMonthForm):
    amount = forms.DecimalField(label=_("department allocation"), max_digits=14, decimal_places=2)


class ProductCostForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.order_by("code"))
    effective_on = forms.DateField(label=_("effective from"), widget=DATE)
    unit_cost = forms.DecimalField(label=_("unit cost"), max_digits=14, decimal_places=2)
