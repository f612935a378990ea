"""待我处理 of the visit family: schedules to check or approve, reports to sign."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import managed_department_ids
from ledger.workflow import InboxProvider, inbox
from visits.models import PlannedVisit, ScheduleStatus, VisitReport, VisitSchedule

# Reports wait in 待我处理 for this many days; older unsigned ones stay in the 表5-29 list
# (filter 尚未签字).
SIGN_WITHIN_DAYS = 30


def _under(user, field):
    """Records of the people ``user`` manages (never their own)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.sees_everything:
        return ~Q(**{f"{field}_id": user.pk})
    if user.role == "manager":
        managed = User.objects.filter(department_id__in=managed_department_ids(user)).values("pk")
        return Q(**{f"{field}_id__in": managed}) & ~Q(**{f"{field}_id": user.pk})
    return None


@inbox.register
class ScheduleInbox(InboxProvider):
    key = "visits.schedule"
    label = _("Visit schedules to check or approve")

    def waiting_for(self, user):
        rule = _under(user, "salesperson")
        if rule is None:
            return VisitSchedule.objects.none()
        # 审核 by the managers; 批准 of checked ones by the 总经理 and admins.
        states = [ScheduleStatus.DRAFT]
        if user.sees_everything:
            states = [ScheduleStatus.CHECKED]
        return (
            VisitSchedule.objects.filter(rule, status__in=states)
            .filter(Exists(PlannedVisit.objects.filter(schedule=OuterRef("pk"))))
            .select_related("salesperson")
        )

    def detail(self, obj):
        return str(obj.salesperson)


@inbox.register
class ReportInbox(InboxProvider):
    key = "visits.report"
    label = _("Visit reports to sign")

    def waiting_for(self, user):
        rule = _under(user, "visitor")
        if rule is None or user.role != "manager":
            return VisitReport.objects.none()
        since = timezone.localdate() - datetime.timedelta(days=SIGN_WITHIN_DAYS)
        return VisitReport.objects.filter(
            rule, signed_at__isnull=True, visited_on__gte=since
        ).select_related("visitor", "customer")

    def detail(self, obj):
        return f"{obj.visitor} · {obj.customer}"

    def state(self, obj):
        return str(_("Waiting for signature"))
