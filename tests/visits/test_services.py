"""The visit services: what they save, and the bad input they refuse with nothing saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ledger.models import Contact, Customer, CustomerEvent, EventKind
from ledger.workflow import transition
from tests.factories import ContactFactory, CustomerFactory
from tests.visits.conftest import at
from visits.models import DailyLine, FollowUp, PlannedVisit, VisitReport
from visits.services.plans import visit_plan_save
from visits.services.reports import (
    FollowUpItem,
    daily_line_add,
    visit_report_create,
    visit_report_sign,
)
from visits.services.schedules import planned_visit_add, schedule_create


def report_data(day, **extra):
    return {
        "purpose": "回访",
        "started_at": at(day, 10),
        "ended_at": at(day, 11),
        "record": "谈了新订单",
        **extra,
    }


def counts():
    return (
        VisitReport.objects.count(),
        FollowUp.objects.count(),
        DailyLine.objects.count(),
        CustomerEvent.objects.count(),
        Contact.objects.count(),
    )


def test_report_writes_timeline_last_contact_daily_line_and_follow_ups(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    due = visit_day + datetime.timedelta(days=5)
    report = visit_report_create(
        actor=org.sales1,
        customer=customer,
        data=report_data(visit_day),
        new_contact={"name": "李新", "title": "采购", "phone": "13900001111"},
        follow_ups=[FollowUpItem("寄样品", due)],
    )
    assert report.number == f"BF-{visit_day.year}-0001"
    assert report.contact.name == "李新" and report.contact.customer == customer
    assert report.contact_info == "13900001111"
    customer.refresh_from_db()
    assert customer.last_contact_on == visit_day
    assert customer.last_contact_by == org.sales1
    kinds = sorted(
        CustomerEvent.objects.filter(customer=customer).values_list("kind", "occurred_on")
    )
    assert kinds == sorted([(EventKind.FOLLOW_UP, due), (EventKind.MEETING, visit_day)])
    line = DailyLine.objects.get(report=report)
    assert (line.day, line.customer_text, line.time_text) == (
        visit_day,
        customer.name,
        "10:00-11:00",
    )
    assert list(FollowUp.objects.values_list("action", "due_on")) == [("寄样品", due)]


def test_numbers_are_gapless_per_year(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    numbers = [
        visit_report_create(actor=org.sales1, customer=customer, data=report_data(visit_day)).number
        for _ in range(3)
    ]
    assert numbers == [f"BF-{visit_day.year}-{i:04d}" for i in (1, 2, 3)]


def test_future_visit_reported_as_done_is_refused(org):
    customer = CustomerFactory(owner=org.sales1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        visit_report_create(actor=org.sales1, customer=customer, data=report_data(tomorrow))
    assert "尚未" in " ".join(exc.value.messages) or "将来" in " ".join(exc.value.messages)
    assert counts() == before


def test_end_before_start_is_refused(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        visit_report_create(
            actor=org.sales1,
            customer=customer,
            data=report_data(visit_day, ended_at=at(visit_day, 9)),
            new_contact={"name": "不该保存"},
        )
    assert exc.value.message_dict["ended_at"] == ["结束时间不能早于开始时间。"]
    assert counts() == before


def test_report_for_a_customer_one_cannot_see_is_refused(org, visit_day):
    other = CustomerFactory(owner=org.sales3)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        visit_report_create(
            actor=org.sales1,
            customer=other,
            data=report_data(visit_day),
            new_contact={"name": "不该保存"},
        )
    assert exc.value.message_dict["customer"] == ["您无权为该客户填写拜访报告。"]
    assert counts() == before
    assert Customer.objects.get(pk=other.pk).last_contact_on is None


def test_contact_of_another_customer_is_refused(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    foreign = ContactFactory(customer=CustomerFactory(owner=org.sales1))
    with pytest.raises(ValidationError):
        visit_report_create(
            actor=org.sales1, customer=customer, data=report_data(visit_day, contact=foreign)
        )
    assert VisitReport.objects.count() == 0


def test_approved_schedule_edited_by_its_author_is_refused(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    schedule = schedule_create(actor=org.sales1, kind="day", day=visit_day)
    data = {"customer": customer, "visit_on": visit_day, "purpose": "拜访", "remarks": ""}
    planned_visit_add(actor=org.sales1, schedule=schedule, data=data)
    transition(obj=schedule, to="checked", actor=org.manager1)
    transition(obj=schedule, to="approved", actor=org.gm)
    schedule.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        planned_visit_add(actor=org.sales1, schedule=schedule, data=data)
    assert exc.value.messages == ["该计划已是“已批准”状态，不能再修改；请先请经理退回。"]
    assert PlannedVisit.objects.filter(schedule=schedule).count() == 1


def test_schedule_needs_three_different_people(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    schedule = schedule_create(actor=org.sales1, kind="day", day=visit_day)
    planned_visit_add(
        actor=org.sales1,
        schedule=schedule,
        data={"customer": customer, "visit_on": visit_day, "purpose": "拜访"},
    )
    with pytest.raises(PermissionDenied):
        transition(obj=schedule, to="checked", actor=org.sales1)
    with pytest.raises(PermissionDenied):
        transition(obj=schedule, to="checked", actor=org.manager2)
    transition(obj=schedule, to="checked", actor=org.manager1)
    with pytest.raises(PermissionDenied):
        transition(obj=schedule, to="approved", actor=org.manager1)
    transition(obj=schedule, to="approved", actor=org.gm)
    assert schedule.status == "approved"


def test_sign_by_manager_only_once(org, visit_day):
    customer = CustomerFactory(owner=org.sales1)
    report = visit_report_create(actor=org.sales1, customer=customer, data=report_data(visit_day))
    with pytest.raises(PermissionDenied):
        visit_report_sign(actor=org.sales1, report=report, comment="好", expected_version=1)
    with pytest.raises(PermissionDenied):
        visit_report_sign(actor=org.manager2, report=report, comment="好", expected_version=1)
    signed = visit_report_sign(
        actor=org.manager1, report=report, comment="继续跟进", expected_version=1
    )
    assert (signed.signed_by, signed.manager_comment) == (org.manager1, "继续跟进")
    with pytest.raises(ValidationError):
        visit_report_sign(actor=org.gm, report=signed, comment="再签", expected_version=2)


def test_daily_line_for_a_day_to_come_is_refused(org):
    with pytest.raises(ValidationError):
        daily_line_add(
            actor=org.sales1,
            day=timezone.localdate() + datetime.timedelta(days=1),
            data={"purpose": "整理"},
        )
    assert DailyLine.objects.count() == 0


def test_plan_for_an_invisible_customer_is_refused(org):
    with pytest.raises(ValidationError):
        visit_plan_save(
            actor=org.sales1, year=2026, customer=CustomerFactory(owner=org.sales3), data={}
        )


def test_visit_counts_follow_reports_and_their_corrections(org, visit_day):
    from visits.selectors import visit_counts
    from visits.services.reports import visit_report_update

    customer = CustomerFactory(owner=org.sales1)
    report = visit_report_create(actor=org.sales1, customer=customer, data=report_data(visit_day))
    month = visit_day.month
    assert visit_counts(org.manager1, year=visit_day.year)[(org.sales1.pk, month)]["actual"] == 1
    assert (org.sales1.pk, month) not in visit_counts(org.manager2, year=visit_day.year)
    earlier = visit_day.replace(day=1) - datetime.timedelta(days=1)
    visit_report_update(
        actor=org.sales1,
        report=report,
        data={"started_at": at(earlier, 9), "ended_at": at(earlier, 10)},
        expected_version=report.version,
    )
    counts_now = visit_counts(org.sales1, year=earlier.year)
    assert counts_now[(org.sales1.pk, earlier.month)]["actual"] == 1
    if earlier.year == visit_day.year:
        assert counts_now[(org.sales1.pk, month)]["actual"] == 0
