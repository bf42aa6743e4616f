#!/usr/bin/env bash
# Report and export tests (tests/report): build the HTML report and the exports from the
# warehouse that `make dbt-test` built (database $TEST_DB), then load every page in headless
# Chromium. Needs the Debian package chromium (installed here when missing and run as root).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$BOLIGMON_ROOT"
export PGDATABASE="${TEST_DB:-boligmon_test}"
CHROMIUM="${BOLIGMON_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[report-test] installing chromium (Debian package)"
    apt-get install -y -q chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }
  else
    echo "[report-test] $CHROMIUM not found: install the chromium package or set BOLIGMON_CHROMIUM" >&2
    exit 1
  fi
fi
if ! psql -X -q -At -c "select 1 from marts.fct_area_indicators limit 1" >/dev/null 2>&1; then
  echo "[report-test] database $PGDATABASE has no marts: run 'make dbt-test' first" >&2
  exit 1
fi
BOLIGMON_CHROMIUM="$CHROMIUM" python -m pytest -q -p no:cacheprovider tests/report
