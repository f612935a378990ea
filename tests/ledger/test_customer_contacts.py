"""New customers can be saved without inventing contacts; contacts are edited on the
customer's edit page, each row with the version it was opened at."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from ledger.models import Contact, Customer
from ledger.services.base import StaleRecordError
from ledger.services.customers import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    ContactChange,
    customer_create,
    customer_update,
)
from tests.factories import ContactFactory, CustomerFactory

CONTACT_KEYS = CONTACT_FIELDS
CUSTOMER_KEYS = tuple(f for f in CUSTOMER_FIELDS if f != "owner")


def text(response) -> str:
    return response.content.decode()


def management(prefix="contacts", total=2, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "30",
    }


def default_new_customer_post(**values) -> dict:
    """What the browser sends from the new-customer page when only the name is typed: every
    field empty, the two contact rows with their pre-set types."""
    data = dict.fromkeys(CUSTOMER_KEYS, "")
    data["category"] = "new"
    data.update(management())
    for i, kind in enumerate(("primary", "secondary")):
        for key in CONTACT_KEYS:
            data[f"contacts-{i}-{key}"] = ""
        data[f"contacts-{i}-kind"] = kind
    data.update(values)
    return data


def test_the_new_customer_page_offers_two_contact_rows_with_preset_types(org, login):
    page = text(login(org.sales1).get("/customers/new/"))
    assert re.search(r'name="contacts-TOTAL_FORMS" value="2"', page)
    assert re.search(r'<option value="secondary" selected>', page)


def test_a_customer_with_only_a_name_is_saved(org, login):
    client = login(org.sales1)
    response = client.post("/customers/new/", default_new_customer_post(name="只有名字的客户"))
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert customer.name == "只有名字的客户" and customer.owner == org.sales1
    assert not customer.contacts.exists()


def test_a_contact_row_with_data_but_no_name_is_refused_not_dropped(org, login):
    response = login(org.sales1).post(
        "/customers/new/",
        default_new_customer_post(name="有电话无姓名", **{"contacts-1-phone": "13900001111"}),
    )
    assert response.status_code == 200
    page = text(response)
    assert "这个字段是必填项" in page and "13900001111" in page
    assert not Customer.objects.exists()


def test_the_service_ignores_blank_contact_rows_and_refuses_nameless_ones(sales1):
    customer = customer_create(
        actor=sales1,
        data={"name": "服务层客户"},
        contacts=[{"kind": "primary", "name": ""}, {"kind": "secondary", "phone": " "}],
    )
    assert not customer.contacts.exists()
    with pytest.raises(Exception) as exc:
        customer_create(
            actor=sales1,
            data={"name": "另一客户"},
            contacts=[{"kind": "secondary", "phone": "13900001111"}],
        )
    assert "name" in exc.value.message_dict
    assert Customer.objects.count() == 1


def _edit_post(customer, contacts, *, extra=None, **values) -> dict:
    """The edit page's POST: the customer's fields, then one row per existing contact."""
    data = {key: getattr(customer, key) or "" for key in CUSTOMER_KEYS}
    data["version"] = customer.version
    data.update(management(total=len(contacts) + 1, initial=len(contacts)))
    for i, contact in enumerate(contacts):
        for key in CONTACT_KEYS:
            data[f"contacts-{i}-{key}"] = getattr(contact, key)
        data[f"contacts-{i}-id"] = contact.pk
        data[f"contacts-{i}-customer"] = customer.pk
        data[f"contacts-{i}-version"] = contact.version
    n = len(contacts)
    for key in CONTACT_KEYS:
        data[f"contacts-{n}-{key}"] = ""
    data[f"contacts-{n}-kind"] = "secondary"
    data[f"contacts-{n}-customer"] = customer.pk
    data.update(extra or {})
    data.update(values)
    return data


def test_contacts_are_added_changed_and_removed_on_the_edit_page(org, login):
    customer = CustomerFactory(owner=org.sales1)
    first = ContactFactory(customer=customer, name="赵一", title="采购")
    second = ContactFactory(customer=customer, name="钱二", kind="secondary")
    client = login(org.sales1)
    page = text(client.get(f"/customers/{customer.pk}/edit/"))
    assert "赵一" in page and "钱二" in page and 'name="contacts-0-version"' in page
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        _edit_post(
            customer,
            [first, second],
            extra={
                "contacts-0-title": "采购总监",
                "contacts-1-DELETE": "on",
                "contacts-2-name": "孙三",
                "contacts-2-phone": "13700001234",
            },
        ),
    )
    assert response.status_code == 302
    contacts = list(customer.contacts.order_by("name").values_list("name", "title", "version"))
    assert sorted(contacts) == sorted([("赵一", "采购总监", 2), ("孙三", "", 1)])
    customer.refresh_from_db()
    assert customer.version == 2


def test_an_unchanged_contact_table_changes_no_contact(org, login):
    customer = CustomerFactory(owner=org.sales1)
    contact = ContactFactory(customer=customer)
    response = login(org.sales1).post(
        f"/customers/{customer.pk}/edit/", _edit_post(customer, [contact], industry="模具")
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.version == 1 and contact.history.count() == 1


def test_a_stale_contact_row_is_refused_and_nothing_is_saved(org, login):
    customer = CustomerFactory(owner=org.sales1, industry="机械")
    contact = ContactFactory(customer=customer, name="赵一", title="采购")
    opened = _edit_post(
        customer,
        [contact],
        industry="我改的行业",
        extra={"contacts-0-title": "我输入的职务"},
    )
    manager = login(org.manager1)
    assert (
        manager.post(
            f"/contacts/{contact.pk}/edit/",
            {"kind": "primary", "name": "赵一", "title": "经理改的", "version": 1},
        ).status_code
        == 302
    )
    response = login(org.sales1).post(f"/customers/{customer.pk}/edit/", opened)
    assert response.status_code == 200
    page = text(response)
    assert "联系人赵一" in page and "此记录已被" in page and str(org.manager1) in page
    assert "我输入的职务" in page and "我改的行业" in page
    contact.refresh_from_db()
    customer.refresh_from_db()
    assert contact.title == "经理改的" and customer.industry == "机械" and customer.version == 1


def test_a_contact_of_another_customer_cannot_be_changed_through_this_one(sales1):
    mine = CustomerFactory(owner=sales1)
    theirs = ContactFactory(customer=CustomerFactory(owner=sales1))
    with pytest.raises(PermissionDenied):
        customer_update(
            actor=sales1,
            customer=mine,
            data={},
            expected_version=1,
            contacts=[ContactChange(data={"name": "x"}, contact=theirs, expected_version=1)],
        )
    theirs.refresh_from_db()
    assert theirs.name != "x"
    mine.refresh_from_db()
    assert mine.version == 1


def test_a_stale_contact_through_the_service_names_who_changed_it(sales1, manager1):
    customer = CustomerFactory(owner=sales1)
    contact = ContactFactory(customer=customer)
    customer_update(
        actor=manager1,
        customer=customer,
        data={},
        expected_version=1,
        contacts=[ContactChange(data={"title": "甲"}, contact=contact, expected_version=1)],
    )
    with pytest.raises(Exception) as exc:
        customer_update(
            actor=sales1,
            customer=customer,
            data={},
            expected_version=2,
            contacts=[ContactChange(data={}, contact=contact, expected_version=1, delete=True)],
        )
    assert isinstance(exc.value.__cause__, StaleRecordError)
    assert str(manager1) in " ".join(exc.value.messages)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_edit_pages_empty_row_offers_the_missing_contact_type(org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.sales1)

    def empty_row_kind():
        page = text(client.get(f"/customers/{customer.pk}/edit/"))
        n = customer.contacts.count()
        select = re.search(rf'<select name="contacts-{n}-kind".*?</select>', page, re.S).group(0)
        return re.search(r'<option value="(\w+)" selected>', select).group(1)

    assert empty_row_kind() == "primary"
    ContactFactory(customer=customer, kind="primary")
    assert empty_row_kind() == "secondary"
