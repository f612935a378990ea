"""Registers of the sales family built on orders and shipments, declared on ``ledger.engine``:

- 表5-6 产品销售记录台账: one row per shipment line, with carrier and waybill;
- 表5-11 月份销售实绩统计表: one row per salesperson for a month, every figure read from the
  month's roll-up of shipments, adjustments and receipts, the expenses and allocations;
- 表5-12 年度产品销售台账: one row per shipment line of a year, 欠款 = 金额 − 已付货款;
- 表5-13 企业销售记录: the yearly traceability record of the same shipment lines.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import (
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from ledger.engine import Column, Family, HeaderField, Kind, Register, site
from ledger.engine.columns import total_difference
from ledger.engine.filters import RegisterFilterSet
from ledger.engine.periods import PeriodKind
from sales.models import ShipmentLine
from sales.search import search_shipment_lines
from sales.selectors import (
    can_create_order,
    can_manage_costs,
    order_q,
    salespeople_visible_to,
    shipment_lines_visible_to,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def money(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=MONEY)


def user_name(prefix: str):
    return Coalesce(NullIf(f"{prefix}__full_name", Value("")), f"{prefix}__username")


def order_links(user) -> list[tuple[str, str]]:
    """The family's menu links besides its registers, for the roles that may use them."""
    # The list of orders is 表5-8's list of documents, already in the menu.
    links = []
    if can_create_order(user):
        links.append((_("New order"), reverse("sales:order-create")))
    if can_manage_costs(user):
        links.append((_("Expenses and allocations"), reverse("sales:cost-list")))
    return links


class ShipmentLineFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "客户名称、产品名称、批号"}),
    )
    shipped_from = django_filters.DateFilter(
        field_name="shipped_on",
        lookup_expr="gte",
        label="出货日期起",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    shipped_to = django_filters.DateFilter(
        field_name="shipped_on",
        lookup_expr="lte",
        label="出货日期止",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ShipmentLine
        fields = ["q", "shipped_from", "shipped_to"]

    def search(self, queryset, name, value):
        return search_shipment_lines(queryset, value)


class ShipmentLineRegister(Register):
    """The common part of 5-6, 5-12 and 5-13: the shipment lines the user may see."""

    model = ShipmentLine
    filterset_class = ShipmentLineFilter
    default_ordering = ("shipped_on", "pk")
    extra_values = ("pk", "shipment__order_id")

    def can_open(self, user):
        return user.is_active and order_q(user) is not None

    def base_queryset(self, context):
        return shipment_lines_visible_to(context.user)

    def row_url(self, row, context):
        return reverse("sales:order-detail", args=[row["shipment__order_id"]])

    def actions(self, user):
        return order_links(user)


def _add_links() -> None:
    """Add the order pages to the family's menu links (keeping any declared before)."""
    spec = site.families[Family.SALES]
    before = spec.links

    def links(user):
        return [*(before(user) if before else []), *order_links(user)]

    site.add_family(
        Family.SALES, label=spec.label, app=spec.app, url_prefix=spec.url_prefix, links=links
    )


_add_links()


@site.register
class ProductSalesRecord(ShipmentLineRegister):
    code = "5-6"
    title = "产品销售记录台账"
    family = Family.SALES
    month_field = "shipped_on"
    header_fields = (HeaderField("编号"),)
    footer = ("复核", "填制")
    help_text = "每一行是一次出货的一个订单行：产品、批号、客户、出货时间与地点、承运与运输单号。"
    columns = (
        Column("产品名称", "order_line__product__name", width=14, link=True),
        Column("数量", "quantity", kind=Kind.DECIMAL, width=9),
        Column("生产日期", "production_date", kind=Kind.DATE, width=11),
        Column("生产批号", "batch_number", width=13),
        Column("客户名称", "shipment__order__customer__name", width=18),
        Column("联系方式", "shipment__order__customer__phone", width=13),
        Column("销售时间", "shipment__order__ordered_on", kind=Kind.DATE, width=11),
        Column("出货时间", "shipped_on", kind=Kind.DATE, width=11),
        Column("出货地点", "shipment__place", width=9),
        Column("检验合格证号", "certificate_number", width=15),
        Column("交付控制", "shipment__delivery_control", width=10),
        Column("承运者名称", "shipment__carrier", width=12),
        Column("运输单号", "shipment__waybill_number", width=12),
        Column("经办人", "handler_name", width=8, order_by="shipment__handler__username"),
    )
    annotations = ("handler_name",)

    def annotate(self, queryset, context):
        # After counting: the count needs no join to the users.
        return queryset.annotate(handler_name=user_name("shipment__handler"))


@site.register
class YearlySalesLedger(ShipmentLineRegister):
    code = "5-12"
    title = "年度产品销售台账"
    family = Family.SALES
    period = PeriodKind.YEAR
    period_field = "shipped_on"
    month_field = "shipped_on"
    header_fields = (HeaderField("编号"), HeaderField("日期"))
    footer = ("制表",)
    help_text = (
        "一年内每次出货的产品、数量、单价与金额，已付货款按先出货先付款分摊，"
        "欠款 = 金额 − 已付货款。"
    )
    columns = (
        Column("日期", "shipped_on", kind=Kind.DATE, width=11),
        Column("客户名称", "shipment__order__customer__name", width=18, link=True),
        Column("联系方式", "shipment__order__customer__phone", width=13),
        Column("产品名称", "order_line__product__name", width=16),
        Column("规格型号", "order_line__spec", width=11),
        Column("数量", "quantity", kind=Kind.DECIMAL, width=9),
        Column("单价", "order_line__unit_price", kind=Kind.MONEY, width=11),
        Column("金额", "amount", kind=Kind.MONEY, width=12),
        Column("已付货款", "paid_amount", kind=Kind.MONEY, width=12),
        Column(
            "欠款",
            name="owed",
            expr=money(F("amount") - F("paid_amount")),
            kind=Kind.MONEY,
            width=12,
            total=total_difference("amount", "paid_amount"),
        ),
        Column("发票", "shipment__order__invoice_numbers", width=12),
        Column("业务员", "salesperson", width=8, order_by="owner__username"),
    )
    annotations = ("salesperson",)
    totals = ("quantity", "amount", "paid_amount", "owed")

    def annotate(self, queryset, context):
        return queryset.annotate(salesperson=user_name("owner"))


@site.register
class EnterpriseSalesRecord(ShipmentLineRegister):
    code = "5-13"
    title = "企业销售记录"
    family = Family.SALES
    period = PeriodKind.YEAR
    period_field = "shipped_on"
    month_field = "shipped_on"
    header_fields = (HeaderField("年度"),)
    help_text = "可追溯的年度销售记录：每批产品卖给了谁、何时从何处出货、由谁承运。"
    columns = (
        Column("序号", kind=Kind.SEQ, width=6, name="seq"),
        Column("产品名称", "order_line__product__name", width=16, link=True),
        Column("数量", "quantity", kind=Kind.DECIMAL, width=9),
        Column(
            "生产日期/批号",
            name="batch",
            expr=Concat(
                Coalesce(Cast("production_date", CharField()), Value("")),
                Value(" / "),
                "batch_number",
                output_field=CharField(),
            ),
            width=18,
        ),
        Column(
            "购货者名称及联系方式",
            "buyer",
            width=24,
            order_by=("shipment__order__customer__name", "pk"),
        ),
        Column("检验合格证号/检验报告编号", "certificate_number", width=14),
        Column("销售日期", "shipment__order__ordered_on", kind=Kind.DATE, width=11),
        Column("出货日期", "shipped_on", kind=Kind.DATE, width=11),
        Column("出货地点", "shipment__place", width=12),
        Column("交付控制", "shipment__delivery_control", width=10),
        Column("承运者", "shipment__carrier", width=12),
    )
    annotations = ("buyer",)

    def annotate(self, queryset, context):
        return queryset.annotate(
            buyer=Concat(
                "shipment__order__customer__name",
                Value(" "),
                "shipment__order__customer__phone",
                output_field=CharField(),
            )
        )


def _figure(path: str):
    """A joined roll-up column of 表5-11, 0 when the month has no row."""
    return Coalesce(F(path), ZERO, output_field=MONEY)


class SalesResultsFilter(RegisterFilterSet):
    department = django_filters.ModelChoiceFilter(
        field_name="department",
        label=gettext_lazy("department"),
        queryset=None,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = User
        fields = ["department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Department

        ids = salespeople_visible_to(self.user).values("department_id")
        self.filters["department"].queryset = Department.objects.filter(pk__in=ids).order_by("name")


@site.register
class MonthlySalesResults(Register):
    """表5-11: one row per salesperson for one month (their orders' shipments, returns,
    allowances and write-offs, cost, their expenses, the department's allocation, the
    month's receipts)."""

    code = "5-11"
    title = "月份销售实绩统计表"
    family = Family.SALES
    model = User
    period = PeriodKind.MONTH
    filterset_class = SalesResultsFilter
    default_ordering = ("username",)
    extra_values = ("pk", "username")
    help_text = (
        "销售额为本月出货金额；销货净额 = 销售额 − 退回 − 折让 − 报损；毛利 = 销货净额 − 成本；"
        "净利益 = 毛利 − 个人费用合计 − 部门分摊；应收为本月销货净额，实收为本月收款，"
        "未收 = 应收 − 实收；绩效为净利益占销货净额的百分比。"
    )
    annotations = (
        "salesperson",
        "sales",
        "returns",
        "allowances",
        "losses",
        "net",
        "cost",
        "gross",
        "salary",
        "travel",
        "other",
        "expenses",
        "share",
        "profit",
        "receivable",
        "received",
        "outstanding",
        "performance",
    )
    columns = (
        Column("姓名", "salesperson", width=10, order_by="username"),
        Column("销售额", "sales", kind=Kind.MONEY, width=14),
        Column("销货退回", "returns", kind=Kind.MONEY, width=10),
        Column("销货折让", "allowances", kind=Kind.MONEY, width=10),
        Column("销货报损", "losses", kind=Kind.MONEY, width=10),
        Column("销货净额", "net", kind=Kind.MONEY, width=14),
        Column("成本", "cost", kind=Kind.MONEY, width=14),
        Column("毛利", "gross", kind=Kind.MONEY, width=14),
        Column("薪津", "salary", kind=Kind.MONEY, group="个人费用", width=10),
        Column("旅费", "travel", kind=Kind.MONEY, group="个人费用", width=10),
        Column("其他", "other", kind=Kind.MONEY, group="个人费用", width=10),
        Column("合计", "expenses", kind=Kind.MONEY, group="个人费用", width=10),
        Column("部门分摊", "share", kind=Kind.MONEY, width=10),
        Column("净利益", "profit", kind=Kind.MONEY, width=14),
        Column("应收", "receivable", kind=Kind.MONEY, group="收款记录", width=14),
        Column("实收", "received", kind=Kind.MONEY, group="收款记录", width=14),
        Column("未收", "outstanding", kind=Kind.MONEY, group="收款记录", width=14),
        Column("绩效", "performance", kind=Kind.PERCENT, width=8),
    )
    totals = (
        "sales",
        "returns",
        "allowances",
        "losses",
        "net",
        "cost",
        "gross",
        "salary",
        "travel",
        "other",
        "expenses",
        "share",
        "profit",
        "receivable",
        "received",
        "outstanding",
    )

    def can_open(self, user):
        return user.is_active and order_q(user) is not None

    def base_queryset(self, context):
        return salespeople_visible_to(context.user).filter(is_active=True)

    def annotate(self, queryset, context):
        # Each figure is read once per salesperson from the month's roll-up (kept by the
        # services that record shipments, adjustments and receipts), the expenses and the
        # allocation: at most one row of each, joined. The derived figures are arithmetic
        # on those columns, so neither the rows nor the 合计 row sums a fact table.
        first = context.period.first
        queryset = queryset.annotate(
            _month=FilteredRelation("sales_months", condition=Q(sales_months__month=first)),
            _expense=FilteredRelation("sales_expenses", condition=Q(sales_expenses__month=first)),
            _share=FilteredRelation(
                "department_allocations", condition=Q(department_allocations__month=first)
            ),
        )
        queryset = queryset.annotate(
            salesperson=user_name_self(),
            sales=_figure("_month__sales"),
            cost=_figure("_month__cost"),
            returns=_figure("_month__returns"),
            allowances=_figure("_month__allowances"),
            losses=_figure("_month__losses"),
            salary=_figure("_expense__salary"),
            travel=_figure("_expense__travel"),
            other=_figure("_expense__other"),
            share=_figure("_share__amount"),
            received=_figure("_month__received"),
        )
        queryset = queryset.annotate(
            net=money(F("sales") - F("returns") - F("allowances") - F("losses")),
            expenses=money(F("salary") + F("travel") + F("other")),
        )
        queryset = queryset.annotate(
            gross=money(F("net") - F("cost")),
            receivable=money(F("net")),
        )
        queryset = queryset.annotate(
            profit=money(F("gross") - F("expenses") - F("share")),
            outstanding=money(F("receivable") - F("received")),
        )
        return queryset.annotate(
            performance=ExpressionWrapper(
                F("profit") * Value(Decimal(100)) / NullIf(F("net"), ZERO),
                output_field=MONEY,
            )
        )

    def actions(self, user):
        return order_links(user)


def user_name_self():
    return Coalesce(NullIf("full_name", Value("")), "username")
