#!/usr/bin/env bash
# The slow-requests scenario: balancing and admission control in front of synchronous workers.
#
# Eight single-threaded backends (SyncBackends: one request at a time each; /slow... takes 500 ms,
# anything else 5 ms) sit behind one proxy configuration at a time; OpenLoopClient sends an
# open-loop schedule (default 500 requests/s, 1 in 100 to /slow/<i>) and measures each request's
# latency from its scheduled send time, fast and slow requests apart. Configurations: Gatehouse
# with defaults (each backend's limit learned, slow routes isolated, nothing tuned), without
# admission control (backend_concurrency 0), with backend_concurrency 1, and with it and the slow
# lane; nginx round robin and least_conn; HAProxy leastconn with and without maxconn 1. Each round starts every configuration
# afresh, in an order that rotates from round to round; the table at the end holds medians over
# rounds and Gatehouse's ratios to the best HAProxy configuration. A configuration that fails
# (Gatehouse rejecting a key it does not know yet, say) gets a "failed" row; the run goes on.
#
# The proxy under test is pinned to one core (BENCH_PROXY_CPU, default 1); the backends and the
# client share the other (BENCH_LOAD_CPU, default 0): the backends mostly sleep and the client
# sends 500 requests/s, so the load core is far from busy. Traffic goes to 127.0.0.1 only; every
# run is bounded by its schedule plus the request timeout; every process started here is stopped
# on exit, failure, Ctrl-C or TERM. Not run in CI. See docs/benchmarks.md.
set -euo pipefail

all_configs=gatehouse-default,gatehouse-unlimited,gatehouse-bc1,gatehouse-slowlane,nginx-rr,nginx-leastconn,haproxy-leastconn,haproxy-leastconn-maxconn1

usage() {
  cat <<USAGE
usage: gatehouse-bench/scripts/slow-requests-bench.sh [options]

  -d, --duration SECONDS   measured part of each run               (BENCH_DURATION, default 60)
  -w, --warmup SECONDS     warm-up part before it, not recorded    (BENCH_WARMUP, default 5)
  -R, --rate N             requests per second, open loop          (BENCH_RATE, default 500)
  -r, --rounds N           rounds; the table shows medians         (BENCH_ROUNDS, default 3)
  -c, --configs LIST       comma-separated subset, in round-1 order (BENCH_CONFIGS, default all:
                           $all_configs)
  -k, --backends N         single-threaded backends                (BENCH_BACKENDS, default 8)
  -t, --timeout SECONDS    client timeout per request, an error    (BENCH_TIMEOUT, default 30)
  -s, --slow-pattern P     random: each request slow with probability 1 %, drawn from a seeded
                           generator, so slow requests bunch as in production; spread: exactly
                           one per 100 at a seeded place (never bunch); modulo: request i is slow
                           when i % 100 == 0 (aliases with round robin over 8 backends)
                                                             (BENCH_SLOW_PATTERN, default random)
      --slow-every N       1 request in N is slow, on average   (BENCH_SLOW_EVERY, default 100: 1 %)
      --slow-ms MS         a slow request's service time        (BENCH_SLOW_MS, default 500)
      --degrade SPEC       B:EVERY:FOR:FACTOR: backend B (from 0) serves every route FACTOR
                           times slower for FOR seconds of every EVERY (a GC pause, a noisy
                           neighbour); e.g. 0:10:2:10                (BENCH_DEGRADE, default none)
      --backend-close      the backends close the connection after every answer, as gunicorn's
                           sync workers do: every request needs a new backend connection
                                                             (BENCH_BACKEND_CLOSE=1; default off)
  -a, --arrivals A         poisson: exponential gaps (seeded), bursty like independent users;
                           uniform: request i due at i/rate   (BENCH_ARRIVALS, default poisson)
      --seed N             the seed of round 1; round r uses N + r - 1, the same for every
                           configuration of that round        (BENCH_SEED, default 20261122)
  -o, --out DIR            results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE           Gatehouse jar (GATEHOUSE_BENCH_JAR,
                           default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help               this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse (default: -Xms256m -Xmx256m)
  BENCH_PROXY_CPU            core the proxy under test is pinned to (default 1)
  BENCH_LOAD_CPU             core of the backends and the client (default 0)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-60}
warmup=${BENCH_WARMUP:-5}
rate=${BENCH_RATE:-500}
rounds=${BENCH_ROUNDS:-3}
config_list=${BENCH_CONFIGS:-$all_configs}
backends=${BENCH_BACKENDS:-8}
timeout=${BENCH_TIMEOUT:-30}
slow_pattern=${BENCH_SLOW_PATTERN:-random}
slow_every=${BENCH_SLOW_EVERY:-100}
slow_ms=${BENCH_SLOW_MS:-500}
degrade=${BENCH_DEGRADE:-}
backend_close=${BENCH_BACKEND_CLOSE:-0}
arrivals=${BENCH_ARRIVALS:-poisson}
seed=${BENCH_SEED:-20261122}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -w|--warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    -R|--rate) rate=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -c|--configs) config_list=${2:?$1 needs a value}; shift 2 ;;
    -k|--backends) backends=${2:?$1 needs a value}; shift 2 ;;
    -t|--timeout) timeout=${2:?$1 needs a value}; shift 2 ;;
    -s|--slow-pattern) slow_pattern=${2:?$1 needs a value}; shift 2 ;;
    -a|--arrivals) arrivals=${2:?$1 needs a value}; shift 2 ;;
    --slow-every) slow_every=${2:?$1 needs a value}; shift 2 ;;
    --slow-ms) slow_ms=${2:?$1 needs a value}; shift 2 ;;
    --degrade) degrade=${2:?$1 needs a value}; shift 2 ;;
    --backend-close) backend_close=1; shift ;;
    --seed) seed=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

check_int duration "$duration" 1
check_int warmup "$warmup" 0
check_int rate "$rate" 1
check_int rounds "$rounds" 1
check_int seed "$seed" 1
check_int backends "$backends" 1
check_int timeout "$timeout" 1
check_int slow-every "$slow_every" 1
check_int slow-ms "$slow_ms" 0
if [ -n "$degrade" ] && ! [[ "$degrade" =~ ^[0-9]+:[0-9]+:[0-9]+:[0-9]+(\.[0-9]+)?$ ]]; then
  die "degrade: \"$degrade\" (expected: B:EVERY:FOR:FACTOR, e.g. 0:10:2:10)"
fi
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
case "$backend_close" in 0|1) ;; *) die "BENCH_BACKEND_CLOSE: \"$backend_close\" (expected: 0 or 1)" ;; esac
case "$slow_pattern" in random|spread|modulo) ;; *) die "slow-pattern: \"$slow_pattern\" (expected: random, spread or modulo)" ;; esac
case "$arrivals" in uniform|poisson) ;; *) die "arrivals: \"$arrivals\" (expected: uniform or poisson)" ;; esac
[ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"

IFS=', ' read -r -a configs <<< "$config_list"
[ "${#configs[@]}" -ge 1 ] || die "configs: \"$config_list\" (expected: one or more of $all_configs)"
seen=" "
for c in "${configs[@]}"; do
  case ",$all_configs," in *",$c,"*) ;; *) die "configs: \"$c\" (expected: one of $all_configs)" ;; esac
  case "$seen" in *" $c "*) die "configs: \"$c\" listed twice" ;; esac
  seen="$seen$c "
done
wants_kind() { case "$seen" in *" $1"-*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- processes and tools

setup_cleanup

need=()
if wants_kind nginx; then need+=(nginx); fi
if wants_kind haproxy; then need+=(haproxy); fi
need+=(curl taskset:util-linux)
install_missing "nginx and haproxy" "${need[@]}"
nginx_bin=$(find_sbin nginx)
haproxy_bin=$(find_sbin haproxy)
if wants_kind nginx && [ -z "$nginx_bin" ]; then die "nginx not found after install"; fi
if wants_kind haproxy && [ -z "$haproxy_bin" ]; then die "haproxy not found after install"; fi
check_cores
clk_tck=$(getconf CLK_TCK)

# The backends and the client are Java (gatehouse-bench), so a JDK is needed whatever is measured.
find_java

bench_classes=$root/gatehouse-bench/target/classes
if [ ! -f "$bench_classes/dev/gatehouse/bench/scenario/OpenLoopClient.class" ]; then
  log "building gatehouse-bench (its classes are missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true compile -pl gatehouse-bench -am
fi
if wants_kind gatehouse; then resolve_jar; fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results directory

make_results_dir gatehouse-slow-bench client

# SyncBackends needs Netty: the bench module's classpath, resolved once per run.
resolve_bench_deps "$results_dir/classpath.txt"
bench_cp="$bench_classes:$(cat "$results_dir/classpath.txt")"

# ---------------------------------------------------------------- ports

# Below the kernel's ephemeral range (init_ports in lib/bench-common.sh says why).
init_ports
backend_ports=()
for ((b = 0; b < backends; b++)); do pick_port; backend_ports+=("$picked_port"); done
declare -A port admin_port
for c in "${configs[@]}"; do pick_port; port[$c]=$picked_port; done
# Gatehouse's admin API on a port of its own: the default (9090) may be taken on a shared machine.
for c in "${configs[@]}"; do
  case "$c" in gatehouse-*) pick_port; admin_port[$c]=$picked_port ;; esac
done

# ---------------------------------------------------------------- configs

gatehouse_yaml() { # name
  local pool_extra=
  case "$1" in
    gatehouse-bc1) pool_extra=$'    backend_concurrency: 1\n    queue: { max: 10000, timeout: 30s }\n' ;;
    gatehouse-slowlane) pool_extra=$'    backend_concurrency: 1\n    queue: { max: 10000, timeout: 30s }\n    slow_lane: { share: 0.5, threshold: 100ms }\n' ;;
    # Admission control off: what the defaults were before issue 15 made them protect sync workers.
    gatehouse-unlimited) pool_extra=$'    backend_concurrency: 0\n' ;;
  esac
  local list p
  list=$(for p in "${backend_ports[@]}"; do printf '"127.0.0.1:%s", ' "$p"; done)
  cat <<EOF
listeners:
  - bind: 127.0.0.1:${port[$1]}
    routes: [ { path_prefix: /, pool: app } ]
pools:
  app:
${pool_extra}    backends: [ ${list%, } ]
access_log: { enabled: false }
admin: { bind: "127.0.0.1:${admin_port[$1]}" }
EOF
}

nginx_conf() { # name
  local p
  nginx_conf_head "$1" 16384
  echo "  upstream app {"
  [ "$1" = nginx-leastconn ] && echo "    least_conn;"
  for p in "${backend_ports[@]}"; do echo "    server 127.0.0.1:$p;"; done
  cat <<EOF
    keepalive 64;
    keepalive_requests 1000000000;
  }
  server {
    listen 127.0.0.1:${port[$1]};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Queueing in a backend's socket can take long; nothing may time out before the client does.
      proxy_connect_timeout 60s;
      proxy_send_timeout 120s;
      proxy_read_timeout 120s;
    }
  }
}
EOF
}

haproxy_cfg() { # name
  local i server_opt=
  [ "$1" = haproxy-leastconn-maxconn1 ] && server_opt=" maxconn 1"
  cat <<EOF
global
  nbthread 1
  maxconn 8000

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 10s
  timeout client 120s
  timeout server 120s
  timeout queue 30s

frontend fe
  bind 127.0.0.1:${port[$1]}
  default_backend app

backend app
  balance leastconn
EOF
  for ((i = 0; i < ${#backend_ports[@]}; i++)); do
    echo "  server b$i 127.0.0.1:${backend_ports[$i]}$server_opt"
  done
}

for c in "${configs[@]}"; do
  mkdir -p "$results_dir/conf/$c"
  case "$c" in
    gatehouse-*) gatehouse_yaml "$c" > "$results_dir/conf/$c/gatehouse.yaml" ;;
    nginx-*) nginx_conf "$c" > "$results_dir/conf/$c/nginx.conf" ;;
    haproxy-*) haproxy_cfg "$c" > "$results_dir/conf/$c/haproxy.cfg" ;;
  esac
done

# ---------------------------------------------------------------- starting and measuring

start_proxy() { # name logfile
  local -a args
  case "$1" in
    gatehouse-*)
      spawn "$proxy_cpu" "$2" "$java_bin" "${jvm_args[@]}" -jar "$jar" \
        run --config "$results_dir/conf/$1/gatehouse.yaml" ;;
    nginx-*)
      mapfile -t args < <(nginx_args "$1")
      spawn "$proxy_cpu" "$2" "$nginx_bin" "${args[@]}" ;;
    haproxy-*)
      spawn "$proxy_cpu" "$2" "$haproxy_bin" -f "$results_dir/conf/$1/haproxy.cfg" -db ;;
  esac
}

# Waits until 127.0.0.1:$1 answers at all (up to 60 s). Sets $fail_reason and fails otherwise.
wait_ready() { # port pid logfile
  local i
  for ((i = 0; i < 600; i++)); do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/fast/ready"; then return 0; fi
    if proc_gone "$2"; then
      fail_reason="exited before it answered (log: $3: $(grep -v '^\s*$' "$3" | tail -n 3 | tr '\n' ' ' | cut -c1-300))"
      return 1
    fi
    sleep 0.1
  done
  fail_reason="did not answer within 60 s (log: $3)"
  return 1
}

# A proxy that answers quickly with an error would look fast: one real response first.
check_response() { # port
  local got
  got=$(curl -s --max-time 10 -w ' %{http_code}' "http://127.0.0.1:$1/fast/check" | tr -d '\n' || true)
  [ "$got" = "ok 200" ] || { fail_reason="answered \"$got\" (expected: \"ok 200\", body and status)"; return 1; }
}

# Prints the utime+stime, in clock ticks, of pid $1 and its children (nginx: master and worker).
tree_cpu_ticks() {
  local p sum=0
  for p in $(tree_pids "$1"); do sum=$((sum + $(proc_cpu_ticks "$p" 2>/dev/null || echo 0))); done
  echo "$sum"
}

# Prints the value of key $1 from the one-line flat JSON in file $2 (strings without quotes).
json_get() {
  sed -n 's/.*"'"$1"'":\("[^"]*"\|[^,}]*\).*/\1/p' "$2" | tail -n 1 | tr -d '"'
}

cols="cpu_us_per_req requests errors fast_n fast_p50_ms fast_p99_ms fast_p999_ms fast_max_ms slow_n slow_p50_ms slow_p99_ms slow_p999_ms slow_max_ms err_status err_timeout err_io max_send_lag_ms max_in_flight per_backend"
echo "round,position,config,status,${cols// /,},note" > "$csv"

fail_row() { # round pos name reason
  local empty
  empty=$(printf ',%.0s' $cols)
  local note=${4//,/;}; echo "$1,$2,$3,failed$empty,${note//\"/}" >> "$csv"
  log "round $1: $3 FAILED: $4"
}

# Runs the client against config $1; fails with $fail_reason set when the proxy does not work.
bench_one() { # name round position
  local name=$1 round=$2 pos=$3 p=${port[$1]} pid rc=0
  local logfile=$results_dir/logs/$name-r$round.log out=$results_dir/client/$name-r$round.json
  start_proxy "$name" "$logfile"
  pid=$last_pid
  wait_ready "$p" "$pid" "$logfile" || { stop_proc "$pid"; return 1; }
  check_response "$p" || { stop_proc "$pid"; return 1; }
  log "round $round: $name, ${warmup}s warm-up + ${duration}s measured at $rate req/s"
  # In the background and waited for, so that Ctrl-C reaches the traps at once.
  taskset -c "$load_cpu" "$java_bin" -Xms128m -Xmx512m -cp "$bench_classes" dev.gatehouse.bench.scenario.OpenLoopClient \
    --url "http://127.0.0.1:$p" --rate "$rate" --duration "$duration" --warmup "$warmup" \
    --timeout "$timeout" --slow-every "$slow_every" --slow-pattern "$slow_pattern" --arrivals "$arrivals" --seed "$((seed + round - 1))" --label "$name" > "$out" 2> "$results_dir/client/$name-r$round.err" < /dev/null &
  local client=$! t0 t1 ns0 ns1
  # The proxy's CPU (every process and thread of it) over the measured part of the schedule only.
  started+=("$client")
  sleep "$warmup"
  t0=$(tree_cpu_ticks "$pid"); ns0=$(date +%s%N)
  sleep "$duration"
  t1=$(tree_cpu_ticks "$pid"); ns1=$(date +%s%N)
  forget "$client"
  wait_child "$client" || rc=$?
  stop_proc "$pid"
  if [ "$rc" != 0 ] || [ -z "$(json_get requests "$out")" ]; then
    fail_reason="client failed (exit $rc), see $results_dir/client/$name-r$round.err"
    return 1
  fi
  # CPU per request: the window's CPU over the requests scheduled in it (the client's measured ones).
  local cpu_us
  cpu_us=$(awk -v t=$((t1 - t0)) -v hz="$clk_tck" -v n="$(json_get requests "$out")" -v ns=$((ns1 - ns0)) -v d="$duration" \
    'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n * (d * 1e9 / ns) : 0) }')
  local row="$round,$pos,$name,ok" k
  for k in $cols; do
    if [ "$k" = cpu_us_per_req ]; then row="$row,$cpu_us"; else row="$row,$(json_get "$k" "$out")"; fi
  done
  echo "$row," >> "$csv"
  log "round $round: $(cat "$results_dir/client/$name-r$round.err" | tail -n 1)"
  # Requests still queued in a backend when the proxy went away finish on their own; give the
  # backends that second so the next configuration starts with idle workers.
  sleep 1
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  if wants_kind nginx; then echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"; fi
  if wants_kind haproxy; then echo "haproxy: $("$haproxy_bin" -v 2>&1 | head -n 1)"; fi
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  if wants_kind gatehouse; then echo "gatehouse: $jar, JVM options: $jvm_opts"; fi
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo unknown)"
  echo "settings: rounds $rounds, warm-up ${warmup}s, measured ${duration}s, $rate req/s open loop ($arrivals arrivals)," \
       "1 in $slow_every slow ($slow_pattern, seeds from $seed), $backends backends (5 ms / $slow_ms ms$([ "$backend_close" = 1 ] && echo ", closing after every answer"))${degrade:+, degraded $degrade}, client timeout ${timeout}s," \
       "proxy on core $proxy_cpu, backends and client on core $load_cpu"
  echo "configs: ${configs[*]}"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

bp_list=$(IFS=,; echo "${backend_ports[*]}")
spawn "$load_cpu" "$results_dir/logs/backends.log" "$java_bin" -Xms64m -Xmx256m -cp "$bench_cp" \
  dev.gatehouse.bench.scenario.SyncBackends --ports "$bp_list" --slow-ms "$slow_ms" ${degrade:+--degrade "$degrade"} \
  $([ "$backend_close" = 1 ] && echo --close)
backends_pid=$last_pid
for ((i = 0; i < 200; i++)); do
  [ "$(grep -c '^listening on' "$results_dir/logs/backends.log" 2>/dev/null || true)" = "$backends" ] && break
  if proc_gone "$backends_pid"; then
    cat "$results_dir/logs/backends.log" >&2; die "SyncBackends exited (log: $results_dir/logs/backends.log)"
  fi
  sleep 0.1
done
[ "$(grep -c '^listening on' "$results_dir/logs/backends.log")" = "$backends" ] \
  || die "SyncBackends did not start $backends servers (log: $results_dir/logs/backends.log)"
log "backends on 127.0.0.1: ${backend_ports[*]}"
# Warm the backends' JIT before any configuration is measured: cold, they took 50 times their
# 5 ms for the first seconds, and whichever configuration ran first inherited a backlog of
# hundreds of requests (measured: its fast p99 300-500 ms against 20 ms after the backends were
# warm). 1,000 fast requests per backend on one keep-alive connection each, all at once.
warm_pids=()
for p in "${backend_ports[@]}"; do
  curl -s -o /dev/null "http://127.0.0.1:$p/fast/[1-1000]" &
  warm_pids+=($!)
done
for p in "${warm_pids[@]}"; do wait_child "$p" || die "warming the backends failed"; done
log "backends warmed: 1000 requests each"

n=${#configs[@]}
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    c=${configs[(i + r - 1) % n]}
    fail_reason=
    bench_one "$c" "$r" $((i + 1)) || fail_row "$r" $((i + 1)) "$c" "$fail_reason"
  done
done
stop_proc "$backends_pid"
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- summary

col_index() { # name -> 1-based CSV column
  head -n 1 "$csv" | tr ',' '\n' | grep -n -x "$1" | cut -d: -f1
}
# Median of column $2 over the successful rows of config $1; nothing when there are none.
median() {
  local c
  c=$(col_index "$2")
  awk -F, -v p="$1" -v c="$c" 'NR > 1 && $3 == p && $4 == "ok" && $c != "" && $c != "null" { print $c }' "$csv" \
    | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) exit 0; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sum_col() {
  local c
  c=$(col_index "$2")
  awk -F, -v p="$1" -v c="$c" 'NR > 1 && $3 == p && $4 == "ok" { s += $c } END { print s + 0 }' "$csv"
}
ok_rounds() { awk -F, -v p="$1" 'NR > 1 && $3 == p && $4 == "ok"' "$csv" | wc -l; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
num() { if [ -z "$1" ]; then printf '%s' "-"; else awk -v v="$1" 'BEGIN { printf (v >= 100 ? "%.0f" : "%.1f"), v }'; fi; }

declare -A fp99 sp99
{
  echo
  echo "Medians over rounds (ms, from each request's scheduled send time); errors summed over rounds."
  printf '%-27s %6s %8s %8s %9s %8s %8s %9s %7s %9s\n' config rounds fast_p50 fast_p99 fast_p999 \
    slow_p50 slow_p99 slow_p999 errors requests
  for c in "${configs[@]}"; do
    if [ "$(ok_rounds "$c")" = 0 ]; then
      printf '%-27s %6s %s\n' "$c" 0 "failed: $(awk -F, -v p="$c" 'NR > 1 && $3 == p { n = $NF } END { print n }' "$csv" | cut -c1-150)"
      continue
    fi
    fp99[$c]=$(median "$c" fast_p99_ms)
    sp99[$c]=$(median "$c" slow_p99_ms)
    printf '%-27s %6s %8s %8s %9s %8s %8s %9s %7s %9s\n' "$c" "$(ok_rounds "$c")" \
      "$(num "$(median "$c" fast_p50_ms)")" "$(num "${fp99[$c]}")" "$(num "$(median "$c" fast_p999_ms)")" \
      "$(num "$(median "$c" slow_p50_ms)")" "$(num "${sp99[$c]}")" "$(num "$(median "$c" slow_p999_ms)")" \
      "$(sum_col "$c" errors)" "$(median "$c" requests)"
  done

  # CPU per request, and Gatehouse's ratio to the cheapest HAProxy configuration that ran.
  echo
  echo "Proxy CPU per request (us: utime+stime of all its processes over the measured ${duration}s / requests; median, range over rounds)"
  cpu_c=$(col_index cpu_us_per_req)
  hbest=
  for c in haproxy-leastconn haproxy-leastconn-maxconn1; do
    v=$(median "$c" cpu_us_per_req)
    [ -n "$v" ] || continue
    if [ -z "$hbest" ] || awk -v a="$v" -v b="$(median "$hbest" cpu_us_per_req)" 'BEGIN { exit !(a < b) }'; then hbest=$c; fi
  done
  for c in "${configs[@]}"; do
    v=$(median "$c" cpu_us_per_req)
    [ -n "$v" ] || continue
    range=$(awk -F, -v p="$c" -v k="$cpu_c" 'NR > 1 && $3 == p && $4 == "ok" { if (n++ == 0 || $k < lo) lo = $k; if ($k > hi) hi = $k }
      END { printf "%s-%s", lo, hi }' "$csv")
    printf '%-27s %8s us  (%s)%s\n' "$c" "$v" "$range" \
      "$([ -n "$hbest" ] && [ "$c" != "$hbest" ] && echo "  $(ratio "$v" "$(median "$hbest" cpu_us_per_req)")x $hbest")"
  done

  # The best HAProxy configuration: the lowest median fast p99 among those that ran.
  best=
  for c in haproxy-leastconn haproxy-leastconn-maxconn1; do
    [ -n "${fp99[$c]:-}" ] || continue
    if [ -z "$best" ] || awk -v a="${fp99[$c]}" -v b="${fp99[$best]}" 'BEGIN { exit !(a < b) }'; then best=$c; fi
  done
  if [ -n "$best" ]; then
    echo
    echo "Best HAProxy configuration (lowest fast p99): $best (fast p99 $(num "${fp99[$best]}") ms, slow p99 $(num "${sp99[$best]}") ms)"
    for c in gatehouse-default gatehouse-unlimited gatehouse-bc1 gatehouse-slowlane; do
      [ -n "${fp99[$c]:-}" ] || continue
      printf '%-20s fast p99 %sx, slow p99 %sx of %s\n' "$c" "$(ratio "${fp99[$c]}" "${fp99[$best]}")" \
        "$(ratio "${sp99[$c]}" "${sp99[$best]}")" "$best"
    done
    # The acceptance comparisons of the scenario's issue (docs/benchmarks.md).
    verdict() { if awk -v a="$2" -v b="$3" 'BEGIN { exit !(a != "" && b != "" && a <= b) }'; then echo "met"; else echo "NOT met"; fi; }
    echo
    if [ -n "${fp99[gatehouse-bc1]:-}" ]; then
      echo "gatehouse-bc1 fast p99 <= best HAProxy fast p99: $(verdict x "${fp99[gatehouse-bc1]}" "${fp99[$best]}")"
    fi
    if [ -n "${fp99[gatehouse-slowlane]:-}" ]; then
      echo "gatehouse-slowlane fast p99 <= 1/4 of best HAProxy fast p99: $(verdict x "${fp99[gatehouse-slowlane]}" "$(awk -v b="${fp99[$best]}" 'BEGIN { print b / 4 }')")"
      echo "gatehouse-slowlane slow p99 <= 2x best HAProxy slow p99: $(verdict x "${sp99[gatehouse-slowlane]}" "$(awk -v b="${sp99[$best]}" 'BEGIN { print b * 2 }')")"
    fi
    if [ -n "${fp99[gatehouse-default]:-}" ]; then
      echo "gatehouse-default fast p99 <= 1/4 of best HAProxy fast p99: $(verdict x "${fp99[gatehouse-default]}" "$(awk -v b="${fp99[$best]}" 'BEGIN { print b / 4 }')")"
      echo "gatehouse-default slow p99 <= 2x best HAProxy slow p99: $(verdict x "${sp99[gatehouse-default]}" "$(awk -v b="${sp99[$best]}" 'BEGIN { print b * 2 }')")"
    fi
  fi
  echo
  echo "errors: non-2xx responses, timeouts (${timeout}s) and I/O errors seen by the client; should be 0"
  echo "raw numbers: $csv (one row per configuration and round; per_backend = responses per backend)"
  echo "client output, configs and logs: $results_dir"
} | tee "$results_dir/summary.txt"
