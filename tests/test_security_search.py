"""The 公共台账 reveals nothing it does not show: search, filters and sorting act on
its shared columns (name, category, owner, last contact) in the list, Excel and PDF."""

import datetime

import pytest

from tests.factories import CustomerFactory
from tests.formcheck import pdf_text, xlsx_text

PUBLIC = "/registers/customers/"


@pytest.fixture
def others(sales2, sales3):
    """Two customers of other owners, with details a sales user must not search by."""
    return [
        CustomerFactory(
            name="恒通机械有限公司",
            person_name="王秘密",
            phone="0571-86543210",
            owner=sales2,
            last_contact_on=datetime.date(2026, 1, 5),
        ),
        CustomerFactory(
            name="远景贸易公司",
            person_name="李小红",
            phone="021-55501234",
            owner=sales3,
            credit_rating="C",
            last_contact_on=datetime.date(2026, 3, 1),
        ),
    ]


def _list_names(response):
    return [row["name"] for row in response.context["table"].data]


@pytest.mark.parametrize("q", ["86543210", "6543", "王秘密", "秘密"])
def test_public_search_does_not_match_details(login, sales1, others, q):
    client = login(sales1)
    response = client.get(PUBLIC, {"scope": "public", "q": q})
    assert response.status_code == 200
    assert _list_names(response) == []

    export = client.get(f"{PUBLIC}export.xlsx", {"scope": "public", "q": q})
    assert export.status_code == 200
    text = xlsx_text(b"".join(export.streaming_content))
    assert "恒通" not in text and "远景" not in text

    pdf = client.get(f"{PUBLIC}print.pdf", {"scope": "public", "q": q})
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "恒通" not in text and "远景" not in text


def test_public_search_still_finds_by_name(login, sales1, others):
    response = login(sales1).get(PUBLIC, {"scope": "public", "q": "恒通"})
    assert _list_names(response) == ["恒通机械有限公司"]
    pdf = login(sales1).get(f"{PUBLIC}print.pdf", {"scope": "public", "q": "恒通"})
    assert "恒通机械有限公司" in pdf_text(pdf.content)


def test_personal_search_matches_details_of_own_customers_only(login, sales1, sales2, others):
    mine = CustomerFactory(
        name="自家客户", person_name="王秘密", phone="0571-86543299", owner=sales1
    )
    client = login(sales1)
    assert _list_names(client.get(PUBLIC, {"scope": "personal", "q": "王秘密"})) == [mine.name]
    assert _list_names(client.get(PUBLIC, {"scope": "personal", "q": "865432"})) == [mine.name]
    # The owner sees her own customer's details through the same search.
    response = login(sales2).get(PUBLIC, {"scope": "personal", "q": "86543210"})
    assert _list_names(response) == ["恒通机械有限公司"]


@pytest.mark.parametrize("key", ["phone", "-phone", "person_name", "credit_rating", "address"])
def test_public_sort_by_a_detail_column_is_ignored(login, sales1, others, key):
    response = login(sales1).get(PUBLIC, {"scope": "public", "sort": key})
    assert response.status_code == 200
    assert response.context["query"].sort_keys == []
    # The default order (by name) stands, whatever the hidden column would say.
    assert _list_names(response) == sorted(c.name for c in others)


def test_public_filters_on_details_are_ignored(login, sales1, others):
    response = login(sales1).get(
        PUBLIC, {"scope": "public", "credit_rating": "C", "with_risk": "on"}
    )
    assert sorted(_list_names(response)) == sorted(c.name for c in others)
