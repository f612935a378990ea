"""Who may read and write the sales plans (表5-2 … 5-5) and the manager's dashboard.

One rule for every plan, as a ``Q`` on its ``owner`` (``plan_owner_q``), the 个人台账 rule
applied to the salesperson a plan is for: the salesperson sees their own plans, a 销售经理
those of the departments they manage (and their own), the 总经理 and admins every plan;
nobody else any. Lists, the documents' PDFs and workbooks, the 表5-3 register, the
dashboard and the services all read plans through these functions, so a plan one may not
see answers 404 everywhere, like one that does not exist.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from accounts.models import User
from accounts.selectors import owner_choices_for
from ledger.models import Customer, Product
from ledger.selectors import customers_visible_to
from sales.models import ActionPlan, AnnualPlan, MonthPlanItem, ShipmentLine, WeekPlan
from sales.selectors import owner_q


def plan_owner_q(user: User, prefix: str = "owner") -> Q | None:
    """The plans ``user`` may see, as a filter on the plan's owner (``prefix``); ``None``
    for roles that see no plan (assistants, department reviewers, inactive users). The
    same rule as the orders' (``sales.selectors.owner_q``): one rule for the family."""
    return owner_q(user, prefix)


def can_use_plans(user: User) -> bool:
    """Whether ``user`` has any plan to see or make: salespeople, managers, 总经理, admins."""
    return plan_owner_q(user) is not None


def can_create_plans(user: User) -> bool:
    """Salespeople make their own plans; managers for the people they manage (themselves
    included); the 总经理 and admins for any salesperson."""
    return can_use_plans(user) and plan_owner_choices(user).exists()


def plan_owner_choices(user: User) -> QuerySet[User]:
    """Whom ``user`` may name as the salesperson of a plan (as for a customer's owner)."""
    if plan_owner_q(user) is None:
        return User.objects.none()
    return owner_choices_for(user)


def _visible(queryset: QuerySet, user: User) -> QuerySet:
    rule = plan_owner_q(user)
    return queryset.none() if rule is None else queryset.filter(rule)


def annual_plans_visible_to(user: User) -> QuerySet[AnnualPlan]:
    return _visible(AnnualPlan.objects.all(), user)


def action_plans_visible_to(user: User) -> QuerySet[ActionPlan]:
    return _visible(ActionPlan.objects.all(), user)


def week_plans_visible_to(user: User) -> QuerySet[WeekPlan]:
    return _visible(WeekPlan.objects.all(), user)


def month_plan_items_visible_to(user: User) -> QuerySet[MonthPlanItem]:
    return _visible(MonthPlanItem.objects.all(), user)


def _get(queryset: QuerySet, pk: Any):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such plan") from None


def get_annual_plan_for(user: User, pk: Any) -> AnnualPlan:
    """The annual plan ``pk`` if ``user`` may see it; 404 when missing or forbidden."""
    return _get(annual_plans_visible_to(user).select_related("owner", "owner__department"), pk)


def get_action_plan_for(user: User, pk: Any) -> ActionPlan:
    return _get(action_plans_visible_to(user).select_related("owner", "owner__department"), pk)


def get_week_plan_for(user: User, pk: Any) -> WeekPlan:
    return _get(week_plans_visible_to(user).select_related("owner", "owner__department"), pk)


def get_month_plan_item_for(user: User, pk: Any) -> MonthPlanItem:
    return _get(month_plan_items_visible_to(user).select_related("customer", "product"), pk)


def plan_customer_choices(user: User) -> QuerySet[Customer]:
    """Customers ``user`` may put into a plan: those whose details they see (a salesperson
    their own, a manager their departments'); the service checks the plan's salesperson."""
    return customers_visible_to(user).order_by("name", "pk")


def customers_for_owner(owner: User) -> QuerySet[Customer]:
    """The customers a plan of ``owner`` may name: those ``owner`` may see in detail."""
    return customers_visible_to(owner)


def plan_product_choices() -> QuerySet[Product]:
    """Products a new plan may name: the product master's products in use."""
    return Product.objects.filter(is_active=True).order_by("code")


# --- plan against actual ------------------------------------------------------------------
TEN_THOUSAND = Decimal(10000)


def shipped_by_product(owner: User, year: int) -> dict[int, tuple[Decimal, Decimal]]:
    """{product id: (quantity shipped, amount in yuan)} of ``owner``'s orders in ``year``
    (Asia/Shanghai), from the shipments: what 表5-2's 实际 reads."""
    rows = (
        ShipmentLine.objects.filter(
            shipment__order__owner=owner,
            shipment__shipped_on__gte=datetime.date(year, 1, 1),
            shipment__shipped_on__lt=datetime.date(year + 1, 1, 1),
        )
        .order_by()
        .values("order_line__product")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
    )
    return {r["order_line__product"]: (r["quantity"], r["amount"]) for r in rows}


def _rate(actual: Decimal, plan: Decimal) -> Decimal | None:
    if not plan:
        return None
    return (actual * 100 / plan).quantize(Decimal("0.1"))


def plan_against_actual(plan: AnnualPlan) -> dict[str, Any]:
    """表5-2 on screen: each product's 计划 (quantity, amount in 万元) against the 实际
    shipped that year, with the rate achieved; products shipped but not planned follow.
    The caller has fetched ``plan`` for the user (``get_annual_plan_for``)."""
    shipped = shipped_by_product(plan.owner, plan.year)
    rows = []
    lines = list(plan.lines.select_related("product"))
    planned_ids = {line.product_id for line in lines}
    extra = Product.objects.filter(pk__in=set(shipped) - planned_ids).order_by("code")
    for product, plan_qty, plan_amount in [
        *((line.product, line.total_qty, line.total_amount) for line in lines),
        *((p, Decimal(0), Decimal(0)) for p in extra),
    ]:
        qty, yuan = shipped.get(product.pk, (Decimal(0), Decimal(0)))
        amount = (yuan / TEN_THOUSAND).quantize(Decimal("0.01"))
        rows.append(
            {
                "product": product,
                "plan_qty": plan_qty,
                "plan_amount": plan_amount,
                "actual_qty": qty,
                "actual_amount": amount,
                "rate": _rate(amount, plan_amount),
            }
        )
    total_plan = sum((r["plan_amount"] for r in rows), Decimal(0))
    total_actual = sum((r["actual_amount"] for r in rows), Decimal(0))
    return {
        "rows": rows,
        "plan_amount": total_plan,
        "actual_amount": total_actual,
        "rate": _rate(total_actual, total_plan),
    }
