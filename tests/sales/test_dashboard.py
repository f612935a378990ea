"""The manager's sales dashboard: figures from known data, the same rule as the lists
(a salesperson their own, a manager their departments', the 总经理 and admins everything),
charts with their tables and links."""

import datetime
import json
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from sales.dashboard import sales_dashboard
from sales.services.orders import receipt_record
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import hand_over, make_order, random_sales, ship
from tests.sales.plan_factories import (
    action_plan,
    annual_plan,
)

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def sales(org):
    """sales1 (销售一部) and sales3 (销售二部), each with a plan, an order and shipments."""
    valve, pump = ProductFactory(name="阀门"), ProductFactory(name="水泵")
    c1 = CustomerFactory(owner=org.sales1, name="一部客户")
    c3 = CustomerFactory(owner=org.sales3, name="二部客户")
    annual_plan(org.sales1, products=[valve])  # 1.99 万元 = 19,900 yuan
    action_plan(org.sales1, month=datetime.date(2026, 3, 1))  # target 150,000
    action_plan(org.sales3, month=datetime.date(2026, 3, 1))
    order1 = make_order(
        org.sales1,
        customer=c1,
        lines=[(valve, "100", "10.00"), (pump, "10", "50.00")],
        confirm=True,
        ordered_on=datetime.date(2026, 3, 2),
    )
    ship(org.sales1, order1, {0: "100"}, shipped_on=datetime.date(2026, 3, 10))  # 1,000
    ship(org.sales1, order1, {1: "10"}, shipped_on=datetime.date(2026, 10, 20))  # 500
    receipt_record(actor=org.sales1, order=order1, received_on=TODAY, amount="400.00")
    order3 = make_order(
        org.sales3,
        customer=c3,
        lines=[(pump, "2", "300.00")],
        confirm=True,
        ordered_on=datetime.date(2026, 11, 1),
    )
    ship(org.sales3, order3, {0: "2"}, shipped_on=datetime.date(2026, 11, 25))  # 600
    return {"c1": c1, "c3": c3}


def test_a_manager_sees_their_department_figures(org, sales):
    board = sales_dashboard(org.manager1, year=2026, today=TODAY)
    march = board.months[2]
    assert (march["plan"], march["actual"]) == (Decimal("150000.00"), Decimal("1000.00"))
    assert board.months[9]["actual"] == Decimal("500.00")
    assert board.actual_total == Decimal("1500.00")
    assert [(p["name"], p["plan"], p["actual"]) for p in board.people] == [
        (str(org.sales1), Decimal("19900.00"), Decimal("1500.00"))
    ]
    assert board.people[0]["rate"] == Decimal("7.5")
    # 400 received, first shipped first paid: 600 owed on March's line (265 days), 500 on
    # October's (41 days).
    assert [(a["label"], a["amount"]) for a in board.ages] == [
        ("30天以内", Decimal("0")),
        ("31–60天", Decimal("500.00")),
        ("61–90天", Decimal("0")),
        ("90天以上", Decimal("600.00")),
    ]
    assert [(c["name"], c["amount"]) for c in board.customers] == [("一部客户", Decimal("1500.00"))]
    assert [p["name"] for p in board.products] == ["阀门", "水泵"]


def test_gm_sees_everyone_and_a_salesperson_only_themselves(org, sales):
    everyone = sales_dashboard(org.gm, year=2026, today=TODAY)
    assert everyone.actual_total == Decimal("2100.00")
    assert everyone.months[2]["plan"] == Decimal("300000.00")
    assert {c["name"] for c in everyone.customers} == {"一部客户", "二部客户"}
    own = sales_dashboard(org.sales3, year=2026, today=TODAY)
    assert own.actual_total == Decimal("600.00")
    assert [p["name"] for p in own.people] == [str(org.sales3)]
    assert own.ages[0]["amount"] == Decimal("600.00")
    assert sales_dashboard(org.sales2, year=2026, today=TODAY).actual_total == 0
    assert sales_dashboard(org.assistant1) is None


def test_the_page_draws_charts_with_tables_and_links(org, sales, login):
    page = login(org.manager1).get("/sales/dashboard/?year=2026")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="chart"') == 5 and html.count('class="chart-pair"') == 5
    assert "vendor/echarts/echarts.min.js" in html and "js/charts.js" in html
    assert "<script>" not in html and "style=" not in html
    assert "/forms/5-2/?year=2026" in html and "/registers/5-12/?period=2026" in html
    option = json.loads(unescape(html.split('data-chart="', 1)[1].split('"', 1)[0]))
    assert option["series"][1]["name"] == "实际"
    assert option["series"][1]["data"][2] == 1000.0
    assert "二部客户" not in html


def test_a_bad_year_falls_back_to_this_year(org, login):
    client = login(org.sales1)
    for value in ("abc", "99999", "-1"):
        response = client.get(f"/sales/dashboard/?year={value}")
        assert response.status_code == 200
        assert response.context["year"] == timezone.localdate().year


def _computed_from_the_lines(user, *, year, today):
    """The dashboard as it was computed before the roll-ups: every shipped figure summed
    from the shipment lines (the reference the roll-ups must match); the plans beside them
    are read as the dashboard reads them."""
    from django.db.models import DecimalField, F, Q, Sum, Value
    from django.db.models.functions import Coalesce, ExtractMonth

    from sales.dashboard import AGE_BUCKETS, TOP, Dashboard, _months, _people
    from sales.selectors import shipment_lines_visible_to

    money = DecimalField(max_digits=18, decimal_places=2)
    zero = Value(Decimal(0), output_field=money)
    first, following = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    board = Dashboard(year=year)
    lines = shipment_lines_visible_to(user)
    in_year = lines.filter(shipped_on__gte=first, shipped_on__lt=following)
    shipped, by_owner = {}, {}
    for row in (
        in_year.annotate(m=ExtractMonth("shipped_on"))
        .order_by()
        .values("m", "owner")
        .annotate(total=Sum("amount"))
    ):
        shipped[row["m"]] = shipped.get(row["m"], Decimal(0)) + row["total"]
        by_owner[row["owner"]] = by_owner.get(row["owner"], Decimal(0)) + row["total"]
    board.months = _months(user, year, shipped)
    board.people = _people(user, year, by_owner)
    owed = lines.filter(amount__gt=F("paid_amount"))
    sums, previous = {}, None
    for days, label in AGE_BUCKETS:
        age = Q()
        if days is not None:
            age &= Q(shipped_on__gte=today - datetime.timedelta(days=days))
        if previous is not None:
            age &= Q(shipped_on__lt=today - datetime.timedelta(days=previous))
        sums[label] = Coalesce(
            Sum(F("amount") - F("paid_amount"), filter=age, output_field=money), zero
        )
        previous = days
    totals = owed.aggregate(**sums)
    board.ages = [{"label": label, "amount": totals[label]} for _d, label in AGE_BUCKETS]
    board.customers = list(
        in_year.order_by()
        .values(pk=F("shipment__order__customer"), name=F("shipment__order__customer__name"))
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "name")[:TOP]
    )
    board.products = list(
        in_year.order_by()
        .values(name=F("order_line__product__name"))
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by("-amount", "name")[:TOP]
    )
    return board


def _same(board, reference) -> None:
    def cents(rows, *names):
        return [
            {k: (r[k].quantize(Decimal("0.01")) if k in names else r[k]) for k in r} for r in rows
        ]

    assert cents(board.months, "plan", "actual") == cents(reference.months, "plan", "actual")
    assert cents(board.people, "actual") == cents(reference.people, "actual")
    assert cents(board.ages, "amount") == cents(reference.ages, "amount")
    assert cents(board.customers, "amount") == cents(reference.customers, "amount")
    assert cents(board.products, "quantity", "amount") == cents(
        reference.products, "quantity", "amount"
    )


@pytest.mark.parametrize("seed", [11, 12])
def test_the_figures_equal_those_summed_from_the_lines(org, seed):
    """Random sales through the services (handed-over orders, zero-priced lines, two
    products of one name, shipments on the age limits and in the future), plans, and
    every role: the dashboard read from the roll-ups equals the old sums over the lines,
    for several years and days (the ageing's month boundary moves with the day)."""
    random_sales(org, seed, orders=18)
    # manager2's only order, shipped, then handed over: manager2 has rows left, all zero.
    only = make_order(org.manager2, lines=[(ProductFactory(), "3", "7.00")], confirm=True)
    ship(org.manager2, only, {0: "1"}, shipped_on=datetime.date(2026, 6, 3))
    hand_over(org.admin, only, org.sales3)
    annual_plan(org.sales1, products=[ProductFactory()])
    action_plan(org.sales3, month=datetime.date(2026, 3, 1))
    days = [
        TODAY,
        datetime.date(2026, 10, 30),  # the 90-day limit on the first of a month
        datetime.date(2026, 10, 31),
        datetime.date(2026, 12, 20),  # … on the 21st
        datetime.date(2026, 11, 15),
        datetime.date(2027, 1, 2),
        datetime.date(2026, 3, 1),
    ]
    compared = 0
    for user in (org.gm, org.manager1, org.manager2, org.sales1, org.sales3):
        for year in (2025, 2026):
            for today in days:
                board = sales_dashboard(user, year=year, today=today)
                _same(board, _computed_from_the_lines(user, year=year, today=today))
                compared += bool(board.actual_total) + bool(board.owed_total)
    assert compared > 20  # not all empty
