"""What the print template of a register needs, computed once from the declaration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from ledger.engine.columns import Column, Kind, header_grid, starts_low
from ledger.engine.query import RegisterQuery


def register_print_context(query: RegisterQuery) -> dict[str, Any]:
    register, context = query.register, query.context
    columns = list(query.columns)
    total_width = sum(c.display_width for c in columns) or 1
    widths = [round(100 * c.display_width / total_width, 2) for c in columns]
    classes = [_cell_class(col) for col in columns]
    rows = [
        [(clip_for_print(col.text(row)), css) for col, css in zip(columns, classes, strict=True)]
        for row in query.iter_rows()
    ]
    return {
        "register": register,
        "title": register.display_title(context),
        "code_label": register.code_label,
        # One run of text, like the signature line: read as one piece above the table.
        "header_line": "  ".join(field.text(context) for field in register.header_fields),
        "header_rows": [
            [{"cell": cell, "low": starts_low(cell)} for cell in row]
            for row in header_grid(columns)
        ],
        "widths": widths,
        "rows": rows,
        "signature_line": signature_line(register.footer, register.orientation),
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


def _cell_class(col: Column) -> str:
    if col.is_numeric:
        return "num"
    if col.kind in (Kind.DATE, Kind.DATETIME):
        return "date"
    return ""


# Sum of column widths above which a register prints in the smaller type.
DENSE_WIDTH = {"landscape": 170, "portrait": 110}

# Full-width characters that fit on one printed line at the print stylesheet's 9 pt.
LINE_CHARS = {"landscape": 84, "portrait": 57}


def signature_line(labels, orientation: str) -> str:
    """The signature line as one run of text across the page: ``复核：＿＿＿　填制：＿＿＿``.

    Written blanks (＿) rather than drawn lines keep the line a single piece of text
    that spans the table, so text extraction reads it after every column heading.
    """
    labels = list(labels)
    if not labels:
        return ""
    width = LINE_CHARS.get(orientation, LINE_CHARS["portrait"]) // len(labels)
    parts = []
    for label in labels:
        fill = max(width - len(label) - 2, 4)
        parts.append(f"{label}：{'＿' * fill}")
    # Narrow (ASCII) spaces between the fields: a wider gap would split the line in two.
    return "  ".join(parts)
