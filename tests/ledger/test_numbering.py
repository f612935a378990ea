"""The gapless 编号 of every family (``ledger.numbering``): per series and year, in the
database, inside the creating transaction; and the move of the families' old counters."""

import threading

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from contracts.models import RecordSeries
from ledger.models import NumberCounter
from ledger.numbering import format_number, next_number, next_value
from tests.ledger.test_postgres import run_together


class Refused(Exception):
    """A creation that fails after drawing its number."""


def allocate(series, year, times=1):
    with transaction.atomic():
        return [next_number(series, year) for _ in range(times)]


@pytest.mark.django_db
def test_numbers_follow_each_other_within_a_series_and_year():
    assert allocate("DD", 2026, 3) == ["DD-2026-0001", "DD-2026-0002", "DD-2026-0003"]
    assert allocate("DD", 2026) == ["DD-2026-0004"]
    assert NumberCounter.objects.get(series="DD", year=2026).last == 4


@pytest.mark.django_db
def test_each_series_counts_on_its_own():
    assert allocate("HT", 2026, 2) == ["HT-2026-0001", "HT-2026-0002"]
    assert allocate("GD", 2026) == ["GD-2026-0001"]
    assert allocate(RecordSeries.AUTHORIZATION, 2026) == ["WT-2026-0001"]
    assert allocate("HT", 2026) == ["HT-2026-0003"]
    assert dict(NumberCounter.objects.values_list("series", "last")) == {
        "HT": 3,
        "GD": 1,
        "WT": 1,
    }


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one_and_the_old_year_goes_on():
    assert allocate("BF", 2026, 2) == ["BF-2026-0001", "BF-2026-0002"]
    assert allocate("BF", 2027) == ["BF-2027-0001"]
    assert allocate("BF", 2026) == ["BF-2026-0003"]
    assert allocate("BF", 2027) == ["BF-2027-0002"]


@pytest.mark.django_db
def test_numbering_goes_on_from_a_counter_set_by_a_load_or_a_migration():
    NumberCounter.objects.create(series="HT", year=2026, last=41)
    assert allocate("HT", 2026) == ["HT-2026-0042"]
    NumberCounter.objects.create(series="DD", year=2026, last=9999)
    with transaction.atomic():
        assert next_value("DD", 2026) == 10000
    assert format_number("DD", 2026, 10000) == "DD-2026-10000"
    assert format_number("DD", 2026, 7) == "DD-2026-0007"


@pytest.mark.django_db
def test_a_rolled_back_creation_gives_its_number_back():
    allocate("DD", 2026)
    with pytest.raises(Refused), transaction.atomic():
        assert next_number("DD", 2026) == "DD-2026-0002"
        raise Refused
    with pytest.raises(Refused), transaction.atomic():
        next_number("DD", 2027)  # the first of a year: the new row goes too
        raise Refused
    assert not NumberCounter.objects.filter(series="DD", year=2027).exists()
    assert allocate("DD", 2026) == ["DD-2026-0002"]


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused():
    # Its lock would end at once, and a failed creation could not give the number back.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number("DD", 2026)
    assert not NumberCounter.objects.exists()


# --- real concurrency (PostgreSQL) -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_first_allocations_of_a_year_at_once_get_0001_to_0020():
    # No row yet: all twenty race to create it; one inserts, the others wait and update.
    results = run_together(*(lambda: allocate("HT", 2026)[0] for _ in range(20)))
    assert [r for r in results if not isinstance(r, str)] == []
    assert sorted(results) == [f"HT-2026-{n:04d}" for n in range(1, 21)]
    assert NumberCounter.objects.get(series="HT", year=2026).last == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_series_and_years_do_not_mix():
    targets = [lambda s=s, y=y: allocate(s, y, 3) for s in ("DD", "BF") for y in (2026, 2027)]
    results = run_together(*(targets * 3))
    numbers = sorted(n for r in results for n in r)
    assert numbers == sorted(
        f"{s}-{y}-{n:04d}" for s in ("DD", "BF") for y in (2026, 2027) for n in range(1, 10)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_creation_waits_for_an_open_one_and_takes_the_number_it_gave_back():
    allocate("GD", 2026)
    drawn, release = threading.Event(), threading.Event()

    def failing():
        with transaction.atomic():
            number = next_number("GD", 2026)
            drawn.set()
            release.wait(10)
            raise Refused(f"refused after drawing {number}")

    def waiting():
        drawn.wait(10)
        # Blocked on the counter row until the first transaction ends; let it end.
        threading.Timer(0.3, release.set).start()
        return allocate("GD", 2026)[0]

    failed, number = run_together(failing, waiting)
    assert str(failed) == "refused after drawing GD-2026-0002"
    assert number == "GD-2026-0002"
    assert NumberCounter.objects.get(series="GD", year=2026).last == 2


# --- the families' old counters move to the ledger's ---------------------------------------------

OLD = [
    ("sales", "0003_plans"),
    ("contracts", "0003_reviewstep_signed_index"),
    ("visits", "0004_follow_up_due_index"),
]
NEW = [
    ("sales", "0004_counters_to_ledger"),
    ("contracts", "0004_counters_to_ledger"),
    ("visits", "0005_counters_to_ledger"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_carry_every_counter_over_to_the_ledger():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(OLD)
        old = MigrationExecutor(connection).loader.project_state(OLD).apps
        old.get_model("sales", "SalesCounter").objects.create(prefix="DD", year=2026, last=17)
        contracts = old.get_model("contracts", "NumberCounter")
        contracts.objects.create(prefix="HT", year=2025, last=120)
        contracts.objects.create(prefix="HT", year=2026, last=8)
        contracts.objects.create(prefix="GD", year=2026, last=3)
        old.get_model("visits", "VisitCounter").objects.create(form="5-29", year=2026, last=250)
        executor = MigrationExecutor(connection)
        executor.migrate(NEW)
    finally:
        # Back to the latest state of every app, whatever came after these migrations.
        latest = MigrationExecutor(connection)
        latest.migrate(latest.loader.graph.leaf_nodes())
    assert sorted(NumberCounter.objects.values_list("series", "year", "last")) == [
        ("BF", 2026, 250),
        ("DD", 2026, 17),
        ("GD", 2026, 3),
        ("HT", 2025, 120),
        ("HT", 2026, 8),
    ]
    assert allocate("BF", 2026) == ["BF-2026-0251"]
    assert allocate("HT", 2026) == ["HT-2026-0009"]
    tables = connection.introspection.table_names()
    assert "ledger_numbercounter" in tables
    assert not {"sales_salescounter", "contracts_numbercounter", "visits_visitcounter"} & set(
        tables
    )
