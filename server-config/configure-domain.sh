#!/usr/bin/env bash
# Applies everything the Switchboard WAR needs to an EXISTING, RUNNING Payara Server 6 domain.
#
# Usage:
#   ASADMIN=/opt/payara6/bin/asadmin ASADMIN_OPTS="--host 127.0.0.1 --port 4848" server-config/configure-domain.sh
#
# Environment:
#   ASADMIN       asadmin executable (default: $PAYARA_HOME/bin/asadmin, else asadmin from PATH)
#   ASADMIN_OPTS  asadmin connection options, word-split, e.g. "--host 127.0.0.1 --port 4848"
#   ASADMIN_PASSWORDFILE  the admin password file (AS_ADMIN_PASSWORD=...), passed as
#                 --user admin --passwordfile <file> (not word-split: the path may hold spaces);
#                 create-local-domain.sh passes <domain-dir>/config/admin-password
#   TARGET        target for resources and JVM options (default: server)
#   JVM_TARGET    target for the JVM options if not TARGET (a deployment group takes no JVM options:
#                 pass its config, e.g. TARGET=switchboard-dg JVM_TARGET=sb-config)
#   CONFIG        configuration for the fault tolerance settings, the TCP transport and the HTTP listener (default: server-config)
#   RESTART       if "true", restart the domain at the end (restart-domain) so the changes take effect
#   HANDSHAKE_TIMEOUT_S  seconds a client may take to send its whole upgrade request (default: 10)
#   HISTORY_DATASOURCE   JNDI name of the history store's DataSource (switchboard.history.datasource;
#                 default jdbc/__default): its pool gets a statement cache
#   TYRUS_FIX     how to keep Tyrus' idle-timeout scheduling off the expensive path (default: context)
#                   context : keep concurrent/__defaultManagedScheduledExecutorService enabled but switch
#                             off its context propagation (context-info-enabled=false)
#                   disable : disable concurrent/__defaultManagedScheduledExecutorService (Tyrus then uses
#                             a plain Java executor). WARNING: Weld looks up
#                             java:comp/DefaultManagedScheduledExecutorService when it loads ANY CDI
#                             application, so with this setting a CDI WAR (Switchboard is one) fails to
#                             deploy with "Lookup failed for 'java:comp/DefaultManagedScheduledExecutorService'".
#                   none    : leave the default managed scheduled executor service as shipped
#
# JVM options (lib.sh's policy, on JVM_TARGET): -Dhazelcast.socket.bind.any=false and the GC settings
# of every Switchboard domain: -XX:+UseParallelGC, -XX:TargetSurvivorRatio=20, -XX:MaxNewSize=128m
# and -XX:MaxGCPauseMillis=50 added, Payara's default -XX:NewRatio=2 removed. Left alone and printed:
# the heap (-Xmx/-Xms) and options already set to another value, e.g. -XX:TargetSurvivorRatio=30 or
# another collector such as -XX:+UseG1GC (see "JVM options" below).
#
# Idempotent: existing resources and options are left as they are; it can be run again after a
# partial failure. Some changes (executor services, JVM options) only take effect after a domain restart.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z "${ASADMIN:-}" ]]; then
  if [[ -n "${PAYARA_HOME:-}" ]]; then ASADMIN="$PAYARA_HOME/bin/asadmin"; else ASADMIN=asadmin; fi
fi
ASADMIN_OPTS="${ASADMIN_OPTS:-}"
read -ra asadmin_opts <<<"$ASADMIN_OPTS"   # word-split on purpose
SB_AUTH_OPTS=()
if [[ -n "${ASADMIN_PASSWORDFILE:-}" ]]; then
  [[ -r "$ASADMIN_PASSWORDFILE" ]] || { log "cannot read ASADMIN_PASSWORDFILE=$ASADMIN_PASSWORDFILE" >&2; exit 1; }
  sb_auth_opts "$ASADMIN_PASSWORDFILE"
fi
ASA=("$ASADMIN" "${asadmin_opts[@]}" "${SB_AUTH_OPTS[@]}")      # used by asa() (lib.sh)
TARGET="${TARGET:-server}"
CONFIG="${CONFIG:-server-config}"
JVM_TARGET="${JVM_TARGET:-$TARGET}"

CF_JNDI="jms/switchboard/ConnectionFactory"
TOPIC_JNDI="jms/switchboard/Messages"
TOPIC_PHYSICAL="$SB_TOPIC_PHYSICAL"
QUEUE_JNDI="jms/switchboard/Ingress"
QUEUE_PHYSICAL="$SB_QUEUE_PHYSICAL"
# the JMS ingress for back ends (docs/operations.md "Publishing from back ends") and its dead letters
PUBLISH_JNDI="jms/switchboard/Publish"
PUBLISH_PHYSICAL="SwitchboardPublish"
DEAD_JNDI="jms/switchboard/PublishDead"
DEAD_PHYSICAL="SwitchboardPublishDead"
FT_EXECUTOR="concurrent/switchboard/FaultToleranceExecutor"
FT_SCHEDULER="concurrent/switchboard/FaultToleranceScheduler"
DEFAULT_MSES="concurrent/__defaultManagedScheduledExecutorService"

if ! asa version >/dev/null 2>&1; then
  log "cannot reach the domain with: $ASADMIN $ASADMIN_OPTS (is it running?)" >&2
  exit 1
fi

# --- JMS: connection factory + topic + ingress queue -------------------------------
# Resources are domain-wide and referenced by targets. A resource that already exists in the domain
# (e.g. created for the DAS) but is not referenced by TARGET only gets a resource-ref for TARGET.
# (The list-*-resources commands take the target as an operand, "domain" for all; they do not
# accept deployment groups, so what TARGET references is read from list-resource-refs.)
refs="$(asa list-resource-refs "$TARGET" 2>/dev/null || true)"
# ensure_resource <kind> <jndi name> <domain-wide list> <create command...>
ensure_resource() {
  local kind="$1" jndi="$2" existing="$3"; shift 3
  if has_line "$jndi" <<<"$refs"; then
    log "$kind $jndi exists (referenced by $TARGET)"
  elif has_line "$jndi" <<<"$existing"; then
    log "$kind $jndi exists; referencing it from $TARGET"
    asa create-resource-ref --target "$TARGET" "$jndi"
  else
    log "creating $kind $jndi"
    asa "$@"
  fi
}
jms_resources="$(asa list-jms-resources domain 2>/dev/null || true)"
ensure_resource "JMS connection factory" "$CF_JNDI" "$jms_resources" \
  create-jms-resource --target "$TARGET" --restype jakarta.jms.ConnectionFactory \
      --description "Switchboard cluster bus" "$CF_JNDI"
ensure_resource "JMS topic" "$TOPIC_JNDI" "$jms_resources" \
  create-jms-resource --target "$TARGET" --restype jakarta.jms.Topic \
      --property "Name=$TOPIC_PHYSICAL" --description "Switchboard cluster bus" "$TOPIC_JNDI"
ensure_resource "JMS queue" "$QUEUE_JNDI" "$jms_resources" \
  create-jms-resource --target "$TARGET" --restype jakarta.jms.Queue \
      --property "Name=$QUEUE_PHYSICAL" --description "Switchboard ingress: publications before sequencing" "$QUEUE_JNDI"
ensure_resource "JMS queue" "$PUBLISH_JNDI" "$jms_resources" \
  create-jms-resource --target "$TARGET" --restype jakarta.jms.Queue \
      --property "Name=$PUBLISH_PHYSICAL" --description "Switchboard: back ends publish here" "$PUBLISH_JNDI"
ensure_resource "JMS queue" "$DEAD_JNDI" "$jms_resources" \
  create-jms-resource --target "$TARGET" --restype jakarta.jms.Queue \
      --property "Name=$DEAD_PHYSICAL" --description "Switchboard: back-end publications that could not be published" "$DEAD_JNDI"
# A broker restart leaves every pooled connection of the factory broken. Without validation the
# pool hands them out again and every send through it fails until the pool happens to drop them
# (an application such as examples/jms-publisher saw this for over 90 s); validated on every
# take, and one failure drops them all, a pool recovers with the broker.
CF_POOL="resources.connector-connection-pool.${CF_JNDI}-Connection-Pool"
log "connection pool of $CF_JNDI: validated when taken, all dropped on a failure"
asa set "$CF_POOL.is-connection-validation-required=true" "$CF_POOL.fail-all-connections=true" >/dev/null

# The physical destinations are auto-created by OpenMQ on first use (imq.autocreate.topic/queue=true).
# Creating them explicitly needs the broker's JMX connector, which is not available when the
# broker is bound to 127.0.0.1 (see create-local-domain.sh), so this step is best effort.
# Only for TARGET=server: list-jmsdest/create-jmsdest act on the DAS's own broker. A remote broker
# (create-local-cluster.sh) gets its destinations with imqcmd.
if [[ "$TARGET" != "server" ]]; then
  log "physical destinations: not managed here for target $TARGET (created on its broker / auto-created)"
elif jmsdests="$(asa list-jmsdest 2>/dev/null)"; then
  if has_line "$TOPIC_PHYSICAL" <<<"$jmsdests"; then
    log "physical destination $TOPIC_PHYSICAL exists"
  else
    log "creating physical destination $TOPIC_PHYSICAL"
    asa create-jmsdest --desttype topic "$TOPIC_PHYSICAL" \
      || log "WARNING: create-jmsdest failed; OpenMQ will auto-create the topic on first use"
  fi
  for queue in "$QUEUE_PHYSICAL" "$PUBLISH_PHYSICAL" "$DEAD_PHYSICAL"; do
    if has_line "$queue" <<<"$jmsdests"; then
      log "physical destination $queue exists"
    else
      log "creating physical destination $queue"
      asa create-jmsdest --desttype queue "$queue" \
        || log "WARNING: create-jmsdest failed; OpenMQ will auto-create the queue on first use"
    fi
  done
else
  log "broker admin (JMX) not reachable; $TOPIC_PHYSICAL and $QUEUE_PHYSICAL will be auto-created by OpenMQ on first use"
fi

# --- Tyrus idle-timeout CPU fix ------------------------------------------------
# Tyrus re-schedules each session's idle-timeout task on every message through the default
# managed scheduled executor; each submission costs a classpath scan. With the default managed
# scheduled executor disabled Tyrus falls back to a plain Java executor. MicroProfile Fault
# Tolerance also uses the defaults, so it gets its own managed executors or Payara won't start.
ensure_resource "managed executor service" "$FT_EXECUTOR" \
  "$(asa list-managed-executor-services domain 2>/dev/null || true)" \
  create-managed-executor-service --target "$TARGET" --corepoolsize 2 --maximumpoolsize 16 \
      --taskqueuecapacity 1000 --description "MicroProfile Fault Tolerance (Switchboard)" "$FT_EXECUTOR"
ensure_resource "managed scheduled executor service" "$FT_SCHEDULER" \
  "$(asa list-managed-scheduled-executor-services domain 2>/dev/null || true)" \
  create-managed-scheduled-executor-service --target "$TARGET" --corepoolsize 2 \
      --description "MicroProfile Fault Tolerance (Switchboard)" "$FT_SCHEDULER"
log "pointing MicroProfile Fault Tolerance at its own executors"
asa set-fault-tolerance-configuration --target "$CONFIG" \
    --managedexecutorservicename "$FT_EXECUTOR" \
    --managedscheduledexecutorservicename "$FT_SCHEDULER"
mses_attr="resources.managed-scheduled-executor-service.$DEFAULT_MSES"
case "${TYRUS_FIX:-context}" in
  context)
    log "default managed scheduled executor: enabled, context propagation off"
    asa set "$mses_attr.enabled=true" "$mses_attr.context-info-enabled=false" ;;
  disable)
    log "disabling $DEFAULT_MSES (CDI applications will not deploy, see TYRUS_FIX above)"
    asa set "$mses_attr.enabled=false" ;;
  none)
    log "leaving $DEFAULT_MSES as shipped" ;;
  *)
    log "unknown TYRUS_FIX=${TYRUS_FIX} (context|disable|none)" >&2; exit 2 ;;
esac

# --- JVM options: Hazelcast bind, GC policy -------------------------------------------
# The same policy as the demo, test and cluster domains (lib.sh): -Dhazelcast.socket.bind.any=false,
# -XX:+UseParallelGC, -XX:TargetSurvivorRatio=20, -XX:MaxNewSize=128m and -XX:MaxGCPauseMillis=50
# added and Payara's shipped -XX:NewRatio=2 removed (the collector then sizes the young generation
# itself, up to 128 MB; see docs/operations.md, "Sizing a member").
# Deliberately left alone, and printed:
#   * the heap (-Xmx/-Xms): this is the admin's own domain, sized for its host and for whatever else
#     it runs; -Xms = -Xmx would also keep the whole -Xmx committed (the collector does not shrink
#     the heap below -Xms), a memory decision for that host. The scripts that create a domain, and so own
#     its size, set -Xms = -Xmx (HEAP, MEMBER_HEAP).
#   * an option already set to another value (e.g. -XX:TargetSurvivorRatio=30, a NewRatio other
#     than Payara's default 2, or another collector such as -XX:+UseG1GC): that is a decision
#     someone made for this domain.
sb_jvm_policy_apply "$JVM_TARGET" ""

# --- Bounded per-connection write buffering ---------------------------------------
# Grizzly lets each connection queue 4 x the socket send buffer before a write reports
# "not ready"; with Linux send-buffer autotuning that is up to 16 MB per connection, so a
# client that stops reading would hold megabytes of server memory before Switchboard's
# slow-consumer limit (switchboard.limits.send-queue) could see it. A fixed socket send buffer
# bounds it (64 KB socket buffer -> 256 KB Grizzly queue per connection).
SOCKET_WRITE_BUFFER="${SOCKET_WRITE_BUFFER:-65536}"
log "socket write buffer of transport tcp in $CONFIG: $SOCKET_WRITE_BUFFER bytes"
asa set "configs.config.${CONFIG}.network-config.transports.transport.tcp.socket-write-buffer-size=${SOCKET_WRITE_BUFFER}" >/dev/null

# --- The HTTP workers' task queue: never a reason to drop a connection ----------------------------
# Every read of every connection (established WebSocket or new handshake) waits for an HTTP worker in
# one queue, which Payara bounds at 4,096 tasks. When a storm of handshakes filled it, Grizzly refused
# the next task and closed that task's connection, established or not (seen in the bench: dozens of
# live clients dropped during a ramp of 10,000 connections). A connection has at most one read task
# queued (Grizzly stops watching it until its task has run), so the queue can never hold more tasks
# than the member holds connections, and the hub caps those below the open-file limit: unbounded
# (-1) costs nothing that the connections do not already cost. How long a queued task waits is
# bounded by the hub instead: it refuses handshakes with 503 + Retry-After while more than
# switchboard.limits.handshake-backlog tasks wait (docs/operations.md, "Admission under a storm").
log "task queue of http-thread-pool in $CONFIG: unbounded (the hub sheds handshakes by its length)"
asa set "configs.config.${CONFIG}.thread-pools.thread-pool.http-thread-pool.max-queue-size=-1" >/dev/null

# --- The history pool's statement cache -----------------------------------------------------------
# Every resume runs the same few queries; uncached, each run parsed and planned its SQL again
# (lib.sh, SB_HISTORY_STATEMENT_CACHE). Set only where the pool has none; another size is left alone.
HISTORY_DATASOURCE="${HISTORY_DATASOURCE:-jdbc/__default}"
history_pool="$(asa get "resources.jdbc-resource.${HISTORY_DATASOURCE}.pool-name" 2>/dev/null | sed -n 's/^.*\.pool-name=//p' || true)"
if [[ -z "$history_pool" ]]; then
  log "history pool: no JDBC resource $HISTORY_DATASOURCE here yet; statement cache not set"
else
  cache_attr="resources.jdbc-connection-pool.${history_pool}.statement-cache-size"
  cache_now="$(asa get "$cache_attr" 2>/dev/null | sed -n 's/^.*=//p' || true)"
  if [[ "${cache_now:-0}" == 0 ]]; then
    log "history pool $history_pool ($HISTORY_DATASOURCE): statement cache $SB_HISTORY_STATEMENT_CACHE"
    asa set "$cache_attr=$SB_HISTORY_STATEMENT_CACHE" >/dev/null
  else
    log "history pool $history_pool: statement cache $cache_now (left alone)"
  fi
fi

# --- The member's warm-up on itself -------------------------------------------------------------
# At start the hub connects to its own endpoint and runs a few thousand handshakes and messages
# before it lets clients in (docs/operations.md, "Warm-up at start"): it needs its own URL, which
# only the domain knows. Set as a MicroProfile Config property of CONFIG, from http-listener-1's
# port as written there (a cluster config's "${HTTP_LISTENER_PORT}" resolves on each instance).
# The listener must answer on loopback (bound to 127.0.0.1 or to every address).
listener="configs.config.${CONFIG}.network-config.network-listeners.network-listener.http-listener-1"
http_port="$(asa get "$listener.port" 2>/dev/null | sed -n 's/^.*\.port=//p' | head -1)"
http_address="$(asa get "$listener.address" 2>/dev/null | sed -n 's/^.*\.address=//p' | head -1)"
if [[ -z "$http_port" ]]; then
  log "warm-up: no port found for http-listener-1 in $CONFIG; switchboard.warmup.url not set (no warm-up)"
elif [[ -n "$http_address" && "$http_address" != "0.0.0.0" && "$http_address" != 127.* ]]; then
  log "warm-up: http-listener-1 of $CONFIG listens on $http_address only, not on loopback; switchboard.warmup.url not set (no warm-up)"
else
  warmup_url="ws://127.0.0.1:${http_port}/switchboard/ws"
  log "warm-up URL of the members of $CONFIG: $warmup_url"
  asa set-config-property --source=config --sourceName="$CONFIG" \
      --propertyName=switchboard.warmup.url --propertyValue="$warmup_url" >/dev/null
fi

# --- No Grizzly WebSocket probe on every read --------------------------------------------
# Payara's HTTP listener also carries Grizzly's own WebSocket add-on. Jakarta WebSocket (Tyrus)
# does not use it — it upgrades through the servlet API — but the add-on's filter treats every
# read of an upgraded connection as a possible handshake and builds URL-mapping objects for it:
# 6% of all allocation during the rooms benchmark (JFR). Switching it off changes nothing else.
log "Grizzly WebSocket add-on of http-listener-1 in $CONFIG: off"
asa set "configs.config.${CONFIG}.network-config.protocols.protocol.http-listener-1.http.websockets-support-enabled=false" >/dev/null

# --- Handshake timeout -------------------------------------------------------------------
# A client that opens a socket and sends no request, or only part of one, holds a connection
# until Grizzly's idle filter closes it after the HTTP listener's timeout-seconds (Payara ships 30;
# it is also the keep-alive timeout between plain HTTP requests). Upgraded WebSocket connections
# are not subject to it (measured: an idle WebSocket outlives it). HANDSHAKE_TIMEOUT_S, default 10.
log "handshake (and HTTP keep-alive) timeout of http-listener-1 and -2 in $CONFIG: ${HANDSHAKE_TIMEOUT_S:-10} s"
asa set "configs.config.${CONFIG}.network-config.protocols.protocol.http-listener-1.http.timeout-seconds=${HANDSHAKE_TIMEOUT_S:-10}" \
  "configs.config.${CONFIG}.network-config.protocols.protocol.http-listener-2.http.timeout-seconds=${HANDSHAKE_TIMEOUT_S:-10}" >/dev/null

# --- No version in response headers -------------------------------------------------------------
# Payara names itself, its version, the servlet/JSP versions and the JDK in every response
# (Server: Payara Server 6.2025.10; X-Powered-By: Servlet/6.0 JSP/3.1 (Payara Server 6.2025.10
# Java/...)): free reconnaissance for anyone who can reach a port. Every protocol of CONFIG with an
# <http> element (the HTTP, HTTPS and admin listeners) sends neither header: its http attributes
# xpowered-by and server-header (lib.sh, SB_HEADER_SETTINGS) are set to false where they are not.
# Stored in domain.xml; a running listener is reconfigured at once (several at a time can leave one
# closed until the next restart, so restart the domain after this script, as for the rest).
protocol_prefix="configs.config.${CONFIG}.network-config.protocols.protocol"
header_attrs=()
for setting in "${SB_HEADER_SETTINGS[@]}"; do
  # lines "<prefix>.<protocol>.http.<name>=<value>", one per protocol with an <http> element
  while IFS= read -r line; do
    [[ "$line" == "$protocol_prefix."*".http.${setting%%=*}="* ]] || continue
    [[ "${line##*=}" == "${setting#*=}" ]] || header_attrs+=("${line%=*}=${setting#*=}")
  done < <(asa get "$protocol_prefix.*.http.${setting%%=*}" 2>/dev/null || true)
done
if (( ${#header_attrs[@]} )); then
  log "no X-Powered-By and no Server header on the listeners of $CONFIG"
  asa set "${header_attrs[@]}" >/dev/null
else
  log "X-Powered-By and Server headers of the listeners of $CONFIG: off"
fi

if [[ "${RESTART:-false}" == "true" ]]; then
  log "restarting the domain"
  asa restart-domain
else
  log "done. Restart the domain so the executor and JVM option changes take effect."
fi
