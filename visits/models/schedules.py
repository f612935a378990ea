"""表5-28 客户拜访周/日计划表: a salesperson's planned visits for a week or a day,
filled in by the salesperson (填表), checked (审核) and approved (批准) by managers."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators
from ledger.workflow import Transition, Workflow
from visits import rules


class ScheduleKind(models.TextChoices):
    WEEK = "week", _("Week")
    DAY = "day", _("Day")


class ScheduleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CHECKED = "checked", _("Checked")
    APPROVED = "approved", _("Approved")


class VisitSchedule(models.Model):
    """One week's or one day's plan of visits of one salesperson."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="visit_schedules",
    )
    kind = models.CharField(
        _("schedule type"), max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.WEEK
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=20, choices=ScheduleStatus.choices, default=ScheduleStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    workflow = Workflow(
        states=ScheduleStatus,
        transitions=[
            Transition(
                "check",
                "审核",
                source=ScheduleStatus.DRAFT,
                target=ScheduleStatus.CHECKED,
                allowed=rules.may_check_schedule,
            ),
            Transition(
                "approve",
                "批准",
                source=ScheduleStatus.CHECKED,
                target=ScheduleStatus.APPROVED,
                allowed=rules.may_approve_schedule,
            ),
            Transition(
                "return",
                "退回",
                source=[ScheduleStatus.CHECKED, ScheduleStatus.APPROVED],
                target=ScheduleStatus.DRAFT,
                allowed=rules.may_return_schedule,
                note_required=True,
            ),
        ],
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("visit schedule")
        verbose_name_plural = _("visit schedules")
        indexes = [
            models.Index(fields=["salesperson", "-starts_on"], name="visitschedule_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="visitschedule_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ScheduleKind.DAY:
            return f"{self.starts_on:%Y-%m-%d}"
        return f"{self.starts_on:%Y-%m-%d} ~ {self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("visits:schedule-detail", args=[self.pk])


class PlannedVisit(models.Model):
    """One line of 表5-28: whom to visit, why, when and whom to see."""

    schedule = models.ForeignKey(
        VisitSchedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="lines"
    )
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="planned_visits",
    )
    visit_on = models.DateField(_("visit date"))
    visit_at = models.TimeField(_("expected time"), null=True, blank=True)
    purpose = models.CharField(_("purpose of visit"), max_length=200)
    contact = models.ForeignKey(
        "ledger.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remarks = models.TextField(
        _("remarks"), max_length=LONG_TEXT_MAX_LENGTH, validators=long_text_validators(), blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit_on", "visit_at", "pk"]
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        indexes = [
            models.Index(fields=["schedule", "visit_on"], name="plannedvisit_schedule_idx"),
            models.Index(fields=["visit_on"], name="plannedvisit_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose=""), name="plannedvisit_purpose_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_on} {self.customer}"

    def get_absolute_url(self) -> str:
        return self.schedule.get_absolute_url()
