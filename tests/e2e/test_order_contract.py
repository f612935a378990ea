"""An order placed under its customer's contract in a real browser: the 合同 choice follows
the customer chosen (fetched with htmx), the order's page links the contract, the contract's
page lists the order, and 表5-18 prints its shipment."""

from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import ContractStatus
from sales.models import Order
from tests.contracts.records_state import make_contract
from tests.e2e.test_orders_journey import log_in
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import ship


def contract_options(page):
    return page.locator("#id_contract option")


def test_sales1_places_an_order_under_a_contract(org, page, shot):
    first = CustomerFactory(owner=org.sales1, name="杭州云帆测控技术有限公司")
    second = CustomerFactory(owner=org.sales1, name="宁波海曙精工有限公司")
    one = make_contract(org.sales1, kind="order", customer=first, name="云帆订货合同")
    two = make_contract(org.sales1, kind="order", customer=second, name="海曙订货合同")
    make_contract(org.sales1, customer=second, status=ContractStatus.DRAFT, name="海曙草稿合同")
    product = ProductFactory(name="精密轴承", spec="6204", unit="套")
    log_in(page, "sales1")
    page.goto("/sales/orders/new/")
    expect(contract_options(page)).to_have_text(["---------"])  # no customer chosen yet
    page.locator("#id_customer").select_option(label=first.name)
    expect(contract_options(page)).to_have_text(["---------", f"{one.number} 云帆订货合同"])
    page.locator("#id_contract").select_option(label=f"{one.number} 云帆订货合同")
    page.locator("#id_customer").select_option(label=second.name)
    # The second customer's contracts replace the first's, and the choice goes with them.
    expect(contract_options(page)).to_have_text(["---------", f"{two.number} 海曙订货合同"])
    assert page.locator("#id_contract").input_value() == ""
    page.locator("#id_contract").select_option(label=f"{two.number} 海曙订货合同")
    row = page.locator('[data-testid="order-line"]').nth(0)
    row.get_by_label("品名").select_option(label=str(product))
    row.get_by_label("数量").fill("10")
    row.get_by_label("单价").fill("12.50")
    shot("orders-contract-01-new-order")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/sales/orders/*/")
    order = Order.objects.get()
    assert order.contract == two

    page.get_by_test_id("order-contract").get_by_role("link").click()
    page.wait_for_url(f"**/contracts/{two.pk}/")
    assert (
        page.get_by_test_id("contract-orders").get_by_role("link", name=order.number).is_visible()
    )
    shot("orders-contract-02-contract-page")

    page.goto(f"/sales/orders/{order.pk}/")
    page.get_by_role("button", name="确认").click()
    assert page.get_by_test_id("order-status").inner_text() == "已确认"
    order.refresh_from_db()
    today = timezone.localdate()
    ship(org.sales1, order, {0: "10"}, shipped_on=today)
    page.goto("/registers/5-18/")
    assert (
        page.get_by_role("row")
        .filter(has_text=two.number)
        .get_by_text(today.isoformat())
        .is_visible()
    )
