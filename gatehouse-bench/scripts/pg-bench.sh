#!/usr/bin/env bash
# The database front door side by side: pgbench through Gatehouse, through PgBouncer, and direct.
#
# One PostgreSQL of its own (initdb in a temporary directory, 127.0.0.1 and a free port only,
# max_connections 100, a SCRAM role `bench` and a database initialised with `pgbench -i`), then,
# one target at a time and in an order that rotates from round to round: Gatehouse's front door
# (one server with a budget of 80 connections, one pool in transaction mode), PgBouncer (pool_mode
# transaction, max_db_connections 80) and PostgreSQL direct. For each target: pgbench -S
# (select-only) and -N (simple update) at 50, 200 and 1,000 clients in simple query mode, the same
# with -M prepared, and connection churn (-C). Per measured run it records pgbench's TPS, failed
# transactions and aborted clients, p50/p99 from pgbench's per-transaction log, the proxy's CPU
# time per transaction (utime+stime of its process over the measured run only), PostgreSQL's CPU
# per transaction (every backend, exited ones included), and the most connections the role had on
# the server in any sample of pg_stat_activity taken every 100 ms from the warm-up's start to the
# measured run's end (the budget). The proxy under test is pinned to one core (BENCH_PROXY_CPU,
# default 1); pgbench, the sampler and PostgreSQL share the other (BENCH_LOAD_CPU, default 0).
# Traffic goes to 127.0.0.1 only; every pgbench run is bounded (its duration plus a grace, then
# killed); everything started here is stopped and the cluster deleted on exit, failure, Ctrl-C or
# TERM. Not run in CI. See docs/benchmarks.md, "The database front door".
#
# With --hold, instead of those runs, the hold scenario of issue 18 per proxy: pgbench -N -c 200
# -P 1 through it; once it has run a while, a pause (Gatehouse: `gatehouse db pause` through the
# admin API; PgBouncer: PAUSE on its admin console), a restart of PostgreSQL (fast shutdown, start
# again), a resume (`gatehouse db resume`; RESUME), and pgbench runs on to its end. It records
# the TPS before, during and after the hold (from the progress lines), how long the hold, the
# pause and the restart took, failed transactions, aborted clients, and the most connections of
# the role on the server in any sample.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/pg-bench.sh [options]

  -d, --duration SECONDS      measured pgbench run                      (BENCH_DURATION, default 15)
  -w, --warmup SECONDS        pgbench run with the same settings before each measured one, 0 for
                              none                                      (BENCH_WARMUP, default 3)
      --first-warmup SECONDS  right after each target starts, pgbench -S -c 50 for SECONDS, then
                              -S -C -c 50 (a login per transaction, see --churn-warmup): the JVM's
                              JIT for transactions and for logins, PostgreSQL's cache; their CPU per
                              transaction is the cold figure; 0 for none (BENCH_FIRST_WARMUP, default 15)
      --churn-warmup SECONDS  how long the first warm-up's -S -C part runs (BENCH_CHURN_WARMUP,
                              default 60: the clients' SCRAM keeps logins to a few hundred a second,
                              and a JIT compiles a login's code fully only after some 10,000 of them)
  -r, --rounds N              rounds; the table shows medians           (BENCH_ROUNDS, default 1)
  -t, --targets LIST          comma-separated subset, in round-1 order
                              (BENCH_TARGETS, default gatehouse,pgbouncer,direct)
  -m, --modes LIST            pgbench scripts: S (-S, select only), N (-N, simple update)
                              (BENCH_MODES, default S,N)
  -c, --clients LIST          client counts in simple query mode        (BENCH_CLIENTS, default 50,200,1000)
      --prepared-clients LIST client counts with -M prepared, each mode; none for no such runs
                                                                        (BENCH_PREPARED_CLIENTS, default 50,1000)
      --churn-clients LIST    client counts with -C (a new connection per transaction), -S only;
                              none for no such runs                     (BENCH_CHURN_CLIENTS, default 50)
  -j, --threads N             pgbench threads, at most the clients      (BENCH_THREADS, default 2)
  -s, --scale N               pgbench -i scale factor                   (BENCH_SCALE, default 10)
      --max-connections N     PostgreSQL's max_connections              (BENCH_MAX_CONNECTIONS, default 100)
      --budget N              server connections through a proxy: Gatehouse's server
                              max_connections, PgBouncer's max_db_connections and
                              default_pool_size                         (BENCH_BUDGET, default 80)
      --keep-logs             keep pgbench's per-transaction logs (large) (BENCH_KEEP_LOGS=1)
  -o, --out DIR               results directory (BENCH_RESULTS_DIR, default a new mktemp dir)
      --jar FILE              Gatehouse jar to run (GATEHOUSE_BENCH_JAR,
                              default gatehouse-cli/target/gatehouse.jar, built when missing)
      --hold                  instead of the runs above, the hold scenario: pgbench -N through
                              a pause, a PostgreSQL restart and a resume; targets gatehouse
                              and pgbouncer unless -t says otherwise  (BENCH_HOLD=1)
      --hold-clients N        pgbench clients in the hold scenario      (BENCH_HOLD_CLIENTS, default 200)
      --hold-duration SECONDS pgbench -T in the hold scenario           (BENCH_HOLD_DURATION, default 40)
      --hold-at SECONDS       progress lines (seconds of load) before the pause
                                                                        (BENCH_HOLD_AT, default 10)
  -h, --help                  this text

Other environment variables:
  GATEHOUSE_BENCH_JVM_OPTS   JVM options for Gatehouse (default: none beyond the launcher's own
                             for a node; with java -jar: -Xms256m -Xmx256m -XX:+UseParallelGC)
  GATEHOUSE_NO_ARCHIVE=1     run Gatehouse with java -jar, without bin/gatehouse's start-up archive
  BENCH_PROXY_CPU            core Gatehouse or PgBouncer is pinned to (default 1)
  BENCH_LOAD_CPU             core pgbench and the sampler are pinned to (default 0)
  BENCH_PG_CPU               cores PostgreSQL is pinned to, a taskset list (default: BENCH_LOAD_CPU;
                             "all" for every core)
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# log, die, check_int, process bookkeeping, tools, ports: shared with the other scripts.
. "$root/gatehouse-bench/scripts/lib/bench-common.sh"

duration=${BENCH_DURATION:-15}
warmup=${BENCH_WARMUP:-3}
first_warmup=${BENCH_FIRST_WARMUP:-15}
churn_warmup=${BENCH_CHURN_WARMUP:-60}
rounds=${BENCH_ROUNDS:-1}
target_list=${BENCH_TARGETS:-}
mode_list=${BENCH_MODES:-S,N}
client_list=${BENCH_CLIENTS:-50,200,1000}
prepared_list=${BENCH_PREPARED_CLIENTS:-50,1000}
churn_list=${BENCH_CHURN_CLIENTS:-50}
threads=${BENCH_THREADS:-2}
scale=${BENCH_SCALE:-10}
max_connections=${BENCH_MAX_CONNECTIONS:-100}
budget=${BENCH_BUDGET:-80}
keep_logs=${BENCH_KEEP_LOGS:-0}
results_dir=${BENCH_RESULTS_DIR:-}
jar=${GATEHOUSE_BENCH_JAR:-}
jvm_opts=${GATEHOUSE_BENCH_JVM_OPTS-}
plain_jvm_opts="-Xms256m -Xmx256m -XX:+UseParallelGC"
proxy_cpu=${BENCH_PROXY_CPU:-1}
load_cpu=${BENCH_LOAD_CPU:-0}
pg_cpu=${BENCH_PG_CPU:-}
hold=${BENCH_HOLD:-0}
hold_clients=${BENCH_HOLD_CLIENTS:-200}
hold_duration=${BENCH_HOLD_DURATION:-40}
hold_at=${BENCH_HOLD_AT:-10}

while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -w|--warmup) warmup=${2:?$1 needs a value}; shift 2 ;;
    --first-warmup) first_warmup=${2:?$1 needs a value}; shift 2 ;;
    --churn-warmup) churn_warmup=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -t|--targets) target_list=${2:?$1 needs a value}; shift 2 ;;
    -m|--modes) mode_list=${2:?$1 needs a value}; shift 2 ;;
    -c|--clients) client_list=${2:?$1 needs a value}; shift 2 ;;
    --prepared-clients) prepared_list=${2:?$1 needs a value}; shift 2 ;;
    --churn-clients) churn_list=${2:?$1 needs a value}; shift 2 ;;
    -j|--threads) threads=${2:?$1 needs a value}; shift 2 ;;
    -s|--scale) scale=${2:?$1 needs a value}; shift 2 ;;
    --max-connections) max_connections=${2:?$1 needs a value}; shift 2 ;;
    --budget) budget=${2:?$1 needs a value}; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -o|--out) results_dir=${2:?$1 needs a value}; shift 2 ;;
    --jar) jar=${2:?$1 needs a value}; shift 2 ;;
    --hold) hold=1; shift ;;
    --hold-clients) hold_clients=${2:?$1 needs a value}; shift 2 ;;
    --hold-duration) hold_duration=${2:?$1 needs a value}; shift 2 ;;
    --hold-at) hold_at=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# Argument checks, in one grammar: name: value (expected: ...).
check_int duration "$duration" 1
check_int warmup "$warmup" 0
check_int first-warmup "$first_warmup" 0
check_int churn-warmup "$churn_warmup" 1
check_int rounds "$rounds" 1
check_int threads "$threads" 1
check_int scale "$scale" 1
check_int max-connections "$max_connections" 10
check_int budget "$budget" 1
check_int BENCH_PROXY_CPU "$proxy_cpu" 0
check_int BENCH_LOAD_CPU "$load_cpu" 0
[ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"
# PostgreSQL keeps 3 connections for superusers (the sampler takes one): the budget must fit.
[ "$budget" -le $((max_connections - 4)) ] \
  || die "budget: $budget (expected: at most max-connections less 4, $((max_connections - 4)): 3 reserved for superusers, 1 for the sampler)"
case "$keep_logs" in 0|1) ;; *) die "BENCH_KEEP_LOGS: \"$keep_logs\" (expected: 0 or 1)" ;; esac
case "$hold" in 0|1) ;; *) die "BENCH_HOLD: \"$hold\" (expected: 0 or 1)" ;; esac
check_int hold-clients "$hold_clients" 1
check_int hold-duration "$hold_duration" 10
check_int hold-at "$hold_at" 1
[ "$hold_at" -lt "$hold_duration" ] || die "hold-at: $hold_at (expected: less than hold-duration, $hold_duration)"
if [ -z "$target_list" ]; then
  if [ "$hold" = 1 ]; then target_list=gatehouse,pgbouncer; else target_list=gatehouse,pgbouncer,direct; fi
fi

# Splits comma-separated list $2 into array named $1; "none" (or empty) is no element.
split_list() { # array-name list
  local -n out=$1
  out=()
  [ "$2" != none ] || return 0
  IFS=', ' read -r -a out <<< "$2"
}
split_list targets "$target_list"
split_list modes "$mode_list"
split_list clients "$client_list"
split_list prepared_clients "$prepared_list"
split_list churn_clients "$churn_list"
[ "${#targets[@]}" -ge 1 ] || die "targets: \"$target_list\" (expected: one or more of gatehouse, pgbouncer, direct)"
seen=" "
for t in "${targets[@]}"; do
  case "$t" in gatehouse|pgbouncer|direct) ;; *) die "targets: \"$t\" (expected: gatehouse, pgbouncer or direct)" ;; esac
  case "$seen" in *" $t "*) die "targets: \"$t\" listed twice" ;; esac
  seen="$seen$t "
  # Direct has nothing to hold the clients while PostgreSQL restarts.
  [ "$hold" = 0 ] || [ "$t" != direct ] || die "targets: \"direct\" with --hold (expected: gatehouse or pgbouncer: direct has no pause)"
done
wants() { case "$seen" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
for m in "${modes[@]}"; do
  case "$m" in S|N) ;; *) die "modes: \"$m\" (expected: S or N)" ;; esac
done
for c in "${clients[@]}" "${prepared_clients[@]}" "${churn_clients[@]}"; do check_int clients "$c" 1; done
[ "$(( ${#clients[@]} + ${#prepared_clients[@]} + ${#churn_clients[@]} ))" -ge 1 ] \
  || die "clients, prepared-clients, churn-clients: all none (expected: at least one run)"
[ "${#modes[@]}" -ge 1 ] || [ "${#churn_clients[@]}" -ge 1 ] || die "modes: \"$mode_list\" (expected: S, N or both)"

# ---------------------------------------------------------------- processes and tools

setup_cleanup
# Our own EXIT trap, around the shared one: pgbench and the proxies stop first, then PostgreSQL
# with a fast shutdown (a TERM would be a smart one, waiting for clients), then its directory goes.
pg_pid=
pg_dir=
on_exit() {
  local pid
  trap - EXIT INT TERM
  for pid in "${started[@]}"; do [ "$pid" = "$pg_pid" ] || stop_proc "$pid"; done
  if [ -n "$pg_pid" ]; then pg_stop; fi
  cleanup
  if [ -n "$pg_dir" ]; then rm -rf "$pg_dir"; fi
}
trap on_exit EXIT

# The newest PostgreSQL under /usr/lib/postgresql with a server and pgbench (Debian's layout).
find_pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pgbench" ] && [ -x "$d/psql" ]; then echo "$d"; return 0; fi
  done
}
pg_bin=$(find_pg_bin)
if [ -z "$pg_bin" ]; then
  # initdb is not on PATH in Debian's layout; pgbench came with postgresql-contrib before 15.
  install_packages "postgresql, postgresql-contrib and pgbouncer" postgresql postgresql-contrib
  pg_bin=$(find_pg_bin)
  [ -n "$pg_bin" ] || die "no PostgreSQL with initdb, postgres, pgbench and psql under /usr/lib/postgresql after install"
fi
need=(taskset:util-linux setpriv:util-linux)
if wants pgbouncer; then need+=(pgbouncer); fi
if [ "$hold" = 1 ] && wants gatehouse; then need+=(curl); fi
install_missing "postgresql, postgresql-contrib and pgbouncer" "${need[@]}"
pgbouncer_bin=$(find_sbin pgbouncer)
if wants pgbouncer && [ -z "$pgbouncer_bin" ]; then die "pgbouncer not found after install"; fi
clk_tck=$(getconf CLK_TCK)
check_cores
[ -n "$pg_cpu" ] || pg_cpu=$load_cpu
[ "$pg_cpu" != all ] || pg_cpu=0-$((ncpu - 1))
taskset -c "$pg_cpu" true 2>/dev/null || die "BENCH_PG_CPU: \"$pg_cpu\" (expected: a taskset core list of this machine, or all)"
for c in "${clients[@]}" "${prepared_clients[@]}" "${churn_clients[@]}"; do
  [ "$threads" -le "$c" ] || log "clients $c: fewer than threads ($threads); that run uses -j $c"
done

# PostgreSQL refuses to run as root, and so does PgBouncer; as root, they run as Debian's
# `postgres` user. Either way with a parent-death signal: should this script be killed outright,
# they stop too (PostgreSQL with SIGQUIT, its immediate shutdown, as gatehouse-testing's fixture).
as_pg_user=()
if [ "$(id -u)" = 0 ]; then
  getent passwd postgres >/dev/null || die "running as root needs the postgres user (Debian's postgresql package makes it)"
  as_pg_user=(--reuid=postgres --regid=postgres --init-groups)
fi
# Runs command $2... as that user, with parent-death signal $1.
as_pg() { local sig=$1; shift; setpriv ${as_pg_user[@]+"${as_pg_user[@]}"} --pdeathsig "$sig" -- "$@"; }

java_bin=
via_launcher=0
if wants gatehouse; then
  find_java
  resolve_jar
  if [ "$jar" = "$root/gatehouse-cli/target/gatehouse.jar" ] && [ "${GATEHOUSE_NO_ARCHIVE:-0}" != 1 ]; then
    # As a user runs it, through bin/gatehouse, with the start-up archive recorded here once.
    via_launcher=1
    GATEHOUSE_JAVA_OPTS="$jvm_opts" "$root/bin/gatehouse" archive >&2 || die "bin/gatehouse archive failed"
  elif [ -z "${GATEHOUSE_BENCH_JVM_OPTS+set}" ]; then
    jvm_opts=$plain_jvm_opts
    read -r -a jvm_args <<< "$jvm_opts"
  fi
fi

# 1,000 clients are 1,000 sockets for pgbench and 2,000 for a proxy: more than the usual soft limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge 4096 ] || log "WARNING: open files limit $(ulimit -n): runs with 1,000 clients may fail for it"

# ---------------------------------------------------------------- results directory and ports

make_results_dir gatehouse-pg-bench pgbench
mkdir -p "$results_dir/samples"
init_ports
pick_port; pg_port=$picked_port
pick_port; gh_port=$picked_port
pick_port; gh_http_port=$picked_port
pick_port; pgb_port=$picked_port
pick_port; gh_admin_port=$picked_port
declare -A port=([gatehouse]=$gh_port [pgbouncer]=$pgb_port)

# ---------------------------------------------------------------- PostgreSQL

role=bench
database=bench
password="pg-bench-$RANDOM$RANDOM"
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-pg-bench-cluster.XXXXXX")
if [ "${#as_pg_user[@]}" -gt 0 ]; then chown postgres: "$pg_dir"; fi
pg_log=$results_dir/logs/postgres.log

# Runs psql as the superuser over the cluster's Unix socket (trust), quietly, stopping at an error.
superuser_psql() { "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" -U postgres "$@"; }

# Fast shutdown (transactions rolled back, clients cut off), up to 30 s, then TERM/KILL.
pg_stop() {
  local i
  kill -INT "$pg_pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    if proc_gone "$pg_pid"; then break; fi
    sleep 0.1
  done
  stop_proc "$pg_pid"
  pg_pid=
}

log "initdb in $pg_dir (PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }'), port $pg_port)"
as_pg TERM "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
  > "$results_dir/logs/initdb.log" 2>&1 || { tail -n 20 "$results_dir/logs/initdb.log" >&2; die "initdb failed"; }
# No fsync and no full-page writes: nothing here must survive a crash, and the benchmark is about
# connections, not the disk.
cat >> "$pg_dir/data/postgresql.conf" <<EOF

# gatehouse-bench/scripts/pg-bench.sh
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir'
max_connections = $max_connections
fsync = off
full_page_writes = off
synchronous_commit = off
log_min_messages = warning
EOF
cat > "$pg_dir/data/pg_hba.conf" <<EOF
# gatehouse-bench/scripts/pg-bench.sh: the superuser by trust on the socket only, $role by SCRAM on 127.0.0.1
local all postgres trust
host $database $role 127.0.0.1/32 scram-sha-256
EOF
# Starts PostgreSQL, its output to file $1, and returns once it accepts connections (up to 60 s).
pg_start() { # logfile
  local i
  spawn "$pg_cpu" "$1" setpriv ${as_pg_user[@]+"${as_pg_user[@]}"} --pdeathsig QUIT -- "$pg_bin/postgres" -D "$pg_dir/data"
  pg_pid=$last_pid
  for ((i = 0; i < 600; i++)); do
    if superuser_psql -d postgres -c 'SELECT 1' >/dev/null 2>&1; then break; fi
    if proc_gone "$pg_pid"; then tail -n 20 "$1" >&2; die "postgres exited at start (log: $1)"; fi
    sleep 0.1
  done
  superuser_psql -d postgres -c 'SELECT 1' >/dev/null || { tail -n 20 "$1" >&2; die "postgres did not accept connections within 60 s"; }
}
pg_start "$pg_log"
superuser_psql -d postgres -c "SET password_encryption = 'scram-sha-256'" \
  -c "CREATE ROLE $role LOGIN PASSWORD '$password'" -c "CREATE DATABASE $database OWNER $role"
# Both proxies check clients against the secret PostgreSQL stores (as a userlist taken from
# pg_authid would), so neither derives a key per login.
scram_secret=$(superuser_psql -d postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname = '$role'")
case "$scram_secret" in SCRAM-SHA-256\$*) ;; *) die "the role's stored password is not a SCRAM secret: \"${scram_secret:0:20}...\"" ;; esac
export PGPASSWORD=$password PGSSLMODE=disable PGGSSENCMODE=disable
log "pgbench -i -s $scale (as $role, over TCP)"
taskset -c "$load_cpu" "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U "$role" -i -s "$scale" -q "$database" \
  > "$results_dir/logs/pgbench-init.log" 2>&1 || { tail -n 20 "$results_dir/logs/pgbench-init.log" >&2; die "pgbench -i failed"; }
superuser_psql -d "$database" -c 'VACUUM ANALYZE' -c 'CHECKPOINT'

# ---------------------------------------------------------------- configs

cat > "$results_dir/conf/gatehouse.yaml" <<EOF
# The HTTP side is required by the config; nothing is sent to it (its backend does not exist).
listeners:
  - bind: 127.0.0.1:$gh_http_port
    routes:
      - { path_prefix: /, pool: unused }
pools:
  unused:
    backends:
      - { address: 127.0.0.1:9 }
access_log:
  enabled: false
$(if [ "$hold" = 1 ]; then echo "admin: { bind: 127.0.0.1:$gh_admin_port }"; else echo "admin: false"; fi)
databases:
  listeners:
    - { bind: 127.0.0.1:$gh_port, max_clients: 2000 }
  servers:
    main: { address: 127.0.0.1:$pg_port, max_connections: $budget }
  pools:
    $database: { server: main, mode: transaction }
  users:
    $role: { auth: scram-sha-256, password: "$scram_secret", server_password: "$password" }
EOF

mkdir -p "$results_dir/conf/pgbouncer"
printf '"%s" "%s"\n' "$role" "$scram_secret" > "$results_dir/conf/pgbouncer/userlist.txt"
# No log line per connection (Gatehouse writes none either); no Unix socket (it would take a
# fixed path in /tmp); no admin console user but, with --hold, the role.
cat > "$results_dir/conf/pgbouncer/pgbouncer.ini" <<EOF
[databases]
$database = host=127.0.0.1 port=$pg_port dbname=$database

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pgb_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $results_dir/conf/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = $budget
max_db_connections = $budget
min_pool_size = 0
reserve_pool_size = 0
log_connections = 0
log_disconnections = 0
stats_period = 60
EOF
# The hold scenario's PAUSE and RESUME come over the admin console, as the role (no other user).
if [ "$hold" = 1 ]; then echo "admin_users = $role" >> "$results_dir/conf/pgbouncer/pgbouncer.ini"; fi
# The secret is as sensitive as the password it is checked against; pgbouncer runs as postgres.
chmod 600 "$results_dir/conf/pgbouncer/userlist.txt"
if [ "${#as_pg_user[@]}" -gt 0 ]; then chown postgres: "$results_dir/conf/pgbouncer/userlist.txt"; fi

# ---------------------------------------------------------------- targets

# Starts target $1 (round $2) on the proxy core; sets target_pid (empty for direct).
start_target() { # target round
  local logfile=$results_dir/logs/$1-r$2.log
  target_pid=
  case "$1" in
    gatehouse)
      if [ "$via_launcher" = 1 ]; then
        spawn "$proxy_cpu" "$logfile" env GATEHOUSE_JAVA_OPTS="$jvm_opts" "$root/bin/gatehouse" \
          run --config "$results_dir/conf/gatehouse.yaml"
      else
        spawn "$proxy_cpu" "$logfile" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/gatehouse.yaml"
      fi
      target_pid=$last_pid ;;
    pgbouncer)
      spawn "$proxy_cpu" "$logfile" setpriv ${as_pg_user[@]+"${as_pg_user[@]}"} --pdeathsig TERM -- \
        "$pgbouncer_bin" "$results_dir/conf/pgbouncer/pgbouncer.ini"
      target_pid=$last_pid ;;
    direct) ;;
  esac
}

target_port() { if [ "$1" = direct ]; then echo "$pg_port"; else echo "${port[$1]}"; fi; }

# Waits up to 60 s until a query as the role through target $1 answers with the branches the
# scale made (a target that answers errors fast would look quick); fails early if it died.
await_target() { # target round
  local p got i logfile=$results_dir/logs/$1-r$2.log
  p=$(target_port "$1")
  for ((i = 0; i < 600; i++)); do
    got=$(PGCONNECT_TIMEOUT=2 taskset -c "$load_cpu" timeout 5 "$pg_bin/psql" -X -At -h 127.0.0.1 -p "$p" -U "$role" -d "$database" \
      -c 'SELECT count(*) FROM pgbench_branches' 2>/dev/null || true)
    if [ "$got" = "$scale" ]; then return 0; fi
    if [ -n "$target_pid" ] && proc_gone "$target_pid"; then
      tail -n 20 "$logfile" >&2 || true
      die "$1 exited before it answered on 127.0.0.1:$p (log: $logfile)"
    fi
    sleep 0.1
  done
  tail -n 20 "$logfile" >&2 || true
  die "$1 did not answer SELECT count(*) FROM pgbench_branches with $scale on 127.0.0.1:$p within 60 s (last: \"$got\")"
}

# ---------------------------------------------------------------- measuring

# Prints utime+stime of pid $1's process (all threads), in ticks; 0 when it is gone.
ticks_of() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; local -a f; read -r -a f <<< "${s##*) }"; echo $((f[11] + f[12])); }

# PostgreSQL's CPU so far, in ticks: every live process of the server (utime+stime) plus what the
# postmaster has reaped (cutime+cstime): backends that ended, under -C most of them. Called
# between pgbench runs, while the last run's backends may still be exiting: a backend reaped
# between the two reads would count twice or not at all, so the reads are repeated until the
# server's processes are the same before and after them.
pg_ticks() {
  local s pid total before after i
  local -a f
  for ((i = 0; i < 250; i++)); do
    before=$(tree_pids "$pg_pid" | sort | paste -sd' ' -)
    total=0
    for pid in $before; do total=$((total + $(ticks_of "$pid"))); done
    s=$(cat "/proc/$pg_pid/stat") || die "postgres vanished"
    read -r -a f <<< "${s##*) }"
    total=$((total + f[13] + f[14]))
    after=$(tree_pids "$pg_pid" | sort | paste -sd' ' -)
    if [ "$before" = "$after" ]; then echo "$total"; return 0; fi
    sleep 0.02
  done
  log "WARNING: PostgreSQL's processes kept changing for 5 s; its CPU figure may be off"
  echo "$total"
}

# Non-idle CPU time of the whole machine so far, in ticks (user, nice, system, irq, softirq and
# steal of /proc/stat's cpu line): over a run, less what the benchmark's own processes used, it is
# what others took (a neighbour's build, say).
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# Sets child_ticks to the CPU time, in ticks, of this shell's children reaped so far (bash's
# `times`, second line): pgbench's, once run_pgbench has waited for it (through timeout, which
# waits for pgbench). Not to be called in $(...) or a pipe: a subshell has no children of its own.
children_ticks() {
  times > "$results_dir/conf/times.txt"
  child_ticks=$(awk -v hz="$clk_tck" 'NR == 2 {
      t = 0
      for (i = 1; i <= 2; i++) { split($i, a, /m|s/); t += a[1] * 60 + a[2] }
      printf "%.0f\n", t * hz }' "$results_dir/conf/times.txt")
}

# The budget sampler: one superuser connection over the socket counting the role's client
# backends every 100 ms (psql's \watch), each line "epoch,count", until stopped with INT.
sampler_sql=$results_dir/conf/sampler.sql
printf '%s \\watch 0.1\n' "SELECT extract(epoch FROM clock_timestamp())::numeric(16,3) || ',' || count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = '$role'" \
  > "$sampler_sql"
start_sampler() { # outfile
  spawn "$load_cpu" "$1" "$pg_bin/psql" -X -At -h "$pg_dir" -p "$pg_port" -U postgres -d postgres -f "$sampler_sql"
  sampler_pid=$last_pid
}
stop_sampler() {
  local i
  kill -INT "$sampler_pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do if proc_gone "$sampler_pid"; then break; fi; sleep 0.1; done
  stop_proc "$sampler_pid"
}

# The proxy's CPU (utime+stime of every thread, in ticks) every 100 ms, "epoch ticks" per line,
# to file $2 until stopped: what steady_cpu reads its window from.
cpu_sampler_src='while read -r s < "/proc/$1/stat" 2>/dev/null; do f=(${s##*) }); echo "$EPOCHREALTIME $((f[11] + f[12]))"; sleep 0.1; done'
start_cpu_sampler() { # pid outfile
  spawn "$load_cpu" "$2" bash -c "$cpu_sampler_src" cpu-sampler "$1"
  cpu_sampler_pid=$last_pid
}

# The proxy's CPU per transaction in the run's steady part, from its CPU samples $1 and
# pgbench's per-transaction logs $2.*: from 1 s after the first transaction ended (every
# client has logged in by then: pgbench connects all of them before its first transaction) to
# 0.5 s before the last, between the two samples that bound that window most tightly, over the
# transactions that ended between them. The same window as pgbench's TPS, which leaves the
# connection time out; under -C each transaction's login is in it. Prints "us_per_txn" or "".
steady_cpu() { # samples prefix
  local f
  shopt -s nullglob
  local -a files=("$2".*)
  shopt -u nullglob
  if [ "${#files[@]}" = 0 ] || [ ! -s "$1" ]; then echo ""; return; fi
  awk -v hz="$clk_tck" -v samples="$1" '
    $3 ~ /^[0-9]+$/ && NF >= 6 { t = $5 + $6 / 1e6; end[n++] = t; if (first == "" || t < first) first = t; if (t > last) last = t }
    END {
      if (n == 0) { print ""; exit }
      w0 = first + 1.0; w1 = last - 0.5
      while ((getline line < samples) > 0) {
        split(line, a, " ")
        if (a[1] >= w0 && a0 == "") { a0 = a[1]; c0 = a[2] }
        if (a[1] <= w1) { a1 = a[1]; c1 = a[2] }
      }
      if (a0 == "" || a1 == "" || a1 <= a0) { print ""; exit }
      for (i = 0; i < n; i++) if (end[i] > a0 && end[i] <= a1) k++
      if (k == 0) { print ""; exit }
      printf "%.2f\n", (c1 - c0) / hz * 1e6 / k
    }' "${files[@]}"
}

# Runs pgbench against target port $1 with the arguments after $3, output to file $2, pinned to
# the load core, in the background (so that Ctrl-C reaches the traps at once) and bounded: INT
# after the duration $3 plus 90 s (connections of 1,000 clients through a queue, the end of
# transactions in flight), KILL 10 s later. Prints nothing; returns pgbench's exit status
# (124 or 137: it was stopped).
run_pgbench() { # port outfile seconds args...
  local p=$1 out=$2 secs=$3 rc=0
  shift 3
  taskset -c "$load_cpu" timeout -s INT -k 10 $((secs + 90)) "$pg_bin/pgbench" -h 127.0.0.1 -p "$p" -U "$role" -n \
    -T "$secs" "$@" "$database" > "$out" 2>&1 < /dev/null &
  wait_child $! || rc=$?
  return "$rc"
}

# What pgbench -S/-N leaves behind, undone directly before each measured run (what pgbench does
# itself without -n, through the target, counted in its CPU): vacuum of the small tables, an
# empty history.
reset_tables() { superuser_psql -d "$database" -c 'VACUUM pgbench_branches, pgbench_tellers' -c 'TRUNCATE pgbench_history'; }

# Prints "transactions failed_txns tps latency_avg_ms connection_ms aborted_clients status note"
# from pgbench output file $1 and exit status $2 for $3 clients. Status: ok; aborted (some clients
# aborted: an error or a lost connection); connect-failed (pgbench could not open its clients'
# connections and stopped before the run, so every client failed); stopped (killed at its bound);
# error (anything else). The note is pgbench's first error message, commas made semicolons.
parse_pgbench() { # file rc clients
  awk -v rc="$2" -v clients="$3" '
    function clean(line) { sub(/^.*pgbench: error: /, "", line); gsub(/,/, ";", line); gsub(/"/, "\x27", line); return substr(line, 1, 160) }
    /^number of transactions actually processed:/ { split($6, a, "/"); txns = a[1] }
    /^number of failed transactions:/ { failed = $5 }
    /^latency average = / { lat = $4 }
    /^(initial|average) connection time = / { conn = $5 }
    /^tps = / { tps = $3 }
    /could not create connection for client/ { connfail = 1 }
    # "client 3 aborted in command 1 ...", "client 3 script 0 aborted in command 1 query 0: ...",
    # "client 3 aborted while establishing connection"; two threads may share a line.
    match($0, /client [0-9]+ (script [0-9]+ )?aborted/) {
      id = substr($0, RSTART + 7); sub(/ .*/, "", id)
      if (!(id in ab)) { ab[id] = 1; aborted++ }
      if (abort_note == "") abort_note = clean($0)
    }
    /error|ERROR|FATAL/ && note == "" { note = clean($0) }
    END {
      status = "ok"
      if (connfail && txns == "") { status = "connect-failed"; aborted = clients }
      else if (rc == 124 || rc == 137) status = "stopped"
      else if (aborted > 0) status = "aborted"
      else if (rc != 0 || txns == "") status = "error"
      if (abort_note != "") note = abort_note
      printf "%d %d %.2f %.3f %.3f %d %s \"%s\"\n", txns, failed, tps, lat, conn, aborted, status, note
    }' "$1"
}

# Prints "p50_ms p99_ms" of the latencies in pgbench's per-transaction logs $1.* (field 3, in us;
# "failed" and "skipped" lines left out), or "-1 -1" when there is none.
latency_percentiles() { # prefix
  local f
  shopt -s nullglob
  local -a files=("$1".*)
  shopt -u nullglob
  if [ "${#files[@]}" = 0 ]; then echo "-1 -1"; return; fi
  awk '$3 ~ /^[0-9]+$/ { print $3 }' "${files[@]}" | sort -n \
    | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "-1 -1"; exit }
        i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; if (i50 < 1) i50 = 1
        i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++; if (i99 < 1) i99 = 1
        printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }'
  if [ "$keep_logs" = 0 ]; then rm -f "${files[@]}"; fi
}

cold_csv=$results_dir/cold.csv
echo "round,target,run,transactions,proxy_cpu_s,proxy_cpu_us_per_txn" > "$cold_csv"
echo "round,position,target,mode,protocol,churn,clients,threads,duration_s,status,transactions,failed_txns,aborted_clients,tps,latency_avg_ms,p50_ms,p99_ms,connection_ms,proxy_cpu_s,proxy_cpu_us_per_txn,pg_cpu_s,pg_cpu_us_per_txn,max_backends,samples,load_avg,pgbench_cpu_s,others_cpu_s,proxy_steady_us_per_txn,note" > "$csv"

# One measured run of target $1: warm-up and measured pgbench with the same settings, sampled
# from the warm-up's start to the measured run's end. Arguments: target round position mode
# (S|N) protocol (simple|prepared) churn (0|1) clients.
measure() {
  local t=$1 r=$2 pos=$3 mode=$4 proto=$5 churn=$6 c=$7
  local j=$threads name p
  [ "$j" -le "$c" ] || j=$c
  p=$(target_port "$t")
  name=$t-r$r-$mode-$proto-c$c
  if [ "$churn" = 1 ]; then name=$t-r$r-$mode-$proto-churn-c$c; fi
  local -a args=("-$mode" -c "$c" -j "$j" -M "$proto")
  if [ "$churn" = 1 ]; then args+=(-C); fi
  local samples=$results_dir/samples/$name.csv
  reset_tables
  start_sampler "$samples"
  local rc=0
  if [ "$warmup" -gt 0 ]; then
    run_pgbench "$p" "$results_dir/pgbench/$name-warmup.txt" "$warmup" "${args[@]}" || true
  fi
  local load t0 t1 g0 g1 prefix=$results_dir/pgbench/$name-txlog
  load=$(loadavg)
  local m0 m1 k0 k1
  children_ticks; k0=$child_ticks
  m0=$(machine_ticks)
  g0=$(pg_ticks)
  t0=0; [ -z "$target_pid" ] || t0=$(ticks_of "$target_pid")
  local cpu_samples=$results_dir/samples/$name-proxy-cpu.txt steady=
  if [ -n "$target_pid" ]; then start_cpu_sampler "$target_pid" "$cpu_samples"; fi
  run_pgbench "$p" "$results_dir/pgbench/$name.txt" "$duration" "${args[@]}" -l --log-prefix="$prefix" || rc=$?
  t1=0; [ -z "$target_pid" ] || t1=$(ticks_of "$target_pid")
  if [ -n "$target_pid" ]; then stop_proc "$cpu_sampler_pid"; steady=$(steady_cpu "$cpu_samples" "$prefix"); fi
  g1=$(pg_ticks)
  m1=$(machine_ticks)
  children_ticks; k1=$child_ticks
  stop_sampler
  if [ -n "$target_pid" ] && proc_gone "$target_pid"; then
    tail -n 20 "$results_dir/logs/$t-r$r.log" >&2 || true
    die "$t died during $name (log: $results_dir/logs/$t-r$r.log)"
  fi

  local txns failed tps lat conn aborted status note p50 p99 most nsamples
  read -r txns failed tps lat conn aborted status note <<< "$(parse_pgbench "$results_dir/pgbench/$name.txt" "$rc" "$c")"
  read -r p50 p99 <<< "$(latency_percentiles "$prefix")"
  read -r most nsamples <<< "$(awk -F, 'NF == 2 && $2 ~ /^[0-9]+$/ { n++; if ($2 > m) m = $2 } END { print m + 0, n + 0 }' "$samples")"
  local row
  row=$(awk -v r="$r" -v pos="$pos" -v t="$t" -v mode="$mode" -v proto="$proto" -v churn="$churn" -v c="$c" -v j="$j" \
      -v d="$duration" -v status="$status" -v txns="$txns" -v failed="$failed" -v aborted="$aborted" -v tps="$tps" \
      -v lat="$lat" -v p50="$p50" -v p99="$p99" -v conn="$conn" -v pt=$((t1 - t0)) -v gt=$((g1 - g0)) -v hz="$clk_tck" \
      -v most="$most" -v ns="$nsamples" -v load="$load" -v note="$note" -v proxy="${target_pid:+1}" \
      -v kt=$((k1 - k0)) -v mt=$((m1 - m0)) -v steady="$steady" 'BEGIN {
      pcpu = pt / hz; gcpu = gt / hz
      pper = (proxy && txns > 0) ? sprintf("%.2f", pcpu * 1e6 / txns) : ""
      gper = txns > 0 ? sprintf("%.2f", gcpu * 1e6 / txns) : ""
      others = (mt - pt - gt - kt) / hz; if (others < 0) others = 0
      printf "%d,%d,%s,%s,%s,%d,%d,%d,%d,%s,%d,%d,%d,%.2f,%.3f,%s,%s,%.3f,%s,%s,%.2f,%s,%d,%d,%s,%.2f,%.2f,%s,%s\n",
        r, pos, t, mode, proto, churn, c, j, d, status, txns, failed, aborted, tps, lat,
        (p50 < 0 ? "" : p50), (p99 < 0 ? "" : p99), conn, (proxy ? sprintf("%.2f", pcpu) : ""), pper, gcpu, gper,
        most, ns, load, kt / hz, others, steady, note }')
  echo "$row" >> "$csv"
  log "round $r: $(echo "$row" | awk -F, '{
      printf "%-9s -%s %-8s%s c=%-4d %-14s %9.0f tps  p99 %s ms  proxy %s us/txn (steady; %s with logins)  pg %s us/txn  max backends %d (%d samples)  failed txns %d  aborted clients %d  others %.1f s CPU",
        $3, $4, $5, ($6 ? " -C" : "   "), $7, $10, $14, ($17 == "" ? "-" : $17), ($28 == "" ? "-" : $28), ($20 == "" ? "-" : $20), ($22 == "" ? "-" : $22), $23, $24, $12, $13, $27 }')"
  if [ "$status" != ok ]; then log "round $r:   $status: ${note//\"/}"; fi
}

# One phase of target $1's first warm-up in round $2 (phase name $3: "" or -C; $4 seconds;
# pgbench's arguments after it), from the target's start: its CPU per transaction, cold (the
# JVM's JIT at work, PostgreSQL's cache filling), is logged and kept in cold.csv.
first_warmup_run() { # target round phase seconds args...
  local t=$1 r=$2 phase=$3 secs=$4 out c0 c1 txns rest
  shift 4
  out=$results_dir/pgbench/$t-r$r-first-warmup$phase.txt
  log "round $r: $t first warm-up, pgbench $* for ${secs}s"
  c0=0; [ -z "$target_pid" ] || c0=$(ticks_of "$target_pid")
  run_pgbench "$(target_port "$t")" "$out" "$secs" "$@" \
    || log "round $r: WARNING the first warm-up through $t failed (see $out)"
  c1=0; [ -z "$target_pid" ] || c1=$(ticks_of "$target_pid")
  read -r txns rest <<< "$(parse_pgbench "$out" 0 50)"
  if [ -n "$target_pid" ] && [ "${txns:-0}" -gt 0 ]; then
    echo "$r,$t,S${phase},$txns,$(awk -v d=$((c1 - c0)) -v hz="$clk_tck" -v n="$txns" 'BEGIN { printf "%.2f,%.2f", d / hz, d / hz * 1e6 / n }')" >> "$cold_csv"
    log "round $r: $t cold (first warm-up -S${phase} c=50): $(tail -n 1 "$cold_csv" | cut -d, -f6) us/txn over $txns transactions"
  fi
}

# The runs of one target's block, in order: "mode protocol churn clients" per line.
run_list() {
  local m c
  for m in "${modes[@]}"; do for c in "${clients[@]}"; do echo "$m simple 0 $c"; done; done
  for m in "${modes[@]}"; do for c in "${prepared_clients[@]}"; do echo "$m prepared 0 $c"; done; done
  for c in "${churn_clients[@]}"; do echo "S simple 1 $c"; done
}

# ---------------------------------------------------------------- the hold scenario

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; } # from to

# Pauses (hold_op pause) or resumes (hold_op resume) target $1 as its operator would: Gatehouse
# through its admin API, the call `gatehouse db pause|resume main` makes (a pause answers once
# every server connection is closed; curl rather than the CLI, whose JVM start, seconds on a busy
# machine, would count in the hold), PgBouncer with PAUSE or RESUME on its admin console (PAUSE
# returns once its server connections are closed). Output to file $3.
hold_op() { # target pause|resume outfile
  case "$1" in
    gatehouse)
      taskset -c "$load_cpu" curl -fsS --max-time 120 -X POST "http://127.0.0.1:$gh_admin_port/api/v1/databases/servers/main/$2" \
        >> "$3" 2>&1 < /dev/null
      echo >> "$3" ;;
    pgbouncer)
      local cmd=PAUSE
      [ "$2" = pause ] || cmd=RESUME
      taskset -c "$load_cpu" timeout 120 "$pg_bin/psql" -X -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pgb_port" -U "$role" \
        -d pgbouncer -c "$cmd" >> "$3" 2>&1 < /dev/null ;;
  esac
}

hold_csv=$results_dir/hold.csv
echo "round,target,clients,threads,duration_s,status,transactions,history_rows,failed_txns,aborted_clients,tps_before,tps_during,tps_after,stalled_s,hold_s,pause_s,restart_s,resume_s,max_backends,samples,note" > "$hold_csv"

# The hold scenario through target $1 (round $2): pgbench -N -P 1 with --progress-timestamp; after
# $hold_at progress lines a pause, a restart of PostgreSQL, a resume; pgbench runs on to its end.
# The sampler runs throughout but for the restart (its connection would break).
hold_run() { # target round
  local t=$1 r=$2 p name out ops j=$threads rc=0 i
  p=$(target_port "$t")
  name=$t-r$r-hold
  out=$results_dir/pgbench/$name.txt
  ops=$results_dir/logs/$name-ops.log
  [ "$j" -le "$hold_clients" ] || j=$hold_clients
  reset_tables
  start_sampler "$results_dir/samples/$name-1.csv"
  log "round $r: $t hold scenario: pgbench -N -c $hold_clients -j $j -T $hold_duration; pause after ${hold_at}s of load"
  taskset -c "$load_cpu" timeout -s INT -k 10 $((hold_duration + 90)) "$pg_bin/pgbench" -h 127.0.0.1 -p "$p" -U "$role" -n \
    -N -c "$hold_clients" -j "$j" -T "$hold_duration" -P 1 --progress-timestamp "$database" > "$out" 2>&1 < /dev/null &
  local bench=$!
  started+=("$bench")
  for ((i = 0; i < (hold_duration + 60) * 10; i++)); do
    if [ "$(grep -c '^progress: ' "$out" || true)" -ge "$hold_at" ]; then break; fi
    proc_gone "$bench" && break
    sleep 0.1
  done
  if proc_gone "$bench" || [ "$(grep -c '^progress: ' "$out" || true)" -lt "$hold_at" ]; then
    tail -n 20 "$out" >&2
    die "round $r: pgbench through $t did not run ${hold_at}s before the pause (output: $out)"
  fi
  local t_pause t_paused t_restarted t_resumed
  t_pause=$(now)
  hold_op "$t" pause "$ops" || { tail -n 5 "$ops" >&2; die "round $r: the pause of $t failed (log: $ops)"; }
  t_paused=$(now)
  log "round $r: $t paused in $(elapsed "$t_pause" "$t_paused")s; restarting PostgreSQL (fast shutdown)"
  stop_sampler
  pg_stop
  pg_start "$results_dir/logs/postgres-$name.log"
  t_restarted=$(now)
  start_sampler "$results_dir/samples/$name-2.csv"
  hold_op "$t" resume "$ops" || { tail -n 5 "$ops" >&2; die "round $r: the resume of $t failed (log: $ops)"; }
  t_resumed=$(now)
  log "round $r: $t resumed, $(elapsed "$t_pause" "$t_resumed")s after the pause began"
  wait "$bench" || rc=$?
  forget "$bench"
  stop_sampler

  local txns failed tps lat conn aborted status note most nsamples rows
  read -r txns failed tps lat conn aborted status note <<< "$(parse_pgbench "$out" "$rc" "$hold_clients")"
  read -r most nsamples <<< "$(cat "$results_dir/samples/$name"-[12].csv \
    | awk -F, 'NF == 2 && $2 ~ /^[0-9]+$/ { n++; if ($2 > m) m = $2 } END { print m + 0, n + 0 }')"
  rows=$(superuser_psql -d "$database" -c 'SELECT count(*) FROM pgbench_history')
  # Progress lines "progress: EPOCH s, TPS tps, ...": a second is before the hold when it ended by
  # the pause (the last 5 such count: the first ones are the clients' connecting), after it when
  # it began once the resume had returned, during it otherwise. Stalled: the seconds from the
  # pause on with no transaction at all (pgbench's first line, its clients connecting, may be a
  # short one with none: not a stall).
  local phases
  phases=$(awk -v a="$t_pause" -v b="$t_resumed" '/^progress: / {
      ts = $2 + 0; v = $4 + 0
      if (ts <= a) { bv[++nb] = v } else if (ts - 1 >= b) { na++; sa += v } else { nd++; sd += v }
      if (v == 0 && ts > a) stalled++ }
    END {
      for (i = (nb > 5 ? nb - 4 : 1); i <= nb; i++) { sb += bv[i]; kb++ }
      printf "%.0f %.0f %.0f %d\n", kb ? sb / kb : 0, nd ? sd / nd : 0, na ? sa / na : 0, stalled }' "$out")
  local before during after stalled
  read -r before during after stalled <<< "$phases"
  local row
  row="$r,$t,$hold_clients,$j,$hold_duration,$status,$txns,$rows,$failed,$aborted,$before,$during,$after,$stalled"
  row="$row,$(elapsed "$t_pause" "$t_resumed"),$(elapsed "$t_pause" "$t_paused"),$(elapsed "$t_paused" "$t_restarted")"
  row="$row,$(elapsed "$t_restarted" "$t_resumed"),$most,$nsamples,$note"
  echo "$row" >> "$hold_csv"
  log "round $r: $t hold: $status, tps before/during/after $before/$during/$after, stalled ${stalled}s," \
    "hold $(elapsed "$t_pause" "$t_resumed")s, failed txns $failed, aborted clients $aborted, max backends $most ($nsamples samples)"
}

# Prints the hold scenario's table from $hold_csv (medians where rounds repeat a target: here one
# row per target and round, printed as they are).
hold_summary() {
  {
    echo
    echo "Hold scenario: pgbench -N -c $hold_clients -T $hold_duration -P 1 in simple query mode; after ${hold_at}s of load a pause,"
    echo "a PostgreSQL restart (fast shutdown, start) and a resume. tps: the mean of the progress lines' per-second figures"
    echo "in the 5 s before the pause, from the pause to the resume, after the resume. stalled: seconds with no transaction from the pause on. hold: from"
    echo "the pause command to the resume command's return; pause: until every server connection was closed; restart: stop"
    echo "and start of PostgreSQL. history rows: pgbench_history at the end (one per committed -N transaction)."
    echo "max conn: the role's server connections in any 100 ms sample (budget $budget, max_connections $max_connections)."
    printf '%-5s %-10s %8s %8s %8s %8s %7s %7s %8s %9s %9s %8s %8s %8s  %s
' round target tps_bef tps_dur tps_aft stalled_s       hold_s pause_s restart_s txns hist_rows fail_txn fail_cli max_conn status
    awk -F, 'NR > 1 { printf "%-5s %-10s %8s %8s %8s %8s %7s %7s %8s %9s %9s %8s %8s %8s  %s\n",
        $1, $2, $11, $12, $13, $14, $15, $16, $17, $7, $8, $9, $10, $19, $6 }' "$hold_csv"
    echo
    awk -F, -v budget="$budget" 'NR > 1 && $2 == "gatehouse" {
        n++; if ($6 != "ok") bad++; f += $9; a += $10; if ($19 > m) m = $19; if ($7 != $8) lost++ }
      END { if (!n) exit
        print "Acceptance (issue 18), pause / PostgreSQL restart / resume under pgbench -N through Gatehouse:"
        printf "  failed transactions: %d, aborted clients: %d, runs not ok: %d (target 0 each)\n", f, a, bad + 0
        printf "  transactions pgbench counted = rows committed: %s\n", lost ? "NO in " lost " run(s)" : "yes"
        printf "  budget held: %s (most %d, budget %d)\n", m <= budget ? "yes" : "NO", m, budget }' "$hold_csv"
    echo
    echo "raw numbers: $hold_csv"
    echo "pgbench output (progress lines), samples, configs and logs: $results_dir"
  } | tee "$results_dir/summary.txt"
}

# ---------------------------------------------------------------- machine description

{
  machine_header
  echo "postgresql: $("$pg_bin/postgres" --version) ($pg_bin), max_connections $max_connections, fsync off, scale $scale"
  echo "pgbench: $("$pg_bin/pgbench" --version)"
  if wants pgbouncer; then echo "pgbouncer: $("$pgbouncer_bin" --version 2>&1 | head -n 1)"; fi
  if wants gatehouse; then
    echo "java: $("$java_bin" -version 2>&1 | head -n 1) ($GATEHOUSE_JAVA_HOME)"
    echo "gatehouse: $jar, JVM options: ${jvm_opts:-none beyond the launcher defaults}, $(if [ "$via_launcher" = 1 ]; then echo "through bin/gatehouse (its node archive)"; else echo "java -jar, no archive"; fi)"
  fi
  echo "source tree: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo unknown)"
  if [ "$hold" = 1 ]; then
    echo "settings: hold scenario, rounds $rounds, targets ${targets[*]}, pgbench -N -c $hold_clients -j $threads -T $hold_duration," \
         "pause after ${hold_at}s of load, first warm-up ${first_warmup}s (-C ${churn_warmup}s), budget $budget," \
         "proxy on core $proxy_cpu, pgbench and sampler on core $load_cpu, PostgreSQL on cores $pg_cpu"
  else
    echo "settings: rounds $rounds, targets ${targets[*]}, modes ${modes[*]}, clients ${clients[*]:-none}," \
         "prepared ${prepared_clients[*]:-none}, churn ${churn_clients[*]:-none}, pgbench -j $threads," \
         "first warm-up ${first_warmup}s (-C ${churn_warmup}s), warm-up ${warmup}s, measured ${duration}s, budget $budget," \
         "proxy on core $proxy_cpu, pgbench and sampler on core $load_cpu, PostgreSQL on cores $pg_cpu"
  fi
} > "$results_dir/machine.txt"
sed 's/^/bench: /' "$results_dir/machine.txt" >&2

# ---------------------------------------------------------------- the run

mapfile -t runs < <(run_list)
n=${#targets[@]}
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    t=${targets[(i + r - 1) % n]}
    start_target "$t" "$r"
    await_target "$t" "$r"
    log "round $r: $t ready on 127.0.0.1:$(target_port "$t")${target_pid:+ (pid $target_pid)}"
    if [ "$first_warmup" -gt 0 ]; then
      first_warmup_run "$t" "$r" "" "$first_warmup" -S -c 50 -j "$threads"
      first_warmup_run "$t" "$r" -C "$churn_warmup" -S -C -c 50 -j "$threads"
    fi
    if [ "$hold" = 1 ]; then
      hold_run "$t" "$r"
    else
      for spec in "${runs[@]}"; do
        read -r m proto churn c <<< "$spec"
        measure "$t" "$r" $((i + 1)) "$m" "$proto" "$churn" "$c"
      done
    fi
    if [ -n "$target_pid" ]; then stop_proc "$target_pid"; fi
    target_pid=
  done
done
pg_stop
echo "load average at end: $(loadavg)" >> "$results_dir/machine.txt"
if [ "$hold" = 1 ]; then
  hold_summary
  exit 0
fi

# ---------------------------------------------------------------- summary

# Prints the median of column $2 over the rows matching target $1 and group key $3
# (mode,protocol,churn,clients: columns 4-7), empty values left out; nothing when there is none.
median() { # target column key
  awk -F, -v t="$1" -v col="$2" -v key="$3" 'NR > 1 && $3 == t && ($4 "," $5 "," $6 "," $7) == key && $col != "" { print $col }' "$csv" \
    | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Prints the sum (max when $4 is max) of column $2 over target $1's rows of group $3.
total() { # target column key [max]
  awk -F, -v t="$1" -v col="$2" -v key="$3" -v how="${4:-sum}" 'NR > 1 && $3 == t && ($4 "," $5 "," $6 "," $7) == key {
      if (how == "max") { if ($col > s) s = $col } else s += $col } END { print s + 0 }' "$csv"
}
# Prints the statuses of target $1's rows of group $2 other than ok, each once.
statuses() { awk -F, -v t="$1" -v key="$2" 'NR > 1 && $3 == t && ($4 "," $5 "," $6 "," $7) == key && $10 != "ok" { print $10 }' "$csv" | sort -u | paste -sd/ -; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; else echo n/a; fi; }
fmt() { if [ -n "$2" ]; then printf "$1" "$2"; else echo -; fi; } # format value

mapfile -t keys < <(awk -F, 'NR > 1 { k = $4 "," $5 "," $6 "," $7; if (!(k in seen)) { seen[k] = 1; print k } }' "$csv")
gh_over_budget=0 gh_failed_1000=-1 gh_failed_runs=() prepared_bad=() cpu_ratios=()
declare -A cold=()
{
  echo
  echo "Medians over $rounds round(s). CPU per transaction: the proxy's process only (PgBouncer; Gatehouse's JVM, all threads),"
  echo "proxy_us/txn in the run's steady part (from 1 s after the first transaction: pgbench's TPS window; -C: a login per"
  echo "transaction), whole_run_us over the whole measured run, its clients' logins (and a JIT's compiling them) included."
  echo "pg: every PostgreSQL process. max backends: the most connections of role $role in any 100 ms sample (budget $budget,"
  echo "max_connections $max_connections). failed clients: aborted clients, or all of them when pgbench could not connect."
  printf '%-22s %-10s %10s %9s %9s %13s %12s %10s %8s %8s %8s  %s\n' run target tps p50_ms p99_ms proxy_us/txn whole_run_us pg_us/txn \
    max_conn fail_txn fail_cli status
  for key in "${keys[@]}"; do
    IFS=, read -r m proto churn c <<< "$key"
    label="-$m"
    if [ "$proto" = prepared ]; then label="$label -M prepared"; fi
    if [ "$churn" = 1 ]; then label="$label -C"; fi
    label="$label c=$c"
    declare -A g_tps=() g_cpu=() g_whole=()
    for t in gatehouse pgbouncer direct; do
      wants "$t" || continue
      g_tps[$t]=$(median "$t" 14 "$key")
      g_cpu[$t]=$(median "$t" 28 "$key")
      g_whole[$t]=$(median "$t" 20 "$key")
      most=$(total "$t" 23 "$key" max)
      fails=$(total "$t" 13 "$key")
      st=$(statuses "$t" "$key")
      printf '%-22s %-10s %10s %9s %9s %13s %12s %10s %8d %8d %8d  %s\n' "$label" "$t" "$(fmt %.0f "${g_tps[$t]}")" \
        "$(fmt %.3f "$(median "$t" 16 "$key")")" "$(fmt %.3f "$(median "$t" 17 "$key")")" "$(fmt %.1f "${g_cpu[$t]}")" \
        "$(fmt %.1f "${g_whole[$t]}")" \
        "$(fmt %.1f "$(median "$t" 22 "$key")")" "$most" "$(total "$t" 12 "$key")" "$fails" "${st:-ok}"
      if [ "$t" = gatehouse ]; then
        [ "$most" -le "$budget" ] || gh_over_budget=1
        if [ "$c" = 1000 ] && [ "$churn" = 0 ]; then
          gh_failed_1000=$(( (gh_failed_1000 < 0 ? 0 : gh_failed_1000) + fails ))
          if [ "$fails" != 0 ]; then gh_failed_runs+=("$label: $fails"); fi
        fi
        if [ "$proto" = prepared ] && { [ -n "$st" ] || [ "$(total "$t" 12 "$key")" != 0 ]; }; then
          prepared_bad+=("$label: ${st:-ok}, $(total "$t" 12 "$key") failed transactions, $fails failed clients")
        fi
      fi
    done
    if wants gatehouse && wants pgbouncer; then
      if [ -z "$(statuses gatehouse "$key")" ] && [ -z "$(statuses pgbouncer "$key")" ]; then
        cr=$(ratio "${g_cpu[gatehouse]}" "${g_cpu[pgbouncer]}")
        cpu_ratios+=("$label $cr")
        printf '%-22s Gatehouse/PgBouncer: CPU per transaction %s (whole run %s), tps %s\n' "" "$cr" \
          "$(ratio "${g_whole[gatehouse]}" "${g_whole[pgbouncer]}")" "$(ratio "${g_tps[gatehouse]}" "${g_tps[pgbouncer]}")"
      else
        printf '%-22s Gatehouse/PgBouncer: no ratio (a run was not ok)\n' ""
      fi
    fi
  done
  echo
  if wants gatehouse; then
    echo "Acceptance (issue 18), from this run:"
    echo "  budget held through Gatehouse in every sample: $([ "$gh_over_budget" = 0 ] && echo yes || echo NO) (most: $(awk -F, 'NR > 1 && $3 == "gatehouse" { if ($23 > m) m = $23 } END { print m + 0 }' "$csv"), budget $budget)"
    if [ "$gh_failed_1000" -ge 0 ]; then
      echo "  failed clients at 1,000 through Gatehouse, every mode: $gh_failed_1000 (target 0)"
      for f in ${gh_failed_runs[@]+"${gh_failed_runs[@]}"}; do echo "    $f"; done
    fi
    if [ "${#prepared_clients[@]}" -gt 0 ]; then
      if [ "${#prepared_bad[@]}" = 0 ]; then echo "  -M prepared through Gatehouse: works (every run ok: no failed transaction, no aborted client)"
      else
        echo "  -M prepared through Gatehouse: FAILED in ${#prepared_bad[@]} run(s):"
        for f in "${prepared_bad[@]}"; do echo "    $f"; done
      fi
    fi
    if [ "${#cpu_ratios[@]}" -gt 0 ]; then
      worst=$(printf '%s\n' "${cpu_ratios[@]}" | awk '{ v = $NF; sub(/x$/, "", v); if (v != "n/a" && v + 0 > m) m = v + 0 } END { printf "%.2f", m }')
      echo "  CPU per transaction, Gatehouse/PgBouncer, worst where both ran clean: ${worst}x (target <= 1.5x)"
    fi
  fi
  if [ "$(wc -l < "$cold_csv")" -gt 1 ]; then
    echo
    echo "Cold (the first warm-up, from each target's start; medians over rounds), proxy CPU us per transaction:"
    for run in S S-C; do
      line="  -$run c=50:"
      for t in gatehouse pgbouncer; do
        v=$(awk -F, -v t="$t" -v run="$run" '$2 == t && $3 == run { print $6 }' "$cold_csv" | sort -g \
          | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
        cold[$t]=$v
        if [ -n "$v" ]; then line="$line $t $v"; fi
      done
      if [ -n "${cold[gatehouse]:-}" ] && [ -n "${cold[pgbouncer]:-}" ]; then line="$line ($(ratio "${cold[gatehouse]}" "${cold[pgbouncer]}"))"; fi
      echo "$line"
    done
  fi
  awk -F, 'NR > 1 { print $27 }' "$csv" | sort -g | awk -v d="$duration" -v n="$ncpu" '{ v[NR] = $1 } END {
      if (NR == 0) exit
      printf "\nCPU taken by other processes during the measured runs: median %.1f s, at most %.1f s (of %d s in each run: %d cores x %d s)\n",
        (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR], n * d, n, d }'
  echo
  echo "raw numbers: $csv"
  echo "pgbench output, samples, configs and logs: $results_dir"
} | tee "$results_dir/summary.txt"
