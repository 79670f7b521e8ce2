#!/usr/bin/env bash
# Exact CPU and allocation per published message, by server thread pool, over one load run.
#
#   bench/thread-costs.sh                       # rooms, 2,000 connections x 5 msgs/s, as run.sh runs it
#   bench/thread-costs.sh --scenario fanout --subs 1000 --rate 200 --publishers 8
#
# Needs a RUNNING domain with Switchboard (default: the demo domain) that bench/run.sh has configured
# for load testing (anonymous clients; run.sh does it on its first run). Before and after the run it
# reads every thread's CPU time and allocated bytes from `jcmd <pid> Thread.print -e` (the JVM's own
# per-thread counters: exact, not sampled) and the hub's switchboard_published_total from /metrics,
# then prints per thread pool: CPU seconds, MB allocated, and bytes allocated per published message.
# Any arguments replace the load client's scenario arguments. JFR's allocation samples say *where*
# in a thread; this says *how much*, which is what a change to the message path should be judged by.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -n "$SERVER_PID" ]] || { echo "no running domain $DOMAIN under $PAYARA_HOME (no pid file); start it or set SERVER_PID" >&2; exit 1; }
[[ -f "$LOADGEN_JAR" ]] || (cd "$BENCH/loadgen" && "$ROOT/mvnw" -q -o package -DskipTests 2>/dev/null || "$ROOT/mvnw" -q package -DskipTests)
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# snapshot <file>: "<thread id>\t<thread name>\t<cpu ms>\t<allocated bytes>" per thread, then the
# published total. Threads are told apart by their id: several of a pool's threads may share a name.
snapshot() {
  jcmd "$SERVER_PID" Thread.print -e | awk '
    /^"/ && /allocated=/ {
      name = $0; sub(/^"/, "", name); sub(/".*/, "", name)
      id = $0; sub(/^"[^"]*" #/, "", id); sub(/ .*/, "", id)
      cpu = $0; sub(/.* cpu=/, "", cpu); sub(/ms.*/, "", cpu)
      a = $0; sub(/.* allocated=/, "", a); sub(/ .*/, "", a)
      m = 1; u = substr(a, length(a)); if (u == "K") m = 1024; else if (u == "M") m = 1048576; else if (u == "G") m = 1073741824
      if (u ~ /[KMGB]/) a = substr(a, 1, length(a) - 1)
      printf "%s\t%s\t%s\t%.0f\n", id, name, cpu, a * m
    }' >"$1"
  curl -fsS "http://$HOST:$HTTP_PORT/metrics" | awk '/^switchboard_published_total/ { printf "PUBLISHED\tPUBLISHED\t0\t%.0f\n", $NF }' >>"$1"
}

ARGS=("$@")
[[ ${#ARGS[@]} -gt 0 ]] || ARGS=(--scenario rooms --conns 2000 --per-conn-rate 5 --warmup 10 --duration 30 --drain 10)
snapshot "$OUT/before"
java $LOADGEN_JAVA_OPTS -jar "$LOADGEN_JAR" --loops 2 --out "$OUT/row" --stack switchboard \
  --url "ws://$HOST:$HTTP_PORT/switchboard/ws" --server-pid "$SERVER_PID" "${ARGS[@]}" >/dev/null 2>"$OUT/log"
snapshot "$OUT/after"
cat "$OUT/row"
# thread pools: a name without its trailing number ("switchboard-writer-3", "http-thread-pool::http-listener(12)")
awk -F'\t' '
  function pool(n) { sub(/[(\[]?[0-9]+[)\]]?$/, "", n); sub(/-$/, "", n); return n }
  FNR == NR { cpu0[$1] = $3; al0[$1] = $4; next }
  $1 == "PUBLISHED" { pub = $4 - al0["PUBLISHED"]; next }
  { p = pool($2); cpu[p] += $3 - cpu0[$1]; al[p] += $4 - al0[$1]; total += $4 - al0[$1] }
  END {
    if (pub <= 0) { print "no publication counted (is /metrics reachable?)"; exit 1 }
    printf "published %d; allocated %.0f MB, %.0f bytes per published message\n", pub, total / 1048576, total / pub
    printf "%-50s %9s %10s %12s\n", "thread pool", "CPU s", "alloc MB", "bytes/msg"
    for (p in al) if (al[p] / pub >= 1) printf "%.0f\t%-50s %9.1f %10.1f %12.0f\n", al[p], substr(p, 1, 50), cpu[p] / 1000, al[p] / 1048576, al[p] / pub | "sort -rn | cut -f2-"
  }' "$OUT/before" "$OUT/after"
