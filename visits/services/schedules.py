"""表5-28: weekly or daily schedules of visits, filled in by the salesperson (填表), then
审核 and 批准 on the workflow spine (``ledger.workflow.transition``)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.services.base import lock_version
from visits.models import PlannedVisit, ScheduleKind, ScheduleStatus, VisitSchedule
from visits.rules import may_edit_schedule, may_plan_visits
from visits.selectors import reportable_customers
from visits.services.common import refuse

LINE_FIELDS = ("customer", "visit_on", "visit_at", "purpose", "contact", "remarks")


def schedule_span(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates a schedule covers: the ISO week (Monday … Sunday) of ``day``, or the day."""
    if kind == ScheduleKind.WEEK:
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=6)
    return day, day


@transaction.atomic
def schedule_create(*, actor: User, kind: str, day: datetime.date) -> VisitSchedule:
    """Start the actor's schedule for the week (or the day) of ``day``, as a draft.

    Who: salespeople and managers, for themselves. One schedule per salesperson, kind and
    start date: asking again returns the one that exists.
    """
    if not may_plan_visits(actor):
        raise PermissionDenied
    if kind not in ScheduleKind.values:
        raise refuse(_("Choose a week or a day."), "kind")
    starts_on, ends_on = schedule_span(kind, day)
    existing = VisitSchedule.objects.filter(
        salesperson=actor, kind=kind, starts_on=starts_on
    ).first()
    if existing is not None:
        return existing
    schedule = VisitSchedule(salesperson=actor, kind=kind, starts_on=starts_on, ends_on=ends_on)
    schedule.full_clean()
    schedule._history_user = actor
    schedule.save()
    return schedule


def _check_editable(actor: User, schedule: VisitSchedule) -> None:
    if actor.pk != schedule.salesperson_id:
        raise PermissionDenied
    if not may_edit_schedule(actor, schedule):
        raise refuse(
            _(
                "This schedule is “%(state)s” and can no longer be changed; ask your "
                "manager to return it first."
            )
            % {"state": schedule.get_status_display()}
        )


def _check_line(actor: User, schedule: VisitSchedule, line: PlannedVisit) -> None:
    if line.customer_id and not reportable_customers(actor).filter(pk=line.customer_id).exists():
        raise refuse(_("You may not plan visits to this customer."), "customer")
    if line.contact is not None and line.contact.customer_id != line.customer_id:
        raise refuse(_("The contact is not a contact of this customer."), "contact")
    if line.visit_on and not schedule.starts_on <= line.visit_on <= schedule.ends_on:
        raise refuse(
            _("The visit date must lie between %(first)s and %(last)s.")
            % {"first": schedule.starts_on, "last": schedule.ends_on},
            "visit_on",
        )


def _touch(schedule: VisitSchedule, actor: User, expected_version: int | None) -> VisitSchedule:
    """Lock the schedule (its state decides whether the lines may change) and move its
    version, so a manager's open page sees the change."""
    locked = lock_version(
        schedule, schedule.version if expected_version is None else expected_version
    )
    _check_editable(actor, locked)
    locked.version += 1
    locked._history_user = actor
    locked.save(update_fields=["version", "updated_at"])
    return locked


@transaction.atomic
def planned_visit_add(
    *,
    actor: User,
    schedule: VisitSchedule,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> PlannedVisit:
    """Add a line to the actor's own draft schedule; an approved or checked schedule is
    refused with a message (it must be returned first)."""
    _check_editable(actor, schedule)
    locked = _touch(schedule, actor, expected_version)
    line = PlannedVisit(schedule=locked, **{f: data.get(f) for f in LINE_FIELDS if f in data})
    line.remarks = line.remarks or ""
    _check_line(actor, locked, line)
    line.full_clean()
    line._history_user = actor
    line.save()
    schedule.version = locked.version
    return line


@transaction.atomic
def planned_visit_delete(*, actor: User, line: PlannedVisit) -> None:
    """Remove a line of the actor's own draft schedule."""
    schedule = line.schedule
    _check_editable(actor, schedule)
    _touch(schedule, actor, None)
    if (
        hasattr(line, "report")
        and PlannedVisit.objects.filter(pk=line.pk, report__isnull=False).exists()
    ):
        raise refuse(_("A visit already reported cannot be removed from the schedule."))
    line._history_user = actor
    line.delete()


def is_final(schedule: VisitSchedule) -> bool:
    return schedule.status == ScheduleStatus.APPROVED
