"""表5-14, 5-15 and 5-16 printed from real contracts: every label of the paper form in
order (the project's checker and the company's ``check_form.py``), the values where the
paper has them: 大写 and 小写, ticked boxes, six signed boxes, the notes."""

import pytest

from contracts.documents.contracts import NOTES_5_14, NOTES_5_15, NOTES_5_16
from ledger.engine import site
from tests.contracts.helpers import approved_change, sign_all, submitted
from tests.ledger.pdf_reading import reading_text
from tests.ledger.test_documents_proofs import run_check_form, squash

pytestmark = pytest.mark.django_db


def test_5_14_prints_the_contract_and_all_six_signed_boxes(org, login):
    _contract, rnd = submitted(org.sales1)
    sign_all(org, rnd)
    response = login(org.sales1).get(f"/forms/5-14/{rnd.pk}.pdf")
    assert response.status_code == 200
    run_check_form("5-14", response.content, ".pdf")
    flat = squash(reading_text(response.content))
    assert "壹拾贰万叁仟肆佰伍拾陆元柒角整" in flat and "¥123,456.70" in flat
    assert "■客户版本" in flat and "□公司格式合同" in flat
    assert "■预付款□验收款■质保金" in flat
    assert all(squash(note) in flat for note in NOTES_5_14)
    rendered = site.get("5-14", kind="document").render(rnd)
    boxes = rendered.parts[-1].boxes
    assert [b["who"] for b in boxes] == [
        "销售经理",
        "销售助理",
        "生产部",
        "品质部",
        "采购部",
        "总经理",
    ]
    assert [b["signer"] for b in boxes] == [
        str(org.manager1),
        str(org.assistant1),
        str(org.production1),
        str(org.quality1),
        str(org.purchasing1),
        str(org.gm),
    ]
    assert all(b["opinion_text"] == "■同意　□不同意" for b in boxes)
    assert all("年" in b["date"] and "　" not in b["date"] for b in boxes)
    for box in boxes:
        assert squash(box["signer"]) in flat


def test_5_14_of_a_review_in_progress_leaves_the_unsigned_boxes_blank(org, login):
    _contract, rnd = submitted(org.sales1)
    rendered = site.get("5-14", kind="document").render(rnd)
    assert {b["signer"] for b in rendered.parts[-1].boxes} == {""}


def test_5_15_and_5_16_print_with_their_labels_and_signatures(org, login):
    change = approved_change(org, org.sales1)
    client = login(org.sales1)
    request = client.get(f"/forms/5-15/{change.pk}.pdf")
    assert request.status_code == 200
    run_check_form("5-15", request.content, ".pdf")
    flat = squash(reading_text(request.content))
    assert change.number in flat and "■传真" in flat and "■其他：邮件确认" in flat
    assert "■技术部门■采购部门□计划部门■生产部门" in flat
    assert "交货日期：2026-12-31→2027-01-15" in flat
    assert all(squash(note) in flat for note in NOTES_5_15)
    assert str(org.manager1) in flat and str(org.gm) in flat
    notice = client.get(f"/forms/5-16/{change.pk}.pdf")
    assert notice.status_code == 200
    run_check_form("5-16", notice.content, ".pdf")
    flat = squash(reading_text(notice.content))
    assert change.notice_number in flat and "生产部门" in flat and "采购部门" in flat
    assert all(squash(note) in flat for note in NOTES_5_16)


def test_a_draft_change_has_no_5_16(org, login):
    from contracts.models import ChangeRequest

    change = approved_change(org, org.sales1)
    ChangeRequest.objects.filter(pk=change.pk).update(status="checked")
    assert login(org.sales1).get(f"/forms/5-16/{change.pk}.pdf").status_code == 404


def test_sales1_gets_404_for_every_page_pdf_and_list_row_of_sales3s_contracts(org, login):
    change = approved_change(org, org.sales3)
    contract = change.contract
    rnd = contract.rounds.get()
    client = login(org.sales1)
    urls = [
        contract.get_absolute_url(),
        f"/contracts/{contract.pk}/edit/",
        f"/contracts/{contract.pk}/review/",
        f"/contracts/reviews/{rnd.pk}/",
        f"/contracts/{contract.pk}/changes/new/",
        change.get_absolute_url(),
        f"/forms/5-14/{rnd.pk}.pdf",
        f"/forms/5-15/{change.pk}.pdf",
        f"/forms/5-16/{change.pk}.pdf",
        f"/forms/5-14/{rnd.pk}.xlsx",
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    posts = [
        f"/contracts/{contract.pk}/action/",
        f"/contracts/steps/{rnd.steps.first().pk}/sign/",
        f"/contracts/changes/{change.pk}/action/",
        f"/contracts/notices/{change.notices.first().pk}/sign/",
    ]
    assert {url: client.post(url, {"move": "seal"}).status_code for url in posts} == dict.fromkeys(
        posts, 404
    )
    for code in ("5-14", "5-15", "5-16"):
        listing = client.get(f"/forms/{code}/")
        assert listing.status_code == 200
        assert contract.number not in listing.content.decode(), code
    assert contract.number not in client.get("/contracts/").content.decode()
