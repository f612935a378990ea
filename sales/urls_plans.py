"""Pages of the sales family (表5-2 … 5-13) (plans): entering and showing the plans, and
the manager's sales dashboard. Lists and printouts are the engine's (``/forms/<code>/``,
``/registers/5-3/``)."""

from django.urls import path

from sales.views import dashboard, plans

urlpatterns: list = [
    path("plans/annual/new/", plans.AnnualPlanFormView.as_view(), name="annual-plan-create"),
    path("plans/annual/<int:pk>/", plans.AnnualPlanDetailView.as_view(), name="annual-plan-detail"),
    path(
        "plans/annual/<int:pk>/edit/", plans.AnnualPlanFormView.as_view(), name="annual-plan-edit"
    ),
    path("plans/month/new/", plans.MonthPlanItemFormView.as_view(), name="month-plan-create"),
    path(
        "plans/month/<int:pk>/edit/", plans.MonthPlanItemFormView.as_view(), name="month-plan-edit"
    ),
    path(
        "plans/month/<int:pk>/delete/",
        plans.MonthPlanItemDeleteView.as_view(),
        name="month-plan-delete",
    ),
    path("plans/action/new/", plans.ActionPlanFormView.as_view(), name="action-plan-create"),
    path("plans/action/<int:pk>/", plans.ActionPlanDetailView.as_view(), name="action-plan-detail"),
    path(
        "plans/action/<int:pk>/edit/", plans.ActionPlanFormView.as_view(), name="action-plan-edit"
    ),
    path("plans/week/new/", plans.WeekPlanFormView.as_view(), name="week-plan-create"),
    path("plans/week/<int:pk>/", plans.WeekPlanDetailView.as_view(), name="week-plan-detail"),
    path("plans/week/<int:pk>/edit/", plans.WeekPlanFormView.as_view(), name="week-plan-edit"),
    path("dashboard/", dashboard.SalesDashboardView.as_view(), name="dashboard"),
]
