#!/usr/bin/env bash
# Stops the demo domain started by start-demo.sh.
# Usage: server-config/stop-demo.sh [payara-home]   (default: target/payara6)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAYARA_HOME="${1:-$ROOT/target/payara6}"
exec "$PAYARA_HOME/bin/asadmin" stop-domain --domaindir "$PAYARA_HOME/glassfish/domains" switchboard
