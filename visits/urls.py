"""This family's pages, mounted at /visits/ by ``ledger.urls`` (declared in registers.py)."""

from django.urls import path

from ledger.workflow.views import TransitionView
from visits import views
from visits.selectors import get_schedule_for

app_name = "visits"

urlpatterns = [
    path("", views.today, name="today"),
    path("plans/new/", views.plan_edit, name="plan-create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<int:pk>/", views.schedule_detail, name="schedule-detail"),
    path(
        "schedules/<int:pk>/transition/",
        TransitionView.as_view(get_object_for=get_schedule_for),
        name="schedule-transition",
    ),
    path("planned/<int:pk>/delete/", views.planned_visit_delete, name="planned-delete"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow-up-done"),
    path("daily/", views.daily, name="daily-today"),
    path("daily/<str:day>/", views.daily, name="daily"),
    path("daily-lines/<int:pk>/delete/", views.daily_line_delete, name="daily-line-delete"),
    path("overview/", views.overview, name="overview"),
]
