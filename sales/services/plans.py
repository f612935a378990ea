"""Writes of the sales plans (表5-2 … 5-5): create and change, each with its lines.

Every service checks who may write (``sales.selectors_plans``), validates the plan and its
lines (``full_clean``), and saves inside one transaction: a plan with a bad line saves
nothing. Changes go through ``update_record`` (lock → compare version → validate → save),
then the lines are replaced; the history keeps the old ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.services.base import update_record
from sales.models import (
    ActionItemKind,
    ActionPlan,
    ActionPlanItem,
    AnnualPlan,
    AnnualPlanLine,
    MonthPlanItem,
    WeekPlan,
    WeekPlanDay,
)
from sales.selectors_plans import customers_for_owner, plan_owner_choices, plan_owner_q

ANNUAL_FIELDS = ("owner", "year", "filled_on", "reviewer")
ANNUAL_LINE_FIELDS = (
    "product",
    "home_qty",
    "home_price",
    "abroad_qty",
    "abroad_price",
    "partner_qty",
    "partner_price",
)
ACTION_FIELDS = ("owner", "month", "target", "plan_text", "filled_on")
WEEK_FIELDS = ("owner", "week_start", "goal1", "goal2", "goal3", "goal4")
MONTH_ITEM_FIELDS = ("owner", "customer", "product", "quantity", "ship_on", "remarks", "order")


# --- shared checks ----------------------------------------------------------------------
def _check_owner(actor: User, owner: User | None) -> None:
    """The actor may make plans, and for this salesperson."""
    if plan_owner_q(actor) is None:
        raise PermissionDenied
    if owner is None or not plan_owner_choices(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You may not make plans for this salesperson.")})


def _check_may_change(actor: User, plan: models.Model) -> None:
    rule = plan_owner_q(actor)
    if rule is None or not type(plan).objects.filter(rule, pk=plan.pk).exists():
        raise PermissionDenied


def _check_customers(owner: User, customers: Iterable[Any], field: str = "customer") -> None:
    """Every customer named is one the plan's salesperson works with (sees in detail)."""
    ids = {c.pk for c in customers if c is not None}
    if not ids:
        return
    allowed = set(customers_for_owner(owner).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - allowed:
        raise ValidationError(
            {field: _("A customer of this plan is not one of the salesperson's customers.")}
        )


def _check_products(products: Iterable[Any], kept: set[int], field: str = "product") -> None:
    """New picks are products in use; a product already on the plan may stay."""
    for product in products:
        if product is not None and not product.is_active and product.pk not in kept:
            raise ValidationError(
                {field: _("“%(name)s” is no longer in use.") % {"name": product.name}}
            )


def _validated(instance: models.Model, *, exclude: Sequence[str] = ()) -> models.Model:
    instance.full_clean(exclude=list(exclude))
    return instance


def _save(record: models.Model, actor: User) -> None:
    record._history_user = actor
    record.save()


def _create(model, *, actor: User, data: Mapping[str, Any], fields: Sequence[str]):
    record = model(**{f: data[f] for f in fields if f in data})
    _check_owner(actor, data.get("owner"))
    record.created_by = actor
    _validated(record)
    try:
        # Two people saving the same salesperson's plan for the same period at once: the
        # unique constraint lets one in; the other is told, never shown an error page.
        with transaction.atomic():
            _save(record, actor)
    except IntegrityError:
        raise ValidationError(
            _("This salesperson already has a plan for this period; open it to change it.")
        ) from None
    return record


def _update(
    record,
    *,
    actor: User,
    data: Mapping[str, Any],
    fields: Sequence[str],
    expected_version: int,
    validate: Callable | None = None,
):
    def check():
        _check_may_change(actor, record)
        if "owner" in data and data["owner"] is not None and data["owner"].pk != record.owner_id:
            _check_owner(actor, data["owner"])

    return update_record(
        record,
        actor=actor,
        data=data,
        fields=fields,
        expected_version=expected_version,
        check=check,
        validate=validate,
    )


# --- 表5-2 年度销售计划表 ----------------------------------------------------------------
def _replace_annual_lines(plan: AnnualPlan, lines: Sequence[Mapping[str, Any]], actor: User):
    kept = set(plan.lines.values_list("product_id", flat=True)) if plan.pk else set()
    _check_products([line.get("product") for line in lines], kept, field="lines")
    seen: set[int] = set()
    new = []
    for position, line in enumerate(lines, start=1):
        product = line.get("product")
        if product is None:
            continue
        if product.pk in seen:
            raise ValidationError(
                {"lines": _("“%(name)s” is listed twice.") % {"name": product.name}}
            )
        seen.add(product.pk)
        row = AnnualPlanLine(plan=plan, position=position)
        for field in ANNUAL_LINE_FIELDS:
            if field in line and line[field] is not None:
                setattr(row, field, line[field])
        new.append(_validated(row, exclude=["plan"]))
    for old in plan.lines.all():
        old._history_user = actor
        old.delete()
    for row in new:
        _save(row, actor)


@transaction.atomic
def annual_plan_create(
    *, actor: User, data: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]
) -> AnnualPlan:
    """A salesperson's plan for a year (one per salesperson and year), with its product
    lines. Who: the salesperson, their managers, the 总经理, admins."""
    plan = _create(AnnualPlan, actor=actor, data=data, fields=ANNUAL_FIELDS)
    _replace_annual_lines(plan, lines, actor)
    return plan


@transaction.atomic
def annual_plan_update(
    *,
    actor: User,
    plan: AnnualPlan,
    data: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    expected_version: int,
) -> AnnualPlan:
    """Change an annual plan and replace its lines. Who: whoever sees the plan."""
    plan = _update(
        plan, actor=actor, data=data, fields=ANNUAL_FIELDS, expected_version=expected_version
    )
    _replace_annual_lines(plan, lines, actor)
    return plan


# --- 表5-3 月份销售计划 ------------------------------------------------------------------
def _check_month_item(item: MonthPlanItem, before: MonthPlanItem | None = None) -> None:
    _check_customers(item.owner, [item.customer])
    kept = {before.product_id} if before is not None else set()
    _check_products([item.product], kept)
    if item.order_id is not None and item.order.customer_id != item.customer_id:
        raise ValidationError({"order": _("The order is not this customer's.")})


@transaction.atomic
def month_plan_item_create(*, actor: User, data: Mapping[str, Any]) -> MonthPlanItem:
    """A planned order of a month for one of the salesperson's customers."""
    _check_owner(actor, data.get("owner"))
    item = MonthPlanItem(**{f: data[f] for f in MONTH_ITEM_FIELDS if f in data})
    item.created_by = actor
    _validated(item)
    _check_month_item(item)
    _save(item, actor)
    return item


@transaction.atomic
def month_plan_item_update(
    *, actor: User, item: MonthPlanItem, data: Mapping[str, Any], expected_version: int
) -> MonthPlanItem:
    """Change a planned order. Who: whoever sees it."""
    return _update(
        item,
        actor=actor,
        data=data,
        fields=MONTH_ITEM_FIELDS,
        expected_version=expected_version,
        validate=lambda changed, before: _check_month_item(changed, before),
    )


@transaction.atomic
def month_plan_item_delete(*, actor: User, item: MonthPlanItem) -> None:
    """Remove a planned order (the history keeps it). Who: whoever sees it."""
    _check_may_change(actor, item)
    item._history_user = actor
    item.delete()


# --- 表5-4 销售人员行动计划表 -------------------------------------------------------------
def _replace_action_items(
    plan: ActionPlan, items: Sequence[Mapping[str, Any]], actor: User
) -> None:
    old = list(plan.items.all()) if plan.pk else []
    kept = {i.product_id for i in old if i.product_id}
    _check_customers(plan.owner, [i.get("customer") for i in items], field="items")
    _check_products([i.get("product") for i in items], kept, field="items")
    new = []
    for item in items:
        kind = item["kind"]
        customer = item.get("customer") if kind != ActionItemKind.PRODUCT else None
        product = item.get("product") if kind == ActionItemKind.PRODUCT else None
        name = (item.get("name") or "").strip() if customer is None and product is None else ""
        if customer is None and product is None and not name:
            continue
        row = ActionPlanItem(
            plan=plan,
            kind=kind,
            position=item["position"],
            customer=customer,
            product=product,
            name=name,
        )
        new.append(_validated(row, exclude=["plan"]))
    for row in old:
        row._history_user = actor
        row.delete()
    for row in new:
        _save(row, actor)


@transaction.atomic
def action_plan_create(
    *, actor: User, data: Mapping[str, Any], items: Sequence[Mapping[str, Any]]
) -> ActionPlan:
    """A salesperson's plan for a month (one per salesperson and month): the target and
    the numbered lists of customers and products."""
    plan = _create(ActionPlan, actor=actor, data=data, fields=ACTION_FIELDS)
    _replace_action_items(plan, items, actor)
    return plan


@transaction.atomic
def action_plan_update(
    *,
    actor: User,
    plan: ActionPlan,
    data: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    expected_version: int,
) -> ActionPlan:
    plan = _update(
        plan, actor=actor, data=data, fields=ACTION_FIELDS, expected_version=expected_version
    )
    _replace_action_items(plan, items, actor)
    return plan


# --- 表5-5 周行动计划表 -------------------------------------------------------------------
def _replace_week_days(plan: WeekPlan, days: Sequence[Mapping[str, Any]], actor: User) -> None:
    old = list(plan.days.all()) if plan.pk else []
    kept = {d.product_id for d in old if d.product_id}
    _check_customers(plan.owner, [d.get("customer") for d in days], field="days")
    _check_products([d.get("product") for d in days], kept, field="days")
    new = []
    for day in days:
        action = (day.get("action") or "").strip()
        if not (action or day.get("customer") or day.get("product")):
            continue
        row = WeekPlanDay(
            plan=plan,
            weekday=day["weekday"],
            action=action,
            customer=day.get("customer"),
            product=day.get("product"),
        )
        new.append(_validated(row, exclude=["plan"]))
    for row in old:
        row._history_user = actor
        row.delete()
    for row in new:
        _save(row, actor)


@transaction.atomic
def week_plan_create(
    *, actor: User, data: Mapping[str, Any], days: Sequence[Mapping[str, Any]]
) -> WeekPlan:
    """A salesperson's plan for an ISO week (one per salesperson and week)."""
    plan = _create(WeekPlan, actor=actor, data=data, fields=WEEK_FIELDS)
    _replace_week_days(plan, days, actor)
    return plan


@transaction.atomic
def week_plan_update(
    *,
    actor: User,
    plan: WeekPlan,
    data: Mapping[str, Any],
    days: Sequence[Mapping[str, Any]],
    expected_version: int,
) -> WeekPlan:
    plan = _update(
        plan, actor=actor, data=data, fields=WEEK_FIELDS, expected_version=expected_version
    )
    _replace_week_days(plan, days, actor)
    return plan
