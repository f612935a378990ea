"""Twenty people sign the same box of a contract review at once, on real PostgreSQL
connections: exactly one signature is recorded, the nineteen others are told who signed."""

import pytest

from accounts.models import Role
from contracts.models import ContractStatus, ReviewBox, ReviewStep
from contracts.services.reviews import AlreadySigned, review_sign
from ledger.models import StatusChange
from tests.contracts.helpers import sign_all, submitted
from tests.factories import UserFactory
from tests.ledger.test_postgres import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def signing(step_pk, user, opinion="agree"):
    def _sign():
        # Each thread reads the box on its own connection, as twenty browsers would.
        step = ReviewStep.objects.select_related("round__contract").get(pk=step_pk)
        return review_sign(step=step, actor=user, opinion=opinion, comment=f"{user} 同意")

    return _sign


def test_twenty_signatures_of_one_box_at_once_leave_exactly_one(org):
    _contract, rnd = submitted(org.sales1)
    reviewers = [
        UserFactory(username=f"quality{i}", role=Role.QUALITY, department=org.quality1.department)
        for i in range(2, 22)
    ]
    step = rnd.steps.get(box=ReviewBox.QUALITY)
    results = run_together(*(signing(step.pk, user) for user in reviewers))
    won = [r for r in results if isinstance(r, ReviewStep)]
    refused = [r for r in results if isinstance(r, AlreadySigned)]
    assert (len(won), len(refused)) == (1, 19), results
    step.refresh_from_db()
    assert step.signer == won[0].signer
    assert step.comment == f"{won[0].signer} 同意"
    assert {r.messages[0] for r in refused} == {f"品质部一栏已由{won[0].signer}签署。"}


def test_the_last_box_twice_at_once_approves_once(org):
    contract, rnd = submitted(org.sales1)
    sign_all(org, rnd, boxes=[b for b in ReviewBox.values if b != ReviewBox.GM])
    gm2 = UserFactory(username="gm2", role=Role.GM, department=org.gm.department)
    step = rnd.steps.get(box=ReviewBox.GM)
    results = run_together(signing(step.pk, org.gm), signing(step.pk, gm2))
    assert sorted(type(r).__name__ for r in results) == ["AlreadySigned", "ReviewStep"], results
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert StatusChange.objects.filter(object_id=contract.pk, transition="approve").count() == 1


def test_a_disagreement_and_an_agreement_at_once_both_count_once(org):
    contract, rnd = submitted(org.sales1)
    production = rnd.steps.get(box=ReviewBox.PRODUCTION)
    purchasing = rnd.steps.get(box=ReviewBox.PURCHASING)
    results = run_together(
        signing(production.pk, org.production1, "disagree"),
        signing(purchasing.pk, org.purchasing1),
    )
    contract.refresh_from_db()
    # Whoever locks the contract first: the 不同意 returns it; a 同意 after it finds the
    # review closed and is refused, or came first and stays on the returned round.
    assert contract.status == ContractStatus.RETURNED
    assert isinstance(results[0], ReviewStep), results
    assert StatusChange.objects.filter(object_id=contract.pk, transition="return").count() == 1
