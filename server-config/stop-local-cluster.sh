#!/usr/bin/env bash
# Stops the local Switchboard cluster made by create-local-cluster.sh: instances, DAS, broker, PostgreSQL.
# Idempotent: whatever is already down is skipped; always exits 0.
#
# Usage: server-config/stop-local-cluster.sh [payara-home]   (default: $PAYARA_HOME, else target/payara6)
# Order: instances (stop-instance via the DAS for each live one; by PID, TERM then KILL, if the DAS
# is down or an instance does not stop), DAS (stop-domain; by PID if that fails), broker (by PID),
# PostgreSQL (postgres.sh stop: pg_ctl stop -m fast on its data directory, PG_DIR or cluster.env's;
# left alone if PG_EXTERNAL=1, given or in cluster.env). Its data directory is kept.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAYARA_HOME="${1:-${PAYARA_HOME:-$SB_DEFAULT_PAYARA_HOME}}"
PAYARA_HOME="$(cd "$PAYARA_HOME" 2>/dev/null && pwd || echo "$PAYARA_HOME")"
export PAYARA_HOME
CLUSTER_DIR="$(sb_cluster_dir "$PAYARA_HOME")"
export CLUSTER_DIR
DOMAIN="$SB_CLUSTER_DOMAIN"
ADMIN_PORT="$SB_CLUSTER_ADMIN_PORT"
NODE="$SB_CLUSTER_NODE"
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAIN_DIR="$PAYARA_HOME/glassfish/domains/$DOMAIN"
# the DAS's admin password (create-local-domain.sh), if the domain has one
sb_auth_opts "$(sb_admin_password_file "$DOMAIN_DIR")"
ASA=("$ASADMIN" --host "$SB_LOOPBACK" --port "$ADMIN_PORT" "${SB_AUTH_OPTS[@]}")
# stop_pid (lib.sh): TERM, then KILL after the timeout

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
  timeout 120 "$ASADMIN" "${SB_AUTH_OPTS[@]}" stop-domain --domaindir "$PAYARA_HOME/glassfish/domains" "$DOMAIN" >/dev/null 2>&1 || true
  stop_pid "$das_pid" "DAS" 30
else
  log "DAS $DOMAIN is not running"
fi

# --- broker -----------------------------------------------------------------------------
"$SB_SCRIPT_DIR/cluster-broker.sh" stop || true

# --- PostgreSQL ---------------------------------------------------------------------------
PG_EXTERNAL="${PG_EXTERNAL:-$(sb_state_get "$CLUSTER_DIR/cluster.env" PG_EXTERNAL)}"
if [[ "$PG_EXTERNAL" == 1 ]]; then
  log "PostgreSQL is external (PG_EXTERNAL=1); left running"
else
  "$SB_SCRIPT_DIR/postgres.sh" stop || true
fi

log "stopped"
exit 0
