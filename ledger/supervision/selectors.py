"""Who may read which review, finding, confirmation and access-log row; what looks stale.

Every "may this user …" of the supervision pages is here; the views ask, never decide.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import OWNER_ROLES, SALES_SIDE_ROLES, Department, Role, User
from accounts.selectors import managed_department_ids
from ledger.engine.base import Face, Register, site
from ledger.engine.signatures import ReviewKey, Signature
from ledger.models import (
    AccessLog,
    Contact,
    ContactKind,
    Customer,
    FindingStatus,
    LedgerConfirmation,
    LedgerReview,
    ReviewFinding,
    ServiceRecord,
)

# --- reviews ----------------------------------------------------------------------------


def can_review(user: User) -> bool:
    """Reviews are recorded by the 销售经理 (of their department) and the 总经理."""
    return user.is_authenticated and user.is_active and user.role in (Role.MANAGER, Role.GM)


def can_read_reviews(user: User) -> bool:
    """The sales side reads the reviews of its own department's ledgers."""
    return user.is_authenticated and user.is_active and user.role in SALES_SIDE_ROLES


def reviews_visible_to(user: User) -> QuerySet[LedgerReview]:
    """Reviews ``user`` may read.

    总经理 and admins: all. A manager: the reviews of the departments they manage and their
    own. Salespeople and assistants: the reviews of their department, of their own ledger
    and those with an item assigned to them. Department reviewers: none.
    """
    reviews = LedgerReview.objects.all()
    if not can_read_reviews(user):
        return reviews.none()
    if user.sees_everything:
        return reviews
    mine = Q(reviewer_id=user.pk) | Q(subject_id=user.pk)
    mine |= Q(pk__in=ReviewFinding.objects.filter(owner_id=user.pk).values("review_id"))
    if user.role == Role.MANAGER:
        return reviews.filter(mine | Q(department_id__in=managed_department_ids(user)))
    if user.department_id is None:
        return reviews.filter(mine)
    return reviews.filter(mine | Q(department_id=user.department_id))


def get_review_for(user: User, pk: Any) -> LedgerReview:
    """The review ``pk`` if ``user`` may read it; 404 when missing or forbidden."""
    try:
        return (
            reviews_visible_to(user)
            .select_related("reviewer", "subject", "department")
            .get(pk=int(pk))
        )
    except (LedgerReview.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such review") from None


def can_add_finding(user: User, review: LedgerReview) -> bool:
    """Items to correct are added by the review's reviewer."""
    return user.is_active and review.reviewer_id == user.pk


def review_signature(user: User, key: ReviewKey) -> Signature | None:
    """The engine's hook (``ledger.engine.signatures``): the latest review of ``key`` that
    ``user`` may read, as the printed 审核 line shows it. One query."""
    review = (
        reviews_visible_to(user)
        .filter(register_code=key.code, period=key.period, subject_id=key.subject_id)
        .select_related("reviewer")
        .order_by("-reviewed_on", "-pk")
        .first()
    )
    if review is None:
        return None
    return Signature(str(review.reviewer), review.reviewed_on)


def reviewable_registers(user: User) -> list[Register]:
    """The registers a reviewer may review: those they may open."""
    if not can_review(user):
        return []
    return site.visible_to(user, Face.OPEN)


@dataclass(frozen=True)
class DueRegister:
    register: Register
    last_reviewed: datetime.date | None
    days: int | None  # since the last review; None: never reviewed


def registers_due_for_review(
    user: User, *, days: int | None = None, today: datetime.date | None = None
) -> list[DueRegister]:
    """Registers ``user`` may review whose latest review (among the reviews ``user`` may
    read) is older than ``days`` (``LEDGER_REVIEW_OVERDUE_DAYS``), or that were never
    reviewed; the longest-unreviewed first. One query for every register."""
    if not can_review(user):
        return []
    days = settings.LEDGER_REVIEW_OVERDUE_DAYS if days is None else days
    today = today or timezone.localdate()
    last = dict(
        reviews_visible_to(user)
        .order_by()
        .values_list("register_code")
        .annotate(last=Max("reviewed_on"))
    )
    due = []
    for register in reviewable_registers(user):
        when = last.get(register.code)
        if when is None:
            due.append(DueRegister(register, None, None))
        elif (today - when).days > days:
            due.append(DueRegister(register, when, (today - when).days))
    due.sort(key=lambda d: (d.last_reviewed is not None, d.last_reviewed or today))
    return due


def review_subject_choices(user: User) -> QuerySet[User]:
    """Whose ledger ``user`` may review on its own: the owners they manage."""
    from accounts.selectors import owners_managed_by

    if not can_review(user):
        return User.objects.none()
    return owners_managed_by(user, include_inactive=True).order_by("username")


def record_owner_id(register: Register, pk: Any) -> int | None:
    """The owner of a register's record: the declaration's ``owner_field`` or, where the
    model has one, ``owner`` / ``customer__owner``; None when the record has no owner."""
    from ledger.engine.periods import resolve_field

    paths = [getattr(register, "owner_field", None), "owner", "customer__owner"]
    for path in [p for p in paths if p]:
        try:
            resolve_field(register.model, path)
        except Exception:
            continue
        try:
            return (
                register.model._default_manager.filter(pk=pk).values_list(path, flat=True).first()
            )
        except (ValueError, TypeError):
            return None
    return None


# --- findings ---------------------------------------------------------------------------


def findings_visible_to(user: User) -> QuerySet[ReviewFinding]:
    """Items to correct: those of the reviews ``user`` may read, and their own."""
    return ReviewFinding.objects.filter(
        Q(review__in=reviews_visible_to(user)) | Q(owner_id=user.pk)
    )


def get_finding_for(user: User, pk: Any) -> ReviewFinding:
    try:
        return (
            findings_visible_to(user)
            .select_related("review", "review__reviewer", "owner")
            .get(pk=int(pk))
        )
    except (ReviewFinding.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such item") from None


def can_close_finding(user: User, finding: ReviewFinding) -> bool:
    """The person the item is assigned to corrects it and closes it."""
    return user.is_active and finding.owner_id == user.pk and finding.is_open


def may_own_findings(user: User) -> bool:
    """Items are assigned to owners of records and to reviewers (who may take one)."""
    return (
        user.is_authenticated and user.is_active and (user.role in OWNER_ROLES or can_review(user))
    )


def findings_waiting_for(user: User) -> QuerySet[ReviewFinding]:
    """Open items assigned to ``user``, for their inbox."""
    if not may_own_findings(user):
        return ReviewFinding.objects.none()
    return ReviewFinding.objects.filter(owner_id=user.pk, status=FindingStatus.OPEN)


# --- 梳理: what looks stale in one's own ledger ------------------------------------------


def can_tidy(user: User) -> bool:
    """Whoever owns customers confirms their own ledger each month."""
    return user.is_authenticated and user.is_active and user.role in OWNER_ROLES


def customers_not_contacted(user: User, *, days: int | None = None, today=None):
    days = settings.LEDGER_STALE_CONTACT_DAYS if days is None else days
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    return Customer.objects.filter(owner_id=user.pk).filter(
        Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True)
    )


def customers_missing_contact_data(user: User):
    """No primary contact, or no phone number anywhere (customer or contacts). The two
    tests are filters, not annotations: the database checks the second only where the
    customer has no phone, and computes neither for the rows it returns."""
    contacts = Contact.objects.filter(customer_id=OuterRef("pk"))
    return Customer.objects.filter(owner_id=user.pk).filter(
        ~Exists(contacts.filter(kind=ContactKind.PRIMARY))
        | (Q(phone="") & ~Exists(contacts.exclude(phone="")))
    )


def service_records_past_due(user: User, *, days: int | None = None, today=None):
    """Open service records (no handling date or no result) of ``user``'s customers,
    received more than ``days`` ago."""
    days = settings.LEDGER_SERVICE_DUE_DAYS if days is None else days
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    return (
        ServiceRecord.objects.filter(customer__owner_id=user.pk, received_on__lt=cutoff)
        .filter(Q(handled_on__isnull=True) | Q(result=""))
        .select_related("customer")
    )


def confirmation_of(user: User, month: str) -> LedgerConfirmation | None:
    return LedgerConfirmation.objects.filter(user_id=user.pk, month=month).first()


def team_confirmations(user: User, month: str) -> list[tuple[User, LedgerConfirmation | None]]:
    """For a manager (总经理, admin): each owner they manage with their confirmation of
    ``month`` (or None), two queries."""
    from accounts.selectors import owners_managed_by

    if not (user.is_active and (user.is_manager or user.sees_everything)):
        return []
    owners = list(owners_managed_by(user).exclude(pk=user.pk).order_by("username"))
    found = {
        c.user_id: c
        for c in LedgerConfirmation.objects.filter(month=month, user__in=[o.pk for o in owners])
    }
    return [(o, found.get(o.pk)) for o in owners]


# --- access log -------------------------------------------------------------------------


def can_read_access_log(user: User) -> bool:
    """Admins and the 总经理 read the access log; nobody else."""
    return user.is_authenticated and user.is_active and user.role in (Role.ADMIN, Role.GM)


def access_log_visible_to(user: User) -> QuerySet[AccessLog]:
    if not can_read_access_log(user):
        return AccessLog.objects.none()
    return AccessLog.objects.all()


def daily_volume():
    """Per (day, user) row: customers' details read that day — one per customer whose
    page or card was opened, plus the rows of every export or print."""
    return Coalesce(Count("customer_id", distinct=True), Value(0)) + Coalesce(
        Sum("row_count", filter=Q(customer__isnull=True)), Value(0)
    )


def flagged_users(*, since: datetime.date | None = None, threshold: int | None = None) -> QuerySet:
    """(day, user, total) of every user over ``LEDGER_ACCESS_DAILY_THRESHOLD`` on a day
    since ``since`` (default: the last 7 days), most recent first. One query."""
    threshold = settings.LEDGER_ACCESS_DAILY_THRESHOLD if threshold is None else threshold
    since = since or timezone.localdate() - datetime.timedelta(days=6)
    return (
        AccessLog.objects.filter(day__gte=since)
        .values("day", "user_id", "user__username", "user__full_name")
        .annotate(total=daily_volume())
        .filter(total__gt=threshold)
        .order_by("-day", "-total", "user_id")
    )


FLAGGED_SHOWN = 100


def flagged_for(user: User) -> list[dict]:
    """``flagged_users()`` (at most ``FLAGGED_SHOWN`` rows) for an admin or the 总经理,
    computed once per request: the inbox badge, the inbox page and the access-log page
    share the one aggregate query."""
    if not can_read_access_log(user):
        return []
    cached = getattr(user, "_flagged_rows", None)
    if cached is None:
        cached = list(flagged_users()[:FLAGGED_SHOWN])
        user._flagged_rows = cached
    return cached


def managers_who_viewed(customer: Customer, *, limit: int = 10) -> list[dict]:
    """The owner's managers (and the 总经理) who opened this customer's page or card:
    who, how often, when last. Two queries (the department tree, the log)."""
    owner = customer.owner
    ancestors: set[int] = set()
    if owner.department_id is not None:
        parents = dict(Department.objects.values_list("id", "parent_id"))
        current = owner.department_id
        while current is not None and current not in ancestors:
            ancestors.add(current)
            current = parents.get(current)
    managers = Q(user__role=Role.GM) | Q(user__role=Role.MANAGER, user__department_id__in=ancestors)
    return list(
        AccessLog.objects.filter(customer_id=customer.pk)
        .exclude(user_id=owner.pk)
        .filter(managers)
        .values("user_id", "user__username", "user__full_name")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-last")[:limit]
    )


def display_name(row: dict, prefix: str = "user__") -> str:
    return row.get(f"{prefix}full_name") or row.get(f"{prefix}username") or "—"
