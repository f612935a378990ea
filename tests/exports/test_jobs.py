"""Background exports: the threshold, progress, visibility, expiry, cancel, a stopped
worker, failures, and the monthly close."""

import datetime
import hashlib
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from ledger.engine import Face, site
from ledger.exports.runner import (
    delete_expired_exports,
    exports_storage,
    run_export_job,
    temp_path,
)
from ledger.exports.services import (
    export_job_cancel,
    export_job_start,
    month_close,
)
from ledger.models import ExportJob, ExportKind, ExportStatus, MonthClose
from tests.factories import CustomerFactory, ProductFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def workbook_of(response):
    return openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)


def job_of(response) -> ExportJob:
    assert response.status_code == 302, response.status_code
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return ExportJob.objects.get(pk=pk)


@pytest.fixture
def products(db):
    return [ProductFactory(name=f"产品{i}") for i in range(3)]


# --- the threshold -------------------------------------------------------------------------
def test_a_small_export_streams_at_once(login, admin_user, products, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 3
    response = login(admin_user).get("/registers/5-7/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert not ExportJob.objects.exists()


def test_a_large_export_becomes_a_job_with_the_lists_filters(
    login, admin_user, products, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_EXPORT_JOB_ROWS = 2
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/registers/5-7/export.xlsx?sort=-name")
    job = job_of(response)
    job.refresh_from_db()
    assert (job.kind, job.register_code, job.params) == (
        ExportKind.REGISTER_XLSX,
        "5-7",
        "sort=-name",
    )
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 3, 3)
    assert job.expires_at is not None
    page = client.get(job.get_absolute_url())
    assert b'data-testid="job-download"' in page.content
    download = client.get(f"/exports/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    values = [
        c for row in workbook_of(download).worksheets[0].iter_rows(values_only=True) for c in row
    ]
    names = [v for v in values if isinstance(v, str) and v[:2] == "产品" and v[2:].isdigit()]
    assert names == ["产品2", "产品1", "产品0"]  # sorted as the list was


def test_the_same_export_twice_is_one_job(login, admin_user, products, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 2
    client = login(admin_user)
    first = job_of(client.get("/registers/5-7/export.xlsx"))
    second = job_of(client.get("/registers/5-7/export.xlsx"))
    assert first.pk == second.pk
    assert first.status == ExportStatus.QUEUED


def test_a_large_pdf_becomes_a_job(login, admin_user, products, settings):
    settings.LEDGER_EXPORT_PDF_JOB_ROWS = 2
    job = job_of(login(admin_user).get("/registers/5-7/print.pdf"))
    assert job.kind == ExportKind.REGISTER_PDF
    assert run_export_job(job.pk) == ExportStatus.DONE
    response = login(admin_user).get(f"/exports/jobs/{job.pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF")


def monthly_sheet_titles(user):
    return [r for r in site if r.in_monthly_workbook and r.allows(Face.EXPORT, user)]


def test_the_monthly_workbook_switches_at_the_threshold(login, admin_user, products, settings):
    client = login(admin_user)
    settings.LEDGER_EXPORT_JOB_ROWS = 1000
    small = client.get("/registers/monthly.xlsx?month=2026-11")
    assert small.status_code == 200 and small["Content-Type"] == XLSX
    settings.LEDGER_EXPORT_JOB_ROWS = 2
    job = job_of(client.get("/registers/monthly.xlsx?month=2026-11"))
    assert (job.kind, job.month) == (ExportKind.MONTHLY, "2026-11")
    assert run_export_job(job.pk) == ExportStatus.DONE
    job.refresh_from_db()
    book = workbook_of(client.get(f"/exports/jobs/{job.pk}/download/"))
    registers = monthly_sheet_titles(admin_user)
    # 目录 and one sheet for every register of the site, whichever app declares it.
    assert len(book.sheetnames) == 1 + len(registers)
    assert job.rows_total >= 3 and job.rows_done == job.rows_total


# --- visibility ------------------------------------------------------------------------------
def test_another_users_job_is_a_404_and_admins_may_open_it(login, org, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 0
    CustomerFactory(owner=org.sales1, name="一部客户")
    job = job_of(login(org.sales1).get("/registers/customers/export.xlsx?scope=personal"))
    run_export_job(job.pk)
    base = f"/exports/jobs/{job.pk}/"
    for user in (org.sales2, org.manager1, org.gm, org.sales3):
        client = login(user)
        for url in (base, f"{base}progress/", f"{base}download/"):
            assert client.get(url).status_code == 404, (user, url)
        for url in (f"{base}cancel/", f"{base}retry/"):
            assert client.post(url).status_code == 404, (user, url)
    assert login(org.sales1).get(f"{base}download/").status_code == 200
    assert login(org.admin).get(f"{base}download/").status_code == 200
    listed = login(org.sales2).get("/exports/jobs/")
    assert job.title.encode() not in listed.content


def test_the_rows_are_those_the_user_may_see_when_the_job_runs(login, org, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 0
    CustomerFactory(owner=org.sales1, name="甲客户")
    CustomerFactory(owner=org.sales3, name="乙客户")
    job = job_of(login(org.sales1).get("/registers/customers/export.xlsx?scope=personal"))
    CustomerFactory(owner=org.sales1, name="丙客户")  # added before the worker runs
    run_export_job(job.pk)
    book = workbook_of(login(org.sales1).get(f"/exports/jobs/{job.pk}/download/"))
    cells = {c for row in book.worksheets[0].iter_rows(values_only=True) for c in row}
    assert {"甲客户", "丙客户"} <= cells
    assert "乙客户" not in cells


# --- expiry -------------------------------------------------------------------------------------
def test_an_expired_file_is_deleted_and_no_longer_served(login, admin_user, products, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 0
    settings.LEDGER_EXPORT_KEEP_DAYS = 7
    job = job_of(login(admin_user).get("/registers/5-7/export.xlsx"))
    run_export_job(job.pk)
    job.refresh_from_db()
    name = job.file_name
    assert exports_storage().exists(name)
    assert delete_expired_exports(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert exports_storage().exists(name)
    assert delete_expired_exports(now=timezone.now() + datetime.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert (job.status, job.file_name) == (ExportStatus.EXPIRED, "")
    assert not exports_storage().exists(name)
    assert login(admin_user).get(f"/exports/jobs/{job.pk}/download/").status_code == 404


def test_the_cleanup_command_deletes_expired_files(admin_user, products):
    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="t", register_code="5-7"
    )
    run_export_job(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("cleanup_exports", stdout=out)
    assert "Deleted 1" in out.getvalue()
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.EXPIRED


# --- cancel -------------------------------------------------------------------------------------
def test_a_cancelled_job_is_not_run(login, admin_user, products, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 0
    client = login(admin_user)
    job = job_of(client.get("/registers/5-7/export.xlsx"))
    response = client.post(f"/exports/jobs/{job.pk}/cancel/", {"next": "list"})
    assert response.status_code == 302 and response["Location"] == "/exports/jobs/"
    assert run_export_job(job.pk) == ExportStatus.CANCELLED
    job.refresh_from_db()
    assert (job.status, job.file_name) == (ExportStatus.CANCELLED, "")
    # A second cancel says so, without a 500.
    again = client.post(f"/exports/jobs/{job.pk}/cancel/", follow=True)
    assert "没有可取消".encode() in again.content or b"nothing to cancel" in again.content


def test_a_job_cancelled_while_it_runs_keeps_no_file(admin_user, products, monkeypatch):
    from ledger.exports import runner

    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="t", register_code="5-7"
    )
    real = runner.MAKERS[ExportKind.REGISTER_XLSX]

    def cancelled_meanwhile(job, path, reporter):
        suffix = real(job, path, reporter)
        export_job_cancel(job=job, actor=admin_user)
        return suffix

    monkeypatch.setitem(runner.MAKERS, ExportKind.REGISTER_XLSX, cancelled_meanwhile)
    assert run_export_job(job.pk) == ExportStatus.CANCELLED
    job.refresh_from_db()
    assert (job.status, job.file_name) == (ExportStatus.CANCELLED, "")
    assert not temp_path(job).exists()


def test_the_progress_report_stops_a_cancelled_job(admin_user, products, monkeypatch):
    from ledger.exports import runner

    monkeypatch.setattr(runner, "PROGRESS_INTERVAL", 0)
    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="t", register_code="5-7"
    )
    real = runner.MAKERS[ExportKind.REGISTER_XLSX]

    def cancel_then_write(job, path, reporter):
        export_job_cancel(job=job, actor=admin_user)
        return real(job, path, reporter)

    monkeypatch.setitem(runner.MAKERS, ExportKind.REGISTER_XLSX, cancel_then_write)
    assert run_export_job(job.pk) == ExportStatus.CANCELLED
    assert not exports_storage().listdir("")[1]


# --- a worker stopped mid-job ------------------------------------------------------------------
def test_a_worker_killed_mid_job_serves_no_half_file_and_the_job_can_be_retried(
    login, admin_user, products, settings, django_capture_on_commit_callbacks
):
    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="产品", register_code="5-7"
    )
    # What a killed worker leaves: the job running, half a file under its temporary name.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.LEDGER_EXPORT_STALE_SECONDS + 5)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING,
        attempts=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
        rows_total=3,
        rows_done=1,
    )
    job.refresh_from_db()
    partial = temp_path(job)
    partial.write_bytes(b"PK\x03\x04 half a workbook")
    client = login(admin_user)
    assert client.get(f"/exports/jobs/{job.pk}/download/").status_code == 404
    page = client.get(job.get_absolute_url())
    assert b'data-testid="job-download"' not in page.content
    assert b'data-testid="job-retry"' in page.content
    assert b"hx-trigger" not in page.content  # nothing to wait for
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exports/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == (ExportStatus.DONE, 2, 3)
    book = workbook_of(client.get(f"/exports/jobs/{job.pk}/download/"))
    assert book.sheetnames == ["表5-7 产品记录表"] or len(book.sheetnames) == 1


def test_a_running_job_that_reports_cannot_be_retried(login, admin_user, products):
    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="t", register_code="5-7"
    )
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    login(admin_user).post(f"/exports/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.RUNNING, 1)


def test_a_stopped_workers_late_report_does_not_touch_the_retried_job(admin_user, products):
    from ledger.exports.runner import JobStopped, Reporter

    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="t", register_code="5-7"
    )
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, attempts=1)
    job.refresh_from_db()
    old = Reporter(job)
    ExportJob.objects.filter(pk=job.pk).update(attempts=2)  # retried and taken again
    with pytest.raises(JobStopped):
        old.set_total(3)


# --- failures -----------------------------------------------------------------------------------
def test_a_failed_job_shows_its_reason_to_its_user_and_to_admins(login, org):
    job = export_job_start(
        user=org.sales1, kind=ExportKind.REGISTER_XLSX, title="旧表", register_code="nope"
    )
    assert run_export_job(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.error == "此台账已不再对您开放。"
    for user in (org.sales1, org.admin):
        page = login(user).get(job.get_absolute_url())
        assert job.error.encode() in page.content
        assert b'data-testid="job-retry"' in page.content
    assert job.error.encode() in login(org.admin).get("/exports/jobs/?scope=all").content


def test_an_unexpected_error_is_recorded_and_the_retry_succeeds(admin_user, products, monkeypatch):
    from ledger.exports import runner

    job = export_job_start(
        user=admin_user, kind=ExportKind.REGISTER_XLSX, title="t", register_code="5-7"
    )
    real = runner.MAKERS[ExportKind.REGISTER_XLSX]

    def broken(job, path, reporter):
        raise OSError("disk full")

    monkeypatch.setitem(runner.MAKERS, ExportKind.REGISTER_XLSX, broken)
    assert run_export_job(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert "OSError: disk full" in job.error
    monkeypatch.setitem(runner.MAKERS, ExportKind.REGISTER_XLSX, real)
    from ledger.exports.services import export_job_retry

    export_job_retry(job=job, actor=admin_user)
    assert run_export_job(job.pk) == ExportStatus.DONE


# --- the monthly close -----------------------------------------------------------------
def test_a_closed_months_file_does_not_change_after_an_edit(
    login, admin_user, products, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    from ledger.submissions import new_token

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/months/", {"month": "2026-11", "form_token": new_token()})
    assert response.status_code == 302
    close = MonthClose.objects.get(month="2026-11")
    assert (close.closed_by, close.job.status) == (admin_user, ExportStatus.DONE)
    assert close.job.expires_at is None
    first = body(client.get("/exports/months/2026-11.xlsx"))
    assert hashlib.sha256(first).hexdigest() == close.sha256
    products[0].name = "改过的名字"
    products[0].save()
    CustomerFactory(owner=admin_user, name="新客户")
    again = body(client.get("/exports/months/2026-11.xlsx"))
    assert again == first
    # Expiry never removes it.
    delete_expired_exports(now=timezone.now() + datetime.timedelta(days=3650))
    assert body(client.get("/exports/months/2026-11.xlsx")) == first
    # A month is closed once.
    twice = client.post("/exports/months/", {"month": "2026-11"})
    assert twice.status_code == 400
    assert MonthClose.objects.count() == 1
    listing = client.get("/exports/months/")
    assert b"2026-11" in listing.content and admin_user.username.encode() in listing.content


def test_closing_a_month_from_cron(admin_user, products, tmp_path):
    out = io.StringIO()
    target = tmp_path / "m.xlsx"
    call_command("export_registers", "--month", "2026-10", "--close", "-o", str(target), stdout=out)
    close = MonthClose.objects.get(month="2026-10")
    assert close.job.status == ExportStatus.DONE
    assert hashlib.sha256(target.read_bytes()).hexdigest() == close.sha256
    call_command("export_registers", "--month", "2026-10", "--close", stdout=out)
    assert "already closed" in out.getvalue()
    assert MonthClose.objects.count() == 1


def test_only_admins_close_a_month(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        month_close(month="2026-11", actor=org.gm)


def test_downloading_a_jobs_file_is_in_the_access_log(
    login, org, settings, django_capture_on_commit_callbacks
):
    from ledger.models import AccessKind, AccessLog

    settings.LEDGER_EXPORT_JOB_ROWS = 2
    CustomerFactory.create_batch(3, owner=org.sales1)
    client = login(org.sales1)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get("/registers/customers/export.xlsx?scope=personal"))
    assert AccessLog.objects.count() == 0  # nothing has left the server yet
    assert client.get(f"/exports/jobs/{job.pk}/download/").status_code == 200
    (entry,) = AccessLog.objects.all()
    assert (entry.user, entry.kind, entry.target, entry.filters, entry.row_count) == (
        org.sales1,
        AccessKind.EXPORT,
        "customers",
        "scope=personal",
        3,
    )
    # Master data without customers (表5-7) is not logged, as its immediate export is not.
    ProductFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        products = job_of(login(org.admin).get("/registers/5-7/export.xlsx"))
    assert login(org.admin).get(f"/exports/jobs/{products.pk}/download/").status_code == 200
    assert AccessLog.objects.count() == 1
