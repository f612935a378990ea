"""Benchmarks of the sales family's orders on a filled database.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_sales.py

Run ``bench/generate.py`` and ``bench/generate_sales.py`` first. Measures, with DEBUG off:

* the order lists (表5-8's list of orders, 5-6, 5-12, 5-13): first page, page 1000, a
  filter — server time (median, p95) and SQL queries per request;
* 表5-11 for one month of every salesperson (admin);
* the 5-12 Excel export of a year against openpyxl alone writing the same typed rows,
  each in a fresh process, wall time and peak memory above the start;
* a 20-line 表5-8 PDF (median, p95).

Prints a markdown report (``--smoke``: few runs, for CI).
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


def backend_cpu_ms() -> float | None:
    """Processor time used so far by this connection's PostgreSQL backend (same machine
    only; /proc counts in clock ticks, so only an average over many requests means much)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except Exception:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def timed(client, url: str, runs: int, warmup: int, db_cpu: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, cpu, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            c0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    # The app's own processor time is not inflated by other processes on the machine.
    result = {**common.summary(times), "cpu_median": common.summary(cpu)["median"]}
    if db_cpu:
        # The database's processor time per request, with parallel workers off so that the
        # backend does all the work (plans may differ from the wall-time runs above).
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        client.get(url)
        before = backend_cpu_ms()
        for _ in range(runs):
            client.get(url)
        after = backend_cpu_ms()
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
        if before is not None and after is not None:
            result["db_cpu_mean"] = (after - before) / runs
    return {**result, "queries": queries}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def child(kind: str, out: Path, year: str) -> dict:
    # The export streams from the request, as a worker would write it: the writer is measured,
    # not the job queue.
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
    times, cpu, pages = [], [], 0
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert response.status_code == 200 and body.startswith(b"%PDF"), url
    pages = pdf_pages(body)
    return {**common.summary(times), "cpu_median": common.summary(cpu)["median"], "pages": pages}


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
        url = f"/forms/5-8/{order.pk}.pdf"
        client.get(url)
        times, cpu = [], []
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            assert response.status_code == 200 and body.startswith(b"%PDF")
    finally:
        OrderLine.objects.filter(pk__in=[e.pk for e in extra]).delete()
    return {**common.summary(times), "cpu_median": common.summary(cpu)["median"], "lines": 20}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    parser.add_argument("--year")
    parser.add_argument(
        "--parts", default="lists,export,pdf", help="comma-separated: lists, export, pdf"
    )
    parser.add_argument(
        "--skip", action="append", default=[], help="skip list cases whose label contains this"
    )
    parser.add_argument("--only", help="run only the list cases whose label contains this")
    parser.add_argument(
        "--db-cpu",
        action="store_true",
        help="also measure the PostgreSQL backend's processor time per request (same machine)",
    )
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
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
    print(f"Load average at the start: {load_average()}")
    results, export, baseline, pdf = {}, None, None, None
    if "lists" in parts:
        print(
            "\n| page | median ms | p95 ms | app CPU ms | DB CPU ms | queries |"
            "\n|---|---:|---:|---:|---:|---:|"
        )
        clients = {}
        for label, user, url in list_cases(year, month):
            if any(s in label for s in args.skip) or (args.only and args.only not in label):
                continue
            client = clients.setdefault(user, common.logged_in_client(user))
            r = timed(client, url, runs, warmup, db_cpu=args.db_cpu)
            results[label] = r
            db = f"{r['db_cpu_mean']:.0f}" if "db_cpu_mean" in r else "—"
            print(
                f"| {label} | {r['median']:.1f} | {r['p95']:.1f} | {r['cpu_median']:.1f} "
                f"| {db} | {r['queries']} |",
                flush=True,
            )
    if "export" in parts:
        # Alternated, so a change of load between the two children shows in the pairs.
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
    print(f"Load average at the end: {load_average()}")
    (out / "bench_sales.json").write_text(
        json.dumps({"lists": results, "export": export, "baseline": baseline, "pdf": pdf})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
