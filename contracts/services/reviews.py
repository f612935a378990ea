"""Signing the boxes of a contract review (表5-14) and chasing overdue reviews."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.selectors import department_scope_ids
from contracts import selectors
from contracts.models import (
    BOX_ROLES,
    Contract,
    ContractStatus,
    Opinion,
    ReviewBox,
    ReviewRound,
    ReviewStep,
)
from contracts.services.contracts import _timeline
from ledger.workflow import transition

logger = logging.getLogger(__name__)


class AlreadySigned(ValidationError):
    """The box was signed by someone else first; nothing was written."""


def review_sign(*, step: ReviewStep, actor: User, opinion: str, comment: str = "") -> ReviewStep:
    """Sign one box of an open review with 同意 or 不同意 and a comment.

    The rule (``selectors.sign_refusal``): only a user of the box's role signs it, never
    the contract's owner; the 销售经理 box by a manager of the owner; the 总经理 box last.
    The contract and the box are locked, so of two people signing the same box at once
    exactly one is recorded and the other is told who signed first (``AlreadySigned``).
    不同意 needs the reasons and returns the contract to its owner; the 总经理's 同意 after
    every other 同意 passes the review (``approved``).
    """
    comment = (comment or "").strip()
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": _("Choose 同意 or 不同意.")})
    if opinion == Opinion.DISAGREE and not comment:
        raise ValidationError({"comment": _("Give the reasons for 不同意.")})
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=step.round.contract_id)
        locked = (
            ReviewStep.objects.select_for_update(of=("self",))
            .select_related("round", "signer")
            .get(pk=step.pk)
        )
        locked.round.contract = contract
        refusal = selectors.sign_refusal(actor, locked)
        if refusal:
            if locked.is_signed:
                raise AlreadySigned(refusal)
            if actor.role == BOX_ROLES[locked.box] and locked.round.outcome != "open":
                raise ValidationError(refusal)
            raise PermissionDenied(refusal)
        locked.opinion = opinion
        locked.comment = comment
        locked.signer = actor
        locked.signed_at = timezone.now()
        locked.full_clean()
        locked.save()
        rnd = locked.round
        if opinion == Opinion.DISAGREE:
            transition(
                obj=contract,
                to=ContractStatus.RETURNED,
                actor=actor,
                note=f"{locked.get_box_display()}：{comment}",
                expected_state=ContractStatus.IN_REVIEW,
            )
            _close(rnd, ReviewRound.Outcome.RETURNED)
        elif locked.box == ReviewBox.GM:
            transition(
                obj=contract,
                to=ContractStatus.APPROVED,
                actor=actor,
                note=comment,
                expected_state=ContractStatus.IN_REVIEW,
            )
            _close(rnd, ReviewRound.Outcome.PASSED)
            _timeline(
                contract,
                actor,
                _("Contract %(number)s passed its review") % {"number": contract.number},
            )
    step.opinion, step.comment, step.signer, step.signed_at = (
        locked.opinion,
        locked.comment,
        locked.signer,
        locked.signed_at,
    )
    return locked


def _close(rnd: ReviewRound, outcome: str) -> None:
    rnd.outcome = outcome
    rnd.closed_at = timezone.now()
    rnd.save(update_fields=["outcome", "closed_at"])


def overdue_recipients(contract: Contract) -> list[User]:
    """Who hears of an overdue review: every 销售助理 and the managers of the owner's
    department (or of a department above it) — 5-14 note 3."""
    users = User.objects.filter(is_active=True, role__in=(Role.ASSISTANT, Role.MANAGER)).exclude(
        email=""
    )
    owner_department = contract.owner.department_id
    result = []
    for user in users.select_related("department"):
        if user.role == Role.ASSISTANT or owner_department in department_scope_ids(user.department):
            result.append(user)
    return result


def _send(subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:  # a mail server down never undoes the reminder's record
        logger.exception("overdue review mail to %s failed", to)


def notify_overdue_reviews() -> int:
    """Send one reminder per overdue review round (past its deadline, still open) to the
    销售助理 and the owner's managers, by e-mail after the transaction commits; each round
    is reminded once (``overdue_notified_at``). Returns how many rounds were reminded.

    Who may call it: the ``notify_overdue_reviews`` management command (cron, daily).
    """
    count = 0
    with transaction.atomic():
        rounds = (
            selectors.overdue_rounds()
            .filter(overdue_notified_at__isnull=True)
            .select_related("contract", "contract__owner", "contract__customer")
            .select_for_update(of=("self",))
        )
        now = timezone.now()
        for rnd in rounds:
            contract = rnd.contract
            waiting = [s.get_box_display() for s in rnd.steps.all() if not s.is_signed]
            to = [u.email for u in overdue_recipients(contract)]
            rnd.overdue_notified_at = now
            rnd.save(update_fields=["overdue_notified_at"])
            count += 1
            if not to:
                continue
            subject = _("Contract review overdue: %(number)s") % {"number": contract.number}
            body = _(
                "The review of contract %(number)s (%(name)s, customer %(customer)s, handled by "
                "%(owner)s) passed its deadline %(deadline)s. Still to sign: %(boxes)s."
            ) % {
                "number": contract.number,
                "name": contract.name,
                "customer": contract.customer.name,
                "owner": contract.owner,
                "deadline": rnd.deadline.isoformat(),
                "boxes": "、".join(waiting),
            }
            transaction.on_commit(functools.partial(_send, subject, body, to))
    return count
