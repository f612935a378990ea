"""What a worker does with one export job.

The job is read again when it runs: the register's declaration, the user's role and the
rows the user may see are those of that moment, through the same ``run_query`` as the list.
The file is written to a temporary file on the worker's disk, stored under its final name,
and only then recorded with the job as ``done``, in one transaction: a worker stopped
part-way leaves a job that is not ``done`` and a stray temporary file that is never served;
the job can be retried.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.engine import Face, site
from ledger.engine.base import RegisterContext
from ledger.engine.excel import new_workbook, write_register
from ledger.engine.pdf import render_pdf
from ledger.engine.printing import register_print_context
from ledger.engine.query import run_query
from ledger.engine.workbook import build_monthly_workbook, monthly_queries, monthly_rows
from ledger.models import ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# Progress is written to the database at most this often (seconds).
PROGRESS_INTERVAL = 0.5


class ExportRefused(Exception):
    """The export cannot be made as asked; the message is shown to the user."""


class JobStopped(Exception):
    """The job was cancelled (or retried elsewhere) while it ran."""


def exports_storage():
    return storages["exports"]


def temp_path(job: ExportJob) -> Path:
    """The worker's file for one attempt of one job, before it is stored."""
    folder = Path(settings.LEDGER_EXPORT_TMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"job-{job.pk}-{job.attempts}.part"


class Reporter:
    """The progress callback of the engine's faces (``engine.progress``) for one job:
    counts rows, writes them and a heartbeat to the job now and then, and stops the
    writing when the job is no longer this attempt's (cancelled, or retried)."""

    def __init__(self, job: ExportJob):
        self.job = job
        self.done = 0
        self.last = 0.0

    def set_total(self, total: int) -> None:
        self.job.rows_total = total
        self._write(force=True)

    def beat(self) -> None:
        """Report now: before a long step without rows (saving the file, storing it)."""
        self._write(force=True)

    def __call__(self, rows: int) -> None:
        self.done += rows
        self._write()

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        job = self.job
        done = min(self.done, job.rows_total) if job.rows_total else 0
        updated = ExportJob.objects.filter(
            pk=job.pk, status=ExportStatus.RUNNING, attempts=job.attempts
        ).update(rows_total=job.rows_total, rows_done=done, heartbeat_at=timezone.now())
        if not updated:
            raise JobStopped


def _claim(job_id: int) -> ExportJob | None:
    """Mark a queued job running (one more attempt); None when it is not waiting."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportStatus.QUEUED:
            return None
        now = timezone.now()
        job.status = ExportStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.finished_at = None
        job.rows_done = 0
        job.error = ""
        job.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "heartbeat_at",
                "finished_at",
                "rows_done",
                "error",
            ]
        )
        return job


def run_export_job(job_id: int) -> str:
    """Make the file of job ``job_id``; returns the job's status afterwards.

    Only a queued job is run (a cancelled one is left alone); a failure is recorded on
    the job with a reason the user can read.
    """
    job = _claim(job_id)
    if job is None:
        return ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    path = temp_path(job)
    reporter = Reporter(job)
    try:
        suffix = MAKERS[job.kind](job, path, reporter)
        reporter.beat()
        return _commit(job, path, suffix, reporter)
    except JobStopped:
        return ExportStatus.CANCELLED
    except ExportRefused as exc:
        return _fail(job, str(exc))
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        reason = _(
            "The file could not be made (%(error)s). Try again; if it fails again, "
            "tell an administrator."
        ) % {"error": f"{type(exc).__name__}: {exc}"[:300]}
        return _fail(job, reason)
    finally:
        path.unlink(missing_ok=True)


def _commit(job: ExportJob, path: Path, suffix: str, reporter: Reporter) -> str:
    storage = exports_storage()
    size = path.stat().st_size
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        handle.seek(0)
        name = storage.save(f"{job.user_id}/{job.pk}/{uuid.uuid4().hex}{suffix}", File(handle))
    with transaction.atomic():
        fresh = ExportJob.objects.select_for_update().get(pk=job.pk)
        if fresh.status != ExportStatus.RUNNING or fresh.attempts != job.attempts:
            # Cancelled (or taken again) while the file was being stored.
            transaction.on_commit(lambda: storage.delete(name))
            return fresh.status
        now = timezone.now()
        fresh.status = ExportStatus.DONE
        fresh.file_name = name
        fresh.size = size
        fresh.rows_total = reporter.job.rows_total
        fresh.rows_done = fresh.rows_total
        fresh.finished_at = fresh.heartbeat_at = now
        close = getattr(fresh, "month_close", None) if fresh.kind == ExportKind.MONTHLY else None
        fresh.expires_at = (
            None
            if close is not None
            else now + datetime.timedelta(days=settings.LEDGER_EXPORT_KEEP_DAYS)
        )
        fresh.save()
        if close is not None:
            close.sha256 = digest.hexdigest()
            close.save(update_fields=["sha256"])
    return ExportStatus.DONE


def _fail(job: ExportJob, reason: str) -> str:
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING, attempts=job.attempts).update(
        status=ExportStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    return ExportStatus.FAILED


# --- What each kind of job makes --------------------------------------------------------
def _register_query(job: ExportJob, face: Face):
    register = site.get(job.register_code)
    if register is None or not register.allows(face, job.user):
        raise ExportRefused(_("This register is no longer open to you."))
    context = RegisterContext(user=job.user, params=QueryDict(job.params))
    query = run_query(register, context)
    if not query.filters_valid:
        raise ExportRefused(_("Correct the filter first."))
    return query


def _check_user(job: ExportJob) -> None:
    if not job.user.is_active:
        raise ExportRefused(_("The user who asked for this export is no longer active."))


def make_register_xlsx(job: ExportJob, path: Path, reporter: Reporter) -> str:
    _check_user(job)
    query = _register_query(job, Face.EXPORT)
    reporter.set_total(query.count())
    workbook = new_workbook()
    write_register(workbook, query, progress=reporter)
    reporter.beat()
    workbook.save(path)
    return ".xlsx"


def make_register_pdf(job: ExportJob, path: Path, reporter: Reporter) -> str:
    _check_user(job)
    query = _register_query(job, Face.PRINT)
    total = query.count()
    limit = settings.LEDGER_PDF_MAX_ROWS
    if total > limit:
        raise ExportRefused(
            _("More than %(limit)s rows: narrow the filter before printing, or export to Excel.")
            % {"limit": limit}
        )
    reporter.set_total(total)
    context = register_print_context(query, progress=reporter)
    reporter.beat()
    pdf = render_pdf("print/register.html", context)
    path.write_bytes(pdf)
    return ".pdf"


def make_monthly(job: ExportJob, path: Path, reporter: Reporter) -> str:
    _check_user(job)
    if not job.user.is_admin:
        raise ExportRefused(_("Only administrators export the month's workbook."))
    queries = monthly_queries(user=job.user, month=job.month)
    reporter.set_total(monthly_rows(queries))
    workbook = build_monthly_workbook(
        user=job.user, month=job.month, queries=queries, progress=reporter
    )
    reporter.beat()
    workbook.save(path)
    return ".xlsx"


MAKERS = {
    ExportKind.REGISTER_XLSX: make_register_xlsx,
    ExportKind.REGISTER_PDF: make_register_pdf,
    ExportKind.MONTHLY: make_monthly,
}


def expired_jobs(now=None):
    """Finished jobs past their keeping time (closed months have none)."""
    now = now or timezone.now()
    return ExportJob.objects.filter(
        Q(status=ExportStatus.DONE) & Q(expires_at__lt=now) & Q(expires_at__isnull=False)
    )


def delete_expired_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the stored files of exports past their keeping time (the jobs stay, marked
    expired, for as long again), jobs that failed or were cancelled that long ago, and
    workers' temporary files left by a stopped worker. Returns the number of files
    deleted. Closed months' workbooks never expire."""
    now = now or timezone.now()
    storage = exports_storage()
    deleted = 0
    for job in expired_jobs(now).only("pk", "file_name"):
        try:
            storage.delete(job.file_name)
        except OSError:
            logger.warning("could not delete export file %s", job.file_name)
            continue
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name=""
        )
        deleted += 1
    keep = datetime.timedelta(days=settings.LEDGER_EXPORT_KEEP_DAYS)
    # The jobs themselves stay listed as long again, then go.
    old = now - keep
    ExportJob.objects.filter(
        Q(status__in=(ExportStatus.FAILED, ExportStatus.CANCELLED), finished_at__lt=old)
        | Q(status=ExportStatus.EXPIRED, expires_at__lt=old),
        month_close__isnull=True,
    ).delete()
    folder = settings.LEDGER_EXPORT_TMP_DIR
    if folder.exists():
        day_ago = time.time() - 86400
        for part in folder.glob("job-*.part"):
            try:
                if part.stat().st_mtime < day_ago:
                    part.unlink()
            except OSError:
                continue
    return deleted
