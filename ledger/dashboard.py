"""Selectors of the home page: what needs attention among the customers a user may see.

Every figure comes from the 个人台账 rule (``customer_detail_q``): a salesperson sees their
own customers, a manager their departments', the 总经理 and admins everyone's, department
reviewers none. The queries are bounded: one aggregate for all the counts, and a few short
lists of plain values, so the page costs the same at 100 or 100,000 customers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from ledger import generations
from ledger.models import CustomerCategory, CustomerEvent, EventKind, ServiceKind
from ledger.selectors import (
    Scope,
    customer_detail_q,
    customers_visible_to,
    service_records_visible_to,
)

# Customers not contacted for this many days or more (counted cumulatively).
STALE_DAYS = (30, 60, 90)
LIST_LENGTH = 8
# Follow-ups shown: those due in the past week (still unanswered?) and the coming ones.
FOLLOW_UP_PAST_DAYS = 7
GROUP_ROWS = 20
# Open service items are counted up to this many ("999+" beyond).
OPEN_COUNT_CAP = 1000


@dataclass
class HomeSummary:
    total: int = 0
    by_category: list[tuple[str, str, int]] = field(default_factory=list)
    with_risk: int = 0
    never_contacted: int = 0
    stale: list[tuple[int, int]] = field(default_factory=list)  # (days, customers)
    open_service: int = 0
    open_service_capped: bool = False
    risk_list: list[dict] = field(default_factory=list)
    stale_list: list[dict] = field(default_factory=list)
    open_service_list: list[dict] = field(default_factory=list)
    follow_ups: list[dict] = field(default_factory=list)
    by_group: list[dict] = field(default_factory=list)


def _days_ago(today: datetime.date, day: datetime.date | None) -> int | None:
    return (today - day).days if day else None


def _by_group(user: User, per_owner: list[dict]) -> list[dict]:
    """The counts per salesperson (managers) or per department (总经理, admins)."""
    owners = User.objects.filter(pk__in=[row["owner_id"] for row in per_owner])
    owners = {
        o.pk: o
        for o in owners.select_related("department").only(
            "pk", "username", "full_name", "department__name"
        )
    }
    groups: dict[str, dict] = {}
    for row in per_owner:
        owner = owners.get(row["owner_id"])
        if user.sees_everything:
            label = str(owner.department) if owner and owner.department else "—"
        else:
            label = str(owner) if owner else "—"
        group = groups.setdefault(label, {"label": label, "customers": 0, "risks": 0, "stale": 0})
        group["customers"] += row["total"]
        group["risks"] += row["with_risk"]
        group["stale"] += row[f"stale_{STALE_DAYS[0]}"]
    return sorted(groups.values(), key=lambda g: (-g["customers"], g["label"]))


def home_summary(user: User, *, today: datetime.date | None = None) -> HomeSummary | None:
    """The home page's figures for ``user``; ``None`` for roles without customer details.

    May be called for any user: the 个人台账 rule limits every figure and list.
    """
    if customer_detail_q(user) is None:
        return None
    customers = customers_visible_to(user, scope=Scope.PERSONAL)
    today = today or timezone.localdate()
    cutoffs = {days: today - datetime.timedelta(days=days) for days in STALE_DAYS}

    # All the counts in one pass over the visible customers (conditional aggregation);
    # managers and everyone-seers get them per salesperson / department in the same pass.
    counts = {"total": Count("pk"), "with_risk": Count("pk", filter=~Q(risk_warning=""))}
    counts["never"] = Count("pk", filter=Q(last_contact_on__isnull=True))
    for value, _label in CustomerCategory.choices:
        counts[f"cat_{value}"] = Count("pk", filter=Q(category=value))
    for days, cutoff in cutoffs.items():
        counts[f"stale_{days}"] = Count("pk", filter=Q(last_contact_on__lte=cutoff))
    # One row per owner (bounded by the organisation, not by customers), summed here.
    per_owner = list(customers.order_by().values("owner_id").annotate(**counts))
    totals = {key: sum(row[key] for row in per_owner) for key in counts}
    by_group = _by_group(user, per_owner) if user.sees_everything or user.is_manager else []

    summary = HomeSummary(
        total=totals["total"],
        with_risk=totals["with_risk"],
        never_contacted=totals["never"],
        by_category=[
            (value, label, totals[f"cat_{value}"]) for value, label in CustomerCategory.choices
        ],
        stale=[(days, totals[f"stale_{days}"]) for days in STALE_DAYS],
        by_group=by_group[:GROUP_ROWS],
    )
    if not summary.total:
        return summary

    summary.risk_list = list(
        customers.exclude(risk_warning="")
        .order_by("name", "pk")
        .values("pk", "name", "risk_warning")[:LIST_LENGTH]
    )
    stale = customers.filter(last_contact_on__lte=cutoffs[STALE_DAYS[0]])
    summary.stale_list = [
        {**row, "days": _days_ago(today, row["last_contact_on"])}
        for row in stale.order_by("last_contact_on", "pk").values("pk", "name", "last_contact_on")[
            :LIST_LENGTH
        ]
    ]

    # Open service items: not handled yet, or handled without a result (as the register),
    # written as the condition of the partial index ``service_open_idx``.
    open_records = service_records_visible_to(user).filter(
        Q(handled_on__isnull=True) | Q(result="")
    )
    summary.open_service = open_records[:OPEN_COUNT_CAP].count()
    summary.open_service_capped = summary.open_service >= OPEN_COUNT_CAP
    summary.open_service_list = [
        {
            **row,
            "days": _days_ago(today, row["received_on"]),
            "kind_label": ServiceKind(row["kind"]).label if row["kind"] in ServiceKind else "",
        }
        for row in open_records.order_by("received_on", "pk").values(
            "pk", "kind", "received_on", "customer_id", customer_name=F("customer__name")
        )[:LIST_LENGTH]
    ]

    since = today - datetime.timedelta(days=FOLLOW_UP_PAST_DAYS)
    follow_ups = CustomerEvent.objects.filter(
        kind=EventKind.FOLLOW_UP, occurred_on__gte=since, customer__in=customers
    )
    summary.follow_ups = [
        {
            **row,
            "days": (row["occurred_on"] - today).days,
            "days_ago": (today - row["occurred_on"]).days,
        }
        for row in follow_ups.order_by("occurred_on", "pk").values(
            "pk", "occurred_on", "title", "customer_id", customer_name=F("customer__name")
        )[:LIST_LENGTH]
    ]

    return summary


def home_summary_cached(user: User, *, today: datetime.date | None = None) -> HomeSummary | None:
    """``home_summary`` through the cache, under the customers' current generation.

    Any committed write to customers, their timeline or their service records moves the
    generation on (``ledger.generations``), so a cached summary is never older than the last
    such write; the timeout (``LEDGER_HOME_CACHE_SECONDS``, 0 = no cache) bounds what other
    changes (a user's role or department) may take to show. The key holds everything the
    figures depend on: the user, their role and department, the day and the generation.
    """
    seconds = settings.LEDGER_HOME_CACHE_SECONDS
    if seconds <= 0:
        return home_summary(user, today=today)
    today = today or timezone.localdate()
    key = ":".join(
        str(part)
        for part in (
            "home",
            user.pk,
            user.role,
            user.department_id,
            today.isoformat(),
            generations.current(generations.CUSTOMERS),
        )
    )
    summary = cache.get(key)
    if summary is None:
        summary = home_summary(user, today=today)
        # ``None`` (no customer details) is cached as ``False`` to tell it from a miss.
        cache.set(key, summary if summary is not None else False, seconds)
    return summary or None
