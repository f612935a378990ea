"""Registers of the sales family (表5-2 … 5-13) (plans), declared on ``ledger.engine``.

表5-3 月份销售计划: the planned orders of one month (``?period=2026-11``), each with its
出货日期 and, once the customer has ordered, the real order's number.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from ledger.engine import Column, Family, Kind, PeriodKind, Register, site
from sales.filters_plans import MonthPlanFilter
from sales.models import MonthPlanItem
from sales.selectors_plans import can_create_plans, can_use_plans, month_plan_items_visible_to


@site.register
class MonthPlanRegister(Register):
    code = "5-3"
    title = "月份销售计划"
    family = Family.SALES
    model = MonthPlanItem
    orientation = "portrait"
    period = PeriodKind.MONTH
    period_field = "ship_on"
    month_field = "ship_on"
    filterset_class = MonthPlanFilter
    default_ordering = ("ship_on", "customer__name")
    help_text = "本月计划出货的订单：客户、品名、数量与出货日期；客户下单后显示订单号。"
    columns = (
        Column("项次", kind=Kind.SEQ, width=6),
        Column("订单号", "order__number", width=14),
        Column("客户名称", "customer__name", width=24, link=True),
        Column("品名", "product__name", width=16),
        Column("规格", "product__spec", width=12),
        Column("数量", "quantity", kind=Kind.DECIMAL, width=10),
        Column("出货日期", "ship_on", kind=Kind.DATE, width=12),
        Column("备注", "remarks", width=20),
    )

    def can_open(self, user):
        return can_use_plans(user)

    def base_queryset(self, context):
        return month_plan_items_visible_to(context.user)

    def row_url(self, row, context):
        return reverse("sales:month-plan-edit", args=[row["pk"]])

    def actions(self, user):
        if not can_create_plans(user):
            return []
        return [(_("New planned order"), reverse("sales:month-plan-create"))]


def plan_links(user) -> list[tuple[str, str]]:
    """The sales menu's dashboard link, for those who see sales figures."""
    if not can_use_plans(user):
        return []
    return [(_("Sales dashboard"), reverse("sales:dashboard"))]
