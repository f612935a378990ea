"""The default SQLite database takes concurrent writers: they wait, none fails, none is lost."""

import threading
import time

import pytest
from django.db import connections, transaction

from ledger.settings import sqlite_database

ALIAS = "concurrent_sqlite"
THREADS = 8
SAVES_PER_THREAD = 5


@pytest.fixture
def file_sqlite(tmp_path, django_db_blocker):
    """A file-based SQLite database (not in memory) configured as the app configures it."""
    config = connections.configure_settings(
        {"default": {}, ALIAS: sqlite_database(tmp_path / "ledger.sqlite3")}
    )[ALIAS]
    connections.settings[ALIAS] = config
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
            cursor.execute("INSERT INTO counter (n) VALUES (0)")
            cursor.execute("CREATE TABLE saves (thread INTEGER, seq INTEGER)")
        yield
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_the_sqlite_database_is_in_wal_mode(file_sqlite):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connections[ALIAS].transaction_mode == "IMMEDIATE"


def test_parallel_saves_wait_for_each_other_and_all_are_kept(file_sqlite):
    """Each save reads, thinks, then writes (read-modify-write, like a version check).

    With SQLite's default deferred transactions two of them deadlock on the lock upgrade and
    one fails at once with "database is locked"; immediate transactions queue them.
    """
    errors: list[Exception] = []
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        try:
            start.wait()
            for seq in range(SAVES_PER_THREAD):
                with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    time.sleep(0.005)
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
                    cursor.execute("INSERT INTO saves (thread, seq) VALUES (%s, %s)", [number, seq])
        except Exception as exc:  # collected and asserted below, in the main thread
            errors.append(exc)
        finally:
            connections[ALIAS].close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [str(e) for e in errors] == []
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone()[0] == THREADS * SAVES_PER_THREAD
        cursor.execute("SELECT COUNT(*) FROM saves")
        assert cursor.fetchone()[0] == THREADS * SAVES_PER_THREAD
