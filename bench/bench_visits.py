"""Times of the visit pages (表5-27 for one salesperson and year, every visit list, the
managers' view) on the database of DATABASE_URL, through the Django test client.

    DATABASE_URL=… python bench/bench_visits.py [--runs 20]

Fill the database first (seed_demo for the demo scale). Prints median and p95 per page.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnop")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from visits.models import VisitReport  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sales1 = User.objects.get(username="sales1")
    manager1 = User.objects.get(username="manager1")
    year = timezone.localdate().year
    day = VisitReport.objects.filter(visitor=sales1).values_list("visited_on", flat=True).first()
    pages = [
        # A small register (表5-7, ~40 products): the floor of any page on this machine now.
        ("sales1", "/registers/5-7/"),
        ("sales1", f"/registers/5-27/?period={year}&salesperson={sales1.pk}"),
        ("sales1", "/registers/5-28/"),
        ("sales1", f"/registers/5-30/?period={day}"),
        ("sales1", f"/forms/5-29/?period={day:%Y-%m}"),
        ("sales1", "/visits/"),
        ("sales1", f"/visits/daily/{day}/"),
        ("manager1", f"/forms/5-29/?period={day:%Y-%m}"),
        ("manager1", "/registers/5-28/"),
        ("manager1", f"/registers/5-30/?period={day}"),
        ("manager1", "/visits/schedules/"),
        ("manager1", f"/registers/5-27/?period={year}"),
        ("manager1", "/visits/overview/"),
    ]
    print(f"visit reports: {VisitReport.objects.count()}")
    for username, url in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(sales1 if username == "sales1" else manager1)
        client.get(url)  # warm up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            status = client.get(url).status_code
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200, (url, status)
        times.sort()
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        print(f"{username:9} {url:55} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
