"""The contract (合同) and its review (表5-14) and change (表5-15 → 5-16) workflows.

- ``Contract``: one contract with one customer, its lines, its state machine
  (draft → in_review → approved → sealed → in_force → completed → archived, with returned
  and cancelled) and its 合同版次 (``revision``, moved on by an approved change).
- ``ReviewRound`` / ``ReviewStep``: one round per submission; one step per box of 5-14
  (销售经理, 销售助理, 生产部, 品质部, 采购部, then 总经理 last). A returned contract's rounds stay.
- ``ChangeRequest`` (5-15): 拟制 → 审核 → 批准 by three different people; approval applies
  its proposed values as a new ``ContractVersion`` and issues one ``ChangeNotice`` (a row of
  5-16) per ticked department.

Their 编号 (``HT-``, ``BG-``, ``TZ-2026-0001``) are gapless per year, allocated in the database
by ``ledger.numbering``.

States move only through ``ledger.workflow.transition`` (see ``contracts.services``); the
predicates that decide who may move them live in ``contracts.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Role
from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators
from ledger.workflow import Transition, Workflow

__all__ = [
    "BOX_ORDER",
    "BOX_ROLES",
    "CHANGEABLE_STATES",
    "EDITABLE_STATES",
    "ChangeBasis",
    "ChangeNotice",
    "ChangeRequest",
    "ChangeStatus",
    "Contract",
    "ContractKind",
    "ContractLine",
    "ContractStatus",
    "ContractTextVersion",
    "ContractVersion",
    "NoticeDepartment",
    "Opinion",
    "ReviewBox",
    "ReviewRound",
    "ReviewStep",
]


def _allowed(name: str):
    """A workflow predicate that looks up ``contracts.selectors.<name>`` when called, so
    the model module does not import the selectors (which import the models)."""

    def predicate(user, obj) -> bool:
        from contracts import selectors

        return getattr(selectors, name)(user, obj)

    predicate.__name__ = name
    return predicate


def _effect(name: str):
    """A workflow effect looked up in ``contracts.services.effects`` when it runs."""

    def effect(obj, change) -> None:
        from contracts.services import effects

        getattr(effects, name)(obj, change)

    effect.__name__ = name
    return effect


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Under review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Review passed")
    SEALED = "sealed", _("Sealed")
    IN_FORCE = "in_force", _("In force")
    COMPLETED = "completed", _("Completed")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


# Before approval a contract may still be edited or reviewed; after sealing it changes
# only through a change request (5-15).
EDITABLE_STATES = frozenset({ContractStatus.DRAFT, ContractStatus.RETURNED})
CHANGEABLE_STATES = frozenset(
    {ContractStatus.APPROVED, ContractStatus.SEALED, ContractStatus.IN_FORCE}
)


class ContractKind(models.TextChoices):
    SALES = "sales", _("Sales contract")
    ORDER = "order", _("Purchase order contract")
    FRAMEWORK = "framework", _("Framework agreement")
    OTHER = "other", _("Other")


class ContractTextVersion(models.TextChoices):
    """合同版本 on 5-14: whose text the contract is written on."""

    TENDER = "tender", "标书要求"
    CUSTOMER = "customer", "客户版本"
    COMPANY = "company", "公司格式合同"


class Contract(models.Model):
    """One contract with one customer (the 5-14 form's body, plus what 5-17 … 5-25 list)."""

    number = models.CharField(_("contract number"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    name = models.CharField(_("contract name"), max_length=120)
    kind = models.CharField(
        _("contract type"), max_length=20, choices=ContractKind.choices, default=ContractKind.SALES
    )
    amount = models.DecimalField(_("contract amount"), max_digits=14, decimal_places=2)
    net_amount = models.DecimalField(
        _("net contract amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    text_version = models.CharField(
        _("contract text"),
        max_length=20,
        choices=ContractTextVersion.choices,
        default=ContractTextVersion.COMPANY,
    )
    # 付款方式: any of the three boxes may be ticked.
    pay_advance = models.BooleanField(_("advance payment"), default=False)
    pay_on_acceptance = models.BooleanField(_("payment on acceptance"), default=False)
    pay_retention = models.BooleanField(_("retention money"), default=False)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    end_on = models.DateField(_("end date"), null=True, blank=True)
    delivery_on = models.DateField(_("delivery date"), null=True, blank=True)
    advance_due_on = models.DateField(_("advance payment due"), null=True, blank=True)
    is_penalty = models.BooleanField(_("penalty contract"), default=False)
    copies = models.PositiveSmallIntegerField(_("copies"), default=2)
    pages_per_copy = models.PositiveSmallIntegerField(_("pages per copy"), default=1)
    delivery_place = models.CharField(_("place of delivery"), max_length=200, blank=True)
    acceptance_method = models.CharField(_("acceptance method"), max_length=200, blank=True)
    quality_requirements = models.TextField(
        _("quality requirements"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    sample_sealed = models.BooleanField(_("sample sealed"), default=False)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    # A copy of the customer's owner, for the registers' rule (a contract is read by its
    # owner's and its customer's owner's people: ``contracts.selectors_records``), so the
    # rule reads the contract alone. Kept by ``contracts.services.readers``; not part of
    # the contract's terms, hence not in its history.
    customer_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer's owner"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    executing_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("executing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContractStatus.choices,
        default=ContractStatus.DRAFT,
        editable=False,
    )
    # 合同版次: 1 when signed; every approved change request (5-15) adds one.
    revision = models.PositiveIntegerField(_("contract version"), default=1, editable=False)
    # A 总经理 special-process approval (5-14 note 4): sealing before the review passed.
    special_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("special process approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    special_approved_at = models.DateTimeField(
        _("special process approved at"), null=True, blank=True, editable=False
    )
    special_reason = models.TextField(_("special process reason"), blank=True, editable=False)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "customer_owner"])

    workflow = Workflow(
        states=ContractStatus,
        transitions=[
            Transition(
                "submit",
                _("Submit for review"),
                source=[ContractStatus.DRAFT, ContractStatus.RETURNED],
                target=ContractStatus.IN_REVIEW,
                allowed=_allowed("may_submit_contract"),
            ),
            Transition(
                "return",
                _("Return"),
                source=ContractStatus.IN_REVIEW,
                target=ContractStatus.RETURNED,
                allowed=_allowed("may_return_contract"),
                effects=[_effect("review_returned")],
                note_required=True,
            ),
            Transition(
                "approve",
                _("Approve"),
                source=ContractStatus.IN_REVIEW,
                target=ContractStatus.APPROVED,
                allowed=_allowed("may_approve_contract"),
                effects=[_effect("review_approved")],
            ),
            Transition(
                "seal",
                _("Seal"),
                source=ContractStatus.APPROVED,
                target=ContractStatus.SEALED,
                allowed=_allowed("may_seal_contract"),
            ),
            Transition(
                "seal_special",
                _("Seal by special process"),
                source=[ContractStatus.DRAFT, ContractStatus.IN_REVIEW, ContractStatus.RETURNED],
                target=ContractStatus.SEALED,
                allowed=_allowed("may_seal_special"),
                note_required=True,
            ),
            Transition(
                "take_effect",
                _("Put in force"),
                source=ContractStatus.SEALED,
                target=ContractStatus.IN_FORCE,
                allowed=_allowed("may_manage_contract"),
            ),
            Transition(
                "complete",
                _("Complete"),
                source=ContractStatus.IN_FORCE,
                target=ContractStatus.COMPLETED,
                allowed=_allowed("may_manage_contract"),
            ),
            Transition(
                "archive",
                _("Archive"),
                source=ContractStatus.COMPLETED,
                target=ContractStatus.ARCHIVED,
                allowed=_allowed("may_archive_contract"),
            ),
            Transition(
                "cancel",
                _("Cancel"),
                source=[
                    ContractStatus.DRAFT,
                    ContractStatus.RETURNED,
                    ContractStatus.IN_REVIEW,
                    ContractStatus.APPROVED,
                ],
                target=ContractStatus.CANCELLED,
                allowed=_allowed("may_cancel_contract"),
                effects=[_effect("contract_cancelled")],
                note_required=True,
            ),
        ],
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="contract_status_idx"),
            models.Index(fields=["owner", "-created_at"], name="contract_owner_idx"),
            models.Index(fields=["customer", "-created_at"], name="contract_customer_idx"),
            models.Index(fields=["signed_on"], name="contract_signed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="contract_name_not_blank"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(net_amount__isnull=True) | Q(net_amount__gte=0),
                name="contract_net_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="contract_period_ordered",
            ),
            models.CheckConstraint(condition=Q(copies__gte=1), name="contract_copies_positive"),
            models.CheckConstraint(
                condition=Q(pages_per_copy__gte=1), name="contract_pages_positive"
            ),
            models.UniqueConstraint(fields=["year", "number"], name="contract_number_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def payment_methods(self) -> list[str]:
        """The ticked 付款方式 boxes, as printed on 5-14."""
        ticked = [
            (self.pay_advance, "预付款"),
            (self.pay_on_acceptance, "验收款"),
            (self.pay_retention, "质保金"),
        ]
        return [label for on, label in ticked if on]


class ContractLine(models.Model):
    """One product line of a contract: 产品, 规格, 数量, 单价, 金额 (= 数量 × 单价)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product_name = models.CharField(_("product name"), max_length=120)
    spec = models.CharField(_("specification"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "id"]
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="contractline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="contractline_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="contractline_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(product_name=""), name="contractline_product_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.spec}".strip()


class ReviewBox(models.TextChoices):
    """The boxes of 5-14's 公司内部评审, in the order they are printed (总经理 last)."""

    MANAGER = "manager", "销售经理"
    ASSISTANT = "assistant", "销售助理"
    PRODUCTION = "production", "生产部"
    QUALITY = "quality", "品质部"
    PURCHASING = "purchasing", "采购部"
    GM = "gm", "总经理"


# Who signs each box: a user of exactly this role (nobody signs for another role).
BOX_ROLES: dict[str, str] = {
    ReviewBox.MANAGER: Role.MANAGER,
    ReviewBox.ASSISTANT: Role.ASSISTANT,
    ReviewBox.PRODUCTION: Role.PRODUCTION,
    ReviewBox.QUALITY: Role.QUALITY,
    ReviewBox.PURCHASING: Role.PURCHASING,
    ReviewBox.GM: Role.GM,
}
BOX_ORDER = [box.value for box in ReviewBox]


class Opinion(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"


class ReviewRound(models.Model):
    """One submission of a contract to review; a resubmission opens the next round."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Under review")
        PASSED = "passed", _("Review passed")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed")  # cancelled, or sealed by the special process

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    deadline = models.DateField(_("review deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when the overdue reminder went out, so it goes out once per round.
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        indexes = [
            models.Index(fields=["outcome", "deadline"], name="reviewround_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="reviewround_number_unique"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(outcome="open"),
                name="reviewround_one_open_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"


class ReviewStep(models.Model):
    """One box of one review round: who signed it, with which opinion, when."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="steps"
    )
    box = models.CharField(_("reviewing department"), max_length=20, choices=ReviewBox.choices)
    position = models.PositiveSmallIntegerField(default=0)
    opinion = models.CharField(_("opinion"), max_length=10, choices=Opinion.choices, blank=True)
    comment = models.TextField(
        _("comment"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_steps",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    # Who reads this decision in the registers (表5-20): copies of the contract's owner and
    # of its customer's owner, so that a department's decisions of a year are found on this
    # table alone. Written when the round opens and rewritten whenever either owner changes
    # (``contracts.services.readers``); ``manage.py refresh_review_readers --check`` compares
    # them with the contracts.
    contract_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contract's handler"),
        null=True,
        editable=False,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer's owner"),
        null=True,
        editable=False,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["round", "position"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        indexes = [
            # Each reviewer's inbox: the unsigned boxes of their role.
            models.Index(
                fields=["box", "deadline"], condition=Q(opinion=""), name="reviewstep_open_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "box"], name="reviewstep_one_per_box"),
            # Signed means all three: an opinion, a signer and a time; unsigned means none.
            models.CheckConstraint(
                condition=(
                    Q(opinion="", signer__isnull=True, signed_at__isnull=True)
                    | (~Q(opinion="") & Q(signer__isnull=False, signed_at__isnull=False))
                ),
                name="reviewstep_signed_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_box_display()} {self.get_opinion_display() or '-'}"

    @property
    def is_signed(self) -> bool:
        return bool(self.opinion)


class ChangeBasis(models.TextChoices):
    """相关事项 2. 变更依据."""

    FAX = "fax", "传真"
    MANUSCRIPT = "manuscript", "客户手稿"
    AGREEMENT = "agreement", "协议"
    TELEGRAM = "telegram", "电报"
    PHONE = "phone", "电话记录"
    SUPPLEMENT = "supplement", "补充合同"
    OTHER = "other", "其他"


class NoticeDepartment(models.TextChoices):
    """相关事项 3. 通知本实体的 …: each ticked department receives a 5-16 row to sign."""

    TECHNICAL = "technical", "技术部门"
    PURCHASING = "purchasing", "采购部门"
    PLANNING = "planning", "计划部门"
    PRODUCTION = "production", "生产部门"
    WAREHOUSE = "warehouse", "库管部门"
    DELIVERY = "delivery", "交付部门"
    OTHER = "other", "其他"


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Drafted")
    CHECKED = "checked", _("Checked")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(models.Model):
    """合同变更申请单 (5-15): a proposed change to a contract's values."""

    Status = ChangeStatus

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="changes"
    )
    unit_name = models.CharField(_("unit name"), max_length=120, blank=True)
    applied_on = models.DateField(_("application date"))
    content = models.TextField(
        _("change content"), max_length=LONG_TEXT_MAX_LENGTH, validators=long_text_validators()
    )
    # 相关事项 1: who asked for the change.
    raised_by_customer = models.BooleanField(_("raised by the customer"), default=True)
    # 相关事项 2 / 3: the ticked boxes (keys of ChangeBasis / NoticeDepartment).
    basis = models.JSONField(_("basis of change"), default=list, blank=True)
    basis_other = models.CharField(_("other basis"), max_length=60, blank=True)
    notify_departments = models.JSONField(_("departments to notify"), default=list, blank=True)
    notify_other = models.CharField(_("other department"), max_length=60, blank=True)
    # 相关事项 4: 通知相关部门 (free text: outside units, the customer's people …).
    notify_related = models.CharField(_("related departments notified"), max_length=200, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    # The values the change gives the contract: {field name: value as text}.
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.DRAFT,
        editable=False,
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    # 5-16's 编号, given when the approval issues the notice.
    notice_number = models.CharField(
        _("notice number"), max_length=20, null=True, blank=True, unique=True, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    workflow = Workflow(
        states=ChangeStatus,
        transitions=[
            Transition(
                "check",
                "审核",
                source=ChangeStatus.DRAFT,
                target=ChangeStatus.CHECKED,
                allowed=_allowed("may_check_change"),
            ),
            Transition(
                "approve",
                "批准",
                source=ChangeStatus.CHECKED,
                target=ChangeStatus.APPROVED,
                allowed=_allowed("may_approve_change"),
            ),
            Transition(
                "reject",
                _("Reject"),
                source=[ChangeStatus.DRAFT, ChangeStatus.CHECKED],
                target=ChangeStatus.REJECTED,
                allowed=_allowed("may_reject_change"),
                note_required=True,
            ),
            Transition(
                "withdraw",
                _("Withdraw"),
                source=[ChangeStatus.DRAFT, ChangeStatus.CHECKED],
                target=ChangeStatus.WITHDRAWN,
                allowed=_allowed("may_withdraw_change"),
            ),
        ],
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("contract change request")
        verbose_name_plural = _("contract change requests")
        constraints = [
            # 拟制 / 审核 / 批准: three different people (5-15).
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("drafted_by")),
                name="changerequest_checker_not_drafter",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("drafted_by")) & ~Q(approved_by=F("checked_by"))),
                name="changerequest_approver_distinct",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(approved_by__isnull=False, checked_by__isnull=False),
                name="changerequest_approved_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("contracts:change-detail", args=[self.pk])

    def proposed_lines(self) -> list[dict[str, str]]:
        """The change field by field: the applied diff once approved, else the proposal."""
        if self.status == ChangeStatus.APPROVED:
            version = getattr(self, "contract_version", None)
            if version is not None:
                return list(version.diff)
        lines = []
        for name, value in (self.proposed or {}).items():
            try:
                label = str(Contract._meta.get_field(name).verbose_name)
            except Exception:
                continue
            if isinstance(value, bool):
                value = "是" if value else "否"
            lines.append({"field": name, "label": label, "old": "", "new": str(value or "")})
        return lines

    def content_text(self) -> str:
        """合同变更内容 as printed: the request's words, then each changed value."""
        parts = [self.content] if self.content else []
        for line in self.proposed_lines():
            if line["old"]:
                parts.append(f"{line['label']}：{line['old']} → {line['new']}")
            else:
                parts.append(f"{line['label']}：→ {line['new']}")
        return "\n".join(parts)

    @property
    def notices_complete(self) -> bool:
        """The notice is complete when every notified department has signed."""
        return self.status == ChangeStatus.APPROVED and all(
            n.is_acknowledged for n in self.notices.all()
        )

    def basis_labels(self) -> list[str]:
        return [str(ChangeBasis(k).label) for k in self.basis if k in ChangeBasis.values]

    def department_labels(self) -> list[str]:
        return [
            str(NoticeDepartment(k).label)
            for k in self.notify_departments
            if k in NoticeDepartment.values
        ]


class ContractVersion(models.Model):
    """One approved change of a contract: the values before it and the field-by-field diff.

    ``number`` is the 合同版次 the change produced (2 for the first change); ``snapshot``
    keeps every changeable field of version ``number - 1``, so old values stay readable.
    """

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("contract version"))
    change_request = models.OneToOneField(
        ChangeRequest,
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract_version",
    )
    snapshot = models.JSONField(_("previous values"), default=dict)
    diff = models.JSONField(_("changes"), default=list)  # [{field, label, old, new}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "-number"]
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contractversion_unique"),
            models.CheckConstraint(condition=Q(number__gte=2), name="contractversion_after_first"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} v{self.number}"


class ChangeNotice(models.Model):
    """One department's row of 合同变更通知单 (5-16): notified, then 签字 and 日期."""

    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    department = models.CharField(
        _("notified department"), max_length=20, choices=NoticeDepartment.choices
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["change_request", "id"]
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        indexes = [
            models.Index(
                fields=["department"],
                condition=Q(acknowledged_at__isnull=True),
                name="changenotice_open_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "department"], name="changenotice_one_per_department"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="changenotice_signed_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_request_id} {self.get_department_display()}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:change-detail", args=[self.change_request_id]) + "#notices"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
