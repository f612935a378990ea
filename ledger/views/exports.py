"""我的导出 (the user's background exports: progress, download, cancel, retry) and 月结
(closing a month and its kept workbook).

Every job is fetched through ``get_export_job_for`` (its user and admins; 404 for anyone
else, as for a missing job); the closed months through ``month_closes_visible_to`` (admins).
No view makes a file: the worker does; these views read the job and stream its stored file.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from ledger import submissions
from ledger.engine import site
from ledger.exports.runner import exports_storage
from ledger.exports.selectors import (
    export_jobs_visible_to,
    get_export_job_for,
    get_month_close_for,
    may_close_month,
    month_closes_visible_to,
)
from ledger.exports.services import export_job_cancel, export_job_retry, month_close
from ledger.forms import MonthForm
from ledger.models import AccessKind, ExportKind
from ledger.supervision.services import access_record
from ledger.views.registers import per_page

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


def _page(request, queryset):
    paginator = Paginator(queryset, per_page(request.GET))
    return paginator.get_page(request.GET.get("page"))


@require_GET
def export_jobs(request):
    """我的导出: the user's jobs, newest first; admins may list everyone's (``?scope=all``)."""
    everyone = request.user.is_admin and request.GET.get("scope") == "all"
    jobs = export_jobs_visible_to(request.user)
    if not everyone:
        jobs = jobs.filter(user=request.user)
    return render(
        request,
        "exports/jobs.html",
        {"page_obj": _page(request, jobs), "everyone": everyone},
    )


@require_GET
def export_job(request, pk: int):
    """One job: its progress bar (refreshed until it ends), then its download link."""
    job = get_export_job_for(request.user, pk)
    response = render(request, "exports/job.html", {"job": job})
    # Tells static/js/downloads.js that the file it asked for became this job.
    response["X-Export-Job"] = str(job.pk)
    return response


@require_GET
def export_job_progress(request, pk: int):
    """The progress part of the job page, polled by htmx every second while it runs."""
    job = get_export_job_for(request.user, pk)
    return render(request, "exports/_progress.html", {"job": job})


def stored_file(job, filename: str | None = None) -> FileResponse:
    """The job's stored file, streamed; 404 unless the job is done and its file is there."""
    if not job.downloadable:
        raise Http404("no file")
    storage = exports_storage()
    try:
        handle = storage.open(job.file_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("no file") from None
    suffix = "." + job.file_name.rsplit(".", 1)[-1]
    name = filename or f"{job.title}-{job.finished_at:%Y%m%d-%H%M}{suffix}"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )


@require_GET
def export_job_download(request, pk: int):
    """A finished job's file, to whom asked for it (and admins); each download is a row of
    the access log, as an immediate export is (the job's filters and rows)."""
    job = get_export_job_for(request.user, pk)
    response = stored_file(job)
    register = site.get(job.register_code) if job.register_code else None
    if register is None or register.carries_customer_data:
        access_record(
            request=request,
            kind=AccessKind.PRINT if job.kind == ExportKind.REGISTER_PDF else AccessKind.EXPORT,
            target=job.register_code or "monthly",
            filters=job.params,
            row_count=job.rows_done,
        )
    return response


def _job_action(request, pk: int, action, done_message: str):
    job = get_export_job_for(request.user, pk)
    try:
        action(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)
    target = request.POST.get("next", "")
    if target == "list":
        return redirect("export-jobs")
    return redirect(job.get_absolute_url())


@require_POST
def export_job_cancel_view(request, pk: int):
    return _job_action(request, pk, export_job_cancel, _("The export was cancelled."))


@require_POST
def export_job_retry_view(request, pk: int):
    return _job_action(request, pk, export_job_retry, _("The export was queued again."))


class MonthCloseView(View):
    """月结: the closed months with who closed them and when; an admin closes a month."""

    template_name = "exports/months.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_close_month(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(MonthForm())

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = MonthForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    close = month_close(month=form.cleaned_data["month"], actor=request.user)
                    submissions.remember(request, reverse("export-job", args=[close.job_id]))
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                form.add_error("month", exc)
            else:
                messages.success(
                    request,
                    _("%(month)s is closed; its workbook is being made.") % {"month": close.month},
                )
                return redirect(close.job.get_absolute_url())
        return self.render(form, status=400)

    def render(self, form, status=200):
        closes = month_closes_visible_to(self.request.user)
        return render(
            self.request,
            self.template_name,
            {"form": form, "page_obj": _page(self.request, closes)},
            status=status,
        )


@require_GET
def month_close_download(request, month: str):
    """A closed month's workbook, exactly as it was made (admins)."""
    if not may_close_month(request.user):
        raise PermissionDenied
    close = get_month_close_for(request.user, month)
    return stored_file(close.job, f"客户管理台账-{close.month}-月结.xlsx")
