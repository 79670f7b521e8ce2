#!/usr/bin/env bash
# Stops the demo domain started by start-demo.sh.
# Usage: server-config/stop-demo.sh [payara-home]   (default: target/payara6)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAYARA_HOME="${1:-$SB_DEFAULT_PAYARA_HOME}"
exec "$PAYARA_HOME/bin/asadmin" stop-domain --domaindir "$PAYARA_HOME/glassfish/domains" "$SB_DEMO_DOMAIN"
