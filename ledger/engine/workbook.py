"""The monthly workbook: every register, one sheet each, for one month."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ledger.engine.base import Face, RegisterContext, site
from ledger.engine.excel import TITLE_FONT, new_workbook, safe_row, write_register
from ledger.engine.progress import Progress
from ledger.engine.query import RegisterQuery, parse_month, run_query

# 目录: 表号, 名称, 范围, 行数 — wide enough for the longest title and range.
COVER_WIDTHS = {"A": 12, "B": 40, "C": 34, "D": 10}


def monthly_queries(*, user, month: str) -> list[RegisterQuery]:
    """The query of every register in the month's workbook, in 表 order: each register of
    the site (whichever apps declare them) that goes in the workbook and that ``user`` may
    export, read through its own selector as ``user`` sees it."""
    if parse_month(month) is None:
        raise ValueError(f"not a month: {month!r}")
    return [
        run_query(register, RegisterContext(user=user, params=QueryDict(mutable=True), month=month))
        for register in site
        if register.in_monthly_workbook and register.allows(Face.EXPORT, user)
    ]


def monthly_rows(queries: list[RegisterQuery]) -> int:
    """The rows the month's workbook will hold, all sheets together (one count each)."""
    return sum(query.count() for query in queries)


def monthly_rows_exceed(queries: list[RegisterQuery], limit: int) -> bool:
    """Whether the month's workbook holds more than ``limit`` rows, counting no further than
    that: one LIMITed count per register, so the answer costs the same at any scale."""
    remaining = limit
    for query in queries:
        rows = query.count_queryset if query.count_queryset is not None else query.queryset
        remaining -= rows[: remaining + 1].count()
        if remaining < 0:
            return True
    return False


def build_monthly_workbook(
    *,
    user,
    month: str,
    queries: list[RegisterQuery] | None = None,
    progress: Progress | None = None,
) -> Workbook:
    """Registers with a period hold the period the month falls in (a month register that
    month, a year register its year); registers with a ``month_field`` that month's rows
    (Asia/Shanghai); master registers (products, customers) their state at export time.
    Each register is read through its own selector, as ``user`` sees it.

    ``queries`` (from ``monthly_queries``, e.g. already counted) saves building them again;
    ``progress`` is told the rows as they are written, across every sheet.
    """
    first = parse_month(month)
    if first is None:
        raise ValueError(f"not a month: {month!r}")
    exported = timezone.localtime()
    workbook = new_workbook()
    cover = workbook.create_sheet("目录")
    for letter, width in COVER_WIDTHS.items():
        cover.column_dimensions[letter].width = width
    cover.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    title = safe_row(cover, [f"客户管理台账 {first[0].year}年{first[0].month}月"], bold=True)
    title[0].font = TITLE_FONT
    cover.append(title)
    cover.append(safe_row(cover, [f"导出时间：{exported:%Y-%m-%d %H:%M}", f"导出人：{user}"]))
    cover.append([])
    cover.append(safe_row(cover, ["表号", "名称", "范围", "行数"], bold=True))
    if queries is None:
        queries = monthly_queries(user=user, month=month)
    for query in queries:  # in 表 order
        register, context = query.register, query.context
        rows = write_register(workbook, query, progress=progress)
        if context.period is not None:
            scope = context.period.label
        elif register.month_field:
            scope = f"{first[0].year}年{first[0].month}月内"
        else:
            scope = f"截至 {exported:%Y-%m-%d %H:%M} 的全部记录"
        cover.append(
            safe_row(
                cover, [register.code_label or "—", register.display_title(context), scope, rows]
            )
        )
    return workbook
