"""Paging and the 合计 row of the engine's lists (proven on 表5-3 of
tests/ledger/engine_proof.py): a page found by its keys holds exactly the rows of the same
slice of the whole ordered list, in every sort order; the count comes with the totals in
one query; a total may be computed from the others."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from ledger.engine.columns import total_difference
from ledger.engine.query import _reads
from ledger.models import ServiceRecord
from tests.factories import CustomerFactory, ServiceRecordFactory
from tests.ledger.engine_proof import proof_site

NOV = "2026-11"
CONTENTS = ["一", "一二三", "一二", "一二三四", "一二"]


@pytest.fixture
def records(org):
    customers = [CustomerFactory(owner=org.sales1, name=f"客户{c}") for c in "丙甲乙"]
    for i in range(17):
        ServiceRecordFactory(
            customer=customers[i % 3],
            content=CONTENTS[i % len(CONTENTS)],
            received_on=datetime.date(2026, 11, 1 + i % 4),
        )
    ServiceRecordFactory(customer=customers[0], received_on=datetime.date(2026, 12, 1))
    with proof_site():
        yield


def _pages(client, query: str) -> tuple[list[int], list[int]]:
    """(the pks page after page, the pks of the whole list in its order)."""
    seen, page, whole = [], 1, None
    while True:
        response = client.get(f"/registers/5-3/?period={NOV}&{query}&page={page}")
        assert response.status_code == 200
        table = response.context["table"]
        seen += [row["pk"] for row in table.page.object_list.data]
        if whole is None:
            whole = [row["pk"] for row in response.context["query"].queryset]
        if not table.page.has_next():
            return seen, whole
        page += 1


@pytest.mark.parametrize(
    "sort", ["", "sort=quantity", "sort=-quantity", "sort=customer__name", "sort=-received_on"]
)
def test_pages_found_by_their_keys_are_the_slices_of_the_whole_list(
    org, client, settings, records, sort
):
    settings.LEDGER_PAGE_SIZE = 5
    client.force_login(org.admin)
    seen, whole = _pages(client, sort)
    assert len(whole) == 17
    assert seen == whole


def test_a_sorted_page_is_in_the_sorted_order(org, client, settings, records):
    settings.LEDGER_PAGE_SIZE = 5
    client.force_login(org.admin)
    response = client.get(f"/registers/5-3/?period={NOV}&sort=-quantity&page=2")
    rows = list(response.context["table"].page.object_list.data)
    quantities = [row["quantity"] for row in rows]
    assert quantities == sorted(quantities, reverse=True)
    # Page 1 holds the three 4,000s and two 3,000s; page 2 goes on from there.
    assert quantities == [3000, 3000, 2000, 2000, 2000]


def test_the_numbering_goes_on_across_pages(org, client, settings, records):
    settings.LEDGER_PAGE_SIZE = 5
    client.force_login(org.admin)
    html = client.get(f"/registers/5-3/?period={NOV}&page=2").content.decode()
    assert '<td class="k-seq">6</td>' in html
    assert '<td class="k-seq">10</td>' in html
    assert '<td class="k-seq">5</td>' not in html


def test_the_count_comes_with_the_totals_in_one_query(org, client, settings, records):
    settings.LEDGER_PAGE_SIZE = 5
    client.force_login(org.admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/registers/5-3/?period={NOV}&page=3")
    assert response.context["table"].paginator.count == 17
    expected = sum(1000 * len(CONTENTS[i % len(CONTENTS)]) for i in range(17))
    assert response.context["query"].totals == {"quantity": expected}
    table = ServiceRecord._meta.db_table
    sqls = [q["sql"] for q in ctx.captured_queries]
    counting = [sql for sql in sqls if "COUNT(" in sql and table in sql]
    assert len(counting) == 1
    assert "SUM(" in counting[0]


def test_filters_and_a_deep_page_agree_with_the_count(org, client, settings, records):
    settings.LEDGER_PAGE_SIZE = 3
    client.force_login(org.admin)
    response = client.get(f"/registers/5-3/?period={NOV}&quantity_min=2000&page=4")
    table = response.context["table"]
    # 17 November records, every fifth of them "一" (1,000): 13 of at least 2,000.
    assert table.paginator.count == 13
    assert table.page.number == 4
    assert [row["quantity"] >= 2000 for row in table.page.object_list.data] == [True, True, True]


def test_a_total_may_be_computed_from_the_other_totals():
    owed = total_difference("amount", "paid_amount")
    assert owed({"amount": Decimal("10.50"), "paid_amount": Decimal("0.25")}) == Decimal("10.25")
    assert owed({"amount": None, "paid_amount": None}) is None


def test_the_key_query_reads_only_what_resolves_before_annotations(db):
    queryset = ServiceRecord.objects.all()
    assert _reads(queryset, "pk")
    assert _reads(queryset, "customer__name")
    assert not _reads(queryset, "salesperson")
    assert _reads(queryset.annotate(salesperson=Count("pk")), "salesperson")


def test_a_value_added_by_the_selector_itself_is_still_read(org, client, settings, records):
    # A register whose base_queryset annotates a value a column shows: its pages' rows are
    # read through the whole query (the keys' shortcut cannot rebuild that value).
    from django.db.models.functions import Upper

    from ledger.engine import Column
    from tests.ledger.engine_proof import MonthPlan

    class SelectorAnnotated(MonthPlan):
        columns = (*MonthPlan.columns, Column("客户代号", "customer_upper", width=10))

        def base_queryset(self, context):
            return super().base_queryset(context).annotate(customer_upper=Upper("customer__name"))

    settings.LEDGER_PAGE_SIZE = 5
    client.force_login(org.admin)
    with proof_site(SelectorAnnotated):
        seen, whole = _pages(client, "sort=customer__name")
        response = client.get(f"/registers/5-3/?period={NOV}&page=2")
    assert seen == whole and len(whole) == 17
    names = [row["customer_upper"] for row in response.context["table"].page.object_list.data]
    assert names == [
        row["customer__name"].upper() for row in response.context["table"].page.object_list.data
    ]
