"""The "may this user …" predicates of the visit family, on users and records alone (no
queries of visit models), so the models' workflow declarations can name them. The
selectors (``visits.selectors``) build their row filters from ``owner_q``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from accounts.models import OWNER_ROLES, Role
from accounts.selectors import managed_department_ids

if TYPE_CHECKING:
    from accounts.models import User


def owner_q(user: User, field: str) -> Q | None:
    """The 个人台账 rule applied to a visit record's salesperson ``field``: the
    salesperson, the managers of their department (and above), the 总经理 and admins.
    ``None`` means no record."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.sees_everything:
        return Q()
    if user.role == Role.MANAGER:
        # The people managed, as a subquery of user ids (tens of rows): the database then
        # reads each one's records through the records' own (person, date) index instead of
        # joining every record to its person to test the department.
        from accounts.models import User

        managed = User.objects.filter(department_id__in=managed_department_ids(user)).values("pk")
        return Q(**{f"{field}_id": user.pk}) | Q(**{f"{field}_id__in": managed})
    if user.role in OWNER_ROLES:
        return Q(**{f"{field}_id": user.pk})
    return None


def manages(user: User, person: Any) -> bool:
    """Whether ``user`` is above ``person``: a manager of their department, 总经理, admin."""
    if not (user.is_authenticated and user.is_active) or user.pk == person.pk:
        return False
    if user.sees_everything:
        return True
    if user.role != Role.MANAGER:
        return False
    return person.department_id in (managed_department_ids(user) or set())


def may_see_owner(user: User, person: Any) -> bool:
    """Whether ``user`` may see the visit records of ``person``."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.pk == person.pk:
        return user.role in OWNER_ROLES or user.sees_everything
    return manages(user, person)


def may_plan_visits(user: User) -> bool:
    """Salespeople and managers plan and report their own visits."""
    return user.is_authenticated and user.is_active and user.role in OWNER_ROLES


def may_check_schedule(user: User, schedule: Any) -> bool:
    """审核 of 表5-28: a manager of the salesperson (or the 总经理, an admin), never the
    salesperson themselves."""
    return manages(user, schedule.salesperson)


def may_approve_schedule(user: User, schedule: Any) -> bool:
    """批准 of 表5-28: someone above the salesperson who did not 审核 it (three different
    people sign the form), or the 总经理 / an admin."""
    if not manages(user, schedule.salesperson):
        return False
    if user.sees_everything:
        return True
    checker_id = getattr(schedule, "checked_by_id", None)
    if checker_id is None:
        from ledger.workflow import status_changes_of

        change = status_changes_of(schedule).filter(transition="check").first()
        checker_id = change.actor_id if change else None
    return checker_id != user.pk


def may_return_schedule(user: User, schedule: Any) -> bool:
    """退回 a checked or approved 表5-28 to its author for changes: whoever may 审核 it."""
    return manages(user, schedule.salesperson)


def may_edit_schedule(user: User, schedule: Any) -> bool:
    """Only the author changes a schedule, and only while it is a draft (审核 or 批准 fix
    it; a manager returns it to change it again)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.pk == schedule.salesperson_id
        and schedule.status == "draft"
    )


def may_sign_report(user: User, report: Any) -> bool:
    """The 销售主管 (a manager of the visitor, the 总经理, an admin) comments and signs a
    visit report; the visitor never signs their own."""
    return manages(user, report.visitor)


def may_edit_report(user: User, report: Any) -> bool:
    """The visitor corrects their report until it is signed."""
    return (
        user.is_authenticated
        and user.is_active
        and user.pk == report.visitor_id
        and report.signed_at is None
    )
