"""A new salesperson's first customer, on a desktop (1366×900) and on a phone (390×844):
create it with only a name, add and edit its contacts, find it with the top bar's search,
print it and export it. On every page: no English word, no dead link, nothing cut off."""

import io
import re
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from ledger.models import Customer
from tests.e2e.conftest import ARTIFACTS
from tests.factories import CustomerFactory, UserFactory
from tests.formcheck import pdf_text

PASSWORD = "secret-pass-123"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
# Latin words the Chinese interface may show: file formats and the credit ratings.
ALLOWED_WORDS = {"PDF", "Excel", "AAA", "AA"}
NAME = "宁波海曙启明精密机械有限公司"

# Elements wider than the screen, outside the tables' own scrolling box.
CUT_OFF_SCRIPT = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-wrap, .visually-hidden, .skip, details:not([open]) > ul')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1) {
      out.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(box.left) + '–'
               + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, out: out.slice(0, 5)};
}"""


class Inspector:
    """Checks each page the journey visits and keeps a screenshot of it."""

    def __init__(self, page, name):
        self.page, self.name, self.seen_links, self.count = page, name, {}, 0

    def check(self, label):
        page = self.page
        page.wait_for_load_state("networkidle")
        self.count += 1
        page.screenshot(
            path=str(ARTIFACTS / f"journey-{self.name}-{self.count:02d}-{label}.png"),
            full_page=True,
        )
        # The language switch names its language in that language ("English"): not counted.
        text = page.evaluate(
            "() => [...document.querySelectorAll('form.lang')]"
            ".reduce((t, f) => t.replace(f.innerText, ''), document.body.innerText)"
        )
        english = sorted(set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_WORDS)
        assert english == [], f"{label}: English on the page: {english}"
        layout = page.evaluate(CUT_OFF_SCRIPT)
        assert layout["scroll"] <= layout["width"], f"{label}: the page scrolls sideways {layout}"
        assert layout["out"] == [], f"{label}: cut off: {layout['out']}"
        self.check_links(label)

    def check_links(self, label):
        origin = urlsplit(self.page.url)
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            url = urlsplit(href)
            if url.netloc != origin.netloc:
                continue
            path = url.path + (f"?{url.query}" if url.query else "")
            if path in self.seen_links or path.endswith((".pdf", ".xlsx")) or ".pdf?" in path:
                continue  # files are fetched by the journey itself
            if ".xlsx?" in path:
                continue
            self.seen_links[path] = self.page.request.get(path, max_redirects=0).status
        dead = {path: status for path, status in self.seen_links.items() if status >= 400}
        assert dead == {}, f"{label}: dead links {dead}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_new_user_creates_finds_prints_and_exports_a_customer(
    org, browser, live_server, transactional_db, viewport
):
    ARTIFACTS.mkdir(exist_ok=True)
    UserFactory(username="newbie", full_name="钱多多", role=Role.SALES, department=org.dept1)
    CustomerFactory(owner=org.sales3, name="宁波海曙远航贸易有限公司")  # someone else's
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        accept_downloads=True,
        viewport={"width": width, "height": height},
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    look = Inspector(page, viewport)

    page.goto("/accounts/login/")
    look.check("login")
    page.get_by_label("用户名").fill("newbie")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    look.check("home")

    # Create a customer with only a name.
    page.locator(".pagehead").get_by_role("link", name="客户管理台账").click()
    look.check("register")
    page.get_by_role("link", name="新客户").click()
    look.check("new-customer")
    page.locator("#id_name").fill(NAME)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/customers/*/")
    assert page.get_by_text(f"客户“{NAME}”已保存。").is_visible()
    look.check("customer")
    customer = Customer.objects.get(name=NAME)

    # Its contacts: add one, then correct it.
    page.get_by_role("link", name="新增联系人").click()
    look.check("new-contact")
    page.get_by_label("姓名").fill("周明")
    page.get_by_label("电话号码").fill("13900001111")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/(#\w*)?$"))
    assert page.get_by_text("联系人已保存。").is_visible()
    page.locator("#contacts tr", has_text="周明").get_by_role("link", name="编辑").click()
    look.check("edit-contact")
    page.get_by_label("职务").fill("采购经理")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/(#\w*)?$"))
    contacts = page.locator("#contacts")
    assert "周明" in contacts.inner_text() and "采购经理" in contacts.inner_text()
    look.check("customer-with-contact")

    # Find it from the top bar: the shared ledger by name, mine linked, the other not.
    if viewport == "phone":
        assert page.locator("#topsearch-q").is_visible()
    page.locator("#topsearch-q").fill("海曙")
    page.locator("#topsearch-q").press("Enter")
    page.wait_for_url("**q=*")
    rows = page.locator("table.register-table tbody tr")
    assert rows.count() == 2
    assert page.locator("table.register-table").get_by_role("link", name=NAME).is_visible()
    assert page.get_by_role("link", name="宁波海曙远航贸易有限公司").count() == 0
    look.check("search")
    page.locator("table.register-table").get_by_role("link", name=NAME).click()
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/(#\w*)?$"))

    # Print and export.
    with page.expect_download() as info:
        page.get_by_test_id("print-pdf").click()
    pdf = info.value.path().read_bytes()
    assert "".join(pdf_text(pdf).split()).count(NAME) >= 1
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    workbook = load_workbook(io.BytesIO(info.value.path().read_bytes()))
    cells = [c for ws in workbook for row in ws.iter_rows(values_only=True) for c in row]
    assert NAME in cells and "周明" in cells
    look.check("after-downloads")
    context.close()
