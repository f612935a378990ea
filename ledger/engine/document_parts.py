"""The parts of a document declaration: fields, check-box lines, amounts, text boxes,
sections, line tables and sign-off boxes, and how their values are read from an object."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone

from ledger.engine.amounts import rmb_upper
from ledger.engine.columns import Column, Kind, format_value

Accessor = str | Callable[[Any], Any] | None
BLANK = "＿＿＿＿＿＿"
CHECKED, UNCHECKED = "■", "□"


# --- reading values from an object ------------------------------------------------------
def resolve(obj: Any, path: str) -> Any:
    """``owner__department`` on a model, a dataclass or a dict. A choice field reads as
    its label (``get_kind_display``); a related object as its text."""
    current = obj
    for part in path.split("__"):
        if current is None:
            return None
        if isinstance(current, Mapping):
            current = current.get(part)
            continue
        if isinstance(current, Model):
            try:
                model_field = current._meta.get_field(part)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and getattr(model_field, "choices", None):
                current = getattr(current, f"get_{part}_display")()
                continue
        current = getattr(current, part, None)
    if isinstance(current, Model):
        return str(current)
    return current


def read(obj: Any, accessor: Accessor) -> Any:
    if accessor is None:
        return None
    if callable(accessor):
        return accessor(obj)
    return resolve(obj, accessor)


class ObjectRow(Mapping):
    """An object seen as a row of a line table: ``Column.field`` paths resolve on it."""

    def __init__(self, obj: Any):
        self.obj = obj

    def __getitem__(self, key: str) -> Any:
        return resolve(self.obj, key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def get(self, key, default=None):
        value = self[key]
        return default if value is None else value


def value_text(value: Any, kind: Kind = Kind.TEXT) -> str:
    """A value as printed: dates and times in the project's time zone (Asia/Shanghai)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if kind == Kind.DATE:
            value = value.date()
    return format_value(value, kind)


# --- the parts of a declaration ---------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """A labelled value: ``企业名称：某某公司``. Without a value it is a blank to fill by hand."""

    label: str
    value: Accessor = None
    kind: Kind = Kind.TEXT
    span: int = 1  # how many label/value slots of its grid line it takes

    def text(self, obj: Any) -> str:
        return value_text(read(obj, self.value), self.kind)


@dataclass(frozen=True)
class HeaderLine:
    """One line of header fields above the body (``编号：…　日期：…``)."""

    fields: tuple[Field, ...]

    def __init__(self, *fields: Field):
        object.__setattr__(self, "fields", tuple(fields))


@dataclass(frozen=True)
class Checks:
    """A check-box line printed with every option of the form: ``■预付款 □验收款 □质保金``.

    ``value`` gives the ticked option(s): one key, or a collection of keys. ``options``
    are labels, or (key, label) pairs when the stored key differs from the label.
    """

    label: str
    options: Sequence[str | tuple[Any, str]]
    value: Accessor = None
    # The text written after the last option (``□其他：＿＿``), e.g. which other basis.
    other: Accessor = None

    def pairs(self) -> list[tuple[Any, str]]:
        return [o if isinstance(o, tuple) else (o, o) for o in self.options]

    def ticks(self, obj: Any) -> list[tuple[str, bool]]:
        chosen = read(obj, self.value)
        if chosen is None:
            chosen = set()
        elif isinstance(chosen, str) or not isinstance(chosen, Iterable):
            chosen = {chosen}
        else:
            chosen = set(chosen)
        ticks = [(label, key in chosen) for key, label in self.pairs()]
        other = value_text(read(obj, self.other)) if self.other is not None else ""
        if other and ticks:
            label, on = ticks[-1]
            ticks[-1] = (f"{label}：{other}", on)
        return ticks

    def text(self, obj: Any) -> str:
        return "　".join(f"{CHECKED if on else UNCHECKED}{label}" for label, on in self.ticks(obj))


@dataclass(frozen=True)
class Amount:
    """An amount printed twice, as on a contract: ``大写：壹万元整　小写：¥10,000.00``."""

    label: str
    value: Accessor = None

    def parts(self, obj: Any) -> tuple[str, str]:
        amount = read(obj, self.value)
        if amount is None or amount == "":
            return "", ""
        figures = f"¥{format_value(Decimal(amount), Kind.MONEY)}"
        try:
            words = rmb_upper(amount)
        except ValueError:
            words = ""  # a negative or sub-分 amount has no words: left blank, never a 500
        return words, figures


@dataclass(frozen=True)
class TextBox:
    """A free-text box (``合同关键条款描述``), at least ``lines`` lines high on paper."""

    label: str
    value: Accessor = None
    lines: int = 3

    def text(self, obj: Any) -> str:
        return value_text(read(obj, self.value))


@dataclass(frozen=True)
class Section:
    """A titled grid of labelled parts: fields ``columns`` to a line; a check-box line, an
    amount or a text box takes a line of its own."""

    title: str | None
    items: Sequence[Field | Checks | Amount | TextBox]
    columns: int = 2
    key: str = ""  # an anchor for the screen (``basic``)


@dataclass(frozen=True)
class LineTable:
    """The table of a document: one row per line, a 合计 row, blank rows to the paper's
    minimum, and a note when only the first ``limit`` lines are shown.

    ``rows(obj)`` returns a queryset, a list of objects or a list of dicts; column fields
    resolve on each (see ``resolve``). With ``limit`` the engine fetches ``limit + 1``
    lines and counts the rest only when there are more.
    """

    title: str | None
    columns: Sequence[Column]
    rows: Callable[[Any], Any]
    totals: Sequence[str] = ()  # keys of the columns summed in the 合计 row
    total_label: str = "合计"
    min_rows: int = 0
    limit: int | None = None
    key: str = ""
    sheet_title: str | None = None  # the sheet's name when each table has its own sheet
    # Labels the paper prints down the first column, one per row (表5-5: 星期一 … 星期日);
    # that column has no header of its own (``Column("", …)``). ``paper_labels`` lists
    # them after the table's columns, as forms.json does; ``rows`` must give them.
    row_labels: Sequence[str] = ()
    # Groups whose sub-columns are numbers the paper names by the group label alone
    # (表5-10: 月份价格 over 1 … 12): ``paper_labels`` lists the group label only.
    numbered_groups: Sequence[str] = ()


@dataclass(frozen=True)
class SignOff:
    """One sign-off box: who signs (a role or a department), their opinion, 签字, 日期.

    ``value(obj)`` returns a mapping with ``opinion``, ``comment``, ``signer`` and
    ``date`` (any may be missing: the box is then left to fill in by hand).
    """

    who: str
    value: Callable[[Any], Mapping[str, Any] | None] | None = None


@dataclass(frozen=True)
class SignOffs:
    title: str | None
    boxes: Sequence[SignOff]
    opinions: Sequence[str] = ("同意", "不同意")
    columns: int = 1  # boxes side by side per printed row (5-14: two, as on paper)


Part = Section | LineTable | SignOffs
