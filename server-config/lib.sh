# shellcheck shell=bash disable=SC2034  # constants are used by the scripts that source this file
# Shared by the server-config scripts; sourced, never run:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Holds what the scripts have in common: the constants (loopback address, ports and names of the
# demo domain and the local cluster, JMS destination names), the loopback-only settings, the
# JVM/GC policy of every Switchboard domain (applied by create-local-domain.sh to domain.xml,
# by create-local-cluster.sh to the members' config and by configure-domain.sh to an admin's own
# domain), a log helper that prefixes the calling script's name, and the PID / port / HTTP
# readiness helpers.
#
# It only defines variables and functions: it changes no shell option and runs nothing. The calling
# script sets its own options (set -euo pipefail). Functions that can fail return non-zero
# explicitly, so a caller's ERR trap sees the failure at the call.

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  echo "$0 is a library: source it from the server-config scripts" >&2
  exit 2
fi

# --- where things are ------------------------------------------------------------------------
SB_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SB_ROOT="$(cd "$SB_SCRIPT_DIR/.." && pwd)"
SB_DEFAULT_PAYARA_HOME="$SB_ROOT/target/payara6"
SB_DEFAULT_WAR="$SB_ROOT/target/switchboard.war"

# --- log ----------------------------------------------------------------------------------------
# "[<script>] message", or "[<script>] HH:MM:SS message" once the script sets SB_LOG_TIME=true.
SB_LOG_NAME="$(basename "${BASH_SOURCE[1]:-$0}" .sh)"
SB_LOG_TIME=false
log() {
  if [[ "$SB_LOG_TIME" == true ]]; then
    printf '[%s] %s %s\n' "$SB_LOG_NAME" "$(date +%T)" "$*"
  else
    printf '[%s] %s\n' "$SB_LOG_NAME" "$*"
  fi
}

# --- constants ------------------------------------------------------------------------------------
# Everything listens on this address only.
SB_LOOPBACK=127.0.0.1

# The demo domain (start-demo.sh / stop-demo.sh): Payara's default ports.
SB_DEMO_DOMAIN=switchboard
SB_DEMO_ADMIN_PORT=4848
SB_DEMO_HTTP_PORT=8080

# The local cluster (create-local-cluster.sh and its companions).
SB_CLUSTER_DOMAIN=switchboard-cluster
# Ports move with SB_CLUSTER_PORTBASE, SB_CLUSTER_MEMBER_STEP, SB_BROKER_PORT and SB_PG_PORT in the
# environment (e.g. a second cluster for the tests next to the demo's); pass the same ones to every script.
SB_CLUSTER_PORTBASE="${SB_CLUSTER_PORTBASE:-30000}"   # DAS: admin +48, HTTP +80, Hazelcast +49
SB_CLUSTER_MEMBER_STEP="${SB_CLUSTER_MEMBER_STEP:-1000}"  # member i: portbase + i * step
SB_CLUSTER_ADMIN_PORT=$((SB_CLUSTER_PORTBASE + 48))
SB_CLUSTER_DG=switchboard-dg
SB_CLUSTER_CONFIG=sb-config
SB_CLUSTER_NODE="localhost-$SB_CLUSTER_DOMAIN"   # the DAS's own CONFIG node, created with the domain
SB_BROKER_NAME=sbbroker
SB_BROKER_PORT="${SB_BROKER_PORT:-27676}"  # portmapper; jms +1, admin +2, JMX RMI +3

# The cluster's PostgreSQL (postgres.sh): durable channel history, reached by the members through
# the JDBC resource below; the WAR reads its JNDI name from the MicroProfile Config property.
SB_PG_PORT="${SB_PG_PORT:-25432}"
SB_PG_DATABASE=switchboard
SB_PG_USER=switchboard
SB_PG_PASSWORD=switchboard
SB_HISTORY_POOL=switchboard-history-pool
SB_HISTORY_JNDI=jdbc/switchboard/history
SB_HISTORY_PROPERTY=switchboard.history.datasource
# Prepared statements a history pool keeps per connection. Without a cache every resume prepared
# its queries again, and a reconnect storm spent a good share of the server's CPU parsing SQL
# (docs/benchmarks.md, "Reconnect storm: where the time goes"). The store runs ~15 distinct
# statements.
SB_HISTORY_STATEMENT_CACHE=32

# JMS physical destinations (the WAR's resources point at them; see JmsResources)
SB_TOPIC_PHYSICAL=SwitchboardMessages
SB_QUEUE_PHYSICAL=SwitchboardIngress

# cluster member <i> (1-9): sb-member<i>, portbase 3i000 (SB_CLUSTER_PORTBASE + i * SB_CLUSTER_MEMBER_STEP)
sb_member_name() { echo "sb-member$1"; }
sb_member_portbase() { echo $((SB_CLUSTER_PORTBASE + $1 * SB_CLUSTER_MEMBER_STEP)); }
sb_member_http_port() { echo $(($(sb_member_portbase "$1") + 80)); }
sb_member_hz_port() { echo $(($(sb_member_portbase "$1") + 49)); }
# sb_member_pidfile <payara-home> <i>
sb_member_pidfile() { echo "$1/glassfish/nodes/$SB_CLUSTER_NODE/sb-member$2/config/pid"; }
# the cluster's state directory: $CLUSTER_DIR, else <payara-home>/../switchboard-cluster
sb_cluster_dir() { echo "${CLUSTER_DIR:-$(dirname "$1")/switchboard-cluster}"; }
# sb_state_get <state file> <key>: the value of KEY=value in a state file such as cluster.env
# (prints nothing, and succeeds, if there is no such file or key)
sb_state_get() { if [[ -f "$1" ]]; then sed -n "s/^$2=//p" "$1" | tail -n 1; fi; }

# --- loopback-only settings --------------------------------------------------------------------------
# sb_loopback_attributes <config>: the dotted names (asadmin set / pre-boot "set") that bind the
# HTTP/HTTPS/admin listeners, the IIOP listeners and the JMX connector of <config> to 127.0.0.1
sb_loopback_attributes() {
  local c="configs.config.$1"
  printf '%s\n' \
    "$c.network-config.network-listeners.network-listener.http-listener-1.address=$SB_LOOPBACK" \
    "$c.network-config.network-listeners.network-listener.http-listener-2.address=$SB_LOOPBACK" \
    "$c.network-config.network-listeners.network-listener.admin-listener.address=$SB_LOOPBACK" \
    "$c.iiop-service.iiop-listener.orb-listener-1.address=$SB_LOOPBACK" \
    "$c.iiop-service.iiop-listener.SSL.address=$SB_LOOPBACK" \
    "$c.iiop-service.iiop-listener.SSL_MUTUALAUTH.address=$SB_LOOPBACK" \
    "$c.admin-service.jmx-connector.system.address=$SB_LOOPBACK"
}
# Hazelcast data grid: interface, DAS bind and public address (set-hazelcast-configuration options)
SB_HZ_LOOPBACK_ARGS=(--interfaces "$SB_LOOPBACK" --dasbindaddress "$SB_LOOPBACK" --daspublicaddress "$SB_LOOPBACK")
# ... and the same as attributes of domain.xml's <hazelcast-runtime-configuration>
SB_HZ_LOOPBACK_XML_ATTRS="interface=\"$SB_LOOPBACK\" das-bind-address=\"$SB_LOOPBACK\" das-public-address=\"$SB_LOOPBACK\""
# Hazelcast must not bind its sockets to the wildcard address either
SB_HZ_BIND_OPTION="-Dhazelcast.socket.bind.any=false"

# --- JVM / GC policy ------------------------------------------------------------------------------
# Every Switchboard domain (demo, integration tests, cluster DAS and members, an admin's own):
#   * -XX:+UseParallelGC: the throughput collector, not G1. On the 2-core machine it was measured on
#     it served the same traffic with less CPU (no concurrent refinement or marking threads, a
#     cheaper write barrier) and shorter young pauses (7 against 10 ms median under rooms traffic),
#     which halved or better the latency tail right after a start and made a slow start (one that
#     compiles slower code for good) rarer. Its cost is a full, stop-the-world collection whenever the old generation fills,
#     which on a member whose connections come and go happens every few tens of thousands of
#     closed connections: ~1 s with 19,000 connections in a 1 GB heap. An admin who prefers G1's
#     concurrent old-generation work sets -XX:+UseG1GC (or JVM_OPTIONS=-XX:+UseG1GC for
#     create-local-domain.sh); a collector already chosen in the domain is left alone.
#     docs/benchmarks.md, "Parallel collector"; docs/operations.md, "Sizing a member".
#   * -XX:TargetSurvivorRatio=20: a burst of new connections (state that lives for hours) is
#     promoted after one copy instead of being copied between survivor spaces at every young pause
#     for a minute; a message's garbage (1-3 MB of survivors) stays well under the target and
#     still dies young.
#   * without Payara's -XX:NewRatio=2, so the young generation is not pinned at a third of the heap.
#   * -XX:MaxNewSize=128m and -XX:MaxGCPauseMillis=50: a young pause copies every connection made
#     since the last one (~18 KB each, all alive). Uncapped, G1 grew the young generation to ~600 MB
#     while the member's garbage died young, and the first pause of a connect ramp then copied
#     ~7,000 new connections at once: 300-400 ms, the whole connect p99 after a fresh start. Capped,
#     a ramp pays 50-190 ms pauses every half second to second, and steady traffic pays more
#     frequent ones (docs/benchmarks.md, "Young generation capped").
#   * -Xms = -Xmx (the heap, where the script owns the domain's size): the collector works with the
#     whole heap from the start.
#   * -Dhazelcast.socket.bind.any=false (loopback/explicit interfaces only).
#   * -Duser.language.format=en -Duser.country.format=US: Tyrus formats a debug line with
#     String.format on every read of every connection, whatever the log level, and under any other
#     format locale each call also builds that locale's DecimalFormatSymbols: a tenth of the
#     garbage of a published message (docs/benchmarks.md, "The sequencer's own member without the
#     broker"). Only the format locale of the JVM changes (numbers and dates formatted with the
#     default locale); the display locale stays, and an admin's own choice is left as it is.
# See docs/operations.md, "Sizing a member".
SB_GC_OPTIONS=(-XX:+UseParallelGC -XX:TargetSurvivorRatio=20 -XX:MaxNewSize=128m -XX:MaxGCPauseMillis=50)
SB_FORMAT_OPTIONS=(-Duser.language.format=en -Duser.country.format=US)
SB_GC_REMOVED_OPTIONS=(-XX:NewRatio=2)      # Payara's default, removed
SB_PAYARA_DEFAULT_XMX=-Xmx512m               # Payara's default heap option, replaced where we set the heap

# sb_jvm_options [heap]: the JVM options of the policy, one per line (-Xmx/-Xms only with a heap)
sb_jvm_options() {
  if [[ -n "${1:-}" ]]; then printf '%s\n' "-Xmx$1" "-Xms$1"; fi
  printf '%s\n' "${SB_GC_OPTIONS[@]}" "${SB_FORMAT_OPTIONS[@]}" "$SB_HZ_BIND_OPTION"
}

# sb_domain_xml_jvm_policy <domain.xml> <heap> [extra option...]
# For a new, never-started domain (create-local-domain.sh). In both <java-config>s (server-config,
# default-config) Payara's -Xmx512m becomes -Xmx<heap> and the removed options go; after the first
# one (server-config's) the rest of the policy and the extra options are inserted; checked afterwards.
sb_domain_xml_jvm_policy() {
  local xml="$1" heap="$2" opt tmp set_to
  shift 2
  local insert=() policy=()
  mapfile -t policy < <(sb_jvm_options "$heap" | grep -vxF -- "-Xmx$heap")
  for opt in "${policy[@]}"; do
    # an extra option that chooses the collector replaces the policy's (two make the JVM refuse to start)
    if sb_is_collector "$opt" && set_to="$(sb_option_set_to "$opt" "$(printf '%s\n' "$@")")"; then
      log "JVM option $set_to instead of the policy's $opt"
      continue
    fi
    insert+=("$opt")
  done
  insert+=("$@")
  tmp="$(mktemp)" || return 1
  SB_OLD="<jvm-options>$SB_PAYARA_DEFAULT_XMX</jvm-options>" SB_NEW="-Xmx$heap" \
  SB_REMOVE="$(printf '<jvm-options>%s</jvm-options>\n' "${SB_GC_REMOVED_OPTIONS[@]}")" \
  SB_INSERT="$(printf '%s\n' "${insert[@]}")" \
  awk '
    BEGIN {
      nr = split(ENVIRON["SB_REMOVE"], r, "\n"); for (i = 1; i <= nr; i++) if (r[i] != "") remove[r[i]] = 1
      ni = split(ENVIRON["SB_INSERT"], ins, "\n")
    }
    {
      t = $0; sub(/^[ \t]+/, "", t); sub(/[ \t\r]+$/, "", t)
      if (t in remove) next
      if (t == ENVIRON["SB_OLD"]) {
        indent = $0; sub(/[^ \t].*$/, "", indent)
        print indent "<jvm-options>" ENVIRON["SB_NEW"] "</jvm-options>"
        if (!done) { for (i = 1; i <= ni; i++) if (ins[i] != "") print indent "<jvm-options>" ins[i] "</jvm-options>"; done = 1 }
        next
      }
      print
    }' "$xml" >"$tmp" || { rm -f "$tmp"; return 1; }
  cat "$tmp" >"$xml" || { rm -f "$tmp"; return 1; }   # keeps domain.xml's owner and mode
  rm -f "$tmp"
  for opt in "-Xmx$heap" "${insert[@]}"; do
    grep -qF -- "<jvm-options>$opt</jvm-options>" "$xml" || { log "failed to add the JVM option $opt to $xml" >&2; return 1; }
  done
  for opt in "${SB_GC_REMOVED_OPTIONS[@]}"; do
    if grep -qF -- "<jvm-options>$opt</jvm-options>" "$xml"; then log "failed to remove the JVM option $opt from $xml" >&2; return 1; fi
  done
}

# sb_jvm_join <option...>: one operand for create-/delete-jvm-options, which separate options with
# ':' (so a colon inside an option is escaped)
sb_jvm_join() {
  local out="" opt
  for opt in "$@"; do out+="${out:+:}${opt//:/\\:}"; done
  printf '%s' "$out"
}

# sb_is_collector <option>: the option selects a garbage collector (-XX:+UseG1GC, -XX:+UseParallelGC, ...)
sb_is_collector() { [[ "$1" =~ ^-XX:\+Use[A-Za-z0-9]+GC$ ]]; }

# sb_option_set_to <option> <list>: prints the list's option that makes the same choice differently:
# the same key with another value (e.g. -XX:NewRatio=3 for -XX:NewRatio=2), or another collector
# (-XX:+UseG1GC for -XX:+UseParallelGC: the JVM refuses to start with two); fails if there is none
sb_option_set_to() {
  local key="${1%%=*}" line
  if sb_is_collector "$1"; then
    while IFS= read -r line; do
      if sb_is_collector "$line" && [[ "$line" != "$1" ]]; then printf '%s\n' "$line"; return 0; fi
    done <<<"$2"
    return 1
  fi
  [[ "$key" != "$1" ]] || return 1
  while IFS= read -r line; do
    if [[ "$line" == "$key="* && "$line" != "$1" ]]; then printf '%s\n' "$line"; return 0; fi
  done <<<"$2"
  return 1
}

# sb_jvm_policy_apply <target> <heap|""> [extra option...]
# For a running DAS, through asa() (below; needs the ASA array): idempotently removes the removed
# options and adds the missing ones of the policy and the extras to <target> (a config or a server).
# With a heap, other -Xmx/-Xms options are replaced; with "" the heap options are left as they are
# and reported. An option whose key is already set to another value (e.g. -XX:TargetSurvivorRatio=30,
# an admin's choice) is left as it is and reported.
sb_jvm_policy_apply() {
  local target="$1" heap="$2" current opt line set_to
  shift 2
  local delete=() create=() wanted=() heap_now=()
  current="$(asa list-jvm-options --target "$target")" || { log "cannot list the JVM options of $target" >&2; return 1; }
  for opt in "${SB_GC_REMOVED_OPTIONS[@]}"; do
    if has_line "$opt" <<<"$current"; then
      delete+=("$opt")
    elif set_to="$(sb_option_set_to "$opt" "$current")"; then
      log "JVM option $set_to left as it is (Switchboard's policy: no $opt)"
    fi
  done
  while IFS= read -r line; do
    if [[ "$line" == -Xmx* || "$line" == -Xms* ]]; then heap_now+=("$line"); fi
  done <<<"$current"
  if [[ -n "$heap" ]]; then
    for opt in "${heap_now[@]}"; do
      [[ "$opt" == "-Xmx$heap" || "$opt" == "-Xms$heap" ]] || delete+=("$opt")
    done
  else
    log "heap options of $target left as they are: ${heap_now[*]:-none} (Switchboard's policy is -Xms = -Xmx, see docs/operations.md)"
  fi
  mapfile -t wanted < <(sb_jvm_options "$heap")
  for opt in "${wanted[@]}" "$@"; do
    if has_line "$opt" <<<"$current"; then
      log "JVM option $opt exists"
      continue
    fi
    # the same key with another value: an admin's choice, not overridden
    if set_to="$(sb_option_set_to "$opt" "$current")"; then
      log "JVM option $set_to left as it is (Switchboard's policy: $opt)"
      continue
    fi
    create+=("$opt")
  done
  if (( ${#delete[@]} )); then
    log "removing JVM option(s) from $target: ${delete[*]}"
    asa delete-jvm-options --target "$target" -- "$(sb_jvm_join "${delete[@]}")" >/dev/null || return 1
  fi
  if (( ${#create[@]} )); then
    log "adding JVM option(s) to $target: ${create[*]}"
    asa create-jvm-options --target "$target" -- "$(sb_jvm_join "${create[@]}")" || return 1
  fi
}

# --- admin password ---------------------------------------------------------------------------------
# Every domain the scripts create (demo, integration tests, cluster DAS) has the admin user "admin"
# with a random password, generated by create-local-domain.sh and kept in the domain's
# config/admin-password (mode 600, asadmin's --passwordfile format: AS_ADMIN_PASSWORD=...). The admin
# port (REST API, console, remote asadmin) refuses every request without it (401).
SB_ADMIN_USER=admin
# sb_admin_password_file <domain dir>: that file
sb_admin_password_file() { echo "$1/config/admin-password"; }
# sb_new_password: 32 hex digits (128 bits) from /dev/urandom
sb_new_password() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
# sb_write_password_file <file> <password>: writes it readable by its owner only (umask 077: the
# password is never in a file of another mode, not even for a moment)
sb_write_password_file() {
  ( umask 077 && printf 'AS_ADMIN_PASSWORD=%s\n' "$2" >"$1" ) || return 1
  chmod 600 "$1"
}
# The demo token issuer's key pair (docs/security.md): a file per domain (the cluster's members share
# their DAS domain's), so the demo's tokens outlive a restart or redeploy and hold on every member.
SB_DEMO_KEY_PROPERTY=switchboard.security.demo-issuer-key-file
SB_DEMO_KEY_FILE=demo-issuer-key.pem
# sb_demo_issuer_key <file>: a new EC P-256 key pair, PEM (PKCS#8 private key, then its public key),
# readable by its owner only (umask 077, mode 600); an existing non-empty file is kept
sb_demo_issuer_key() {
  [[ -s "$1" ]] && return 0
  command -v openssl >/dev/null || { log "openssl is needed to make the demo issuer's key $1" >&2; return 1; }
  ( umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" \
      && openssl pkey -in "$1" -pubout >>"$1" ) || { log "cannot make the demo issuer's key $1" >&2; return 1; }
  chmod 600 "$1"
}
# sb_auth_opts <password file>: sets the array SB_AUTH_OPTS to the asadmin options that log in with
# it (--user admin --passwordfile <file>); empty if there is no such file (a domain created without
# admin password, by an older version of these scripts: asadmin then works without credentials)
sb_auth_opts() {
  SB_AUTH_OPTS=()
  if [[ -f "$1" ]]; then SB_AUTH_OPTS=(--user "$SB_ADMIN_USER" --passwordfile "$1"); fi
}

# --- response headers ------------------------------------------------------------------------------
# The HTTP, HTTPS and admin listeners of every Switchboard domain do not name the server and its
# versions: no X-Powered-By header (the protocol's http xpowered-by=false) and no Server header
# (server-header=false). configure-domain.sh sets both on every protocol of its CONFIG that has an
# <http> element.
SB_HEADER_SETTINGS=(xpowered-by=false server-header=false)

# --- asadmin --------------------------------------------------------------------------------------
# asa <command...>: asadmin with the connection options of the ASA array
# ("$ASADMIN" --host ... --port ... --user admin --passwordfile ...)
asa() { "${ASA[@]}" "$@"; }
# sb_domain_running <asadmin> <domains-dir> <domain>
sb_domain_running() { "$1" list-domains --domaindir "$2" 2>/dev/null | grep -qE "^$3 running"; }
# lists are compared line by line, exactly: has_line <line> <<<"$list"
has_line() { grep -qxF -- "$1"; }

# --- PIDs, ports, readiness ----------------------------------------------------------------------
# pid_alive <pid>: the process exists and is no zombie (a just-killed JVM can linger for a moment)
pid_alive() { [[ -n "${1:-}" ]] && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" =~ ^[^Z] ]]; }
# read_pid <file>: the digits in a PID file; prints nothing (and succeeds) if there is no such file
read_pid() { if [[ -f "$1" ]]; then tr -dc '0-9' <"$1"; fi; }
# port_open <port>: something accepts connections on 127.0.0.1:<port>
port_open() { (exec 3<>"/dev/tcp/$SB_LOOPBACK/$1") 2>/dev/null; }
# stop_pid <pid> <what> [timeout s, 30] [signal, TERM]: signal, wait, SIGKILL after the timeout
stop_pid() {
  local pid="$1" what="$2" wait="${3:-30}" sig="${4:-TERM}" deadline
  pid_alive "$pid" || return 0
  log "stopping $what (pid $pid, SIG$sig)"
  kill "-$sig" "$pid" 2>/dev/null
  deadline=$((SECONDS + wait))
  while pid_alive "$pid" && (( SECONDS < deadline )); do sleep 0.3; done
  if pid_alive "$pid"; then
    log "$what (pid $pid) still running after ${wait}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    sleep 1
  fi
  return 0
}
# http_status <url>: the HTTP status code (000 if there is no answer within 5 s)
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"; }
# wait_http_ok <url> <deadline>: polls every second until <url> answers 200; returns 1 once
# $SECONDS reaches <deadline> (an absolute $SECONDS value, so several waits can share one)
wait_http_ok() {
  until [[ "$(http_status "$1")" == 200 ]]; do
    (( SECONDS < $2 )) || return 1
    sleep 1
  done
}
