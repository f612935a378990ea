"""Shared builders for the order tests: an order with lines, confirmed, shipped."""

import datetime
from decimal import Decimal

from sales.services.orders import (
    ShipLineInput,
    order_confirm,
    order_create,
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
