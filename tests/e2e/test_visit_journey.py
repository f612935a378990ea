"""On a phone (390×844): sales1 reports a planned visit, meeting someone new; the 5-27
实际 count goes up by one; manager1 comments and signs; the 5-29 PDF says it all."""

import datetime

from django.utils import timezone

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journey import log_in
from tests.factories import ContactFactory, CustomerFactory
from tests.formcheck import missing_labels, pdf_text
from visits.models import VisitReport
from visits.services.plans import visit_plan_save
from visits.services.schedules import planned_visit_add, schedule_create


def actual_count(page, year, salesperson, month):
    """The 实际 cell of ``month`` in the first customer's rows of 表5-27."""
    page.goto(f"/registers/5-27/?period={year}&salesperson={salesperson.pk}")
    rows = page.locator("table tbody tr")
    actual = rows.nth(1)
    assert actual.locator("td").first.inner_text().strip() == "实际"
    return int(actual.locator("td").nth(month).inner_text().strip() or 0)


def test_phone_visit_report_journey(org, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15000)
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    today = timezone.localdate()
    customer = CustomerFactory(owner=org.sales1, name="杭州云帆测控")
    contact = ContactFactory(customer=customer, name="林晓")
    visit_plan_save(actor=org.sales1, year=today.year, customer=customer, data={"contact": contact})
    schedule = schedule_create(actor=org.sales1, kind="day", day=today)
    line = planned_visit_add(
        actor=org.sales1,
        schedule=schedule,
        data={
            "customer": customer,
            "visit_on": today,
            "visit_at": datetime.time(0, 0),
            "purpose": "新品试样",
            "contact": contact,
        },
    )

    log_in(page, "sales1")
    before = actual_count(page, today.year, org.sales1, today.month)
    page.goto("/visits/")
    page.screenshot(path=str(ARTIFACTS / "visits-today-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(f"[data-testid=planned-{line.pk}]").get_by_role("link").click()
    form = page.locator("[data-testid=report-form]")
    assert form.get_by_label("拜访目的").input_value() == "新品试样"
    form.locator("summary").click()
    form.get_by_label("或新联系人：姓名").fill("高远")
    form.get_by_label("电话号码").fill("13900001234")
    form.get_by_label("客户拜访记录").fill("试样效果良好，客户准备下单。")
    form.get_by_label("后续行动1").fill("寄送报价单")
    form.get_by_label("期限1").fill((today + datetime.timedelta(days=3)).isoformat())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "visits-report-form-390.png"), full_page=True)
    form.get_by_role("button", name="保存").click()
    page.wait_for_url("**/visits/reports/*/")
    assert "已保存" in page.content()
    report = VisitReport.objects.get()
    assert report.contact.name == "高远" and report.planned_visit_id == line.pk
    assert actual_count(page, today.year, org.sales1, today.month) == before + 1

    context.clear_cookies()
    log_in(page, "manager1")
    page.goto(f"/visits/reports/{report.pk}/")
    page.get_by_label("销售主管意见").fill("抓紧报价，争取本月签约。")
    page.get_by_role("button", name="批示并签字").click()
    page.wait_for_url(f"**/visits/reports/{report.pk}/")
    assert "拜访报告已签字" in page.content()
    page.screenshot(path=str(ARTIFACTS / "visits-report-signed-390.png"), full_page=True)

    response = page.request.get(f"/forms/5-29/{report.pk}.pdf")
    assert response.status == 200
    data = response.body()
    assert missing_labels("5-29", data, "pdf") == []
    flat = pdf_text(data).replace(" ", "").replace("\n", "")
    assert f"销售主管：{org.manager1}" in flat and "抓紧报价" in flat
    assert f"拜访人：{org.sales1}" in flat
    assert "高远" in flat
    context.close()
