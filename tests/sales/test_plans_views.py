"""Entering plans through their pages: what is saved, and bad input refused with a clear
message and nothing saved."""

import datetime
from decimal import Decimal

import pytest

from sales.models import ActionPlan, AnnualPlan, MonthPlanItem, WeekPlan
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order
from tests.sales.plan_factories import annual_plan, month_item


def annual_post(owner, products, **extra):
    data = {
        "owner": owner.pk,
        "year": "2027",
        "filled_on": "2027-01-04",
        "reviewer": "经理一",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for i, product in enumerate(products):
        data |= {
            f"lines-{i}-product": product.pk,
            f"lines-{i}-home_qty": "100",
            f"lines-{i}-home_price": "0.0125",
            f"lines-{i}-abroad_qty": "",
            f"lines-{i}-abroad_price": "",
            f"lines-{i}-partner_qty": "10",
            f"lines-{i}-partner_price": "0.02",
        }
    return data | extra


def test_a_salesperson_enters_an_annual_plan(org, login):
    valve, pump = ProductFactory(name="阀门"), ProductFactory(name="水泵")
    client = login(org.sales1)
    response = client.post("/sales/plans/annual/new/", annual_post(org.sales1, [valve, pump]))
    plan = AnnualPlan.objects.get()
    assert response.status_code == 302 and response.url == f"/sales/plans/annual/{plan.pk}/"
    assert (plan.owner, plan.year, plan.created_by) == (org.sales1, 2027, org.sales1)
    lines = list(plan.lines.order_by("position"))
    assert [(line.product, line.total_qty, line.total_amount) for line in lines] == [
        (valve, Decimal("110"), Decimal("1.45")),  # 100 × 0.0125 + 10 × 0.02
        (pump, Decimal("110"), Decimal("1.45")),
    ]
    page = client.get(response.url)
    assert "已保存" in page.content.decode()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lines-0-home_qty": "-5"}, "大于或等于"),
        ({"lines-0-home_price": "0.123456"}, "小数不超过 4 位"),
        ({"year": "1999"}, "2000"),
        ({"lines-1-product": "", "lines-1-home_qty": "5"}, "请选择"),
    ],
)
def test_bad_annual_input_is_refused_and_nothing_saved(org, login, change, message):
    products = [ProductFactory(), ProductFactory()]
    response = login(org.sales1).post(
        "/sales/plans/annual/new/", annual_post(org.sales1, products, **change)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnualPlan.objects.exists()


def test_the_same_product_twice_and_a_second_plan_for_the_year_are_refused(org, login):
    valve = ProductFactory()
    client = login(org.sales1)
    data = annual_post(org.sales1, [valve, valve])
    response = client.post("/sales/plans/annual/new/", data)
    assert response.status_code == 200 and "列了两次" in response.content.decode()
    annual_plan(org.sales1, year=2027)
    response = client.post("/sales/plans/annual/new/", annual_post(org.sales1, [valve]))
    assert response.status_code == 200
    assert AnnualPlan.objects.count() == 1


def test_a_discontinued_product_is_refused_on_a_new_plan(org, login):
    old = ProductFactory(name="停产阀门", is_active=False)
    data = annual_post(org.sales1, [old])
    # The form offers products in use only; a forged id is refused too.
    response = login(org.sales1).post("/sales/plans/annual/new/", data)
    assert response.status_code == 200 and not AnnualPlan.objects.exists()


def test_a_salesperson_cannot_plan_for_another(org, login):
    data = annual_post(org.sales3, [ProductFactory()])
    response = login(org.sales1).post("/sales/plans/annual/new/", data)
    plan = AnnualPlan.objects.get()
    # The salesperson field is fixed to oneself: the forged owner is ignored.
    assert response.status_code == 302 and plan.owner == org.sales1


def test_a_manager_plans_for_their_salesperson_but_not_another_departments(org, login):
    client = login(org.manager1)
    product = ProductFactory()
    assert (
        client.post("/sales/plans/annual/new/", annual_post(org.sales2, [product])).status_code
        == 302
    )
    response = client.post("/sales/plans/annual/new/", annual_post(org.sales3, [product]))
    assert response.status_code == 200
    assert list(AnnualPlan.objects.values_list("owner__username", flat=True)) == ["sales2"]


def test_a_stale_edit_is_refused(org, login):
    plan = annual_plan(org.sales1, year=2027)
    data = annual_post(org.sales1, [ProductFactory()], version=str(plan.version))
    client = login(org.sales1)
    assert client.post(f"/sales/plans/annual/{plan.pk}/edit/", data).status_code == 302
    response = client.post(f"/sales/plans/annual/{plan.pk}/edit/", data | {"reviewer": "乙"})
    assert response.status_code == 200 and "重新加载" in response.content.decode()
    plan.refresh_from_db()
    assert plan.reviewer == "经理一" and plan.version == 2


def test_an_action_plan_picks_customers_and_products(org, login):
    mine = CustomerFactory(owner=org.sales1, name="我的客户")
    theirs = CustomerFactory(owner=org.sales3, name="别人的客户")
    product = ProductFactory(name="主推")
    client = login(org.sales1)
    data = {
        "owner": org.sales1.pk,
        "month": "2026-12",
        "filled_on": "2026-11-28",
        "target": "200000",
        "plan_text": "冲刺年底",
        "visit_1": mine.pk,
        "new_2_name": "潜在客户某某",
        "product_1": product.pk,
    }
    response = client.post("/sales/plans/action/new/", data)
    plan = ActionPlan.objects.get()
    assert response.status_code == 302
    assert plan.month == datetime.date(2026, 12, 1)
    assert sorted((i.kind, i.position, i.text) for i in plan.items.all()) == [
        ("new", 2, "潜在客户某某"),
        ("product", 1, "主推"),
        ("visit", 1, "我的客户"),
    ]
    # Another salesperson's customer is not offered and a forged id is refused.
    response = client.post(
        "/sales/plans/action/new/", data | {"month": "2027-01", "visit_1": theirs.pk}
    )
    assert response.status_code == 200 and ActionPlan.objects.count() == 1


def test_a_week_plan_fills_the_weekday_grid(org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.sales1)
    data = {
        "owner": org.sales1.pk,
        "week_start": "2026-W49",
        "goal1": "签两单",
        "d0_action": "拜访",
        "d0_customer": customer.pk,
        "d4_action": "周报",
    }
    response = client.post("/sales/plans/week/new/", data)
    plan = WeekPlan.objects.get()
    assert response.status_code == 302 and plan.week_start == datetime.date(2026, 11, 30)
    assert [(d.weekday, d.action, d.customer) for d in plan.days.all()] == [
        (0, "拜访", customer),
        (4, "周报", None),
    ]
    response = client.post("/sales/plans/week/new/", data | {"week_start": "2026-W60"})
    assert response.status_code == 200 and "2026-W48" in response.content.decode()


def test_a_planned_order_is_linked_to_the_real_order(org, login):
    customer = CustomerFactory(owner=org.sales1)
    item = month_item(org.sales1, customer=customer)
    order = make_order(org.sales1, customer=customer)
    other = make_order(org.sales1)  # another customer's order
    client = login(org.sales1)
    data = {
        "owner": org.sales1.pk,
        "customer": customer.pk,
        "product": item.product.pk,
        "quantity": "12",
        "ship_on": "2026-11-20",
        "remarks": "",
        "version": item.version,
    }
    response = client.post(f"/sales/plans/month/{item.pk}/edit/", data | {"order": other.pk})
    assert response.status_code == 200
    response = client.post(f"/sales/plans/month/{item.pk}/edit/", data | {"order": order.pk})
    assert response.status_code == 302 and response.url == "/registers/5-3/?period=2026-11"
    rows = client.get(response.url).context["table"].page.object_list
    assert [r.record["order__number"] for r in rows] == [order.number]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.234"])
def test_a_planned_order_needs_a_positive_quantity_in_cents(org, login, quantity):
    customer = CustomerFactory(owner=org.sales1)
    data = {
        "owner": org.sales1.pk,
        "customer": customer.pk,
        "product": ProductFactory().pk,
        "quantity": quantity,
        "ship_on": "2026-11-20",
    }
    response = login(org.sales1).post("/sales/plans/month/new/", data)
    assert response.status_code == 200 and not MonthPlanItem.objects.exists()


def test_deleting_a_planned_order_asks_first(org, login):
    item = month_item(org.sales1)
    client = login(org.sales1)
    page = client.get(f"/sales/plans/month/{item.pk}/delete/")
    assert page.status_code == 200 and MonthPlanItem.objects.exists()
    response = client.post(f"/sales/plans/month/{item.pk}/delete/")
    assert response.status_code == 302 and not MonthPlanItem.objects.exists()


def test_a_form_sent_twice_saves_once(org, login):
    client = login(org.sales1)
    data = annual_post(org.sales1, [ProductFactory()], form_token="a" * 32)
    first = client.post("/sales/plans/annual/new/", data)
    second = client.post("/sales/plans/annual/new/", data)
    assert first.status_code == second.status_code == 302
    assert AnnualPlan.objects.count() == 1
