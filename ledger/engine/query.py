"""From a register, a user and the request's filters to the rows, in order.

The list page, the Excel sheet, the PDF and the monthly workbook all read their rows
through ``run_query``, so they cannot disagree about which rows a user may see.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from ledger.engine.base import Register, RegisterContext
from ledger.engine.columns import Column

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: str | None) -> tuple[datetime.date, datetime.date] | None:
    """``"2026-11"`` → (first day of the month, first day of the next); None if invalid."""
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1900 <= year <= 9999:
        return None
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following


def month_filter(model: type[models.Model], field_path: str, month: str) -> dict[str, Any]:
    """Lookups that keep the rows of one calendar month in the project's time zone."""
    first, following = parse_month(month) or (None, None)
    if first is None:
        raise ValueError(f"not a month: {month!r}")
    field = _resolve_field(model, field_path)
    if isinstance(field, models.DateTimeField):
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(following, datetime.time.min, tzinfo=tz)
        return {f"{field_path}__gte": start, f"{field_path}__lt": end}
    return {f"{field_path}__gte": first, f"{field_path}__lt": following}


def _resolve_field(model: type[models.Model], path: str) -> models.Field:
    current, field = model, None
    for part in path.split("__"):
        field = current._meta.get_field(part)
        if field.is_relation:
            current = field.related_model
    return field


def ordering_from(sort: str | None, columns: Sequence[Column]) -> tuple[list[str], list[str]]:
    """Translate ``?sort=-name,owner`` into ORM ordering; unknown keys are ignored.

    Returns (ORM fields, the accepted sort keys as given).
    """
    by_key = {c.key: c for c in columns}
    fields: list[str] = []
    keys: list[str] = []
    for raw in (sort or "").split(","):
        raw = raw.strip()
        desc = raw.startswith("-")
        col = by_key.get(raw.lstrip("-"))
        if col is None or not col.sort_fields:
            continue
        keys.append(raw)
        for f in col.sort_fields:
            fields.append(f"-{f}" if desc else f)
    return fields, keys


@dataclass
class RegisterQuery:
    register: Register
    context: RegisterContext
    columns: Sequence[Column]
    filterset: Any
    queryset: QuerySet  # dict rows, filtered and ordered
    sort_keys: list[str]
    # The same rows before annotations: counting them needs no join.
    count_queryset: QuerySet | None = None

    @property
    def filters_valid(self) -> bool:
        return self.filterset is None or not self.filterset.errors

    def iter_rows(self, chunk_size: int = 2000) -> Iterator[dict]:
        """Every row, numbered (``_seq``), streamed from the database in chunks."""
        for seq, row in enumerate(self.queryset.iterator(chunk_size=chunk_size), start=1):
            row["_seq"] = seq
            yield row

    def count(self) -> int:
        return (self.count_queryset if self.count_queryset is not None else self.queryset).count()


def run_query(register: Register, context: RegisterContext) -> RegisterQuery:
    queryset = register.base_queryset(context)
    filterset = None
    if register.filterset_class is not None:
        filterset = register.filterset_class(
            context.params, queryset=queryset, user=context.user, register=register
        )
        # Invalid filters show their errors above an empty list, never a 500.
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    if context.month and register.month_field:
        queryset = queryset.filter(
            **month_filter(register.model, register.month_field, context.month)
        )
    count_queryset = queryset.order_by()
    queryset = register.annotate(queryset, context)
    # Choice labels are lazy translations: resolve them once, not once per cell.
    columns = [
        replace(c, choices={k: str(v) for k, v in c.choices.items()}) if c.choices else c
        for c in register.get_columns(context)
    ]
    order_fields, sort_keys = ordering_from(context.params.get("sort"), columns)
    ordering = [*order_fields, *register.default_ordering]
    if "pk" not in ordering and "-pk" not in ordering:
        ordering.append("pk")  # a total order, so pages never repeat or skip a row
    values: list[str] = []
    for name in [
        *(c.field for c in columns if c.field),
        *(n for c in columns for n in c.needs),
        *register.extra_values,
    ]:
        if name not in values:
            values.append(name)
    queryset = queryset.order_by(*ordering).values(*values)
    return RegisterQuery(register, context, columns, filterset, queryset, sort_keys, count_queryset)
