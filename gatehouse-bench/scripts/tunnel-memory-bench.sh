#!/usr/bin/env bash
# Measures the memory each idle WebSocket tunnel costs a proxy: Gatehouse, nginx and HAProxy, one
# after the other, in front of the same WebSocket echo backend (WebSocketEchoBackendMain).
#
# Per proxy and round: start the proxy afresh on its own core, open and close a few hundred
# tunnels as a warm-up (so that one-off costs, class loading or the first buffer pools, are not
# counted per tunnel), measure, open N tunnels through it with IdleTunnelLoad (bounded rate, one
# echo each to prove the tunnel works), let them settle, measure again. Per tunnel is
# (after - before) / tunnels open. The table at the end holds medians over rounds and the ratio
# of Gatehouse to the others. A proxy whose handshakes fail is reported as such and skipped; the
# others go on. Traffic goes to 127.0.0.1 only; every wait is bounded. Not run in CI.
# See "Idle WebSocket tunnels: memory" in docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/tunnel-memory-bench.sh [options]

  -n, --tunnels N            idle tunnels held open per proxy and round (BENCH_TUNNELS, default 5000)
  -r, --rounds N             rounds; the table shows medians           (BENCH_ROUNDS, default 3)
  -p, --proxies LIST         comma-separated subset, in round-1 order
                             (BENCH_PROXIES, default gatehouse,nginx,haproxy)
      --rate N               handshakes per second                     (BENCH_RATE, default 1000)
      --warmup N             tunnels opened and closed before the first measurement
                             (BENCH_WARMUP_TUNNELS, default 300)
  -s, --settle SECONDS       pause before each measurement             (BENCH_SETTLE, default 5)
  -o, --out DIR              results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE             Gatehouse jar to run (GATEHOUSE_BENCH_JAR,
                             default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help                 this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse
                             (default: -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseParallelGC)
  BENCH_PROXY_CPU            core the proxy under test is pinned to (default 1)
  BENCH_LOAD_CPU             core the load client and the backend are pinned to (default 0)

Gatehouse's heap is fixed and touched in full at start-up (-Xms = -Xmx, AlwaysPreTouch): its RSS
then does not grow with whatever the collector happens to leave uncollected, so the RSS
difference is the memory outside the heap (direct buffers, native structures), and the live heap
per tunnel is read separately after a forced full GC (jcmd GC.run, GC.heap_info). Gatehouse's
total per tunnel is the sum of the two; nginx's and HAProxy's is their RSS difference.
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"
# Settings checks, start_proxy, warm_up, run_rounds, wait_healthy, wait_line, tree_rss_kb,
# heap_used_kb, opened, median, ratio: shared with conn-memory-bench.sh.
. "$root/gatehouse-bench/scripts/lib/memory-common.sh"

tunnels=${BENCH_TUNNELS:-5000}
rounds=${BENCH_ROUNDS:-3}
proxy_list=${BENCH_PROXIES:-gatehouse,nginx,haproxy}
rate=${BENCH_RATE:-1000}
warmup=${BENCH_WARMUP_TUNNELS:-300}
settle=${BENCH_SETTLE:-5}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseParallelGC}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--tunnels) tunnels=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -p|--proxies) proxy_list=${2:?$1 needs a value}; shift 2 ;;
    --rate) rate=${2:?$1 needs a value}; shift 2 ;;
    --warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    -s|--settle) settle=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# Argument checks, in one grammar: name: value (expected: ...).
check_int tunnels "$tunnels" 1
check_settings "$tunnels"

# ---------------------------------------------------------------- processes and tools

setup_cleanup

find_tools 0

bench_classes=$root/gatehouse-bench/target/classes
testing_classes=$root/gatehouse-testing/target/classes
if [ ! -f "$bench_classes/dev/gatehouse/bench/tunnel/IdleTunnelLoad.class" ] \
   || [ ! -f "$testing_classes/dev/gatehouse/testing/WebSocketEchoBackendMain.class" ]; then
  log "building gatehouse-testing and gatehouse-bench (their classes are missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-bench -am
fi
jcmd_bin=
if wants gatehouse; then
  resolve_jar
  find_jcmd
fi

# Every tunnel is two sockets in the proxy, one in the backend and one in the client.
need_open_files $((2 * tunnels + 2048)) "$tunnels tunnels"

# ---------------------------------------------------------------- results directory and classpath

make_results_dir gatehouse-tunnel-bench load

# Netty and Logback for the backend and the load client.
third_party_deps "$results_dir/classpath.txt"
load_cp="$bench_classes:$testing_classes:$deps"
backend_cp="$testing_classes:$deps"

# ---------------------------------------------------------------- ports and configs

# Below the kernel's ephemeral range (init_ports in lib/bench-common.sh says why).
init_ports
pick_port
backend_port=$picked_port
declare -A port
for p in "${proxies[@]}"; do pick_port; port[$p]=$picked_port; done

mkdir -p "$results_dir/conf/nginx"
# One worker, as for HAProxy's one thread and Gatehouse's own core: the same CPU for each, and
# nginx's memory is not multiplied by worker count. Two connections per tunnel, plus room for the
# warm-up's tunnels still closing: when nginx runs short it closes connections it thinks idle,
# tunnels among them.
{
  nginx_conf_head nginx $((2 * tunnels + 2048))
  cat <<EOF
  server {
    listen 127.0.0.1:${port[nginx]:-0} backlog=4096;
    location / {
      proxy_pass http://127.0.0.1:$backend_port;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
  }
}
EOF
} > "$results_dir/conf/nginx/nginx.conf"

# HTTP mode upgrades to a tunnel on a 101; "timeout tunnel" then applies instead of client/server.
# maxconn counts client connections; HAProxy asks for about two file descriptors per connection.
cat > "$results_dir/conf/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $((tunnels + 512))

defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout tunnel 1h

frontend tunnels
  bind 127.0.0.1:${port[haproxy]:-0}
  default_backend echo

backend echo
  server echo1 127.0.0.1:$backend_port
EOF

# One listener and one pool, no access log: the same work as the other two. The pool's tunnel
# settings stay at their defaults (idle_timeout 1h, hold_slot false): nothing ends an idle tunnel
# during a round.
cat > "$results_dir/conf/gatehouse.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:${port[gatehouse]:-0}
    routes:
      - { path_prefix: /, pool: echo }
pools:
  echo:
    backends:
      - { address: 127.0.0.1:$backend_port }
access_log:
  enabled: false
EOF

# ---------------------------------------------------------------- starting and measuring

# Runs IdleTunnelLoad in the background against proxy port $1 with $2 tunnels, output to $3;
# sets last_pid. The client exits by itself after $4 seconds of holding.
start_load() { # port tunnels outfile hold_seconds
  spawn "$load_cpu" "$3" "$java_bin" -Xms64m -Xmx512m -cp "$load_cp" dev.gatehouse.bench.tunnel.IdleTunnelLoad \
    --url "ws://127.0.0.1:$1/ws" --connections "$2" --rate "$rate" \
    --open-timeout-seconds "$open_timeout" --hold-seconds "$4"
}

echo "round,position,proxy,tunnels,failed,rss_before_kb,rss_after_kb,rss_bytes_per_tunnel,heap_before_kb,heap_after_kb,heap_bytes_per_tunnel,total_bytes_per_tunnel" > "$csv"
declare -A skipped

bench_one() { # name round position
  local name=$1 round=$2 pos=$3 p=${port[$1]} pid lpid logfile out open failed
  start_healthy "$name" "$round"

  log "round $round: $name warming up with $warmup tunnels"
  warm_up "$name" "$pid" "$logfile" "$p" "$round" "$warmup" 0 "no WebSocket handshake" || return 0

  sleep "$settle"
  local rss0 rss1 heap0=0 heap1=0
  if [ "$name" = gatehouse ]; then heap0=$(heap_used_kb "$pid"); fi
  rss0=$(tree_rss_kb "$pid")

  log "round $round: $name opening $tunnels tunnels at $rate/s (RSS before: $((rss0 / 1024)) MB)"
  open_measured "$name" "$round" "$tunnels" handshakes || return 0

  sleep "$settle"
  if [ "$name" = gatehouse ]; then heap1=$(heap_used_kb "$pid"); fi
  rss1=$(tree_rss_kb "$pid")
  stop_measured "$name" "$round" tunnels

  local row
  row=$(awk -v r="$round" -v pos="$pos" -v n="$name" -v t="$open" -v f="${failed:-0}" \
            -v r0="$rss0" -v r1="$rss1" -v h0="$heap0" -v h1="$heap1" 'BEGIN {
      rb = (r1 - r0) * 1024 / t; hb = (h1 - h0) * 1024 / t
      printf "%d,%d,%s,%d,%d,%d,%d,%.0f,%d,%d,%.0f,%.0f\n", r, pos, n, t, f, r0, r1, rb, h0, h1, hb, rb + hb }')
  echo "$row" >> "$csv"
  log "round $round: $name $(echo "$row" | awk -F, '{ printf "%d tunnels: RSS %d -> %d MB, %d B/tunnel", $4, $6 / 1024, $7 / 1024, $8
    if ($3 == "gatehouse") printf "; live heap %d -> %d MB, %d B/tunnel; total %d B/tunnel", $9 / 1024, $10 / 1024, $11, $12 }')"
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  if wants nginx; then echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"; fi
  if wants haproxy; then echo "haproxy: $("$haproxy_bin" -v 2>&1 | head -n 1)"; fi
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  if wants gatehouse; then
    echo "gatehouse: $jar, JVM options: $jvm_opts"
  fi
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
  echo "settings: rounds $rounds, $tunnels tunnels at $rate/s after a warm-up of $warmup, settle ${settle}s," \
       "proxy on core $proxy_cpu, backend and load client on core $load_cpu"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

# The backend runs for the whole run. No greeting: every message a client gets is its echo.
spawn "$load_cpu" "$results_dir/logs/backend.log" "$java_bin" -Xms128m -Xmx512m -cp "$backend_cp" \
  dev.gatehouse.testing.WebSocketEchoBackendMain --port "$backend_port" --label bench --no-greeting
backend_pid=$last_pid
wait_line "$backend_pid" "$results_dir/logs/backend.log" "listening on" 60 \
  || die "the backend did not start (log: $results_dir/logs/backend.log)"

run_rounds
stop_proc "$backend_pid"
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- summary

declare -A total
{
  echo
  echo "Idle WebSocket tunnels: memory per tunnel, medians over $rounds round(s) of $tunnels tunnels."
  printf '%-10s %8s %14s %15s %16s %16s\n' proxy tunnels RSS_after_MB RSS_B/tunnel heap_B/tunnel total_B/tunnel
  for p in gatehouse nginx haproxy; do
    wants "$p" || continue
    if ! median "$p" 4 > /dev/null 2>&1; then
      printf '%-10s %s\n' "$p" "not measured: ${skipped[$p]:-no round completed}"
      continue
    fi
    total[$p]=$(median "$p" 12)
    local_heap=-
    if [ "$p" = gatehouse ]; then local_heap=$(printf '%.0f' "$(median "$p" 11)"); fi
    printf '%-10s %8.0f %14.0f %15.0f %16s %16.0f\n' "$p" "$(median "$p" 4)" \
      "$(awk -v k="$(median "$p" 7)" 'BEGIN { print k / 1024 }')" "$(median "$p" 8)" "$local_heap" "${total[$p]}"
  done
  if [ -n "${total[gatehouse]:-}" ]; then
    for p in nginx haproxy; do
      [ -n "${total[$p]:-}" ] || continue
      printf 'Gatehouse/%-8s memory per tunnel %sx\n' "$p:" "$(ratio "${total[gatehouse]}" "${total[$p]}")"
    done
    echo "(below 1x: a Gatehouse tunnel costs less.) Gatehouse: RSS with a pre-touched fixed heap (memory"
    echo "outside the heap) plus live heap after a full GC; nginx and HAProxy: RSS of all their processes."
  fi
  echo
  echo "raw numbers: $csv"
  echo "load client output, configs and logs: $results_dir"
} | tee "$results_dir/summary.txt"
