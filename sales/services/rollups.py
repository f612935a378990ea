"""Keeping the monthly roll-ups (``sales.models.rollups``) equal to the facts they sum.

Writers. A service that records facts collects what they add to which rows in a
``RollupDeltas`` and calls ``save()`` at the end of its transaction: each row is created
if missing (``INSERT … ON CONFLICT DO NOTHING``) and added to with ``UPDATE … SET x = x +
d``, which the database serialises per row, so two services adding to the same month
never lose each other's sums. Rows are written in one fixed order (model, then key), so
two transactions never wait for each other's rows crosswise, and last in the transaction,
so a busy salesperson's month stays locked for a moment only. The services call it for:

- a shipment: its lines' amounts, costs, quantities and counts, by shipping month, into
  the salesperson's, the customer's and the products' months; what is still owed;
- a receipt, a shipment (the receipts spread again, first shipped first paid): what is
  still owed of each line it pays, by the line's shipping month; the receipt itself by
  the date received;
- a return, allowance or write-off, by its date and kind;
- the change of an order's 承办人: everything the order's facts added, moved from the
  old 承办人's rows to the new one's.

Nothing else writes the facts (no service deletes a shipment, a receipt or an adjustment;
an order with shipments cannot be cancelled). Loaders that write facts in bulk without the
services (the demo data, the benchmarks' generators) call ``rebuild_rollups()`` after.

The truth. ``rollups_from_facts()`` recomputes every row from the facts;
``rollup_differences()`` compares the stored rows with it (a missing row counts as zeros);
``rebuild_rollups()`` replaces the stored rows (``manage.py rebuild_sales_rollups``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from sales.models import (
    AdjustmentKind,
    CustomerMonth,
    ProductMonth,
    Receipt,
    SalesAdjustment,
    SalespersonMonth,
    ShipmentLine,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Each roll-up's key and the sums it keeps, in the order rows are written.
KEYS = {
    SalespersonMonth: ("salesperson_id", "month"),
    CustomerMonth: ("salesperson_id", "customer_id", "month"),
    ProductMonth: ("salesperson_id", "product_id", "month"),
}
FIELDS = {
    SalespersonMonth: (
        "lines",
        "sales",
        "cost",
        "open_amount",
        "returns",
        "allowances",
        "losses",
        "received",
    ),
    CustomerMonth: ("lines", "amount"),
    ProductMonth: ("lines", "quantity", "amount"),
}
ADJUSTMENT_FIELD = {
    AdjustmentKind.RETURN: "returns",
    AdjustmentKind.ALLOWANCE: "allowances",
    AdjustmentKind.WRITE_OFF: "losses",
}


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class RollupDeltas:
    """What one transaction's facts add to the roll-ups, written once by ``save()``."""

    def __init__(self) -> None:
        self._cells: dict[Any, dict[tuple, dict[str, Any]]] = {model: {} for model in KEYS}

    def add(self, model, key: tuple, **sums: Any) -> None:
        cell = self._cells[model].setdefault(key, defaultdict(int))
        for name, value in sums.items():
            cell[name] += value

    def shipment_line(
        self,
        *,
        owner_id: int,
        customer_id: int,
        product_id: int,
        shipped_on: datetime.date,
        quantity: Decimal,
        amount: Decimal,
        cost: Decimal,
        paid: Decimal = ZERO,
        sign: int = 1,
    ) -> None:
        """A shipment line (``sign=-1``: taken away from its 承办人, as when moved)."""
        month = month_of(shipped_on)
        self.add(
            SalespersonMonth,
            (owner_id, month),
            lines=sign,
            sales=sign * amount,
            cost=sign * cost,
            open_amount=sign * (amount - paid),
        )
        self.add(CustomerMonth, (owner_id, customer_id, month), lines=sign, amount=sign * amount)
        self.add(
            ProductMonth,
            (owner_id, product_id, month),
            lines=sign,
            quantity=sign * quantity,
            amount=sign * amount,
        )

    def payment(self, *, owner_id: int, shipped_on: datetime.date, paid: Decimal) -> None:
        """``paid`` more (or less) applied to a line shipped on ``shipped_on``."""
        self.add(SalespersonMonth, (owner_id, month_of(shipped_on)), open_amount=-paid)

    def adjustment(
        self,
        *,
        owner_id: int,
        kind: str,
        occurred_on: datetime.date,
        amount: Decimal,
        sign: int = 1,
    ) -> None:
        field = ADJUSTMENT_FIELD[AdjustmentKind(kind)]
        self.add(SalespersonMonth, (owner_id, month_of(occurred_on)), **{field: sign * amount})

    def receipt(
        self, *, owner_id: int, received_on: datetime.date, amount: Decimal, sign: int = 1
    ) -> None:
        self.add(SalespersonMonth, (owner_id, month_of(received_on)), received=sign * amount)

    def save(self) -> None:
        """Add the collected sums to their rows (inside the caller's transaction)."""
        for model, keys in KEYS.items():
            cells = {
                key: {name: value for name, value in sums.items() if value}
                for key, sums in sorted(self._cells[model].items())
            }
            cells = {key: sums for key, sums in cells.items() if sums}
            if not cells:
                continue
            model.objects.bulk_create(
                [model(**dict(zip(keys, key, strict=True))) for key in cells],
                ignore_conflicts=True,
            )
            for key, sums in cells.items():
                model.objects.filter(**dict(zip(keys, key, strict=True))).update(
                    **{name: F(name) + value for name, value in sums.items()}
                )
        self._cells = {model: {} for model in KEYS}


def move_order(deltas: RollupDeltas, *, order, from_owner_id: int, to_owner_id: int) -> None:
    """Move what ``order``'s facts added from one 承办人's rows to another's (call before
    the order's shipment lines take their new owner)."""
    lines = (
        ShipmentLine.objects.filter(shipment__order=order)
        .exclude(owner_id=to_owner_id)
        .values_list(
            "owner_id",
            "order_line__product_id",
            "shipped_on",
            "quantity",
            "amount",
            "cost",
            "paid_amount",
        )
    )
    for owner_id, product_id, shipped_on, quantity, amount, cost, paid in lines:
        for sign, owner in ((-1, owner_id), (1, to_owner_id)):
            deltas.shipment_line(
                owner_id=owner,
                customer_id=order.customer_id,
                product_id=product_id,
                shipped_on=shipped_on,
                quantity=quantity,
                amount=amount,
                cost=cost,
                paid=paid,
                sign=sign,
            )
    if from_owner_id == to_owner_id:
        return
    for kind, occurred_on, amount in SalesAdjustment.objects.filter(order=order).values_list(
        "kind", "occurred_on", "amount"
    ):
        for sign, owner in ((-1, from_owner_id), (1, to_owner_id)):
            deltas.adjustment(
                owner_id=owner, kind=kind, occurred_on=occurred_on, amount=amount, sign=sign
            )
    for received_on, amount in Receipt.objects.filter(order=order).values_list(
        "received_on", "amount"
    ):
        for sign, owner in ((-1, from_owner_id), (1, to_owner_id)):
            deltas.receipt(owner_id=owner, received_on=received_on, amount=amount, sign=sign)


# --- The truth: every row recomputed from the facts ----------------------------------------


def rollups_from_facts() -> dict[Any, dict[tuple, dict[str, Any]]]:
    """Every roll-up row as the facts give it: {model: {key: {field: sum}}}, rows with no
    fact left out. A handful of grouped queries over the fact tables."""
    result: dict[Any, dict[tuple, dict[str, Any]]] = {model: {} for model in KEYS}

    def row(model, key):
        return result[model].setdefault(
            key, {name: 0 if name == "lines" else ZERO for name in FIELDS[model]}
        )

    month = TruncMonth("shipped_on")
    for r in (
        ShipmentLine.objects.annotate(m=month)
        .order_by()
        .values("owner_id", "m")
        .annotate(
            n=Count("id"),
            sales=Sum("amount"),
            cost=Sum("cost"),
            open=Sum(F("amount") - F("paid_amount")),
        )
    ):
        row(SalespersonMonth, (r["owner_id"], r["m"])).update(
            lines=r["n"], sales=r["sales"], cost=r["cost"], open_amount=r["open"]
        )
    for r in (
        SalesAdjustment.objects.annotate(m=TruncMonth("occurred_on"))
        .order_by()
        .values("order__owner_id", "m", "kind")
        .annotate(total=Sum("amount"))
    ):
        field = ADJUSTMENT_FIELD[AdjustmentKind(r["kind"])]
        row(SalespersonMonth, (r["order__owner_id"], r["m"]))[field] = r["total"]
    for r in (
        Receipt.objects.annotate(m=TruncMonth("received_on"))
        .order_by()
        .values("order__owner_id", "m")
        .annotate(total=Sum("amount"))
    ):
        row(SalespersonMonth, (r["order__owner_id"], r["m"]))["received"] = r["total"]
    for r in (
        ShipmentLine.objects.annotate(m=month)
        .order_by()
        .values("owner_id", "shipment__order__customer_id", "m")
        .annotate(n=Count("id"), amount=Sum("amount"))
    ):
        key = (r["owner_id"], r["shipment__order__customer_id"], r["m"])
        row(CustomerMonth, key).update(lines=r["n"], amount=r["amount"])
    for r in (
        ShipmentLine.objects.annotate(m=month)
        .order_by()
        .values("owner_id", "order_line__product_id", "m")
        .annotate(n=Count("id"), quantity=Sum("quantity"), amount=Sum("amount"))
    ):
        key = (r["owner_id"], r["order_line__product_id"], r["m"])
        row(ProductMonth, key).update(lines=r["n"], quantity=r["quantity"], amount=r["amount"])
    return result


def stored_rollups() -> dict[Any, dict[tuple, dict[str, Any]]]:
    """The stored rows, in the shape of ``rollups_from_facts``."""
    return {
        model: {
            tuple(values[: len(keys)]): dict(zip(FIELDS[model], values[len(keys) :], strict=True))
            for values in model.objects.values_list(*keys, *FIELDS[model])
        }
        for model, keys in KEYS.items()
    }


def _cents(value: Any) -> Any:
    # SQLite's sums of decimals come back with float noise beyond the cent.
    return value.quantize(CENT) if isinstance(value, Decimal) else value


def rollup_differences() -> list[tuple[str, tuple, str, Any, Any]]:
    """Where the stored roll-ups and the facts disagree: (model, key, field, stored,
    from the facts), empty when they agree. A missing row counts as zeros."""
    expected, stored = rollups_from_facts(), stored_rollups()
    differences = []
    for model in KEYS:
        for key in sorted(set(expected[model]) | set(stored[model])):
            have, want = stored[model].get(key, {}), expected[model].get(key, {})
            for name in FIELDS[model]:
                if _cents(have.get(name, 0)) != _cents(want.get(name, 0)):
                    differences.append(
                        (model.__name__, key, name, have.get(name, 0), want.get(name, 0))
                    )
    return differences


def rebuild_rollups() -> dict[str, int]:
    """Replace every roll-up row by the facts' sums, in one transaction; the number of
    rows written per roll-up.

    On PostgreSQL the roll-ups are locked first (``EXCLUSIVE``: reads go on, services
    that record a fact wait at their ``save()``): a service whose facts committed before
    the lock is in the sums; one that commits after it adds to the new rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(model._meta.db_table for model in KEYS)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        expected = rollups_from_facts()
        counts = {}
        for model, keys in KEYS.items():
            model.objects.all().delete()
            model.objects.bulk_create(
                (
                    model(
                        **dict(zip(keys, key, strict=True)),
                        **{name: _cents(value) for name, value in sums.items()},
                    )
                    for key, sums in expected[model].items()
                ),
                batch_size=2000,
            )
            counts[model.__name__] = len(expected[model])
    return counts
