"""From a register, a user and the request's filters to the rows, in order.

The list page, the Excel sheet, the PDF and the monthly workbook all read their rows
through ``run_query``, so they cannot disagree about which rows a user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.utils.functional import cached_property

from ledger.engine.base import Register, RegisterContext
from ledger.engine.columns import Column
from ledger.engine.periods import (  # parse_month: the query string's month, also for callers here
    INPUT_TYPES,
    Period,
    PeriodKind,
    default_period,
    parse_month,
    parse_period,
    period_for_month,
    range_lookups,
)
from ledger.engine.shapes import RowGroup, expanded_fields


def month_filter(model: type[models.Model], field_path: str, month: str) -> dict[str, Any]:
    """Lookups that keep the rows of one calendar month in the project's time zone."""
    first, following = parse_month(month) or (None, None)
    if first is None:
        raise ValueError(f"not a month: {month!r}")
    return range_lookups(model, field_path, first, following)


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
    # Filtered and annotated, unordered: what the 合计 row sums.
    totals_queryset: QuerySet | None = None
    # The totals read the counted rows themselves (no annotation needed): one query
    # then gives the count and the 合计 row.
    count_with_totals: bool = False
    # The same rows' keys in the same order, without the joins of the displayed columns:
    # a deep page finds its keys here first (``page_rows``). None where the order needs
    # an annotation.
    keys_queryset: QuerySet | None = None
    # The rows of given keys, shaped as ``queryset`` (annotated, ordered, as dicts) but
    # without its filters: the keys were found through them.
    rows_of_keys: Callable[[QuerySet], QuerySet] | None = None

    @property
    def filters_valid(self) -> bool:
        return self.filterset is None or not self.filterset.errors

    @property
    def row_group(self) -> RowGroup | None:
        return self.register.row_group

    def iter_rows(self, chunk_size: int = 2000) -> Iterator[dict]:
        """Every row (entity), numbered (``_seq``), streamed from the database in chunks."""
        for seq, row in enumerate(self.queryset.iterator(chunk_size=chunk_size), start=1):
            row["_seq"] = seq
            yield row

    def count(self) -> int:
        """The number of entities (groups of an aggregate report; never printed rows)."""
        if self.count_with_totals and self.filters_valid and self._aggregate is not None:
            return self._aggregate["_count"]
        return (self.count_queryset if self.count_queryset is not None else self.queryset).count()

    def page_rows(self, bottom: int, top: int) -> QuerySet:
        """The rows ``bottom`` to ``top`` (0-based, top excluded), in order.

        The page's keys are found on the register's own table first, without the joins
        of the displayed columns, then only those rows are joined: a deep page
        (``OFFSET 20000``) skips its rows in one index, and a page sorted on a column does
        not join every row before sorting them.
        """
        if self.keys_queryset is None or self.rows_of_keys is None:
            return self.queryset[bottom:top]
        # Only the keys' query filters: repeated on the outer query, the filters (a search's
        # subqueries) could lead the planner to scan every row again.
        return self.rows_of_keys(self.keys_queryset[bottom:top])

    @cached_property
    def _total_keys(self) -> list[str]:
        return [k for k in self.register.totals if k in {c.key for c in self.columns}]

    @cached_property
    def _aggregate(self) -> dict[str, Any] | None:
        """One query: the sum of every summed total column (and the row count where the
        totals read the counted rows). Totals computed from others (``Column.total``) are
        not summed here."""
        keys = self._total_keys
        if not keys or self.totals_queryset is None:
            return None
        by_key = {c.key: c for c in self.columns}
        sums = {f"_total_{k}": Sum(by_key[k].field) for k in keys if by_key[k].total is None}
        if self.count_with_totals:
            sums["_count"] = Count("*")
        return self.totals_queryset.aggregate(**sums)

    @cached_property
    def totals(self) -> dict[str, Any] | None:
        """The 合计 row: {column key: sum over every filtered row}, in one query; None when
        the register declares no totals."""
        keys = self._total_keys
        if not keys or self.totals_queryset is None:
            return None
        if not self.filters_valid:
            return dict.fromkeys(keys)
        by_key = {c.key: c for c in self.columns}
        result = self._aggregate
        sums = {k: result[f"_total_{k}"] for k in keys if by_key[k].total is None}
        for k in keys:
            if by_key[k].total is not None:
                sums[k] = by_key[k].total(sums)
        return {k: sums[k] for k in keys}

    def period_nav(self) -> dict[str, Any] | None:
        """The list's period picker: the period, its input type and the query strings of
        the previous and next periods (other parameters kept, the page reset)."""
        period = self.context.period
        if period is None:
            return None

        def link(other: Period) -> str:
            params = self.context.params.copy()
            params.pop("page", None)
            params["period"] = other.value
            return f"?{params.urlencode()}"

        kept = [
            (k, v)
            for k, values in self.context.params.lists()
            if k not in ("period", "page")
            for v in values
        ]
        return {
            "period": period,
            "input_type": INPUT_TYPES[period.kind],
            "previous_url": link(period.previous()),
            "next_url": link(period.next()),
            "kept": kept,
        }

    def totals_row(self) -> dict[str, Any] | None:
        """The totals as a row dict the columns read (their fields), or None."""
        totals = self.totals
        if totals is None:
            return None
        by_key = {c.key: c for c in self.columns}
        return {by_key[k].field: v for k, v in totals.items()}


def resolve_period(register: Register, context: RegisterContext) -> Period | None:
    """The register's period: the monthly workbook's month, else ``?period=``, else the
    current one (an unreadable value falls back to the current period)."""
    kind = register.period
    if kind == PeriodKind.NONE:
        return None
    if context.month:
        first = parse_month(context.month)
        if first is not None:
            return period_for_month(kind, first[0])
    return parse_period(kind, context.params.get("period")) or default_period(kind)


def run_query(register: Register, context: RegisterContext) -> RegisterQuery:
    queryset = register.base_queryset(context)
    grouped = bool(register.group_by)
    declared = register.get_columns(context)
    exprs = {c.name: c.expr for c in declared if c.expr is not None}
    if exprs and not grouped:
        # Computed per row: annotated before filtering, so filters may use them too.
        queryset = _annotate_in_order(queryset, exprs)
    filterset = None
    if register.filterset_class is not None:
        filterset = register.filterset_class(
            context.params, queryset=queryset, user=context.user, register=register
        )
        # Invalid filters show their errors above an empty list, never a 500.
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    context.period = resolve_period(register, context)
    period_field = register.period_field or register.month_field
    if context.period is not None and period_field:
        queryset = queryset.filter(**context.period.lookups(register.model, period_field))
    elif context.month and register.month_field:
        queryset = queryset.filter(
            **month_filter(register.model, register.month_field, context.month)
        )
    count_queryset = queryset.order_by()
    unannotated = queryset
    queryset = register.annotate(queryset, context)
    if grouped:
        # One row per group: the database groups and computes every figure.
        queryset = _annotate_in_order(queryset.values(*register.group_by), exprs)
        count_queryset = queryset.order_by()
    totals_queryset = queryset.order_by() if register.totals else None
    count_with_totals = False
    if totals_queryset is not None and not grouped:
        summed = [c for c in declared if c.key in register.totals and c.total is None]
        if all(_reads(count_queryset, c.field) for c in summed):
            # The totals need no annotation: sum the counted rows, and count them in the
            # same query.
            totals_queryset, count_with_totals = count_queryset, True
    # Choice labels are lazy translations: resolve them once, not once per cell.
    columns = [
        replace(c, choices={k: str(v) for k, v in c.choices.items()}) if c.choices else c
        for c in declared
    ]
    order_fields, sort_keys = ordering_from(context.params.get("sort"), columns)
    ordering = [*order_fields, *register.default_ordering]
    # A total order, so pages never repeat or skip a row.
    for tie in register.group_by if grouped else ("pk",):
        if tie not in ordering and f"-{tie}" not in ordering:
            ordering.append(tie)
    extra = [v for v in register.extra_values if not grouped or v != "pk"]
    values: list[str] = []
    for name in [
        *(register.group_by if grouped else ()),
        *expanded_fields(columns, register.row_group),
        *(n for c in columns for n in c.needs),
        *extra,
    ]:
        if name not in values:
            values.append(name)
    queryset = queryset.order_by(*ordering).values(*values)
    keys_queryset = rows_of_keys = None
    if not grouped and all(_reads(unannotated, f.lstrip("-")) for f in ordering):
        keys_queryset = unannotated.order_by(*ordering).values("pk")

        def rows_of_keys(keys: QuerySet) -> QuerySet:
            rows = register.model._base_manager.filter(pk__in=keys)
            rows = register.annotate(_annotate_in_order(rows, exprs), context)
            if not all(_reads(rows, name.lstrip("-")) for name in (*values, *ordering)):
                # A value the register's selector itself adds (an annotation of its
                # base_queryset): the rows are read through the whole query instead.
                return queryset.filter(pk__in=keys)
            return rows.order_by(*ordering).values(*values)

    return RegisterQuery(
        register,
        context,
        columns,
        filterset,
        queryset,
        sort_keys,
        count_queryset,
        totals_queryset,
        count_with_totals,
        keys_queryset,
        rows_of_keys,
    )


def _reads(queryset: QuerySet, path: str) -> bool:
    """Whether ``path`` (a field, a relation path or an annotation) resolves on
    ``queryset`` as it stands, i.e. before ``Register.annotate`` added its names."""
    first = path.split("__", 1)[0]
    if first == "pk" or first in queryset.query.annotations:
        return True
    try:
        queryset.model._meta.get_field(first)
    except FieldDoesNotExist:
        return False
    return True


def _annotate_in_order(queryset: QuerySet, exprs: dict[str, Any]) -> QuerySet:
    """Annotate one expression at a time, so a later one may refer to an earlier one."""
    for name, expr in exprs.items():
        queryset = queryset.annotate(**{name: expr})
    return queryset
