"""A contract in a real browser: sales1 enters and submits it; 销售经理, 销售助理, 生产部,
品质部 and 采购部 each sign their box from their inbox; the 总经理 signs last; sealing,
refused before, then succeeds; the 5-14 PDF shows the six boxes filled. sales1 gets 404
for every page and PDF of sales3's contracts."""

import re

from contracts.models import Contract, ContractStatus
from tests.contracts.helpers import approved_change
from tests.factories import CustomerFactory, ProductFactory
from tests.formcheck import missing_labels, pdf_text

PASSWORD = "secret-pass-123"


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def sign_from_inbox(page, username, contract, box_label, shot):
    log_in(page, username)
    page.goto("/inbox/")
    section = page.locator("#inbox-contracts\\.review")
    section.get_by_role("link", name=re.compile(contract.number)).click()
    page.wait_for_url(f"**/contracts/{contract.pk}/review/")
    form = page.get_by_test_id("sign-form")
    assert form.count() == 1  # their own box, and only that one
    form.get_by_label("同意", exact=True).check()
    form.get_by_label("意见说明").fill(f"{box_label}意见：同意")
    shot(f"review-{username}")
    form.get_by_role("button", name="签字").click()
    page.get_by_text(f"{box_label}一栏已签署").wait_for()


def test_a_contract_is_entered_reviewed_by_six_boxes_and_sealed(org, page, shot):
    customer = CustomerFactory(owner=org.sales1, name="杭州云帆测控技术有限公司")
    product = ProductFactory(name="精密轴承", spec="6204")
    others = approved_change(org, org.sales3)

    log_in(page, "sales1")
    page.goto("/contracts/new/")
    page.locator("#id_customer").select_option(str(customer.pk))
    page.locator("#id_name").fill("精密轴承年度供货合同")
    page.locator("#id_text_version").select_option("customer")
    page.locator("#id_pay_advance").check()
    page.locator("#id_pay_retention").check()
    page.locator("#id_delivery_on").fill("2026-12-31")
    page.locator("#id_advance_due_on").fill("2026-12-01")
    page.locator("#id_pages_per_copy").fill("8")
    page.locator("#id_delivery_place").fill("客户仓库（杭州）")
    page.locator("#id_acceptance_method").fill("到货后 7 日内验收")
    page.locator("#id_quality_requirements").fill("符合 GB/T 307.1")
    rows = page.get_by_test_id("line-row")
    rows.nth(0).locator("select").select_option(str(product.pk))
    rows.nth(0).get_by_label("数量").fill("1000")
    rows.nth(0).get_by_label("单价").fill("123.45")
    page.get_by_test_id("add-line").click()
    rows.nth(1).get_by_label("产品名称").fill("轴承座")
    rows.nth(1).get_by_label("数量").fill("10")
    rows.nth(1).get_by_label("单价").fill("56.70")
    shot("contract-new")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r".*/contracts/\d+/$"))
    contract = Contract.objects.get(name="精密轴承年度供货合同")
    assert str(contract.amount) == "124017.00"
    assert page.get_by_text(f"合同{contract.number}已保存。").is_visible()

    # Sealing before the review is refused: no button, and the move sent anyway is refused.
    assert page.get_by_test_id("move-seal").count() == 0
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    page.request.post(
        f"/contracts/{contract.pk}/action/",
        form={"csrfmiddlewaretoken": token, "move": "seal"},
        headers={"Referer": page.url},
        max_redirects=0,  # the refusal is read on the page, as a user would
    )
    page.reload()
    assert page.get_by_text("合同评审通过后方可加盖印章").is_visible()

    page.get_by_test_id("move-submit").click()
    page.get_by_text("已提交评审").wait_for()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_REVIEW

    for username, label in (
        ("manager1", "销售经理"),
        ("assistant1", "销售助理"),
        ("production1", "生产部"),
        ("quality1", "品质部"),
        ("purchasing1", "采购部"),
        ("gm", "总经理"),
    ):
        sign_from_inbox(page, username, contract, label, shot)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED

    log_in(page, "sales1")
    page.goto(contract.get_absolute_url())
    page.get_by_test_id("move-seal").click()
    page.get_by_text("合同已盖章。").wait_for()
    shot("contract-sealed")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SEALED

    rnd = contract.rounds.get()
    pdf = page.request.get(f"/forms/5-14/{rnd.pk}.pdf")
    assert pdf.status == 200
    assert missing_labels("5-14", pdf.body(), "pdf") == []
    text = "".join(pdf_text(pdf.body()).split())
    for user in (
        org.manager1,
        org.assistant1,
        org.production1,
        org.quality1,
        org.purchasing1,
        org.gm,
    ):
        assert str(user) in text, user
    assert text.count("■同意") == 6

    # Everything of sales3's contract answers 404 to sales1.
    theirs = others.contract
    their_round = theirs.rounds.get()
    for url in (
        theirs.get_absolute_url(),
        f"/contracts/{theirs.pk}/review/",
        f"/contracts/{theirs.pk}/edit/",
        f"/contracts/reviews/{their_round.pk}/",
        others.get_absolute_url(),
        f"/forms/5-14/{their_round.pk}.pdf",
        f"/forms/5-15/{others.pk}.pdf",
        f"/forms/5-16/{others.pk}.pdf",
    ):
        assert page.request.get(url).status == 404, url
