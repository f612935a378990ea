"""Turning django-simple-history records into readable changes (记录更新)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ledger.engine.columns import Kind, format_value


@dataclass(frozen=True)
class Change:
    """One line of 记录更新: who changed which field of what, from what to what, and why."""

    when: datetime
    who: str
    what: str  # the customer itself, or one of its contacts
    field: str
    old: str
    new: str
    reason: str


HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "history_relation",
    "id",
}


def _tracked_fields(model: type[models.Model], record) -> list[models.Field]:
    names = {f.attname for f in record._meta.fields} - HISTORY_FIELDS
    return [f for f in model._meta.concrete_fields if f.attname in names and f.editable]


def _display(field: models.Field, value: Any, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names.get((field.related_model, field.target_field.attname, value), f"#{value}")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    kind = Kind.MONEY if isinstance(field, models.DecimalField) else Kind.TEXT
    return format_value(value, kind)


def changes_of(records: Sequence, model: type[models.Model], *, label: Callable) -> list:
    """Field-level changes between consecutive history records of each object.

    ``records`` may be any window of the history (newest first); an object's oldest
    record in the window is compared with nothing unless it is the creation.
    """
    if not records:
        return []
    fields = _tracked_fields(model, records[0])
    # The objects the changed keys point at (people, customers, contracts …) are named, one
    # query per kind of object, not shown as bare ids.
    wanted: dict[tuple, set] = defaultdict(set)
    for r in records:
        for f in fields:
            if f.is_relation:
                value = getattr(r, f.attname)
                if value:
                    wanted[(f.related_model, f.target_field.attname)].add(value)
    names = {
        (related, key, getattr(obj, key)): str(obj)
        for (related, key), ids in wanted.items()
        for obj in related._default_manager.filter(**{f"{key}__in": ids})
    }
    by_object: dict[Any, list] = defaultdict(list)
    for r in records:
        by_object[r.id].append(r)
    changes = []
    for history in by_object.values():
        history.sort(key=lambda r: r.history_id)
        previous = None
        for r in history:
            who = str(r.history_user) if r.history_user_id else _("system")
            reason = r.history_change_reason or ""
            what = label(r)
            if r.history_type == "+":
                changes.append(Change(r.history_date, who, what, _("created"), "", "", reason))
            elif r.history_type == "-":
                changes.append(Change(r.history_date, who, what, _("deleted"), "", "", reason))
            elif previous is not None:
                for f in fields:
                    old, new = getattr(previous, f.attname), getattr(r, f.attname)
                    if old != new:
                        changes.append(
                            Change(
                                r.history_date,
                                who,
                                what,
                                str(f.verbose_name),
                                _display(f, old, names),
                                _display(f, new, names),
                                reason,
                            )
                        )
            previous = r
    return changes
