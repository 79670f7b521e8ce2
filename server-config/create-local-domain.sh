#!/usr/bin/env bash
# Creates a NEW Payara Server 6 domain that listens on 127.0.0.1 only, configured for Switchboard.
#
# Usage: server-config/create-local-domain.sh <payara-home> <domain-name> <portbase|default>
#   portbase N : admin N+48, HTTP N+80, HTTPS N+81, JMS N+76, IIOP N+37/38/39, JMX N+86,
#                Hazelcast N+49 (DAS) / N+59 (start port)
#   default    : Payara's default ports (admin 4848, HTTP 8080, HTTPS 8181, JMS 7676, ...)
#
# An existing domain of that name is deleted and recreated if it is stopped; if it is running
# the script refuses. The domain is left STOPPED (fully configured) unless KEEP_RUNNING=true,
# in which case it is restarted and left running.
#
# Environment: HEAP (DAS -Xms and -Xmx, default 1g); JVM_OPTIONS (extra DAS JVM options, space-separated,
#   written into server-config before the first start, e.g. "-Dhazelcast.max.no.heartbeat.seconds=8").
#
# Loopback-only from the first start:
#   * HTTP/HTTPS/admin listeners, IIOP listeners and the JMX connector are set by pre-boot
#     commands (start-domain --prebootcommandfile), i.e. before anything binds;
#   * the Hazelcast data grid interface/DAS bind/public address, -Dhazelcast.socket.bind.any=false
#     and the heap size are written into domain.xml before the first start;
#   * the embedded OpenMQ broker is lazily started, so its host (default_JMS_host) and bind address
#     (imq.hostname via jms-service start-args) are set right after the first start, before any JMS use.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <payara-home> <domain-name> <portbase|default>" >&2
  exit 2
fi
PAYARA_HOME="$(cd "$1" && pwd)"
DOMAIN="$2"
PORTBASE="$3"
HEAP="${HEAP:-1g}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAINS_DIR="$PAYARA_HOME/glassfish/domains"
DOMAIN_DIR="$DOMAINS_DIR/$DOMAIN"

log() { printf '[create-local-domain] %s\n' "$*"; }

if [[ "$PORTBASE" == "default" ]]; then
  ADMIN_PORT=4848
  PORT_OPTS=()
else
  ADMIN_PORT=$((PORTBASE + 48))
  PORT_OPTS=(--portbase "$PORTBASE")
fi
ASA=("$ASADMIN" --host 127.0.0.1 --port "$ADMIN_PORT")

# --- (re)create ---------------------------------------------------------------
if [[ -d "$DOMAIN_DIR" ]]; then
  if "$ASADMIN" list-domains --domaindir "$DOMAINS_DIR" 2>/dev/null | grep -qE "^$DOMAIN running"; then
    log "domain $DOMAIN is running; stop it first (asadmin stop-domain $DOMAIN)" >&2
    exit 1
  fi
  log "deleting existing stopped domain $DOMAIN"
  "$ASADMIN" delete-domain --domaindir "$DOMAINS_DIR" "$DOMAIN"
fi

log "creating domain $DOMAIN (portbase: $PORTBASE, admin port $ADMIN_PORT)"
"$ASADMIN" create-domain --domaindir "$DOMAINS_DIR" "${PORT_OPTS[@]}" --nopassword=true --checkports=true "$DOMAIN"

# --- domain.xml edits before the first start ------------------------------------
# server-config's java-config is the first <java-config> in domain.xml; default-config's the second.
DOMAIN_XML="$DOMAIN_DIR/config/domain.xml"
# Heap: -Xms = -Xmx and without Payara's -XX:NewRatio=2, so G1 sizes the young generation itself
# from the whole heap at once. Under load that means a young pause every ~3 s instead of ~0.8 s
# (once connections are old each costs ~7-10 ms however large the young generation), none while
# 5,000 clients connect.
# TargetSurvivorRatio=20: a burst of new connections (state that lives for hours) is promoted
# after one copy instead of being copied between survivor spaces at every pause for a minute;
# a message's garbage (1-3 MB of survivors) stays well under the target and still dies young.
sed -i \
  -e "s#<jvm-options>-Xmx512m</jvm-options>#<jvm-options>-Xmx$HEAP</jvm-options>#" \
  -e "/<jvm-options>-XX:NewRatio=2<\/jvm-options>/d" \
  -e "0,/<jvm-options>-Xmx$HEAP<\/jvm-options>/s##<jvm-options>-Xmx$HEAP</jvm-options>\n        <jvm-options>-Xms$HEAP</jvm-options>\n        <jvm-options>-XX:TargetSurvivorRatio=20</jvm-options>\n        <jvm-options>-Dhazelcast.socket.bind.any=false</jvm-options>#" \
  "$DOMAIN_XML"
# Hazelcast data grid: the same as set-hazelcast-configuration --interfaces 127.0.0.1
#   --dasbindaddress 127.0.0.1 --daspublicaddress 127.0.0.1, written before the first start
sed -i -e 's#<hazelcast-runtime-configuration #<hazelcast-runtime-configuration interface="127.0.0.1" das-bind-address="127.0.0.1" das-public-address="127.0.0.1" #' "$DOMAIN_XML"
grep -q -- "-Dhazelcast.socket.bind.any=false" "$DOMAIN_XML" || { log "failed to add the Hazelcast JVM option" >&2; exit 1; }
grep -q -- "<jvm-options>-Xms$HEAP</jvm-options>" "$DOMAIN_XML" || { log "failed to set the initial heap" >&2; exit 1; }
grep -q -- "<jvm-options>-XX:TargetSurvivorRatio=20</jvm-options>" "$DOMAIN_XML" || { log "failed to set the survivor target" >&2; exit 1; }
for opt in ${JVM_OPTIONS:-}; do
  sed -i -e "0,/<jvm-options>-Dhazelcast.socket.bind.any=false<\/jvm-options>/s##&\n        <jvm-options>$opt</jvm-options>#" "$DOMAIN_XML"
  grep -qF -- "<jvm-options>$opt</jvm-options>" "$DOMAIN_XML" || { log "failed to add JVM option $opt" >&2; exit 1; }
done
grep -q 'interface="127.0.0.1"' "$DOMAIN_XML" || { log "failed to set the Hazelcast interface" >&2; exit 1; }

PREBOOT="$(mktemp)"
trap 'rm -f "$PREBOOT"' EXIT
cfg=configs.config.server-config
cat >"$PREBOOT" <<EOF
set $cfg.network-config.network-listeners.network-listener.http-listener-1.address=127.0.0.1
set $cfg.network-config.network-listeners.network-listener.http-listener-2.address=127.0.0.1
set $cfg.network-config.network-listeners.network-listener.admin-listener.address=127.0.0.1
set $cfg.iiop-service.iiop-listener.orb-listener-1.address=127.0.0.1
set $cfg.iiop-service.iiop-listener.SSL.address=127.0.0.1
set $cfg.iiop-service.iiop-listener.SSL_MUTUALAUTH.address=127.0.0.1
set $cfg.admin-service.jmx-connector.system.address=127.0.0.1
EOF

log "first start (pre-boot commands bind everything to 127.0.0.1)"
"$ASADMIN" start-domain --domaindir "$DOMAINS_DIR" --prebootcommandfile "$PREBOOT" "$DOMAIN"

stop_on_error() {
  log "failed; stopping domain $DOMAIN" >&2
  "$ASADMIN" stop-domain --domaindir "$DOMAINS_DIR" "$DOMAIN" >/dev/null 2>&1 || true
}
trap 'stop_on_error; rm -f "$PREBOOT"' ERR

# --- settings that only exist after the first start ------------------------------
log "binding the embedded JMS broker to 127.0.0.1"
"${ASA[@]}" set "$cfg.jms-service.jms-host.default_JMS_host.host=127.0.0.1"
"${ASA[@]}" set "$cfg.jms-service.start-args=-Dimq.hostname=127.0.0.1"

# check that the Hazelcast settings were picked up (apply them with asadmin otherwise)
if ! "${ASA[@]}" get-hazelcast-configuration | grep -qE '^Interfaces +127\.0\.0\.1'; then
  log "applying Hazelcast interface settings"
  "${ASA[@]}" set-hazelcast-configuration --interfaces 127.0.0.1 --dasbindaddress 127.0.0.1 --daspublicaddress 127.0.0.1
fi

log "applying the Switchboard configuration"
ASADMIN="$ASADMIN" ASADMIN_OPTS="--host 127.0.0.1 --port $ADMIN_PORT" "$SCRIPT_DIR/configure-domain.sh"

trap 'rm -f "$PREBOOT"' ERR
if [[ "${KEEP_RUNNING:-false}" == "true" ]]; then
  log "restarting domain $DOMAIN"
  "${ASA[@]}" restart-domain "$DOMAIN"
else
  log "stopping domain $DOMAIN (configured; changes take effect on next start)"
  "$ASADMIN" stop-domain --domaindir "$DOMAINS_DIR" "$DOMAIN"
fi
log "domain $DOMAIN ready (admin port $ADMIN_PORT)"
