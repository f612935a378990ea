"""The registers' rule reads copies of the owners it is about (``contracts.services.readers``):
each contract's customer's owner, each review step's contract owner and customer owner. They
are written when a contract is entered and a round opens, and follow every change of either
owner, so a register row is always listed for exactly the people who may read its contract."""

import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Opinion, ReviewBox, ReviewStep
from contracts.selectors import contracts_visible_to
from contracts.selectors_records import contracts_for_records, review_steps_visible_to
from contracts.services.contracts import contract_create, contract_submit, contract_update
from contracts.services.readers import refresh_readers, stale_contracts, stale_steps
from ledger.services.customers import customer_update, customers_hand_over
from tests.contracts.helpers import contract_data, sign, submitted
from tests.contracts.records_state import readable_contracts
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PEOPLE = ("admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3", "assistant1")


def across(org, owner, customer_owner):
    """A submitted contract of ``owner`` for a customer of ``customer_owner`` (entered by
    an admin: a salesperson contracts only with their own customers)."""
    customer = CustomerFactory(owner=customer_owner)
    contract = contract_create(actor=org.admin, data=contract_data(customer, owner=owner))
    return contract, contract_submit(contract=contract, actor=owner)


def decided(org, owner, **over):
    """A contract of ``owner`` under review with its 销售经理 box signed."""
    contract, rnd = submitted(owner, **over)
    sign(org, rnd, ReviewBox.MANAGER)
    return contract, rnd


def readers_of(org, contract) -> set[str]:
    """Who finds the contract's decisions through the register's rule."""
    return {
        name
        for name in PEOPLE
        if review_steps_visible_to(getattr(org, name)).filter(round__contract=contract).exists()
    }


def assert_rule_holds(org) -> None:
    """Every role gets exactly the contracts the rule gives it, worked out from the
    customers themselves, and exactly their steps."""
    assert not stale_contracts().exists()
    assert not stale_steps().exists()
    for name in PEOPLE:
        user = getattr(org, name)
        readable = readable_contracts(user)
        assert set(contracts_visible_to(user).values_list("pk", flat=True)) == readable, name
        assert set(contracts_for_records(user).values_list("pk", flat=True)) == readable, name
        expected = set(
            ReviewStep.objects.filter(round__contract__in=readable).values_list("pk", flat=True)
        )
        assert set(review_steps_visible_to(user).values_list("pk", flat=True)) == expected, name


def test_a_new_round_carries_the_contracts_owner_and_its_customers_owner(org):
    contract, rnd = across(org, org.sales1, org.sales3)
    assert contract.customer_owner == org.sales3
    assert set(rnd.steps.values_list("contract_owner", "customer_owner")) == {
        (org.sales1.pk, org.sales3.pk)
    }
    # 销售一部 through the owner, 销售二部 through the customer.
    assert readers_of(org, contract) == set(PEOPLE) - {"sales2"}
    assert_rule_holds(org)


def test_a_customer_given_to_another_department_takes_its_decisions_along(org, client):
    customer = CustomerFactory(owner=org.sales2)
    contract, _rnd = decided(org, org.sales2, customer=customer)
    client.force_login(org.manager2)
    assert contract.number not in client.get("/registers/5-20/").content.decode()

    customer_update(
        actor=org.admin,
        customer=customer,
        data={"owner": org.sales3},
        expected_version=customer.version,
    )

    assert contract.number in client.get("/registers/5-20/").content.decode()
    assert contract.number in client.get("/registers/5-19/").content.decode()
    assert {"manager2", "sales3"} <= readers_of(org, contract)
    assert_rule_holds(org)


def test_a_refused_customer_change_leaves_the_decisions_where_they_were(org):
    from ledger.services.customers import StaleRecordError

    customer = CustomerFactory(owner=org.sales1)
    contract, _rnd = decided(org, org.sales1, customer=customer)
    with pytest.raises(StaleRecordError):
        customer_update(
            actor=org.admin,
            customer=customer,
            data={"owner": org.sales3},
            expected_version=customer.version - 1,
        )
    assert "sales3" not in readers_of(org, contract)
    assert set(contract.rounds.get().steps.values_list("customer_owner", flat=True)) == {
        org.sales1.pk
    }


def test_a_handover_takes_every_customers_decisions_along(org):
    first, _ = decided(org, org.sales1)
    second, _ = decided(org, org.sales1)
    assert "sales3" not in readers_of(org, first)

    moved = customers_hand_over(actor=org.admin, from_user=org.sales1, to_user=org.sales3)

    assert moved == 2
    for contract in (first, second):
        # The contract stays sales1's; its customer is now sales3's (销售二部).
        assert {"sales1", "manager1", "sales3", "manager2"} <= readers_of(org, contract)
    assert_rule_holds(org)


def test_a_returned_contract_given_to_another_handler_takes_its_decisions_along(org):
    contract, rnd = across(org, org.sales1, org.manager1)
    sign(org, rnd, ReviewBox.PRODUCTION, Opinion.DISAGREE, comment="交期过紧")
    contract.refresh_from_db()
    assert "sales2" not in readers_of(org, contract)

    contract_update(
        contract=contract,
        actor=org.manager1,
        data={"owner": org.sales2},
        lines=None,
        expected_version=contract.version,
    )

    assert set(rnd.steps.values_list("contract_owner", flat=True)) == {org.sales2.pk}
    assert "sales2" in readers_of(org, contract)
    assert "sales1" not in readers_of(org, contract)
    assert_rule_holds(org)


def test_the_command_finds_and_mends_copies_written_around_the_services(org):
    contract, rnd = decided(org, org.sales1)
    call_command("refresh_review_readers", "--check")  # all agree
    rnd.steps.update(customer_owner=org.sales3)
    assert "sales3" in readers_of(org, contract)
    type(contract).objects.filter(pk=contract.pk).update(customer_owner=org.sales3)
    assert contract.pk in contracts_for_records(org.manager2).values_list("pk", flat=True)
    with pytest.raises(CommandError, match="7 contracts and review steps"):
        call_command("refresh_review_readers", "--check")

    call_command("refresh_review_readers")

    call_command("refresh_review_readers", "--check")
    assert "sales3" not in readers_of(org, contract)
    assert contract.pk not in contracts_for_records(org.manager2).values_list("pk", flat=True)
    assert refresh_readers() == 0


def test_the_migration_fills_the_copies_of_existing_steps(org):
    contract, rnd = across(org, org.sales1, org.sales3)
    sign(org, rnd, ReviewBox.MANAGER)
    type(contract).objects.update(customer_owner=None)
    rnd.steps.update(contract_owner=None, customer_owner=None)
    migration = importlib.import_module("contracts.migrations.0006_review_step_readers")

    migration.fill_readers(apps, None)

    assert set(rnd.steps.values_list("contract_owner", "customer_owner")) == {
        (org.sales1.pk, org.sales3.pk)
    }
    contract.refresh_from_db()
    assert contract.customer_owner == org.sales3
    assert not stale_contracts().exists()
    assert not stale_steps().exists()


def counts_of(client, url) -> list[str]:
    """The SQL of the row counts a register page makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]


def test_a_managers_registers_are_counted_without_reading_the_customers(org, client):
    """The point of the copies: neither 5-20's count nor 5-17's joins the contracts'
    customers (5-20 not even the contracts)."""
    decided(org, org.sales1)
    decided(org, org.sales2)
    client.force_login(org.manager1)
    step_counts = [
        sql
        for sql in counts_of(client, "/registers/5-20/")
        if sql.startswith('SELECT COUNT(*) AS "__count" FROM "contracts_reviewstep"')
    ]
    assert step_counts
    assert all("contracts_contract" not in sql for sql in step_counts)
    line_counts = [sql for sql in counts_of(client, "/registers/5-17/") if "contractline" in sql]
    assert line_counts
    assert all("ledger_customer" not in sql for sql in line_counts)
