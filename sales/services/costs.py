"""Writes of the figures 表5-11 needs besides orders: salespeople's expenses (薪津, 旅费,
其他), department allocations (部门分摊) and product costs (成本). Entered by managers (for
the salespeople they manage), the 总经理 and admins; one row per salesperson and month
(per product and date for costs), saved again to change it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.models import Product
from sales.models import DepartmentAllocation, ProductCost, SalesExpense
from sales.selectors import can_manage_costs, salespeople_visible_to


def _check(actor: User, salesperson: User | None) -> None:
    if not can_manage_costs(actor):
        raise PermissionDenied
    if salesperson is None or not salespeople_visible_to(actor).filter(pk=salesperson.pk).exists():
        raise ValidationError({"salesperson": _("You may not enter figures for this person.")})


def _first(month: datetime.date) -> datetime.date:
    return month.replace(day=1)


def expense_save(
    *,
    actor: User,
    salesperson: User,
    month: datetime.date,
    salary: Any = 0,
    travel: Any = 0,
    other: Any = 0,
) -> SalesExpense:
    """Set one salesperson's expenses of one month (creates or replaces the row)."""
    _check(actor, salesperson)
    with transaction.atomic():
        row = (
            SalesExpense.objects.select_for_update()
            .filter(salesperson=salesperson, month=_first(month))
            .first()
        ) or SalesExpense(salesperson=salesperson, month=_first(month))
        if row.pk:
            row.version += 1
        row.salary, row.travel, row.other = salary or 0, travel or 0, other or 0
        row.full_clean()
        row._history_user = actor
        row.save()
    return row


def allocation_save(
    *, actor: User, salesperson: User, month: datetime.date, amount: Any
) -> DepartmentAllocation:
    """Set the department costs charged to one salesperson for one month; the department
    is the salesperson's."""
    _check(actor, salesperson)
    if salesperson.department_id is None:
        raise ValidationError({"salesperson": _("This person belongs to no department.")})
    with transaction.atomic():
        row = (
            DepartmentAllocation.objects.select_for_update()
            .filter(salesperson=salesperson, month=_first(month))
            .first()
        ) or DepartmentAllocation(salesperson=salesperson, month=_first(month))
        if row.pk:
            row.version += 1
        row.department_id = salesperson.department_id
        row.amount = amount
        row.full_clean()
        row._history_user = actor
        row.save()
    return row


def product_cost_save(
    *, actor: User, product: Product, effective_on: datetime.date, unit_cost: Any
) -> ProductCost:
    """Set a product's unit cost from a date on. Shipments already recorded keep the cost
    they were recorded with."""
    if not can_manage_costs(actor):
        raise PermissionDenied
    with transaction.atomic():
        row = (
            ProductCost.objects.select_for_update()
            .filter(product=product, effective_on=effective_on)
            .first()
        ) or ProductCost(product=product, effective_on=effective_on)
        if row.pk:
            row.version += 1
        row.unit_cost = unit_cost
        row.full_clean()
        row._history_user = actor
        row.save()
    return row
