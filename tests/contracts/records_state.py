"""Test state for the contract records and registers: contracts written straight to the
database in the state a test needs (the review workflow has tests of its own)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from contracts.models import (
    Contract,
    ContractLine,
    ContractStatus,
    Opinion,
    ReviewBox,
    ReviewRound,
    ReviewStep,
)
from contracts.services.readers import step_readers
from tests.factories import CustomerFactory, ProductFactory

_numbers = itertools.count(1)
SIGNED = datetime.date(2026, 3, 15)


def make_contract(
    owner,
    *,
    status=ContractStatus.IN_FORCE,
    kind="sales",
    customer=None,
    signed_on=SIGNED,
    lines=1,
    name=None,
    **extra,
) -> Contract:
    n = next(_numbers)
    year = signed_on.year if signed_on else 2026
    customer = customer or CustomerFactory(owner=owner)
    contract = Contract.objects.create(
        number=f"HT-{year}-{n:05d}",
        year=year,
        customer=customer,
        name=name or f"供货合同{n}",
        kind=kind,
        amount=Decimal("1000.00") * lines,
        net_amount=Decimal("900.00") * lines,
        pay_advance=True,
        pay_on_acceptance=True,
        signed_on=signed_on,
        start_on=signed_on,
        end_on=(signed_on + datetime.timedelta(days=365)) if signed_on else None,
        delivery_on=(signed_on + datetime.timedelta(days=30)) if signed_on else None,
        advance_due_on=signed_on,
        copies=3,
        owner=owner,
        customer_owner=customer.owner,  # as contract_create copies it
        executing_department=owner.department,
        status=status,
        created_by=owner,
        **extra,
    )
    for i in range(lines):
        product = ProductFactory()
        ContractLine.objects.create(
            contract=contract,
            position=i + 1,
            product=product,
            product_name=product.name,
            spec="A-1",
            unit="台",
            quantity=Decimal("2"),
            unit_price=Decimal("500.00"),
            amount=Decimal("1000.00"),
        )
    return contract


def sign_round(contract: Contract, signers: dict[str, object], *, outcome="passed") -> ReviewRound:
    """A review round of ``contract`` with the given boxes signed 同意 by ``signers``."""
    number = contract.rounds.count() + 1
    now = timezone.now()
    rnd = ReviewRound.objects.create(
        contract=contract,
        number=number,
        outcome=outcome,
        submitted_by=contract.owner,
        submitted_at=now,
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    readers = step_readers(contract)  # as contract_submit writes them
    for position, box in enumerate(ReviewBox.values):
        signer = signers.get(box)
        ReviewStep.objects.create(
            round=rnd,
            box=box,
            position=position,
            opinion=Opinion.AGREE if signer else "",
            comment="同意" if signer else "",
            signer=signer,
            signed_at=now if signer else None,
            deadline=rnd.deadline,
            **readers,
        )
    return rnd


def all_signers(org) -> dict:
    return {
        ReviewBox.MANAGER: org.manager1,
        ReviewBox.ASSISTANT: org.assistant1,
        ReviewBox.PRODUCTION: org.production1,
        ReviewBox.QUALITY: org.quality1,
        ReviewBox.PURCHASING: org.purchasing1,
        ReviewBox.GM: org.gm,
    }


def readable_contracts(user) -> set[int]:
    """The contracts ``user`` may read by DESIGN.md's rule, worked out here from the
    customers and departments themselves (not from the copies the selectors read): the
    总经理 and admins every one, the 销售助理 every submitted one, a salesperson those they
    own or whose customer they own, a manager those of the people of their departments."""
    from accounts.models import OWNER_ROLES, Role, User
    from accounts.selectors import managed_department_ids

    contracts = Contract.objects.select_related("customer")
    if user.sees_everything:
        return {c.pk for c in contracts}
    if user.role == Role.ASSISTANT:
        return {c.pk for c in contracts if c.status != ContractStatus.DRAFT}
    if user.role == Role.MANAGER:
        scope = managed_department_ids(user) or set()
        people = {user.pk} | set(
            User.objects.filter(department_id__in=scope).values_list("pk", flat=True)
        )
    elif user.role in OWNER_ROLES:
        people = {user.pk}
    else:
        return set()
    return {c.pk for c in contracts if c.owner_id in people or c.customer.owner_id in people}
