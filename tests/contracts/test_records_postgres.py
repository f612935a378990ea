"""Archiving at once, on real PostgreSQL connections: one archive per contract, and the
档案编号 stay gapless when two clerks archive two contracts at the same moment."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Contract, ContractArchive, ContractStatus
from contracts.services.records import contract_archive
from ledger.models import StatusChange
from tests.contracts.records_state import make_contract
from tests.ledger.test_postgres import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def archive(pk, actor):
    def _archive():
        fresh = Contract.objects.get(pk=pk)  # each thread reads on its own connection
        return contract_archive(
            actor=actor,
            contract=fresh,
            data={"archived_on": datetime.date(2026, 11, 2), "copies": 2},
            expected_state="completed",
        )

    return _archive


def test_twenty_clerks_archiving_one_contract_leave_one_archive(org):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    actors = [org.assistant1, org.admin] * 10
    results = run_together(*(archive(contract.pk, a) for a in actors))
    won = [r for r in results if isinstance(r, ContractArchive)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(refused) == 19, results
    assert ContractArchive.objects.filter(contract=contract).count() == 1
    assert won[0].number == "GD-2026-0001"
    assert StatusChange.objects.filter(object_id=contract.pk, to_state="archived").count() == 1
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ARCHIVED


def test_two_contracts_archived_at_once_get_consecutive_numbers(org):
    one = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    two = make_contract(org.sales3, status=ContractStatus.COMPLETED)
    results = run_together(archive(one.pk, org.assistant1), archive(two.pk, org.admin))
    assert all(isinstance(r, ContractArchive) for r in results), results
    assert sorted(r.number for r in results) == ["GD-2026-0001", "GD-2026-0002"]
