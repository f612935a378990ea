"""The review through the real pages: each refusal of the issue's "Done when" is tried
through the views and answered with a clear message, and nothing is recorded."""

import pytest
from django.contrib.messages import get_messages

from contracts.models import ContractStatus, Opinion, ReviewBox
from ledger.workflow import inbox
from tests.contracts.helpers import make_contract, sign_all, submitted

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def post_sign(client, step, opinion="agree", comment="同意"):
    return client.post(
        f"/contracts/steps/{step.pk}/sign/", {"opinion": opinion, "comment": comment}, follow=True
    )


def test_the_owner_creates_and_submits_through_the_pages(org, login):
    client = login(org.sales1)
    from tests.factories import CustomerFactory, ProductFactory

    customer = CustomerFactory(owner=org.sales1)
    product = ProductFactory()
    assert client.get("/contracts/new/").status_code == 200
    form = {
        "customer": customer.pk,
        "name": "法兰年度供货合同",
        "kind": "sales",
        "text_version": "company",
        "copies": "2",
        "pages_per_copy": "6",
        "pay_advance": "on",
        "delivery_on": "2026-12-31",
        "delivery_place": "杭州",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": product.pk,
        "lines-0-quantity": "10",
        "lines-0-unit_price": "99.90",
        "lines-1-product_name": "",
    }
    response = client.post("/contracts/new/", form, follow=True)
    assert response.status_code == 200
    contract = response.context["contract"]
    assert str(contract.amount) == "999.00"
    assert any("保存" in m for m in messages_of(response))
    response = client.post(
        f"/contracts/{contract.pk}/action/",
        {"move": "submit", "expected_state": "draft"},
        follow=True,
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_REVIEW
    assert any("评审" in m for m in messages_of(response))


def test_bad_input_saves_nothing_and_says_why(org, login):
    client = login(org.sales1)
    from tests.factories import CustomerFactory

    customer = CustomerFactory(owner=org.sales1)
    form = {
        "customer": customer.pk,
        "name": "",
        "kind": "sales",
        "text_version": "company",
        "copies": "0",
        "pages_per_copy": "1",
        "start_on": "2026-12-31",
        "end_on": "2026-01-01",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product_name": "法兰",
        "lines-0-quantity": "abc",
    }
    response = client.post("/contracts/new/", form)
    assert response.status_code == 200
    assert response.context["form"].errors
    from contracts.models import Contract

    assert not Contract.objects.exists()


def test_sales1_cannot_sign_any_box(org, login):
    _contract, rnd = submitted(org.sales2)  # a colleague's contract sales1 cannot even see
    _own, own_round = submitted(org.sales1)
    client = login(org.sales1)
    for step in own_round.steps.all():
        response = post_sign(client, step)
        assert response.status_code == 200
        assert messages_of(response), step.box
    assert not own_round.steps.filter(opinion__gt="").exists()
    for step in rnd.steps.all():
        assert (
            client.post(f"/contracts/steps/{step.pk}/sign/", {"opinion": "agree"}).status_code
            == 404
        )


def test_production1_cannot_sign_the_quality_box(org, login):
    _contract, rnd = submitted(org.sales1)
    client = login(org.production1)
    response = post_sign(client, rnd.steps.get(box=ReviewBox.QUALITY))
    assert messages_of(response) == ["只有品质部可以签署品质部一栏。"]
    assert not rnd.steps.get(box=ReviewBox.QUALITY).is_signed


def test_a_manager_cannot_approve_their_own_contract(org, login):
    _contract, rnd = submitted(org.manager1)
    client = login(org.manager1)
    response = post_sign(client, rnd.steps.get(box=ReviewBox.MANAGER))
    assert messages_of(response) == ["任何人都不能评审自己的合同。"]
    assert not rnd.steps.get(box=ReviewBox.MANAGER).is_signed


def test_sealing_before_approval_is_refused_through_the_page(org, login):
    contract, rnd = submitted(org.sales1)
    client = login(org.sales1)
    response = client.post(f"/contracts/{contract.pk}/action/", {"move": "seal"}, follow=True)
    assert any("评审通过后" in m for m in messages_of(response))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_REVIEW
    sign_all(org, rnd)
    response = client.post(f"/contracts/{contract.pk}/action/", {"move": "seal"}, follow=True)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SEALED


def test_each_reviewer_finds_the_review_in_the_inbox_in_turn(org):
    contract, rnd = submitted(org.sales1)

    def waiting(user):
        sections = {s.key: s for s in inbox.sections_for(user)}
        return [i.title for i in sections["contracts.review"].items]

    for username in ("manager1", "assistant1", "production1", "quality1", "purchasing1"):
        assert waiting(getattr(org, username)) == [str(contract)], username
    assert waiting(org.gm) == []  # the 总经理 signs last
    for username in ("sales1", "sales2", "sales3", "manager2", "admin"):
        assert waiting(getattr(org, username)) == [], username
    sign_all(org, rnd, boxes=[b for b in ReviewBox.values if b != ReviewBox.GM])
    assert waiting(org.gm) == [str(contract)]
    assert waiting(org.quality1) == []


def test_the_review_page_offers_each_reviewer_their_own_box_only(org, login):
    contract, _rnd = submitted(org.sales1)
    page = login(org.quality1).get(f"/contracts/{contract.pk}/review/")
    assert [s.box for s in page.context["mine"]] == [ReviewBox.QUALITY]
    page = login(org.sales1).get(f"/contracts/{contract.pk}/review/")
    assert page.context["mine"] == []


def test_disagree_returns_the_contract_and_the_owner_sees_why(org, login):
    contract, rnd = submitted(org.sales1)
    client = login(org.purchasing1)
    response = post_sign(client, rnd.steps.get(box=ReviewBox.PURCHASING), Opinion.DISAGREE, "")
    assert not rnd.steps.get(box=ReviewBox.PURCHASING).is_signed
    response = post_sign(
        client, rnd.steps.get(box=ReviewBox.PURCHASING), Opinion.DISAGREE, "原材料涨价"
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RETURNED
    # The department no longer sees the contract: back to its inbox.
    assert response.redirect_chain[-1][0] == "/inbox/"
    page = login(org.sales1).get(contract.get_absolute_url())
    assert "原材料涨价" in page.content.decode()


def test_a_department_reviewer_sees_only_contracts_under_review(org, login):
    draft = make_contract(org.sales1)
    contract, rnd = submitted(org.sales1)
    client = login(org.production1)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(contract.get_absolute_url()).status_code == 200
    listed = client.get("/contracts/").context["page"].object_list
    assert [c.pk for c in listed] == [contract.pk]
    sign_all(org, rnd)
    assert client.get(contract.get_absolute_url()).status_code == 404
    assert client.get(f"/forms/5-14/{rnd.pk}.pdf").status_code == 404


def test_a_returned_contract_is_edited_lines_removed_and_resubmitted(org, login):
    from tests.factories import ProductFactory

    product = ProductFactory()
    contract = make_contract(
        org.sales1,
        lines=[
            {"product": product, "quantity": "2", "unit_price": "10.00"},
            {"product_name": "精密轴承", "quantity": "1", "unit_price": "5.00"},
        ],
    )
    client = login(org.sales1)
    page = client.get(f"/contracts/{contract.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: ("on" if value is True else "" if value in (None, False) else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if v != ""}
    data.update(
        {
            "version": contract.version,
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": product.pk,
            "lines-0-quantity": "3",
            "lines-0-unit_price": "10.00",
            "lines-1-product_name": "精密轴承",
            "lines-1-quantity": "1",
            "lines-1-unit_price": "5.00",
            "lines-1-DELETE": "on",
        }
    )
    response = client.post(f"/contracts/{contract.pk}/edit/", data, follow=True)
    assert response.redirect_chain, (
        response.context["form"].errors,
        response.context["formset"].errors,
    )
    contract.refresh_from_db()
    assert [line.product_name for line in contract.lines.all()] == [product.name]
    assert str(contract.amount) == "30.00" and contract.version == 2
    # A stale form (opened at version 1) is refused with who changed it.
    data["version"] = 1
    response = client.post(f"/contracts/{contract.pk}/edit/", data)
    assert "重新" in " ".join(response.context["form"].non_field_errors())
