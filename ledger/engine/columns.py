"""Columns of a register and how their values are typed and shown."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
    such as ``owner__username`` or an annotation); ``value`` computes the cell from the
    whole row instead. ``width`` is in characters (Excel) and proportional (PDF).
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

    def __post_init__(self):
        if self.field is None and self.value is None and self.kind != Kind.SEQ:
            raise ValueError(f"column {self.label!r} needs a field or a value function")

    @property
    def key(self) -> str:
        return self.name or self.field or f"col_{abs(hash(self.label))}"

    @property
    def display_width(self) -> float:
        """The declared width, but never narrower than the label (a CJK character is two
        Excel width units)."""
        return max(self.width, 2 * len(self.label) + 1)

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


def format_value(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.MONEY and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):,.2f}"
    if kind == Kind.PERCENT and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):.2f}%"
    if kind == Kind.DECIMAL and isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
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


def header_grid(columns: Sequence[Column], *, staircase: bool = True) -> list[list[HeaderCell]]:
    """The header as rows of cells, with every label after the one before it.

    Without groups the header is one row. With groups it is a staircase: each group
    label sits one row lower than the group before it, its sub-columns on the row below
    it; a column without a group starts on the current row and reaches the last one.
    So, read row by row and left to right, the labels come in the form's order — group
    label, its sub-columns, the next column — in the list, the Excel sheet and the PDF::

        产品编号 产品名称 规格 色泽 │  单价  │
                                  │批发│零售│ 包装方式 正常利润率 …

    On screen the order of reading does not matter: ``staircase=False`` gives the classic
    two rows, every group label on top and every ungrouped column spanning both rows.
    """
    if not staircase:
        return _two_rows(columns)
    n = len(columns)
    runs = sum(
        1 for i, c in enumerate(columns) if c.group and (i == 0 or columns[i - 1].group != c.group)
    )
    depth = runs + 1 if runs else 1
    cells: list[HeaderCell] = []
    level, i = 0, 0
    while i < n:
        col = columns[i]
        if col.group is None:
            if level:
                cells.append(HeaderCell("", 0, i, rowspan=level, blank=True))
            cells.append(HeaderCell(col.label, level, i, rowspan=depth - level, column=col))
            i += 1
            continue
        j = i
        while j < n and columns[j].group == col.group:
            j += 1
        if level:
            cells.append(HeaderCell("", 0, i, colspan=j - i, rowspan=level, blank=True))
        cells.append(HeaderCell(col.group, level, i, colspan=j - i))
        for k in range(i, j):
            cells.append(
                HeaderCell(
                    columns[k].label, level + 1, k, rowspan=depth - level - 1, column=columns[k]
                )
            )
        level += 1
        i = j
    return [sorted((c for c in cells if c.row == r), key=lambda c: c.col) for r in range(depth)]


def _two_rows(columns: Sequence[Column]) -> list[list[HeaderCell]]:
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
        if last is not None and last.column is None and last.label == col.group:
            top[-1] = HeaderCell(col.group, 0, last.col, colspan=last.colspan + 1)
        else:
            top.append(HeaderCell(col.group, 0, i))
    return [top, bottom]


def starts_low(cell: HeaderCell) -> bool:
    """A label under a blank filler (staircase): drawn as one cell with the filler."""
    return cell.row > 0 and not cell.blank and (cell.column is None or cell.column.group is None)
