"""No lost updates: every editable record carries its version; a stale save is refused with
who changed it and when, and the user's input stays on the page."""

import datetime
import re
from decimal import Decimal

import pytest

from ledger.models import Contact, Product, ServiceRecord
from ledger.services.base import StaleRecordError
from ledger.services.customers import contact_update
from ledger.services.products import product_update
from ledger.services.service_records import service_record_update
from tests.factories import ContactFactory, CustomerFactory, ProductFactory, ServiceRecordFactory


def text(response) -> str:
    return response.content.decode()


# --- through the services --------------------------------------------------------------------


def test_a_stale_contact_save_is_refused_and_the_first_change_kept(org):
    contact = ContactFactory(customer=CustomerFactory(owner=org.sales1), title="采购")
    first = contact_update(
        actor=org.manager1, contact=contact, data={"title": "采购总监"}, expected_version=1
    )
    assert first.version == 2
    with pytest.raises(StaleRecordError) as exc:
        contact_update(
            actor=org.sales1, contact=contact, data={"title": "员工"}, expected_version=1
        )
    assert exc.value.who == str(org.manager1) and exc.value.when is not None
    contact.refresh_from_db()
    assert (contact.title, contact.version) == ("采购总监", 2)


def test_a_stale_service_record_save_is_refused(org):
    record = ServiceRecordFactory(customer=CustomerFactory(owner=org.sales1))
    service_record_update(
        actor=org.manager1, record=record, data={"content": "经理改过"}, expected_version=1
    )
    with pytest.raises(StaleRecordError) as exc:
        service_record_update(
            actor=org.sales1, record=record, data={"content": "旧页面"}, expected_version=1
        )
    assert exc.value.who == str(org.manager1)
    record.refresh_from_db()
    assert (record.content, record.version) == ("经理改过", 2)


def test_a_stale_product_save_is_refused(org):
    product = ProductFactory()
    product_update(
        actor=org.assistant1,
        product=product,
        data={"retail_price": Decimal("9.90")},
        expected_version=1,
    )
    with pytest.raises(StaleRecordError) as exc:
        product_update(
            actor=org.manager1,
            product=product,
            data={"retail_price": Decimal("1.00")},
            expected_version=1,
        )
    assert exc.value.who == str(org.assistant1)
    product.refresh_from_db()
    assert (product.retail_price, product.version) == (Decimal("9.90"), 2)


def test_a_record_deleted_meanwhile_is_reported_not_recreated(org):
    contact = ContactFactory(customer=CustomerFactory(owner=org.sales1))
    Contact.objects.filter(pk=contact.pk).delete()
    with pytest.raises(Exception) as exc:
        contact_update(actor=org.sales1, contact=contact, data={"title": "x"}, expected_version=1)
    assert "已被他人删除" in " ".join(exc.value.messages)
    assert not Contact.objects.exists()


# --- through the pages -----------------------------------------------------------------------


def _stale_page(response, who) -> str:
    assert response.status_code == 200
    page = text(response)
    assert "此记录已被" in page and str(who) in page and "请重新加载" in page
    return page


def test_the_contact_page_refuses_a_stale_save_and_keeps_the_input(org, login):
    contact = ContactFactory(customer=CustomerFactory(owner=org.sales1), name="钱七")
    url = f"/contacts/{contact.pk}/edit/"
    assert re.search(r'name="version" value="1"', text(login(org.sales1).get(url)))
    changed = login(org.manager1).post(url, {"kind": "primary", "name": "钱七", "version": 1})
    assert changed.status_code == 302
    page = _stale_page(
        login(org.sales1).post(
            url, {"kind": "primary", "name": "钱七", "title": "我刚输入的职务", "version": 1}
        ),
        org.manager1,
    )
    assert "我刚输入的职务" in page
    contact.refresh_from_db()
    assert contact.title != "我刚输入的职务" and contact.version == 2


def test_the_service_record_page_refuses_a_stale_save_and_keeps_the_input(org, login):
    record = ServiceRecordFactory(customer=CustomerFactory(owner=org.sales1))
    url = f"/service/{record.pk}/edit/"
    data = {
        "kind": record.kind,
        "received_on": record.received_on.isoformat(),
        "client_name": record.client_name,
        "content": "经理补充的内容",
        "version": 1,
    }
    assert login(org.manager1).post(url, data).status_code == 302
    page = _stale_page(
        login(org.sales1).post(url, {**data, "content": "我写了很久的处理说明"}), org.manager1
    )
    assert "我写了很久的处理说明" in page
    record.refresh_from_db()
    assert record.content == "经理补充的内容"


def test_the_product_page_refuses_a_stale_save_and_keeps_the_input(org, login):
    product = ProductFactory(code="CP-777", name="法兰")
    url = f"/products/{product.pk}/edit/"
    data = {"code": "CP-777", "name": "法兰", "is_active": "on", "version": 1}
    assert login(org.assistant1).post(url, {**data, "remarks": "助理改"}).status_code == 302
    page = _stale_page(
        login(org.manager1).post(url, {**data, "remarks": "经理的备注"}), org.assistant1
    )
    assert "经理的备注" in page
    product.refresh_from_db()
    assert product.remarks == "助理改" and product.version == 2


def test_an_edit_form_without_its_version_is_refused(org, login):
    record = ServiceRecordFactory(customer=CustomerFactory(owner=org.sales1), content="原内容")
    response = login(org.sales1).post(
        f"/service/{record.pk}/edit/",
        {
            "kind": record.kind,
            "received_on": record.received_on.isoformat(),
            "client_name": record.client_name,
            "content": "没有版本号",
        },
    )
    assert response.status_code == 200 and "请刷新页面后重试" in text(response)
    assert ServiceRecord.objects.get().content == "原内容"


def test_products_start_at_version_one_and_count_saves(org):
    product = ProductFactory()
    assert Product.objects.get().version == 1
    for expected in (1, 2, 3):
        product = product_update(
            actor=org.admin,
            product=product,
            data={"remarks": str(expected)},
            expected_version=expected,
        )
    assert product.version == 4


def test_a_service_record_date_check_still_applies_on_update(org):
    record = ServiceRecordFactory(customer=CustomerFactory(owner=org.sales1))
    with pytest.raises(Exception) as exc:
        service_record_update(
            actor=org.sales1,
            record=record,
            data={"handled_on": record.received_on - datetime.timedelta(days=1), "result": "x"},
            expected_version=1,
        )
    assert "handled_on" in exc.value.error_dict
    record.refresh_from_db()
    assert record.version == 1
