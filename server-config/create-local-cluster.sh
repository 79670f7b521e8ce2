#!/usr/bin/env bash
# Builds, from nothing, a local Switchboard cluster on this host, everything on 127.0.0.1:
#
#   standalone OpenMQ broker "sbbroker"  127.0.0.1:27676 (jms 27677, admin 27678, JMX 27679)
#        ^ JMS service REMOTE (all members share one message fabric)
#   PostgreSQL (postgres.sh)             127.0.0.1:25432, database/user/password switchboard, data
#        ^ JDBC resource jdbc/switchboard/history  $CLUSTER_DIR/postgres (unless PG_EXTERNAL=1)
#          (pool switchboard-history-pool; driver: target/jdbc-drivers, in the domain's lib)
#   DAS domain "switchboard-cluster"     admin 30048, HTTP 30080, Hazelcast 30049 (portbase 30000)
#   deployment group "switchboard-dg", config "sb-config" (shared by the members):
#     sb-member<i> (portbase 3i000)      HTTP 3i080, HTTPS 3i081, admin 3i048, IIOP 3i037, JMX 3i086,
#                                        Hazelcast 3i049
#   Hazelcast data grid: DAS 30049 + members 3i049, interface 127.0.0.1, tcpip discovery
#
# Usage: server-config/create-local-cluster.sh <payara-home> [war] [members]
#   war      default: $WAR, else target/switchboard.war        members  default: $MEMBERS, else 2 (1-9)
#   (the two optional arguments may come in either order: a number is the member count)
#
# Writes $CLUSTER_DIR/cluster.env (CLUSTER_DIR default <payara-home>/../switchboard-cluster, i.e.
# target/switchboard-cluster) with PAYARA_HOME, ports, ADMIN_PASSWORD_FILE, MEMBER<i>_URL,
# MEMBER<i>_PIDFILE, MEMBER<i>_PID, PG_PORT, PG_DIR, PG_PIDFILE, PG_PID, PG_JDBC_URL.
#
# Admin password: the DAS (and so every instance, which shares its admin realm) has the admin user
# "admin" with a random password, made by create-local-domain.sh and kept in
# <payara-home>/glassfish/domains/switchboard-cluster/config/admin-password (mode 600; ADMIN_PASSWORD_FILE
# in cluster.env). Every asadmin command here passes it (--user admin --passwordfile ...).
# An existing cluster (state file, running domain, instances, broker or database) is stopped and
# deleted first (the database's data directory too, unless PG_DIR was given).
#
# Companions: cluster-broker.sh start|stop|kill|status, postgres.sh start|stop|kill|status|url
#   (the database; kill = SIGKILL of the postmaster, start recovers), restart-member.sh <i>,
#   stop-local-cluster.sh
#
# The members find the history DataSource through the system property
# switchboard.history.datasource=jdbc/switchboard/history of sb-config (MicroProfile Config).
#
# Environment: READY_TIMEOUT (seconds to wait for every member's /health/ready, default 300),
#   HZ_HEARTBEAT (Hazelcast heartbeat interval, s, default 1), HZ_MAX_NO_HEARTBEAT (s, default 8),
#   MEMBER_HEAP (default 512m), DAS_HEAP (default 512m), JMS_RECONNECT_INTERVAL (s, default 2),
#   JMS_RECONNECT_ATTEMPTS (default 3),
#   PG_PORT (default 25432), PG_DIR (data directory, default $CLUSTER_DIR/postgres; a given one is
#   kept), PG_EXTERNAL=1 (use a running PostgreSQL: no start/stop; PG_HOST, PG_PORT, PG_DATABASE,
#   PG_USER, PG_PASSWORD, defaults 127.0.0.1, 25432, switchboard x3), PG_JDBC_JAR (the driver;
#   default the newest target/jdbc-drivers/postgresql-*.jar, else one from ~/.m2).
#   Ports (lib.sh; give the same to every cluster script): SB_CLUSTER_PORTBASE (DAS, default 30000),
#   SB_CLUSTER_MEMBER_STEP (member i at portbase + i * step, default 1000), SB_BROKER_PORT, SB_PG_PORT.
#   DEMO=true: the demo's sign-in (section 5b).
#   CONFIG_PROPERTIES: switchboard.* keys for every member, one "name=value" per line, set as
#   MicroProfile Config properties of the members' config (section 5c): unlike a WAR's own
#   microprofile-config.properties they are in domain.xml, so every (re)start of a member sees them.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SB_LOG_TIME=true

usage() { echo "usage: $0 <payara-home> [war] [members]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 3 ]] || usage
SCRIPT_DIR="$SB_SCRIPT_DIR"
PAYARA_HOME="$(cd "$1" && pwd)"
WAR="${WAR:-$SB_DEFAULT_WAR}"
MEMBERS="${MEMBERS:-2}"
for arg in "${@:2}"; do
  if [[ "$arg" =~ ^[0-9]+$ ]]; then MEMBERS="$arg"; else WAR="$arg"; fi
done
[[ "$MEMBERS" =~ ^[1-9]$ ]] || { echo "members must be 1..9 (ports 3i0xx)" >&2; exit 2; }
[[ -f "$WAR" ]] || { echo "no WAR at $WAR (run ./mvnw -DskipTests package)" >&2; exit 1; }
WAR="$(cd "$(dirname "$WAR")" && pwd)/$(basename "$WAR")"

export PAYARA_HOME
CLUSTER_DIR="$(sb_cluster_dir "$PAYARA_HOME")"
export CLUSTER_DIR
export BROKER_NAME="$SB_BROKER_NAME" BROKER_PORT="$SB_BROKER_PORT"
DOMAIN="$SB_CLUSTER_DOMAIN"
PORTBASE="$SB_CLUSTER_PORTBASE"
ADMIN_PORT="$SB_CLUSTER_ADMIN_PORT"
DG="$SB_CLUSTER_DG"
CFG="$SB_CLUSTER_CONFIG"
NODE="$SB_CLUSTER_NODE"      # the DAS's own CONFIG node, created with the domain
READY_TIMEOUT="${READY_TIMEOUT:-300}"
HZ_HEARTBEAT="${HZ_HEARTBEAT:-1}"
HZ_MAX_NO_HEARTBEAT="${HZ_MAX_NO_HEARTBEAT:-8}"
MEMBER_HEAP="${MEMBER_HEAP:-512m}"
# JMS connections to the broker: the RA's transparent reconnect is off (reconnect-enabled=false
# below). After a broker restart it sometimes could not restore a consumer ("session does not
# exist") and retried forever, while the consumer returned nothing and threw nothing: a member
# that looked connected never received the topic again. Without it a lost broker closes every
# consumer at once and the hub opens fresh connections itself. Interval and attempts still bound
# how long opening a connection tries while the broker is down: 2 s x 3 x 1 address-list iteration.
JMS_RECONNECT_INTERVAL="${JMS_RECONNECT_INTERVAL:-2}"
JMS_RECONNECT_ATTEMPTS="${JMS_RECONNECT_ATTEMPTS:-3}"
ASADMIN="$PAYARA_HOME/bin/asadmin"
PASSWORD_FILE="$(sb_admin_password_file "$PAYARA_HOME/glassfish/domains/$DOMAIN")"
ASA=()   # set once the DAS exists (its admin password file is made with it)
STATE="$CLUSTER_DIR/cluster.env"
# Hazelcast failure detection (every data grid member, the DAS included: the master removes members).
# Hazelcast reads these system properties when Payara's programmatic config does not set them.
HZ_OPTS="-Dhazelcast.heartbeat.interval.seconds=$HZ_HEARTBEAT -Dhazelcast.max.no.heartbeat.seconds=$HZ_MAX_NO_HEARTBEAT"
# PostgreSQL: postgres.sh's (constants of lib.sh), or an external one (PG_EXTERNAL=1)
PG_EXTERNAL="${PG_EXTERNAL:-0}"
PG_DIR_GIVEN="${PG_DIR:-}"
PG_PORT="${PG_PORT:-$SB_PG_PORT}"
if [[ "$PG_EXTERNAL" == 1 ]]; then
  PG_HOST="${PG_HOST:-$SB_LOOPBACK}"
  PG_DATABASE="${PG_DATABASE:-$SB_PG_DATABASE}"
  PG_USER="${PG_USER:-$SB_PG_USER}"
  PG_PASSWORD="${PG_PASSWORD:-$SB_PG_PASSWORD}"
else
  PG_HOST="$SB_LOOPBACK" PG_DATABASE="$SB_PG_DATABASE" PG_USER="$SB_PG_USER" PG_PASSWORD="$SB_PG_PASSWORD"
fi
T0=$SECONDS

# --- 0. remove a previous cluster ---------------------------------------------------
if [[ -f "$STATE" || -d "$PAYARA_HOME/glassfish/domains/$DOMAIN" || -f "$CLUSTER_DIR/broker.pid" \
      || -e "$CLUSTER_DIR/postgres" ]]; then
  log "removing the previous cluster"
  "$SCRIPT_DIR/stop-local-cluster.sh" "$PAYARA_HOME"
fi
# the database of the default data directory goes with the cluster (it may live in /tmp, see postgres.sh)
if [[ "$PG_EXTERNAL" != 1 && -z "$PG_DIR_GIVEN" && -e "$CLUSTER_DIR/postgres" ]]; then
  PG_DIR="$CLUSTER_DIR/postgres" "$SCRIPT_DIR/postgres.sh" destroy
fi
rm -rf "$PAYARA_HOME/glassfish/nodes/$NODE" "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"
PG_DIR="${PG_DIR_GIVEN:-$CLUSTER_DIR/postgres}"
export PG_DIR PG_PORT        # postgres.sh, and stop-local-cluster.sh on error
busy_ports=("$ADMIN_PORT" $((PORTBASE + 80)) "$BROKER_PORT")
[[ "$PG_EXTERNAL" == 1 ]] || busy_ports+=("$PG_PORT")
for p in "${busy_ports[@]}"; do
  if port_open "$p"; then
    log "port $p is in use by another process; cannot create the cluster" >&2; exit 1
  fi
done

on_error() {
  log "FAILED (line $1); tearing down what was started" >&2
  "$SCRIPT_DIR/stop-local-cluster.sh" "$PAYARA_HOME" >&2 || true
}
trap 'on_error $LINENO' ERR

# --- 1. broker ------------------------------------------------------------------------
"$SCRIPT_DIR/cluster-broker.sh" start
# physical destinations, created up front (OpenMQ would auto-create them, with auto-create defaults)
printf 'imq.imqcmd.password=admin\n' >"$CLUSTER_DIR/imqcmd.pass"
for d in "t $SB_TOPIC_PHYSICAL" "q $SB_QUEUE_PHYSICAL"; do
  read -r dst_type dst_name <<<"$d"
  "$PAYARA_HOME/mq/bin/imqcmd" create dst -t "$dst_type" -n "$dst_name" -b "$SB_LOOPBACK:$BROKER_PORT" \
      -u admin -passfile "$CLUSTER_DIR/imqcmd.pass" -f -s
done
log "broker destinations: topic $SB_TOPIC_PHYSICAL, queue $SB_QUEUE_PHYSICAL"

# --- 1b. PostgreSQL (durable channel history) -----------------------------------------
if [[ "$PG_EXTERNAL" == 1 ]]; then
  log "PostgreSQL: external, $PG_HOST:$PG_PORT/$PG_DATABASE (PG_EXTERNAL=1)"
else
  "$SCRIPT_DIR/postgres.sh" start
fi
# its JDBC driver, for the DAS's domain lib (below): the Maven build's copy (maven-dependency-plugin,
# execution copy-jdbc-drivers), else the newest one in the local Maven repository
if [[ -z "${PG_JDBC_JAR:-}" ]]; then
  PG_JDBC_JAR="$( { ls "$SB_ROOT"/target/jdbc-drivers/postgresql-*.jar 2>/dev/null \
      || ls "${HOME:-/root}"/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null; } \
    | grep -vE -- '-(sources|javadoc)\.jar$' | sort -V | tail -n 1)" || true
fi
[[ -n "${PG_JDBC_JAR:-}" && -f "$PG_JDBC_JAR" ]] \
  || { log "no PostgreSQL JDBC driver (target/jdbc-drivers/postgresql-*.jar): run ./mvnw -DskipTests package" >&2; false; }

# --- 2. DAS: loopback-only domain (create-local-domain.sh), heartbeat options, started ----
log "creating DAS domain $DOMAIN (portbase $PORTBASE)"
HEAP="${DAS_HEAP:-512m}" JVM_OPTIONS="$HZ_OPTS" KEEP_RUNNING=false \
  "$SCRIPT_DIR/create-local-domain.sh" "$PAYARA_HOME" "$DOMAIN" "$PORTBASE"
# The JDBC driver goes into the domain's lib before the first start: that is what add-library
# (--type common) does, which would need a DAS restart; the instances get it from there through
# their synchronisation with the DAS at start (nodes/<node>/<instance>/lib).
[[ -f "$PASSWORD_FILE" ]] || { log "no admin password file $PASSWORD_FILE" >&2; false; }
sb_auth_opts "$PASSWORD_FILE"
ASA=("$ASADMIN" --host "$SB_LOOPBACK" --port "$ADMIN_PORT" "${SB_AUTH_OPTS[@]}")
log "JDBC driver: $(basename "$PG_JDBC_JAR") -> domains/$DOMAIN/lib"
mkdir -p "$PAYARA_HOME/glassfish/domains/$DOMAIN/lib"
cp "$PG_JDBC_JAR" "$PAYARA_HOME/glassfish/domains/$DOMAIN/lib/"
log "starting DAS"
"$ASADMIN" "${SB_AUTH_OPTS[@]}" start-domain --domaindir "$PAYARA_HOME/glassfish/domains" "$DOMAIN"

# Data grid discovery: explicit TCP/IP members. The default "domain" discovery does not work on
# loopback: an instance that finds the DAS address 127.0.0.1/localhost replaces it by this machine's
# non-loopback IP (Payara's DomainDiscoveryStrategy), where the loopback-bound DAS is not listening,
# so every instance ended up alone in its own grid (DG Size: 1).
# Members: DAS 127.0.0.1:30049, instance i 127.0.0.1:3i049 (system property HZ_LISTENER_PORT,
# which default-config's config-specific-data-grid-start-port refers to).
hz_members="$SB_LOOPBACK:$((PORTBASE + 49))"
for i in $(seq 1 "$MEMBERS"); do hz_members+=",$SB_LOOPBACK:$(sb_member_hz_port "$i")"; done
log "data grid: tcpip discovery, members $hz_members"
"${ASA[@]}" set-hazelcast-configuration --dynamic=true --clustermode tcpip --tcpipmembers "$hz_members"

# --- 3. shared member configuration sb-config -----------------------------------------
log "creating config $CFG (copy of default-config), loopback listeners, REMOTE JMS"
"${ASA[@]}" copy-config default-config "$CFG"
c="configs.config.$CFG"
mapfile -t loopback_attributes < <(sb_loopback_attributes "$CFG")
"${ASA[@]}" set \
  "${loopback_attributes[@]}" \
  "$c.jms-service.type=REMOTE" \
  "$c.jms-service.jms-host.default_JMS_host.host=$SB_LOOPBACK" \
  "$c.jms-service.jms-host.default_JMS_host.port=$BROKER_PORT" \
  "$c.jms-service.reconnect-interval-in-seconds=$JMS_RECONNECT_INTERVAL" \
  "$c.jms-service.reconnect-attempts=$JMS_RECONNECT_ATTEMPTS" \
  "$c.jms-service.addresslist-iterations=1" \
  "$c.jms-service.reconnect-enabled=false" \
  >/dev/null
log "JVM options of $CFG: -Xms/-Xmx$MEMBER_HEAP, young generation at most 128m, pause goal 50 ms, survivor target 20%, Hazelcast bind/heartbeat"
# lib.sh's policy (sb-config is a copy of default-config, which create-local-domain.sh gave
# -Xmx DAS_HEAP and no NewRatio): other -Xmx/-Xms replaced, the rest added; plus the heartbeat options
read -ra hz_opts <<<"$HZ_OPTS"
sb_jvm_policy_apply "$CFG" "$MEMBER_HEAP" "${hz_opts[@]}"

# Payara logs com.hazelcast at WARNING only; membership changes (Members {size:..}, Removing Member)
# are INFO messages of com.hazelcast.internal.cluster: log them on the DAS and the members
"${ASA[@]}" set-log-levels --target server com.hazelcast.internal.cluster=INFO >/dev/null
"${ASA[@]}" set-log-levels --target "$CFG" com.hazelcast.internal.cluster=INFO >/dev/null

# --- 4. deployment group + instances ---------------------------------------------------
log "creating deployment group $DG with $MEMBERS instance(s)"
"${ASA[@]}" create-deployment-group "$DG"
for i in $(seq 1 "$MEMBERS"); do
  "${ASA[@]}" create-instance --node "$NODE" --config "$CFG" --portbase "$(sb_member_portbase "$i")" \
      --checkports=true "$(sb_member_name "$i")"
  "${ASA[@]}" create-system-properties --target "$(sb_member_name "$i")" "HZ_LISTENER_PORT=$(sb_member_hz_port "$i")"
  "${ASA[@]}" add-instance-to-deployment-group --instance "$(sb_member_name "$i")" --deploymentgroup "$DG"
done

# --- 5. Switchboard resources, Tyrus fix, FT executors (configure-domain.sh) -------------
log "applying configure-domain.sh to $DG / $CFG"
ASADMIN="$ASADMIN" ASADMIN_OPTS="--host $SB_LOOPBACK --port $ADMIN_PORT" ASADMIN_PASSWORDFILE="$PASSWORD_FILE" \
  TARGET="$DG" JVM_TARGET="$CFG" CONFIG="$CFG" "$SCRIPT_DIR/configure-domain.sh"

# --- 5b. history DataSource: JDBC pool + resource on the group, its name for the WAR ----------
# Pool: 4 steady, 16 max, 32 prepared statements cached per connection (lib.sh); every connection
# is validated when taken (PostgresConnectionValidation, bounded by the statement timeout) and one
# failed validation drops all (fail-all-connections), so the pool recovers from a restarted
# database; connect/login 3 s, statements 5 s, socket reads 10 s and waiting for a free connection
# 5 s: a dead database fails requests fast instead of hanging threads.
# pg_prop <name> <value>: one pool property, with the separators of asadmin's --property escaped
pg_prop() { local v="$2"; v="${v//\\/\\\\}"; v="${v//:/\\:}"; v="${v//=/\\=}"; printf '%s=%s' "$1" "$v"; }
pool_props="$(pg_prop serverName "$PG_HOST"):$(pg_prop portNumber "$PG_PORT"):$(pg_prop databaseName "$PG_DATABASE")"
pool_props+=":$(pg_prop user "$PG_USER"):$(pg_prop password "$PG_PASSWORD")"
pool_props+=":loginTimeout=3:connectTimeout=3:socketTimeout=10:reWriteBatchedInserts=true:ApplicationName=switchboard"
log "JDBC pool $SB_HISTORY_POOL: postgresql://$PG_HOST:$PG_PORT/$PG_DATABASE as $PG_USER, steady 4, max 16"
"${ASA[@]}" create-jdbc-connection-pool \
    --restype javax.sql.DataSource --datasourceclassname org.postgresql.ds.PGSimpleDataSource \
    --steadypoolsize 4 --maxpoolsize 16 --maxwait 5000 \
    --isconnectvalidatereq=true --validationmethod custom-validation \
    --validationclassname org.glassfish.api.jdbc.validation.PostgresConnectionValidation \
    --failconnection=true --statementtimeout 5 \
    --description "Switchboard channel history (PostgreSQL)" \
    --property "$pool_props" "$SB_HISTORY_POOL"
"${ASA[@]}" set "resources.jdbc-connection-pool.$SB_HISTORY_POOL.statement-cache-size=$SB_HISTORY_STATEMENT_CACHE" >/dev/null
log "JDBC resource $SB_HISTORY_JNDI on $DG; $SB_HISTORY_PROPERTY=$SB_HISTORY_JNDI on $CFG"
# create-jdbc-resource --target <deployment group> reports success but references the resource
# nowhere (Payara 6.2025.10): created for the domain, then referenced like configure-domain.sh's
"${ASA[@]}" create-jdbc-resource --connectionpoolid "$SB_HISTORY_POOL" --target domain "$SB_HISTORY_JNDI"
"${ASA[@]}" create-resource-ref --target "$DG" "$SB_HISTORY_JNDI"
dg_refs="$("${ASA[@]}" list-resource-refs "$DG")"
has_line "$SB_HISTORY_JNDI" <<<"$dg_refs" || { log "$SB_HISTORY_JNDI is not referenced by $DG" >&2; false; }
"${ASA[@]}" create-system-properties --target "$CFG" "$SB_HISTORY_PROPERTY=$SB_HISTORY_JNDI"
"${ASA[@]}" ping-connection-pool "$SB_HISTORY_POOL"

# --- 5b. the demo's sign-in (DEMO=true, the cluster-demo profile only) ----------------------
# The demo page signs users in with the demo token issuer (docs/operations.md, "The demo's token
# issuer"): on for the members' config, and the demo users in its file realm. A tab signs in on the
# member it was loaded from; every member signs with the DAS domain's key file (create-local-domain.sh),
# so the token holds on all of them. The members accept each other's pages (allowed-origins), so a
# page given every member (?hub=ws://...,ws://...) reconnects to another one when its own is gone.
if [[ "${DEMO:-false}" == "true" ]]; then
  log "demo sign-in: switchboard.security.demo-issuer=enabled and the demo users on $CFG"
  "${ASA[@]}" set-config-property --source=config --sourceName="$CFG" \
      --propertyName=switchboard.security.demo-issuer --propertyValue=enabled
  origins="$(for i in $(seq 1 "$MEMBERS"); do printf 'http://%s:%s,' "$SB_LOOPBACK" "$(sb_member_http_port "$i")"; done)"
  "${ASA[@]}" set-config-property --source=config --sourceName="$CFG" \
      --propertyName=switchboard.security.allowed-origins --propertyValue="${origins%,}"
  TARGET="$CFG" "$SB_SCRIPT_DIR/realm-users.sh" "$PAYARA_HOME" "$DOMAIN" "$ADMIN_PORT"
fi

# --- 5c. configuration keys for every member (CONFIG_PROPERTIES) ----------------------------
while IFS= read -r property; do
  [[ -n "$property" ]] || continue
  log "config property on $CFG: $property"
  "${ASA[@]}" set-config-property --source=config --sourceName="$CFG" \
      --propertyName="${property%%=*}" --propertyValue="${property#*=}"
done <<<"${CONFIG_PROPERTIES:-}"

# --- 6. deploy, start, wait ---------------------------------------------------------------
log "deploying $WAR to $DG"
"${ASA[@]}" deploy --target "$DG" --name switchboard --contextroot switchboard "$WAR"
log "starting the instances"
T_START=$SECONDS
"${ASA[@]}" start-deployment-group "$DG"

log "waiting up to ${READY_TIMEOUT}s for /health/ready on every member"
deadline=$((SECONDS + READY_TIMEOUT))
for i in $(seq 1 "$MEMBERS"); do
  url="http://$SB_LOOPBACK:$(sb_member_http_port "$i")/health/ready"
  if ! wait_http_ok "$url" "$deadline"; then
    log "$(sb_member_name "$i") not ready within ${READY_TIMEOUT}s: $url" >&2
    curl -s --max-time 5 "$url" >&2 || true
    false
  fi
  log "$(sb_member_name "$i") ready"
done
log "instances started and ready in $((SECONDS - T_START))s"

# --- 7. state file ------------------------------------------------------------------------
{
  echo "# written by create-local-cluster.sh on $(date -Is)"
  echo "PAYARA_HOME=$PAYARA_HOME"
  echo "CLUSTER_DIR=$CLUSTER_DIR"
  echo "DOMAIN=$DOMAIN"
  echo "ADMIN_PORT=$ADMIN_PORT"
  echo "ADMIN_USER=$SB_ADMIN_USER"
  echo "ADMIN_PASSWORD_FILE=$PASSWORD_FILE"
  echo "DEPLOYMENT_GROUP=$DG"
  echo "CONFIG=$CFG"
  echo "NODE=$NODE"
  echo "BROKER_NAME=$BROKER_NAME"
  echo "BROKER_PORT=$BROKER_PORT"
  echo "BROKER_PIDFILE=$CLUSTER_DIR/broker.pid"
  echo "PG_EXTERNAL=$PG_EXTERNAL"
  echo "PG_HOST=$PG_HOST"
  echo "PG_PORT=$PG_PORT"
  echo "PG_DATABASE=$PG_DATABASE"
  echo "PG_USER=$PG_USER"
  echo "PG_JDBC_URL=jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DATABASE"
  if [[ "$PG_EXTERNAL" != 1 ]]; then
    echo "PG_DIR=$PG_DIR"
    echo "PG_PIDFILE=$PG_DIR/postmaster.pid"
    echo "PG_PID=$(head -n 1 "$PG_DIR/postmaster.pid" | tr -dc '0-9')"
  fi
  echo "HISTORY_POOL=$SB_HISTORY_POOL"
  echo "HISTORY_JNDI=$SB_HISTORY_JNDI"
  echo "MEMBERS=$MEMBERS"
  for i in $(seq 1 "$MEMBERS"); do
    pidfile="$(sb_member_pidfile "$PAYARA_HOME" "$i")"
    echo "MEMBER${i}_NAME=$(sb_member_name "$i")"
    echo "MEMBER${i}_HTTP_PORT=$(sb_member_http_port "$i")"
    echo "MEMBER${i}_URL=http://$SB_LOOPBACK:$(sb_member_http_port "$i")/switchboard/"
    echo "MEMBER${i}_PIDFILE=$pidfile"
    echo "MEMBER${i}_PID=$(tr -dc '0-9' <"$pidfile")"
  done
} >"$STATE"
trap - ERR

log "cluster ready in $((SECONDS - T0))s; state: $STATE"
"${ASA[@]}" list-instances -l "$DG" || true
echo
urls=()
for i in $(seq 1 "$MEMBERS"); do urls+=("http://$SB_LOOPBACK:$(sb_member_http_port "$i")/switchboard/"); done
if (( MEMBERS == 2 )); then
  echo "Switchboard cluster demo: ${urls[0]} and ${urls[1]}"
else
  echo "Switchboard cluster demo: ${urls[*]}"
fi
echo "Admin console: http://$SB_LOOPBACK:$ADMIN_PORT/ (user $SB_ADMIN_USER, password in $PASSWORD_FILE)"
echo "Stop it with: server-config/stop-local-cluster.sh   (or ./mvnw -Pcluster-demo-stop validate)"
