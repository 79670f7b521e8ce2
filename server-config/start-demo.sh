#!/usr/bin/env bash
# Starts the Switchboard demo on a local, loopback-only Payara domain "switchboard"
# (default ports: HTTP 8080, HTTPS 8181, admin 4848) and deploys the WAR at /switchboard.
#
# Usage: server-config/start-demo.sh [payara-home] [war]
#   defaults: target/payara6 and target/switchboard.war (as prepared by ./mvnw -Pdemo package)
# If the domain is already running, the WAR is just redeployed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAYARA_HOME="${1:-$ROOT/target/payara6}"
WAR="${2:-$ROOT/target/switchboard.war}"
DOMAIN=switchboard
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAINS_DIR="$PAYARA_HOME/glassfish/domains"

log() { printf '[start-demo] %s\n' "$*"; }
[[ -x "$ASADMIN" ]] || { log "no Payara at $PAYARA_HOME (run ./mvnw -Pdemo package)" >&2; exit 1; }
[[ -f "$WAR" ]] || { log "no WAR at $WAR (run ./mvnw package)" >&2; exit 1; }

if "$ASADMIN" list-domains --domaindir "$DOMAINS_DIR" 2>/dev/null | grep -qE "^$DOMAIN running"; then
  log "domain $DOMAIN is already running; redeploying"
else
  "$ROOT/server-config/create-local-domain.sh" "$PAYARA_HOME" "$DOMAIN" default
  log "starting domain $DOMAIN"
  "$ASADMIN" start-domain --domaindir "$DOMAINS_DIR" "$DOMAIN"
fi

log "deploying $WAR"
"$ASADMIN" --host 127.0.0.1 --port 4848 deploy --force=true --name switchboard --contextroot switchboard "$WAR"
echo
echo "Switchboard demo: http://127.0.0.1:8080/switchboard/"
echo "Stop it with: server-config/stop-demo.sh   (or ./mvnw -Pdemo-stop validate)"
