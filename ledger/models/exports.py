"""Exports made by a worker (a large register file, the monthly workbook) and closed months.

A job's file is in the ``exports`` storage under ``file_name`` only once it is complete: the
worker writes to a temporary file, stores it, then records the name and ``done`` in one
transaction, so a job killed part-way never points at half a file.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    REGISTER_XLSX = "register_xlsx", _("Register as Excel")
    REGISTER_PDF = "register_pdf", _("Register as PDF")
    MONTHLY = "monthly", _("Monthly workbook")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Deleted after its keeping time")


ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ExportJob(models.Model):
    """One file asked for by one user, made in the background with the user's visibility."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    register_code = models.CharField(max_length=40, blank=True)
    # The list's query string (filters, sort, period), as the user asked.
    params = models.TextField(blank=True)
    month = models.CharField(max_length=7, blank=True)
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Set only when the file is complete and stored.
    file_name = models.CharField(max_length=300, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # None: kept for good (a closed month's workbook).
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file_name=""),
                name="exportjob_done_has_file",
            ),
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")) | models.Q(rows_total=0),
                name="exportjob_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("export-job", args=[self.pk])

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has not reported for a while: it was stopped."""
        if self.status != ExportStatus.RUNNING:
            return False
        seen = self.heartbeat_at or self.started_at or self.created_at
        limit = datetime.timedelta(seconds=settings.LEDGER_EXPORT_STALE_SECONDS)
        return timezone.now() - seen > limit

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES and not self.is_stale

    @property
    def can_cancel(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def can_retry(self) -> bool:
        return self.status in (ExportStatus.FAILED, ExportStatus.CANCELLED) or self.is_stale

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file_name)


class MonthClose(models.Model):
    """月结: a month closed by an admin; its workbook made once and kept as it was."""

    month = models.CharField(max_length=7, unique=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)
    job = models.OneToOneField(ExportJob, on_delete=models.PROTECT, related_name="month_close")
    # The stored workbook's SHA-256, recorded when it was made: the file is served as it was.
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
                name="monthclose_month_format",
            )
        ]

    def __str__(self) -> str:
        return self.month
