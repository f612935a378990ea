"""The visit pages: the customer's timeline and the 公共台账 show the visits; 5-27 counts a
visit in the month of Asia/Shanghai; bad input on the pages is refused with a message."""

import datetime

from django.http import QueryDict
from django.utils import timezone

from ledger.engine import site
from ledger.engine.base import RegisterContext
from ledger.engine.query import run_query
from tests.factories import ContactFactory, CustomerFactory
from tests.visits.conftest import at
from visits.models import VisitReport
from visits.services.plans import visit_plan_save
from visits.services.reports import visit_report_create


def test_timeline_and_public_ledger_show_the_visit(visits, login, org):
    client = login(org.sales1)
    page = client.get(visits.c1.get_absolute_url()).content.decode()
    assert visits.report1.number in page  # the visit on the timeline, linked
    assert "一部寄送样品0" in page  # the follow-up item
    shared = login(org.sales3).get("/registers/customers/?scope=public").content.decode()
    row = shared[shared.index("一部客户") :][:2000]
    assert visits.report1.visited_on.isoformat() in row
    assert str(org.sales1) in row  # who made the last contact, seen by a colleague


def test_5_27_counts_a_visit_at_2330_on_the_last_day_in_its_month(org, login):
    year = timezone.localdate().year - 1
    customer = CustomerFactory(owner=org.sales1, name="月末客户")
    visit_plan_save(actor=org.sales1, year=year, customer=customer, data={"m1": 1})
    last_day = datetime.date(year, 1, 31)
    visit_report_create(
        actor=org.sales1,
        customer=customer,
        data={
            "purpose": "月末拜访",
            "started_at": at(last_day, 23, 30),
            "ended_at": at(last_day, 23, 50),
            "record": "x",
        },
    )
    context = RegisterContext(user=org.sales1, params=QueryDict(f"period={year}"))
    rows = run_query(site.get("5-27"), context).queryset
    (row,) = list(rows)
    assert (row["actual_m1"], row["actual_m2"], row["plan_m1"]) == (1, 0, 1)


def test_report_page_refuses_a_future_visit_and_saves_nothing(org, login):
    customer = CustomerFactory(owner=org.sales1)
    ContactFactory(customer=customer)
    client = login(org.sales1)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        f"/visits/reports/new/?customer={customer.pk}",
        {
            "purpose": "拜访",
            "started_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (tomorrow + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "record": "还没去",
            "new_contact_name": "不该保存",
        },
    )
    assert response.status_code == 200
    assert "尚未发生的拜访不能报告为已完成" in response.content.decode()
    assert VisitReport.objects.count() == 0
    assert not customer.contacts.filter(name="不该保存").exists()


def test_report_page_for_an_invisible_customer_is_404(org, login):
    other = CustomerFactory(owner=org.sales3)
    client = login(org.sales1)
    assert client.get(f"/visits/reports/new/?customer={other.pk}").status_code == 404
    assert client.post(f"/visits/reports/new/?customer={other.pk}", {}).status_code == 404


def test_manager_signs_on_the_page(visits, login, org):
    client = login(org.manager1)
    url = f"/visits/reports/{visits.report1.pk}/"
    response = client.post(url, {"manager_comment": "好，继续。", "version": 1})
    assert response.status_code == 302
    visits.report1.refresh_from_db()
    assert visits.report1.signed_by == org.manager1
    # sales1 sees no form and cannot post one.
    assert login(org.sales1).post(url, {"manager_comment": "自签", "version": 2}).status_code == 403


def test_visitor_edits_until_signed(visits, login, org):
    url = f"/visits/reports/{visits.report1.pk}/edit/"
    client = login(org.sales1)
    assert client.get(url).status_code == 200
    assert login(org.manager1).get(url).status_code == 403
    assert login(org.sales3).get(url).status_code == 404
    client = login(org.sales1)  # the same test client, logged in again
    report = visits.report1
    response = client.post(
        url,
        {
            "purpose": "改过的目的",
            "started_at": timezone.localtime(report.started_at).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": timezone.localtime(report.ended_at).strftime("%Y-%m-%dT%H:%M"),
            "record": "改过的记录",
            "version": report.version,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.purpose == "改过的目的"
    assert report.daily_line.purpose == "改过的目的"
    from visits.services.reports import visit_report_sign

    visit_report_sign(
        actor=org.manager1, report=report, comment="好", expected_version=report.version
    )
    assert client.get(url).status_code == 403
