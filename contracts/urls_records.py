"""Pages of the contract records: 表5-22 inspections, 5-23 text uses, 5-24 letters of
authorisation, 5-25 the archive. Their lists are the registers at /registers/<code>/."""

from django.urls import path

from contracts.views import records as views

urlpatterns: list = [
    path("inspections/new/", views.InspectionFormView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/edit/", views.InspectionFormView.as_view(), name="inspection-edit"),
    path("text-uses/new/", views.TextUseFormView.as_view(), name="text-use-create"),
    path("text-uses/<int:pk>/edit/", views.TextUseFormView.as_view(), name="text-use-edit"),
    path("authorizations/new/", views.AuthorizationFormView.as_view(), name="authorization-create"),
    path(
        "authorizations/<int:pk>/edit/",
        views.AuthorizationFormView.as_view(),
        name="authorization-edit",
    ),
    path("archive/", views.ArchiveChooseView.as_view(), name="archive-choose"),
    path("<int:pk>/archive/", views.ArchiveCreateView.as_view(), name="archive-create"),
    path("archives/<int:pk>/edit/", views.ArchiveEditView.as_view(), name="archive-edit"),
]
