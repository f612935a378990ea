"""One object of a document declaration as it looks on paper: every label and value
computed once, for the print template, the Excel writer and the screen."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ledger.engine.base import Access
from ledger.engine.columns import Column, HeaderCell, format_value, header_grid
from ledger.engine.document_parts import (
    CHECKED,
    UNCHECKED,
    Amount,
    Checks,
    Field,
    LineTable,
    ObjectRow,
    Section,
    SignOffs,
)
from ledger.engine.printing import cell_class, clip_for_print

if TYPE_CHECKING:
    from accounts.models import User


# --- what one object looks like on paper ------------------------------------------------
@dataclass
class RenderedTable:
    table: LineTable
    columns: list[Column]
    rows: list[list[str]]
    typed_rows: list[list[Any]]
    total_row: list[str] | None
    typed_total: list[Any] | None
    blank_rows: int
    shown: int
    total: int

    @property
    def note(self) -> str:
        return truncation_note(self.shown, self.total)


@dataclass
class RenderedSection:
    section: Section
    lines: list[list[dict]]  # cells: {"kind", "label", "text", ...}

    @property
    def slots(self) -> range:
        return range(self.section.columns)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """(label, text) pairs in order: for a screen's definition list."""
        return [(c["label"], c["text"]) for line in self.lines for c in line]


@dataclass
class RenderedSignOffs:
    signoffs: SignOffs
    boxes: list[dict]

    @property
    def rows(self) -> list[list[dict]]:
        """The boxes as printed: ``signoffs.columns`` side by side per row."""
        n = max(self.signoffs.columns, 1)
        return [self.boxes[i : i + n] for i in range(0, len(self.boxes), n)]


@dataclass
class RenderedDocument:
    document: Access  # the Document declaration (not imported: it imports this module)
    obj: Any
    title: str
    header_lines: list[str]
    parts: list[RenderedSection | RenderedTable | RenderedSignOffs]
    footer: list[tuple[str, str]]
    notes: list[str]

    @property
    def sections(self) -> list[RenderedSection]:
        return [p for p in self.parts if isinstance(p, RenderedSection)]

    @property
    def tables(self) -> list[RenderedTable]:
        return [p for p in self.parts if isinstance(p, RenderedTable)]

    def table(self, key: str) -> RenderedTable:
        return next(t for t in self.tables if t.table.key == key)


def paper_header(columns: list[Column]) -> list[list[HeaderCell]]:
    """A line table's header as on paper: a plain column spans both header rows, a group
    label is merged over its sub-columns (PDF and Excel read it from here)."""
    return header_grid(columns)


def truncation_note(shown: int, total: int) -> str:
    """``仅显示最近 100 条，共 250 条`` when a table shows only its first lines."""
    if total <= shown:
        return ""
    return _("Showing only the latest %(shown)s of %(total)s entries") % {
        "shown": shown,
        "total": total,
    }


def render_section(section: Section, obj: Any) -> RenderedSection:
    lines: list[list[dict]] = []
    line: list[dict] = []
    used = 0
    for item in section.items:
        if isinstance(item, Field):
            span = min(item.span, section.columns)
            if used + span > section.columns:
                lines.append(line)
                line, used = [], 0
            text = item.text(obj)
            line.append({"kind": "field", "label": item.label, "text": text, "span": span})
            used += span
            continue
        if line:
            lines.append(line)
            line, used = [], 0
        if isinstance(item, Checks):
            cell = {"kind": "checks", "label": item.label, "text": item.text(obj)}
            cell["ticks"] = item.ticks(obj)
        elif isinstance(item, Amount):
            words, figures = item.parts(obj)
            cell = {"kind": "amount", "label": item.label, "words": words, "figures": figures}
            cell["text"] = f"大写：{words}　小写：{figures}"
        else:
            cell = {"kind": "text", "label": item.label, "text": item.text(obj)}
            cell["lines"] = item.lines
        cell["span"] = section.columns
        lines.append([cell])
    if line:
        lines.append(line)
    for line in lines:
        # The last cell of a short line reaches the end of the grid.
        filled = sum(c["span"] for c in line)
        line[-1]["span"] += section.columns - filled
        for c in line:
            c["value_colspan"] = 2 * c["span"] - 1
    return RenderedSection(section, lines)


def fetch_lines(table: LineTable, obj: Any) -> tuple[list[Any], int]:
    """The lines a table shows (at most ``limit``) and how many there are in all."""
    source = table.rows(obj)
    if table.limit is None:
        rows = list(source)
        return rows, len(rows)
    rows = list(source[: table.limit + 1])
    if len(rows) <= table.limit:
        return rows, len(rows)
    total = source.count() if isinstance(source, QuerySet) else len(source)
    return rows[: table.limit], total


def render_table(table: LineTable, obj: Any) -> RenderedTable:
    columns = list(table.columns)
    objects, total = fetch_lines(table, obj)
    rows, typed_rows = [], []
    sums: dict[str, Any] = dict.fromkeys(table.totals)
    for seq, item in enumerate(objects, start=1):
        row = _SeqRow(item, seq)
        typed = [col.typed(row) for col in columns]
        typed_rows.append(typed)
        rows.append([format_value(v, col.kind) for v, col in zip(typed, columns, strict=True)])
        for col, value in zip(columns, typed, strict=True):
            if col.key in sums and isinstance(value, int | Decimal | float):
                sums[col.key] = (sums[col.key] or 0) + value
    total_row = typed_total = None
    if table.totals:
        typed_total = [sums.get(col.key) if col.key in sums else None for col in columns]
        label_at = next(i for i, col in enumerate(columns) if col.key not in sums)
        typed_total[label_at] = table.total_label
        total_row = [
            v if isinstance(v, str) else format_value(v, col.kind)
            for v, col in zip(typed_total, columns, strict=True)
        ]
    return RenderedTable(
        table=table,
        columns=columns,
        rows=rows,
        typed_rows=typed_rows,
        total_row=total_row,
        typed_total=typed_total,
        blank_rows=max(table.min_rows - len(rows), 0),
        shown=len(rows),
        total=total,
    )


class _SeqRow(ObjectRow):
    def __init__(self, obj: Any, seq: int):
        super().__init__(obj)
        self.seq = seq

    def __getitem__(self, key: str) -> Any:
        return self.seq if key == "_seq" else super().__getitem__(key)


def render_signoffs(part: SignOffs, obj: Any) -> RenderedSignOffs:
    boxes = []
    for box in part.boxes:
        entry = (box.value(obj) if box.value else None) or {}
        opinion = entry.get("opinion") or ""
        when = entry.get("date")
        boxes.append(
            {
                "who": box.who,
                "opinions": [(o, o == opinion) for o in part.opinions],
                "opinion_text": "　".join(
                    f"{CHECKED if o == opinion else UNCHECKED}{o}" for o in part.opinions
                ),
                "comment": entry.get("comment") or "",
                "signer": str(entry.get("signer") or ""),
                "date": f"{when:%Y年%m月%d日}" if when else "　　年　　月　　日",
            }
        )
    return RenderedSignOffs(part, boxes)


def print_context(rendered: RenderedDocument, *, user: User) -> dict[str, Any]:
    """What templates/print/document.html needs: the rendered document, and for each
    line table its paper header (plain columns over both rows, a group label over its
    sub-columns) and its column widths."""
    from django.conf import settings
    from django.utils import timezone

    tables = {}
    for table in rendered.tables:
        total = sum(c.display_width for c in table.columns) or 1
        tables[id(table)] = {
            "header_rows": paper_header(table.columns),
            "widths": [round(100 * c.display_width / total, 2) for c in table.columns],
            "classes": [cell_class(c) for c in table.columns],
        }
    parts = []
    for part in rendered.parts:
        if isinstance(part, RenderedTable):
            layout = tables[id(part)]
            rows = [
                [
                    (clip_for_print(text), css)
                    for text, css in zip(row, layout["classes"], strict=True)
                ]
                for row in part.rows
            ]
            total_row = (
                list(zip(part.total_row, layout["classes"], strict=True))
                if part.total_row
                else None
            )
            parts.append(
                {
                    "kind": "table",
                    "part": part,
                    **layout,
                    "rows": rows,
                    "total_row": total_row,
                    "blank_rows": range(part.blank_rows),
                }
            )
        elif isinstance(part, RenderedSection):
            parts.append({"kind": "section", "part": _clipped_section(part)})
        else:
            parts.append({"kind": "signoffs", "part": part})
    document = rendered.document
    return {
        "doc": rendered,
        "title": rendered.title,
        "code_label": document.code_label,
        "parts": parts,
        "orientation": document.orientation,
        "font_family": settings.LEDGER_PDF_FONT_FAMILY,
        "printed_at": timezone.localtime(),
        "printed_by": user,
    }


def _clipped_section(section: RenderedSection) -> RenderedSection:
    """The section as printed: each field's and text box's text cut to the printed
    cell's limit (``clip_for_print``), as the registers' cells are — WeasyPrint takes
    minutes over a long unbroken text; the screen and the workbook keep the full text."""
    lines = [
        [
            {**cell, "text": clip_for_print(cell["text"])} if "text" in cell else cell
            for cell in line
        ]
        for line in section.lines
    ]
    return replace(section, lines=lines)
