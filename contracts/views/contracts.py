"""The contract list, page and form, and the moves of its workflow."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from contracts import selectors
from contracts.forms import ContractForm, LineFormSet, lines_of
from contracts.models import ContractStatus
from contracts.selectors_orders import contract_orders_for
from contracts.services.contracts import (
    contract_create,
    contract_move,
    contract_seal,
    contract_seal_special,
    contract_submit,
    contract_update,
)
from contracts.views.common import apply_errors, refuse
from ledger import submissions
from ledger.workflow import registry

SORTS = {
    "number": ("year", "number"),
    "-number": ("-year", "-number"),
    "customer": ("customer__name", "pk"),
    "-customer": ("-customer__name", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "signed": ("signed_on", "pk"),
    "-signed": ("-signed_on", "-pk"),
    "status": ("status", "pk"),
    "-status": ("-status", "-pk"),
}
PAGE_SIZE = 25


@require_GET
def contract_list(request):
    """The contracts the user may see, filtered by state and words, sorted, paged."""
    rows = selectors.contracts_visible_to(request.user).select_related("customer", "owner")
    status = request.GET.get("status", "")
    if status in ContractStatus.values:
        rows = rows.filter(status=status)
    words = (request.GET.get("q") or "").strip()[:60]
    if words:
        rows = rows.filter(
            Q(number__icontains=words)
            | Q(name__icontains=words)
            | Q(customer__name__icontains=words)
        )
    sort = request.GET.get("sort", "-number")
    rows = rows.order_by(*SORTS.get(sort, SORTS["-number"]))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ContractStatus.choices,
            "q": words,
            "sort": sort,
            "query": query.urlencode(),
            "can_create": selectors.may_create_contract(request.user),
        },
    )


@require_GET
def contract_detail(request, pk):
    contract = selectors.get_contract_for(request.user, pk)
    user = request.user
    rounds = list(contract.rounds.select_related("submitted_by").order_by("-number"))
    versions = list(contract.versions.select_related("created_by", "change_request"))
    changes = list(contract.changes.select_related("drafted_by").order_by("-pk"))
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "lines": list(contract.lines.all()),
            "rounds": rounds,
            "versions": versions,
            "changes": changes,
            "sales": contract_orders_for(user, contract),
            "actions": _actions(user, contract),
            "can_edit": selectors.may_edit_contract(user, contract),
            "can_change": selectors.may_draft_change(user, contract),
            "state_label": registry.of(contract).label_of(contract.status),
        },
    )


def _actions(user, contract):
    """The buttons of the page: the moves the user may make now (their predicates)."""
    moves = []
    for t in registry.of(contract).available(user, contract):
        if t.name in ("return", "approve", "archive"):
            continue  # made by signing the review / by the archive register
        moves.append(t)
    return moves


class ContractFormView(View):
    """新建合同 / 修改合同, with its product lines (add a line, remove a line)."""

    template_name = "contracts/contract_form.html"

    def get(self, request, pk=None):
        contract = self._contract(request, pk)
        form = ContractForm(instance=contract, user=request.user)
        if contract is not None:
            initial = [
                {
                    k: getattr(line, k)
                    for k in ("product", "product_name", "spec", "unit", "quantity", "unit_price")
                }
                for line in contract.lines.all()
            ]
        else:
            customer = request.GET.get("customer")
            if customer and customer.isascii() and customer.isdigit():
                form.initial["customer"] = int(customer)
            initial = []
        formset = LineFormSet(prefix="lines", initial=[*initial, {}])
        return self.render(form, formset, contract)

    def _contract(self, request, pk):
        if pk is None:
            if not selectors.may_create_contract(request.user):
                raise PermissionDenied
            return None
        contract = selectors.get_contract_for(request.user, pk)
        if not selectors.may_edit_contract(request.user, contract):
            raise PermissionDenied
        return contract

    def post(self, request, pk=None):
        contract = self._contract(request, pk)
        form = ContractForm(request.POST, instance=contract, user=request.user)
        formset = LineFormSet(request.POST, prefix="lines")
        if done := submissions.repeated(request):
            return done
        if form.is_valid() and formset.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            lines = lines_of(formset)
            try:
                with transaction.atomic():
                    if contract is None:
                        saved = contract_create(actor=request.user, data=data, lines=lines)
                    else:
                        data.pop("customer", None)
                        saved = contract_update(
                            contract=contract,
                            actor=request.user,
                            data=data,
                            lines=lines,
                            expected_version=form.cleaned_data["version"],
                        )
                    submissions.remember(request, saved.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc.args[0]) if exc.args else _("You may not do this."))
            else:
                messages.success(
                    request, _("Contract %(number)s saved.") % {"number": saved.number}
                )
                return redirect(saved)
        return self.render(form, formset, contract)

    def render(self, form, formset, contract):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "contract": contract,
                "heading": _("Edit contract %(number)s") % {"number": contract.number}
                if contract
                else _("New contract"),
            },
        )


MOVES = {
    "take_effect": ContractStatus.IN_FORCE,
    "complete": ContractStatus.COMPLETED,
    "cancel": ContractStatus.CANCELLED,
}


@require_POST
def contract_action(request, pk):
    """One move of the contract (提交评审, 盖章, 特殊流程盖章, 生效, 完成, 作废), each through
    its service; a refusal comes back as a message on the contract's page."""
    contract = selectors.get_contract_for(request.user, pk)
    move = request.POST.get("move", "")
    expected = request.POST.get("expected_state") or None
    note = request.POST.get("note", "")
    workflow = registry.of(contract)
    try:
        if move == "submit":
            contract_submit(contract=contract, actor=request.user, expected_state=expected)
            done = _("Submitted for review: each department signs its box in its inbox.")
        elif move == "seal_special":
            contract_seal_special(
                contract=contract, actor=request.user, reason=note, expected_state=expected
            )
            done = _("Sealed by the special process approved by the 总经理.")
        elif move == "seal":
            contract_seal(contract=contract, actor=request.user, expected_state=expected)
            done = _("The contract is sealed.")
        elif move in MOVES:
            contract_move(
                contract=contract,
                actor=request.user,
                to=MOVES[move],
                note=note,
                expected_state=expected,
            )
            done = _("Done: the status is now “%(state)s”.") % {
                "state": workflow.label_of(MOVES[move])
            }
        else:
            messages.error(request, _("Choose an action."))
            return redirect(contract)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc, _("You may not do this."))
    else:
        messages.success(request, done)
    return redirect(contract)
