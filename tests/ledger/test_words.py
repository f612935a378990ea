"""Words on the pages: 全部 in filters, search boxes that say what they search, labels that
fit the record, no stray spaces around names."""

import re

import pytest

from ledger.models import ServiceKind
from tests.factories import CustomerFactory, ServiceRecordFactory
from tests.test_i18n import PO, parse_po

LISTS = [
    "/registers/customers/?scope=public",
    "/registers/customers/?scope=personal",
    "/registers/service/",
    "/registers/5-7/",
]


def filter_form(page):
    return re.search(r'<form method="get" class="filters".*?</form>', page, flags=re.S).group(0)


@pytest.mark.parametrize("url", LISTS)
def test_every_filter_choice_list_starts_with_all(org, client, url):
    client.force_login(org.manager1)
    page = client.get(url).content.decode()
    form = filter_form(page)
    selects = re.findall(r"<select[^>]*>.*?</select>", form, flags=re.S)
    assert selects
    first_options = [re.search(r"<option[^>]*>(.*?)</option>", s).group(1) for s in selects]
    assert first_options == ["全部"] * len(selects)
    assert "---------" not in page


@pytest.mark.parametrize(
    "url, placeholder",
    [
        ("/registers/customers/?scope=public", "客户名称"),
        ("/registers/customers/?scope=personal", "客户名称、客户姓名、电话"),
        ("/registers/service/", "客户名称、客户姓名、内容"),
        ("/registers/5-7/", "产品编号、名称、规格"),
    ],
)
def test_the_search_box_says_what_it_searches(org, client, url, placeholder):
    client.force_login(org.sales1)
    form = filter_form(client.get(url).content.decode())
    assert re.search(r'<input type="search" name="q" placeholder="([^"]*)"', form).group(1) == (
        placeholder
    )


@pytest.mark.parametrize(
    "kind, label",
    [
        (ServiceKind.CONSULTATION, "咨询内容"),
        (ServiceKind.COMPLAINT, "投诉内容"),
        (ServiceKind.SUGGESTION, "建议内容"),
    ],
)
def test_the_content_label_fits_the_kind_of_service_record(org, client, kind, label):
    customer = CustomerFactory(owner=org.sales1)
    record = ServiceRecordFactory(customer=customer, kind=kind, handler=org.sales1)
    client.force_login(org.sales1)
    page = client.get(f"/service/{record.pk}/edit/").content.decode()
    assert f'<label for="id_content">{label}</label>' in page
    # The customer's page labels the row the same way (the card layout on phones).
    detail = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'data-label="{label}"' in detail
    # A form sent back with an error keeps the label of the kind chosen.
    page = client.post(
        f"/customers/{customer.pk}/service/new/", {"kind": kind, "content": ""}
    ).content.decode()
    assert f'<label for="id_content">{label}</label>' in page


def test_the_kind_select_carries_every_label_for_the_script(org, client):
    customer = CustomerFactory(owner=org.sales1)
    client.force_login(org.sales1)
    page = client.get(f"/customers/{customer.pk}/service/new/").content.decode()
    assert "data-content-labels=" in page and "js/service-kind.js" in page
    for label in ("咨询内容", "投诉内容", "建议内容"):
        assert label in page


NAME_PLACEHOLDERS = ("who", "old", "new", "name", "owner", "user")


def test_no_space_around_names_in_chinese_messages():
    """Names sit directly in Chinese text ("此记录已被 张三 于" shows stray spaces)."""
    spaced = []
    for (_context, msgid), (msgstr, _fuzzy, _obsolete) in parse_po(PO).items():
        for name in NAME_PLACEHOLDERS:
            if re.search(rf"[\u4e00-\u9fff] %\({name}\)s|%\({name}\)s [\u4e00-\u9fff]", msgstr):
                spaced.append(msgid)
    assert spaced == []


def test_the_header_has_no_stray_spaces(org, client):
    client.force_login(org.sales1)
    page = client.get("/").content.decode()
    who = re.search(r'<span class="who"[^>]*>(.*?)</span>', page, flags=re.S).group(1)
    assert who == f"{org.sales1} · 销售人员 · 销售一部"
