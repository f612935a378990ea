"""The order pages: one page with line rows, clear refusals that save nothing, the order's
page with its shipments, receipts and recorded changes."""

import datetime
import re

import pytest

from sales.models import Order, OrderLine, OrderStatus
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order, ship

pytestmark = pytest.mark.django_db


def order_post(customer, lines, **extra):
    data = {
        "customer": customer.pk,
        "ordered_on": "2026-11-05",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        **extra,
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    return data


def errors(response) -> str:
    return " ".join(re.findall(r'role="alert">([^<]*)<', response.content.decode()))


def test_create_an_order_with_three_lines_on_one_page(org, client):
    customer = CustomerFactory(owner=org.sales1)
    p = [ProductFactory(), ProductFactory(), ProductFactory()]
    client.force_login(org.sales1)
    page = client.get(f"/sales/orders/new/?customer={customer.pk}").content.decode()
    assert 'src="/static/js/order-lines.js"' in page and 'data-add-form="lines"' in page
    lines = [
        {"product": p[0].pk, "quantity": "2", "unit_price": "10.10"},
        {"product": p[1].pk, "quantity": "1.5", "unit_price": "200"},
        {"product": p[2].pk, "quantity": "3", "unit_price": "0.99"},
        {},  # an empty row is ignored
    ]
    response = client.post("/sales/orders/new/", order_post(customer, lines))
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sales/orders/{order.pk}/"
    assert str(order.total_amount) == "323.17"  # 20.20 + 300.00 + 2.97
    assert order.owner == org.sales1 and order.status == OrderStatus.DRAFT
    detail = client.get(response["Location"]).content.decode()
    assert "订单 DD-2026-0001 已保存。" in detail and "323.17" in detail


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"quantity": "0", "unit_price": "1"}, "数量必须大于零。"),
        ({"quantity": "-2", "unit_price": "1"}, "数量必须大于零。"),
        ({"quantity": "1", "unit_price": "1.005"}, "小数不超过 2 位"),
        ({"quantity": "1", "unit_price": "-1"}, "单价不能为负数。"),
    ],
)
def test_bad_lines_get_a_clear_message_and_nothing_is_saved(org, client, line, message):
    customer = CustomerFactory(owner=org.sales1)
    client.force_login(org.sales1)
    data = order_post(customer, [{"product": ProductFactory().pk, **line}])
    response = client.post("/sales/orders/new/", data)
    assert response.status_code == 200
    assert message in errors(response)
    assert (Order.objects.count(), OrderLine.objects.count()) == (0, 0)


def test_invisible_customer_and_discontinued_product_are_refused_on_the_page(org, client):
    client.force_login(org.sales1)
    foreign = CustomerFactory(owner=org.sales3)
    ok = {"product": ProductFactory().pk, "quantity": "1", "unit_price": "1"}
    response = client.post("/sales/orders/new/", order_post(foreign, [ok]))
    assert response.status_code == 200 and "选择一个有效的选项" in errors(response)
    old = ProductFactory(is_active=False)
    own = CustomerFactory(owner=org.sales1)
    line = {"product": old.pk, "quantity": "1", "unit_price": "1"}
    response = client.post("/sales/orders/new/", order_post(own, [line]))
    assert response.status_code == 200 and "选择一个有效的选项" in errors(response)
    assert Order.objects.count() == 0


def test_a_shipment_above_what_remains_and_a_receipt_above_what_is_owed(org, client):
    order = make_order(org.sales1, confirm=True)
    line = order.lines.get(position=1)  # 10 ordered
    client.force_login(org.sales1)
    data = {
        "shipped_on": "2026-11-10",
        "carrier": "顺丰",
        "ship-TOTAL_FORMS": "1",
        "ship-INITIAL_FORMS": "1",
        "ship-0-order_line_id": line.pk,
        "ship-0-quantity": "10.5",
    }
    response = client.post(f"/sales/orders/{order.pk}/ship/", data)
    assert response.status_code == 200 and "第 1 行：只剩 10.00 待出货。" in errors(response)
    assert order.shipments.count() == 0
    data["ship-0-quantity"] = "4"
    response = client.post(f"/sales/orders/{order.pk}/ship/", data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTLY_SHIPPED
    response = client.post(
        f"/sales/orders/{order.pk}/receipt/", {"received_on": "2026-11-20", "amount": "525.01"}
    )
    assert response.status_code == 200
    assert "本订单尚欠 525.00 元，不能超过此数。" in errors(response)
    assert order.receipts.count() == 0


def test_editing_a_shipped_line_is_refused_and_the_change_is_recorded(org, client):
    order = make_order(org.sales1, confirm=True)
    ship(org.sales1, order, {0: "1"})
    order.refresh_from_db()
    lines = list(order.lines.order_by("position"))
    client.force_login(org.sales1)
    rows = [
        {
            "line_id": ln.pk,
            "product": ln.product_id,
            "quantity": str(ln.quantity),
            "unit_price": str(ln.unit_price),
        }
        for ln in lines
    ]
    rows[0]["quantity"] = "20"
    data = order_post(
        order.customer,
        rows,
        version=order.version,
        reason="客户改量",
        **{"lines-INITIAL_FORMS": "2"},
    )
    response = client.post(f"/sales/orders/{order.pk}/edit/", data)
    assert response.status_code == 200 and "第 1 行已出货，不能修改。" in errors(response)
    rows[0]["quantity"] = "10.00"
    rows[1]["quantity"] = "5"
    data = order_post(
        order.customer,
        rows,
        version=order.version,
        reason="客户改量",
        **{"lines-INITIAL_FORMS": "2"},
    )
    response = client.post(f"/sales/orders/{order.pk}/edit/", data)
    assert response.status_code == 302
    detail = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert "客户改量" in detail and "第 2 行" in detail


def test_the_order_is_on_the_customers_timeline(org, client):
    order = make_order(org.sales1)
    client.force_login(org.sales1)
    page = client.get(f"/customers/{order.customer_id}/").content.decode()
    assert f"订货单 {order.number}" in page


def test_a_shipped_order_cannot_be_edited(org, client):
    order = make_order(org.sales1, confirm=True)
    ship(org.sales1, order, {0: "10", 1: "4"})
    client.force_login(org.sales1)
    response = client.get(f"/sales/orders/{order.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/sales/orders/{order.pk}/"
    assert datetime.date.today()  # the order page says why
    page = client.get(response["Location"]).content.decode()
    assert "已出货或已取消的订单不能修改。" in page
