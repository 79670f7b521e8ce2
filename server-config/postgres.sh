#!/usr/bin/env bash
# The PostgreSQL of the local Switchboard cluster (see create-local-cluster.sh): durable channel
# history, used by the members through the JDBC resource jdbc/switchboard/history. Debian's
# PostgreSQL (/usr/lib/postgresql/<version>/bin, the newest installed), its own data directory,
# TCP on 127.0.0.1 only, the unix socket inside the data directory.
#
# Usage: server-config/postgres.sh start|stop|kill|restart|status|url|destroy
#   start    initdb if the data directory has none (database and user switchboard, password
#            switchboard, scram-sha-256 over TCP), start in the background (no-op if it is already
#            running) and wait until it accepts connections (pg_isready, then a login as switchboard)
#   stop     pg_ctl stop -m fast (the server's own PID file), SIGKILL after STOP_TIMEOUT; no-op if down
#   kill     SIGKILL of the postmaster's PID (a crashed database host; the next start recovers from
#            the WAL); its children, which exit on their own when the postmaster dies, are waited for
#   status   prints running/stopped; exit 0 if running, 3 if not
#   url      prints the JDBC URL
#   destroy  stop, then delete the data directory (create-local-cluster.sh starts from a new one)
#
# Environment (defaults in brackets; create-local-cluster.sh writes PG_DIR and PG_PORT to cluster.env,
# and when they are not set this script takes them from there):
#   PAYARA_HOME   [target/payara6], only to find CLUSTER_DIR
#   CLUSTER_DIR   [<payara-home>/../switchboard-cluster]
#   PG_DIR        data directory [$CLUSTER_DIR/postgres]; the server log is $PG_DIR/server.log
#   PG_PORT       [25432]     PG_BIN  PostgreSQL's bin directory [/usr/lib/postgresql/<newest>/bin]
#   PG_MAX_CONNECTIONS [200]  (each member's pool holds up to 16)
#   START_TIMEOUT [60]  STOP_TIMEOUT [30] (seconds)
#
# As root (CI): PostgreSQL refuses to run as root, so initdb, pg_ctl and the server run as the
# user postgres (runuser), which owns the data directory. If postgres cannot reach PG_DIR (a parent
# directory without search permission for others), the data lives in /tmp/switchboard-postgres-<n>
# and PG_DIR becomes a symbolic link to it.
#
# Settings: fsync, full_page_writes and synchronous_commit stay on (the history is meant to be
# durable); shared_buffers is small (32MB). They are rewritten to $PG_DIR/switchboard.conf at every
# start, so a changed PG_PORT takes effect on the next start.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAYARA_HOME="${PAYARA_HOME:-$SB_DEFAULT_PAYARA_HOME}"
PAYARA_HOME="$(cd "$PAYARA_HOME" 2>/dev/null && pwd || echo "$PAYARA_HOME")"
CLUSTER_DIR="$(sb_cluster_dir "$PAYARA_HOME")"
STATE="$CLUSTER_DIR/cluster.env"
PG_DIR="${PG_DIR:-$(sb_state_get "$STATE" PG_DIR)}"
PG_DIR="${PG_DIR:-$CLUSTER_DIR/postgres}"
PG_PORT="${PG_PORT:-$(sb_state_get "$STATE" PG_PORT)}"
PG_PORT="${PG_PORT:-$SB_PG_PORT}"
PG_MAX_CONNECTIONS="${PG_MAX_CONNECTIONS:-200}"
START_TIMEOUT="${START_TIMEOUT:-60}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
PG_OS_USER=postgres                     # the server's user when this script runs as root

if [[ -z "${PG_BIN:-}" ]]; then
  PG_BIN="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1)"
fi

is_root() { [[ $(id -u) -eq 0 ]]; }
# as_pg <command...>: runs a command as the server's user (postgres when we are root)
as_pg() {
  if is_root; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}
# the real data directory (PG_DIR may be a symbolic link to it, see above)
data_dir() {
  if [[ -L "$PG_DIR" ]]; then readlink -f "$PG_DIR"; else echo "$PG_DIR"; fi
}

# running_pid: the postmaster's PID, from its own PID file, if it is alive and a postgres process
running_pid() {
  local pid
  pid="$(head -n 1 "$(data_dir)/postmaster.pid" 2>/dev/null | tr -dc '0-9')"
  if pid_alive "$pid" && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == postgres ]]; then
    echo "$pid"
    return 0
  fi
  return 1
}

# prepare_dir: creates the data directory, owned by the server's user, reachable by it
prepare_dir() {
  local fallback data
  if [[ -L "$PG_DIR" ]]; then
    data="$(data_dir)"
    mkdir -p "$data" || return 1
  else
    mkdir -p "$PG_DIR" || return 1
    data="$PG_DIR"
  fi
  if is_root; then
    id "$PG_OS_USER" >/dev/null 2>&1 || { log "no user $PG_OS_USER (install Debian's postgresql package)" >&2; return 1; }
    chown "$PG_OS_USER:" "$data" && chmod 700 "$data" || return 1
    if ! runuser -u "$PG_OS_USER" -- test -w "$data" -a -x "$data"; then
      [[ ! -L "$PG_DIR" ]] || { log "$PG_OS_USER cannot use $data" >&2; return 1; }
      fallback="/tmp/switchboard-postgres-$(printf '%s' "$PG_DIR" | cksum | cut -d ' ' -f 1)"
      log "user $PG_OS_USER cannot reach $PG_DIR (a parent directory is closed to others); data in $fallback"
      rmdir "$PG_DIR" || return 1
      mkdir -p "$fallback" && chown "$PG_OS_USER:" "$fallback" && chmod 700 "$fallback" || return 1
      ln -s "$fallback" "$PG_DIR" || return 1
    fi
  else
    chmod 700 "$data" || return 1
  fi
}

# write_settings <data dir>: switchboard.conf (included by postgresql.conf), rewritten at every start
write_settings() {
  local data="$1" sockets="$1"
  # a unix socket path is limited to 107 bytes; with a longer one the server listens on TCP only
  if (( ${#data} + 16 > 107 )); then
    log "data directory path too long for a unix socket; TCP only"
    sockets=""
  fi
  as_pg tee "$data/switchboard.conf" >/dev/null <<EOF || return 1
# written by server-config/postgres.sh at every start; edit the script, not this file
listen_addresses = '$SB_LOOPBACK'
port = $PG_PORT
unix_socket_directories = '$sockets'
unix_socket_permissions = 0700
max_connections = $PG_MAX_CONNECTIONS
shared_buffers = 32MB
password_encryption = scram-sha-256
# durability: the defaults, stated
fsync = on
full_page_writes = on
synchronous_commit = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
EOF
}

# init_db <data dir>: initdb, pg_hba.conf, the database and its user (single-user mode: no socket needed)
init_db() {
  local data="$1" out
  log "initdb $data (PostgreSQL $("$PG_BIN/postgres" --version | awk '{ print $3 }'))"
  if ! out="$(as_pg "$PG_BIN/initdb" -D "$data" --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C --no-instructions 2>&1)"; then
    printf '%s\n' "$out" >&2
    log "initdb failed" >&2
    return 1
  fi
  printf '%s\n' "" "# server-config/postgres.sh" "include_if_exists = 'switchboard.conf'" \
    | as_pg tee -a "$data/postgresql.conf" >/dev/null || return 1
  printf '%s\n' \
    "# server-config/postgres.sh: the server's OS user over the socket, passwords over TCP on 127.0.0.1 only" \
    "local   all  all                peer" \
    "host    all  all  127.0.0.1/32  scram-sha-256" \
    | as_pg tee "$data/pg_hba.conf" >/dev/null || return 1
  if ! out="$(printf '%s\n' \
        "CREATE ROLE $SB_PG_USER LOGIN PASSWORD '$SB_PG_PASSWORD';" \
        "CREATE DATABASE $SB_PG_DATABASE OWNER $SB_PG_USER;" \
      | as_pg "$PG_BIN/postgres" --single -D "$data" template1 2>&1)" || grep -qE 'ERROR|FATAL' <<<"$out"; then
    printf '%s\n' "$out" >&2
    log "creating database $SB_PG_DATABASE / user $SB_PG_USER failed" >&2
    return 1
  fi
}

# can_login: the application's login works (what the JDBC pool does)
can_login() {
  PGPASSWORD="$SB_PG_PASSWORD" PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -q -w -h "$SB_LOOPBACK" -p "$PG_PORT" \
    -U "$SB_PG_USER" -d "$SB_PG_DATABASE" -Atc 'select 1' >/dev/null 2>&1
}

start() {
  local pid data t0 deadline
  t0="$(date +%s%N)"
  if pid="$(running_pid)"; then
    log "PostgreSQL already running (pid $pid, $SB_LOOPBACK:$PG_PORT, data $(data_dir))"
    return 0
  fi
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] \
    || { log "no PostgreSQL in ${PG_BIN:-/usr/lib/postgresql/*/bin} (install Debian's postgresql package)" >&2; return 1; }
  if port_open "$PG_PORT"; then
    log "port $PG_PORT is already in use by another process" >&2
    return 1
  fi
  prepare_dir || { log "cannot prepare the data directory $PG_DIR" >&2; return 1; }
  data="$(data_dir)"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    init_db "$data" || return 1
  fi
  write_settings "$data" || return 1
  clear_stale_pidfile "$data"
  log "starting PostgreSQL on $SB_LOOPBACK:$PG_PORT (data $data, log $data/server.log)"
  # setsid: the server outlives the calling shell/Maven and gets no terminal signals (SIGINT would
  # be a fast shutdown); pg_ctl -w returns once the server accepts connections (or after the timeout)
  if ! setsid -w "${SB_AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t "$START_TIMEOUT" -s start </dev/null; then
    log "PostgreSQL did not start; see $data/server.log" >&2
    tail -n 20 "$data/server.log" >&2 2>/dev/null
    return 1
  fi
  deadline=$((SECONDS + START_TIMEOUT))
  until "$PG_BIN/pg_isready" -q -h "$SB_LOOPBACK" -p "$PG_PORT" -t 2 && can_login; do
    if (( SECONDS >= deadline )); then
      log "PostgreSQL does not accept the login of $SB_PG_USER within ${START_TIMEOUT}s; see $data/server.log" >&2
      return 1
    fi
    sleep 0.2
  done
  pid="$(running_pid)"
  log "PostgreSQL ready (pid $pid) in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(url)"
}

stop() {
  local pid data
  data="$(data_dir)"
  if ! pid="$(running_pid)"; then
    log "PostgreSQL is not running"
    return 0
  fi
  log "stopping PostgreSQL (pid $pid, pg_ctl stop -m fast)"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t "$STOP_TIMEOUT" -s stop \
    || log "pg_ctl stop failed or timed out"
  # still there (timeout): SIGKILL by PID, then its children
  if pid_alive "$pid"; then kill_server "$pid"; fi
  # until the postmaster is reaped (this host's init takes ~2 s), it still "exists" for kill -0
  wait_gone 5 "$pid" || true
  log "PostgreSQL stopped"
  return 0
}

# pid_exists <pid>: the process exists, zombies included (PostgreSQL's own test for a running
# postmaster is kill(pid, 0), so a start fails while the killed postmaster is an unreaped zombie)
pid_exists() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# wait_gone <timeout s> <pid...>: waits until none of the processes exists (reaped); 1 on timeout
wait_gone() {
  local deadline=$((SECONDS + $1)) p
  shift
  for p in "$@"; do
    while pid_exists "$p"; do
      (( SECONDS < deadline )) || return 1
      sleep 0.1
    done
  done
}

# kill_server <postmaster pid>: SIGKILL, then wait for the children (they notice the postmaster's
# death and exit; the next start needs them gone), SIGKILL for any still running after 10 s; then
# waits (10 s at most) until all of them are reaped, so an immediate start does not find a zombie
kill_server() {
  local pid="$1" children c deadline
  children="$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -s ' \n' ' ')"
  log "SIGKILL to the postmaster (pid $pid)"
  kill -KILL "$pid" 2>/dev/null
  deadline=$((SECONDS + 10))
  for c in $pid $children; do
    while pid_alive "$c" && (( SECONDS < deadline )); do sleep 0.1; done
    if pid_alive "$c" && [[ "$(ps -o comm= -p "$c" 2>/dev/null)" == postgres ]]; then
      log "child $c still running; SIGKILL"
      kill -KILL "$c" 2>/dev/null
    fi
  done
  # shellcheck disable=SC2086  # one PID per word
  wait_gone 10 $pid $children || log "some of the killed processes are not reaped yet (zombies)"
}

# data_dir_in_use <data dir>: a live postgres process works in it (server processes chdir there)
data_dir_in_use() {
  local d p
  d="$(readlink -f "$1")"
  for p in /proc/[0-9]*; do
    if [[ "$(readlink "$p/cwd" 2>/dev/null)" == "$d" ]] && pid_alive "${p#/proc/}" \
        && [[ "$(ps -o comm= -p "${p#/proc/}" 2>/dev/null)" == postgres ]]; then
      return 0
    fi
  done
  return 1
}

# clear_stale_pidfile <data dir>: after a crash (kill) the postmaster.pid stays; PostgreSQL removes
# it itself unless its PID still exists, e.g. as a zombie that this host's init has not reaped yet:
# wait for that (10 s), then remove the file if no server process is left in the data directory
# (a zombie holds no shared memory; a live orphaned backend would, and then the file stays)
clear_stale_pidfile() {
  local file="$1/postmaster.pid" pid
  [[ -f "$file" ]] || return 0
  pid="$(head -n 1 "$file" | tr -dc '0-9')"
  pid_exists "$pid" || return 0
  if ! wait_gone 10 "$pid"; then
    if data_dir_in_use "$1"; then
      log "processes of the previous server still use $1; the start will probably fail" >&2
    else
      log "the previous postmaster (pid $pid) is a zombie; removing its stale postmaster.pid"
      rm -f "$file"
    fi
  fi
}

kill_cmd() {
  local pid
  if ! pid="$(running_pid)"; then
    log "PostgreSQL is not running"
    return 0
  fi
  kill_server "$pid"
  log "PostgreSQL killed (postmaster.pid left behind, as after a crash)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    log "running (pid $pid, $SB_LOOPBACK:$PG_PORT, data $(data_dir))"
    return 0
  fi
  log "stopped (data $PG_DIR)"
  return 3
}

url() { echo "jdbc:postgresql://$SB_LOOPBACK:$PG_PORT/$SB_PG_DATABASE"; }

destroy() {
  local data
  stop
  data="$(data_dir)"
  if [[ -d "$data" ]]; then
    # only a PostgreSQL data directory (or an empty one) is deleted
    if [[ -f "$data/PG_VERSION" || -z "$(ls -A "$data")" ]]; then
      log "deleting the data directory $data"
      rm -rf "$data" || return 1
    else
      log "$data is no PostgreSQL data directory; left as it is" >&2
      return 1
    fi
  fi
  [[ -L "$PG_DIR" ]] && rm -f "$PG_DIR"
  return 0
}

if is_root; then SB_AS_PG=(runuser -u "$PG_OS_USER" --); else SB_AS_PG=(); fi
case "${1:-}" in
  start)   start ;;
  stop)    stop ;;
  kill)    kill_cmd ;;
  restart) stop && start ;;
  status)  status ;;
  url)     url ;;
  destroy) destroy ;;
  *) echo "usage: $0 start|stop|kill|restart|status|url|destroy" >&2; exit 2 ;;
esac
