"""Columns of a register and how their values are typed and shown."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from django.utils import timezone


class Kind(enum.StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # a quantity: as many decimals as it has
    MONEY = "money"  # two decimals, thousands separated
    PERCENT = "percent"  # stored as 12.5 for 12.5 %
    DATE = "date"
    DATETIME = "datetime"
    SEQ = "seq"  # 序号: the row's position in the register


NUMERIC_KINDS = frozenset({Kind.INT, Kind.DECIMAL, Kind.MONEY, Kind.PERCENT, Kind.SEQ})


@dataclass(frozen=True)
class Column:
    """One column of a paper form.

    ``label`` is the form's exact text; ``group`` the label of the merged cell above it
    (``单价`` over ``批发`` and ``零售``). ``field`` is the lookup in the row (an ORM path
    such as ``owner__username`` or an annotation); ``expr`` is an SQL expression the
    database computes under the column's ``name`` (so it sorts, filters and totals like a
    field); ``value`` computes the cell in Python from the whole row, for presentation
    only. ``width`` is in characters (Excel) and proportional (PDF).

    The key (sort parameter, table column, totals) is ``name``, else ``field``: a column
    without a field must be named. In a register with a row group, a field containing
    ``{row}`` differs per printed row (``plan_{row}`` → ``plan_计划``…: see ``for_row``).
    """

    label: str
    field: str | None = None
    kind: Kind = Kind.TEXT
    group: str | None = None
    width: float = 12
    name: str | None = None
    value: Callable[[Mapping[str, Any]], Any] | None = None
    orderable: bool = True
    order_by: str | Sequence[str] | None = None
    link: bool = False
    needs: Sequence[str] = ()  # further row values a ``value`` function reads
    choices: Mapping[Any, str] | None = dataclass_field(default=None, compare=False)
    # Who sees the column: ``visible(context) -> bool`` (e.g. only in the 个人台账 scope);
    # None means everyone who may open the register (see ``ledger.engine.base.Access``).
    visible: Callable[[Any], bool] | None = dataclass_field(default=None, compare=False)
    expr: Any = dataclass_field(default=None, compare=False)
    # "center" prints the cells centred under their heading (small counts in narrow month
    # columns: a count then sits under its month, where a reader — and a label check —
    # looks for it); "" keeps the kind's alignment (numbers right).
    align: str = ""
    # The 合计 of the column computed from the other columns' totals (by key) rather than
    # summed row by row: 欠款 = 金额 − 已付货款 totals Σ金额 − Σ已付货款, without the
    # database computing the difference on every row first. None (a plain sum) when any
    # total it reads is None (no rows).
    total: Callable[[Mapping[str, Any]], Any] | None = dataclass_field(default=None, compare=False)

    def __post_init__(self):
        if self.expr is not None:
            if not self.name:
                raise ValueError(f"column {self.label!r}: an expression column needs a name")
            if self.field is None:
                object.__setattr__(self, "field", self.name)
        if self.field is None and self.value is None and self.kind != Kind.SEQ:
            raise ValueError(f"column {self.label!r} needs a field, an expr or a value function")
        if self.name is None and self.field is None:
            if self.kind != Kind.SEQ:
                raise ValueError(f"column {self.label!r} without a field needs a name")
            object.__setattr__(self, "name", "seq")

    @property
    def key(self) -> str:
        return self.name or self.field

    @property
    def varies(self) -> bool:
        """Whether the value differs per printed row of a row group (``{row}`` in field)."""
        return "{row}" in (self.field or "")

    def for_row(self, row_key: str) -> Column:
        """The column as printed on the row ``row_key`` of a row group."""
        if not self.varies:
            return self
        return replace(self, field=self.field.format(row=row_key), expr=None)

    @property
    def display_width(self) -> float:
        """The declared width, but never narrower than the label on one line (a CJK
        character is two Excel width units, plus a margin for the cell padding)."""
        return max(self.width, label_width(self.label))

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def sort_fields(self) -> tuple[str, ...]:
        if not self.orderable or self.kind == Kind.SEQ:
            return ()
        if self.order_by:
            return (self.order_by,) if isinstance(self.order_by, str) else tuple(self.order_by)
        return (self.field,) if self.field else ()

    def raw(self, row: Mapping[str, Any]) -> Any:
        if self.kind == Kind.SEQ:
            return row.get("_seq")
        if self.value is not None:
            return self.value(row)
        return row.get(self.field)

    def typed(self, row: Mapping[str, Any]) -> Any:
        """The cell as Excel should store it: numbers as numbers, dates as dates."""
        value = self.raw(row)
        if value is None or value == "":
            return None
        if self.choices is not None:
            return str(self.choices.get(value, value))
        if self.kind == Kind.DATETIME and isinstance(value, datetime.datetime):
            # Excel has no time zones: write the local wall-clock time.
            return timezone.localtime(value).replace(tzinfo=None)
        if self.kind == Kind.DATE and isinstance(value, datetime.datetime):
            # A date column over a moment: the local date (23:30 UTC is the next day here).
            return timezone.localdate(value) if timezone.is_aware(value) else value.date()
        if self.kind == Kind.PERCENT and isinstance(value, Decimal | int | float):
            return value
        return value

    def text(self, row: Mapping[str, Any]) -> str:
        """The cell as a person reads it on screen and on paper."""
        return format_value(self.typed(row), self.kind)


def total_difference(minuend: str, subtrahend: str) -> Callable[[Mapping[str, Any]], Any]:
    """A ``Column.total``: the total of ``minuend`` less that of ``subtrahend`` (column
    keys); None when either is None (no rows)."""

    def total(totals: Mapping[str, Any]) -> Any:
        a, b = totals.get(minuend), totals.get(subtrahend)
        return None if a is None or b is None else a - b

    return total


def label_width(label: str) -> float:
    """Excel width units a label needs on one line: two per CJK character, one per other."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in label) + 2


def format_value(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.MONEY and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):,.2f}"
    if kind == Kind.PERCENT and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):.2f}%"
    if kind == Kind.DECIMAL and isinstance(value, Decimal | float):
        value = Decimal(value)
        if value == value.to_integral():
            return f"{value.quantize(Decimal(1)):,f}"
        return f"{value:,f}"
    if kind == Kind.INT and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f"{int(value):,}"
    if kind == Kind.DATETIME and isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the table header, placed on a grid of ``depth`` rows."""

    label: str
    row: int
    col: int  # first column, 0-based
    colspan: int = 1
    rowspan: int = 1
    column: Column | None = None  # set for the cell that heads one column (sortable)
    blank: bool = False  # filler above a label that starts on a lower row


def header_grid(columns: Sequence[Column]) -> list[list[HeaderCell]]:
    """The header as on paper: one row without groups; with groups, two rows — each group
    label merged over its sub-columns on top, every plain column spanning both rows::

        产品编号 产品名称 规格 色泽 │  单价   │ 包装方式 …
                                    │批发│零售│

    The list, the Excel sheet and the PDF all draw this grid.
    """
    if not any(c.group for c in columns):
        return [[HeaderCell(c.label, 0, i, column=c) for i, c in enumerate(columns)]]
    top: list[HeaderCell] = []
    bottom: list[HeaderCell] = []
    for i, col in enumerate(columns):
        if col.group is None:
            top.append(HeaderCell(col.label, 0, i, rowspan=2, column=col))
            continue
        bottom.append(HeaderCell(col.label, 1, i, column=col))
        last = top[-1] if top else None
        if (
            last is not None
            and last.column is None
            and last.label == col.group
            and last.col + last.colspan == i
        ):
            top[-1] = HeaderCell(col.group, 0, last.col, colspan=last.colspan + 1)
        else:
            top.append(HeaderCell(col.group, 0, i))
    return [top, bottom]


def month_columns(
    group: str,
    field: str,
    *,
    name: str,
    kind: Kind = Kind.INT,
    width: float = 4,
    months: Sequence[int] = tuple(range(1, 13)),
    align: str = "",
) -> tuple[Column, ...]:
    """Twelve month columns ``1`` … ``12`` under one group label, in one line::

        *month_columns("计划拜访次数与实际执行情况", "{row}_m{month}", name="m")

    ``field`` names each month's value (``{month}`` is 1 … 12; ``{row}`` may name the row
    of a row group); the keys are ``<name><month>``.
    """
    return tuple(
        Column(
            str(m),
            field.replace("{month}", str(m)),
            kind=kind,
            group=group,
            width=width,
            name=f"{name}{m}",
            orderable=False,
            align=align,
        )
        for m in months
    )
