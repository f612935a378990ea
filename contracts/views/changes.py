"""Change requests (5-15), their 审核 and 批准, and the notices (5-16) departments sign."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from contracts import selectors
from contracts.forms import ChangeRequestForm
from contracts.models import ChangeNotice
from contracts.services.changes import (
    change_approve,
    change_check,
    change_create,
    change_reject,
    change_withdraw,
    notice_acknowledge,
)
from contracts.views.common import apply_errors, refuse
from ledger import submissions
from ledger.workflow import registry, status_changes_of


class ChangeCreateView(View):
    """拟制: the contract's handler drafts a change request."""

    def _contract(self, request, pk):
        contract = selectors.get_contract_for(request.user, pk)
        if not selectors.may_draft_change(request.user, contract):
            raise PermissionDenied
        return contract

    def get(self, request, pk):
        contract = self._contract(request, pk)
        form = ChangeRequestForm(
            contract=contract,
            initial={"applied_on": timezone.localdate(), "unit_name": contract.customer.name},
        )
        return self.render(form, contract)

    def post(self, request, pk):
        contract = self._contract(request, pk)
        form = ChangeRequestForm(request.POST, contract=contract)
        if done := submissions.repeated(request):
            return done
        if form.is_valid():
            try:
                with transaction.atomic():
                    change = change_create(
                        contract=contract,
                        actor=request.user,
                        data=form.request_data(),
                        proposed=form.proposed(),
                    )
                    submissions.remember(request, change.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    renamed = {
                        (k if k in form.fields else f"new_{k}"): v
                        for k, v in exc.error_dict.items()
                    }
                    exc = ValidationError(renamed)
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc.args[0]) if exc.args else _("You may not do this."))
            else:
                messages.success(
                    request,
                    _("Change request %(number)s drafted; a manager checks it next.")
                    % {"number": change.number},
                )
                return redirect(change)
        return self.render(form, contract)

    def render(self, form, contract):
        return render(
            self.request,
            "contracts/change_form.html",
            {"form": form, "contract": contract},
        )


@require_GET
def change_detail(request, pk):
    change = selectors.get_change_request_for(request.user, pk)
    user = request.user
    notices = list(change.notices.select_related("acknowledged_by"))
    for notice in notices:
        notice.may_sign = selectors.may_acknowledge_notice(user, notice)
    moves = registry.of(change).available(user, change)
    return render(
        request,
        "contracts/change_detail.html",
        {
            "change": change,
            "contract": change.contract,
            "sees_contract": selectors.contracts_visible_to(user)
            .filter(pk=change.contract_id)
            .exists(),
            "lines": change.proposed_lines(),
            "notices": notices,
            "moves": moves,
            "trail": status_changes_of(change),
            "state_label": registry.of(change).label_of(change.status),
        },
    )


@require_POST
def change_action(request, pk):
    """审核 / 批准 / 退回 / 撤回 of a change request, each through its service."""
    change = selectors.get_change_request_for(request.user, pk)
    move = request.POST.get("move", "")
    try:
        if move == "check":
            change_check(change=change, actor=request.user)
            done = _("Checked (审核); the 总经理 approves it next.")
        elif move == "approve":
            version = change_approve(change=change, actor=request.user)
            done = _(
                "Approved (批准): the contract is now version %(version)s and the notice went "
                "to %(count)s departments."
            ) % {"version": version.number, "count": change.notices.count()}
        elif move == "reject":
            change_reject(change=change, actor=request.user, note=request.POST.get("note", ""))
            done = _("The change request was rejected.")
        elif move == "withdraw":
            change_withdraw(change=change, actor=request.user)
            done = _("The change request was withdrawn.")
        else:
            messages.error(request, _("Choose an action."))
            return redirect(change)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc, _("You may not do this."))
    else:
        messages.success(request, done)
    return redirect(change)


@require_POST
def notice_sign(request, pk):
    """签字: the notified department acknowledges its row of 5-16."""
    notice = (
        ChangeNotice.objects.filter(
            change_request__in=selectors.change_requests_visible_to(request.user)
        )
        .filter(pk=pk if str(pk).isdigit() else 0)
        .select_related("change_request")
        .first()
    )
    if notice is None:
        raise Http404("no such notice")
    change = notice.change_request
    try:
        notice_acknowledge(notice=notice, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc, _("You may not sign this notice."))
    else:
        messages.success(
            request,
            _("The %(department)s row of the notice is signed.")
            % {"department": notice.get_department_display()},
        )
    return redirect(change.get_absolute_url() + "#notices")
