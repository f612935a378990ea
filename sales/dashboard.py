"""Selectors of the manager's sales dashboard: plan against actual by month and by
salesperson, what customers owe by age, the top customers and products.

Every figure reads the same rule as the lists (``plan_owner_q``: a salesperson their own,
a manager their departments', the 总经理 and admins everything) and is computed by the
database in a fixed number of aggregate queries, so the page costs the same for ten orders
as for a million lines. 计划 comes from the plans (表5-4 monthly targets, 表5-2 annual
plans), 实际 from the shipments (what was delivered, at the order's prices).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, NullIf
from django.utils import timezone

from accounts.models import User
from sales.models import (
    ActionPlan,
    AnnualPlan,
    AnnualPlanLine,
    Receipt,
    SalesAdjustment,
    ShipmentLine,
)
from sales.selectors import shipment_lines_visible_to
from sales.selectors_plans import plan_owner_q

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
TOP = 10
CACHE_SECONDS = 15 * 60
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


def data_version() -> str:
    """A stamp that changes whenever a figure of the dashboard may change: the newest
    shipment line, receipt, adjustment and plan line, and the last change of a plan. One
    query over primary keys and two small tables."""
    tables = {
        "shipments": ShipmentLine._meta.db_table,
        "receipts": Receipt._meta.db_table,
        "adjustments": SalesAdjustment._meta.db_table,
        "lines": AnnualPlanLine.history.model._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {tables['shipments']}),"
            f" (SELECT MAX(id) FROM {tables['receipts']}),"
            f" (SELECT MAX(id) FROM {tables['adjustments']}),"
            f" (SELECT MAX(history_id) FROM {tables['lines']}),"
            f" (SELECT MAX(updated_at) FROM {ActionPlan._meta.db_table}),"
            f" (SELECT MAX(updated_at) FROM {AnnualPlan._meta.db_table})"
        )
        return ":".join(str(v) for v in cursor.fetchone())


def sales_dashboard(
    user: User, *, year: int | None = None, today: datetime.date | None = None
) -> Dashboard | None:
    """The dashboard's figures for ``user``; ``None`` for roles that see no sales.

    The figures are kept in the cache under the user, the year, the day and
    ``data_version()``: a new shipment, receipt, adjustment or plan change gives a new key,
    so the page is always current and a repeated look costs one small query."""
    if plan_owner_q(user) is None:
        return None
    today = today or timezone.localdate()
    year = year or today.year
    scope = f"{user.pk}:{user.role}:{user.department_id}"
    stamp = hashlib.sha256(f"{scope}:{year}:{today}:{data_version()}".encode()).hexdigest()
    key = f"sales-dashboard:{stamp}"
    board = cache.get(key)
    if board is None:
        board = _compute(user, year=year, today=today)
        cache.set(key, board, CACHE_SECONDS)
    return board


def _compute(user: User, *, year: int, today: datetime.date) -> Dashboard:
    rule = plan_owner_q(user)
    first, following = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    board = Dashboard(year=year)
    lines = shipment_lines_visible_to(user)
    in_year = lines.filter(shipped_on__gte=first, shipped_on__lt=following)

    # By month: 表5-4 targets against what was shipped.
    targets = dict(
        ActionPlan.objects.filter(rule, month__gte=first, month__lt=following)
        .annotate(m=ExtractMonth("month"))
        .order_by()
        .values("m")
        .annotate(total=Sum("target"))
        .values_list("m", "total")
    )
    # What was shipped, by month and 承办人 in one pass: the months and the people read it.
    shipped_rows = list(
        in_year.annotate(m=ExtractMonth("shipped_on"))
        .order_by()
        .values("m", "owner")
        .annotate(total=Sum("amount"))
    )
    shipped: dict[int, Decimal] = {}
    by_owner: dict[int, Decimal] = {}
    for row in shipped_rows:
        shipped[row["m"]] = shipped.get(row["m"], Decimal(0)) + row["total"]
        by_owner[row["owner"]] = by_owner.get(row["owner"], Decimal(0)) + row["total"]
    board.months = [
        {
            "month": m,
            "label": f"{m}月",
            "plan": targets.get(m) or Decimal(0),
            "actual": shipped.get(m) or Decimal(0),
        }
        for m in range(1, 13)
    ]

    # By salesperson: the 表5-2 annual plan (万元 → yuan) against the year's shipments.
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
    board.people = sorted(people, key=lambda p: (-p["actual"], -p["plan"], p["name"]))

    # Receivables by age: what is still owed for each shipment line, by its shipping date.
    owed = lines.filter(amount__gt=F("paid_amount"))
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
    totals = owed.aggregate(**sums)
    board.ages = [{"label": label, "amount": totals[label]} for _d, label in AGE_BUCKETS]

    # The year's top customers and products by shipped amount.
    board.customers = list(
        in_year.order_by()
        .values(pk=F("shipment__order__customer"), name=F("shipment__order__customer__name"))
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "name")[:TOP]
    )
    board.products = list(
        in_year.order_by()
        .values(name=F("order_line__product__name"))
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by("-amount", "name")[:TOP]
    )
    return board
