"""A salesperson's order in a real browser: three lines on one page, confirmed, two lines
shipped in part, a receipt; the 订货单 prints with its lines and 合计; 5-6, 5-12 and 5-13
list the shipments; the order is on the customer's timeline."""

from decimal import Decimal

from sales.models import Order
from tests.factories import CustomerFactory, ProductFactory
from tests.formcheck import missing_labels, pdf_text

PASSWORD = "secret-pass-123"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def test_sales1_takes_ships_and_collects_an_order(org, page, shot):
    customer = CustomerFactory(owner=org.sales1, name="杭州云帆测控技术有限公司")
    CustomerFactory(owner=org.sales3, name="别人的客户有限公司")
    products = [
        ProductFactory(name="精密轴承", spec="6204", unit="套"),
        ProductFactory(name="不锈钢法兰", spec="DN50", unit="件"),
        ProductFactory(name="液压油缸", spec="HSG63", unit="台"),
    ]
    ProductFactory(name="停产旧款", is_active=False)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    log_in(page, "sales1")
    page.goto("/sales/orders/new/")
    options = page.locator("#id_customer option").all_inner_texts()
    assert "杭州云帆测控技术有限公司" in options and "别人的客户有限公司" not in options
    page.locator("#id_customer").select_option(label=customer.name)
    rows = page.locator('[data-testid="order-line"]')
    assert rows.count() == 3
    assert "停产旧款" not in " ".join(rows.nth(0).locator("select").all_inner_texts())
    page.get_by_test_id("add-line").click()
    assert rows.count() == 4
    rows.nth(3).get_by_text("删除此行").click()  # the fourth row is removed again
    for row, product, quantity, price in zip(
        range(3), products, ["100", "40", "5"], ["12.50", "88.00", "1999.99"], strict=True
    ):
        rows.nth(row).get_by_label("品名").select_option(label=str(product))
        rows.nth(row).get_by_label("数量").fill(quantity)
        rows.nth(row).get_by_label("单价").fill(price)
    assert page.locator("[data-order-total]").inner_text() == "14769.95"
    shot("orders-01-new-order-phone")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/sales/orders/*/")
    order = Order.objects.get()
    assert order.total_amount == Decimal("14769.95") and order.lines.count() == 3
    assert page.get_by_text(f"订单 {order.number} 已保存。").is_visible()

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="确认").click()
    assert page.get_by_test_id("order-status").inner_text() == "已确认"

    page.get_by_test_id("ship").click()
    ship_rows = page.locator('[data-testid="ship-line"]')
    ship_rows.nth(0).get_by_label("本次出货数量").fill("60")
    ship_rows.nth(0).get_by_label("生产批号").fill("PH20261101")
    ship_rows.nth(0).get_by_label("检验合格证号").fill("JY-001")
    ship_rows.nth(1).get_by_label("本次出货数量").fill("10")
    page.get_by_label("承运者名称").fill("顺丰速运")
    page.get_by_label("运输单号").fill("SF123456")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/sales/orders/{order.pk}/")
    assert page.get_by_test_id("order-status").inner_text() == "部分出货"

    page.get_by_test_id("receipt").click()
    page.get_by_label("收款金额").fill("1000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/sales/orders/{order.pk}/")
    assert page.get_by_text("收款已登记。").is_visible()
    shot("orders-02-order-page")

    pdf = page.request.get(f"/forms/5-8/{order.pk}.pdf").body()
    assert missing_labels("5-8", pdf, "pdf") == []
    text = pdf_text(pdf)
    for expected in ("精密轴承", "不锈钢法兰", "液压油缸", "14,769.95", order.number, "合计"):
        assert expected in text, expected

    # Shipped: 60 × 12.50 = 750.00 and 10 × 88.00 = 880.00; the 1,000.00 received pays
    # the first line and 250.00 of the second, so 630.00 is still owed.
    page.goto("/registers/5-12/")
    table = page.locator("table").first.inner_text()
    assert "750.00" in table and "880.00" in table and "630.00" in table
    assert "别人的客户有限公司" not in table
    for code in ("5-6", "5-13"):
        page.goto(f"/registers/{code}/")
        table = page.locator("table").first.inner_text()
        assert "精密轴承" in table and "不锈钢法兰" in table and "液压油缸" not in table, code
    shot("orders-03-5-12")

    page.goto(f"/customers/{customer.pk}/")
    assert page.get_by_text(f"订货单 {order.number}").first.is_visible()
