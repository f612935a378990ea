"""表5-29 客户拜访报告 (one visit), its follow-ups (后续行动) and 表5-30 拜访日报's lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators


def long_text(label) -> models.TextField:
    return models.TextField(
        label, max_length=LONG_TEXT_MAX_LENGTH, validators=long_text_validators(), blank=True
    )


class VisitTally(models.Model):
    """Visits per salesperson and month, kept by the report services (one row updated in
    the report's transaction): the managers' view reads twelve rows per person instead of
    counting a year of reports."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()  # the first day of the month
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "month"], name="visittally_one_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id} {self.month:%Y-%m}: {self.visits}"


class VisitReport(models.Model):
    """One visit, reported by the visitor; the 销售主管 comments and signs it."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="visit_reports",
    )
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="visit_reports",
    )
    planned_visit = models.OneToOneField(
        "visits.PlannedVisit",
        verbose_name=_("planned visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report",
    )
    purpose = models.CharField(_("purpose of visit"), max_length=200)
    started_at = models.DateTimeField(_("visit started"))
    ended_at = models.DateTimeField(_("visit ended"))
    # The local date of the visit (Asia/Shanghai): what 5-27 counts and 5-30 compiles.
    visited_on = models.DateField(_("visit date"), editable=False)
    contact = models.ForeignKey(
        "ledger.Contact",
        verbose_name=_("person met"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_info = models.CharField(_("contact details"), max_length=100, blank=True)
    record = long_text(_("visit record"))
    problems = long_text(_("problems and improvements"))
    actions = long_text(_("follow-up actions"))
    manager_comment = long_text(_("manager's comment"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        indexes = [
            models.Index(fields=["visitor", "visited_on"], name="visitreport_visitor_day_idx"),
            # 表5-27's 实际: one salesperson's reports to one customer in a month.
            models.Index(
                fields=["customer", "visitor", "visited_on"], name="visitreport_customer_day_idx"
            ),
            # 待我处理: the recent reports still waiting for the 销售主管's signature.
            models.Index(
                fields=["visitor", "visited_on"],
                condition=Q(signed_at__isnull=True),
                name="visitreport_unsigned_idx",
            ),
            models.Index(fields=["-started_at", "-id"], name="visitreport_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=F("started_at")), name="visitreport_end_after_start"
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="visitreport_purpose_not_blank"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("visits:report-detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class FollowUp(models.Model):
    """One line of 后续行动: what is to be done by when; shown on the customer's timeline."""

    report = models.ForeignKey(
        VisitReport,
        verbose_name=_("visit report"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="visit_follow_ups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="visit_follow_ups",
    )
    action = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_on__isnull=True),
                name="followup_open_idx",
            ),
            # Overdue follow-ups, oldest first, for whoever may see several people's.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(done_on__isnull=True),
                name="followup_open_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(action=""), name="followup_action_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.action}"

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url()


class DailyLine(models.Model):
    """One line of 表5-30 拜访日报: a visit (compiled from its report) or other work of the
    day, typed by the salesperson."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="visit_daily_lines",
    )
    day = models.DateField(_("date"))
    report = models.OneToOneField(
        VisitReport,
        verbose_name=_("visit report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="daily_line",
    )
    customer_text = models.CharField(_("customer visited"), max_length=120, blank=True)
    time_text = models.CharField(_("time"), max_length=40, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    result = long_text(_("result"))
    remarks = long_text(_("remarks"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "time_text", "pk"]
        verbose_name = _("daily report line")
        verbose_name_plural = _("daily report lines")
        indexes = [
            models.Index(fields=["salesperson", "day"], name="dailyline_owner_day_idx"),
            models.Index(fields=["day", "time_text", "id"], name="dailyline_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose=""), name="dailyline_purpose_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.purpose}"

    def get_absolute_url(self) -> str:
        return reverse("visits:daily", args=[self.day.isoformat()])
