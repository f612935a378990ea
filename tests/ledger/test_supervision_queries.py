"""The supervision lists make the same number of queries for 10 rows as for 100, and the
access log costs a page one INSERT."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger.models import AccessKind, AccessLog
from ledger.supervision.services import finding_add, review_create
from tests.factories import ContactFactory, CustomerFactory, ServiceRecordFactory

PAGES = [
    ("/supervision/reviews/", "manager1"),
    ("/supervision/reviews/", "sales1"),
    ("/supervision/findings/?status=open", "sales1"),
    ("/supervision/findings/?status=open", "gm"),
    ("/supervision/access/", "admin"),
    ("/supervision/access/?kind=view", "gm"),
    ("/supervision/tidy/", "sales1"),
    ("/supervision/tidy/", "manager1"),
    ("/supervision/due/", "manager1"),
]


def _fill(org, n):
    today = timezone.localdate()
    old = today - datetime.timedelta(days=400)
    for i in range(n):
        owner = org.sales1 if i % 2 else org.sales2
        customer = CustomerFactory(owner=owner, last_contact_on=old)
        ContactFactory(customer=customer)
        record = ServiceRecordFactory(customer=customer, received_on=old)
        review = review_create(
            actor=org.manager1,
            register_code="service",
            period="2026-11",
            checked=f"检查{i}",
            subject=owner,
        )
        finding_add(
            actor=org.manager1,
            review=review,
            description="补充",
            due_on=today,
            record_pk=record.pk,
        )
        for user in (org.sales1, org.manager1):
            AccessLog.objects.create(
                at=timezone.now(),
                day=today,
                user=user,
                kind=AccessKind.VIEW,
                customer=customer,
                target="customers",
            )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url, role", PAGES)
def test_supervision_lists_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries, url, role
):
    settings.LEDGER_PAGE_SIZE = 100
    client.force_login(getattr(org, role))
    _fill(org, 10)
    ten = _count(client, url)
    _fill(org, 90)
    hundred = _count(client, url)
    assert hundred == ten
    # The page's own few queries, the session and user, and the top bar's inbox badge (one
    # count per provider of every family that may have items for the role).
    with django_assert_max_num_queries(25):
        client.get(url)


def test_the_log_costs_a_customer_page_one_insert(org, client):
    customer = CustomerFactory(owner=org.sales1)
    client.force_login(org.sales1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/customers/{customer.pk}/").status_code == 200
    log_queries = [q["sql"] for q in ctx.captured_queries if "ledger_accesslog" in q["sql"]]
    inserts = [q for q in log_queries if q.lstrip().upper().startswith("INSERT")]
    # One INSERT; the one read is the "looked at by managers" box, not the logging.
    assert len(inserts) == 1
    assert len(log_queries) == 2


def test_a_register_export_logs_with_one_insert_and_no_read(org, client):
    CustomerFactory(owner=org.sales1)
    client.force_login(org.sales1)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/registers/customers/export.xlsx?scope=personal")
        b"".join(response.streaming_content)
    log_queries = [q["sql"] for q in ctx.captured_queries if "ledger_accesslog" in q["sql"]]
    assert len(log_queries) == 1 and log_queries[0].lstrip().upper().startswith("INSERT")
