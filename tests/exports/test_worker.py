"""The real task runner: the database backend queues a job, ``db_worker --batch`` runs it."""

import signal

import pytest
from django.core.management import call_command

from ledger.exports.services import export_job_start
from ledger.models import ExportJob, ExportKind, ExportStatus
from tests.factories import ProductFactory

DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "exports"],
    }
}


@pytest.fixture
def worker_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers: put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_a_queued_export_is_run_by_the_database_worker(org, settings, worker_signals):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    for i in range(3):
        ProductFactory(name=f"产品{i}")
    job = export_job_start(
        user=org.admin, kind=ExportKind.REGISTER_XLSX, title="产品", register_code="5-7"
    )
    job.refresh_from_db()
    queued = DBTaskResult.objects.get()
    assert (queued.status, queued.queue_name, job.task_id) == ("READY", "exports", str(queued.id))
    assert job.status == ExportStatus.QUEUED

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--queue-name", "*")

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 3, 3)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # A second run finds nothing to do and changes nothing.
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--queue-name", "*")
    assert ExportJob.objects.get(pk=job.pk).finished_at == job.finished_at
