"""The engine's write-only sheet (``ledger.engine.excel.StreamedSheet``) writes exactly what
openpyxl's own write-only sheet writes for the same rows: plain values of every type,
styled cells, text kept as text, cells given a new value row after row."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ledger.engine.excel import StreamedWorkbook, new_workbook, text_cell

RIGHT = Alignment(horizontal="right", indent=1)


def rows(ws):
    money = WriteOnlyCell(ws)
    money.number_format = "#,##0.00"
    money.alignment = RIGHT
    for i in range(40):
        money.value = Decimal(i) / 4 if i % 7 else None
        bold = WriteOnlyCell(ws, value=f"行{i}")
        bold.font = Font(bold=True)
        plain = WriteOnlyCell(ws, value=i * 3)
        yield [
            i,
            None,
            f"文本 {i}",
            Decimal("1234.50") + i,
            float(i) / 3,
            datetime.date(2026, 11, 1 + i % 28),
            datetime.datetime(2026, 11, 1, i % 24, 30),
            money,
            bold,
            text_cell(ws, f"=SUM(A{i})"),
            plain,
            "",
            True,
        ]


def sheet_xml(workbook) -> bytes:
    ws = workbook.create_sheet("表")
    for row in rows(ws):
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out) as book:
        return book.read("xl/worksheets/sheet1.xml") + book.read("xl/styles.xml")


def test_the_streamed_sheet_writes_what_openpyxl_writes():
    ours = sheet_xml(StreamedWorkbook())
    theirs = sheet_xml(Workbook(write_only=True))
    assert ours == theirs
    assert b"1234.5" in ours and b"<f>" not in ours  # the formula-like text stayed text


def test_the_engine_books_are_streamed_and_refuse_what_openpyxl_refuses():
    book = new_workbook()
    assert isinstance(book, StreamedWorkbook) and book.write_only
    ws = book.create_sheet("表")
    with pytest.raises(ValueError):
        ws.append([object()])
    with pytest.raises(ValueError):
        Workbook(write_only=True).create_sheet("表").append([object()])
