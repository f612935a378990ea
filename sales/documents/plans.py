"""Documents of the sales family (表5-2 … 5-13) (plans), declared on ``ledger.engine``.

表5-2 年度销售计划表 (one salesperson's year), 表5-4 销售人员行动计划表 (one salesperson's
month) and 表5-5 周行动计划表 (one salesperson's week): each lists at ``/forms/<code>/`` the
plans the user may see (``sales.selectors_plans``) and prints one at
``/forms/<code>/<pk>.pdf``; 表5-2, a table on paper, also exports to Excel.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum, Value, prefetch_related_objects
from django.db.models.functions import Coalesce, ExtractMonth, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.documents import CustomerCardFilter
from ledger.engine import (
    Column,
    Document,
    Family,
    Field,
    HeaderLine,
    Kind,
    LineTable,
    Section,
    month_columns,
    site,
)
from ledger.engine.document_parts import value_text
from ledger.models import Customer
from ledger.selectors import customer_detail_q, customers_visible_to
from sales.filters_plans import AnnualPlanFilter, PlanFilter
from sales.models import ActionItemKind, ActionPlan, AnnualPlan, OrderLine, OrderStatus, WeekPlan
from sales.models.plans import PAPER_LINES, WEEKDAYS
from sales.selectors_plans import (
    action_plans_visible_to,
    annual_plans_visible_to,
    can_create_plans,
    can_use_plans,
    week_plans_visible_to,
)


def owner_name():
    return Coalesce(NullIf("owner__full_name", Value("")), "owner__username")


def who(plan) -> str:
    """``张三（销售一部）``: the salesperson a printed plan is for."""
    owner = plan.owner
    department = f"（{owner.department}）" if owner.department_id else ""
    return f"{owner}{department}"


class PlanDocument(Document):
    """What the three plan forms share: the selector rule, the list's salesperson column
    and filter, and a first header line naming whose plan it is and for when (the paper
    leaves that to the title line; on screen and in print it must be unmistakable)."""

    family = Family.SALES
    list_filterset_class = PlanFilter
    list_help_text = _("The plans you may see: your own, or your departments' as a manager.")

    def can_open(self, user):
        return can_use_plans(user)

    def list_annotate(self, queryset):
        return queryset.annotate(owner_name=owner_name())

    def list_empty_text(self):
        return _("No plans yet.")

    create_url_name = ""

    def actions(self, user):
        if not (self.create_url_name and can_create_plans(user)):
            return []
        return [(_("New plan"), reverse(self.create_url_name))]

    def plan_line(self, obj) -> str:
        return ""

    def render(self, obj):
        rendered = super().render(obj)
        line = self.plan_line(obj)
        if line:
            rendered = replace(rendered, header_lines=[line, *rendered.header_lines])
        return rendered


OWNER_COLUMNS = (
    Column("销售人员", "owner_name", width=12, order_by="owner__username"),
    Column("部门", "owner__department__name", width=12),
)


# --- 表5-2 年度销售计划表 ----------------------------------------------------------------
def annual_lines(plan: AnnualPlan):
    return plan.lines.select_related("product")


def _market(group: str, prefix: str) -> tuple[Column, ...]:
    return (
        Column("数量", f"{prefix}_qty", kind=Kind.DECIMAL, group=group, width=7),
        Column("单价", f"{prefix}_price", kind=Kind.DECIMAL, group=group, width=7),
        Column("金额", f"{prefix}_amount", kind=Kind.MONEY, group=group, width=9),
    )


ANNUAL_TOTALS = (
    "home_qty",
    "home_amount",
    "abroad_qty",
    "abroad_amount",
    "partner_qty",
    "partner_amount",
    "total_qty",
    "total_amount",
)


@site.register
class AnnualPlanDocument(PlanDocument):
    """表5-2: one salesperson's plan for one year, one line per product, in 万元."""

    code = "5-2"
    title = "年度销售计划表"
    model = AnnualPlan
    create_url_name = "sales:annual-plan-create"
    orientation = "landscape"
    exports_excel = True
    header = (HeaderLine(Field("填表日期", "filled_on", kind=Kind.DATE), Field("单位：万元")),)
    body = (
        LineTable(
            None,
            key="plan",
            rows=annual_lines,
            columns=(
                Column("目次", kind=Kind.SEQ, width=5, name="seq"),
                Column("产品名称", "product__name", width=14),
                Column("单位", "product__unit", width=5),
                *_market("内销", "home"),
                *_market("外销", "abroad"),
                *_market("合作外销", "partner"),
                Column("数量", "total_qty", kind=Kind.DECIMAL, group="合计", width=7),
                Column("金额", "total_amount", kind=Kind.MONEY, group="合计", width=10),
            ),
            totals=ANNUAL_TOTALS,
            min_rows=10,
        ),
    )
    footer = (Field("审核", "reviewer"), Field("填表", "owner"))
    list_columns = (
        Column("年度", "year", width=8, link=True),
        *OWNER_COLUMNS,
        Column("填表日期", "filled_on", kind=Kind.DATE, width=12),
    )
    list_filterset_class = AnnualPlanFilter
    list_ordering = ("-year", "owner__username")

    def queryset(self, user):
        return annual_plans_visible_to(user).select_related("owner", "owner__department")

    def list_row_url(self, row, user):
        return reverse("sales:annual-plan-detail", args=[row["pk"]])

    def object_title(self, plan):
        return f"{self.title}-{plan.year}-{plan.owner}"

    def plan_line(self, plan):
        return f"年度：{plan.year}年　　销售人员：{who(plan)}"


# --- 表5-4 销售人员行动计划表 -------------------------------------------------------------
def numbered(texts: list[str]) -> list[dict[str, Any]]:
    """Four numbered lines as on paper (``1. 某某公司``), blank where nothing is planned."""
    texts = (list(texts) + [""] * PAPER_LINES)[: max(PAPER_LINES, len(texts))]
    return [{"text": f"{i}. {text}".rstrip()} for i, text in enumerate(texts, start=1)]


def action_list(kind: str):
    def rows(plan: ActionPlan) -> list[dict[str, Any]]:
        items = {i.position: i.text for i in plan.items.all() if i.kind == kind}
        return numbered([items.get(p, "") for p in range(1, PAPER_LINES + 1)])

    return rows


def action_target(plan: ActionPlan) -> list[dict[str, Any]]:
    target = value_text(plan.target, Kind.MONEY)
    lines = [{"text": f"{plan.month.year}年{plan.month.month}月销售目标：¥{target}"}]
    lines += [{"text": line} for line in plan.plan_text.splitlines() if line.strip()]
    return lines


def _one_column(label: str, rows, key: str, min_rows: int = PAPER_LINES) -> LineTable:
    return LineTable(
        None, key=key, rows=rows, columns=(Column(label, "text", width=60),), min_rows=min_rows
    )


@site.register
class ActionPlanDocument(PlanDocument):
    """表5-4: one salesperson's month: the target and plan, then the customers to visit,
    the new customers to win and the products to push, each numbered 1.–4."""

    code = "5-4"
    title = "销售人员行动计划表"
    model = ActionPlan
    create_url_name = "sales:action-plan-create"
    header = (HeaderLine(Field("姓名", "owner"), Field("日期", "filled_on", kind=Kind.DATE)),)
    body = (
        _one_column("月销售目标及计划", action_target, "target", min_rows=3),
        _one_column("重点拜访客户名称", action_list(ActionItemKind.VISIT), "visit"),
        _one_column("新开拓客户名称", action_list(ActionItemKind.NEW), "new"),
        _one_column("重点销售产品", action_list(ActionItemKind.PRODUCT), "product"),
    )
    list_columns = (
        Column("月份", "month", kind=Kind.DATE, width=12, link=True),
        *OWNER_COLUMNS,
        Column("月销售目标", "target", kind=Kind.MONEY, width=14),
    )
    list_ordering = ("-month", "owner__username")

    def queryset(self, user):
        return action_plans_visible_to(user).select_related("owner", "owner__department")

    def get_object(self, user, pk):
        plan = super().get_object(user, pk)
        prefetch_related_objects([plan], "items__customer", "items__product")
        return plan

    def list_row_url(self, row, user):
        return reverse("sales:action-plan-detail", args=[row["pk"]])

    def object_title(self, plan):
        return f"{self.title}-{plan.month:%Y-%m}-{plan.owner}"

    def plan_line(self, plan):
        return (
            f"月份：{plan.month.year}年{plan.month.month}月　　部门：{plan.owner.department or ''}"
        )


# --- 表5-5 周行动计划表 -------------------------------------------------------------------
def week_goals(plan: WeekPlan) -> list[dict[str, Any]]:
    return numbered(plan.goals)


def week_days(plan: WeekPlan) -> list[dict[str, Any]]:
    days = {d.weekday: d for d in plan.days.all()}
    rows = []
    for weekday, label in enumerate(WEEKDAYS):
        day = days.get(weekday)
        rows.append(
            {
                "day": label,
                "action": day.action if day else "",
                "customer": day.customer.name if day and day.customer else "",
                "product": day.product.name if day and day.product else "",
            }
        )
    return rows


@site.register
class WeekPlanDocument(PlanDocument):
    """表5-5: one salesperson's week: 重点目标 1.–4., then 星期一 … 星期日 × 重点行动计划,
    重点拜访客户, 重点销售产品."""

    code = "5-5"
    title = "周行动计划表"
    model = WeekPlan
    create_url_name = "sales:week-plan-create"
    body = (
        _one_column("重点目标", week_goals, "goals"),
        LineTable(
            None,
            key="days",
            rows=week_days,
            columns=(
                Column("", "day", width=8),
                Column("重点行动计划", "action", width=30),
                Column("重点拜访客户", "customer", width=20),
                Column("重点销售产品", "product", width=20),
            ),
            row_labels=WEEKDAYS,
        ),
    )
    list_columns = (
        Column("周次", "week_start", kind=Kind.DATE, width=12, link=True),
        *OWNER_COLUMNS,
    )
    list_ordering = ("-week_start", "owner__username")

    def queryset(self, user):
        return week_plans_visible_to(user).select_related("owner", "owner__department")

    def get_object(self, user, pk):
        plan = super().get_object(user, pk)
        prefetch_related_objects([plan], "days__customer", "days__product")
        return plan

    def list_row_url(self, row, user):
        return reverse("sales:week-plan-detail", args=[row["pk"]])

    def object_title(self, plan):
        return f"{self.title}-{plan.week_start:%Y-%m-%d}-{plan.owner}"

    def plan_line(self, plan):
        return f"姓名：{who(plan)}　　周次：{plan.week_label}"


# --- 表5-10 订货统计表 --------------------------------------------------------------------
# Orders that count: confirmed and later, never drafts or cancelled ones.
COUNTED = (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED, OrderStatus.SHIPPED)
ORDER_LINES_SHOWN = 200


def counted_lines(customer: Customer):
    return OrderLine.objects.filter(order__customer=customer, order__status__in=COUNTED)


def customer_order_lines(customer: Customer) -> list[OrderLine]:
    """Part 1: the customer's latest order lines, by product type and date."""
    latest = (
        counted_lines(customer)
        .select_related("product", "order")
        .order_by("-order__ordered_on", "-pk")[:ORDER_LINES_SHOWN]
    )
    return sorted(latest, key=lambda line: (line.product.name, line.order.ordered_on, line.pk))


def price_year(customer: Customer) -> int:
    """The year of the customer's latest counted order (else this year)."""
    latest = counted_lines(customer).aggregate(last=Max("order__ordered_on"))["last"]
    return (latest or timezone.localdate()).year


def month_prices(customer: Customer) -> list[dict[str, Any]]:
    """Part 2: per product, the average unit price of each month of the year (amount ÷
    quantity ordered that month) and the year's ordered amount (合计)."""
    year = price_year(customer)
    rows = (
        counted_lines(customer)
        .filter(order__ordered_on__year=year)
        .annotate(m=ExtractMonth("order__ordered_on"))
        .order_by()
        .values("product__name", "m")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
    )
    products: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row["product__name"]
        entry = products.setdefault(name, {"p2_name": name, "total": Decimal(0)})
        entry["total"] += row["amount"]
        if row["quantity"]:
            entry[f"m{row['m']}"] = (row["amount"] / row["quantity"]).quantize(Decimal("0.01"))
    return [products[name] for name in sorted(products)]


def statistics_rows(customer: Customer) -> list[dict[str, Any]]:
    """The paper's two halves side by side: the orders on the left (产品类型, 日期, 数量,
    备注), the month prices on the right (产品类型, 月份价格 1 … 12, 合计)."""
    left = [
        {
            "p1_name": line.product.name,
            "ordered_on": line.order.ordered_on,
            "quantity": line.quantity,
            "note": line.order.number,
        }
        for line in customer_order_lines(customer)
    ]
    right = month_prices(customer)
    return [
        {**(a or {}), **(b or {})} for a, b in itertools.zip_longest(left, right, fillvalue=None)
    ]


@site.register
class OrderStatisticsDocument(Document):
    """表5-10: one customer enterprise's orders by product type and date, and the price of
    each product month by month. ``<pk>`` is the customer's."""

    code = "5-10"
    title = "订货统计表"
    family = Family.SALES
    model = Customer
    orientation = "landscape"
    exports_excel = True
    header = (HeaderLine(Field("编号", lambda c: f"KH{c.pk:06d}")),)
    body = (
        Section(
            None,
            (
                Field("企业名称", "name"),
                Field("负责人", "person_name"),
                Field("地址", "address"),
                Field("电话", "phone"),
            ),
        ),
        LineTable(
            None,
            key="statistics",
            rows=statistics_rows,
            columns=(
                Column("产品类型", "p1_name", width=12),
                Column("日期", "ordered_on", kind=Kind.DATE, width=10),
                Column("数量", "quantity", kind=Kind.DECIMAL, width=6),
                Column("备注", "note", width=12),
                Column("产品类型", "p2_name", width=12),
                *month_columns("月份价格", "m{month}", name="m", kind=Kind.MONEY, width=6),
                Column("合计", "total", kind=Kind.MONEY, width=9),
            ),
            numbered_groups=("月份价格",),
            min_rows=10,
        ),
    )
    list_columns = (
        Column("企业名称", "name", width=28, link=True),
        Column("负责人", "person_name", width=12),
        Column("电话", "phone", width=14),
    )
    list_filterset_class = CustomerCardFilter
    list_ordering = ("name",)
    list_help_text = "每户一份：所下订单按产品类型与日期，及各产品各月价格。"

    def can_open(self, user):
        return user.is_active and customer_detail_q(user) is not None

    def queryset(self, user):
        return customers_visible_to(user)

    def list_row_url(self, row, user):
        return reverse("customer-detail", args=[row["pk"]])

    def object_title(self, customer):
        return f"{self.title}-{customer.name}"

    def render(self, customer):
        rendered = super().render(customer)
        line = (
            f"价格年度：{price_year(customer)}年（月份价格为当月订货金额÷数量，合计为全年订货金额）"
        )
        return replace(rendered, header_lines=[*rendered.header_lines, line])
