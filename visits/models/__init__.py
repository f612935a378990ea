"""The models of the visit family (表5-27 … 5-30): plans, schedules, reports, daily lines."""

from visits.models.plans import VisitPlan
from visits.models.reports import DailyLine, FollowUp, VisitReport, VisitTally
from visits.models.schedules import PlannedVisit, ScheduleKind, ScheduleStatus, VisitSchedule

__all__ = [
    "DailyLine",
    "FollowUp",
    "PlannedVisit",
    "ScheduleKind",
    "ScheduleStatus",
    "VisitPlan",
    "VisitReport",
    "VisitSchedule",
    "VisitTally",
]
