"""The export lists (我的导出, 月结) make the same number of queries for 10 rows as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.models import ExportJob, ExportKind, ExportStatus, MonthClose


def _fill(org, n, start):
    for i in range(start, start + n):
        for user in (org.sales1, org.admin):
            ExportJob.objects.create(
                user=user, kind=ExportKind.REGISTER_XLSX, title=f"导出{i}", register_code="5-7"
            )
        job = ExportJob.objects.create(
            user=org.admin,
            kind=ExportKind.MONTHLY,
            title=f"月结{i}",
            month=f"{1900 + i}-01",
            status=ExportStatus.DONE,
            file_name=f"x/{i}.xlsx",
        )
        MonthClose.objects.create(month=job.month, closed_by=org.admin, job=job)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url, role",
    [
        ("/exports/jobs/", "sales1"),
        ("/exports/jobs/?scope=all", "admin"),
        ("/exports/months/", "admin"),
        ("/exports/", "sales1"),
    ],
)
def test_export_lists_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries, url, role
):
    settings.LEDGER_PAGE_SIZE = 200
    client.force_login(getattr(org, role))
    _fill(org, 10, 0)
    ten = _count(client, url)
    _fill(org, 90, 10)
    hundred = _count(client, url)
    assert hundred == ten
    with django_assert_max_num_queries(12):
        client.get(url)
