"""The home page per role: what needs attention, limited by who may see which customer."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger.models import CustomerCategory, EventKind
from ledger.workflow import inbox
from tests.factories import CustomerFactory, EventFactory, ServiceRecordFactory

TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def text(response):
    """The page's visible words, tags removed and spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_salesperson_sees_their_customers_by_category(org, client):
    CustomerFactory.create_batch(2, owner=org.sales1, category=CustomerCategory.KEY)
    CustomerFactory(owner=org.sales1, category=CustomerCategory.NEW)
    CustomerFactory(owner=org.sales3, category=CustomerCategory.KEY, name="别人的客户")
    summary = home(client, org.sales1).context["summary"]
    assert summary.total == 3
    assert [(value, count) for value, _label, count in summary.by_category] == [
        ("new", 1),
        ("regular", 0),
        ("key", 2),
        ("potential", 0),
    ]
    page = text(client.get("/"))
    assert "我的客户" in page and "重要客户 2" in page and "别人的客户" not in page


def test_risk_warnings_list_only_visible_customers(org, client):
    CustomerFactory(owner=org.sales1, name="有风险的客户", risk_warning="回款逾期 30 天")
    CustomerFactory(owner=org.sales1, name="没风险的客户")
    CustomerFactory(owner=org.sales3, name="别人有风险的客户", risk_warning="停产")
    response = home(client, org.sales1)
    summary = response.context["summary"]
    assert summary.with_risk == 1
    assert [row["name"] for row in summary.risk_list] == ["有风险的客户"]
    assert "回款逾期 30 天" in text(response) and "别人有风险的客户" not in text(response)


def test_open_service_items_show_their_age(org, client):
    mine = CustomerFactory(owner=org.sales1, name="投诉客户")
    ServiceRecordFactory(customer=mine, received_on=ago(10))
    ServiceRecordFactory(customer=mine, received_on=ago(3), handled_on=ago(1), result="已更换")
    ServiceRecordFactory(customer=CustomerFactory(owner=org.sales3), received_on=ago(20))
    response = home(client, org.sales1)
    summary = response.context["summary"]
    assert summary.open_service == 1
    assert [(row["customer_name"], row["days"]) for row in summary.open_service_list] == [
        ("投诉客户", 10)
    ]
    assert "投诉客户 投诉 已等待 10 天" in text(response)


def test_customers_not_contacted_for_30_60_90_days(org, client):
    for days in (29, 30, 31, 60, 61, 90, 91, 400):
        CustomerFactory(owner=org.sales1, last_contact_on=ago(days), name=f"客户{days}天")
    CustomerFactory(owner=org.sales1, last_contact_on=None, name="从未联系的客户")
    CustomerFactory(owner=org.sales3, last_contact_on=ago(400))
    response = home(client, org.sales1)
    summary = response.context["summary"]
    # "30 days or more without contact": contacted 30 days ago counts, 29 days ago not yet.
    assert summary.stale == [(30, 7), (60, 5), (90, 3)]
    assert summary.never_contacted == 1
    assert [row["name"] for row in summary.stale_list][:2] == ["客户400天", "客户91天"]
    assert "客户400天 400 天" in text(response)


def test_follow_ups_due_soon_or_lately(org, client):
    mine = CustomerFactory(owner=org.sales1, name="跟进客户")
    EventFactory(customer=mine, kind=EventKind.FOLLOW_UP, occurred_on=ago(-5), title="寄样品")
    EventFactory(customer=mine, kind=EventKind.FOLLOW_UP, occurred_on=ago(3), title="回访")
    EventFactory(customer=mine, kind=EventKind.FOLLOW_UP, occurred_on=ago(0), title="报价")
    EventFactory(customer=mine, kind=EventKind.FOLLOW_UP, occurred_on=ago(30), title="旧事项")
    EventFactory(customer=mine, kind=EventKind.MEETING, occurred_on=ago(-2), title="开会")
    other = CustomerFactory(owner=org.sales3)
    EventFactory(customer=other, kind=EventKind.FOLLOW_UP, occurred_on=ago(-1), title="别人的")
    response = home(client, org.sales1)
    follow_ups = response.context["summary"].follow_ups
    assert [(row["title"], row["days"]) for row in follow_ups] == [
        ("回访", -3),
        ("报价", 0),
        ("寄样品", 5),
    ]
    page = text(response)
    assert "回访" in page and "已过 3 天" in page and "还有 5 天" in page and "今天" in page


def test_a_manager_sees_the_department_by_salesperson(org, client):
    CustomerFactory.create_batch(2, owner=org.sales1)
    CustomerFactory(owner=org.sales2, risk_warning="x")
    CustomerFactory(owner=org.sales3)
    response = home(client, org.manager1)
    summary = response.context["summary"]
    assert summary.total == 3
    assert [(row["label"], row["customers"], row["risks"]) for row in summary.by_group] == [
        (str(org.sales1), 2, 0),
        (str(org.sales2), 1, 1),
    ]
    assert "本部门客户" in text(response) and "按销售人员" in text(response)


def test_the_general_manager_sees_everything_by_department(org, client):
    CustomerFactory.create_batch(2, owner=org.sales1)
    CustomerFactory(owner=org.sales3)
    summary = home(client, org.gm).context["summary"]
    assert summary.total == 3
    assert [(row["label"], row["customers"]) for row in summary.by_group] == [
        ("销售一部", 2),
        ("销售二部", 1),
    ]


@pytest.mark.parametrize("role", ["production1", "quality1", "purchasing1"])
def test_a_department_reviewer_gets_no_customer_data(org, client, role):
    CustomerFactory(owner=org.sales1, name="保密客户", risk_warning="风险")
    response = home(client, getattr(org, role))
    assert response.context["summary"] is None
    page = response.content.decode()
    assert "保密客户" not in page and 'data-testid="home-summary"' not in page
    # No customer search either: the reviewer cannot open the 公共台账.
    assert 'class="topsearch"' not in page


def test_the_top_bar_searches_the_shared_ledger_by_name(org, client):
    client.force_login(org.sales1)
    for url in ("/", "/registers/5-7/", "/registers/"):
        page = client.get(url).content.decode()
        form = re.search(r'<form class="topsearch".*?</form>', page, flags=re.S).group(0)
        assert 'action="/registers/customers/"' in form
        assert 'name="scope" value="public"' in form and 'name="q"' in form
    other = CustomerFactory(owner=org.sales3, name="恒通机械有限公司")
    mine = CustomerFactory(owner=org.sales1, name="恒通电子有限公司")
    page = client.get("/registers/customers/", {"scope": "public", "q": "恒通"}).content.decode()
    assert "恒通机械有限公司" in page and "恒通电子有限公司" in page
    # Details are linked only where the user may open them.
    assert f'href="/customers/{mine.pk}/"' in page
    assert f'href="/customers/{other.pk}/"' not in page


def test_the_header_names_a_department_once(org, client):
    client.force_login(org.production1)
    page = client.get("/registers/").content.decode()
    who = re.search(r'<span class="who"[^>]*>(.*?)</span>', page).group(1)
    assert who == f"{org.production1} · 生产部"


def _fill(org, n):
    for i in range(n):
        owner = org.sales1 if i % 2 else org.sales3
        customer = CustomerFactory(
            owner=owner, last_contact_on=ago(40 + i), risk_warning="逾期" if i % 3 else ""
        )
        ServiceRecordFactory(customer=customer, received_on=ago(i % 20))
        EventFactory(customer=customer, kind=EventKind.FOLLOW_UP, occurred_on=ago(-(i % 9)))


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["sales1", "manager1", "gm", "admin"])
def test_home_queries_do_not_grow_with_rows(org, client, django_assert_max_num_queries, role):
    client.force_login(getattr(org, role))
    _fill(org, 10)
    ten = _queries(client)
    _fill(org, 90)
    assert client.get("/").context["summary"].total > 10
    assert _queries(client) == ten
    # The badge of 待我处理 costs one count per workflow's provider (the families' inbox.py).
    with django_assert_max_num_queries(11 + len(list(inbox))):
        client.get("/")


def test_open_service_items_are_counted_up_to_a_cap(org, client, monkeypatch):
    monkeypatch.setattr("ledger.dashboard.OPEN_COUNT_CAP", 2)
    customer = CustomerFactory(owner=org.sales1)
    ServiceRecordFactory.create_batch(3, customer=customer, received_on=ago(1))
    response = home(client, org.sales1)
    assert response.context["summary"].open_service == 2
    assert "待处理的服务事项 2+" in text(response)
