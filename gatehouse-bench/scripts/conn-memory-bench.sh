#!/usr/bin/env bash
# Measures the memory each idle HTTP/1.1 keep-alive client connection costs a proxy: Gatehouse,
# nginx and HAProxy, one after the other, in front of the same backend (one nginx worker answering
# every request with a 1 KB body).
#
# Per proxy and round: start the proxy afresh on its own core, open and close a few hundred
# connections as a warm-up (one-off costs, class loading or the first buffer pools, are not
# counted per connection), measure, open N connections through it with IdleKeepAliveLoad
# (bounded rate; each sends one GET and reads the 1 KB answer whole, then stays open and idle),
# let them settle, measure again. Per connection is (after - before) / connections open. Kernel
# memory (socket buffers of the proxy's client sockets, the kernel's socket slabs) is read for all
# three, and for Gatehouse the heap class histogram and, with --breakdown, native memory (NMT).
# The table at the end holds medians over rounds and the ratio of Gatehouse to the others.
# Traffic goes to 127.0.0.1 only; every wait is bounded. Not run in CI.
# See "Idle keep-alive connections: memory" in docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/conn-memory-bench.sh [options]

  -n, --connections N        idle connections held open per proxy and round
                             (BENCH_CONNECTIONS, default 9400)
  -r, --rounds N             rounds; the table shows medians           (BENCH_ROUNDS, default 3)
  -p, --proxies LIST         comma-separated subset, in round-1 order
                             (BENCH_PROXIES, default gatehouse,nginx,haproxy)
      --rate N               new connections per second                (BENCH_RATE, default 1000)
      --warmup N             connections opened and closed before the first measurement
                             (BENCH_WARMUP_CONNECTIONS, default 300)
  -s, --settle SECONDS       pause before each measurement             (BENCH_SETTLE, default 5)
      --breakdown            also Gatehouse's native memory by NMT category: runs Gatehouse with
                             -XX:NativeMemoryTracking=summary, which itself costs memory
  -o, --out DIR              results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE             Gatehouse jar to run (GATEHOUSE_BENCH_JAR,
                             default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help                 this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse (default: -Xms1g -Xmx1g -XX:+AlwaysPreTouch
                             -XX:+UseParallelGC, and the memory options bin/gatehouse gives a node:
                             -XX:+UseCompactObjectHeaders on JDK 25+, -XX:TrimNativeHeapInterval=5000
                             on JDK 22+)
  BENCH_PROXY_CPU            core the proxy under test is pinned to (default 1)
  BENCH_LOAD_CPU             core the load client and the backend are pinned to (default 0)

Gatehouse's heap is fixed and touched in full at start-up (-Xms = -Xmx, AlwaysPreTouch): its RSS
then does not grow with whatever the collector happens to leave uncollected, so the RSS
difference is the memory outside the heap, and the live heap per connection is read separately
after a full GC (jcmd GC.class_histogram, which collects first). Gatehouse's total per connection
is the sum of the two; nginx's and HAProxy's is their RSS difference. Kernel memory is in no
process's RSS and is reported apart, for all three.
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"
# Settings checks, start_proxy, warm_up, run_rounds, wait_healthy, wait_line, tree_rss_kb, opened,
# median, ratio: shared with tunnel-memory-bench.sh.
. "$root/gatehouse-bench/scripts/lib/memory-common.sh"

connections=${BENCH_CONNECTIONS:-9400}
rounds=${BENCH_ROUNDS:-3}
proxy_list=${BENCH_PROXIES:-gatehouse,nginx,haproxy}
rate=${BENCH_RATE:-1000}
warmup=${BENCH_WARMUP_CONNECTIONS:-300}
settle=${BENCH_SETTLE:-5}
breakdown=0
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:-}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
body_bytes=1024

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--connections) connections=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -p|--proxies) proxy_list=${2:?$1 needs a value}; shift 2 ;;
    --rate) rate=${2:?$1 needs a value}; shift 2 ;;
    --warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    -s|--settle) settle=${2:?$1 needs a value}; shift 2 ;;
    --breakdown) breakdown=1; shift ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

check_int connections "$connections" 1
check_settings "$connections"

# ---------------------------------------------------------------- processes and tools

setup_cleanup

find_tools 1 ss:iproute2

bench_classes=$root/gatehouse-bench/target/classes
testing_classes=$root/gatehouse-testing/target/classes
if [ ! -f "$bench_classes/dev/gatehouse/bench/tunnel/IdleKeepAliveLoad.class" ] \
   || [ ! -f "$bench_classes/dev/gatehouse/bench/tunnel/MemoryBreakdown.class" ]; then
  log "building gatehouse-bench (its classes are missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-bench -am
fi
jcmd_bin=
if wants gatehouse; then
  if [ -z "$jvm_opts" ]; then
    # A fixed heap, touched in full (see --help), and the memory options bin/gatehouse gives a node.
    jvm_opts="-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseParallelGC"
    java_major=$(gatehouse_java_version "$java_bin")
    if [ "$java_major" -ge 25 ]; then jvm_opts="$jvm_opts -XX:+UseCompactObjectHeaders"; fi
    if [ "$java_major" -ge 22 ]; then jvm_opts="$jvm_opts -XX:TrimNativeHeapInterval=5000"; fi
  fi
  resolve_jar
  if [ "$breakdown" = 1 ]; then jvm_args+=(-XX:NativeMemoryTracking=summary); fi
  find_jcmd
fi

# Every connection is one socket in the proxy and one in the load client (another process).
need_open_files $((connections + 2048)) "$connections connections"

# ---------------------------------------------------------------- results directory and classpath

make_results_dir gatehouse-conn-bench load
mkdir -p "$results_dir/memory"

third_party_deps "$results_dir/classpath.txt"
load_cp="$bench_classes:$deps"

# ---------------------------------------------------------------- ports and configs

init_ports
pick_port
backend_port=$picked_port
declare -A port
for p in "${proxies[@]}"; do pick_port; port[$p]=$picked_port; done

# The backend: one nginx worker, 200 with a 1 KB body for every path.
write_fixed_body_backend "$backend_port" "$body_bytes"

mkdir -p "$results_dir/conf/nginx"
# One worker, as for HAProxy's one thread and Gatehouse's own core. Idle client connections are
# kept for an hour (keepalive_timeout), backend ones pooled as in proxy-bench.sh.
{
  nginx_conf_head nginx $((connections + 2048))
  cat <<EOF
  keepalive_timeout 1h;
  upstream bench {
    server 127.0.0.1:$backend_port;
    keepalive 64;
    keepalive_requests 1000000000;
  }
  server {
    listen 127.0.0.1:${port[nginx]:-0} backlog=4096;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} > "$results_dir/conf/nginx/nginx.conf"

# One thread, keep-alive on both sides; an idle client connection is kept for an hour
# (timeout http-keep-alive, bounded by timeout client).
cat > "$results_dir/conf/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $((connections + 512))

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 1h
  timeout server 30s
  timeout http-keep-alive 1h

frontend bench
  bind 127.0.0.1:${port[haproxy]:-0}
  default_backend bench

backend bench
  server backend1 127.0.0.1:$backend_port
EOF

# One listener and one pool, no access log, no admin listener; idle client connections kept for
# an hour. No admission control (backend_concurrency 0), as nginx and HAProxy have none here: with
# the learned limit a burst of new connections on this shared machine filled the pool's queue
# (503s), and the memory of a queue is not what this measures. At most 64 idle backend
# connections kept, as nginx's keepalive 64: a burst that needed more (the backend shares its core
# with the load client) would otherwise leave hundreds pooled and counted per client connection.
cat > "$results_dir/conf/gatehouse.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:${port[gatehouse]:-0}
    routes:
      - { path_prefix: /, pool: bench }
pools:
  bench:
    backend_concurrency: 0
    backends:
      - { address: 127.0.0.1:$backend_port }
upstream:
  max_idle_per_loop: 64
timeouts:
  client_idle: 1h
access_log:
  enabled: false
admin: false
EOF

# ---------------------------------------------------------------- starting and measuring

# Runs IdleKeepAliveLoad in the background against proxy port $1 with $2 connections, output to
# $3; sets last_pid. The client exits by itself after $4 seconds of holding.
start_load() { # port connections outfile hold_seconds
  spawn "$load_cpu" "$3" "$java_bin" -Xms64m -Xmx512m -cp "$load_cp" dev.gatehouse.bench.tunnel.IdleKeepAliveLoad \
    --url "http://127.0.0.1:$1/" --connections "$2" --rate "$rate" --body-bytes "$body_bytes" \
    --open-timeout-seconds "$open_timeout" --hold-seconds "$4"
}

# Writes the kernel's view to $2.*: sockstat, the socket slabs, and the skmem of the established
# sockets whose local port is $1 (the proxy's side of its client connections).
kernel_snapshot() { # port file-prefix
  cat /proc/net/sockstat > "$2.sockstat" 2>/dev/null || true
  grep -E '^(TCP|sock_inode_cache|filp|dentry|eventpoll_epi|eventpoll_pwq|skbuff_head_cache|kmalloc-(64|128|192|256|512|1k)) ' \
    /proc/slabinfo > "$2.slab" 2>/dev/null || : > "$2.slab"
  ss -Htmn state established "( sport = :$1 )" > "$2.ss" 2>/dev/null || : > "$2.ss"
}

# Prints "sockets bytes" from an ss -tm output file: the count of sockets and the sum of their
# skmem r, t, f, w, o and bl figures (receive and send queues, forward allocation, backlog).
skmem_total() {
  awk '/skmem:\(/ { s = $0; sub(/.*skmem:\(/, "", s); sub(/\).*/, "", s); n++
         k = split(s, f, ",")
         for (i = 1; i <= k; i++) { if (match(f[i], /^(r|t|f|w|o|bl)[0-9]+$/)) { v = f[i]; gsub(/[a-z]/, "", v); b += v } } }
       END { printf "%d %d\n", n, b }' "$1"
}

echo "round,position,proxy,connections,failed,rss_before_kb,rss_after_kb,rss_bytes_per_conn,heap_before_kb,heap_after_kb,heap_bytes_per_conn,total_bytes_per_conn,skmem_bytes_per_socket" > "$csv"
declare -A skipped

bench_one() { # name round position
  local name=$1 round=$2 pos=$3 p=${port[$1]} pid lpid logfile out mem open failed
  mem=$results_dir/memory/$name-r$round
  start_healthy "$name" "$round"

  log "round $round: $name warming up with $warmup connections"
  # Held idle as the measured ones will be, so that the idle path has run before the measurement.
  warm_up "$name" "$pid" "$logfile" "$p" "$round" "$warmup" "$settle" "no request" || return 0

  sleep "$settle"
  local rss0 rss1 heap0=0 heap1=0
  if [ "$name" = gatehouse ]; then
    # The histogram collects first: its total is the live heap.
    "$jcmd_bin" "$pid" GC.class_histogram > "$mem.histo-before" || die "jcmd $pid GC.class_histogram failed"
    heap0=$(awk '/^Total / { printf "%d", $3 / 1024 }' "$mem.histo-before")
    if [ "$breakdown" = 1 ]; then "$jcmd_bin" "$pid" VM.native_memory summary > "$mem.nmt-before"; fi
  fi
  kernel_snapshot "$p" "$mem.before"
  rss0=$(tree_rss_kb "$pid")

  log "round $round: $name opening $connections connections at $rate/s (RSS before: $((rss0 / 1024)) MB)"
  open_measured "$name" "$round" "$connections" requests || return 0

  sleep "$settle"
  if [ "$name" = gatehouse ]; then
    "$jcmd_bin" "$pid" GC.class_histogram > "$mem.histo-after" || die "jcmd $pid GC.class_histogram failed"
    heap1=$(awk '/^Total / { printf "%d", $3 / 1024 }' "$mem.histo-after")
    if [ "$breakdown" = 1 ]; then "$jcmd_bin" "$pid" VM.native_memory summary > "$mem.nmt-after"; fi
  fi
  rss1=$(tree_rss_kb "$pid")
  kernel_snapshot "$p" "$mem.after"
  stop_measured "$name" "$round" connections

  local row skmem
  skmem=$(skmem_total "$mem.after.ss" | awk '{ if ($1 > 0) printf "%.0f", $2 / $1; else print 0 }')
  row=$(awk -v r="$round" -v pos="$pos" -v n="$name" -v t="$open" -v f="$failed" -v sk="$skmem" \
            -v r0="$rss0" -v r1="$rss1" -v h0="$heap0" -v h1="$heap1" 'BEGIN {
      rb = (r1 - r0) * 1024 / t; hb = (h1 - h0) * 1024 / t
      printf "%d,%d,%s,%d,%d,%d,%d,%.0f,%d,%d,%.0f,%.0f,%d\n", r, pos, n, t, f, r0, r1, rb, h0, h1, hb, rb + hb, sk }')
  echo "$row" >> "$csv"
  log "round $round: $name $(echo "$row" | awk -F, '{ printf "%d connections: RSS %d -> %d MB, %d B/conn", $4, $6 / 1024, $7 / 1024, $8
    if ($3 == "gatehouse") printf "; live heap %d -> %d MB, %d B/conn; total %d B/conn", $9 / 1024, $10 / 1024, $11, $12 }')"
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //') (also the backend)"
  if wants haproxy; then echo "haproxy: $("$haproxy_bin" -v 2>&1 | head -n 1)"; fi
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  if wants gatehouse; then echo "gatehouse: $jar, JVM options: ${jvm_args[*]}"; fi
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
  echo "settings: rounds $rounds, $connections connections at $rate/s after a warm-up of $warmup, settle ${settle}s," \
       "body $body_bytes B, proxy on core $proxy_cpu, backend and load client on core $load_cpu"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

mapfile -t backend_args < <(nginx_args backend)
spawn "$load_cpu" "$results_dir/logs/backend.log" "$nginx_bin" "${backend_args[@]}"
backend_pid=$last_pid
for ((i = 0; i < 100; i++)); do
  [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$backend_port/" || true)" = 200 ] && break
  proc_gone "$backend_pid" && die "the backend did not start (log: $results_dir/logs/backend-error.log)"
  sleep 0.1
done

run_rounds
stop_proc "$backend_pid"
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- summary

# Prints, for proxy $1, the kernel's growth per connection, from the median round's snapshots.
kernel_lines() { # name round
  local before=$results_dir/memory/$1-r$2.before after=$results_dir/memory/$1-r$2.after t
  t=$(awk -F, -v p="$1" -v r="$2" 'NR > 1 && $3 == p && $1 == r { print $4 }' "$csv")
  awk -v t="$t" -v name="$1" '
    FNR == 1 { f++ }
    f == 1 { b[$1] = $2 * $4 } f == 2 { a[$1] = $2 * $4; size[$1] = $4 }
    END { for (c in a) { d = (a[c] - b[c]) / t; if (d > 8 || d < -8) printf "  %-18s %6.0f B/conn (%d B objects)\n", c, d, size[c]; s += d }
          printf "  %-18s %6.0f B/conn (slab caches above, whole machine: both ends of each connection and any other work)\n", "slab total", s }' \
    "$before.slab" "$after.slab"
  echo "  ss skmem of $1's client sockets: $(skmem_total "$after.ss" | awk '{ printf "%d sockets, %.0f B queued or reserved per socket", $1, ($1 ? $2 / $1 : 0) }')"
  echo "  sockstat before: $(grep '^TCP:' "$before.sockstat" 2>/dev/null)"
  echo "  sockstat after:  $(grep '^TCP:' "$after.sockstat" 2>/dev/null)"
}

# The round whose total per connection is the median one for proxy $1 (the lower middle of an even count).
median_round() {
  awk -F, -v p="$1" 'NR > 1 && $3 == p { print $12, $1 }' "$csv" | sort -g \
    | awk '{ r[NR] = $2 } END { if (NR) print r[int((NR + 1) / 2)] }'
}

declare -A total
{
  echo
  echo "Idle keep-alive client connections: memory per connection, medians over $rounds round(s) of $connections."
  printf '%-10s %11s %14s %13s %14s %14s %14s\n' proxy connections RSS_after_MB RSS_B/conn heap_B/conn total_B/conn skmem_B/sock
  for p in gatehouse nginx haproxy; do
    wants "$p" || continue
    if ! median "$p" 4 > /dev/null 2>&1; then
      printf '%-10s %s\n' "$p" "not measured: ${skipped[$p]:-no round completed}"
      continue
    fi
    total[$p]=$(median "$p" 12)
    local_heap=-
    if [ "$p" = gatehouse ]; then local_heap=$(printf '%.0f' "$(median "$p" 11)"); fi
    printf '%-10s %11.0f %14.0f %13.0f %14s %14.0f %14.0f\n' "$p" "$(median "$p" 4)" \
      "$(awk -v k="$(median "$p" 7)" 'BEGIN { print k / 1024 }')" "$(median "$p" 8)" "$local_heap" "${total[$p]}" "$(median "$p" 13)"
  done
  if [ -n "${total[gatehouse]:-}" ]; then
    for p in nginx haproxy; do
      [ -n "${total[$p]:-}" ] || continue
      printf 'Gatehouse/%-8s memory per connection %sx\n' "$p:" "$(ratio "${total[gatehouse]}" "${total[$p]}")"
    done
    echo "(below 1x: a Gatehouse connection costs less.) Gatehouse: RSS with a pre-touched fixed heap (memory"
    echo "outside the heap) plus live heap after a full GC; nginx and HAProxy: RSS of all their processes."
  fi
  for p in gatehouse nginx haproxy; do
    [ -n "${total[$p]:-}" ] || continue
    mr=$(median_round "$p")
    echo
    echo "Kernel side, $p, round $mr (the median total):"
    kernel_lines "$p" "$mr"
    if [ "$p" = gatehouse ]; then
      m=$results_dir/memory/gatehouse-r$mr
      t=$(awk -F, -v r="$mr" 'NR > 1 && $3 == "gatehouse" && $1 == r { print $4 }' "$csv")
      echo
      echo "Gatehouse's heap per connection, round $mr (class histogram after - before, / $t):"
      nmt=()
      if [ -f "$m.nmt-after" ]; then nmt=(--nmt-before "$m.nmt-before" --nmt-after "$m.nmt-after"); fi
      "$java_bin" -cp "$load_cp" dev.gatehouse.bench.tunnel.MemoryBreakdown --connections "$t" \
        --histogram-before "$m.histo-before" --histogram-after "$m.histo-after" ${nmt[@]+"${nmt[@]}"} \
        || echo "  (the breakdown could not be computed; histograms in $results_dir/memory)"
    fi
  done
  echo
  echo "raw numbers: $csv"
  echo "histograms, NMT and kernel snapshots: $results_dir/memory"
  echo "load client output, configs and logs: $results_dir"
} | tee "$results_dir/summary.txt"
