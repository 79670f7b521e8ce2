#!/usr/bin/env bash
# Switchboard benchmark: one command, prints one table.
#
#   bench/run.sh                      # against the demo domain (./mvnw -Pdemo package), all scenarios
#   SCENARIOS="fanout rooms" bench/run.sh
#   CLUSTER_URLS=ws://127.0.0.1:31080/switchboard/ws,ws://127.0.0.1:32080/switchboard/ws \
#   CLUSTER_PIDS=1234,5678 SCENARIOS=cross-member bench/run.sh
#   SCENARIOS="rooms rooms publish-sat resume" STACKS=switchboard TAG="history H2" bench/run.sh
#   SCENARIOS=ingress STACKS=switchboard bench/run.sh      # back-end publish: REST, batches, JMS, WebSocket
#   SCENARIOS=storm STACKS=switchboard FRESH=1 bench/run.sh  # reconnect storm right after a domain start
#   SCENARIOS="rooms connections" STACKS="switchboard bare" FRESH=1 CLIENTS="loadgen node" bench/run.sh
#
# It needs a RUNNING Payara domain with Switchboard deployed (default: the demo domain,
# http://127.0.0.1:8080, admin port 4848). It builds bench/loadgen and bench/bare-endpoint if
# needed, deploys the bare endpoint WAR at /bare on the same domain, starts the Socket.IO server
# (node, stopped by PID at the end), runs every scenario against each stack and prints the table
# (also written to bench/results/<time>/table.md, with every client log next to it).
# Before the runs it configures the hub's domain for load testing: anonymous clients, no per-address
# handshake/connection limits (and reloads the app if that changed anything); see bench/README.md.
# asadmin logs in with the domain's admin password file (<domain dir>/config/admin-password).
# FRESH=1 restarts the domain before every run on it (Switchboard and bare) and counts the first run
# after the start (what the clients of a member that has just started meet). CLIENTS="loadgen node"
# runs the scenarios both load clients have with each (bench/nodeload/load.mjs: a second,
# independently written client, to cross-check the figures).
# All knobs are environment variables; see bench/README.md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ADMIN_PORT="${ADMIN_PORT:-4848}"
SIO_PORT="${SIO_PORT:-3000}"
STACKS="${STACKS:-switchboard bare socketio}"
SCENARIOS="${SCENARIOS:-connections fanout fanout-sat rooms cross-member}"
CONNS="${CONNS:-5000}"                # connections: idle connections (list: "5000 19000")
CONNECT_RATE="${CONNECT_RATE:-1000}"  # connects/s
HOLD="${HOLD:-20}"                    # s the idle connections are held
FANOUT_SUBS="${FANOUT_SUBS:-1000}"
FANOUT_RATE="${FANOUT_RATE:-50}"      # msgs/s of the one publisher
SAT_RATE="${SAT_RATE:-200}"           # fan-out saturation: msgs/s offered in total ...
SAT_PUBLISHERS="${SAT_PUBLISHERS:-4}" # ... by this many publishers (Switchboard limits one connection to 100 msgs/s)
ROOMS_CONNS="${ROOMS_CONNS:-2000}"
ROOMS_RATE="${ROOMS_RATE:-5}"         # msgs/s per connection
PUBSAT_RATES="${PUBSAT_RATES:-1000 2000 4000 6000 8000 10000 12000}"  # publish-sat: offered msgs/s, one step each, until one is not sustained
PUBSAT_CHANNELS="${PUBSAT_CHANNELS:-100}"   # publish-sat: channels (publishers: enough for <= 80 msgs/s each, spread evenly)
PUBSAT_SUBS="${PUBSAT_SUBS:-1}"             # publish-sat: subscribers per channel
PUBSAT_WARMUP="${PUBSAT_WARMUP:-5}"         # publish-sat: s of warm-up per step
PUBSAT_DURATION="${PUBSAT_DURATION:-20}"    # publish-sat: measured s per step
RESUME_CLIENTS="${RESUME_CLIENTS:-1000}"    # resume: clients that disconnect and resume
RESUME_CHANNELS="${RESUME_CHANNELS:-100}"   # resume: channels they are spread over (one publisher each)
RESUME_MISSED="${RESUME_MISSED:-100}"       # resume: messages published to each channel while the clients are away
RESUME_PUB_RATE="${RESUME_PUB_RATE:-2000}"  # resume: msgs/s (all channels) of those publications
RESUME_CONNECT_RATE="${RESUME_CONNECT_RATE:-$CONNECT_RATE}"  # resume: reconnects/s
RESUME_LIVE_RATE="${RESUME_LIVE_RATE:-0}"   # resume: live msgs/s per channel published during the reconnects (0: none)
INGRESS_PATHS="${INGRESS_PATHS:-rest batch jms ws}"   # ingress: publisher paths, one run each (rest, batch, jms, ws)
INGRESS_SUBS="${INGRESS_SUBS:-1000}"          # ingress: WebSocket subscribers on the one channel
INGRESS_RATES="${INGRESS_RATES:-100 200 500 1000 2000}"  # ingress: offered msgs/s, one step each, until one is not sustained
INGRESS_WARMUP="${INGRESS_WARMUP:-5}"         # ingress: s of warm-up per step
INGRESS_DURATION="${INGRESS_DURATION:-20}"    # ingress: measured s per step
INGRESS_INFLIGHT="${INGRESS_INFLIGHT:-}"      # ingress: most REST requests in flight (empty: loadgen's default, 32 for rest, 8 for batch)
INGRESS_BATCH="${INGRESS_BATCH:-20}"          # ingress: messages per POST /api/publish (batch)
INGRESS_AUTH="${INGRESS_AUTH:-demo:alice:alice-demo}"  # ingress: REST credentials (demo:U:P a demo-issuer token, basic:U:P, bearer:JWT)
INGRESS_JMS_THREADS="${INGRESS_JMS_THREADS:-2}"  # ingress: sender threads of the jms-publisher example's bench-send servlet
INGRESS_FLUSH="${INGRESS_FLUSH:-1}"           # ingress: 1 = after a jms run, flush what is left in the ingress queue (SwitchboardPublish)
STORM_CLIENTS="${STORM_CLIENTS:-10000}"     # storm: clients that arrive at once (at most the hub's connection cap)
STORM_CHANNELS="${STORM_CHANNELS:-100}"     # storm: channels with history they resume on (client i on channel i mod K)
STORM_INFLIGHT="${STORM_INFLIGHT:-500}"     # storm: most handshakes in progress at once (no other pacing)
STORM_TIMEOUT="${STORM_TIMEOUT:-60}"        # storm: s until a client not live counts as failed
STORM_HOLD="${STORM_HOLD:-5}"               # storm: s the live clients are held after the last one is live (drops)
STORM_HELD="${STORM_HELD:-200}"             # storm: connections established before it, in rooms of 2 (0: none)
STORM_HELD_RATE="${STORM_HELD_RATE:-2}"     # storm: msg/s each held connection publishes during it (delivery latency)
FRESH="${FRESH:-0}"                         # 1: restart the domain before every run on it (Switchboard, bare) and measure the first run
FRESH_WARMUP="${FRESH_WARMUP:-0}"           # fresh: s between the hub answering and the run
FRESH_RUN_WARMUP="${FRESH_RUN_WARMUP:-5}"   # fresh: the run's own warm-up (fan-out, rooms), instead of WARMUP
FRESH_WARM_CONNS="${FRESH_WARM_CONNS:-0}"   # fresh: connections' warm-up connections, instead of loadgen's 200
FRESH_READY_MAX="${FRESH_READY_MAX:-300}"   # fresh: at most this many s for the restarted domain to answer
CLIENTS="${CLIENTS:-loadgen}"               # load clients: loadgen (Java), node (bench/nodeload/load.mjs); each runs what it supports
NODE_PROCS="${NODE_PROCS:-2}"               # node client: worker processes
TAG="${TAG:-}"                        # appended to every row's scenario name, e.g. "history H2" or "live-only"
DB_PID="${DB_PID:-}"                  # a database server's main PID (PostgreSQL's postmaster): its CPU and its children's is reported as "+ DB n%"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-30}"
DRAIN="${DRAIN:-10}"
SETTLE="${SETTLE:-5}"                 # s between runs, so the server closes the last run's connections
QUIET_CPU="${QUIET_CPU:-15}"          # before a run: wait until every server process uses less than this % of a core ...
QUIET_MAX="${QUIET_MAX:-180}"         # ... for 2 s in a row, at most this many seconds (0: don't wait)
LOOPS="${LOOPS:-2}"                   # selector threads of the load client
CLUSTER_URLS="${CLUSTER_URLS:-}"      # cross-member: two or more member URLs (ws://.../switchboard/ws)
CLUSTER_PIDS="${CLUSTER_PIDS:-}"      # cross-member: their JVM PIDs (comma-separated)
CLUSTER_CONNS="${CLUSTER_CONNS:-50000}"   # cluster-connections: idle connections in total, split evenly over the members
GATE_FILE="${GATE_FILE:-}"            # if set: wait for this file before every run; re-run once if it vanished
RESULTS="${RESULTS:-$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)}"
LOAD_TEST_CONFIG="${LOAD_TEST_CONFIG:-1}"   # 1: configure the hub's domain(s) for load testing (below) before the runs; 0: leave them as they are
NODELOAD="$BENCH/nodeload/load.mjs"
BARE_WAR="$BENCH/bare-endpoint/target/bare.war"

# the server-config helpers: admin password file and asadmin login options (defines log, redefined below)
# shellcheck source-path=SCRIPTDIR source=../server-config/lib.sh
source "$ROOT/server-config/lib.sh"
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
wait_gate() {
  [[ -z "$GATE_FILE" ]] && return 0
  while [[ ! -f "$GATE_FILE" ]]; do
    log "waiting for $GATE_FILE (quiet machine)"
    sleep 20
  done
}

# Every domain the server-config scripts create has a random admin password in
# <domain dir>/config/admin-password; remote asadmin commands log in with it.
ADMIN_PASSWORD_FILE="${ADMIN_PASSWORD_FILE:-$(sb_admin_password_file "$PAYARA_HOME/glassfish/domains/$DOMAIN")}"
sb_auth_opts "$ADMIN_PASSWORD_FILE"
ASADMIN=("$PAYARA_HOME/bin/asadmin" --host 127.0.0.1 --port "$ADMIN_PORT" "${SB_AUTH_OPTS[@]}")
(( ${#SB_AUTH_OPTS[@]} )) || log "no admin password file $ADMIN_PASSWORD_FILE: asadmin without login (a domain made by older scripts)"
# the local cluster's DAS (cross-member, cluster-connections): configured for load testing like the demo domain
CLUSTER_ADMIN_PORT="${CLUSTER_ADMIN_PORT:-$SB_CLUSTER_ADMIN_PORT}"
CLUSTER_DOMAIN="${CLUSTER_DOMAIN:-$SB_CLUSTER_DOMAIN}"
CLUSTER_TARGET="${CLUSTER_TARGET:-$SB_CLUSTER_DG}"

# What the bench measures is the hub's message path, with anonymous clients (?name=, Origin = the
# hub's own) and without the per-address abuse limits, which 1,000 handshakes/s from 8 loopback
# addresses would trip. Token verification on the handshake is not in the figures.
LOAD_TEST_PROPERTIES=(
  switchboard.security.anonymous=true
  switchboard.security.handshakes-per-address=0
  switchboard.security.connections-per-address=0
)

[[ -n "$SERVER_PID" && -d "/proc/$SERVER_PID" ]] || die "no running Payara for domain $DOMAIN (start it: ./mvnw -Pdemo package), or set SERVER_PID"
curl -fsS -o /dev/null "http://$HOST:$HTTP_PORT/switchboard/" || die "Switchboard is not answering at http://$HOST:$HTTP_PORT/switchboard/"
mkdir -p "$RESULTS"
ROWS="$RESULTS/rows.md"
: >"$ROWS"

# --- build ----------------------------------------------------------------------
if [[ ! -f "$LOADGEN_JAR" || -n "${REBUILD:-}" ]]; then
  log "building bench/loadgen"
  "$ROOT/mvnw" -q -f "$BENCH/loadgen/pom.xml" package
fi
if [[ " $STACKS " == *" bare "* ]]; then
  if [[ ! -f "$BARE_WAR" || -n "${REBUILD:-}" ]]; then
    log "building bench/bare-endpoint"
    "$ROOT/mvnw" -q -f "$BENCH/bare-endpoint/pom.xml" package
  fi
  log "deploying the bare endpoint at /bare on the same domain"
  "${ASADMIN[@]}" deploy --force=true --name bare --contextroot bare "$BARE_WAR" >/dev/null
fi

for client in $CLIENTS; do
  case "$client" in
    loadgen) ;;
    node)
      [[ -f "$NODELOAD" ]] || die "CLIENTS has node, but there is no $NODELOAD"
      if [[ -f "$BENCH/nodeload/package.json" && ! -d "$BENCH/nodeload/node_modules" ]]; then
        log "installing the node load client's dependencies from npm"
        if [[ -f "$BENCH/nodeload/package-lock.json" ]]; then
          (cd "$BENCH/nodeload" && npm ci --no-audit --no-fund >/dev/null)
        else
          (cd "$BENCH/nodeload" && npm install --no-audit --no-fund >/dev/null)
        fi
      fi ;;
    *) die "unknown load client $client in CLIENTS (loadgen node)" ;;
  esac
done

# --- the hub's domain(s), configured for load testing ------------------------------------
# configure_for_load <what> <app target> <http base> <asadmin...>: sets LOAD_TEST_PROPERTIES
# (MicroProfile Config, domain source) where they differ, then reloads the app (disable + enable:
# the hub reads them at start) and checks that an anonymous handshake with the hub's own Origin
# is accepted. Builds without these properties (before issue 16) ignore them.
configure_for_load() {
  local what="$1" target="$2" base="$3" prop name value now changed=() code
  shift 3
  local asa=("$@")
  for prop in "${LOAD_TEST_PROPERTIES[@]}"; do
    name="${prop%%=*}" value="${prop#*=}"
    now="$("${asa[@]}" get-config-property --source=domain --propertyName="$name" 2>/dev/null | head -1 || true)"
    [[ "$now" == "$value" ]] && continue
    "${asa[@]}" set-config-property --source=domain --propertyName="$name" --propertyValue="$value" >/dev/null \
      || die "$what: set-config-property $name=$value failed"
    changed+=("$name=$value")
  done
  if (( ${#changed[@]} )); then
    log "$what: configured for load testing (${changed[*]}); reloading the app (disable + enable switchboard on $target)"
    "${asa[@]}" disable --target "$target" switchboard >/dev/null || die "$what: disable switchboard failed"
    "${asa[@]}" enable --target "$target" switchboard >/dev/null || die "$what: enable switchboard failed"
    wait_http_ok "$base/switchboard/" $((SECONDS + 120)) || die "$what: Switchboard did not come back at $base/switchboard/"
  else
    log "$what: already configured for load testing (${LOAD_TEST_PROPERTIES[*]})"
  fi
  # a member that just (re)started warms up on itself first and answers 503 meanwhile (up to
  # switchboard.warmup.max-seconds, 30 s by default): wait that out, bounded
  local deadline=$((SECONDS + 90))
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
      -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: YmVuY2gtcHJvYmUtbm9uY2U=' -H 'Sec-WebSocket-Protocol: switchboard.v1' \
      -H "Origin: $base" "$base/switchboard/ws?name=bench-probe" || true)"
    [[ "$code" == 503 ]] && (( SECONDS < deadline )) || break
    sleep 1
  done
  [[ "$code" == 101 ]] || die "$what: an anonymous handshake with Origin $base is refused (HTTP $code); see the server log"
}
if [[ "$LOAD_TEST_CONFIG" == 1 && " $STACKS " == *" switchboard "* ]]; then
  log "LOAD TEST CONFIGURATION: anonymous clients, no per-address handshake/connection limits on the hub;"
  log "  the figures are for anonymous connections (token verification on the handshake is not in them)"
  wait_gate   # a reload is a few seconds of both cores
  configure_for_load "domain $DOMAIN" server "http://$HOST:$HTTP_PORT" "${ASADMIN[@]}"
  if [[ -n "$CLUSTER_URLS" && " $SCENARIOS " =~ " "(cross-member|cluster-connections)" " ]]; then
    sb_auth_opts "$(sb_admin_password_file "$PAYARA_HOME/glassfish/domains/$CLUSTER_DOMAIN")"
    IFS=, read -ra member_urls <<<"$CLUSTER_URLS"
    member_base="${member_urls[0]/#ws:/http:}"
    configure_for_load "cluster $CLUSTER_DOMAIN" "$CLUSTER_TARGET" "${member_base%%/switchboard/*}" \
      "$PAYARA_HOME/bin/asadmin" --host 127.0.0.1 --port "$CLUSTER_ADMIN_PORT" "${SB_AUTH_OPTS[@]}"
  fi
  log "  (undo: asadmin delete-config-property --source=domain --propertyName=<name> for each, then disable + enable switchboard)"
fi

# --- Socket.IO server -------------------------------------------------------------
NODE_PID=""
cleanup() {
  if [[ -n "$NODE_PID" ]]; then
    kill "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if [[ " $STACKS " == *" socketio "* ]]; then
  if [[ ! -d "$BENCH/socketio/node_modules/socket.io" ]]; then
    log "installing socket.io from npm"
    (cd "$BENCH/socketio" && npm ci --no-audit --no-fund >/dev/null)
  fi
  (cd "$BENCH/socketio" && exec env PORT="$SIO_PORT" node server.js) >"$RESULTS/socketio.log" 2>&1 &
  NODE_PID=$!
  for _ in $(seq 50); do grep -q listening "$RESULTS/socketio.log" && break; sleep 0.1; done
  grep -q listening "$RESULTS/socketio.log" || die "the Socket.IO server did not start: $(cat "$RESULTS/socketio.log")"
  log "$(cat "$RESULTS/socketio.log")"
fi

# --- machine ------------------------------------------------------------------------
{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr)"
  echo "- server: $("${ASADMIN[@]}" version 2>/dev/null | sed -n 's/^Version = //p'), $(java -version 2>&1 | head -1); Socket.IO $(node -p "require('$BENCH/socketio/node_modules/socket.io/package.json').version" 2>/dev/null || echo n/a) on node $(node --version 2>/dev/null || echo n/a)"
  if [[ "$LOAD_TEST_CONFIG" == 1 && " $STACKS " == *" switchboard "* ]]; then
    echo "- hub configured for load testing: ${LOAD_TEST_PROPERTIES[*]} (anonymous connections; token verification on the handshake not measured)"
  fi
  echo "- server PID $SERVER_PID: $(grep -E '^(Threads|VmRSS)' "/proc/$SERVER_PID/status" | tr -s '\t ' ' ' | paste -sd, -)"
  echo "- load clients: $CLIENTS$([[ " $CLIENTS " == *" node "* ]] && echo " (node: $NODELOAD, $NODE_PROCS processes)")"
  if [[ "$FRESH" == 1 ]]; then
    echo "- FRESH: the domain $DOMAIN restarted (asadmin restart-domain) before every Switchboard and bare run, the first run after the start measured: $FRESH_WARMUP s idle after the hub answers, run warm-up $FRESH_RUN_WARMUP s (fan-out, rooms), $FRESH_WARM_CONNS warm-up connections (connections); rows tagged fresh. Socket.IO and cluster runs are not restarted"
  fi
} >"$RESULTS/machine.md"

# --- runs ---------------------------------------------------------------------------

# CPU time of a process in clock ticks (utime + stime), or nothing if it is gone
ticks_of() {
  [[ -r "/proc/$1/stat" ]] || return 0
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# A stack that fell behind (a saturation run that lost most of its messages) goes on working off its
# backlog after its clients have gone: node for half a minute and more. The next run, on any stack,
# would share the two cores with it, so wait until every server process is idle.
wait_quiet() {
  (( QUIET_MAX > 0 )) || return 0
  local pids=("$SERVER_PID") cluster=() hz start quiet=0 pid a b busy
  [[ -n "$NODE_PID" ]] && pids+=("$NODE_PID")
  [[ -n "$CLUSTER_PIDS" ]] && IFS=, read -ra cluster <<<"$CLUSTER_PIDS" && pids+=("${cluster[@]}")
  hz=$(getconf CLK_TCK)
  start=$SECONDS
  while (( quiet < 2 && SECONDS - start < QUIET_MAX )); do
    declare -A before=()
    for pid in "${pids[@]}"; do before[$pid]=$(ticks_of "$pid"); done
    sleep 1
    busy=""
    for pid in "${pids[@]}"; do
      a=${before[$pid]}; b=$(ticks_of "$pid")
      [[ -z "$a" || -z "$b" ]] && continue
      (( (b - a) * 100 >= QUIET_CPU * hz )) && busy+=" $pid:$(( (b - a) * 100 / hz ))%"
    done
    if [[ -z "$busy" ]]; then quiet=$((quiet + 1)); else quiet=0; fi
  done
  if (( quiet < 2 )); then
    log "servers still busy after ${QUIET_MAX}s ($busy); running anyway"
  elif (( SECONDS - start > 3 )); then
    log "waited $((SECONDS - start)) s for the servers to go idle"
  fi
}

url_of() {
  case "$1" in
    switchboard) echo "ws://$HOST:$HTTP_PORT/switchboard/ws" ;;
    bare) echo "ws://$HOST:$HTTP_PORT/bare/ws" ;;
    socketio) echo "ws://$HOST:$SIO_PORT" ;;
  esac
}
pid_of() {
  case "$1" in
    socketio) echo "$NODE_PID" ;;
    *) echo "$SERVER_PID" ;;
  esac
}

# the hub's own counters (switchboard_* of /metrics), before and after each Switchboard run: <name>.metrics
metrics_snapshot() {
  curl -fsS -m 5 "http://$HOST:$HTTP_PORT/metrics" 2>/dev/null | grep -E '^switchboard_' | grep -v container_adaptations || true
}

# --- fresh start (FRESH=1) -------------------------------------------------------------
# probe_upgrade <path and query> [subprotocol]: the HTTP status a WebSocket upgrade to the domain gets
# (Origin: the domain's own, as an anonymous client of the bench sends)
probe_upgrade() {
  local proto=()
  [[ -n "${2:-}" ]] && proto=(-H "Sec-WebSocket-Protocol: $2")
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: YmVuY2gtcHJvYmUtbm9uY2U=' "${proto[@]}" \
    -H "Origin: http://$HOST:$HTTP_PORT" "http://$HOST:$HTTP_PORT$1" 2>/dev/null || true
}

# seconds since the process started (from /proc: its start time in ticks since boot, and the uptime)
age_of() {
  local start up hz
  start=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{print $20}')
  up=$(cut -d' ' -f1 /proc/uptime)
  hz=$(getconf CLK_TCK)
  awk -v u="$up" -v s="$start" -v h="$hz" 'BEGIN{printf "%.1f", u - s / h}'
}

# fresh_wait <old PID> <stack>: waits at most FRESH_READY_MAX s until the domain's pid file names another
# live process than the old PID and the hub answers: /health/ready 200 (which alone is 200 before the
# application is loaded) and an anonymous handshake 101 (for bare also the bare endpoint's 101). Sets
# FRESH_PID; FRESH_STATE says what was seen last.
fresh_wait() {
  local old="$1" stack="$2" pid="" health="" sb="" bare=101 deadline=$((SECONDS + FRESH_READY_MAX))
  local pid_file="$PAYARA_HOME/glassfish/domains/$DOMAIN/config/pid"
  while (( SECONDS < deadline )); do
    pid="$(cat "$pid_file" 2>/dev/null || true)"
    if [[ -n "$pid" && "$pid" != "$old" && -d "/proc/$pid" ]]; then
      health="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$HTTP_PORT/health/ready" 2>/dev/null || true)"
      if [[ "$health" == 200 ]]; then
        sb="$(probe_upgrade "/switchboard/ws?name=bench-probe" switchboard.v1)"
        [[ "$stack" == bare ]] && bare="$(probe_upgrade "/bare/ws?room=bench-probe")"
        if [[ "$sb" == 101 && "$bare" == 101 ]]; then
          FRESH_PID="$pid"
          return 0
        fi
      fi
    fi
    sleep 0.2
  done
  FRESH_PID="$pid"   # what the pid file named last (empty: nothing): the hung JVM, if any
  FRESH_STATE="PID ${pid:-none}, /health/ready ${health:-no answer}, handshake ${sb:-not tried}"
  [[ "$stack" == bare ]] && FRESH_STATE+=", bare handshake $bare"
  return 1
}

# fresh_start <run name> <stack>: restarts the domain (asadmin restart-domain), takes the new JVM's PID
# (SERVER_PID, from the domain's pid file as at the start of this script) and waits until the hub answers
# (fresh_wait). A domain that does not answer in FRESH_READY_MAX s (seen: the new JVM could not bind one
# of its ports, which lie in the kernel's ephemeral range, and hung in its shutdown) is started once more
# after its JVM, named by the pid file, is killed by that PID; without a pid file naming a new process,
# the script stops with a message (it signals no process it cannot name by PID).
# Then FRESH_WARMUP s. Writes the start -> ready time to machine.md and the run's log.
fresh_start() {
  local name="$1" stack="$2" old="$SERVER_PID" t0 t_restarted line note=""
  t0=$(date +%s.%N)
  log "fresh start for $name: asadmin restart-domain $DOMAIN (PID $old)"
  "${ASADMIN[@]}" restart-domain "$DOMAIN" >/dev/null || die "restart-domain $DOMAIN failed"
  t_restarted=$(date +%s.%N)
  if ! fresh_wait "$old" "$stack"; then
    local hung="$FRESH_PID" i
    [[ -n "$hung" && "$hung" != "$old" && -d "/proc/$hung" ]] \
      || die "fresh start for $name: the domain did not answer within ${FRESH_READY_MAX}s of restart-domain ($FRESH_STATE) and its pid" \
        "file names no new process to stop; see $PAYARA_HOME/glassfish/domains/$DOMAIN/logs/server.log (a JVM that failed to start may be left: stop it by its PID)"
    log "fresh start for $name: the domain did not answer within ${FRESH_READY_MAX}s of restart-domain ($FRESH_STATE);" \
      "killing its JVM (PID $hung) and starting it again (start-domain)"
    kill "$hung" 2>/dev/null || true
    for i in $(seq 50); do [[ -d "/proc/$hung" ]] || break; sleep 0.2; done
    if [[ -d "/proc/$hung" ]]; then kill -9 "$hung" 2>/dev/null || true; fi
    sleep 1
    t0=$(date +%s.%N)
    "$PAYARA_HOME/bin/asadmin" start-domain "$DOMAIN" >/dev/null || die "start-domain $DOMAIN failed"
    t_restarted=$(date +%s.%N)
    fresh_wait "$old" "$stack" || die "fresh start for $name: the domain did not answer within ${FRESH_READY_MAX}s of start-domain either ($FRESH_STATE)"
    note=" (the second start: the first did not answer)"
  fi
  SERVER_PID="$FRESH_PID"
  line="$(awk -v a="$t0" -v b="$t_restarted" -v c="$(date +%s.%N)" -v age="$(age_of "$SERVER_PID")" -v o="$old" -v p="$SERVER_PID" \
    -v w="${note:+start-domain}" \
    'BEGIN{printf "%s took %.1f s (PID %s -> %s); the hub answered %.1f s after the new JVM started (%.1f s after the command was called)", w == "" ? "restart-domain" : w, b - a, o, p, age, c - a}')$note"
  log "fresh start for $name: $line"
  echo "- fresh start before run $name: $line; then $FRESH_WARMUP s idle before the run" >>"$RESULTS/machine.md"
  echo "[bench] fresh start: $line; FRESH_WARMUP $FRESH_WARMUP s, run warm-up $FRESH_RUN_WARMUP s" >>"$RESULTS/$name.log"
  (( FRESH_WARMUP > 0 )) && sleep "$FRESH_WARMUP"
  return 0
}

# The options the node client (bench/nodeload/load.mjs) shares with loadgen; the others (loadgen's --heap)
# are left out of its command line.
NODE_OPTIONS_KNOWN=" --scenario --stack --url --server-pid --label --conns --connect-rate --hold --warm-conns --per-conn-rate --warmup --duration --drain --subs --rate --publishers --clients --channels --inflight --storm-timeout --held --held-rate "

# run_client <loadgen|node> <name> <loadgen args...>: one run of one load client, re-run once if the quiet
# gate was lost. Runs are numbered, so a scenario given twice (SCENARIOS="rooms rooms") keeps both logs.
# FRESH=1: a run on the domain (Switchboard, bare) starts with a restart of the domain (fresh_start), gets
# the new PID as --server-pid, warm-up FRESH_RUN_WARMUP instead of WARMUP (and FRESH_WARM_CONNS warm-up
# connections), and the tag "fresh".
RUN_NO=0
run_client() {
  local client="$1"; shift
  RUN_NO=$((RUN_NO + 1))
  local name
  name="$(printf '%02d' "$RUN_NO")-$1"; shift
  [[ "$client" == node ]] && name+="-node"
  local args=("$@") attempt rc sb="" fresh="" stack="" url="" scenario="" tag="$TAG" i cmd=()
  for ((i = 0; i < ${#args[@]} - 1; i++)); do
    case "${args[$i]}" in
      --stack) stack="${args[$((i + 1))]}" ;;
      --url) url="${args[$((i + 1))]}" ;;
      --scenario) scenario="${args[$((i + 1))]}" ;;
    esac
  done
  [[ "$stack" == switchboard ]] && sb=1
  if [[ "$FRESH" == 1 ]]; then
    if [[ "$url" == "ws://$HOST:$HTTP_PORT/"* && ( "$stack" == switchboard || "$stack" == bare ) ]]; then
      fresh=1
      tag="fresh${TAG:+, $TAG}"
      for ((i = 0; i < ${#args[@]} - 1; i++)); do
        [[ "${args[$i]}" == --warmup ]] && args[i + 1]="$FRESH_RUN_WARMUP"
      done
      [[ "$scenario" == connections ]] && args+=(--warm-conns "$FRESH_WARM_CONNS")
    else
      log "$name: not restarted (FRESH restarts the domain $DOMAIN, i.e. its Switchboard and bare runs; not $stack at $url)"
    fi
  fi
  for attempt in 1 2; do
    wait_gate
    wait_quiet
    : >"$RESULTS/$name.log"
    if [[ -n "$fresh" ]]; then
      fresh_start "$name" "$stack"
      for ((i = 0; i < ${#args[@]} - 1; i++)); do
        [[ "${args[$i]}" == --server-pid ]] && args[i + 1]="$SERVER_PID"
      done
    fi
    if [[ "$client" == loadgen ]]; then
      # shellcheck disable=SC2206
      cmd=(java $LOADGEN_JAVA_OPTS -jar "$LOADGEN_JAR" --loops "$LOOPS" --out "$RESULTS/$name.row" ${GATE_FILE:+--gate "$GATE_FILE"}
        ${tag:+--tag "$tag"} ${DB_PID:+--db-pid "$DB_PID"} "${args[@]}")
    else
      cmd=(node "$NODELOAD" --procs "$NODE_PROCS" --out "$RESULTS/$name.row" ${tag:+--tag "$tag"})
      for ((i = 0; i < ${#args[@]} - 1; i += 2)); do
        [[ "$NODE_OPTIONS_KNOWN" == *" ${args[$i]} "* ]] && cmd+=("${args[$i]}" "${args[$((i + 1))]}")
      done
    fi
    log "run $name: ${cmd[*]}"
    [[ -n "$sb" ]] && { echo "# before"; metrics_snapshot; } >"$RESULTS/$name.metrics"
    set +e
    if [[ "$client" == loadgen ]]; then
      "${cmd[@]}" 2> >(tee -a "$RESULTS/$name.log" >&2) >/dev/null
    else
      "${cmd[@]}" > >(tee -a "$RESULTS/$name.log" >&2) 2>&1
    fi
    rc=$?
    set -e
    [[ -n "$sb" ]] && { echo "# after"; metrics_snapshot; } >>"$RESULTS/$name.metrics"
    if [[ $rc -eq 3 && $attempt -eq 1 ]]; then
      log "quiet gate lost during $name; running it again"
      rm -f "$RESULTS/$name.row"
      sleep "$SETTLE"
      continue
    fi
    break
  done
  if [[ -f "$RESULTS/$name.row" ]]; then
    cat "$RESULTS/$name.row" >>"$ROWS"     # publish-sat writes one row per step and a summary row
  else
    echo "| $name | | failed (rc $rc), see $name.log | | | | | | | | | | |" >>"$ROWS"
  fi
  sleep "$SETTLE"
}

# loadgen <name> <args...>: a scenario only loadgen has (fan-out saturation, publish-sat, resume, ingress,
# cross-member), run with it when CLIENTS has it.
loadgen() {
  if [[ " $CLIENTS " == *" loadgen "* ]]; then
    run_client loadgen "$@"
  else
    log "$1: skipped (only loadgen has this scenario; CLIENTS=\"$CLIENTS\")"
  fi
}

# both <name> <args...>: a scenario both load clients have (connections, fan-out, rooms, storm): once with
# each client in CLIENTS, back to back (the node client speaks Switchboard and bare, not Socket.IO).
both() {
  local client
  for client in $CLIENTS; do
    if [[ "$client" == node && " $* " == *" --stack socketio "* ]]; then
      log "$1 with node: skipped (the node client speaks Switchboard and bare)"
      continue
    fi
    run_client "$client" "$@"
  done
}

# ingress, path jms: the jms-publisher example (examples/jms-publisher, with its bench-send servlet) on the
# same domain. Compiled here with javac against Payara's own modules (no Maven download needed) into
# examples/jms-publisher/target/bench/, deployed at /jms-publisher.
JMS_INGRESS_QUEUE="${JMS_INGRESS_QUEUE:-SwitchboardPublish}"
deploy_jms_example() {
  local src="$ROOT/examples/jms-publisher" out="$ROOT/examples/jms-publisher/target/bench"
  if [[ ! -f "$out/jms-publisher.war" || -n "${REBUILD:-}" ]]; then
    log "building examples/jms-publisher (javac against $PAYARA_HOME/glassfish/modules)"
    rm -rf "$out" && mkdir -p "$out/war/WEB-INF/classes"
    javac --release 17 -nowarn -cp "$PAYARA_HOME/glassfish/modules/*" -d "$out/war/WEB-INF/classes" \
      $(find "$src/src/main/java" -name '*.java') 2>&1 | grep -v '^Note:' >&2 || true
    [[ -f "$out/war/WEB-INF/classes/org/switchboard/example/BenchSender.class" ]] || die "could not compile examples/jms-publisher"
    cp -r "$src/src/main/webapp/." "$out/war/"
    (cd "$out/war" && jar cf ../jms-publisher.war .)
  fi
  log "deploying the jms-publisher example at /jms-publisher (its queues must exist: server-config/configure-domain.sh)"
  "${ASADMIN[@]}" deploy --force=true --name jms-publisher --contextroot jms-publisher "$out/jms-publisher.war" >/dev/null \
    || die "could not deploy the jms-publisher example (are jms/switchboard/Publish and PublishDead there? server-config/configure-domain.sh)"
}

not_run_without_cluster() {
  log "$1: skipped (set CLUSTER_URLS and CLUSTER_PIDS to a running cluster's members)"
  echo "| $1 | switchboard | not run: no cluster given (CLUSTER_URLS) | | | | | | | | | | |" >>"$ROWS"
}

for scenario in $SCENARIOS; do
  case "$scenario" in
    connections)
      for n in $CONNS; do
        for stack in $STACKS; do
          both "connections-$n-$stack" --scenario connections --stack "$stack" --url "$(url_of "$stack")" \
            --server-pid "$(pid_of "$stack")" --conns "$n" --connect-rate "$CONNECT_RATE" --hold "$HOLD" \
            --heap "$([[ $stack == socketio ]] && echo false || echo true)"
        done
      done ;;
    fanout)
      for stack in $STACKS; do
        both "fanout-$stack" --scenario fanout --stack "$stack" --url "$(url_of "$stack")" --server-pid "$(pid_of "$stack")" \
          --subs "$FANOUT_SUBS" --rate "$FANOUT_RATE" --publishers 1 --warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN"
      done ;;
    fanout-sat)
      for rate in $SAT_RATE; do
        for stack in $STACKS; do
          loadgen "fanout-sat-$rate-$stack" --scenario fanout --label "fan-out saturation" --stack "$stack" --url "$(url_of "$stack")" \
            --server-pid "$(pid_of "$stack")" --subs "$FANOUT_SUBS" --rate "$rate" --publishers "$SAT_PUBLISHERS" \
            --warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN"
        done
      done ;;
    rooms)
      for stack in $STACKS; do
        both "rooms-$stack" --scenario rooms --stack "$stack" --url "$(url_of "$stack")" --server-pid "$(pid_of "$stack")" \
          --conns "$ROOMS_CONNS" --per-conn-rate "$ROOMS_RATE" --warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN"
      done ;;
    cross-member)
      if [[ -z "$CLUSTER_URLS" ]]; then
        not_run_without_cluster cross-member
      else
        loadgen "cross-member" --scenario rooms --label cross-member --stack switchboard --url "$CLUSTER_URLS" \
          --server-pid "$CLUSTER_PIDS" --conns "$ROOMS_CONNS" --per-conn-rate "$ROOMS_RATE" \
          --warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN"
      fi ;;
    cluster-connections)
      if [[ -z "$CLUSTER_URLS" ]]; then
        not_run_without_cluster "cluster connections"
      else
        # one load client per member, in parallel (one process may hold at most 20,000 open files)
        IFS=, read -ra member_urls <<<"$CLUSTER_URLS"
        IFS=, read -ra member_pids <<<"$CLUSTER_PIDS"
        members=${#member_urls[@]}
        wait_gate
        clients=()
        for i in "${!member_urls[@]}"; do
          name="cluster-connections-member$((i + 1))"
          share=$((CLUSTER_CONNS / members + (i < CLUSTER_CONNS % members ? 1 : 0)))
          log "run $name: ${member_urls[$i]}, $share connections"
          # shellcheck disable=SC2086
          java $LOADGEN_JAVA_OPTS -jar "$LOADGEN_JAR" --loops "$LOOPS" --out "$RESULTS/$name.row" \
            --scenario connections --label "cluster connections, member $((i + 1)) of $members" --stack switchboard \
            --url "${member_urls[$i]}" --server-pid "${member_pids[$i]}" --conns "$share" \
            --connect-rate "$((CONNECT_RATE / members))" --hold "$HOLD" --heap true 2>"$RESULTS/$name.log" >/dev/null &
          clients+=($!)
        done
        for client in "${clients[@]}"; do wait "$client" || true; done
        for i in "${!member_urls[@]}"; do
          name="cluster-connections-member$((i + 1))"
          if [[ -f "$RESULTS/$name.row" ]]; then tail -1 "$RESULTS/$name.row" >>"$ROWS"
          else echo "| $name | | failed, see $name.log | | | | | | | | | | |" >>"$ROWS"; fi
        done
        sleep "$SETTLE"
      fi ;;
    publish-sat)
      # acknowledged publications (on channels with history: stored) stepping up; Switchboard only
      if [[ " $STACKS " == *" switchboard "* ]]; then
        loadgen "publish-sat-switchboard" --scenario publish-sat --stack switchboard --url "$(url_of switchboard)" \
          --server-pid "$SERVER_PID" --rates "${PUBSAT_RATES// /,}" --channels "$PUBSAT_CHANNELS" \
          --subs-per-channel "$PUBSAT_SUBS" --step-warmup "$PUBSAT_WARMUP" --step-duration "$PUBSAT_DURATION" --drain "$DRAIN"
      fi ;;
    resume)
      # clients miss messages while away and resume with since; Switchboard only
      if [[ " $STACKS " == *" switchboard "* ]]; then
        loadgen "resume-switchboard" --scenario resume --stack switchboard --url "$(url_of switchboard)" \
          --server-pid "$SERVER_PID" --clients "$RESUME_CLIENTS" --channels "$RESUME_CHANNELS" --missed "$RESUME_MISSED" \
          --pub-rate "$RESUME_PUB_RATE" --connect-rate "$RESUME_CONNECT_RATE" --live-rate "$RESUME_LIVE_RATE"
      fi ;;
    ingress)
      # back-end publish (issue 20): REST, REST batches, the JMS ingress and WebSocket publishers into one
      # channel of INGRESS_SUBS subscribers; Switchboard only
      if [[ " $STACKS " == *" switchboard "* ]]; then
        [[ " $INGRESS_PATHS " == *" jms "* ]] && deploy_jms_example
        for path in $INGRESS_PATHS; do
          loadgen "ingress-$path" --scenario ingress --ingress "$path" --stack switchboard --url "$(url_of switchboard)" \
            --server-pid "$SERVER_PID" --subs "$INGRESS_SUBS" --rates "${INGRESS_RATES// /,}" --step-warmup "$INGRESS_WARMUP" \
            --step-duration "$INGRESS_DURATION" --drain "$DRAIN" --batch "$INGRESS_BATCH" --auth "$INGRESS_AUTH" \
            --jms-threads "$INGRESS_JMS_THREADS" ${INGRESS_INFLIGHT:+--inflight "$INGRESS_INFLIGHT"}
          if [[ "$path" == jms && "$INGRESS_FLUSH" == 1 ]]; then
            # a step the ingress does not keep up with leaves its backlog in the queue; the next run would share the CPU with it
            log "flushing the JMS ingress queue $JMS_INGRESS_QUEUE (INGRESS_FLUSH=0 keeps it)"
            "${ASADMIN[@]}" flush-jmsdest --desttype queue "$JMS_INGRESS_QUEUE" >/dev/null || log "WARNING: flush-jmsdest failed"
          fi
        done
      fi ;;
    storm)
      # reconnect storm: every client arrives at once and resumes (after a member loss); Switchboard only
      if [[ " $STACKS " == *" switchboard "* ]]; then
        both "storm-switchboard" --scenario storm --stack switchboard --url "$(url_of switchboard)" --server-pid "$SERVER_PID" \
          --clients "$STORM_CLIENTS" --channels "$STORM_CHANNELS" --inflight "$STORM_INFLIGHT" --storm-timeout "$STORM_TIMEOUT" \
          --hold "$STORM_HOLD" --held "$STORM_HELD" --held-rate "$STORM_HELD_RATE"
      fi ;;
    *) die "unknown scenario $scenario (connections fanout fanout-sat rooms cross-member cluster-connections publish-sat resume ingress storm)" ;;
  esac
done

{
  cat "$RESULTS/machine.md"
  echo
  echo "| scenario | stack | load | result | loss / failures | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | server CPU | client CPU | memory |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$RESULTS/table.md"
echo
cat "$RESULTS/table.md"
echo
log "results: $RESULTS"
