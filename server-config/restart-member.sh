#!/usr/bin/env bash
# Starts member <i> of the local cluster again (e.g. after kill -9) and waits for /health/ready.
# Usage: server-config/restart-member.sh <i> [payara-home]      (READY_TIMEOUT, default 300 s)
# Updates MEMBER<i>_PID in the state file (MEMBER<i>_PIDFILE stays the same). Several members may be
# restarted at once, each by its own call.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SB_LOG_TIME=true
[[ $# -ge 1 && "$1" =~ ^[1-9]$ ]] || { echo "usage: $0 <i> [payara-home]" >&2; exit 2; }
i="$1"
PAYARA_HOME="$(cd "${2:-${PAYARA_HOME:-$SB_DEFAULT_PAYARA_HOME}}" && pwd)"
CLUSTER_DIR="$(sb_cluster_dir "$PAYARA_HOME")"
STATE="$CLUSTER_DIR/cluster.env"
NAME="$(sb_member_name "$i")"
PORT="$(sb_member_http_port "$i")"
PIDFILE="$(sb_member_pidfile "$PAYARA_HOME" "$i")"
READY_TIMEOUT="${READY_TIMEOUT:-300}"
# the DAS's admin password (create-local-domain.sh)
sb_auth_opts "$(sb_admin_password_file "$PAYARA_HOME/glassfish/domains/$SB_CLUSTER_DOMAIN")"

# alive = exists and is no zombie (a just-killed JVM can linger for a moment): pid_alive (lib.sh)
old="$(read_pid "$PIDFILE")"
if pid_alive "$old"; then
  log "$NAME is running (pid $old); nothing to do"
else
  log "starting $NAME"
  T0=$SECONDS
  "$PAYARA_HOME/bin/asadmin" --host "$SB_LOOPBACK" --port "$SB_CLUSTER_ADMIN_PORT" "${SB_AUTH_OPTS[@]}" start-instance "$NAME"
  if ! wait_http_ok "http://$SB_LOOPBACK:$PORT/health/ready" $((SECONDS + READY_TIMEOUT)); then
    log "$NAME not ready within ${READY_TIMEOUT}s; /health/ready said: $(curl -s --max-time 5 "http://$SB_LOOPBACK:$PORT/health/ready" || echo 'no answer')" >&2
    # what the member is doing instead, for whoever reads this log
    stuck="$(read_pid "$PIDFILE")"
    if pid_alive "$stuck"; then
      log "$NAME (pid $stuck) threads:" >&2
      jcmd "$stuck" Thread.print >&2 || true
    fi
    exit 1
  fi
  log "$NAME ready in $((SECONDS - T0))s"
fi
pid="$(read_pid "$PIDFILE")"
[[ -n "$pid" ]] || { log "no PID in $PIDFILE" >&2; exit 1; }
# under a lock: members restarted together (after a full outage) must not lose each other's update
if [[ -f "$STATE" ]]; then
  ( flock 9 && sed -i "s/^MEMBER${i}_PID=.*/MEMBER${i}_PID=$pid/" "$STATE" ) 9>>"$STATE.lock"
fi
log "$NAME pid $pid, http://$SB_LOOPBACK:$PORT/switchboard/"
