"""The document engine and its first document, the customer card (/forms/customer/)."""

import datetime
import io
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ledger.documents import CARD_LIMIT
from ledger.engine import Amount, Checks, Document, Family, RegisterSite, site
from ledger.engine.documents import print_context
from ledger.engine.printing import PRINT_CELL_MAX_CHARS
from ledger.models import Contact, Customer, CustomerEvent, EventKind, ServiceRecord
from tests.factories import ContactFactory, CustomerFactory, EventFactory, ServiceRecordFactory
from tests.formcheck import labels_in_order, pdf_text
from tests.ledger.pdf_reading import reading_text
from tests.ledger.test_limits import _fill

CARD_LABELS = [
    "客户台账",
    "客户名称",
    "负责人",
    "客户基本信息",
    "客户姓名",
    "地址",
    "电话号码",
    "电子邮件",
    "客户类别",
    "客户背景",
    "行业",
    "公司规模",
    "竞争对手",
    "客户风险信息",
    "信用评级",
    "逾期记录",
    "风险预警",
    "联系人信息",
    "重要事件和活动",
    "客户服务信息",
    "记录更新",
]
SHEETS = ["客户信息", "联系人信息", "重要事件和活动", "客户服务信息", "记录更新"]


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def add_events(customer, n):
    CustomerEvent.objects.bulk_create(
        CustomerEvent(
            customer=customer,
            kind=EventKind.MEETING,
            occurred_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            title=f"事件{i:03d}",
        )
        for i in range(n)
    )


@pytest.fixture
def card_customer(org):
    customer = CustomerFactory(
        owner=org.sales1, name="卡片客户", risk_warning="回款偏慢", competitors="甲公司"
    )
    ContactFactory(customer=customer, name="甲联系人")
    ServiceRecordFactory(customer=customer, content='=HYPERLINK("http://x")', handler=org.sales1)
    return customer


def test_the_card_prints_at_its_form_address_and_at_the_old_one(org, login, card_customer):
    client = login(org.sales1)
    for url in (
        f"/forms/customer/{card_customer.pk}.pdf",
        f"/customers/{card_customer.pk}/print.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = reading_text(response.content)
        assert labels_in_order(CARD_LABELS, text) == [], url
        flat = "".join(text.split())
        assert "卡片客户" in flat and "甲联系人" in flat and "回款偏慢" in flat
        assert "仅显示" not in flat


def test_the_card_workbook_has_a_titled_sheet_per_table(org, login, card_customer):
    client = login(org.sales1)
    for url in (
        f"/forms/customer/{card_customer.pk}.xlsx",
        f"/customers/{card_customer.pk}/export.xlsx",
    ):
        wb = workbook(client.get(url))
        assert wb.sheetnames == SHEETS
        info = [c.value for row in wb["客户信息"].iter_rows() for c in row if c.value]
        assert info[0] == "客户台账" and "卡片客户" in info and "回款偏慢" in info
        for name in SHEETS[1:]:
            ws = wb[name]
            assert ws["A1"].value == f"客户台账 · {name}"
            assert ws.freeze_panes == "A3"  # the title and the column header stay in view
            assert ws.column_dimensions["A"].width >= 8
        contacts = wb["联系人信息"]
        assert [c.value for c in contacts[2]] == ["类型", "姓名", "职务", "电话号码", "电子邮件"]
        assert contacts["B3"].value == "甲联系人" and contacts["A3"].value == "主要联系人"
        service = wb["客户服务信息"]
        cell = service["E3"]
        assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


@pytest.mark.parametrize("events, note", [(CARD_LIMIT, None), (CARD_LIMIT + 1, CARD_LIMIT + 1)])
def test_the_card_says_when_it_shows_only_the_latest_entries(
    org, login, card_customer, events, note
):
    add_events(card_customer, events)
    client = login(org.sales1)
    expected = f"仅显示最近 {CARD_LIMIT} 条，共 {note} 条"
    page = client.get(f"/customers/{card_customer.pk}/").content.decode()
    pdf = "".join(pdf_text(client.get(f"/forms/customer/{card_customer.pk}.pdf").content).split())
    sheet = workbook(client.get(f"/forms/customer/{card_customer.pk}.xlsx"))["重要事件和活动"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    titles = [v for v in values if isinstance(v, str) and v.startswith("事件")]
    assert len(titles) == CARD_LIMIT
    assert titles[0] == f"事件{events - 1:03d}"  # the latest first
    if note is None:
        assert "仅显示" not in page and "仅显示" not in pdf
        assert not any(isinstance(v, str) and "仅显示" in v for v in values)
    else:
        assert expected in page
        assert "".join(expected.split()) in pdf
        assert values[-1] == expected


def test_the_card_answers_404_for_a_customer_one_may_not_see(org, login, card_customer):
    for user in (org.sales3, org.manager2, org.assistant1, org.production1):
        client = login(user)
        for suffix in (".pdf", ".xlsx"):
            assert client.get(f"/forms/customer/{card_customer.pk}{suffix}").status_code == 404
    client = login(org.sales1)
    for pk in ("999999", "abc", "²", "1e3"):
        assert client.get(f"/forms/customer/{pk}.pdf").status_code == 404, pk
    assert client.get(f"/forms/nope/{card_customer.pk}.pdf").status_code == 404
    assert client.get("/forms/nope/").status_code == 404


def test_the_list_shows_the_customers_one_may_see_in_detail(org, login):
    CustomerFactory(owner=org.sales1, name="乙客户")
    CustomerFactory(owner=org.sales1, name="甲客户")
    CustomerFactory(owner=org.sales3, name="二部客户")
    response = login(org.sales1).get("/forms/customer/")
    assert response.status_code == 200
    rows = response.context["table"].page.object_list.data
    assert [r["name"] for r in rows] == sorted(["乙客户", "甲客户"])
    body = response.content.decode()
    first = rows[0]["pk"]
    assert f"/forms/customer/{first}.pdf" in body and f"/forms/customer/{first}.xlsx" in body
    assert f'href="/customers/{first}/"' in body  # the name leads to the customer's page
    assert "---------" not in body
    searched = login(org.sales1).get("/forms/customer/", {"q": "乙"})
    assert [r["name"] for r in searched.context["table"].page.object_list.data] == ["乙客户"]
    by_name = login(org.manager1).get("/forms/customer/", {"sort": "-name"})
    assert [r["name"] for r in by_name.context["table"].page.object_list.data] == sorted(
        ["乙客户", "甲客户"], reverse=True
    )
    assert login(org.production1).get("/forms/customer/").status_code == 403
    assert login(org.assistant1).get("/forms/customer/").status_code == 403


def test_a_card_pdf_costs_a_fixed_number_of_queries(org, login, card_customer):
    client = login(org.manager1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/forms/customer/{card_customer.pk}.pdf").status_code == 200
        return len(ctx.captured_queries)

    add_events(card_customer, 5)
    few = count()
    add_events(card_customer, 40)
    ServiceRecordFactory.create_batch(10, customer=card_customer, handler=org.sales2)
    ContactFactory.create_batch(5, customer=card_customer)
    assert count() == few


def test_a_document_registers_in_the_site_once():
    class Twice(Document):
        code = "x-2"
        title = "测试单"
        family = Family.SALES
        model = Customer

    own = RegisterSite()
    own.register(Twice)
    with pytest.raises(ImproperlyConfigured, match="twice"):
        own.register(Twice)
    assert own.get("x-2", kind="document").title == "测试单"
    assert own.get("x-2") is None  # not a register
    assert list(own) == [] and [d.code for d in own.documents()] == ["x-2"]
    # The customer card comes with the ledger app, in the same site as the registers.
    assert site.get("customer", kind="document").kind == "document"


def test_an_amount_prints_in_words_and_figures_and_never_fails():
    assert Amount("合同金额", "v").parts({"v": Decimal("100005.20")}) == (
        "壹拾万零伍元贰角整",
        "¥100,005.20",
    )
    assert Amount("合同金额", "v").parts({"v": Decimal("-1")}) == ("", "¥-1.00")
    assert Amount("合同金额", "v").parts({"v": None}) == ("", "")


def test_a_check_box_line_prints_every_option():
    line = Checks("付款方式", ("预付款", "验收款", ("qa", "质保金")), lambda obj: obj)
    assert line.text({"预付款", "qa"}) == "■预付款　□验收款　■质保金"
    assert line.text(None) == "□预付款　□验收款　□质保金"
    assert line.text("验收款") == "□预付款　■验收款　□质保金"


@pytest.fixture
def maxed_customer(org):
    """A customer whose every text is at its maximum (2,000 characters for the long
    texts), with two contacts, three events and three service records at theirs."""
    customer = CustomerFactory(
        **_fill(Customer, owner=org.sales1, category="key", credit_rating="A")
    )
    for kind in ("primary", "secondary"):
        ContactFactory(customer=customer, **_fill(Contact, kind=kind))
    for day in (1, 2, 3):
        on = datetime.date(2026, 11, day)
        EventFactory(customer=customer, **_fill(CustomerEvent, kind="meeting", occurred_on=on))
        ServiceRecordFactory(
            customer=customer,
            **_fill(ServiceRecord, kind="complaint", received_on=on, handler=org.sales1),
        )
    assert len(customer.risk_warning) == 2000
    return customer


def test_printed_card_cells_are_clipped_as_the_registers_are(org, maxed_customer):
    card = site.get("customer", kind="document")
    rendered = card.render(maxed_customer)
    context = print_context(rendered, user=org.sales1)
    cells = [
        cell["text"]
        for p in context["parts"]
        if p["kind"] == "section"
        for line in p["part"].lines
        for cell in line
    ]
    cells += [
        text
        for p in context["parts"]
        if p["kind"] == "table"
        for row in p["rows"]
        for text, _css in row
    ]
    assert max(len(text) for text in cells) == PRINT_CELL_MAX_CHARS
    assert "宽" * (PRINT_CELL_MAX_CHARS - 1) + "…" in cells  # e.g. 风险预警, 投诉内容
    # The screen and the workbook read the rendered document: the full text stays there.
    risk = next(
        c for s in rendered.sections for line in s.lines for c in line if c["label"] == "风险预警"
    )
    assert len(risk["text"]) == 2000


def test_a_card_with_every_field_at_its_maximum_prints_in_seconds(org, login, maxed_customer):
    client = login(org.sales1)
    cpu = time.process_time()
    response = client.get(f"/forms/customer/{maxed_customer.pk}.pdf")
    cpu = time.process_time() - cpu
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # Unclipped, the texts took over 5 s of processor time here; clipped, about 2 s.
    assert cpu < 4, cpu
    text = "".join(pdf_text(response.content).split())
    # Risk texts, event details, complaints and results: each cut and marked "…".
    assert text.count("宽…") >= 9, text.count("宽…")
    assert "宽" * 1000 not in text
