"""The review of a contract (表5-14) through the services: rounds, boxes, who signs."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts.models import BOX_ORDER, ContractStatus, Opinion, ReviewBox, ReviewRound
from contracts.services.contracts import (
    add_working_days,
    contract_seal,
    contract_seal_special,
    contract_submit,
)
from contracts.services.reviews import AlreadySigned, notify_overdue_reviews, review_sign
from ledger.models import CustomerEvent, StatusChange
from tests.contracts.helpers import make_contract, sign, sign_all, submitted
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_numbers_are_gapless_per_year(org):
    first = make_contract(org.sales1)
    second = make_contract(org.sales2)
    year = timezone.localdate().year
    assert [first.number, second.number] == [f"HT-{year}-0001", f"HT-{year}-0002"]


def test_lines_make_the_amount(org):
    product = ProductFactory()
    contract = make_contract(
        org.sales1,
        lines=[
            {"product": product, "quantity": "3", "unit_price": "100.50"},
            {"product_name": "精密轴承", "spec": "6204", "quantity": "2", "unit_price": "0.13"},
        ],
    )
    assert [str(line.amount) for line in contract.lines.all()] == ["301.50", "0.26"]
    assert str(contract.amount) == "301.76"
    assert contract.lines.first().product_name == product.name


def test_the_contract_is_on_the_customers_timeline(org):
    contract = make_contract(org.sales1)
    event = CustomerEvent.objects.get(customer=contract.customer)
    assert contract.number in event.title
    assert event.source == contract


def test_submit_opens_a_round_with_six_boxes_gm_last_and_a_deadline(org, settings):
    settings.CONTRACT_REVIEW_WORKING_DAYS = 3
    contract, rnd = submitted(org.sales1)
    assert contract.status == ContractStatus.IN_REVIEW
    assert [s.box for s in rnd.steps.order_by("position")] == BOX_ORDER
    assert BOX_ORDER[-1] == ReviewBox.GM
    assert rnd.deadline == add_working_days(timezone.localdate(), 3)
    assert {s.deadline for s in rnd.steps.all()} == {rnd.deadline}


def test_working_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 27)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 30)
    assert add_working_days(friday, 3) == datetime.date(2026, 12, 2)


def test_only_the_owner_submits(org):
    contract = make_contract(org.sales1)
    with pytest.raises(PermissionDenied):
        contract_submit(contract=contract, actor=org.manager1)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    assert not contract.rounds.exists()


def test_all_agree_then_gm_approves(org):
    contract, rnd = submitted(org.sales1)
    sign_all(org, rnd)
    contract.refresh_from_db()
    rnd.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert rnd.outcome == ReviewRound.Outcome.PASSED
    changes = list(
        StatusChange.objects.filter(object_id=contract.pk)
        .order_by("pk")
        .values_list("transition", "actor__username")
    )
    assert changes == [("submit", "sales1"), ("approve", "gm")]


def test_gm_signs_last(org):
    _contract, rnd = submitted(org.sales1)
    sign_all(org, rnd, boxes=BOX_ORDER[:4])
    with pytest.raises(PermissionDenied, match="总经理"):
        sign(org, rnd, ReviewBox.GM)
    assert not rnd.steps.get(box=ReviewBox.GM).is_signed


def test_a_reviewer_signs_only_the_box_of_their_role(org):
    _contract, rnd = submitted(org.sales1)
    quality_box = rnd.steps.get(box=ReviewBox.QUALITY)
    for user in (org.production1, org.sales2, org.assistant1, org.gm, org.admin):
        with pytest.raises(PermissionDenied):
            review_sign(step=quality_box, actor=user, opinion=Opinion.AGREE)
    quality_box.refresh_from_db()
    assert not quality_box.is_signed


def test_nobody_signs_the_review_of_their_own_contract(org):
    _contract, rnd = submitted(org.manager1)
    with pytest.raises(PermissionDenied, match="自己的合同"):
        sign(org, rnd, ReviewBox.MANAGER)


def test_a_manager_of_another_department_does_not_sign_the_manager_box(org):
    _contract, rnd = submitted(org.sales1)
    with pytest.raises(PermissionDenied):
        review_sign(step=rnd.steps.get(box=ReviewBox.MANAGER), actor=org.manager2, opinion="agree")


def test_a_box_is_signed_once(org):
    _contract, rnd = submitted(org.sales1)
    sign(org, rnd, ReviewBox.QUALITY)
    with pytest.raises(AlreadySigned):
        sign(org, rnd, ReviewBox.QUALITY, comment="再签一次")
    assert rnd.steps.get(box=ReviewBox.QUALITY).comment == "可以"


def test_disagree_needs_reasons_and_returns_the_contract(org, django_capture_on_commit_callbacks):
    org.sales1.email = "sales1@example.com"
    org.sales1.save()
    contract, rnd = submitted(org.sales1)
    with pytest.raises(ValidationError):
        sign(org, rnd, ReviewBox.PRODUCTION, Opinion.DISAGREE, comment="")
    with django_capture_on_commit_callbacks(execute=True):
        sign(org, rnd, ReviewBox.PRODUCTION, Opinion.DISAGREE, comment="交期过紧")
    contract.refresh_from_db()
    rnd.refresh_from_db()
    assert contract.status == ContractStatus.RETURNED
    assert rnd.outcome == ReviewRound.Outcome.RETURNED
    change = StatusChange.objects.filter(object_id=contract.pk, transition="return").get()
    assert change.note == "生产部：交期过紧"
    assert mail.outbox and "交期过紧" in mail.outbox[-1].body


def test_resubmission_opens_a_new_round_and_keeps_the_old_one(org):
    contract, first = submitted(org.sales1)
    sign(org, first, ReviewBox.PRODUCTION, Opinion.DISAGREE, comment="交期过紧")
    contract.refresh_from_db()
    second = contract_submit(contract=contract, actor=org.sales1)
    assert [r.number for r in contract.rounds.order_by("number")] == [1, 2]
    first.refresh_from_db()
    assert first.outcome == ReviewRound.Outcome.RETURNED
    assert first.steps.get(box=ReviewBox.PRODUCTION).comment == "交期过紧"
    assert not second.steps.filter(opinion__gt="").exists()
    sign_all(org, second)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED


def test_sealing_is_refused_before_approval(org):
    contract, rnd = submitted(org.sales1)
    with pytest.raises(ValidationError, match="评审通过后方可加盖印章"):
        contract_seal(contract=contract, actor=org.sales1)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_REVIEW
    sign_all(org, rnd)
    contract_seal(contract=contract, actor=org.sales1)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SEALED
    assert contract.sealed_at is not None
    assert contract.special_approved_by is None


def test_special_process_is_the_gms_and_recorded(org):
    contract, rnd = submitted(org.sales1)
    for user in (org.sales1, org.manager1, org.admin):
        with pytest.raises(PermissionDenied):
            contract_seal_special(contract=contract, actor=user, reason="客户急需")
    with pytest.raises(ValidationError):
        contract_seal_special(contract=contract, actor=org.gm, reason="")
    contract_seal_special(contract=contract, actor=org.gm, reason="客户急需，先盖章后补评审")
    contract.refresh_from_db()
    rnd.refresh_from_db()
    assert contract.status == ContractStatus.SEALED
    assert contract.special_approved_by == org.gm
    assert contract.special_reason == "客户急需，先盖章后补评审"
    assert rnd.outcome == ReviewRound.Outcome.CLOSED
    change = StatusChange.objects.get(object_id=contract.pk, transition="seal_special")
    assert change.actor == org.gm and "客户急需" in change.note


def test_overdue_reviews_mail_the_assistant_and_the_owners_managers_once(
    org, django_capture_on_commit_callbacks
):
    for user in (org.assistant1, org.manager1, org.manager2):
        user.email = f"{user.username}@example.com"
        user.save()
    contract, rnd = submitted(org.sales1)
    sign(org, rnd, ReviewBox.MANAGER)
    ReviewRound.objects.filter(pk=rnd.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_overdue_reviews() == 1
        assert notify_overdue_reviews() == 0  # once per round
    sent = mail.outbox
    assert len(sent) == 1
    assert sorted(sent[0].to) == ["assistant1@example.com", "manager1@example.com"]
    assert contract.number in sent[0].subject
    assert "销售经理" not in sent[0].body.split("：")[-1]
    assert "总经理" in sent[0].body
