"""Order services: numbers, totals, the workflow, shipments, receipts and the refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ledger.models import CustomerEvent
from sales.models import Order, OrderLine, OrderStatus, Receipt, ShipmentLine
from sales.selectors import order_history
from sales.services.orders import (
    LineInput,
    adjustment_record,
    invoice_record,
    order_create,
    order_update,
    receipt_record,
)
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order, ship

pytestmark = pytest.mark.django_db


def test_create_numbers_totals_and_timeline(sales1):
    first = make_order(sales1)
    second = make_order(sales1)
    assert [first.number, second.number] == ["DD-2026-0001", "DD-2026-0002"]
    assert first.total_amount == Decimal("525.00")  # 10 × 12.50 + 4 × 100.00
    assert [line.amount for line in first.lines.all()] == [Decimal("125.00"), Decimal("400.00")]
    event = CustomerEvent.objects.get(customer=first.customer)
    assert event.title == "订货单 DD-2026-0001"
    assert event.source == first


def test_partial_shipments_move_the_status_and_never_exceed_what_remains(sales1):
    order = make_order(sales1, confirm=True)
    ship(sales1, order, {0: "4"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTLY_SHIPPED
    with pytest.raises(ValidationError) as error:
        ship(sales1, order, {0: "6.01"})
    assert "只剩 6.00 待出货" in str(error.value)
    assert ShipmentLine.objects.count() == 1
    ship(sales1, order, {0: "6", 1: "4"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert [ln.shipped_quantity for ln in order.lines.all()] == [Decimal("10"), Decimal("4")]


def test_receipts_are_spread_over_shipments_and_never_above_what_is_owed(sales1):
    order = make_order(sales1, confirm=True)
    ship(sales1, order, {0: "10"})  # 125.00 shipped
    receipt_record(actor=sales1, order=order, received_on=datetime.date(2026, 11, 20), amount="200")
    assert list(ShipmentLine.objects.values_list("paid_amount", flat=True)) == [Decimal("125")]
    ship(sales1, order, {1: "1"})  # 100.00: 75.00 of the receipt left over
    paid = ShipmentLine.objects.order_by("id").values_list("paid_amount", flat=True)
    assert list(paid) == [Decimal("125.00"), Decimal("75.00")]
    with pytest.raises(ValidationError) as error:
        receipt_record(
            actor=sales1, order=order, received_on=datetime.date(2026, 11, 21), amount="325.01"
        )
    assert "本订单尚欠 325.00 元" in str(error.value)
    assert Receipt.objects.count() == 1
    adjustment_record(
        actor=sales1,
        order=order,
        kind="allowance",
        occurred_on=datetime.date(2026, 11, 22),
        amount="25",
    )
    order.refresh_from_db()
    assert order.owed_amount == Decimal("300.00")
    invoice_record(
        actor=sales1,
        order=order,
        number="FP001",
        issued_on=datetime.date(2026, 11, 23),
        amount="525",
    )
    order.refresh_from_db()
    assert order.invoice_numbers == "FP001"


@pytest.mark.parametrize(
    ("quantity", "price", "message"),
    [
        ("0", "1.00", "数量"),
        ("-3", "1.00", "数量"),
        ("2", "1.001", "2"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(sales1, quantity, price, message):
    customer = CustomerFactory(owner=sales1)
    with pytest.raises(ValidationError) as error:
        order_create(
            actor=sales1,
            data={"customer": customer, "ordered_on": datetime.date(2026, 11, 5)},
            lines=[
                {"product": ProductFactory(), "quantity": Decimal(quantity), "unit_price": price}
            ],
        )
    assert message in " ".join(error.value.messages)
    assert (Order.objects.count(), OrderLine.objects.count()) == (0, 0)


def test_invisible_customer_and_discontinued_product_are_refused(sales1, sales3):
    foreign = CustomerFactory(owner=sales3)
    with pytest.raises(ValidationError) as error:
        make_order(sales1, customer=foreign)
    assert error.value.messages == ["您无权为该客户下订单。"]
    old = ProductFactory(is_active=False, name="旧款")
    with pytest.raises(ValidationError) as error:
        make_order(sales1, lines=[(old, "1", "1")])
    assert error.value.messages == ["第 1 行：产品旧款已停产。"]
    assert Order.objects.count() == 0


def test_confirmed_order_changes_are_recorded_and_shipped_lines_locked(sales1, sales2):
    order = make_order(sales1, confirm=True)
    lines = list(order.lines.order_by("position"))
    items = [
        LineInput(data={"quantity": Decimal("12")}, line=lines[0]),
        LineInput(data={}, line=lines[1]),
    ]
    with pytest.raises(ValidationError) as error:
        order_update(
            actor=sales1, order=order, expected_version=order.version, data={}, lines=items
        )
    assert error.value.messages == ["此订单已确认：请填写修改原因。"]
    order = order_update(
        actor=sales1,
        order=order,
        expected_version=order.version,
        data={},
        lines=items,
        reason="客户追加两件",
    )
    assert order.total_amount == Decimal("550.00")
    changes = order_history(order)
    assert any(
        c.field == "数量" and c.new == "12.00" and c.reason == "客户追加两件" for c in changes
    )
    ship(sales1, order, {0: "1"})
    order.refresh_from_db()
    line = order.lines.get(position=1)
    with pytest.raises(ValidationError) as error:
        order_update(
            actor=sales1,
            order=order,
            expected_version=order.version,
            data={},
            lines=[LineInput(data={"quantity": Decimal("20")}, line=line)],
            reason="改",
        )
    assert error.value.messages == ["第 1 行已出货，不能修改。"]
    line.refresh_from_db()
    assert line.quantity == Decimal("12")
    with pytest.raises(PermissionDenied):
        order_update(actor=sales2, order=order, expected_version=order.version, data={}, lines=[])
