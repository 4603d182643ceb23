#!/usr/bin/env bash
# The deploy scenario: a version change under continuous load, side by side in one run.
#
# Eight backends run for the whole run (StubBackendMain --log-requests, one JVM each): four named
# v1-0..v1-3 and four v2-0..v2-3; every response carries its process's name in X-Backend, so the
# client knows the version of each response, and every process logs when it received and answered
# each request id. Then, configuration after configuration and round after round, a proxy starts
# in front of the v1 backends and DeployRun sends GET /delay/5-20 at 400 requests/s over 16
# keep-alive connections for 20 s, each request with its own X-Request-Id; 8 s in, it switches to
# v2:
#   gatehouse-fast    POST /api/v1/pools/web/deploy {"version":"v2","backends":[...],"mode":"fast"},
#                     then GET it until its phase is done or aborted
#   gatehouse-strict  the same with "mode":"strict"
#   nginx-reload      the naive way: rewrite the upstream to the v2 servers, nginx -s reload
#   haproxy-reload    the naive way: rewrite the backend to the v2 servers, check the config and
#                     reload (master-worker: USR2 to the master, what `systemctl reload` does)
# and, when asked for with -c (not by default), the same Gatehouse deploys to a fleet:
#   gatehouse-fleet-fast, gatehouse-fleet-strict
#                     three nodes n1-n3 that share their state on one etcd member (a fresh fleet
#                     name every round), the load's workers spread over them (worker i -> node
#                     i mod 3), the deploy sent to n1 as to the one node
# DeployReport then matches the client's records with the backends' logs and Gatehouse's access
# log (a fleet's: its nodes' logs together, and each node's) and prints, per configuration
# (medians over rounds): failed requests, v1 responses after the first v2 response, v1 requests
# started after (or still running when) the first v2 request started, time from the command to the
# first v2 and to the last v1 response, and for Gatehouse how long requests waited at the switch;
# then the acceptance lines of the deploy issue, and a fleet's figures beside one node's.
#
# The proxy is pinned to one core (BENCH_PROXY_CPU, default 1), a fleet's three nodes all on it;
# the client, the backends and etcd share the other (BENCH_LOAD_CPU, default 0). Traffic goes to
# 127.0.0.1 only; every round is bounded (its duration, the client timeout, a deploy timeout);
# every process started here is stopped on exit, failure, Ctrl-C or TERM. Not run in CI. See
# docs/benchmarks.md.
set -euo pipefail

default_configs=gatehouse-fast,gatehouse-strict,nginx-reload,haproxy-reload
# The fleets run only when asked for: they add etcd and two more nodes to the machine.
fleet_configs=gatehouse-fleet-fast,gatehouse-fleet-strict
all_configs=$default_configs,$fleet_configs
# The report's order: each fleet beside its one-node configuration.
report_order=gatehouse-fast,gatehouse-fleet-fast,gatehouse-strict,gatehouse-fleet-strict,nginx-reload,haproxy-reload
fleet_nodes=(n1 n2 n3)

usage() {
  cat <<USAGE
usage: gatehouse-bench/scripts/deploy-bench.sh [options]

  -r, --rounds N            rounds; the table shows medians           (BENCH_ROUNDS, default 3)
  -d, --duration SECONDS    load per configuration and round          (BENCH_DURATION, default 20)
  -T, --switch-at SECONDS   when the switch to v2 is made             (DEPLOY_SWITCH_AT, default 8)
  -R, --rate N              requests per second in all                (BENCH_RATE, default 400)
  -W, --workers N           client connections, one worker each       (BENCH_WORKERS, default 16)
      --delay-ms MIN-MAX    the backends' delay, drawn per request    (DEPLOY_DELAY_MS, default 5-20)
  -c, --configs LIST        comma-separated, in round-1 order         (BENCH_CONFIGS, default
                            $default_configs;
                            also $fleet_configs: three nodes
                            sharing their state on one etcd member)
  -H, --health-check on|off Gatehouse's pool health check, which the deploy's readiness gate uses
                            (off: a TCP connect)                      (DEPLOY_HEALTH_CHECK, default on)
      --deploy-via api|cli  the Gatehouse deploy through the admin API (POST, then GET until done)
                            or \`gatehouse deploy\` (once the CLI has it; its JVM start counts in
                            the command's time)                       (DEPLOY_VIA, default api)
      --deploy-timeout S    how long a Gatehouse deploy may take      (DEPLOY_TIMEOUT, default 60)
  -t, --timeout SECONDS     client timeout per request, a failure     (BENCH_TIMEOUT, default 10)
  -s, --seed N              seed of the delays                        (DEPLOY_SEED, default random)
  -o, --out DIR             results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE            Gatehouse jar (GATEHOUSE_BENCH_JAR,
                            default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help                this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for the node, each of a fleet's (default: -Xms256m -Xmx256m)
  DEPLOY_BACKEND_JVM_OPTS    JVM options for each backend (default: -Xms32m -Xmx64m -XX:+UseSerialGC
                             -XX:TieredStopAtLevel=1: quick to start, light on the shared core)
  BENCH_PROXY_CPU            core the proxy is pinned to (default 1)
  BENCH_LOAD_CPU             core of the client, the backends and etcd (default 0)
  DEPLOY_ETCD                the etcd binary for the fleets (default: etcd on PATH or /usr/bin/etcd,
                             installed with apt-get install etcd-server when missing)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-20}
switch_at=${DEPLOY_SWITCH_AT:-8}
rate=${BENCH_RATE:-400}
workers=${BENCH_WORKERS:-16}
delay_ms=${DEPLOY_DELAY_MS:-5-20}
config_list=${BENCH_CONFIGS:-$default_configs}
health_check=${DEPLOY_HEALTH_CHECK:-on}
deploy_via=${DEPLOY_VIA:-api}
deploy_timeout=${DEPLOY_TIMEOUT:-60}
timeout=${BENCH_TIMEOUT:-10}
seed=${DEPLOY_SEED:-}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m}
backend_jvm_opts=${DEPLOY_BACKEND_JVM_OPTS:--Xms32m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}

while [ $# -gt 0 ]; do
  case "$1" in
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -T|--switch-at) switch_at=${2:?$1 needs a value}; shift 2 ;;
    -R|--rate) rate=${2:?$1 needs a value}; shift 2 ;;
    -W|--workers) workers=${2:?$1 needs a value}; shift 2 ;;
    --delay-ms) delay_ms=${2:?$1 needs a value}; shift 2 ;;
    -c|--configs) config_list=${2:?$1 needs a value}; shift 2 ;;
    -H|--health-check) health_check=${2:?$1 needs a value}; shift 2 ;;
    --deploy-via) deploy_via=${2:?$1 needs a value}; shift 2 ;;
    --deploy-timeout) deploy_timeout=${2:?$1 needs a value}; shift 2 ;;
    -t|--timeout) timeout=${2:?$1 needs a value}; shift 2 ;;
    -s|--seed) seed=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

check_int rounds "$rounds" 1
[ "$rounds" -le 20 ] || die "rounds: \"$rounds\" (expected: at most 20)"
check_int duration "$duration" 2
[ "$duration" -le 600 ] || die "duration: \"$duration\" (expected: at most 600 seconds)"
check_int switch-at "$switch_at" 1
[ "$switch_at" -lt "$duration" ] || die "switch-at: \"$switch_at\" (expected: less than the duration, $duration)"
check_int rate "$rate" 1
[ "$rate" -le 5000 ] || die "rate: \"$rate\" (expected: at most 5000 requests/s on this machine)"
check_int workers "$workers" 1
[ "$workers" -le 512 ] || die "workers: \"$workers\" (expected: at most 512)"
[[ "$delay_ms" =~ ^[0-9]+(-[0-9]+)?$ ]] || die "delay-ms: \"$delay_ms\" (expected: milliseconds MIN-MAX such as 5-20)"
case "$health_check" in on|off) ;; *) die "health-check: \"$health_check\" (expected: on or off)" ;; esac
case "$deploy_via" in api|cli) ;; *) die "deploy-via: \"$deploy_via\" (expected: api or cli)" ;; esac
check_int deploy-timeout "$deploy_timeout" 1
check_int timeout "$timeout" 1
if [ -n "$seed" ]; then check_int seed "$seed" 0; else seed=$(( RANDOM * 32768 + RANDOM )); fi
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
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
is_fleet() { case "$1" in gatehouse-fleet-*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- processes and tools

setup_cleanup
# etcd's data lives on tmpfs for the run; gone with it however the script ends.
etcd_dir=
remove_etcd_dir() { if [ -n "$etcd_dir" ]; then rm -rf "$etcd_dir"; etcd_dir=; fi; }
trap 'cleanup; remove_etcd_dir' EXIT

need=()
if wants_kind nginx; then need+=(nginx); fi
if wants_kind haproxy; then need+=(haproxy); fi
if wants_kind gatehouse-fleet && [ -z "${DEPLOY_ETCD:-}" ]; then need+=(etcd:etcd-server); fi
need+=(curl taskset:util-linux)
install_missing "nginx, haproxy and etcd-server" "${need[@]}"
nginx_bin=$(find_sbin nginx)
haproxy_bin=$(find_sbin haproxy)
etcd_bin=${DEPLOY_ETCD:-$(find_sbin etcd)}
if wants_kind nginx && [ -z "$nginx_bin" ]; then die "nginx not found after install"; fi
if wants_kind haproxy && [ -z "$haproxy_bin" ]; then die "haproxy not found after install"; fi
if wants_kind gatehouse-fleet && [ ! -x "$etcd_bin" ]; then die "etcd not found (DEPLOY_ETCD: \"${DEPLOY_ETCD:-}\")"; fi
check_cores
find_java

bench_classes=$root/gatehouse-bench/target/classes
testing_classes=$root/gatehouse-testing/target/classes
if [ ! -f "$bench_classes/dev/gatehouse/bench/deploy/DeployRun.class" ] \
   || [ ! -f "$testing_classes/dev/gatehouse/testing/StubBackendMain.class" ]; then
  log "building gatehouse-testing and gatehouse-bench (their classes are missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-bench -am
fi
if wants_kind gatehouse; then resolve_jar; fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results directory

make_results_dir gatehouse-deploy-bench backends
mkdir -p "$results_dir/runs"

# Netty, Logback and Jackson for the backends and the harness, with the project's own modules from
# this source tree's target/classes (lib/bench-common.sh).
build_bench_classpath
read -r -a backend_jvm_args <<< "$backend_jvm_opts"

# ---------------------------------------------------------------- ports

# Below the kernel's ephemeral range (init_ports in lib/bench-common.sh says why).
init_ports
v1_ports=() v2_ports=()
for ((b = 0; b < 4; b++)); do pick_port; v1_ports+=("$picked_port"); done
for ((b = 0; b < 4; b++)); do pick_port; v2_ports+=("$picked_port"); done
# A fleet's nodes each have their own: port[CONFIG:NODE], admin_port[CONFIG:NODE]; port[CONFIG]
# and admin_port[CONFIG] are then n1's, where the deploy goes.
declare -A port admin_port
for c in "${configs[@]}"; do
  if is_fleet "$c"; then
    for node in "${fleet_nodes[@]}"; do
      pick_port; port[$c:$node]=$picked_port
      pick_port; admin_port[$c:$node]=$picked_port
    done
    port[$c]=${port[$c:n1]} admin_port[$c]=${admin_port[$c:n1]}
    continue
  fi
  pick_port; port[$c]=$picked_port
  case "$c" in gatehouse-*) pick_port; admin_port[$c]=$picked_port ;; esac
done
if wants_kind gatehouse-fleet; then pick_port; etcd_port=$picked_port; pick_port; etcd_peer_port=$picked_port; fi
v2_list=$(for p in "${v2_ports[@]}"; do printf '127.0.0.1:%s,' "$p"; done)
v2_list=${v2_list%,}

# ---------------------------------------------------------------- configs

gatehouse_yaml() { # config [node fleet]: one node, or node $2 of fleet $3
  local p key=$1${2:+:$2}
  cat <<EOF
listeners:
  - bind: 127.0.0.1:${port[$key]}
    routes: [ { path_prefix: /, pool: web } ]
admin:
  bind: 127.0.0.1:${admin_port[$key]}
pools:
  web:
EOF
  if [ "$health_check" = on ]; then
    echo "    health_check: { path: /status/200, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }"
  fi
  echo "    backends:"
  for p in "${v1_ports[@]}"; do echo "      - { address: 127.0.0.1:$p, version: v1 }"; done
  echo "access_log: { enabled: true }"
  if [ -n "${2:-}" ]; then
    cat <<EOF
fleet:
  name: $3
  node: $2
  endpoints: [ "http://127.0.0.1:$etcd_port" ]
  timeout: 2s
EOF
  fi
}

nginx_conf() { # instance config version ports...
  local name=$1 config=$2 version=$3 p
  shift 3
  nginx_conf_head "$name" 4096
  echo "  upstream web {   # $version"
  for p in "$@"; do echo "    server 127.0.0.1:$p;"; done
  cat <<EOF
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port[$config]};
    location / {
      proxy_pass http://web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
}

haproxy_cfg() { # config version ports...
  local config=$1 version=$2 i=0 p
  shift 2
  cat <<EOF
global
  nbthread 1
  maxconn 4000

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s

frontend fe
  bind 127.0.0.1:${port[$config]}
  default_backend web

backend web   # $version
EOF
  for p in "$@"; do echo "  server ${version}-$i 127.0.0.1:$p"; i=$((i + 1)); done
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  if wants_kind nginx; then echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"; fi
  if wants_kind haproxy; then echo "haproxy: $("$haproxy_bin" -v 2>&1 | head -n 1)"; fi
  echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
  if wants_kind gatehouse; then echo "gatehouse: $jar, JVM options: $jvm_opts, health check $health_check, deploy via $deploy_via"; fi
  if wants_kind gatehouse-fleet; then
    echo "fleets: ${#fleet_nodes[@]} nodes (${fleet_nodes[*]}) on core $proxy_cpu, each with the JVM options above;" \
         "etcd: $("$etcd_bin" --version 2>&1 | head -n 1), one member on core $load_cpu, client port $etcd_port"
  fi
  echo "backends: StubBackendMain --log-requests, JVM options: $backend_jvm_opts"
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo unknown)"
  echo "settings: $rounds rounds, ${duration}s per configuration and round, the switch at ${switch_at}s," \
       "$rate req/s over $workers connections, /delay/$delay_ms, client timeout ${timeout}s, seed $seed," \
       "proxy on core $proxy_cpu, client and backends on core $load_cpu"
  echo "configs: ${configs[*]}"
  echo "ports: v1 ${v1_ports[*]}, v2 ${v2_ports[*]}"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the backends

start_backend() { # name port
  spawn "$load_cpu" "$results_dir/backends/$1.log" "$java_bin" "${backend_jvm_args[@]}" -cp "$backend_cp" \
    dev.gatehouse.testing.StubBackendMain --port "$2" --name "$1" --log-requests
}
for ((b = 0; b < 4; b++)); do start_backend "v1-$b" "${v1_ports[$b]}"; done
for ((b = 0; b < 4; b++)); do start_backend "v2-$b" "${v2_ports[$b]}"; done
backend_pids=("${started[@]}")
for ((i = 0; i < 600; i++)); do
  up=0
  for f in "$results_dir"/backends/v[12]-[0-3].log; do
    if head -c 4096 "$f" 2>/dev/null | grep -q '^listening on'; then up=$((up + 1)); fi
  done
  [ "$up" = 8 ] && break
  for pid in "${backend_pids[@]}"; do
    proc_gone "$pid" && die "a backend exited before it listened (logs: $results_dir/backends)"
  done
  sleep 0.1
done
[ "$up" = 8 ] || die "the backends did not all start within 60 s (logs: $results_dir/backends)"
log "backends up: v1 on ${v1_ports[*]}, v2 on ${v2_ports[*]}; warming them up"
# A stub JVM that never served a request takes most of a second over its first ones; without this
# the first configuration to switch would meet a cold v2 and the later ones a warm one.
all_ports=$(IFS=,; echo "${v1_ports[*]},${v2_ports[*]}")
taskset -c "$load_cpu" "$java_bin" -cp "$bench_cp" dev.gatehouse.bench.deploy.BackendWarmup --ports "$all_ports" \
  > "$results_dir/logs/warmup.log" 2>&1 < /dev/null &
wait_child $! || die "the backends' warm-up failed (log: $results_dir/logs/warmup.log)"

# The launcher records the CLI's start-up archive on its first command after a build (a few
# seconds, once per build); a user's first deploy after an upgrade pays it, not every deploy. Here
# it is paid before the rounds, with a command that needs no node.
if [ "$deploy_via" = cli ] && [ "$jar" = "$root/gatehouse-cli/target/gatehouse.jar" ]; then
  printf 'listeners: [ { bind: "127.0.0.1:0", routes: [ { path_prefix: /, pool: web } ] } ]\npools: { web: { backends: [ { address: "127.0.0.1:%s" } ] } }\n' \
    "${v1_ports[0]}" > "$results_dir/conf/launcher-check.yaml"
  "$root/bin/gatehouse" validate --config "$results_dir/conf/launcher-check.yaml" \
    > "$results_dir/logs/launcher.log" 2>&1 < /dev/null || die "bin/gatehouse validate failed (log: $results_dir/logs/launcher.log)"
fi

# ---------------------------------------------------------------- etcd, for the fleets

# One member for the whole run (each round's fleet has a name of its own, so it starts from v1
# with an empty state), on the load's core: the proxy's core is the nodes'. Its data is on tmpfs,
# with the tests' heartbeat and election times (EtcdCluster in gatehouse-testing).
start_etcd() {
  local i base=/dev/shm
  [ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
  etcd_dir=$(mktemp -d "$base/gatehouse-deploy-bench-etcd.XXXXXX")
  spawn "$load_cpu" "$results_dir/logs/etcd.log" "$etcd_bin" --name b0 --data-dir "$etcd_dir/data" --logger zap \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "b0=http://127.0.0.1:$etcd_peer_port" --heartbeat-interval 50 --election-timeout 500
  etcd_pid=$last_pid
  for ((i = 0; i < 300; i++)); do
    if curl -s --max-time 2 "http://127.0.0.1:$etcd_port/health" | grep -q '"health":"true"'; then return 0; fi
    proc_gone "$etcd_pid" && die "etcd exited before it was healthy (log: $results_dir/logs/etcd.log)"
    sleep 0.1
  done
  die "etcd was not healthy within 30 s (log: $results_dir/logs/etcd.log)"
}
etcd_pid=
if wants_kind gatehouse-fleet; then
  start_etcd
  log "etcd up on 127.0.0.1:$etcd_port (data in $etcd_dir)"
fi

# ---------------------------------------------------------------- one round of one configuration

# Waits until 127.0.0.1:$1 answers HTTP at all (up to 60 s); sets $fail_reason and fails otherwise.
wait_ready() { # port pid logfile
  local i
  for ((i = 0; i < 600; i++)); do
    if curl -s -o /dev/null --max-time 2 -H 'X-Request-Id: deploy-ready' "http://127.0.0.1:$1/delay/0"; then return 0; fi
    if proc_gone "$2"; then
      fail_reason="exited before it answered (log: $3: $(grep -v '^\s*$' "$3" | tail -n 3 | tr '\n' ' ' | cut -c1-300))"
      return 1
    fi
    sleep 0.1
  done
  fail_reason="did not answer within 60 s (log: $3)"
  return 1
}

# Waits until the node's admin API at 127.0.0.1:$1 says it is current (GET /api/v1/health 200:
# a fleet node serves strict pools only once confirmed), up to 60 s; sets $fail_reason and fails
# otherwise.
wait_current() { # admin_port pid logfile
  local i code=
  for ((i = 0; i < 600; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/api/v1/health" || true)
    if [ "$code" = 200 ]; then return 0; fi
    if proc_gone "$2"; then
      fail_reason="exited before it was current (log: $3: $(grep -v '^\s*$' "$3" | tail -n 3 | tr '\n' ' ' | cut -c1-300))"
      return 1
    fi
    sleep 0.1
  done
  fail_reason="not current within 60 s (GET /api/v1/health: ${code:-no answer}; log: $3)"
  return 1
}

# Starts a Gatehouse node with config file $1, its access log (stdout) to $2 and its own log
# (stderr) to $3, pinned to the proxy's core; adds it to proxy_pids and started.
start_node() { # config_file access_log err_log
  taskset -c "$proxy_cpu" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$1" > "$2" 2> "$3" < /dev/null &
  proxy_pids+=("$!")
  started+=("$!")
}

# Starts the fleet of configuration $1 for round $2: its nodes, each with a config of its own
# (node name, listener and admin port) under a fleet name of the round's own, so that the round
# starts from v1 with an empty state in etcd. One after the other, each answering and current
# before the next starts: a node whose first read from etcd takes longer than the fleet's 2 s
# timeout exits at start, which three JVMs starting at once on the one proxy core made likely. On a
# busy machine it still happens now and then (the first read includes the etcd client's connect
# and class loading): such a node is started again, up to three tries (the failed tries' logs kept
# as .err.1, .err.2), before the round fails.
start_fleet() { # config round
  local config=$1 name=$1-r$2 conf=$results_dir/conf/$1-r$2 run=$results_dir/runs/$1-r$2 node try err
  local fleet=bench-${config##*-}-r$2-$(( RANDOM * 32768 + RANDOM ))
  for node in "${fleet_nodes[@]}"; do
    gatehouse_yaml "$config" "$node" "$fleet" > "$conf/gatehouse-$node.yaml"
    err=$results_dir/logs/$name-$node.err
    for try in 1 2 3; do
      start_node "$conf/gatehouse-$node.yaml" "$run/access-$node.log" "$err"
      if wait_ready "${port[$config:$node]}" "${proxy_pids[-1]}" "$err" \
         && wait_current "${admin_port[$config:$node]}" "${proxy_pids[-1]}" "$err"; then
        break
      fi
      if [ "$try" = 3 ] || ! proc_gone "${proxy_pids[-1]}"; then fail_reason="$node: $fail_reason"; return 1; fi
      log "$name: $node $fail_reason; starting it again (try $((try + 1)) of 3)"
      stop_proc "${proxy_pids[-1]}"
      unset 'proxy_pids[-1]'
      mv "$err" "$err.$try"
    done
  done
  load_port=$(for node in "${fleet_nodes[@]}"; do printf '%s,' "${port[$config:$node]}"; done)
  load_port=${load_port%,}
}

# Starts configuration $1 for round $2 in front of v1 and sets proxy_pids, the port(s) the load
# goes to (load_port) and the DeployRun arguments of its switch (switch_args); sets $fail_reason
# and fails when it does not come up.
start_config() { # config round
  local config=$1 name=$1-r$2 conf=$results_dir/conf/$1-r$2 run=$results_dir/runs/$1-r$2 v2 node_conf
  local -a args
  mkdir -p "$conf" "$run"
  load_port=${port[$config]}
  case "$config" in
    gatehouse-*)
      if is_fleet "$config"; then
        start_fleet "$config" "$2" || return 1
        # The deploy goes to n1, as to the one node; the others follow the fleet's state.
        node_conf=$conf/gatehouse-n1.yaml
      else
        node_conf=$conf/gatehouse.yaml
        gatehouse_yaml "$config" > "$node_conf"
        # The node's stdout is its JSON access log, read by the report; its own log goes to stderr.
        # The state file lies next to the config: every round starts from the config's v1.
        start_node "$node_conf" "$run/access.log" "$results_dir/logs/$name.err"
        wait_ready "${port[$config]}" "${proxy_pids[0]}" "$results_dir/logs/$name.err" || return 1
      fi
      if [ "$deploy_via" = api ]; then
        switch_args=(--admin-port "${admin_port[$config]}" --backends "$v2_list" --mode "${config##*-}"
                     --pool web --version v2 --deploy-timeout "$deploy_timeout")
      else
        # The CLI finds the admin listener in the config file and waits for the deploy's end.
        {
          echo "# written by deploy-bench.sh: the deploy of $name through the CLI"
          # The launcher, as a user runs it (its cached JDK and start-up archive included), unless
          # --jar named another build, which only `java -jar` can run.
          if [ "$jar" = "$root/gatehouse-cli/target/gatehouse.jar" ]; then
            printf 'exec'; printf " '%s'" "$root/bin/gatehouse" deploy --config "$node_conf" --pool web --version v2
          else
            printf 'exec'; printf " '%s'" "$java_bin" -jar "$jar" deploy --config "$node_conf" --pool web --version v2
          fi
          for v2 in "${v2_ports[@]}"; do printf " --backend 127.0.0.1:%s" "$v2"; done
          if [ "${config##*-}" = strict ]; then printf ' --strict'; fi
          echo
        } > "$conf/switch.sh"
        switch_args=(--command "$conf/switch.sh" --command-log "$results_dir/logs/$name-switch.log"
                     --probe-admin-port "${admin_port[$config]}" --deploy-timeout "$deploy_timeout")
      fi
      ;;
    nginx-reload)
      nginx_conf "$name" "$config" v1 "${v1_ports[@]}" > "$conf/nginx.conf"
      nginx_conf "$name" "$config" v2 "${v2_ports[@]}" > "$conf/nginx-v2.conf"
      mapfile -t args < <(nginx_args "$name")
      spawn "$proxy_cpu" "$results_dir/logs/$name.log" "$nginx_bin" "${args[@]}"
      proxy_pids=("$last_pid")
      wait_ready "${port[$config]}" "$last_pid" "$results_dir/logs/$name.log" || return 1
      # The naive deploy: point the upstream at the new servers and reload (what `systemctl
      # reload nginx` runs). -p and -c find the master's pid file.
      {
        echo "# written by deploy-bench.sh: the naive switch of $name"
        echo "cp '$conf/nginx-v2.conf' '$conf/nginx.conf'"
        # The arguments of the running master, without -g 'daemon off;' (-p, -c and -e, if any).
        printf 'exec'; printf " '%s'" "$nginx_bin" "${args[@]:0:4}" "${args[@]:6}"; echo " -s reload"
      } > "$conf/switch.sh"
      switch_args=(--command "$conf/switch.sh" --command-log "$results_dir/logs/$name-switch.log")
      ;;
    haproxy-reload)
      haproxy_cfg "$config" v1 "${v1_ports[@]}" > "$conf/haproxy.cfg"
      haproxy_cfg "$config" v2 "${v2_ports[@]}" > "$conf/haproxy-v2.cfg"
      # Master-worker mode in the foreground, as the packaged service runs it (-Ws there).
      spawn "$proxy_cpu" "$results_dir/logs/$name.log" "$haproxy_bin" -W -f "$conf/haproxy.cfg"
      proxy_pids=("$last_pid")
      wait_ready "${port[$config]}" "$last_pid" "$results_dir/logs/$name.log" || return 1
      # The naive deploy: the new servers in the config, check it, USR2 to the master (what
      # `systemctl reload haproxy` runs): a new worker takes the listeners, the old one finishes
      # its connections and exits.
      {
        echo "# written by deploy-bench.sh: the naive switch of $name"
        echo "cp '$conf/haproxy-v2.cfg' '$conf/haproxy.cfg'"
        echo "'$haproxy_bin' -c -q -f '$conf/haproxy.cfg' || exit 1"
        echo "exec kill -USR2 $last_pid"
      } > "$conf/switch.sh"
      switch_args=(--command "$conf/switch.sh" --command-log "$results_dir/logs/$name-switch.log")
      ;;
  esac
}

# Stops the round's proxies: the one, or a fleet's nodes, each sent TERM at once (so that their
# graceful stops overlap), then each waited for, KILLed after 10 s (stop_proc).
stop_proxies() {
  local pid
  if [ "${#proxy_pids[@]}" -gt 1 ]; then
    for pid in "${proxy_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  fi
  for pid in "${proxy_pids[@]}"; do stop_proc "$pid"; done
  proxy_pids=()
}

# Runs configuration $1 for round $2: start it, run the load and the switch, stop it. Sets
# $fail_reason and fails when the round could not run (the report shows why).
run_config() { # config round
  local config=$1 round=$2 name=$1-r$2 rc=0
  local run=$results_dir/runs/$name
  proxy_pids=()
  switch_args=()
  if ! start_config "$config" "$round"; then
    stop_proxies
    return 1
  fi
  # In the background and waited for, so that Ctrl-C reaches the traps at once.
  taskset -c "$load_cpu" "$java_bin" -Xms64m -Xmx512m -cp "$bench_cp" dev.gatehouse.bench.deploy.DeployRun \
    --port "$load_port" --out "$run" --config "$config" --round "$round" --id-prefix "$name" \
    --duration "$duration" --switch-at "$switch_at" --rate "$rate" --workers "$workers" --delay-ms "$delay_ms" \
    --timeout "$timeout" --seed $((seed + round)) "${switch_args[@]}" \
    > "$results_dir/logs/$name-run.log" 2>&1 < /dev/null &
  wait_child $! || rc=$?
  sed 's/^/bench: /' "$results_dir/logs/$name-run.log" >&2
  if [ "$rc" = 3 ]; then
    stop_proxies
    die "$config: this Gatehouse build has no deploy API (above). Build one that has" \
        "POST /api/v1/pools/{pool}/deploy, or measure the naive reloads alone: $0 -c nginx-reload,haproxy-reload"
  fi
  # Gatehouse writes its access log off the event loops: a moment for the last lines, then a
  # graceful stop so that every line is in the file.
  case "$config" in gatehouse-*) sleep 1 ;; esac
  stop_proxies
  if [ "$rc" != 0 ]; then
    fail_reason="the round's client failed (exit $rc; log: $results_dir/logs/$name-run.log)"
    return 1
  fi
  # Requests still in a backend when the proxy went away finish on their own: a second for them.
  sleep 1
}

# ---------------------------------------------------------------- the run

n=${#configs[@]}
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    c=${configs[(i + r - 1) % n]}
    fail_reason=
    if ! run_config "$c" "$r"; then
      log "round $r: $c FAILED: $fail_reason"
      mkdir -p "$results_dir/runs/$c-r$r"
      echo "$fail_reason" > "$results_dir/runs/$c-r$r/failed.txt"
    fi
  done
done
for pid in "${backend_pids[@]}"; do stop_proc "$pid"; done
if [ -n "$etcd_pid" ]; then stop_proc "$etcd_pid"; remove_etcd_dir; fi
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- the report

{
  echo "deploy under load: ${duration}s per configuration and round, the switch at ${switch_at}s;" \
       "$rate req/s over $workers keep-alive connections, GET /delay/$delay_ms; $rounds rounds"
  echo
  "$java_bin" -cp "$bench_cp" dev.gatehouse.bench.deploy.DeployReport --dir "$results_dir" --configs "$report_order"
} > "$results_dir/summary.txt" \
  || die "the report failed (run it again with: $java_bin -cp \"\$(cat $results_dir/bench-classpath.txt)\" dev.gatehouse.bench.deploy.DeployReport --dir $results_dir)"
cat "$results_dir/summary.txt"
echo
echo "results: $results_dir (summary.txt, results.tsv; runs/CONFIG-rN/ with requests.tsv, switch.tsv,"
echo "  run.tsv and Gatehouse's access.log, a fleet's access-n1.log ...; backends/ with each backend's request"
echo "  log; conf/, logs/)"
