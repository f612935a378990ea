"""Forms of contracts, their reviews and changes. They collect and present input; the
rules are the services' (``full_clean`` and the selectors' predicates)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.selectors import owner_choices_for
from contracts.models import (
    ChangeBasis,
    Contract,
    NoticeDepartment,
    Opinion,
)
from contracts.services.changes import CHANGE_FIELDS
from contracts.services.contracts import CONTRACT_FIELDS
from ledger.forms import DateInput, VersionedForm
from ledger.models import Product
from ledger.selectors import customers_visible_to

TEXTAREA = {"rows": 3}
DATE_FIELDS = ("signed_on", "start_on", "end_on", "delivery_on", "advance_due_on")


class ContractForm(VersionedForm):
    class Meta:
        model = Contract
        fields = list(CONTRACT_FIELDS)
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS},
            "quality_requirements": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_visible_to(user).order_by("name")
        owners = owner_choices_for(user)
        if self.instance.pk:
            owners = owners | owners.model.objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = owners.distinct()
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: yourself.")
        self.fields["executing_department"].queryset = Department.objects.order_by("name")
        self.fields["amount"].required = False
        self.fields["amount"].help_text = _("With product lines, the sum of their amounts.")
        if self.instance.pk:
            self.fields["customer"].disabled = True

    def clean_owner(self):
        return self.cleaned_data.get("owner") or None


class LineForm(forms.Form):
    """One product line; an all-blank line is skipped, a line marked 删除 removed."""

    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.filter(is_active=True), required=False
    )
    product_name = forms.CharField(label=_("product name"), max_length=120, required=False)
    spec = forms.CharField(label=_("specification"), max_length=120, required=False)
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    quantity = forms.DecimalField(
        label=_("quantity"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    unit_price = forms.DecimalField(
        label=_("unit price"), max_digits=14, decimal_places=2, min_value=0, required=False
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(k) not in (None, "") for k in self.fields if k != "DELETE")

    def clean(self):
        data = super().clean()
        if self.is_blank() or data.get("DELETE"):
            return data
        if not data.get("product") and not data.get("product_name"):
            self.add_error("product_name", _("Choose a product or enter its name."))
        if not data.get("quantity"):
            self.add_error("quantity", _("Enter a quantity above zero."))
        if data.get("unit_price") is None:
            self.add_error("unit_price", _("Enter the unit price."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=0, can_delete=True, max_num=200)


def lines_of(formset) -> list[dict]:
    """The lines to keep, in order: not blank, not marked for deletion."""
    kept = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or form.is_blank():
            continue
        line = {k: v for k, v in data.items() if k != "DELETE"}
        if line.get("product") and not line.get("product_name"):
            line["product_name"] = line["product"].name
        kept.append(line)
    return kept


class SignForm(forms.Form):
    opinion = forms.ChoiceField(
        label=_("opinion"), choices=Opinion.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required with 不同意: the reasons go back to the handler."),
    )


class SealSpecialForm(forms.Form):
    note = forms.CharField(
        label=_("special process reason"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )


UNCHANGED = ""
BOOL_CHOICES = [(UNCHANGED, _("Unchanged")), ("1", "是"), ("0", "否")]


class ChangeRequestForm(forms.Form):
    """5-15: the request's own fields, then the new value of each contract value that
    changes (empty: unchanged)."""

    unit_name = forms.CharField(label=_("unit name"), max_length=120, required=False)
    applied_on = forms.DateField(label=_("application date"), widget=DateInput())
    content = forms.CharField(
        label=_("change content"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    raised_by_customer = forms.TypedChoiceField(
        label="提出更改单位",
        choices=[("1", "客户"), ("0", "本实体")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    basis = forms.MultipleChoiceField(
        label="变更依据",
        choices=ChangeBasis.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    basis_other = forms.CharField(label=_("other basis"), max_length=60, required=False)
    notify_departments = forms.MultipleChoiceField(
        label="通知本实体的",
        choices=NoticeDepartment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notify_other = forms.CharField(label=_("other department"), max_length=60, required=False)
    notify_related = forms.CharField(label="通知相关部门", max_length=200, required=False)
    remarks = forms.CharField(label=_("remarks"), max_length=200, required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        for name in CHANGE_FIELDS:
            model_field = Contract._meta.get_field(name)
            current = getattr(contract, name)
            label = _("New %(field)s") % {"field": model_field.verbose_name}
            if name in (
                "pay_advance",
                "pay_on_acceptance",
                "pay_retention",
                "is_penalty",
                "sample_sealed",
            ):
                field = forms.ChoiceField(label=label, choices=BOOL_CHOICES, required=False)
            else:
                field = model_field.formfield(required=False)
                field.label = label
                if name in DATE_FIELDS:
                    field.widget = DateInput()
                if name == "quality_requirements":
                    field.widget = forms.Textarea(attrs=TEXTAREA)
            shown = "是" if current is True else "否" if current is False else current
            field.help_text = _("Now: %(value)s") % {
                "value": shown if shown not in (None, "") else "—"
            }
            self.fields[f"new_{name}"] = field

    def new_fields(self):
        return [self[f"new_{name}"] for name in CHANGE_FIELDS]

    def request_fields(self):
        return [self[name] for name in self.fields if not name.startswith("new_")]

    def proposed(self) -> dict:
        """The new values entered (as text for the service to convert and validate)."""
        values = {}
        for name in CHANGE_FIELDS:
            value = self.cleaned_data.get(f"new_{name}")
            if value in (None, "", UNCHANGED):
                continue
            if name in (
                "pay_advance",
                "pay_on_acceptance",
                "pay_retention",
                "is_penalty",
                "sample_sealed",
            ):
                value = value == "1"
            values[name] = value
        return values

    def request_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("new_")}
