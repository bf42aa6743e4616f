#!/usr/bin/env bash
# Integration tests for the local dbt_expectations package.
#
# Usage:  PGHOST=... PGPORT=... PGUSER=... PGDATABASE=... [PGPASSWORD=...] ./run.sh
# Env:    DBT                          dbt executable (default: `dbt` on PATH)
#         DBT_EXPECTATIONS_IT_SCHEMA   target schema (default: dbt_expectations_it)
#
# Steps (exits non-zero if any step fails):
#   1. dbt deps   (local package only: `- local: ../`, works offline)
#   2. dbt build  (fixtures + every test; "must fail exactly N" tests pass only at N rows)
#   3. negative control: re-run every tag:must_fail test with n_offset=1, i.e. expecting
#      N+1 rows. Every one of them must now FAIL, proving the thresholds really check N.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

DBT="${DBT:-dbt}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_PROFILES_DIR="$here"
export DBT_PROJECT_DIR="$here"

for v in PGHOST PGPORT PGUSER PGDATABASE; do
    if [[ -z "${!v:-}" ]]; then
        echo "run.sh: $v is not set (need PGHOST, PGPORT, PGUSER, PGDATABASE)" >&2
        exit 2
    fi
done

echo "== dbt deps"
"$DBT" deps

echo "== dbt build"
"$DBT" build --target it
# keep the build's results; the negative control below overwrites target/run_results.json
cp "$here/target/run_results.json" "$here/target/run_results_build.json"

echo "== negative control: every must_fail test with its expected count off by one"
expected="$("$DBT" ls --quiet --resource-type test --select tag:must_fail --output name \
    | grep -c .)"
log="$here/target/negative_control.log"
mkdir -p "$here/target"
set +e
"$DBT" test --target it --select tag:must_fail --vars '{n_offset: 1}' >"$log" 2>&1
rc=$?
set -e
if [[ $rc -eq 0 ]]; then
    echo "FAIL: the negative control passed; wrong expected counts are not detected" >&2
    exit 1
fi
failed="$(python3 - "$here/target/run_results.json" <<'PY'
import json
import sys

results = json.load(open(sys.argv[1]))["results"]
print(sum(1 for r in results if r["status"] == "fail"))
PY
)"
echo "negative control: $failed of $expected must_fail tests failed with N+1 (log: $log)"
if [[ "$failed" -ne "$expected" ]]; then
    echo "FAIL: every must_fail test should fail when its expected count is wrong" >&2
    exit 1
fi
echo "== OK"
