#!/usr/bin/env bash
# The standalone OpenMQ broker of the local Switchboard cluster (see create-local-cluster.sh):
# one broker shared by every member (their JMS service is REMOTE), all on 127.0.0.1.
#
# Usage: server-config/cluster-broker.sh start|stop|kill|restart|status
#   start   start the broker in the background (no-op if it is already running) and wait until it
#           accepts connections; the same name, var dir and ports every time, so clients reconnect
#   stop    SIGTERM by PID (clean broker shutdown), SIGKILL after STOP_TIMEOUT seconds; no-op if down
#   kill    SIGKILL by PID (simulates a crashed broker host)
#   status  prints running/stopped; exit 0 if running, 3 if not
#
# Environment (defaults in brackets; create-local-cluster.sh passes the same ones):
#   PAYARA_HOME   Payara distribution whose mq/bin/imqbrokerd is used [target/payara6]
#   CLUSTER_DIR   state directory [<payara-home>/../switchboard-cluster]; the broker's var dir
#                 (instances/<name>/: store, log/log.txt, props) is $CLUSTER_DIR/broker
#   BROKER_NAME   [sbbroker]      BROKER_PORT  portmapper port [27676]
# Ports: portmapper BROKER_PORT, jms service +1, admin service +2, JMX RMI connector +3,
# all bound to 127.0.0.1 (imq.hostname); no other broker service is active.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAYARA_HOME="${PAYARA_HOME:-$SB_DEFAULT_PAYARA_HOME}"
PAYARA_HOME="$(cd "$PAYARA_HOME" 2>/dev/null && pwd || echo "$PAYARA_HOME")"
CLUSTER_DIR="$(sb_cluster_dir "$PAYARA_HOME")"
BROKER_NAME="${BROKER_NAME:-$SB_BROKER_NAME}"
BROKER_PORT="${BROKER_PORT:-$SB_BROKER_PORT}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
START_TIMEOUT="${START_TIMEOUT:-60}"
VARHOME="$CLUSTER_DIR/broker"
PIDFILE="$CLUSTER_DIR/broker.pid"            # the broker JVM
LAUNCHER_PIDFILE="$CLUSTER_DIR/broker-launcher.pid"  # the imqbrokerd shell wrapper
LOGFILE="$VARHOME/instances/$BROKER_NAME/log/log.txt"

running_pid() {
  local pid
  pid="$(read_pid "$PIDFILE")"
  if pid_alive "$pid"; then echo "$pid"; return 0; fi
  return 1
}

start() {
  local pid launcher deadline log_lines
  if pid="$(running_pid)"; then
    log "broker $BROKER_NAME already running (pid $pid, $SB_LOOPBACK:$BROKER_PORT)"
    return 0
  fi
  [[ -x "$PAYARA_HOME/mq/bin/imqbrokerd" ]] || { log "no $PAYARA_HOME/mq/bin/imqbrokerd" >&2; return 1; }
  if port_open "$BROKER_PORT"; then
    log "port $BROKER_PORT is already in use by another process" >&2
    return 1
  fi
  mkdir -p "$VARHOME"
  log_lines="$( { wc -l <"$LOGFILE"; } 2>/dev/null || echo 0)"
  log "starting broker $BROKER_NAME on $SB_LOOPBACK:$BROKER_PORT (var dir $VARHOME)"
  # setsid + nohup: the broker outlives the calling shell/Maven and gets no terminal signals.
  # -Dimq.hostname binds portmapper, jms and admin services and the JMX connector to 127.0.0.1.
  setsid nohup "$PAYARA_HOME/mq/bin/imqbrokerd" \
      -varhome "$VARHOME" -name "$BROKER_NAME" -port "$BROKER_PORT" -silent \
      -vmargs "-Xms64m -Xmx256m" \
      -Dimq.hostname="$SB_LOOPBACK" \
      -Dimq.portmapper.hostname="$SB_LOOPBACK" \
      -Dimq.service.activelist=jms,admin \
      -Dimq.jms.tcp.port=$((BROKER_PORT + 1)) \
      -Dimq.admin.tcp.port=$((BROKER_PORT + 2)) \
      -Dimq.jmx.connector.activelist=jmxrmi \
      -Dimq.jmx.connector.jmxrmi.port=$((BROKER_PORT + 3)) \
      -Dimq.jmx.hostname="$SB_LOOPBACK" \
      </dev/null >"$CLUSTER_DIR/broker-console.log" 2>&1 &
  launcher=$!
  echo "$launcher" >"$LAUNCHER_PIDFILE"
  deadline=$((SECONDS + START_TIMEOUT))
  pid=""
  while (( SECONDS < deadline )); do
    # the JVM is the wrapper's child (the wrapper waits for it; it is no restart loop without -autorestart)
    # (only the java child: the wrapper also runs short-lived helpers such as uname)
    [[ -z "$pid" ]] && pid="$(ps -o pid=,comm= --ppid "$launcher" 2>/dev/null | awk '$2 == "java" { print $1; exit }')"
    [[ -n "$pid" ]] && echo "$pid" >"$PIDFILE"
    if ! pid_alive "$launcher" && ! pid_alive "$pid"; then
      log "broker exited during start; see $CLUSTER_DIR/broker-console.log and $LOGFILE" >&2
      tail -20 "$CLUSTER_DIR/broker-console.log" >&2
      return 1
    fi
    # B1039 = 'Broker "name@host:port" ready', looked for in the lines written by this start only
    if [[ -n "$pid" ]] && tail -n +"$((log_lines + 1))" "$LOGFILE" 2>/dev/null | grep -q 'B1039' \
        && port_open "$BROKER_PORT"; then
      log "broker $BROKER_NAME ready (pid $pid)"
      return 0
    fi
    sleep 0.5
  done
  log "broker did not become ready within ${START_TIMEOUT}s; see $LOGFILE" >&2
  return 1
}

stop() {
  local sig="${1:-TERM}" pid launcher deadline
  launcher="$(read_pid "$LAUNCHER_PIDFILE")"
  if ! pid="$(running_pid)"; then
    log "broker $BROKER_NAME is not running"
    pid_alive "$launcher" && kill -TERM "$launcher" 2>/dev/null
    rm -f "$PIDFILE" "$LAUNCHER_PIDFILE"
    return 0
  fi
  # SIGsig, SIGKILL if still running after STOP_TIMEOUT
  stop_pid "$pid" "broker $BROKER_NAME" "$STOP_TIMEOUT" "$sig"
  # the wrapper exits with the JVM; wait for it briefly so nothing is left behind
  deadline=$((SECONDS + 5))
  while pid_alive "$launcher" && (( SECONDS < deadline )); do sleep 0.2; done
  pid_alive "$launcher" && kill -TERM "$launcher" 2>/dev/null
  rm -f "$PIDFILE" "$LAUNCHER_PIDFILE"
  log "broker $BROKER_NAME stopped"
  return 0
}

status() {
  local pid
  if pid="$(running_pid)"; then
    log "running (pid $pid, $SB_LOOPBACK:$BROKER_PORT, var dir $VARHOME)"
    return 0
  fi
  log "stopped"
  return 3
}

mkdir -p "$CLUSTER_DIR"
case "${1:-}" in
  start)   start ;;
  stop)    stop TERM ;;
  kill)    stop KILL ;;
  restart) stop TERM && start ;;
  status)  status ;;
  *) echo "usage: $0 start|stop|kill|restart|status" >&2; exit 2 ;;
esac
