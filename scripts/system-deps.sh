#!/usr/bin/env bash
# Checks (and, as root, installs) the Debian packages the application needs.
#   scripts/system-deps.sh pdf    Pango, HarfBuzz's subsetter, the CJK fonts (printing)
#   scripts/system-deps.sh test   the above, plus Chromium, poppler-utils and the PostgreSQL
#                                 client (pg_dump, pg_restore) (tests)
set -euo pipefail

PDF_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fontconfig"
TEST_PACKAGES="$PDF_PACKAGES chromium poppler-utils"

case "${1:-pdf}" in
  pdf) wanted="$PDF_PACKAGES" ;;
  test) wanted="$TEST_PACKAGES" ;;
  *) echo "usage: $0 pdf|test" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; install the equivalents of: $wanted" >&2
  exit 0
fi

missing=""
for pkg in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

# Backups and the CI's restore test need pg_dump / pg_restore (any package that brings them).
if [ "${1:-pdf}" = "test" ] && ! command -v pg_dump >/dev/null 2>&1; then
  missing="$missing postgresql-client"
fi

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ]; then
  echo "system-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
else
  echo "system-deps: missing Debian packages. Run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
