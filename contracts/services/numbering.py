"""Gapless 编号 per form and year, allocated in the database (HT-2026-0001)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from contracts.models import NumberCounter


def next_number(*, prefix: str, year: int) -> str:
    """The next number of form ``prefix`` in ``year``: ``PREFIX-YYYY-NNNN``.

    Call inside the transaction that creates the record: the counter row stays locked
    (``select_for_update``) until it commits, so two creations are served one after the
    other, and a rolled-back creation gives its number back (no gaps).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the creating transaction")
    counter = NumberCounter.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(prefix=prefix, year=year, last=0)
        except IntegrityError:
            pass  # created by a concurrent first allocation of the year: lock theirs
        counter = NumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:04d}"
