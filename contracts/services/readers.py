"""Who reads a contract in the registers: copies of the owners its rule is about.

The registers' rule for a salesperson or a department manager is about two people: the
contract's owner and its customer's owner (``contracts.selectors_records``). So that the
database tests it on one row instead of joining the customers,

* each contract carries its customer's owner (``Contract.customer_owner``): 5-17 … 5-25
  read the contract alone;
* each review step carries both (``ReviewStep.contract_owner`` / ``customer_owner``): 表5-20
  finds a department's decisions of a year on the step table and its index alone.

The copies are

* written when a contract is entered (``customer_owner_of``, the customer read under lock)
  and when a round opens (``step_readers``, the contract locked by ``contract_submit``);
* rewritten when a contract's owner changes (``contract_owner_changed``, from
  ``contract_update``) and when customers change owner (``customers_owner_changed``, the
  receiver of ``ledger.signals.customer_owner_changed``, sent by the customer services in
  their transaction, with the customers locked);
* compared with the customers, and rebuilt, by ``manage.py refresh_review_readers``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from contracts.models import Contract, ReviewStep
from ledger.models import Customer


def customer_owner_of(customer_id: int) -> int:
    """The owner a new contract of ``customer_id`` copies, read under the customer's lock
    so a change of owner waits for the contract (or the contract for the change)."""
    owners = Customer.objects.select_for_update().values_list("owner_id", flat=True)
    return owners.get(pk=customer_id)


def step_readers(contract: Contract) -> dict[str, int | None]:
    """The copies a new step of ``contract`` (locked) carries: the contract's own."""
    return {
        "contract_owner_id": contract.owner_id,
        "customer_owner_id": contract.customer_owner_id,
    }


def contract_owner_changed(contract: Contract) -> int:
    """``contract`` has a new owner: its steps say so. Returns the steps rewritten."""
    return (
        ReviewStep.objects.filter(round__contract=contract)
        .exclude(contract_owner_id=contract.owner_id)
        .update(contract_owner_id=contract.owner_id)
    )


def customers_owner_changed(
    sender=None, *, customer_ids: Iterable[int], owner_id: int, **kwargs
) -> int:
    """The customers ``customer_ids`` now belong to ``owner_id``: their contracts and those
    contracts' steps say so. Returns the rows rewritten."""
    customer_ids = list(customer_ids)
    contracts = Contract.objects.filter(customer_id__in=customer_ids).update(
        customer_owner_id=owner_id
    )
    steps = ReviewStep.objects.filter(round__contract__customer_id__in=customer_ids).update(
        customer_owner_id=owner_id
    )
    return contracts + steps


def stale_contracts() -> QuerySet[Contract]:
    """Contracts whose copy of the customer's owner is not the customer's owner."""
    return Contract.objects.filter(
        Q(customer_owner__isnull=True) | ~Q(customer_owner_id=F("customer__owner_id"))
    )


def stale_steps() -> QuerySet[ReviewStep]:
    """Steps whose copies differ from their contract's owner and customer's owner."""
    return ReviewStep.objects.filter(
        Q(contract_owner__isnull=True)
        | Q(customer_owner__isnull=True)
        | ~Q(contract_owner_id=F("round__contract__owner_id"))
        | ~Q(customer_owner_id=F("round__contract__customer__owner_id"))
    )


def refresh_readers() -> int:
    """Rewrite every stale copy from the customers and contracts (after a bulk load or a
    hand-made correction in the database). Returns the rows rewritten."""
    customer = Customer.objects.filter(pk=OuterRef("customer_id"))
    contracts = stale_contracts().update(customer_owner_id=Subquery(customer.values("owner_id")))
    contract = Contract.objects.filter(rounds=OuterRef("round_id"))
    steps = stale_steps().update(
        contract_owner_id=Subquery(contract.values("owner_id")[:1]),
        customer_owner_id=Subquery(contract.values("customer__owner_id")[:1]),
    )
    return contracts + steps
