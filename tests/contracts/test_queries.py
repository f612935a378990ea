"""The contract lists, the 5-14/5-15 lists and the inbox read a constant number of
queries: the same for 10 rows as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract, ReviewRound
from contracts.services.contracts import contract_submit
from tests.contracts.helpers import make_contract
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def fill(org, n):
    customer = CustomerFactory(owner=org.sales1)
    for _ in range(n):
        contract = make_contract(org.sales1, customer=customer)
        contract_submit(contract=contract, actor=org.sales1)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("/contracts/", "sales1"),
    ("/contracts/", "production1"),
    ("/contracts/?status=in_review&sort=customer", "assistant1"),
    ("/forms/5-14/", "manager1"),
    ("/forms/5-14/", "quality1"),
    ("/inbox/", "manager1"),
    ("/inbox/", "purchasing1"),
    ("/inbox/", "assistant1"),
]


@pytest.mark.parametrize("url, role", PAGES)
def test_list_queries_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries, url, role
):
    settings.LEDGER_PAGE_SIZE = 100
    client.force_login(getattr(org, role))
    fill(org, 10)
    ten = count(client, url)
    fill(org, 90)
    assert ReviewRound.objects.count() == 100 and Contract.objects.count() == 100
    hundred = count(client, url)
    assert hundred == ten
    with django_assert_max_num_queries(30):
        client.get(url)
