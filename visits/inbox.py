"""待我处理 of the visit family: schedules to check or approve, reports to sign."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import managed_department_ids
from ledger.workflow import InboxProvider, inbox
from visits.models import PlannedVisit, ScheduleStatus, VisitReport, VisitSchedule


def _under(user, field):
    """Records of the people ``user`` manages (never their own)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.sees_everything:
        return ~Q(**{f"{field}_id": user.pk})
    if user.role == "manager":
        return Q(**{f"{field}__department_id__in": managed_department_ids(user)}) & ~Q(
            **{f"{field}_id": user.pk}
        )
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
        return VisitReport.objects.filter(rule, signed_at__isnull=True).select_related(
            "visitor", "customer"
        )

    def detail(self, obj):
        return f"{obj.visitor} · {obj.customer}"

    def state(self, obj):
        return str(_("Waiting for signature"))
