"""What the access log and the reviewer's line cost, on the full-size database.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/bench_supervision.py [--log-rows 1000000]

Run ``bench/generate.py`` first. Fills ``ledger_accesslog`` with ``--log-rows`` rows (one
``INSERT … SELECT generate_series``, spread over the last 365 days and the demo users; skipped
when the table already holds that many) and a few reviews, then measures with DEBUG off,
through Django's test client (server time, no network):

* the customer page and three list pages with the log written (as in production) and with
  ``access_record`` replaced by a no-op, alternating, so both see the same machine;
* the 客户服务台账 PDF of one month with and without a review to print on its 审核 line;
* the supervision pages over the filled log: the access log (first page, one user's day, one
  customer), the flagged users, the review list, the registers due for review, 梳理.

Prints a markdown report and writes it, with the raw figures, to ``bench/out/supervision.*``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_registers import (  # noqa: E402  (sets the bench settings first)
    logged_in_client,
    percentile,
    setup_django,
)

TARGET_LIST_P95_MS = 100
PRINT = "/registers/5-7/print.pdf"


def fill_log(rows: int) -> float:
    """Bring ``ledger_accesslog`` to ``rows`` rows; seconds taken."""
    from django.db import connection

    from accounts.models import User
    from ledger.models import AccessLog

    have = AccessLog.objects.count()
    if have >= rows:
        return 0.0
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    first_customer = connection.cursor()
    first_customer.execute("SELECT min(id), max(id) FROM ledger_customer")
    low, high = first_customer.fetchone()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ledger_accesslog
                (at, day, user_id, kind, customer_id, target, object_pk, filters,
                 row_count, address)
            SELECT ts, (ts AT TIME ZONE 'Asia/Shanghai')::date,
                   (%(users)s::bigint[])[1 + (g %% %(nusers)s)],
                   CASE WHEN g %% 10 = 0 THEN 'export'
                        WHEN g %% 10 = 1 THEN 'print' ELSE 'view' END,
                   CASE WHEN g %% 10 < 2 THEN NULL
                        ELSE %(low)s + (g * 7919) %% (%(high)s - %(low)s + 1) END,
                   CASE WHEN g %% 10 < 2 THEN 'service' ELSE 'customers' END,
                   '', CASE WHEN g %% 10 < 2 THEN 'month=2026-11' ELSE '' END,
                   CASE WHEN g %% 10 < 2 THEN 40 ELSE 1 END,
                   '10.0.0.1'::inet
            FROM generate_series(1::bigint, %(n)s::bigint) AS g,
                 LATERAL (SELECT now() - (g %% 525600) * interval '1 minute' AS ts) AS t
            """,
            {"users": users, "nusers": len(users), "low": low, "high": high, "n": rows - have},
        )
        cursor.execute("ANALYZE ledger_accesslog")
    return time.perf_counter() - t0


def ensure_reviews() -> None:
    from accounts.models import User
    from ledger.models import LedgerReview
    from ledger.supervision.services import review_create

    manager = User.objects.get(username="manager1")
    if not LedgerReview.objects.filter(register_code="service", period="2026-10").exists():
        review_create(actor=manager, register_code="service", period="2026-10", checked="基准测试")


def timed(client, url: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def stats(ms: list[float]) -> dict:
    return {"median_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "n": len(ms)}


def bench_logging(runs: int) -> list[dict]:
    """Each page with the log on and off, alternating in rounds of 5."""
    from unittest import mock

    from ledger.models import Customer

    customer = Customer.objects.filter(owner__username="sales1").order_by("pk").first()
    cases = [
        ("客户页（sales1）", "sales1", f"/customers/{customer.pk}/"),
        ("公共台账 第 1 页（sales1）", "sales1", "/registers/customers/"),
        ("个人台账 第 1 页（admin）", "admin", "/registers/customers/?scope=personal"),
        ("客户服务台账 2026-11（manager1）", "manager1", "/registers/service/?month=2026-11"),
    ]
    results = []
    for label, user, url in cases:
        client = logged_in_client(user)
        timed(client, url, 3)
        on, off = [], []
        for _ in range(max(runs // 5, 1)):
            on += timed(client, url, 5)
            with (
                mock.patch("ledger.views.customers.access_record"),
                mock.patch("ledger.views.registers.access_record"),
            ):
                off += timed(client, url, 5)
        row = {
            "label": label,
            "url": url,
            "with_log": stats(on),
            "without_log": stats(off),
        }
        results.append(row)
        print(
            f"  {label:<34} with log median {row['with_log']['median_ms']:6.1f} p95 "
            f"{row['with_log']['p95_ms']:6.1f} · without median "
            f"{row['without_log']['median_ms']:6.1f} p95 {row['without_log']['p95_ms']:6.1f} ms",
            flush=True,
        )
    return results


def bench_insert(n: int) -> dict:
    """``access_record`` alone, each call its own transaction (autocommit, as in a view)."""
    from django.test import RequestFactory

    from accounts.models import User
    from ledger.models import AccessKind, AccessLog
    from ledger.supervision.services import access_record

    request = RequestFactory().get("/customers/1/", REMOTE_ADDR="10.0.0.9")
    request.user = User.objects.get(username="sales1")
    before = AccessLog.objects.count()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        access_record(request=request, kind=AccessKind.VIEW, customer_id=None, target="bench")
        times.append((time.perf_counter() - t0) * 1000)
    AccessLog.objects.filter(target="bench").delete()
    assert AccessLog.objects.count() == before
    row = {"label": "access_record（一次 INSERT）", **stats(times)}
    print(f"  {row['label']:<34} median {row['median_ms']:6.2f} p95 {row['p95_ms']:6.2f} ms")
    return row


def bench_signature(runs: int) -> dict:
    """表5-7's PDF as manager1: its 复核 line signed by the review (one query) against the
    engine without the hook (a blank line, no query), alternating in rounds of 5."""
    from ledger.engine import signatures
    from ledger.supervision.selectors import review_signature

    client = logged_in_client("manager1")
    timed(client, PRINT, 2)
    signed, blank = [], []
    n = max(runs // 2, 10)
    try:
        for _ in range(max(n // 5, 1)):
            signed += timed(client, PRINT, 5)
            signatures.set_review_signer(None)
            blank += timed(client, PRINT, 5)
            signatures.set_review_signer(review_signature)
    finally:
        signatures.set_review_signer(review_signature)
    row = {"label": "表5-7 PDF（manager1）", "signed": stats(signed), "blank": stats(blank)}
    print(
        f"  {row['label']:<34} signed median {row['signed']['median_ms']:6.1f} p95 "
        f"{row['signed']['p95_ms']:6.1f} · blank median {row['blank']['median_ms']:6.1f} p95 "
        f"{row['blank']['p95_ms']:6.1f} ms",
        flush=True,
    )
    return row


def bench_pages(runs: int) -> list[dict]:
    from accounts.models import User
    from ledger.models import Customer

    sales1 = User.objects.get(username="sales1")
    customer = Customer.objects.filter(owner=sales1).order_by("pk").first()
    today = datetime.date.today()
    cases = [
        ("访问日志 第 1 页（admin）", "admin", "/supervision/access/"),
        (
            "访问日志 sales1 某日（admin）",
            "admin",
            f"/supervision/access/?user={sales1.pk}&day={today:%Y-%m-%d}",
        ),
        ("访问日志 某客户（gm）", "gm", f"/supervision/access/?customer={customer.pk}"),
        ("访问日志 仅导出 第 1 页（admin）", "admin", "/supervision/access/?kind=export"),
        ("待我处理（admin，含访问异常）", "admin", "/inbox/"),
        ("台账审核 列表（manager1）", "manager1", "/supervision/reviews/"),
        ("待审核台账（manager1）", "manager1", "/supervision/due/"),
        ("台账梳理（sales1）", "sales1", "/supervision/tidy/"),
        ("整改事项（sales1）", "sales1", "/supervision/findings/"),
    ]
    results = []
    for label, user, url in cases:
        client = logged_in_client(user)
        timed(client, url, 2)
        row = {"label": label, "url": url, **stats(timed(client, url, runs))}
        results.append(row)
        print(f"  {label:<44} median {row['median_ms']:7.1f} p95 {row['p95_ms']:7.1f} ms")
    return results


def render(report: dict) -> str:
    lines = [
        f"Access log: {report['log_rows']:,} rows; customers: {report['customers']:,}.",
        "",
        "| page | with the log: median / p95 | without: median / p95 | target p95 |",
        "|---|---:|---:|---:|",
    ]
    for r in report["logging"]:
        a, b = r["with_log"], r["without_log"]
        lines.append(
            f"| {r['label']} | {a['median_ms']:.1f} / {a['p95_ms']:.1f} ms | "
            f"{b['median_ms']:.1f} / {b['p95_ms']:.1f} ms | {TARGET_LIST_P95_MS} ms |"
        )
    ins = report["insert"]
    lines += [
        "",
        f"One log row (`access_record`, autocommit): median {ins['median_ms']:.2f} ms, "
        f"p95 {ins['p95_ms']:.2f} ms over {ins['n']} calls.",
    ]
    sig = report["signature"]
    lines += [
        "",
        "| PDF | 复核 line signed (one query): median / p95 | blank (no hook): median / p95 |",
        "|---|---:|---:|",
        f"| {sig['label']} | {sig['signed']['median_ms']:.1f} / {sig['signed']['p95_ms']:.1f} ms"
        f" | {sig['blank']['median_ms']:.1f} / {sig['blank']['p95_ms']:.1f} ms |",
    ]
    lines += ["", "| page | median | p95 |", "|---|---:|---:|"]
    for r in report["pages"]:
        lines.append(f"| {r['label']} | {r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--smoke", action="store_true", help="CI: 2,000 log rows, 5 runs; the figures mean nothing"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.log_rows, args.runs = 2000, 5
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to the PostgreSQL database of bench/generate.py")
    setup_django()
    from ledger.models import AccessLog, Customer

    print(f"filling the access log to {args.log_rows:,} rows …", flush=True)
    fill_seconds = fill_log(args.log_rows)
    ensure_reviews()
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_start": os.getloadavg(),
        "log_rows": AccessLog.objects.count(),
        "customers": Customer.objects.count(),
        "fill_seconds": fill_seconds,
    }
    print("pages with and without the access log:", flush=True)
    report["logging"] = bench_logging(args.runs)
    print("one log row:", flush=True)
    report["insert"] = bench_insert(max(args.runs * 10, 50))
    print("the reviewer's line:", flush=True)
    report["signature"] = bench_signature(args.runs)
    print("supervision pages:", flush=True)
    report["pages"] = bench_pages(args.runs)
    report["load_average_end"] = os.getloadavg()
    markdown = render(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "supervision.md").write_text(markdown + "\n", encoding="utf-8")
    (args.out / "supervision.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print()
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
