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
  # Port: derived from the checkout path, moved on while another server listens there, and
  # remembered in .local/port so the cluster keeps it; override with BOLIGMON_PORT.
  if [ -z "${BOLIGMON_PORT:-}" ] && [ -f "$BOLIGMON_ROOT/.local/port" ]; then
    BOLIGMON_PORT=$(cat "$BOLIGMON_ROOT/.local/port")
  fi
  if [ -z "${BOLIGMON_PORT:-}" ]; then
    _h=$(printf '%s' "$BOLIGMON_ROOT" | cksum | cut -d' ' -f1)
    BOLIGMON_PORT=$((54400 + _h % 500))
    while (echo > "/dev/tcp/127.0.0.1/$BOLIGMON_PORT") 2>/dev/null; do
      BOLIGMON_PORT=$((BOLIGMON_PORT + 1))
    done
    mkdir -p "$BOLIGMON_ROOT/.local" && echo "$BOLIGMON_PORT" > "$BOLIGMON_ROOT/.local/port"
  fi
  export BOLIGMON_PORT
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
