"""What the print template of a register needs, computed once from the declaration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from ledger.engine.columns import header_grid, starts_low
from ledger.engine.query import RegisterQuery


def register_print_context(query: RegisterQuery) -> dict[str, Any]:
    register, context = query.register, query.context
    columns = list(query.columns)
    total_width = sum(c.width for c in columns) or 1
    widths = [round(100 * c.width / total_width, 2) for c in columns]
    rows = [[(col.text(row), col.is_numeric) for col in columns] for row in query.iter_rows()]
    return {
        "register": register,
        "title": register.display_title(context),
        "code_label": register.code_label,
        "header_fields": [
            (field.label, field.value(context) if field.value else "")
            for field in register.header_fields
        ],
        "header_rows": [
            [{"cell": cell, "low": starts_low(cell)} for cell in row]
            for row in header_grid(columns)
        ],
        "widths": widths,
        "rows": rows,
        "footer": list(register.footer),
        "notes": list(register.notes),
        "orientation": register.orientation,
        "font_family": settings.LEDGER_PDF_FONT_FAMILY,
        "printed_at": timezone.localtime(),
        "printed_by": context.user,
    }
