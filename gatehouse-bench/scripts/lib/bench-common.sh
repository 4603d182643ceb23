# Shared by the benchmark scripts in gatehouse-bench/scripts (proxy-bench.sh, slow-requests-bench.sh, pg-bench.sh, ...).
# Sourcing it only defines functions: no variable is set, no trap installed, nothing run. The
# functions work under `set -euo pipefail` and talk to their script through these globals:
#
#   set by the script:     root (the source tree), results_dir, proxy_cpu, load_cpu, jar, jvm_opts,
#                          nginx_bin (for nginx_args)
#   set by the functions:  started, made_policy_rc (setup_cleanup); install_hint (install_missing,
#                          install_packages);
#                          ncpu (check_cores); java_bin, GATEHOUSE_JAVA_HOME (find_java); jar,
#                          jvm_args (resolve_jar); results_dir, csv (make_results_dir); port_low,
#                          port_span, picked (init_ports); picked_port (pick_port); last_pid (spawn)
#
# Messages go to stderr prefixed "bench: ". Functions that "die" exit the script with status 1,
# which runs cleanup through the EXIT trap.

# ---------------------------------------------------------------- messages and arguments

# Prints "bench: $*" to stderr.
log() { printf 'bench: %s\n' "$*" >&2; }

# Prints "bench: $*" to stderr and exits the script with status 1.
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# Dies with "name: "value" (expected: an integer >= min)" unless value $2 is a decimal integer
# of at least $3. Argument checks use this one grammar: name: value (expected: ...).
check_int() { # name value min
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] || die "$1: \"$2\" (expected: an integer >= $3)"
}

# Sets ncpu to the number of usable cores; dies unless $proxy_cpu and $load_cpu are both below it.
check_cores() {
  ncpu=$(nproc)
  [ "$proxy_cpu" -lt "$ncpu" ] && [ "$load_cpu" -lt "$ncpu" ] \
    || die "BENCH_PROXY_CPU=$proxy_cpu, BENCH_LOAD_CPU=$load_cpu (expected: cores below nproc, $ncpu)"
}

# ---------------------------------------------------------------- processes and cleanup

# Starts the bookkeeping that stops, on any exit, what the script started: empties `started`
# (pids of every process started and not stopped yet), clears `made_policy_rc` (1 while the
# script owns a temporary /usr/sbin/policy-rc.d) and installs the traps: cleanup on EXIT; on INT
# a log line and exit 130; on TERM exit 143 (both reach cleanup through EXIT). Call it once,
# before starting anything.
setup_cleanup() {
  started=()
  made_policy_rc=0
  trap cleanup EXIT
  trap 'log "interrupted, stopping what was started"; exit 130' INT
  trap 'exit 143' TERM
}

# The EXIT trap: clears the traps, stops every pid still in `started` (stop_proc) and removes a
# policy-rc.d that install_missing created and could not remove yet. Never fails.
cleanup() {
  local pid
  trap - EXIT INT TERM
  for pid in "${started[@]}"; do stop_proc "$pid"; done
  if [ "$made_policy_rc" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d || true; fi
}

# Prints the state letter of pid $1 (R, S, Z, ...), nothing when it is gone. Always succeeds.
proc_state() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  printf '%s' "${s%% *}"
}

# Succeeds when pid $1 has exited: gone, or a zombie not reaped yet.
proc_gone() {
  local state
  state=$(proc_state "$1")
  [ -z "$state" ] || [ "$state" = Z ]
}

# Prints pid $1 and all its descendants, one a line, $1 first (nginx: master and worker).
tree_pids() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      print root
      n = 1; want[root] = 1
      do { grew = 0
        for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; print p; grew = 1 }
      } while (grew)
    }'
}

# Prints the sum of the /proc/PID/status field $1 (VmRSS: resident now; VmHWM: its peak), in kB,
# over the pids after $2; a pid gone meanwhile dies when $2 is "die", counts 0 when it is "zero".
status_kb() { # field die|zero pid...
  local field=$1 gone=$2 pid total=0 kb
  shift 2
  for pid in "$@"; do
    if ! kb=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null); then
      [ "$gone" = zero ] || die "process $pid vanished"
      kb=0
    fi
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# Prints the summed VmRSS (resident set now), in kB, of the given pids; dies when one is gone.
rss_kb() { status_kb VmRSS die "$@"; }

# Prints the summed VmHWM (peak resident set), in kB, of the given pids; dies when one is gone.
peak_rss_kb() { status_kb VmHWM die "$@"; }

# Stops pid $1, a child of this shell: TERM, up to 10 s to exit, then KILL, together with the
# children it had when called (an nginx master killed this way would leave its worker behind);
# reaps it and drops it from `started`. Always succeeds, also when $1 is gone already.
stop_proc() {
  local pid=$1 i kid
  local -a kids
  mapfile -t kids < <(tree_pids "$pid" | tail -n +2)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    if proc_gone "$pid"; then break; fi
    sleep 0.1
  done
  if ! proc_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    for kid in "${kids[@]}"; do kill -KILL "$kid" 2>/dev/null || true; done
  fi
  wait "$pid" 2>/dev/null || true
  forget "$pid"
}

# Drops pid $1 from `started` (the processes to stop at exit).
forget() {
  local keep=() p
  for p in "${started[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  started=("${keep[@]}")
}

# Starts a command in the background, pinned to core $1 (taskset), stdin from /dev/null, stdout
# and stderr to file $2; adds it to `started` and sets last_pid to its pid.
spawn() { # cpu logfile command...
  local cpu=$1 logfile=$2
  shift 2
  taskset -c "$cpu" "$@" > "$logfile" 2>&1 < /dev/null &
  last_pid=$!
  started+=("$last_pid")
}

# Waits for the background child $1 (started with `&` just before) and returns its exit status;
# it is in `started` while waited for, so that a Ctrl-C or TERM, which reach the traps at once
# during `wait` (bash defers traps while a foreground child runs), stops it too.
wait_child() { # pid
  local rc=0
  started+=("$1")
  wait "$1" || rc=$?
  forget "$1"
  return "$rc"
}

# ---------------------------------------------------------------- tools

# Runs "$@" as root: directly when root, else through sudo; dies when neither is possible,
# naming $install_hint (what to install by hand; set by install_missing).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (install ${install_hint:-the missing tools} yourself, then run again)"
  fi
}

# Prints the path of command $1: from PATH, else /usr/sbin/$1 when executable (not on a user's
# PATH on some systems), else nothing. Always succeeds.
find_sbin() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

# Installs, with apt-get, the packages of the commands that find_sbin does not find. Arguments:
# a hint for the message when root is needed and not available ("nginx and haproxy": what to
# install by hand), then one spec a command, COMMAND or COMMAND:PACKAGE (taskset:util-linux),
# in the order the packages are to be named and installed. Does nothing when all are found;
# otherwise as install_packages.
install_missing() { # hint spec...
  local hint=$1 spec pkgs=()
  shift
  for spec in "$@"; do
    [ -n "$(find_sbin "${spec%%:*}")" ] || pkgs+=("${spec#*:}")
  done
  install_packages "$hint" ${pkgs[@]+"${pkgs[@]}"}
}

# Installs the packages after the hint $1 (as for install_missing) with apt-get; does nothing
# without any. Dies when apt-get is missing. The packages' own services are not started;
# made_policy_rc is 1 while a temporary policy-rc.d exists, so that cleanup removes it after an
# interruption. For packages whose programs are not on PATH (Debian's PostgreSQL server).
install_packages() { # hint package...
  install_hint=$1
  shift
  [ "$#" -gt 0 ] || return 0
  command -v apt-get >/dev/null || die "missing $* and no apt-get to install them"
  log "installing $* (the packages' own services are not started)"
  # The packages would start system-wide services (nginx, haproxy, postgresql, pgbouncer); a
  # policy-rc.d that answers 101 ("action forbidden") keeps them stopped. Only ours is removed again.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    made_policy_rc=1
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 "$@" >&2
  if [ "$made_policy_rc" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; made_policy_rc=0; fi
}

# ---------------------------------------------------------------- Java and the build

# Sets GATEHOUSE_JAVA_HOME to a JDK 21+ (bin/lib/find-java.sh) and java_bin to its java; exits
# the script with status 1 when there is none (find-java.sh says why).
find_java() {
  . "$root/bin/lib/find-java.sh"
  gatehouse_find_java || exit 1
  java_bin=$GATEHOUSE_JAVA_HOME/bin/java
}

# Runs the Maven wrapper of $root, quiet and in batch mode, with the JDK of find_java, all its
# output to stderr: run_mvnw ARGS... Fails as Maven does.
run_mvnw() { (cd "$root" && JAVA_HOME=$GATEHOUSE_JAVA_HOME ./mvnw -B -q "$@") >&2; }

# Settles the Gatehouse jar: when $jar is empty, sets it to gatehouse-cli/target/gatehouse.jar
# and builds that when missing; dies unless $jar is then an existing file. Splits $jvm_opts
# into the array jvm_args. Needs find_java first.
resolve_jar() {
  if [ -z "$jar" ]; then
    jar=$root/gatehouse-cli/target/gatehouse.jar
    if [ ! -f "$jar" ]; then
      log "building $jar (missing)"
      # The benchmark needs the executable jar only: tests are neither run nor compiled.
      run_mvnw -DskipTests -Dmaven.test.skip=true package -pl gatehouse-cli -am
    fi
  fi
  [ -f "$jar" ] || die "jar: \"$jar\" (expected: an existing file)"
  read -r -a jvm_args <<< "$jvm_opts"
}

# Writes the bench module's classpath to file $1. Resolved within the reactor, with a compile in
# the same run, so that the project's own modules are their target/classes: nothing needs to be
# installed in ~/.m2 (which may hold another tree's build, or none).
resolve_bench_deps() {
  run_mvnw -o -pl gatehouse-bench -am -Dmaven.test.skip=true compile dependency:build-classpath -Dmdep.outputFile="$1" \
    || run_mvnw -pl gatehouse-bench -am -Dmaven.test.skip=true compile dependency:build-classpath -Dmdep.outputFile="$1"
}

# Sets bench_cp (the bench module's classes and the project's, then their third-party
# dependencies) and backend_cp (the test fixtures' classes and the same dependencies), and writes
# bench_cp to $results_dir/bench-classpath.txt, to run a report again on a finished run. The
# project's own modules come from this source tree's target/classes, never from ~/.m2, which may
# hold another tree's build. Needs bench_classes, testing_classes and results_dir.
build_bench_classpath() {
  local deps own d
  resolve_bench_deps "$results_dir/classpath.txt"
  deps=$(tr ':' '\n' < "$results_dir/classpath.txt" | grep -v -e '/dev/gatehouse/' -e '/target/classes$' | paste -sd: -)
  own="$bench_classes:$testing_classes:$root/gatehouse-server/target/classes:$root/gatehouse-core/target/classes"
  for d in ${own//:/ }; do [ -d "$d" ] || die "missing $d (build with: ./mvnw -DskipTests package -pl gatehouse-bench -am)"; done
  bench_cp="$own:$deps"
  echo "$bench_cp" > "$results_dir/bench-classpath.txt"
  backend_cp="$testing_classes:$deps"
}

# ---------------------------------------------------------------- results directory

# Settles the results directory: when $results_dir is empty, a new mktemp directory
# ${TMPDIR:-/tmp}/$1.XXXXXX, else $results_dir, created when missing; made absolute and world-
# readable (nginx workers started by root run unprivileged and must reach their prefix there),
# with subdirectories conf, logs and $2. Sets csv to its results.csv and logs where results go.
make_results_dir() { # mktemp-prefix subdir
  if [ -z "$results_dir" ]; then
    results_dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  else
    mkdir -p "$results_dir"
  fi
  results_dir=$(cd "$results_dir" && pwd)
  chmod 755 "$results_dir"
  mkdir -p "$results_dir/conf" "$results_dir/logs" "$results_dir/$2"
  csv=$results_dir/results.csv
  log "results go to $results_dir"
}

# ---------------------------------------------------------------- ports

# Sets the range pick_port draws from (port_low, port_span) and empties its record (picked).
# Listening ports come from below the kernel's ephemeral range: a port in that range may be
# taken at any moment as the local end of some outgoing connection (a client's, a proxy's), and
# then bind() fails.
init_ports() {
  local ephemeral_low
  ephemeral_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  if [ "$ephemeral_low" -gt 12000 ]; then port_low=10000 port_span=$((ephemeral_low - 10000))
  else port_low=61000 port_span=4000
  fi
  picked=" "
}

# Succeeds when no socket on this machine uses local port $1 (listening or connected).
port_unused() {
  if command -v ss >/dev/null; then
    [ -z "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Sets picked_port to a random port of the init_ports range that nothing uses and this run has
# not picked yet, and records it; dies after 200 tries.
pick_port() {
  local i port
  for ((i = 0; i < 200; i++)); do
    port=$((port_low + (RANDOM * 32768 + RANDOM) % port_span))
    case "$picked" in *" $port "*) continue ;; esac
    if port_unused "$port"; then
      picked="$picked$port "
      picked_port=$port
      return 0
    fi
  done
  die "no free port found on 127.0.0.1"
}

# ---------------------------------------------------------------- nginx

# Prints the start of an nginx.conf for instance $1 with $2 worker connections: one worker, pid,
# error log and temp paths under $results_dir (every nginx here has its own prefix, so nothing of
# the system's nginx is touched), no access log, unlimited keep-alive requests. The `http {`
# block is left open: the caller prints its upstream and server blocks and closes it.
nginx_conf_head() { # name worker_connections
  cat <<EOF
worker_processes 1;
pid $results_dir/conf/$1/nginx.pid;
error_log $results_dir/logs/$1-error.log warn;
events { worker_connections $2; }
http {
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path $results_dir/conf/$1/client_body;
  proxy_temp_path $results_dir/conf/$1/proxy;
  fastcgi_temp_path $results_dir/conf/$1/fastcgi;
  uwsgi_temp_path $results_dir/conf/$1/uwsgi;
  scgi_temp_path $results_dir/conf/$1/scgi;
EOF
}

# Writes $results_dir/conf/backend/nginx.conf: the benchmarks' backend, one nginx worker on
# 127.0.0.1:$1 answering every request with 200 and a body of $2 bytes ("aaa..."). Optional $3:
# more directives for its one location, as nginx config text (static-bench.sh's cache scenario
# adds a Cache-Control header and an access log there).
write_fixed_body_backend() { # port body_size [location_directives]
  local body
  mkdir -p "$results_dir/conf/backend"
  body=$(head -c "$2" /dev/zero | tr '\0' 'a')
  {
    nginx_conf_head backend 8192
    cat <<EOF
  server {
    listen 127.0.0.1:$1;
    location / {
      default_type text/plain;${3:+
      $3}
      return 200 "$body";
    }
  }
}
EOF
  } > "$results_dir/conf/backend/nginx.conf"
}

# Prints, one a line, the arguments that run $nginx_bin in the foreground for instance $1, with
# prefix $results_dir/conf/$1/ and config nginx.conf there (read with mapfile -t).
nginx_args() { # name
  local args=(-p "$results_dir/conf/$1/" -c "$results_dir/conf/$1/nginx.conf" -g 'daemon off;')
  # -e (nginx 1.19.5+) keeps nginx off the system's error log before the config is read.
  if "$nginx_bin" -h 2>&1 | grep -q -- ' -e '; then args+=(-e "$results_dir/logs/$1-error.log"); fi
  printf '%s\n' "${args[@]}"
}

# ---------------------------------------------------------------- machine description

# Prints the first lines of machine.txt: date, cpus (needs ncpu), memory, kernel, load average.
machine_header() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpus: $ncpu ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true))"
  echo "memory: $(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "load average at start: $(loadavg)"
}

# Prints the 1, 5 and 15 minute load averages.
# Waits up to 60 s until URL $2 answers (with status $5 when given; any answer otherwise), polling
# every 0.1 s; fails early with the log's tail if pid $3 dies. Extra curl options in $6...
await_url() { # name url pid logfile [status] [curl options...]
  local name=$1 url=$2 pid=$3 logfile=$4 want=${5:-} i got
  shift 5 2>/dev/null || shift $#
  for ((i = 0; i < 600; i++)); do
    got=$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "$@" "$url" || true)
    if [ -n "$got" ] && [ "$got" != 000 ] && { [ -z "$want" ] || [ "$got" = "$want" ]; }; then return 0; fi
    if proc_gone "$pid"; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited before it answered on $url (log: $logfile)"
    fi
    sleep 0.1
  done
  tail -n 20 "$logfile" >&2 || true
  die "$name did not answer${want:+ $want} on $url within 60 s (log: $logfile)"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Prints the utime+stime, in clock ticks, of process $1 (all its threads).
proc_cpu_ticks() { local s; s=$(cat "/proc/$1/stat"); local -a f; read -r -a f <<< "${s##*) }"; echo $((f[11] + f[12])); }

# Gatehouse restarts on SIGUSR2; HotSpot suspends threads (JFR sampling) with SIGUSR2 unless told
# otherwise, so every JVM a bench starts gets another suspend signal (as bin/gatehouse does).
export _JAVA_SR_SIGNUM="${_JAVA_SR_SIGNUM:-40}"
