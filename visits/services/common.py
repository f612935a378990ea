"""What the visit services share: refusals and the gapless numbers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from visits.models import VisitCounter


def refuse(message: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: message} if field else message)


def next_number(*, form: str, prefix: str, year: int) -> str:
    """The next number of ``form`` in ``year`` (``BF-2026-0001``), allocated under a row
    lock inside the caller's transaction, so a rolled-back record leaves no gap."""
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic"
    counter, _created = VisitCounter.objects.get_or_create(form=form, year=year)
    counter = VisitCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:04d}"
