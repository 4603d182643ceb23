#!/usr/bin/env bash
# Benchmarks TLS termination and HTTP/2 in Gatehouse (both TLS providers), nginx and HAProxy,
# side by side in one run, with the same certificate and the same plaintext backend.
#
# Scenarios (each proxy, each round, in this order):
#   https    HTTPS/1.1 keep-alive requests, wrk, 1 KB bodies
#   full     full TLS handshakes (no resumption): HandshakeLoad (a Netty/BoringSSL client in this
#            module), one handshake and one request per connection; or `openssl s_time -new`
#   resumed  resumed handshakes (session tickets): HandshakeLoad, or `openssl s_time -reuse`
#   h2       HTTP/2 requests, h2load -c 10 -m 100 (h2 to the client, HTTP/1.1 to the backend)
#
# Every proxy gets one pinned core (BENCH_PROXY_CPU, default 1); the backend (an nginx worker
# answering a fixed 1 KB body) and the load tools share the other (BENCH_LOAD_CPU, default 0).
# Every round starts each proxy afresh, in an order that rotates from round to round; each
# scenario has a warm-up run (its figures are kept as the "cold" ones) and a measured run. With
# --windows N (N > 1) a round starts all the proxies at once instead, warms each up, then
# measures them in turn, N short windows each, alternating (on a shared machine whose speed
# drifts, alternating windows compare the proxies under the same conditions). The
# figures per run: operations/s, the proxy's CPU time per operation (utime+stime of all its
# processes and threads, from /proc) and how busy the proxy's core was (CPU s / wall s): below
# ~90% the client, not the proxy, limited throughput, and CPU per operation is the fair figure.
# The certificate (RSA 2048 by default, or ECDSA P-256) is made with openssl in a temporary
# directory that is removed at exit. Traffic goes to 127.0.0.1 only. Not run in CI.
# See docs/benchmarks.md ("TLS and HTTP/2") for how to read the results.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/tls-bench.sh [options]

  -d, --duration SECONDS     measured run per scenario, proxy and round (BENCH_DURATION, default 10)
  -w, --warmup SECONDS       warm-up ("cold") run before it, 0 for none (BENCH_WARMUP, default 30)
  -r, --rounds N             rounds; the table shows medians         (BENCH_ROUNDS, default 3)
      --windows N            side by side: all proxies up at once, N measured windows each per
                             round, alternating between them (https, h2); 1 = one proxy at a time
                                                                     (BENCH_WINDOWS, default 1)
  -p, --proxies LIST         comma-separated subset, in round-1 order
                             (BENCH_PROXIES, default gatehouse-openssl,gatehouse-jdk,nginx,haproxy)
  -s, --scenarios LIST       comma-separated subset of https,full,resumed,h2
                             (BENCH_SCENARIOS, default all four)
  -k, --key-type TYPE        rsa (RSA 2048) or ecdsa (P-256)         (BENCH_KEY_TYPE, default rsa)
      --tls VERSION          1.3 or 1.2: the version the handshake clients offer
                             (BENCH_TLS, default 1.3; wrk and h2load negotiate freely)
  -c, --connections N        wrk connections for https               (BENCH_CONNECTIONS, default 50)
      --handshake-client C   netty (HandshakeLoad, BoringSSL) or s_time (openssl s_time)
                             for full and resumed (BENCH_HANDSHAKE_CLIENT, default netty)
      --handshake-clients N  connections in flight (netty) or parallel s_time processes
                             (BENCH_HANDSHAKE_CLIENTS, default 16)
      --h2-clients N         h2load connections                      (BENCH_H2_CLIENTS, default 10)
      --h2-streams N         h2load concurrent streams per connection (BENCH_H2_STREAMS, default 100)
  -o, --out DIR              results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE             Gatehouse jar to run (GATEHOUSE_BENCH_JAR,
                             default gatehouse-cli/target/gatehouse.jar, built when missing)
  -h, --help                 this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse (default: -Xms256m -Xmx256m -XX:+UseParallelGC)
  BENCH_PROXY_CPU            core the proxy under test is pinned to (default 1)
  BENCH_LOAD_CPU             core the load tools and the backend are pinned to (default 0)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports, nginx config: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-30}
rounds=${BENCH_ROUNDS:-3}
windows=${BENCH_WINDOWS:-1}
proxy_list=${BENCH_PROXIES:-gatehouse-openssl,gatehouse-jdk,nginx,haproxy}
scenario_list=${BENCH_SCENARIOS:-https,full,resumed,h2}
key_type=${BENCH_KEY_TYPE:-rsa}
tls_version=${BENCH_TLS:-1.3}
connections=${BENCH_CONNECTIONS:-50}
hs_client=${BENCH_HANDSHAKE_CLIENT:-netty}
hs_clients=${BENCH_HANDSHAKE_CLIENTS:-16}
h2_clients=${BENCH_H2_CLIENTS:-10}
h2_streams=${BENCH_H2_STREAMS:-100}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
body_size=1024

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -w|--warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    --windows) windows=${2:?$1 needs a value}; shift 2 ;;
    -p|--proxies) proxy_list=${2:?$1 needs a value}; shift 2 ;;
    -s|--scenarios) scenario_list=${2:?$1 needs a value}; shift 2 ;;
    -k|--key-type) key_type=${2:?$1 needs a value}; shift 2 ;;
    --tls) tls_version=${2:?$1 needs a value}; shift 2 ;;
    -c|--connections) connections=${2:?$1 needs a value}; shift 2 ;;
    --handshake-client) hs_client=${2:?$1 needs a value}; shift 2 ;;
    --handshake-clients) hs_clients=${2:?$1 needs a value}; shift 2 ;;
    --h2-clients) h2_clients=${2:?$1 needs a value}; shift 2 ;;
    --h2-streams) h2_streams=${2:?$1 needs a value}; shift 2 ;;
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
check_int connections "$connections" 1
check_int handshake-clients "$hs_clients" 1
check_int h2-clients "$h2_clients" 1
check_int h2-streams "$h2_streams" 1
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
[ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"
case "$key_type" in rsa|ecdsa) ;; *) die "key-type: \"$key_type\" (expected: rsa or ecdsa)" ;; esac
case "$tls_version" in 1.3|1.2) ;; *) die "tls: \"$tls_version\" (expected: 1.3 or 1.2)" ;; esac
case "$hs_client" in netty|s_time) ;; *) die "handshake-client: \"$hs_client\" (expected: netty or s_time)" ;; esac

all_proxies="gatehouse-openssl gatehouse-jdk nginx haproxy"
IFS=', ' read -r -a proxies <<< "$proxy_list"
[ "${#proxies[@]}" -ge 1 ] || die "proxies: \"$proxy_list\" (expected: one or more of ${all_proxies// /,})"
seen=" "
for p in "${proxies[@]}"; do
  case " $all_proxies " in *" $p "*) ;; *) die "proxies: \"$p\" (expected: one of ${all_proxies// /, })" ;; esac
  case "$seen" in *" $p "*) die "proxies: \"$p\" listed twice" ;; esac
  seen="$seen$p "
done
wants() { case "$seen" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
wants_gatehouse() { wants gatehouse-openssl || wants gatehouse-jdk; }

all_scenarios="https full resumed h2"
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

# ---------------------------------------------------------------- processes and tools

setup_cleanup
cert_dir=
# cleanup (lib) stops what was started; the key material goes too.
tls_cleanup() { cleanup; if [ -n "$cert_dir" ]; then rm -rf "$cert_dir"; fi; }
trap tls_cleanup EXIT

need=(nginx)
if wants haproxy; then need+=(haproxy); fi
need+=(wrk curl openssl h2load:nghttp2-client taskset:util-linux)
install_missing "nginx, haproxy, wrk and nghttp2-client" "${need[@]}"
nginx_bin=$(find_sbin nginx)
haproxy_bin=$(find_sbin haproxy)
[ -n "$nginx_bin" ] || die "nginx not found after install"
if wants haproxy && [ -z "$haproxy_bin" ]; then die "haproxy not found after install"; fi
for tool in wrk openssl h2load curl; do command -v "$tool" >/dev/null || die "$tool not found after install"; done
clk_tck=$(getconf CLK_TCK)
check_cores

# The Netty handshake client runs from this tree's classes (gatehouse-bench and the modules it
# uses), with the bench module's third-party jars (build_bench_classpath, after the results dir).
netty_client=0
if [ "$hs_client" = netty ] && { wants_scenario full || wants_scenario resumed; }; then netty_client=1; fi
java_bin=
if wants_gatehouse || [ "$netty_client" = 1 ]; then find_java; fi
if wants_gatehouse; then resolve_jar; fi
bench_classes=$root/gatehouse-bench/target/classes
testing_classes=$root/gatehouse-testing/target/classes
if [ "$netty_client" = 1 ] && [ ! -f "$bench_classes/dev/gatehouse/bench/tls/HandshakeLoad.class" ]; then
  log "building gatehouse-bench (HandshakeLoad is missing)"
  run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-bench -am
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- results, certificate, ports

make_results_dir gatehouse-tls-bench load
if [ "$netty_client" = 1 ]; then build_bench_classpath; fi

# The certificate and key live outside the results directory, in a directory only this user can
# read, removed at exit: no key outlives the run. Configs in the results directory name its path.
cert_dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-tls-bench-cert.XXXXXX")
chmod 755 "$cert_dir"   # nginx workers run unprivileged when started by root; the key file stays 0644 for them
cert=$cert_dir/site.crt
key=$cert_dir/site.key
case "$key_type" in
  rsa) newkey=(-newkey rsa:2048); key_label="RSA 2048" ;;
  ecdsa) newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); key_label="ECDSA P-256" ;;
esac
# A self-signed leaf for 127.0.0.1 and localhost; openssl 3 writes the key as PKCS#8, which
# every proxy here reads. The clients do not verify it (they would pay the same cost against
# every proxy anyway).
openssl req -x509 "${newkey[@]}" -nodes -sha256 -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$key" -out "$cert" 2>"$results_dir/logs/openssl-req.log" \
  || die "openssl req failed, see $results_dir/logs/openssl-req.log"
chmod 644 "$key"
cat "$cert" "$key" > "$cert_dir/site.pem"   # HAProxy's crt: chain and key in one file
chmod 644 "$cert_dir/site.pem"

init_ports
pick_port
backend_port=$picked_port
declare -A port
for p in "${proxies[@]}"; do pick_port; port[$p]=$picked_port; done

# ---------------------------------------------------------------- configs

mkdir -p "$results_dir/conf/backend" "$results_dir/conf/nginx"
write_fixed_body_backend "$backend_port" "$body_size"

# TLS settings left at each proxy's defaults apart from the versions: TLS 1.2 and 1.3, session
# tickets on (nginx and HAProxy make random ticket keys at start; Gatehouse rotates its own).
{
  nginx_conf_head nginx 8192
  cat <<EOF
  upstream bench {
    server 127.0.0.1:$backend_port;
    keepalive 64;
    keepalive_requests 1000000000;
  }
  server {
    listen 127.0.0.1:${port[nginx]:-0} ssl http2;
    ssl_certificate $cert;
    ssl_certificate_key $key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} > "$results_dir/conf/nginx/nginx.conf"

# Room for every client connection plus one to the backend each.
haproxy_maxconn=$((connections + h2_clients + hs_clients + 4096))
cat > "$results_dir/conf/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $haproxy_maxconn
  ssl-default-bind-options ssl-min-ver TLSv1.2

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s

frontend bench
  bind 127.0.0.1:${port[haproxy]:-0} ssl crt $cert_dir/site.pem alpn h2,http/1.1
  default_backend bench

backend bench
  server backend1 127.0.0.1:$backend_port
EOF

# The config shape of issue 12 (docs/configuration.md): tls with certificates and provider,
# http2 offered by ALPN. No admin API: side by side (--windows) both nodes would want its port. A build from before HTTP/2 to clients refuses the http2 section as an
# unknown field: it is left out then (that build offers http/1.1 only and h2 is skipped).
gatehouse_h2=0
# (A jar's file names are stored uncompressed: grep finds them without unzip.)
if wants_gatehouse && grep -qa 'dev/gatehouse/core/config/Http2Config.class' "$jar"; then gatehouse_h2=1; fi
http2_section=
if [ "$gatehouse_h2" = 1 ]; then http2_section=$'\n    http2:\n      enabled: true'; fi
for provider in openssl jdk; do
  cat > "$results_dir/conf/gatehouse-$provider.yaml" <<EOF
listeners:
  - bind: 127.0.0.1:${port[gatehouse-$provider]:-0}
    tls:
      certificates:
        - { cert: $cert, key: $key }
      provider: $provider
      protocols: [TLSv1.2, TLSv1.3]$http2_section
    routes:
      - { path_prefix: /, pool: bench }
pools:
  bench:
    backends:
      - { address: 127.0.0.1:$backend_port }
access_log:
  enabled: false
admin: false
EOF
done

# ---------------------------------------------------------------- starting and checking

start_proxy() { # name round
  local name=$1 logfile=$results_dir/logs/$1-r$2.log
  local -a args
  case "$name" in
    gatehouse-*)
      spawn "$proxy_cpu" "$logfile" "$java_bin" "${jvm_args[@]}" -jar "$jar" \
        run --config "$results_dir/conf/$name.yaml" ;;
    nginx)
      mapfile -t args < <(nginx_args nginx)
      spawn "$proxy_cpu" "$logfile" "$nginx_bin" "${args[@]}" ;;
    haproxy)
      spawn "$proxy_cpu" "$logfile" "$haproxy_bin" -f "$results_dir/conf/haproxy.cfg" -db ;;
  esac
}

# Waits until URL $2 answers at all, over HTTP/1.1 and any certificate (await_url in bench-common.sh).
wait_ready() { await_url "$1" "$2" "$3" "$4" "" -k --http1.1; } # name url pid logfile

# A proxy that answers quickly with an error would look fast: check one real response first.
check_response() { # name url [curl options]
  local name=$1 url=$2 got
  shift 2
  got=$(curl -sk "$@" -o /dev/null --max-time 5 -w '%{http_code} %{size_download}' "$url" || true)
  [ "$got" = "200 $body_size" ] \
    || die "$name at $url answered \"$got\" (expected: \"200 $body_size\", status and body bytes)"
}

# Succeeds when the proxy on port $1 negotiates h2 by ALPN and answers a request over it.
speaks_h2() { # port
  [ "$(curl -sk --http2 -o /dev/null --max-time 5 -w '%{http_version} %{http_code}' "https://127.0.0.1:$1/" || true)" = "2 200" ]
}

# Prints what the proxy on port $1 negotiates with an OpenSSL client offering TLS $tls_version:
# protocol, cipher suite, key exchange group, signature.
negotiated() { # port
  openssl s_client -connect "127.0.0.1:$1" "-tls${tls_version/./_}" -brief < /dev/null 2>&1 \
    | awk -F': ' '/^(Protocol version|Ciphersuite|Signature type|Server Temp Key|Negotiated TLS1.3 group)/ { printf "%s%s", sep, $2; sep = ", " }' || true
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

now() { date +%s.%N; }

# Prints "busy total" jiffies of core $1 since boot, from /proc/stat (busy: user, nice, system,
# irq, softirq and steal; total adds idle and iowait): how busy the core was, whoever used it.
core_jiffies() { # cpu
  awk -v c="cpu$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

# ---------------------------------------------------------------- load generators
# Each runs on $load_cpu for $2 seconds against port $1, writes its raw output under $3 (a path
# prefix) and prints "ops errors resumed_pct": operations completed (requests, or connections
# with their handshake), errors of any kind, and for handshakes the share that were resumed
# (- elsewhere). They run in the background and are waited for, so that Ctrl-C or TERM reach the
# traps at once (bash defers traps while a foreground child runs).

load_https() { # port seconds outprefix
  local out=$3.txt rc=0
  timeout -k 5 $(($2 + 60)) taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"$2s" "https://127.0.0.1:$1/" > "$out" 2>&1 < /dev/null &
  wait_child $! || rc=$?
  [ "$rc" = 0 ] || die "wrk failed (exit $rc), see $out"
  awk '
    $2 == "requests" && $3 == "in" { req = $1 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { if (req == "") exit 1; printf "%d %d -\n", req, err }' "$out" || die "could not read wrk output in $out"
}

# openssl s_time, $hs_clients processes at once: a blocking client does one handshake at a time,
# and a single one would leave the proxy idle while it computes its own half. -www makes each
# connection fetch / (HTTP/1.0, so the proxy closes after the 1 KB answer): without reading
# past the handshake a TLS 1.3 client never sees its session ticket and cannot resume.
# s_time prints one character per connection: 'r' when the session was resumed, '*' otherwise.
load_handshakes() { # port seconds outprefix new|reuse
  local i rc errors=0
  local -a pids=()
  for ((i = 0; i < hs_clients; i++)); do
    timeout -k 5 $(($2 + 60)) taskset -c "$load_cpu" openssl s_time -connect "127.0.0.1:$1" "-$4" -time "$2" -www / \
      "-tls${tls_version/./_}" > "$3-$i.txt" 2>&1 < /dev/null &
    pids+=("$!")
    started+=("$!")
  done
  for i in "${pids[@]}"; do
    rc=0
    wait "$i" || rc=$?
    forget "$i"
    [ "$rc" = 0 ] || errors=$((errors + 1))
  done
  # Per file: the connections of the timed loop ("N connections in T real seconds, B bytes read
  # per connection"), and the progress characters of the timed loop only (for -reuse, the first
  # connection that gets the session is printed before "starting").
  awk -v errs="$errors" -v body="$body_size" '
    FNR == 1 { timed = 0 }
    /^starting/ || /^Collecting connection statistics/ { timed = 1; next }
    timed && /^[*rt3]+$/ { n = length($0); r = gsub(/r/, "", $0); resumed += r; marks += n }
    / connections in .* real seconds, / {
      conns += $1
      if ($7 + 0 < body) short += 1
    }
    END {
      if (conns == "") exit 1
      # A connection that read less than the body was refused or failed: count the file as errors.
      printf "%d %d %s\n", conns, errs + short, (marks > 0 ? sprintf("%.1f", 100 * resumed / marks) : "-")
    }' "$3"-*.txt || die "could not read s_time output in $3-*.txt"
}

load_h2() { # port seconds outprefix
  local out=$3.txt rc=0
  # -T: after -D ends, h2load sends GOAWAY and keeps its connections, still opening streams on
  # them, until the server closes them (nginx and HAProxy do at once); the active timeout closes
  # them from this side. The streams in flight then are not counted (started, not done).
  timeout -k 5 $(($2 + 60)) taskset -c "$load_cpu" h2load -t1 -c"$h2_clients" -m"$h2_streams" -D "$2" -T $(($2 + 3)) \
    "https://127.0.0.1:$1/" \
    > "$out" 2>&1 < /dev/null &
  wait_child $! || rc=$?
  [ "$rc" = 0 ] || die "h2load failed (exit $rc), see $out"
  awk '
    /^requests:/ { gsub(/,/, ""); ok = $8; err += $10 + $12 + $14 }
    /^status codes:/ { gsub(/,/, ""); err += $5 + $7 + $9 }
    END { if (ok == "") exit 1; printf "%d %d -\n", ok, err }' "$out" || die "could not read h2load output in $out"
}

# ---------------------------------------------------------------- one proxy

echo "round,position,proxy,scenario,phase,seconds,ops,errors,ops_per_s,cpu_s,cpu_us_per_op,proxy_pct,proxy_core_pct,load_core_pct,resumed_pct,window" > "$csv"

declare -A no_h2 tls_params
# The measured window a row belongs to (side by side: 1..windows; else 1).
window=1

# Appends a csv row and logs it: the load tool's counts and the CPU counters' differences over
# the run (proxy ticks; busy and total jiffies of the proxy's core and of the load core).
append_row() { # name scenario round position phase wall ops errors resumed ticks pc_busy pc_total lc_busy lc_total
  local name=$1 scn=$2 round=$3 phase=$5 ops=$7 errors=$8 row
  [ "$ops" -gt 0 ] || die "$name: $scn completed nothing in round $round ($phase), see $results_dir/load/$name-$scn-r$round-*"
  row=$(awk -v r="$round" -v pos="$4" -v n="$name" -v s="$scn" -v ph="$phase" -v wall="$6" -v ops="$ops" \
            -v err="$errors" -v res="$9" -v ticks="${10}" -v hz="$clk_tck" \
            -v pb="${11}" -v pt="${12}" -v lb="${13}" -v lt="${14}" -v win="$window" 'BEGIN {
      cpu = ticks / hz
      printf "%d,%d,%s,%s,%s,%.2f,%d,%d,%.2f,%.2f,%.2f,%.1f,%.1f,%.1f,%s,%d\n",
        r, pos, n, s, ph, wall, ops, err, ops / wall, cpu, cpu * 1e6 / ops, 100 * cpu / wall,
        (pt > 0 ? 100 * pb / pt : 0), (lt > 0 ? 100 * lb / lt : 0), res, win }')
  echo "$row" >> "$csv"
  log "round $round: $name $scn $phase$([ "$windows" -gt 1 ] && [ "$phase" = warm ] && echo " (window $window)"): $(echo "$row" | awk -F, '{ printf "%.0f ops/s, %.1f us CPU/op, proxy %.0f%% of a core, its core %.0f%% busy, load core %.0f%%%s", $9, $11, $12, $13, $14, ($15 != "-" ? ", " $15 "% resumed" : "") }')"
  if [ "$errors" -gt 0 ]; then log "round $round: WARNING $name $scn $phase had $errors errors, see $results_dir/load/$name-$scn-r$round-$phase*"; fi
}

# Runs scenario $2 with an external tool (wrk, s_time, h2load) on proxy $1 (pids in pid_list)
# for $3 seconds, the CPU counters read around it, and appends a csv row.
measure() { # name scenario seconds round position phase
  local name=$1 scn=$2 secs=$3 round=$4 pos=$5 phase=$6 p=${port[$1]}
  local prefix=$results_dir/load/$name-$scn-r$round-$phase t0 t1 w0 w1 out ops errors resumed
  if [ "$windows" -gt 1 ] && [ "$phase" = warm ]; then prefix=$prefix-w$window; fi
  local -a pc0 pc1 lc0 lc1
  read -r -a pc0 <<< "$(core_jiffies "$proxy_cpu")"
  read -r -a lc0 <<< "$(core_jiffies "$load_cpu")"
  w0=$(now)
  t0=$(cpu_ticks "${pid_list[@]}")
  case "$scn" in
    https) out=$(load_https "$p" "$secs" "$prefix") ;;
    full) out=$(load_handshakes "$p" "$secs" "$prefix" new) ;;
    resumed) out=$(load_handshakes "$p" "$secs" "$prefix" reuse) ;;
    h2) out=$(load_h2 "$p" "$secs" "$prefix") ;;
  esac
  t1=$(cpu_ticks "${pid_list[@]}")
  w1=$(now)
  read -r -a pc1 <<< "$(core_jiffies "$proxy_cpu")"
  read -r -a lc1 <<< "$(core_jiffies "$load_cpu")"
  read -r ops errors resumed <<< "$out"
  append_row "$name" "$scn" "$round" "$pos" "$phase" "$(awk -v a="$w0" -v b="$w1" 'BEGIN { print b - a }')" \
    "$ops" "$errors" "$resumed" $((t1 - t0)) $((pc1[0] - pc0[0])) $((pc1[1] - pc0[1])) \
    $((lc1[0] - lc0[0])) $((lc1[1] - lc0[1]))
}

# Runs scenario $2 (full or resumed) on proxy $1 with the Netty handshake client (HandshakeLoad),
# which runs the warm-up and the measured phase in one JVM, so that the client's own JIT is warm
# when the measured phase starts, and reads the proxy's CPU counters itself at the phases'
# boundaries. Appends a csv row per phase.
measure_netty() { # name scenario round position
  local name=$1 scn=$2 round=$3 pos=$4 p=${port[$1]} out rc=0 line
  local -a cmd
  out=$results_dir/load/$name-$scn-r$round.txt
  cmd=(timeout -k 5 $((warmup + duration + 60)) taskset -c "$load_cpu" "$java_bin" -Xms64m -Xmx256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED
       -cp "$bench_cp"
       dev.gatehouse.bench.tls.HandshakeLoad --port "$p" --mode "$scn" --pids "$(IFS=,; echo "${pid_list[*]}")"
       --connections "$hs_clients" --warmup-seconds "$warmup" --seconds "$duration" --tls "$tls_version"
       --min-bytes "$body_size" --proxy-cpu "$proxy_cpu" --load-cpu "$load_cpu")
  "${cmd[@]}" > "$out" 2> "${out%.txt}.err" < /dev/null &
  wait_child $! || rc=$?
  [ "$rc" = 0 ] || { cat "${out%.txt}.err" >&2; die "HandshakeLoad failed (exit $rc) against $name, see $out"; }
  while read -r line; do
    # phase=P ops=N errors=N handshakes=N full=N seconds=S proxy_ticks=T proxy_core=B/T load_core=B/T
    local -A kv=()
    local field
    for field in $line; do kv[${field%%=*}]=${field#*=}; done
    append_row "$name" "$scn" "$round" "$pos" "${kv[phase]}" "${kv[seconds]}" "${kv[ops]}" "${kv[errors]}" \
      "$(awk -v hs="${kv[handshakes]}" -v full="${kv[full]}" 'BEGIN { r = hs - full; printf "%.1f", (hs > 0 ? 100 * (r > 0 ? r : 0) / hs : 0) }')" \
      "${kv[proxy_ticks]}" "${kv[proxy_core]%/*}" "${kv[proxy_core]#*/}" "${kv[load_core]%/*}" "${kv[load_core]#*/}"
  done < <(grep '^phase=' "$out")
}

declare -A main_pid pids_of

# Starts proxy $1 for round $2 and checks one real answer; sets main_pid[$1] and pids_of[$1].
start_checked() { # name round
  local name=$1 round=$2 p=${port[$1]} url logfile
  url=https://127.0.0.1:$p/
  logfile=$results_dir/logs/$name-r$round.log
  start_proxy "$name" "$round"
  main_pid[$name]=$last_pid
  wait_ready "$name" "$url" "$last_pid" "$logfile"
  check_response "$name" "$url" --http1.1
  if [ -z "${tls_params[$name]:-}" ]; then tls_params[$name]=$(negotiated "$p"); fi
  pids_of[$name]=$(tree_pids "$last_pid" | tr '\n' ' ')
}

# Succeeds when proxy $1 can run scenario $2: for h2, it must negotiate h2 and answer over it.
scenario_ok() { # name scenario round
  [ "$2" = h2 ] || return 0
  if ! speaks_h2 "${port[$1]}"; then
    log "round $3: WARNING $1 does not negotiate h2 by ALPN: h2 skipped"
    no_h2[$1]=1
    return 1
  fi
  check_response "$1" "https://127.0.0.1:${port[$1]}/" --http2
}

# Handshake scenarios driven by HandshakeLoad, which does its own warm-up and measured phase.
netty_scenario() { [ "$hs_client" = netty ] && { [ "$1" = full ] || [ "$1" = resumed ]; }; }

bench_one() { # name round position
  local name=$1 round=$2 pos=$3 scn
  start_checked "$name" "$round"
  read -r -a pid_list <<< "${pids_of[$name]}"
  for scn in "${scenarios[@]}"; do
    scenario_ok "$name" "$scn" "$round" || continue
    if netty_scenario "$scn"; then
      measure_netty "$name" "$scn" "$round" "$pos"
      continue
    fi
    if [ "$warmup" -gt 0 ]; then measure "$name" "$scn" "$warmup" "$round" "$pos" cold; fi
    measure "$name" "$scn" "$duration" "$round" "$pos" warm
  done
  stop_proc "${main_pid[$name]}"
}

# Side by side (--windows N > 1): all the proxies up at once, each on the proxy core (an idle
# one costs nothing measurable). Per scenario each warms up in turn, then each is measured N
# times, alternating, in an order that rotates from window to window, so that every pair of
# neighbouring windows saw the machine in the same state. The handshake scenarios driven by
# HandshakeLoad keep their one warm-up and one measured phase per proxy.
bench_round_side_by_side() { # round
  local round=$1 n=${#proxies[@]} i w name scn
  local -a order=() active
  for ((i = 0; i < n; i++)); do order+=("${proxies[(i + round - 1) % n]}"); done
  for name in "${order[@]}"; do start_checked "$name" "$round"; done
  for scn in "${scenarios[@]}"; do
    active=()
    for name in "${order[@]}"; do
      if scenario_ok "$name" "$scn" "$round"; then active+=("$name"); fi
    done
    window=1
    for ((i = 0; i < ${#active[@]}; i++)); do
      name=${active[i]}
      read -r -a pid_list <<< "${pids_of[$name]}"
      if netty_scenario "$scn"; then
        measure_netty "$name" "$scn" "$round" $((i + 1))
      elif [ "$warmup" -gt 0 ]; then
        measure "$name" "$scn" "$warmup" "$round" $((i + 1)) cold
      fi
    done
    if netty_scenario "$scn"; then continue; fi
    for ((w = 1; w <= windows; w++)); do
      window=$w
      for ((i = 0; i < ${#active[@]}; i++)); do
        name=${active[(i + w - 1) % ${#active[@]}]}
        read -r -a pid_list <<< "${pids_of[$name]}"
        measure "$name" "$scn" "$duration" "$round" $((i + 1)) warm
      done
    done
    window=1
  done
  for name in "${order[@]}"; do stop_proc "${main_pid[$name]}"; done
}

# ---------------------------------------------------------------- machine description

if [ "$hs_client" = netty ]; then
  hs_handshake_label="HandshakeLoad (Netty, BoringSSL) with $hs_clients connections in flight, TLS $tls_version, one request each"
else
  hs_handshake_label="$hs_clients x openssl s_time -tls${tls_version/./_} -www /"
fi

{
  machine_header
  echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
  if wants haproxy; then echo "haproxy: $("$haproxy_bin" -v 2>&1 | head -n 1)"; fi
  echo "openssl: $(openssl version)"
  echo "wrk: $( (wrk -v 2>&1 || true) | head -n 1)"
  echo "h2load: $(h2load --version 2>&1 | head -n 1)"
  if wants_gatehouse; then
    echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
    echo "gatehouse: $jar, JVM options: $jvm_opts, HTTP/2 to clients: $([ "$gatehouse_h2" = 1 ] && echo yes || echo "not in this build")"
    echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
  fi
  echo "certificate: $key_label, self-signed, $(openssl x509 -in "$cert" -noout -fingerprint -sha256)"
  echo "settings: rounds $rounds, warm-up ${warmup}s, measured ${duration}s$([ "$windows" -gt 1 ] && echo " x $windows alternating windows (side by side)"), scenarios ${scenarios[*]}," \
       "wrk -t1 -c$connections, handshakes: $hs_handshake_label," \
       "h2load -t1 -c$h2_clients -m$h2_streams, proxy on core $proxy_cpu, backend and load on core $load_cpu," \
       "body $body_size bytes"
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

mapfile -t bargs < <(nginx_args backend)
spawn "$load_cpu" "$results_dir/logs/backend.log" "$nginx_bin" "${bargs[@]}"
backend_pid=$last_pid
for ((i = 0; i < 100; i++)); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$backend_port/" && break
  proc_gone "$backend_pid" && die "backend exited (log: $results_dir/logs/backend.log)"
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$backend_port/" || true)" = "200 $body_size" ] \
  || die "backend on 127.0.0.1:$backend_port does not answer 200 with $body_size bytes"

n=${#proxies[@]}
for ((r = 1; r <= rounds; r++)); do
  if [ "$windows" -gt 1 ]; then
    bench_round_side_by_side "$r"
    continue
  fi
  for ((i = 0; i < n; i++)); do
    bench_one "${proxies[(i + r - 1) % n]}" "$r" $((i + 1))
  done
done
stop_proc "$backend_pid"
{
  echo "load average at end: $(loadavg)"
  for p in "${proxies[@]}"; do echo "negotiated by $p: ${tls_params[$p]:-unknown}"; done
} >> "$results_dir/machine.txt"

# ---------------------------------------------------------------- summary

# Prints the median of column $4 over the rows of proxy $1, scenario $2, phase $3; "-" if none.
median() {
  awk -F, -v p="$1" -v s="$2" -v ph="$3" -v c="$4" 'NR > 1 && $3 == p && $4 == s && $5 == ph && $c != "-" { print $c }' "$csv" \
    | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
                      if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sum_errors() {
  awk -F, -v p="$1" -v s="$2" 'NR > 1 && $3 == p && $4 == s && $5 == "warm" { e += $8 } END { print e + 0 }' "$csv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
# Side by side: proxy $1's CPU per op over proxy $2's in the same round and window (measured
# moments apart), the median over all such pairs, as "1.23x over N windows"; "n/a" without pairs.
paired_ratio() { # a b scenario
  awk -F, -v a="$1" -v b="$2" -v s="$3" '
    NR > 1 && $4 == s && $5 == "warm" && ($3 == a || $3 == b) { v[$3 SUBSEP $1 ":" $16] = $11; k[$1 ":" $16] = 1 }
    END { for (w in k) if (((a SUBSEP w) in v) && ((b SUBSEP w) in v) && v[b SUBSEP w] > 0) print v[a SUBSEP w] / v[b SUBSEP w] }' "$csv" \
    | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
                      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                      printf "%.2fx over %d windows", m, NR }'
}
num() { awk -v v="$1" -v f="$2" 'BEGIN { if (v == "-") print "-"; else printf f, v }'; }

declare -A title=([https]="HTTPS/1.1 keep-alive requests (wrk -c$connections)"
                  [full]="full TLS $tls_version handshakes, no resumption ($hs_handshake_label)"
                  [resumed]="resumed TLS $tls_version handshakes, session tickets ($hs_handshake_label)"
                  [h2]="HTTP/2 requests (h2load -c$h2_clients -m$h2_streams)")
{
  echo
  if [ "$windows" -gt 1 ]; then
    echo "Side by side: medians over $rounds round(s) x $windows alternating windows of ${duration}s; certificate $key_label; CPU of the proxy's processes only."
  else
    echo "Medians over $rounds round(s) of ${duration}s; certificate $key_label; CPU of the proxy's processes only."
  fi
  echo "proxy% = the proxy's CPU / wall time; core% = how busy its core was (anyone); load% = the load core."
  echo "proxy% near 100: the proxy was the limit. Else CPU/op is the fair figure: load% near 100 means the"
  echo "client was the limit, core% well above proxy% that neighbours took the proxy's core."
  echo "cold = the ${warmup}s warm-up run just after start (JIT cold for Gatehouse)."
  for s in "${scenarios[@]}"; do
    echo
    echo "${title[$s]}"
    printf '  %-18s %9s %10s %7s %6s %6s %9s %7s %10s %12s\n' proxy ops/s cpu_us/op proxy% core% load% \
      resumed% errors cold_ops/s cold_cpu_us
    for p in $all_proxies; do
      wants "$p" || continue
      if [ "$s" = h2 ] && [ -n "${no_h2[$p]:-}" ]; then printf '  %-18s %s\n' "$p" "no h2 (ALPN offered http/1.1 only)"; continue; fi
      printf '  %-18s %9s %10s %7s %6s %6s %9s %7s %10s %12s\n' "$p" "$(num "$(median "$p" "$s" warm 9)" %.0f)" \
        "$(num "$(median "$p" "$s" warm 11)" %.1f)" "$(num "$(median "$p" "$s" warm 12)" %.0f)" \
        "$(num "$(median "$p" "$s" warm 13)" %.0f)" "$(num "$(median "$p" "$s" warm 14)" %.0f)" \
        "$(median "$p" "$s" warm 15)" "$(sum_errors "$p" "$s")" \
        "$(num "$(median "$p" "$s" cold 9)" %.0f)" "$(num "$(median "$p" "$s" cold 11)" %.1f)"
    done
    for g in gatehouse-openssl gatehouse-jdk; do
      wants "$g" || continue
      for o in nginx haproxy; do
        wants "$o" || continue
        printf '  %s/%s: CPU per op %s, ops/s %s, ops per core-second %s\n' "$g" "$o" \
          "$(ratio "$(median "$g" "$s" warm 11)" "$(median "$o" "$s" warm 11)")" \
          "$(ratio "$(median "$g" "$s" warm 9)" "$(median "$o" "$s" warm 9)")" \
          "$(ratio "$(median "$o" "$s" warm 11)" "$(median "$g" "$s" warm 11)")"
        if [ "$windows" -gt 1 ] && ! netty_scenario "$s"; then
          printf '  %s/%s: CPU per op, window by window: %s\n' "$g" "$o" "$(paired_ratio "$g" "$o" "$s")"
        fi
      done
    done
  done
  if wants_gatehouse && wants nginx; then
    echo
    echo "Issue 12 targets (Gatehouse/nginx, same run):"
    for g in gatehouse-openssl gatehouse-jdk; do
      wants "$g" || continue
      if wants_scenario https; then
        printf '  %s: CPU per HTTPS keep-alive request %s (target <= 1.3x)%s\n' "$g" \
          "$(ratio "$(median "$g" https warm 11)" "$(median nginx https warm 11)")" \
          "$([ "$windows" -gt 1 ] && echo "; window by window $(paired_ratio "$g" nginx https)")"
      fi
      if wants_scenario full; then
        printf '  %s: full handshakes/s %s, per core-second %s (target >= 0.8x)\n' "$g" \
          "$(ratio "$(median "$g" full warm 9)" "$(median nginx full warm 9)")" \
          "$(ratio "$(median nginx full warm 11)" "$(median "$g" full warm 11)")"
      fi
    done
  fi
  echo
  echo "errors column: sum over measured runs of non-2xx responses, socket errors and failed clients (should be 0)"
  echo "raw numbers: $csv"
  echo "load tools' output, configs and logs: $results_dir (the certificate's directory is gone)"
} | tee "$results_dir/summary.txt"
