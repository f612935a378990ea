"""Orders created, shipped and paid at once, on real PostgreSQL connections."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ledger.models import NumberCounter
from sales.models import Order, ShipmentLine
from sales.services.orders import order_create, receipt_record
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
