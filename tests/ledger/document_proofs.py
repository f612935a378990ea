"""Test-only document declarations with the real labels of 表5-8, 5-14 and 5-2.

They prove the document engine on the shapes those forms need (lines with 合计 and blank
rows; check-box lines, 大写/小写 and six sign-off boxes; a table under four group labels)
before the sales and contract families declare them for real. The objects are existing
models (customers, departments) with fixed test values, so no migration is needed; the
tests register them into the ``documents`` site and remove them afterwards.
"""

import datetime
from decimal import Decimal

from accounts.models import Department
from ledger.engine import (
    Amount,
    Checks,
    Column,
    Document,
    Family,
    Field,
    HeaderLine,
    Kind,
    LineTable,
    Section,
    SignOff,
    SignOffs,
    TextBox,
)
from ledger.models import Customer, Product
from ledger.selectors import customer_detail_q, customers_visible_to

NOTES_5_14 = (
    "合同签订人必须如实填写各项内容。",
    "内部评审部门需严格按照公司制度评审相关内容，并监督评审的执行。",
    "在规定时间内完成合同评审，由销售助理全程跟进追踪。",
    "原则上合同评审通过后，方可加盖印章，特殊情况总经理批准按特殊流程办理。",
    "本表与合同文本由合同管理部门存档备查。",
)


def order_lines(customer):
    """Five lines from the product master, quantities 1 … 5."""
    lines = []
    for qty, product in enumerate(Product.objects.order_by("code")[:5], start=1):
        lines.append(
            {
                "name": product.name,
                "spec": product.spec,
                "unit": product.unit,
                "qty": Decimal(qty),
                "price": product.wholesale_price,
                "amount": product.wholesale_price * qty,
            }
        )
    return lines


class OrderForm(Document):
    """表5-8 订货单, one order of one customer enterprise."""

    code = "5-8"
    title = "订货单"
    family = Family.SALES
    model = Customer
    header = (
        HeaderLine(
            Field("编号", lambda c: f"DH-2026-{c.pk:04d}"),
            Field("日期", lambda c: datetime.date(2026, 11, 20), kind=Kind.DATE),
        ),
    )
    body = (
        Section(
            None,
            (
                Field("企业名称", "name"),
                Field("电话", "phone"),
                Field("地址", "address"),
                Field("负责人", "person_name"),
            ),
        ),
        LineTable(
            None,
            key="lines",
            rows=order_lines,
            columns=(
                Column("品名", "name", width=22),
                Column("规格型号", "spec", width=14),
                Column("单位", "unit", width=6),
                Column("数量", "qty", kind=Kind.DECIMAL, width=8),
                Column("单价", "price", kind=Kind.MONEY, width=12),
                Column("总价", "amount", kind=Kind.MONEY, width=14),
            ),
            totals=("qty", "amount"),
            min_rows=8,
        ),
    )
    footer = (Field("承办人", "owner"), Field("客户签单"))
    list_columns = (Column("企业名称", "name", width=28),)
    list_ordering = ("name",)

    def can_open(self, user):
        return customer_detail_q(user) is not None

    def queryset(self, user):
        return customers_visible_to(user).select_related("owner")


REVIEW = {
    "amount": Decimal("123456.70"),
    "version": "customer",
    "payment": {"prepay", "warranty"},
    "delivery": datetime.date(2026, 12, 31),
    "prepay_due": datetime.date(2026, 12, 1),
    "penalty": "否",
    "copies": "一式 2 份，每份 8 页",
    "place": "客户仓库（杭州）",
    "acceptance": "到货后 7 日内按图纸验收",
    "quality": "符合 GB/T 1234-2020",
    "sample": "是",
    "signed": {
        "销售经理": {
            "opinion": "同意",
            "comment": "价格在授权范围内",
            "signer": "经理一",
            "date": datetime.date(2026, 11, 21),
        },
        "销售助理": {"opinion": "同意", "signer": "助理一", "date": datetime.date(2026, 11, 21)},
        "生产部": {
            "opinion": "不同意",
            "comment": "交期过紧，需延后两周",
            "signer": "周强",
            "date": datetime.date(2026, 11, 22),
        },
    },
}


class ContractReviewForm(Document):
    """表5-14 销售合同评审表, one contract review."""

    code = "5-14"
    title = "销售合同评审表"
    family = Family.CONTRACTS
    model = Customer
    body = (
        Section(
            None,
            (
                Field("签约单位", "name", span=2),
                Amount("合同金额", lambda c: REVIEW["amount"]),
                Checks(
                    "合同版本",
                    (("tender", "标书要求"), ("customer", "客户版本"), ("company", "公司格式合同")),
                    lambda c: REVIEW["version"],
                ),
                Checks(
                    "付款方式",
                    (("prepay", "预付款"), ("acceptance", "验收款"), ("warranty", "质保金")),
                    lambda c: REVIEW["payment"],
                ),
                Field("交货日期", lambda c: REVIEW["delivery"], kind=Kind.DATE),
                Field("预付款到期日期", lambda c: REVIEW["prepay_due"], kind=Kind.DATE),
                Field("是否是罚款合同", lambda c: REVIEW["penalty"]),
                Field("合同份数", lambda c: REVIEW["copies"]),
            ),
        ),
        Section(
            "合同关键条款描述",
            (
                TextBox("交货地点", lambda c: REVIEW["place"], lines=2),
                TextBox("验收方式", lambda c: REVIEW["acceptance"], lines=2),
                TextBox("质量要求", lambda c: REVIEW["quality"], lines=2),
                Field("是否样品封存", lambda c: REVIEW["sample"], span=2),
            ),
        ),
        SignOffs(
            "公司内部评审",
            tuple(
                SignOff(who, lambda c, who=who: REVIEW["signed"].get(who))
                for who in ("销售经理", "销售助理", "生产部", "品质部", "采购部", "总经理")
            ),
        ),
    )
    notes = NOTES_5_14
    list_columns = (Column("签约单位", "name", width=28),)

    def can_open(self, user):
        return customer_detail_q(user) is not None

    def queryset(self, user):
        return customers_visible_to(user)


def plan_lines(department):
    """One line per product: quantities and prices of the three markets, in 万元."""
    lines = []
    for i, product in enumerate(Product.objects.order_by("code")[:6], start=1):
        price = Decimal("1.25") * i
        home, abroad, partner = Decimal(10 * i), Decimal(4 * i), Decimal(2 * i)
        lines.append(
            {
                "name": product.name,
                "unit": product.unit,
                "home_qty": home,
                "home_price": price,
                "home_amount": home * price,
                "abroad_qty": abroad,
                "abroad_price": price,
                "abroad_amount": abroad * price,
                "partner_qty": partner,
                "partner_price": price,
                "partner_amount": partner * price,
                "total_qty": home + abroad + partner,
                "total_amount": (home + abroad + partner) * price,
            }
        )
    return lines


def _market(group: str, prefix: str) -> tuple[Column, ...]:
    return (
        Column("数量", f"{prefix}_qty", kind=Kind.DECIMAL, group=group, width=7),
        Column("单价", f"{prefix}_price", kind=Kind.MONEY, group=group, width=7),
        Column("金额", f"{prefix}_amount", kind=Kind.MONEY, group=group, width=9),
    )


class AnnualPlanForm(Document):
    """表5-2 年度销售计划表, one sales department's plan for one year."""

    code = "5-2"
    title = "年度销售计划表"
    family = Family.SALES
    model = Department
    orientation = "landscape"
    exports_excel = True
    header = (
        HeaderLine(
            Field("填表日期", lambda d: datetime.date(2026, 1, 5), kind=Kind.DATE),
            Field("单位：万元"),
        ),
    )
    body = (
        LineTable(
            None,
            key="plan",
            rows=plan_lines,
            columns=(
                Column("目次", kind=Kind.SEQ, width=5, name="seq"),
                Column("产品名称", "name", width=14),
                Column("单位", "unit", width=5),
                *_market("内销", "home"),
                *_market("外销", "abroad"),
                *_market("合作外销", "partner"),
                Column("数量", "total_qty", kind=Kind.DECIMAL, group="合计", width=7),
                Column("金额", "total_amount", kind=Kind.MONEY, group="合计", width=10),
            ),
            totals=(
                "home_qty",
                "home_amount",
                "abroad_qty",
                "abroad_amount",
                "partner_qty",
                "partner_amount",
                "total_qty",
                "total_amount",
            ),
            min_rows=10,
        ),
    )
    footer = (Field("审核"), Field("填表"))
    list_columns = (Column("部门", "name", width=20),)
    list_ordering = ("name",)

    def can_open(self, user):
        return user.is_active and (user.sees_everything or user.is_manager)

    def queryset(self, user):
        if not self.can_open(user):
            return Department.objects.none()
        departments = Department.objects.filter(is_sales=True)
        if user.sees_everything:
            return departments
        return departments.filter(pk=user.department_id)


PROOFS = (OrderForm, ContractReviewForm, AnnualPlanForm)
