"""Requests per second under gunicorn: concurrent logged-in clients against the main pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/load.py --start-server

With ``--start-server`` the script starts ``gunicorn ledger.wsgi`` (``--workers``, default 2,
one per core) on ``127.0.0.1:--port`` against ``DATABASE_URL``, with ``DEBUG`` off and the
static files collected into a temporary folder, and stops it at the end. Without it, it
loads an already running server at ``--url`` (loopback addresses only).

It logs in once through the login form (``--user``, default ``sales1``, password
``demo12345``) and every client sends that session cookie. Then, page after page, it
sends a few untimed requests, and ``--clients`` threads (default 16), each with its own
connection per request, request the page for ``--duration`` seconds or until ``--requests``
responses have come back, whichever comes first. Every response must be 200: any other
status is counted and makes the script exit non-zero. Reported per page: requests,
requests per second (responses / elapsed wall time), median and p95 latency (nearest rank).

The client runs on the same machine as the server and takes some of its CPU: the figures
are those of the whole machine, client included. Prints a markdown table and writes it,
with the raw figures, to ``bench/out/load.md`` and ``bench/out/load.json``.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo12345"

# (key, label, path); "{customer}" is one of the user's own customers, found on the 个人台账.
PAGES = [
    ("home", "首页", "/"),
    ("public", "公共台账", "/registers/customers/"),
    ("personal", "个人台账", "/registers/customers/?scope=personal"),
    ("5-7", "表5-7 产品记录表", "/registers/5-7/"),
    ("customer", "客户页", "/customers/{customer}/"),
]


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


class Target:
    """A loopback HTTP server and the cookies of one logged-in session."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise SystemExit(f"--url must be http://127.0.0.1:PORT, not {url!r}")
        host = parts.hostname
        loopback = host == "localhost"
        if not loopback:
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
        if not loopback:
            raise SystemExit(f"refusing to load {host}: loopback addresses only")
        self.host = host
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """One request on a fresh connection; returns (status, headers, body)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            all_headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data
        finally:
            conn.close()

    def remember_cookies(self, headers) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]

    def login(self, username: str, password: str) -> None:
        status, headers, body = self.request("GET", "/accounts/login/")
        if status != 200:
            raise SystemExit(f"GET /accounts/login/ answered {status}")
        self.remember_cookies(headers)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not match:
            raise SystemExit("no CSRF token on the login page")
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": match[1].decode(),
                "username": username,
                "password": password,
            }
        ).encode()
        status, headers, body = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/accounts/login/",
            },
        )
        self.remember_cookies(headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"log-in as {username} failed (status {status})")


def first_customer(target: Target) -> int:
    """The id of the first customer on the user's 个人台账."""
    status, _headers, body = target.request("GET", "/registers/customers/?scope=personal")
    match = re.search(rb'href="/customers/(\d+)/"', body)
    if status != 200 or not match:
        raise SystemExit("no customer on the user's 个人台账: run bench/generate.py first")
    return int(match[1])


def load_page(target: Target, path: str, clients: int, duration: float, limit: int) -> dict:
    """``clients`` threads request ``path`` until ``duration`` s have passed or ``limit``
    responses have come back."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    taken = 0
    deadline = time.perf_counter() + duration

    def worker():
        nonlocal taken
        while time.perf_counter() < deadline:
            with lock:
                if taken >= limit:
                    return
                taken += 1
            t0 = time.perf_counter()
            try:
                status, _headers, _body = target.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                continue
            elapsed = time.perf_counter() - t0
            with lock:
                times.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    wall = time.perf_counter() - started
    ms = [t * 1000 for t in times]
    return {
        "path": path,
        "clients": clients,
        "requests": len(times),
        "wall_seconds": wall,
        "rps": len(times) / wall if wall else 0.0,
        "median_ms": statistics.median(ms) if ms else 0.0,
        "p95_ms": percentile(ms, 95) if ms else 0.0,
        "max_ms": max(ms) if ms else 0.0,
        "statuses": statuses,
        "errors": errors[:5],
        "error_count": len(errors) + sum(n for s, n in statuses.items() if s != 200),
    }


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(static_root: str) -> dict:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
    env["DEBUG"] = "0"
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    env.setdefault("SESSION_COOKIE_SECURE", "0")
    env.setdefault("CSRF_COOKIE_SECURE", "0")
    env.setdefault("SECURE_HSTS_SECONDS", "0")
    env.setdefault("LOG_LEVEL", "WARNING")
    env["STATIC_ROOT"] = static_root
    return env


def start_server(
    port: int, workers: int, static_root: str, collect: bool = True
) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port; static files as in production (collected, hashed and
    compressed by WhiteNoise) unless ``collect`` is false (plain storage, for the smoke run:
    the pages measured are HTML only)."""
    env = server_environment(static_root)
    python = sys.executable
    if collect:
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    else:
        env["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    gunicorn = Path(python).with_name("gunicorn")
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "ledger.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    probe = Target(f"http://127.0.0.1:{port}")
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if probe.request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def render_markdown(report: dict) -> str:
    s = report["settings"]
    lines = [
        f"# Requests per second ({s['clients']} concurrent clients, user {s['user']})",
        "",
        f"{report['started']} · server {s['server']} · up to {s['duration']:g} s or "
        f"{s['requests']:,} requests per page after {s['warmup']} untimed · load average at the "
        f"start {' / '.join(f'{x:.2f}' for x in report['load_average_start'])}, at the end "
        f"{' / '.join(f'{x:.2f}' for x in report['load_average_end'])}",
        "",
        "| page | URL | requests | req/s | median | p95 | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["pages"]:
        lines.append(
            f"| {r['label']} | `{r['path']}` | {r['requests']:,} | {r['rps']:.1f} | "
            f"{r['median_ms']:.0f} ms | {r['p95_ms']:.0f} ms | {r['error_count']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=None, help="a running server (default: the one started)")
    parser.add_argument(
        "--start-server", action="store_true", help="start gunicorn against DATABASE_URL"
    )
    parser.add_argument(
        "--port", type=int, default=8140, help="port of the started server (0: any free port)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per page (20)")
    parser.add_argument(
        "--requests", type=int, default=5000, help="at most this many requests per page (5000)"
    )
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page (5)")
    parser.add_argument("--user", default="sales1", help="log in as (sales1)")
    parser.add_argument(
        "--page",
        choices=[key for key, _label, _path in PAGES],
        action="append",
        help="only these pages (repeatable)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a quick run that only checks every page answers (CI): 4 clients, 2 s or 40 "
        "requests per page, no collectstatic; the figures mean nothing",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.duration, args.requests, args.warmup = 4, 2.0, 40, 1
    if args.clients < 1 or args.duration <= 0 or args.requests < 1:
        parser.error("--clients, --duration and --requests must be positive")
    if not args.start_server and not args.url:
        parser.error("give --url of a running server, or --start-server")

    server = None
    static_root = None
    if args.start_server and args.port == 0:
        args.port = free_port()
    url = args.url or f"http://127.0.0.1:{args.port}"
    Target(url)  # loopback only, checked before anything starts
    try:
        if args.start_server:
            database = os.environ.get("DATABASE_URL", "")
            if not database.startswith(("postgres://", "postgresql://")):
                parser.error("--start-server needs DATABASE_URL (PostgreSQL, bench/generate.py)")
            static_root = tempfile.mkdtemp(prefix="ledger-load-static-")
            server = start_server(args.port, args.workers, static_root, collect=not args.smoke)
        target = Target(url)
        target.login(args.user, PASSWORD)
        customer = first_customer(target)
        report = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "load_average_start": os.getloadavg(),
            "settings": {
                "server": (
                    f"gunicorn, {args.workers} workers, 127.0.0.1:{args.port}" if server else url
                ),
                "clients": args.clients,
                "duration": args.duration,
                "requests": args.requests,
                "warmup": args.warmup,
                "user": args.user,
            },
            "pages": [],
        }
        wanted = set(args.page or [key for key, _label, _path in PAGES])
        for key, label, path in PAGES:
            if key not in wanted:
                continue
            path = path.format(customer=customer)
            for _ in range(args.warmup):
                status = target.request("GET", path)[0]
                if status != 200:
                    raise SystemExit(f"{path} answered {status} to {args.user}")
            result = load_page(target, path, args.clients, args.duration, args.requests)
            result.update(key=key, label=label)
            report["pages"].append(result)
            print(
                f"  {label:<12} {result['requests']:6,} requests  {result['rps']:7.1f} req/s  "
                f"median {result['median_ms']:6.0f} ms  p95 {result['p95_ms']:6.0f} ms  "
                f"errors {result['error_count']}",
                flush=True,
            )
        report["load_average_end"] = os.getloadavg()
    finally:
        if server:
            stop_server(server)
        if static_root:
            shutil.rmtree(static_root, ignore_errors=True)

    markdown = render_markdown(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.md").write_text(markdown + "\n", encoding="utf-8")
    (args.out / "load.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print()
    print(markdown)
    failed = [r["label"] for r in report["pages"] if r["error_count"] or not r["requests"]]
    if failed:
        print(f"Pages with errors or no response: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
