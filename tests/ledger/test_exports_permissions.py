"""Background exports and the monthly close: every page × every role."""

import pytest

from ledger.exports.runner import run_export_job
from ledger.exports.services import export_job_start, month_close
from ledger.models import ExportJob, ExportKind, ExportStatus
from tests.conftest import ROLES
from tests.factories import CustomerFactory, ProductFactory

EVERYONE = set(ROLES)
SALES1_AND_ADMIN = {"sales1", "admin"}


@pytest.fixture
def jobs(org):
    CustomerFactory(owner=org.sales1, name="一部客户")
    ProductFactory()
    done = export_job_start(
        user=org.sales1,
        kind=ExportKind.REGISTER_XLSX,
        title="个人台账",
        register_code="customers",
        params="scope=personal",
    )
    run_export_job(done.pk)
    close = month_close(month="2026-11", actor=org.admin)
    run_export_job(close.job_id)
    return {"done": done, "close": close}


def pages(t):
    """(url, roles that get 200, status for everyone else)."""
    job = t["done"].pk
    return [
        ("/exports/", EVERYONE, None),
        ("/exports/jobs/", EVERYONE, None),
        ("/exports/jobs/?scope=all", EVERYONE, None),
        (f"/exports/jobs/{job}/", SALES1_AND_ADMIN, 404),
        (f"/exports/jobs/{job}/progress/", SALES1_AND_ADMIN, 404),
        (f"/exports/jobs/{job}/download/", SALES1_AND_ADMIN, 404),
        ("/exports/jobs/999999/", set(), 404),
        ("/exports/jobs/999999/download/", set(), 404),
        (f"/exports/jobs/{t['close'].job_id}/", {"admin"}, 404),
        ("/exports/months/", {"admin"}, 403),
        ("/exports/months/2026-11.xlsx", {"admin"}, 403),
        ("/exports/months/2026-12.xlsx", set(), 403),  # not closed: 404 for admins
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_export_page_for_every_role(org, jobs, client, role):
    client.force_login(getattr(org, role))
    failures = []
    for url, allowed, refused in pages(jobs):
        status = client.get(url).status_code
        expected = 200 if role in allowed else refused
        if role == "admin" and url.endswith("2026-12.xlsx"):
            expected = 404
        if status != expected:
            failures.append(f"{url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_cancel_and_retry_for_every_role(org, client, role):
    ProductFactory()
    job = export_job_start(
        user=org.sales1, kind=ExportKind.REGISTER_XLSX, title="产品", register_code="5-7"
    )
    client.force_login(getattr(org, role))
    cancel = client.post(f"/exports/jobs/{job.pk}/cancel/")
    retry = client.post(f"/exports/jobs/{job.pk}/retry/")
    status = ExportJob.objects.get(pk=job.pk).status
    if role in SALES1_AND_ADMIN:
        assert (cancel.status_code, retry.status_code) == (302, 302)
        assert status == ExportStatus.QUEUED  # cancelled, then queued again
    else:
        assert (cancel.status_code, retry.status_code) == (404, 404)
        assert status == ExportStatus.QUEUED  # untouched
    # GET never changes a job.
    assert client.get(f"/exports/jobs/{job.pk}/cancel/").status_code == 405


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_admins_close_a_month(org, client, role):
    client.force_login(getattr(org, role))
    assert client.post("/exports/months/", {"month": "2026-10"}).status_code == 403
    from ledger.models import MonthClose

    assert not MonthClose.objects.exists()


def test_anonymous_users_are_sent_to_the_login_page(jobs, client):
    for url, _allowed, _refused in pages(jobs):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
