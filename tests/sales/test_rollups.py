"""The monthly roll-ups equal the facts after every service that records one; what reads
them (表5-11, the dashboard) gives the figures the facts give; a rebuild repairs them."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.http import QueryDict

from ledger.engine import site
from ledger.engine.base import RegisterContext
from ledger.engine.query import run_query
from sales.models import (
    CustomerMonth,
    Order,
    OrderStatus,
    ProductCost,
    Receipt,
    SalesAdjustment,
    SalespersonMonth,
    ShipmentLine,
)
from sales.services.orders import (
    adjustment_record,
    invoice_record,
    receipt_record,
)
from sales.services.rollups import rebuild_rollups, rollup_differences
from tests.factories import ProductFactory
from tests.sales.orders_helpers import hand_over, make_order, random_sales, ship

pytestmark = pytest.mark.django_db
D = Decimal


def test_every_service_keeps_the_rollups_equal_to_the_facts(org):
    s1, s3 = org.sales1, org.sales3
    valve, pump = ProductFactory(name="阀门"), ProductFactory(name="水泵")
    ProductCost.objects.create(product=valve, effective_on=datetime.date(2026, 1, 1), unit_cost=8)
    order = make_order(s1, lines=[(valve, "10", "12.50"), (pump, "4", "100.00")], confirm=True)
    assert rollup_differences() == []  # nothing shipped: no row
    assert not SalespersonMonth.objects.exists()

    ship(s1, order, {0: "6"}, shipped_on=datetime.date(2026, 10, 31))  # 75.00, cost 48
    ship(s1, order, {0: "4", 1: "1"}, shipped_on=datetime.date(2026, 11, 1))  # 50 + 100
    assert rollup_differences() == []
    october = SalespersonMonth.objects.get(salesperson=s1, month=datetime.date(2026, 10, 1))
    assert (october.lines, october.sales, october.cost, october.open_amount) == (
        1,
        D("75.00"),
        D("48.00"),
        D("75.00"),
    )

    # A receipt pays October's line, then part of November's first (first shipped, first
    # paid): each month's open amount falls by what it was paid.
    receipt_record(actor=s1, order=order, received_on=datetime.date(2026, 12, 2), amount="100")
    for kind, day in (("return", 3), ("allowance", 4), ("write_off", 5)):
        adjustment_record(
            actor=s1,
            order=order,
            kind=kind,
            occurred_on=datetime.date(2026, 12, day),
            amount="1.11",
        )
    invoice_record(
        actor=s1, order=order, number="FP-9", issued_on=datetime.date(2026, 12, 1), amount="50"
    )
    assert rollup_differences() == []
    october.refresh_from_db()
    november = SalespersonMonth.objects.get(salesperson=s1, month=datetime.date(2026, 11, 1))
    december = SalespersonMonth.objects.get(salesperson=s1, month=datetime.date(2026, 12, 1))
    assert october.open_amount == 0 and november.open_amount == D("125.00")
    assert (december.received, december.returns, december.allowances, december.losses) == (
        D("100.00"),
        D("1.11"),
        D("1.11"),
        D("1.11"),
    )

    # A refused write changes nothing (same transaction as the fact).
    with pytest.raises(ValidationError):
        receipt_record(actor=s1, order=order, received_on=datetime.date(2026, 12, 9), amount="999")
    with pytest.raises(ValidationError):
        ship(s1, order, {1: "1", 0: "1"}, shipped_on=datetime.date(2026, 12, 9))
    assert rollup_differences() == []

    # Handed over: every figure of the order moves to the new 承办人, in every month.
    hand_over(org.admin, order, s3)
    assert rollup_differences() == []
    moved = SalespersonMonth.objects.filter(salesperson=s1).aggregate(
        sales=Sum("sales"), received=Sum("received"), lines=Sum("lines")
    )
    assert moved == {"sales": D("0.00"), "received": D("0.00"), "lines": 0}
    assert CustomerMonth.objects.filter(salesperson=s3).aggregate(t=Sum("amount"))["t"] == D(
        "225.00"
    )
    ship(s3, order, {1: "3"}, shipped_on=datetime.date(2026, 12, 10))
    receipt_record(actor=s3, order=order, received_on=datetime.date(2026, 12, 11), amount="200")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert rollup_differences() == []


@pytest.mark.parametrize("seed", [1, 2])
def test_random_sales_keep_the_rollups_equal_to_the_facts(org, seed):
    random_sales(org, seed)
    assert ShipmentLine.objects.count() > 15
    assert SalesAdjustment.objects.exists() and Receipt.objects.exists()
    assert rollup_differences() == []


def _facts_of_month(user, first: datetime.date, following: datetime.date) -> dict:
    """表5-11's base figures of one salesperson, summed from the facts."""

    def total(queryset, field="amount"):
        return queryset.aggregate(t=Sum(field))["t"] or D("0.00")

    lines = ShipmentLine.objects.filter(owner=user, shipped_on__gte=first, shipped_on__lt=following)
    adjusted = SalesAdjustment.objects.filter(
        order__owner=user, occurred_on__gte=first, occurred_on__lt=following
    )
    return {
        "sales": total(lines),
        "cost": total(lines, "cost"),
        "returns": total(adjusted.filter(kind="return")),
        "allowances": total(adjusted.filter(kind="allowance")),
        "losses": total(adjusted.filter(kind="write_off")),
        "received": total(
            Receipt.objects.filter(
                order__owner=user, received_on__gte=first, received_on__lt=following
            )
        ),
    }


def test_5_11_gives_each_month_the_figures_of_the_facts(org):
    random_sales(org, 3)
    register = site.get("5-11")
    people = {u.pk: u for u in (org.sales1, org.sales2, org.sales3, org.manager1, org.manager2)}
    checked = 0
    for month in ("2025-09", "2026-02", "2026-08", "2026-11", "2026-12"):
        query = run_query(
            register, RegisterContext(user=org.admin, params=QueryDict(f"period={month}"))
        )
        first, following = query.context.period.first, query.context.period.following
        rows = list(query.queryset)
        assert sorted(r["pk"] for r in rows) == sorted(people)
        for row in rows:
            expected = _facts_of_month(people[row["pk"]], first, following)
            assert {k: row[k] for k in expected} == expected, (month, row["username"])
            assert row["net"] == (
                expected["sales"]
                - expected["returns"]
                - expected["allowances"]
                - expected["losses"]
            )
            checked += bool(expected["sales"])
        totals = query.totals
        assert totals["sales"] == sum((r["sales"] for r in rows), D(0))
        assert totals["outstanding"] == sum((r["outstanding"] for r in rows), D(0))
    assert checked >= 3  # the months compared hold shipments


def test_a_rebuild_repairs_what_was_written_around_the_services(org):
    random_sales(org, 4, orders=6)
    row = SalespersonMonth.objects.filter(lines__gt=0).first()
    SalespersonMonth.objects.filter(pk=row.pk).update(sales=row.sales + 1, received=0)
    CustomerMonth.objects.filter(pk=CustomerMonth.objects.first().pk).delete()
    differences = rollup_differences()
    assert {(d[0], d[2]) for d in differences} >= {
        ("SalespersonMonth", "sales"),
        ("CustomerMonth", "amount"),
        ("CustomerMonth", "lines"),
    }
    with pytest.raises(CommandError, match="roll-up figures differ"):
        call_command("rebuild_sales_rollups", "--check")
    call_command("rebuild_sales_rollups")
    assert rollup_differences() == []
    call_command("rebuild_sales_rollups", "--check")


def test_the_migration_fills_the_rollups_from_the_facts(org):
    random_sales(org, 5, orders=6)
    for model in (SalespersonMonth, CustomerMonth, apps.get_model("sales", "ProductMonth")):
        model.objects.all().delete()
    assert rollup_differences() != []
    importlib.import_module("sales.migrations.0005_sales_rollups").fill(apps, None)
    assert rollup_differences() == []
    assert rebuild_rollups()["SalespersonMonth"] == SalespersonMonth.objects.count()
