"""Forms of the sales plans. Customers and products are picked from the registry and the
product master (only a new prospect of 表5-4 may be named in words); validation lives in
the models and the services (``sales.services.plans``)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ledger.forms import DateInput, VersionedForm
from ledger.models import Customer, Product
from sales.models import (
    ActionItemKind,
    ActionPlan,
    AnnualPlan,
    MonthPlanItem,
    OrderStatus,
    WeekPlan,
)
from sales.models.plans import PAPER_LINES, WEEKDAYS, monday_of
from sales.selectors import orders_visible_to
from sales.selectors_plans import plan_customer_choices, plan_owner_choices, plan_product_choices

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _owner_field(form: forms.ModelForm, user: User) -> None:
    owners = plan_owner_choices(user)
    instance = form.instance
    if instance.pk and instance.owner_id:
        owners = owners | User.objects.filter(pk=instance.owner_id)
    field = form.fields["owner"]
    field.queryset = owners.distinct().order_by("username")
    field.label = _("sales staff")
    if not instance.pk:
        field.initial = user.pk
    if field.queryset.count() <= 1:
        field.disabled = True
        field.initial = instance.owner_id or user.pk


def _customers(user: User, current: list[int]):
    return (plan_customer_choices(user) | Customer.objects.filter(pk__in=current)).distinct()


def _products(current: list[int]):
    return (plan_product_choices() | Product.objects.filter(pk__in=current)).distinct()


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthChoiceField(forms.DateField):
    """A month as ``YYYY-MM`` (the browser's month input); the first day of it."""

    widget = MonthInput

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        match = MONTH_RE.match((value or "").strip())
        if not value:
            return None
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."))
        return datetime.date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


class WeekInput(forms.TextInput):
    input_type = "week"


class WeekChoiceField(forms.DateField):
    """An ISO week as ``2026-W48`` (the browser's week input); its Monday."""

    widget = WeekInput

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return monday_of(value)
        if not value:
            return None
        match = WEEK_RE.match(value.strip())
        try:
            if not match or not 2000 <= int(match[1]) <= 2100:
                raise ValueError
            return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a week as YYYY-Www, e.g. 2026-W48.")) from None

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            year, week, _day = value.isocalendar()
            return f"{year}-W{week:02d}"
        return value


# --- 表5-2 ------------------------------------------------------------------------------
class AnnualPlanForm(VersionedForm):
    class Meta:
        model = AnnualPlan
        fields = ["owner", "year", "filled_on", "reviewer"]
        widgets = {"filled_on": DateInput()}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_field(self, user)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year


def _qty(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )


def _price(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=4, min_value=Decimal(0), required=False
    )


class AnnualLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.none(), required=False
    )
    home_qty = _qty("内销数量")
    home_price = _price("内销单价")
    abroad_qty = _qty("外销数量")
    abroad_price = _price("外销单价")
    partner_qty = _qty("合作外销数量")
    partner_price = _price("合作外销单价")

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            products if products is not None else Product.objects.none()
        )

    def clean(self):
        data = super().clean()
        figures = [k for k in data if k != "product" and data.get(k) not in (None, "")]
        if figures and not data.get("product"):
            raise forms.ValidationError(_("Choose the product of this line."))
        return data


AnnualLineFormSet = forms.formset_factory(AnnualLineForm, extra=3, max_num=200, absolute_max=200)


def annual_line_formset(*, data=None, plan: AnnualPlan | None = None) -> forms.BaseFormSet:
    initial = []
    current: list[int] = []
    if plan is not None and plan.pk:
        for line in plan.lines.all():
            current.append(line.product_id)
            initial.append(
                {
                    "product": line.product_id,
                    "home_qty": line.home_qty,
                    "home_price": line.home_price,
                    "abroad_qty": line.abroad_qty,
                    "abroad_price": line.abroad_price,
                    "partner_qty": line.partner_qty,
                    "partner_price": line.partner_price,
                }
            )
    products = _products(current).order_by("code")
    return AnnualLineFormSet(
        data=data, initial=initial, prefix="lines", form_kwargs={"products": products}
    )


def annual_lines_of(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("product")]


# --- 表5-3 ------------------------------------------------------------------------------
class MonthPlanItemForm(VersionedForm):
    class Meta:
        model = MonthPlanItem
        fields = ["owner", "customer", "product", "quantity", "ship_on", "remarks", "order"]
        widgets = {"ship_on": DateInput()}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_field(self, user)
        inst = self.instance
        self.fields["customer"].queryset = _customers(user, [inst.customer_id] if inst.pk else [])
        self.fields["product"].queryset = _products([inst.product_id] if inst.pk else [])
        if inst.pk:
            # Once the customer has ordered, the planned order is linked to the real one.
            self.fields["order"].queryset = (
                orders_visible_to(user)
                .filter(customer_id=inst.customer_id)
                .exclude(status=OrderStatus.CANCELLED)
                .order_by("-ordered_on", "-pk")
            )
            self.fields["order"].label = "订单号"
        else:
            del self.fields["order"]


# --- 表5-4 ------------------------------------------------------------------------------
ACTION_SLOTS = (
    (ActionItemKind.VISIT, "customer"),
    (ActionItemKind.NEW, "customer"),
    (ActionItemKind.PRODUCT, "product"),
)


class ActionPlanForm(VersionedForm):
    month = MonthChoiceField(label=_("month"))

    class Meta:
        model = ActionPlan
        fields = ["owner", "month", "filled_on", "target", "plan_text"]
        widgets = {"filled_on": DateInput(), "plan_text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_field(self, user)
        self.fields["plan_text"].label = "月销售目标及计划"
        items = (
            {(i.kind, i.position): i for i in self.instance.items.all()} if self.instance.pk else {}
        )
        customers = _customers(user, [i.customer_id for i in items.values() if i.customer_id])
        products = _products([i.product_id for i in items.values() if i.product_id])
        if not self.instance.pk:
            self.fields["month"].initial = timezone.localdate().replace(day=1)
        self.slots: list[tuple[str, list]] = []
        for kind, what in ACTION_SLOTS:
            names = []
            for position in range(1, PAPER_LINES + 1):
                key = f"{kind}_{position}"
                item = items.get((kind, position))
                queryset = customers if what == "customer" else products
                self.fields[key] = forms.ModelChoiceField(
                    label=f"{position}.",
                    queryset=queryset,
                    required=False,
                    initial=(item.customer_id if what == "customer" else item.product_id)
                    if item
                    else None,
                )
                names.append(key)
                if kind == ActionItemKind.NEW:
                    self.fields[f"{key}_name"] = forms.CharField(
                        label=_("or a prospect not in the registry yet"),
                        max_length=120,
                        required=False,
                        initial=item.name if item else "",
                    )
                    names.append(f"{key}_name")
            self.slots.append((ActionItemKind(kind).label, [self[n] for n in names]))

    def items(self) -> list[dict]:
        data = self.cleaned_data
        found = []
        for kind, what in ACTION_SLOTS:
            for position in range(1, PAPER_LINES + 1):
                key = f"{kind}_{position}"
                found.append(
                    {
                        "kind": kind,
                        "position": position,
                        what: data.get(key),
                        "name": data.get(f"{key}_name", ""),
                    }
                )
        return found

    def plan_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self._meta.fields if k in self.cleaned_data}


# --- 表5-5 ------------------------------------------------------------------------------
class WeekPlanForm(VersionedForm):
    week_start = WeekChoiceField(label="周次")

    class Meta:
        model = WeekPlan
        fields = ["owner", "week_start", "goal1", "goal2", "goal3", "goal4"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_field(self, user)
        days = {d.weekday: d for d in self.instance.days.all()} if self.instance.pk else {}
        customers = _customers(user, [d.customer_id for d in days.values() if d.customer_id])
        products = _products([d.product_id for d in days.values() if d.product_id])
        if not self.instance.pk:
            self.fields["week_start"].initial = monday_of(timezone.localdate())
        self.day_rows = []
        for weekday, label in enumerate(WEEKDAYS):
            day = days.get(weekday)
            self.fields[f"d{weekday}_action"] = forms.CharField(
                label="重点行动计划",
                max_length=200,
                required=False,
                initial=day.action if day else "",
            )
            self.fields[f"d{weekday}_customer"] = forms.ModelChoiceField(
                label="重点拜访客户",
                queryset=customers,
                required=False,
                initial=day.customer_id if day else None,
            )
            self.fields[f"d{weekday}_product"] = forms.ModelChoiceField(
                label="重点销售产品",
                queryset=products,
                required=False,
                initial=day.product_id if day else None,
            )
            self.day_rows.append(
                (label, [self[f"d{weekday}_{part}"] for part in ("action", "customer", "product")])
            )

    def days(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "weekday": weekday,
                "action": data.get(f"d{weekday}_action", ""),
                "customer": data.get(f"d{weekday}_customer"),
                "product": data.get(f"d{weekday}_product"),
            }
            for weekday in range(7)
        ]

    def plan_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self._meta.fields if k in self.cleaned_data}
