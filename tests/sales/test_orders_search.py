"""The search of 表5-6 / 5-12 / 5-13 (``sales.search``): the lines it finds are exactly those
of ``icontains`` on the customer name, product name, batch number and order number through
the joins, on SQLite and on PostgreSQL (run with DATABASE_URL pointing at PostgreSQL), for
plain, mixed-case, wildcard-like and CJK texts; and the keys the search reads on a line
(order, customer, product, batch key) are those of its joins."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Q

from sales.models import ShipmentLine
from sales.search import search_shipment_lines
from sales.selectors import shipment_lines_visible_to
from sales.services.orders import ShipLineInput, shipment_record
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order

pytestmark = pytest.mark.django_db


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def joined_search(queryset, value):
    """The search as it was written before: icontains through the joins."""
    value = value.strip()[:60]
    if not value:
        return queryset
    return queryset.filter(
        Q(shipment__order__customer__name__icontains=value)
        | Q(order_line__product__name__icontains=value)
        | Q(batch_number__icontains=value)
        | Q(shipment__order__number__icontains=value)
    )


def shipped(user, customer, products, batches, day):
    order = make_order(
        user,
        customer=customer,
        lines=[(p, "5", "10.00") for p in products],
        ordered_on=day,
        confirm=True,
    )
    lines = list(order.lines.order_by("position"))
    shipment_record(
        actor=user,
        order=order,
        shipped_on=day,
        lines=[
            ShipLineInput(order_line_id=line.pk, quantity=Decimal("2"), batch_number=batch)
            for line, batch in zip(lines, batches, strict=True)
        ],
    )
    return order


@pytest.fixture
def lines(org):
    acme = CustomerFactory(owner=org.sales1, name="Acme Trading 有限公司")
    hengtong = CustomerFactory(owner=org.sales1, name="恒通机械")
    percent = CustomerFactory(owner=org.sales2, name="100% 纯棉_布业")
    bearing = ProductFactory(name="精密轴承")
    tape = ProductFactory(name="Industrial TAPE")
    flange = ProductFactory(name="法兰 PH 型")
    day = datetime.date(2026, 3, 2)
    shipped(org.sales1, acme, [bearing, tape], ["PH260302A", "ph-lower"], day)
    shipped(org.sales1, hengtong, [flange], ["Q_1%"], day + datetime.timedelta(days=1))
    shipped(org.sales2, percent, [tape, bearing], ["", "X\\Y"], day + datetime.timedelta(days=2))
    return ShipmentLine.objects.all()


TEXTS = [
    "PH",
    "ph",
    "Ph26",
    "acme",
    "ACME trading",
    "有限",
    "恒通",
    "轴承",
    "tape",
    "DD-2026",
    "dd-2026-0002",
    "%",
    "_",
    "100%",
    "纯棉_",
    "\\",
    "x\\y",
    "Q_1%",
    "  恒通  ",
    "0",
    "不存在",
    "P",
]


@pytest.mark.parametrize("value", TEXTS)
def test_the_search_finds_exactly_what_icontains_through_the_joins_finds(lines, value):
    assert pks(search_shipment_lines(lines, value)) == pks(joined_search(lines, value))


def test_the_texts_tried_cover_matches_by_each_field(lines):
    # Each field finds something on its own, so the comparison above is not vacuous.
    by_batch = lines.filter(batch_number__icontains="ph260302a")
    by_customer = lines.filter(customer__name="恒通机械")
    by_product = lines.filter(product__name="Industrial TAPE")
    assert pks(search_shipment_lines(lines, "ph260302A")) == pks(by_batch) != set()
    assert pks(search_shipment_lines(lines, "恒通")) == pks(by_customer) != set()
    assert pks(search_shipment_lines(lines, "industrial")) == pks(by_product)
    assert len(pks(by_product)) == 2
    number = lines.order_by("pk").first().order.number.lower()
    assert search_shipment_lines(lines, number).count() == 2
    assert search_shipment_lines(lines, "100%").count() == 2
    assert search_shipment_lines(lines, "不存在").count() == 0


def test_a_renamed_customer_is_found_by_its_new_name_only(lines):
    customer = lines.get(batch_number="Q_1%").customer
    customer.name = "新名称贸易"
    customer.save()
    assert search_shipment_lines(lines, "新名称").count() == 1
    assert search_shipment_lines(lines, "恒通").count() == 0
    assert pks(search_shipment_lines(lines, "新名称")) == pks(joined_search(lines, "新名称"))


def test_a_shipped_line_carries_the_keys_of_its_joins(lines):
    assert lines.count() == 5
    assert not lines.exclude(order=F("shipment__order")).exists()
    assert not lines.exclude(customer=F("shipment__order__customer")).exists()
    assert not lines.exclude(product=F("order_line__product")).exists()
    keys = dict(lines.values_list("batch_number", "batch_key"))
    assert keys == {
        "PH260302A": "PH260302A",
        "ph-lower": "PH-LOWER",
        "Q_1%": "Q_1%",
        "": "",
        "X\\Y": "X\\Y",
    }


def test_the_search_keeps_to_the_lines_the_user_may_see(org, lines):
    mine = search_shipment_lines(shipment_lines_visible_to(org.sales1), "tape")
    assert [line.product.name for line in mine] == ["Industrial TAPE"]
    assert {line.owner_id for line in mine} == {org.sales1.pk}


def test_the_5_12_list_searches_through_the_register(client, org, lines):
    client.force_login(org.manager1)
    response = client.get("/registers/5-12/?period=2026&q=轴承")
    assert response.status_code == 200
    rows = list(response.context["query"].queryset)
    assert sorted(row["pk"] for row in rows) == sorted(
        lines.filter(product__name="精密轴承").values_list("pk", flat=True)
    )
    assert response.context["query"].count() == 2
