"""Visit records of 销售一部 (sales1) and 销售二部 (sales3), made through the services."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import ContactFactory, CustomerFactory
from visits.services.plans import visit_plan_save
from visits.services.reports import FollowUpItem, daily_line_add, visit_report_create
from visits.services.schedules import planned_visit_add, schedule_create


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def make_visits(user, customer, contact, *, day, n=1, label=""):
    schedule = schedule_create(actor=user, kind="week", day=day)
    plan = visit_plan_save(
        actor=user, year=day.year, customer=customer, data={"contact": contact, "m1": 2}
    )
    line = planned_visit_add(
        actor=user,
        schedule=schedule,
        data={
            "customer": customer,
            "visit_on": day,
            "visit_at": datetime.time(9, 0),
            "purpose": f"{label}产品推介",
            "contact": contact,
            "remarks": "",
        },
    )
    reports = [
        visit_report_create(
            actor=user,
            customer=customer,
            data={
                "purpose": f"{label}回访{i}",
                "started_at": at(day, 9 + i % 8),
                "ended_at": at(day, 9 + i % 8, 30),
                "contact": contact,
                "record": f"{label}记录{i}",
            },
            follow_ups=[FollowUpItem(f"{label}寄送样品{i}", day + datetime.timedelta(days=3))],
        )
        for i in range(n)
    ]
    daily = daily_line_add(actor=user, day=day, data={"purpose": f"{label}整理报价"})
    return schedule, plan, line, reports, daily


@pytest.fixture
def visit_day():
    return timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def visits(org, visit_day):
    c1 = CustomerFactory(owner=org.sales1, name="一部客户")
    c3 = CustomerFactory(owner=org.sales3, name="二部客户")
    k1 = ContactFactory(customer=c1, name="王一")
    k3 = ContactFactory(customer=c3, name="王三")
    s1, p1, l1, r1, d1 = make_visits(org.sales1, c1, k1, day=visit_day, label="一部")
    s3, p3, l3, r3, d3 = make_visits(org.sales3, c3, k3, day=visit_day, label="二部")
    return SimpleNamespace(
        c1=c1,
        c3=c3,
        k1=k1,
        k3=k3,
        schedule1=s1,
        schedule3=s3,
        plan1=p1,
        plan3=p3,
        line1=l1,
        line3=l3,
        report1=r1[0],
        report3=r3[0],
        daily1=d1,
        daily3=d3,
    )
