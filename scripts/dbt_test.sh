#!/usr/bin/env bash
# The warehouse end to end on the small synthetic municipality, in a throwaway database:
# generate -> load (loaders, GX, pseudonyms) -> dbt seed/run/test (all data and unit tests)
# -> pytest tests/warehouse (marts against the generator's planted truth).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$BOLIGMON_ROOT"
TEST_DB="${TEST_DB:-boligmon_test}"
DATA="$BOLIGMON_ROOT/data/synthetic-small"
SEED="${SEED:-42}"

echo "[dbt-test] fresh database $TEST_DB"
psql -X -q -d postgres -c "drop database if exists \"$TEST_DB\" with (force)"
bash scripts/pg.sh bootstrap "$TEST_DB"
export PGDATABASE="$TEST_DB"

echo "[dbt-test] generating the small synthetic municipality (seed $SEED)"
rm -rf "$DATA"
boligmon synth --out "$DATA" --seed "$SEED" --scale small
boligmon load-dir "$DATA/inbox"

dbt deps --quiet
dbt build --vars "{synthetic_truth_dir: '$DATA/truth'}"
BOLIGMON_TRUTH_DIR="$DATA/truth" pytest -q tests/warehouse
