# Sourced by bench/run.sh and bench/thread-costs.sh: which member they measure and with what load
# client, so a knob given to one script means the same to the other (see bench/README.md).
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
PAYARA_HOME="${PAYARA_HOME:-$ROOT/target/payara6}"
DOMAIN="${DOMAIN:-switchboard}"
HOST="${HOST:-127.0.0.1}"
HTTP_PORT="${HTTP_PORT:-8080}"
SERVER_PID="${SERVER_PID:-$(cat "$PAYARA_HOME/glassfish/domains/$DOMAIN/config/pid" 2>/dev/null || true)}"
LOADGEN_JAR="$BENCH/loadgen/target/loadgen.jar"
LOADGEN_JAVA_OPTS="${LOADGEN_JAVA_OPTS:--Xms512m -Xmx1g}"
