#!/usr/bin/env bash
# The spread scenario: how a node with each configuration spreads requests at low load.
#
# Three Tornado instances (lib/tornado_instance.py, Debian's python3-tornado; each does 1 ms of
# work per request and answers with its port) behind one Gatehouse node; a user's loop of
# sequential curl requests, one at a time, each on a new client connection, as a new user tries a
# node. For each configuration and round: the share of requests each instance answered (sorted,
# largest first) and the requests' mean and p99 time. Configurations: gatehouse-default (the
# defaults: p2c-ewma with learned limits and the slow lane), gatehouse-round-robin and
# gatehouse-least-connections. To weigh an older build's defaults, pass its jar with --jar.
# Only loopback; every process started here is stopped on exit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/spread-bench.sh [options]

  -n, --requests N     sequential requests per configuration and round (default 100)
  -r, --rounds N       rounds (default 3)
  -k, --instances N    Tornado instances (default 3)
  -c, --configs LIST   comma-separated subset of gatehouse-default,gatehouse-round-robin,
                       gatehouse-least-connections (default all)
      --work-ms MS     CPU work per request in each instance (default 1)
  -o, --out DIR        results directory (default a new mktemp dir)
      --jar FILE       Gatehouse jar (default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help           this text
USAGE
}

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

requests=100 rounds=3 instances=3 work_ms=1 results_dir= jar=
config_list=gatehouse-default,gatehouse-round-robin,gatehouse-least-connections
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms128m -Xmx128m}
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--requests) requests=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -k|--instances) instances=${2:?$1 needs a value}; shift 2 ;;
    -c|--configs) config_list=${2:?$1 needs a value}; shift 2 ;;
    --work-ms) work_ms=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
check_int requests "$requests" 1
check_int rounds "$rounds" 1
check_int instances "$instances" 2
IFS=', ' read -r -a configs <<< "$config_list"
for c in "${configs[@]}"; do
  case "$c" in gatehouse-default|gatehouse-round-robin|gatehouse-least-connections) ;;
    *) die "configs: \"$c\" (expected: gatehouse-default, gatehouse-round-robin or gatehouse-least-connections)" ;; esac
done

setup_cleanup
python=/usr/bin/python3
need=(curl taskset:util-linux)
# install_missing looks for a command; Tornado is a module, so name one that is never found.
"$python" -c 'import tornado' 2>/dev/null || need+=(tornado-module-missing:python3-tornado)
install_missing "python3-tornado and curl" "${need[@]}"
"$python" -c 'import tornado' 2>/dev/null || die "Debian's python3-tornado is missing for $python"
find_java
resolve_jar
make_results_dir gatehouse-spread-bench rounds

init_ports
inst_ports=()
for ((i = 0; i < instances; i++)); do pick_port; inst_ports+=("$picked_port"); done
pick_port; node_port=$picked_port
pick_port; admin_port=$picked_port

for p in "${inst_ports[@]}"; do
  spawn 0 "$results_dir/logs/tornado-$p.log" "$python" "$root/gatehouse-bench/scripts/lib/tornado_instance.py" \
    --port "$p" --work-ms "$work_ms"
done
for p in "${inst_ports[@]}"; do
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$p/" > /dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "http://127.0.0.1:$p/" > /dev/null || die "Tornado instance on port $p did not answer"
done

gatehouse_yaml() { # config
  local strategy= list p
  case "$1" in
    gatehouse-round-robin) strategy='    strategy: round-robin' ;;
    gatehouse-least-connections) strategy='    strategy: least-connections' ;;
  esac
  list=$(for p in "${inst_ports[@]}"; do printf '"127.0.0.1:%s", ' "$p"; done)
  cat <<YAML
listeners:
  - bind: 127.0.0.1:$node_port
    routes: [ { path_prefix: /, pool: app } ]
pools:
  app:
$strategy
    backends: [ ${list%, } ]
admin: { bind: 127.0.0.1:$admin_port }
access_log: { enabled: false }
YAML
}

echo "config,round,requests,shares_sorted,mean_ms,p99_ms" > "$csv"
for ((r = 1; r <= rounds; r++)); do
  for c in "${configs[@]}"; do
    gatehouse_yaml "$c" > "$results_dir/conf/$c.yaml"
    spawn 1 "$results_dir/logs/$c-r$r.log" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/$c.yaml"
    node_pid=$last_pid
    for _ in $(seq 200); do curl -fsS "http://127.0.0.1:$node_port/" > /dev/null 2>&1 && break; sleep 0.1; done
    # The readiness probes above went through the node too; start from a node that has seen
    # only them, as a user would after starting it.
    out=$results_dir/rounds/$c-r$r.txt
    for ((i = 0; i < requests; i++)); do
      curl -sS -o - -w ' %{time_total}\n' "http://127.0.0.1:$node_port/"
    done > "$out"
    stop_proc "$node_pid"
    forget "$node_pid"
    awk -v c="$c" -v r="$r" -v n="$requests" '
      { count[$2]++; t[NR] = $3 * 1000; sum += $3 * 1000 }
      END {
        m = 0; for (k in count) shares[++m] = count[k] / NR
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (shares[j] > shares[i]) { x = shares[i]; shares[i] = shares[j]; shares[j] = x }
        s = ""; for (i = 1; i <= m; i++) s = s (i > 1 ? "/" : "") sprintf("%.0f", shares[i] * 100)
        for (i = 2; i <= NR; i++) { x = t[i]; for (j = i - 1; j >= 1 && t[j] > x; j--) t[j + 1] = t[j]; t[j + 1] = x }
        p = t[int(NR * 0.99 + 0.999)]
        printf "%s,%d,%d,%s,%.2f,%.2f\n", c, r, NR, s, sum / NR, p
      }' "$out" >> "$csv"
    log "$(tail -1 "$csv")"
  done
done

{
  echo
  echo "Sequential requests through one node to $instances Tornado instances ($work_ms ms of work each), $rounds round(s)."
  echo "shares: percent of requests per instance, largest first"
  column -s, -t < "$csv"
  echo
  echo "raw numbers: $csv"
} | tee "$results_dir/summary.txt"
