"""Benchmarks of the customer ledger (客户台账) and of 表5-7 on a full-size database.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_registers.py

Run ``bench/generate.py`` first. Measures, with DEBUG off:

* the customer list page: server time (median, p95) and SQL queries per request for the
  public ledger (first page, page 1000, a filter) as ``sales1`` and the personal ledger
  (first page, a search) as ``admin``, plus a few further cases;
* the Excel export of the personal ledger (all 100,000 customers) as ``admin``: wall time
  and peak memory above the process's start, in a fresh process each time, against a
  baseline — openpyxl alone writing the same typed rows, prefetched — measured in the
  same run;
* the 表5-7 PDF (~40 products): median and p95 time, and whether WeasyPrint subsets
  fonts with HarfBuzz.

Prints a markdown report and writes it, with the raw figures as JSON, to ``bench/out/``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import math
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

# Production-like settings (DEBUG off), with what the test client needs; the same
# overrides as tests/settings.py. Any of them can be set in the environment instead.
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
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic

EXPORT_URL = "/registers/customers/export.xlsx?scope=personal"
# A search that matches a few dozen customers: the export's code path on a few rows.
WARMUP_EXPORT_URL = "/registers/customers/export.xlsx?scope=personal&q=恒通"
PDF_URL = "/registers/5-7/print.pdf"
SEARCH_TERM = "恒通"

# (key, label, user, query string, required by the brief)
LIST_CASES = [
    ("public_first", "公共台账 第 1 页", "sales1", "", True),
    ("public_page_1000", "公共台账 第 1000 页", "sales1", "page=1000", True),
    (
        "public_filter",
        "公共台账 筛选 类别=重点 + 负责人=sales1",
        "sales1",
        "category=key&owner={sales1}",
        True,
    ),
    ("personal_first", "个人台账 第 1 页（admin，全部客户）", "admin", "scope=personal", True),
    (
        "personal_search",
        f"个人台账 搜索 q={SEARCH_TERM}（admin）",
        "admin",
        f"scope=personal&q={SEARCH_TERM}",
        True,
    ),
    ("personal_sales1", "个人台账 第 1 页（sales1，本人客户）", "sales1", "scope=personal", False),
    (
        "personal_manager",
        "个人台账 第 1 页（manager1，本部门客户）",
        "manager1",
        "scope=personal",
        False,
    ),
    ("public_sort_contact", "公共台账 按最近联系倒序", "sales1", "sort=-last_contact_on", False),
    (
        "personal_phone",
        "个人台账 电话号码搜索 q=1381（admin）",
        "admin",
        "scope=personal&q=1381",
        False,
    ),
]

TARGETS = {
    "list_p95_ms": 100,
    "export_ratio": 1.3,
    "export_memory_mb": 100,
    "pdf_seconds": 0.5,
}


# --- Measuring helpers ------------------------------------------------------------------
def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


def backend_cpu_ms() -> float | None:
    """Processor time (user + system, ms) the PostgreSQL backend of Django's connection has
    used so far, read from ``/proc`` (the server on this host); None where it cannot be read.

    The database's share of a request on a shared machine: unlike wall time it does not grow
    with the other processes' load. Resolution: one clock tick (10 ms)."""
    from django.db import connection

    try:
        connection.ensure_connection()
        raw = connection.connection
        pid = raw.info.backend_pid if hasattr(raw, "info") else raw.get_backend_pid()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, AttributeError, IndexError):
        return None
    # After the command name: state is field 3, utime 14 and stime 15 (man 5 proc).
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _status_kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match[1]) if match else 0


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False if the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def memory_window():
    """(start RSS in kB, a function returning the peak RSS since then in kB).

    Where the kernel refuses to reset the high-water mark, the peak returned may predate
    the window: it is then an upper bound.
    """
    gc.collect()
    memory_window.reset = reset_peak_rss()
    start = _status_kb("VmRSS")
    return start, lambda: _status_kb("VmHWM")


def setup_django():
    import django

    django.setup()


def logged_in_client(username: str):
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# --- Children: one fresh process per Excel measurement ---------------------------------
def child_export(out_dir: Path, profile: bool) -> dict:
    """The real export through the view, as admin, streamed to a file."""
    setup_django()
    client = logged_in_client("admin")
    warm = client.get(WARMUP_EXPORT_URL)
    assert warm.status_code == 200, warm.status_code
    for _chunk in warm.streaming_content:
        pass
    warm.close()

    path = out_dir / "export.xlsx"
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    start_kb, peak_kb = memory_window()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    response = client.get(EXPORT_URL)
    size = 0
    with path.open("wb") as handle:
        for chunk in response.streaming_content:
            handle.write(chunk)
            size += len(chunk)
    response.close()
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = peak_kb()
    if profiler:
        profiler.dump_stats(str(out_dir / "export.prof"))
    assert response.status_code == 200, response.status_code
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "start_rss_mb": start_kb / 1024,
        "peak_above_start_mb": (peak - start_kb) / 1024,
        "bytes": size,
        "sheet_rows": _sheet_rows(path),
        "content_type": response["Content-Type"],
        "peak_reset": memory_window.reset,
    }


def child_baseline(out_dir: Path) -> dict:
    """openpyxl alone: the export's columns and typed values, prefetched, to a file."""
    setup_django()
    from django.http import QueryDict
    from openpyxl import Workbook

    from accounts.models import User
    from ledger.engine import site
    from ledger.engine.base import RegisterContext
    from ledger.engine.query import run_query

    register = site.get("customers")
    context = RegisterContext(
        user=User.objects.get(username="admin"), params=QueryDict("scope=personal")
    )
    t0 = time.perf_counter()
    query = run_query(register, context)
    columns = list(query.columns)
    rows = [tuple(col.typed(row) for col in columns) for row in query.iter_rows()]
    fetch_seconds = time.perf_counter() - t0

    path = out_dir / "baseline.xlsx"
    start_kb, peak_kb = memory_window()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(register.title)
    sheet.append([col.label for col in columns])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = peak_kb()
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "fetch_seconds": fetch_seconds,
        "rows": len(rows),
        "columns": len(columns),
        "start_rss_mb": start_kb / 1024,
        "peak_above_start_mb": (peak - start_kb) / 1024,
        "bytes": path.stat().st_size,
        "sheet_rows": _sheet_rows(path),
        "peak_reset": memory_window.reset,
    }


def _sheet_rows(path: Path) -> int:
    """The number of the last row of the first sheet, read from the XML (no openpyxl)."""
    import zipfile

    last = 0
    pattern = re.compile(rb'<row r="(\d+)"')
    with zipfile.ZipFile(path) as archive:
        name = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))[0]
        with archive.open(name) as sheet:
            tail = b""
            while chunk := sheet.read(1 << 20):
                data = tail + chunk
                for match in pattern.finditer(data):
                    last = int(match[1])
                tail = data[-64:]
    return last


def run_child(kind: str, out_dir: Path, profile: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--out", str(out_dir)]
    if profile:
        cmd.append("--profile")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} child failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- Benchmarks -------------------------------------------------------------------------
def bench_lists(runs: int, warmup: int, explain: bool) -> list[dict]:
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from ledger.engine import site
    from ledger.engine.base import RegisterContext
    from ledger.engine.query import run_query

    register = site.get("customers")
    ids = {u.username: u.pk for u in User.objects.all()}
    clients: dict = {}
    results = []
    for key, label, username, query, required in LIST_CASES:
        query = query.format(**ids)
        url = "/registers/customers/" + (f"?{query}" if query else "")
        client = clients.get(username) or clients.setdefault(username, logged_in_client(username))
        for _ in range(warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = [
            {"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in captured.captured_queries
        ]
        matching = run_query(
            register,
            RegisterContext(user=User.objects.get(pk=ids[username]), params=QueryDict(query)),
        ).count()
        slowest = max(queries, key=lambda q: q["ms"])
        plan = explain_analyze(slowest["sql"]) if explain else None
        ms = [t * 1000 for t in times]
        results.append(
            {
                "key": key,
                "label": label,
                "user": username,
                "url": url,
                "required": required,
                "matching_rows": matching,
                "bytes": len(response.content),
                "queries": len(queries),
                "sql_ms": sum(q["ms"] for q in queries),
                "slowest_query_ms": slowest["ms"],
                "slowest_query": slowest["sql"],
                "explain": plan,
                "query_log": queries,
                **{f"{k}_ms": v for k, v in summary(ms).items() if k != "n"},
                "n": len(ms),
            }
        )
        print(
            f"  {label:<44} median {statistics.median(ms):6.1f} ms  "
            f"p95 {percentile(ms, 95):6.1f} ms  {len(queries)} queries",
            flush=True,
        )
    return results


def explain_analyze(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def bench_excel(repeats: int, profile: bool) -> dict:
    exports, baselines = [], []
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
        tmp_dir = Path(tmp)
        for i in range(repeats):
            # Alternate, so that a slow spell of the machine hits both sides.
            exports.append(run_child("export", tmp_dir))
            baselines.append(run_child("baseline", tmp_dir))
            e, b = exports[-1], baselines[-1]
            print(
                f"  run {i + 1}: export {e['seconds']:6.2f} s "
                f"(+{e['peak_above_start_mb']:.0f} MB), baseline {b['seconds']:6.2f} s "
                f"(+{b['peak_above_start_mb']:.0f} MB)",
                flush=True,
            )
        if profile:
            prof_dir = ROOT / "bench" / "out"
            prof_dir.mkdir(parents=True, exist_ok=True)
            run_child("export", prof_dir, profile=True)
            print(f"  profile of one export: {prof_dir / 'export.prof'}", flush=True)
    export_s = statistics.median(e["seconds"] for e in exports)
    baseline_s = statistics.median(b["seconds"] for b in baselines)
    return {
        "url": EXPORT_URL,
        "runs": repeats,
        "export_seconds": export_s,
        "baseline_seconds": baseline_s,
        "ratio": export_s / baseline_s,
        "export_peak_above_start_mb": max(e["peak_above_start_mb"] for e in exports),
        "baseline_peak_above_start_mb": max(b["peak_above_start_mb"] for b in baselines),
        "baseline_fetch_seconds": statistics.median(b["fetch_seconds"] for b in baselines),
        "rows": baselines[0]["rows"],
        "columns": baselines[0]["columns"],
        "exports": exports,
        "baselines": baselines,
    }


def bench_pdf(runs: int, phase_runs: int) -> dict:
    from ledger.checks import harfbuzz_subsetter_available
    from ledger.models import Product

    client = logged_in_client("admin")
    response = client.get(PDF_URL)  # warm-up: fonts, templates
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(PDF_URL)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
    body = response.content
    assert body.startswith(b"%PDF"), body[:20]
    import weasyprint

    return {
        "url": PDF_URL,
        "products": Product.objects.count(),
        "bytes": len(body),
        "harfbuzz_subsetter": harfbuzz_subsetter_available(),
        "weasyprint": weasyprint.__version__,
        **{f"{k}_s": v for k, v in summary(times).items() if k != "n"},
        "n": len(times),
        "times_s": times,
        **pdf_phases(phase_runs),
    }


def pdf_phases(runs: int) -> dict:
    """Where a 表5-7 PDF's time goes: rows and HTML, WeasyPrint layout, PDF writing."""
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from accounts.models import User
    from ledger.engine import site
    from ledger.engine.base import RegisterContext
    from ledger.engine.pdf import BASE_URL, StaticOnlyFetcher
    from ledger.engine.printing import register_print_context
    from ledger.engine.query import run_query

    register = site.get("5-7")
    context = RegisterContext(user=User.objects.get(username="admin"), params=QueryDict())
    phases: dict[str, list[float]] = {"html": [], "layout": [], "write": []}
    pages = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        html = render_to_string(
            "print/register.html", register_print_context(run_query(register, context))
        )
        t1 = time.perf_counter()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
        t2 = time.perf_counter()
        document.write_pdf()
        t3 = time.perf_counter()
        pages = len(document.pages)
        phases["html"].append(t1 - t0)
        phases["layout"].append(t2 - t1)
        phases["write"].append(t3 - t2)
    return {
        "pages": pages,
        "phases_median_s": {k: statistics.median(v) for k, v in phases.items()},
    }


# --- Report -----------------------------------------------------------------------------
def environment() -> dict:
    import django
    import openpyxl
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT count(*) FROM ledger_customer), (SELECT count(*) FROM ledger_contact),"
            " (SELECT count(*) FROM ledger_customerevent),"
            " (SELECT count(*) FROM ledger_servicerecord), (SELECT count(*) FROM ledger_product)"
        )
        counts = dict(
            zip(
                ("customers", "contacts", "events", "service_records", "products"),
                cursor.fetchone(),
                strict=True,
            )
        )
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    with contextlib.suppress(OSError, TypeError):
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = "", False
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "openpyxl": openpyxl.__version__,
        "postgresql": pg_version,
        "database": connection.settings_dict["NAME"],
        "debug": os.environ.get("DEBUG"),
        "git": f"{commit}{' (uncommitted changes)' if dirty else ''}",
        "load_average_at_start": os.getloadavg(),
        "counts": counts,
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render_markdown(report: dict) -> str:
    env = report["environment"]
    lines = [
        "# Register benchmarks",
        "",
        f"{env['date']} · {env['cpu']} · {env['cores']} cores · {env['memory_gb']} GB · "
        f"Python {env['python']} · Django {env['django']} · PostgreSQL {env['postgresql']} · "
        f"openpyxl {env['openpyxl']} · git {env['git']}",
        "",
        "Load average (1, 5, 15 min) at the start "
        + " / ".join(f"{x:.2f}" for x in env["load_average_at_start"])
        + ", at the end "
        + " / ".join(f"{x:.2f}" for x in env.get("load_average_at_end", ()))
        + ".",
        "",
        "Data: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in env["counts"].items())
        + f" (database `{env['database']}`).",
        "",
    ]
    if report.get("lists"):
        target = TARGETS["list_p95_ms"]
        lines += [
            f"## Customer list page (server time, {report['lists'][0]['n']} requests each)",
            "",
            "| case | user | rows | median | p95 | SQL queries | SQL time | slowest query |"
            " p95 target | verdict |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in report["lists"]:
            star = "" if r["required"] else " ¹"
            lines.append(
                f"| {r['label']}{star} | {r['user']} | {r['matching_rows']:,} | "
                f"{r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['queries']} | "
                f"{r['sql_ms']:.1f} ms | {r['slowest_query_ms']:.1f} ms | ≤ {target} ms | "
                f"{verdict(r['p95_ms'] <= target)} |"
            )
        lines += ["", "¹ additional case, beyond the standard set.", ""]
    if report.get("excel"):
        x = report["excel"]
        lines += [
            f"## Excel export of the personal ledger ({x['rows']:,} rows × {x['columns']} "
            f"columns, median of {x['runs']} fresh processes)",
            "",
            "| figure | measured | target | verdict |",
            "|---|---:|---:|---|",
            f"| export wall time (`{x['url']}`) | {x['export_seconds']:.2f} s | | |",
            f"| baseline: openpyxl write-only, same typed rows prefetched | "
            f"{x['baseline_seconds']:.2f} s | | |",
            f"| ratio export / baseline | {x['ratio']:.2f}× | ≤ {TARGETS['export_ratio']}× | "
            f"{verdict(x['ratio'] <= TARGETS['export_ratio'])} |",
            f"| export peak memory above start | {x['export_peak_above_start_mb']:.0f} MB | "
            f"< {TARGETS['export_memory_mb']} MB | "
            f"{verdict(x['export_peak_above_start_mb'] < TARGETS['export_memory_mb'])} |",
            f"| baseline peak memory above start (rows already in memory) | "
            f"{x['baseline_peak_above_start_mb']:.0f} MB | | |",
            f"| baseline's prefetch of the rows (not timed in the ratio) | "
            f"{x['baseline_fetch_seconds']:.2f} s | | |",
            "",
            "| run | export | CPU | RSS at start | peak above | baseline | CPU | peak above |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for i, (e, b) in enumerate(zip(x["exports"], x["baselines"], strict=True), start=1):
            lines.append(
                f"| {i} | {e['seconds']:.2f} s | {e['cpu_seconds']:.2f} s | "
                f"{e['start_rss_mb']:.0f} MB | "
                f"{e['peak_above_start_mb']:.0f} MB | {b['seconds']:.2f} s | "
                f"{b['cpu_seconds']:.2f} s | {b['peak_above_start_mb']:.0f} MB |"
            )
        lines += [
            "",
            f"The export wrote {x['exports'][0]['sheet_rows']:,} sheet rows "
            f"({x['exports'][0]['bytes'] / 1e6:.1f} MB); CPU is the process's own time — "
            "the rest of the wall time is spent waiting for PostgreSQL.",
            "",
        ]
    if report.get("pdf"):
        p = report["pdf"]
        lines += [
            f"## 表5-7 PDF ({p['products']} products, {p['pages']} page(s), "
            f"{p['bytes'] / 1024:.0f} KB; {p['n']} runs after a warm-up)",
            "",
            "| figure | measured | target | verdict |",
            "|---|---:|---:|---|",
            f"| median | {p['median_s']:.3f} s | < {TARGETS['pdf_seconds']} s | "
            f"{verdict(p['median_s'] < TARGETS['pdf_seconds'])} |",
            f"| p95 | {p['p95_s']:.3f} s | < {TARGETS['pdf_seconds']} s | "
            f"{verdict(p['p95_s'] < TARGETS['pdf_seconds'])} |",
            f"| WeasyPrint {p['weasyprint']} subsets fonts with HarfBuzz | "
            f"{'yes' if p['harfbuzz_subsetter'] else 'no'} | yes | "
            f"{verdict(p['harfbuzz_subsetter'])} |",
            "",
            "Median per phase (rendered outside the view): "
            + ", ".join(f"{k} {v:.3f} s" for k, v in p["phases_median_s"].items())
            + " — `html`: query and template, `layout`: WeasyPrint's layout, "
            "`write`: PDF output with font subsetting.",
            "",
        ]
    if report.get("lists") and any(r["explain"] for r in report["lists"]):
        lines += ["## Slowest query of each list case", ""]
        for r in report["lists"]:
            lines += [
                f"### {r['label']} — {r['slowest_query_ms']:.1f} ms",
                "",
                "```sql",
                r["slowest_query"],
                "```",
                "",
                "```",
                r["explain"] or "",
                "```",
                "",
            ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per list case (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument(
        "--excel-runs", type=int, default=5, help="export and baseline processes each (5)"
    )
    parser.add_argument("--pdf-runs", type=int, default=10, help="PDF renders (10)")
    parser.add_argument(
        "--only",
        choices=["lists", "excel", "pdf"],
        action="append",
        help="run only these parts (repeatable)",
    )
    parser.add_argument(
        "--no-explain", action="store_true", help="skip EXPLAIN ANALYZE of the slowest list queries"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also write a cProfile of one export to bench/out/export.prof",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a quick run that only checks every part works (CI): 2 requests per list case "
        "after 1 warm-up, 1 export and baseline, 1 PDF; the figures mean nothing",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--child", choices=["export", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.warmup, args.excel_runs, args.pdf_runs = 2, 1, 1, 1
    if min(args.runs, args.excel_runs, args.pdf_runs) < 1 or args.warmup < 0:
        parser.error("--runs, --excel-runs and --pdf-runs must be at least 1")

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to the PostgreSQL database filled by bench/generate.py")

    if args.child:
        result = (
            child_export(args.out, args.profile)
            if args.child == "export"
            else child_baseline(args.out)
        )
        print(json.dumps(result))
        return 0

    setup_django()
    parts = set(args.only or ["lists", "excel", "pdf"])
    report: dict = {"environment": environment(), "targets": TARGETS}
    counts = report["environment"]["counts"]
    if not counts["customers"]:
        print("No customers: run bench/generate.py first.", file=sys.stderr)
        return 1
    print(f"{counts['customers']:,} customers in {report['environment']['database']}", flush=True)
    if "lists" in parts:
        print("Customer list page:", flush=True)
        report["lists"] = bench_lists(args.runs, args.warmup, explain=not args.no_explain)
    if "excel" in parts:
        print("Excel export (fresh process per run):", flush=True)
        report["excel"] = bench_excel(args.excel_runs, args.profile)
    if "pdf" in parts:
        print("表5-7 PDF:", flush=True)
        report["pdf"] = bench_pdf(args.pdf_runs, 1 if args.smoke else max(3, args.pdf_runs // 2))

    report["environment"]["load_average_at_end"] = os.getloadavg()
    markdown = render_markdown(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "registers.md").write_text(markdown + "\n", encoding="utf-8")
    (args.out / "registers.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    print()
    print(markdown.split("\n## Slowest query")[0])
    print(f"Written: {args.out / 'registers.md'}, {args.out / 'registers.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
