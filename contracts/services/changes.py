"""The change of a contract: 合同变更申请单 (5-15) → new contract version → 通知单 (5-16)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts import selectors
from contracts.models import (
    ChangeBasis,
    ChangeNotice,
    ChangeRequest,
    ChangeStatus,
    Contract,
    ContractVersion,
    NoticeDepartment,
)
from contracts.services.contracts import _timeline
from ledger.numbering import next_number
from ledger.workflow import transition

REQUEST_PREFIX = "BG"
NOTICE_PREFIX = "TZ"

# The contract values a change request may change (the terms of 5-14 and the registers).
CHANGE_FIELDS = (
    "name",
    "amount",
    "net_amount",
    "payment_terms",
    "pay_advance",
    "pay_on_acceptance",
    "pay_retention",
    "start_on",
    "end_on",
    "delivery_on",
    "advance_due_on",
    "is_penalty",
    "copies",
    "pages_per_copy",
    "delivery_place",
    "acceptance_method",
    "quality_requirements",
    "sample_sealed",
    "remarks",
)
REQUEST_FIELDS = (
    "unit_name",
    "applied_on",
    "content",
    "raised_by_customer",
    "basis",
    "basis_other",
    "notify_departments",
    "notify_other",
    "notify_related",
    "remarks",
)


def value_text(value: Any) -> str:
    """A contract value as kept in a version's snapshot and shown in the diff."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _stored(value: Any) -> Any:
    """JSON-safe: dates and decimals as text, the rest as they are."""
    if isinstance(value, datetime.date | Decimal):
        return value_text(value)
    return value


def snapshot_of(contract: Contract) -> dict[str, Any]:
    return {name: _stored(getattr(contract, name)) for name in CHANGE_FIELDS}


def clean_proposed(proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The proposed values, each converted and validated by its model field; unknown
    fields are refused. Returns {field: python value}."""
    cleaned, errors = {}, {}
    for name, raw in proposed.items():
        if name not in CHANGE_FIELDS:
            errors[name] = _("This value cannot be changed by a change request.")
            continue
        field = Contract._meta.get_field(name)
        value = raw
        if isinstance(raw, str) and raw.strip() == "" and field.null:
            value = None
        try:
            value = field.to_python(value)
            if isinstance(field, models.BooleanField):
                value = bool(value)
            field.run_validators(value) if value is not None else None
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_ticks(data: Mapping[str, Any]) -> None:
    if any(k not in ChangeBasis.values for k in data.get("basis") or []):
        raise ValidationError({"basis": _("Choose from the list.")})
    if any(k not in NoticeDepartment.values for k in data.get("notify_departments") or []):
        raise ValidationError({"notify_departments": _("Choose from the list.")})


def change_create(
    *, contract: Contract, actor: User, data: Mapping[str, Any], proposed: Mapping[str, Any]
) -> ChangeRequest:
    """拟制: the contract's owner drafts a change request (5-15), numbered BG-YYYY-NNNN.

    Only after the review passed and before completion (``may_draft_change``); one open
    request per contract at a time; ``proposed`` holds the new values of the contract
    (at least one, each valid for its field).
    """
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if not selectors.may_draft_change(actor, locked):
            raise PermissionDenied(
                _("Only the contract's handler drafts a change, once its review has passed.")
            )
        if locked.changes.filter(status__in=[ChangeStatus.DRAFT, ChangeStatus.CHECKED]).exists():
            raise ValidationError(_("This contract already has a change request in progress."))
        values = clean_proposed(proposed)
        if not values:
            raise ValidationError(_("Enter at least one new value of the contract."))
        _check_ticks(data)
        current = snapshot_of(locked)
        if all(_stored(v) == current[k] for k, v in values.items()):
            raise ValidationError(_("The new values are the contract's current values."))
        change = ChangeRequest(contract=locked, drafted_by=actor)
        for field in REQUEST_FIELDS:
            if field in data:
                setattr(change, field, data[field])
        if not change.unit_name:
            change.unit_name = locked.customer.name
        if not change.applied_on:
            change.applied_on = timezone.localdate()
        change.proposed = {k: _stored(v) for k, v in values.items()}
        change.number = next_number(REQUEST_PREFIX, change.applied_on.year)
        change.full_clean()
        change._history_user = actor
        change.save()
    return change


def _lock_change(change: ChangeRequest) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("contract", "contract__owner")
        .get(pk=change.pk)
    )


def _refuse(user: User, change: ChangeRequest, action: str, expected: str) -> None:
    if change.status != expected:
        # transition() says who moved it first and when.
        return
    refusal = selectors.change_refusal(user, change, action)
    if refusal:
        raise PermissionDenied(refusal)


def change_check(*, change: ChangeRequest, actor: User) -> ChangeRequest:
    """审核: a manager of the contract's owner, not the person who drafted it."""
    with transaction.atomic():
        locked = _lock_change(change)
        _refuse(actor, locked, "check", ChangeStatus.DRAFT)
        if locked.status == ChangeStatus.DRAFT:
            locked.checked_by, locked.checked_at = actor, timezone.now()
            locked.save(update_fields=["checked_by", "checked_at"])
        transition(
            obj=locked, to=ChangeStatus.CHECKED, actor=actor, expected_state=ChangeStatus.DRAFT
        )
    return locked


def change_approve(*, change: ChangeRequest, actor: User) -> ContractVersion:
    """批准: the 总经理, a third person (neither drafter nor checker). The change is applied
    to the contract as its next version (the old values kept in the version's snapshot,
    the field-by-field diff beside them), and one 5-16 row is issued to each department
    ticked in 相关事项 3, under a notice number TZ-YYYY-NNNN."""
    with transaction.atomic():
        locked = _lock_change(change)
        _refuse(actor, locked, "approve", ChangeStatus.CHECKED)
        contract = Contract.objects.select_for_update().get(pk=locked.contract_id)
        if locked.status == ChangeStatus.CHECKED:
            if contract.status not in selectors.CHANGEABLE_STATES:
                raise ValidationError(
                    _("The contract is “%(state)s”: it can no longer be changed.")
                    % {"state": contract.get_status_display()}
                )
            locked.approved_by, locked.approved_at = actor, timezone.now()
            locked.save(update_fields=["approved_by", "approved_at"])
        transition(
            obj=locked, to=ChangeStatus.APPROVED, actor=actor, expected_state=ChangeStatus.CHECKED
        )
        version = _apply(contract=contract, change=locked, actor=actor)
        locked.notice_number = next_number(NOTICE_PREFIX, timezone.localdate().year)
        locked.save(update_fields=["notice_number"])
        departments = [d for d in NoticeDepartment.values if d in (locked.notify_departments or [])]
        ChangeNotice.objects.bulk_create(
            ChangeNotice(change_request=locked, department=d) for d in departments
        )
        _timeline(
            contract,
            actor,
            _("Contract %(number)s changed to version %(version)s")
            % {"number": contract.number, "version": version.number},
            detail="；".join(f"{d['label']}：{d['old']} → {d['new']}" for d in version.diff),
        )
    return version


def _apply(*, contract: Contract, change: ChangeRequest, actor: User) -> ContractVersion:
    before = snapshot_of(contract)
    values = clean_proposed(change.proposed)
    diff = []
    for name in CHANGE_FIELDS:
        if name not in values:
            continue
        old, new = getattr(contract, name), values[name]
        if _stored(old) == _stored(new):
            continue
        diff.append(
            {
                "field": name,
                "label": str(Contract._meta.get_field(name).verbose_name),
                "old": value_text(old),
                "new": value_text(new),
            }
        )
        setattr(contract, name, new)
    contract.revision += 1
    contract.version += 1
    contract.full_clean()
    contract._history_user = actor
    contract._change_reason = change.number
    contract.save()
    version = ContractVersion(
        contract=contract,
        number=contract.revision,
        change_request=change,
        snapshot=before,
        diff=diff,
        created_by=actor,
    )
    version.full_clean()
    version.save()
    return version


def change_reject(*, change: ChangeRequest, actor: User, note: str) -> ChangeRequest:
    """不予审核/批准: whoever may take the next step refuses it, saying why."""
    with transaction.atomic():
        locked = _lock_change(change)
        transition(obj=locked, to=ChangeStatus.REJECTED, actor=actor, note=note)
    return locked


def change_withdraw(*, change: ChangeRequest, actor: User) -> ChangeRequest:
    """撤回: the drafter takes back a request not yet approved."""
    with transaction.atomic():
        locked = _lock_change(change)
        transition(obj=locked, to=ChangeStatus.WITHDRAWN, actor=actor)
    return locked


def notice_acknowledge(*, notice: ChangeNotice, actor: User) -> ChangeNotice:
    """签字, 日期: the notified department's user acknowledges its 5-16 row, once."""
    with transaction.atomic():
        locked = (
            ChangeNotice.objects.select_for_update(of=("self",))
            .select_related("acknowledged_by")
            .get(pk=notice.pk)
        )
        refusal = selectors.notice_refusal(actor, locked)
        if refusal:
            if locked.is_acknowledged:
                raise ValidationError(refusal)
            raise PermissionDenied(refusal)
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
        locked.full_clean()
        locked.save()
    return locked
