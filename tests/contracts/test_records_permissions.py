"""Every page of the contract records × every role: the allowed path answers 200, the
forbidden path is refused (403 for a page the role may not use, 404 for a record the
user may not see)."""

import datetime

import pytest

from contracts.models import ContractArchive, ContractInspection, ContractStatus
from contracts.services.records import (
    authorization_create,
    contract_archive,
    inspection_create,
    text_use_create,
)
from tests.conftest import ROLES
from tests.contracts.records_state import make_contract

SALES_SIDE = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3", "assistant1"}
EVERYONE = set(ROLES)
CLERKS = {"admin", "assistant1"}
OFFICE_READERS = {"admin", "gm", "manager1", "manager2", "assistant1"}
INSPECTORS = {"admin", "gm", "manager1", "manager2", "assistant1"}


def inspect(actor, contract):
    return inspection_create(
        actor=actor,
        data={
            "contract": contract,
            "inspected_on": datetime.date(2026, 5, 3),
            "items": "交货进度",
            "performance": "按期交货",
        },
    )


@pytest.fixture
def things(org):
    one = make_contract(org.sales1)
    three = make_contract(org.sales3)
    archived = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    return {
        "i1": inspect(org.manager1, one),
        "i3": inspect(org.manager2, three),
        "k1": make_contract(org.sales1, status=ContractStatus.COMPLETED),
        "k3": make_contract(org.sales3, status=ContractStatus.COMPLETED),
        "a1": contract_archive(
            actor=org.assistant1,
            contract=archived,
            data={"archived_on": datetime.date(2026, 11, 2), "copies": 2},
        ),
        "t": text_use_create(
            actor=org.assistant1,
            data={
                "text_name": "公司格式销售合同",
                "text_source": "合同管理部门",
                "copies": 1,
                "user_name": "张伟",
                "used_on": datetime.date(2026, 4, 1),
            },
        ),
        "l": authorization_create(
            actor=org.assistant1,
            data={
                "department": "销售一部",
                "holder_name": "张伟",
                "issued_on": datetime.date(2026, 4, 1),
                "principal": "王建国",
                "agent": "张伟",
                "matter": "签订销售合同",
                "valid_until": datetime.date(2026, 12, 31),
                "authority": "代表公司签订合同",
            },
        ),
    }


def pages(t):
    """(url, roles that get 200, status for everyone else, {role: other status})."""
    rows = [
        ("/contracts/inspections/new/", INSPECTORS, 403, {}),
        # An inspection is corrected by its inspector (and the 总经理, admins); a manager of
        # another department does not even see it.
        (
            f"/contracts/inspections/{t['i1'].pk}/edit/",
            {"manager1", "gm", "admin"},
            403,
            {"manager2": 404},
        ),
        (
            f"/contracts/inspections/{t['i3'].pk}/edit/",
            {"manager2", "gm", "admin"},
            403,
            {"manager1": 404},
        ),
        ("/contracts/inspections/999999/edit/", set(), 403, dict.fromkeys(INSPECTORS, 404)),
        ("/contracts/text-uses/new/", CLERKS, 403, {}),
        (f"/contracts/text-uses/{t['t'].pk}/edit/", CLERKS, 403, {}),
        ("/contracts/authorizations/new/", CLERKS, 403, {}),
        (f"/contracts/authorizations/{t['l'].pk}/edit/", CLERKS, 403, {}),
        ("/contracts/archive/", CLERKS, 403, {}),
        (f"/contracts/{t['k1'].pk}/archive/", CLERKS, 403, {}),
        (f"/contracts/{t['k3'].pk}/archive/", CLERKS, 403, {}),
        # Already archived: there is nothing to archive any more.
        (f"/contracts/{t['a1'].contract_id}/archive/", set(), 403, dict.fromkeys(CLERKS, 404)),
        (f"/contracts/archives/{t['a1'].pk}/edit/", CLERKS, 403, {}),
        ("/contracts/archives/999999/edit/", set(), 403, dict.fromkeys(CLERKS, 404)),
    ]
    for suffix in ("", "export.xlsx", "print.pdf"):
        for code in ("5-17", "5-18", "5-19", "5-21", "5-22", "5-25"):
            rows.append((f"/registers/{code}/{suffix}", SALES_SIDE, 403, {}))
        rows.append((f"/registers/5-20/{suffix}", EVERYONE, 403, {}))
        for code in ("5-23", "5-24"):
            rows.append((f"/registers/{code}/{suffix}", OFFICE_READERS, 403, {}))
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_every_records_page_for_every_role(org, things, client, role):
    client.force_login(getattr(org, role))
    failures = []
    for url, allowed, refused, special in pages(things):
        status = client.get(url).status_code
        expected = 200 if role in allowed else special.get(role, refused)
        if status != expected:
            failures.append(f"{url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_the_login_page(things, client):
    for url, _allowed, _refused, _special in pages(things):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_forbidden_writes_change_nothing(org, things, client):
    k3, i3 = things["k3"], things["i3"]
    client.force_login(org.sales3)  # the owner may not archive their own contract
    refused = client.post(
        f"/contracts/{k3.pk}/archive/", {"archived_on": "2026-11-02", "copies": 2}
    )
    assert refused.status_code == 403
    client.force_login(org.manager1)  # another department's inspection: not even seen
    edit = client.post(
        f"/contracts/inspections/{i3.pk}/edit/",
        {
            "contract": str(i3.contract_id),
            "inspected_on": "2026-05-04",
            "items": "改",
            "performance": "改",
            "version": 1,
        },
    )
    assert edit.status_code == 404
    client.force_login(org.gm)  # may read the office registers, not write them
    letter = client.post(
        f"/contracts/authorizations/{things['l'].pk}/edit/", {"remarks": "改", "version": 1}
    )
    assert letter.status_code == 403
    k3.refresh_from_db()
    i3.refresh_from_db()
    assert k3.status == ContractStatus.COMPLETED
    assert not ContractArchive.objects.filter(contract=k3).exists()
    assert (i3.items, i3.version) == ("交货进度", 1)
    assert ContractInspection.objects.count() == 2
