"""Shared builders for the order tests: an order with lines, confirmed, shipped; an order
handed over; random sales recorded through the services."""

import datetime
import random
from decimal import Decimal

from sales.models import Order, OrderStatus
from sales.services.orders import (
    LineInput,
    ShipLineInput,
    adjustment_record,
    order_confirm,
    order_create,
    order_update,
    receipt_record,
    shipment_record,
)
from tests.factories import CustomerFactory, ProductFactory

EXPORT = {
    "shipping_mark": "N/M",
    "shipping_to": "HAMBURG",
    "lc_number": "LC-2026-88",
    "app_number": "AP-7",
    "batch_grade": "A级",
    "packing": "纸箱",
    "volume": "1.2",
    "carton_count": 40,
    "carton_numbers": "1-40",
    "gross_weight": Decimal("520.50"),
    "net_weight": Decimal("480.00"),
    "last_carton_weight": Decimal("11.20"),
}


def make_order(
    user,
    *,
    customer=None,
    lines=None,
    ordered_on=None,
    confirm=False,
    export=False,
    contract=None,
):
    customer = customer or (contract.customer if contract else CustomerFactory(owner=user))
    if lines is None:
        lines = [(ProductFactory(), "10", "12.50"), (ProductFactory(), "4", "100.00")]
    order = order_create(
        actor=user,
        data={
            "customer": customer,
            "ordered_on": ordered_on or datetime.date(2026, 11, 5),
            "is_export": export,
            **(EXPORT if export else {}),
            **({"contract": contract} if contract else {}),
        },
        lines=[
            {"product": p, "quantity": Decimal(q), "unit_price": Decimal(pr)} for p, q, pr in lines
        ],
    )
    if confirm:
        order_confirm(actor=user, order=order)
    return order


def ship(user, order, quantities, *, shipped_on=None, **data):
    lines = list(order.lines.order_by("position"))
    return shipment_record(
        actor=user,
        order=order,
        shipped_on=shipped_on or datetime.date(2026, 11, 10),
        lines=[
            ShipLineInput(order_line_id=lines[i].pk, quantity=Decimal(q), batch_number=f"PH{i}")
            for i, q in quantities.items()
        ],
        data=data,
    )


def hand_over(actor, order, owner):
    """Change the order's 承办人 through the order form's service."""
    order = Order.objects.get(pk=order.pk)
    return order_update(
        actor=actor,
        order=order,
        expected_version=order.version,
        data={"owner": owner},
        lines=[LineInput(data={}, line=line) for line in order.lines.order_by("position")],
        reason="工作交接",
    )


def random_sales(org, seed: int, orders: int = 14) -> None:
    """Orders of several salespeople, shipped, paid, adjusted and handed over at random,
    all through the services, over 2025–2026 (with shipments on the dashboard's age
    boundaries of 2026-11-30)."""
    rng = random.Random(seed)
    people = [org.sales1, org.sales2, org.sales3, org.manager1]
    # Two products of one name: the dashboard lists products by name.
    products = [ProductFactory(name=name) for name in ("阀门", "水泵", "水泵", "法兰")]
    customers = {p.pk: [CustomerFactory(owner=p) for _ in range(2)] for p in people}
    start = datetime.date(2025, 6, 1)
    edges = [
        datetime.date(2026, 11, 30) - datetime.timedelta(days=d)
        for d in (0, 30, 31, 60, 61, 90, 91)
    ] + [datetime.date(2026, 8, 1), datetime.date(2026, 7, 31), datetime.date(2027, 1, 3)]
    for i in range(orders):
        owner = rng.choice(people)
        chosen = rng.sample(products, rng.randint(1, 3))
        lines = [
            (p, str(rng.choice([2, 5, 10])), rng.choice(["0.00", "9.99", "120.50"])) for p in chosen
        ]
        order = make_order(
            owner, customer=rng.choice(customers[owner.pk]), lines=lines, confirm=True
        )
        for k in range(rng.randint(1, 3)):
            left = {
                j: line.quantity - line.shipped_quantity
                for j, line in enumerate(order.lines.order_by("position"))
                if line.quantity > line.shipped_quantity
            }
            if not left:
                break
            part = {
                j: str(q if rng.random() < 0.6 else (q / 2).quantize(Decimal(1)))
                for j, q in left.items()
            }
            part = {j: q for j, q in part.items() if Decimal(q) > 0} or {
                j: str(q) for j, q in left.items()
            }
            day = (
                edges[(i + k) % len(edges)]
                if rng.random() < 0.4
                else start + datetime.timedelta(days=rng.randrange(0, 600))
            )
            order = Order.objects.get(pk=order.pk)
            ship(order.owner, order, part, shipped_on=day)
            order.refresh_from_db()
            if rng.random() < 0.6 and order.owed_amount > 0:
                amount = min(order.owed_amount, Decimal(rng.randrange(1, 2000)))
                receipt_record(
                    actor=order.owner,
                    order=order,
                    received_on=day + datetime.timedelta(days=rng.randrange(0, 60)),
                    amount=amount,
                )
                order.refresh_from_db()
            if rng.random() < 0.3 and order.owed_amount > 1:
                adjustment_record(
                    actor=order.owner,
                    order=order,
                    kind=rng.choice(["return", "allowance", "write_off"]),
                    occurred_on=day + datetime.timedelta(days=rng.randrange(0, 40)),
                    amount=Decimal(1),
                )
            order.refresh_from_db()
            if order.status == OrderStatus.PARTLY_SHIPPED and rng.random() < 0.4:
                others = [p for p in people if p.pk != order.owner_id]
                hand_over(org.admin, order, rng.choice(others))
