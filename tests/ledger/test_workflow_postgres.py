"""Two people move the same record at once, on real PostgreSQL connections."""

import pytest
from django.core.exceptions import PermissionDenied

from ledger.models import StatusChange
from ledger.workflow import TransitionRefused, transition
from tests.ledger.test_postgres import run_together
from tests.workflowapp.models import APPROVED_NOTICES, Proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Proposal.Status


def act(pk, to, actor, note=""):
    def _act():
        # Each thread reads the record on its own connection, as two browsers would.
        fresh = Proposal.objects.get(pk=pk)
        return transition(obj=fresh, to=to, actor=actor, note=note, expected_state=S.SUBMITTED)

    return _act


def test_two_approvals_at_once_leave_exactly_one(org):
    APPROVED_NOTICES.clear()
    p = Proposal.objects.create(title="并发审批", owner=org.sales1, status=S.SUBMITTED)
    results = run_together(act(p.pk, S.APPROVED, org.manager1), act(p.pk, S.APPROVED, org.gm))
    won = [r for r in results if isinstance(r, StatusChange)]
    refused = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(won) == 1 and len(refused) == 1, results
    winner = won[0].actor
    (message,) = refused[0].messages
    assert message.startswith(f"该记录已由{winner}于 ")
    assert "处理，当前状态为“已批准”。" in message
    assert StatusChange.objects.filter(object_id=p.pk).count() == 1
    p.refresh_from_db()
    assert (p.status, p.version) == (S.APPROVED, 2)
    # The effect ran once, after the winner's commit.
    notices = list(APPROVED_NOTICES)
    assert notices == [(p.pk, "approved")]
    APPROVED_NOTICES.clear()


def test_approve_and_return_at_once_leave_one_decision(org):
    p = Proposal.objects.create(title="同时退回", owner=org.sales1, status=S.SUBMITTED)
    results = run_together(
        act(p.pk, S.APPROVED, org.manager1),
        act(p.pk, S.RETURNED, org.gm, note="价格需重新核算"),
    )
    assert sorted(type(r).__name__ for r in results) == ["StatusChange", "TransitionRefused"]
    (change,) = StatusChange.objects.filter(object_id=p.pk)
    p.refresh_from_db()
    assert p.status == change.to_state
    APPROVED_NOTICES.clear()


def test_a_refused_actor_does_not_block_the_right_one(org):
    p = Proposal.objects.create(title="无权审批", owner=org.sales1, status=S.SUBMITTED)
    results = run_together(act(p.pk, S.APPROVED, org.sales2), act(p.pk, S.APPROVED, org.manager1))
    # Whoever locks first, the one without the right never moves it and the manager does.
    assert isinstance(results[0], PermissionDenied | TransitionRefused), results
    assert isinstance(results[1], StatusChange), results
    assert StatusChange.objects.filter(object_id=p.pk).count() == 1
    APPROVED_NOTICES.clear()
