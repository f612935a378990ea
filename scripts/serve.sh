#!/bin/sh
# The web server and the background-export worker together (`make run`): the worker runs
# beside the server and is stopped when the server stops (Ctrl-C, SIGTERM, or the server
# exiting on its own).
#   scripts/serve.sh [ADDRESS:PORT]      default 127.0.0.1:8000
set -u
BIN=${BIN:-.venv/bin}
ADDR=${1:-127.0.0.1:8000}

# Every queue; no auto-reload: one process, stopped cleanly by SIGTERM (a running export
# is interrupted and can be retried from 我的导出).
"$BIN/python" manage.py db_worker --queue-name '*' --no-reload --verbosity 1 &
WORKER=$!
"$BIN/python" manage.py runserver "$ADDR" &
SERVER=$!

stop() {
    trap - EXIT INT TERM
    kill "$SERVER" "$WORKER" 2>/dev/null
    wait "$SERVER" "$WORKER" 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM
# Waiting here (not running the server in the foreground) lets a signal reach the trap at once.
wait "$SERVER"
