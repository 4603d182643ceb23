#!/usr/bin/env bash
# Measures what an idle proxy costs: CPU with no traffic, only active health checks, for Gatehouse
# and HAProxy side by side, and Gatehouse without checks. POOLS pools of BACKENDS backends each
# (one nginx worker listening on every backend's port, answering 200), an HTTP check of each
# backend every INTERVAL. Per round each proxy starts afresh on its own core, settles for SETTLE
# seconds (Gatehouse's JIT compiles its check path then), and its CPU time (utime+stime, every
# thread) is read over DURATION seconds; Gatehouse's busiest threads are listed too. Medians over
# rounds. Loopback only; every run bounded. Not run in CI. See docs/benchmarks.md, "An idle node".
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/idle-bench.sh [options]

  -d, --duration SECONDS   CPU measured over this long             (BENCH_DURATION, default 30)
  -s, --settle SECONDS     after the start, before measuring        (BENCH_SETTLE, default 60)
  -r, --rounds N           rounds; the table shows medians          (BENCH_ROUNDS, default 3)
      --pools N            pools (default 3)
      --backends N         backends per pool (default 20)
      --interval DURATION  health check interval, as both proxies read it (default 2s)
  -o, --out DIR            results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE           Gatehouse jar (GATEHOUSE_BENCH_JAR, default gatehouse-cli/target/gatehouse.jar)
  -h, --help               this text
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-30}
settle=${BENCH_SETTLE:-60}
rounds=${BENCH_ROUNDS:-3}
pools=3
backends=20
interval=2s
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -s|--settle) settle=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    --pools) pools=${2:?$1 needs a value}; shift 2 ;;
    --backends) backends=${2:?$1 needs a value}; shift 2 ;;
    --interval) interval=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
check_int duration "$duration" 1
check_int settle "$settle" 0
check_int rounds "$rounds" 1
check_int pools "$pools" 1
check_int backends "$backends" 1
[[ "$interval" =~ ^[0-9]+(ms|s)$ ]] || die "interval: \"$interval\" (expected: e.g. 2s or 500ms)"

setup_cleanup
install_missing "nginx and haproxy" nginx haproxy curl taskset:util-linux
nginx_bin=$(find_sbin nginx)
haproxy_bin=$(find_sbin haproxy)
find_java
resolve_jar
clk_tck=$(getconf CLK_TCK)
make_results_dir gatehouse-idle-bench cpu
init_ports
pick_port; node_port=$picked_port
pick_port; admin_port=$picked_port
pick_port; haproxy_port=$picked_port
ports=()
for ((i = 0; i < pools * backends; i++)); do pick_port; ports+=("$picked_port"); done

mkdir -p "$results_dir/conf/backend"
{
  nginx_conf_head backend 4096
  echo "  server {"
  for p in "${ports[@]}"; do echo "    listen 127.0.0.1:$p;"; done
  echo '    location / { return 200 "ok"; }'
  echo "  }"
  echo "}"
} > "$results_dir/conf/backend/nginx.conf"

gatehouse_yaml() { # with-checks
  echo "listeners: [ { bind: \"127.0.0.1:$node_port\", routes: [ { path_prefix: /, pool: p0 } ] } ]"
  echo "admin: { bind: \"127.0.0.1:$admin_port\" }"
  echo "access_log: { enabled: false }"
  echo "pools:"
  for ((p = 0; p < pools; p++)); do
    echo "  p$p:"
    if [ "$1" = 1 ]; then echo "    health_check: { path: /health, interval: $interval }"; fi
    echo "    backends:"
    for ((b = 0; b < backends; b++)); do echo "      - \"127.0.0.1:${ports[p * backends + b]}\""; done
  done
}
gatehouse_yaml 1 > "$results_dir/conf/gatehouse-checks.yaml"
gatehouse_yaml 0 > "$results_dir/conf/gatehouse-nochecks.yaml"
{
  echo "global"
  echo "  nbthread 1"
  echo "defaults"
  echo "  mode http"
  echo "  timeout connect 1s"
  echo "  timeout client 30s"
  echo "  timeout server 30s"
  echo "  timeout check 1s"
  echo "frontend f"
  echo "  bind 127.0.0.1:$haproxy_port"
  echo "  default_backend p0"
  for ((p = 0; p < pools; p++)); do
    echo "backend p$p"
    echo "  option httpchk GET /health"
    for ((b = 0; b < backends; b++)); do echo "  server s$b 127.0.0.1:${ports[p * backends + b]} check inter $interval fall 3 rise 2"; done
  done
} > "$results_dir/conf/haproxy.cfg"

# Gatehouse's threads by CPU over the window: "tid ticks name" before and after.
# Fields are read after the name's closing parenthesis: a thread's name may hold spaces ("C2 CompilerThread0").
thread_ticks() {
  local t s
  local -a f
  for t in /proc/"$1"/task/*; do
    s=$(cat "$t/stat") || continue
    read -r -a f <<< "${s##*) }"
    echo "${t##*/} $((f[11] + f[12])) $(tr ' ' '_' < "$t/comm")"
  done | sort
}

mapfile -t bargs < <(nginx_args backend)
spawn "$load_cpu" "$results_dir/logs/backend.log" "$nginx_bin" "${bargs[@]}"
backend_pid=$last_pid
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:${ports[0]}/" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:${ports[0]}/" || die "the backend did not start (see $results_dir/logs/backend.log)"

echo "round,proxy,cpu_ms_per_s,checks_per_s" > "$csv"
checks_per_s=$(awk -v n=$((pools * backends)) -v i="$interval" 'BEGIN { v = i + 0; if (i ~ /ms$/) v /= 1000; printf "%.1f", n / v }')
for ((r = 1; r <= rounds; r++)); do
  for proxy in gatehouse-checks gatehouse-nochecks haproxy; do
    case "$proxy" in
      haproxy) spawn "$proxy_cpu" "$results_dir/logs/$proxy-r$r.log" "$haproxy_bin" -f "$results_dir/conf/haproxy.cfg" -db ;;
      *) spawn "$proxy_cpu" "$results_dir/logs/$proxy-r$r.log" "$java_bin" "${jvm_args[@]}" -jar "$jar" run \
           --config "$results_dir/conf/$proxy.yaml" ;;
    esac
    pid=$last_pid
    log "round $r: $proxy started, settling for $settle s"
    sleep "$settle"
    kill -0 "$pid" 2>/dev/null || die "$proxy exited (see $results_dir/logs/$proxy-r$r.log)"
    t0=$(proc_cpu_ticks "$pid"); s0=$(date +%s%N)
    [ "$proxy" = haproxy ] || thread_ticks "$pid" > "$results_dir/cpu/$proxy-r$r-before.txt"
    sleep "$duration"
    t1=$(proc_cpu_ticks "$pid"); s1=$(date +%s%N)
    [ "$proxy" = haproxy ] || thread_ticks "$pid" > "$results_dir/cpu/$proxy-r$r-after.txt"
    cpu=$(awk -v t=$((t1 - t0)) -v hz="$clk_tck" -v ns=$((s1 - s0)) 'BEGIN { printf "%.2f", t * 1000 / hz / (ns / 1e9) }')
    echo "$r,$proxy,$cpu,$([ "$proxy" = gatehouse-nochecks ] && echo 0 || echo "$checks_per_s")" >> "$csv"
    log "round $r: $proxy idle CPU $cpu ms per second"
    if [ "$proxy" != haproxy ]; then
      join "$results_dir/cpu/$proxy-r$r-before.txt" "$results_dir/cpu/$proxy-r$r-after.txt" \
        | awk -v hz="$clk_tck" -v d="$duration" '{ x = ($4 - $2) * 1000 / hz / d; if (x > 0.5) printf "  %-22s %6.2f ms/s\n", $3, x }' \
        | sort -k2 -rn >&2 || true
    fi
    stop_proc "$pid"
  done
done
stop_proc "$backend_pid"

median() { awk -F, -v p="$1" 'NR > 1 && $2 == p { print $3 }' "$csv" | sort -g \
  | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
{
  echo
  echo "$((pools * backends)) backends, HTTP check every $interval ($checks_per_s checks/s); medians over $rounds round(s) of $duration s, after $settle s."
  printf '%-20s %16s\n' proxy "idle CPU ms/s"
  for p in gatehouse-checks gatehouse-nochecks haproxy; do printf '%-20s %16s\n' "$p" "$(median "$p")"; done
  g=$(median gatehouse-checks); n=$(median gatehouse-nochecks); h=$(median haproxy)
  awk -v g="$g" -v n="$n" -v h="$h" -v c="$checks_per_s" 'BEGIN {
    printf "CPU per check: Gatehouse %.0f us (its idle without checks taken off), HAProxy %.0f us (all of its idle CPU) (%.1fx)\n",
      (g - n) * 1000 / c, h * 1000 / c, (h > 0 ? (g - n) / h : 0) }'
  echo "(ms per second of wall time: 10 ms/s is 1 % of one core.) raw numbers: $csv"
} | tee "$results_dir/summary.txt"
