"""表5-29 visit reports, their follow-ups (后续行动) and 表5-30's lines.

A report writes to the customer's registry only through the ledger's services: the visit
goes on the customer's timeline (which moves 最近联系 and names the visitor), each
follow-up becomes a dated follow-up item there, and a contact met for the first time is
added with ``contact_create``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.models import Customer, EventKind
from ledger.numbering import next_number
from ledger.services.base import lock_version
from ledger.services.customers import (
    HISTORY_LANGUAGE,
    contact_create,
    customer_event_record_from_source,
)
from visits.models import DailyLine, FollowUp, PlannedVisit, VisitReport, VisitTally
from visits.rules import may_edit_report, may_plan_visits, may_sign_report
from visits.selectors import reportable_customers
from visits.services.common import refuse

REPORT_PREFIX = "BF"  # 表5-29's numbers: BF-2026-0001
REPORT_FIELDS = (
    "purpose",
    "started_at",
    "ended_at",
    "contact",
    "contact_info",
    "record",
    "problems",
    "actions",
)
MAX_FOLLOW_UPS = 10
# Relations the service has fetched and checked itself (visibility, ownership): validating
# them again would query each row a second time.
CHECKED_RELATIONS = ["visitor", "customer", "contact", "planned_visit", "signed_by"]


@dataclass(frozen=True)
class FollowUpItem:
    """One line of 后续行动 as typed: what, and by when."""

    action: str
    due_on: datetime.date


TEXT_FIELDS = frozenset({"purpose", "contact_info", "record", "problems", "actions"})


def _value(field: str, value: Any) -> Any:
    """A form's empty text is "" in the database; an empty choice of contact is None."""
    if value is None and field in TEXT_FIELDS:
        return ""
    return value


def _time_text(report: VisitReport) -> str:
    start = timezone.localtime(report.started_at)
    end = timezone.localtime(report.ended_at)
    return f"{start:%H:%M}-{end:%H:%M}"


def _validate_times(started_at: datetime.datetime, ended_at: datetime.datetime) -> None:
    errors = {}
    if started_at and started_at > timezone.now():
        errors["started_at"] = _(
            "The visit starts in the future: a visit can be reported only once it has taken place."
        )
    if started_at and ended_at and ended_at < started_at:
        errors["ended_at"] = _("The visit cannot end before it starts.")
    elif ended_at and ended_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["ended_at"] = _("The visit ends in the future: report it once it has taken place.")
    if errors:
        raise ValidationError(errors)


def _tally(report: VisitReport, step: int) -> None:
    """Count the report in (step 1) or out of (step -1) its visitor's month."""
    month = report.visited_on.replace(day=1)
    tally, _created = VisitTally.objects.get_or_create(
        salesperson_id=report.visitor_id, month=month
    )
    VisitTally.objects.filter(pk=tally.pk).update(visits=F("visits") + step)


def _visit_title(report: VisitReport) -> str:
    with translation.override(HISTORY_LANGUAGE):
        return _("Visit %(number)s: %(purpose)s") % {
            "number": report.number,
            "purpose": report.purpose,
        }


def _follow_up_title(item: FollowUp) -> str:
    with translation.override(HISTORY_LANGUAGE):
        return _("Follow-up of visit %(number)s: %(action)s") % {
            "number": item.report.number,
            "action": item.action,
        }


def _sync_daily_line(report: VisitReport, *, created: bool) -> None:
    """The report's line of 表5-30, copied from the validated report."""
    line = DailyLine(report=report, salesperson_id=report.visitor_id)
    if not created:
        line = DailyLine.objects.filter(report=report).first() or line
    line.day = report.visited_on
    line.customer_text = report.customer.name[:120]
    line.time_text = _time_text(report)
    line.purpose = report.purpose
    line.result = report.record
    line.remarks = report.actions
    line.save()


@transaction.atomic
def visit_report_create(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    planned_visit: PlannedVisit | None = None,
    new_contact: Mapping[str, Any] | None = None,
    follow_ups: Sequence[FollowUpItem] = (),
) -> VisitReport:
    """File the actor's report of a visit that has taken place.

    Refused, with nothing saved: a customer whose details the actor may not see; a visit
    that starts in the future (a future visit is planned in 表5-28, not reported); an end
    before the start; a 接洽人 who is not the customer's contact; a planned visit that is
    not the actor's, is another customer's or was reported already. ``new_contact``
    (name, title, phone) adds the person met to the customer's contacts first.
    Who: salespeople and managers (the visitor is the actor).
    """
    if not may_plan_visits(actor):
        raise PermissionDenied
    if not reportable_customers(actor).filter(pk=customer.pk).exists():
        raise refuse(_("You may not report a visit to this customer."), "customer")
    if planned_visit is not None:
        if planned_visit.schedule.salesperson_id != actor.pk:
            raise refuse(_("This planned visit is not yours."))
        if planned_visit.customer_id != customer.pk:
            raise refuse(_("The planned visit is to another customer."), "customer")
        if VisitReport.objects.filter(planned_visit=planned_visit).exists():
            raise refuse(_("This planned visit has been reported already."))
    report = VisitReport(visitor=actor, customer=customer, planned_visit=planned_visit)
    for field in REPORT_FIELDS:
        if field in data:
            setattr(report, field, _value(field, data[field]))
    if report.contact_id and report.contact.customer_id != customer.pk:
        raise refuse(_("The person met is not a contact of this customer."), "contact")
    _validate_times(report.started_at, report.ended_at)
    if len(follow_ups) > MAX_FOLLOW_UPS:
        raise refuse(_("At most %(n)d follow-up actions per report.") % {"n": MAX_FOLLOW_UPS})
    if new_contact and (new_contact.get("name") or "").strip():
        contact = contact_create(
            actor=actor,
            customer=customer,
            data={"kind": "secondary", **{k: v for k, v in new_contact.items() if v}},
            _checked=True,
        )
        report.contact = contact
        if not report.contact_info:
            report.contact_info = contact.phone or contact.email
    if report.started_at:
        report.visited_on = timezone.localtime(report.started_at).date()
        report.number = next_number(REPORT_PREFIX, report.visited_on.year)
    report.full_clean(exclude=CHECKED_RELATIONS)
    report._history_user = actor
    report.save()
    _tally(report, 1)
    _sync_daily_line(report, created=True)
    customer_event_record_from_source(
        source=report,
        customer=customer,
        kind=EventKind.MEETING,
        occurred_on=report.visited_on,
        title=_visit_title(report),
        detail=report.record,
        actor=actor,
    )
    for item in follow_ups:
        follow_up_add(actor=actor, report=report, action=item.action, due_on=item.due_on)
    return report


def follow_up_add(
    *, actor: User, report: VisitReport, action: str, due_on: datetime.date
) -> FollowUp:
    """One line of 后续行动: a follow-up with its due date, put on the customer's
    timeline as a follow-up item (which does not count as contact)."""
    item = FollowUp(
        report=report,
        customer_id=report.customer_id,
        owner_id=report.visitor_id,
        action=(action or "").strip(),
        due_on=due_on,
    )
    if item.due_on and item.due_on < report.visited_on:
        raise refuse(_("A follow-up cannot be due before the visit."), "follow_ups")
    item.full_clean(exclude=["report", "customer", "owner"])
    item._history_user = actor
    item.save()
    customer_event_record_from_source(
        source=item,
        customer=report.customer,
        kind=EventKind.FOLLOW_UP,
        occurred_on=item.due_on,
        title=_follow_up_title(item),
        actor=actor,
    )
    return item


@transaction.atomic
def visit_report_update(
    *, actor: User, report: VisitReport, data: Mapping[str, Any], expected_version: int
) -> VisitReport:
    """The visitor corrects their report until it is signed; the same checks as when it
    was filed; a stale form is refused."""
    if not may_edit_report(actor, report):
        raise refuse(_("A signed report can no longer be changed."))
    locked = lock_version(report, expected_version)
    if not may_edit_report(actor, locked):
        raise refuse(_("A signed report can no longer be changed."))
    counted_month = locked.visited_on.replace(day=1)
    for field in REPORT_FIELDS:
        if field in data:
            setattr(locked, field, _value(field, data[field]))
    if locked.contact_id and locked.contact.customer_id != locked.customer_id:
        raise refuse(_("The person met is not a contact of this customer."), "contact")
    _validate_times(locked.started_at, locked.ended_at)
    locked.visited_on = timezone.localtime(locked.started_at).date()
    locked.version += 1
    locked.full_clean(exclude=CHECKED_RELATIONS)
    locked._history_user = actor
    locked.save()
    if locked.visited_on.replace(day=1) != counted_month:
        _tally(VisitReport(visitor_id=locked.visitor_id, visited_on=counted_month), -1)
        _tally(locked, 1)
    _sync_daily_line(locked, created=False)
    return locked


@transaction.atomic
def visit_report_sign(
    *, actor: User, report: VisitReport, comment: str, expected_version: int
) -> VisitReport:
    """The 销售主管 comments on a report and signs it (once).

    Who: a manager of the visitor, the 总经理 or an admin, never the visitor. A report
    signed or changed since the page was opened is refused.
    """
    if not may_sign_report(actor, report):
        raise PermissionDenied
    locked = lock_version(report, expected_version)
    if locked.signed_at is not None:
        raise refuse(_("This report was already signed by %(who)s.") % {"who": locked.signed_by})
    comment = (comment or "").strip()
    if not comment:
        raise refuse(_("Please write your comment before signing."), "manager_comment")
    locked.manager_comment = comment
    locked.signed_by = actor
    locked.signed_at = timezone.now()
    locked.version += 1
    locked.full_clean(exclude=CHECKED_RELATIONS, validate_unique=False)
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def follow_up_done(
    *, actor: User, follow_up: FollowUp, on: datetime.date | None = None
) -> FollowUp:
    """Mark a follow-up done: its owner, or someone above them."""
    if actor.pk != follow_up.owner_id and not may_sign_report(actor, follow_up.report):
        raise PermissionDenied
    follow_up.done_on = on or timezone.localdate()
    follow_up.full_clean()
    follow_up._history_user = actor
    follow_up.save(update_fields=["done_on"])
    return follow_up


@transaction.atomic
def daily_line_add(*, actor: User, day: datetime.date, data: Mapping[str, Any]) -> DailyLine:
    """A line of the actor's 拜访日报 for what was not a visit (office work, calls …).
    Lines of visits come from the reports themselves."""
    if not may_plan_visits(actor):
        raise PermissionDenied
    if day > timezone.localdate():
        raise refuse(_("The daily report of a day to come cannot be written yet."), "day")
    line = DailyLine(
        salesperson=actor,
        day=day,
        customer_text=data.get("customer_text") or "",
        time_text=data.get("time_text") or "",
        purpose=(data.get("purpose") or "").strip(),
        result=data.get("result") or "",
        remarks=data.get("remarks") or "",
    )
    line.full_clean()
    line._history_user = actor
    line.save()
    return line


@transaction.atomic
def daily_line_delete(*, actor: User, line: DailyLine) -> None:
    """Remove one of the actor's own non-visit lines (a visit's line goes with its report)."""
    if line.salesperson_id != actor.pk:
        raise PermissionDenied
    if line.report_id is not None:
        raise refuse(_("This line comes from a visit report; change the report instead."))
    line._history_user = actor
    line.delete()
