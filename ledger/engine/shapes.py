"""Shapes between the query and the faces: row groups, header values and the line that
says what a printed register covers.

Every face (list, Excel, PDF, monthly workbook) reads the rows of ``run_query``; the
functions here only arrange those rows and the context for printing, never query again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.engine.columns import Column

if TYPE_CHECKING:
    from ledger.engine.base import Register, RegisterContext

ROW_LABEL = "_row_label"  # the row dict key a row-group's label column reads


@dataclass(frozen=True)
class RowGroup:
    """One entity printed as several rows (表5-27: 计划 and 实际 per customer).

    ``rows`` are (printed label, key): a column whose field contains ``{row}`` reads
    ``field.format(row=key)`` on each printed row; every other column is shared and its
    cell is merged down over the entity's rows. 序号, counts and pages count entities.
    """

    rows: Sequence[tuple[str, str]]

    @property
    def size(self) -> int:
        return len(self.rows)


def row_label_column(label: str = "", *, width: float = 6) -> Column:
    """The column that prints each printed row's label (计划 / 实际)."""
    return Column(label, ROW_LABEL, name="row_label", width=width, orderable=False)


@dataclass(frozen=True)
class PrintedCell:
    column: Column  # as printed on this row (``for_row`` applied)
    row: Mapping[str, Any]
    rowspan: int = 1


def printed_rows(
    columns: Sequence[Column], row: Mapping[str, Any], group: RowGroup | None
) -> Iterator[list[PrintedCell]]:
    """The printed rows of one entity: one without a row group; else one per group row,
    each shared cell only on the first, spanning them all."""
    if group is None:
        yield [PrintedCell(c, row) for c in columns]
        return
    n = group.size
    for i, (label, key) in enumerate(group.rows):
        sub = {**row, ROW_LABEL: label}
        cells = []
        for col in columns:
            if col.varies or col.field == ROW_LABEL:
                cells.append(PrintedCell(col.for_row(key), sub))
            elif i == 0:
                cells.append(PrintedCell(col, sub, rowspan=n))
        yield cells


def expanded_fields(columns: Sequence[Column], group: RowGroup | None) -> list[str]:
    """The row values the query fetches for ``columns``: each ``{row}`` field once per
    group row; engine-provided values (``_seq``, ``_row_label``) are not fetched."""
    fields: list[str] = []
    for col in columns:
        if not col.field or col.field.startswith("_"):
            continue
        if col.varies:
            fields.extend(col.field.format(row=key) for _, key in (group.rows if group else ()))
        else:
            fields.append(col.field)
    return fields


# --- header fields and the coverage line --------------------------------------------------
def header_texts(register: Register, context: RegisterContext) -> list[str]:
    """Each header field as printed: its declared value, else what the context knows
    (the period, the user's department, the date of printing), else a blank to fill in."""
    return [
        field.text(context, known=known_value(field.label, register, context))
        for field in register.header_fields
    ]


def known_value(label: str, register: Register, context: RegisterContext) -> str:
    from ledger.engine.periods import PERIOD_HEADER_LABELS

    period = context.period
    if period is not None and label in PERIOD_HEADER_LABELS:
        return period.header_value(label)
    today = timezone.localdate()
    if label == "年度":
        return f"{today.year}年"
    if label in ("统计日期", "登记日期", "填表日期", "日期"):
        return today.isoformat()
    if label == "编号" and register.is_form:
        return f"{register.code}-{timezone.localtime():%Y%m%d-%H%M}"
    user = context.user
    department = getattr(user, "department", None)
    if label == "部门名称" and department is not None:
        return str(department)
    if label == "单位名称" and department is not None:
        top = department
        seen = 0
        while getattr(top, "parent", None) is not None and seen < 10:
            top, seen = top.parent, seen + 1
        return str(top)
    if label in ("销售专员", "姓名", "填表人") and getattr(user, "is_authenticated", False):
        return str(user)
    return ""


def coverage_line(query) -> str:
    """What a printed or exported register covers: its period and its active filters."""
    parts = []
    period = query.context.period
    if period is not None:
        parts.append(_("Period: %(period)s") % {"period": period.label})
    filters = active_filters(query.filterset)
    if filters:
        parts.append(_("Filters: %(filters)s") % {"filters": "；".join(filters)})
    elif period is None:
        parts.append(_("All records, no filter"))
    else:
        parts.append(_("No other filter"))
    return "　".join(parts)


def active_filters(filterset) -> list[str]:
    """``label：value`` for every filter the user set (in the form's order)."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return []
    out = []
    data = filterset.form.cleaned_data
    for name, field in filterset.form.fields.items():
        value = data.get(name)
        if value is None or value == "" or value == [] or value == ():
            continue
        if value is False and not isinstance(field, forms.NullBooleanField):
            continue  # an unticked checkbox sets nothing
        out.append(f"{field.label}：{_display(field, value)}")
    return out


def _display(field, value) -> str:
    if isinstance(value, bool):
        options = {str(k).lower(): str(v) for k, v in getattr(field.widget, "choices", ())}
        return options.get(str(value).lower(), "是" if value else "否")
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return "、".join(_display(field, v) for v in value)
    choices = getattr(field, "choices", None)
    if choices is not None and not hasattr(value, "pk"):
        labels = {str(k): str(v) for k, v in _flat(choices)}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, slice):
        return f"{value.start or ''}—{value.stop or ''}"
    return str(value)


def _flat(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield key, label
