"""The engine's shapes, proven on test-only declarations (tests/ledger/engine_proof.py):
表5-11 (aggregate, totals, two groups), 表5-27 (two rows per entity, months 1 … 12) and
表5-3 (month period) — each printed and exported with the labels of forms.json, at a
constant number of queries."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
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
    assert body[0][0]["text"] == "客户00"
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


# --- periods -----------------------------------------------------------------------------------
def test_periods_parse_default_and_step():
    from ledger.engine.periods import PeriodKind, default_period, parse_period

    month = parse_period(PeriodKind.MONTH, "2026-12")
    assert (month.first, month.following) == (datetime.date(2026, 12, 1), datetime.date(2027, 1, 1))
    assert (month.previous().value, month.next().value) == ("2026-11", "2027-01")
    assert month.label == "2026年12月"
    week = parse_period(PeriodKind.WEEK, "2026-W01")
    assert week.first == datetime.date(2025, 12, 29)  # ISO week 1 starts in December
    assert week.previous().value == "2025-W52" and week.next().value == "2026-W02"
    year = parse_period(PeriodKind.YEAR, "2026")
    assert year.header_value("年度") == "2026年" and year.next().value == "2027"
    day = parse_period(PeriodKind.DAY, "2024-02-29")
    assert day.next().value == "2024-03-01"
    for kind, bad in [
        (PeriodKind.MONTH, "2026-13"),
        (PeriodKind.MONTH, "abc"),
        (PeriodKind.WEEK, "2026-W54"),
        (PeriodKind.DAY, "2026-02-30"),
        (PeriodKind.YEAR, "0001"),
    ]:
        assert parse_period(kind, bad) is None
    today = timezone.localdate()
    assert default_period(PeriodKind.MONTH).first == today.replace(day=1)
    assert default_period(PeriodKind.WEEK).first.weekday() == 0
    assert default_period(PeriodKind.DAY).first == today
    assert default_period(PeriodKind.NONE) is None


def test_month_register_defaults_to_this_month_with_prev_next_links(org, client, proofs):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    customer = CustomerFactory(owner=org.sales1)
    ServiceRecordFactory(customer=customer, received_on=today, content="本月")
    ServiceRecordFactory(customer=customer, received_on=last_month, content="上月上月")
    client.force_login(org.admin)
    response = _get(client, "/registers/5-3/")
    assert [r["quantity"] for r in response.context["query"].queryset] == [2000]
    html = response.content.decode()
    assert f'value="{today:%Y-%m}"' in html
    assert f"period={last_month:%Y-%m}" in html  # the previous month's link
    previous = _get(client, f"/registers/5-3/?period={last_month:%Y-%m}")
    assert [r["quantity"] for r in previous.context["query"].queryset] == [4000]
    # An unreadable period shows the current one, never an error.
    assert _get(client, "/registers/5-3/?period=2026-99").context["query"].context.period.value == (
        f"{today:%Y-%m}"
    )


def test_period_fills_the_header_and_the_coverage_line(org, client, proofs):
    ServiceRecordFactory(customer=CustomerFactory(owner=org.sales1))
    client.force_login(org.admin)
    text = pdf_text(_body(_get(client, f"/registers/5-3/print.pdf?period={NOV}&quantity_min=1")))
    assert "年月：2026年11月" in text.replace(" ", "")
    assert "统计期间：2026年11月" in text
    assert "数量不少于：1" in text
    ws = load_workbook(io.BytesIO(_body(_get(client, f"/registers/5-3/export.xlsx?period={NOV}"))))
    values = [c.value for row in ws.active.iter_rows(max_row=5) for c in row if c.value]
    assert "年月：2026年11月" in values
    assert any(str(v).startswith("统计期间：2026年11月") for v in values)


def test_monthly_workbook_uses_each_registers_period(org, client, proofs):
    customer = CustomerFactory(owner=org.sales1, name="乙公司")
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 11, 2), content="一")
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 10, 2), content="一二")
    client.force_login(org.admin)
    wb = load_workbook(io.BytesIO(_body(_get(client, f"/registers/monthly.xlsx?month={NOV}"))))
    plan = wb["表5-3 月份销售计划"]
    assert plan["A1"].value == "月份销售计划（2026年11月）"
    quantities = [row[5].value for row in plan.iter_rows() if isinstance(row[0].value, int)]
    assert quantities == [1000]
    visits = wb["表5-27 客户访问月计划表"]
    assert visits["A1"].value == "客户访问月计划表（2026年）"
    products = wb["表5-7 产品记录表"]
    assert products["A1"].value.startswith("产品记录表（截至 ")
    cover = wb["目录"]
    assert cover["A1"].value == "客户管理台账 2026年11月"
    assert all(cover.column_dimensions[c].width >= 10 for c in "ABCD")
    scopes = {row[1].value: row[2].value for row in cover.iter_rows(min_row=5)}
    assert scopes["月份销售计划"] == "2026年11月"
    assert scopes["客户访问月计划表"] == "2026年"
    assert scopes["产品记录表"].startswith("截至 ")


# --- Excel: cleaning, numbers, autofilter -----------------------------------------------------
FORMULAS = [
    '\x01=HYPERLINK("http://evil.example","点")',
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\x02\x03+cmd",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_no_formula_ever_comes_from_user_text(org, client, value):
    from ledger.engine.excel import excel_text

    text, neutralise = excel_text(value)
    assert neutralise and not any(ch in text for ch in "\x01\x02\x03")
    CustomerFactory(owner=org.sales1, name=value, risk_warning=value)
    ServiceRecordFactory(
        customer=CustomerFactory(owner=org.sales1),
        content=value,
        received_on=datetime.date(2026, 11, 5),
    )
    client.force_login(org.admin)
    for url in [
        "/registers/customers/export.xlsx?scope=personal",
        "/registers/service/export.xlsx",
        f"/registers/monthly.xlsx?month={NOV}",
    ]:
        wb = load_workbook(io.BytesIO(_body(_get(client, url))))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], url
        mine = [c for c in cells if c.value == text]
        assert mine, url
        assert all(c.data_type == "s" and c.quotePrefix for c in mine), url


def test_excel_cells_are_capped_at_excel_limit():
    from openpyxl import Workbook

    from ledger.engine.excel import EXCEL_CELL_MAX, excel_text, safe_row

    text, neutralise = excel_text("长" * 40000)
    assert len(text) == EXCEL_CELL_MAX == 32767 and not neutralise
    ws = Workbook(write_only=True).create_sheet()
    cell = safe_row(ws, ["\x01=1+1" + "长" * 40000])[0]
    assert len(cell.value) == 32767 and cell.data_type == "s" and cell.value.startswith("=1+1")


def test_excel_numbers_are_typed_with_their_formats_and_an_autofilter(org, client):
    from tests.factories import ProductFactory

    ProductFactory(normal_margin=Decimal("12.5"), historical_sales=Decimal("1234567"))
    client.force_login(org.admin)
    ws = load_workbook(io.BytesIO(_body(_get(client, "/registers/5-7/export.xlsx")))).active
    row = next(r for r in ws.iter_rows() if str(r[0].value).startswith("CP-"))
    margin, sales, wholesale = row[7], row[8], row[4]
    assert margin.value == pytest.approx(0.125) and margin.number_format == "0.00%"
    assert sales.value == 1234567 and sales.number_format == "#,##0.##"
    assert wholesale.number_format == "#,##0.00" and wholesale.alignment.indent >= 1
    header_last = row[0].row - 1
    assert ws.auto_filter.ref == f"A{header_last}:J{row[0].row}"


def test_numbers_have_thousands_separators_on_screen_and_in_pdf(org, client):
    from tests.factories import ProductFactory

    ProductFactory(historical_sales=Decimal("1234567"))
    client.force_login(org.admin)
    assert "1,234,567" in _get(client, "/registers/5-7/").content.decode()
    assert "1,234,567" in pdf_text(_body(_get(client, "/registers/5-7/print.pdf")))


# --- headers as on paper ---------------------------------------------------------------------
def test_product_register_prints_the_paper_header(org, client):
    """表5-7: plain columns over both header rows, 单价 merged over 批发 | 零售, the 编号
    filled in, the coverage line with the active filter."""
    from tests.factories import ProductFactory

    ProductFactory.create_batch(3)
    client.force_login(org.admin)
    xlsx = _body(_get(client, "/registers/5-7/export.xlsx?is_active=true"))
    pdf = _body(_get(client, "/registers/5-7/print.pdf?is_active=true"))
    _keep("5-7.pdf", pdf)
    _keep("5-7.xlsx", xlsx)
    assert missing_labels("5-7", pdf, "pdf") == []
    assert missing_labels("5-7", xlsx, "xlsx") == []
    ws = load_workbook(io.BytesIO(xlsx)).active
    header = next(r[0].row for r in ws.iter_rows() if r[0].value == "产品编号")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{header}:A{header + 1}" in merged  # 产品编号 spans both rows
    assert f"E{header}:F{header}" in merged  # 单价 over 批发 | 零售
    assert f"G{header}:G{header + 1}" in merged  # 包装方式: no staircase
    assert (ws[f"E{header + 1}"].value, ws[f"F{header + 1}"].value) == ("批发", "零售")
    assert ws[f"A{header}"].alignment.vertical == "center"
    text = pdf_text(pdf)
    assert "编号：5-7-" in text.replace(" ", "")
    assert ("筛选条件：" in text and "在用" in text) or "In use" not in text


def test_wide_report_keeps_every_label_on_one_line(org, client, proofs):
    """表5-11's twenty columns in landscape A4: no label broken over two lines."""
    from ledger.catalog import paper_forms
    from tests.formcheck import pdf_boxes

    _fill_sales(org, 2)
    client.force_login(org.admin)
    boxes, _above, _below = pdf_boxes(
        _body(_get(client, f"/registers/5-11/print.pdf?period={NOV}"))
    )
    words = {b.text for b in boxes}
    assert [label for label in paper_forms()["5-11"].columns if label not in words] == []


def test_header_fields_print_what_the_context_knows(org):
    from django.http import QueryDict

    from ledger.engine import HeaderField
    from ledger.engine.base import RegisterContext
    from ledger.engine.periods import PeriodKind, parse_period
    from ledger.engine.shapes import known_value
    from tests.ledger.engine_proof import SalesResults

    register = SalesResults()
    context = RegisterContext(user=org.sales1, params=QueryDict())
    assert known_value("部门名称", register, context) == "销售一部"
    assert known_value("单位名称", register, context) == "市场总部"
    assert known_value("编号", register, context).startswith("5-11-")
    assert known_value("备注", register, context) == ""
    context.period = parse_period(PeriodKind.MONTH, "2026-02")
    assert known_value("年月", register, context) == "2026年2月"
    assert known_value("统计日期", register, context) == "2026-02-01 至 2026-02-28"
    # A declared value wins; a field nobody knows stays a blank to fill in by hand.
    assert (
        HeaderField("年月", value=lambda c: "手填").text(context, known="2026年2月") == "年月：手填"
    )
    assert HeaderField("备注").text(context) == "备注：＿＿＿＿＿＿"


@pytest.mark.parametrize("rows", [40, 41, 42, 43, 44])
def test_signatures_never_stand_alone_on_a_page(org, client, rows):
    from tests.factories import ProductFactory

    ProductFactory.create_batch(rows)
    client.force_login(org.admin)
    pages = pdf_text(_body(_get(client, "/registers/5-7/print.pdf"))).split("\f")
    signed = next(p for p in pages if "复核" in p)
    assert "CP-" in signed  # at least one row of the table goes with the signatures


# --- queries -----------------------------------------------------------------------------------
def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        _body(response)
    return len(ctx.captured_queries)


FACES = ["", "export.xlsx", "print.pdf"]


@pytest.mark.parametrize(
    "code, query", [("5-11", f"?period={NOV}"), ("5-27", "?period=2026"), ("5-3", f"?period={NOV}")]
)
def test_every_face_makes_the_same_queries_for_10_or_100_rows(
    org, client, settings, proofs, code, query
):
    settings.LEDGER_PAGE_SIZE = 100
    client.force_login(org.admin)
    _fill_sales(org, 10)
    ten = [_queries(client, f"/registers/{code}/{face}{query}") for face in FACES]
    _fill_sales(org, 90, month=datetime.date(2026, 11, 4))
    hundred = [_queries(client, f"/registers/{code}/{face}{query}") for face in FACES]
    assert hundred == ten


def test_monthly_workbook_period_of_each_kind():
    from ledger.engine.periods import PeriodKind, period_for_month

    november = datetime.date(2026, 11, 1)
    assert period_for_month(PeriodKind.MONTH, november).value == "2026-11"
    assert period_for_month(PeriodKind.YEAR, november).value == "2026"
    # Week and day registers hold every week or day of the month.
    for kind in (PeriodKind.WEEK, PeriodKind.DAY):
        period = period_for_month(kind, november)
        assert (period.first, period.following) == (november, datetime.date(2026, 12, 1))
    assert period_for_month(PeriodKind.NONE, november) is None
