"""Orders created, shipped and paid at once, on real PostgreSQL connections."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ledger.models import NumberCounter
from sales.models import Order, SalespersonMonth, ShipmentLine
from sales.services.orders import order_create, receipt_record
from sales.services.rollups import rebuild_rollups, rollup_differences
from tests.factories import CustomerFactory, ProductFactory
from tests.ledger.test_postgres import run_together
from tests.sales.orders_helpers import make_order, ship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 20


def test_twenty_concurrent_creations_get_twenty_distinct_gapless_numbers(org):
    customer = CustomerFactory(owner=org.sales1)
    product = ProductFactory()
    creators = [org.sales1, org.manager1, org.gm, org.admin]

    def create(i):
        def _create():
            return order_create(
                actor=creators[i % len(creators)],
                data={
                    "customer": customer,
                    "owner": org.sales1,
                    "ordered_on": datetime.date(2026, 11, 20),
                },
                lines=[{"product": product, "quantity": Decimal(i + 1), "unit_price": "9.90"}],
            ).number

        return _create

    results = run_together(*(create(i) for i in range(N)))
    assert [r for r in results if not isinstance(r, str)] == []
    assert sorted(results) == [f"DD-2026-{n:04d}" for n in range(1, N + 1)]
    assert Order.objects.count() == N
    assert NumberCounter.objects.get(series="DD", year=2026).last == N


def test_a_refused_creation_gives_its_number_back(org):
    make_order(org.sales1)
    with pytest.raises(ValidationError):
        make_order(org.sales1, lines=[(ProductFactory(), "0", "1")])
    assert make_order(org.sales1).number == "DD-2026-0002"


def test_two_shipments_at_once_never_ship_more_than_ordered(org):
    order = make_order(org.sales1, confirm=True)  # line 1: 10 ordered

    def shipping():
        return ship(org.sales1, Order.objects.get(pk=order.pk), {0: "6"})

    results = run_together(shipping, shipping)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "只剩 4.00 待出货" in refused[0].messages[0]
    line = order.lines.get(position=1)
    assert line.shipped_quantity == Decimal("6")
    assert ShipmentLine.objects.count() == 1


def test_two_receipts_at_once_never_exceed_what_is_owed(org):
    order = make_order(org.sales1, confirm=True)  # 525.00

    def paying():
        return receipt_record(
            actor=org.sales1,
            order=Order.objects.get(pk=order.pk),
            received_on=datetime.date(2026, 11, 25),
            amount="300",
        )

    results = run_together(paying, paying)
    assert sorted(type(r).__name__ for r in results) == ["Receipt", "ValidationError"]
    order.refresh_from_db()
    assert order.received_amount == Decimal("300.00")


def test_concurrent_facts_of_one_salesperson_add_up_in_the_monthly_rollups(org):
    """Four shipments, then four receipts, of one salesperson's orders at once (the same
    month, customer and products: the same roll-up rows), and a rebuild amid shipments:
    no sum is lost, no transaction deadlocks."""
    customer = CustomerFactory(owner=org.sales1)
    products = [ProductFactory(), ProductFactory()]
    orders = [
        make_order(
            org.sales1,
            customer=customer,
            lines=[(p, "10", "3.00") for p in (products if i % 2 else products[::-1])],
            confirm=True,
        )
        for i in range(6)
    ]

    def shipping(order):
        return lambda: ship(
            org.sales1,
            Order.objects.get(pk=order.pk),
            {0: "10", 1: "5"},
            shipped_on=datetime.date(2026, 11, 10),
        )

    def paying(order):
        return lambda: receipt_record(
            actor=org.sales1,
            order=Order.objects.get(pk=order.pk),
            received_on=datetime.date(2026, 11, 20),
            amount="25",
        )

    results = run_together(*(shipping(o) for o in orders[:4]))
    assert [r for r in results if isinstance(r, Exception)] == []
    results = run_together(*(paying(o) for o in orders[:4]))
    assert [r for r in results if isinstance(r, Exception)] == []
    results = run_together(rebuild_rollups, *(shipping(o) for o in orders[4:]))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert rollup_differences() == []
    month = SalespersonMonth.objects.get(salesperson=org.sales1, month=datetime.date(2026, 11, 1))
    assert (month.lines, month.sales, month.received, month.open_amount) == (
        12,
        Decimal("270.00"),
        Decimal("100.00"),
        Decimal("170.00"),
    )
