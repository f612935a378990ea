"""Background exports at scale: the monthly workbook and the 个人台账 as worker jobs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_exports.py [--month 2026-05] [--smoke]

Run ``bench/generate.py`` first. With DEBUG off, measures:

* the request that asks for the month's workbook (``/registers/monthly.xlsx``): it counts
  the rows of every register and queues a job — median and max of 5, in milliseconds;
* the worker making the monthly workbook (``run_export_job``, with its progress reports),
  and, for comparison, the same workbook written directly as the request used to
  (``build_monthly_workbook``): wall time and peak memory above the process's start, each
  in a fresh process;
* the worker making the 个人台账 (every customer) as Excel.

Wall time depends on what else the machine runs; the process's own CPU time (Python: the
rows read, the workbook written) is reported beside it.

Prints a markdown report and writes it, with the raw figures as JSON, to ``bench/out/``.
The jobs it creates are deleted at the end; their files go to a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Jobs are queued in the database and run here by hand: no worker must take them meanwhile.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
warnings.filterwarnings("ignore", message="No directory at")

CASES = {
    "monthly_job": "月度工作簿，后台任务（run_export_job，含进度）",
    "monthly_direct": "月度工作簿，直接写出（原请求内的做法）",
    "personal_job": "个人台账 Excel，后台任务（admin，全部客户）",
}


def _status_mb(field: str) -> float:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    return int(match[1]) / 1024 if match else 0.0


def memory_window() -> tuple[float, bool]:
    """(RSS now in MB, whether the high-water mark could be reset to it): the peak read
    later (VmHWM) is then the peak of this window; otherwise an upper bound."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    return _status_mb("VmRSS"), reset


def child(case: str, month: str) -> dict:
    """One measurement in this (fresh) process; prints its figures as JSON."""
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from ledger.engine.workbook import build_monthly_workbook, monthly_queries, monthly_rows
    from ledger.exports.runner import exports_storage, run_export_job
    from ledger.exports.services import export_job_start
    from ledger.models import ExportJob, ExportKind

    admin = User.objects.get(username="admin")
    connection.ensure_connection()
    base, reset = memory_window()
    started = time.perf_counter()
    cpu = time.process_time()
    if case == "monthly_direct":
        queries = monthly_queries(user=admin, month=month)
        rows = monthly_rows(queries)
        book = build_monthly_workbook(user=admin, month=month, queries=queries)
        with tempfile.TemporaryFile() as handle:
            book.save(handle)
            size = handle.tell()
        job_id = None
    else:
        if case == "monthly_job":
            kwargs = {"kind": ExportKind.MONTHLY, "month": month, "params": f"month={month}"}
        else:
            kwargs = {
                "kind": ExportKind.REGISTER_XLSX,
                "register_code": "customers",
                "params": "scope=personal",
            }
        job = export_job_start(user=admin, title=f"bench {case}", **kwargs)
        status = run_export_job(job.pk)
        job = ExportJob.objects.get(pk=job.pk)
        assert status == "done", (status, job.error)
        rows, size, job_id = job.rows_total, job.size, job.pk
        exports_storage().delete(job.file_name)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "cpu_seconds": round(cpu, 2),
        "case": case,
        "seconds": round(seconds, 2),
        "peak_mb": round(_status_mb("VmHWM") - base, 1),
        "peak_total_mb": round(_status_mb("VmHWM"), 1),
        "peak_reset": reset,
        "rows": rows,
        "size_mb": round(size / 1e6, 2),
        "job_id": job_id,
    }


def busiest_month() -> str:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from ledger.models import ServiceRecord

    top = (
        ServiceRecord.objects.annotate(m=TruncMonth("received_on"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return top["m"].strftime("%Y-%m") if top else timezone_month()


def timezone_month() -> str:
    return datetime.date.today().strftime("%Y-%m")


def request_times(month: str, repeat: int) -> dict:
    from django.test import Client

    from accounts.models import User
    from ledger.models import ExportJob

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    times, ids = [], set()
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(f"/registers/monthly.xlsx?month={month}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
        ids.add(int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    ExportJob.objects.filter(pk__in=ids).delete()
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--month", help="YYYY-MM (default: the month with most service records)")
    parser.add_argument("--smoke", action="store_true", help="one run of each, for CI")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (default 3)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--child", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench_exports.py: set DATABASE_URL to a PostgreSQL database", file=sys.stderr)
        return 2
    store = tempfile.mkdtemp(prefix="bench-exports-")
    os.environ.setdefault("EXPORTS_ROOT", str(Path(store) / "store"))
    os.environ.setdefault("LEDGER_EXPORT_TMP_DIR", str(Path(store) / "tmp"))
    if args.child:
        print(json.dumps(child(args.child, args.month)))
        return 0

    import django

    django.setup()
    from django.db import connection

    from ledger.models import Customer, ExportJob

    month = args.month or busiest_month()
    repeat = 1 if args.smoke else max(args.repeat, 1)
    load_before = os.getloadavg()
    figures: dict = {"month": month, "customers": Customer.objects.count(), "cases": {}}
    figures["request"] = request_times(month, 2 if args.smoke else 5)
    for case in CASES:
        runs = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", case, "--month", month],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ,
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        figures["cases"][case] = runs
        ExportJob.objects.filter(pk__in=[r["job_id"] for r in runs if r["job_id"]]).delete()
    connection.close()

    lines = [
        f"Month {month}, {figures['customers']:,} customers; "
        f"{datetime.date.today():%Y-%m-%d}, {platform.node() or 'this machine'}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL; "
        f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after.",
        "",
        f"Asking for the month's workbook (`/registers/monthly.xlsx`: counts the rows up to "
        f"the threshold and queues a job): median **{figures['request']['median_ms']} ms**, max "
        f"{figures['request']['max_ms']} ms.",
        "",
        "| case | rows | file | time (median of runs) | Python CPU time | "
        "peak memory above start (process peak) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for case, runs in figures["cases"].items():
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        total = max(r["peak_total_mb"] for r in runs)
        cpu = statistics.median(r.get("cpu_seconds", 0) for r in runs)
        lines.append(
            f"| {CASES[case]} | {runs[0]['rows']:,} | {runs[0]['size_mb']} MB | "
            f"{seconds:.2f} s ({', '.join(str(r['seconds']) for r in runs)}) | {cpu:.1f} s | "
            f"{peak} MB ({total} MB) |"
        )
    report = "\n".join(lines)
    print(report)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "exports.md").write_text(report + "\n")
    (out / "exports.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
