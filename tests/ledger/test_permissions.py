"""Every page × every role: the allowed path answers, the forbidden path is refused."""

import pytest

from tests.conftest import ROLES
from tests.factories import ContactFactory, CustomerFactory, ProductFactory, ServiceRecordFactory

SALES_SIDE = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3", "assistant1"}
OWNERS_AND_UP = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"}
EVERYONE = set(ROLES)
SEES_C1 = {"sales1", "manager1", "gm", "admin"}  # sales1's customer, 销售一部
SEES_C3 = {"sales3", "manager2", "gm", "admin"}  # sales3's customer, 销售二部
PRODUCT_EDITORS = {"admin", "gm", "manager1", "manager2", "assistant1"}


@pytest.fixture
def things(org):
    c1 = CustomerFactory(owner=org.sales1, name="一部客户")
    c3 = CustomerFactory(owner=org.sales3, name="二部客户")
    return {
        "c1": c1,
        "c3": c3,
        "contact1": ContactFactory(customer=c1),
        "contact3": ContactFactory(customer=c3),
        "service1": ServiceRecordFactory(customer=c1),
        "service3": ServiceRecordFactory(customer=c3),
        "product": ProductFactory(),
    }


def pages(t):
    """(url, roles that get 200, status for everyone else)."""
    c1, c3 = t["c1"].pk, t["c3"].pk
    rows = [
        ("/", EVERYONE, None),
        ("/registers/", EVERYONE, None),
        ("/exports/", EVERYONE, None),
        ("/accounts/password/", EVERYONE, None),
        ("/inbox/", EVERYONE, None),
        ("/registers/nope/", set(), 404),
        ("/registers/monthly.xlsx?month=2026-11", {"admin"}, 403),
        ("/customers/new/", OWNERS_AND_UP, 403),
        ("/customers/handover/", {"admin", "manager1", "manager2"}, 403),
        ("/products/new/", PRODUCT_EDITORS, 403),
        (f"/products/{t['product'].pk}/edit/", PRODUCT_EDITORS, 403),
        (f"/products/{t['product'].pk}/delete/", {"admin"}, 403),
        (f"/customers/{c1}/delete/", {"admin"}, 403),
        ("/forms/customer/", OWNERS_AND_UP, 403),
        ("/forms/nope/", set(), 404),
    ]
    for suffix in ("", "export.xlsx", "print.pdf"):
        rows += [
            (f"/registers/customers/{suffix}", SALES_SIDE, 403),
            (f"/registers/customers/{suffix}?scope=personal", SALES_SIDE, 403),
            (f"/registers/service/{suffix}", OWNERS_AND_UP, 403),
            (f"/registers/5-7/{suffix}", EVERYONE, None),
        ]
    for pk, seen_by in ((c1, SEES_C1), (c3, SEES_C3)):
        for suffix in (
            "",
            "edit/",
            "print.pdf",
            "export.xlsx",
            "contacts/new/",
            "events/new/",
            "service/new/",
        ):
            rows.append((f"/customers/{pk}/{suffix}", seen_by, 404))
        for suffix in ("pdf", "xlsx"):
            rows.append((f"/forms/customer/{pk}.{suffix}", seen_by, 404))
    for key, seen_by in (("1", SEES_C1), ("3", SEES_C3)):
        contact, service = t[f"contact{key}"].pk, t[f"service{key}"].pk
        rows += [
            (f"/contacts/{contact}/edit/", seen_by, 404),
            (f"/contacts/{contact}/delete/", seen_by, 404),
            (f"/service/{service}/edit/", seen_by, 404),
        ]
    rows.append(("/customers/999999/", set(), 404))
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(org, things, client, role):
    client.force_login(getattr(org, role))
    failures = []
    for url, allowed, refused in pages(things):
        status = client.get(url).status_code
        expected = 200 if role in allowed else refused
        if status != expected:
            failures.append(f"{url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_the_login_page(things, client):
    for url, _allowed, _refused in pages(things):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200


def test_admin_site_is_for_administrators_only(org, client):
    client.force_login(org.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/ledger/customer/").status_code == 200
    for role in ("gm", "manager1", "sales1", "production1"):
        client.force_login(getattr(org, role))
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_forbidden_writes_change_nothing(org, things, client):
    c3 = things["c3"]
    client.force_login(org.sales1)
    edit = client.post(
        f"/customers/{c3.pk}/edit/", {"name": "改名", "category": "key", "version": 1}
    )
    assert edit.status_code == 404
    assert client.post(f"/customers/{c3.pk}/delete/").status_code == 403
    assert client.post(f"/contacts/{things['contact3'].pk}/delete/").status_code == 404
    assert (
        client.post(
            f"/customers/{c3.pk}/events/new/",
            {"kind": "meeting", "occurred_on": "2026-11-01", "title": "x"},
        ).status_code
        == 404
    )
    moved = client.post(
        "/customers/handover/", {"from_user": org.sales3.pk, "to_user": org.sales1.pk}
    )
    assert moved.status_code == 403
    product = client.post(f"/products/{things['product'].pk}/edit/", {"code": "X", "name": "Y"})
    assert product.status_code == 403
    c3.refresh_from_db()
    assert (c3.name, c3.owner) == ("二部客户", org.sales3)
    assert c3.contacts.count() == 1 and c3.events.count() == 0


def test_a_manager_cannot_reach_another_departments_customer_by_post(org, things, client):
    client.force_login(org.manager1)
    response = client.post(
        f"/customers/{things['c3'].pk}/service/new/",
        {"kind": "complaint", "client_name": "x", "content": "x", "received_on": "2026-11-01"},
    )
    assert response.status_code == 404
    assert things["c3"].service_records.count() == 1


def test_the_admin_site_only_reads_ledger_records(org, things, client):
    client.force_login(org.admin)
    customer = things["c1"]
    assert client.get(f"/admin/ledger/customer/{customer.pk}/change/").status_code == 200
    refused = client.post(
        f"/admin/ledger/customer/{customer.pk}/change/", {"name": "后台改名", "category": "key"}
    )
    assert refused.status_code == 403
    assert client.get("/admin/ledger/customer/add/").status_code == 403
    assert (
        client.post(f"/admin/ledger/customer/{customer.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    customer.refresh_from_db()
    assert customer.name == "一部客户"
    # Users and departments are managed there.
    assert client.get("/admin/accounts/user/add/").status_code == 200
