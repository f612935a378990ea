"""Who may read and write the contract family's records (表5-22 … 5-25).

Records that belong to a contract (inspections, the archive) follow the contract:
``contracts_visible_to`` decides, so a salesperson sees those of their own contracts, a
manager those of their department, the 总经理 and admins all. The office registers of
contract texts (表5-23) and letters of authorisation (表5-24) are kept by the 销售助理 and
admins and read by the managers and the 总经理 as well.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import REVIEWER_ROLES, Role, User
from contracts.models import (
    AuthorizationLetter,
    ContractArchive,
    ContractInspection,
    ContractTextUse,
)

# The 销售助理 and admins keep the office registers (表5-23, 5-24) and the archive (5-25).
CLERK_ROLES = frozenset({Role.ASSISTANT, Role.ADMIN})
# Who reads the office registers: the clerks, the managers and the 总经理.
OFFICE_READERS = frozenset({Role.ASSISTANT, Role.ADMIN, Role.MANAGER, Role.GM})
# Who records an inspection of a contract they may see (表5-22).
INSPECTOR_ROLES = frozenset({Role.ASSISTANT, Role.ADMIN, Role.MANAGER, Role.GM})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def register_contract_q(user: User) -> Q | None:
    """The contract selector's rule (``contract_detail_q``) for the registers: ``None``
    means no contract, ``Q()`` every contract. Department reviewers get none: in the
    registers they see only their own boxes (5-20)."""
    from contracts.selectors import contract_detail_q

    if not _active(user) or user.role in REVIEWER_ROLES:
        return None
    return contract_detail_q(user)


def contracts_for_records(user: User) -> QuerySet:
    """The contracts whose records ``user`` may read (``register_contract_q``)."""
    from contracts.models import Contract

    rule = register_contract_q(user)
    return Contract.objects.none() if rule is None else Contract.objects.filter(rule)


def contract_rows_q(user: User, path: str = "contract") -> Q | None:
    """The rule of ``contracts_for_records`` on rows that point at a contract through
    ``path``: ``None`` for no row at all, ``Q()`` for every row (no subquery for the
    总经理 and admins), else the rows whose contract the user may read.

    The rule is applied to the joined contract's own columns (``contract__owner_id`` …)
    rather than as ``contract IN (the readable contracts)``: the database then tests only
    the contracts the other filters keep (a year's, say) instead of listing every readable
    contract first."""
    rule = register_contract_q(user)
    if rule is None:
        return None
    if rule == Q():
        return Q()
    return _prefixed(rule, path)


def _prefixed(rule: Q, path: str) -> Q:
    """``rule`` (lookups on Contract) rewritten for rows that reach the contract through
    ``path``."""
    copy = Q()
    copy.connector, copy.negated = rule.connector, rule.negated
    for child in rule.children:
        if isinstance(child, Q):
            copy.children.append(_prefixed(child, path))
        else:
            lookup, value = child
            copy.children.append((f"{path}__{lookup}", value))
    return copy


def _rows(queryset: QuerySet, user: User, path: str = "contract") -> QuerySet:
    rule = contract_rows_q(user, path)
    return queryset.none() if rule is None else queryset.filter(rule)


# --- 表5-22 inspections -------------------------------------------------------------------
def can_read_contract_registers(user: User) -> bool:
    """The contract registers (5-17 … 5-22, 5-25) are for the sales side."""
    return _active(user) and user.is_sales_side


def can_record_inspection(user: User) -> bool:
    """Inspections are recorded by the 销售助理, managers, the 总经理 and admins."""
    return _active(user) and user.role in INSPECTOR_ROLES


def inspections_visible_to(user: User) -> QuerySet[ContractInspection]:
    """Inspections follow their contract (``contracts_for_records``)."""
    if not can_read_contract_registers(user):
        return ContractInspection.objects.none()
    return _rows(ContractInspection.objects.all(), user)


def get_inspection_for(user: User, pk: Any) -> ContractInspection:
    """The inspection ``pk`` if ``user`` may see its contract; 404 when missing or forbidden."""
    try:
        return inspections_visible_to(user).select_related("contract").get(pk=int(pk))
    except (ContractInspection.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such inspection") from None


def can_edit_inspection(user: User, inspection: ContractInspection) -> bool:
    """Its inspector, or admins and the 总经理, may correct an inspection."""
    if not can_record_inspection(user):
        return False
    return user.sees_everything or inspection.inspector_id == user.pk


def inspection_contract_choices(user: User) -> QuerySet:
    """The contracts ``user`` may record an inspection against."""
    if not can_record_inspection(user):
        from contracts.models import Contract

        return Contract.objects.none()
    return contracts_for_records(user)


# --- 表5-23 / 5-24 office registers --------------------------------------------------------
def can_keep_office_registers(user: User) -> bool:
    """表5-23 and 5-24 are entered by the 销售助理 and admins."""
    return _active(user) and user.role in CLERK_ROLES


def can_read_office_registers(user: User) -> bool:
    return _active(user) and user.role in OFFICE_READERS


def text_uses_visible_to(user: User) -> QuerySet[ContractTextUse]:
    if not can_read_office_registers(user):
        return ContractTextUse.objects.none()
    return ContractTextUse.objects.all()


def get_text_use_for(user: User, pk: Any) -> ContractTextUse:
    try:
        return text_uses_visible_to(user).get(pk=int(pk))
    except (ContractTextUse.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such record") from None


def authorizations_visible_to(user: User) -> QuerySet[AuthorizationLetter]:
    if not can_read_office_registers(user):
        return AuthorizationLetter.objects.none()
    return AuthorizationLetter.objects.all()


def get_authorization_for(user: User, pk: Any) -> AuthorizationLetter:
    try:
        return authorizations_visible_to(user).get(pk=int(pk))
    except (AuthorizationLetter.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such letter") from None


def text_use_contract_choices(user: User) -> QuerySet:
    """A text use may name the contract it was for: one the clerk may see."""
    if not can_keep_office_registers(user):
        from contracts.models import Contract

        return Contract.objects.none()
    return contracts_for_records(user)


def handler_choices(user: User) -> QuerySet[User]:
    """Who may be named 经办人 of a letter: any active sales-side user."""
    from accounts.models import SALES_SIDE_ROLES

    return User.objects.filter(is_active=True, role__in=SALES_SIDE_ROLES)


# --- 表5-25 archive -----------------------------------------------------------------------
def can_archive(user: User) -> bool:
    """Completed contracts are archived by the 销售助理 and admins."""
    return _active(user) and user.role in CLERK_ROLES


def archives_visible_to(user: User) -> QuerySet[ContractArchive]:
    """Archive records follow their contract (``contracts_for_records``)."""
    if not can_read_contract_registers(user):
        return ContractArchive.objects.none()
    return _rows(ContractArchive.objects.all(), user)


def get_archive_for(user: User, pk: Any) -> ContractArchive:
    try:
        return archives_visible_to(user).select_related("contract").get(pk=int(pk))
    except (ContractArchive.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("no such archive record") from None


# --- 表5-20 review decisions ---------------------------------------------------------------
def review_steps_visible_to(user: User) -> QuerySet:
    """The boxes of 5-14 ``user`` may list: the sales side those of the contracts they may
    read; a department reviewer only the boxes of their own department, on the contracts
    the contract selector shows them (those under review by their department)."""
    from contracts.models import ReviewStep
    from contracts.selectors import contracts_visible_to, owners_read_by

    if not _active(user):
        return ReviewStep.objects.none()
    if user.role in REVIEWER_ROLES:
        return ReviewStep.objects.filter(
            box=user.role, round__contract__in=contracts_visible_to(user)
        )
    if not user.is_sales_side:
        return ReviewStep.objects.none()
    people = owners_read_by(user)
    if people is not None:
        # The contract selector's rule on the step's copies of the two owners
        # (``contracts.services.readers``): no join to the round, contract or customer.
        return ReviewStep.objects.filter(
            Q(contract_owner_id__in=people) | Q(customer_owner_id__in=people)
        )
    return _rows(ReviewStep.objects.all(), user, "round__contract")


def contract_lines_visible_to(user: User) -> QuerySet:
    """The product lines of the contracts ``user`` may read (表5-17, 5-21)."""
    from contracts.models import ContractLine

    if not can_read_contract_registers(user):
        return ContractLine.objects.none()
    return _rows(ContractLine.objects.all(), user)


def archivable_contracts_for(user: User) -> QuerySet:
    """The contracts ``user`` may archive now: completed ones, and 已归档 ones still
    without their archive record; never one that has its record."""
    from contracts.models import Contract

    if not can_archive(user):
        return Contract.objects.none()
    return contracts_for_records(user).filter(
        status__in=("completed", "archived"), archive__isnull=True
    )
