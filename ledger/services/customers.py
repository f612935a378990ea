"""Writes to the customer registry. Views, the admin and commands call these; none of them
re-implements a rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history, update_change_reason

from accounts.models import User
from accounts.selectors import owner_choices_for, owners_managed_by
from ledger.generations import customers_changed
from ledger.models import Contact, Customer, CustomerEvent, EventKind
from ledger.selectors import (
    DuplicateMatch,
    can_create_customer,
    can_delete_customer,
    can_edit_customer,
    can_hand_over,
    customer_duplicates,
)
from ledger.services.base import StaleRecordError, lock_version, update_record
from ledger.signals import customer_owner_changed

__all__ = ["StaleRecordError"]  # raised by every update; defined in ledger.services.base

# History texts (change reasons, timeline entries written by the system) are stored in one
# language, whatever the language of the user who clicked.
HISTORY_LANGUAGE = "zh-hans"

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


def check_may_edit_customer(actor: User, customer: Customer) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may edit ``customer`` (see
    ``ledger.selectors.can_edit_customer``)."""
    if not can_edit_customer(actor, customer):
        raise PermissionDenied


@dataclass(frozen=True)
class ContactChange:
    """One row of the contact table on the customer's edit page.

    ``contact`` is None for a new contact; an existing one carries the version its row was
    opened at, and ``delete`` removes it.
    """

    data: Mapping[str, Any]
    contact: Contact | None = None
    expected_version: int | None = None
    delete: bool = False


def is_blank_contact(values: Mapping[str, Any]) -> bool:
    """A contact row with nothing but its (pre-set) type is an unused row, not a contact."""
    return not any(
        str(values.get(field) or "").strip() for field in CONTACT_FIELDS if field != "kind"
    )


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
    contacts = [c for c in contacts if not is_blank_contact(c)]
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
    customers_changed()
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    expected_version: int,
    contacts: Iterable[ContactChange] = (),
) -> Customer:
    """Change a customer's fields, and its contacts as edited on the same page.

    Whoever sees the details may edit them; changing the owner is limited to whom the
    actor may assign. A save based on an outdated version of the customer or of one of
    its contacts raises ``StaleRecordError`` naming who changed it and when; then nothing
    is saved.
    """

    new_owner: list[int] = []

    def check_new_owner(changed: Customer, before: Customer) -> None:
        if changed.owner_id != before.owner_id:
            _check_owner(actor, changed.owner)
            new_owner.append(changed.owner_id)

    saved = update_record(
        customer,
        actor=actor,
        data=data,
        fields=CUSTOMER_FIELDS,
        expected_version=expected_version,
        check=lambda: check_may_edit_customer(actor, customer),
        validate=check_new_owner,
    )
    if new_owner:
        customer_owner_changed.send(Customer, customer_ids=[saved.pk], owner_id=new_owner[0])
    for change in contacts:
        _apply_contact_change(actor=actor, customer=saved, change=change)
    customers_changed()
    return saved


def _apply_contact_change(*, actor: User, customer: Customer, change: ContactChange) -> None:
    contact = change.contact
    if contact is not None and contact.customer_id != customer.pk:
        raise PermissionDenied
    name = (contact.name if contact else "") or change.data.get("name", "")
    try:
        if contact is None:
            if not change.delete and not is_blank_contact(change.data):
                contact_create(actor=actor, customer=customer, data=change.data, _checked=True)
        elif change.delete:
            contact_delete(actor=actor, contact=contact, expected_version=change.expected_version)
        else:
            contact_update(
                actor=actor,
                contact=contact,
                data=change.data,
                expected_version=change.expected_version,
            )
    except ValidationError as exc:
        raise ValidationError(
            [_("Contact %(name)s: %(error)s") % {"name": name, "error": m} for m in exc.messages]
        ) from exc


@transaction.atomic
def customer_delete(*, actor: User, customer: Customer) -> None:
    """Delete a customer and its ledger entries. Admins only; the history keeps a copy."""
    if not can_delete_customer(actor):
        raise PermissionDenied
    customer._history_user = actor
    customer.delete()
    customers_changed()


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
    with translation.override(HISTORY_LANGUAGE):
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
    customer_owner_changed.send(
        Customer, customer_ids=[c.pk for c in customers], owner_id=to_user.pk
    )
    today = timezone.localdate()
    CustomerEvent.objects.bulk_create(
        [
            CustomerEvent(
                customer=c,
                kind=EventKind.OTHER,
                occurred_on=today,
                title=reason[:200],
                created_by=actor,
            )
            for c in customers
        ],
        batch_size=500,
    )
    customers_changed()
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
def contact_update(
    *, actor: User, contact: Contact, data: Mapping[str, Any], expected_version: int
) -> Contact:
    """Change a contact of a customer the actor may edit; a stale version is refused."""
    return update_record(
        contact,
        actor=actor,
        data=data,
        fields=CONTACT_FIELDS,
        expected_version=expected_version,
        check=lambda: check_may_edit_customer(actor, contact.customer),
    )


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact, expected_version: int | None = None) -> None:
    """Remove a contact of a customer the actor may edit (its history keeps a copy).

    With ``expected_version`` (the contact table of the edit page), a contact changed by
    someone else since the page was opened is not deleted: ``StaleRecordError``.
    """
    check_may_edit_customer(actor, contact.customer)
    if expected_version is not None:
        contact = lock_version(contact, expected_version)
    contact._history_user = actor
    contact.delete()


@transaction.atomic
def customer_event_record(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    detail: str = "",
) -> CustomerEvent:
    """A user puts an entry on a customer's timeline (the customer page's 记录事件).

    Who: whoever may edit the customer (``can_edit_customer``); others get
    ``PermissionDenied``. Keeps the customer's 最近联系 date current.
    """
    check_may_edit_customer(actor, customer)
    return _record_event(
        customer=customer,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        detail=detail,
        actor=actor,
    )


@transaction.atomic
def customer_event_record_from_source(
    *,
    source: Any,
    customer: Customer,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    detail: str = "",
    actor: User | None = None,
) -> CustomerEvent:
    """A ledger family's service notes one of its records on the customer's timeline.

    Trusted path, for services only (never for a view): the calling service has already
    decided that ``actor`` may do what ``source`` records (sign a contract, file a visit
    report …), which is why it may write on the timeline of a customer the actor does not
    own. ``source`` (a saved model instance) is required and becomes the entry's link.
    """
    if source is None or getattr(source, "pk", None) is None:
        raise ValueError("customer_event_record_from_source needs a saved source record")
    return _record_event(
        customer=customer,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        detail=detail,
        actor=actor,
        source=source,
    )


def _record_event(
    *,
    customer: Customer,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    detail: str,
    actor: User | None,
    source: Any = None,
) -> CustomerEvent:
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
    customers_changed()
    if kind != EventKind.FOLLOW_UP:
        touch_last_contact(customer=customer, on=occurred_on, by=actor)
    return event


def touch_last_contact(*, customer: Customer, on: datetime.date, by: User | None = None) -> None:
    """Move 最近联系 forward to ``on`` (never backward, never into the future), with who
    made the contact (``by``) when known; a contact on the same day names its latest maker."""
    if on > timezone.localdate():
        return
    rows = Customer.objects.filter(pk=customer.pk)
    if by is not None:
        updated = rows.exclude(last_contact_on__gt=on).update(
            last_contact_on=on, last_contact_by=by
        )
    else:
        updated = rows.exclude(last_contact_on__gte=on).update(last_contact_on=on)
    if updated:
        customer.last_contact_on = on
        if by is not None:
            customer.last_contact_by = by
        customers_changed()


def mark_history(obj: Any, reason: str) -> None:
    """Attach a reason to the newest history record of ``obj``."""
    update_change_reason(obj, reason)
