#!/usr/bin/env bash
# Stops the demo domain started by start-demo.sh.
# Usage: server-config/stop-demo.sh [payara-home]   (default: target/payara6)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAYARA_HOME="${1:-$SB_DEFAULT_PAYARA_HOME}"
# stop-domain is a local command (it works without the admin password too); the domain's password
# file is passed where there is one
sb_auth_opts "$(sb_admin_password_file "$PAYARA_HOME/glassfish/domains/$SB_DEMO_DOMAIN")"
exec "$PAYARA_HOME/bin/asadmin" "${SB_AUTH_OPTS[@]}" stop-domain --domaindir "$PAYARA_HOME/glassfish/domains" "$SB_DEMO_DOMAIN"
