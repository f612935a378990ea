"""Supervision of the ledgers: reviews (台账审核) with their findings, the salespeople's
monthly confirmation of their own ledger (梳理), and the access log of customer data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators


class LedgerReview(models.Model):
    """A manager's review of one register for one period (台账审核).

    ``register_code`` names the declaration (``service``, ``5-17`` …); ``period`` is the
    period as the register's query string names it (``2026-11``, ``2026``; empty for a
    register without a period); ``subject`` narrows it to one salesperson's rows (the
    个人台账 of one person), empty for the whole register as the reviewer sees it. The
    printed register's 审核 / 复核 line shows the latest review of the same three.
    """

    register_code = models.CharField(_("register"), max_length=20)
    period = models.CharField(_("period"), max_length=20, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson reviewed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_reviews_of",
    )
    # The department whose ledger was read (the reviewer's); empty: the whole company.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="ledger_reviews",
    )
    reviewed_on = models.DateField(_("reviewed on"))
    checked = models.TextField(
        _("what was checked"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
    )
    conclusion = models.TextField(
        _("findings"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("ledger review")
        verbose_name_plural = _("ledger reviews")
        indexes = [
            models.Index(
                fields=["register_code", "period", "-reviewed_on"], name="review_register_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(register_code=""), name="review_register_set"),
            models.CheckConstraint(condition=~Q(checked=""), name="review_checked_set"),
        ]

    def __str__(self) -> str:
        return f"{self.register_code} {self.period}".strip()

    def get_absolute_url(self) -> str:
        return reverse("review-detail", args=[self.pk])


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To correct")
    CLOSED = "closed", _("Corrected")


class ReviewFinding(models.Model):
    """One item to correct, found by a review: tied to a record of the register (its
    label and page as the reviewer saw them), assigned to the record's owner with a due
    date, closed by the owner when fixed."""

    review = models.ForeignKey(
        LedgerReview,
        verbose_name=_("ledger review"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    record_pk = models.CharField(_("record"), max_length=40, blank=True)
    record_label = models.CharField(_("record"), max_length=200, blank=True)
    record_url = models.CharField(_("record address"), max_length=300, blank=True)
    description = models.TextField(
        _("item to correct"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="review_findings",
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    resolution = models.TextField(
        _("how it was corrected"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(status="open"),
                name="finding_open_owner_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="finding_described"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="finding_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.record_label or self.description[:40]

    def get_absolute_url(self) -> str:
        return reverse("review-detail", args=[self.review_id]) + f"#finding-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == FindingStatus.OPEN


class LedgerConfirmation(models.Model):
    """A salesperson's monthly confirmation of their own ledger (客户台账梳理)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="ledger_confirmations",
    )
    month = models.CharField(_("month"), max_length=7)
    note = models.TextField(
        _("note"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    # What the page listed when the user confirmed: stale, missing data, past due.
    stale_count = models.PositiveIntegerField(_("not contacted"), default=0)
    missing_count = models.PositiveIntegerField(_("missing contact data"), default=0)
    overdue_count = models.PositiveIntegerField(_("service records past due"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "user_id"]
        verbose_name = _("ledger confirmation")
        verbose_name_plural = _("ledger confirmations")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="confirmation_once_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.month}"


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    PRINT = "print", _("Printed")


class AccessLog(models.Model):
    """Who looked at or took away customer data: one row per request, written with one
    INSERT (no read) by ``ledger.services.supervision.access_record``.

    ``customer`` is set when one customer's details were read; ``target`` names the
    register or document form (``service``, ``5-17``, ``customer``), ``object_pk`` the
    document printed, ``filters`` the query string of a register, ``row_count`` the rows
    it carried. No foreign-key constraint on the customer: deleting a customer keeps the
    log of who read it.
    """

    at = models.DateTimeField(_("time"))
    day = models.DateField(_("date"))  # ``at`` in Asia/Shanghai, for the daily count
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AccessKind.choices)
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    target = models.CharField(_("register or form"), max_length=20, blank=True)
    object_pk = models.CharField(_("record"), max_length=40, blank=True)
    filters = models.CharField(_("filters"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["-at", "-id"], name="access_at_idx"),
            models.Index(fields=["day", "user"], name="access_day_user_idx"),
            models.Index(fields=["user", "-at"], name="access_user_at_idx"),
            models.Index(
                fields=["customer", "-at"],
                condition=Q(customer__isnull=False),
                name="access_customer_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
