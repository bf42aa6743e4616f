#!/usr/bin/env bash
# Scheduler entry point for the monthly refresh (cron, systemd). Unlike `make refresh` it keeps
# boligmon's exit codes (make turns every failure into 2):
#   0 ok (published, or nothing new)   1 data problem   2 internal error / refresh already running
# Inbox: $BOLIGMON_INBOX or the first argument; runs: $BOLIGMON_RUNS_DIR (default .local/runs).
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$BOLIGMON_ROOT"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  export BOLIGMON_INBOX="$1"; shift
fi
exec python -m loaders refresh "$@"
