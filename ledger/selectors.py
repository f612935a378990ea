"""Who may read what in the customer registry. Every page, export, PDF and filter
dropdown reads customers, contacts, events and service records through these functions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import OWNER_ROLES, Role, User
from accounts.selectors import managed_department_ids, owners_managed_by
from ledger.history import Change, changes_of
from ledger.models import Contact, Customer, CustomerEvent, Product, ServiceRecord
from ledger.models.customers import name_key, phone_key

__all__ = ["Change"]  # 记录更新 lines are described in ledger.history


class Scope(enum.StrEnum):
    PUBLIC = "public"  # 公共台账: the shared columns of every customer
    PERSONAL = "personal"  # 个人台账: the full record of the customers one may see


def customer_detail_q(user: User) -> Q | None:
    """The rule of the 个人台账, as a filter on Customer; ``None`` means no customer.

    The details of a customer (contacts, risk, amounts, history) are visible to its
    owner, to the managers of the owner's department (and of departments above it), to
    the 总经理 and to admins.
    """
    if not (user.is_authenticated and user.is_active):
        return None
    if user.sees_everything:
        return Q()
    if user.role == Role.MANAGER:
        return Q(owner_id=user.pk) | Q(owner__department_id__in=managed_department_ids(user))
    if user.role in OWNER_ROLES:
        return Q(owner_id=user.pk)
    return None


def customer_scope(params) -> Scope:
    """The scope a customer list asks for: 个人台账 only when asked, else 公共台账."""
    value = (params or {}).get("scope")
    return Scope.PERSONAL if value == Scope.PERSONAL else Scope.PUBLIC


def customers_visible_to(user: User, *, scope: Scope = Scope.PERSONAL) -> QuerySet[Customer]:
    """Customers ``user`` may list in ``scope``.

    公共台账 (PUBLIC): every customer, for every sales-side role, so two people do not
    chase the same customer unknowingly; only the shared columns are shown there.
    个人台账 (PERSONAL): see ``customer_detail_q``. Department reviewers see neither.
    """
    customers = Customer.objects.all()
    if scope == Scope.PUBLIC:
        ok = user.is_authenticated and user.is_active and user.is_sales_side
        return customers if ok else customers.none()
    rule = customer_detail_q(user)
    return customers.none() if rule is None else customers.filter(rule)


def get_customer_for(user: User, pk: Any) -> Customer:
    """The customer ``pk`` if ``user`` may see its details; 404 when missing or forbidden."""
    try:
        return (
            customers_visible_to(user)
            .select_related("owner", "owner__department", "last_contact_by")
            .get(pk=int(pk))
        )
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404("no such customer") from None


def can_create_customer(user: User) -> bool:
    """Salespeople, assistants and managers enter customers (they or their staff own
    them); the 总经理 and admins may too."""
    return user.is_active and (user.role in OWNER_ROLES or user.sees_everything)


def can_edit_customer(user: User, customer: Customer) -> bool:
    """Whoever may see a customer's details may edit it and its parts (contacts, events,
    service records); nobody else."""
    rule = customer_detail_q(user)
    return rule is not None and Customer.objects.filter(rule, pk=customer.pk).exists()


def can_delete_customer(user: User) -> bool:
    """Deleting a customer loses its ledger: admins only (history keeps the record)."""
    return user.is_active and user.is_admin


def can_hand_over(user: User) -> bool:
    """Handing over a departing salesperson's customers: active managers and admins."""
    return user.is_authenticated and user.is_active and user.role in (Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class DuplicateMatch:
    pk: int
    name: str
    owner: str
    reason: str


def customer_duplicates(
    *, name: str = "", phones: list[str] | tuple[str, ...] = (), exclude_pk: int | None = None
) -> list[DuplicateMatch]:
    """Existing customers whose name, phone or a contact's phone matches.

    Shown before a new customer is saved, to everybody who may create one: the match's
    name and owner are public-ledger information.
    """
    key = name_key(name)
    phone_keys = sorted({k for k in (phone_key(p) for p in phones) if len(k) >= 6})
    rule = Q()
    if key:
        rule |= Q(name_key=key)
    if phone_keys:
        rule |= Q(phone_key__in=phone_keys)
        rule |= Q(pk__in=Contact.objects.filter(phone_key__in=phone_keys).values("customer_id"))
    if not rule:
        return []
    found = Customer.objects.filter(rule).select_related("owner")
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    matches = []
    for customer in found.order_by("name")[:10]:
        reason = _("same name") if customer.name_key == key else _("same phone number")
        matches.append(DuplicateMatch(customer.pk, customer.name, str(customer.owner), reason))
    return matches


def service_records_visible_to(user: User) -> QuerySet[ServiceRecord]:
    """Service records follow their customer: visible with the customer's details."""
    rule = customer_detail_q(user)
    if rule is None:
        return ServiceRecord.objects.none()
    return ServiceRecord.objects.filter(customer__in=Customer.objects.filter(rule))


def get_service_record_for(user: User, pk: Any) -> ServiceRecord:
    try:
        return service_records_visible_to(user).select_related("customer").get(pk=int(pk))
    except (ServiceRecord.DoesNotExist, ValueError, TypeError):
        raise Http404("no such service record") from None


def handler_choices_for(user: User, record: ServiceRecord | None = None) -> QuerySet:
    """Who ``user`` may name as the handler of a service record: themselves, the people
    they manage, or the handler the record already has."""
    handlers = User.objects.filter(pk=user.pk) | owners_managed_by(user)
    if record is not None and record.handler_id:
        handlers = handlers | User.objects.filter(pk=record.handler_id)
    return handlers.distinct()


def events_of(customer: Customer) -> QuerySet[CustomerEvent]:
    """The customer's timeline; callers have already fetched the customer for the user.

    The linked records (``source``: a contract, an order, a visit report …) come in one
    query per kind of record, not one per event.
    """
    return customer.events.select_related("created_by", "source_type").prefetch_related("source")


def products_visible_to(user: User) -> QuerySet[Product]:
    """The product master is company information: every active user may read it."""
    if not (user.is_authenticated and user.is_active):
        return Product.objects.none()
    return Product.objects.all()


def can_edit_products(user: User) -> bool:
    """The product master is kept by admins, managers, sales assistants and the 总经理."""
    return user.is_active and user.role in (Role.ADMIN, Role.MANAGER, Role.ASSISTANT, Role.GM)


def can_delete_products(user: User) -> bool:
    """Removing a product from the master: admins only (others mark it as not in use)."""
    return user.is_authenticated and user.is_active and user.is_admin


def get_product_for(user: User, pk: Any) -> Product:
    try:
        return products_visible_to(user).get(pk=int(pk))
    except (Product.DoesNotExist, ValueError, TypeError):
        raise Http404("no such product") from None


def customer_changes(customer: Customer, *, limit: int = 300) -> list[Change]:
    """记录更新: every change to the customer and its contacts, newest first."""
    records = list(customer.history.select_related("history_user").order_by("-history_id")[:limit])
    contact_records = list(
        Contact.history.filter(customer_id=customer.pk)
        .select_related("history_user")
        .order_by("-history_id")[:limit]
    )
    changes = changes_of(records, Customer, label=lambda r: _("Customer"))
    changes += changes_of(
        contact_records, Contact, label=lambda r: _("Contact: %(name)s") % {"name": r.name}
    )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def customers_to_hand_over(actor: User, from_user: User) -> QuerySet[Customer]:
    """The customers a handover from ``from_user`` would move, for the confirmation page:
    every customer ``from_user`` owns, if ``actor`` may hand over ``from_user``'s customers
    (``can_hand_over`` and ``from_user`` among the owners ``actor`` manages); else none."""
    if not can_hand_over(actor):
        return Customer.objects.none()
    if not owners_managed_by(actor, include_inactive=True).filter(pk=from_user.pk).exists():
        return Customer.objects.none()
    return Customer.objects.filter(owner=from_user).order_by("name", "pk")
