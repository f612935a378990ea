"""Gapless document numbers (编号) per series and year, allocated in the database.

Every family numbers its records through here: 订货单 ``DD-2026-0001`` (sales), 合同
``HT-…``, 变更申请 ``BG-…``, 变更通知 ``TZ-…``, 档案编号 ``GD-…``, 授权委托书 ``WT-…``
(contracts), 拜访报告 ``BF-…`` (visits). One ``NumberCounter`` row per series and year holds
the last number given.

Call inside the transaction that creates the record. The allocation is one statement, an
upsert (``INSERT … ON CONFLICT … DO UPDATE SET last = last + 1``): the first number of a year
creates the row, every later one moves it on. The updated row stays locked until the caller's
transaction ends, so concurrent creations are served one after the other, and a rolled-back
creation gives its number back with the rest of its transaction (no gaps). Two first
allocations of a year at once need no retry: PostgreSQL makes the second wait for the first's
insert and then takes the update path.
"""

from __future__ import annotations

from django.db import transaction

from ledger.models import NumberCounter


def next_value(series: str, year: int) -> int:
    """The next number of ``series`` in ``year`` as an integer (1, 2, …), counted in the
    database inside the caller's transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that creates the record")
    quote = connection.ops.quote_name
    table = quote(NumberCounter._meta.db_table)
    series_col, year_col, last_col = (quote(c) for c in ("series", "year", "last"))
    sql = (
        f"INSERT INTO {table} ({series_col}, {year_col}, {last_col}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({series_col}, {year_col}) "
        f"DO UPDATE SET {last_col} = {table}.{last_col} + 1"
    )
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        params = [str(series), int(year)]  # a series may be a TextChoices member
        cursor.execute(f"{sql} RETURNING {last_col}" if returning else sql, params)
        if not returning:  # SQLite before 3.35: the row is ours until the transaction ends
            cursor.execute(
                f"SELECT {last_col} FROM {table} WHERE {series_col} = %s AND {year_col} = %s",
                params,
            )
        return cursor.fetchone()[0]


def format_number(series: str, year: int, value: int) -> str:
    """``DD-2026-0001``: the series, the year and the number on four digits (more past 9999)."""
    return f"{series}-{year}-{value:04d}"


def next_number(series: str, year: int) -> str:
    """The next number of ``series`` in ``year``, formatted (``HT-2026-0001``)."""
    return format_number(series, year, next_value(series, year))
