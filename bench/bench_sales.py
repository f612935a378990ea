"""Benchmarks of the sales family's orders on a filled database.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_sales.py

Run ``bench/generate.py`` and ``bench/generate_sales.py`` first. Measures, with DEBUG off:

* the order lists (表5-8's list of orders, 5-6, 5-12, 5-13): first page, page 1000, a
  filter — server time (median, p95) and SQL queries per request;
* 表5-11 for one month of every salesperson (admin);
* for each page also the processor time of the serving process (app CPU) and of its
  PostgreSQL backend (DB CPU), medians in ms: unlike wall time they do not grow with the
  load of a shared machine;
  ``--db-cpu`` adds the backend's processor time per request with parallel workers off
  (mean over the runs), where the backend does all the work itself;
* the 5-12 Excel export of a year against openpyxl alone writing the same typed rows,
  each in a fresh process, wall time, processor time and peak memory above the start;
* a 20-line 表5-8 PDF and 表5-10 of the customer with the most orders (median, p95).

Prints a markdown report (``--smoke``: few runs, for CI; ``--only 5-11``: only the pages
whose label contains the text, without the export and the PDF; ``--skip``, ``--parts``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_registers as common

TARGETS = {"list_p95_ms": 100, "report_ms": 300, "export_ratio": 1.3, "memory_mb": 100,
           "pdf_seconds": 0.5}  # fmt: skip


def year_of_most_shipments() -> str:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from sales.models import Shipment

    row = (
        Shipment.objects.annotate(y=ExtractYear("shipped_on"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return str(row["y"])


def list_cases(year: str, month: str) -> list[tuple[str, str, str]]:
    return [
        ("5-8 订单列表 第 1 页（admin）", "admin", "/forms/5-8/"),
        ("5-8 订单列表 第 1000 页（admin）", "admin", "/forms/5-8/?page=1000"),
        ("5-8 订单列表 按合计排序（manager1）", "manager1", "/forms/5-8/?sort=-total_amount"),
        ("5-6 第 1 页（sales1）", "sales1", "/registers/5-6/"),
        ("5-6 第 1000 页（admin）", "admin", "/registers/5-6/?page=1000"),
        ("5-12 第 1 页（admin）", "admin", f"/registers/5-12/?period={year}"),
        ("5-12 第 1000 页（admin）", "admin", f"/registers/5-12/?period={year}&page=1000"),
        ("5-12 筛选 批号（manager1）", "manager1", f"/registers/5-12/?period={year}&q=PH"),
        ("5-13 第 1 页（admin）", "admin", f"/registers/5-13/?period={year}"),
        ("5-13 第 1000 页（admin）", "admin", f"/registers/5-13/?period={year}&page=1000"),
        ("5-11 一个月全部业务员（admin）", "admin", f"/registers/5-11/?period={month}"),
    ]


def serial_db_cpu(client, url: str, runs: int) -> float | None:
    """The backend's processor time per request (mean, ms) with parallel workers off, so
    that no worker's share is missed (plans may differ from the timed runs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        client.get(url)
        before = common.backend_cpu_ms()
        for _ in range(runs):
            client.get(url)
        after = common.backend_cpu_ms()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    return None if before is None or after is None else (after - before) / runs


def timed(client, url: str, runs: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, cpu, db_cpu, queries = [], [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            db0 = common.backend_cpu_ms()
            c0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            db1 = common.backend_cpu_ms()
            if db0 is not None and db1 is not None:
                db_cpu.append(db1 - db0)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return {
        **common.summary(times),
        "app_cpu": statistics.median(cpu),
        "db_cpu": statistics.median(db_cpu) if db_cpu else None,
        "queries": queries,
    }


def child(kind: str, out: Path, year: str) -> dict:
    # The export streams from the request, as a worker would write it: the writer is
    # measured, not the job queue.
    os.environ["LEDGER_EXPORT_JOB_ROWS"] = "100000000"
    common.setup_django()
    from django.http import QueryDict
    from openpyxl import Workbook

    from accounts.models import User
    from ledger.engine import site
    from ledger.engine.base import RegisterContext
    from ledger.engine.query import run_query

    url = f"/registers/5-12/export.xlsx?period={year}"
    if kind == "export":
        client = common.logged_in_client("admin")
        start_kb, peak_kb = common.memory_window()
        c0, t0 = time.process_time(), time.perf_counter()
        response = client.get(url)
        path = out / "5-12.xlsx"
        with path.open("wb") as handle:
            for chunk in response.streaming_content:
                handle.write(chunk)
        seconds = time.perf_counter() - t0
        return {
            "seconds": seconds,
            "cpu_seconds": time.process_time() - c0,
            "peak_above_start_mb": (peak_kb() - start_kb) / 1024,
            "sheet_rows": common._sheet_rows(path),
        }
    register = site.get("5-12")
    context = RegisterContext(
        user=User.objects.get(username="admin"), params=QueryDict(f"period={year}")
    )
    start_kb, peak_kb = common.memory_window()
    c0, t0 = time.process_time(), time.perf_counter()
    query = run_query(register, context)
    columns = list(query.columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(register.title)
    sheet.append([c.label for c in columns])
    for row in query.iter_rows():
        sheet.append([c.typed(row) for c in columns])
    path = out / "baseline.xlsx"
    workbook.save(path)
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        "peak_above_start_mb": (peak_kb() - start_kb) / 1024,
        "sheet_rows": common._sheet_rows(path),
    }


def run_child(kind: str, out: Path, year: str) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--out", str(out), "--year", year]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pdf_pages(body: bytes) -> int | None:
    """The page count (poppler's pdfinfo), or None where it is not installed."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(body)
        handle.flush()
        try:
            info = subprocess.run(
                ["pdfinfo", handle.name], capture_output=True, text=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match[1]) if match else None


def timed_pdf(client, url: str, runs: int) -> dict:
    client.get(url)
    times, cpu, body = [], [], b""
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert response.status_code == 200 and body.startswith(b"%PDF"), url
    return {**common.summary(times), "cpu_median": statistics.median(cpu), "pages": pdf_pages(body)}


def bench_statistics_pdf(runs: int) -> dict:
    """表5-10 (订货统计表) of the customer with the most orders: its latest 200 order lines
    and the month prices, landscape, 18 columns."""
    from django.db.models import Count

    from ledger.models import Customer

    customer = Customer.objects.annotate(n=Count("orders")).order_by("-n", "pk").first()
    client = common.logged_in_client("admin")
    return timed_pdf(client, f"/forms/5-10/{customer.pk}.pdf", runs)


def bench_pdf(runs: int) -> dict:
    from django.db.models import Count

    from sales.models import Order

    order = Order.objects.annotate(n=Count("lines")).filter(n__gte=9).order_by("-n", "pk").first()
    client = common.logged_in_client("admin")
    # A 20-line order: the largest generated has 9 lines, so one is extended for the run.
    from sales.models import OrderLine

    lines = list(order.lines.order_by("position"))
    extra = [
        OrderLine(
            order=order,
            position=len(lines) + i + 1,
            product_id=lines[i % len(lines)].product_id,
            spec=lines[i % len(lines)].spec,
            unit=lines[i % len(lines)].unit,
            quantity=lines[i % len(lines)].quantity,
            unit_price=lines[i % len(lines)].unit_price,
            amount=lines[i % len(lines)].amount,
        )
        for i in range(20 - len(lines))
    ]
    OrderLine.objects.bulk_create(extra)
    try:
        result = timed_pdf(client, f"/forms/5-8/{order.pk}.pdf", runs)
    finally:
        OrderLine.objects.filter(pk__in=[e.pk for e in extra]).delete()
    return {**result, "lines": 20}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument(
        "--only", help="only the pages whose label contains this text (no export, no PDF)"
    )
    parser.add_argument(
        "--skip", action="append", default=[], help="skip the pages whose label contains this"
    )
    parser.add_argument(
        "--parts", default="lists,export,pdf", help="comma-separated: lists, export, pdf"
    )
    parser.add_argument(
        "--db-cpu",
        action="store_true",
        help="also the backend's processor time per request, parallel workers off",
    )
    parser.add_argument("--child")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    parser.add_argument("--year")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(child(args.child, out, args.year)))
        return 0
    runs, warmup = (2, 1) if args.smoke else (args.runs, args.warmup)
    common.setup_django()
    from django.db import connection

    from sales.models import Order, OrderLine, ShipmentLine

    year = year_of_most_shipments()
    month = f"{year}-06"
    print(
        f"Database {connection.settings_dict['NAME']}: {Order.objects.count():,} orders, "
        f"{OrderLine.objects.count():,} lines, {ShipmentLine.objects.count():,} shipment "
        f"lines; 5-12/5-13 year {year}, 5-11 month {month}"
    )
    print(f"Load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    parts = set(args.parts.split(","))
    results, export, baseline, pdf = {}, None, None, None
    if "lists" in parts:
        serial = " DB CPU serial ms |" if args.db_cpu else ""
        print(
            f"\n| page | median ms | p95 ms | app CPU ms | DB CPU ms | queries |{serial}"
            f"\n|---|---:|---:|---:|---:|---:|{'---:|' if args.db_cpu else ''}"
        )
        clients = {}
        for label, user, url in list_cases(year, month):
            if (args.only and args.only not in label) or any(s in label for s in args.skip):
                continue
            client = clients.setdefault(user, common.logged_in_client(user))
            r = timed(client, url, runs, warmup)
            extra = ""
            if args.db_cpu:
                r["db_cpu_serial"] = serial_db_cpu(client, url, runs)
                value = r["db_cpu_serial"]
                extra = f" {'—' if value is None else f'{value:.0f}'} |"
            results[label] = r
            db = "—" if r["db_cpu"] is None else f"{r['db_cpu']:.0f}"
            print(
                f"| {label} | {r['median']:.1f} | {r['p95']:.1f} | {r['app_cpu']:.0f} | {db} "
                f"| {r['queries']} |{extra}",
                flush=True,
            )
    if args.only:
        print(f"Load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        (out / "bench_sales.json").write_text(json.dumps({"lists": results}))
        return 0
    if "export" in parts:
        export = run_child("export", out, year)
        baseline = run_child("baseline", out, year)
        ratio = export["seconds"] / baseline["seconds"]
        cpu_ratio = export["cpu_seconds"] / baseline["cpu_seconds"]
        print(
            f"\n5-12 Excel of {year}: {export['sheet_rows']:,} sheet rows in "
            f"{export['seconds']:.2f} s (CPU {export['cpu_seconds']:.2f} s), memory "
            f"+{export['peak_above_start_mb']:.1f} MB; openpyxl alone {baseline['seconds']:.2f} s "
            f"(CPU {baseline['cpu_seconds']:.2f} s, +{baseline['peak_above_start_mb']:.1f} MB)"
            f"; ratio {ratio:.2f}, CPU ratio {cpu_ratio:.2f} (target ≤ {TARGETS['export_ratio']})"
        )
    if "pdf" in parts:
        pdf = bench_pdf(max(3, runs // 2))
        print(
            f"20-line 表5-8 PDF: median {pdf['median']:.3f} s, p95 {pdf['p95']:.3f} s "
            f"(app CPU median {pdf['cpu_median']:.3f} s)"
        )
        stats = bench_statistics_pdf(max(3, runs // 4))
        pdf["statistics_5_10"] = stats
        print(
            f"表5-10 PDF ({stats['pages']} pages): median {stats['median']:.3f} s, "
            f"p95 {stats['p95']:.3f} s (app CPU median {stats['cpu_median']:.3f} s)"
        )
    print(f"Load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    (out / "bench_sales.json").write_text(
        json.dumps({"lists": results, "export": export, "baseline": baseline, "pdf": pdf})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
