#!/usr/bin/env bash
# Starts the Switchboard demo on a local, loopback-only Payara domain "switchboard"
# (default ports: HTTP 8080, HTTPS 8181, admin 4848) and deploys the WAR at /switchboard.
#
# Usage: server-config/start-demo.sh [payara-home] [war]
#   defaults: target/payara6 and target/switchboard.war (as prepared by ./mvnw -Pdemo package)
# If the domain is already running, the WAR is just redeployed.
# Sign-in: the demo token issuer is enabled in this domain (and nowhere else), and realm-users.sh
# creates the demo users alice, bob, carol and dana (password: the name + "-demo") after the deploy.
# The domain's admin user "admin" has a random password, made by create-local-domain.sh when the
# domain is created and kept in <payara-home>/glassfish/domains/switchboard/config/admin-password
# (mode 600, asadmin's --passwordfile format); this script prints that path.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAYARA_HOME="${1:-$SB_DEFAULT_PAYARA_HOME}"
WAR="${2:-$SB_DEFAULT_WAR}"
DOMAIN="$SB_DEMO_DOMAIN"
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAINS_DIR="$PAYARA_HOME/glassfish/domains"
PASSWORD_FILE="$(sb_admin_password_file "$DOMAINS_DIR/$DOMAIN")"

[[ -x "$ASADMIN" ]] || { log "no Payara at $PAYARA_HOME (run ./mvnw -Pdemo package)" >&2; exit 1; }
[[ -f "$WAR" ]] || { log "no WAR at $WAR (run ./mvnw package)" >&2; exit 1; }

if sb_domain_running "$ASADMIN" "$DOMAINS_DIR" "$DOMAIN"; then
  log "domain $DOMAIN is already running; redeploying"
else
  "$SB_SCRIPT_DIR/create-local-domain.sh" "$PAYARA_HOME" "$DOMAIN" default
  log "starting domain $DOMAIN"
  "$ASADMIN" start-domain --domaindir "$DOMAINS_DIR" "$DOMAIN"
fi

sb_auth_opts "$PASSWORD_FILE"
if (( ${#SB_AUTH_OPTS[@]} == 0 )); then
  log "WARNING: $DOMAIN has no admin password file ($PASSWORD_FILE): an old demo domain with an open" \
      "admin port. Stop it (server-config/stop-demo.sh) and run this again: the domain is recreated with one." >&2
fi
# the demo token issuer: on in this demo domain only (MicroProfile Config, domain source), never by default
"$ASADMIN" --host "$SB_LOOPBACK" --port "$SB_DEMO_ADMIN_PORT" "${SB_AUTH_OPTS[@]}" set-config-property \
  --source=domain --propertyName=switchboard.security.demo-issuer --propertyValue=enabled
log "deploying $WAR"
"$ASADMIN" --host "$SB_LOOPBACK" --port "$SB_DEMO_ADMIN_PORT" "${SB_AUTH_OPTS[@]}" \
  deploy --force=true --name switchboard --contextroot switchboard "$WAR"
"$SB_SCRIPT_DIR/realm-users.sh" "$PAYARA_HOME" "$DOMAIN" "$SB_DEMO_ADMIN_PORT"   # alice, bob, carol, dana
echo
echo "Switchboard demo: http://$SB_LOOPBACK:$SB_DEMO_HTTP_PORT/switchboard/"
if (( ${#SB_AUTH_OPTS[@]} )); then
  echo "Admin console: http://$SB_LOOPBACK:$SB_DEMO_ADMIN_PORT/ (user $SB_ADMIN_USER, password in $PASSWORD_FILE)"
fi
echo "Stop it with: server-config/stop-demo.sh   (or ./mvnw -Pdemo-stop validate)"
