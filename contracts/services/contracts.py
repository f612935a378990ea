"""Writes of contracts: create, edit (with lines), submit, seal, special process, cancel."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import owner_choices_for
from contracts import selectors
from contracts.models import (
    BOX_ORDER,
    Contract,
    ContractLine,
    ContractStatus,
    ReviewRound,
    ReviewStep,
)
from contracts.services.readers import contract_owner_changed, customer_owner_of, step_readers
from ledger.models import EventKind
from ledger.numbering import next_number
from ledger.selectors import customers_visible_to
from ledger.services.base import lock_version
from ledger.services.customers import customer_event_record_from_source
from ledger.workflow import transition

NUMBER_PREFIX = "HT"

# What the contract form edits (number, state, owner's history are the services').
CONTRACT_FIELDS = (
    "customer",
    "name",
    "kind",
    "amount",
    "net_amount",
    "text_version",
    "pay_advance",
    "pay_on_acceptance",
    "pay_retention",
    "payment_terms",
    "signed_on",
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
    "owner",
    "executing_department",
)
LINE_FIELDS = ("product", "product_name", "spec", "unit", "quantity", "unit_price")
CENT = Decimal("0.01")


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """``days`` working days (Monday–Friday) after ``start``."""
    current, left = start, max(days, 0)
    while left:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _line_amount(line: Mapping[str, Any]) -> Decimal:
    return (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def _check_parties(*, actor: User, data: Mapping[str, Any]) -> None:
    """The customer must be one whose details the actor sees; the owner one the actor may
    name (themselves, or the salespeople they manage)."""
    customer = data.get("customer")
    if customer is None or not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("Choose one of your customers.")})
    owner = data.get("owner") or actor
    if not owner_choices_for(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You may not name this person as the handler.")})


def _write_lines(contract: Contract, lines: Iterable[Mapping[str, Any]]) -> Decimal | None:
    """Replace the contract's lines; the sum of their amounts, or None without lines."""
    contract.lines.all().delete()
    total, count = Decimal("0"), 0
    for position, data in enumerate(lines, start=1):
        line = ContractLine(contract=contract, position=position)
        for field in LINE_FIELDS:
            setattr(line, field, data.get(field) if field != "spec" else data.get(field) or "")
        line.unit = data.get("unit") or ""
        if not line.product_name and line.product is not None:
            line.product_name = line.product.name
        line.amount = _line_amount(data)
        line.full_clean(exclude=["contract"])
        line.save()
        total += line.amount
        count += 1
    return total if count else None


def contract_create(
    *, actor: User, data: Mapping[str, Any], lines: Iterable[Mapping[str, Any]] = ()
) -> Contract:
    """A new contract in 草稿, numbered HT-YYYY-NNNN (gapless per year, in the database).

    Who may call it: ``may_create_contract(actor)``; the customer must be one whose details
    the actor sees, the owner (经办人) one the actor may name. With lines, 合同金额 is their
    sum. The contract goes on the customer's timeline.
    """
    if not selectors.may_create_contract(actor):
        raise PermissionDenied(_("You may not enter contracts."))
    lines = list(lines)
    with transaction.atomic():
        _check_parties(actor=actor, data=data)
        year = timezone.localdate().year
        contract = Contract(created_by=actor, year=year, owner=data.get("owner") or actor)
        for field in CONTRACT_FIELDS:
            if field in data and field != "owner":
                setattr(contract, field, data[field])
        if lines:
            contract.amount = sum((_line_amount(x) for x in lines), Decimal("0"))
        contract.customer_owner_id = customer_owner_of(contract.customer_id)
        contract.number = next_number(NUMBER_PREFIX, year)
        contract.full_clean()
        contract._history_user = actor
        contract.save()
        _write_lines(contract, lines)
        customer_event_record_from_source(
            source=contract,
            customer=contract.customer,
            kind=EventKind.CONTRACT,
            occurred_on=timezone.localdate(),
            title=_("Contract %(number)s entered: %(name)s")
            % {"number": contract.number, "name": contract.name},
            actor=actor,
        )
    return contract


def contract_update(
    *,
    contract: Contract,
    actor: User,
    data: Mapping[str, Any],
    lines: Iterable[Mapping[str, Any]] | None,
    expected_version: int,
) -> Contract:
    """Change a contract in 草稿 or 退回 (and its lines): check → lock → version → validate
    → history user → save. After submission a contract changes only through its review
    or a change request (5-15)."""
    with transaction.atomic():
        locked = lock_version(contract, expected_version)
        if not selectors.may_edit_contract(actor, locked):
            if locked.status not in (ContractStatus.DRAFT, ContractStatus.RETURNED):
                raise ValidationError(
                    _("Only a draft or returned contract can be edited; use a change request.")
                )
            raise PermissionDenied(_("You may not edit this contract."))
        data = {k: v for k, v in data.items() if k != "customer"}  # fixed once entered
        owner_before = locked.owner_id
        if not data.get("owner"):
            data.pop("owner", None)  # empty: the handler stays
        elif data["owner"] != locked.owner:
            _check_parties(actor=actor, data={"customer": locked.customer, **data})
        for field in CONTRACT_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        if lines is not None:
            total = _write_lines(locked, list(lines))
            if total is not None:
                locked.amount = total
        locked.version += 1
        locked.full_clean()
        locked._history_user = actor
        locked.save()
        if locked.owner_id != owner_before:
            contract_owner_changed(locked)  # a returned contract's decisions follow it
    return locked


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _close_open_round(contract: Contract, outcome: str) -> None:
    ReviewRound.objects.filter(contract=contract, outcome=ReviewRound.Outcome.OPEN).update(
        outcome=outcome, closed_at=timezone.now()
    )


def contract_submit(
    *, contract: Contract, actor: User, expected_state: str | None = None
) -> ReviewRound:
    """提交评审: the owner submits a draft or returned contract; a new review round opens
    with one box per department of 5-14 (总经理 last), each with the deadline
    (``CONTRACT_REVIEW_WORKING_DAYS`` working days from today). Earlier rounds stay."""
    with transaction.atomic():
        locked = _lock(contract)
        if locked.amount is None or locked.amount <= 0:
            raise ValidationError(_("Enter the contract amount (or its lines) before submitting."))
        transition(
            obj=locked,
            to=ContractStatus.IN_REVIEW,
            actor=actor,
            expected_state=expected_state,
        )
        number = ReviewRound.objects.filter(contract=locked).count() + 1
        deadline = add_working_days(timezone.localdate(), settings.CONTRACT_REVIEW_WORKING_DAYS)
        rnd = ReviewRound(
            contract=locked,
            number=number,
            submitted_by=actor,
            submitted_at=timezone.now(),
            deadline=deadline,
        )
        rnd.full_clean()
        rnd.save()
        readers = step_readers(locked)
        ReviewStep.objects.bulk_create(
            ReviewStep(round=rnd, box=box, position=i, deadline=deadline, **readers)
            for i, box in enumerate(BOX_ORDER)
        )
    contract.status, contract.version = locked.status, locked.version
    return rnd


def contract_seal(
    *, contract: Contract, actor: User, expected_state: str | None = None
) -> Contract:
    """盖章: only after the review passed (5-14 note 4). Before that it is refused; the
    总经理 may approve sealing by the special process (``contract_seal_special``)."""
    with transaction.atomic():
        locked = _lock(contract)
        if locked.status != ContractStatus.APPROVED:
            raise ValidationError(
                _(
                    "The contract can be sealed only after its review has passed; the status "
                    "is “%(state)s”. Only the 总经理 may approve sealing by the special process."
                )
                % {"state": locked.get_status_display()}
            )
        if not selectors.may_seal_contract(actor, locked):
            raise PermissionDenied(_("You may not seal this contract."))
        transition(obj=locked, to=ContractStatus.SEALED, actor=actor, expected_state=expected_state)
        locked.sealed_at = timezone.now()
        locked._history_user = actor
        locked.save(update_fields=["sealed_at"])
        _timeline(locked, actor, _("Contract %(number)s sealed") % {"number": locked.number})
    return locked


def contract_seal_special(
    *, contract: Contract, actor: User, reason: str, expected_state: str | None = None
) -> Contract:
    """特殊流程: the 总经理 approves sealing before the review passed (5-14 note 4). The
    approval is recorded as such (who, when, why) on the contract and in its trail; an
    open review round is closed."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(contract)
        if not selectors.may_seal_special(actor, locked):
            raise PermissionDenied(_("Only the 总经理 may approve the special process."))
        if not reason:
            raise ValidationError({"note": _("Say why the special process is needed.")})
        transition(
            obj=locked,
            to=ContractStatus.SEALED,
            actor=actor,
            note=_("Special process: %(reason)s") % {"reason": reason},
            expected_state=expected_state,
        )
        now = timezone.now()
        locked.special_approved_by = actor
        locked.special_approved_at = now
        locked.special_reason = reason
        locked.sealed_at = now
        locked._history_user = actor
        locked.save(
            update_fields=[
                "special_approved_by",
                "special_approved_at",
                "special_reason",
                "sealed_at",
            ]
        )
        _close_open_round(locked, ReviewRound.Outcome.CLOSED)
        _timeline(
            locked,
            actor,
            _("Contract %(number)s sealed by the special process") % {"number": locked.number},
            detail=reason,
        )
    return locked


def contract_move(
    *, contract: Contract, actor: User, to: str, note: str = "", expected_state: str | None = None
) -> Contract:
    """生效, 完成, 归档, 作废: a plain move along the contract's workflow (the declaration
    says who may). Cancelling closes an open review round."""
    if to in (ContractStatus.SEALED, ContractStatus.IN_REVIEW):
        raise ValidationError(_("Choose an action."))
    with transaction.atomic():
        locked = _lock(contract)
        transition(obj=locked, to=to, actor=actor, note=note, expected_state=expected_state)
        if to == ContractStatus.CANCELLED:
            _close_open_round(locked, ReviewRound.Outcome.CLOSED)
    return locked


def _timeline(contract: Contract, actor: User, title: str, detail: str = "") -> None:
    customer_event_record_from_source(
        source=contract,
        customer=contract.customer,
        kind=EventKind.CONTRACT,
        occurred_on=timezone.localdate(),
        title=title,
        detail=detail,
        actor=actor,
    )
