"""Writes to the contract family's records: inspections (表5-22), uses of contract texts
(表5-23), letters of authorisation (表5-24) and the archive (表5-25).

Every service checks who acts (the predicates of ``contracts.selectors_records``), validates
with ``full_clean`` and records the history user; updates go through
``ledger.services.base.update_record`` (lock → version → validate → save).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import (
    AuthorizationLetter,
    ContractArchive,
    ContractInspection,
    ContractTextUse,
    RecordSeries,
)
from contracts.selectors_records import (
    can_archive,
    can_edit_inspection,
    can_keep_office_registers,
    can_record_inspection,
    contracts_for_records,
    handler_choices,
    inspection_contract_choices,
    text_use_contract_choices,
)
from ledger.numbering import next_number
from ledger.services.base import update_record

INSPECTION_FIELDS = (
    "contract",
    "inspected_on",
    "items",
    "performance",
    "problems",
    "measures",
    "deadline",
    "remarks",
)
TEXT_USE_FIELDS = (
    "text_name",
    "text_source",
    "copies",
    "seal_name",
    "user_name",
    "used_on",
    "contract",
    "remarks",
)
AUTHORIZATION_FIELDS = (
    "department",
    "holder_name",
    "position",
    "issued_on",
    "principal",
    "agent",
    "matter",
    "amount",
    "valid_until",
    "authority",
    "handled_by",
    "remarks",
)
ARCHIVE_FIELDS = ("archived_on", "copies", "remarks")

# The state a contract must have reached before it is archived, and the one archiving
# moves it to, where the contract's workflow declares them.
COMPLETED, ARCHIVED = "completed", "archived"


def _assign(record, data: Mapping[str, Any], fields) -> None:
    for field in fields:
        if field in data:
            setattr(record, field, data[field])


def _check_choice(queryset, value, field: str, message: str) -> None:
    if value is not None and not queryset.filter(pk=value.pk).exists():
        raise ValidationError({field: message})


# --- 表5-22 --------------------------------------------------------------------------------
def _check_inspection_contract(actor: User, inspection: ContractInspection, before=None) -> None:
    if before is not None and inspection.contract_id == before.contract_id:
        return
    _check_choice(
        inspection_contract_choices(actor),
        inspection.contract,
        "contract",
        _("You may not record an inspection of this contract."),
    )


@transaction.atomic
def inspection_create(*, actor: User, data: Mapping[str, Any]) -> ContractInspection:
    """Record an inspection of a contract's performance (表5-22).

    Who: the 销售助理, managers, the 总经理 and admins, for a contract they may see; the
    actor is the 检查人.
    """
    if not can_record_inspection(actor):
        raise PermissionDenied(_("You may not record contract inspections."))
    inspection = ContractInspection(inspector=actor, created_by=actor)
    _assign(inspection, data, INSPECTION_FIELDS)
    if inspection.contract_id is None:
        raise ValidationError({"contract": _("Choose the contract inspected.")})
    _check_inspection_contract(actor, inspection)
    inspection.full_clean()
    inspection._history_user = actor
    inspection.save()
    return inspection


@transaction.atomic
def inspection_update(
    *,
    actor: User,
    inspection: ContractInspection,
    data: Mapping[str, Any],
    expected_version: int,
) -> ContractInspection:
    """Correct an inspection. Who: its inspector, the 总经理, admins; stale versions are
    refused."""

    def check():
        if not can_edit_inspection(actor, inspection):
            raise PermissionDenied(_("Only the inspector may change this inspection."))

    return update_record(
        inspection,
        actor=actor,
        data=data,
        fields=INSPECTION_FIELDS,
        expected_version=expected_version,
        check=check,
        validate=lambda changed, before: _check_inspection_contract(actor, changed, before),
    )


# --- 表5-23 --------------------------------------------------------------------------------
def _check_office(actor: User) -> None:
    if not can_keep_office_registers(actor):
        raise PermissionDenied(_("Only the sales assistant and admins keep this register."))


def _check_text_use_contract(actor: User, record: ContractTextUse, before=None) -> None:
    if before is not None and record.contract_id == before.contract_id:
        return
    _check_choice(
        text_use_contract_choices(actor),
        record.contract,
        "contract",
        _("You may not name this contract."),
    )


@transaction.atomic
def text_use_create(*, actor: User, data: Mapping[str, Any]) -> ContractTextUse:
    """Record a taking of contract texts (表5-23). Who: the 销售助理 and admins."""
    _check_office(actor)
    record = ContractTextUse(created_by=actor)
    _assign(record, data, TEXT_USE_FIELDS)
    _check_text_use_contract(actor, record)
    record.full_clean()
    record._history_user = actor
    record.save()
    return record


@transaction.atomic
def text_use_update(
    *, actor: User, record: ContractTextUse, data: Mapping[str, Any], expected_version: int
) -> ContractTextUse:
    """Correct a text use. Who: the 销售助理 and admins; stale versions are refused."""
    return update_record(
        record,
        actor=actor,
        data=data,
        fields=TEXT_USE_FIELDS,
        expected_version=expected_version,
        check=lambda: _check_office(actor),
        validate=lambda changed, before: _check_text_use_contract(actor, changed, before),
    )


# --- 表5-24 --------------------------------------------------------------------------------
def _check_handler(actor: User, letter: AuthorizationLetter, before=None) -> None:
    if before is not None and letter.handled_by_id == before.handled_by_id:
        return
    _check_choice(
        handler_choices(actor),
        letter.handled_by,
        "handled_by",
        _("This person cannot be named as the handler."),
    )


@transaction.atomic
def authorization_create(*, actor: User, data: Mapping[str, Any]) -> AuthorizationLetter:
    """Register a 《授权委托书》 (表5-24) and give it the next 证号 of its year
    (``WT-2026-0001``). Who: the 销售助理 and admins."""
    _check_office(actor)
    letter = AuthorizationLetter(created_by=actor, handled_by=actor)
    _assign(letter, data, AUTHORIZATION_FIELDS)
    if letter.handled_by_id is None:
        letter.handled_by = actor
    _check_handler(actor, letter)
    # Validate before a number is drawn, so a refused letter leaves no trace.
    letter.full_clean(exclude=["number"])
    letter.number = next_number(RecordSeries.AUTHORIZATION, letter.issued_on.year)
    letter.full_clean()
    letter._history_user = actor
    letter.save()
    return letter


@transaction.atomic
def authorization_update(
    *,
    actor: User,
    letter: AuthorizationLetter,
    data: Mapping[str, Any],
    expected_version: int,
) -> AuthorizationLetter:
    """Correct a letter's entry; its 证号 stays. Who: the 销售助理 and admins."""
    return update_record(
        letter,
        actor=actor,
        data=data,
        fields=AUTHORIZATION_FIELDS,
        expected_version=expected_version,
        check=lambda: _check_office(actor),
        validate=lambda changed, before: _check_handler(actor, changed, before),
    )


# --- 表5-25 --------------------------------------------------------------------------------
def _workflow_of(contract):
    from ledger.workflow import registry

    try:
        return registry.of(contract)
    except Exception:
        return None


@transaction.atomic
def contract_archive(
    *,
    actor: User,
    contract,
    data: Mapping[str, Any],
    expected_state: str | None = None,
) -> ContractArchive:
    """Archive a completed contract (表5-25): its 档案编号 is the next of the archive year
    (``GD-2026-0001``, gapless), and the contract moves to 已归档 through its workflow
    (``ledger.workflow.transition``) where the workflow declares that state.

    A contract already 已归档 without its record (moved there by another path) gets its
    record and number, with no further move.

    Who: the 销售助理 and admins, for a contract they may see. A contract is archived once:
    a second attempt (two clerks at once included) is refused with a clear message.
    """
    if not can_archive(actor):
        raise PermissionDenied(_("Only the sales assistant and admins archive contracts."))
    model = type(contract)
    # The contract's row is the lock two clerks archiving at once queue on.
    try:
        locked = contracts_for_records(actor).select_for_update(of=("self",)).get(pk=contract.pk)
    except model.DoesNotExist:
        raise PermissionDenied(_("You may not archive this contract.")) from None
    if ContractArchive.objects.filter(contract=locked).exists():
        existing = ContractArchive.objects.get(contract=locked)
        raise ValidationError(
            _("This contract was already archived under %(number)s.") % {"number": existing}
        )
    workflow = _workflow_of(locked)
    states = set(workflow.states.values) if workflow is not None else set()
    if COMPLETED in states:
        state = workflow.state_of(locked)
        if expected_state is not None and state != expected_state:
            raise ValidationError(
                _("The contract's status changed meanwhile; reload the page and try again.")
            )
        # A contract moved to 已归档 by another path still gets its record and number.
        if state not in (COMPLETED, ARCHIVED):
            raise ValidationError(
                _("Only a completed contract can be archived; its status is “%(state)s”.")
                % {"state": workflow.label_of(state)}
            )
    archive = ContractArchive(contract=locked, archived_by=actor)
    _assign(archive, data, ARCHIVE_FIELDS)
    if archive.archived_on is None:
        archive.archived_on = timezone.localdate()
    archive.full_clean(exclude=["number"])
    archive.number = next_number(RecordSeries.ARCHIVE, archive.archived_on.year)
    archive.full_clean()
    archive._history_user = actor
    archive.save()
    state = workflow.state_of(locked) if workflow is not None else None
    if ARCHIVED in states and state != ARCHIVED and workflow.get(state, ARCHIVED) is not None:
        from ledger.workflow import transition

        transition(
            obj=locked,
            to=ARCHIVED,
            actor=actor,
            note=_("Archive number %(number)s") % {"number": archive.number},
        )
        setattr(contract, workflow.field, workflow.state_of(locked))
    return archive


@transaction.atomic
def archive_update(
    *, actor: User, archive: ContractArchive, data: Mapping[str, Any], expected_version: int
) -> ContractArchive:
    """Correct an archive entry (date, copies, remarks); the 档案编号 stays."""

    def check():
        if not can_archive(actor):
            raise PermissionDenied(_("Only the sales assistant and admins archive contracts."))

    def validate(changed, before):
        if changed.archived_on.year != before.archived_on.year:
            raise ValidationError(
                {"archived_on": _("The archive date must stay in the year of its number.")}
            )

    return update_record(
        archive,
        actor=actor,
        data=data,
        fields=ARCHIVE_FIELDS,
        expected_version=expected_version,
        check=check,
        validate=validate,
    )
