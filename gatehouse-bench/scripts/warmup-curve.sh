#!/usr/bin/env bash
# Gatehouse's warm-up, second by second: CPU per request in each second of full load from its first
# request, with bin/gatehouse's start-up archive and without it (GATEHOUSE_NO_ARCHIVE=1), rounds
# alternating. The node runs on one pinned core (BENCH_PROXY_CPU), an nginx backend answering 1 KB
# and wrk (-t1 -c50, restarted every second) on the other. Prints one line per run: the time from
# the start to the first answer, the start's CPU, then µs of CPU per request for each second.
# Traffic goes to 127.0.0.1 only; every run is bounded. Not run in CI. See docs/benchmarks.md,
# "Lean as nginx (issue 17)", the warm-up table.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/warmup-curve.sh [options]

  -s, --seconds N     seconds of load per run, one figure each (BENCH_SECONDS, default 10)
  -r, --rounds N      rounds, each one run with the archive and one without (BENCH_ROUNDS, default 2)
  -o, --out DIR       results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
  -h, --help          this text

Environment: GATEHOUSE_JAVA_OPTS (passed to the node), BENCH_PROXY_CPU (default 1), BENCH_LOAD_CPU
(default 0).
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-2}
results_dir=${BENCH_RESULTS_DIR:-}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
while [ $# -gt 0 ]; do
  case "$1" in
    -s|--seconds) seconds=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
check_int seconds "$seconds" 1
check_int rounds "$rounds" 1

setup_cleanup
install_missing "nginx and wrk" nginx wrk curl taskset:util-linux
nginx_bin=$(find_sbin nginx)
[ -n "$nginx_bin" ] || die "nginx not found after install"
clk_tck=$(getconf CLK_TCK)
check_cores
make_results_dir gatehouse-warmup-curve runs

init_ports
pick_port; backend_port=$picked_port
pick_port; node_port=$picked_port
pick_port; admin_port=$picked_port
write_fixed_body_backend "$backend_port" 1024
cat > "$results_dir/conf/gatehouse.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:$node_port
    routes:
      - { path_prefix: /, pool: bench }
pools:
  bench:
    backends:
      - { address: 127.0.0.1:$backend_port }
access_log:
  enabled: false
admin:
  bind: 127.0.0.1:$admin_port
EOF

mapfile -t bargs < <(nginx_args backend)
spawn "$load_cpu" "$results_dir/logs/backend.log" "$nginx_bin" "${bargs[@]}"
await_url backend "http://127.0.0.1:$backend_port/" "$last_pid" "$results_dir/logs/backend.log"
# The build and both archives first, so that no run's start pays for them.
"$root/bin/gatehouse" archive >&2 || die "bin/gatehouse archive failed"

curve() { # label no-archive round
  local label=$1 log=$results_dir/logs/$1-r$3.log started ready_ms t prev line s n pid
  started=$(date +%s%N)
  spawn "$proxy_cpu" "$log" env GATEHOUSE_NO_ARCHIVE="$2" "$root/bin/gatehouse" run --config "$results_dir/conf/gatehouse.yaml"
  pid=$last_pid
  until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$node_port/"; do
    proc_gone "$pid" && die "the node exited before it answered (log: $log)"
    [ $(($(date +%s%N) - started)) -lt 60000000000 ] || die "the node did not answer within 60 s (log: $log)"
    sleep 0.02
  done
  ready_ms=$((($(date +%s%N) - started) / 1000000))
  prev=$(proc_cpu_ticks "$pid")
  line=$(printf '%-16s r%d ready %5d ms, start CPU %5d ms |' "$label" "$3" "$ready_ms" $((prev * 1000 / clk_tck)))
  for ((s = 1; s <= seconds; s++)); do
    taskset -c "$load_cpu" wrk -t1 -c50 -d1s "http://127.0.0.1:$node_port/" > "$results_dir/runs/$label-r$3-s$s.txt" 2>&1
    n=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$results_dir/runs/$label-r$3-s$s.txt")
    [ "${n:-0}" -gt 0 ] || die "wrk completed no request in second $s (see $results_dir/runs)"
    t=$(proc_cpu_ticks "$pid")
    line="$line $(awk -v t=$((t - prev)) -v hz="$clk_tck" -v n="$n" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
    prev=$t
  done
  stop_proc "$pid"
  echo "$line" | tee -a "$results_dir/curves.txt"
}

echo "µs of CPU per request in each second of load from the first request (${seconds} s):" | tee "$results_dir/curves.txt"
for ((r = 1; r <= rounds; r++)); do
  curve with-archive 0 "$r"
  curve no-archive 1 "$r"
done
log "results: $results_dir (curves.txt; runs/, logs/)"
