"""The review of a contract (表5-14): its boxes, and signing one's own box."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts import selectors
from contracts.forms import SignForm
from contracts.models import ReviewRound, ReviewStep
from contracts.services.reviews import review_sign
from contracts.views.common import refuse


def _round_page(request, contract, rnd, *, form=None):
    steps = list(rnd.steps.all()) if rnd else []
    if rnd:
        for step in steps:
            step.round = rnd
            rnd.contract = contract
            step.refusal = selectors.sign_refusal(request.user, step)
    mine = [s for s in steps if s.refusal is None]
    rounds = list(contract.rounds.order_by("-number")) if rnd else []
    return render(
        request,
        "contracts/review.html",
        {
            "contract": contract,
            "round": rnd,
            "rounds": rounds,
            "steps": steps,
            "mine": mine,
            "form": form or SignForm(),
            "overdue": bool(
                rnd
                and rnd.outcome == ReviewRound.Outcome.OPEN
                and rnd.deadline < selectors.review_deadline_today()
            ),
        },
    )


def _steps():
    return Prefetch("steps", queryset=ReviewStep.objects.select_related("signer"))


@require_GET
def contract_review(request, pk):
    """The contract's latest review round (the open one while under review)."""
    contract = selectors.get_contract_for(request.user, pk)
    rnd = contract.rounds.prefetch_related(_steps()).order_by("-number").first()
    return _round_page(request, contract, rnd)


@require_GET
def review_round(request, pk):
    """Any round, e.g. a returned one kept readable after the resubmission."""
    rnd = (
        selectors.review_rounds_visible_to(request.user)
        .prefetch_related(_steps())
        .filter(pk=pk if str(pk).isdigit() else 0)
        .first()
    )
    if rnd is None:
        raise Http404("no such review")
    contract = selectors.get_contract_for(request.user, rnd.contract_id)
    return _round_page(request, contract, rnd)


@require_POST
def step_sign(request, pk):
    """Sign one box with 同意 / 不同意 and a comment (the service decides who may)."""
    step = (
        selectors.review_steps_visible_to(request.user)
        .select_related("round", "round__contract")
        .filter(pk=pk)
        .first()
    )
    if step is None:
        raise Http404("no such review step")
    contract = step.round.contract
    back = reverse("contracts:contract-review", args=[contract.pk])
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose 同意 or 不同意."))
        return redirect(back)
    try:
        review_sign(
            step=step,
            actor=request.user,
            opinion=form.cleaned_data["opinion"],
            comment=form.cleaned_data["comment"],
        )
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc, _("You may not sign this box."))
        return redirect(back)
    contract.refresh_from_db(fields=["status"])
    messages.success(
        request,
        _("The %(box)s box is signed; the contract is now “%(state)s”.")
        % {"box": step.get_box_display(), "state": contract.get_status_display()},
    )
    # A department reviewer no longer sees a contract once it has left review.
    if not selectors.contracts_visible_to(request.user).filter(pk=contract.pk).exists():
        return redirect("inbox")
    return redirect(back)
