"""Selectors of the manager's sales dashboard: plan against actual by month and by
salesperson, what customers owe by age, the top customers and products.

Every figure reads the same rule as the lists (``plan_owner_q``: a salesperson their own,
a manager their departments', the 总经理 and admins everything) and is computed by the
database in a fixed number of aggregate queries over the monthly roll-ups of the shipments
(``sales.models.rollups``), so the page costs the same for ten orders as for a million
lines. 计划 comes from the plans (表5-4 monthly targets, 表5-2 annual plans), 实际 from the
shipments (what was delivered, at the order's prices).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, NullIf
from django.utils import timezone

from accounts.models import User
from sales.models import (
    ActionPlan,
    AnnualPlanLine,
    CustomerMonth,
    ProductMonth,
    SalespersonMonth,
)
from sales.selectors import shipment_lines_visible_to
from sales.selectors_plans import plan_owner_q

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
TOP = 10
# Receivables by the age of the shipment they are owed for (days, inclusive upper bounds).
AGE_BUCKETS = ((30, "30天以内"), (60, "31–60天"), (90, "61–90天"), (None, "90天以上"))


@dataclass
class Dashboard:
    year: int
    months: list[dict] = field(default_factory=list)  # {month, label, plan, actual}
    people: list[dict] = field(default_factory=list)  # {name, plan, actual, rate}
    ages: list[dict] = field(default_factory=list)  # {label, amount}
    customers: list[dict] = field(default_factory=list)  # {pk, name, amount}
    products: list[dict] = field(default_factory=list)  # {name, quantity, amount}

    @property
    def plan_total(self) -> Decimal:
        return sum((m["plan"] for m in self.months), Decimal(0))

    @property
    def actual_total(self) -> Decimal:
        return sum((m["actual"] for m in self.months), Decimal(0))

    @property
    def owed_total(self) -> Decimal:
        return sum((a["amount"] for a in self.ages), Decimal(0))


def _rate(actual: Decimal, plan: Decimal) -> Decimal | None:
    return (actual * 100 / plan).quantize(Decimal("0.1")) if plan else None


def _name(prefix: str):
    return Coalesce(NullIf(f"{prefix}__full_name", Value("")), f"{prefix}__username")


def sales_dashboard(
    user: User, *, year: int | None = None, today: datetime.date | None = None
) -> Dashboard | None:
    """The dashboard's figures for ``user``; ``None`` for roles that see no sales.

    Computed afresh on every look, so never stale: what was shipped from the monthly
    roll-ups (``sales.models.rollups``: a row per salesperson, customer or product and
    month, kept by the services as they record the facts), what is owed from the roll-up
    and the lines still unpaid of the last months. Nine small queries, a few milliseconds
    of the database at a million shipment lines."""
    if plan_owner_q(user) is None:
        return None
    today = today or timezone.localdate()
    return _compute(user, year=year or today.year, today=today)


def _compute(user: User, *, year: int, today: datetime.date) -> Dashboard:
    mine = plan_owner_q(user, "salesperson")  # the plans' rule on the roll-ups' 承办人
    first, following = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    board = Dashboard(year=year)

    # What was shipped, by month and 承办人: the year's rows of the monthly roll-up (a row
    # whose lines all moved to another 承办人 has none left and is skipped).
    shipped_rows = (
        SalespersonMonth.objects.filter(mine, month__gte=first, month__lt=following, lines__gt=0)
        .order_by()
        .values_list("month", "salesperson_id", "sales")
    )
    shipped: dict[int, Decimal] = {}
    by_owner: dict[int, Decimal] = {}
    for month, owner, total in shipped_rows:
        shipped[month.month] = shipped.get(month.month, Decimal(0)) + total
        by_owner[owner] = by_owner.get(owner, Decimal(0)) + total
    board.months = _months(user, year, shipped)
    board.people = _people(user, year, by_owner)
    board.ages = _ages(user, today)

    # The year's top customers and products by shipped amount, from their monthly roll-ups.
    board.customers = list(
        CustomerMonth.objects.filter(mine, month__gte=first, month__lt=following, lines__gt=0)
        .order_by()
        .values(pk=F("customer"), name=F("customer__name"))
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "name", "pk")[:TOP]
    )
    board.products = list(
        ProductMonth.objects.filter(mine, month__gte=first, month__lt=following, lines__gt=0)
        .order_by()
        .values(name=F("product__name"))
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by("-amount", "name")[:TOP]
    )
    return board


def _months(user: User, year: int, shipped: dict[int, Decimal]) -> list[dict]:
    """By month: the 表5-4 targets of the year against ``shipped`` (month → amount)."""
    first, following = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    targets = dict(
        ActionPlan.objects.filter(plan_owner_q(user), month__gte=first, month__lt=following)
        .annotate(m=ExtractMonth("month"))
        .order_by()
        .values("m")
        .annotate(total=Sum("target"))
        .values_list("m", "total")
    )
    return [
        {
            "month": m,
            "label": f"{m}月",
            "plan": targets.get(m) or Decimal(0),
            "actual": shipped.get(m) or Decimal(0),
        }
        for m in range(1, 13)
    ]


def _people(user: User, year: int, by_owner: dict[int, Decimal]) -> list[dict]:
    """By salesperson: the 表5-2 annual plan (万元 → yuan) against ``by_owner`` (承办人 →
    amount shipped in the year), the best first."""
    amount = ExpressionWrapper(
        (
            F("home_qty") * F("home_price")
            + F("abroad_qty") * F("abroad_price")
            + F("partner_qty") * F("partner_price")
        )
        * Value(Decimal(10000)),
        output_field=MONEY,
    )
    planned = {
        row["owner"]: row
        for row in AnnualPlanLine.objects.filter(plan_owner_q(user, "plan__owner"), plan__year=year)
        .order_by()
        .values(owner=F("plan__owner"))
        .annotate(name=_name("plan__owner"), total=Sum(amount))
    }
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=set(by_owner) - set(planned))}
    actual = {owner: {"name": names.get(owner), "total": t} for owner, t in by_owner.items()}
    people = []
    for owner in set(planned) | set(actual):
        plan_row, actual_row = planned.get(owner), actual.get(owner)
        plan_total = (plan_row["total"] if plan_row else None) or Decimal(0)
        actual_total = (actual_row["total"] if actual_row else None) or Decimal(0)
        people.append(
            {
                "name": (plan_row or {}).get("name") or actual_row["name"],
                "plan": plan_total.quantize(Decimal("0.01")),
                "actual": actual_total,
                "rate": _rate(actual_total, plan_total),
            }
        )
    return sorted(people, key=lambda p: (-p["actual"], -p["plan"], p["name"]))


def _ages(user: User, today: datetime.date) -> list[dict]:
    """Receivables by age: what is still owed for each shipment line (amount − paid), by
    the days since it was shipped, in ``AGE_BUCKETS``.

    Only the last bucket (over 90 days) reaches back to the first shipment, and it is open
    ended: the whole months before the month of its limit are read from the roll-up's
    ``open_amount`` (kept as receipts are applied); the days from the first of that month
    on are summed from the lines still owed (``shipline_open_idx``, read index-only). So
    the figures are those of the lines, day for day, for a few months' lines."""
    limits = [days for days, _label in AGE_BUCKETS if days is not None]
    since = (today - datetime.timedelta(days=max(limits))).replace(day=1)
    sums = {}
    previous = None
    for days, label in AGE_BUCKETS:
        age = Q()
        if days is not None:
            age &= Q(shipped_on__gte=today - datetime.timedelta(days=days))
        if previous is not None:
            age &= Q(shipped_on__lt=today - datetime.timedelta(days=previous))
        sums[label] = Coalesce(
            Sum(F("amount") - F("paid_amount"), filter=age, output_field=MONEY), ZERO
        )
        previous = days
    recent = (
        shipment_lines_visible_to(user)
        .filter(amount__gt=F("paid_amount"), shipped_on__gte=since)
        .aggregate(**sums)
    )
    older = SalespersonMonth.objects.filter(
        plan_owner_q(user, "salesperson"), month__lt=since
    ).aggregate(total=Coalesce(Sum("open_amount"), ZERO))["total"]
    oldest = AGE_BUCKETS[-1][1]
    recent[oldest] += older
    return [{"label": label, "amount": recent[label]} for _d, label in AGE_BUCKETS]
