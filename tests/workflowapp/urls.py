"""The application's URLs plus the test workflow's object page and its action."""

from django.shortcuts import render
from django.urls import path

from ledger.urls import urlpatterns as ledger_urlpatterns
from ledger.workflow.views import TransitionView
from tests.workflowapp.rules import get_proposal_for


def proposal_detail(request, pk):
    proposal = get_proposal_for(request.user, pk)
    return render(request, "workflowapp/proposal_detail.html", {"proposal": proposal})


urlpatterns = [
    *ledger_urlpatterns,
    path("proposals/<int:pk>/", proposal_detail, name="proposal-detail"),
    path(
        "proposals/<int:pk>/transition/",
        TransitionView.as_view(get_object_for=get_proposal_for),
        name="proposal-transition",
    ),
]
