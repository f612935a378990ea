"""Periods: the month, year, ISO week or day a register covers.

A register declares ``period`` and ``period_field`` (the date that places a row in a
period). The request names the period in ``?period=`` — ``2026-11``, ``2026``, ``2026-W48``
or ``2026-11-29`` — and defaults to the one containing today. The query keeps the rows of
that period; the list shows a picker with the previous and next periods; the header fields
that name the period (年月, 年度, 日期, 统计日期 …) print it.
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone


class PeriodKind(enum.StrEnum):
    NONE = "none"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


PATTERNS = {
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    PeriodKind.WEEK: re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$"),
    PeriodKind.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
}

# The browser's input for each kind (the picker on the list page).
INPUT_TYPES = {
    PeriodKind.YEAR: "number",
    PeriodKind.MONTH: "month",
    PeriodKind.WEEK: "week",
    PeriodKind.DAY: "date",
}

# Header fields whose value is the period (or, for 统计日期, the period's last day).
PERIOD_HEADER_LABELS = frozenset({"年月", "年度", "日期", "统计日期", "年月日", "月份", "周次"})


@dataclass(frozen=True)
class Period:
    """One period: ``first`` ≤ date < ``following``."""

    kind: PeriodKind
    first: datetime.date
    following: datetime.date

    @property
    def value(self) -> str:
        """As in the query string: ``2026-11``, ``2026``, ``2026-W48``, ``2026-11-29``."""
        if self.kind == PeriodKind.YEAR:
            return f"{self.first.year:04d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return self.first.isoformat()

    @property
    def label(self) -> str:
        """As printed: ``2026年11月``, ``2026年``, ``2026年第48周（11月23日—11月29日）``."""
        if self.kind == PeriodKind.YEAR:
            return f"{self.first.year}年"
        if self.kind == PeriodKind.MONTH:
            return f"{self.first.year}年{self.first.month}月"
        if self.kind == PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            last = self.following - datetime.timedelta(days=1)
            return (
                f"{year}年第{week}周（{self.first.month}月{self.first.day}日—"
                f"{last.month}月{last.day}日）"
            )
        return f"{self.first.year}年{self.first.month}月{self.first.day}日"

    @property
    def last(self) -> datetime.date:
        return self.following - datetime.timedelta(days=1)

    def header_value(self, label: str) -> str:
        """What a header field naming the period prints."""
        if label == "年度":
            return f"{self.first.year}年"
        if label == "统计日期":
            return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"
        return self.label

    def previous(self) -> Period:
        return period_containing(self.kind, self.first - datetime.timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.following)

    def lookups(self, model: type[models.Model], field_path: str) -> dict[str, Any]:
        """The filter that keeps the rows of this period (local time for datetimes)."""
        return range_lookups(model, field_path, self.first, self.following)


def period_containing(kind: PeriodKind, day: datetime.date) -> Period:
    if kind == PeriodKind.YEAR:
        first = datetime.date(day.year, 1, 1)
        return Period(kind, first, datetime.date(day.year + 1, 1, 1))
    if kind == PeriodKind.MONTH:
        first = day.replace(day=1)
        following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return Period(kind, first, following)
    if kind == PeriodKind.WEEK:
        first = day - datetime.timedelta(days=day.weekday())
        return Period(kind, first, first + datetime.timedelta(days=7))
    if kind == PeriodKind.DAY:
        return Period(kind, day, day + datetime.timedelta(days=1))
    raise ValueError(f"no period of kind {kind!r}")


def parse_period(kind: PeriodKind, value: str | None) -> Period | None:
    """The period named by ``value`` (see the module docstring); None when invalid."""
    if kind == PeriodKind.NONE or not value:
        return None
    match = PATTERNS[kind].match(value.strip())
    if not match:
        return None
    try:
        year = int(match[1])
        if not 1900 <= year <= 9998:
            return None
        if kind == PeriodKind.YEAR:
            day = datetime.date(year, 1, 1)
        elif kind == PeriodKind.MONTH:
            day = datetime.date(year, int(match[2]), 1)
        elif kind == PeriodKind.WEEK:
            day = datetime.date.fromisocalendar(year, int(match[2]), 1)
        else:
            day = datetime.date(year, int(match[2]), int(match[3]))
    except ValueError:
        return None
    return period_containing(kind, day)


def default_period(kind: PeriodKind) -> Period | None:
    """This month, this year, this ISO week or today (local time)."""
    if kind == PeriodKind.NONE:
        return None
    return period_containing(kind, timezone.localdate())


def period_for_month(kind: PeriodKind, month_first: datetime.date) -> Period | None:
    """The period a register shows in the monthly workbook of the month ``month_first``.

    A month or year register shows the period containing the month; a week or day register
    the whole month (every week or day of it).
    """
    if kind == PeriodKind.NONE:
        return None
    if kind == PeriodKind.YEAR:
        return period_containing(kind, month_first)
    return period_containing(PeriodKind.MONTH, month_first)


def range_lookups(
    model: type[models.Model], field_path: str, first: datetime.date, following: datetime.date
) -> dict[str, Any]:
    """Lookups ``first`` ≤ field < ``following``; datetimes in the project's time zone."""
    field = resolve_field(model, field_path)
    if isinstance(field, models.DateTimeField):
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(following, datetime.time.min, tzinfo=tz)
        return {f"{field_path}__gte": start, f"{field_path}__lt": end}
    return {f"{field_path}__gte": first, f"{field_path}__lt": following}


def resolve_field(model: type[models.Model], path: str) -> models.Field:
    current, field = model, None
    for part in path.split("__"):
        field = current._meta.get_field(part)
        if field.is_relation:
            current = field.related_model
    return field


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
