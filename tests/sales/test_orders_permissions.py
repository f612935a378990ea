"""Every order page × every role: the allowed path answers, the forbidden path is refused
(404 for an order the user may not see, as for one that does not exist)."""

import datetime

import pytest

from sales.models import Order
from tests.conftest import ROLES
from tests.sales.orders_helpers import make_order, ship

OWNERS_AND_UP = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"}
SEES_O1 = {"sales1", "manager1", "gm", "admin"}  # sales1's order, 销售一部
SEES_O3 = {"sales3", "manager2", "gm", "admin"}  # sales3's order, 销售二部
COST_EDITORS = {"admin", "gm", "manager1", "manager2"}


@pytest.fixture
def orders(org):
    result = {}
    for key, user in (("o1", org.sales1), ("o3", org.sales3)):
        order = make_order(user, confirm=True)
        Order.objects.filter(pk=order.pk).update(is_export=True, shipping_mark="N/M")
        ship(user, order, {0: "2"}, shipped_on=datetime.date(2026, 11, 10))
        result[key] = order.pk
    return result


def pages(o):
    rows = [
        ("/sales/orders/new/", OWNERS_AND_UP, 403),
        ("/sales/orders/contracts/?customer=1", OWNERS_AND_UP, 403),
        ("/forms/5-8/", OWNERS_AND_UP, 403),
        ("/forms/5-9/", OWNERS_AND_UP, 403),
        ("/sales/costs/", COST_EDITORS, 403),
        ("/sales/costs/expense/", COST_EDITORS, 403),
        ("/sales/costs/allocation/", COST_EDITORS, 403),
        ("/sales/costs/product/", COST_EDITORS, 403),
        ("/sales/orders/999999/", set(), 404),
        ("/forms/5-8/999999.pdf", set(), 404),
    ]
    for code, query in (
        ("5-6", ""),
        ("5-11", "?period=2026-11"),
        ("5-12", "?period=2026"),
        ("5-13", "?period=2026"),
    ):
        for suffix in ("", "export.xlsx", "print.pdf"):
            rows.append((f"/registers/{code}/{suffix}{query}", OWNERS_AND_UP, 403))
    for key, seen_by in (("o1", SEES_O1), ("o3", SEES_O3)):
        pk = o[key]
        for suffix in ("", "edit/", "ship/", "receipt/", "invoice/", "adjustment/"):
            rows.append((f"/sales/orders/{pk}/{suffix}", seen_by, 404))
        rows.append((f"/forms/5-8/{pk}.pdf", seen_by, 404))
        rows.append((f"/forms/5-9/{pk}.pdf", seen_by, 404))
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_every_order_page_for_every_role(org, orders, client, role):
    client.force_login(getattr(org, role))
    failures = []
    for url, allowed, refused in pages(orders):
        status = client.get(url).status_code
        expected = 200 if role in allowed else refused
        if status != expected:
            failures.append(f"{url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_the_login_page(orders, client):
    for url, _allowed, _refused in pages(orders):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_the_order_list_is_the_5_8_list(org, client):
    client.force_login(org.sales1)
    response = client.get("/sales/orders/")
    assert (response.status_code, response["Location"]) == (302, "/forms/5-8/")


def test_sales1_cannot_write_to_sales3s_order(org, orders, client):
    o3 = Order.objects.get(pk=orders["o3"])
    line = o3.lines.order_by("position").first()
    client.force_login(org.sales1)
    posts = {
        "edit/": {"customer": o3.customer_id, "ordered_on": "2026-11-05", "version": o3.version},
        "ship/": {
            "shipped_on": "2026-11-12",
            "ship-TOTAL_FORMS": "1",
            "ship-INITIAL_FORMS": "1",
            "ship-0-order_line_id": line.pk,
            "ship-0-quantity": "1",
        },
        "receipt/": {"received_on": "2026-11-12", "amount": "1"},
        "invoice/": {"number": "X1", "issued_on": "2026-11-12", "amount": "1"},
        "adjustment/": {"kind": "return", "occurred_on": "2026-11-12", "amount": "1"},
        "transition/": {"to": "cancelled", "note": "x"},
    }
    for suffix, data in posts.items():
        assert client.post(f"/sales/orders/{o3.pk}/{suffix}", data).status_code == 404, suffix
    o3.refresh_from_db()
    assert (o3.status, o3.received_amount, o3.invoiced_amount, o3.adjusted_amount) == (
        "partly_shipped",
        0,
        0,
        0,
    )
    assert o3.shipments.count() == 1
