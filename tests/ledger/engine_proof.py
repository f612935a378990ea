"""Test-only declarations that prove the engine's shapes with the labels of forms.json:

- 表5-11 月份销售实绩统计表: an aggregate report, one row per salesperson (the handler of
  service records stands in), every figure computed by the database, a 合计 row, and two
  groups 个人费用(薪津, 旅费, 其他, 合计) and 收款记录(应收, 实收, 未收);
- 表5-27 客户访问月计划表: two printed rows per customer (计划 / 实际), months 1 … 12 under
  one group label, declared in one line;
- 表5-3 月份销售计划: a month period (service records stand in for orders), a computed
  quantity that sorts and totals.

They are registered into the site only during the tests that use them (``proof_site``).
"""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import django_filters
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Length, NullIf

from ledger.engine import Column, Family, HeaderField, Kind, Register, site
from ledger.engine.columns import month_columns
from ledger.engine.filters import RegisterFilterSet
from ledger.engine.periods import PeriodKind
from ledger.engine.shapes import RowGroup, row_label_column
from ledger.models import Customer, ServiceKind, ServiceRecord
from ledger.selectors import Scope, customers_visible_to, service_records_visible_to

MONEY = DecimalField(max_digits=14, decimal_places=2)


def money(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=MONEY)


def per_record(amount: str, **filters) -> ExpressionWrapper:
    """An amount per service record (of a kind): a stand-in for the sales figures."""
    count = Count("pk", filter=Q(**filters)) if filters else Count("pk")
    return money(count * Value(Decimal(amount), output_field=MONEY))


def handler_name():
    return Coalesce(NullIf("handler__full_name", Value("")), "handler__username")


class SalesResults(Register):
    """表5-11: one row per salesperson for one month."""

    code = "5-11"
    title = "月份销售实绩统计表"
    family = Family.SALES
    model = ServiceRecord
    period = PeriodKind.MONTH
    period_field = "received_on"
    group_by = ("handler",)
    default_ordering = ("salesperson",)
    header_fields = (HeaderField("年月"),)
    columns = (
        Column("姓名", name="salesperson", expr=handler_name(), width=14),
        Column("销售额", name="sales", expr=per_record("1000.00"), kind=Kind.MONEY),
        Column(
            "销货退回",
            name="returns",
            expr=per_record("100.00", kind=ServiceKind.COMPLAINT),
            kind=Kind.MONEY,
        ),
        Column(
            "销货折让",
            name="allowances",
            expr=per_record("50.00", kind=ServiceKind.SUGGESTION),
            kind=Kind.MONEY,
        ),
        Column("销货报损", name="losses", expr=per_record("10.00"), kind=Kind.MONEY),
        Column(
            "销货净额",
            name="net",
            expr=money(F("sales") - F("returns") - F("allowances") - F("losses")),
            kind=Kind.MONEY,
        ),
        Column("成本", name="cost", expr=per_record("600.00"), kind=Kind.MONEY),
        Column("毛利", name="gross", expr=money(F("net") - F("cost")), kind=Kind.MONEY),
        Column("薪津", name="salary", expr=per_record("30.00"), kind=Kind.MONEY, group="个人费用"),
        Column("旅费", name="travel", expr=per_record("8.00"), kind=Kind.MONEY, group="个人费用"),
        Column("其他", name="other", expr=per_record("2.00"), kind=Kind.MONEY, group="个人费用"),
        Column(
            "合计",
            name="expenses",
            expr=money(F("salary") + F("travel") + F("other")),
            kind=Kind.MONEY,
            group="个人费用",
        ),
        Column("部门分摊", name="share", expr=per_record("5.00"), kind=Kind.MONEY),
        Column(
            "净利益",
            name="profit",
            expr=money(F("gross") - F("expenses") - F("share")),
            kind=Kind.MONEY,
        ),
        Column("应收", name="receivable", expr=money(F("net")), kind=Kind.MONEY, group="收款记录"),
        Column(
            "实收",
            name="received",
            expr=per_record("700.00", result=""),
            kind=Kind.MONEY,
            group="收款记录",
        ),
        Column(
            "未收",
            name="outstanding",
            expr=money(F("receivable") - F("received")),
            kind=Kind.MONEY,
            group="收款记录",
        ),
        Column(
            "绩效",
            name="performance",
            expr=ExpressionWrapper(
                F("profit") * Value(Decimal(100)) / NullIf(F("sales"), Value(Decimal(0))),
                output_field=MONEY,
            ),
            kind=Kind.PERCENT,
        ),
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
        return user.is_active and user.is_authenticated

    def base_queryset(self, context):
        return service_records_visible_to(context.user).filter(handler__isnull=False)


def _month_counts(prefix: str, year: int | None, counted) -> dict:
    return {f"{prefix}_m{m}": counted(m, year) for m in range(1, 13)}


class VisitPlan(Register):
    """表5-27: each customer on two rows, 计划 and 实际, months 1 … 12."""

    code = "5-27"
    title = "客户访问月计划表"
    family = Family.VISITS
    model = Customer
    period = PeriodKind.YEAR  # the plan is for one year; no row field: every customer
    default_ordering = ("name",)
    header_fields = (HeaderField("销售专员"),)
    row_group = RowGroup((("计划", "plan"), ("实际", "actual")))
    columns = (
        Column("客户名称", "name", width=24),
        Column("拜访对象", "person_name", width=10),
        Column("联系电话", "phone", width=14),
        row_label_column(),
        *month_columns("计划拜访次数与实际执行情况", "{row}_m{month}", name="m"),
    )

    def can_open(self, user):
        return user.is_active and user.is_authenticated

    def base_queryset(self, context):
        return customers_visible_to(context.user, scope=Scope.PERSONAL)

    def annotate(self, queryset, context):
        year = context.period.first.year if context.period else None

        def planned(month, year):
            # A stand-in plan: one visit a quarter-start month, computed per customer.
            return Value(1 if month % 3 == 1 else 0, output_field=IntegerField())

        def visited(month, year):
            return Count(
                "service_records",
                filter=Q(
                    service_records__received_on__month=month,
                    service_records__received_on__year=year,
                ),
            )

        return queryset.annotate(
            **_month_counts("plan", year, planned), **_month_counts("actual", year, visited)
        )


class MonthPlanFilter(RegisterFilterSet):
    """Filters on the computed quantity, as on any field."""

    quantity_min = django_filters.NumberFilter(
        field_name="quantity", lookup_expr="gte", label="数量不少于"
    )

    class Meta:
        model = ServiceRecord
        fields = ["quantity_min"]


class MonthPlan(Register):
    """表5-3: the month's lines; the quantity is computed by the database."""

    code = "5-3"
    title = "月份销售计划"
    family = Family.SALES
    model = ServiceRecord
    period = PeriodKind.MONTH
    period_field = "received_on"
    filterset_class = MonthPlanFilter
    default_ordering = ("received_on", "pk")
    header_fields = (HeaderField("年月"),)
    columns = (
        Column("项次", kind=Kind.SEQ, width=6),
        Column("订单号", name="order_no", expr=Cast("pk", IntegerField()), width=8),
        Column("客户名称", "customer__name", width=24),
        Column("品名", "kind", width=10),
        Column("规格", "client_name", width=12),
        Column("数量", name="quantity", expr=Length("content") * 1000, kind=Kind.INT, width=10),
        Column("出货日期", "received_on", kind=Kind.DATE, width=12),
        Column("备注", "result", width=24),
    )
    totals = ("quantity",)

    def can_open(self, user):
        return user.is_active and user.is_authenticated

    def base_queryset(self, context):
        return service_records_visible_to(context.user)


PROOFS = (SalesResults, VisitPlan, MonthPlan)


@contextmanager
def proof_site(*classes):
    """The proof registers in the site for the duration (replacing any of the same code)."""
    classes = classes or PROOFS
    saved = {cls.code: site._registry.get(cls.code) for cls in classes}
    for cls in classes:
        site._registry[cls.code] = cls()
    try:
        yield
    finally:
        for code, previous in saved.items():
            if previous is None:
                site._registry.pop(code, None)
            else:
                site._registry[code] = previous
