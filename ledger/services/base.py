"""The one way a service changes an existing record.

``update_record`` runs the steps every update needs, in this order: check (may the actor
do this?) → lock the row → compare the version the form was opened at → apply the new
values and validate them (the service's own rules, then ``full_clean``) → record who made
the change in the history → save with the version moved on. Customer, contact, service
record and product updates all go through it; none repeats the steps.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

M = TypeVar("M", bound=models.Model)


class StaleRecordError(ValidationError):
    """The record changed since the form was opened: who changed it and when."""

    def __init__(self, who: str, when: datetime.datetime | None):
        self.who, self.when = who, when
        stamp = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "?"
        super().__init__(
            _("This record was changed by %(who)s at %(when)s; reload it and try again.")
            % {"who": who, "when": stamp}
        )


class RecordGoneError(ValidationError):
    """The record was deleted since the form was opened."""

    def __init__(self):
        super().__init__(_("This record has been deleted in the meantime; nothing was saved."))


def stale_error(record: models.Model) -> StaleRecordError:
    """The error naming the last change of ``record`` (from its history)."""
    last = record.history.select_related("history_user").order_by("-history_id").first()
    who = str(last.history_user) if last and last.history_user else _("someone")
    return StaleRecordError(who, last.history_date if last else None)


def lock_version(record: M, expected_version: int) -> M:
    """Lock the row of ``record`` and check that it is still at ``expected_version``.

    Call inside ``transaction.atomic``. Returns the locked, freshly read row. Raises
    ``RecordGoneError`` when it was deleted and ``StaleRecordError`` when someone saved it
    after the form was opened.
    """
    model = type(record)
    try:
        locked = model._default_manager.select_for_update().get(pk=record.pk)
    except model.DoesNotExist:
        raise RecordGoneError from None
    if locked.version != expected_version:
        raise stale_error(locked)
    return locked


def update_record(
    record: M,
    *,
    actor: User,
    data: Mapping[str, Any],
    fields: Iterable[str],
    expected_version: int,
    check: Callable[[], None] | None = None,
    validate: Callable[[M, M], None] | None = None,
) -> M:
    """Change ``fields`` of ``record`` from ``data``: check → lock → compare version →
    validate → record the history user → save. Call inside ``transaction.atomic``.

    ``check()`` raises ``PermissionDenied`` when the actor may not change the record.
    ``validate(changed, before)`` applies the service's own rules that need the values
    before the change (e.g. who may be named as the new owner). Returns the saved row,
    whose ``version`` is one more than ``expected_version``.
    """
    if check is not None:
        check()
    locked = lock_version(record, expected_version)
    before = copy.copy(locked)
    for field in fields:
        if field in data:
            setattr(locked, field, data[field])
    if validate is not None:
        validate(locked, before)
    locked.version += 1
    locked.full_clean()
    locked._history_user = actor
    locked.save()
    return locked
