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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledger.engine.columns import Column, Kind, header_grid, starts_low
from ledger.engine.query import RegisterQuery

# Text that spreadsheet programs may take for a formula when it starts a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
# A column without a group heads both header rows; drawn as one cell.
BORDER_OPEN_BELOW = Border(left=_thin, right=_thin, top=_thin)
BORDER_OPEN_ABOVE = Border(left=_thin, right=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="EDEFF3")
TITLE_FONT = Font(name="Noto Sans CJK SC", size=16, bold=True)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# Cells that need a number format of their own; dates already get openpyxl's yyyy-mm-dd.
NUMBER_FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.PERCENT: '0.00"%"',
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}


def clean_text(value: str) -> str:
    """Drop the control characters that Excel refuses in a cell."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


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

    def __init__(self, workbook: Workbook, query: RegisterQuery, title: str | None = None):
        self.query = query
        self.register = query.register
        self.columns: list[Column] = list(query.columns)
        self.ws = workbook.create_sheet(
            safe_sheet_title(title or self._default_title(), workbook.sheetnames)
        )
        self.ncols = max(len(self.columns), 1)
        self.row = 0
        self._money_cells = {
            i: NUMBER_FORMATS[c.kind]
            for i, c in enumerate(self.columns)
            if c.kind in NUMBER_FORMATS
        }

    def _default_title(self) -> str:
        reg = self.register
        return f"表{reg.code} {reg.title}" if reg.is_form else reg.title

    # --- cells ------------------------------------------------------------------------
    def _cell(self, value: Any, *, font=None, alignment=None, border=None, fill=None, fmt=None):
        cell = WriteOnlyCell(self.ws, value=_safe_value(value))
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            _force_text(cell, value)
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

    def _merge(self, first_col: int, last_col: int, row: int | None = None) -> None:
        row = row or self.row
        if last_col > first_col:
            self.ws.merged_cells.add(
                f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{row}"
            )

    # --- parts ------------------------------------------------------------------------
    def write(self) -> int:
        # Write-only sheets take their views and widths before the first row.
        first = 2 + int(self.register.is_form) + int(bool(self.register.header_fields))
        last = first + len(header_grid(self.columns)) - 1
        self._setup(freeze_below=last)
        self._title()
        self._header_fields()
        self._column_header()
        written = self._rows()
        self._footer()
        self._notes()
        self.ws.print_title_rows = f"{first}:{last}"
        return written

    def _setup(self, freeze_below: int) -> None:
        self.ws.freeze_panes = f"A{freeze_below + 1}"
        for i, col in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.display_width
        self.ws.page_setup.orientation = self.register.orientation
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True

    def _title(self) -> None:
        reg = self.register
        title = reg.display_title(self.query.context)
        cells = [self._cell(title, font=TITLE_FONT, alignment=CENTER)]
        self._append(cells)
        self._merge(1, self.ncols)
        if reg.is_form:
            self._append([self._cell(reg.code_label, alignment=Alignment(horizontal="right"))])
            self._merge(1, self.ncols)

    def _header_fields(self) -> None:
        fields = list(self.register.header_fields)
        if not fields:
            return
        self._append([self._cell(field.text(self.query.context)) for field in fields])

    def _column_header(self) -> None:
        grid = header_grid(self.columns)
        first_row = self.row + 1
        matrix: list[list] = [[None] * self.ncols for _ in grid]
        for row in grid:
            for cell in row:
                if cell.blank:
                    border = BORDER_OPEN_BELOW
                elif starts_low(cell):
                    border = BORDER_OPEN_ABOVE
                else:
                    border = BORDER
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        matrix[r][c] = self._cell(None, border=border, fill=HEADER_FILL)
                matrix[cell.row][cell.col] = self._cell(
                    cell.label or None, font=BOLD, alignment=CENTER, border=border, fill=HEADER_FILL
                )
                if cell.rowspan > 1 or cell.colspan > 1:
                    self.ws.merged_cells.add(
                        f"{get_column_letter(cell.col + 1)}{first_row + cell.row}:"
                        f"{get_column_letter(cell.col + cell.colspan)}"
                        f"{first_row + cell.row + cell.rowspan - 1}"
                    )
        for cells in matrix:
            self._append(cells)

    def _rows(self) -> int:
        columns = self.columns
        formats = self._money_cells
        written = 0
        for row in self.query.iter_rows():
            out = []
            for i, col in enumerate(columns):
                value = col.typed(row)
                if isinstance(value, str):
                    if value.startswith(FORMULA_PREFIXES):
                        out.append(self._cell(value))
                        continue
                    if not value.isprintable():  # cheap test first: most text is clean
                        value = clean_text(value)
                elif i in formats and value is not None:
                    out.append(self._cell(value, fmt=formats[i]))
                    continue
                out.append(value)
            self.ws.append(out)
            written += 1
        self.row += written
        if written == 0:
            self._append([self._cell("（无记录）")])
            self._merge(1, self.ncols)
        return written

    def _footer(self) -> None:
        footer = list(self.register.footer)
        if not footer:
            return
        self._append([])
        cells: list = []
        # Spread the signatures across the width, as on the paper form.
        step = max(self.ncols // len(footer), 1)
        for i, label in enumerate(footer):
            while len(cells) < i * step:
                cells.append(None)
            cells.append(self._cell(f"{label}：＿＿＿＿＿＿"))
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


def _safe_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return value


def _force_text(cell, value: str) -> None:
    """Keep ``=1+1`` and friends as the text the user typed, never a formula."""
    cell.value = clean_text(value)
    cell.data_type = "s"
    # Excel's "quote prefix": the cell stays text even when edited and re-entered.
    cell.quotePrefix = True


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def write_register(workbook: Workbook, query: RegisterQuery, title: str | None = None) -> int:
    """Append ``query``'s register as one sheet; returns the number of data rows."""
    return SheetWriter(workbook, query, title).write()


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
        if bold or (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                _force_text(cell, value)
            if bold:
                cell.font = BOLD
            cells.append(cell)
        else:
            cells.append(value)
    return cells
