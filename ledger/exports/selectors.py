"""Who may see which export job and closed month.

A job's file holds what its user may see: only that user and admins may open it. Everyone
else gets 404, the same as for a job that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ledger.models import ExportJob, MonthClose


def export_jobs_visible_to(user) -> QuerySet[ExportJob]:
    """The user's own jobs; admins see every user's (to help with a failed one)."""
    jobs = ExportJob.objects.select_related("user")
    if user.is_admin:
        return jobs
    return jobs.filter(user=user)


def get_export_job_for(user, pk) -> ExportJob:
    """The job ``pk`` if ``user`` may see it; 404 for missing and forbidden alike."""
    job = export_jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404("no such export")
    return job


def may_close_month(user) -> bool:
    """Admins close months (they export the month's ledgers)."""
    return bool(user.is_authenticated and user.is_admin)


def month_closes_visible_to(user) -> QuerySet[MonthClose]:
    """Closed months with their workbooks: admins only (the workbook holds every register)."""
    closes = MonthClose.objects.select_related("closed_by", "job")
    return closes if may_close_month(user) else closes.none()


def get_month_close_for(user, month: str) -> MonthClose:
    """The closed month ``month`` if ``user`` may see it; 404 otherwise."""
    close = month_closes_visible_to(user).filter(month=month).first()
    if close is None:
        raise Http404("no such closed month")
    return close
