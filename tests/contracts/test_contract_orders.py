"""What the sales orders placed under a contract bring to it: 表5-18 实际交货日期 (the latest
shipment), 表5-21 货款回收记录 (what was received, on the contract's first line), the
contract's page listing its orders — each in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import ContractStatus
from sales.services.orders import receipt_record
from tests.contracts.records_state import make_contract
from tests.contracts.test_registers_records import rows_of, run_check_form
from tests.sales.orders_helpers import make_order, ship

pytestmark = pytest.mark.django_db


def delivered_and_paid(owner, contract, *, shipped_on, received=()):
    """An order of ``contract`` confirmed, shipped in full on ``shipped_on``, and paid
    ``received`` ((date, amount) …)."""
    order = make_order(owner, contract=contract, confirm=True)
    ship(owner, order, {0: "10", 1: "4"}, shipped_on=shipped_on)  # 125 + 400 = 525
    for day, amount in received:
        receipt_record(actor=owner, order=order, received_on=day, amount=Decimal(amount))
    return order


@pytest.fixture
def linked(org):
    """sales1's order contract with two orders (shipped 11-10 and 11-20, paid 300 on
    11-21 and 200 on 11-25), another with an order not yet shipped nor paid, and one with
    no order at all."""
    two = make_contract(org.sales1, kind="order", lines=2, name="两单订货合同")
    delivered_and_paid(
        org.sales1,
        two,
        shipped_on=datetime.date(2026, 11, 20),
        received=[(datetime.date(2026, 11, 21), "300")],
    )
    delivered_and_paid(
        org.sales1,
        two,
        shipped_on=datetime.date(2026, 11, 10),
        received=[(datetime.date(2026, 11, 25), "200")],
    )
    waiting = make_contract(org.sales1, kind="order", name="待交货订货合同")
    make_order(org.sales1, contract=waiting, confirm=True)
    alone = make_contract(org.sales1, kind="order", name="未关联订货合同")
    return {"two": two, "waiting": waiting, "alone": alone}


def by_number(rows, column):
    return {r[column]: r for r in rows if str(r[column]).startswith("HT")}


def test_5_18_shows_the_latest_shipment_of_the_contracts_orders(linked, org, client):
    client.force_login(org.sales1)
    rows = by_number(rows_of(client, "5-18"), 1)
    assert rows[linked["two"].number][8] == datetime.datetime(2026, 11, 20)
    assert rows[linked["waiting"].number][8] is None  # ordered, nothing shipped yet
    assert rows[linked["alone"].number][8] is None  # no order names it
    page = client.get("/registers/5-18/").content.decode()
    assert "2026-11-20" in page and "最近一次出货" in page  # the help text says what it is


def test_5_21_shows_what_was_received_on_the_contracts_first_line(linked, org, client):
    client.force_login(org.sales1)
    rows = [r for r in rows_of(client, "5-21", "?period=2026") if str(r[2]).startswith("HT")]
    records = {}
    for row in rows:
        records.setdefault(row[2], []).append(row[9])
    # Two lines: the record stands on the first one only.
    assert records[linked["two"].number] == ["¥500.00（2026-11-25）", None]
    assert records[linked["waiting"].number] == ["¥0.00"]  # an order, nothing received
    assert records[linked["alone"].number] == [None]
    page = client.get("/registers/5-21/?period=2026").content.decode()
    assert "¥500.00（2026-11-25）" in page


def test_other_contracts_orders_do_not_count(linked, org, client):
    other = make_contract(org.sales1, kind="order", name="别的合同")
    delivered_and_paid(
        org.sales1,
        other,
        shipped_on=datetime.date(2026, 12, 1),
        received=[(datetime.date(2026, 12, 2), "525")],
    )
    make_order(org.sales1, customer=linked["alone"].customer, confirm=True)  # no contract
    client.force_login(org.admin)
    rows = by_number(rows_of(client, "5-18"), 1)
    assert rows[linked["two"].number][8] == datetime.datetime(2026, 11, 20)
    assert rows[other.number][8] == datetime.datetime(2026, 12, 1)
    assert rows[linked["alone"].number][8] is None
    received = {
        r[2]: r[9] for r in rows_of(client, "5-21", "?period=2026") if str(r[2]).startswith("HT")
    }
    assert received[other.number] == "¥525.00（2026-12-02）"
    assert received[linked["alone"].number] is None


@pytest.mark.parametrize("code", ["5-18", "5-21"])
def test_the_filled_columns_print_and_export_with_the_labels_of_the_paper_form(
    linked, org, client, code
):
    client.force_login(org.admin)
    pdf = client.get(f"/registers/{code}/print.pdf?period=2026")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    run_check_form(code, pdf.content, "pdf")
    xlsx = client.get(f"/registers/{code}/export.xlsx?period=2026")
    assert xlsx.status_code == 200
    run_check_form(code, b"".join(xlsx.streaming_content), "xlsx")


def test_the_contract_page_lists_its_orders_and_their_figures(linked, org, client):
    contract = linked["two"]
    orders = list(contract.orders.order_by("ordered_on", "pk"))
    client.force_login(org.sales1)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    for order in orders:
        assert f'<a href="/sales/orders/{order.pk}/">{order.number}</a>' in page
    assert '<span data-testid="contract-delivered">2026-11-20</span>' in page
    assert '<span data-testid="contract-received">¥500.00（2026-11-25）</span>' in page
    empty = client.get(f"/contracts/{linked['alone'].pk}/").content.decode()
    assert "尚无订货单关联本合同。" in empty


def test_the_assistant_sees_the_contracts_figures_but_not_its_orders(linked, org, client):
    """The 销售助理 follows every submitted contract but sees no order: the page counts
    them without naming them."""
    contract = linked["two"]
    client.force_login(org.assistant1)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "另有 2 张订货单不在您的查看范围内。" in page
    assert "/sales/orders/" not in page
    assert '<span data-testid="contract-received">¥500.00（2026-11-25）</span>' in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _fill(org, n):
    for i in range(n):
        contract = make_contract(org.sales1, kind="order", lines=2)
        delivered_and_paid(
            org.sales1,
            contract,
            shipped_on=datetime.date(2026, 11, 1 + i % 20),
            received=[(datetime.date(2026, 11, 25), "100")],
        )


def test_the_registers_and_the_contract_page_keep_their_queries_with_linked_orders(
    org, client, settings, django_assert_max_num_queries
):
    settings.LEDGER_PAGE_SIZE = 100
    contract = make_contract(org.sales1, kind="order", status=ContractStatus.IN_FORCE)
    urls = ["/registers/5-18/", "/registers/5-21/?period=2026", f"/contracts/{contract.pk}/"]
    client.force_login(org.manager1)
    _fill(org, 3)
    delivered_and_paid(org.sales1, contract, shipped_on=datetime.date(2026, 11, 3))
    few = {url: _count(client, url) for url in urls}
    _fill(org, 12)
    for _i in range(4):
        delivered_and_paid(org.sales1, contract, shipped_on=datetime.date(2026, 11, 4))
    for url in urls:
        assert _count(client, url) == few[url], url
    rows = client.get("/registers/5-21/?period=2026").context["table"].page.object_list
    assert len(rows) > 25
    with django_assert_max_num_queries(14):
        client.get("/registers/5-18/")


def test_the_contract_pages_write_amounts_with_thousands_separators(org, client):
    """The contract page, the list and the review page write amounts as the registers do
    (``1,234,567.50``), not as a bare number."""
    from contracts.models import Contract

    contract = make_contract(org.sales1)
    Contract.objects.filter(pk=contract.pk).update(
        amount=Decimal("1234567.50"), net_amount=Decimal("1200000.00")
    )
    client.force_login(org.sales1)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "¥1,234,567.50" in page and "¥1,200,000.00" in page
    assert "1234567.50" not in page
    listing = client.get("/contracts/").content.decode()
    assert "1,234,567.50" in listing
