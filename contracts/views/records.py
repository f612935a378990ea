"""Pages that enter and correct the contract records: inspections (表5-22), text uses
(表5-23), letters of authorisation (表5-24), and archiving a completed contract (表5-25).

Thin views: the selectors fetch and authorise (404 for what the user may not see), the
services decide and write; a form sent twice saves once (``ledger.submissions``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from contracts.forms_records import (
    ArchiveChooseForm,
    ArchiveForm,
    AuthorizationForm,
    InspectionForm,
    TextUseForm,
)
from contracts.models import Contract
from contracts.selectors_records import (
    archivable_contracts_for,
    can_archive,
    can_edit_inspection,
    can_keep_office_registers,
    can_record_inspection,
    get_archive_for,
    get_authorization_for,
    get_inspection_for,
    get_text_use_for,
)
from contracts.services import records as services
from ledger import submissions
from ledger.services.base import StaleRecordError
from ledger.workflow import TransitionRefused

FORM_TEMPLATE = "contracts/records/form.html"


def register_url(code: str) -> str:
    return reverse("register-list", args=[code])


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RecordFormView(View):
    """Create (no pk) or edit (pk) one record of a register, then back to the register."""

    code: str
    form_class: type
    new_heading: str
    edit_heading: str

    def may_create(self, user) -> bool:
        raise NotImplementedError

    def may_edit(self, user, record) -> bool:
        return self.may_create(user)

    def get_record(self, user, pk):
        raise NotImplementedError

    def create(self, actor, data):
        raise NotImplementedError

    def update(self, actor, record, data, expected_version):
        raise NotImplementedError

    def saved_message(self, record) -> str:
        raise NotImplementedError

    def initial(self) -> dict:
        return {}

    def dispatch(self, request, *args, pk=None, **kwargs):
        if not self.may_create(request.user):
            raise PermissionDenied
        self.record = self.get_record(request.user, pk) if pk is not None else None
        if self.record is not None and not self.may_edit(request.user, self.record):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        kwargs = {"instance": self.record, "user": self.request.user}
        if self.record is None and data is None:
            kwargs["initial"] = self.initial()
        return self.form_class(data, **kwargs)

    def get(self, request):
        return self.render(self.make_form())

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = self.make_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if self.record is None:
                        saved = self.create(request.user, data)
                    else:
                        saved = self.update(request.user, self.record, data, data["version"])
                    submissions.remember(request, register_url(self.code))
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("This action is not allowed for you."))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, self.saved_message(saved))
                return redirect(register_url(self.code))
        return self.render(form)

    def render(self, form):
        return render(
            self.request,
            FORM_TEMPLATE,
            {
                "form": form,
                "heading": self.edit_heading if self.record else self.new_heading,
                "code": self.code,
                "record": self.record,
                "back_url": register_url(self.code),
            },
        )


class InspectionFormView(RecordFormView):
    code = "5-22"
    form_class = InspectionForm

    @property
    def new_heading(self):
        return _("New contract inspection")

    @property
    def edit_heading(self):
        return _("Edit contract inspection")

    def may_create(self, user):
        return can_record_inspection(user)

    def may_edit(self, user, record):
        return can_edit_inspection(user, record)

    def get_record(self, user, pk):
        return get_inspection_for(user, pk)

    def initial(self):
        value = self.request.GET.get("contract", "")
        return {"contract": value} if value.isascii() and value.isdigit() else {}

    def create(self, actor, data):
        return services.inspection_create(actor=actor, data=data)

    def update(self, actor, record, data, expected_version):
        return services.inspection_update(
            actor=actor, inspection=record, data=data, expected_version=expected_version
        )

    def saved_message(self, record):
        return _("Inspection of contract %(number)s saved.") % {"number": record.contract.number}


class TextUseFormView(RecordFormView):
    code = "5-23"
    form_class = TextUseForm

    @property
    def new_heading(self):
        return _("New contract text use")

    @property
    def edit_heading(self):
        return _("Edit contract text use")

    def may_create(self, user):
        return can_keep_office_registers(user)

    def get_record(self, user, pk):
        return get_text_use_for(user, pk)

    def create(self, actor, data):
        return services.text_use_create(actor=actor, data=data)

    def update(self, actor, record, data, expected_version):
        return services.text_use_update(
            actor=actor, record=record, data=data, expected_version=expected_version
        )

    def saved_message(self, record):
        return _("Use of “%(name)s” saved.") % {"name": record.text_name}


class AuthorizationFormView(RecordFormView):
    code = "5-24"
    form_class = AuthorizationForm

    @property
    def new_heading(self):
        return _("New letter of authorization")

    @property
    def edit_heading(self):
        return _("Edit letter of authorization")

    def may_create(self, user):
        return can_keep_office_registers(user)

    def get_record(self, user, pk):
        return get_authorization_for(user, pk)

    def create(self, actor, data):
        return services.authorization_create(actor=actor, data=data)

    def update(self, actor, record, data, expected_version):
        return services.authorization_update(
            actor=actor, letter=record, data=data, expected_version=expected_version
        )

    def saved_message(self, record):
        return _("Letter of authorization %(number)s saved.") % {"number": record.number}


class ArchiveEditView(RecordFormView):
    code = "5-25"
    form_class = ArchiveForm

    @property
    def new_heading(self):
        return _("Archive a contract")

    @property
    def edit_heading(self):
        return _("Edit archive record")

    def may_create(self, user):
        return can_archive(user)

    def get_record(self, user, pk):
        return get_archive_for(user, pk)

    def dispatch(self, request, *args, pk=None, **kwargs):
        if pk is None:
            raise Http404
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def make_form(self, data=None):
        return ArchiveForm(data, instance=self.record)

    def update(self, actor, record, data, expected_version):
        return services.archive_update(
            actor=actor, archive=record, data=data, expected_version=expected_version
        )

    def saved_message(self, record):
        return _("Archive record %(number)s saved.") % {"number": record.number}


class ArchiveChooseView(View):
    """Choose a completed contract to archive; the next page confirms."""

    def dispatch(self, request, *args, **kwargs):
        if not can_archive(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = ArchiveChooseForm(request.GET or None, user=request.user)
        if form.is_bound and form.is_valid():
            return redirect("contracts:archive-create", pk=form.cleaned_data["contract"].pk)
        return render(
            request,
            "contracts/records/archive_choose.html",
            {"form": form, "back_url": register_url("5-25")},
        )


class ArchiveCreateView(View):
    """Confirm and archive one completed contract: the 档案编号 is given on saving."""

    template_name = "contracts/records/archive_confirm.html"

    def dispatch(self, request, *args, pk, **kwargs):
        if not can_archive(request.user):
            raise PermissionDenied
        try:
            self.contract = (
                archivable_contracts_for(request.user).select_related("customer").get(pk=int(pk))
            )
        except (ValueError, TypeError, OverflowError, Contract.DoesNotExist):
            raise Http404("no contract to archive") from None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(ArchiveForm(contract=self.contract))

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = ArchiveForm(request.POST, contract=self.contract)
        if form.is_valid():
            try:
                with transaction.atomic():
                    archive = services.contract_archive(
                        actor=request.user,
                        contract=self.contract,
                        data=form.cleaned_data,
                        expected_state=request.POST.get("expected_state") or None,
                    )
                    submissions.remember(request, register_url("5-25"))
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except (PermissionDenied, TransitionRefused, StaleRecordError) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Contract %(contract)s archived under %(number)s.")
                    % {"contract": self.contract.number, "number": archive.number},
                )
                return redirect(register_url("5-25"))
        return self.render(form)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "contract": self.contract,
                "back_url": register_url("5-25"),
            },
        )
