"""The PDF and Excel buttons: busy while the file is generated, one click only, and a
failure explained on the page."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.test_journey import log_in
from tests.factories import CustomerFactory


def test_the_excel_button_is_busy_and_clicks_once_while_the_file_is_generated(org, page, shot):
    CustomerFactory(owner=org.sales1, name="下载测试客户有限公司")
    log_in(page, "sales1")
    page.goto("/registers/customers/?scope=personal")
    held = []
    page.route("**/export.xlsx*", lambda route: held.append(route))
    button = page.get_by_test_id("export-xlsx")
    assert button.inner_text() == "导出 Excel"

    button.click()
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_text("正在生成…")
    shot("downloads-01-busy")
    button.dispatch_event("click")  # a second click while busy starts nothing
    page.wait_for_timeout(300)
    assert len(held) == 1

    with page.expect_download() as info:
        held[0].continue_()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    values = [
        c
        for row in load_workbook(io.BytesIO(download.path().read_bytes())).active.iter_rows(
            values_only=True
        )
        for c in row
    ]
    assert "下载测试客户有限公司" in values
    expect(button).not_to_have_attribute("aria-disabled", "true")
    expect(button).to_have_text("导出 Excel")
    assert len(held) == 1


def test_a_failed_print_is_explained_on_the_page(org, page, settings, shot):
    settings.LEDGER_PDF_MAX_ROWS = 1
    CustomerFactory.create_batch(2, owner=org.sales1)
    log_in(page, "sales1")
    page.goto("/registers/customers/?scope=personal")
    url = page.url
    button = page.get_by_test_id("print-pdf")
    button.click()
    error = page.get_by_test_id("download-error")
    expect(error).to_be_visible()
    assert "超过 1 行" in error.inner_text()
    assert page.url == url  # no new tab, no navigation: the list stays as it was
    expect(button).not_to_have_attribute("aria-disabled", "true")
    expect(button).to_have_text("打印（PDF）")
    shot("downloads-02-error")


def test_a_server_error_is_explained_too(org, page):
    customer = CustomerFactory(owner=org.sales1)
    log_in(page, "sales1")
    page.goto(f"/customers/{customer.pk}/")
    page.route(
        "**/*.pdf",
        lambda route: route.fulfill(
            status=503,
            content_type="text/html; charset=utf-8",
            body="<main id='main'><h1>服务暂不可用</h1><p>请稍后再试。</p></main>",
        ),
    )
    page.get_by_test_id("print-pdf").click()
    expect(page.get_by_test_id("download-error")).to_have_text("服务暂不可用：请稍后再试。")


def test_without_javascript_the_buttons_are_plain_links(org, browser, live_server):
    CustomerFactory(owner=org.sales1)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, accept_downloads=True
    )
    page = context.new_page()
    log_in(page, "sales1")
    page.goto("/registers/customers/?scope=personal")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    context.close()


def test_the_monthly_workbook_button_is_busy_while_the_workbook_is_made(org, page):
    log_in(page, "admin")
    page.goto("/exports/")
    held = []
    page.route("**/monthly.xlsx*", lambda route: held.append(route))
    button = page.get_by_test_id("monthly-xlsx")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text("正在生成…")
    with page.expect_download() as info:
        held[0].continue_()
    assert info.value.suggested_filename.endswith(".xlsx")
    assert "month=" in held[0].request.url
    expect(button).to_be_enabled()
    expect(button).to_have_text("下载工作簿")
    assert len(held) == 1
