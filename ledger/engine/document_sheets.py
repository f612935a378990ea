"""A rendered document as an Excel workbook (openpyxl write-only).

The whole form on one sheet, top to bottom as on paper (title, header fields, sections,
the line table under its paper header, 合计, sign-offs, footer, notes) — or, for a document
declared ``sheet_per_table`` (the customer card), the head on a first sheet and each line
table on a sheet of its own with a title, column widths and a frozen header.

Every cell goes through ``_cell`` and so through the engine's Excel cleaning: text is
cleaned of control characters and never becomes a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledger.engine.document_render import (
    RenderedDocument,
    RenderedSection,
    RenderedSignOffs,
    RenderedTable,
    paper_header,
)
from ledger.engine.excel import (
    BOLD,
    BORDER,
    CENTER,
    HEADER_FILL,
    NUMBER_FORMATS,
    TITLE_FONT,
    new_workbook,
    safe_row,
    safe_sheet_title,
)

WRAP = Alignment(vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right")
LABEL_WIDTH, VALUE_WIDTH = 14, 36


@dataclass
class Spec:
    """One cell before it is written: its value and how it looks."""

    value: Any = None
    style: str = ""  # "title", "bold", "header", "grid", "wrap", "right"
    fmt: str | None = None


@dataclass
class SheetPlan:
    """A sheet laid out in memory first: write-only sheets need their frozen rows and
    widths before the first row, and a document is small (its tables are bounded)."""

    title: str
    widths: list[float]
    rows: list[list[Spec]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    freeze_below: int | None = None
    header_rows: tuple[int, int] | None = None
    orientation: str = "portrait"

    @property
    def ncols(self) -> int:
        return max(len(self.widths), 1)

    def add(self, cells: list[Spec], *, merge_to_end: bool = False) -> int:
        self.rows.append(cells)
        row = len(self.rows)
        if merge_to_end and self.ncols > 1:
            self.merges.append((row, 1, row, self.ncols))
        return row

    def blank(self) -> None:
        self.rows.append([])


def document_workbook(rendered: RenderedDocument) -> Workbook:
    workbook = new_workbook()
    document = rendered.document
    if document.sheet_per_table:
        head = SheetPlan(
            _sheet_name(rendered), [LABEL_WIDTH, VALUE_WIDTH, LABEL_WIDTH, VALUE_WIDTH]
        )
        _plan_head(head, rendered)
        for part in rendered.parts:
            if isinstance(part, RenderedSection):
                _plan_section(head, part)
            elif isinstance(part, RenderedSignOffs):
                _plan_signoffs(head, part)
        _plan_end(head, rendered)
        _write(workbook, head)
        for table in rendered.tables:
            name = table.table.sheet_title or table.table.title or document.title
            sheet = SheetPlan(name, [c.display_width for c in table.columns])
            sheet.add([Spec(f"{rendered.title} · {name}", "title")], merge_to_end=True)
            _plan_table(sheet, table, with_title=False)
            _write(workbook, sheet)
        return workbook
    tables = rendered.tables
    widths = (
        [c.display_width for c in tables[0].columns]
        if tables
        else [LABEL_WIDTH, VALUE_WIDTH, LABEL_WIDTH, VALUE_WIDTH]
    )
    sheet = SheetPlan(_sheet_name(rendered), widths, orientation=document.orientation)
    _plan_head(sheet, rendered)
    for part in rendered.parts:
        if isinstance(part, RenderedSection):
            _plan_section(sheet, part)
        elif isinstance(part, RenderedTable):
            _plan_table(sheet, part, with_title=True)
        else:
            _plan_signoffs(sheet, part)
    _plan_end(sheet, rendered)
    _write(workbook, sheet)
    return workbook


def _sheet_name(rendered: RenderedDocument) -> str:
    document = rendered.document
    return document.sheet_title or f"{document.code_label} {document.title}".strip()


def _plan_head(sheet: SheetPlan, rendered: RenderedDocument) -> None:
    sheet.add([Spec(rendered.title, "title")], merge_to_end=True)
    if rendered.document.code_label:
        sheet.add([Spec(rendered.document.code_label, "right")], merge_to_end=True)
    for line in rendered.header_lines:
        sheet.add([Spec(line)], merge_to_end=True)


def _plan_section(sheet: SheetPlan, part: RenderedSection) -> None:
    if part.section.title:
        sheet.blank()
        sheet.add([Spec(part.section.title, "bold")])
    for line in part.lines:
        cells: list[Spec] = []
        for cell in line:
            cells += [Spec(cell["label"], "bold"), Spec(cell["text"], "wrap")]
        sheet.add(cells)


def _plan_table(sheet: SheetPlan, part: RenderedTable, *, with_title: bool) -> None:
    if with_title and part.table.title:
        sheet.blank()
        sheet.add([Spec(part.table.title, "bold")])
    grid = paper_header(part.columns)
    first = len(sheet.rows) + 1
    matrix = [[Spec(None, "header") for _ in part.columns] for _ in grid]
    for row in grid:
        for cell in row:
            matrix[cell.row][cell.col] = Spec(cell.label, "header")
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merges.append(
                    (
                        first + cell.row,
                        cell.col + 1,
                        first + cell.row + cell.rowspan - 1,
                        cell.col + cell.colspan,
                    )
                )
    for cells in matrix:
        sheet.add(cells)
    last = len(sheet.rows)
    if sheet.header_rows is None:
        sheet.header_rows = (first, last)
        sheet.freeze_below = last
    formats = [NUMBER_FORMATS.get(c.kind) for c in part.columns]
    for typed in part.typed_rows:
        sheet.add([Spec(v, "grid", fmt) for v, fmt in zip(typed, formats, strict=True)])
    if part.typed_total is not None:
        sheet.add(
            [
                Spec(v, "total", None if isinstance(v, str) else fmt)
                for v, fmt in zip(part.typed_total, formats, strict=True)
            ]
        )
    for _ in range(part.blank_rows):
        sheet.add([Spec(None, "grid") for _ in part.columns])
    if not part.typed_rows and not part.blank_rows:
        sheet.add([Spec("（无）", "grid")], merge_to_end=True)
    if part.note:
        sheet.add([Spec(part.note)], merge_to_end=True)


def _plan_signoffs(sheet: SheetPlan, part: RenderedSignOffs) -> None:
    sheet.blank()
    if part.signoffs.title:
        sheet.add([Spec(part.signoffs.title, "bold")])
    for box in part.boxes:
        sheet.add(
            [
                Spec(box["who"], "bold"),
                Spec(f"{box['opinion_text']}　{box['comment']}".strip(), "wrap"),
                Spec(f"签字：{box['signer']}"),
                Spec(f"日期：{box['date']}"),
            ]
        )


def _plan_end(sheet: SheetPlan, rendered: RenderedDocument) -> None:
    if rendered.footer:
        sheet.blank()
        sheet.add([Spec(f"{label}：{value or '＿＿＿＿＿＿'}") for label, value in rendered.footer])
    if rendered.notes:
        sheet.blank()
        sheet.add([Spec("注：", "bold")])
        for i, note in enumerate(rendered.notes, start=1):
            sheet.add([Spec(f"{i}. {note}")], merge_to_end=True)


def _write(workbook: Workbook, plan: SheetPlan) -> None:
    ws = workbook.create_sheet(safe_sheet_title(plan.title, workbook.sheetnames))
    if plan.freeze_below:
        ws.freeze_panes = f"A{plan.freeze_below + 1}"
    for i, width in enumerate(plan.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.orientation = plan.orientation
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for specs in plan.rows:
        ws.append([_cell(ws, spec) for spec in specs])
    for r1, c1, r2, c2 in plan.merges:
        ws.merged_cells.add(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
    if plan.header_rows:
        ws.print_title_rows = f"{plan.header_rows[0]}:{plan.header_rows[1]}"


def _cell(ws, spec: Spec) -> Cell:
    """The one place a document's cell is made: through the engine's Excel cleaning."""
    cleaned = safe_row(ws, [spec.value])[0]
    cell = cleaned if isinstance(cleaned, Cell) else WriteOnlyCell(ws, value=cleaned)
    style = spec.style
    if style == "title":
        cell.font, cell.alignment = TITLE_FONT, CENTER
    elif style == "bold":
        cell.font = BOLD
    elif style == "header":
        cell.font, cell.alignment, cell.border, cell.fill = BOLD, CENTER, BORDER, HEADER_FILL
    elif style in ("grid", "total"):
        cell.border = BORDER
        if style == "total":
            cell.font = BOLD
    elif style == "wrap":
        cell.alignment = WRAP
    elif style == "right":
        cell.alignment = RIGHT
    if spec.fmt and spec.value is not None:
        cell.number_format = spec.fmt
    return cell
