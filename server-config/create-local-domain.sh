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
# Admin password: the domain's admin user "admin" gets a new random password (128 bits from
# /dev/urandom), printed once at the end and kept in <domain-dir>/config/admin-password (mode 600,
# asadmin's --passwordfile format, AS_ADMIN_PASSWORD=...). Remote asadmin commands, the REST API and
# the admin console need it; the admin port refuses requests without it (401). Local commands
# (start-domain, stop-domain) work without it. Use it as
#   asadmin --port <admin port> --user admin --passwordfile <domain-dir>/config/admin-password <command>
# No secure admin: the admin listener is bound to 127.0.0.1 (see docs/operations.md).
#
# Demo issuer key: a new EC P-256 key pair in <domain-dir>/config/demo-issuer-key.pem (mode 600), named by
# the domain config property switchboard.security.demo-issuer-key-file; the demo token issuer (only where
# it is enabled) signs with it, so a restarted domain still accepts and renews the tokens it gave out.
#
# Response headers: no X-Powered-By and no Server header on the HTTP, HTTPS and admin listeners
# (configure-domain.sh).
#
# Environment: REALM_USERS=true adds the demo users of realm-users.sh (public passwords: test domains only);
#   HEAP (DAS -Xms and -Xmx, default 1g); JVM_OPTIONS (extra DAS JVM options, space-separated,
#   written into server-config before the first start, e.g. "-Dhazelcast.max.no.heartbeat.seconds=8").
#
# Loopback-only from the first start:
#   * HTTP/HTTPS/admin listeners, IIOP listeners and the JMX connector are set by pre-boot
#     commands (start-domain --prebootcommandfile), i.e. before anything binds;
#   * the Hazelcast data grid interface/DAS bind/public address, -Dhazelcast.socket.bind.any=false
#     and the heap size are written into domain.xml before the first start;
#   * so is the JVM/GC policy of lib.sh (-Xms = -Xmx = HEAP, no -XX:NewRatio=2, -XX:+UseParallelGC
#     unless JVM_OPTIONS chooses another collector, -XX:TargetSurvivorRatio=20, -XX:MaxNewSize=128m,
#     -XX:MaxGCPauseMillis=50), in server-config
#     (default-config gets -Xmx HEAP, no NewRatio);
#   * the embedded OpenMQ broker is lazily started, so its host (default_JMS_host) and bind address
#     (imq.hostname via jms-service start-args) are set right after the first start, before any JMS use.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <payara-home> <domain-name> <portbase|default>" >&2
  exit 2
fi
PAYARA_HOME="$(cd "$1" && pwd)"
DOMAIN="$2"
PORTBASE="$3"
HEAP="${HEAP:-1g}"
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAINS_DIR="$PAYARA_HOME/glassfish/domains"
DOMAIN_DIR="$DOMAINS_DIR/$DOMAIN"

if [[ "$PORTBASE" == "default" ]]; then
  ADMIN_PORT=4848
  PORT_OPTS=()
else
  ADMIN_PORT=$((PORTBASE + 48))
  PORT_OPTS=(--portbase "$PORTBASE")
fi
PASSWORD_FILE="$(sb_admin_password_file "$DOMAIN_DIR")"

# --- (re)create ---------------------------------------------------------------
if [[ -d "$DOMAIN_DIR" ]]; then
  if sb_domain_running "$ASADMIN" "$DOMAINS_DIR" "$DOMAIN"; then
    log "domain $DOMAIN is running; stop it first (asadmin stop-domain $DOMAIN)" >&2
    exit 1
  fi
  log "deleting existing stopped domain $DOMAIN"
  "$ASADMIN" delete-domain --domaindir "$DOMAINS_DIR" "$DOMAIN"
fi

log "creating domain $DOMAIN (portbase: $PORTBASE, admin port $ADMIN_PORT)"
# the new admin password, in a file of mode 600 in a directory of mode 700 until the domain exists
NEW_PASSWORD="$(sb_new_password)"
[[ "$NEW_PASSWORD" =~ ^[0-9a-f]{32}$ ]] || { log "cannot generate a password from /dev/urandom" >&2; exit 1; }
PW_TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$PW_TMP_DIR"' EXIT
sb_write_password_file "$PW_TMP_DIR/admin-password" "$NEW_PASSWORD"
"$ASADMIN" --user "$SB_ADMIN_USER" --passwordfile "$PW_TMP_DIR/admin-password" create-domain \
    --domaindir "$DOMAINS_DIR" "${PORT_OPTS[@]}" --nopassword=false --checkports=true "$DOMAIN"
mv "$PW_TMP_DIR/admin-password" "$PASSWORD_FILE"
chmod 600 "$PASSWORD_FILE"
sb_auth_opts "$PASSWORD_FILE"
ASA=("$ASADMIN" --host "$SB_LOOPBACK" --port "$ADMIN_PORT" "${SB_AUTH_OPTS[@]}")

# --- domain.xml edits before the first start ------------------------------------
# server-config's java-config is the first <java-config> in domain.xml; default-config's the second.
DOMAIN_XML="$DOMAIN_DIR/config/domain.xml"
# JVM/GC policy (lib.sh): -Xmx/-Xms HEAP, no -XX:NewRatio=2, -XX:+UseParallelGC (or the collector
# JVM_OPTIONS chooses), -XX:TargetSurvivorRatio=20, -XX:MaxNewSize=128m, -XX:MaxGCPauseMillis=50,
# -Dhazelcast.socket.bind.any=false, then JVM_OPTIONS; checked after the edit.
read -ra EXTRA_JVM_OPTIONS <<<"${JVM_OPTIONS:-}"
sb_domain_xml_jvm_policy "$DOMAIN_XML" "$HEAP" "${EXTRA_JVM_OPTIONS[@]}"
# Hazelcast data grid: the same as set-hazelcast-configuration --interfaces 127.0.0.1
#   --dasbindaddress 127.0.0.1 --daspublicaddress 127.0.0.1, written before the first start
sed -i -e "s#<hazelcast-runtime-configuration #<hazelcast-runtime-configuration $SB_HZ_LOOPBACK_XML_ATTRS #" "$DOMAIN_XML"
grep -qF "interface=\"$SB_LOOPBACK\"" "$DOMAIN_XML" || { log "failed to set the Hazelcast interface" >&2; exit 1; }

PREBOOT="$(mktemp)"
trap 'rm -f "$PREBOOT"; rm -rf "$PW_TMP_DIR"' EXIT
cfg=configs.config.server-config
sb_loopback_attributes server-config | sed 's/^/set /' >"$PREBOOT"

log "first start (pre-boot commands bind everything to 127.0.0.1)"
"$ASADMIN" start-domain --domaindir "$DOMAINS_DIR" --prebootcommandfile "$PREBOOT" "$DOMAIN"

stop_on_error() {
  log "failed; stopping domain $DOMAIN" >&2
  "$ASADMIN" stop-domain --domaindir "$DOMAINS_DIR" "$DOMAIN" >/dev/null 2>&1 || true
}
trap 'stop_on_error; rm -f "$PREBOOT"' ERR

# --- settings that only exist after the first start ------------------------------
log "binding the embedded JMS broker to 127.0.0.1"
"${ASA[@]}" set "$cfg.jms-service.jms-host.default_JMS_host.host=$SB_LOOPBACK"
"${ASA[@]}" set "$cfg.jms-service.start-args=-Dimq.hostname=$SB_LOOPBACK"

# check that the Hazelcast settings were picked up (apply them with asadmin otherwise)
if ! "${ASA[@]}" get-hazelcast-configuration | grep -qE '^Interfaces +127\.0\.0\.1'; then
  log "applying Hazelcast interface settings"
  "${ASA[@]}" set-hazelcast-configuration "${SB_HZ_LOOPBACK_ARGS[@]}"
fi

log "applying the Switchboard configuration"
ASADMIN="$ASADMIN" ASADMIN_OPTS="--host $SB_LOOPBACK --port $ADMIN_PORT" ASADMIN_PASSWORDFILE="$PASSWORD_FILE" \
  "$SB_SCRIPT_DIR/configure-domain.sh"
# the demo token issuer's key, used only where the issuer is enabled (start-demo.sh, the browser ITs,
# the cluster's members, which read this domain-wide property of their DAS): read from a file, so the
# demo's tokens survive a restart of the domain
DEMO_KEY="$DOMAIN_DIR/config/$SB_DEMO_KEY_FILE"
sb_demo_issuer_key "$DEMO_KEY"
"${ASA[@]}" set-config-property --source=domain --propertyName="$SB_DEMO_KEY_PROPERTY" --propertyValue="$DEMO_KEY"
log "demo issuer key: $DEMO_KEY (mode 600)"
# the public demo users of realm-users.sh, for the integration-test domain (pom.xml sets REALM_USERS=true)
if [[ "${REALM_USERS:-false}" == "true" ]]; then "$SB_SCRIPT_DIR/realm-users.sh" "$PAYARA_HOME" "$DOMAIN" "$ADMIN_PORT"; fi

trap 'rm -f "$PREBOOT"' ERR
if [[ "${KEEP_RUNNING:-false}" == "true" ]]; then
  log "restarting domain $DOMAIN"
  "${ASA[@]}" restart-domain "$DOMAIN"
else
  log "stopping domain $DOMAIN (configured; changes take effect on next start)"
  "$ASADMIN" stop-domain --domaindir "$DOMAINS_DIR" "$DOMAIN"
fi
log "domain $DOMAIN ready (admin port $ADMIN_PORT)"
log "admin user $SB_ADMIN_USER, password $NEW_PASSWORD (printed only now; kept in $PASSWORD_FILE, mode 600)"
