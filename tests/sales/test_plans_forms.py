"""表5-2, 5-3, 5-4, 5-5 and 5-10 print (and where they are tables, export) with every
label of the paper form in place, and with the plan's own content."""

import datetime
import io
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from tests.factories import CustomerFactory, ProductFactory
from tests.formcheck import missing_labels, pdf_text
from tests.sales.orders_helpers import make_order, ship
from tests.sales.plan_factories import action_plan, annual_plan, month_item, week_plan

CHECK_FORM = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_form.py"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def check(code: str, data: bytes, suffix: str) -> None:
    assert missing_labels(code, data, suffix) == []
    if not CHECK_FORM.exists():
        return
    with tempfile.NamedTemporaryFile(suffix=f".{suffix}") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [sys.executable, str(CHECK_FORM), code, handle.name], capture_output=True, text=True
        )
    assert result.returncode == 0, result.stdout + result.stderr


def test_5_2_prints_and_exports_the_plan_with_computed_amounts_and_totals(org, login):
    products = [ProductFactory(name="阀门A", unit="台"), ProductFactory(name="阀门B", unit="台")]
    plan = annual_plan(org.sales1, products=products)
    client = login(org.sales1)
    pdf = body(client.get(f"/forms/5-2/{plan.pk}.pdf"))
    check("5-2", pdf, "pdf")
    text = pdf_text(pdf)
    # 阀门A: 100 × 0.0125 = 1.25; 40 × 0.015 = 0.60; 10 × 0.014 = 0.14 → 150, 1.99 (万元).
    for expected in ("年度：2026年", "阀门A", "1.25", "0.60", "0.14", "1.99", "5.83", "440"):
        assert expected in text, expected
    xlsx = body(client.get(f"/forms/5-2/{plan.pk}.xlsx"))
    check("5-2", xlsx, "xlsx")
    values = [
        c for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row
    ]
    assert Decimal("5.83") in [Decimal(str(v)) for v in values if isinstance(v, int | float)]


def test_5_4_and_5_5_print_their_paper_layout(org, login):
    customer = CustomerFactory(owner=org.sales1, name="重点客户甲")
    product = ProductFactory(name="主推产品乙")
    client = login(org.sales1)
    plan = action_plan(org.sales1, customer=customer, product=product)
    pdf = body(client.get(f"/forms/5-4/{plan.pk}.pdf"))
    check("5-4", pdf, "pdf")
    text = pdf_text(pdf)
    for expected in ("1. 重点客户甲", "1. 某新客户", "1. 主推产品乙", "150,000.00", "4."):
        assert expected in text, expected
    week = week_plan(org.sales1, customer=customer, product=product)
    pdf = body(client.get(f"/forms/5-5/{week.pk}.pdf"))
    check("5-5", pdf, "pdf")
    text = pdf_text(pdf)
    for expected in ("1. 回款二十万", "电话回访", "重点客户甲", "主推产品乙", "周会", "星期日"):
        assert expected in text, expected


def test_5_3_prints_and_exports_the_month(org, login):
    customer = CustomerFactory(owner=org.sales1, name="计划客户丙")
    month_item(org.sales1, customer=customer)
    month_item(org.sales1, customer=customer, ship_on=datetime.date(2026, 12, 2))
    client = login(org.sales1)
    pdf = body(client.get("/registers/5-3/print.pdf?period=2026-11"))
    check("5-3", pdf, "pdf")
    text = pdf_text(pdf)
    assert "计划客户丙" in text and "2026-11-20" in text and "2026-12-02" not in text
    xlsx = body(client.get("/registers/5-3/export.xlsx?period=2026-11"))
    check("5-3", xlsx, "xlsx")


def test_5_10_prints_one_customers_orders_and_month_prices(org, login):
    customer = CustomerFactory(owner=org.sales1, name="订货统计客户", person_name="王总")
    valve = ProductFactory(name="统计阀门")
    make_order(
        org.sales1,
        customer=customer,
        lines=[(valve, "10", "20.00")],
        confirm=True,
        ordered_on=datetime.date(2026, 3, 5),
    )
    make_order(
        org.sales1,
        customer=customer,
        lines=[(valve, "30", "24.00")],
        confirm=True,
        ordered_on=datetime.date(2026, 3, 20),
    )
    make_order(
        org.sales1,
        customer=customer,
        lines=[(valve, "5", "99.00")],
        ordered_on=datetime.date(2026, 4, 1),
    )  # a draft: not counted
    client = login(org.sales1)
    pdf = body(client.get(f"/forms/5-10/{customer.pk}.pdf"))
    check("5-10", pdf, "pdf")
    text = pdf_text(pdf)
    # March: (10 × 20 + 30 × 24) ÷ 40 = 23.00; the year's amount 920.00; the draft not shown.
    assert "订货统计客户" in text and "王总" in text
    assert "23.00" in text and "920.00" in text and "99.00" not in text
    xlsx = body(client.get(f"/forms/5-10/{customer.pk}.xlsx"))
    check("5-10", xlsx, "xlsx")


def test_5_2_shows_plan_against_what_was_shipped(org, login):
    valve = ProductFactory(name="出货阀门")
    plan = annual_plan(org.sales1, products=[valve])  # 1.99 万元 planned
    order = make_order(org.sales1, lines=[(valve, "100", "99.50")], confirm=True)
    ship(org.sales1, order, {0: "40"}, shipped_on=datetime.date(2026, 6, 1))
    page = login(org.sales1).get(f"/sales/plans/annual/{plan.pk}/")
    rows = page.context["comparison"]["rows"]
    assert [(r["product"].name, r["actual_qty"], r["actual_amount"]) for r in rows] == [
        ("出货阀门", Decimal("40.00"), Decimal("0.40"))  # 40 × 99.50 = 3,980 yuan
    ]
    assert rows[0]["rate"] == Decimal("20.1")  # 0.40 ÷ 1.99
