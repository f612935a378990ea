#!/usr/bin/env bash
# Back up the application's database (DATABASE_URL, else the SQLite file under var/) with a
# manifest of row counts and the history chain's head. Meant for cron; see docs/operations.md.
#   scripts/backup.sh                         # into $LEDGER_BACKUP_DIR, else var/backups
#   scripts/backup.sh --output-dir /srv/backups/ledger --keep 14
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" manage.py backup "$@"
