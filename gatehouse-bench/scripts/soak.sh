#!/usr/bin/env bash
# The soak: one Gatehouse node under a fixed load for a long time (10 minutes by default), with
# mixed methods and bodies, WebSockets and backend restarts, while its RSS, open file descriptors,
# threads and event-loop lag are sampled; at the end, the slope of each over the run after its
# warm-up, and a verdict: flat, or growing beyond the limits.
#
# Three HTTP backends (StubBackendMain) in pool "app" and two WebSocket echo backends
# (WebSocketEchoBackendMain) in pool "ws", one JVM each, on ports fixed up front so that a
# restarted backend comes back where the node expects it; the pools have health checks, outlier
# detection, slow start and retries. SoakRun (gatehouse-bench) drives the load, the WebSockets
# and the restarts (every 20-40 s a random backend gets SIGTERM or SIGKILL and is started again
# 1-3 s later) and samples the node every 5 s; SoakReport prints the table and the verdict.
#
# Traffic goes to 127.0.0.1 only; the run is bounded by its duration (plus at most a few minutes
# of start-up and wind-down, enforced with timeout); every process started here, the backends
# included, is stopped on exit, failure, Ctrl-C or TERM. A tool for engineers, not run in CI.
# See "Soak" in docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<USAGE
usage: gatehouse-bench/scripts/soak.sh [options]

  -d, --duration SECONDS   how long the load runs                      (SOAK_DURATION, default 600)
  -R, --rate N             HTTP requests per second                     (SOAK_RATE, default 200)
  -s, --seed N             seed of the request mix, the WebSockets and the restarts
                                                                        (SOAK_SEED, default random)
  -o, --out DIR            results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
  -W, --workers N          HTTP client workers                          (SOAK_WORKERS, default 32)
      --ws-sessions N      WebSocket sessions open at a time            (SOAK_WS_SESSIONS, default 16)
      --restart-every S    seconds between two backend restarts, MIN-MAX (SOAK_RESTART_EVERY, default 20-40)
      --down S             seconds a restarted backend stays down, MIN-MAX (SOAK_DOWN, default 1-3)
      --term-share F       share of restarts by SIGTERM (the rest SIGKILL), 0-1 (SOAK_TERM_SHARE, default 0.5)
      --warmup SECONDS     left out of the slopes                       (SOAK_WARMUP, default 60)
      --sample-every S     seconds between two samples                  (SOAK_SAMPLE_EVERY, default 5)
      --max-rss-pct F      limit on RSS growth, % of its mean per minute (default 1)
      --max-fds-pct F      limit on open file descriptors, %/min        (default 2)
      --max-fds-other N    limit on descriptors besides connections, per minute (default 0.5)
      --max-threads-pct F  limit on threads, %/min                      (default 1)
      --max-lag-ms F       limit on the event loops' mean lag, ms/min   (default 0.5)
      --jar FILE           Gatehouse jar (GATEHOUSE_BENCH_JAR, default gatehouse-cli/target/gatehouse.jar,
                           built when missing or older than the sources)
  -h, --help               this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for the node (default: -Xms256m -Xmx256m -XX:+AlwaysPreTouch
                             -XX:NativeMemoryTracking=summary: a fixed heap touched at start-up, so
                             that RSS growth is not heap sizing; native memory tracked by category)
  SOAK_BACKEND_JVM_OPTS      JVM options for each backend (default: -Xms32m -Xmx128m -XX:+UseSerialGC
                             -XX:TieredStopAtLevel=1)

A metric grows when its slope is above its limit and more than two standard errors above 0.
Exit status: 0 when nothing grows, 3 when something does, 1 when the run failed.
Results: summary.txt (the report), samples.csv, totals.tsv, failures.tsv, events.tsv,
histogram-{start,end}.txt, nmt-{start,end}.txt, logs/ (node, GC, driver), backends/.
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${SOAK_DURATION:-600}
rate=${SOAK_RATE:-200}
seed=${SOAK_SEED:-}
results_dir=${BENCH_RESULTS_DIR:-}
workers=${SOAK_WORKERS:-32}
ws_sessions=${SOAK_WS_SESSIONS:-16}
restart_every=${SOAK_RESTART_EVERY:-20-40}
down=${SOAK_DOWN:-1-3}
term_share=${SOAK_TERM_SHARE:-0.5}
warmup=${SOAK_WARMUP:-60}
sample_every=${SOAK_SAMPLE_EVERY:-5}
limits=()
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary}
backend_jvm_opts=${SOAK_BACKEND_JVM_OPTS:--Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -R|--rate) rate=${2:?$1 needs a value}; shift 2 ;;
    -s|--seed) seed=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    -W|--workers) workers=${2:?$1 needs a value}; shift 2 ;;
    --ws-sessions) ws_sessions=${2:?$1 needs a value}; shift 2 ;;
    --restart-every) restart_every=${2:?$1 needs a value}; shift 2 ;;
    --down) down=${2:?$1 needs a value}; shift 2 ;;
    --term-share) term_share=${2:?$1 needs a value}; shift 2 ;;
    --warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    --sample-every) sample_every=${2:?$1 needs a value}; shift 2 ;;
    --max-rss-pct|--max-fds-pct|--max-fds-other|--max-threads-pct|--max-lag-ms) limits+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

check_int duration "$duration" 1
[ "$duration" -le 7200 ] || die "duration: \"$duration\" (expected: at most 7200 seconds)"
check_int rate "$rate" 1
[ "$rate" -le 2000 ] || die "rate: \"$rate\" (expected: at most 2000 requests/s on this machine)"
check_int workers "$workers" 1
check_int ws-sessions "$ws_sessions" 0
check_int warmup "$warmup" 0
check_int sample-every "$sample_every" 1
[ "$warmup" -lt "$duration" ] || die "warmup: \"$warmup\" (expected: less than the duration, $duration s)"
[[ "$restart_every" =~ ^[0-9.]+(-[0-9.]+)?$ ]] || die "restart-every: \"$restart_every\" (expected: seconds MIN-MAX such as 20-40)"
[[ "$down" =~ ^[0-9.]+(-[0-9.]+)?$ ]] || die "down: \"$down\" (expected: seconds MIN-MAX such as 1-3)"
[[ "$term_share" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "term-share: \"$term_share\" (expected: a number from 0 to 1)"
if [ -n "$seed" ]; then check_int seed "$seed" 0; else seed=$(( (RANDOM << 15 | RANDOM) + 1 )); fi
# Not pinned: the node gets both cores and two event loops, as it would in production; load and
# backends are light next to it at the default rate.
proxy_cpu=0 load_cpu=0

# ---------------------------------------------------------------- processes and tools

setup_cleanup
# The backends are SoakRun's children; it stops them itself, also on TERM. When it cannot (it was
# killed), they are still listed in backends.pids: stop whichever of them is still ours.
soak_cleanup() {
  local pid port inst
  if [ -n "${results_dir:-}" ] && [ -f "$results_dir/backends.pids" ]; then
    while read -r pid port inst; do
      if [ -r "/proc/$pid/cmdline" ] \
         && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -Eq "(StubBackendMain|WebSocketEchoBackendMain) --port $port "; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done < "$results_dir/backends.pids"
  fi
}
trap 'cleanup; soak_cleanup' EXIT

install_missing "curl" curl
check_cores
find_java
jcmd_bin=$GATEHOUSE_JAVA_HOME/bin/jcmd
[ -x "$jcmd_bin" ] || die "jcmd: \"$jcmd_bin\" (expected: the JDK's jcmd, for the heap histograms)"

# Prints the first source file under the given module directories newer than file $1, if any.
newer_source() { # ref dir...
  local ref=$1
  shift
  find "$@" \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$ref" \
    -not -path '*/target/*' -print -quit 2>/dev/null || true
}

bench_classes=$root/gatehouse-bench/target/classes
testing_classes=$root/gatehouse-testing/target/classes
marker=$bench_classes/dev/gatehouse/bench/soak/SoakRun.class
if [ ! -f "$marker" ] || [ ! -f "$testing_classes/dev/gatehouse/testing/WebSocketEchoBackendMain.class" ] \
   || [ -n "$(newer_source "$marker" "$root/gatehouse-bench/src/main" "$root/gatehouse-testing/src/main")" ]; then
  log "building gatehouse-testing and gatehouse-bench (classes missing or older than the sources)"
  run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-bench -am
fi
if [ -z "$jar" ]; then
  default_jar=$root/gatehouse-cli/target/gatehouse.jar
  if [ ! -f "$default_jar" ] || [ -n "$(newer_source "$default_jar" "$root/gatehouse-core" "$root/gatehouse-server" "$root/gatehouse-cli")" ]; then
    log "building $default_jar (missing or older than the sources: the soak reads metrics a stale node may not have)"
    run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-cli -am
  fi
fi
resolve_jar

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results directory

make_results_dir gatehouse-soak backends

# The harness's and the backends' classpaths (bench_cp, backend_cp; see lib/bench-common.sh).
build_bench_classpath

# ---------------------------------------------------------------- ports and config

# Below the kernel's ephemeral range (init_ports in lib/bench-common.sh says why); fixed for the
# whole run, so that a restarted backend binds the port it had.
init_ports
http_ports=() ws_ports=()
for ((b = 0; b < 3; b++)); do pick_port; http_ports+=("$picked_port"); done
for ((b = 0; b < 2; b++)); do pick_port; ws_ports+=("$picked_port"); done
pick_port; node_port=$picked_port
pick_port; admin_port=$picked_port

list() { local p out=""; for p in "$@"; do out+="\"127.0.0.1:$p\", "; done; echo "${out%, }"; }
cat > "$results_dir/conf/gatehouse.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:$node_port
    routes:
      - { path_prefix: /ws/, pool: ws }
      - { path_prefix: /, pool: app }
pools:
  app:
    health_check: { path: /status/200, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }
    outlier_detection: { consecutive_connect_failures: 2, base_ejection: 2s, max_ejection: 10s }
    slow_start: 3s
    retries: { max: 2, per_try_timeout: 5s }
    backends: [ $(list "${http_ports[@]}") ]
  ws:
    health_check: { path: /health, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }
    outlier_detection: { consecutive_connect_failures: 2, base_ejection: 2s, max_ejection: 10s }
    retries: { max: 2 }
    backends: [ $(list "${ws_ports[@]}") ]
access_log: { enabled: true }
admin: { bind: "127.0.0.1:$admin_port" }
EOF

{
  machine_header
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  echo "gatehouse: $jar, JVM options: $jvm_opts"
  echo "backends: 3 x StubBackendMain (pool app), 2 x WebSocketEchoBackendMain (pool ws), JVM options: $backend_jvm_opts"
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo unknown)"
  echo "settings: ${duration}s at $rate req/s, $workers workers, $ws_sessions WebSocket sessions, a restart every" \
       "$restart_every s (down $down s, SIGTERM share $term_share), warm-up ${warmup}s, samples every ${sample_every}s, seed $seed"
  echo "ports: node $node_port, admin $admin_port, app ${http_ports[*]}, ws ${ws_ports[*]}"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

# The node's stdout is its JSON access log; its own log goes to stderr.
"$java_bin" "${jvm_args[@]}" "-Xlog:gc*:file=$results_dir/logs/node-gc.log:uptime,level,tags" \
  -jar "$jar" run --config "$results_dir/conf/gatehouse.yaml" \
  > "$results_dir/logs/node.out" 2> "$results_dir/logs/node.err" < /dev/null &
node_pid=$!
started+=("$node_pid")

# The node answers as soon as it listens (502 while no backend is up yet): any HTTP status will do.
for ((i = 0; i < 600; i++)); do
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$admin_port/metrics"; then break; fi
  if proc_gone "$node_pid"; then
    tail -n 5 "$results_dir/logs/node.err" >&2
    die "the node exited before it answered (log: $results_dir/logs/node.err)"
  fi
  sleep 0.1
done
proc_gone "$node_pid" && die "the node exited (log: $results_dir/logs/node.err)"
curl -s --max-time 2 "http://127.0.0.1:$admin_port/metrics" | grep -q '^gatehouse_event_loop_lag_seconds_count' \
  || log "warning: the node exports no gatehouse_event_loop_lag_seconds (an older build?): the lag columns stay empty"
log "node on 127.0.0.1:$node_port (pid $node_pid, admin $admin_port); ${duration}s of soak"

rc=0
# In the background and waited for, so that Ctrl-C reaches the traps at once. timeout bounds it:
# the duration, plus start-up (backends, checks) and wind-down (last responses, histograms).
timeout --signal=TERM --kill-after=30 "$((duration + 240))" \
  "$java_bin" -Xms64m -Xmx1g -cp "$bench_cp" dev.gatehouse.bench.soak.SoakRun \
  --node-port "$node_port" --admin-port "$admin_port" --node-pid "$node_pid" \
  --http-ports "$(IFS=,; echo "${http_ports[*]}")" --ws-ports "$(IFS=,; echo "${ws_ports[*]}")" \
  --java "$java_bin" --backend-classpath "$backend_cp" --backend-jvm-opts "$backend_jvm_opts" \
  --out "$results_dir" --duration "$duration" --rate "$rate" --workers "$workers" --ws-sessions "$ws_sessions" \
  --restart-every "$restart_every" --down "$down" --term-share "$term_share" --warmup "$warmup" \
  --sample-every "$sample_every" --seed "$seed" --jcmd "$jcmd_bin" \
  > "$results_dir/logs/soak-run.log" 2>&1 < /dev/null &
wait_child $! || rc=$?
sed 's/^/bench: /' "$results_dir/logs/soak-run.log" >&2
[ "$rc" = 0 ] || die "the soak run failed (exit $rc; log: $results_dir/logs/soak-run.log)"
proc_gone "$node_pid" && die "the node died during the run (log: $results_dir/logs/node.err)"

stop_proc "$node_pid"

report_rc=0
"$java_bin" -cp "$bench_cp" dev.gatehouse.bench.soak.SoakReport --dir "$results_dir" "${limits[@]}" || report_rc=$?
echo
echo "results: $results_dir (summary.txt, samples.csv, totals.tsv, failures.tsv, events.tsv, logs/)"
echo "report again: $java_bin -cp \"\$(cat $results_dir/bench-classpath.txt)\" dev.gatehouse.bench.soak.SoakReport --dir $results_dir"
case "$report_rc" in
  0) exit 0 ;;
  3) exit 3 ;;
  *) die "the report failed (exit $report_rc)" ;;
esac
