"""A salesperson's day in a real browser: log in, add a customer with two contacts, find
it with the filter, export it, print it."""

import io

from openpyxl import load_workbook

from ledger.models import Customer
from tests.factories import CustomerFactory, ProductFactory
from tests.formcheck import missing_labels, pdf_text

PASSWORD = "secret-pass-123"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def test_add_find_export_and_print_a_customer(org, page, shot):
    CustomerFactory(owner=org.sales3, name="别人的客户有限公司")
    log_in(page, "sales1")
    shot("01-home-sales1")

    # The menu of the 客户台账 family, then the register itself.
    page.locator("nav#mainnav summary", has_text="客户台账").click()
    page.locator("nav#mainnav").get_by_role("link", name="客户台账", exact=True).click()
    page.get_by_role("link", name="新客户").click()
    # Typing a name already in the ledger shows the match and its owner at once.
    page.locator("#id_name").fill("别人的客户有限公司")
    hint = page.get_by_test_id("duplicates")
    hint.wait_for()
    assert "别人的客户有限公司" in hint.inner_text() and str(org.sales3) in hint.inner_text()
    page.locator("#id_name").fill("杭州云帆测控技术有限公司")
    hint.wait_for(state="detached")
    page.locator("#id_phone").fill("0571-87654321")
    page.locator("#id_category").select_option(label="潜在客户")
    rows = page.locator('[data-testid="contact-row"]')
    rows.nth(0).get_by_label("姓名").fill("林晓")
    rows.nth(0).get_by_label("职务").fill("采购经理")
    rows.nth(0).get_by_label("电话号码").fill("13812345678")
    rows.nth(1).get_by_label("联系人类型").select_option(label="辅助联系人")
    rows.nth(1).get_by_label("姓名").fill("高远")
    page.get_by_role("button", name="再添加一位联系人").click()
    assert rows.count() == 3
    shot("02-new-customer-form")
    page.get_by_role("button", name="保存").click()

    page.wait_for_url("**/customers/*/")
    assert page.get_by_text("客户“杭州云帆测控技术有限公司”已保存。").is_visible()
    shot("03-customer-detail")
    customer = Customer.objects.get(name="杭州云帆测控技术有限公司")
    assert customer.owner == org.sales1
    assert sorted(customer.contacts.values_list("name", flat=True)) == ["林晓", "高远"]

    # Find it in the 个人台账 with the search filter.
    page.goto("/registers/customers/?scope=personal")
    page.get_by_label("搜索", exact=True).fill("云帆")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**q=*")
    table = page.locator("table.register-table tbody")
    assert table.locator("tr").count() == 1
    assert "杭州云帆测控技术有限公司" in table.inner_text()
    assert "林晓" in table.inner_text()
    shot("04-filtered-list")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(download.path().read_bytes()))
    values = [c for row in wb.active.iter_rows(values_only=True) for c in row]
    assert "杭州云帆测控技术有限公司" in values and "别人的客户有限公司" not in values

    href = page.get_by_test_id("print-pdf").get_attribute("href")
    assert "q=" in href
    pdf = page.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(pdf_text(pdf.body()).split())
    assert "杭州云帆测控技术有限公司" in text and "别人的客户有限公司" not in text


def test_the_product_form_prints_and_exports(org, page, shot):
    ProductFactory.create_batch(5)
    log_in(page, "assistant1")
    page.goto("/registers/5-7/")
    assert page.locator("thead").inner_text().count("单价") == 1
    shot("05-product-register")
    pdf = page.request.get("/registers/5-7/print.pdf")
    assert missing_labels("5-7", pdf.body(), "pdf") == []
    xlsx = page.request.get("/registers/5-7/export.xlsx")
    assert missing_labels("5-7", xlsx.body(), "xlsx") == []
    assert load_workbook(io.BytesIO(xlsx.body())).active.title == "表5-7 产品记录表"


def test_a_reviewer_has_no_customer_ledger(org, page):
    log_in(page, "production1")
    assert page.locator('nav#mainnav a[href="/registers/customers/"]').count() == 0
    response = page.goto("/registers/customers/")
    assert response.status == 403
    assert page.get_by_text("您的角色无权访问此页面").is_visible()
