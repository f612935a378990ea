"""Registers of the contract family (表5-17 … 5-25), declared on ``ledger.engine``.

Rows come from the contract selector (``contracts.selectors_records``): a salesperson's
registers hold their own contracts, a manager's their department's, the 总经理's and the
admins' every contract. Department reviewers open only 表5-20, with the decisions of their
own box. The office registers 表5-23 and 5-24 are kept by the 销售助理 and admins.
"""

from django.db.models import (
    CharField,
    DecimalField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import REVIEWER_ROLES
from contracts.filters_records import (
    ArchiveFilter,
    AuthorizationFilter,
    ContractLineFilter,
    ContractRowFilter,
    InspectionFilter,
    ReviewStepFilter,
    TextUseFilter,
)
from contracts.models import (
    AuthorizationLetter,
    Contract,
    ContractArchive,
    ContractInspection,
    ContractLine,
    ContractTextUse,
    ReviewStep,
)
from contracts.selectors_orders import (
    delivered_on_subquery,
    last_receipt_subquery,
    received_text,
    received_total_subquery,
)
from contracts.selectors_records import (
    archives_visible_to,
    authorizations_visible_to,
    can_archive,
    can_keep_office_registers,
    can_read_contract_registers,
    can_read_office_registers,
    can_record_inspection,
    contract_lines_visible_to,
    contracts_for_records,
    inspections_visible_to,
    review_steps_visible_to,
    text_uses_visible_to,
)
from ledger.engine import Column, Family, HeaderField, Kind, PeriodKind, Register, site
from ledger.models import StatusChange
from ledger.registers import user_name

PAYMENT_FLAGS = (
    ("pay_advance", "预付款"),
    ("pay_on_acceptance", "验收款"),
    ("pay_retention", "质保金"),
)
PAYMENT_NEEDS = (*(f for f, _label in PAYMENT_FLAGS), "payment_terms")


def payment_text(prefix: str = ""):
    """付款方式 as the ticked boxes of 5-14 (预付款、验收款、质保金), then the terms."""

    def text(row) -> str:
        ticked = [label for field, label in PAYMENT_FLAGS if row.get(f"{prefix}{field}")]
        terms = row.get(f"{prefix}payment_terms") or ""
        return "；".join(p for p in ("、".join(ticked), terms) if p)

    return text


def period_text(row) -> str:
    """合同期限: 起 — 止."""
    start, end = row.get("start_on"), row.get("end_on")
    if not start and not end:
        return ""
    return f"{start.isoformat() if start else ''}至{end.isoformat() if end else ''}"


def confirmer_subquery(contract_ref: str):
    """确认人: the 总经理 who approved the contract's review (the latest passing signature)."""
    steps = ReviewStep.objects.filter(
        round__contract=OuterRef(contract_ref), box="gm", opinion="agree"
    ).order_by("-signed_at")
    name = Coalesce(NullIf("signer__full_name", Value("")), "signer__username")
    return Subquery(steps.annotate(n=name).values("n")[:1], output_field=CharField())


class ContractRegister(Register):
    """What the contract registers share: the family, the sales side opens them."""

    family = Family.CONTRACTS
    orientation = "landscape"

    def can_open(self, user):
        return can_read_contract_registers(user)

    def contract_url(self, pk):
        """The contract's page (a row links there when the contract pages are installed)."""
        if not pk:
            return None
        try:
            return reverse("contracts:contract-detail", args=[pk])
        except NoReverseMatch:
            return None


@site.register
class SalesContractRegister(ContractRegister):
    """表5-17: every line of every contract signed in the year."""

    code = "5-17"
    title = "销售合同登记台账"
    model = ContractLine
    period = PeriodKind.YEAR
    period_field = "contract__signed_on"
    month_field = "contract__signed_on"
    filterset_class = ContractLineFilter
    default_ordering = ("contract__signed_on", "contract__number", "position")
    header_fields = (HeaderField("编号"), HeaderField("年度"))
    footer = ("复核", "填制")
    extra_values = ("pk", "contract_id")
    annotations = ("confirmer",)
    help_text = (
        "已签订合同的每一产品行：单价、数量、总价、付款方式、交货期与确认人（审批的总经理）。"
    )
    columns = (
        Column("合同编号", "contract__number", width=15, link=True),
        Column("签订日期", "contract__signed_on", kind=Kind.DATE, width=11),
        Column("客户名称", "contract__customer__name", width=22),
        Column("产品名称", "product_name", width=16),
        Column("规格型号", "spec", width=12),
        Column("单价", "unit_price", kind=Kind.MONEY, width=11),
        Column("数量", "quantity", kind=Kind.DECIMAL, width=8),
        Column("总价", "amount", kind=Kind.MONEY, width=12),
        Column(
            "付款方式",
            name="payment",
            value=payment_text("contract__"),
            needs=tuple(f"contract__{f}" for f in PAYMENT_NEEDS),
            orderable=False,
            width=14,
        ),
        Column("交货期", "contract__delivery_on", kind=Kind.DATE, width=11),
        Column("确认人", "confirmer", width=8, orderable=False),
        Column("备注", "contract__remarks", width=14),
    )
    totals = ("amount",)

    def base_queryset(self, context):
        return contract_lines_visible_to(context.user).filter(contract__signed_on__isnull=False)

    def annotate(self, queryset, context):
        return queryset.annotate(confirmer=confirmer_subquery("contract_id"))

    def row_url(self, row, context):
        return self.contract_url(row.get("contract_id"))


def ordered_quantity():
    lines = (
        ContractLine.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(q=Sum("quantity"))
        .values("q")
    )
    return Subquery(lines, output_field=DecimalField(max_digits=14, decimal_places=2))


@site.register
class OrderContractRegister(ContractRegister):
    """表5-18: the order contracts (合同种类 订货合同) with the quantity ordered and the
    delivery date asked for. 实际交货日期 is the latest shipment of the sales orders placed
    under the contract (``contracts.selectors_orders``)."""

    code = "5-18"
    title = "订货合同登记台账"
    model = Contract
    filterset_class = ContractRowFilter
    default_ordering = ("-signed_on", "-number")
    month_field = "signed_on"
    header_fields = (HeaderField("编号"),)
    footer = ("复核", "填制")
    annotations = ("ordered", "owner_name", "delivered_on")
    help_text = (
        "订货合同（合同种类为订货合同）的订货数量与要求交货日期；"
        "实际交货日期为关联本合同的订货单最近一次出货的日期（部分交货时为最近一批的日期），"
        "尚无订货单关联或尚未出货时为空。"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("合同编号", "number", width=15, link=True),
        Column("合同名称", "name", width=22),
        Column("客户名称", "customer__name", width=22),
        Column("电话", "customer__phone", width=14),
        Column("经办人", "owner_name", width=8, order_by="owner__username"),
        Column("订货数量", "ordered", kind=Kind.DECIMAL, width=10),
        Column("要求交货日期", "delivery_on", kind=Kind.DATE, width=12),
        Column("实际交货日期", "delivered_on", kind=Kind.DATE, width=12, orderable=False),
    )

    def base_queryset(self, context):
        return contracts_for_records(context.user).filter(kind="order")

    def annotate(self, queryset, context):
        return queryset.annotate(
            ordered=ordered_quantity(),
            owner_name=user_name("owner"),
            delivered_on=delivered_on_subquery("pk"),
        )

    def row_url(self, row, context):
        return self.contract_url(row.get("pk"))


def completed_on_subquery():
    """完成日期: when the contract moved to 已完成 (its status trail)."""
    from django.contrib.contenttypes.models import ContentType

    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Contract),
        object_id=OuterRef("pk"),
        to_state="completed",
    ).order_by("-changed_at")
    return Subquery(changes.values("changed_at")[:1])


@site.register
class ContractManagementRegister(ContractRegister):
    """表5-19: every contract past its draft, with its 档案编号 once archived."""

    code = "5-19"
    title = "合同管理台账"
    model = Contract
    filterset_class = ContractRowFilter
    default_ordering = ("-signed_on", "-number")
    month_field = "signed_on"
    header_fields = (HeaderField("编号"),)
    footer = ("记录人",)
    annotations = ("owner_name", "completed_at")
    help_text = (
        "合同的种类、净额、期限、付款、客户、经办人、执行部门与完成日期；归档后显示档案编号。"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("档案编号", "archive__number", width=13),
        Column("合同编号", "number", width=15, link=True),
        Column("合同名称", "name", width=16),
        Column("合同种类", "kind", width=9),
        Column("合同净额", "net_amount", kind=Kind.MONEY, width=12),
        Column(
            "合同期限",
            name="term",
            value=period_text,
            needs=("start_on", "end_on"),
            order_by="end_on",
            width=23,
        ),
        Column("签订日期", "signed_on", kind=Kind.DATE, width=11),
        Column(
            "付款方式",
            name="payment",
            value=payment_text(),
            needs=PAYMENT_NEEDS,
            orderable=False,
            width=14,
        ),
        Column("付款时间", "advance_due_on", kind=Kind.DATE, width=11),
        Column("客户姓名", "customer__name", width=16),
        Column("客户电话", "customer__phone", width=15),
        Column("经办人", "owner_name", width=8, order_by="owner__username"),
        Column("执行部门", "executing_department__name", width=10),
        Column("完成日期", "completed_at", kind=Kind.DATE, width=11, orderable=False),
    )

    def base_queryset(self, context):
        return contracts_for_records(context.user).exclude(status__in=("draft", "cancelled"))

    def annotate(self, queryset, context):
        return queryset.annotate(
            owner_name=user_name("owner"), completed_at=completed_on_subquery()
        )

    def row_url(self, row, context):
        return self.contract_url(row.get("pk"))


@site.register
class ReviewRegister(ContractRegister):
    """表5-20: one row per department decision (a signed box of 5-14)."""

    code = "5-20"
    title = "合同评审登记台账"
    model = ReviewStep
    orientation = "portrait"
    filterset_class = ReviewStepFilter
    # Newest decision first, along the index of migration 0003; one year at a time (the
    # paper register is kept per year), so a department's count reads one year's decisions.
    default_ordering = ("-signed_at", "-pk")
    period = PeriodKind.YEAR
    period_field = "signed_at"
    month_field = "signed_at"
    header_fields = (HeaderField("编号"), HeaderField("单位名称"), HeaderField("登记日期"))
    footer = ("填表", "审核")
    extra_values = ("pk", "round__contract_id")
    help_text = (
        "每个部门在合同评审表（表5-14）上的每一次评审结论，按年度、按评审日期排列；"
        "退回后重新提交的评审轮次均保留。"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("合同名称", "round__contract__name", width=22),
        Column("合同编号", "round__contract__number", width=15, link=True),
        Column("评审日期", "signed_at", kind=Kind.DATE, width=11),
        Column("评审部门", "box", width=9),
        Column("评审结论", "opinion", width=9),
        Column("备注", "comment", width=30),
    )

    def can_open(self, user):
        # Department reviewers see their own box's decisions (the form is theirs too).
        return can_read_contract_registers(user) or (user.is_active and user.role in REVIEWER_ROLES)

    def base_queryset(self, context):
        return review_steps_visible_to(context.user).exclude(opinion="")

    def row_url(self, row, context):
        if context.user.role in REVIEWER_ROLES:
            return None
        return self.contract_url(row.get("round__contract_id"))


def received_record(row) -> str:
    """货款回收记录 of a 5-21 row: the contract's, on its first line (see the register)."""
    if row.get("pk") != row.get("first_line"):
        return ""
    return received_text(row.get("received_total"), row.get("received_last"))


@site.register
class SalesStatisticsRegister(ContractRegister):
    """表5-21: per salesperson, what each signed contract sold (one row per line) in the
    period. 货款回收记录 is what the sales orders placed under the contract received
    (``contracts.selectors_orders``): a figure of the whole contract, so it stands on the
    contract's first line only (its lines are listed together; a sum repeated on every
    line would read as received per line)."""

    code = "5-21"
    title = "销售合同统计台账"
    model = ContractLine
    period = PeriodKind.YEAR
    period_field = "contract__signed_on"
    month_field = "contract__signed_on"
    filterset_class = ContractLineFilter
    default_ordering = ("salesperson", "contract__signed_on", "contract__number", "position")
    header_fields = (HeaderField("编号"), HeaderField("部门名称"), HeaderField("统计日期"))
    footer = ("填表人", "主管")
    extra_values = ("pk", "contract_id")
    annotations = ("salesperson", "goods", "first_line", "received_total", "received_last")
    help_text = (
        "按销售人员统计已签订合同的货物、数量、单价与成交金额；"
        "货款回收记录为关联本合同的订货单累计收款金额，括号内为最近一次收款日期，"
        "按合同记在该合同的第一行；尚无订货单关联时为空。"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("销售人员姓名", "salesperson", width=10, order_by="contract__owner__username"),
        Column("合同编号", "contract__number", width=15, link=True),
        Column("需方单位", "contract__customer__name", width=22),
        Column("签订日期", "contract__signed_on", kind=Kind.DATE, width=11),
        Column("货物编号、名称", "goods", width=22),
        Column("数量", "quantity", kind=Kind.DECIMAL, width=8),
        Column("单价", "unit_price", kind=Kind.MONEY, width=11),
        Column("成交金额", "amount", kind=Kind.MONEY, width=12),
        Column(
            "货款回收记录",
            name="received",
            value=received_record,
            needs=("pk", "first_line", "received_total", "received_last"),
            width=22,
            orderable=False,
        ),
        Column("备注", "contract__remarks", width=12),
    )
    totals = ("amount",)

    def base_queryset(self, context):
        return contract_lines_visible_to(context.user).filter(contract__signed_on__isnull=False)

    def annotate(self, queryset, context):
        from django.db.models.functions import Concat

        goods = Concat(
            Coalesce("product__code", Value("")),
            Value(" "),
            "product_name",
            output_field=CharField(),
        )
        first_line = ContractLine.objects.filter(contract=OuterRef("contract_id")).order_by(
            "position", "pk"
        )
        return queryset.annotate(
            salesperson=user_name("contract__owner"),
            goods=goods,
            first_line=Subquery(first_line.values("pk")[:1]),
            received_total=received_total_subquery("contract_id"),
            received_last=last_receipt_subquery("contract_id"),
        )

    def row_url(self, row, context):
        return self.contract_url(row.get("contract_id"))


@site.register
class InspectionRegister(ContractRegister):
    """表5-22 (reconstructed from its title): inspections of contracts' performance."""

    code = "5-22"
    title = "销售合同检查台账"
    model = ContractInspection
    filterset_class = InspectionFilter
    default_ordering = ("-inspected_on", "-pk")
    month_field = "inspected_on"
    header_fields = (HeaderField("编号"), HeaderField("检查日期"))
    footer = ("填表", "审核")
    extra_values = ("pk", "contract_id")
    annotations = ("inspector_name",)
    help_text = (
        "对合同履约情况的检查：检查项目、履约情况、存在问题、整改措施与期限。"
        "（原表仅存标题，栏目为重建。）"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("合同编号", "contract__number", width=15, link=True),
        Column("合同名称", "contract__name", width=18),
        Column("客户名称", "contract__customer__name", width=18),
        Column("检查日期", "inspected_on", kind=Kind.DATE, width=11),
        Column("检查项目", "items", width=14),
        Column("履约情况", "performance", width=18),
        Column("存在问题", "problems", width=16),
        Column("整改措施", "measures", width=16),
        Column("整改期限", "deadline", kind=Kind.DATE, width=11),
        Column("检查人", "inspector_name", width=8, order_by="inspector__username"),
        Column("备注", "remarks", width=12),
    )

    def base_queryset(self, context):
        return inspections_visible_to(context.user)

    def annotate(self, queryset, context):
        return queryset.annotate(inspector_name=user_name("inspector"))

    def row_url(self, row, context):
        return reverse("contracts:inspection-edit", args=[row["pk"]])

    def actions(self, user):
        if can_record_inspection(user):
            return [(_("New inspection"), reverse("contracts:inspection-create"))]
        return []


class OfficeRegister(Register):
    family = Family.CONTRACTS
    orientation = "landscape"

    def can_open(self, user):
        return can_read_office_registers(user)


@site.register
class TextUseRegister(OfficeRegister):
    code = "5-23"
    title = "合同文本领用登记台账"
    model = ContractTextUse
    orientation = "portrait"
    filterset_class = TextUseFilter
    default_ordering = ("-used_on", "-pk")
    month_field = "used_on"
    header_fields = (HeaderField("编号"), HeaderField("单位名称"), HeaderField("登记日期"))
    footer = ("填表", "审核")
    help_text = (
        "合同文本的领用：文本名称、来源、实际使用份数、所用印章、使用人与日期。由销售助理登记。"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("文本名称", "text_name", width=22, link=True),
        Column("文本来源", "text_source", width=16),
        Column("实际使用份数", "copies", kind=Kind.INT, width=12),
        Column("印章名称", "seal_name", width=14),
        Column("使用人签名", "user_name", width=11),
        Column("使用日期", "used_on", kind=Kind.DATE, width=11),
        Column("备注", "remarks", width=20),
    )
    totals = ("copies",)

    def base_queryset(self, context):
        return text_uses_visible_to(context.user)

    def row_url(self, row, context):
        if can_keep_office_registers(context.user):
            return reverse("contracts:text-use-edit", args=[row["pk"]])
        return None

    def actions(self, user):
        if can_keep_office_registers(user):
            return [(_("New text use"), reverse("contracts:text-use-create"))]
        return []


@site.register
class AuthorizationRegister(OfficeRegister):
    code = "5-24"
    title = "《授权委托书》使用登记台账"
    model = AuthorizationLetter
    filterset_class = AuthorizationFilter
    default_ordering = ("-issued_on", "-pk")
    month_field = "issued_on"
    header_fields = (HeaderField("编号"), HeaderField("单位名称"), HeaderField("登记日期"))
    footer = ("制表", "审核")
    annotations = ("handler_name",)
    help_text = (
        "每份《授权委托书》："
        "证号（按年连续编号）、委托人、被委托人、事项、金额、期限与权限。由销售助理登记。"
    )
    columns = (
        Column("证号", "number", width=13, link=True),
        Column("部门", "department", width=10),
        Column("姓名", "holder_name", width=8),
        Column("职务", "position", width=8),
        Column("时间", "issued_on", kind=Kind.DATE, width=11),
        Column("委托人", "principal", width=8),
        Column("被委托人", "agent", width=8),
        Column("委托事项", "matter", width=16),
        Column("委托金额", "amount", kind=Kind.MONEY, width=12),
        Column("委托期限", "valid_until", kind=Kind.DATE, width=11),
        Column("委托权限", "authority", width=14),
        Column("经办人", "handler_name", width=8, order_by="handled_by__username"),
        Column("备注", "remarks", width=12),
    )

    def base_queryset(self, context):
        return authorizations_visible_to(context.user)

    def annotate(self, queryset, context):
        return queryset.annotate(handler_name=user_name("handled_by"))

    def row_url(self, row, context):
        if can_keep_office_registers(context.user):
            return reverse("contracts:authorization-edit", args=[row["pk"]])
        return None

    def actions(self, user):
        if can_keep_office_registers(user):
            return [(_("New letter of authorization"), reverse("contracts:authorization-create"))]
        return []


@site.register
class ArchiveRegister(ContractRegister):
    code = "5-25"
    title = "销售合同归档汇总登记台账"
    model = ContractArchive
    orientation = "portrait"
    filterset_class = ArchiveFilter
    default_ordering = ("-archived_on", "-pk")
    month_field = "archived_on"
    header_fields = (HeaderField("编号"), HeaderField("登记日期"))
    footer = ("制表", "审核")
    extra_values = ("pk", "contract_id")
    annotations = ("representative",)
    help_text = "已完成并归档的合同：档案编号（按年连续编号）、合同起止日期、归档份数与商务代表。"
    columns = (
        Column("序号", kind=Kind.SEQ, width=6),
        Column("档案编号", "number", width=13, link=True),
        Column("合同名称", "contract__name", width=24),
        Column("合同起始日期", "contract__start_on", kind=Kind.DATE, width=12),
        Column("合同终止日期", "contract__end_on", kind=Kind.DATE, width=12),
        Column("合同份数", "copies", kind=Kind.INT, width=9),
        Column("商务代表", "representative", width=9, order_by="contract__owner__username"),
        Column("备注", "remarks", width=20),
    )

    def base_queryset(self, context):
        return archives_visible_to(context.user)

    def annotate(self, queryset, context):
        return queryset.annotate(representative=user_name("contract__owner"))

    def row_url(self, row, context):
        if can_archive(context.user):
            return reverse("contracts:archive-edit", args=[row["pk"]])
        return self.contract_url(row.get("contract_id"))

    def actions(self, user):
        if can_archive(user):
            return [(_("Archive a contract"), reverse("contracts:archive-choose"))]
        return []
