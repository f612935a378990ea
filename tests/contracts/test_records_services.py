"""The services of the contract records: numbers, the archive's rules, who may write."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.models import AuthorizationLetter, ContractArchive, ContractStatus
from contracts.services.records import (
    authorization_create,
    authorization_update,
    contract_archive,
    inspection_create,
    inspection_update,
    text_use_create,
)
from ledger.models import StatusChange
from ledger.services.base import StaleRecordError
from tests.contracts.records_state import make_contract


def letter_data(**extra):
    data = {
        "department": "销售一部",
        "holder_name": "张伟",
        "issued_on": datetime.date(2026, 4, 1),
        "principal": "王建国",
        "agent": "张伟",
        "matter": "签订销售合同",
        "amount": Decimal("500000.00"),
        "valid_until": datetime.date(2026, 12, 31),
        "authority": "代表公司签订合同",
    }
    data.update(extra)
    return data


def archive(org, contract, on=datetime.date(2026, 11, 2)):
    return contract_archive(
        actor=org.assistant1, contract=contract, data={"archived_on": on, "copies": 2}
    )


def test_archive_numbers_are_gapless_per_year(org):
    contracts = [make_contract(org.sales1, status=ContractStatus.COMPLETED) for _ in range(3)]
    numbers = [
        archive(org, contracts[0]).number,
        archive(org, contracts[1]).number,
        archive(org, contracts[2], on=datetime.date(2027, 1, 4)).number,
    ]
    assert numbers == ["GD-2026-0001", "GD-2026-0002", "GD-2027-0001"]


def test_archiving_moves_the_contract_to_archived_with_a_status_change(org):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    record = archive(org, contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ARCHIVED
    change = StatusChange.objects.get(object_id=contract.pk, to_state="archived")
    assert (change.from_state, change.actor, change.note) == (
        "completed",
        org.assistant1,
        f"档案编号{record.number}",
    )


def test_only_a_completed_contract_is_archived(org):
    contract = make_contract(org.sales1, status=ContractStatus.IN_FORCE)
    with pytest.raises(ValidationError) as refused:
        archive(org, contract)
    assert "只有已完成的合同才能归档" in refused.value.messages[0]
    assert not ContractArchive.objects.exists()


def test_a_contract_is_archived_once(org):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    first = archive(org, contract)
    with pytest.raises(ValidationError):
        archive(org, contract)
    assert list(ContractArchive.objects.values_list("number", flat=True)) == [first.number]


@pytest.mark.parametrize("role", ["sales1", "manager1", "gm", "production1"])
def test_only_the_assistant_and_admins_archive(org, role):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    with pytest.raises(PermissionDenied):
        contract_archive(
            actor=getattr(org, role),
            contract=contract,
            data={"archived_on": datetime.date(2026, 11, 2), "copies": 2},
        )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED


def test_letter_numbers_are_gapless_and_a_refused_letter_takes_none(org):
    first = authorization_create(actor=org.assistant1, data=letter_data())
    with pytest.raises(ValidationError):
        authorization_create(
            actor=org.assistant1, data=letter_data(valid_until=datetime.date(2026, 1, 1))
        )
    second = authorization_create(actor=org.admin, data=letter_data())
    assert (first.number, second.number) == ("WT-2026-0001", "WT-2026-0002")
    assert first.handled_by == org.assistant1


@pytest.mark.parametrize("role", ["sales1", "manager1", "gm", "quality1"])
def test_only_the_assistant_and_admins_keep_the_office_registers(org, role):
    with pytest.raises(PermissionDenied):
        authorization_create(actor=getattr(org, role), data=letter_data())
    with pytest.raises(PermissionDenied):
        text_use_create(
            actor=getattr(org, role),
            data={
                "text_name": "合同",
                "text_source": "合同管理部门",
                "copies": 1,
                "user_name": "张伟",
                "used_on": datetime.date(2026, 4, 1),
            },
        )
    assert not AuthorizationLetter.objects.exists()


def test_a_stale_letter_edit_is_refused(org):
    letter = authorization_create(actor=org.assistant1, data=letter_data())
    authorization_update(
        actor=org.admin, letter=letter, data={"remarks": "已收回"}, expected_version=1
    )
    with pytest.raises(StaleRecordError):
        authorization_update(
            actor=org.assistant1, letter=letter, data={"remarks": "作废"}, expected_version=1
        )
    letter.refresh_from_db()
    assert (letter.remarks, letter.version, letter.number) == ("已收回", 2, "WT-2026-0001")


def test_an_inspection_names_only_a_contract_the_inspector_may_see(org):
    theirs = make_contract(org.sales3)
    with pytest.raises(ValidationError) as refused:
        inspection_create(
            actor=org.manager1,
            data={
                "contract": theirs,
                "inspected_on": datetime.date(2026, 5, 3),
                "items": "交货进度",
                "performance": "按期交货",
            },
        )
    assert "contract" in refused.value.error_dict


def test_an_inspection_is_corrected_by_its_inspector_only(org):
    contract = make_contract(org.sales1)
    inspection = inspection_create(
        actor=org.manager1,
        data={
            "contract": contract,
            "inspected_on": datetime.date(2026, 5, 3),
            "items": "交货进度",
            "performance": "按期交货",
        },
    )
    assert inspection.inspector == org.manager1
    with pytest.raises(PermissionDenied):
        inspection_update(
            actor=org.assistant1,
            inspection=inspection,
            data={"problems": "无"},
            expected_version=1,
        )
    changed = inspection_update(
        actor=org.manager1, inspection=inspection, data={"problems": "无"}, expected_version=1
    )
    assert (changed.problems, changed.version) == ("无", 2)


def test_the_correction_deadline_cannot_precede_the_inspection(org):
    contract = make_contract(org.sales1)
    with pytest.raises(ValidationError):
        inspection_create(
            actor=org.assistant1,
            data={
                "contract": contract,
                "inspected_on": datetime.date(2026, 5, 3),
                "deadline": datetime.date(2026, 5, 1),
                "items": "交货进度",
                "performance": "延迟",
            },
        )
