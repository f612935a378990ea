"""Writes to orders (表5-8 / 5-9) and the facts recorded against them: shipments, receipts,
invoices, returns/allowances/write-offs. Views, commands and the demo call these; none of
them re-implements a rule. Every function is keyword-only, runs in one transaction and
validates with ``full_clean`` before saving; a refused write saves nothing. What a fact adds
to the monthly roll-ups (表5-11, the dashboard) is written in the same transaction
(``sales.services.rollups``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.models import Customer, EventKind, Product
from ledger.numbering import format_number, next_value
from ledger.selectors import customers_visible_to
from ledger.services.base import stale_error
from ledger.services.customers import customer_event_record_from_source
from ledger.workflow import transition
from sales.contract_links import check_order_contract
from sales.models import (
    AdjustmentKind,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    Receipt,
    SalesAdjustment,
    Shipment,
    ShipmentLine,
)
from sales.models.orders import CENT
from sales.selectors import (
    can_create_order,
    can_edit_order,
    can_record_payment,
    can_ship_order,
    order_owner_choices,
    unit_cost_on,
)
from sales.services.rollups import RollupDeltas, move_order

HISTORY_LANGUAGE = "zh-hans"
ORDER_PREFIX = "DD"
ORDER_FIELDS = (
    "customer",
    "contract",
    "owner",
    "ordered_on",
    "remarks",
    "is_export",
    "shipping_mark",
    "shipping_to",
    "lc_number",
    "app_number",
    "batch_grade",
    "purpose",
    "packing",
    "volume",
    "completion_date",
    "ship_date",
    "color_number",
    "carton_count",
    "carton_numbers",
    "gross_weight",
    "net_weight",
    "last_carton_weight",
    "export_remark",
)
LINE_FIELDS = ("product", "spec", "unit", "quantity", "unit_price")
SHIPMENT_FIELDS = ("place", "delivery_control", "carrier", "waybill_number")


@dataclass(frozen=True)
class LineInput:
    """One line row of the order form: a new line (``line`` None) or an existing one."""

    data: Mapping[str, Any]
    line: OrderLine | None = None
    delete: bool = False


@dataclass(frozen=True)
class ShipLineInput:
    """What one shipment delivers of one order line."""

    order_line_id: int
    quantity: Any
    production_date: datetime.date | None = None
    batch_number: str = ""
    certificate_number: str = ""
    extra: dict = field(default_factory=dict)


def _decimal(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return value
    return value


def _check_customer(actor: User, customer: Customer | None) -> None:
    if customer is None or not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("You may not take orders for this customer.")})


def _check_owner(actor: User, owner: User | None) -> None:
    if owner is None or not order_owner_choices(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You may not name this person as the handler.")})


def _line_errors(position: int, error: ValidationError) -> ValidationError:
    messages = []
    for name, errors in error.message_dict.items():
        label = str(OrderLine._meta.get_field(name).verbose_name) if name != "__all__" else ""
        for message in errors:
            messages.append(
                _("Line %(position)s: %(field)s %(message)s")
                % {"position": position, "field": label, "message": message}
            )
    return ValidationError({"lines": messages})


def _save_lines(*, order: Order, lines: Sequence[LineInput], actor: User, reason: str) -> None:
    """Create, change and remove the order's lines; refuse changes to shipped lines and
    new or changed lines of discontinued products."""
    kept = [li for li in lines if not li.delete]
    if not kept:
        raise ValidationError({"lines": [_("An order needs at least one line.")]})
    position = 0
    for item in lines:
        line = item.line
        if line is not None and line.order_id != order.pk:
            raise ValidationError({"lines": [_("This line belongs to another order.")]})
        if item.delete:
            if line is None:
                continue
            if line.shipped_quantity > 0:
                raise ValidationError({"lines": [_("A line that was shipped cannot be removed.")]})
            line._history_user = actor
            line._change_reason = reason
            line.delete()
            continue
        position += 1
        data = {
            k: _decimal(v) if k in ("quantity", "unit_price") else v for k, v in item.data.items()
        }
        # A blank 规格型号 or 单位 takes the product's, as on a new line.
        chosen = data.get("product") or (line.product if line is not None else None)
        for name in ("spec", "unit"):
            if name in data and not data[name] and chosen is not None:
                data[name] = getattr(chosen, name)
        if line is None:
            line = OrderLine(order=order)
            changed = True
        else:
            changed = any(
                name in data
                and getattr(line, name if name != "product" else "product") != data[name]
                for name in LINE_FIELDS
            )
            if changed and line.shipped_quantity > 0:
                raise ValidationError(
                    {
                        "lines": [
                            _("Line %(position)s was shipped: it cannot be changed.")
                            % {"position": line.position}
                        ]
                    }
                )
        product: Product | None = data.get("product", getattr(line, "product", None))
        if changed and product is not None and not product.is_active:
            raise ValidationError(
                {
                    "lines": [
                        _("Line %(position)s: the product %(name)s is discontinued.")
                        % {"position": position, "name": product.name}
                    ]
                }
            )
        if not changed and line.position == position:
            continue
        for name in LINE_FIELDS:
            if name in data:
                setattr(line, name, data[name])
        if product is not None:
            if not line.spec:
                line.spec = product.spec
            if not line.unit:
                line.unit = product.unit
        line.position = position
        _check_line_numbers(line, position)
        try:
            line.full_clean(exclude=["order"])
        except ValidationError as error:
            raise _line_errors(position, error) from None
        line._history_user = actor
        line._change_reason = reason
        line.save()


def _check_line_numbers(line: OrderLine, position: int) -> None:
    """Quantities above zero, prices not negative: said plainly, before the model's checks."""
    quantity, price = line.quantity, line.unit_price
    if isinstance(quantity, Decimal) and quantity.is_finite() and quantity <= 0:
        raise ValidationError(
            {
                "lines": [
                    _("Line %(position)s: the quantity must be more than zero.")
                    % {"position": position}
                ]
            }
        )
    if isinstance(price, Decimal) and price.is_finite() and price < 0:
        raise ValidationError(
            {
                "lines": [
                    _("Line %(position)s: the unit price cannot be negative.")
                    % {"position": position}
                ]
            }
        )


def _refresh_total(order: Order) -> None:
    # To the cent: SQLite sums decimals as floats (1205.00000000000 would fail full_clean).
    total = (order.lines.aggregate(t=Sum("amount"))["t"] or Decimal("0")).quantize(CENT)
    order.total_amount = total
    if order.received_amount > total - order.adjusted_amount:
        raise ValidationError(
            {"lines": [_("The order's total would fall below what was already received.")]}
        )
    if order.invoiced_amount > total:
        raise ValidationError(
            {"lines": [_("The order's total would fall below what was already invoiced.")]}
        )


def order_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    lines: Sequence[LineInput | Mapping[str, Any]],
) -> Order:
    """Create an order (草稿) with its lines in one transaction and give it its number.

    Who may call it: anyone ``can_create_order`` admits, for a customer whose details the
    actor may see, naming a 承办人 among ``order_owner_choices`` (default: the actor), and
    optionally the contract it is placed under (合同): one of the customer's contracts that
    the actor may see, sealed or in force (``sales.contract_links.check_order_contract``).
    The order is noted on the customer's timeline.
    """
    if not can_create_order(actor):
        raise PermissionDenied
    data = dict(data)
    data.setdefault("owner", actor)
    _check_customer(actor, data.get("customer"))
    _check_owner(actor, data.get("owner"))
    items = [li if isinstance(li, LineInput) else LineInput(data=li) for li in lines]
    with transaction.atomic(), translation.override(HISTORY_LANGUAGE):
        order = Order(created_by=actor)
        for name in ORDER_FIELDS:
            if name in data:
                setattr(order, name, data[name])
        check_order_contract(
            actor=actor, order=order, contract=data.get("contract"), previous_id=None
        )
        order.full_clean(exclude=["number", "year", "seq"])
        order.year = order.ordered_on.year
        order.seq = next_value(ORDER_PREFIX, order.year)
        order.number = format_number(ORDER_PREFIX, order.year, order.seq)
        order._history_user = actor
        order.save()
        _save_lines(order=order, lines=items, actor=actor, reason="")
        _refresh_total(order)
        order.save(update_fields=["total_amount"])
        customer_event_record_from_source(
            source=order,
            customer=order.customer,
            kind=EventKind.CONTRACT,
            occurred_on=order.ordered_on,
            title=_("Order %(number)s") % {"number": order.number},
            detail=_("Total %(amount)s yuan") % {"amount": order.total_amount},
            actor=actor,
        )
    return order


def order_update(
    *,
    actor: User,
    order: Order,
    expected_version: int,
    data: Mapping[str, Any],
    lines: Sequence[LineInput],
    reason: str = "",
) -> Order:
    """Change an order and its lines: check → lock → compare version → validate → save.

    A draft changes freely. A confirmed or partly shipped order changes only through a
    recorded change: ``reason`` is required and stands beside every changed field in the
    history (记录更新). Shipped lines cannot be changed or removed; a cancelled or fully
    shipped order cannot be changed at all. A new contract passes the same check as on
    create; the contract named before stays even if it has moved on (已完成), as long as the
    customer stays its own. Who may call it: ``can_edit_order``.
    """
    if not can_edit_order(actor, order):
        raise PermissionDenied
    reason = (reason or "").strip()
    with transaction.atomic(), translation.override(HISTORY_LANGUAGE):
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.version != expected_version:
            raise stale_error(locked)
        previous_owner_id = locked.owner_id
        if locked.status in (OrderStatus.SHIPPED, OrderStatus.CANCELLED):
            raise ValidationError(_("A shipped or cancelled order cannot be changed."))
        if locked.status != OrderStatus.DRAFT and not reason:
            raise ValidationError(
                {"reason": _("This order is confirmed: say why it is being changed.")}
            )
        data = dict(data)
        if "customer" in data and data["customer"] != locked.customer:
            if locked.status != OrderStatus.DRAFT:
                raise ValidationError(
                    {"customer": _("The customer of a confirmed order cannot be changed.")}
                )
            _check_customer(actor, data["customer"])
        if "owner" in data and data["owner"] != locked.owner:
            _check_owner(actor, data["owner"])
        previous_contract_id = locked.contract_id
        for name in ORDER_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        # A new contract, or the customer changed under the one named before.
        check_order_contract(
            actor=actor,
            order=locked,
            contract=locked.contract if locked.contract_id else None,
            previous_id=previous_contract_id,
        )
        if locked.ordered_on.year != locked.year:
            raise ValidationError(
                {"ordered_on": _("The order date must stay in the year of its number.")}
            )
        _save_lines(order=locked, lines=lines, actor=actor, reason=reason)
        _refresh_total(locked)
        # The order's figures follow its 承办人 into the monthly roll-ups, and its shipment
        # lines carry the 承办人 (see ShipmentLine.owner).
        deltas = RollupDeltas()
        move_order(
            deltas, order=locked, from_owner_id=previous_owner_id, to_owner_id=locked.owner_id
        )
        ShipmentLine.objects.filter(shipment__order=locked).exclude(
            owner_id=locked.owner_id
        ).update(owner_id=locked.owner_id)
        locked.version += 1
        locked.full_clean()
        locked._history_user = actor
        locked._change_reason = reason
        locked.save()
        deltas.save()
    return locked


def order_confirm(*, actor: User, order: Order, expected_state: str | None = None) -> Order:
    """草稿 → 已确认 (the workflow's ``confirm``; who: ``can_edit_order``)."""
    transition(obj=order, to=OrderStatus.CONFIRMED, actor=actor, expected_state=expected_state)
    return order


def order_cancel(
    *, actor: User, order: Order, note: str, expected_state: str | None = None
) -> Order:
    """→ 已取消, with the reason (nothing may have been shipped; ``can_cancel_order``)."""
    transition(
        obj=order, to=OrderStatus.CANCELLED, actor=actor, note=note, expected_state=expected_state
    )
    return order


def _apply_payments(order: Order, deltas: RollupDeltas) -> None:
    """Spread the order's receipts over its shipment lines, first shipped first paid (and
    what each line is still owed into the monthly roll-ups)."""
    lines = list(
        ShipmentLine.objects.select_for_update()
        .filter(shipment__order=order)
        .order_by("shipped_on", "shipment_id", "id")
    )
    left = order.received_amount
    changed = []
    for line in lines:
        paid = min(left, line.amount)
        left -= paid
        if line.paid_amount != paid:
            deltas.payment(
                owner_id=line.owner_id, shipped_on=line.shipped_on, paid=paid - line.paid_amount
            )
            line.paid_amount = paid
            changed.append(line)
    if changed:
        ShipmentLine.objects.bulk_update(changed, ["paid_amount"])


def shipment_record(
    *,
    actor: User,
    order: Order,
    shipped_on: datetime.date,
    lines: Sequence[ShipLineInput],
    data: Mapping[str, Any] | None = None,
    handler: User | None = None,
) -> Shipment:
    """Record a shipment of some of a confirmed order's lines (partial deliveries allowed,
    never more than what remains of a line). The order moves to 部分出货 or 已出货.
    Who may call it: ``can_ship_order``.
    """
    data = dict(data or {})
    with transaction.atomic(), translation.override(HISTORY_LANGUAGE):
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not can_ship_order(actor, locked):
            if locked.status in (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED):
                raise PermissionDenied
            raise ValidationError(_("Only a confirmed order can be shipped."))
        wanted = [item for item in lines if _decimal(item.quantity) not in (None, "", 0)]
        if not wanted:
            raise ValidationError(
                {"lines": [_("Enter the quantity shipped of at least one line.")]}
            )
        order_lines = {
            ol.pk: ol for ol in OrderLine.objects.select_for_update().filter(order=locked)
        }
        shipment = Shipment(
            order=locked,
            shipped_on=shipped_on,
            handler=handler or actor,
            **{k: v for k, v in data.items() if k in SHIPMENT_FIELDS},
        )
        shipment.full_clean()
        shipment._history_user = actor
        shipment.save()
        errors = []
        to_create = []
        for item in wanted:
            line = order_lines.get(item.order_line_id)
            if line is None:
                raise ValidationError({"lines": [_("This line belongs to another order.")]})
            quantity = _decimal(item.quantity)
            ship_line = ShipmentLine(
                shipment=shipment,
                order_line=line,
                quantity=quantity,
                production_date=item.production_date,
                batch_number=item.batch_number or "",
                certificate_number=item.certificate_number or "",
                owner_id=locked.owner_id,
                shipped_on=shipped_on,
                # Copied for the registers' search (see ShipmentLine.order).
                order_id=locked.pk,
                customer_id=locked.customer_id,
                product_id=line.product_id,
            )
            try:
                ship_line.full_clean(exclude=["shipment"])
            except ValidationError as error:
                errors.extend(_line_errors(line.position, error).messages)
                continue
            if quantity <= 0:
                errors.append(
                    _("Line %(position)s: the quantity must be more than zero.")
                    % {"position": line.position}
                )
                continue
            if quantity > line.remaining_quantity:
                errors.append(
                    _("Line %(position)s: only %(left)s remain to be shipped.")
                    % {"position": line.position, "left": line.remaining_quantity}
                )
                continue
            ship_line.amount = (quantity * line.unit_price).quantize(CENT)
            cost = unit_cost_on(line.product_id, shipped_on)
            ship_line.cost = (quantity * cost).quantize(CENT) if cost is not None else 0
            line.shipped_quantity += quantity
            to_create.append((ship_line, line))
        if errors:
            raise ValidationError({"lines": errors})
        ShipmentLine.objects.bulk_create([s for s, _line in to_create])
        OrderLine.objects.bulk_update([ol for _s, ol in to_create], ["shipped_quantity"])
        deltas = RollupDeltas()
        for ship_line, line in to_create:
            deltas.shipment_line(
                owner_id=ship_line.owner_id,
                customer_id=locked.customer_id,
                product_id=line.product_id,
                shipped_on=shipped_on,
                quantity=ship_line.quantity,
                amount=ship_line.amount,
                cost=ship_line.cost,
            )
        _apply_payments(locked, deltas)
        done = all(ol.shipped_quantity >= ol.quantity for ol in order_lines.values())
        target = OrderStatus.SHIPPED if done else OrderStatus.PARTLY_SHIPPED
        if locked.status != target:
            transition(obj=locked, to=target, actor=actor)
        customer_event_record_from_source(
            source=locked,
            customer=locked.customer,
            kind=EventKind.CONTRACT,
            occurred_on=shipped_on,
            title=_("Shipment of order %(number)s") % {"number": locked.number},
            actor=actor,
        )
        deltas.save()
    order.status, order.version = locked.status, locked.version
    return shipment


def _money(value: Any, name: str) -> Decimal:
    value = _decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({name: _("Enter an amount.")})
    if value <= 0:
        raise ValidationError({name: _("The amount must be more than zero.")})
    if value.as_tuple().exponent < -2:
        raise ValidationError({name: _("Amounts have at most 2 decimal places.")})
    return value


def _locked_for_payment(actor: User, order: Order) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not can_record_payment(actor, locked):
        if locked.status in (OrderStatus.DRAFT, OrderStatus.CANCELLED):
            raise ValidationError(_("Only a confirmed order takes receipts and invoices."))
        raise PermissionDenied
    return locked


def receipt_record(
    *,
    actor: User,
    order: Order,
    received_on: datetime.date,
    amount: Any,
    method: str = "",
    remarks: str = "",
) -> Receipt:
    """Record a payment (已付货款) against an order: never more than is still owed (the
    total less returns/allowances less earlier receipts). Who: ``can_record_payment``."""
    amount = _money(amount, "amount")
    with transaction.atomic(), translation.override(HISTORY_LANGUAGE):
        locked = _locked_for_payment(actor, order)
        if amount > locked.owed_amount:
            raise ValidationError(
                {
                    "amount": _("Only %(owed)s yuan is owed on this order.")
                    % {"owed": locked.owed_amount}
                }
            )
        receipt = Receipt(
            order=locked,
            received_on=received_on,
            amount=amount,
            method=method,
            remarks=remarks,
            created_by=actor,
        )
        receipt.full_clean()
        receipt._history_user = actor
        receipt.save()
        Order.objects.filter(pk=locked.pk).update(received_amount=F("received_amount") + amount)
        locked.received_amount += amount
        deltas = RollupDeltas()
        deltas.receipt(owner_id=locked.owner_id, received_on=received_on, amount=amount)
        _apply_payments(locked, deltas)
        deltas.save()
    order.received_amount = locked.received_amount
    return receipt


def invoice_record(
    *, actor: User, order: Order, number: str, issued_on: datetime.date, amount: Any
) -> Invoice:
    """Record an invoice (发票) against an order; invoices never add up to more than the
    order's total. Who: ``can_record_payment``."""
    amount = _money(amount, "amount")
    number = (number or "").strip()
    with transaction.atomic(), translation.override(HISTORY_LANGUAGE):
        locked = _locked_for_payment(actor, order)
        if locked.invoiced_amount + amount > locked.total_amount:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s yuan is left to invoice on this order.")
                    % {"left": locked.total_amount - locked.invoiced_amount}
                }
            )
        invoice = Invoice(
            order=locked, number=number, issued_on=issued_on, amount=amount, created_by=actor
        )
        invoice.full_clean()
        invoice._history_user = actor
        invoice.save()
        numbers = ", ".join(filter(None, [locked.invoice_numbers, number]))
        if len(numbers) > 200:
            numbers = numbers[:197] + "…"
        Order.objects.filter(pk=locked.pk).update(
            invoiced_amount=F("invoiced_amount") + amount, invoice_numbers=numbers
        )
    return invoice


def adjustment_record(
    *,
    actor: User,
    order: Order,
    kind: str,
    occurred_on: datetime.date,
    amount: Any,
    reason: str = "",
) -> SalesAdjustment:
    """Record a return, allowance or write-off (销货退回 / 折让 / 报损) on an order; it
    lowers what the customer owes, never below what was already received.
    Who: ``can_record_payment``."""
    amount = _money(amount, "amount")
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": _("Choose the type.")})
    with transaction.atomic(), translation.override(HISTORY_LANGUAGE):
        locked = _locked_for_payment(actor, order)
        if amount > locked.owed_amount:
            raise ValidationError(
                {
                    "amount": _("Only %(owed)s yuan is owed on this order.")
                    % {"owed": locked.owed_amount}
                }
            )
        adjustment = SalesAdjustment(
            order=locked,
            kind=kind,
            occurred_on=occurred_on,
            amount=amount,
            reason=reason,
            created_by=actor,
        )
        adjustment.full_clean()
        adjustment._history_user = actor
        adjustment.save()
        Order.objects.filter(pk=locked.pk).update(adjusted_amount=F("adjusted_amount") + amount)
        deltas = RollupDeltas()
        deltas.adjustment(
            owner_id=locked.owner_id, kind=kind, occurred_on=occurred_on, amount=amount
        )
        deltas.save()
    return adjustment
