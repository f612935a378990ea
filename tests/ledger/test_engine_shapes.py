"""The engine's shapes, proven on test-only declarations (tests/ledger/engine_proof.py):
表5-11 (aggregate, totals, two groups), 表5-27 (two rows per entity, months 1 … 12) and
表5-3 (month period) — each printed and exported with the labels of forms.json, at a
constant number of queries."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.db.models import Value
from openpyxl import load_workbook

from ledger.engine import Kind
from ledger.models import ServiceKind
from tests.factories import CustomerFactory, ServiceRecordFactory, UserFactory
from tests.formcheck import missing_labels, pdf_text
from tests.ledger.engine_proof import proof_site

OUT = os.environ.get("LEDGER_PROOF_DIR")  # set to keep the PDFs and sheets for a look

NOV = "2026-11"


@pytest.fixture
def proofs():
    with proof_site():
        yield


def _fill_sales(org, n, *, month=datetime.date(2026, 11, 3)):
    """``n`` salespeople, each handling three service records in ``month``."""
    for i in range(n):
        person = UserFactory(username=f"rep{i:03d}_{month:%m}", full_name=f"业务员{i:03d}")
        customer = CustomerFactory(owner=org.sales1)
        ServiceRecordFactory(customer=customer, handler=person, received_on=month)
        ServiceRecordFactory(
            customer=customer, handler=person, received_on=month, kind=ServiceKind.SUGGESTION
        )
        ServiceRecordFactory(customer=customer, handler=person, received_on=month, result="已处理")


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _keep(name, data):
    if OUT:
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, name), "wb") as handle:
            handle.write(data)


@pytest.mark.parametrize(
    "code, query",
    [("5-11", f"?period={NOV}"), ("5-27", "?period=2026"), ("5-3", f"?period={NOV}")],
)
def test_proof_prints_and_exports_the_paper_form(org, client, proofs, code, query):
    _fill_sales(org, 3)
    client.force_login(org.admin)
    base = f"/registers/{code}/"
    pdf = _body(_get(client, f"{base}print.pdf{query}"))
    xlsx = _body(_get(client, f"{base}export.xlsx{query}"))
    _keep(f"{code}.pdf", pdf)
    _keep(f"{code}.xlsx", xlsx)
    assert missing_labels(code, pdf, "pdf") == []
    assert missing_labels(code, xlsx, "xlsx") == []


# --- computed columns, totals, grouped reports ----------------------------------------------
def test_aggregate_report_is_one_row_per_salesperson_with_database_figures(org, client, proofs):
    _fill_sales(org, 2)
    other = UserFactory(username="rep_oct", full_name="十月业务员")
    ServiceRecordFactory(handler=other, received_on=datetime.date(2026, 10, 31))
    client.force_login(org.admin)
    response = _get(client, f"/registers/5-11/?period={NOV}")
    table = response.context["table"]
    assert table.paginator.count == 2
    rows = list(response.context["query"].queryset)
    assert [r["salesperson"] for r in rows] == ["业务员000", "业务员001"]
    first = rows[0]
    # Three records: 3 × 1000 sales, two complaints (2 × 100), one suggestion (50),
    # 3 × 10 losses.
    assert first["sales"] == Decimal("3000")
    assert first["net"] == Decimal("3000") - 200 - 50 - 30
    assert first["gross"] == first["net"] - 1800
    assert first["expenses"] == Decimal("120")
    assert first["outstanding"] == first["net"] - 1400  # two records without a result
    totals = response.context["query"].totals
    assert totals["sales"] == Decimal("6000")
    assert totals["outstanding"] == 2 * first["outstanding"]
    html = response.content.decode()
    assert '<tr class="totals">' in html and "6,000.00" in html


def test_totals_cover_every_filtered_row_not_the_page(org, client, settings, proofs):
    settings.LEDGER_PAGE_SIZE = 25
    customer = CustomerFactory(owner=org.sales1)
    for _ in range(30):
        ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 11, 5))
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 12, 1))
    client.force_login(org.admin)
    response = _get(client, f"/registers/5-3/?period={NOV}")
    assert len(response.context["table"].page.object_list) == 25
    # 包装破损 is four characters: 4,000 per row, over the 30 rows of November.
    assert response.context["query"].totals == {"quantity": 120000}
    assert "120,000" in response.content.decode()
    xlsx = _body(_get(client, f"/registers/5-3/export.xlsx?period={NOV}"))
    ws = load_workbook(io.BytesIO(xlsx)).active
    total_row = next(r for r in ws.iter_rows() if r[0].value == "合计")
    quantity = total_row[5]
    assert quantity.value == 120000 and quantity.data_type == "n"
    assert quantity.number_format == "#,##0"
    assert "120,000" in pdf_text(_body(_get(client, f"/registers/5-3/print.pdf?period={NOV}")))


def test_grouped_report_pages_count_groups(org, client, settings, proofs):
    settings.LEDGER_PAGE_SIZE = 25
    _fill_sales(org, 27)
    client.force_login(org.admin)
    first = _get(client, f"/registers/5-11/?period={NOV}")
    assert first.context["table"].paginator.count == 27
    assert len(first.context["table"].page.object_list) == 25
    second = _get(client, f"/registers/5-11/?period={NOV}&page=2")
    assert len(second.context["table"].page.object_list) == 2
    names = [r.record["salesperson"] for r in second.context["table"].page.object_list]
    assert names == ["业务员025", "业务员026"]


def test_computed_columns_sort_and_filter_in_the_database(org, client, proofs):
    customer = CustomerFactory(owner=org.sales1)
    for content in ["一", "一二三", "一二"]:
        ServiceRecordFactory(customer=customer, content=content)
    client.force_login(org.admin)
    response = _get(client, f"/registers/5-3/?period={NOV}&sort=-quantity")
    assert [r["quantity"] for r in response.context["query"].queryset] == [3000, 2000, 1000]
    response = _get(client, f"/registers/5-3/?period={NOV}&quantity_min=2000&sort=quantity")
    assert [r["quantity"] for r in response.context["query"].queryset] == [2000, 3000]
    assert response.context["query"].totals == {"quantity": 5000}


def test_column_keys_are_declared_never_hashed():
    from ledger.engine import Column

    with pytest.raises(ValueError, match="needs a name"):
        Column("合计", value=lambda row: 1)
    with pytest.raises(ValueError, match="needs a name"):
        Column("毛利", expr=Value(1))
    assert Column("毛利", expr=Value(1), name="gross").key == "gross"
    assert Column("毛利", "gross_profit").key == "gross_profit"
    assert Column("序号", kind=Kind.SEQ).key == "seq"


# --- row groups and month columns ------------------------------------------------------------
def test_row_group_prints_two_rows_per_customer_and_pages_count_customers(
    org, client, settings, proofs
):
    settings.LEDGER_PAGE_SIZE = 25
    for i in range(27):
        CustomerFactory(owner=org.sales1, name=f"客户{i:02d}")
    client.force_login(org.admin)
    response = _get(client, "/registers/5-27/?period=2026")
    table = response.context["table"]
    assert table.paginator.count == 27
    body = table.body_rows
    assert len(body) == 50
    assert [cell["text"] for cell in body[0]][0] == "客户00"
    assert body[0][3]["text"] == "计划"
    assert body[0][0]["rowspan"] == 2
    # The second printed row holds only what differs: its label and its twelve months.
    assert len(body[1]) == 13 and body[1][0]["text"] == "实际"
    html = response.content.decode()
    # Three shared cells per customer, and the four plain header cells over both rows.
    assert html.count('rowspan="2"') == 25 * 3 + 4


def test_row_group_merges_shared_cells_in_excel_and_counts_visits(org, client, proofs):
    customer = CustomerFactory(owner=org.sales1, name="甲公司")
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 3, 9))
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 3, 19))
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2025, 3, 19))
    client.force_login(org.admin)
    ws = load_workbook(io.BytesIO(_body(_get(client, "/registers/5-27/export.xlsx?period=2026"))))
    ws = ws.active
    plan = next(r for r in ws.iter_rows() if r[3].value == "计划")
    actual = ws[plan[0].row + 1]
    assert actual[3].value == "实际"
    assert plan[0].value == "甲公司"
    merged = {str(r) for r in ws.merged_cells.ranges}
    for letter in "ABC":
        assert f"{letter}{plan[0].row}:{letter}{plan[0].row + 1}" in merged
    assert [c.value for c in plan[4:16]] == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]
    assert [c.value for c in actual[4:16]] == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_month_columns_are_one_line():
    from ledger.engine.columns import month_columns

    cols = month_columns("计划拜访次数与实际执行情况", "{row}_m{month}", name="m")
    assert [c.label for c in cols] == [str(m) for m in range(1, 13)]
    assert {c.group for c in cols} == {"计划拜访次数与实际执行情况"}
    assert [c.key for c in cols][:2] == ["m1", "m2"]
    assert cols[0].for_row("plan").field == "plan_m1"
