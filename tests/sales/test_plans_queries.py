"""The plan lists and the dashboard make the same number of queries for 10 rows as for
100 (the register engine's lists; the dashboard's aggregates)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order, ship
from tests.sales.plan_factories import (
    action_plan,
    annual_plan,
    month_item,
    week_plan,
)

PAGES = [
    ("/forms/5-2/", "manager1"),
    ("/forms/5-2/?sort=-owner_name", "admin"),
    ("/forms/5-2/?year=2005", "gm"),
    ("/forms/5-4/", "sales1"),
    ("/forms/5-5/?sort=-week_start", "manager1"),
    ("/forms/5-10/", "manager1"),
    ("/registers/5-3/?period=2026-11", "sales1"),
    ("/registers/5-3/?period=2026-11&sort=-quantity", "gm"),
]


def _fill(org, start, n):
    product = ProductFactory()
    for i in range(start, start + n):
        owner = org.sales1 if i % 2 else org.sales2
        customer = CustomerFactory(owner=org.sales1)
        annual_plan(owner, year=2000 + i, products=[product])
        action_plan(owner, month=datetime.date(2000 + i, 1, 1), customer=customer, product=product)
        week_plan(
            owner, week_start=datetime.date(2000 + i, 1, 3), customer=customer, product=product
        )
        month_item(org.sales1, customer=customer, product=product)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url, role", PAGES)
def test_plan_lists_queries_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries, url, role
):
    settings.LEDGER_PAGE_SIZE = 100
    client.force_login(getattr(org, role))
    _fill(org, 0, 10)
    ten = _count(client, url)
    _fill(org, 10, 90)
    rows = client.get(url).context["table"].page.object_list
    assert len(rows) >= (1 if "year=" in url else 50)
    assert _count(client, url) == ten
    with django_assert_max_num_queries(14):
        client.get(url)


def test_the_dashboard_costs_the_same_for_more_sales(org, client):
    client.force_login(org.manager1)
    products = [ProductFactory() for _ in range(3)]

    def fill(n):
        for i in range(n):
            order = make_order(
                org.sales1 if i % 2 else org.sales2,
                lines=[(p, "5", "10.00") for p in products],
                confirm=True,
                ordered_on=datetime.date(2026, 1 + i % 12, 1),
            )
            ship(order.owner, order, {0: "5", 1: "2"}, shipped_on=order.ordered_on)

    fill(3)
    few = _count(client, "/sales/dashboard/?year=2026")
    fill(12)
    assert _count(client, "/sales/dashboard/?year=2026") == few
