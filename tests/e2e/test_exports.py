"""An admin asks for the month's workbook, watches its progress bar reach the download link
(a real database worker makes the file), and the file holds every register of the month."""

import io
import signal

from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from ledger.engine import Face, site
from ledger.models import ExportJob, ExportStatus
from tests.e2e.test_journey import log_in
from tests.factories import CustomerFactory, ProductFactory


def test_the_monthly_workbook_is_made_in_the_background_with_a_progress_bar(
    org, page, settings, shot
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "exports"],
        }
    }
    settings.LEDGER_EXPORT_JOB_ROWS = 5  # this month's rows are "large"
    for i in range(4):
        ProductFactory(name=f"月结产品{i}")
        CustomerFactory(owner=org.sales1, name=f"月结客户{i}")
    log_in(page, "admin")
    page.goto("/exports/")
    page.fill("#id_month", "2026-11")
    page.get_by_test_id("monthly-xlsx").click()

    # The request only queued the job: the page is its progress page, waiting for a worker.
    page.wait_for_url("**/exports/jobs/*/")
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(page.get_by_test_id("job-download")).to_have_count(0)
    shot("exports-01-queued")
    job = ExportJob.objects.get()
    assert (job.month, job.user) == ("2026-11", org.admin)

    # A worker runs (the real one, as `make run` starts it), while the page polls.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--queue-name", "*"
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE

    expect(progress).to_have_attribute("data-status", "done", timeout=10000)
    bar = page.locator("#job-progress progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == str(job.rows_total)
    expect(page.get_by_test_id("job-rows")).to_contain_text(f"共{job.rows_total}行")
    shot("exports-02-done")
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    book = load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True)
    registers = [r for r in site if r.in_monthly_workbook and r.allows(Face.EXPORT, org.admin)]
    assert book.sheetnames[0] == "目录"
    assert len(book.sheetnames) == 1 + len(registers)
    cover = [row for row in book["目录"].iter_rows(values_only=True) if row and row[0]]
    listed = {row[1] for row in cover[3:]}
    assert len(listed) == len(registers)
    values = {c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert {"月结产品0", "月结客户3"} <= values

    # 我的导出 lists it with its link.
    page.goto("/exports/jobs/")
    expect(page.get_by_test_id("export-jobs")).to_contain_text(job.title)
