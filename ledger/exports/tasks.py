"""The tasks a worker runs (``manage.py db_worker --queue-name exports``)."""

from __future__ import annotations

from django_tasks import task

from ledger.exports.runner import delete_expired_exports, run_export_job

QUEUE = "exports"


@task(queue_name=QUEUE)
def run_export(job_id: int) -> str:
    """Make one export job's file (see ``ledger.exports.runner``)."""
    status = run_export_job(job_id)
    # Old files go as new ones are made: no separate scheduler is needed.

    delete_expired_exports()
    return str(status)


@task(queue_name=QUEUE)
def cleanup_exports() -> int:
    """Delete the files of exports past their keeping time."""

    return delete_expired_exports()
