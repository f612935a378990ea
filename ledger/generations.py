"""Generation counters (``DataGeneration``): read one, or move one on after a write commits.

Services that change what the home page counts (customers, their last contact, timeline
events, service records) call ``customers_changed()``; the home page caches its summary under
the generation it read (``ledger.dashboard.home_summary_cached``). The bump runs after the
writer's commit, so it never holds a lock inside a write transaction: a reader that computed
from data older than the write stored it under the old generation, which nobody reads again.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from ledger.models import DataGeneration

CUSTOMERS = "customers"


def current(key: str) -> int:
    """The generation of ``key`` (0 before its first bump)."""
    value = DataGeneration.objects.filter(key=key).values_list("value", flat=True).first()
    return value or 0


def bump_now(key: str) -> None:
    """Move ``key``'s generation on at once (bulk loaders; services use ``customers_changed``)."""
    if DataGeneration.objects.filter(key=key).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            DataGeneration.objects.create(key=key, value=1)
    except IntegrityError:  # created meanwhile by another writer
        DataGeneration.objects.filter(key=key).update(value=F("value") + 1)


def customers_changed() -> None:
    """After the current transaction commits, move the customers' generation on."""
    transaction.on_commit(lambda: bump_now(CUSTOMERS))
