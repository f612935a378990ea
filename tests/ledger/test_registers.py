"""Every register's declaration, and its Excel and PDF faces."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ledger.catalog import paper_forms
from ledger.engine import site
from ledger.engine.shapes import ROW_LABEL
from tests.factories import CustomerFactory, ProductFactory, ServiceRecordFactory
from tests.formcheck import missing_labels, pdf_text


def _flat_labels(register):
    """The printed column labels, a group label once before its sub-columns (as the start-up
    check reads them; a row group's label column prints in the body, not the header)."""
    labels, previous = [], None
    for col in register.columns:
        if col.field == ROW_LABEL:
            continue
        if col.group and col.group != previous:
            labels.append(col.group)
        labels.append(col.label)
        previous = col.group
    return labels


@pytest.mark.parametrize("register", [r for r in site if r.is_form], ids=lambda r: r.code)
def test_declarations_match_the_paper_form(register):
    form = paper_forms()[register.code]
    assert register.title == form.title
    assert [h.label for h in register.header_fields] == [h.rstrip("：") for h in form.header]
    assert _flat_labels(register) == list(form.columns)
    assert list(register.footer) == list(form.footer)
    assert register.family.value == form.family


def test_every_register_in_the_catalogue_is_a_register_there():
    for register in site:
        if register.is_form:
            assert paper_forms()[register.code].kind == "register"


def _xlsx(response):
    data = b"".join(response.streaming_content)
    return data, load_workbook(io.BytesIO(data))


@pytest.fixture
def products(db):
    return [
        ProductFactory(code="CP-001", name="不锈钢法兰", wholesale_price=Decimal("1234.50")),
        ProductFactory(code="CP-002", name="精密轴承", retail_price=None, remarks="出口型号"),
    ]


def test_57_excel_holds_title_labels_merged_group_and_numbers(login, sales1, products):
    response = login(sales1).get("/registers/5-7/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    data, wb = _xlsx(response)
    assert missing_labels("5-7", data, "xlsx") == []
    ws = wb.active
    assert ws.title == "表5-7 产品记录表"
    assert ws["A1"].value == "产品记录表"
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 单价 sits over 批发 and 零售 (columns E and F) as one merged cell.
    group_cell = next(c for row in ws.iter_rows() for c in row if c.value == "单价")
    assert f"E{group_cell.row}:F{group_cell.row}" in merged
    sub_row = group_cell.row + 1
    assert (ws[f"E{sub_row}"].value, ws[f"F{sub_row}"].value) == ("批发", "零售")
    first = sub_row + 1
    assert ws[f"A{first}"].value == "CP-001"
    assert ws[f"E{first}"].value == pytest.approx(1234.5)
    assert ws[f"E{first}"].data_type == "n"
    assert ws[f"H{first}"].data_type == "n"  # 正常利润率 as a number
    assert ws[f"F{first + 1}"].value is None  # no retail price: an empty cell, not "None"
    # Footer signatures follow the rows.
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert any(str(v).startswith("复核") for v in values)
    assert any(str(v).startswith("填制") for v in values)
    # Printing repeats the header rows.
    assert ws.print_title_rows == f"${group_cell.row}:${sub_row}"


def test_57_pdf_shows_the_form(login, sales1, products):
    response = login(sales1).get("/registers/5-7/print.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert missing_labels("5-7", response.content, "pdf") == []
    text = pdf_text(response.content)
    assert "第1页共1页" in text.replace(" ", "")
    assert "CP-001" in text and "1,234.50" in text


def test_long_register_repeats_the_header_on_every_page(login, admin_user, db):
    ProductFactory.create_batch(70)
    response = login(admin_user).get("/registers/5-7/print.pdf")
    assert response.status_code == 200
    pages = pdf_text(response.content).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "产品编号" in page and "批发" in page
        assert f"第{number}页共{len(pages)}页" in page.replace(" ", "")


def test_excel_keeps_formula_like_text_as_text(login, admin_user, db):
    CustomerFactory(name='=HYPERLINK("http://evil.example","点击")', owner=admin_user)
    CustomerFactory(name="+86 公司", owner=admin_user)
    CustomerFactory(name="@SUM(A1)", owner=admin_user)
    CustomerFactory(name="-1+2 公司", owner=admin_user)
    CustomerFactory(name="控制\x01字符\x1f公司", owner=admin_user)
    response = login(admin_user).get("/registers/customers/export.xlsx?scope=personal")
    assert response.status_code == 200
    _data, wb = _xlsx(response)
    ws = wb.active
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ['=HYPERLINK("http://evil.example","点击")', "+86 公司", "@SUM(A1)", "-1+2 公司"]:
        assert text in cells, text
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix
    assert "控制字符公司" in cells


def test_service_register_filters_by_month_in_excel(login, admin_user, db):
    ServiceRecordFactory(received_on=datetime.date(2026, 11, 30), content="十一月末")
    ServiceRecordFactory(received_on=datetime.date(2026, 12, 1), content="十二月初")
    response = login(admin_user).get("/registers/service/export.xlsx?month=2026-11")
    _data, wb = _xlsx(response)
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "十一月末" in values and "十二月初" not in values
    dates = [v for v in values if isinstance(v, datetime.datetime)]
    assert dates == [datetime.datetime(2026, 11, 30)]


def test_monthly_workbook_has_one_sheet_per_register(login, admin_user, db):
    ProductFactory()
    ServiceRecordFactory(received_on=datetime.date(2026, 11, 5), content="本月投诉")
    ServiceRecordFactory(received_on=datetime.date(2026, 10, 5), content="上月投诉")
    response = login(admin_user).get("/registers/monthly.xlsx?month=2026-11")
    assert response.status_code == 200
    _data, wb = _xlsx(response)
    # The registry's sheets first, then the families' registers in 表 order (documents,
    # such as 表5-2, 5-8, 5-14 or 5-29, have no sheet; "/" cannot be in a sheet name).
    assert wb.sheetnames == [
        "目录",
        "客户台账",
        "客户服务台账",
        "表5-3 月份销售计划",
        "表5-6 产品销售记录台账",
        "表5-7 产品记录表",
        "表5-11 月份销售实绩统计表",
        "表5-12 年度产品销售台账",
        "表5-13 企业销售记录",
        "表5-17 销售合同登记台账",
        "表5-18 订货合同登记台账",
        "表5-19 合同管理台账",
        "表5-20 合同评审登记台账",
        "表5-21 销售合同统计台账",
        "表5-22 销售合同检查台账",
        "表5-23 合同文本领用登记台账",
        "表5-24 《授权委托书》使用登记台账",
        "表5-25 销售合同归档汇总登记台账",
        "表5-27 客户访问月计划表",
        "表5-28 客户拜访周 日计划表",
        "表5-30 拜访日报",
    ]
    service = [c.value for row in wb["客户服务台账"].iter_rows() for c in row]
    assert "本月投诉" in service and "上月投诉" not in service
    # The customer sheet is the full 个人台账, not the shared columns only.
    customers = [c.value for row in wb["客户台账"].iter_rows() for c in row]
    assert "电话号码" in customers


@pytest.mark.parametrize("month", ["2026-13", "", "abc", "2026-1"])
def test_monthly_workbook_refuses_a_bad_month(login, admin_user, month):
    response = login(admin_user).get(f"/registers/monthly.xlsx?month={month}")
    assert response.status_code == 302
    assert response["Location"] == "/exports/"


def test_export_registers_command(tmp_path, admin_user):
    from django.core.management import call_command

    ProductFactory()
    out = tmp_path / "book.xlsx"
    call_command("export_registers", "--month", "2026-11", "-o", str(out))
    wb = load_workbook(out)
    assert "表5-7 产品记录表" in wb.sheetnames


def test_export_registers_command_checks_its_arguments(tmp_path, admin_user):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_registers", "--month", "2026/11", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError):
        call_command(
            "export_registers", "--month", "2026-11", "-o", str(tmp_path / "no" / "x.xlsx")
        )
    with pytest.raises(CommandError):
        call_command(
            "export_registers",
            "--month",
            "2026-11",
            "-o",
            str(tmp_path / "x.xlsx"),
            "--user",
            "nobody",
        )


@pytest.mark.parametrize(
    "rows",
    [
        0,
        1,
        5,
        40,
    ],
)
@pytest.mark.parametrize(
    "blank",
    [(), ("remarks",), ("color", "remarks"), ("wholesale_price", "retail_price", "normal_margin")],
    ids=["full", "no-remarks", "no-colour-remarks", "no-prices"],
)
def test_57_pdf_reads_in_form_order_whatever_the_data(login, sales1, rows, blank):
    for i in range(rows):
        values = {
            field: None if "price" in field or field == "normal_margin" else "" for field in blank
        }
        if i == 0 and not blank:
            values["name"] = "名称很长的产品" * 4  # wraps inside its cell
        ProductFactory(**values)
    response = login(sales1).get("/registers/5-7/print.pdf")
    assert missing_labels("5-7", response.content, "pdf") == []
