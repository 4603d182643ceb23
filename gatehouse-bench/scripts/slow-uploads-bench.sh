#!/usr/bin/env bash
# The slow-uploads scenario (issue 15, item 5): do slow clients hold a sync worker?
#
# One app server of 16 synchronous workers (BlockingWorkers: gunicorn's sync worker model, a
# blocking read of each request body, Connection: close) behind one proxy configuration at a
# time. SlowUploadsClient starts 50 POSTs that send one byte of their body every 3 s, and sends
# normal GETs at 50/s (Poisson, seeded) for 15 s; the same GETs run again without the uploads.
# For each configuration and round: the GETs answered, failed, and their p50/p99 from each GET's
# scheduled time, with and without the uploads. Configurations: Gatehouse with defaults (learned
# limit, request buffering), with backend_concurrency 16 and no buffering (the case the issue
# measured failing), without admission control; nginx (which buffers request bodies by default);
# HAProxy with maxconn 16. Only loopback; every process started here is stopped on exit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/slow-uploads-bench.sh [options]

  -d, --duration SECONDS   GET traffic per run (default 15)
  -r, --rounds N           rounds; the table shows medians (default 3)
  -u, --uploaders N        slow uploads (default 50)
  -R, --get-rate N         GETs per second (default 50)
  -c, --configs LIST       subset of gatehouse-default,gatehouse-bc16-nobuffer,gatehouse-unlimited,
                           nginx,haproxy-maxconn16 (default all)
  -o, --out DIR            results directory (default a new mktemp dir)
      --jar FILE           Gatehouse jar (default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help               this text
USAGE
}

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

all_configs=gatehouse-default,gatehouse-bc16-nobuffer,gatehouse-unlimited,nginx,haproxy-maxconn16
duration=15 rounds=3 uploaders=50 rate=50 results_dir= jar=
config_list=$all_configs
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -u|--uploaders) uploaders=${2:?$1 needs a value}; shift 2 ;;
    -R|--get-rate) rate=${2:?$1 needs a value}; shift 2 ;;
    -c|--configs) config_list=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
check_int duration "$duration" 1
check_int rounds "$rounds" 1
check_int uploaders "$uploaders" 1
check_int get-rate "$rate" 1
IFS=', ' read -r -a configs <<< "$config_list"
for c in "${configs[@]}"; do
  case ",$all_configs," in *",$c,"*) ;; *) die "configs: \"$c\" (expected: one of $all_configs)" ;; esac
done

setup_cleanup
install_missing "nginx and haproxy" nginx haproxy curl taskset:util-linux
nginx_bin=$(find_sbin nginx)
haproxy_bin=$(find_sbin haproxy)
check_cores
find_java
resolve_jar
make_results_dir gatehouse-uploads-bench client
bench_classes=$root/gatehouse-bench/target/classes
if [ ! -f "$bench_classes/dev/gatehouse/bench/uploads/SlowUploadsClient.class" ]; then
  log "building gatehouse-bench (its classes are missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true compile -pl gatehouse-bench -am
fi
machine_header > "$results_dir/machine.txt"

init_ports
pick_port; backend_port=$picked_port
declare -A port
for c in "${configs[@]}"; do pick_port; port[$c]=$picked_port; done

gatehouse_yaml() { # config
  local extra=
  case "$1" in
    gatehouse-bc16-nobuffer) extra=$'    backend_concurrency: 16\n    request_buffering: false\n' ;;
    gatehouse-unlimited) extra=$'    backend_concurrency: 0\n' ;;
  esac
  cat <<YAML
listeners:
  - bind: 127.0.0.1:${port[$1]}
    routes: [ { path_prefix: /, pool: app } ]
pools:
  app:
${extra}    backends: [ "127.0.0.1:$backend_port" ]
access_log: { enabled: false }
YAML
}

for c in "${configs[@]}"; do
  mkdir -p "$results_dir/conf/$c"
  case "$c" in
    gatehouse-*) gatehouse_yaml "$c" > "$results_dir/conf/$c/gatehouse.yaml" ;;
    nginx)
      mkdir -p "$results_dir/conf/$c/client_body"
      { nginx_conf_head "$c" 4096
        cat <<NGINX
  server {
    listen 127.0.0.1:${port[$c]};
    location / {
      proxy_pass http://127.0.0.1:$backend_port;
      proxy_read_timeout 120s;
    }
  }
}
NGINX
      } > "$results_dir/conf/$c/nginx.conf" ;;
    haproxy-maxconn16)
      cat > "$results_dir/conf/$c/haproxy.cfg" <<HAP
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 10s
  timeout client 120s
  timeout server 120s
  timeout queue 30s
frontend fe
  bind 127.0.0.1:${port[$c]}
  default_backend app
backend app
  server b0 127.0.0.1:$backend_port maxconn 16
HAP
      ;;
  esac
done

start_proxy() { # config logfile
  local -a args
  case "$1" in
    gatehouse-*) spawn "$proxy_cpu" "$2" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/$1/gatehouse.yaml" ;;
    nginx) mapfile -t args < <(nginx_args nginx); spawn "$proxy_cpu" "$2" "$nginx_bin" "${args[@]}" ;;
    haproxy-*) spawn "$proxy_cpu" "$2" "$haproxy_bin" -f "$results_dir/conf/$1/haproxy.cfg" -db ;;
  esac
}

spawn "$load_cpu" "$results_dir/logs/backend.log" "$java_bin" -Xmx128m -cp "$bench_classes" \
  dev.gatehouse.bench.uploads.BlockingWorkers --port "$backend_port" --workers 16 --work-ms 5
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$backend_port/" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$backend_port/[1-500]" || die "the backend does not answer"

echo "round,config,uploaders,gets,ok,errors,p50_ms,p99_ms,max_ms,failures,uploads" > "$csv"
run_client() { # config round uploaders
  local out=$results_dir/client/$1-r$2-u$3.json
  taskset -c "$load_cpu" "$java_bin" -Xmx256m -cp "$bench_classes" dev.gatehouse.bench.uploads.SlowUploadsClient \
    --url "http://127.0.0.1:${port[$1]}" --uploaders "$3" --get-rate "$rate" --duration "$duration" \
    --seed "$2" --label "$1" > "$out" 2> "$results_dir/client/$1-r$2-u$3.err" < /dev/null &
  wait_child $! || die "client failed: $results_dir/client/$1-r$2-u$3.err"
  python3 - "$out" "$2" "$3" >> "$csv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(",".join(str(x) for x in [sys.argv[2], d["label"], sys.argv[3], d["gets"], d["ok"], d["errors"], d["p50_ms"], d["p99_ms"], d["max_ms"], '"' + d["failures"] + '"', '"' + d["uploads"] + '"']))
PY
  log "round $2: $1 with $3 uploads: $(tail -1 "$csv")"
}

n=${#configs[@]}
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    c=${configs[(i + r - 1) % n]}
    start_proxy "$c" "$results_dir/logs/$c-r$r.log"
    pid=$last_pid
    for _ in $(seq 300); do curl -s -o /dev/null --max-time 2 "http://127.0.0.1:${port[$c]}/ready" && break; sleep 0.1; done
    # Warm the proxy (its JIT, for Gatehouse) with a few hundred GETs before anything is measured.
    curl -s -o /dev/null "http://127.0.0.1:${port[$c]}/warm/[1-500]" || true
    run_client "$c" "$r" 0
    run_client "$c" "$r" "$uploaders"
    stop_proc "$pid"
    forget "$pid"
  done
done

{
  echo
  echo "GETs at $rate/s for ${duration}s to 16 sync workers, without and with $uploaders uploads of a byte every 3 s; medians over $rounds round(s)."
  python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
configs = []
for r in rows:
    if r["config"] not in configs:
        configs.append(r["config"])
print("%-24s %9s %9s %9s %9s %11s %11s %s" % ("config", "errors_0", "p99_0_ms", "errors_50", "p99_50_ms", "p99_ratio", "errs_sum_50", "uploads (last round)"))
for c in configs:
    base = [r for r in rows if r["config"] == c and r["uploaders"] == "0"]
    load = [r for r in rows if r["config"] == c and r["uploaders"] != "0"]
    med = lambda rs, k: statistics.median(float(r[k]) for r in rs) if rs else float("nan")
    p0, p1 = med(base, "p99_ms"), med(load, "p99_ms")
    ratio = p1 / p0 if p0 > 0 and p1 > 0 else float("nan")
    print("%-24s %9.0f %9.1f %9.0f %9.1f %11.2f %11d %s" % (c, med(base, "errors"), p0, med(load, "errors"), p1, ratio,
          sum(int(r["errors"]) for r in load), load[-1]["uploads"] if load else ""))
PY
  echo
  echo "errors: GETs not answered 2xx within 10 s (status or I/O); p99 from each GET's scheduled send time"
  echo "acceptance (issue 15): gatehouse-default with uploads: 0 errors and p99 within 2x of its run without"
  echo "raw numbers: $csv"
} | tee "$results_dir/summary.txt"
