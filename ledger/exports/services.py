"""Starting, cancelling and retrying export jobs; closing a month; deleting old files.

Every service takes keyword arguments, checks who may act, and changes a job under its row
lock. Jobs are handed to the worker after the transaction commits.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.exports.selectors import may_close_month
from ledger.models import ExportJob, ExportKind, ExportStatus, MonthClose
from ledger.models.exports import ACTIVE_STATUSES

logger = logging.getLogger(__name__)


def _enqueue(job: ExportJob) -> None:
    """Hand ``job`` to a worker once the current transaction commits."""
    pk = job.pk

    def send() -> None:
        from ledger.exports.tasks import run_export

        result = run_export.enqueue(pk)
        ExportJob.objects.filter(pk=pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


def export_job_start(
    *,
    user,
    kind: str,
    title: str,
    register_code: str = "",
    params: str = "",
    month: str = "",
    rows_total: int = 0,
) -> ExportJob:
    """Queue an export for ``user`` (who may already export it: the caller checked the
    register's face). The same export still waiting or running for the same user is
    returned instead of queuing it twice (a double click, a reload)."""
    with transaction.atomic():
        same = (
            ExportJob.objects.select_for_update(of=("self",))
            .filter(
                user=user,
                kind=kind,
                register_code=register_code,
                params=params,
                month=month,
                status__in=ACTIVE_STATUSES,
                month_close__isnull=True,
            )
            .first()
        )
        if same is not None and not same.is_stale:
            return same
        job = ExportJob(
            user=user,
            kind=kind,
            title=title[:200],
            register_code=register_code,
            params=params,
            month=month,
            rows_total=rows_total,
        )
        job.full_clean()
        job.save()
        _enqueue(job)
    return job


def export_job_cancel(*, job: ExportJob, actor) -> ExportJob:
    """Cancel a waiting or running job: its user or an admin. The worker stops at its
    next progress report and keeps no file."""
    if actor.pk != job.user_id and not actor.is_admin:
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in ACTIVE_STATUSES:
            raise ValidationError(_("This export is not waiting or running; nothing to cancel."))
        job.status = ExportStatus.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
    return job


def export_job_retry(*, job: ExportJob, actor) -> ExportJob:
    """Queue a failed, cancelled or interrupted (worker stopped) job again: its user or an
    admin. The rows are read again, as the user may see them now."""
    if actor.pk != job.user_id and not actor.is_admin:
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if not job.can_retry:
            raise ValidationError(
                _("Only a failed, cancelled or interrupted export can be retried.")
            )
        job.status = ExportStatus.QUEUED
        job.rows_done = 0
        job.error = ""
        job.file_name = ""
        job.finished_at = None
        job.save(update_fields=["status", "rows_done", "error", "file_name", "finished_at"])
        _enqueue(job)
    return job


def month_close(*, month: str, actor) -> MonthClose:
    """月结: close ``month`` (admins). The month's workbook is made once by a worker and
    kept for good; a month is closed once."""
    from ledger.engine.query import parse_month

    if not may_close_month(actor):
        raise PermissionDenied
    if parse_month(month) is None:
        raise ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."))
    with transaction.atomic():
        if MonthClose.objects.select_for_update().filter(month=month).exists():
            raise ValidationError(
                _("%(month)s is already closed; its workbook stays as it was made.")
                % {"month": month}
            )
        year, number = month.split("-")
        job = ExportJob(
            user=actor,
            kind=ExportKind.MONTHLY,
            month=month,
            title=_("Ledger %(year)s-%(month)s (monthly close)") % {"year": year, "month": number},
        )
        job.full_clean()
        job.save()
        close = MonthClose(month=month, closed_by=actor, job=job)
        close.full_clean()
        close.save()
        _enqueue(job)
    return close
