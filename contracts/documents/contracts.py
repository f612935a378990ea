"""Documents of the contract family (表5-14 … 5-16), declared on ``ledger.engine``.

- 5-14 销售合同评审表: one review round of a contract (``/forms/5-14/<round>.pdf``): the
  contract's terms as the owner entered them, and the six boxes of 公司内部评审 with each
  department's opinion, comment, signer and date.
- 5-15 合同变更申请单: one change request, with 拟制 / 审核 / 批准.
- 5-16 合同变更通知单: the notice of an approved change, one row per notified department
  with its 签字 and 日期 (``/forms/5-16/<change request>.pdf``).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from contracts.models import (
    BOX_ORDER,
    ChangeBasis,
    ChangeRequest,
    ChangeStatus,
    ContractTextVersion,
    NoticeDepartment,
    ReviewBox,
    ReviewRound,
    ReviewStep,
)
from contracts.selectors import (
    change_requests_visible_to,
    contract_detail_q,
    notice_departments_of,
    review_rounds_visible_to,
)
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
    site,
)

NOTES_5_14 = (
    "合同签订人必须如实填写各项内容。",
    "内部评审部门需严格按照公司制度评审相关内容，并监督评审的执行。",
    "在规定时间内完成合同评审，由销售助理全程跟进追踪。",
    "原则上合同评审通过后，方可加盖印章，特殊情况总经理批准按特殊流程办理。",
    "本表与合同文本由合同管理部门存档备查。",
)
NOTES_5_15 = (
    "本表一式两份，由签订合同部门负责填写，报送市场总部一份。",
    "合同签订单位负责向档案室归档。",
)
NOTES_5_16 = (
    "本表一式多份，由合同签订部门负责填写，并报送相关部门和市场总部。",
    "合同签订单位负责向档案室归档。",
)
OUTCOMES = dict(ReviewRound.Outcome.choices)
CHANGE_STATES = dict(ChangeStatus.choices)


class _AsReviewed:
    """The contract as it stood when the round was submitted: an approved change after it
    kept the values it replaced in its version's snapshot, so an archived 5-14 keeps
    printing what the departments signed."""

    def __init__(self, rnd: ReviewRound):
        contract = rnd.contract
        later = [v for v in contract.versions.all() if v.created_at > rnd.submitted_at]
        self._contract = contract
        self._values = min(later, key=lambda v: v.number).snapshot if later else {}

    def __getattr__(self, name):
        if name in self._values:
            value = self._values[name]
            field = self._contract._meta.get_field(name)
            return field.to_python(value) if isinstance(value, str) and value else value
        return getattr(self._contract, name)


def reviewed(rnd: ReviewRound):
    cached = getattr(rnd, "_as_reviewed", None)
    if cached is None:
        cached = rnd._as_reviewed = _AsReviewed(rnd)
    return cached


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _payment(rnd: ReviewRound) -> set[str]:
    c = reviewed(rnd)
    return {
        key
        for key, on in (
            ("advance", c.pay_advance),
            ("acceptance", c.pay_on_acceptance),
            ("retention", c.pay_retention),
        )
        if on
    }


def _box(box: str):
    """The signed box ``box`` of the round: opinion, comment, signer, date."""

    def value(rnd: ReviewRound):
        for step in rnd.steps.all():
            if step.box == box and step.is_signed:
                return {
                    "opinion": step.get_opinion_display(),
                    "comment": step.comment,
                    "signer": step.signer,
                    "date": step.signed_at,
                }
        return None

    return value


def _localdate(value):
    from django.utils import timezone

    return timezone.localtime(value).date() if value else None


@site.register
class ContractReviewForm(Document):
    """表5-14 销售合同评审表: one review round of one contract."""

    code = "5-14"
    title = "销售合同评审表"
    family = Family.CONTRACTS
    model = ReviewRound
    body = (
        Section(
            None,
            (
                Field("签约单位", "contract__customer__name", span=2),
                Amount("合同金额", lambda r: reviewed(r).amount),
                Checks(
                    "合同版本",
                    tuple((v, str(label)) for v, label in ContractTextVersion.choices),
                    lambda r: reviewed(r).text_version,
                ),
                Checks(
                    "付款方式",
                    (("advance", "预付款"), ("acceptance", "验收款"), ("retention", "质保金")),
                    _payment,
                ),
                Field("交货日期", lambda r: reviewed(r).delivery_on, kind=Kind.DATE),
                Field("预付款到期日期", lambda r: reviewed(r).advance_due_on, kind=Kind.DATE),
                Field("是否是罚款合同", lambda r: _yes_no(reviewed(r).is_penalty)),
                Field(
                    "合同份数",
                    lambda r: f"一式 {reviewed(r).copies} 份，每份 {reviewed(r).pages_per_copy} 页",
                ),
            ),
            key="contract",
        ),
        Section(
            "合同关键条款描述",
            (
                TextBox("交货地点", lambda r: reviewed(r).delivery_place, lines=2),
                TextBox("验收方式", lambda r: reviewed(r).acceptance_method, lines=2),
                TextBox("质量要求", lambda r: reviewed(r).quality_requirements, lines=2),
                Field("是否样品封存", lambda r: _yes_no(reviewed(r).sample_sealed), span=2),
            ),
            key="terms",
        ),
        SignOffs(
            "公司内部评审",
            tuple(SignOff(str(ReviewBox(box).label), _box(box)) for box in BOX_ORDER),
            columns=2,
        ),
    )
    notes = NOTES_5_14
    list_columns = (
        Column("合同编号", "contract__number", width=14, link=True),
        Column("合同名称", "contract__name", width=22),
        Column("签约单位", "contract__customer__name", width=22),
        Column("评审轮次", "number", kind=Kind.INT, width=8),
        Column("提交日期", "submitted_at", kind=Kind.DATE, width=12),
        Column("评审期限", "deadline", kind=Kind.DATE, width=12),
        Column("评审结果", "outcome", width=10, choices=OUTCOMES),
    )
    list_ordering = ("-submitted_at",)
    list_help_text = "每次提交评审一份评审表；退回后重新提交的评审另成一份，原评审表保留可查。"

    def can_open(self, user):
        return contract_detail_q(user) is not None

    def queryset(self, user):
        """The review rounds of the contracts ``user`` may see (``contracts_visible_to``)."""
        return (
            review_rounds_visible_to(user)
            .select_related("contract", "contract__customer", "contract__owner")
            .prefetch_related(
                Prefetch("steps", queryset=ReviewStep.objects.select_related("signer")),
                "contract__versions",
            )
        )

    def list_row_url(self, row, user):
        return reverse("contracts:contract-review-round", args=[row["pk"]])

    def object_title(self, rnd):
        return f"{self.title}-{rnd.contract.number}-{rnd.number}"


def _signature(who_field: str, when_field: str):
    def value(change: ChangeRequest) -> str:
        who = getattr(change, who_field)
        when = _localdate(getattr(change, when_field))
        return f"{who}　{when:%Y-%m-%d}" if who and when else ""

    return value


@site.register
class ChangeRequestForm(Document):
    """表5-15 合同变更申请单: one change request of one contract."""

    code = "5-15"
    title = "合同变更申请单"
    family = Family.CONTRACTS
    model = ChangeRequest
    header = (
        HeaderLine(
            Field("编号", "number"),
            Field("单位名称", "unit_name"),
            Field("申请日期", "applied_on", kind=Kind.DATE),
        ),
    )
    body = (
        Section(
            None,
            (
                Field("合同号", "contract__number"),
                Field("订货单位", "contract__customer__name"),
                TextBox("合同变更内容", lambda c: c.content_text(), lines=4),
            ),
            key="change",
        ),
        Section(
            "相关事项",
            (
                Checks(
                    "提出更改单位",
                    (("customer", "客户"), ("self", "本实体")),
                    lambda c: "customer" if c.raised_by_customer else "self",
                ),
                Checks(
                    "变更依据",
                    tuple((v, str(label)) for v, label in ChangeBasis.choices),
                    "basis",
                    other="basis_other",
                ),
                Checks(
                    "通知本实体的",
                    tuple((v, str(label)) for v, label in NoticeDepartment.choices),
                    "notify_departments",
                    other="notify_other",
                ),
                Field("通知相关部门", "notify_related", span=2),
            ),
            key="matters",
        ),
        Section(None, (Field("备注", "remarks", span=2),), key="remarks"),
    )
    footer = (
        Field("拟制", _signature("drafted_by", "drafted_at")),
        Field("审核", _signature("checked_by", "checked_at")),
        Field("批准", _signature("approved_by", "approved_at")),
    )
    notes = NOTES_5_15
    list_columns = (
        Column("编号", "number", width=14, link=True),
        Column("合同号", "contract__number", width=14),
        Column("订货单位", "contract__customer__name", width=22),
        Column("申请日期", "applied_on", kind=Kind.DATE, width=12),
        Column("状态", "status", width=10, choices=CHANGE_STATES),
    )
    list_ordering = ("-applied_on", "-pk")

    def can_open(self, user):
        return contract_detail_q(user) is not None or bool(notice_departments_of(user))

    def queryset(self, user):
        """The change requests of the contracts ``user`` may see, and the approved ones
        whose notice ``user``'s department received."""
        return change_requests_visible_to(user).select_related(
            "contract", "contract__customer", "drafted_by", "checked_by", "approved_by"
        )

    def list_row_url(self, row, user):
        return reverse("contracts:change-detail", args=[row["pk"]])

    def object_title(self, change):
        return f"{self.title}-{change.number}"


@site.register
class ChangeNoticeForm(Document):
    """表5-16 合同变更通知单: the notice of one approved change, a row per department."""

    code = "5-16"
    title = "合同变更通知单"
    family = Family.CONTRACTS
    model = ChangeRequest
    header = (HeaderLine(Field("编号", "notice_number"), Field("单位名称", "unit_name")),)
    body = (
        Section(
            None,
            (
                Field("合同号", "contract__number"),
                Field("订货单位", "contract__customer__name"),
                TextBox("合同变更内容", lambda c: c.content_text(), lines=4),
            ),
            key="change",
        ),
        LineTable(
            None,
            key="notices",
            rows=lambda c: c.notices.select_related("acknowledged_by"),
            columns=(
                Column("通知部门", "department", width=20),
                Column("签字", "acknowledged_by", width=20),
                Column("日期", "acknowledged_at", kind=Kind.DATE, width=16),
            ),
            min_rows=6,
        ),
    )
    notes = NOTES_5_16
    list_columns = (
        Column("编号", "notice_number", width=14, link=True),
        Column("合同号", "contract__number", width=14),
        Column("订货单位", "contract__customer__name", width=22),
        Column("批准日期", "approved_at", kind=Kind.DATE, width=12),
    )
    list_ordering = ("-approved_at", "-pk")

    def can_open(self, user):
        return contract_detail_q(user) is not None or bool(notice_departments_of(user))

    def queryset(self, user):
        """The approved change requests ``user`` may see (they carry the notice)."""
        return (
            change_requests_visible_to(user)
            .filter(status=ChangeStatus.APPROVED)
            .select_related("contract", "contract__customer")
        )

    def list_row_url(self, row, user):
        return reverse("contracts:change-detail", args=[row["pk"]]) + "#notices"

    def object_title(self, change):
        return f"{self.title}-{change.notice_number}"

    def paper_labels(self):
        """On paper the notice's fields and its rows are one body: 合同号, 订货单位, 合同变更内容,
        then the rows' 通知部门, 签字, 日期."""
        labels = super().paper_labels()
        fields = [item.label for item in self.body[0].items]
        return {
            **labels,
            "header": [f.label for line in self.header for f in line.fields],
            "columns": fields + [c.label for c in self.body[1].columns],
        }
