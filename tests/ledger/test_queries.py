"""A list page makes the same number of queries for 10 rows as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.workflow import inbox, transition
from tests.factories import ContactFactory, CustomerFactory, ProductFactory, ServiceRecordFactory
from tests.workflowapp.models import Proposal

PAGES = [
    ("/registers/customers/", "sales1"),
    ("/registers/customers/?scope=personal", "manager1"),
    ("/registers/customers/?scope=personal&sort=-owner_name", "admin"),
    ("/registers/service/", "admin"),
    ("/registers/5-7/", "sales1"),
    ("/forms/customer/", "manager1"),
    ("/forms/customer/?sort=-owner_name&category=regular", "admin"),
]


def _fill(org, n):
    for i in range(n):
        customer = CustomerFactory(owner=org.sales1 if i % 2 else org.sales2)
        ContactFactory(customer=customer)
        ServiceRecordFactory(customer=customer, handler=org.sales1)
        ProductFactory()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url, role", PAGES)
def test_list_queries_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries, url, role
):
    settings.LEDGER_PAGE_SIZE = 100  # all rows on one page
    client.force_login(getattr(org, role))
    _fill(org, 10)
    ten = _count(client, url)
    _fill(org, 90)
    response = client.get(url)
    assert len(response.context["table"].page.object_list) == 100
    hundred = _count(client, url)
    assert hundred == ten
    # The page's own queries, and the badge of 待我处理: one count per inbox provider.
    with django_assert_max_num_queries(7 + len(list(inbox))):
        client.get(url)


def test_inbox_and_count_queries_do_not_grow_with_items(org, client):
    def fill(n):
        for i in range(n):
            owner = org.sales1 if i % 2 else org.sales2
            p = Proposal.objects.create(title=f"申请{i}", owner=owner)
            transition(obj=p, to=Proposal.Status.SUBMITTED, actor=owner)

    client.force_login(org.manager1)
    fill(10)
    page_ten, home_ten = _count(client, "/inbox/"), _count(client, "/")
    inbox.count_for(org.manager1)  # the manager's departments, once per request
    with CaptureQueriesContext(connection) as ctx:
        assert inbox.count_for(org.manager1) == 10
    # At most one per provider (a provider with nothing for the role asks nothing).
    assert len(ctx.captured_queries) <= len(list(inbox))
    fill(90)
    assert _count(client, "/inbox/") == page_ten
    assert _count(client, "/") == home_ten
    response = client.get("/inbox/")
    (section,) = response.context["sections"]
    assert (section.count, len(section.items)) == (100, 50)
    assert "仅显示最早的 50 条（共 100 条）" in response.content.decode()
