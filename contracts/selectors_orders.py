"""The sales side of a contract: the orders placed under it (``Order.contract``), their
shipments and their receipts — what 表5-18 prints as 实际交货日期, 表5-21 as 货款回收记录, and
the contract's page lists.

The contract family reads the sales family here (never the other way round). The figures
are the database's: correlated subqueries on a contract's key, so a register annotates each
row with them in its one query, however many rows it lists.

- 实际交货日期: the date of the latest shipment (出货) of the contract's orders; empty while
  nothing is shipped or no order names the contract. A partly delivered contract shows its
  latest delivery so far.
- 货款回收记录: the sum received against the contract's orders (their receipts, which each
  order keeps summed as ``received_amount``) and the date of the latest receipt; empty when
  no order names the contract, ¥0.00 when its orders have received nothing yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from contracts.models import Contract
from ledger.engine.columns import Kind, format_value
from sales.models import Order, Receipt, Shipment
from sales.selectors import orders_visible_to

MONEY = DecimalField(max_digits=14, decimal_places=2)


def delivered_on_subquery(contract_ref: str = "pk") -> Subquery:
    """实际交货日期 of the contract ``contract_ref`` points at (see the module)."""
    shipments = (
        Shipment.objects.filter(order__contract_id=OuterRef(contract_ref))
        .order_by("-shipped_on")
        .values("shipped_on")[:1]
    )
    return Subquery(shipments, output_field=DateField())


def received_total_subquery(contract_ref: str = "pk") -> Subquery:
    """What the contract's orders received in all: None without orders, 0 before any receipt."""
    orders = (
        Order.objects.filter(contract_id=OuterRef(contract_ref))
        .order_by()
        .values("contract_id")
        .annotate(total=Sum("received_amount"))
        .values("total")
    )
    return Subquery(orders, output_field=MONEY)


def last_receipt_subquery(contract_ref: str = "pk") -> Subquery:
    """The date of the latest receipt against the contract's orders."""
    receipts = (
        Receipt.objects.filter(order__contract_id=OuterRef(contract_ref))
        .order_by("-received_on")
        .values("received_on")[:1]
    )
    return Subquery(receipts, output_field=DateField())


def received_text(total: Decimal | None, last: datetime.date | None) -> str:
    """货款回收记录 as printed: ``¥12,000.00（2026-11-03）`` — the sum received and, in
    brackets, the date of the latest receipt; "" when no order names the contract."""
    if total is None:
        return ""
    text = f"¥{format_value(total, Kind.MONEY)}"
    return f"{text}（{last.isoformat()}）" if last else text


@dataclass(frozen=True)
class ContractOrders:
    """The contract page's orders section."""

    orders: list[Order]  # those the user may see, oldest first
    hidden: int  # the others (orders are seen by their 承办人's side only)
    delivered_on: datetime.date | None
    received: str

    @property
    def count(self) -> int:
        return len(self.orders) + self.hidden


def contract_orders_for(user: User, contract: Contract) -> ContractOrders:
    """The orders placed under ``contract`` that ``user`` may see (``orders_visible_to``:
    the 销售助理, who sees the contract, sees no order), how many others there are, and
    the contract's 实际交货日期 and 货款回收记录 over all of them — the figures 5-18 and 5-21
    print to whoever reads the contract. Two queries."""
    figures = (
        Contract.objects.filter(pk=contract.pk)
        .annotate(
            order_count=Coalesce(
                Subquery(
                    Order.objects.filter(contract_id=OuterRef("pk"))
                    .order_by()
                    .values("contract_id")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            delivered=delivered_on_subquery(),
            received_total=received_total_subquery(),
            received_last=last_receipt_subquery(),
        )
        .values("order_count", "delivered", "received_total", "received_last")
        .get()
    )
    orders = list(
        orders_visible_to(user)
        .filter(contract=contract)
        .select_related("owner")
        .order_by("ordered_on", "pk")
    )
    return ContractOrders(
        orders=orders,
        hidden=max(figures["order_count"] - len(orders), 0),
        delivered_on=figures["delivered"],
        received=received_text(figures["received_total"], figures["received_last"]),
    )
