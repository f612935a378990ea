"""The cost of the tamper-evident history: sealing each history write, sealing an existing
history, and ``verify_history`` over a large one.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_history.py --fill-history --updates 10000

On a database filled by ``bench/generate.py`` (whose history tables are empty):

1. ``--fill-history`` replaces the content of the history tables and the chain with a
   "created" history row for every customer, contact and service
   record (``INSERT … SELECT``; 1.4 million rows at 100,000 customers) and seals them all with
   ``seal_existing`` — the upgrade path of a database that predates the seals (timed);
2. ``--updates N`` customers are saved N times with sealing and N times without, in
   alternating rounds of N/10 (so both see the same machine), each save in its own
   transaction as the services do; and N/10 times through ``customer_update`` (the service,
   with its lock, version and validation) both ways;
3. the rows written without sealing are sealed, and ``verify`` checks the whole chain (timed).

Prints a markdown summary; ``--smoke`` runs it at a tiny scale.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def fill_history() -> dict:
    """A "created" history row for every customer, contact and service record."""
    from django.db import connection

    from ledger.models import Contact, Customer, ServiceRecord

    counts = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Customer, Contact, ServiceRecord):
            history = model.history.model
            names = [
                f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")
            ]
            cols = ", ".join(names)
            cursor.execute(f"DELETE FROM {history._meta.db_table}")
            cursor.execute(
                f"INSERT INTO {history._meta.db_table} ({cols}, history_date, history_type, "
                f"history_change_reason) SELECT {cols}, now(), '+', NULL "
                f"FROM {model._meta.db_table} ORDER BY id"
            )
            counts[history._meta.db_table] = cursor.rowcount
        cursor.execute("DELETE FROM ledger_historyseal")
        cursor.execute("UPDATE ledger_historychain SET sequence = 0, hash = %s", ["0" * 64])
        cursor.execute("ANALYZE")
    counts["insert_s"] = time.perf_counter() - started
    return counts


def timed_updates(customers, sealing: bool, service: bool, actor) -> list[float]:
    from django.db import transaction
    from simple_history.signals import post_create_historical_record

    from ledger import integrity
    from ledger.services.customers import customer_update

    if not sealing:
        post_create_historical_record.disconnect(dispatch_uid="ledger.integrity")
    try:
        times = []
        for i, customer in enumerate(customers):
            t0 = time.perf_counter()
            if service:
                customer_update(
                    actor=actor,
                    customer=customer,
                    data={"address": f"{customer.address[:60]}（{i}）"},
                    expected_version=customer.version,
                )
            else:
                with transaction.atomic():
                    customer.address = f"{customer.address[:60]}（{i}）"
                    customer.save()
            times.append(time.perf_counter() - t0)
        return times
    finally:
        if not sealing:
            integrity.connect()


def bench_writes(n: int, rounds: int) -> dict:
    from accounts.models import User
    from ledger.models import Customer

    admin = User.objects.filter(role="admin").first()
    pool = list(Customer.objects.order_by("id")[: max(n // rounds, 1)])
    result = {"save": {True: [], False: []}, "service": {True: [], False: []}}
    per_round = max(n // rounds, 1)
    for r in range(rounds):
        # Alternate which goes first, so neither always runs on a warmer cache.
        for sealing in (True, False) if r % 2 == 0 else (False, True):
            result["save"][sealing] += timed_updates(pool[:per_round], sealing, False, admin)
            fresh = list(Customer.objects.filter(pk__in=[c.pk for c in pool[: per_round // 10]]))
            result["service"][sealing] += timed_updates(fresh, sealing, True, admin)
    return result


def summary(times: list[float]) -> tuple[float, float, float]:
    return (
        statistics.mean(times) * 1000,
        statistics.median(times) * 1000,
        statistics.quantiles(times, n=20)[18] * 1000 if len(times) >= 20 else max(times) * 1000,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fill-history", action="store_true")
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a tiny run (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.fill_history, args.updates, args.rounds = True, 100, 2
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_history: set DATABASE_URL to a PostgreSQL database")

    import django

    django.setup()
    from django.db import connection

    from ledger import integrity
    from ledger.models import HistorySeal

    lines = [f"# History seals — {connection.settings_dict['NAME']}", ""]
    if args.fill_history:
        counts = fill_history()
        rows = sum(v for k, v in counts.items() if k != "insert_s")
        lines.append(f"* history rows written by SQL: {rows:,} in {counts['insert_s']:.1f} s")
        t0 = time.perf_counter()
        sealed = integrity.seal_existing()
        took = time.perf_counter() - t0
        lines.append(
            f"* `seal_existing`: {sealed:,} rows in {took:.1f} s ({sealed / took:,.0f} rows/s)"
        )

    writes = bench_writes(args.updates, args.rounds)
    lines += [
        "",
        "| write | n | sealing | mean ms | median ms | p95 ms |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for kind, label in (("save", "`customer.save()`"), ("service", "`customer_update`")):
        for sealing in (False, True):
            mean, median, p95 = summary(writes[kind][sealing])
            lines.append(
                f"| {label} | {len(writes[kind][sealing]):,} | {'on' if sealing else 'off'} "
                f"| {mean:.2f} | {median:.2f} | {p95:.2f} |"
            )
        ratio = statistics.mean(writes[kind][True]) / statistics.mean(writes[kind][False])
        lines.append(f"| {label}: ratio on/off | | | {ratio:.2f}× | | |")

    t0 = time.perf_counter()
    late = integrity.seal_existing()  # the rows written with sealing off
    lines += [
        "",
        f"* rows written with sealing off, sealed afterwards: {late:,} "
        f"in {time.perf_counter() - t0:.1f} s",
    ]
    t0 = time.perf_counter()
    report = integrity.verify()
    took = time.perf_counter() - t0
    lines.append(
        f"* `verify`: {report.seals:,} seals and {report.rows:,} history rows in {took:.1f} s "
        f"({report.rows / took:,.0f} rows/s); {'intact' if report.ok else 'BROKEN'}"
    )
    assert HistorySeal.objects.count() == report.seals
    print("\n".join(lines))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
