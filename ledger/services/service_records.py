"""Writes to the 客户服务台账 (consultations, complaints, suggestions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.generations import customers_changed
from ledger.models import Customer, ServiceRecord
from ledger.selectors import handler_choices_for
from ledger.services.base import update_record
from ledger.services.customers import check_may_edit_customer, touch_last_contact

FIELDS = (
    "kind",
    "client_name",
    "contact_info",
    "content",
    "result",
    "handler",
    "received_on",
    "handled_on",
)


def _check_handler(actor: User, record: ServiceRecord, previous_handler_id=None) -> None:
    if record.handler_id is None or record.handler_id == previous_handler_id:
        return
    if not handler_choices_for(actor).filter(pk=record.handler_id).exists():
        raise ValidationError({"handler": _("You may not name this person as the handler.")})


@transaction.atomic
def service_record_create(
    *, actor: User, customer: Customer, data: Mapping[str, Any]
) -> ServiceRecord:
    """Record a consultation, complaint or suggestion of a customer.

    Who: whoever may see the customer's details; the handler is the actor or someone they
    manage. Receiving it counts as contact.
    """
    check_may_edit_customer(actor, customer)
    record = ServiceRecord(customer=customer, created_by=actor)
    for field in FIELDS:
        if field in data:
            setattr(record, field, data[field])
    _check_handler(actor, record)
    record.full_clean()
    record._history_user = actor
    record.save()
    touch_last_contact(customer=customer, on=record.received_on, by=actor)
    customers_changed()
    return record


@transaction.atomic
def service_record_update(
    *, actor: User, record: ServiceRecord, data: Mapping[str, Any], expected_version: int
) -> ServiceRecord:
    """Update a service record, typically to write down its 处理结果 and date.

    Who: whoever may see the customer's details. The handler may stay as it is or become
    someone the actor may name. A stale version is refused (``StaleRecordError``).
    """
    customers_changed()
    return update_record(
        record,
        actor=actor,
        data=data,
        fields=FIELDS,
        expected_version=expected_version,
        check=lambda: check_may_edit_customer(actor, record.customer),
        validate=lambda changed, before: _check_handler(actor, changed, before.handler_id),
    )
