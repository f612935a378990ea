"""Registers as Excel sheets: openpyxl write-only, streamed, safe.

Layout of a sheet, top to bottom: the title (merged across the table), the header
fields, the column header (one row, or two with group labels merged over their
sub-columns), the rows (numbers and dates as typed cells), the footer signatures and
the notes. Printing repeats the header rows on every page.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from ledger.engine.columns import Column, Kind, header_grid
from ledger.engine.progress import Progress, counted
from ledger.engine.query import RegisterQuery
from ledger.engine.shapes import coverage_line, header_texts, printed_rows
from ledger.engine.signatures import footer_values

# Text that spreadsheet programs may take for a formula when it starts a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
EXCEL_CELL_MAX = 32767  # characters Excel keeps in one cell

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="EDEFF3")
TITLE_FONT = Font(name="Noto Sans CJK SC", size=16, bold=True)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MIDDLE = Alignment(vertical="center")
# Numbers keep a gap from the cell border.
NUMBER_ALIGN = Alignment(horizontal="right", vertical="center", indent=1)

# Cells that need a number format of their own; dates already get openpyxl's yyyy-mm-dd.
NUMBER_FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.PERCENT: "0.00%",  # stored as a fraction: 12.5 % → 0.125
    Kind.INT: "#,##0",
    Kind.DECIMAL: "#,##0.##",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}


def clean_text(value: str) -> str:
    """Drop the control characters that Excel refuses in a cell."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def excel_text(value: str) -> tuple[str, bool]:
    """The one cleaning of user text for every Excel face: clean first, then neutralise.

    Returns (text, must stay text). Control characters go first — so ``\x01=HYPERLINK(…)``
    is judged as the ``=HYPERLINK(…)`` it becomes — then the text is cut to Excel's 32,767
    characters, and text that would start a formula (= + - @, tab, return) is flagged to be
    written as text with Excel's quote prefix.
    """
    if not value.isprintable():  # cheap test first: most text is clean
        value = clean_text(value)
    if len(value) > EXCEL_CELL_MAX:
        value = value[:EXCEL_CELL_MAX]
    return value, value.startswith(FORMULA_PREFIXES)


def text_cell(ws, value: str) -> Any:
    """``value`` ready for ``ws.append``: clean text, never a formula."""
    text, neutralise = excel_text(value)
    if not neutralise:
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    # Excel's "quote prefix": the cell stays text even when edited and re-entered.
    cell.quotePrefix = True
    return cell


def safe_sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: no []:*?/\\, no edge apostrophe, ≤ 31 characters,
    not blank, not the reserved "History", and unique (case-insensitively) in the book.
    """
    name = clean_text(SHEET_NAME_FORBIDDEN.sub(" ", title or "")).strip().strip("'").strip()
    if not name or name.lower() == "history":
        name = f"{name or 'Sheet'}_"
    name = name[:SHEET_NAME_MAX]
    taken_lower = {t.lower() for t in taken}
    candidate, n = name, 2
    while candidate.lower() in taken_lower:
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return candidate


class SheetWriter:
    """Writes one register into one write-only worksheet."""

    def __init__(
        self,
        workbook: Workbook,
        query: RegisterQuery,
        title: str | None = None,
        progress: Progress | None = None,
    ):
        self.query = query
        self.progress = progress
        self.register = query.register
        self.columns: list[Column] = list(query.columns)
        self.ws = workbook.create_sheet(
            safe_sheet_title(title or self._default_title(), workbook.sheetnames)
        )
        self.ncols = max(len(self.columns), 1)
        self.row = 0
        self._formats = {
            i: NUMBER_FORMATS[c.kind]
            for i, c in enumerate(self.columns)
            if c.kind in NUMBER_FORMATS
        }
        self._percent = {i for i, c in enumerate(self.columns) if c.kind == Kind.PERCENT}

    def _default_title(self) -> str:
        reg = self.register
        return f"表{reg.code} {reg.title}" if reg.is_form else reg.title

    # --- cells ------------------------------------------------------------------------
    def _cell(self, value: Any, *, font=None, alignment=None, border=None, fill=None, fmt=None):
        value = _safe_value(value)
        if isinstance(value, str):
            value = text_cell(self.ws, value)
        cell = value if isinstance(value, Cell) else WriteOnlyCell(self.ws, value=value)
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        if fmt is not None:
            cell.number_format = fmt
        return cell

    def _append(self, cells: list) -> None:
        self.ws.append(cells)
        self.row += 1

    def _merge(self, first_col: int, last_col: int, row: int | None = None, last_row=None) -> None:
        row = row or self.row
        last_row = last_row or row
        if last_col > first_col or last_row > row:
            self.ws.merged_cells.add(
                f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{last_row}"
            )

    # --- parts ------------------------------------------------------------------------
    def write(self) -> int:
        # Write-only sheets take their views and widths before the first row.
        first = 3 + int(self.register.is_form) + int(bool(self.register.header_fields))
        last = first + len(header_grid(self.columns)) - 1
        self._setup(freeze_below=last)
        self._title()
        self._header_fields()
        self._column_header()
        written = self._rows()
        self._totals()
        last_data = self.row
        self._footer()
        self._notes()
        self.ws.print_title_rows = f"{first}:{last}"
        if written:
            # A filter button on every column, over the header's last row and the data.
            self.ws.auto_filter.ref = f"A{last}:{get_column_letter(self.ncols)}{last_data}"
        return written

    def _setup(self, freeze_below: int) -> None:
        self.ws.freeze_panes = f"A{freeze_below + 1}"
        for i, col in enumerate(self.columns, start=1):
            # Room for the autofilter button beside the label.
            self.ws.column_dimensions[get_column_letter(i)].width = col.display_width + 2
        self.ws.page_setup.orientation = self.register.orientation
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True

    def _title(self) -> None:
        reg = self.register
        title = reg.display_title(self.query.context) + month_suffix(self.query)
        self._append([self._cell(title, font=TITLE_FONT, alignment=CENTER)])
        self._merge(1, self.ncols)
        # What the sheet covers: the period and the active filters.
        self._append(
            [self._cell(coverage_line(self.query), alignment=Alignment(horizontal="center"))]
        )
        self._merge(1, self.ncols)
        if reg.is_form:
            self._append([self._cell(reg.code_label, alignment=Alignment(horizontal="right"))])
            self._merge(1, self.ncols)

    def _header_fields(self) -> None:
        texts = header_texts(self.register, self.query.context)
        if not texts:
            return
        self._append([self._cell(text) for text in texts])

    def _column_header(self) -> None:
        grid = header_grid(self.columns)
        first_row = self.row + 1
        matrix: list[list] = [[None] * self.ncols for _ in grid]
        for row in grid:
            for cell in row:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        matrix[r][c] = self._cell(None, border=BORDER, fill=HEADER_FILL)
                matrix[cell.row][cell.col] = self._cell(
                    cell.label or None, font=BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL
                )
                self._merge(
                    cell.col + 1,
                    cell.col + cell.colspan,
                    first_row + cell.row,
                    first_row + cell.row + cell.rowspan - 1,
                )
        for cells in matrix:
            self._append(cells)

    def _value(self, i: int, col: Column, row) -> Any:
        value = col.typed(row)
        if isinstance(value, str):
            return text_cell(self.ws, value)
        if value is None or i not in self._formats:
            return value
        return self._number(i, value)

    def _number(self, i: int, value: Any) -> Any:
        """A typed number (or date-time) with its column's format, kept off the border."""
        if i in self._percent and isinstance(value, Decimal | int | float):
            value = value / 100
        return self._cell(value, fmt=self._formats[i], alignment=NUMBER_ALIGN)

    def _row_cell(self, i: int) -> Cell:
        """Column ``i``'s styled cell for ``_rows``: its number format and alignment."""
        cell = WriteOnlyCell(self.ws)
        cell.number_format = self._formats[i]
        cell.alignment = NUMBER_ALIGN
        return cell

    def _rows(self) -> int:
        if self.query.row_group is not None:
            return self._grouped_rows()
        columns = list(enumerate(self.columns))
        ws, percent = self.ws, self._percent
        # One styled cell per formatted column, its format and alignment set once and its
        # value replaced on every row: a write-only sheet writes a row out as it is
        # appended, so the cell is free again for the next row. (Styling a new cell per
        # value registered the same style objects again and again; with StreamedSheet, a
        # sheet of numbers costs about what openpyxl writing the plain values costs.)
        styled = {i: self._row_cell(i) for i in self._formats}
        written = 0
        for row in counted(self.query.iter_rows(), self.progress):
            out = []
            for i, col in columns:
                value = col.typed(row)
                if isinstance(value, str):
                    # Clean, short text that cannot start a formula goes in as it is (most
                    # text); the rest through the one cleaning function.
                    if (
                        not value.isprintable()
                        or len(value) > EXCEL_CELL_MAX
                        or value.startswith(FORMULA_PREFIXES)
                    ):
                        value = text_cell(ws, value)
                elif value is not None and i in styled:
                    cell = styled[i]
                    if i in percent and isinstance(value, Decimal | int | float):
                        value = value / 100
                    cell.value = _safe_value(value)
                    value = cell
                out.append(value)
            ws.append(out)
            written += 1
        self.row += written
        if written == 0:
            self._append([self._cell("（无记录）")])
            self._merge(1, self.ncols)
        return written

    def _grouped_rows(self) -> int:
        """One entity over several rows, its shared cells merged down."""
        index = {c.key: i for i, c in enumerate(self.columns)}
        written = 0
        for row in counted(self.query.iter_rows(), self.progress):
            top = self.row + 1
            for cells in printed_rows(self.columns, row, self.query.row_group):
                out: list = [None] * self.ncols
                for cell in cells:
                    i = index[cell.column.key]
                    value = self._value(i, cell.column, cell.row)
                    if cell.rowspan > 1:
                        value = self._cell(
                            value.value if isinstance(value, Cell) else value,
                            alignment=MIDDLE,
                            fmt=self._formats.get(i),
                        )
                        self._merge(i + 1, i + 1, top, top + cell.rowspan - 1)
                    out[i] = value
                self._append(out)
            written += 1
        if written == 0:
            self._append([self._cell("（无记录）")])
            self._merge(1, self.ncols)
        return written

    def _totals(self) -> None:
        totals = self.query.totals_row()
        if totals is None:
            return
        out: list = []
        for i, col in enumerate(self.columns):
            if col.key in self.register.totals:
                out.append(self._value(i, col, totals))
            else:
                out.append(None)
        first_total = next(
            (i for i, c in enumerate(self.columns) if c.key in self.register.totals), 1
        )
        out[0] = self._cell(self.register.totals_label, font=BOLD, alignment=CENTER)
        self._append(out)
        if first_total > 1:
            self._merge(1, first_total)

    def _footer(self) -> None:
        footer = list(self.register.footer)
        if not footer:
            return
        signed = footer_values(self.register, self.query.context)
        self._append([])
        cells: list = []
        # Spread the signatures across the width, as on the paper form.
        step = max(self.ncols // len(footer), 1)
        for i, label in enumerate(footer):
            while len(cells) < i * step:
                cells.append(None)
            cells.append(self._cell(f"{label}：{signed.get(label) or '＿＿＿＿＿＿'}"))
        self._append(cells)

    def _notes(self) -> None:
        notes = list(self.register.notes)
        if not notes:
            return
        self._append([])
        self._append([self._cell("注：", font=BOLD)])
        for i, note in enumerate(notes, start=1):
            self._append([self._cell(f"{i}. {note}")])
            self._merge(1, self.ncols)


class StreamedSheet(WriteOnlyWorksheet):
    """openpyxl's write-only sheet, taking the cells of an appended row as they are.

    openpyxl (3.1) binds every value of an appended row to a shared cell; a styled cell
    fails that binding, the error is caught, and a new shared cell is made for the next
    value: several microseconds per styled cell, most of what a sheet of numbers cost beyond
    openpyxl writing plain values. Here a cell goes straight through and values are bound
    as openpyxl binds them (same errors for values Excel cannot hold), so the sheet written
    is the same (tests/ledger/test_excel_streamed.py compares them).
    """

    def _values_to_row(self, values, row_idx):
        shared = WriteOnlyCell(self)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                shared.value = value
                cell = shared
            cell.column = col_idx
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell
            if cell is shared and (shared.has_style or shared.hyperlink):
                # openpyxl gave the value a style (a date its format): a fresh shared cell.
                shared = WriteOnlyCell(self)


class StreamedWorkbook(Workbook):
    """A write-only workbook of ``StreamedSheet``s."""

    def __init__(self):
        super().__init__(write_only=True)

    def create_sheet(self, title=None, index=None):
        sheet = StreamedSheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def month_suffix(query: RegisterQuery) -> str:
    """In the monthly workbook, the title names what the sheet holds: the month (or the
    register's period), or for master data the moment of the export."""
    context, register = query.context, query.register
    if not context.month:
        return ""
    if context.period is not None:
        return f"（{context.period.label}）"
    if register.month_field:
        year, month = context.month.split("-")
        return f"（{int(year)}年{int(month)}月）"
    return f"（截至 {timezone.localtime():%Y-%m-%d %H:%M}）"


def _safe_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return value


def new_workbook() -> Workbook:
    return StreamedWorkbook()


def write_register(
    workbook: Workbook,
    query: RegisterQuery,
    title: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Append ``query``'s register as one sheet; returns the number of data rows.
    ``progress`` (optional) is told the rows as they are written (``engine.progress``)."""
    return SheetWriter(workbook, query, title, progress).write()


def save_to_tempfile(workbook: Workbook) -> IO[bytes]:
    """Save to an anonymous temporary file, rewound, for streaming to the client.

    Nothing is written under MEDIA_ROOT; the file disappears when it is closed.
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (the response closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def safe_row(ws, values: Iterable[Any], *, bold: bool = False) -> list:
    """Cells for ``ws.append``: text cleaned and never a formula; optionally bold."""
    cells = []
    for value in values:
        value = _safe_value(value)
        if isinstance(value, str):
            value = text_cell(ws, value)
        if bold:
            if not isinstance(value, Cell):
                value = WriteOnlyCell(ws, value=value)
            value.font = BOLD
        cells.append(value)
    return cells
