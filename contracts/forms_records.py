"""Forms of the contract records (表5-22 … 5-25). Validation lives in the models and the
services (``full_clean``, the choice checks); these forms collect and present input."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contracts.models import (
    AuthorizationLetter,
    ContractArchive,
    ContractInspection,
    ContractTextUse,
)
from contracts.selectors_records import (
    archivable_contracts_for,
    handler_choices,
    inspection_contract_choices,
    text_use_contract_choices,
)
from contracts.services.records import (
    ARCHIVE_FIELDS,
    AUTHORIZATION_FIELDS,
    INSPECTION_FIELDS,
    TEXT_USE_FIELDS,
)
from ledger.forms import DateInput, VersionedForm

TEXTAREA = {"rows": 3}


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.name}（{obj.customer.name}）"


def _limit_contracts(field, queryset, instance_contract_id=None):
    if instance_contract_id:
        # The contract a record already names stays a choice.
        queryset = queryset.model._default_manager.filter(
            Q(pk__in=queryset.values("pk")) | Q(pk=instance_contract_id)
        )
    field.queryset = queryset.select_related("customer").order_by("-year", "-number")


class InspectionForm(VersionedForm):
    contract = ContractChoiceField(label=_("contract"), queryset=None)

    class Meta:
        model = ContractInspection
        fields = list(INSPECTION_FIELDS)
        widgets = {
            "inspected_on": DateInput(),
            "deadline": DateInput(),
            "performance": forms.Textarea(attrs=TEXTAREA),
            "problems": forms.Textarea(attrs=TEXTAREA),
            "measures": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_contracts(
            self.fields["contract"],
            inspection_contract_choices(user),
            self.instance.contract_id if self.instance.pk else None,
        )
        if not self.instance.pk:
            self.fields["inspected_on"].initial = timezone.localdate()


class TextUseForm(VersionedForm):
    contract = ContractChoiceField(label=_("contract"), queryset=None, required=False)

    class Meta:
        model = ContractTextUse
        fields = list(TEXT_USE_FIELDS)
        widgets = {"used_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_contracts(
            self.fields["contract"],
            text_use_contract_choices(user),
            self.instance.contract_id if self.instance.pk else None,
        )
        if not self.instance.pk:
            self.fields["used_on"].initial = timezone.localdate()
            self.fields["copies"].initial = 1


class AuthorizationForm(VersionedForm):
    class Meta:
        model = AuthorizationLetter
        fields = list(AUTHORIZATION_FIELDS)
        widgets = {"issued_on": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        handlers = handler_choices(user)
        if self.instance.pk and self.instance.handled_by_id:
            handlers = User.objects.filter(
                Q(pk__in=handlers.values("pk")) | Q(pk=self.instance.handled_by_id)
            )
        self.fields["handled_by"].queryset = handlers.distinct().order_by("username")
        if not self.instance.pk:
            self.fields["handled_by"].initial = user.pk
            self.fields["issued_on"].initial = timezone.localdate()
            if user.department_id:
                self.fields["department"].initial = str(user.department)

    def clean(self):
        data = super().clean()
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", _("The letter cannot expire before it is issued."))
        return data


class ArchiveForm(VersionedForm):
    class Meta:
        model = ContractArchive
        fields = list(ARCHIVE_FIELDS)
        widgets = {"archived_on": DateInput()}

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["archived_on"].initial = timezone.localdate()
            if contract is not None:
                self.fields["copies"].initial = getattr(contract, "copies", 1) or 1


class ArchiveChooseForm(forms.Form):
    contract = ContractChoiceField(label=_("completed contract"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_contracts(self.fields["contract"], archivable_contracts_for(user))
