"""Benchmarks of the contract review documents and pages (表5-14, 5-15, 5-16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_x \\
        .venv/bin/python bench/bench_contract_documents.py

Loads the demo data into the database if it has none (``seed_demo``: 13 contracts in every
state), then measures with DEBUG off, through the test client, as the users who open them:

* the 5-14 PDF of a fully signed review (six boxes), the 5-15 and the 5-16 PDFs;
* the contract page, its review page, the contract list and the inbox of each reviewer.

Prints a markdown table (median, p95, SQL queries per request). The scale of contracts for
the registers (50,000 contracts, 300,000 review steps) is ``bench/generate.py``'s.
"""

from __future__ import annotations

import os
import statistics
import sys
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
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from contracts.models import ChangeRequest, ChangeStatus, ReviewRound  # noqa: E402
from fixtures.demo import load_demo  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))


def measure(client: Client, url: str, runs: int = RUNS) -> tuple[float, float, float, int]:
    """Median and p95 wall time, median CPU time of this process (ms), queries."""
    client.get(url)  # warm: templates, fonts, the first connection
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (
        statistics.median(times) * 1000,
        p95 * 1000,
        statistics.median(cpu) * 1000,
        len(ctx.captured_queries),
    )


def main() -> None:
    if not ReviewRound.objects.exists():
        load_demo()
    passed = ReviewRound.objects.filter(outcome="passed").order_by("pk").first()
    change = ChangeRequest.objects.filter(status=ChangeStatus.APPROVED).order_by("pk").first()
    open_round = ReviewRound.objects.filter(outcome="open").order_by("pk").first()
    cases = [
        ("5-14 PDF (six signed boxes)", "sales1", f"/forms/5-14/{passed.pk}.pdf"),
        ("5-15 PDF", "sales1", f"/forms/5-15/{change.pk}.pdf"),
        ("5-16 PDF", "sales1", f"/forms/5-16/{change.pk}.pdf"),
        ("contract page", "manager1", f"/contracts/{passed.contract_id}/"),
        ("review page", "quality1", f"/contracts/{open_round.contract_id}/review/"),
        ("contract list", "assistant1", "/contracts/"),
        ("5-14 list", "manager1", "/forms/5-14/"),
        ("inbox", "production1", "/inbox/"),
        ("inbox", "gm", "/inbox/"),
    ]
    print("| case | user | median ms | p95 ms | CPU ms (median) | queries |")
    print("|---|---|---:|---:|---:|---:|")
    for label, username, url in cases:
        client = Client()
        client.force_login(User.objects.get(username=username))
        # The demo owner of the first passed review may not be sales1: open as its owner.
        if url.startswith("/forms/5-1") and url.endswith(".pdf"):
            owner = passed.contract.owner if "5-14" in url else change.contract.owner
            client.force_login(owner)
            username = owner.username
        median, p95, cpu, queries = measure(client, url)
        print(f"| {label} | {username} | {median:.0f} | {p95:.0f} | {cpu:.0f} | {queries} |")


if __name__ == "__main__":
    main()
