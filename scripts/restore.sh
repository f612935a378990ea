#!/usr/bin/env bash
# Restore a backup into a fresh database and check it against the backup's manifest (row
# counts per table, history chain verified and ending where the backup's did). Non-zero exit
# status when anything differs. See docs/operations.md.
#   scripts/restore.sh var/backups/ledger-20261129-020000.dump \
#       --into postgres://postgres@127.0.0.1:5432/ledger_restore_test --create
#   scripts/restore.sh var/backups/ledger-20261129-020000.sqlite3 --into /tmp/restored.sqlite3
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" manage.py restore "$@"
