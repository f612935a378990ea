"""The workflow spine, proven on the test-only proposal workflow (tests/workflowapp)."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction

from ledger.models import StatusChange
from ledger.workflow import (
    Transition,
    TransitionRefused,
    Workflow,
    inbox,
    status_changes_of,
    transition,
    transitions_available_to,
)
from tests.workflowapp.models import APPROVED_NOTICES, Proposal

S = Proposal.Status


@pytest.fixture(autouse=True)
def _no_notices():
    APPROVED_NOTICES.clear()
    yield
    APPROVED_NOTICES.clear()


def proposal(owner, status=S.DRAFT, title="采购申请"):
    return Proposal.objects.create(title=title, owner=owner, status=status)


def rows():
    return list(
        StatusChange.objects.order_by("pk").values_list(
            "object_id", "transition", "from_state", "to_state", "actor__username", "note"
        )
    )


def test_an_allowed_transition_writes_one_status_change(org):
    p = proposal(org.sales1)
    before = datetime.datetime.now(datetime.UTC)
    change = transition(obj=p, to=S.SUBMITTED, actor=org.sales1, note="请审批")
    assert rows() == [(p.pk, "submit", "draft", "submitted", "sales1", "请审批")]
    assert change.changed_at >= before and change.content_object == p
    p.refresh_from_db()
    assert (p.status, p.version) == (S.SUBMITTED, 2)
    # The caller's instance carries the new state too.
    transition(obj=p, to=S.APPROVED, actor=org.manager1, expected_state=S.SUBMITTED)
    assert p.status == S.APPROVED
    assert [c.to_state for c in status_changes_of(p)] == ["approved", "submitted"]


def test_a_transition_the_state_does_not_allow_is_refused_and_writes_nothing(org):
    p = proposal(org.sales1)
    with pytest.raises(TransitionRefused) as refused:
        transition(obj=p, to=S.APPROVED, actor=org.manager1)
    assert refused.value.messages == ["当前状态为“草稿”，不能变为“已批准”。"]
    assert refused.value.current_state == "draft"
    assert rows() == []
    p.refresh_from_db()
    assert (p.status, p.version) == (S.DRAFT, 1)


def test_a_page_opened_at_an_older_state_is_told_who_moved_it(org):
    p = proposal(org.sales1)
    transition(obj=p, to=S.SUBMITTED, actor=org.sales1)
    transition(obj=p, to=S.RETURNED, actor=org.manager1, note="缺少报价单")
    stale = Proposal.objects.get(pk=p.pk)
    # The owner resubmits; the manager's page still shows 已提交 and says 退回 again.
    transition(obj=stale, to=S.SUBMITTED, actor=org.sales1, expected_state=S.RETURNED)
    with pytest.raises(TransitionRefused) as refused:
        transition(obj=p, to=S.RETURNED, actor=org.manager1, expected_state=S.RETURNED, note="x")
    (message,) = refused.value.messages
    assert message.startswith("该记录已由用户") and "处理，当前状态为“已提交”" in message
    assert refused.value.last_change.actor == org.sales1
    assert len(rows()) == 3


def test_an_actor_without_the_right_is_refused(org):
    p = proposal(org.sales1, status=S.SUBMITTED)
    # Another salesperson, the manager of another department, a reviewer, the owner.
    for actor in (org.sales2, org.manager2, org.production1, org.sales1):
        with pytest.raises(PermissionDenied):
            transition(obj=p, to=S.APPROVED, actor=actor)
    with pytest.raises(PermissionDenied):
        transition(obj=proposal(org.sales1), to=S.SUBMITTED, actor=org.manager1)
    # A manager never reviews their own proposal.
    own = proposal(org.manager1, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        transition(obj=own, to=S.APPROVED, actor=org.manager1)
    org.gm.is_active = False
    org.gm.save()
    with pytest.raises(PermissionDenied):
        transition(obj=p, to=S.APPROVED, actor=org.gm)
    assert rows() == []
    p.refresh_from_db()
    assert p.status == S.SUBMITTED


def test_returning_needs_a_reason(org):
    p = proposal(org.sales1, status=S.SUBMITTED)
    with pytest.raises(ValidationError) as missing:
        transition(obj=p, to=S.RETURNED, actor=org.manager1, note="   ")
    assert missing.value.message_dict == {"note": ["请说明原因（“退回”）。"]}
    too_long = "长" * 2001
    with pytest.raises(ValidationError):
        transition(obj=p, to=S.RETURNED, actor=org.manager1, note=too_long)
    assert rows() == []


def test_an_unknown_target_state_is_refused(org):
    p = proposal(org.sales1)
    with pytest.raises(TransitionRefused):
        transition(obj=p, to="archived", actor=org.sales1)
    assert rows() == []


def test_side_effects_run_only_after_commit(org, django_capture_on_commit_callbacks):
    p = proposal(org.sales1, status=S.SUBMITTED)
    with django_capture_on_commit_callbacks() as callbacks:
        transition(obj=p, to=S.APPROVED, actor=org.manager1)
        assert APPROVED_NOTICES == []  # not yet: the transaction is open
    assert len(callbacks) == 1 and APPROVED_NOTICES == []
    callbacks[0]()
    assert [(p.pk, "approved")] == APPROVED_NOTICES


def test_side_effects_never_run_when_the_transaction_rolls_back(
    org, django_capture_on_commit_callbacks
):
    p = proposal(org.sales1, status=S.SUBMITTED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transition(obj=p, to=S.APPROVED, actor=org.manager1)
        raise RuntimeError("a later step of the same request fails")
    assert callbacks == [] and APPROVED_NOTICES == []
    assert rows() == []
    p.refresh_from_db()
    assert p.status == S.SUBMITTED


def test_a_failing_effect_does_not_undo_the_committed_transition(
    org, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    import tests.workflowapp.models as app_models

    def broken(obj, change):
        raise OSError("mail server down")

    workflow = Proposal.workflow
    patched = [
        dataclasses.replace(t, effects=(broken, app_models.notify_owner))
        if t.name == "approve"
        else t
        for t in workflow.transitions
    ]
    monkeypatch.setattr(workflow, "transitions", tuple(patched))
    p = proposal(org.sales1, status=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        transition(obj=p, to=S.APPROVED, actor=org.manager1)
    assert [(p.pk, "approved")] == APPROVED_NOTICES
    assert "mail server down" in caplog.text
    assert rows()[0][3] == "approved"


def test_the_moves_open_to_a_user(org):
    p = proposal(org.sales1, status=S.SUBMITTED)
    assert [t.name for t in transitions_available_to(org.manager1, p)] == ["approve", "return"]
    assert transitions_available_to(org.sales1, p) == []
    assert transitions_available_to(org.manager2, p) == []
    draft = proposal(org.sales1)
    assert [t.label for t in transitions_available_to(org.sales1, draft)] == ["提交"]


def test_a_broken_declaration_fails_at_start_up():
    class States(models.TextChoices):
        A = "a", "A"
        B = "b", "B"

    def anyone(user, obj):
        return True

    with pytest.raises(ImproperlyConfigured, match="unknown states"):
        Workflow(states=States, transitions=[Transition("go", "去", "a", "c", anyone)])
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        Workflow(
            states=States,
            transitions=[
                Transition("go", "去", "a", "b", anyone),
                Transition("go", "回", "b", "a", anyone),
            ],
        )
    with pytest.raises(ImproperlyConfigured, match="two transitions"):
        Workflow(
            states=States,
            transitions=[
                Transition("go", "去", "a", "b", anyone),
                Transition("run", "跑", "a", "b", anyone),
            ],
        )


# --- 待我处理 ------------------------------------------------------------------------


def test_the_inbox_lists_each_item_for_the_right_user_only(org, client):
    submitted = proposal(org.sales1, status=S.SUBMITTED, title="一部的申请")
    transition(obj=proposal(org.sales1, title="退回的申请"), to=S.SUBMITTED, actor=org.sales1)
    returned = Proposal.objects.get(title="退回的申请")
    transition(obj=returned, to=S.RETURNED, actor=org.manager1, note="补充")
    proposal(org.sales3, status=S.SUBMITTED, title="二部的申请")
    proposal(org.sales1, title="草稿")
    proposal(org.sales1, status=S.APPROVED, title="已批准")

    def listed(user):
        client.force_login(user)
        response = client.get("/inbox/")
        assert response.status_code == 200
        titles = [i.title for s in response.context["sections"] for i in s.items]
        return titles, response

    titles, response = listed(org.manager1)
    assert titles == ["一部的申请"]
    assert response.context["inbox_count"] == 1
    assert f'href="{submitted.get_absolute_url()}"' in response.content.decode()
    assert listed(org.sales1)[0] == ["退回的申请"]
    assert listed(org.manager2)[0] == ["二部的申请"]
    assert listed(org.gm)[0] == ["一部的申请", "二部的申请"]  # never moved: by age
    for nobody in (org.sales2, org.sales3, org.assistant1, org.production1, org.admin):
        titles, response = listed(nobody)
        assert titles == [] and response.context["inbox_count"] == 0
        assert "没有待处理的事项" in response.content.decode()


def test_the_navigation_count_matches_the_inbox(org, client):
    for i in range(3):
        proposal(org.sales1, status=S.SUBMITTED, title=f"申请{i}")
    client.force_login(org.manager1)
    home = client.get("/")
    assert home.context["inbox_count"] == 3
    html = home.content.decode()
    assert 'href="/inbox/"' in html and '<span class="badge badge-count"' in html
    assert ">3</span>" in html
    client.force_login(org.sales2)
    html = client.get("/").content.decode()
    assert 'href="/inbox/"' in html and "badge-count" not in html


def test_the_inbox_shows_the_time_an_item_entered_its_state(org, client):
    p = proposal(org.sales1)
    change = transition(obj=p, to=S.SUBMITTED, actor=org.sales1)
    section = next(s for s in inbox.sections_for(org.manager1) if s.label == "测试申请")
    assert section.count == 1
    (item,) = section.items
    assert (item.state, item.since, item.detail) == ("已提交", change.changed_at, str(org.sales1))


def test_status_changes_are_read_only_in_the_admin(org, client):
    p = proposal(org.sales1)
    change = transition(obj=p, to=S.SUBMITTED, actor=org.sales1)
    client.force_login(org.admin)
    assert client.get("/admin/ledger/statuschange/").status_code == 200
    assert client.get(f"/admin/ledger/statuschange/{change.pk}/change/").status_code == 200
    assert client.get("/admin/ledger/statuschange/add/").status_code == 403
    refused = client.post(f"/admin/ledger/statuschange/{change.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    assert StatusChange.objects.count() == 1


def test_the_system_check_finds_a_state_field_that_does_not_fit():
    from ledger.workflow.checks import check_workflows
    from ledger.workflow.declaration import WorkflowRegistry

    assert check_workflows() == []  # the test workflow is sound

    def declared(field):
        workflow = Workflow(states=S, transitions=Proposal.workflow.transitions, field=field)
        workflow.model = Proposal
        registry = WorkflowRegistry()
        registry.add(workflow)
        return [problem.id for problem in check_workflows(registry=registry)]

    assert declared("status") == []
    assert declared("state") == ["ledger.E201"]
    assert declared("title") == ["ledger.E202"]
