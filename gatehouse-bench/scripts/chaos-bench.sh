#!/usr/bin/env bash
# The chaos scenario: failure handling when backends die.
#
# Four backends (StubBackendMain --log-requests, one JVM each, on ports fixed up front so that a
# restarted backend comes back where the node expects it) sit behind one Gatehouse node with the
# default strategy and, unless --health-config off, the pool's health check, outlier detection,
# slow start and retries. ChaosRun sends a mix of GETs and small POSTs, each with its own
# X-Request-Id, for 60 s at 400 requests/s while its chaos thread SIGKILLs a random backend every
# 2-5 s and restarts it 1-4 s later (never one that is down, always leaving at least one up).
# ChaosReport then matches the client's failures with the backends' request logs (which ids each
# process received and answered) and the node's JSON access log, and prints the verdict:
#   idempotent failures: 0 (met)
#   non-idempotent failures explained by a kill: N of N (met)
# (a failed POST is explained when a backend process received it and was killed before answering).
#
# The node is pinned to one core (BENCH_PROXY_CPU, default 1); the client, the chaos thread and
# the backends share the other (BENCH_LOAD_CPU, default 0). Traffic goes to 127.0.0.1 only; the run
# is bounded by its duration plus the client timeout; every process started here, the backends
# included, is stopped on exit, failure, Ctrl-C or TERM. Not run in CI. See docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<USAGE
usage: gatehouse-bench/scripts/chaos-bench.sh [options]

  -d, --duration SECONDS   how long the load and the chaos run        (BENCH_DURATION, default 60)
  -R, --rate N             requests per second in all                  (BENCH_RATE, default 400)
  -W, --workers N          client workers, one connection each         (BENCH_WORKERS, default 16)
  -P, --post-share F       share of POSTs, 0-1                         (CHAOS_POST_SHARE, default 0.5)
      --delay-ms MS        the backends' delay for /delay requests     (CHAOS_DELAY_MS, default 20)
  -k, --backends N         backend processes                           (BENCH_BACKENDS, default 4)
  -K, --kill-every S       seconds between kills, MIN-MAX              (CHAOS_KILL_EVERY, default 2-5)
  -D, --down S             seconds a killed backend stays down, MIN-MAX (CHAOS_DOWN, default 1-4)
  -u, --min-up N           never kill when it leaves fewer up          (CHAOS_MIN_UP, default 1)
  -H, --health-config on|off
                           the pool's health_check, outlier_detection, slow_start and retries
                           blocks in the node's config; off for a build that does not parse them
                                                                       (CHAOS_HEALTH_CONFIG, default on)
  -s, --seed N             seed of the chaos and the request mix       (CHAOS_SEED, default random)
      --strict             count a failed POST as explained only when the killed backend process
                           logged receiving it; by default one the node sent to a backend as it
                           was killed (within --kill-window-ms) counts too (CHAOS_STRICT=1)
      --kill-window-ms MS  that window                                 (CHAOS_KILL_WINDOW_MS, default 100)
  -t, --timeout SECONDS    client timeout per request, a failure      (BENCH_TIMEOUT, default 10)
  -o, --out DIR            results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE           Gatehouse jar (GATEHOUSE_BENCH_JAR,
                           default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help               this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for the node (default: -Xms256m -Xmx256m)
  CHAOS_BACKEND_JVM_OPTS     JVM options for each backend (default: -Xms32m -Xmx64m -XX:+UseSerialGC
                             -XX:TieredStopAtLevel=1: quick to start, light on the shared core)
  BENCH_PROXY_CPU            core the node is pinned to (default 1)
  BENCH_LOAD_CPU             core of the client and the backends (default 0)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-60}
rate=${BENCH_RATE:-400}
workers=${BENCH_WORKERS:-16}
post_share=${CHAOS_POST_SHARE:-0.5}
delay_ms=${CHAOS_DELAY_MS:-20}
backends=${BENCH_BACKENDS:-4}
kill_every=${CHAOS_KILL_EVERY:-2-5}
down=${CHAOS_DOWN:-1-4}
min_up=${CHAOS_MIN_UP:-1}
health_config=${CHAOS_HEALTH_CONFIG:-on}
seed=${CHAOS_SEED:-}
strict=${CHAOS_STRICT:-0}
kill_window_ms=${CHAOS_KILL_WINDOW_MS:-100}
timeout=${BENCH_TIMEOUT:-10}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m}
backend_jvm_opts=${CHAOS_BACKEND_JVM_OPTS:--Xms32m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -R|--rate) rate=${2:?$1 needs a value}; shift 2 ;;
    -W|--workers) workers=${2:?$1 needs a value}; shift 2 ;;
    -P|--post-share) post_share=${2:?$1 needs a value}; shift 2 ;;
    --delay-ms) delay_ms=${2:?$1 needs a value}; shift 2 ;;
    -k|--backends) backends=${2:?$1 needs a value}; shift 2 ;;
    -K|--kill-every) kill_every=${2:?$1 needs a value}; shift 2 ;;
    -D|--down) down=${2:?$1 needs a value}; shift 2 ;;
    -u|--min-up) min_up=${2:?$1 needs a value}; shift 2 ;;
    -H|--health-config) health_config=${2:?$1 needs a value}; shift 2 ;;
    -s|--seed) seed=${2:?$1 needs a value}; shift 2 ;;
    --strict) strict=1; shift ;;
    --kill-window-ms) kill_window_ms=${2:?$1 needs a value}; shift 2 ;;
    -t|--timeout) timeout=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

check_int duration "$duration" 1
[ "$duration" -le 3600 ] || die "duration: \"$duration\" (expected: at most 3600 seconds)"
check_int rate "$rate" 1
[ "$rate" -le 5000 ] || die "rate: \"$rate\" (expected: at most 5000 requests/s on this machine)"
check_int workers "$workers" 1
check_int delay-ms "$delay_ms" 0
check_int backends "$backends" 2
[ "$backends" -le 16 ] || die "backends: \"$backends\" (expected: 2-16)"
check_int min-up "$min_up" 0
[ "$min_up" -lt "$backends" ] || die "min-up: \"$min_up\" (expected: fewer than the $backends backends)"
check_int timeout "$timeout" 1
check_int kill-window-ms "$kill_window_ms" 0
case "$strict" in 0|1) ;; *) die "CHAOS_STRICT: \"$strict\" (expected: 0 or 1)" ;; esac
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
[[ "$post_share" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "post-share: \"$post_share\" (expected: a number from 0 to 1)"
[[ "$kill_every" =~ ^[0-9.]+(-[0-9.]+)?$ ]] || die "kill-every: \"$kill_every\" (expected: seconds MIN-MAX such as 2-5)"
[[ "$down" =~ ^[0-9.]+(-[0-9.]+)?$ ]] || die "down: \"$down\" (expected: seconds MIN-MAX such as 1-4)"
case "$health_config" in on|off) ;; *) die "health-config: \"$health_config\" (expected: on or off)" ;; esac
if [ -n "$seed" ]; then check_int seed "$seed" 0; else seed=$(( (RANDOM << 15 | RANDOM) + 1 )); fi
[ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"

# ---------------------------------------------------------------- processes and tools

setup_cleanup
# The backends are ChaosRun's children; it stops them itself, also on TERM. When it cannot (it
# was killed), they are still listed in backends.pids: stop whichever of them is still ours.
chaos_cleanup() {
  local pid port inst
  if [ -n "${results_dir:-}" ] && [ -f "$results_dir/backends.pids" ]; then
    while read -r pid port inst; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q "StubBackendMain --port $port "; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done < "$results_dir/backends.pids"
  fi
}
trap 'cleanup; chaos_cleanup' EXIT

install_missing "curl and taskset" curl taskset:util-linux
check_cores
find_java

bench_classes=$root/gatehouse-bench/target/classes
testing_classes=$root/gatehouse-testing/target/classes
if [ ! -f "$bench_classes/dev/gatehouse/bench/chaos/ChaosRun.class" ] \
   || [ ! -f "$testing_classes/dev/gatehouse/testing/RequestEventLogHandler.class" ]; then
  log "building gatehouse-testing and gatehouse-bench (their classes are missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-bench -am
fi
resolve_jar

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results directory

make_results_dir gatehouse-chaos-bench backends

# The harness's and the backends' classpaths (bench_cp, backend_cp; see lib/bench-common.sh).
build_bench_classpath

# ---------------------------------------------------------------- ports and config

# Below the kernel's ephemeral range (init_ports in lib/bench-common.sh says why); fixed for the
# whole run, so that a restarted backend binds the port it had.
init_ports
backend_ports=()
for ((b = 0; b < backends; b++)); do pick_port; backend_ports+=("$picked_port"); done
pick_port; node_port=$picked_port

node_yaml() {
  local list p
  list=$(for p in "${backend_ports[@]}"; do printf '"127.0.0.1:%s", ' "$p"; done)
  cat <<EOF
listeners:
  - bind: 127.0.0.1:$node_port
    routes: [ { path_prefix: /, pool: app } ]
pools:
  app:
EOF
  if [ "$health_config" = on ]; then
    cat <<EOF
    health_check: { path: /status/200, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }
    outlier_detection: { consecutive_connect_failures: 2, base_ejection: 2s, max_ejection: 10s }
    slow_start: 3s
    retries: { max: 2, per_try_timeout: 2s }
EOF
  fi
  cat <<EOF
    backends: [ ${list%, } ]
access_log: { enabled: true }
EOF
}
node_yaml > "$results_dir/conf/gatehouse.yaml"

{
  machine_header
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  echo "gatehouse: $jar, JVM options: $jvm_opts"
  echo "backends: StubBackendMain --log-requests, JVM options: $backend_jvm_opts"
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo unknown)"
  echo "settings: ${duration}s at $rate req/s, $workers workers, POST share $post_share, /delay/$delay_ms," \
       "$backends backends, a kill every $kill_every s, down $down s, at least $min_up up, seed $seed," \
       "client timeout ${timeout}s, failure-handling config $health_config," \
       "node on core $proxy_cpu, client and backends on core $load_cpu"
  echo "ports: node $node_port, backends ${backend_ports[*]}"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

# The node's stdout is its JSON access log, read by the report; its own log goes to stderr.
taskset -c "$proxy_cpu" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/gatehouse.yaml" \
  > "$results_dir/logs/node.out" 2> "$results_dir/logs/node.err" < /dev/null &
node_pid=$!
started+=("$node_pid")

# The node answers as soon as it listens (502 while no backend is up yet): any HTTP status will do.
for ((i = 0; i < 600; i++)); do
  if curl -s -o /dev/null --max-time 2 -H 'X-Request-Id: chaos-ready' "http://127.0.0.1:$node_port/status/200"; then break; fi
  if proc_gone "$node_pid"; then
    tail -n 5 "$results_dir/logs/node.err" >&2
    if [ "$health_config" = on ]; then
      die "the node exited before it answered; a build that does not know the failure-handling keys rejects them: try --health-config off (log: $results_dir/logs/node.err)"
    fi
    die "the node exited before it answered (log: $results_dir/logs/node.err)"
  fi
  sleep 0.1
done
proc_gone "$node_pid" && die "the node exited (log: $results_dir/logs/node.err)"
log "node on 127.0.0.1:$node_port (pid $node_pid), backends on ${backend_ports[*]}; ${duration}s of chaos"

bp_list=$(IFS=,; echo "${backend_ports[*]}")
rc=0
# In the background and waited for, so that Ctrl-C reaches the traps at once; the backends it
# starts inherit its core.
taskset -c "$load_cpu" "$java_bin" -Xms64m -Xmx512m -cp "$bench_cp" dev.gatehouse.bench.chaos.ChaosRun \
  --node-port "$node_port" --backend-ports "$bp_list" --java "$java_bin" --backend-classpath "$backend_cp" \
  --backend-jvm-opts "$backend_jvm_opts" --out "$results_dir" --duration "$duration" --rate "$rate" \
  --workers "$workers" --post-share "$post_share" --delay-ms "$delay_ms" --timeout "$timeout" \
  --kill-every "$kill_every" --down "$down" --min-up "$min_up" --seed "$seed" \
  > "$results_dir/logs/chaos-run.log" 2>&1 < /dev/null &
wait_child $! || rc=$?
sed 's/^/bench: /' "$results_dir/logs/chaos-run.log" >&2
[ "$rc" = 0 ] || die "the chaos run failed (exit $rc; log: $results_dir/logs/chaos-run.log)"

# The access log is written off the event loops: give it a moment to reach the file, then stop
# the node (it drains) so that every line is there.
sleep 1
stop_proc "$node_pid"

report_args=(--dir "$results_dir" --access-log "$results_dir/logs/node.out" --kill-window-ms "$kill_window_ms"
             --label "failure-handling config $health_config")
if [ "$strict" = 1 ]; then report_args+=(--strict); fi
"$java_bin" -cp "$bench_cp" dev.gatehouse.bench.chaos.ChaosReport "${report_args[@]}" > "$results_dir/summary.txt" \
  || die "the report failed (run it again with: $java_bin -cp \"\$(cat $results_dir/bench-classpath.txt)\" dev.gatehouse.bench.chaos.ChaosReport --dir $results_dir --access-log $results_dir/logs/node.out)"
cat "$results_dir/summary.txt"
echo
echo "results: $results_dir (summary.txt, failures.tsv, requests.tsv, instances.tsv, chaos.tsv,"
echo "  backends/ with each backend process's request log, logs/node.out = the node's access log)"
