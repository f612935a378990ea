"""Writes to the registry go through services that enforce the rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ledger.models import Customer, CustomerEvent, EventKind
from ledger.selectors import customer_changes
from ledger.services.customers import (
    DuplicateCustomerError,
    StaleRecordError,
    contact_create,
    contact_delete,
    customer_create,
    customer_delete,
    customer_event_record,
    customer_update,
    customers_hand_over,
)
from ledger.services.products import product_create, product_delete, product_update
from ledger.services.service_records import service_record_create, service_record_update
from tests.factories import CustomerFactory, ProductFactory

BASE = {"name": "宁波海天精工有限公司", "category": "new", "phone": "0574-86181234"}


def test_a_salesperson_creates_a_customer_with_contacts(sales1):
    customer = customer_create(
        actor=sales1,
        data=BASE,
        contacts=[
            {"kind": "primary", "name": "王芳", "phone": "13800000001"},
            {"kind": "secondary", "name": "李强", "title": "技术主管"},
            {"name": ""},  # an empty form row is ignored
        ],
    )
    assert customer.owner == sales1
    assert customer.created_by == sales1
    assert [c.name for c in customer.contacts.all()] == ["王芳", "李强"]
    record = customer.history.first()
    assert record.history_user == sales1 and record.history_type == "+"


def test_a_salesperson_cannot_give_a_new_customer_to_someone_else(sales1, sales2):
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=sales1, data={**BASE, "owner": sales2})
    assert "owner" in exc.value.error_dict
    assert not Customer.objects.exists()


def test_a_manager_may_assign_within_the_department_only(manager1, sales2, sales3):
    assert customer_create(actor=manager1, data={**BASE, "owner": sales2}).owner == sales2
    with pytest.raises(ValidationError):
        customer_create(actor=manager1, data={**BASE, "name": "另一家", "owner": sales3})


@pytest.mark.parametrize("role", ["assistant1", "production1", "quality1", "purchasing1"])
def test_roles_without_customers_cannot_create_one(org, role):
    with pytest.raises(PermissionDenied):
        customer_create(actor=getattr(org, role), data=BASE)


def test_a_duplicate_name_or_phone_needs_confirmation(sales1, sales3):
    CustomerFactory(name="宁波 海天精工有限公司", phone="0574-86181234", owner=sales3)
    with pytest.raises(DuplicateCustomerError) as exc:
        customer_create(actor=sales1, data=BASE)
    assert exc.value.matches[0].owner == str(sales3)
    with pytest.raises(DuplicateCustomerError):
        customer_create(
            actor=sales1,
            data={**BASE, "name": "完全不同的名字"},
            contacts=[{"name": "甲", "phone": "0574 8618 1234"}],
        )
    created = customer_create(actor=sales1, data=BASE, confirm_duplicate=True)
    assert created.pk and Customer.objects.count() == 2


def test_invalid_data_is_refused_and_nothing_is_saved(sales1):
    with pytest.raises(ValidationError) as exc:
        customer_create(
            actor=sales1, data={**BASE, "email": "not-an-email", "category": "vip"}, contacts=[]
        )
    assert {"email", "category"} <= set(exc.value.error_dict)
    with pytest.raises(ValidationError):
        customer_create(actor=sales1, data=BASE, contacts=[{"name": "甲", "email": "bad"}])
    assert not Customer.objects.exists()


def test_update_records_who_changed_what(sales1):
    customer = customer_create(actor=sales1, data=BASE)
    customer_update(
        actor=sales1,
        customer=customer,
        data={"phone": "0574-99990000", "category": "key"},
        expected_version=customer.version,
    )
    changes = {(c.field, c.old, c.new, c.who) for c in customer_changes(customer)}
    assert ("电话号码", "0574-86181234", "0574-99990000", str(sales1)) in changes
    assert ("客户类别", "新客户", "重要客户", str(sales1)) in changes


def test_a_stale_edit_is_refused_with_who_and_when(sales1, manager1):
    customer = customer_create(actor=sales1, data=BASE)
    opened_at = customer.version
    customer_update(
        actor=manager1, customer=customer, data={"industry": "机床"}, expected_version=opened_at
    )
    with pytest.raises(StaleRecordError) as exc:
        customer_update(
            actor=sales1, customer=customer, data={"industry": "模具"}, expected_version=opened_at
        )
    assert exc.value.who == str(manager1)
    assert str(manager1) in exc.value.messages[0]
    customer.refresh_from_db()
    assert customer.industry == "机床"


def test_nobody_edits_a_customer_they_may_not_see(sales1, sales3, manager2):
    customer = CustomerFactory(owner=sales3)
    with pytest.raises(PermissionDenied):
        customer_update(actor=sales1, customer=customer, data={"industry": "x"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        contact_create(actor=sales1, customer=customer, data={"name": "甲"})
    with pytest.raises(PermissionDenied):
        customer_event_record(
            actor=sales1,
            customer=customer,
            kind="meeting",
            occurred_on=datetime.date(2026, 1, 1),
            title="x",
        )
    with pytest.raises(PermissionDenied):
        service_record_create(actor=sales1, customer=customer, data={})
    # The owner's manager may.
    customer_update(actor=manager2, customer=customer, data={"industry": "x"}, expected_version=1)


def test_only_admins_delete_customers(sales1, manager1, admin_user):
    customer = customer_create(actor=sales1, data=BASE)
    for actor in (sales1, manager1):
        with pytest.raises(PermissionDenied):
            customer_delete(actor=actor, customer=customer)
    customer_delete(actor=admin_user, customer=customer)
    assert not Customer.objects.exists()
    deleted = Customer.history.filter(history_type="-").get()
    assert deleted.history_user == admin_user and deleted.name == BASE["name"]


def test_hand_over_moves_every_customer_and_says_so(manager1, sales1, sales2):
    customers = CustomerFactory.create_batch(3, owner=sales1)
    kept = CustomerFactory(owner=sales2)
    assert customers_hand_over(actor=manager1, from_user=sales1, to_user=sales2) == 3
    assert Customer.objects.filter(owner=sales2).count() == 4
    for customer in customers:
        last = customer.history.order_by("-history_id").first()
        assert last.owner_id == sales2.pk and last.history_user == manager1
        assert "移交" in last.history_change_reason or "handed over" in last.history_change_reason
        assert CustomerEvent.objects.filter(customer=customer, kind=EventKind.OTHER).exists()
    kept.refresh_from_db()
    assert kept.version == 1


def test_hand_over_of_a_departed_salesperson(admin_user, sales1, sales2):
    CustomerFactory.create_batch(2, owner=sales1)
    sales1.is_active = False
    sales1.save()
    assert customers_hand_over(actor=admin_user, from_user=sales1, to_user=sales2) == 2
    with pytest.raises(ValidationError):
        customers_hand_over(actor=admin_user, from_user=sales2, to_user=sales1)  # inactive receiver


def test_hand_over_is_limited(org):
    CustomerFactory(owner=org.sales3)
    with pytest.raises(PermissionDenied):  # not a manager
        customers_hand_over(actor=org.sales1, from_user=org.sales1, to_user=org.sales2)
    with pytest.raises(PermissionDenied):  # gm is not named for handovers
        customers_hand_over(actor=org.gm, from_user=org.sales3, to_user=org.sales1)
    with pytest.raises(PermissionDenied):  # another department's salesperson
        customers_hand_over(actor=org.manager1, from_user=org.sales3, to_user=org.sales1)
    with pytest.raises(ValidationError):  # into another department
        customers_hand_over(actor=org.manager2, from_user=org.sales3, to_user=org.sales1)
    with pytest.raises(ValidationError):
        customers_hand_over(actor=org.manager1, from_user=org.sales1, to_user=org.sales1)
    assert Customer.objects.get().owner == org.sales3


def test_events_move_last_contact_forward_only(sales1):
    customer = CustomerFactory(owner=sales1)
    customer_event_record(
        actor=sales1,
        customer=customer,
        kind="meeting",
        occurred_on=datetime.date(2026, 5, 1),
        title="会谈",
    )
    customer_event_record(
        actor=sales1,
        customer=customer,
        kind="other",
        occurred_on=datetime.date(2026, 3, 1),
        title="早先",
    )
    customer.refresh_from_db()
    assert customer.last_contact_on == datetime.date(2026, 5, 1)
    future = timezone.localdate() + datetime.timedelta(days=10)
    customer_event_record(
        actor=sales1, customer=customer, kind="follow_up", occurred_on=future, title="回访"
    )
    customer.refresh_from_db()
    assert customer.last_contact_on == datetime.date(2026, 5, 1)


def test_service_records_validate_dates_and_count_as_contact(sales1):
    customer = CustomerFactory(owner=sales1)
    data = {
        "kind": "complaint",
        "client_name": "王先生",
        "content": "发货延迟",
        "received_on": datetime.date(2026, 11, 10),
    }
    record = service_record_create(actor=sales1, customer=customer, data=data)
    customer.refresh_from_db()
    assert customer.last_contact_on == datetime.date(2026, 11, 10)
    with pytest.raises(ValidationError):
        service_record_update(
            actor=sales1,
            record=record,
            data={"handled_on": datetime.date(2026, 11, 1), "result": "ok"},
            expected_version=1,
        )
    record = service_record_update(
        actor=sales1,
        record=record,
        data={"handled_on": datetime.date(2026, 11, 12), "result": "已补发"},
        expected_version=1,
    )
    assert record.is_closed


def test_contacts_are_tracked_in_the_customer_history(sales1):
    customer = customer_create(actor=sales1, data=BASE, contacts=[{"name": "王芳"}])
    contact = customer.contacts.get()
    contact_delete(actor=sales1, contact=contact)
    whats = [(c.what, c.field) for c in customer_changes(customer)]
    assert any("王芳" in what for what, _field in whats)
    assert len([w for w in whats if "王芳" in w[0]]) == 2  # created, deleted


def test_products_are_kept_by_the_right_roles(org):
    data = {"code": "CP-900", "name": "法兰", "wholesale_price": Decimal("10.00")}
    for role in ("sales1", "production1", "quality1", "purchasing1"):
        with pytest.raises(PermissionDenied):
            product_create(actor=getattr(org, role), data=data)
    product = product_create(actor=org.assistant1, data=data)
    product = product_update(
        actor=org.manager1,
        product=product,
        data={"retail_price": Decimal("12.00")},
        expected_version=1,
    )
    with pytest.raises(ValidationError):
        product_create(actor=org.admin, data={**data, "name": "重复编号"})
    with pytest.raises(ValidationError):
        product_create(
            actor=org.admin, data={"code": "CP-901", "name": "负价", "retail_price": Decimal("-1")}
        )
    with pytest.raises(PermissionDenied):
        product_delete(actor=org.manager1, product=product)
    product_delete(actor=org.admin, product=product)


def test_product_history_names_the_editor(assistant1):
    product = ProductFactory()
    product_update(actor=assistant1, product=product, data={"remarks": "停产"}, expected_version=1)
    assert product.history.first().history_user == assistant1


def test_a_handled_record_needs_its_result_whoever_saves_it(sales1):
    customer = CustomerFactory(owner=sales1)
    with pytest.raises(ValidationError) as exc:
        service_record_create(
            actor=sales1,
            customer=customer,
            data={
                "kind": "complaint",
                "client_name": "王先生",
                "content": "破损",
                "received_on": datetime.date(2026, 11, 10),
                "handled_on": datetime.date(2026, 11, 11),
            },
        )
    assert "result" in exc.value.error_dict
    assert not customer.service_records.exists()


def test_the_handler_is_someone_the_actor_may_name(org):
    customer = CustomerFactory(owner=org.sales1)
    data = {
        "kind": "complaint",
        "client_name": "王先生",
        "content": "破损",
        "received_on": datetime.date(2026, 11, 10),
    }
    with pytest.raises(ValidationError) as exc:
        service_record_create(
            actor=org.sales1, customer=customer, data={**data, "handler": org.sales3}
        )
    assert "handler" in exc.value.error_dict
    record = service_record_create(
        actor=org.manager1, customer=customer, data={**data, "handler": org.sales2}
    )
    # Keeping the handler someone else named is allowed; changing it is not.
    record = service_record_update(
        actor=org.sales1, record=record, data={"content": "破损两箱"}, expected_version=1
    )
    with pytest.raises(ValidationError):
        service_record_update(
            actor=org.sales1, record=record, data={"handler": org.sales3}, expected_version=2
        )
