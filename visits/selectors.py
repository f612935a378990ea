"""Who may read which visit records. Every page, register, PDF, export and form choice of
the visit family reads through these functions; a record one may not see answers 404.

The rule is the 个人台账's (``ledger.selectors.customer_detail_q``) applied to the
salesperson of the record: the salesperson, their managers, the 总经理 and admins.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import OWNER_ROLES, User
from ledger.models import Contact, Customer
from ledger.selectors import customers_visible_to
from visits.models import (
    DailyLine,
    FollowUp,
    PlannedVisit,
    VisitPlan,
    VisitReport,
    VisitSchedule,
    VisitTally,
)
from visits.rules import (  # noqa: F401  (the predicates are part of this module's API)
    manages,
    may_approve_schedule,
    may_check_schedule,
    may_edit_report,
    may_edit_schedule,
    may_plan_visits,
    may_return_schedule,
    may_see_owner,
    may_sign_report,
    owner_q,
)


def _visible(queryset: QuerySet, user: User, field: str) -> QuerySet:
    rule = owner_q(user, field)
    return queryset.none() if rule is None else queryset.filter(rule)


def can_use_visits(user: User) -> bool:
    """Who has visit ledgers at all: salespeople, managers, the 总经理 and admins."""
    return owner_q(user, "visitor") is not None


def visits_visible_to(user: User) -> QuerySet[VisitReport]:
    """The visit reports (表5-29) ``user`` may see."""
    return _visible(VisitReport.objects.all(), user, "visitor")


def get_visit_report_for(user: User, pk: Any) -> VisitReport:
    """The report ``pk`` with what its page shows; 404 when missing or forbidden."""
    try:
        return (
            visits_visible_to(user)
            .select_related("visitor", "visitor__department", "customer", "contact", "signed_by")
            .get(pk=int(pk))
        )
    except (VisitReport.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such visit report") from None


def plans_visible_to(user: User) -> QuerySet[VisitPlan]:
    """The lines of 表5-27 ``user`` may see."""
    return _visible(VisitPlan.objects.all(), user, "salesperson")


def get_visit_plan_for(user: User, pk: Any) -> VisitPlan:
    try:
        return plans_visible_to(user).select_related("customer", "salesperson").get(pk=int(pk))
    except (VisitPlan.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such visit plan") from None


def schedules_visible_to(user: User) -> QuerySet[VisitSchedule]:
    """The 表5-28 schedules ``user`` may see."""
    return _visible(VisitSchedule.objects.all(), user, "salesperson")


def get_schedule_for(user: User, pk: Any) -> VisitSchedule:
    try:
        return schedules_visible_to(user).select_related("salesperson").get(pk=int(pk))
    except (VisitSchedule.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such visit schedule") from None


def planned_visits_visible_to(user: User) -> QuerySet[PlannedVisit]:
    return _visible(PlannedVisit.objects.all(), user, "schedule__salesperson")


def get_planned_visit_for(user: User, pk: Any) -> PlannedVisit:
    try:
        return (
            planned_visits_visible_to(user)
            .select_related("schedule", "customer", "contact")
            .get(pk=int(pk))
        )
    except (PlannedVisit.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such planned visit") from None


def daily_lines_visible_to(user: User) -> QuerySet[DailyLine]:
    """The lines of 表5-30 ``user`` may see."""
    return _visible(DailyLine.objects.all(), user, "salesperson")


def get_daily_line_for(user: User, pk: Any) -> DailyLine:
    try:
        return daily_lines_visible_to(user).get(pk=int(pk))
    except (DailyLine.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such line") from None


def follow_ups_visible_to(user: User) -> QuerySet[FollowUp]:
    return _visible(FollowUp.objects.all(), user, "owner")


def overdue_follow_ups(user: User, *, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    """Open follow-ups past their due date, among those ``user`` may see, oldest first."""
    today = today or timezone.localdate()
    return (
        follow_ups_visible_to(user)
        .filter(done_on__isnull=True, due_on__lt=today)
        .select_related("customer", "owner", "report")
        .order_by("due_on", "pk")
    )


def salespeople_visible_to(user: User) -> QuerySet[User]:
    """Whose visit ledgers ``user`` may read: themselves and the people they manage."""
    people = User.objects.filter(role__in=OWNER_ROLES, is_active=True)
    return _visible_people(people, user).order_by("department__name", "username")


def _visible_people(people: QuerySet[User], user: User) -> QuerySet[User]:
    from accounts.selectors import managed_department_ids

    if not (user.is_authenticated and user.is_active):
        return people.none()
    if user.sees_everything:
        return people
    if user.role in OWNER_ROLES and user.role != "manager":
        return people.filter(pk=user.pk)
    if user.role == "manager":
        return people.filter(Q(pk=user.pk) | Q(department_id__in=managed_department_ids(user)))
    return people.none()


def reportable_customers(user: User) -> QuerySet[Customer]:
    """Customers ``user`` may report a visit to or plan one for: those whose details the
    user may see (the 个人台账)."""
    return customers_visible_to(user).order_by("name", "pk")


def contacts_of(customer: Customer) -> QuerySet[Contact]:
    """The contacts a report may name as 接洽人 (the caller has fetched the customer
    through ``reportable_customers``)."""
    return Contact.objects.filter(customer=customer).order_by("kind", "pk")


def planned_visits_on(user: User, day: datetime.date) -> QuerySet[PlannedVisit]:
    """``user``'s own planned visits of ``day`` (today's schedule), with their report."""
    return (
        PlannedVisit.objects.filter(schedule__salesperson=user, visit_on=day)
        .select_related("customer", "contact", "schedule", "report")
        .order_by("visit_at", "pk")
    )


def customers_not_visited(
    user: User, *, days: int, today: datetime.date | None = None
) -> QuerySet[Customer]:
    """Customers ``user`` may see with no visit report in the last ``days`` days (or
    never), those longest without contact first (最近联系, stored and indexed: the
    database walks that index and stops at the page's end; never contacted come last).

    An anti-join on the recent reports, so its cost follows the recent reports, not the
    whole history; the page annotates each shown customer's last visit
    (``with_last_visit``).
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    recent = VisitReport.objects.filter(customer=OuterRef("pk"), visited_on__gt=cutoff)
    return (
        customers_visible_to(user)
        .filter(~Exists(recent))
        .select_related("owner")
        .order_by("last_contact_on", "pk")
    )


def with_last_visit(customers: list[Customer]) -> list[Customer]:
    """Each customer's last visit date (``last_visit``), in one query."""
    last = dict(
        VisitReport.objects.filter(customer__in=[c.pk for c in customers])
        .values("customer")
        .annotate(last=Max("visited_on"))
        .values_list("customer", "last")
    )
    for customer in customers:
        customer.last_visit = last.get(customer.pk)
    return customers


def visit_counts(
    user: User, *, year: int, salesperson: User | None = None
) -> dict[tuple[int, int], dict[str, int]]:
    """Planned and actual visits per (salesperson id, month) of ``year``, among the
    records ``user`` may see: ``{(sp, month): {"planned": n, "actual": m}}``."""
    plans = plans_visible_to(user).filter(year=year)
    if salesperson is not None:
        plans = plans.filter(salesperson=salesperson)
    out: dict[tuple[int, int], dict[str, int]] = {}
    sums = plans.values("salesperson").annotate(**{f"m{m}": Sum(f"m{m}") for m in range(1, 13)})
    for row in sums:
        for m in range(1, 13):
            out.setdefault((row["salesperson"], m), {"planned": 0, "actual": 0})
            out[(row["salesperson"], m)]["planned"] = row[f"m{m}"] or 0
    # The reports counted per person and month by the services (``VisitTally``), under
    # the same rule as the reports themselves.
    tallies = _visible(VisitTally.objects.all(), user, "salesperson").filter(month__year=year)
    if salesperson is not None:
        tallies = tallies.filter(salesperson=salesperson)
    for person, month, n in tallies.values_list("salesperson", "month", "visits"):
        out.setdefault((person, month.month), {"planned": 0, "actual": 0})
        out[(person, month.month)]["actual"] = n
    return out
