#!/usr/bin/env bash
# Hitless restarts under load: a Gatehouse node in front of one nginx backend, loaded by two wrk
# clients at once, one on keep-alive connections and one opening a new connection per request
# (Connection: close), while the node is restarted with SIGUSR2 every few seconds. Each restart
# starts a new node process that takes over the listening sockets; the old one drains and exits.
# wrk counts every failed connect ("connect" errors: refused connections), every connection that
# ended without its answer ("read"/"write" errors), timeouts and non-2xx answers: the target is 0
# of each. Prints both wrk summaries, the restarts done and how long each took (signal to the new
# process serving).
#
# The node is pinned to BENCH_PROXY_CPU (default 1), wrk and nginx to BENCH_LOAD_CPU (default 0).
# Loopback only; bounded by its duration; every process started here, the node's successors
# included, is stopped on exit, failure, Ctrl-C or TERM. Not run in CI. See docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<USAGE
usage: gatehouse-bench/scripts/restart-bench.sh [options]

  -d, --duration SECONDS   how long the load runs                     (BENCH_DURATION, default 60)
  -e, --every SECONDS      seconds between restarts                   (RESTART_EVERY, default 10)
  -c, --connections N      connections of each wrk client             (BENCH_CONNECTIONS, default 16)
  -o, --out DIR            results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE           Gatehouse jar (GATEHOUSE_BENCH_JAR,
                           default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help               this text

Other environment variables: GATEHOUSE_BENCH_JVM_OPTS (default -Xms256m -Xmx256m),
BENCH_PROXY_CPU (default 1), BENCH_LOAD_CPU (default 0).
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-60}
every=${RESTART_EVERY:-10}
connections=${BENCH_CONNECTIONS:-16}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -e|--every) every=${2:?$1 needs a value}; shift 2 ;;
    -c|--connections) connections=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
check_int duration "$duration" 10
check_int every "$every" 3
check_int connections "$connections" 1

setup_cleanup
check_cores
install_missing "nginx and wrk" nginx wrk curl taskset:util-linux
nginx_bin=$(find_sbin nginx)
find_java
resolve_jar
make_results_dir gatehouse-restart-bench wrk

init_ports
pick_port; backend_port=$picked_port
pick_port; node_port=$picked_port

mkdir -p "$results_dir/conf/backend"
{
  nginx_conf_head backend 4096
  cat <<EOF
  server {
    listen 127.0.0.1:$backend_port;
    location / { return 200 "ok\n"; }
  }
}
EOF
} > "$results_dir/conf/backend/nginx.conf"
mapfile -t nginx_argv < <(nginx_args backend)
spawn "$load_cpu" "$results_dir/logs/backend.out" "$nginx_bin" "${nginx_argv[@]}"

cat > "$results_dir/conf/gatehouse.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:$node_port
    routes: [ { path_prefix: /, pool: app } ]
access_log: { enabled: false }
pools:
  app:
    backends: [ "127.0.0.1:$backend_port" ]
EOF

{
  machine_header
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  echo "gatehouse: $jar, JVM options: $jvm_opts"
  echo "settings: ${duration}s, a restart every ${every}s, $connections keep-alive + $connections new-connection" \
       "connections, node on core $proxy_cpu, wrk and nginx on core $load_cpu"
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo unknown)"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

node_log=$results_dir/logs/node.err
taskset -c "$proxy_cpu" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/gatehouse.yaml" \
  > "$results_dir/logs/node.out" 2> "$node_log" < /dev/null &
node_pid=$!
started+=("$node_pid")
for ((i = 0; i < 600; i++)); do
  # The SIGUSR2 handler is in place once this line is out.
  if grep -q "runtime state" "$node_log" && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$node_port/"; then break; fi
  proc_gone "$node_pid" && die "the node exited before it answered (log: $node_log)"
  sleep 0.1
done
log "node on 127.0.0.1:$node_port (pid $node_pid); ${duration}s of load, a restart every ${every}s"

# Warm-up, so that the first restart does not meet a cold JIT on top of a new process.
taskset -c "$load_cpu" wrk -t1 -c"$connections" -d5s "http://127.0.0.1:$node_port/" > "$results_dir/wrk/warmup.txt"

taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$node_port/" \
  > "$results_dir/wrk/keep-alive.txt" 2>&1 &
wrk_keep=$!
started+=("$wrk_keep")
taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Connection: close" \
  "http://127.0.0.1:$node_port/" > "$results_dir/wrk/new-connection.txt" 2>&1 &
wrk_new=$!
started+=("$wrk_new")

restarts=0
echo "restart,signal_ms,serving_ms,old_exit_ms,old_pid,new_pid" > "$results_dir/restarts.csv"
end=$((SECONDS + duration - every / 2))
sleep "$every"
while [ "$SECONDS" -lt "$end" ]; do
  before=$(grep -c "restart: new process .* serves" "$node_log" || true)
  t0=$(date +%s%3N)
  kill -USR2 "$node_pid"
  new_pid=
  for ((i = 0; i < 1200; i++)); do
    if [ "$(grep -c "restart: new process .* serves" "$node_log" || true)" -gt "$before" ]; then
      new_pid=$(grep -o "restart: new process [0-9]* serves" "$node_log" | tail -n 1 | awk '{ print $4 }')
      break
    fi
    if grep -q "restart failed" "$node_log"; then die "a restart failed (log: $node_log)"; fi
    sleep 0.05
  done
  [ -n "$new_pid" ] || die "no new process serves 60 s after SIGUSR2 (log: $node_log)"
  t1=$(date +%s%3N)
  started+=("$new_pid")
  for ((i = 0; i < 1200; i++)); do proc_gone "$node_pid" && break; sleep 0.05; done
  t2=$(date +%s%3N)
  wait "$node_pid" 2>/dev/null || true
  forget "$node_pid"
  restarts=$((restarts + 1))
  echo "$restarts,$t0,$((t1 - t0)),$((t2 - t0)),$node_pid,$new_pid" >> "$results_dir/restarts.csv"
  log "restart $restarts: new process $new_pid served $((t1 - t0)) ms after SIGUSR2; old $node_pid exited after $((t2 - t0)) ms"
  node_pid=$new_pid
  sleep "$every"
done
wait_child "$wrk_keep" || true
wait_child "$wrk_new" || true

summary() { # file label
  local f=$1 label=$2 reqs errs non2xx
  reqs=$(awk '/requests in/ { print $1 }' "$f")
  errs=$(grep -o 'Socket errors:.*' "$f" || echo "Socket errors: none")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$f")
  printf '%-15s %8s requests; %s; non-2xx: %s\n' "$label" "$reqs" "$errs" "${non2xx:-0}"
}
{
  echo "restarts: $restarts (signal to new process serving, ms: $(tail -n +2 "$results_dir/restarts.csv" | cut -d, -f3 | paste -sd' ' -))"
  summary "$results_dir/wrk/keep-alive.txt" keep-alive
  summary "$results_dir/wrk/new-connection.txt" new-connection
} | tee "$results_dir/summary.txt"
