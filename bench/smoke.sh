#!/usr/bin/env bash
# The benchmarks at a tiny scale, so that they cannot rot: CI runs this after the tests.
# Creates its own PostgreSQL database (ledger_bench_smoke by default), migrates it, fills it with
# bench/generate.py (200 customers), bench/generate_contracts.py (300 contracts) and
# bench/generate_sales.py (300 orders), runs bench/bench_registers.py --smoke,
# bench/bench_sales.py --smoke, bench/bench_sales_plans.py (200 orders),
# bench/bench_contract_registers.py --smoke, bench/bench_exports.py --smoke, bench/bench_supervision.py
# --smoke, bench/bench_history.py --smoke and bench/load.py --smoke (gunicorn, 2 workers, on a
# free loopback port), and drops the database at the end.
# Fails if any script fails or any page answers anything but 200. Takes about 40 s.
#
#   bench/smoke.sh                       # the server of DATABASE_URL, or 127.0.0.1:5432 as postgres
#   BENCH_SMOKE_DB=ledger_x_smoke bench/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
DB="${BENCH_SMOKE_DB:-ledger_bench_smoke}"
CUSTOMERS="${BENCH_SMOKE_CUSTOMERS:-200}"
case "$DB" in *[!a-z0-9_]* | "") echo "bench smoke: bad database name '$DB'" >&2; exit 2 ;; esac
# The PostgreSQL server of DATABASE_URL (without its database name), or the local one.
SERVER="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SERVER="${SERVER%/*}"
export DATABASE_URL="$SERVER/$DB"
export SECRET_KEY="${SECRET_KEY:-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv}"
export LOG_LEVEL=WARNING
OUT="$(mktemp -d)"
started=$(date +%s)

database() {  # database create|drop — through the server's maintenance database
  SERVER="$SERVER" DB="$DB" "$PY" - "$1" <<'PY'
import os
import sys

import psycopg2

conn = psycopg2.connect(os.environ["SERVER"] + "/postgres")
conn.autocommit = True
with conn.cursor() as cursor:
    cursor.execute(f'DROP DATABASE IF EXISTS "{os.environ["DB"]}" WITH (FORCE)')
    if sys.argv[1] == "create":
        cursor.execute(f'CREATE DATABASE "{os.environ["DB"]}"')
conn.close()
PY
}

cleanup() {
  database drop || echo "bench smoke: could not drop $DB" >&2
  rm -rf "$OUT"
}
trap cleanup EXIT

step() {  # step LABEL COMMAND…: run it, print its time; its output only when it fails
  local t0=$SECONDS
  if "${@:2}" >"$OUT/step.log" 2>&1; then
    echo "bench smoke: $1 — ok in $((SECONDS - t0)) s"
  else
    cat "$OUT/step.log"
    echo "bench smoke: $1 — FAILED" >&2
    exit 1
  fi
}

step "create database $DB" database create
step "migrate" "$PY" manage.py migrate --noinput -v0
step "generate.py --customers $CUSTOMERS" "$PY" bench/generate.py --reset --customers "$CUSTOMERS"
step "generate_contracts.py --contracts 300" \
  "$PY" bench/generate_contracts.py --reset --contracts 300
step "bench_registers.py --smoke" "$PY" bench/bench_registers.py --smoke --out "$OUT"
step "generate_sales.py --orders 300" "$PY" bench/generate_sales.py --reset --orders 300
step "bench_sales.py --smoke" "$PY" bench/bench_sales.py --smoke --out "$OUT"
step "bench_sales_plans.py --orders 200 (dashboard, 表5-3, 表5-10 answer 200)" \
  "$PY" bench/bench_sales_plans.py --generate --orders 200 --customers 50 --runs 2
step "bench_contract_registers.py --smoke" "$PY" bench/bench_contract_registers.py --smoke --out "$OUT"
step "bench_exports.py --smoke (background exports)" \
  "$PY" bench/bench_exports.py --smoke --out "$OUT"
step "bench_supervision.py --smoke" "$PY" bench/bench_supervision.py --smoke --out "$OUT"
step "bench_history.py --smoke" "$PY" bench/bench_history.py --smoke
step "generate_visits.py --reports 2000" "$PY" bench/generate_visits.py --reports 2000
step "bench_visits.py --runs 2" "$PY" bench/bench_visits.py --runs 2
step "load.py --smoke (gunicorn, every page 200)" \
  "$PY" bench/load.py --start-server --port 0 --smoke --out "$OUT"
echo "bench smoke: passed in $(($(date +%s) - started)) s"
