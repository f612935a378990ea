"""The change of a contract: 5-15 拟制 → 审核 → 批准, a new version with its diff, and the
5-16 notice each ticked department signs."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from contracts.models import ChangeStatus, ContractStatus, NoticeDepartment
from contracts.services.changes import (
    change_approve,
    change_check,
    change_create,
    notice_acknowledge,
)
from contracts.services.contracts import contract_seal
from ledger.workflow import inbox
from tests.contracts.helpers import make_contract, sign_all, submitted

pytestmark = pytest.mark.django_db

REQUEST = {
    "content": "客户要求推迟交货并调整金额",
    "basis": ["fax", "other"],
    "basis_other": "邮件",
    "notify_departments": ["production", "purchasing"],
    "notify_related": "客户采购部",
}


def sealed(org, owner=None):
    contract, rnd = submitted(owner or org.sales1)
    sign_all(org, rnd)
    contract.refresh_from_db()
    return contract_seal(contract=contract, actor=owner or org.sales1)


def drafted(org, contract, **proposed):
    return change_create(
        contract=contract,
        actor=contract.owner,
        data=REQUEST,
        proposed=proposed or {"delivery_on": "2027-01-15", "amount": "130000.00"},
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_change_goes_drafted_checked_approved_and_makes_version_2(org):
    contract = sealed(org)
    change = drafted(org, contract)
    assert change.number.startswith("BG-")
    change_check(change=change, actor=org.manager1)
    version = change_approve(change=change, actor=org.gm)
    contract.refresh_from_db()
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert (change.drafted_by, change.checked_by, change.approved_by) == (
        org.sales1,
        org.manager1,
        org.gm,
    )
    assert contract.revision == 2 and version.number == 2
    assert str(contract.amount) == "130000.00"
    assert str(contract.delivery_on) == "2027-01-15"
    assert contract.status == ContractStatus.SEALED
    assert version.diff == [
        {"field": "amount", "label": "合同金额", "old": "123456.70", "new": "130000.00"},
        {"field": "delivery_on", "label": "交货日期", "old": "2026-12-31", "new": "2027-01-15"},
    ]
    assert version.snapshot["amount"] == "123456.70"  # the old values stay readable
    assert sorted(change.notices.values_list("department", flat=True)) == [
        "production",
        "purchasing",
    ]
    assert change.notice_number.startswith("TZ-")


def test_the_same_person_cannot_check_and_approve(org):
    contract = sealed(org)
    change = drafted(org, contract)
    with pytest.raises(PermissionDenied, match="三个不同的人"):
        change_check(change=change, actor=org.sales1)  # the drafter
    change_check(change=change, actor=org.manager1)
    with pytest.raises(PermissionDenied):
        change_approve(change=change, actor=org.manager1)
    change.refresh_from_db()
    assert change.status == ChangeStatus.CHECKED and change.approved_by is None


def test_the_database_refuses_one_person_in_two_places(org):
    contract = sealed(org)
    change = drafted(org, contract)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(change).objects.filter(pk=change.pk).update(checked_by=org.sales1)


def test_only_the_owner_drafts_and_only_after_approval(org):
    draft = make_contract(org.sales1)
    with pytest.raises(PermissionDenied):
        drafted(org, draft)
    contract = sealed(org)
    with pytest.raises(PermissionDenied):
        change_create(contract=contract, actor=org.manager1, data=REQUEST, proposed={"copies": 3})


def test_bad_or_no_new_values_are_refused(org):
    contract = sealed(org)
    with pytest.raises(ValidationError):
        drafted(org, contract, delivery_on="明天")
    with pytest.raises(ValidationError):
        drafted(org, contract, number="HT-9999-0001")
    with pytest.raises(ValidationError):
        change_create(contract=contract, actor=org.sales1, data=REQUEST, proposed={})
    assert not contract.changes.exists()


def test_each_ticked_department_signs_its_notice_once(org):
    contract = sealed(org)
    change = drafted(org, contract)
    change_check(change=change, actor=org.manager1)
    change_approve(change=change, actor=org.gm)
    production = change.notices.get(department=NoticeDepartment.PRODUCTION)
    purchasing = change.notices.get(department=NoticeDepartment.PURCHASING)

    def notices(user):
        return {s.key: s.count for s in inbox.sections_for(user)}.get("contracts.notice", 0)

    assert (notices(org.production1), notices(org.purchasing1), notices(org.quality1)) == (1, 1, 0)
    with pytest.raises(PermissionDenied):
        notice_acknowledge(notice=production, actor=org.purchasing1)
    notice_acknowledge(notice=production, actor=org.production1)
    with pytest.raises(ValidationError):
        notice_acknowledge(notice=production, actor=org.production1)
    change.refresh_from_db()
    assert not change.notices_complete
    notice_acknowledge(notice=purchasing, actor=org.purchasing1)
    assert change.notices_complete
    assert notices(org.production1) == 0


def test_the_change_through_the_pages(org, login):
    contract = sealed(org)
    client = login(org.sales1)
    assert client.get(f"/contracts/{contract.pk}/changes/new/").status_code == 200
    response = client.post(
        f"/contracts/{contract.pk}/changes/new/",
        {
            "applied_on": "2026-11-28",
            "unit_name": contract.customer.name,
            "content": "交货期推迟",
            "raised_by_customer": "1",
            "basis": ["fax"],
            "notify_departments": ["production", "purchasing"],
            "new_delivery_on": "2027-02-01",
            "new_is_penalty": "1",
        },
        follow=True,
    )
    change = response.context["change"]
    assert change.proposed == {"delivery_on": "2027-02-01", "is_penalty": True}
    # The drafter cannot check it, the manager can; the manager cannot approve it.
    response = client.post(
        f"/contracts/changes/{change.pk}/action/", {"move": "check"}, follow=True
    )
    assert messages_of(response) == ["拟制、审核、批准须由三个不同的人完成。"]
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT
    manager = login(org.manager1)
    response = manager.post(
        f"/contracts/changes/{change.pk}/action/", {"move": "check"}, follow=True
    )
    assert messages_of(response) == ["已审核，下一步由总经理批准。"]
    response = manager.post(
        f"/contracts/changes/{change.pk}/action/", {"move": "approve"}, follow=True
    )
    assert messages_of(response) == ["拟制、审核、批准须由三个不同的人完成。"]
    change.refresh_from_db()
    assert change.status == ChangeStatus.CHECKED
    login(org.gm).post(f"/contracts/changes/{change.pk}/action/", {"move": "approve"})
    contract.refresh_from_db()
    assert contract.revision == 2
    page = login(org.sales1).get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="version-2"' in page and "2027-02-01" in page and "2026-12-31" in page
    # The production department sees the change and signs its row; not the contract.
    production = login(org.production1)
    assert production.get(contract.get_absolute_url()).status_code == 404
    assert production.get(change.get_absolute_url()).status_code == 200
    notice = change.notices.get(department="production")
    response = production.post(f"/contracts/notices/{notice.pk}/sign/", follow=True)
    notice.refresh_from_db()
    assert notice.acknowledged_by == org.production1
    assert messages_of(response) == ["生产部门已签收变更通知。"]
    # quality1 was not notified: neither the change nor the notice are there for them.
    quality = login(org.quality1)
    assert quality.get(change.get_absolute_url()).status_code == 404
    assert quality.post(f"/contracts/notices/{notice.pk}/sign/").status_code == 404
