"""Benchmark of the sales dashboard (and the plan pages) on a large PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bench_plans \\
        .venv/bin/python bench/bench_sales_plans.py --generate --orders 200000
    DATABASE_URL=… .venv/bin/python bench/bench_sales_plans.py

``--generate`` (on a migrated database; the demo organisation is created if missing)
writes with ``COPY``: ``--customers`` customers of the demo salespeople and managers,
``--orders`` orders over the last three years with five lines each, their shipments (one
per order, a tenth shipped in two parts) with what was received spread over the shipment
lines (first shipped, first paid; the last three months partly unpaid), and the plans: a
表5-2 annual plan per salesperson and year and a 表5-4 action plan per salesperson and
month; the monthly roll-ups summed from the facts. Then ``VACUUM ANALYZE``.

Measures, with DEBUG off, the whole request through the test client: the dashboard
(``/sales/dashboard/``) for this year as ``manager1`` (one department), ``gm`` (everyone)
and ``sales1`` (own figures); the 表5-3 list of a month; 表5-10's PDF of the busiest
customer. Prints the median and p95 of each, the medians of the processor time of the
serving process (app CPU) and of its PostgreSQL backend (DB CPU), and the SQL queries per
request; ``--only dashboard`` measures only the pages whose URL contains the text.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

SEED = 20261130
LINES_PER_ORDER = 5
CHUNK = 50_000


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples of text, ``\\N`` for NULL) into ``table``, in chunks."""
    count, buffer = 0, io.StringIO()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"

    def flush():
        buffer.seek(0)
        cursor.cursor.copy_expert(sql, buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join(row) + "\n")
        count += 1
        if count % CHUNK == 0:
            flush()
    flush()
    return count


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _reset_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


def generate(customers: int, orders: int) -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import OWNER_ROLES, User
    from fixtures.demo import load_demo
    from ledger.models import Product

    started = time.perf_counter()
    if not User.objects.filter(username="manager1").exists():
        load_demo()
    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now().isoformat()
    owners = list(
        User.objects.filter(role__in=OWNER_ROLES, is_active=True).values_list("pk", flat=True)
    )
    products = list(Product.objects.filter(is_active=True).values_list("pk", "wholesale_price"))
    with transaction.atomic(), connection.cursor() as cursor:
        # Customers of the demo owners.
        first = _next_id(cursor, "ledger_customer")
        customer_owner = {}

        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'ledger_customer' ORDER BY ordinal_position"
        )
        columns = [c for (c,) in cursor.fetchall()]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'ledger_customer' AND is_nullable = 'YES'"
        )
        nullable = {c for (c,) in cursor.fetchall()}
        defaults = {
            **dict.fromkeys(nullable, "\\N"),  # every optional column NULL unless set
            "category": "regular",
            "version": "1",
            "created_at": now,
            "updated_at": now,
            "last_contact_on": "\\N",
            "created_by_id": "\\N",
        }

        def customer_rows():
            for i in range(customers):
                pk = first + i
                owner = rng.choice(owners)
                customer_owner[pk] = owner
                name = f"基准客户{pk:07d}有限公司"
                values = {"id": str(pk), "name": name, "name_key": name, "search_key": name}
                values["owner_id"] = str(owner)
                yield tuple(values.get(c, defaults.get(c, "")) for c in columns)

        n = _copy(cursor, "ledger_customer", columns, customer_rows())
        _reset_sequence(cursor, "ledger_customer")
        print(f"{n:,} customers", flush=True)
        customer_ids = list(customer_owner)

        # Orders, lines, shipments, shipment lines.
        order_id = _next_id(cursor, "sales_order")
        line_id = _next_id(cursor, "sales_orderline")
        shipment_id = _next_id(cursor, "sales_shipment")
        shipline_id = _next_id(cursor, "sales_shipmentline")
        cursor.execute("SELECT year, COALESCE(MAX(seq), 0) FROM sales_order GROUP BY year")
        seq = dict(cursor.fetchall())
        days = [today - datetime.timedelta(days=d) for d in range(1, 3 * 365)]
        days.sort()
        order_rows, line_rows, shipment_rows, shipline_rows = [], [], [], []
        cursor.execute(
            "SELECT column_name, is_nullable FROM information_schema.columns "
            "WHERE table_name = 'sales_order' ORDER BY ordinal_position"
        )
        described = cursor.fetchall()
        order_columns = [c for c, _n in described]
        # A column the rows leave out: NULL where the table allows it, else empty text.
        nullable = {c for c, n in described if n == "YES"}
        dates = sorted(rng.choice(days) for _ in range(orders))
        for i, ordered_on in enumerate(dates):
            pk = order_id + i
            customer = rng.choice(customer_ids)
            owner = customer_owner[customer]
            seq[ordered_on.year] = seq.get(ordered_on.year, 0) + 1
            total = Decimal(0)
            lines = []
            for position, (product, price) in enumerate(
                rng.sample(products, LINES_PER_ORDER), start=1
            ):
                quantity = Decimal(rng.choice([5, 10, 20, 50, 100]))
                unit_price = (price or Decimal(100)).quantize(Decimal("0.01"))
                amount = quantity * unit_price
                total += amount
                lines.append((line_id, position, product, quantity, unit_price, amount))
                line_id += 1
            age = (today - ordered_on).days
            paid_share = Decimal(1) if age > 90 else Decimal(rng.choice([0, 0.3, 0.6, 1]))
            received = (total * paid_share).quantize(Decimal("0.01"))
            values = {
                "id": str(pk),
                "number": f"DD-{ordered_on.year}-{seq[ordered_on.year]:06d}",
                "year": str(ordered_on.year),
                "seq": str(seq[ordered_on.year]),
                "ordered_on": ordered_on.isoformat(),
                "status": "shipped",
                "total_amount": str(total),
                "received_amount": str(received),
                "adjusted_amount": "0",
                "invoiced_amount": "0",
                "is_export": "f",
                "version": "2",
                "created_at": now,
                "updated_at": now,
                "customer_id": str(customer),
                "owner_id": str(owner),
            }
            order_rows.append(
                tuple(values.get(c, "\\N" if c in nullable else "") for c in order_columns)
            )
            parts = 2 if rng.random() < 0.1 else 1
            left = received
            for part in range(parts):
                shipped_on = min(ordered_on + datetime.timedelta(days=3 + 10 * part), today)
                shipment_rows.append(
                    (
                        str(shipment_id),
                        shipped_on.isoformat(),
                        "上海仓",
                        "客户签收",
                        "顺丰速运",
                        f"SF{shipment_id:010d}",
                        now,
                        str(owner),
                        str(pk),
                    )
                )
                for line in lines[part::parts]:
                    lid, _pos, product, quantity, unit_price, amount = line
                    paid = min(left, amount)
                    left -= paid
                    shipline_rows.append(
                        (
                            str(shipline_id),
                            str(quantity),
                            "\\N",
                            f"PH{pk}",
                            "",
                            str(amount),
                            str((amount * Decimal("0.8")).quantize(Decimal("0.01"))),
                            str(paid),
                            str(lid),
                            str(shipment_id),
                            str(owner),
                            shipped_on.isoformat(),
                            str(pk),
                            str(customer),
                            str(product),
                        )
                    )
                    shipline_id += 1
                shipment_id += 1
            for lid, position, product, quantity, unit_price, amount in lines:
                line_rows.append(
                    (
                        str(lid),
                        str(position),
                        "",
                        "件",
                        str(quantity),
                        str(unit_price),
                        str(amount),
                        str(quantity),
                        str(pk),
                        str(product),
                    )
                )
        _copy(cursor, "sales_order", order_columns, order_rows)
        _copy(
            cursor,
            "sales_orderline",
            [
                "id",
                "position",
                "spec",
                "unit",
                "quantity",
                "unit_price",
                "amount",
                "shipped_quantity",
                "order_id",
                "product_id",
            ],
            line_rows,
        )
        _copy(
            cursor,
            "sales_shipment",
            [
                "id",
                "shipped_on",
                "place",
                "delivery_control",
                "carrier",
                "waybill_number",
                "created_at",
                "handler_id",
                "order_id",
            ],
            shipment_rows,
        )
        _copy(
            cursor,
            "sales_shipmentline",
            [
                "id",
                "quantity",
                "production_date",
                "batch_number",
                "certificate_number",
                "amount",
                "cost",
                "paid_amount",
                "order_line_id",
                "shipment_id",
                "owner_id",
                "shipped_on",
                "order_id",
                "customer_id",
                "product_id",
            ],
            shipline_rows,
        )
        for table in ("sales_order", "sales_orderline", "sales_shipment", "sales_shipmentline"):
            _reset_sequence(cursor, table)
        for year, last in seq.items():
            # The next order of the year gets the next number.
            cursor.execute(
                "INSERT INTO ledger_numbercounter (series, year, last) VALUES ('DD', %s, %s)"
                " ON CONFLICT (series, year)"
                " DO UPDATE SET last = GREATEST(ledger_numbercounter.last, EXCLUDED.last)",
                [year, last],
            )
        print(
            f"{len(order_rows):,} orders, {len(line_rows):,} lines, "
            f"{len(shipment_rows):,} shipments, {len(shipline_rows):,} shipment lines",
            flush=True,
        )

        # Plans of the three years.
        from sales.models import ActionPlan, AnnualPlan, AnnualPlanLine

        years = sorted({d.year for d in dates})
        annual, monthly = [], []
        for owner in owners:
            for year in years:
                if not AnnualPlan.objects.filter(owner_id=owner, year=year).exists():
                    annual.append(AnnualPlan(owner_id=owner, year=year))
                for month in range(1, 13):
                    day = datetime.date(year, month, 1)
                    if not ActionPlan.objects.filter(owner_id=owner, month=day).exists():
                        monthly.append(
                            ActionPlan(owner_id=owner, month=day, target=Decimal(2_000_000))
                        )
        AnnualPlan.objects.bulk_create(annual)
        ActionPlan.objects.bulk_create(monthly)
        AnnualPlanLine.objects.bulk_create(
            AnnualPlanLine(
                plan=plan,
                product_id=product,
                position=i,
                home_qty=Decimal(5000),
                home_price=Decimal("0.0100"),
            )
            for plan in AnnualPlan.objects.filter(pk__in=[p.pk for p in annual])
            for i, (product, _price) in enumerate(products[:10], start=1)
        )
    # The facts went in without the services: the monthly roll-ups are summed from them.
    from sales.services.rollups import rebuild_rollups

    rebuild_rollups()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def measure(runs: int, only: str | None = None) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import User
    from sales.models import Order, OrderLine, ShipmentLine

    setup_test_environment()
    settings.DEBUG = False
    year = timezone.localdate().year
    month = f"{timezone.localdate():%Y-%m}"
    busiest = (
        Order.objects.values("customer")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .values_list("customer", flat=True)
        .first()
    )
    print(
        f"Database {connection.settings_dict['NAME']}: {Order.objects.count():,} orders, "
        f"{OrderLine.objects.count():,} lines, {ShipmentLine.objects.count():,} shipment lines"
    )
    cases = [
        ("manager1", f"/sales/dashboard/?year={year}"),
        ("gm", f"/sales/dashboard/?year={year}"),
        ("sales1", f"/sales/dashboard/?year={year}"),
        ("manager1", f"/registers/5-3/?period={month}"),
        ("gm", f"/forms/5-10/{busiest}.pdf"),
    ]
    from bench_registers import backend_cpu_ms
    from django.core.cache import cache

    from sales.dashboard import sales_dashboard

    def cpu_medians(cpu, db_cpu) -> str:
        db = [d for d in db_cpu if d is not None]
        return f"{statistics.median(cpu):.0f} | " + (f"{statistics.median(db):.0f}" if db else "—")

    print(f"Load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    # The dashboard computed afresh (nothing cached), straight from the selector.
    print("| dashboard computed afresh | median ms | max ms | app CPU ms | DB CPU ms |")
    print("|---|---:|---:|---:|---:|")
    for username in ("manager1", "gm", "sales1"):
        user = User.objects.get(username=username)
        times, cpu, db_cpu = [], [], []
        for _ in range(max(3, runs // 2)):
            cache.clear()
            db0 = backend_cpu_ms()
            c0, started = time.process_time(), time.perf_counter()
            sales_dashboard(user, year=year)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            db1 = backend_cpu_ms()
            db_cpu.append(None if db0 is None or db1 is None else db1 - db0)
        print(
            f"| {username} | {statistics.median(times):.0f} | {max(times):.0f} "
            f"| {cpu_medians(cpu, db_cpu)} |",
            flush=True,
        )
    print("\n| page | user | median ms | p95 ms | app CPU ms | DB CPU ms | queries |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for username, url in cases:
        if only and only not in url:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm up
        times, cpu, db_cpu = [], [], []
        for _ in range(runs):
            settings.DEBUG = True
            reset_queries()
            db0 = backend_cpu_ms()
            c0, started = time.process_time(), time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            db1 = backend_cpu_ms()
            db_cpu.append(None if db0 is None or db1 is None else db1 - db0)
            queries = len(connection.queries)
            settings.DEBUG = False
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"| `{url}` | {username} | {statistics.median(times):.0f} | {p95:.0f} "
            f"| {cpu_medians(cpu, db_cpu)} | {queries} |",
            flush=True,
        )
    print(f"Load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", help="only the pages whose URL contains this text")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL database")
    if args.generate:
        generate(args.customers, args.orders)
    measure(args.runs, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
