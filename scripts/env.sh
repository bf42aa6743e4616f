# Sourced by the Makefile and scripts: decides which Postgres we talk to.
# - PGHOST set by the user  -> "external" mode: use that server as is, never create a cluster.
# - otherwise               -> "local" mode: a project-local cluster under .local/pg.
# Also fixes the venv, dbt profile dir and the pseudonymisation key file.
BOLIGMON_ROOT="${BOLIGMON_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export BOLIGMON_ROOT
export VENV="${VENV:-$BOLIGMON_ROOT/.venv}"
export PATH="$VENV/bin:$PATH"
export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$BOLIGMON_ROOT/.local}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_PROJECT_DIR="$BOLIGMON_ROOT"
if [ -n "${BOLIGMON_PG_MODE:-}" ]; then
  :  # already decided by an outer invocation
elif [ -n "${PGHOST:-}" ]; then
  export BOLIGMON_PG_MODE=external
else
  export BOLIGMON_PG_MODE=local
  # Port derived from the checkout path, so two clones never fight over one port;
  # override with BOLIGMON_PORT.
  _h=$(printf '%s' "$BOLIGMON_ROOT" | cksum | cut -d' ' -f1)
  export BOLIGMON_PORT="${BOLIGMON_PORT:-$((54400 + _h % 500))}"
  export PGHOST=127.0.0.1
  export PGPORT="$BOLIGMON_PORT"
  export PGUSER="${PGUSER:-postgres}"
fi
export PGDATABASE="${PGDATABASE:-boligmon}"
export PGUSER="${PGUSER:-postgres}"
export PGPORT="${PGPORT:-5432}"
# Pseudonymisation key: an explicit BOLIGMON_HMAC_KEY or BOLIGMON_HMAC_KEY_FILE wins;
# the demo/test key is generated into the git-ignored .local/ by `make key`.
if [ -z "${BOLIGMON_HMAC_KEY:-}" ] && [ -z "${BOLIGMON_HMAC_KEY_FILE:-}" ]; then
  export BOLIGMON_HMAC_KEY_FILE="$BOLIGMON_ROOT/.local/hmac.key"
fi
