"""What only PostgreSQL can show: row locks under real concurrency."""

import re
import threading

import pytest
from django.db import connection, connections, transaction

from ledger.models import Customer
from ledger.services.customers import StaleRecordError, customer_update, customers_hand_over
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*targets):
    """Start the callables at the same moment in threads; return their results/exceptions."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def runner(i, target):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_the_tests_run_on_the_postgresql_of_database_url_with_the_apps_options():
    """The server behind the connection is DATABASE_URL's, in its test database, and the
    application's connection options (JIT off, measured in bench/) reach it."""
    import os

    import dj_database_url

    configured = dj_database_url.parse(os.environ["DATABASE_URL"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_setting('jit'), version()")
        database, jit, version = cursor.fetchone()
    # pytest-xdist's workers add a suffix (test_ledger_gw0, …).
    assert re.fullmatch(rf"test_{re.escape(configured['NAME'])}(_gw\d+)?", database), database
    assert jit == "off"
    assert version.startswith("PostgreSQL ")


def test_two_simultaneous_saves_of_the_same_version_leave_one(org):
    customer = CustomerFactory(owner=org.sales1, industry="起始")

    def save_as(user, value):
        def _save():
            fresh = Customer.objects.get(pk=customer.pk)
            return customer_update(
                actor=user, customer=fresh, data={"industry": value}, expected_version=1
            )

        return _save

    results = run_together(save_as(org.sales1, "甲"), save_as(org.manager1, "乙"))
    stale = [r for r in results if isinstance(r, StaleRecordError)]
    saved = [r for r in results if isinstance(r, Customer)]
    assert len(stale) == 1 and len(saved) == 1, results
    customer.refresh_from_db()
    assert customer.version == 2 and customer.industry == saved[0].industry
    assert customer.history.filter(history_type="~").count() == 1


def test_simultaneous_handovers_move_each_customer_once(org):
    CustomerFactory.create_batch(20, owner=org.sales1)
    results = run_together(
        lambda: customers_hand_over(actor=org.manager1, from_user=org.sales1, to_user=org.sales2),
        lambda: customers_hand_over(actor=org.admin, from_user=org.sales1, to_user=org.sales2),
    )
    assert sorted(results) == [0, 20], results
    assert Customer.objects.filter(owner=org.sales2).count() == 20
    # Each customer got exactly one handover entry in its history.
    for customer in Customer.objects.all():
        assert customer.history.filter(history_type="~").count() == 1


def test_a_large_export_streams_with_a_server_side_cursor(org, client, monkeypatch):
    CustomerFactory.create_batch(2500, owner=org.sales1)
    client.force_login(org.admin)
    # Django opens a named (server-side) cursor through chunked_cursor(); count them.
    opened = []
    chunked_cursor = connection.chunked_cursor

    def spy():
        cursor = chunked_cursor()
        opened.append(cursor.cursor.name)
        return cursor

    monkeypatch.setattr(connection, "chunked_cursor", spy)
    response = client.get("/registers/customers/export.xlsx?scope=personal")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert len(opened) == 1 and opened[0], opened
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(body), read_only=True)
    names = [
        row[1]
        for row in wb.active.iter_rows(values_only=True)
        if len(row) > 1 and str(row[1] or "").startswith("测试客户")
    ]
    assert len(names) == 2500


def test_the_search_uses_the_character_pair_index(org):
    from ledger.models import Customer as CustomerModel
    from ledger.search import search_customers

    CustomerFactory(owner=org.sales1, name="杭州恒通电子有限公司")
    CustomerFactory(owner=org.sales1, name="宁波其他公司")
    found = search_customers(CustomerModel.objects.all(), "恒通")
    assert [c.name for c in found] == ["杭州恒通电子有限公司"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = found.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_search_bigram_idx" in plan, plan
