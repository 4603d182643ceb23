#!/usr/bin/env bash
# Benchmarks static files: Gatehouse's static routes and nginx side by side in one run, serving
# the same files from the same directory; and, as a third scenario, answers from memory: cache hits
# of Gatehouse's HTTP cache (a route with `cache: true`) against nginx's proxy_cache.
#
# Scenarios (each round, in this order):
#   1k     wrk -c50 keep-alive GETs of one 1 KiB file (file-1k.bin): CPU per request
#   1m     wrk -c8 keep-alive GETs of one 1 MiB file (file-1m.bin): bytes per CPU-second, throughput
#   cache  wrk -c50 keep-alive GETs of one URL whose 1 KiB response (Cache-Control: max-age=3600,
#          from a backend nginx on the load core) both servers hold in their cache: CPU per hit
#
# For cache, each server is a caching proxy in front of the one backend (Gatehouse: a route with
# `cache: true`; nginx: proxy_cache with its cache directory on tmpfs). After every start both are
# warmed and the 2nd and 3rd responses must be hits (Cache-Status: gatehouse; hit, X-Cache-Status:
# HIT), else the script stops; every run counts the requests the backend got meanwhile (its access
# log), which should be none.
#
# Both servers get the same pinned core (BENCH_PROXY_CPU, default 1) and wrk the other
# (BENCH_LOAD_CPU, default 0). Every round and scenario starts both servers afresh, checks that
# each answers both files whole (200, the right Content-Length, the file's bytes), warms each up
# in turn (that run is kept as the "cold" figures: for Gatehouse the JIT is still compiling),
# then measures them in turn, N short windows each (--windows), alternating, in an order that
# rotates from window to window, so that neighbouring windows see the machine in the same state.
# The figures per run: requests/s, bytes/s (requests x file size), the server's CPU time (utime
# and stime of all its processes and threads, from /proc) per request and bytes per CPU-second,
# wrk's CPU time per request (on loopback some of the sender's TCP work runs in the receiver's
# time), and how busy the server, its core and the load core were. The summary prints medians,
# cold medians and the median of window-by-window ratios Gatehouse/nginx. The files are written once
# per run from /dev/urandom into the results directory; the cached response is "aaa...". Traffic
# goes to 127.0.0.1 only; every wrk run is bounded in time. Not run in CI.
# See docs/benchmarks.md ("Static files", "Cache hits") for how to read the results.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/static-bench.sh [options]

  -d, --duration SECONDS     one measured window per server, scenario and round
                                                                     (BENCH_DURATION, default 10)
  -w, --warmup SECONDS       warm-up ("cold") run before the windows, 0 for none
                                                                     (BENCH_WARMUP, default 30)
  -r, --rounds N             rounds, each starting the servers afresh (BENCH_ROUNDS, default 2)
      --windows N            measured windows per server, scenario and round, alternating
                             between the servers                    (BENCH_WINDOWS, default 3)
  -p, --proxies LIST         comma-separated subset of gatehouse,nginx, in round-1 order
                             (BENCH_PROXIES, default gatehouse,nginx)
  -s, --scenarios LIST       comma-separated subset of 1k,1m,cache
                                                         (BENCH_SCENARIOS, default 1k,1m,cache)
  -c, --connections N        wrk connections for 1k and cache        (BENCH_CONNECTIONS, default 50)
      --connections-1m N     wrk connections for 1m                  (BENCH_CONNECTIONS_1M, default 8)
  -o, --out DIR              results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE             Gatehouse jar to run (GATEHOUSE_BENCH_JAR,
                             default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help                 this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse (default: -Xms256m -Xmx256m -XX:+UseParallelGC)
  BENCH_PROXY_CPU            core the servers are pinned to (default 1)
  BENCH_LOAD_CPU             core wrk (and the cache scenario's backend) is pinned to (default 0)
  BENCH_CACHE_DIR            where nginx's proxy_cache directory for cache is made, a new one
                             removed at exit (default /dev/shm; without it, cache/ in the results)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-30}
rounds=${BENCH_ROUNDS:-2}
windows=${BENCH_WINDOWS:-3}
proxy_list=${BENCH_PROXIES:-gatehouse,nginx}
scenario_list=${BENCH_SCENARIOS:-1k,1m,cache}
connections_1k=${BENCH_CONNECTIONS:-50}
connections_1m=${BENCH_CONNECTIONS_1M:-8}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
cache_parent=${BENCH_CACHE_DIR:-}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -w|--warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    --windows) windows=${2:?$1 needs a value}; shift 2 ;;
    -p|--proxies) proxy_list=${2:?$1 needs a value}; shift 2 ;;
    -s|--scenarios) scenario_list=${2:?$1 needs a value}; shift 2 ;;
    -c|--connections) connections_1k=${2:?$1 needs a value}; shift 2 ;;
    --connections-1m) connections_1m=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# Argument checks, in one grammar: name: value (expected: ...).
check_int duration "$duration" 1
check_int warmup "$warmup" 0
check_int rounds "$rounds" 1
check_int windows "$windows" 1
check_int connections "$connections_1k" 1
check_int connections-1m "$connections_1m" 1
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
[ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"

all_proxies="gatehouse nginx"
IFS=', ' read -r -a proxies <<< "$proxy_list"
[ "${#proxies[@]}" -ge 1 ] || die "proxies: \"$proxy_list\" (expected: one or more of ${all_proxies// /,})"
seen=" "
for p in "${proxies[@]}"; do
  case " $all_proxies " in *" $p "*) ;; *) die "proxies: \"$p\" (expected: one of ${all_proxies// /, })" ;; esac
  case "$seen" in *" $p "*) die "proxies: \"$p\" listed twice" ;; esac
  seen="$seen$p "
done
wants() { case "$seen" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

all_scenarios="1k 1m cache"
static_scenarios="1k 1m"
IFS=', ' read -r -a scenarios <<< "$scenario_list"
[ "${#scenarios[@]}" -ge 1 ] || die "scenarios: \"$scenario_list\" (expected: one or more of ${all_scenarios// /,})"
sseen=" "
for s in "${scenarios[@]}"; do
  case " $all_scenarios " in *" $s "*) ;; *) die "scenarios: \"$s\" (expected: one of ${all_scenarios// /, })" ;; esac
  case "$sseen" in *" $s "*) die "scenarios: \"$s\" listed twice" ;; esac
  sseen="$sseen$s "
done
# Always run in the documented order, whatever the order given.
ordered=()
for s in $all_scenarios; do case "$sseen" in *" $s "*) ordered+=("$s") ;; esac; done
scenarios=("${ordered[@]}")
wants_scenario() { case "$sseen" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The file (for cache: the URL's path), its size and the wrk connections of each scenario. .bin is
# application/octet-stream for both servers: not compressible, so Gatehouse looks for no
# precompressed sibling. The cached response is the backend's 1 KiB of "a", text/plain; neither
# proxy compresses (wrk sends no Accept-Encoding, and neither has compression configured).
declare -A file=([1k]=file-1k.bin [1m]=file-1m.bin [cache]=cached-1k)
declare -A file_size=([1k]=1024 [1m]=1048576 [cache]=1024)
declare -A conns=([1k]=$connections_1k [1m]=$connections_1m [cache]=$connections_1k)

# ---------------------------------------------------------------- processes and tools

setup_cleanup
# Besides the processes, the nginx cache directory this script made in /dev/shm goes at exit
# (cleanup, which stops nginx first, clears the traps; this one runs it, then removes the directory).
cache_tmp=
trap 'cleanup; if [ -n "$cache_tmp" ]; then rm -rf "$cache_tmp"; fi' EXIT

install_missing "nginx and wrk" nginx wrk curl taskset:util-linux
nginx_bin=$(find_sbin nginx)
[ -n "$nginx_bin" ] || die "nginx not found after install"
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool not found after install"; done
clk_tck=$(getconf CLK_TCK)
check_cores

java_bin=
if wants gatehouse; then
  find_java
  resolve_jar
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results, files, ports

make_results_dir gatehouse-static-bench wrk

# The served directory: world-readable (nginx workers started by root run unprivileged), random
# bytes (nothing either server could shortcut), read once by the checks so both start from the
# page cache.
files_dir=$results_dir/files
mkdir -p "$files_dir"
chmod 755 "$files_dir"
for s in $static_scenarios; do
  head -c "${file_size[$s]}" /dev/urandom > "$files_dir/${file[$s]}"
  chmod 644 "$files_dir/${file[$s]}"
done

init_ports
declare -A port
for p in "${proxies[@]}"; do pick_port; port[$p]=$picked_port; done
backend_port=
if wants_scenario cache; then pick_port; backend_port=$picked_port; fi

# nginx's proxy_cache directory for cache: on tmpfs (the cache is memory for both servers), in a
# new directory in /dev/shm, or in BENCH_CACHE_DIR, removed at exit; emptied before every start.
cache_dir=
if wants_scenario cache && wants nginx; then
  if [ -z "$cache_parent" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then cache_parent=/dev/shm; fi
  if [ -n "$cache_parent" ]; then
    [ -d "$cache_parent" ] || die "BENCH_CACHE_DIR: \"$cache_parent\" (expected: an existing directory)"
    cache_tmp=$(mktemp -d "$(cd "$cache_parent" && pwd)/gatehouse-static-bench.XXXXXX")
    cache_parent=$cache_tmp
  else
    cache_parent=$results_dir/cache
    mkdir -p "$cache_parent"
  fi
  chmod 755 "$cache_parent"
  cache_dir=$cache_parent/nginx-proxy-cache
fi

# ---------------------------------------------------------------- configs

# nginx as comparable to Gatehouse's defaults as it gets: sendfile (with tcp_nopush: headers and
# the file's first bytes in one segment), ETag (nginx's default), an open file cache of 4096
# entries checked again after a second (Gatehouse keeps 4096 paths and checks one again when its
# entry is more than a second old). The types map is given here, not /etc/nginx/mime.types, so
# that the system's config is never read.
mkdir -p "$results_dir/conf/nginx"
{
  nginx_conf_head nginx 8192
  cat <<EOF
  types { application/octet-stream bin; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  etag on;
  open_file_cache max=4096 inactive=60s;
  open_file_cache_valid 1s;
  server {
    listen 127.0.0.1:${port[nginx]:-0};
    location / {
      root $files_dir;
    }
  }
}
EOF
} > "$results_dir/conf/nginx/nginx.conf"

# A static route at / with every default (docs/configuration.md, "static"). The config needs a
# pools map; no route uses a pool. No admin API (tls-bench.sh's choice: nothing else to listen).
cat > "$results_dir/conf/gatehouse.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:${port[gatehouse]:-0}
    routes:
      - path_prefix: /
        static: $files_dir
pools: {}
access_log:
  enabled: false
admin: false
EOF

# The cache scenario's backend: the other benchmarks' fixed-body nginx (one worker, on the load
# core), its 1 KiB body fresh for an hour, and an access log for this location only, to count what
# reaches it. The expected body is kept to compare the proxies' answers with.
backend_log=$results_dir/logs/backend-access.log
cache_body=$results_dir/conf/backend/body-1k.txt
if wants_scenario cache; then
  write_fixed_body_backend "$backend_port" "${file_size[cache]}" \
    "add_header Cache-Control \"max-age=3600\" always; access_log $backend_log;"
  head -c "${file_size[cache]}" /dev/zero | tr '\0' a > "$cache_body"
fi

# nginx as the cache under test, set up for its cheapest hits: the cache in a keys zone of 10 MiB
# (about 80000 keys) and at most 64 MiB of files (Gatehouse's memory tier is 64 MiB by default) on
# tmpfs, written in place (use_temp_path=off); the key $scheme$host$request_uri (Gatehouse's is the
# route, the pool's version, the scheme, the host and the target); freshness from the backend's
# Cache-Control (proxy_cache_valid only covers answers without one); misses for one key collapsed
# (proxy_cache_lock, as Gatehouse does); keep-alive to the backend. An open file cache, which nginx
# also uses for its cache files: a hit then costs no openat/fstat/close (measured here: about 26
# instead of 37 us per hit). sendfile off: a hit is then pread twice and one writev, where sendfile
# with tcp_nopush adds two setsockopt(TCP_CORK) and a sendfile of the 1 KiB (about 18 against 26 us
# per hit). X-Cache-Status says what the cache did, as Gatehouse's Cache-Status does.
if wants_scenario cache; then
  mkdir -p "$results_dir/conf/nginx-cache"
  {
    nginx_conf_head nginx-cache 8192
    cat <<EOF
  sendfile off;
  open_file_cache max=4096 inactive=60s;
  open_file_cache_valid 1s;
  proxy_cache_path ${cache_dir:-/nonexistent} levels=1:2 keys_zone=c:10m max_size=64m inactive=1h use_temp_path=off;
  upstream app {
    server 127.0.0.1:$backend_port;
    keepalive 64;
    keepalive_requests 1000000000;
  }
  server {
    listen 127.0.0.1:${port[nginx]:-0};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache c;
      proxy_cache_key \$scheme\$host\$request_uri;
      proxy_cache_valid 200 1h;
      proxy_cache_lock on;
      add_header X-Cache-Status \$upstream_cache_status always;
    }
  }
}
EOF
  } > "$results_dir/conf/nginx-cache/nginx.conf"

  # Gatehouse: one route with every cache default (docs/configuration.md, "cache") in front of a
  # pool of the one backend; no access log, no admin API, as for the files.
  cat > "$results_dir/conf/gatehouse-cache.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:${port[gatehouse]:-0}
    routes:
      - path_prefix: /
        pool: app
        cache: true
pools:
  app:
    backends: [ "127.0.0.1:$backend_port" ]
access_log:
  enabled: false
admin: false
EOF
fi

# ---------------------------------------------------------------- starting and checking

# Starts server $1 for round $2 and scenario $3: for the files, its static config (conf/gatehouse.yaml,
# conf/nginx/); for cache, its caching proxy (conf/gatehouse-cache.yaml, conf/nginx-cache/), nginx
# with an empty cache directory (else a later round would start with the previous one's entry).
start_proxy() { # name round scenario
  local name=$1 logfile=$results_dir/logs/$1-r$2-$3.log
  local -a args
  case "$name:$3" in
    gatehouse:cache)
      spawn "$proxy_cpu" "$logfile" "$java_bin" "${jvm_args[@]}" -jar "$jar" \
        run --config "$results_dir/conf/gatehouse-cache.yaml" ;;
    gatehouse:*)
      spawn "$proxy_cpu" "$logfile" "$java_bin" "${jvm_args[@]}" -jar "$jar" \
        run --config "$results_dir/conf/gatehouse.yaml" ;;
    nginx:cache)
      rm -rf "$cache_dir"
      mapfile -t args < <(nginx_args nginx-cache)
      spawn "$proxy_cpu" "$logfile" "$nginx_bin" "${args[@]}" ;;
    nginx:*)
      mapfile -t args < <(nginx_args nginx)
      spawn "$proxy_cpu" "$logfile" "$nginx_bin" "${args[@]}" ;;
  esac
}

# Waits until URL $2 answers at all (await_url in bench-common.sh).
wait_ready() { await_url "$1" "$2" "$3" "$4"; } # name url pid logfile

# A server that answers quickly with an error, or with less than the file, would look fast: each
# file must come back as 200, with Content-Length the file's size and exactly the file's bytes.
# The headers go to conf/NAME-SCENARIO-headers.txt (round 1), to see what each server sends.
check_file() { # name scenario round
  local name=$1 s=$2 url=http://127.0.0.1:${port[$1]}/${file[$2]} got length
  local body=$results_dir/logs/$name-check.body heads=$results_dir/logs/$name-check.headers
  got=$(curl -s -D "$heads" -o "$body" --max-time 10 -w '%{http_code} %{size_download}' "$url" || true)
  length=$(awk -F': *' 'tolower($1) == "content-length" { gsub(/\r/, "", $2); print $2 }' "$heads" 2>/dev/null || true)
  [ "$got" = "200 ${file_size[$s]}" ] && [ "$length" = "${file_size[$s]}" ] \
    || die "$name at $url answered \"$got\", Content-Length \"$length\" (expected: \"200 ${file_size[$s]}\", Content-Length ${file_size[$s]})"
  cmp -s "$body" "$files_dir/${file[$s]}" || die "$name at $url answered 200 with other bytes than ${file[$s]}"
  if [ "$3" = 1 ]; then tr -d '\r' < "$heads" > "$results_dir/conf/$name-$s-headers.txt"; fi
  rm -f "$body" "$heads"
}

# Prints how many requests the cache scenario's backend has logged so far.
backend_requests() { if [ -f "$backend_log" ]; then wc -l < "$backend_log"; else echo 0; fi; }

# Prints what the cache of server $1 said about the response whose head is in file $2: the value
# of Cache-Status (Gatehouse) or X-Cache-Status (nginx), "none" without one.
cache_status() { # name headers
  local field=cache-status
  if [ "$1" = nginx ]; then field=x-cache-status; fi
  awk -F': *' -v f="$field" 'tolower($1) == f { sub(/^[^:]*: */, ""); gsub(/\r/, ""); v = $0 }
    END { print (v == "" ? "none" : v) }' "$2"
}

# Succeeds when cache status $2 of server $1 is a hit: Gatehouse's entry "gatehouse; hit" (RFC 9211,
# maybe with more parameters after it), nginx's HIT.
is_hit() { # name status
  case "$1" in
    nginx) [ "$2" = HIT ] ;;
    *) [[ "$2" =~ (^|,)[[:space:]]*gatehouse[[:space:]]*\;[[:space:]]*hit[[:space:]]*(\;|,|$) ]] ;;
  esac
}

# The cache scenario's check and warm-up of server $1 (round $2), just after its start: three GETs
# of the cached URL, each 200 with Content-Length 1024 and exactly the backend's body; the 2nd and
# 3rd must be hits, else the script stops (a server measured while missing would measure the
# backend too). The first goes to the backend (each server starts with an empty cache). Logs each
# response's cache status and the backend's requests meanwhile; the heads of the first two go to
# conf/NAME-cache-miss-headers.txt and conf/NAME-cache-hit-headers.txt (round 1).
check_cache() { # name round
  local name=$1 url=http://127.0.0.1:${port[$1]}/${file[cache]} i got length st statuses= b0 kind
  local body=$results_dir/logs/$name-check.body heads=$results_dir/logs/$name-check.headers
  b0=$(backend_requests)
  for i in 1 2 3; do
    got=$(curl -s -D "$heads" -o "$body" --max-time 10 -w '%{http_code} %{size_download}' "$url" || true)
    length=$(awk -F': *' 'tolower($1) == "content-length" { gsub(/\r/, "", $2); print $2 }' "$heads" 2>/dev/null || true)
    [ "$got" = "200 ${file_size[cache]}" ] && [ "$length" = "${file_size[cache]}" ] \
      || die "$name at $url answered \"$got\", Content-Length \"$length\" (expected: \"200 ${file_size[cache]}\", Content-Length ${file_size[cache]})"
    cmp -s "$body" "$cache_body" || die "$name at $url answered 200 with other bytes than the backend's body"
    st=$(cache_status "$name" "$heads")
    statuses="$statuses${statuses:+, }#$i $st"
    if [ "$2" = 1 ] && [ "$i" -le 2 ]; then
      kind=miss
      if [ "$i" = 2 ]; then kind=hit; fi
      tr -d '\r' < "$heads" > "$results_dir/conf/$name-cache-$kind-headers.txt"
    fi
    if [ "$i" -ge 2 ] && ! is_hit "$name" "$st"; then
      tr -d '\r' < "$heads" >&2
      die "$name is not answering $url from its cache: response $i said \"$st\" (so far: $statuses; expected a hit from the 2nd on)"
    fi
  done
  rm -f "$body" "$heads"
  log "$name: cache warmed, responses $statuses; the backend got $(($(backend_requests) - b0)) request(s)"
}

# Prints "utime stime", in clock ticks, summed over the given pids (all their threads).
cpu_ticks() {
  local pid user=0 sys=0 s
  local -a f
  for pid in "$@"; do
    s=$(cat "/proc/$pid/stat") || die "process $pid vanished during the run"
    read -r -a f <<< "${s##*) }"   # f[0] is field 3 (state): utime is field 14, stime 15
    user=$((user + f[11]))
    sys=$((sys + f[12]))
  done
  echo "$user $sys"
}

now() { date +%s.%N; }

# Prints "busy total" jiffies of core $1 since boot, from /proc/stat (busy: user, nice, system,
# irq, softirq and steal; total adds idle and iowait): how busy the core was, whoever used it.
core_jiffies() { # cpu
  awk -v c="cpu$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

# ---------------------------------------------------------------- load

# Sets reaped to the CPU time, in clock ticks, of the reaped children of this (sub)shell: cutime
# and cstime of /proc/$BASHPID/stat, read in this shell without starting a process (a command
# substitution would be another subshell, and its process would count too).
reaped_ticks() {
  local line
  local -a f
  read -r line < "/proc/$BASHPID/stat"
  read -r -a f <<< "${line##*) }"   # f[0] is field 3: cutime is field 16, cstime 17
  reaped=$((f[13] + f[14]))
}

# Runs wrk on $load_cpu against port $1 for scenario $2, $3 seconds, output in file $4; prints
# "requests errors read_bytes wrk_ticks": completed requests, non-2xx/3xx responses plus socket
# errors (connect, read, write, timeout), the bytes wrk read (its rounded "... read" figure) and
# wrk's own CPU time (user+sys, clock ticks). wrk runs in the background and is waited for, so
# that Ctrl-C or TERM reach the traps at once (bash defers traps while a foreground child runs);
# `timeout` bounds it if it ever hangs. Called in a command substitution: the subshell's reaped
# children are timeout and, through it, wrk.
load_wrk() { # port scenario seconds outfile
  local out=$4 rc=0 c0 reaped
  reaped_ticks
  c0=$reaped
  timeout -k 5 $(($3 + 60)) taskset -c "$load_cpu" wrk -t1 -c"${conns[$2]}" -d"$3s" \
    "http://127.0.0.1:$1/${file[$2]}" > "$out" 2>&1 < /dev/null &
  wait_child $! || rc=$?
  reaped_ticks
  [ "$rc" = 0 ] || die "wrk failed (exit $rc), see $out"
  awk -v wt=$((reaped - c0)) '
    function bytes(v) {
      if (v ~ /TB$/) return substr(v, 1, length(v) - 2) * 1099511627776
      if (v ~ /GB$/) return substr(v, 1, length(v) - 2) * 1073741824
      if (v ~ /MB$/) return substr(v, 1, length(v) - 2) * 1048576
      if (v ~ /KB$/) return substr(v, 1, length(v) - 2) * 1024
      if (v ~ /B$/)  return substr(v, 1, length(v) - 1) + 0
      return v + 0
    }
    $2 == "requests" && $3 == "in" { req = $1; read = bytes($5) }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { if (req == "") exit 1; printf "%d %d %.0f %d\n", req, err + 0, read, wt }' "$out" \
    || die "could not read wrk output in $out"
}

echo "round,position,proxy,scenario,phase,window,seconds,requests,errors,req_per_s,bytes_per_s,cpu_s,cpu_user_s,cpu_sys_s,cpu_us_per_req,bytes_per_cpu_s,proxy_pct,proxy_core_pct,load_core_pct,wrk_read_bytes,wrk_cpu_s,wrk_cpu_us_per_req,both_cpu_us_per_req,bytes_per_both_cpu_s,backend_requests" > "$csv"

# The measured window a row belongs to (1..windows; 0 for the warm-up run).
window=0

# Runs scenario $2 on server $1 (pids in pid_list) for $3 seconds, the CPU counters read around
# it, and appends a csv row: the figures, the server's CPU (user and system apart), the shares of
# wall time, wrk's CPU and the two together ("both"); for cache, the requests the backend got
# meanwhile (empty for the files). Bytes are requests x file size (the bodies; headers add about
# 250 bytes a request).
measure() { # name scenario seconds round position phase
  local name=$1 s=$2 secs=$3 round=$4 pos=$5 phase=$6 out w0 w1 requests errors read wrk_ticks row
  local breq= b0=
  local -a t0 t1 pc0 pc1 lc0 lc1
  out=$results_dir/wrk/$name-$s-r$round-$phase.txt
  if [ "$phase" = warm ]; then out=${out%.txt}-w$window.txt; fi
  if [ "$s" = cache ]; then b0=$(backend_requests); fi
  read -r -a pc0 <<< "$(core_jiffies "$proxy_cpu")"
  read -r -a lc0 <<< "$(core_jiffies "$load_cpu")"
  w0=$(now)
  read -r -a t0 <<< "$(cpu_ticks "${pid_list[@]}")"
  read -r requests errors read wrk_ticks <<< "$(load_wrk "${port[$name]}" "$s" "$secs" "$out")"
  read -r -a t1 <<< "$(cpu_ticks "${pid_list[@]}")"
  w1=$(now)
  read -r -a pc1 <<< "$(core_jiffies "$proxy_cpu")"
  read -r -a lc1 <<< "$(core_jiffies "$load_cpu")"
  if [ "$s" = cache ]; then breq=$(($(backend_requests) - b0)); fi
  [ "$requests" -gt 0 ] || die "$name: $s completed no request in round $round ($phase), see $out"
  # wrk counts a response when its Content-Length is in; what it read in all must cover the
  # bodies (its figure has three significant digits: 1% of slack).
  awk -v rd="$read" -v n="$requests" -v sz="${file_size[$s]}" 'BEGIN { exit !(rd >= 0.99 * n * sz) }' \
    || die "$name: $s: wrk read $read bytes for $requests requests of ${file_size[$s]} bytes, see $out"
  row=$(awk -v r="$round" -v pos="$pos" -v n="$name" -v s="$s" -v ph="$phase" -v win="$window" \
            -v w0="$w0" -v w1="$w1" -v req="$requests" -v err="$errors" -v sz="${file_size[$s]}" \
            -v ut=$((t1[0] - t0[0])) -v st=$((t1[1] - t0[1])) -v hz="$clk_tck" \
            -v pb=$((pc1[0] - pc0[0])) -v pt=$((pc1[1] - pc0[1])) -v lb=$((lc1[0] - lc0[0])) \
            -v lt=$((lc1[1] - lc0[1])) -v rd="$read" -v wt="$wrk_ticks" -v br="$breq" 'BEGIN {
      wall = w1 - w0; user = ut / hz; sys = st / hz; cpu = user + sys; wcpu = wt / hz; both = cpu + wcpu
      printf "%d,%d,%s,%s,%s,%d,%.2f,%d,%d,%.2f,%.0f,%.2f,%.2f,%.2f,%.2f,%.0f,%.1f,%.1f,%.1f,%.0f,%.2f,%.2f,%.2f,%.0f,%s\n",
        r, pos, n, s, ph, win, wall, req, err, req / wall, req * sz / wall, cpu, user, sys,
        (cpu > 0 ? cpu * 1e6 / req : 0), (cpu > 0 ? req * sz / cpu : 0), 100 * cpu / wall,
        (pt > 0 ? 100 * pb / pt : 0), (lt > 0 ? 100 * lb / lt : 0), rd,
        wcpu, wcpu * 1e6 / req, both * 1e6 / req, (both > 0 ? req * sz / both : 0), br }')
  echo "$row" >> "$csv"
  log "round $round: $name $s $phase$(if [ "$phase" = warm ]; then echo " (window $window)"; fi): $(echo "$row" | awk -F, '{
    printf "%.0f req/s, %.1f MiB/s, %.1f us CPU/req (user %.0f%%), %.1f MiB per CPU-s, server %.0f%% of a core, its core %.0f%% busy, load core %.0f%%, wrk %.1f us CPU/req",
      $10, $11 / 1048576, $15, ($12 > 0 ? 100 * $13 / $12 : 0), $16 / 1048576, $17, $18, $19, $22
    if ($25 != "") printf ", backend %d requests", $25 }')"
  if [ "$errors" -gt 0 ]; then log "round $round: WARNING $name $s $phase had $errors errors, see $out"; fi
}

declare -A main_pid pids_of

# Starts server $1 for round $2 and scenario $3 and checks it: for the files, both files through
# it; for cache, its cache (check_cache, which warms it). Sets main_pid[$1] and pids_of[$1], the
# processes whose CPU is counted: nginx's master and worker, and for cache its cache manager too,
# the JVM's one process. nginx's cache loader is left out: it sleeps a minute, then reads the cache
# directory (one entry here) and exits, and a process gone mid-run cannot be read.
start_checked() { # name round scenario
  local name=$1 round=$2 scn=$3 s ready=${file[$3]} pid keep=
  start_proxy "$name" "$round" "$scn"
  main_pid[$name]=$last_pid
  # For cache, readiness is asked of another URL, so that the check's first GET is a miss.
  if [ "$scn" = cache ]; then ready=ready; fi
  wait_ready "$name" "http://127.0.0.1:${port[$name]}/$ready" "$last_pid" "$results_dir/logs/$name-r$round-$scn.log"
  if [ "$scn" = cache ]; then
    check_cache "$name" "$round"
  else
    for s in $static_scenarios; do check_file "$name" "$s" "$round"; done
  fi
  for pid in $(tree_pids "$last_pid"); do
    case "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)" in
      *"cache loader"*) ;;
      *) keep="$keep$pid " ;;
    esac
  done
  pids_of[$name]=$keep
}

# One round of scenario $2: both servers up at once on the server core (an idle one costs nothing
# measurable), each warmed up in turn, then measured in turn, N windows each, alternating, in an
# order that rotates from window to window; then both stopped.
bench_round() { # round scenario
  local round=$1 scn=$2 n=${#proxies[@]} i w name
  local -a order=()
  for ((i = 0; i < n; i++)); do order+=("${proxies[(i + round - 1) % n]}"); done
  for name in "${order[@]}"; do start_checked "$name" "$round" "$scn"; done
  window=0
  if [ "$warmup" -gt 0 ]; then
    for ((i = 0; i < n; i++)); do
      name=${order[i]}
      read -r -a pid_list <<< "${pids_of[$name]}"
      measure "$name" "$scn" "$warmup" "$round" $((i + 1)) cold
    done
  fi
  for ((w = 1; w <= windows; w++)); do
    window=$w
    for ((i = 0; i < n; i++)); do
      name=${order[(i + w - 1) % n]}
      read -r -a pid_list <<< "${pids_of[$name]}"
      measure "$name" "$scn" "$duration" "$round" $((i + 1)) warm
    done
  done
  window=0
  for name in "${order[@]}"; do stop_proc "${main_pid[$name]}"; done
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
  echo "wrk: $( (wrk -v 2>&1 || true) | head -n 1)"
  if wants gatehouse; then
    echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
    echo "gatehouse: $jar, JVM options: $jvm_opts"
    echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
  fi
  echo "files: $files_dir ($(df -P "$files_dir" | awk 'NR == 2 { print $1 }')): file-1k.bin 1024 bytes, file-1m.bin 1048576 bytes"
  if wants_scenario cache; then
    echo "cache: backend nginx on 127.0.0.1:$backend_port (core $load_cpu), ${file_size[cache]}-byte body, Cache-Control: max-age=3600;" \
         "nginx's proxy_cache in ${cache_dir:-(nginx not run)}$(if [ -n "$cache_dir" ]; then echo " ($(df -P "$cache_parent" | awk 'NR == 2 { print $1 }'))"; fi)"
  fi
  echo "settings: rounds $rounds, warm-up ${warmup}s, measured ${duration}s x $windows alternating windows, scenarios ${scenarios[*]}," \
       "wrk -t1 -c$connections_1k (1k, cache), -c$connections_1m (1m), servers on core $proxy_cpu, wrk on core $load_cpu"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

# The cache scenario's backend runs for the whole run, on the load core (it answers only the
# misses of the checks), and must send what both caches store: 200, the body, max-age=3600.
backend_pid=
if wants_scenario cache; then
  mapfile -t bargs < <(nginx_args backend)
  spawn "$load_cpu" "$results_dir/logs/backend.log" "$nginx_bin" "${bargs[@]}"
  backend_pid=$last_pid
  wait_ready backend "http://127.0.0.1:$backend_port/ready" "$backend_pid" "$results_dir/logs/backend.log"
  got=$(curl -s -D "$results_dir/conf/backend-headers.txt" -o "$results_dir/logs/backend-check.body" --max-time 10 \
        -w '%{http_code}' "http://127.0.0.1:$backend_port/${file[cache]}" || true)
  [ "$got" = 200 ] && cmp -s "$results_dir/logs/backend-check.body" "$cache_body" \
    && grep -qi '^cache-control: max-age=3600' "$results_dir/conf/backend-headers.txt" \
    || die "backend on 127.0.0.1:$backend_port answered \"$got\" (expected: 200, ${file_size[cache]} bytes of \"a\", Cache-Control: max-age=3600; see $results_dir/conf/backend-headers.txt)"
  rm -f "$results_dir/logs/backend-check.body"
fi

for ((r = 1; r <= rounds; r++)); do
  for s in "${scenarios[@]}"; do bench_round "$r" "$s"; done
done
if [ -n "$backend_pid" ]; then stop_proc "$backend_pid"; fi
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- summary

# Prints the median of column $4 over the rows of server $1, scenario $2, phase $3; "-" if none.
median() {
  awk -F, -v p="$1" -v s="$2" -v ph="$3" -v c="$4" 'NR > 1 && $3 == p && $4 == s && $5 == ph { print $c }' "$csv" \
    | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
                      if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Errors of server $1 in scenario $2 over all its runs, warm-up runs included.
sum_errors() { # name scenario
  awk -F, -v p="$1" -v s="$2" 'NR > 1 && $3 == p && $4 == s { e += $9 } END { print e + 0 }' "$csv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
# Column $4 of server $1 over server $2's in the same round and window (measured moments apart),
# the median over all such pairs, as "1.23x over N windows"; "n/a" without pairs.
paired_ratio() { # a b scenario column
  awk -F, -v a="$1" -v b="$2" -v s="$3" -v c="$4" '
    NR > 1 && $4 == s && $5 == "warm" && ($3 == a || $3 == b) { v[$3 SUBSEP $1 ":" $6] = $c; k[$1 ":" $6] = 1 }
    END { for (w in k) if (((a SUBSEP w) in v) && ((b SUBSEP w) in v) && v[b SUBSEP w] > 0) print v[a SUBSEP w] / v[b SUBSEP w] }' "$csv" \
    | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
                      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                      printf "%.2fx over %d windows (%.2fx to %.2fx)", m, NR, v[1], v[NR] }'
}
num() { awk -v v="$1" -v f="$2" -v d="${3:-1}" 'BEGIN { if (v == "-") print "-"; else printf f, v / d }'; }

declare -A title=([1k]="1 KiB file, keep-alive GETs (file-1k.bin, wrk -t1 -c$connections_1k)"
                  [1m]="1 MiB file, keep-alive GETs (file-1m.bin, wrk -t1 -c$connections_1m)"
                  [cache]="1 KiB cache hits, keep-alive GETs of one URL (/cached-1k: Gatehouse's cache: true, nginx's proxy_cache, wrk -t1 -c$connections_1k)")
mib=1048576
# Prints server $1's CPU per request in column $3 (cpu_user_s or cpu_sys_s), in us, over all the
# measured windows of scenario $2 together.
per_request() { # name scenario column
  awk -F, -v p="$1" -v s="$2" -v c="$3" 'NR > 1 && $3 == p && $4 == s && $5 == "warm" { u += $c; n += $8 }
    END { if (n) printf "%.1f", u * 1e6 / n; else print "-" }' "$csv"
}
# Prints "B of N" for server $1's cache runs of phase $2: the requests the backend got during them
# (B) and the requests they completed (N); "-" without such runs.
backend_share() { # name phase
  awk -F, -v p="$1" -v ph="$2" 'NR > 1 && $3 == p && $4 == "cache" && $5 == ph { b += $25; n += $8; k++ }
    END { if (k) printf "%d of %d", b, n; else print "-" }' "$csv"
}
row_format='  %-10s %9s %9s %10s %8s %8s %10s %7s %6s %6s %9s %9s %7s %10s %11s\n'
{
  echo
  echo "Side by side: medians over $rounds round(s) x $windows alternating windows of ${duration}s."
  echo "cpu_us/req and MiB/cpu-s: the server's processes only (user+sys); MiB/cpu-s is what one core of it"
  echo "serves. user_us, sys_us: its user and system time per request over all windows (tick-sampled split)."
  echo "wrk_us/req: wrk's CPU per request; both_us/req: server and wrk together (on loopback, part of the"
  echo "server's TCP sending can run in wrk's time: compare both_us/req too). server% = the server's CPU /"
  echo "wall time; core% = how busy its core was (anyone); load% = wrk's core. server% near 100: the server"
  echo "was the limit; else per-CPU figures are the fair ones."
  if [ "$warmup" -gt 0 ]; then
    echo "cold = the ${warmup}s warm-up run just after start (JIT cold for Gatehouse)."
  else
    echo "No warm-up (-w 0): no cold figures, and Gatehouse's first windows ran with the JIT cold."
  fi
  for s in "${scenarios[@]}"; do
    echo
    echo "${title[$s]}"
    # shellcheck disable=SC2059
    printf "$row_format" server req/s MiB/s cpu_us/req user_us sys_us MiB/cpu-s server% core% load% \
      wrk_us/req both_us/req errors cold_req/s cold_cpu_us
    for p in $all_proxies; do
      wants "$p" || continue
      # shellcheck disable=SC2059
      printf "$row_format" "$p" \
        "$(num "$(median "$p" "$s" warm 10)" %.0f)" "$(num "$(median "$p" "$s" warm 11)" %.1f $mib)" \
        "$(num "$(median "$p" "$s" warm 15)" %.1f)" "$(per_request "$p" "$s" 13)" "$(per_request "$p" "$s" 14)" \
        "$(num "$(median "$p" "$s" warm 16)" %.0f $mib)" "$(num "$(median "$p" "$s" warm 17)" %.0f)" \
        "$(num "$(median "$p" "$s" warm 18)" %.0f)" "$(num "$(median "$p" "$s" warm 19)" %.0f)" \
        "$(num "$(median "$p" "$s" warm 22)" %.1f)" "$(num "$(median "$p" "$s" warm 23)" %.1f)" \
        "$(sum_errors "$p" "$s")" "$(num "$(median "$p" "$s" cold 10)" %.0f)" \
        "$(num "$(median "$p" "$s" cold 15)" %.1f)"
    done
    if wants gatehouse && wants nginx; then
      printf '  gatehouse/nginx by the medians: CPU per request %s, bytes per CPU-second %s, req/s %s;\n' \
        "$(ratio "$(median gatehouse "$s" warm 15)" "$(median nginx "$s" warm 15)")" \
        "$(ratio "$(median gatehouse "$s" warm 16)" "$(median nginx "$s" warm 16)")" \
        "$(ratio "$(median gatehouse "$s" warm 10)" "$(median nginx "$s" warm 10)")"
      printf '    server and wrk together: CPU per request %s; cold: CPU per request %s\n' \
        "$(ratio "$(median gatehouse "$s" warm 23)" "$(median nginx "$s" warm 23)")" \
        "$(ratio "$(median gatehouse "$s" cold 15)" "$(median nginx "$s" cold 15)")"
      printf '  gatehouse/nginx window by window: CPU per request %s;\n' "$(paired_ratio gatehouse nginx "$s" 15)"
      printf '    bytes per CPU-second %s;\n' "$(paired_ratio gatehouse nginx "$s" 16)"
      printf '    server and wrk together, CPU per request %s\n' "$(paired_ratio gatehouse nginx "$s" 23)"
    fi
    if [ "$s" = cache ]; then
      printf '  requests that reached the backend (from its access log), measured windows; warm-up runs:\n'
      for p in $all_proxies; do
        if wants "$p"; then printf '    %-10s %s; %s\n' "$p" "$(backend_share "$p" warm)" "$(backend_share "$p" cold)"; fi
      done
    fi
  done
  if wants gatehouse && wants nginx; then
    echo
    echo "Targets (Gatehouse/nginx, same run; window by window, then by the medians):"
    if wants_scenario 1k; then
      printf '  1 KiB file, CPU per request: %s; %s (target <= 1.2x)\n' "$(paired_ratio gatehouse nginx 1k 15)" \
        "$(ratio "$(median gatehouse 1k warm 15)" "$(median nginx 1k warm 15)")"
    fi
    if wants_scenario 1m; then
      printf '  1 MiB file, bytes per CPU-second: %s; %s (target >= 0.9x); throughput %s\n' \
        "$(paired_ratio gatehouse nginx 1m 16)" \
        "$(ratio "$(median gatehouse 1m warm 16)" "$(median nginx 1m warm 16)")" \
        "$(ratio "$(median gatehouse 1m warm 11)" "$(median nginx 1m warm 11)")"
    fi
    if wants_scenario cache; then
      printf '  1 KiB cache hits, CPU per request: %s; %s (no target set)\n' "$(paired_ratio gatehouse nginx cache 15)" \
        "$(ratio "$(median gatehouse cache warm 15)" "$(median nginx cache warm 15)")"
    fi
  fi
  echo
  echo "errors column: sum over all runs, warm-up included, of non-2xx responses and socket errors (must be 0)"
  echo "raw numbers: $csv"
  echo "wrk output, configs, response headers and logs: $results_dir"
} | tee "$results_dir/summary.txt"

# Figures of a server that answered errors are not comparable: say so, and fail.
total_errors=$(awk -F, 'NR > 1 { e += $9 } END { print e + 0 }' "$csv")
[ "$total_errors" = 0 ] || die "$total_errors errors (non-2xx or socket errors) in the runs: the figures above are not valid, see $results_dir/wrk"
# Cache figures are figures of hits only while the backend stays (nearly) idle: a few requests
# reaching it are reported above; more than 0.1% of the measured requests make the run fail.
if wants_scenario cache \
   && awk -F, 'NR > 1 && $4 == "cache" && $5 == "warm" { b += $25; n += $8 } END { exit !(b * 1000 > n) }' "$csv"; then
  die "the backend got more than 0.1% of the cache scenario's measured requests: those figures are not of cache hits, see $backend_log"
fi
