"""表5-11 from known data, to the cent; 5-6, 5-12 and 5-13 list the shipments; every
printed and exported face carries its paper labels."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from sales.models import ProductCost
from sales.services.costs import allocation_save, expense_save
from sales.services.orders import adjustment_record, invoice_record, receipt_record
from tests.factories import ProductFactory
from tests.formcheck import missing_labels
from tests.sales.orders_helpers import make_order, ship

pytestmark = pytest.mark.django_db
D = Decimal
NOV = datetime.date(2026, 11, 1)


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def november(org):
    """sales1 and sales3's November, with facts just outside it (Oct 31, Dec 1)."""
    p1, p2 = ProductFactory(), ProductFactory()
    ProductCost.objects.create(product=p1, effective_on=datetime.date(2026, 1, 1), unit_cost=D("8"))
    ProductCost.objects.create(
        product=p2, effective_on=datetime.date(2026, 1, 1), unit_cost=D("70")
    )
    ProductCost.objects.create(
        product=p2, effective_on=datetime.date(2026, 11, 15), unit_cost=D("75")
    )
    s1 = org.sales1
    order = make_order(s1, lines=[(p1, "10", "12.50"), (p2, "4", "100.00")], confirm=True)
    ship(s1, order, {0: "10", 1: "1"}, shipped_on=datetime.date(2026, 11, 10))  # 225, cost 150
    ship(s1, order, {1: "2"}, shipped_on=datetime.date(2026, 11, 20))  # 200, cost 150
    ship(s1, order, {1: "1"}, shipped_on=datetime.date(2026, 12, 1))  # December
    for kind, day, amount in [
        ("return", 21, "15.50"),
        ("allowance", 22, "9.99"),
        ("write_off", 23, "0.51"),
    ]:
        adjustment_record(
            actor=s1,
            order=order,
            kind=kind,
            occurred_on=datetime.date(2026, 11, day),
            amount=amount,
        )
    adjustment_record(
        actor=s1,
        order=order,
        kind="allowance",
        occurred_on=datetime.date(2026, 10, 31),
        amount="5",
    )
    receipt_record(actor=s1, order=order, received_on=datetime.date(2026, 11, 25), amount="150")
    receipt_record(actor=s1, order=order, received_on=datetime.date(2026, 12, 1), amount="10")
    invoice_record(
        actor=s1, order=order, number="FP-1", issued_on=datetime.date(2026, 11, 20), amount="425"
    )
    expense_save(
        actor=org.manager1, salesperson=s1, month=NOV, salary="50", travel="12.34", other="0.66"
    )
    allocation_save(actor=org.manager1, salesperson=s1, month=NOV, amount="11.11")
    expense_save(actor=org.manager1, salesperson=s1, month=datetime.date(2026, 10, 1), salary="999")
    s3 = org.sales3
    other = make_order(s3, lines=[(p1, "3", "33.33")], confirm=True)
    ship(s3, other, {0: "3"}, shipped_on=datetime.date(2026, 11, 2))
    receipt_record(actor=s3, order=other, received_on=datetime.date(2026, 11, 30), amount="99.99")
    return order


SALES1 = {
    "sales": D("425.00"),
    "returns": D("15.50"),
    "allowances": D("9.99"),
    "losses": D("0.51"),
    "net": D("399.00"),
    "cost": D("300.00"),
    "gross": D("99.00"),
    "salary": D("50.00"),
    "travel": D("12.34"),
    "other": D("0.66"),
    "expenses": D("63.00"),
    "share": D("11.11"),
    "profit": D("24.89"),
    "receivable": D("399.00"),
    "received": D("150.00"),
    "outstanding": D("249.00"),
}
SALES3 = {
    **dict.fromkeys(SALES1, D("0.00")),
    "sales": D("99.99"),
    "net": D("99.99"),
    "cost": D("24.00"),  # 3 × 8.00
    "gross": D("75.99"),
    "profit": D("75.99"),
    "receivable": D("99.99"),
    "received": D("99.99"),
}
TOTALS = {k: SALES1[k] + SALES3[k] for k in SALES1}


def test_5_11_matches_the_hand_computed_month(org, november, client):
    client.force_login(org.admin)
    response = client.get("/registers/5-11/?period=2026-11")
    rows = {r["username"]: r for r in response.context["query"].queryset}
    assert sorted(rows) == ["manager1", "manager2", "sales1", "sales2", "sales3"]
    assert {k: rows["sales1"][k] for k in SALES1} == SALES1
    assert {k: rows["sales3"][k] for k in SALES1} == SALES3
    assert rows["sales2"]["sales"] == 0 and rows["sales2"]["performance"] is None
    assert rows["sales1"]["performance"].quantize(D("0.01")) == D("6.24")  # 24.89 / 399.00
    assert response.context["query"].totals == TOTALS
    assert TOTALS["profit"] == D("100.88") and TOTALS["outstanding"] == D("249.00")


def test_5_11_excel_holds_the_same_numbers_as_numbers(org, november, client):
    client.force_login(org.admin)
    xlsx = _body(client.get("/registers/5-11/export.xlsx?period=2026-11"))
    assert missing_labels("5-11", xlsx, "xlsx") == []
    ws = load_workbook(io.BytesIO(xlsx)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    by_name = {r[0]: r for r in rows if r and r[0] in (org.sales1.full_name or "sales1", "合计")}
    person = by_name[org.sales1.full_name or "sales1"]
    numbers = list(person[1:17])
    assert all(isinstance(v, (int, float)) for v in numbers)
    assert [D(str(v)).quantize(D("0.01")) for v in numbers] == list(SALES1.values())
    totals = next(r for r in rows if r and "合" in str(r[0]) and "计" in str(r[0]))
    assert [D(str(v)).quantize(D("0.01")) for v in totals[1:17]] == list(TOTALS.values())


def test_5_11_shows_each_user_whom_they_may_see(org, november, client):
    for user, expected in [
        (org.sales1, ["sales1"]),
        (org.manager1, ["manager1", "sales1", "sales2"]),
        (org.manager2, ["manager2", "sales3"]),
    ]:
        client.force_login(user)
        response = client.get("/registers/5-11/?period=2026-11")
        assert [r["username"] for r in response.context["query"].queryset] == expected


def test_5_12_lists_the_shipments_with_what_is_owed(org, november, client):
    client.force_login(org.sales1)
    response = client.get("/registers/5-12/?period=2026")
    rows = list(response.context["query"].queryset)
    # Four shipment lines of sales1's order; 160.00 received, paid first shipped first.
    assert [(r["amount"], r["paid_amount"], r["owed"]) for r in rows] == [
        (D("125.00"), D("125.00"), D("0.00")),
        (D("100.00"), D("35.00"), D("65.00")),
        (D("200.00"), D("0.00"), D("200.00")),
        (D("100.00"), D("0.00"), D("100.00")),
    ]
    assert response.context["query"].totals["owed"] == D("365.00")
    assert rows[0]["shipment__order__invoice_numbers"] == "FP-1"
    for code, year in (("5-6", ""), ("5-13", "?period=2026")):
        response = client.get(f"/registers/{code}/{year}")
        assert response.context["query"].count() == 4, code


@pytest.mark.parametrize(
    ("code", "query"),
    [("5-6", ""), ("5-11", "?period=2026-11"), ("5-12", "?period=2026"), ("5-13", "?period=2026")],
)
def test_registers_print_and_export_their_paper_labels(org, november, client, code, query):
    client.force_login(org.admin)
    pdf = _body(client.get(f"/registers/{code}/print.pdf{query}"))
    assert missing_labels(code, pdf, "pdf") == []
    xlsx = _body(client.get(f"/registers/{code}/export.xlsx{query}"))
    assert missing_labels(code, xlsx, "xlsx") == []


def test_order_documents_print_their_labels_lines_and_total(org, client):
    order = make_order(org.sales1, export=True)
    client.force_login(org.sales1)
    pdf = _body(client.get(f"/forms/5-8/{order.pk}.pdf"))
    assert missing_labels("5-8", pdf, "pdf") == []
    from tests.ledger.pdf_reading import reading_text as pdf_text

    text = pdf_text(pdf)
    assert order.number in text and "525.00" in text and "125.00" in text
    pdf = _body(client.get(f"/forms/5-9/{order.pk}.pdf"))
    assert missing_labels("5-9", pdf, "pdf") == []
    assert "LC-2026-88" in pdf_text(pdf)


def test_5_12_excel_writes_each_rows_money_as_formatted_numbers(org, november, client):
    # Every money cell of a column is written through one styled cell given each row's
    # value in turn (ledger.engine.excel): each row keeps its own value and the format.
    client.force_login(org.sales1)
    ws = load_workbook(io.BytesIO(_body(client.get("/registers/5-12/export.xlsx?period=2026"))))
    ws = ws.active
    header = next(r for r in ws.iter_rows() if r[0].value == "日期")
    at = {cell.value: cell.column - 1 for cell in header}
    rows = [r for r in ws.iter_rows() if isinstance(r[0].value, datetime.datetime)]
    money = [(r[at["金额"]], r[at["已付货款"]], r[at["欠款"]]) for r in rows]
    assert [tuple(D(str(c.value)) for c in cells) for cells in money] == [
        (D("125"), D("125"), D("0")),
        (D("100"), D("35"), D("65")),
        (D("200"), D("0"), D("200")),
        (D("100"), D("0"), D("100")),
    ]
    for cells in money:
        for cell in cells:
            assert cell.data_type == "n" and cell.number_format == "#,##0.00"
            assert cell.alignment.horizontal == "right" and cell.alignment.indent == 1
    quantities = [r[at["数量"]] for r in rows]
    assert [c.number_format for c in quantities] == ["#,##0.##"] * 4
    assert all(r[at["客户名称"]].data_type == "s" for r in rows)
    total = next(r for r in ws.iter_rows() if r[0].value == "合计")
    assert [D(str(total[at[k]].value)) for k in ("金额", "已付货款", "欠款")] == [
        D("525"),
        D("160"),
        D("365"),
    ]
