"""What the print template of a register needs, computed once from the declaration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from ledger.engine.columns import Column, Kind, header_grid
from ledger.engine.progress import Progress, counted
from ledger.engine.query import RegisterQuery
from ledger.engine.shapes import coverage_line, header_texts, printed_rows
from ledger.engine.signatures import footer_values


def register_print_context(
    query: RegisterQuery, progress: Progress | None = None
) -> dict[str, Any]:
    """What ``print/register.html`` needs; ``progress`` (optional) is told the rows as they
    are read (``engine.progress``)."""
    register, context = query.register, query.context
    columns = list(query.columns)
    total_width = sum(c.display_width for c in columns) or 1
    widths = [round(100 * c.display_width / total_width, 2) for c in columns]
    classes = {c.key: cell_class(c) for c in columns}
    group = query.row_group
    entities = list(counted(query.iter_rows(), progress))
    if group is None:
        rows = [
            [(clip_for_print(col.text(row)), classes[col.key], 1) for col in columns]
            for row in entities
        ]
    else:
        # One entity over several rows: shared cells span them (rowspan).
        rows = [
            [
                (clip_for_print(c.column.text(c.row)), classes[c.column.key], c.rowspan)
                for c in cells
            ]
            for row in entities
            for cells in printed_rows(columns, row, group)
        ]
    return {
        "register": register,
        "title": register.display_title(context),
        "code_label": register.code_label,
        "covers": coverage_line(query),
        # One run of text, like the signature line: read as one piece above the table.
        "header_line": "  ".join(header_texts(register, context)),
        "header_rows": header_grid(columns),
        "widths": widths,
        "rows": rows,
        "row_count": len(entities),  # records printed (the access log's count)
        "totals": totals_cells(query, classes),
        "signature_line": signature_line(
            register.footer, register.orientation, footer_values(register, context)
        ),
        "notes": list(register.notes),
        "orientation": register.orientation,
        # Wide registers print in a smaller type so that every column keeps its label whole.
        "dense": total_width > DENSE_WIDTH[register.orientation],
        "font_family": settings.LEDGER_PDF_FONT_FAMILY,
        "printed_at": timezone.localtime(),
        "printed_by": context.user,
    }


# A printed cell shows at most this many characters (the full text is on the screen and
# in the Excel sheet): a 2,000-character note in a narrow column makes a row pages tall,
# and laying such rows out costs a PDF worker seconds per row.
PRINT_CELL_MAX_CHARS = 200


def clip_for_print(text: str, limit: int = PRINT_CELL_MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def totals_cells(query: RegisterQuery, classes: dict[str, str]) -> list[tuple[str, str, int]]:
    """The 合计 row as (text, class, colspan): the label over the columns before the first
    total, then each column's total or a blank."""
    totals = query.totals_row()
    if totals is None:
        return []
    keys = set(query.register.totals)
    columns = list(query.columns)
    first = next((i for i, c in enumerate(columns) if c.key in keys), len(columns))
    cells = [(query.register.totals_label, "total-label", max(first, 1))]
    for col in columns[max(first, 1) :]:
        text = col.text(totals) if col.key in keys else ""
        cells.append((text, classes[col.key], 1))
    return cells


def cell_class(col: Column) -> str:
    """The print class of a column's cells: numbers right (or centred, ``align``), dates
    unbroken."""
    if col.align == "center":
        return "num center" if col.is_numeric else "center"
    if col.is_numeric:
        return "num"
    if col.kind in (Kind.DATE, Kind.DATETIME):
        return "date"
    return ""


# Sum of column widths above which a register prints in the smaller type.
DENSE_WIDTH = {"landscape": 170, "portrait": 110}

# Full-width characters that fit on one printed line at the print stylesheet's 9 pt.
LINE_CHARS = {"landscape": 84, "portrait": 57}


def signature_line(labels, orientation: str, values: dict[str, str] | None = None) -> str:
    """The signature line as one run of text across the page: ``复核：＿＿＿　填制：＿＿＿``;
    a label with a value (the review's ``张经理 2026-12-03``) prints it before the blank.

    Written blanks (＿) rather than drawn lines keep the line a single piece of text
    that spans the table, so text extraction reads it after every column heading.
    ``values`` names who signed (``Register.footer_values``): printed in place of the blank.
    """
    values = values or {}
    labels = list(labels)
    if not labels:
        return ""
    values = values or {}
    width = LINE_CHARS.get(orientation, LINE_CHARS["portrait"]) // len(labels)
    parts = []
    for label in labels:
        value = values.get(label, "")
        # An ASCII character is about half a full-width one.
        used = len(label) + 2 + (len(value) + 1) // 2
        fill = max(width - used, 2 if value else 4)
        parts.append(f"{label}：{value}{'＿' * fill}")
    # Narrow (ASCII) spaces between the fields: a wider gap would split the line in two.
    return "  ".join(parts)
