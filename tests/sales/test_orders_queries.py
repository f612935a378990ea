"""The order lists make the same number of queries for 10 rows as for 100."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sales.models import ProductCost
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order, ship

# (url, role, whether the list has one row per order)
PAGES = [
    ("/forms/5-8/", "manager1", True),
    ("/forms/5-8/?sort=-owner_name", "admin", True),
    ("/forms/5-9/", "manager1", True),
    ("/registers/5-6/", "manager1", True),
    ("/registers/5-12/?period=2026", "manager1", True),
    ("/registers/5-12/?period=2026&q=产品", "admin", True),
    ("/registers/5-13/?period=2026", "admin", True),
    ("/registers/5-11/?period=2026-11", "admin", False),
    ("/sales/costs/", "admin", False),
]


def _fill(org, n):
    customers = [CustomerFactory(owner=org.sales1), CustomerFactory(owner=org.sales2)]
    for i in range(n):
        product = ProductFactory()
        ProductCost.objects.create(
            product=product, effective_on=datetime.date(2026, 1, 1), unit_cost=1
        )
        owner = customers[i % 2].owner
        order = make_order(
            owner,
            customer=customers[i % 2],
            lines=[(product, "5", "2.00")],
            confirm=True,
            export=True,
        )
        ship(owner, order, {0: "2"})


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url, role, per_order", PAGES)
def test_order_list_queries_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries, url, role, per_order
):
    settings.LEDGER_PAGE_SIZE = 100
    client.force_login(getattr(org, role))
    _fill(org, 10)
    ten = _count(client, url)
    _fill(org, 90)
    response = client.get(url)
    if per_order:
        assert len(response.context["table"].page.object_list) == 100
    hundred = _count(client, url)
    assert hundred == ten
    with django_assert_max_num_queries(14):
        client.get(url)
