"""The home page's figures come from the cache until a committed write moves the
customers' generation on; then the next request computes them afresh."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger import generations
from ledger.dashboard import home_summary_cached
from ledger.models import DataGeneration, EventKind
from ledger.services.customers import customer_create, customer_event_record
from ledger.services.service_records import service_record_create
from tests.factories import CustomerFactory


@pytest.fixture
def cached(settings):
    settings.LEDGER_HOME_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _aggregates(queries) -> list[str]:
    return [
        q["sql"] for q in queries if 'FROM "ledger_customer"' in q["sql"] and "COUNT(" in q["sql"]
    ]


def test_a_second_visit_reads_the_cache_not_the_customer_table(org, cached):
    CustomerFactory.create_batch(3, owner=org.sales1)
    with CaptureQueriesContext(connection) as first:
        assert home_summary_cached(org.sales1).total == 3
    with CaptureQueriesContext(connection) as second:
        assert home_summary_cached(org.sales1).total == 3
    assert len(_aggregates(first.captured_queries)) >= 1
    assert _aggregates(second.captured_queries) == []
    assert len(second.captured_queries) == 1  # the generation, by primary key


def test_a_new_customer_shows_at_once(org, cached, django_capture_on_commit_callbacks):
    CustomerFactory(owner=org.sales1)
    assert home_summary_cached(org.sales1).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        customer_create(actor=org.sales1, data={"name": "新来的客户有限公司"})
    assert home_summary_cached(org.sales1).total == 2


def test_a_contact_and_a_service_item_show_at_once(org, cached, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    customer = CustomerFactory(owner=org.sales1, last_contact_on=today - datetime.timedelta(99))
    summary = home_summary_cached(org.sales1)
    assert dict(summary.stale)[30] == 1 and summary.open_service == 0
    with django_capture_on_commit_callbacks(execute=True):
        customer_event_record(
            actor=org.sales1,
            customer=customer,
            kind=EventKind.MEETING,
            occurred_on=today,
            title="拜访",
        )
    assert dict(home_summary_cached(org.sales1).stale)[30] == 0
    with django_capture_on_commit_callbacks(execute=True):
        service_record_create(
            actor=org.sales1,
            customer=customer,
            data={
                "kind": "complaint",
                "client_name": "王经理",
                "content": "交货晚了",
                "received_on": today,
            },
        )
    assert home_summary_cached(org.sales1).open_service == 1


def test_people_never_share_figures(org, cached):
    CustomerFactory.create_batch(2, owner=org.sales1)
    CustomerFactory(owner=org.sales3)
    assert home_summary_cached(org.sales1).total == 2
    assert home_summary_cached(org.sales3).total == 1
    assert home_summary_cached(org.manager1).total == 2
    assert home_summary_cached(org.gm).total == 3
    assert home_summary_cached(org.production1) is None
    assert home_summary_cached(org.production1) is None  # cached "no details" stays None


def test_a_new_day_computes_afresh(org, cached):
    customer = CustomerFactory(owner=org.sales1, last_contact_on=timezone.localdate())
    today = timezone.localdate()
    assert dict(home_summary_cached(org.sales1, today=today).stale)[30] == 0
    later = today + datetime.timedelta(days=31)
    assert dict(home_summary_cached(org.sales1, today=later).stale)[30] == 1
    assert customer.pk


def test_a_generation_starts_when_first_bumped(db):
    DataGeneration.objects.all().delete()
    assert generations.current("x") == 0
    generations.bump_now("x")
    generations.bump_now("x")
    assert generations.current("x") == 2


def test_a_rolled_back_write_does_not_bump(org, django_capture_on_commit_callbacks):
    before = generations.current(generations.CUSTOMERS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer_create(actor=org.sales1, data={"name": "只看不存有限公司"})
    assert generations.current(generations.CUSTOMERS) == before
    assert len(callbacks) == 1  # runs only if the write commits
