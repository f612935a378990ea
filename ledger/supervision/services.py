"""Writes of the supervision pages: reviews and their findings, the monthly 梳理, and
the access log (one INSERT per request, nothing read)."""

from __future__ import annotations

import datetime
import ipaddress
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.selectors import owners_managed_by
from ledger.engine.base import Face, site
from ledger.models import (
    AccessKind,
    AccessLog,
    FindingStatus,
    LedgerConfirmation,
    LedgerReview,
    ReviewFinding,
)
from ledger.services.base import update_record
from ledger.supervision.selectors import (
    can_add_finding,
    can_close_finding,
    can_review,
    can_tidy,
    record_owner_id,
)


@transaction.atomic
def review_create(
    *,
    actor: User,
    register_code: str,
    period: str = "",
    subject: User | None = None,
    reviewed_on: datetime.date | None = None,
    checked: str,
    conclusion: str = "",
) -> LedgerReview:
    """Record a review of one register for one period (and, optionally, one
    salesperson's rows). Who: ``can_review`` (销售经理, 总经理), of a register they may
    open, of a salesperson they manage. A manager's review belongs to their department."""
    if not can_review(actor):
        raise PermissionDenied
    register = site.get(register_code)
    if register is None or not register.allows(Face.OPEN, actor):
        raise ValidationError({"register_code": _("Choose a register you may open.")})
    if (
        subject is not None
        and not owners_managed_by(actor, include_inactive=True).filter(pk=subject.pk).exists()
    ):
        raise ValidationError({"subject": _("You may not review this person's ledger.")})
    review = LedgerReview(
        register_code=register_code,
        period=period or "",
        subject=subject,
        department_id=actor.department_id if actor.role == Role.MANAGER else None,
        reviewer=actor,
        reviewed_on=reviewed_on or timezone.localdate(),
        checked=checked,
        conclusion=conclusion,
    )
    review.full_clean()
    review._history_user = actor
    review.save()
    return review


@transaction.atomic
def finding_add(
    *,
    actor: User,
    review: LedgerReview,
    description: str,
    due_on: datetime.date,
    owner: User | None = None,
    record_pk: str = "",
    record_label: str = "",
    record_url: str = "",
) -> ReviewFinding:
    """Add an item to correct to ``review`` (its reviewer only), tied to a record of the
    register and assigned to ``owner`` — by default the record's owner; the owner must
    be someone the reviewer manages (or the reviewer). It reaches the owner's inbox."""
    if not can_add_finding(actor, review):
        raise PermissionDenied
    register = site.get(review.register_code)
    if owner is None and register is not None and record_pk:
        owner_id = record_owner_id(register, record_pk)
        owner = User.objects.filter(pk=owner_id).first() if owner_id else None
    if owner is None:
        raise ValidationError({"owner": _("Choose who corrects this item.")})
    allowed = owner.pk == actor.pk or (
        owners_managed_by(actor, include_inactive=False).filter(pk=owner.pk).exists()
    )
    if not allowed:
        raise ValidationError({"owner": _("You may not assign items to this person.")})
    if due_on < review.reviewed_on:
        raise ValidationError({"due_on": _("The due date cannot be before the review.")})
    finding = ReviewFinding(
        review=review,
        description=description,
        due_on=due_on,
        owner=owner,
        record_pk=str(record_pk or "")[:40],
        record_label=record_label[:200],
        record_url=record_url[:300],
    )
    finding.full_clean()
    finding._history_user = actor
    finding.save()
    return finding


@transaction.atomic
def finding_close(
    *, actor: User, finding: ReviewFinding, resolution: str, expected_version: int
) -> ReviewFinding:
    """The owner closes an item once it is corrected, saying how (required)."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the item was corrected.")})

    def check():
        if not can_close_finding(actor, finding):
            raise PermissionDenied

    def validate(changed, before):
        if before.status != FindingStatus.OPEN:
            raise ValidationError(_("This item is already closed."))

    return update_record(
        finding,
        actor=actor,
        data={
            "status": FindingStatus.CLOSED,
            "resolution": resolution.strip(),
            "closed_at": timezone.now(),
            "closed_by": actor,
        },
        fields=("status", "resolution", "closed_at", "closed_by"),
        expected_version=expected_version,
        check=check,
        validate=validate,
    )


@transaction.atomic
def ledger_confirm(
    *,
    actor: User,
    month: str,
    note: str = "",
    stale_count: int = 0,
    missing_count: int = 0,
    overdue_count: int = 0,
) -> LedgerConfirmation:
    """梳理: a salesperson confirms their own ledger for ``month``, once."""
    if not can_tidy(actor):
        raise PermissionDenied
    confirmation = LedgerConfirmation(
        user=actor,
        month=month,
        note=note,
        stale_count=stale_count,
        missing_count=missing_count,
        overdue_count=overdue_count,
    )
    confirmation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            confirmation.save()
    except IntegrityError:
        raise ValidationError(_("You have already confirmed your ledger for this month.")) from None
    return confirmation


# --- access log -------------------------------------------------------------------------

FILTERS_MAX = 500


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from (the proxy's own, REMOTE_ADDR: a forwarded
    header is the client's word and is not trusted)."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def access_record(
    *,
    request: HttpRequest,
    kind: AccessKind,
    customer_id: int | None = None,
    target: str = "",
    object_pk: Any = "",
    filters: str = "",
    row_count: int = 0,
) -> None:
    """Log one view, export or print of customer data by ``request.user``: one INSERT,
    nothing read. Called by the views after the data was produced."""
    now = timezone.now()
    AccessLog.objects.create(
        at=now,
        day=timezone.localdate(now),
        user_id=request.user.pk,
        kind=kind,
        customer_id=customer_id,
        target=target[:20],
        object_pk=str(object_pk or "")[:40],
        filters=filters[:FILTERS_MAX],
        row_count=max(int(row_count or 0), 0),
        address=client_address(request),
    )


def access_log_prune(*, days: int, now: datetime.datetime | None = None) -> int:
    """Remove the access-log rows older than ``days`` days; the number removed."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _per_model = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted
