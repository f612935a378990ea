#!/usr/bin/env bash
# Two app processes, one PostgreSQL: a session opened on one works on the other, and what one
# writes the other reads. Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_scale bench/two_processes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a scratch PostgreSQL database}"
export SECRET_KEY="two-processes-$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export SECURE_HSTS_SECONDS=0 STATIC_ROOT="$(mktemp -d)"
PY=.venv/bin/python
$PY manage.py migrate -v0
$PY manage.py seed_demo >/dev/null
$PY manage.py collectstatic --noinput -v0
.venv/bin/gunicorn ledger.wsgi -b 127.0.0.1:8001 -w 2 >/dev/null 2>&1 & A=$!
.venv/bin/gunicorn ledger.wsgi -b 127.0.0.1:8002 -w 2 >/dev/null 2>&1 & B=$!
trap 'kill $A $B 2>/dev/null; rm -rf "$STATIC_ROOT"' EXIT
sleep 4
$PY - <<'PY'
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
A, B = "http://127.0.0.1:8001", "http://127.0.0.1:8002"


def post(url, form):
    page = opener.open(url).read().decode()
    form["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    request = urllib.request.Request(url, urllib.parse.urlencode(form).encode(), {"Referer": url})
    return opener.open(request)


post(A + "/accounts/login/", {"username": "sales1", "password": "demo12345"})
assert "个人台账" in opener.open(B + "/registers/customers/?scope=personal").read().decode()
name = "两进程测试客户"
post(B + "/customers/new/", {"name": name, "category": "new", "confirm_duplicate": "on",
     "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
     "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "30"})
found = opener.open(A + "/registers/customers/?scope=personal&q=" + urllib.parse.quote(name))
assert name in found.read().decode()
print("two processes, one database: session and data shared — OK")
PY
