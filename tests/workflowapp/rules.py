"""Who may move a proposal: the selectors of the test workflow."""

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from accounts.selectors import managed_department_ids


def reviewable_q(user: User) -> Q | None:
    """Proposals ``user`` may review: those of the people they manage, never their own."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.role == Role.GM:
        return ~Q(owner_id=user.pk)
    if user.role != Role.MANAGER:
        return None
    return Q(owner__department_id__in=managed_department_ids(user)) & ~Q(owner_id=user.pk)


def may_submit(user: User, proposal) -> bool:
    return proposal.owner_id == user.pk


def may_review(user: User, proposal) -> bool:
    rule = reviewable_q(user)
    if rule is None:
        return False
    return type(proposal).objects.filter(rule, pk=proposal.pk).exists()


def proposals_waiting_for(user: User) -> QuerySet:
    """Submitted proposals ``user`` reviews, and ``user``'s own returned ones to rework."""
    from tests.workflowapp.models import Proposal

    rule = Q(status=Proposal.Status.RETURNED, owner_id=user.pk)
    review = reviewable_q(user)
    if review is not None:
        rule |= Q(review, status=Proposal.Status.SUBMITTED)
    return Proposal.objects.filter(rule).select_related("owner")


def get_proposal_for(user: User, pk):
    """The proposal ``pk`` if ``user`` owns it or reviews it; 404 when missing or forbidden."""
    from django.http import Http404

    from tests.workflowapp.models import Proposal

    rule = Q(owner_id=user.pk)
    review = reviewable_q(user)
    if review is not None:
        rule |= review
    try:
        return Proposal.objects.filter(rule).select_related("owner").get(pk=int(pk))
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise Http404("no such proposal") from None
