"""Benchmarks of the contract registers (表5-17 … 5-25) and the inbox (待我处理).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_contracts.py

Run ``bench/generate.py`` and ``bench/generate_contracts.py`` first. Measures, with DEBUG
off, the server time (median, p95) and the SQL queries per request of every contract
register's list page — as ``admin`` (every contract) and as the role that reads it
day to day — and of ``/inbox/`` for a department reviewer, a manager, the 销售助理 and the
总经理. Target: p95 under 100 ms. Prints a markdown report and writes it, with the raw
figures, to ``bench/out/contracts.md`` / ``contracts.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_registers import (  # noqa: E402  (sets the bench settings first)
    environment,
    explain_analyze,
    logged_in_client,
    percentile,
    setup_django,
    summary,
    verdict,
)

TARGET_MS = 100

# (label, user, url)
CASES = [
    # A reference with little data (40 products): what any page costs on the machine as it
    # is at the time of the run, to read the other figures against.
    ("参照：表5-7 产品记录表（40 行）", "admin", "/registers/5-7/"),
    ("5-17 销售合同登记台账 本年度（admin）", "admin", "/registers/5-17/"),
    ("5-17 本年度（manager1，本部门）", "manager1", "/registers/5-17/"),
    (
        "5-17 上一年度 按总价倒序（admin）",
        "admin",
        "/registers/5-17/?period={last_year}&sort=-amount",
    ),
    ("5-18 订货合同登记台账（admin）", "admin", "/registers/5-18/"),
    ("5-18 订货合同登记台账（sales1，本人）", "sales1", "/registers/5-18/"),
    ("5-19 合同管理台账（admin）", "admin", "/registers/5-19/"),
    ("5-19 合同管理台账 第 100 页（admin）", "admin", "/registers/5-19/?page=100"),
    ("5-19 合同管理台账 搜索（assistant1）", "assistant1", "/registers/5-19/?q=年度采购"),
    ("5-20 合同评审登记台账（admin）", "admin", "/registers/5-20/"),
    ("5-20 合同评审登记台账（manager1）", "manager1", "/registers/5-20/"),
    ("5-20 合同评审登记台账（quality1，本部门）", "quality1", "/registers/5-20/"),
    ("5-21 销售合同统计台账 本年度（admin）", "admin", "/registers/5-21/"),
    ("5-21 销售合同统计台账 本年度（manager2）", "manager2", "/registers/5-21/"),
    ("5-22 销售合同检查台账（admin）", "admin", "/registers/5-22/"),
    ("5-23 合同文本领用登记台账（assistant1）", "assistant1", "/registers/5-23/"),
    ("5-24 《授权委托书》使用登记台账（assistant1）", "assistant1", "/registers/5-24/"),
    ("5-25 销售合同归档汇总登记台账（admin）", "admin", "/registers/5-25/"),
    ("5-25 归档汇总 按年度筛选（sales1）", "sales1", "/registers/5-25/?year={this_year}"),
    ("待我处理（production1）", "production1", "/inbox/"),
    ("待我处理（quality1）", "quality1", "/inbox/"),
    ("待我处理（manager1）", "manager1", "/inbox/"),
    ("待我处理（assistant1）", "assistant1", "/inbox/"),
    ("待我处理（gm）", "gm", "/inbox/"),
    ("待我处理（sales1）", "sales1", "/inbox/"),
]


def counts() -> dict:
    from django.db import connection

    tables = {
        "contracts": "contracts_contract",
        "contract_lines": "contracts_contractline",
        "review_rounds": "contracts_reviewround",
        "review_steps": "contracts_reviewstep",
        "inspections": "contracts_contractinspection",
        "text_uses": "contracts_contracttextuse",
        "letters": "contracts_authorizationletter",
        "archives": "contracts_contractarchive",
    }
    with connection.cursor() as cursor:
        out = {}
        for key, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[key] = cursor.fetchone()[0]
    return out


def matching_rows(url: str, username: str) -> int | None:
    """The rows a register page lists (all pages), by the engine's own query."""
    from urllib.parse import urlsplit

    from django.http import QueryDict

    from accounts.models import User
    from ledger.engine import site
    from ledger.engine.base import RegisterContext
    from ledger.engine.query import run_query

    parts = urlsplit(url)
    if not parts.path.startswith("/registers/"):
        return None
    register = site.get(parts.path.strip("/").split("/")[1])
    context = RegisterContext(
        user=User.objects.get(username=username), params=QueryDict(parts.query)
    )
    return run_query(register, context).count()


def bench(runs: int, warmup: int, explain: bool) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    year = timezone.localdate().year
    clients: dict = {}
    results = []
    for label, username, url in CASES:
        url = url.format(this_year=year, last_year=year - 1)
        client = clients.get(username) or clients.setdefault(username, logged_in_client(username))
        for _ in range(warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times, cpu = [], []
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            # The application's own processor time: what the request costs this process,
            # whatever else the machine is running (the database's share is in sql_ms).
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = [
            {"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in captured.captured_queries
        ]
        slowest = max(queries, key=lambda q: q["ms"])
        rows = matching_rows(url, username)
        results.append(
            {
                "label": label,
                "user": username,
                "url": url,
                "rows": rows,
                "queries": len(queries),
                "sql_ms": sum(q["ms"] for q in queries),
                "app_cpu_median_ms": statistics.median(cpu),
                "slowest_query_ms": slowest["ms"],
                "slowest_query": slowest["sql"],
                "explain": explain_analyze(slowest["sql"]) if explain else None,
                **{f"{k}_ms": v for k, v in summary(times).items() if k != "n"},
                "n": len(times),
            }
        )
        print(
            f"  {label:<44} median {statistics.median(times):6.1f} ms  "
            f"p95 {percentile(times, 95):6.1f} ms  {len(queries)} queries",
            flush=True,
        )
    return results


def render(report: dict) -> str:
    env = report["environment"]
    c = report["counts"]
    lines = [
        "| page | user | rows | median ms | p95 ms | app CPU ms | queries | SQL ms "
        "| p95 < 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report["cases"]:
        rows = f"{r['rows']:,}" if r["rows"] is not None else "—"
        lines.append(
            f"| {r['label']} | {r['user']} | {rows} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['app_cpu_median_ms']:.1f} | {r['queries']} | {r['sql_ms']:.1f} | "
            f"{verdict(r['p95_ms'] < TARGET_MS)} |"
        )
    head = (
        f"Data: {c['contracts']:,} contracts, {c['contract_lines']:,} lines, "
        f"{c['review_rounds']:,} review rounds, {c['review_steps']:,} review steps, "
        f"{c['archives']:,} archive records, {c['inspections']:,} inspections, "
        f"{c['text_uses']:,} text uses, {c['letters']:,} letters; "
        f"{env['counts']['customers']:,} customers. Machine: {env['cpu']}, {env['cores']} cores, "
        f"{env['memory_gb']} GB; PostgreSQL {env['postgresql']}; Python {env['python']}, "
        f"Django {env['django']}; DEBUG off; {report['runs']} requests per case after "
        f"{report['warmup']} warm-up; load average at start "
        f"{', '.join(f'{x:.2f}' for x in env['load_average_at_start'])}; {env['date']}; "
        f"commit {env['git']}."
    )
    return head + "\n\n" + "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="2 requests per case (CI)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.warmup = 2, 1
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to the PostgreSQL database of the generators")
    setup_django()
    report = {"environment": environment(), "counts": counts()}
    if not report["counts"]["contracts"]:
        print("No contracts: run bench/generate_contracts.py first.", file=sys.stderr)
        return 1
    report.update(runs=args.runs, warmup=args.warmup)
    print(f"{report['counts']['contracts']:,} contracts:", flush=True)
    report["cases"] = bench(args.runs, args.warmup, explain=not (args.no_explain or args.smoke))
    report["environment"]["load_average_at_end"] = os.getloadavg()
    markdown = render(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "contracts.md").write_text(markdown + "\n", encoding="utf-8")
    (args.out / "contracts.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    print()
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
