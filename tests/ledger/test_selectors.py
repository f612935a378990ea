"""Who sees which customers: the 公共台账 / 个人台账 rule, in one selector."""

import pytest
from django.http import Http404

from accounts.selectors import department_scope_ids, owner_choices_for, owners_managed_by
from ledger.selectors import (
    Scope,
    customer_duplicates,
    customers_visible_to,
    get_customer_for,
    service_records_visible_to,
)
from tests.factories import ContactFactory, CustomerFactory, ServiceRecordFactory, UserFactory


@pytest.fixture
def book(org):
    """One customer per owner."""
    return {
        name: CustomerFactory(name=f"{name}的客户", owner=getattr(org, name))
        for name in ("sales1", "sales2", "sales3", "manager1", "manager2")
    }


def _names(qs):
    return sorted(c.name for c in qs)


def test_the_public_ledger_lists_every_customer_for_sales_roles(org, book):
    for role in ("sales1", "sales3", "manager1", "assistant1", "gm", "admin"):
        assert customers_visible_to(getattr(org, role), scope=Scope.PUBLIC).count() == 5


@pytest.mark.parametrize("role", ["production1", "quality1", "purchasing1"])
def test_department_reviewers_see_no_customer(org, book, role):
    user = getattr(org, role)
    assert not customers_visible_to(user, scope=Scope.PUBLIC).exists()
    assert not customers_visible_to(user, scope=Scope.PERSONAL).exists()


@pytest.mark.parametrize(
    "role, visible",
    [
        ("sales1", ["sales1的客户"]),
        ("sales3", ["sales3的客户"]),
        ("manager1", ["manager1的客户", "sales1的客户", "sales2的客户"]),
        ("manager2", ["manager2的客户", "sales3的客户"]),
        ("assistant1", []),
        (
            "gm",
            ["manager1的客户", "manager2的客户", "sales1的客户", "sales2的客户", "sales3的客户"],
        ),
        (
            "admin",
            ["manager1的客户", "manager2的客户", "sales1的客户", "sales2的客户", "sales3的客户"],
        ),
    ],
)
def test_the_personal_ledger_follows_ownership_and_management(org, book, role, visible):
    assert _names(customers_visible_to(getattr(org, role))) == sorted(visible)


def test_get_customer_for_is_404_for_forbidden_and_missing(org, book):
    assert get_customer_for(org.sales1, book["sales1"].pk) == book["sales1"]
    with pytest.raises(Http404):
        get_customer_for(org.sales1, book["sales3"].pk)
    with pytest.raises(Http404):
        get_customer_for(org.sales1, 999999)
    with pytest.raises(Http404):
        get_customer_for(org.sales1, "abc")


def test_a_manager_of_a_parent_department_manages_its_children(org, book):
    director = UserFactory(username="director", role="manager", department=org.hq)
    assert customers_visible_to(director).count() == 5
    assert department_scope_ids(org.hq) == {org.hq.pk, org.dept1.pk, org.dept2.pk}


def test_inactive_users_see_nothing(org, book):
    org.sales1.is_active = False
    org.sales1.save()
    assert not customers_visible_to(org.sales1).exists()
    assert not customers_visible_to(org.sales1, scope=Scope.PUBLIC).exists()


def test_owner_choices(org):
    assert list(owner_choices_for(org.sales1)) == [org.sales1]
    assert set(owner_choices_for(org.manager1)) == {org.manager1, org.sales1, org.sales2}
    assert org.sales3 in owner_choices_for(org.admin)
    assert not owner_choices_for(org.assistant1).exists()
    assert not owner_choices_for(org.production1).exists()


def test_owners_managed_by_leaves_out_inactive_unless_asked(org):
    org.sales2.is_active = False
    org.sales2.save()
    assert org.sales2 not in owners_managed_by(org.manager1)
    assert org.sales2 in owners_managed_by(org.manager1, include_inactive=True)
    assert not owners_managed_by(org.sales1).exists()


def test_duplicates_by_name_phone_and_contact_phone(org):
    existing = CustomerFactory(
        name="杭州 明达 机械有限公司", phone="0571-8888 1234", owner=org.sales3
    )
    ContactFactory(customer=existing, phone="+86 139 0000 1111")
    by_name = customer_duplicates(name="杭州明达机械有限公司")
    assert [(m.name, m.owner) for m in by_name] == [(existing.name, str(org.sales3))]
    assert customer_duplicates(phones=["057188881234"])[0].pk == existing.pk
    assert customer_duplicates(phones=["13900001111"])[0].pk == existing.pk
    assert customer_duplicates(name="别的公司", phones=["12345"]) == []
    assert customer_duplicates(name="杭州明达机械有限公司", exclude_pk=existing.pk) == []


def test_service_records_follow_their_customer(org, book):
    mine = ServiceRecordFactory(customer=book["sales1"])
    ServiceRecordFactory(customer=book["sales3"])
    assert list(service_records_visible_to(org.sales1)) == [mine]
    assert service_records_visible_to(org.manager1).count() == 1
    assert service_records_visible_to(org.admin).count() == 2
    assert not service_records_visible_to(org.assistant1).exists()
