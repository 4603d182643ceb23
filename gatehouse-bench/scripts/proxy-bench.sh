#!/usr/bin/env bash
# Benchmarks Gatehouse, nginx and HAProxy side by side in front of one fast backend.
#
# Every proxy gets one pinned core (BENCH_PROXY_CPU, default 1); the backend (an nginx worker
# answering a fixed 1 KB body) and wrk share the other core (BENCH_LOAD_CPU, default 0). Each
# round starts every proxy afresh, in an order that rotates from round to round, warms it up with
# one wrk run and measures a second one: requests/s, p50/p99 latency, the proxy's CPU time per
# request (utime+stime of all its processes and threads over the measured run only) and its peak
# RSS. The table printed at the end holds medians over rounds and Gatehouse's ratios to the others.
# Traffic goes to 127.0.0.1 only; every run is bounded by its duration. Not run in CI.
# See docs/benchmarks.md for how to read the results.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/proxy-bench.sh [options]

  -d, --duration SECONDS     measured wrk run per proxy and round   (BENCH_DURATION, default 15)
  -w, --warmup SECONDS       warm-up wrk run before it, 0 for none  (BENCH_WARMUP, default 10)
      --cold SECONDS         a first wrk run right after the start, measured on its own as the
                             cold figure (CPU per request while the JIT warms up), and part of
                             the warm-up; 0 for none                (BENCH_COLD, default 12)
  -c, --connections N        wrk connections                        (BENCH_CONNECTIONS, default 50)
  -t, --threads N            wrk threads                            (BENCH_THREADS, default 1)
  -r, --rounds N             rounds; the table shows medians        (BENCH_ROUNDS, default 3)
  -p, --proxies LIST         comma-separated subset, in round-1 order
                             (BENCH_PROXIES, default gatehouse,nginx,haproxy); also
                             gatehouse-unlimited: Gatehouse without admission control
                             (backend_concurrency: 0), to weigh the defaults' learned
                             limit and slow lane against no limit at all;
                             gatehouse-notrace: tracing off (no traceparent read or sent);
                             gatehouse-log: the access log on (its default), to a file;
                             gatehouse-uring: the opt-in io_uring transport
                             (-Dgatehouse.transport=io_uring);
                             gatehouse-spans: a span per request exported with OTLP
                             (tracing.otlp) to the backend, which answers 200;
                             netty-floor: not a proxy but the floor under any Netty one
                             (NettyFloor, gatehouse-bench): bytes forwarded on a
                             backend connection per client connection, no HTTP at all,
                             with the launcher's JVM options for a node
  -o, --out DIR              results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE             Gatehouse jar to run (GATEHOUSE_BENCH_JAR,
                             default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help                 this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse (default: none beyond the launcher's own for a
                             node; with java -jar: -Xms256m -Xmx256m -XX:+UseParallelGC)
  GATEHOUSE_NO_ARCHIVE=1     run Gatehouse with java -jar, without bin/gatehouse's start-up archive
                             (a --jar other than the default build always runs that way)
  BENCH_PROXY_CPU            core the proxy under test is pinned to (default 1)
  BENCH_LOAD_CPU             core wrk and the backend are pinned to (default 0)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-15}
warmup=${BENCH_WARMUP:-10}
cold=${BENCH_COLD:-12}
connections=${BENCH_CONNECTIONS:-50}
threads=${BENCH_THREADS:-1}
rounds=${BENCH_ROUNDS:-3}
proxy_list=${BENCH_PROXIES:-gatehouse,nginx,haproxy}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
# Unset: the launcher's own defaults for a node (bin/gatehouse), or these with java -jar.
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS-}
plain_jvm_opts="-Xms256m -Xmx256m -XX:+UseParallelGC"
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
body_size=1024

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -w|--warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    --cold) cold=${2:?$1 needs a value}; shift 2 ;;
    -c|--connections) connections=${2:?$1 needs a value}; shift 2 ;;
    -t|--threads) threads=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -p|--proxies) proxy_list=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# Argument checks, in one grammar: name: value (expected: ...).
check_int duration "$duration" 1
check_int warmup "$warmup" 0
check_int cold "$cold" 0
check_int connections "$connections" 1
check_int threads "$threads" 1
check_int rounds "$rounds" 1
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
[ "$connections" -ge "$threads" ] || die "connections: $connections (expected: >= threads, $threads)"
[ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"

IFS=', ' read -r -a proxies <<< "$proxy_list"
gatehouses=(gatehouse gatehouse-unlimited gatehouse-notrace gatehouse-log gatehouse-uring gatehouse-spans)
[ "${#proxies[@]}" -ge 1 ] || die "proxies: \"$proxy_list\" (expected: one or more of ${gatehouses[*]}, nginx, haproxy)"
seen=" "
for p in "${proxies[@]}"; do
  case "$p" in gatehouse|gatehouse-unlimited|gatehouse-notrace|gatehouse-log|gatehouse-uring|gatehouse-spans|nginx|haproxy|netty-floor) ;;
    *) die "proxies: \"$p\" (expected: one of ${gatehouses[*]}, netty-floor, nginx or haproxy)" ;; esac
  case "$seen" in *" $p "*) die "proxies: \"$p\" listed twice" ;; esac
  seen="$seen$p "
done
wants() { case "$seen" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
wants_java() { local g; for g in "${gatehouses[@]}" netty-floor; do if wants "$g"; then return 0; fi; done; return 1; }

# ---------------------------------------------------------------- processes and tools

setup_cleanup

need=(nginx)
if wants haproxy; then need+=(haproxy); fi
need+=(wrk curl taskset:util-linux)
install_missing "nginx, haproxy and wrk" "${need[@]}"
nginx_bin=$(find_sbin nginx)
haproxy_bin=$(find_sbin haproxy)
[ -n "$nginx_bin" ] || die "nginx not found after install"
if wants haproxy && [ -z "$haproxy_bin" ]; then die "haproxy not found after install"; fi
command -v wrk >/dev/null || die "wrk not found after install"
clk_tck=$(getconf CLK_TCK)
check_cores

# The JVM options a Gatehouse profile adds to the others' (the io_uring one: its transport).
extra_jvm_opts() { if [ "$1" = gatehouse-uring ]; then echo -Dgatehouse.transport=io_uring; fi; }

java_bin=
via_launcher=0
if wants_java; then
  find_java
  resolve_jar
  if [ "$jar" = "$root/gatehouse-cli/target/gatehouse.jar" ] && [ "${GATEHOUSE_NO_ARCHIVE:-0}" != 1 ]; then
    # The node through bin/gatehouse, with the start-up archive it records once per build: made
    # here, before the first round, so that no round's start pays for it.
    via_launcher=1
    # One archive per set of JVM options (the launcher keys them so): each profile's own.
    declare -A archived=()
    for g in "${gatehouses[@]}"; do
      wants "$g" || continue
      extra=$(extra_jvm_opts "$g")
      [ -z "${archived[x$extra]:-}" ] || continue
      archived[x$extra]=1
      GATEHOUSE_JAVA_OPTS="$jvm_opts${extra:+ $extra}" "$root/bin/gatehouse" archive >&2 \
        || die "bin/gatehouse archive failed"
    done
  fi
  if [ "$via_launcher" = 0 ] && [ -z "${GATEHOUSE_BENCH_JVM_OPTS+set}" ]; then
    jvm_opts=$plain_jvm_opts
    read -r -a jvm_args <<< "$jvm_opts"
  fi
fi

# More connections than the default soft limit of 1024 files need a higher one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results directory

make_results_dir gatehouse-bench wrk
if wants netty-floor; then
  bench_classes=$root/gatehouse-bench/target/classes
  testing_classes=$root/gatehouse-testing/target/classes
  build_bench_classpath
fi

# ---------------------------------------------------------------- ports

# Below the kernel's ephemeral range (init_ports in lib/bench-common.sh says why).
init_ports
pick_port
backend_port=$picked_port
declare -A port
for p in "${proxies[@]}"; do pick_port; port[$p]=$picked_port; done

# ---------------------------------------------------------------- configs

mkdir -p "$results_dir/conf/backend" "$results_dir/conf/nginx"
write_fixed_body_backend "$backend_port" "$body_size"

{
  nginx_conf_head nginx 8192
  cat <<EOF
  upstream bench {
    server 127.0.0.1:$backend_port;
    keepalive 64;
    keepalive_requests 1000000000;
  }
  server {
    listen 127.0.0.1:${port[nginx]:-0};
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} > "$results_dir/conf/nginx/nginx.conf"

# Room for every client connection plus one to the backend each; HAProxy needs ~2 files per pair.
haproxy_maxconn=$((connections + 1024))
# No log directive anywhere: HAProxy logs nothing. One thread, keep-alive on both sides.
cat > "$results_dir/conf/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $haproxy_maxconn

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s

frontend bench
  bind 127.0.0.1:${port[haproxy]:-0}
  default_backend bench

backend bench
  server backend1 127.0.0.1:$backend_port
EOF

gatehouse_yaml() { # name pool-extra [top-level-extra] [access-log-file]
  cat <<EOF
listeners:
  - bind: 127.0.0.1:${port[$1]:-0}
    routes:
      - { path_prefix: /, pool: bench }
pools:
  bench:
$2    backends:
      - { address: 127.0.0.1:$backend_port }
access_log:
$(if [ -n "${4:-}" ]; then printf '  enabled: true\n  path: %s' "$4"; else echo "  enabled: false"; fi)
${3:-}
EOF
}
gatehouse_yaml gatehouse "" > "$results_dir/conf/gatehouse.yaml"
# The defaults learn the backend's limit and isolate slow routes; this one turns that off.
gatehouse_yaml gatehouse-unlimited $'    backend_concurrency: 0\n' > "$results_dir/conf/gatehouse-unlimited.yaml"
# Tracing is on by default (traceparent read, or started, and sent on); these weigh it.
gatehouse_yaml gatehouse-notrace "" "tracing: { enabled: false }" > "$results_dir/conf/gatehouse-notrace.yaml"
# The access log, on by default, off in the others (as nginx's and HAProxy's here): its cost.
gatehouse_yaml gatehouse-log "" "" "$results_dir/logs/gatehouse-log-access.log" > "$results_dir/conf/gatehouse-log.yaml"
# The same node on the io_uring transport (a JVM option, below).
gatehouse_yaml gatehouse-uring "" > "$results_dir/conf/gatehouse-uring.yaml"
# The spans go to the backend (nginx answers any POST with 200, all an OTLP exporter needs).
gatehouse_yaml gatehouse-spans "" \
  "tracing: { otlp: { endpoint: \"http://127.0.0.1:$backend_port/v1/traces\" } }" > "$results_dir/conf/gatehouse-spans.yaml"

# ---------------------------------------------------------------- starting and measuring

start_proxy() { # name round
  local name=$1 logfile=$results_dir/logs/$1-r$2.log
  local -a args
  case "$name" in
    gatehouse|gatehouse-unlimited|gatehouse-notrace|gatehouse-log|gatehouse-uring|gatehouse-spans)
      local extra
      extra=$(extra_jvm_opts "$name")
      if [ "$via_launcher" = 1 ]; then
        # As a user runs it: the launcher execs java (same pid) with its node archive.
        spawn "$proxy_cpu" "$logfile" env GATEHOUSE_JAVA_OPTS="$jvm_opts${extra:+ $extra}" "$root/bin/gatehouse" \
          run --config "$results_dir/conf/$name.yaml"
      else
        spawn "$proxy_cpu" "$logfile" "$java_bin" "${jvm_args[@]}" $extra -jar "$jar" \
          run --config "$results_dir/conf/$name.yaml"
      fi ;;
    nginx)
      mapfile -t args < <(nginx_args nginx)
      spawn "$proxy_cpu" "$logfile" "$nginx_bin" "${args[@]}" ;;
    haproxy)
      spawn "$proxy_cpu" "$logfile" "$haproxy_bin" -f "$results_dir/conf/haproxy.cfg" -db ;;
    netty-floor)
      # The memory options bin/gatehouse gives a node, so that the JVM's share compares.
      local -a floor_opts=(-Xms16m -Xmx1g -XX:+UseSerialGC)
      if [ "$("$java_bin" -XX:+UseCompactObjectHeaders -version >/dev/null 2>&1; echo $?)" = 0 ]; then
        floor_opts+=(-XX:+UseCompactObjectHeaders)
      fi
      spawn "$proxy_cpu" "$logfile" "$java_bin" "${floor_opts[@]}" -cp "$bench_cp" \
        dev.gatehouse.bench.scenario.NettyFloor --listen "${port[netty-floor]}" --backend "127.0.0.1:$backend_port" ;;
  esac
}

# Waits until http://127.0.0.1:$2/ answers at all (await_url in bench-common.sh).
wait_ready() { await_url "$1" "http://127.0.0.1:$2/" "$3" "$4"; } # name port pid logfile

# A proxy that answers quickly with an error would look fast: check one real response first.
check_response() { # name port
  local got
  got=$(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{size_download}' "http://127.0.0.1:$2/" || true)
  [ "$got" = "200 $body_size" ] \
    || die "$1 on 127.0.0.1:$2 answered \"$got\" (expected: \"200 $body_size\", status and body bytes)"
}

# Prints the summed utime+stime, in clock ticks, of the given pids (all their threads).
cpu_ticks() {
  local pid total=0 s
  local -a f
  for pid in "$@"; do
    s=$(cat "/proc/$pid/stat") || die "process $pid vanished during the run"
    read -r -a f <<< "${s##*) }"   # f[0] is field 3 (state): utime is field 14, stime 15
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# wrk runs in the background and the script waits for it, so that Ctrl-C or TERM reach the
# traps at once instead of after the run (bash defers traps while a foreground child runs).
run_wrk() { # port seconds outfile
  local rc=0
  taskset -c "$load_cpu" wrk -t"$threads" -c"$connections" -d"$2s" --latency \
    "http://127.0.0.1:$1/" > "$3" 2>&1 < /dev/null &
  wait_child $! || rc=$?
  [ "$rc" = 0 ] || die "wrk failed (exit $rc), see $3"
}

# Prints "requests req/s p50_ms p99_ms errors" from wrk --latency output in file $1.
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $2 == "requests" && $3 == "in" { req = $1 }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END {
      if (req == "" || rps == "" || p50 == "" || p99 == "") exit 1
      printf "%d %.2f %.4f %.4f %d\n", req, rps, p50, p99, err
    }' "$1" || die "could not read wrk output in $1"
}

echo "round,position,proxy,duration_s,connections,requests,errors,req_per_s,p50_ms,p99_ms,cpu_s,cpu_us_per_req,peak_rss_mb,ready_ms,start_rss_mb,cold_cpu_us_per_req" > "$csv"

bench_one() { # name round position
  local name=$1 round=$2 pos=$3 p=${port[$1]} pid logfile
  logfile=$results_dir/logs/$name-r$round.log
  local started ready_ms start_kb cold_us=-1
  started=$(date +%s%N)
  start_proxy "$name" "$round"
  pid=$last_pid
  wait_ready "$name" "$p" "$pid" "$logfile"
  ready_ms=$((($(date +%s%N) - started) / 1000000))
  local -a pids
  mapfile -t pids < <(tree_pids "$pid")
  start_kb=$(rss_kb "${pids[@]}")
  check_response "$name" "$p"
  if [ "$cold" -gt 0 ]; then
    # The cold figure: CPU per request from the first requests on, the JIT's work included (the
    # process's CPU before this run, its start, is not counted: ready_ms shows that).
    log "round $round: $name cold run for ${cold}s, ready after ${ready_ms} ms"
    local c0 c1 cold_requests
    c0=$(cpu_ticks "${pids[@]}")
    run_wrk "$p" "$cold" "$results_dir/wrk/$name-r$round-cold.txt"
    c1=$(cpu_ticks "${pids[@]}")
    read -r cold_requests _ <<< "$(parse_wrk "$results_dir/wrk/$name-r$round-cold.txt")"
    [ "$cold_requests" -gt 0 ] || die "$name: wrk completed no request in round $round's cold run"
    cold_us=$(awk -v t=$((c1 - c0)) -v hz="$clk_tck" -v n="$cold_requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
  fi
  if [ "$warmup" -gt 0 ]; then
    log "round $round: $name warming up for ${warmup}s"
    run_wrk "$p" "$warmup" "$results_dir/wrk/$name-r$round-warmup.txt"
  fi
  log "round $round: $name measuring for ${duration}s (pids ${pids[*]})"
  local t0 t1 rss_kb
  t0=$(cpu_ticks "${pids[@]}")
  run_wrk "$p" "$duration" "$results_dir/wrk/$name-r$round.txt"
  t1=$(cpu_ticks "${pids[@]}")
  rss_kb=$(peak_rss_kb "${pids[@]}")
  stop_proc "$pid"

  local parsed requests rps p50 p99 errors
  parsed=$(parse_wrk "$results_dir/wrk/$name-r$round.txt")
  read -r requests rps p50 p99 errors <<< "$parsed"
  [ "$requests" -gt 0 ] || die "$name: wrk completed no request in round $round"
  local row
  row=$(awk -v r="$round" -v pos="$pos" -v n="$name" -v d="$duration" -v c="$connections" \
            -v req="$requests" -v err="$errors" -v rps="$rps" -v p50="$p50" -v p99="$p99" \
            -v ticks=$((t1 - t0)) -v hz="$clk_tck" -v rss="$rss_kb" -v ready="$ready_ms" -v srss="$start_kb" \
            -v cold="$cold_us" 'BEGIN {
      cpu = ticks / hz
      printf "%d,%d,%s,%d,%d,%d,%d,%.2f,%.4f,%.4f,%.2f,%.2f,%.1f,%d,%.1f,%.2f\n",
        r, pos, n, d, c, req, err, rps, p50, p99, cpu, cpu * 1e6 / req, rss / 1024, ready, srss / 1024, cold }')
  echo "$row" >> "$csv"
  log "round $round: $name $(echo "$row" | awk -F, '{ printf "%.0f req/s, p50 %.3f ms, p99 %.3f ms, %.1f us CPU/req, %.0f MB peak RSS; ready %d ms, %.0f MB RSS at start, cold %.1f us CPU/req", $8, $9, $10, $12, $13, $14, $15, $16 }')"
  if [ "$errors" -gt 0 ]; then log "round $round: WARNING $name had $errors errors (non-2xx or socket errors)"; fi
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
  if wants haproxy; then echo "haproxy: $("$haproxy_bin" -v 2>&1 | head -n 1)"; fi
  echo "wrk: $( (wrk -v 2>&1 || true) | head -n 1)"
  if wants_java; then
    echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
    echo "gatehouse: $jar, JVM options: ${jvm_opts:-none beyond the launcher defaults}, $(if [ "$via_launcher" = 1 ]; then echo "through bin/gatehouse (its node archive)"; else echo "java -jar, no archive"; fi)"
    echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
  fi
  echo "settings: rounds $rounds, cold run ${cold}s, then warm-up ${warmup}s, measured ${duration}s, wrk -t$threads -c$connections," \
       "proxy on core $proxy_cpu, backend and wrk on core $load_cpu, body $body_size bytes"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

mapfile -t bargs < <(nginx_args backend)
spawn "$load_cpu" "$results_dir/logs/backend.log" "$nginx_bin" "${bargs[@]}"
backend_pid=$last_pid
wait_ready backend "$backend_port" "$backend_pid" "$results_dir/logs/backend.log"
check_response backend "$backend_port"

n=${#proxies[@]}
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    bench_one "${proxies[(i + r - 1) % n]}" "$r" $((i + 1))
  done
done
stop_proc "$backend_pid"
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- summary

# Prints the median of column $2 over the rows of proxy $1.
median() {
  awk -F, -v p="$1" -v c="$2" 'NR > 1 && $3 == p { print $c }' "$csv" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

declare -A med_rps med_cpu med_cold med_srss label=([nginx]=nginx: [haproxy]=HAProxy:)
{
  echo
  echo "Medians over $rounds round(s); CPU and RSS of the proxy process only (all threads/processes)."
  printf '%-19s %10s %9s %9s %12s %13s %7s %9s %13s %13s\n' proxy req/s p50_ms p99_ms cpu_us/req peak_rss_MB errors \
    ready_ms start_rss_MB cold_us/req
  for p in "${gatehouses[@]}" netty-floor nginx haproxy; do
    wants "$p" || continue
    med_rps[$p]=$(median "$p" 8)
    med_cpu[$p]=$(median "$p" 12)
    med_srss[$p]=$(median "$p" 15)
    med_cold[$p]=$(median "$p" 16)
    printf '%-19s %10.0f %9.3f %9.3f %12.1f %13.0f %7.0f %9.0f %13.1f %13s\n' "$p" "${med_rps[$p]}" "$(median "$p" 9)" \
      "$(median "$p" 10)" "${med_cpu[$p]}" "$(median "$p" 13)" \
      "$(awk -F, -v p="$p" 'NR > 1 && $3 == p { s += $7 } END { print s + 0 }' "$csv")" \
      "$(median "$p" 14)" "${med_srss[$p]}" "$(if [ "$cold" -gt 0 ]; then printf '%.1f' "${med_cold[$p]}"; else echo -; fi)"
  done
  if wants gatehouse; then
    for p in nginx haproxy; do
      wants "$p" || continue
      printf 'Gatehouse/%-8s CPU per request %sx, req/s %sx, RSS at start %sx' "${label[$p]}" \
        "$(ratio "${med_cpu[gatehouse]}" "${med_cpu[$p]}")" "$(ratio "${med_rps[gatehouse]}" "${med_rps[$p]}")" \
        "$(ratio "${med_srss[gatehouse]}" "${med_srss[$p]}")"
      if [ "$cold" -gt 0 ]; then
        printf ', cold CPU per request (first %ss) %sx' "$cold" "$(ratio "${med_cold[gatehouse]}" "${med_cold[$p]}")"
      fi
      echo
    done
    if wants nginx || wants haproxy; then
      echo "(CPU per request below 1x: Gatehouse spends less; req/s above 1x: Gatehouse serves more.)"
    fi
    echo "Gatehouse's peak RSS is the whole JVM process, heap included."
  fi
  for p in gatehouse-notrace gatehouse-log gatehouse-uring gatehouse-spans; do
    if wants gatehouse && wants "$p"; then
      printf 'gatehouse (defaults)/%s: CPU per request %sx, req/s %sx\n' "$p" \
        "$(ratio "${med_cpu[gatehouse]}" "${med_cpu[$p]}")" "$(ratio "${med_rps[gatehouse]}" "${med_rps[$p]}")"
    fi
  done
  if wants netty-floor; then
    for p in nginx haproxy gatehouse; do
      wants "$p" || continue
      printf 'netty-floor/%-9s CPU per request %sx\n' "$p" "$(ratio "${med_cpu[netty-floor]}" "${med_cpu[$p]}")"
    done
  fi
  if wants gatehouse && wants gatehouse-unlimited; then
    printf 'gatehouse (defaults)/gatehouse-unlimited: req/s %sx, p99 %sx (issue 15: req/s >= 0.95x, p99 no worse)\n' \
      "$(ratio "${med_rps[gatehouse]}" "${med_rps[gatehouse-unlimited]}")" \
      "$(ratio "$(median gatehouse 10)" "$(median gatehouse-unlimited 10)")"
  fi
  echo
  echo "errors column: sum over rounds of non-2xx responses and socket errors (should be 0)"
  echo "raw numbers: $csv"
  echo "wrk output, configs and logs: $results_dir"
} | tee "$results_dir/summary.txt"
