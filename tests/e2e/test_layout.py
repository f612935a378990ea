"""Phone-sized screens and wide registers: readable tables, first columns kept in view."""

import pytest
from playwright.sync_api import expect

from ledger.models import ServiceKind
from tests.e2e.test_journey import log_in
from tests.factories import ContactFactory, CustomerFactory, ServiceRecordFactory

LONG_NAME = "杭州市西湖区云帆精密测控技术股份有限公司"


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_the_customer_page_stacks_its_tables_on_a_phone(org, phone, shot):
    customer = CustomerFactory(owner=org.sales1, name=LONG_NAME)
    ContactFactory(customer=customer, name="欧阳明远", title="采购部副总经理兼项目负责人")
    ServiceRecordFactory(customer=customer, kind=ServiceKind.SUGGESTION, content="建议改进包装")
    log_in(phone, "sales1")
    phone.goto(f"/customers/{customer.pk}/")
    shot("layout-01-customer-phone")
    width = phone.evaluate("innerWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    row = phone.locator("#contacts tbody tr").first
    # Each contact is a card of "label value" lines, the value on one line, not one
    # character per line.
    name_cell = row.locator("td", has_text="欧阳明远")
    assert name_cell.evaluate("el => getComputedStyle(el, '::before').content") == '"姓名"'
    box = name_cell.bounding_box()
    assert box["height"] < 40 and box["width"] > 200
    # 编辑 and 删除 are on the screen.
    for label in ("编辑", "删除"):
        link = row.get_by_role("link", name=label)
        expect(link).to_be_visible()
        x = link.bounding_box()["x"]
        assert x >= 0 and x + 20 < width
    service = phone.locator("#service tbody tr").first
    assert service.locator('td[data-label="建议内容"]').inner_text() == "建议改进包装"


def _name_cell_left(page, name):
    return page.locator("table.register-table td", has_text=name).first.bounding_box()["x"]


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_a_register_keeps_the_name_in_view_while_scrolling_sideways(org, page, shot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    CustomerFactory(
        owner=org.sales1,
        name=LONG_NAME,
        address="浙江省杭州市西湖区文三路 478 号华星时代广场 A 座 1201 室" * 2,
        risk_warning="近期有一笔货款逾期 30 天，需关注回款情况" * 2,
    )
    log_in(page, "sales1")
    page.goto("/registers/customers/?scope=personal")
    wrap = page.locator(".table-wrap")
    overflow = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow > 100  # the register is wider than the screen
    before = _name_cell_left(page, LONG_NAME)
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(100)
    assert abs(_name_cell_left(page, LONG_NAME) - before) < 2
    # The 序号 column stays too, and the page itself does not scroll sideways.
    seq = page.locator("table.register-table td.k-seq").first.bounding_box()["x"]
    assert seq < before
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(f"layout-02-register-{width}")


def test_the_content_label_follows_the_kind_chosen(org, page):
    customer = CustomerFactory(owner=org.sales1)
    log_in(page, "sales1")
    page.goto(f"/customers/{customer.pk}/service/new/")
    label = page.locator('label[for="id_content"]')
    kind = page.locator("#id_kind")
    for option, text in (("咨询", "咨询内容"), ("建议", "建议内容"), ("投诉", "投诉内容")):
        kind.select_option(label=option)
        expect(label).to_have_text(text)
