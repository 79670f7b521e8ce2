#!/usr/bin/env bash
# Starts member <i> of the local cluster again (e.g. after kill -9) and waits for /health/ready.
# Usage: server-config/restart-member.sh <i> [payara-home]      (READY_TIMEOUT, default 300 s)
# Updates MEMBER<i>_PID in the state file (MEMBER<i>_PIDFILE stays the same).
set -euo pipefail
[[ $# -ge 1 && "$1" =~ ^[1-9]$ ]] || { echo "usage: $0 <i> [payara-home]" >&2; exit 2; }
i="$1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAYARA_HOME="$(cd "${2:-${PAYARA_HOME:-$ROOT/target/payara6}}" && pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-$(dirname "$PAYARA_HOME")/switchboard-cluster}"
STATE="$CLUSTER_DIR/cluster.env"
NAME="sb-member$i"
PORT=$((30000 + i * 1000 + 80))
PIDFILE="$PAYARA_HOME/glassfish/nodes/localhost-switchboard-cluster/$NAME/config/pid"
READY_TIMEOUT="${READY_TIMEOUT:-300}"
log() { printf '[restart-member] %s %s\n' "$(date +%T)" "$*"; }

old="$( [[ -f "$PIDFILE" ]] && tr -dc '0-9' <"$PIDFILE" || true)"
# alive = exists and is no zombie (a just-killed JVM can linger for a moment)
alive() { [[ -n "$1" ]] && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" =~ ^[^Z] ]]; }
if alive "$old"; then
  log "$NAME is running (pid $old); nothing to do"
else
  log "starting $NAME"
  T0=$SECONDS
  "$PAYARA_HOME/bin/asadmin" --host 127.0.0.1 --port 30048 start-instance "$NAME"
  deadline=$((SECONDS + READY_TIMEOUT))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/health/ready")" == 200 ]]; do
    (( SECONDS < deadline )) || { log "$NAME not ready within ${READY_TIMEOUT}s" >&2; exit 1; }
    sleep 1
  done
  log "$NAME ready in $((SECONDS - T0))s"
fi
pid="$(tr -dc '0-9' <"$PIDFILE")"
[[ -f "$STATE" ]] && sed -i "s/^MEMBER${i}_PID=.*/MEMBER${i}_PID=$pid/" "$STATE"
log "$NAME pid $pid, http://127.0.0.1:$PORT/switchboard/"
