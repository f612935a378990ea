"""Forms of the customer registry and the product master. Validation lives in the
models (``full_clean`` in the services); these forms only collect and present input.
"""

import json

from django import forms
from django.db.models import Count
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import owner_choices_for, owners_managed_by
from ledger.models import (
    Contact,
    Customer,
    CustomerEvent,
    EventKind,
    Product,
    ServiceKind,
    ServiceRecord,
)
from ledger.selectors import handler_choices_for
from ledger.services.customers import CONTACT_FIELDS, CUSTOMER_FIELDS, is_blank_contact
from ledger.services.products import FIELDS as PRODUCT_FIELDS

TEXTAREA = {"rows": 3}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.ModelForm):
    """An edit form carries the version of the record it was opened at (hidden); the
    service refuses the save when the record has moved on since. A missing or damaged
    version on an edit form is an error, never a silent overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True


class CustomerForm(VersionedForm):
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked the similar customers above; save anyway"), required=False
    )

    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)
        widgets = {
            "overdue_record": forms.Textarea(attrs=TEXTAREA),
            "risk_warning": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].widget.attrs.update({"autofocus": True})
        owners = owner_choices_for(user)
        if self.instance.pk and self.instance.owner_id:
            owners = owners | User.objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = owners.distinct().order_by("username")
        if not self.instance.pk:
            self.fields["owner"].initial = user.pk
        if owners.count() <= 1:
            # A salesperson owns what they enter; nothing to choose.
            self.fields["owner"].disabled = True
            self.fields["owner"].initial = self.instance.owner_id or user.pk
        if self.instance.pk:
            del self.fields["confirm_duplicate"]


class ContactForm(VersionedForm):
    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)

    def has_changed(self):
        # A new row whose only value is its pre-set type (主要/辅助联系人) is an unused row:
        # the formset skips it instead of asking for a name.
        if self.instance.pk is None and is_blank_contact(
            {name: self[name].data for name in CONTACT_FIELDS}
        ):
            return False
        return super().has_changed()


ContactFormSet = inlineformset_factory(
    Customer,
    Contact,
    form=ContactForm,
    extra=2,
    can_delete=False,
    max_num=30,
    absolute_max=30,  # a forged TOTAL_FORMS never builds more forms than this
    validate_max=True,
)

# The contact table of the customer's edit page: existing contacts (each with its
# version), one empty row to add a contact, and a 删除 box on the existing ones.
ContactEditFormSet = inlineformset_factory(
    Customer,
    Contact,
    form=ContactForm,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=30,
    validate_max=True,
)


class EventForm(forms.ModelForm):
    class Meta:
        model = CustomerEvent
        fields = ["kind", "occurred_on", "title", "detail"]
        widgets = {"occurred_on": DateInput(), "detail": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["kind"].initial = EventKind.MEETING


# The 内容 label names the kind of record: 咨询内容, 投诉内容 or 建议内容.
CONTENT_LABELS = {
    ServiceKind.CONSULTATION: _("Consultation content"),
    ServiceKind.COMPLAINT: _("Complaint content"),
    ServiceKind.SUGGESTION: _("Suggestion content"),
}


class ServiceRecordForm(VersionedForm):
    class Meta:
        model = ServiceRecord
        fields = [
            "kind",
            "received_on",
            "client_name",
            "contact_info",
            "content",
            "result",
            "handler",
            "handled_on",
        ]
        widgets = {
            "received_on": DateInput(),
            "handled_on": DateInput(),
            "content": forms.Textarea(attrs=TEXTAREA),
            "result": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        record = self.instance if self.instance.pk else None
        self.fields["handler"].queryset = handler_choices_for(user, record).order_by("username")
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else self.instance.kind
        kind = kind or self.initial.get("kind") or self.fields["kind"].initial
        if kind in CONTENT_LABELS:
            self.fields["content"].label = CONTENT_LABELS[kind]
        # static/js/service-kind.js relabels the field when the kind changes.
        self.fields["kind"].widget.attrs["data-content-labels"] = json.dumps(
            {key: str(label) for key, label in CONTENT_LABELS.items()}, ensure_ascii=False
        )


class OwnerWithCountField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s (%(count)s customers)") % {"name": obj, "count": obj.customer_count}


class HandoverForm(forms.Form):
    from_user = OwnerWithCountField(label=_("from (departing salesperson)"), queryset=None)
    to_user = forms.ModelChoiceField(label=_("to (new owner)"), queryset=None)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = (
            owners_managed_by(user, include_inactive=True)
            .annotate(customer_count=Count("customers"))
            .order_by("username")
        )
        self.fields["to_user"].queryset = owners_managed_by(user).order_by("username")

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", _("Choose two different people."))
        return data


class ProductForm(VersionedForm):
    class Meta:
        model = Product
        fields = list(PRODUCT_FIELDS)


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("month"), widget=forms.TextInput(attrs={"type": "month"}), max_length=7
    )

    def clean_month(self):
        from ledger.engine.query import parse_month

        value = self.cleaned_data["month"]
        if parse_month(value) is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."))
        return value
