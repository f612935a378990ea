"""Test state for the sales plans: one plan of each form for a salesperson."""

import datetime
from decimal import Decimal

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
from tests.factories import CustomerFactory, ProductFactory


def annual_plan(owner, *, year=2026, products=None, lines=2):
    plan = AnnualPlan.objects.create(
        owner=owner, year=year, filled_on=datetime.date(year, 1, 5), created_by=owner
    )
    products = products or [ProductFactory() for _ in range(lines)]
    for i, product in enumerate(products, start=1):
        AnnualPlanLine.objects.create(
            plan=plan,
            product=product,
            position=i,
            home_qty=Decimal(100 * i),
            home_price=Decimal("0.0125"),
            abroad_qty=Decimal(40 * i),
            abroad_price=Decimal("0.0150"),
            partner_qty=Decimal(10),
            partner_price=Decimal("0.0140"),
        )
    return plan


def action_plan(owner, *, month=datetime.date(2026, 11, 1), customer=None, product=None):
    plan = ActionPlan.objects.create(
        owner=owner,
        month=month,
        target=Decimal("150000.00"),
        plan_text="巩固老客户，开发两家新客户",
        filled_on=month,
        created_by=owner,
    )
    customer = customer or CustomerFactory(owner=owner)
    product = product or ProductFactory()
    ActionPlanItem.objects.create(
        plan=plan, kind=ActionItemKind.VISIT, position=1, customer=customer
    )
    ActionPlanItem.objects.create(plan=plan, kind=ActionItemKind.NEW, position=1, name="某新客户")
    ActionPlanItem.objects.create(
        plan=plan, kind=ActionItemKind.PRODUCT, position=1, product=product
    )
    return plan


def week_plan(owner, *, week_start=datetime.date(2026, 11, 23), customer=None, product=None):
    plan = WeekPlan.objects.create(
        owner=owner, week_start=week_start, goal1="回款二十万", goal2="拜访三家", created_by=owner
    )
    WeekPlanDay.objects.create(
        plan=plan,
        weekday=0,
        action="电话回访",
        customer=customer or CustomerFactory(owner=owner),
        product=product or ProductFactory(),
    )
    WeekPlanDay.objects.create(plan=plan, weekday=2, action="周会")
    return plan


def month_item(owner, *, customer=None, product=None, ship_on=datetime.date(2026, 11, 20)):
    return MonthPlanItem.objects.create(
        owner=owner,
        customer=customer or CustomerFactory(owner=owner),
        product=product or ProductFactory(),
        quantity=Decimal("12"),
        ship_on=ship_on,
        remarks="月底前",
        created_by=owner,
    )
