#!/usr/bin/env bash
# Stops the local Switchboard cluster made by create-local-cluster.sh: instances, DAS, broker.
# Idempotent: whatever is already down is skipped; always exits 0.
#
# Usage: server-config/stop-local-cluster.sh [payara-home]   (default: from the state file, else target/payara6)
# Order: instances (stop-instance via the DAS for each live one; by PID, TERM then KILL, if the DAS
# is down or an instance does not stop), DAS (stop-domain; by PID if that fails), broker (by PID).
set -uo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
PAYARA_HOME="${1:-${PAYARA_HOME:-$ROOT/target/payara6}}"
PAYARA_HOME="$(cd "$PAYARA_HOME" 2>/dev/null && pwd || echo "$PAYARA_HOME")"
export PAYARA_HOME
export CLUSTER_DIR="${CLUSTER_DIR:-$(dirname "$PAYARA_HOME")/switchboard-cluster}"
DOMAIN=switchboard-cluster
ADMIN_PORT=30048
DG=switchboard-dg
NODE="localhost-$DOMAIN"
ASADMIN="$PAYARA_HOME/bin/asadmin"
ASA=("$ASADMIN" --host 127.0.0.1 --port "$ADMIN_PORT")
DOMAIN_DIR="$PAYARA_HOME/glassfish/domains/$DOMAIN"

log() { printf '[stop-local-cluster] %s\n' "$*"; }
pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1"; }
# TERM, then KILL after $2 seconds
stop_pid() {
  local pid="$1" what="$2" wait="${3:-30}" deadline
  pid_alive "$pid" || return 0
  log "stopping $what by PID $pid"
  kill -TERM "$pid" 2>/dev/null
  deadline=$((SECONDS + wait))
  while pid_alive "$pid" && (( SECONDS < deadline )); do sleep 0.5; done
  if pid_alive "$pid"; then log "$what (PID $pid) still running; SIGKILL"; kill -KILL "$pid" 2>/dev/null; sleep 1; fi
}

# --- instances ------------------------------------------------------------------------
# stop-instance for each LIVE instance only (stop-deployment-group hangs ~3 min on a kill -9'ed member)
das_pid="$(read_pid "$DOMAIN_DIR/config/pid" 2>/dev/null || true)"
das_up=false
[[ -x "$ASADMIN" ]] && pid_alive "$das_pid" && "${ASA[@]}" version >/dev/null 2>&1 && das_up=true
for dir in "$PAYARA_HOME/glassfish/nodes/$NODE"/*/; do
  name="$(basename "$dir")"
  pid="$(read_pid "$dir/config/pid" 2>/dev/null || true)"
  pid_alive "$pid" || continue
  # a stale pid file must not make us signal an unrelated process that reused the PID
  ps -o args= -p "$pid" 2>/dev/null | grep -qF -- "$name" || continue
  if $das_up; then
    log "stopping instance $name (pid $pid)"
    timeout 60 "${ASA[@]}" stop-instance "$name" >/dev/null 2>&1 || log "stop-instance $name failed; by PID"
  fi
  stop_pid "$pid" "instance $name" 30
done

# --- DAS ------------------------------------------------------------------------------
if pid_alive "$das_pid" && ps -o args= -p "$das_pid" 2>/dev/null | grep -qF -- "$DOMAIN"; then
  log "stopping DAS $DOMAIN"
  timeout 120 "$ASADMIN" stop-domain --domaindir "$PAYARA_HOME/glassfish/domains" "$DOMAIN" >/dev/null 2>&1 || true
  stop_pid "$das_pid" "DAS" 30
else
  log "DAS $DOMAIN is not running"
fi

# --- broker -----------------------------------------------------------------------------
"$SCRIPT_DIR/cluster-broker.sh" stop || true

log "stopped"
exit 0
