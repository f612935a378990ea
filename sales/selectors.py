"""Who may read and do what with orders and the facts recorded against them.

The rule is the 个人台账's (``ledger.selectors.customer_detail_q``), applied to the order's
承办人 (owner): the owner, the managers of the owner's department (and of departments above
it), the 总经理 and admins. Department reviewers and assistants see no order. Every page,
export, PDF, filter choice and service reads orders through these functions; an order the
user may not see answers 404, the same as one that does not exist.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import OWNER_ROLES, Role, User
from accounts.selectors import managed_department_ids, owners_managed_by
from ledger.models import Customer, Product
from ledger.selectors import customers_visible_to
from sales.models import (
    DepartmentAllocation,
    Order,
    OrderStatus,
    ProductCost,
    SalesExpense,
    ShipmentLine,
)


def owner_q(user: User, prefix: str = "owner") -> Q | None:
    """The rule as a filter on a user field (``prefix``); ``None`` means nothing."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.sees_everything:
        return Q()
    if user.role == Role.MANAGER:
        return Q(**{f"{prefix}_id": user.pk}) | Q(
            **{f"{prefix}__department_id__in": managed_department_ids(user)}
        )
    if user.role in OWNER_ROLES:
        return Q(**{f"{prefix}_id": user.pk})
    return None


def order_q(user: User) -> Q | None:
    """The rule on Order."""
    return owner_q(user, "owner")


def orders_visible_to(user: User) -> QuerySet[Order]:
    """Orders ``user`` may see: those whose 承办人 is the user or someone the user manages
    (总经理 and admins: all). Department reviewers and assistants: none."""
    rule = order_q(user)
    return Order.objects.none() if rule is None else Order.objects.filter(rule)


def get_order_for(user: User, pk: Any, *, for_update: bool = False) -> Order:
    """The order ``pk`` if ``user`` may see it; 404 when missing or forbidden alike."""
    try:
        orders = orders_visible_to(user).select_related(
            "customer", "owner", "owner__department", "created_by"
        )
        if for_update:
            orders = orders.select_for_update(of=("self",))
        return orders.get(pk=int(pk))
    except (Order.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such order") from None


def shipment_lines_visible_to(user: User) -> QuerySet[ShipmentLine]:
    """Shipment lines of the orders ``user`` may see (表5-6, 5-12, 5-13)."""
    rule = owner_q(user, "shipment__order__owner")
    return ShipmentLine.objects.none() if rule is None else ShipmentLine.objects.filter(rule)


def salespeople_visible_to(user: User) -> QuerySet[User]:
    """The salespeople whose figures ``user`` may see (表5-11 rows, expenses): oneself,
    and whom one manages."""
    rule = order_q(user)
    if rule is None:
        return User.objects.none()
    people = User.objects.filter(role__in=OWNER_ROLES)
    if user.sees_everything:
        return people
    if user.role == Role.MANAGER:
        return people.filter(Q(pk=user.pk) | Q(department_id__in=managed_department_ids(user)))
    return people.filter(pk=user.pk)


def order_owner_choices(user: User) -> QuerySet[User]:
    """Whom ``user`` may name as an order's 承办人: oneself (a salesperson), or the active
    salespeople one manages (managers, 总经理, admins)."""
    if user.role == Role.SALES:
        return User.objects.filter(pk=user.pk)
    return owners_managed_by(user)


def order_customer_choices(user: User) -> QuerySet[Customer]:
    """The customers ``user`` may take an order for: those whose details they may see."""
    return customers_visible_to(user)


def orderable_products() -> QuerySet[Product]:
    """Products in use (a discontinued product cannot be ordered)."""
    return Product.objects.filter(is_active=True).order_by("code")


def can_create_order(user: User) -> bool:
    """Salespeople and managers take orders (for customers they may see); 总经理 and
    admins may too."""
    return bool(user.is_authenticated and user.is_active) and (
        user.role in OWNER_ROLES or user.sees_everything
    )


def _visible(user: User, order: Order) -> bool:
    rule = order_q(user)
    return rule is not None and Order.objects.filter(rule, pk=order.pk).exists()


def can_edit_order(user: User, order: Order) -> bool:
    """Whoever may see an order may edit it (and confirm it) until it is cancelled or
    fully shipped; shipped lines stay as they are (the services refuse that)."""
    return order.status not in (OrderStatus.CANCELLED, OrderStatus.SHIPPED) and _visible(
        user, order
    )


def can_cancel_order(user: User, order: Order) -> bool:
    """An order nothing was shipped of may be cancelled by whoever may see it."""
    return order.status in (OrderStatus.DRAFT, OrderStatus.CONFIRMED) and _visible(user, order)


def can_ship_order(user: User, order: Order) -> bool:
    """Shipments are recorded on confirmed orders by whoever may see them."""
    return order.status in (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED) and _visible(
        user, order
    )


def can_record_payment(user: User, order: Order) -> bool:
    """Receipts, invoices and returns/allowances: on a confirmed (not cancelled) order,
    by whoever may see it."""
    return order.status not in (OrderStatus.DRAFT, OrderStatus.CANCELLED) and _visible(user, order)


def can_manage_costs(user: User) -> bool:
    """Expenses, department allocations and product costs are entered by managers,
    the 总经理 and admins."""
    return bool(user.is_authenticated and user.is_active) and (
        user.role == Role.MANAGER or user.sees_everything
    )


def expenses_visible_to(user: User) -> QuerySet[SalesExpense]:
    """Expenses of the salespeople ``user`` may see (managers: their department)."""
    rule = owner_q(user, "salesperson")
    return SalesExpense.objects.none() if rule is None else SalesExpense.objects.filter(rule)


def allocations_visible_to(user: User) -> QuerySet[DepartmentAllocation]:
    """Department allocations of the salespeople ``user`` may see."""
    rule = owner_q(user, "salesperson")
    if rule is None:
        return DepartmentAllocation.objects.none()
    return DepartmentAllocation.objects.filter(rule)


def product_costs_visible_to(user: User) -> QuerySet[ProductCost]:
    """Product costs: managers, the 总经理 and admins."""
    if not can_manage_costs(user):
        return ProductCost.objects.none()
    return ProductCost.objects.all()


def unit_cost_on(product_id: int, day: datetime.date) -> Any:
    """The product's unit cost in force on ``day`` (``None`` when none was entered)."""
    return (
        ProductCost.objects.filter(product_id=product_id, effective_on__lte=day)
        .order_by("-effective_on")
        .values_list("unit_cost", flat=True)
        .first()
    )


def order_history(order: Order, *, limit: int = 300) -> list:
    """记录更新 of an order: every change to it and to its lines, newest first (who
    changed what, old → new, and the reason given)."""
    from django.utils.translation import gettext as _

    from ledger.history import changes_of
    from sales.models import OrderLine

    records = list(order.history.select_related("history_user").order_by("-history_id")[:limit])
    line_records = list(
        OrderLine.history.filter(order_id=order.pk)
        .select_related("history_user", "product")
        .order_by("-history_id")[:limit]
    )
    changes = changes_of(records, Order, label=lambda r: _("Order"))
    changes += changes_of(
        line_records,
        OrderLine,
        label=lambda r: _("Line %(position)s") % {"position": r.position},
    )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
