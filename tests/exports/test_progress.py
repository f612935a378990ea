"""The engine's progress callback: rows written of total, for any register's faces."""

import io

import pytest
from django.http import QueryDict

from ledger.engine import site
from ledger.engine.base import RegisterContext
from ledger.engine.excel import new_workbook, write_register
from ledger.engine.printing import register_print_context
from ledger.engine.progress import counted
from ledger.engine.query import run_query
from ledger.engine.workbook import (
    build_monthly_workbook,
    monthly_queries,
    monthly_rows,
    monthly_rows_exceed,
)
from tests.factories import CustomerFactory, ProductFactory


def test_counted_reports_every_n_rows_and_the_rest():
    calls = []
    assert list(counted(range(7), calls.append, every=3)) == list(range(7))
    assert calls == [3, 3, 1]
    assert list(counted([], calls.append)) == []
    assert calls == [3, 3, 1]
    assert list(counted(range(2), None)) == [0, 1]


def test_a_stopping_callback_stops_the_writing():
    class Stop(Exception):
        pass

    def stop(_rows):
        raise Stop

    seen = []
    with pytest.raises(Stop):
        for row in counted(range(10), stop, every=2):
            seen.append(row)
    assert seen == [0, 1]


def test_the_sheet_and_the_pdf_report_every_row(org):
    for i in range(5):
        ProductFactory(name=f"产品{i}")
    query = run_query(site.get("5-7"), RegisterContext(user=org.admin, params=QueryDict()))
    sheet, printed = [], []
    book = new_workbook()
    assert write_register(book, query, progress=sheet.append) == 5
    book.save(io.BytesIO())
    register_print_context(query, progress=printed.append)
    assert sum(sheet) == sum(printed) == query.count() == 5


def test_the_monthly_workbook_reports_its_rows_across_every_register(org):
    for _ in range(3):
        ProductFactory()
        CustomerFactory(owner=org.sales1)
    queries = monthly_queries(user=org.admin, month="2026-11")
    assert [q.register for q in queries] == [
        r for r in site if r.in_monthly_workbook and r.allows("export", org.admin)
    ]
    total = monthly_rows(queries)
    assert monthly_rows_exceed(queries, total - 1)
    assert not monthly_rows_exceed(queries, total)
    assert monthly_rows_exceed(queries, 0)
    written = []
    book = build_monthly_workbook(
        user=org.admin, month="2026-11", queries=queries, progress=written.append
    )
    assert sum(written) == total >= 6
    assert len(book.sheetnames) == 1 + len(queries)
    book.save(io.BytesIO())
