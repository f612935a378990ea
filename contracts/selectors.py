"""Who may read and do what with contracts, their reviews (5-14) and changes (5-15/5-16).

Every page, PDF, export, register and inbox reads contracts through ``contracts_visible_to``
/ ``get_contract_for`` (404 for missing and forbidden alike), and every "may this user …"
predicate of the contract family is here; the workflow declarations on the models and the
services call these, the views never re-implement them.

The rule (DESIGN.md "Who may see and do what"):

- the contract's 经办人 (owner), the owner of its customer, the managers of either's
  department (and of departments above it), the 总经理 and admins see a contract;
- the 销售助理 follows every review: they see every contract once it has been submitted
  (every state but 草稿);
- a department reviewer (生产部 / 品质部 / 采购部) sees only the contracts under review with
  an open box of their department, and nothing else.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OWNER_ROLES, REVIEWER_ROLES, Role, User
from accounts.selectors import managed_department_ids
from contracts.models import (
    BOX_ROLES,
    CHANGEABLE_STATES,
    EDITABLE_STATES,
    ChangeNotice,
    ChangeRequest,
    ChangeStatus,
    Contract,
    ContractStatus,
    NoticeDepartment,
    Opinion,
    ReviewBox,
    ReviewRound,
    ReviewStep,
)

ROLE_BOX = {role: box for box, role in BOX_ROLES.items()}


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _open_box_q(box: str) -> Q:
    """Contracts under review whose open round has a box ``box``."""
    steps = ReviewStep.objects.filter(
        round__contract_id=OuterRef("pk"), round__outcome=ReviewRound.Outcome.OPEN, box=box
    )
    return Q(status=ContractStatus.IN_REVIEW) & Q(Exists(steps))


def owners_read_by(user: User) -> QuerySet | list[int] | None:
    """The people whose contracts ``user`` reads as the contract's owner or as its
    customer's owner: a manager, themselves and the people of the departments they manage
    (and of those below); a salesperson (or another owning role), themselves. ``None`` for
    the other roles, whose rule is not about owners."""
    if user.role == Role.MANAGER:
        scope = managed_department_ids(user) or set()
        return User.objects.filter(Q(pk=user.pk) | Q(department_id__in=scope)).values("pk")
    if user.role in OWNER_ROLES:
        return [user.pk]
    return None


def contract_detail_q(user: User) -> Q | None:
    """The rule above, as a filter on Contract; ``None`` means no contract at all.

    The customer's owner is read from the contract's copy (``Contract.customer_owner``,
    kept by ``contracts.services.readers``), so the rule tests the contract alone."""
    if not _active(user):
        return None
    if user.sees_everything:
        return Q()
    people = owners_read_by(user)
    if people is not None:
        return Q(owner_id__in=people) | Q(customer_owner_id__in=people)
    if user.role == Role.ASSISTANT:
        return ~Q(status=ContractStatus.DRAFT)
    if user.role in REVIEWER_ROLES:
        return _open_box_q(ROLE_BOX[user.role])
    return None


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    """Contracts ``user`` may list and open (see the module's rule)."""
    rule = contract_detail_q(user)
    if rule is None:
        return Contract.objects.none()
    return Contract.objects.filter(rule)


# A sales order may be placed under a contract once it is signed: sealed (已盖章) or in force
# (已生效). Not before (a contract under review or approved but unsealed may still change or
# fall through), and not after it ended (已完成, 已归档: nothing more is delivered under it);
# a link made while it was open stays when the contract moves on.
ORDER_LINK_STATES = frozenset({ContractStatus.SEALED, ContractStatus.IN_FORCE})


def contracts_taking_orders(user: User) -> QuerySet[Contract]:
    """The contracts ``user`` may place a sales order under now: those the user may see,
    sealed or in force, of any kind (the order's customer is checked by the order service,
    see ``sales.contract_links``, which receives this rule at start-up)."""
    return contracts_visible_to(user).filter(status__in=ORDER_LINK_STATES)


def get_contract_for(user: User, pk: Any) -> Contract:
    """The contract ``pk`` if ``user`` may see it; 404 when missing or forbidden."""
    try:
        return (
            contracts_visible_to(user)
            .select_related("customer", "owner", "owner__department", "executing_department")
            .get(pk=int(pk))
        )
    except (Contract.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such contract") from None


def review_rounds_visible_to(user: User) -> QuerySet[ReviewRound]:
    """Review rounds follow their contract."""
    return ReviewRound.objects.filter(contract__in=contracts_visible_to(user))


def get_review_round_for(user: User, pk: Any) -> ReviewRound:
    try:
        return (
            review_rounds_visible_to(user)
            .select_related("contract", "contract__customer", "contract__owner", "submitted_by")
            .get(pk=int(pk))
        )
    except (ReviewRound.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such review") from None


def review_steps_visible_to(user: User) -> QuerySet[ReviewStep]:
    """Review steps (one department decision each, the rows of 5-20) follow their contract:
    a department reviewer sees the boxes of the reviews open for their department."""
    return ReviewStep.objects.filter(round__contract__in=contracts_visible_to(user))


# --- the contract's own moves -------------------------------------------------------


def _manages_owner(user: User, contract: Contract) -> bool:
    if user.sees_everything:
        return True
    if user.role != Role.MANAGER:
        return False
    owner = contract.owner
    return owner.pk == user.pk or owner.department_id in (managed_department_ids(user) or set())


def may_create_contract(user: User) -> bool:
    """Salespeople and managers enter their contracts; the 总经理 and admins may enter one
    for a salesperson."""
    return _active(user) and (user.role in OWNER_ROLES or user.sees_everything)


def may_edit_contract(user: User, contract: Contract) -> bool:
    """Before review and after a return: the owner, the owner's managers, admins."""
    if not _active(user) or contract.status not in EDITABLE_STATES:
        return False
    return contract.owner_id == user.pk or (_manages_owner(user, contract) and not user.is_gm)


def may_submit_contract(user: User, contract: Contract) -> bool:
    """The owner submits (5-14 note 1: the signer of the contract fills the form)."""
    return _active(user) and contract.owner_id == user.pk


def may_seal_contract(user: User, contract: Contract) -> bool:
    """盖章 after the review passed: the owner, the 销售助理, the owner's managers, the
    总经理 and admins."""
    if not _active(user):
        return False
    return (
        contract.owner_id == user.pk
        or user.role == Role.ASSISTANT
        or _manages_owner(user, contract)
    )


def may_seal_special(user: User, contract: Contract) -> bool:
    """Sealing before the review passed: the 总经理 alone (5-14 note 4), recorded as such."""
    return _active(user) and user.is_gm


def may_manage_contract(user: User, contract: Contract) -> bool:
    """Putting in force, completing: as sealing."""
    return may_seal_contract(user, contract)


def may_archive_contract(user: User, contract: Contract) -> bool:
    """Archiving a completed contract (5-25): the 销售助理 and admins."""
    return _active(user) and user.role in (Role.ASSISTANT, Role.ADMIN)


def may_cancel_contract(user: User, contract: Contract) -> bool:
    """Cancelling before sealing: the owner, the owner's managers, the 总经理, admins."""
    return _active(user) and (contract.owner_id == user.pk or _manages_owner(user, contract))


# --- the review (5-14) --------------------------------------------------------------


def sign_refusal(user: User, step: ReviewStep) -> str | None:
    """Why ``user`` may not sign ``step`` now, in words for the user; ``None`` if they may.

    A box is signed by a user of its role only, never by the contract's owner; the
    销售经理 box by a manager of the owner's department; the 总经理 box last, once every
    other box says 同意; a signed box is never signed again.
    """
    if not _active(user):
        return _("You may not sign this review.")
    contract = step.round.contract
    if user.role != BOX_ROLES[step.box]:
        return _("Only the %(box)s signs the %(box)s box.") % {"box": step.get_box_display()}
    if contract.owner_id == user.pk or contract.created_by_id == user.pk:
        return _("Nobody signs the review of their own contract.")
    if step.box == ReviewBox.MANAGER and not _manages_owner(user, contract):
        return _("Only a manager of the contract's salesperson signs the 销售经理 box.")
    if step.is_signed:
        who = step.signer
        return _("The %(box)s box was already signed by %(who)s.") % {
            "box": step.get_box_display(),
            "who": who,
        }
    if (
        step.round.outcome != ReviewRound.Outcome.OPEN
        or contract.status != ContractStatus.IN_REVIEW
    ):
        return _("This review is closed.")
    if step.box == ReviewBox.GM:
        others = [s for s in step.round.steps.all() if s.box != ReviewBox.GM]
        if any(s.opinion != Opinion.AGREE for s in others):
            return _("The 总经理 signs last, after every department has agreed.")
    return None


def may_sign_step(user: User, step: ReviewStep) -> bool:
    return sign_refusal(user, step) is None


def _open_round(contract: Contract) -> ReviewRound | None:
    return contract.rounds.filter(outcome=ReviewRound.Outcome.OPEN).first()


def may_return_contract(user: User, contract: Contract) -> bool:
    """退回 follows a 不同意: the reviewer who signed it returns the contract."""
    rnd = _open_round(contract)
    return bool(
        _active(user)
        and rnd
        and rnd.steps.filter(signer_id=user.pk, opinion=Opinion.DISAGREE).exists()
    )


def may_approve_contract(user: User, contract: Contract) -> bool:
    """The review passes when the 总经理 signed the last box and every box says 同意."""
    rnd = _open_round(contract)
    if not (_active(user) and user.is_gm and rnd):
        return False
    steps = list(rnd.steps.all())
    return (
        bool(steps)
        and all(s.opinion == Opinion.AGREE for s in steps)
        and any(s.box == ReviewBox.GM and s.signer_id == user.pk for s in steps)
    )


def steps_waiting_for(user: User) -> QuerySet[ReviewStep]:
    """The unsigned boxes ``user`` may sign now (the inbox): their role's box in open
    rounds of contracts they may see and do not own; the 总经理's box only once every other
    box says 同意."""
    if not _active(user) or user.role not in ROLE_BOX:
        return ReviewStep.objects.none()
    box = ROLE_BOX[user.role]
    steps = ReviewStep.objects.filter(
        box=box,
        opinion="",
        round__outcome=ReviewRound.Outcome.OPEN,
        round__contract__status=ContractStatus.IN_REVIEW,
        round__contract__in=contracts_visible_to(user),
    ).exclude(round__contract__owner_id=user.pk)
    if box == ReviewBox.GM:
        pending = ReviewStep.objects.filter(round_id=OuterRef("round_id")).exclude(box=ReviewBox.GM)
        steps = steps.exclude(Exists(pending.exclude(opinion=Opinion.AGREE)))
    if box == ReviewBox.MANAGER and not user.sees_everything:
        scope = managed_department_ids(user) or set()
        steps = steps.filter(round__contract__owner__department_id__in=scope)
    return steps


def contracts_waiting_for_review_by(user: User) -> QuerySet[Contract]:
    """Contracts with a box ``user`` may sign now (for the inbox)."""
    return Contract.objects.filter(
        pk__in=steps_waiting_for(user).values("round__contract_id")
    ).select_related("customer", "owner")


def review_deadline_today() -> datetime.date:
    return timezone.localdate()


def sees_overdue_reviews(user: User) -> bool:
    """Overdue reviews are flagged to the 销售助理 and the managers (and the 总经理, admins)."""
    return _active(user) and (user.role in (Role.ASSISTANT, Role.MANAGER) or user.sees_everything)


def overdue_rounds() -> QuerySet[ReviewRound]:
    """Open review rounds past their deadline (Asia/Shanghai dates)."""
    return ReviewRound.objects.filter(
        outcome=ReviewRound.Outcome.OPEN,
        deadline__lt=review_deadline_today(),
        contract__status=ContractStatus.IN_REVIEW,
    )


def overdue_contracts_for(user: User) -> QuerySet[Contract]:
    """Contracts under review past their deadline, among those ``user`` may see."""
    if not sees_overdue_reviews(user):
        return Contract.objects.none()
    return (
        contracts_visible_to(user)
        .filter(pk__in=overdue_rounds().values("contract_id"))
        .select_related("customer", "owner")
    )


def contracts_returned_to(user: User) -> QuerySet[Contract]:
    """Contracts returned to their owner, to be corrected and resubmitted."""
    if not _active(user):
        return Contract.objects.none()
    return Contract.objects.filter(owner_id=user.pk, status=ContractStatus.RETURNED).select_related(
        "customer", "owner"
    )


def contracts_to_seal_for(user: User) -> QuerySet[Contract]:
    """Approved contracts waiting for their seal: the owner's and, for the 销售助理, all."""
    if not _active(user):
        return Contract.objects.none()
    rows = Contract.objects.filter(status=ContractStatus.APPROVED)
    if user.role == Role.ASSISTANT:
        return rows.select_related("customer", "owner")
    return rows.filter(owner_id=user.pk).select_related("customer", "owner")


# --- the change (5-15 → 5-16) ---------------------------------------------------------


def notice_roles() -> dict[str, str]:
    """Which role signs each 5-16 department's row (settings.CONTRACT_NOTICE_ROLES)."""
    return getattr(settings, "CONTRACT_NOTICE_ROLES", DEFAULT_NOTICE_ROLES)


# The company has reviewers for 生产 and 采购; the other departments of 相关事项 3 sign
# their 5-16 through the nearest role (configurable in settings).
DEFAULT_NOTICE_ROLES = {
    NoticeDepartment.TECHNICAL: Role.QUALITY,
    NoticeDepartment.PURCHASING: Role.PURCHASING,
    NoticeDepartment.PLANNING: Role.PRODUCTION,
    NoticeDepartment.PRODUCTION: Role.PRODUCTION,
    NoticeDepartment.WAREHOUSE: Role.PURCHASING,
    NoticeDepartment.DELIVERY: Role.ASSISTANT,
    NoticeDepartment.OTHER: Role.ASSISTANT,
}


def notice_departments_of(user: User) -> list[str]:
    """The 5-16 departments whose rows ``user`` signs."""
    if not _active(user):
        return []
    return [dept for dept, role in notice_roles().items() if role == user.role]


def change_requests_visible_to(user: User) -> QuerySet[ChangeRequest]:
    """A change request follows its contract; a department that received its 5-16 sees
    the approved request with its notice (and nothing else of the contract)."""
    rule = contract_detail_q(user)
    visible = Q(contract__in=Contract.objects.filter(rule)) if rule is not None else Q(pk__in=[])
    departments = notice_departments_of(user)
    if departments:
        visible |= Q(
            status=ChangeStatus.APPROVED,
            pk__in=ChangeNotice.objects.filter(department__in=departments).values(
                "change_request_id"
            ),
        )
    return ChangeRequest.objects.filter(visible)


def get_change_request_for(user: User, pk: Any) -> ChangeRequest:
    try:
        return (
            change_requests_visible_to(user)
            .select_related(
                "contract",
                "contract__customer",
                "contract__owner",
                "drafted_by",
                "checked_by",
                "approved_by",
            )
            .get(pk=int(pk))
        )
    except (ChangeRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such change request") from None


def may_draft_change(user: User, contract: Contract) -> bool:
    """拟制: the contract's owner, once the review passed and until it is completed."""
    return _active(user) and contract.owner_id == user.pk and contract.status in CHANGEABLE_STATES


def change_refusal(user: User, change: ChangeRequest, action: str) -> str | None:
    """Why ``user`` may not 审核 (``"check"``) or 批准 (``"approve"``) ``change``; ``None``
    if they may. 拟制 / 审核 / 批准 are three different people: a manager of the owner
    checks, the 总经理 approves."""
    if not _active(user):
        return _("You may not do this.")
    signed = (
        (change.drafted_by_id,)
        if action == "check"
        else (
            change.drafted_by_id,
            change.checked_by_id,
        )
    )
    if user.pk in signed:
        return _("拟制, 审核 and 批准 are done by three different people.")
    if action == "check":
        if user.role != Role.MANAGER or not _manages_owner(user, change.contract):
            return _("A manager of the contract's salesperson checks (审核) the change.")
        return None
    if action == "approve":
        if not user.is_gm:
            return _("The 总经理 approves (批准) the change.")
        return None
    return _("You may not do this.")


def may_check_change(user: User, change: ChangeRequest) -> bool:
    return change_refusal(user, change, "check") is None


def may_approve_change(user: User, change: ChangeRequest) -> bool:
    return change_refusal(user, change, "approve") is None


def may_reject_change(user: User, change: ChangeRequest) -> bool:
    """Whoever may take the next step may refuse it instead."""
    if change.status == ChangeStatus.DRAFT:
        return may_check_change(user, change)
    return may_approve_change(user, change)


def may_withdraw_change(user: User, change: ChangeRequest) -> bool:
    return _active(user) and change.drafted_by_id == user.pk


def changes_waiting_for(user: User) -> QuerySet[ChangeRequest]:
    """Change requests waiting for ``user``'s 审核 (managers) or 批准 (总经理)."""
    if not _active(user):
        return ChangeRequest.objects.none()
    rows = change_requests_visible_to(user).exclude(drafted_by_id=user.pk)
    if user.role == Role.MANAGER:
        scope = managed_department_ids(user) or set()
        return rows.filter(
            status=ChangeStatus.DRAFT, contract__owner__department_id__in=scope
        ).select_related("contract")
    if user.is_gm:
        return (
            rows.filter(status=ChangeStatus.CHECKED)
            .exclude(checked_by_id=user.pk)
            .select_related("contract")
        )
    return ChangeRequest.objects.none()


def notice_refusal(user: User, notice: ChangeNotice) -> str | None:
    """Why ``user`` may not sign ``notice``: only a user of the department's role signs it,
    once."""
    if not _active(user) or notice_roles().get(notice.department) != user.role:
        return _("Only the %(department)s signs this notice.") % {
            "department": notice.get_department_display()
        }
    if notice.is_acknowledged:
        return _("This notice was already signed by %(who)s.") % {"who": notice.acknowledged_by}
    return None


def may_acknowledge_notice(user: User, notice: ChangeNotice) -> bool:
    return notice_refusal(user, notice) is None


def notices_waiting_for(user: User) -> QuerySet[ChangeRequest]:
    """Approved changes with a 5-16 row ``user``'s department has not signed yet."""
    departments = notice_departments_of(user)
    if not departments:
        return ChangeRequest.objects.none()
    open_rows = ChangeNotice.objects.filter(
        change_request_id=OuterRef("pk"), department__in=departments, acknowledged_at__isnull=True
    )
    return ChangeRequest.objects.filter(
        Exists(open_rows), status=ChangeStatus.APPROVED
    ).select_related("contract")


# --- the inbox: one query per section ----------------------------------------------------


def contracts_waiting_for(user: User) -> QuerySet[Contract]:
    """Every contract waiting for ``user``, in one query (the inbox's contract section):
    a box of theirs to sign, their contract returned to them, an approved contract to seal
    (theirs; every one for the 销售助理), and, for the 销售助理, the managers and above, the
    reviews past their deadline among the contracts they see. Annotated with the open
    round's deadline (``review_deadline``)."""
    if not _active(user):
        return Contract.objects.none()
    wanted = Q(owner_id=user.pk, status=ContractStatus.RETURNED)
    if user.role in ROLE_BOX:
        wanted |= Q(pk__in=steps_waiting_for(user).values("round__contract_id"))
    if user.role == Role.ASSISTANT:
        wanted |= Q(status=ContractStatus.APPROVED)
    else:
        wanted |= Q(status=ContractStatus.APPROVED, owner_id=user.pk)
    rule = contract_detail_q(user)
    if sees_overdue_reviews(user) and rule is not None:
        wanted |= Q(pk__in=overdue_rounds().values("contract_id")) & rule
    deadline = (
        ReviewRound.objects.filter(contract_id=OuterRef("pk"), outcome=ReviewRound.Outcome.OPEN)
        .order_by("-number")
        .values("deadline")[:1]
    )
    # Every case above is a contract in one of these states: said once more, so the
    # database reads them from the status index instead of testing every contract.
    # The few contracts found are then joined to their customer and owner by key (a join
    # in the same statement would read every customer to test the rule).
    waiting_states = (ContractStatus.RETURNED, ContractStatus.APPROVED, ContractStatus.IN_REVIEW)
    found = Contract.objects.filter(wanted, status__in=waiting_states).values("pk")
    return (
        Contract.objects.filter(pk__in=found)
        .annotate(review_deadline=Subquery(deadline))
        .select_related("customer", "owner")
    )


def change_items_waiting_for(user: User) -> QuerySet[ChangeRequest]:
    """Every change request waiting for ``user``, in one query: to check (审核) or approve
    (批准), or with a 5-16 row of their department to sign."""
    if not _active(user):
        return ChangeRequest.objects.none()
    return ChangeRequest.objects.filter(
        Q(pk__in=changes_waiting_for(user).values("pk"))
        | Q(pk__in=notices_waiting_for(user).values("pk"))
    ).select_related("contract", "contract__customer")
