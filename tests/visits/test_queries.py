"""Every visit list costs the same number of queries for 10 rows as for 100."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ContactFactory, CustomerFactory
from tests.visits.conftest import make_visits

URLS = [
    "/registers/5-27/",
    "/registers/5-28/",
    "/registers/5-30/?period={day}",
    "/forms/5-29/?period={month}",
    "/visits/",
    "/visits/schedules/",
    "/visits/daily/{day}/",
    "/visits/overview/",
]


def grow(org, n, day):
    for i in range(n):
        customer = CustomerFactory(owner=org.sales1, name=f"客户{i:03d}")
        contact = ContactFactory(customer=customer)
        make_visits(org.sales1, customer, contact, day=day, label=f"{i}")


def queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user", ["sales1", "manager1"])
def test_visit_lists_constant_queries(org, login, user, django_assert_max_num_queries):
    day = timezone.localdate() - datetime.timedelta(days=1)
    client = login(getattr(org, user))
    grow(org, 10, day)
    small = {u: queries_for(client, u.format(day=day, month=f"{day:%Y-%m}")) for u in URLS}
    grow(org, 90, day)
    for template in URLS:
        url = template.format(day=day, month=f"{day:%Y-%m}")
        with django_assert_max_num_queries(small[template]):
            assert client.get(url).status_code == 200
