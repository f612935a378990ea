"""Writes to the customer registry. Views, the admin and commands call these; none of them
re-implements a rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history, update_change_reason

from accounts.models import User
from accounts.selectors import owner_choices_for, owners_managed_by
from ledger.models import Contact, Customer, CustomerEvent, EventKind
from ledger.selectors import (
    DuplicateMatch,
    can_create_customer,
    can_delete_customer,
    can_hand_over,
    customer_detail_q,
    customer_duplicates,
)

CUSTOMER_FIELDS = (
    "name",
    "person_name",
    "address",
    "phone",
    "email",
    "category",
    "industry",
    "company_size",
    "competitors",
    "credit_rating",
    "overdue_record",
    "risk_warning",
    "owner",
)
CONTACT_FIELDS = ("kind", "name", "title", "phone", "email")


class DuplicateCustomerError(ValidationError):
    """A customer with the same name or phone exists; the user must confirm."""

    def __init__(self, matches: list[DuplicateMatch]):
        self.matches = matches
        super().__init__(_("A customer with the same name or phone number already exists."))


class StaleRecordError(ValidationError):
    """The record changed since the form was opened."""

    def __init__(self, who: str, when: datetime.datetime | None):
        self.who, self.when = who, when
        stamp = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "?"
        super().__init__(
            _("This record was changed by %(who)s at %(when)s; reload it and try again.")
            % {"who": who, "when": stamp}
        )


def check_may_edit_customer(actor: User, customer: Customer) -> None:
    """Whoever may see a customer's details may edit it and its parts; others may not."""
    rule = customer_detail_q(actor)
    if rule is None or not Customer.objects.filter(rule, pk=customer.pk).exists():
        raise PermissionDenied


def _check_owner(actor: User, owner: User) -> None:
    if not owner_choices_for(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You may not assign customers to this person.")})


@transaction.atomic
def customer_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    contacts: Iterable[Mapping[str, Any]] = (),
    confirm_duplicate: bool = False,
) -> Customer:
    """Create a customer with its contacts.

    Who: salespeople (they own what they enter), managers (for anyone they manage),
    总经理 and admins. A name or phone that matches an existing customer raises
    ``DuplicateCustomerError`` unless the user has seen the match and confirmed.
    """
    if not can_create_customer(actor):
        raise PermissionDenied
    contacts = [c for c in contacts if c.get("name")]
    customer = Customer(**{f: data[f] for f in CUSTOMER_FIELDS if f in data})
    if customer.owner_id is None:
        customer.owner = actor
    _check_owner(actor, customer.owner)
    if not confirm_duplicate:
        phones = [customer.phone, *(c.get("phone", "") for c in contacts)]
        matches = customer_duplicates(name=customer.name, phones=phones)
        if matches:
            raise DuplicateCustomerError(matches)
    customer.created_by = actor
    customer.full_clean()
    customer._history_user = actor
    customer.save()
    for values in contacts:
        contact_create(actor=actor, customer=customer, data=values, _checked=True)
    return customer


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, data: Mapping[str, Any], expected_version: int
) -> Customer:
    """Change a customer's fields. Whoever sees the details may edit them; changing the
    owner is limited to whom the actor may assign. A save based on an outdated version
    raises ``StaleRecordError`` naming who changed it and when.
    """
    check_may_edit_customer(actor, customer)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.version != expected_version:
        last = locked.history.select_related("history_user").order_by("-history_id").first()
        who = str(last.history_user) if last and last.history_user else _("someone")
        raise StaleRecordError(who, last.history_date if last else None)
    original_owner_id = locked.owner_id
    for field in CUSTOMER_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    if locked.owner_id != original_owner_id:
        _check_owner(actor, locked.owner)
    locked.version += 1
    locked.full_clean()
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def customer_delete(*, actor: User, customer: Customer) -> None:
    """Delete a customer and its ledger entries. Admins only; the history keeps a copy."""
    if not can_delete_customer(actor):
        raise PermissionDenied
    customer._history_user = actor
    customer.delete()


@transaction.atomic
def customers_hand_over(*, actor: User, from_user: User, to_user: User) -> int:
    """Give every customer of ``from_user`` to ``to_user`` in one step (离职交接).

    Who: admins, and managers for people they manage (both sides). The history of each
    customer records the handover, and each customer's timeline gets an entry.
    Returns how many customers moved.
    """
    if not can_hand_over(actor):
        raise PermissionDenied
    if from_user.pk == to_user.pk:
        raise ValidationError(_("Choose two different people."))
    if not owners_managed_by(actor, include_inactive=True).filter(pk=from_user.pk).exists():
        raise PermissionDenied
    if not owners_managed_by(actor).filter(pk=to_user.pk).exists():
        raise ValidationError({"to_user": _("You may not assign customers to this person.")})
    customers = list(Customer.objects.select_for_update().filter(owner=from_user).order_by("pk"))
    if not customers:
        return 0
    reason = _("handed over from %(old)s to %(new)s") % {"old": from_user, "new": to_user}
    for customer in customers:
        customer.owner = to_user
        customer.version += 1
    bulk_update_with_history(
        customers,
        Customer,
        ["owner", "version"],
        batch_size=500,
        default_user=actor,
        default_change_reason=reason,
    )
    today = timezone.localdate()
    CustomerEvent.objects.bulk_create(
        [
            CustomerEvent(
                customer=c,
                kind=EventKind.OTHER,
                occurred_on=today,
                title=reason,
                created_by=actor,
            )
            for c in customers
        ],
        batch_size=500,
    )
    return len(customers)


def contact_create(
    *, actor: User, customer: Customer, data: Mapping[str, Any], _checked: bool = False
) -> Contact:
    """Add a contact to a customer the actor may edit."""
    if not _checked:
        check_may_edit_customer(actor, customer)
    contact = Contact(customer=customer, **{f: data[f] for f in CONTACT_FIELDS if f in data})
    contact.full_clean()
    contact._history_user = actor
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, data: Mapping[str, Any]) -> Contact:
    check_may_edit_customer(actor, contact.customer)
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(contact, field, data[field])
    contact.full_clean()
    contact._history_user = actor
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    check_may_edit_customer(actor, contact.customer)
    contact._history_user = actor
    contact.delete()


@transaction.atomic
def customer_event_record(
    *,
    customer: Customer,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    detail: str = "",
    actor: User | None = None,
    source: Any = None,
) -> CustomerEvent:
    """Put an entry on the customer's timeline and keep its 最近联系 date current.

    Called by the customer page (for the users who may edit the customer) and by the
    other ledgers (contracts, orders, visit reports) with themselves as ``source``.
    A follow-up item lies in the future and does not count as contact.
    """
    if actor is not None and source is None:
        check_may_edit_customer(actor, customer)
    event = CustomerEvent(
        customer=customer,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        detail=detail,
        created_by=actor,
    )
    if source is not None:
        event.source = source
    event.full_clean()
    event.save()
    if kind != EventKind.FOLLOW_UP:
        touch_last_contact(customer=customer, on=occurred_on)
    return event


def touch_last_contact(*, customer: Customer, on: datetime.date) -> None:
    """Move 最近联系 forward to ``on`` (never backward, never into the future)."""
    if on > timezone.localdate():
        return
    updated = (
        Customer.objects.filter(pk=customer.pk)
        .exclude(last_contact_on__gte=on)
        .update(last_contact_on=on)
    )
    if updated:
        customer.last_contact_on = on


def mark_history(obj: Any, reason: str) -> None:
    """Attach a reason to the newest history record of ``obj``."""
    update_change_reason(obj, reason)
