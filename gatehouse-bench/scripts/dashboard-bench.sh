#!/usr/bin/env bash
# Measures what the dashboard costs a node: its CPU with 0, 1 and 10 dashboards' event streams
# open, and the time of one GET /api/v1/dashboard, for a node of POOLS pools of BACKENDS backends
# each (addresses nobody listens on: no health checks, no traffic, so the node does nothing but
# serve the streams). Per round the node starts afresh on its own core and warms up with streams
# open; each measurement is the node's CPU time (utime+stime, all threads) over DURATION seconds.
# The table holds medians over rounds. Loopback only; every run bounded. Not run in CI.
# See "The dashboard's cost" in docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/dashboard-bench.sh [options]

  -d, --duration SECONDS   CPU measured over this long per case      (BENCH_DURATION, default 20)
  -r, --rounds N           rounds; the table shows medians           (BENCH_ROUNDS, default 3)
      --pools N            pools                                      (default 3)
      --backends N         backends per pool                          (default 20)
  -o, --out DIR            results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE           Gatehouse jar (GATEHOUSE_BENCH_JAR, default gatehouse-cli/target/gatehouse.jar)
  -h, --help               this text
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-20}
rounds=${BENCH_ROUNDS:-3}
pools=3
backends=20
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    --pools) pools=${2:?$1 needs a value}; shift 2 ;;
    --backends) backends=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
check_int duration "$duration" 1
check_int rounds "$rounds" 1
check_int pools "$pools" 1
check_int backends "$backends" 1

setup_cleanup
install_missing "curl" curl taskset:util-linux
find_java
resolve_jar
clk_tck=$(getconf CLK_TCK)
make_results_dir gatehouse-dashboard-bench streams
init_ports
pick_port; node_port=$picked_port
pick_port; admin_port=$picked_port

{
  echo "listeners:"
  echo "  - bind: 127.0.0.1:$node_port"
  echo "    routes:"
  echo "      - { path_prefix: /, pool: p0 }"
  echo "admin: { bind: 127.0.0.1:$admin_port }"
  echo "access_log: { enabled: false }"
  echo "pools:"
  for ((p = 0; p < pools; p++)); do
    echo "  p$p:"
    echo "    backends:"
    for ((b = 0; b < backends; b++)); do echo "      - { address: \"127.0.0.2:$((20000 + p * 1000 + b))\", version: v1 }"; done
  done
} > "$results_dir/conf/gatehouse.yaml"

open_streams() { # n
  local i
  streams=()
  for ((i = 0; i < $1; i++)); do
    taskset -c "$load_cpu" curl -sN --max-time $((duration * 3 + 30)) "http://127.0.0.1:$admin_port/api/v1/events" \
      > "$results_dir/streams/s$i.txt" 2>/dev/null &
    streams+=("$!")
    started+=("$!")
  done
}
close_streams() { local p; for p in "${streams[@]}"; do stop_proc "$p"; done; streams=(); }

echo "round,streams,cpu_ms_per_s,get_ms" > "$csv"
for ((r = 1; r <= rounds; r++)); do
  spawn "$proxy_cpu" "$results_dir/logs/node-r$r.log" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/gatehouse.yaml"
  node=$last_pid
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$admin_port/api/v1/health" && break; sleep 0.2; done
  # Warm-up: the view's code path compiled before anything is measured.
  open_streams 10
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$admin_port/api/v1/dashboard"; done
  sleep 5
  close_streams
  for n in 0 1 10; do
    open_streams "$n"
    sleep 2
    t0=$(proc_cpu_ticks "$node"); s0=$(date +%s%N)
    sleep "$duration"
    t1=$(proc_cpu_ticks "$node"); s1=$(date +%s%N)
    close_streams
    get=$(for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$admin_port/api/v1/dashboard"; done \
      | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] * 1000 }')
    cpu=$(awk -v t=$((t1 - t0)) -v hz="$clk_tck" -v ns=$((s1 - s0)) 'BEGIN { printf "%.2f", t * 1000 / hz / (ns / 1e9) }')
    echo "$r,$n,$cpu,$get" >> "$csv"
    log "round $r, $n stream(s): node CPU $cpu ms per second; GET /api/v1/dashboard median $get ms"
  done
  stop_proc "$node"
done

median() { awk -F, -v n="$1" -v c="$2" 'NR > 1 && $2 == n { print $c }' "$csv" | sort -g \
  | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
{
  echo
  echo "Node of $pools pools x $backends backends; medians over $rounds round(s) of $duration s."
  printf '%-9s %18s %22s\n' streams "node CPU ms/s" "GET dashboard ms"
  for n in 0 1 10; do printf '%-9s %18s %22s\n' "$n" "$(median "$n" 3)" "$(median "$n" 4)"; done
  echo "(CPU ms per second of wall time: 10 ms/s is 1 % of one core.)"
  echo "raw numbers: $csv"
} | tee "$results_dir/summary.txt"
