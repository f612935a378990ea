"""The workflow on a record's page: its buttons, the POST-only action, the trail."""

import pytest

from ledger.models import StatusChange
from ledger.workflow import transition
from tests.workflowapp.models import APPROVED_NOTICES, Proposal

pytestmark = pytest.mark.urls("tests.workflowapp.urls")

S = Proposal.Status


@pytest.fixture(autouse=True)
def _no_notices():
    yield
    APPROVED_NOTICES.clear()


@pytest.fixture
def submitted(org):
    p = Proposal.objects.create(title="年度采购申请", owner=org.sales1)
    transition(obj=p, to=S.SUBMITTED, actor=org.sales1, note="请审批")
    return p


def post(client, p, **data):
    return client.post(f"/proposals/{p.pk}/transition/", data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_page_offers_the_moves_its_user_may_make(org, client, submitted):
    client.force_login(org.manager1)
    html = client.get(f"/proposals/{submitted.pk}/").content.decode()
    assert '<input type="hidden" name="expected_state" value="submitted">' in html
    assert 'name="to" value="approved">批准</button>' in html
    assert 'name="to" value="returned">退回</button>' in html
    assert "选择“退回”时请说明原因。" in html
    # The trail: who, from → to, note.
    assert "草稿 → 已提交" in html and "请审批" in html
    client.force_login(org.sales1)
    html = client.get(f"/proposals/{submitted.pk}/").content.decode()
    assert 'name="to"' not in html and "目前无需您处理。" in html


def test_approving_from_the_page(org, client, submitted, django_capture_on_commit_callbacks):
    client.force_login(org.manager1)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, submitted, to="approved", expected_state="submitted", note="同意")
    assert response.redirect_chain == [(f"/proposals/{submitted.pk}/", 302)]
    assert messages_of(response) == ["已“批准”，当前状态为“已批准”。"]
    assert "已提交 → 已批准" in response.content.decode()
    assert list(StatusChange.objects.values_list("to_state", "note").order_by("pk")) == [
        ("submitted", "请审批"),
        ("approved", "同意"),
    ]
    notices = list(APPROVED_NOTICES)
    assert notices == [(submitted.pk, "approved")]


def test_returning_without_a_reason_is_refused_with_a_message(org, client, submitted):
    client.force_login(org.manager1)
    response = post(client, submitted, to="returned", expected_state="submitted")
    assert messages_of(response) == ["请说明原因（“退回”）。"]
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and StatusChange.objects.count() == 1


def test_a_page_opened_before_someone_else_acted_gets_a_clear_refusal(org, client, submitted):
    transition(obj=submitted, to=S.RETURNED, actor=org.gm, note="预算不足")
    client.force_login(org.manager1)
    response = post(client, submitted, to="approved", expected_state="submitted")
    (message,) = messages_of(response)
    assert message.startswith(f"该记录已由{org.gm}于 ")
    assert message.endswith("处理，当前状态为“已退回”。请刷新页面查看。")
    assert StatusChange.objects.count() == 2


def test_forbidden_actions_are_refused(org, client, submitted):
    # Someone who may not see the proposal: 404, as for a missing one.
    client.force_login(org.sales2)
    assert client.get(f"/proposals/{submitted.pk}/").status_code == 404
    response = client.post(f"/proposals/{submitted.pk}/transition/", {"to": "approved"})
    assert response.status_code == 404
    assert client.post("/proposals/999999/transition/", {"to": "approved"}).status_code == 404
    # The owner sees it but may not approve it: 403.
    client.force_login(org.sales1)
    response = client.post(
        f"/proposals/{submitted.pk}/transition/", {"to": "approved", "expected_state": "submitted"}
    )
    assert response.status_code == 403
    # Only POST moves a record.
    client.force_login(org.manager1)
    assert client.get(f"/proposals/{submitted.pk}/transition/?to=approved").status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and StatusChange.objects.count() == 1


def test_junk_input_never_moves_the_record(org, client, submitted):
    client.force_login(org.manager1)
    for data in ({}, {"to": "nonsense"}, {"to": "approved", "expected_state": "x" * 500}):
        response = post(client, submitted, **data)
        assert response.status_code == 200 and messages_of(response), data
    response = post(client, submitted, to="returned", note="长" * 2001)
    assert messages_of(response) == ["确保该变量包含不超过 2000 字符 (目前字符数 2001)。"]
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and StatusChange.objects.count() == 1


def test_every_inbox_item_links_to_a_page_its_user_may_open(org, client, submitted):
    client.force_login(org.manager1)
    (section,) = client.get("/inbox/").context["sections"]
    (item,) = section.items
    assert item.url == f"/proposals/{submitted.pk}/"
    assert client.get(item.url).status_code == 200
