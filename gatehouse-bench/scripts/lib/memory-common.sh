# Shared by the memory benchmarks (tunnel-memory-bench.sh, conn-memory-bench.sh): checking their
# settings, starting a proxy, waiting for it and for a load client, the warm-up and the rounds,
# reading a proxy's memory, and the medians of the results. Source it after bench-common.sh.
# Sourcing only defines functions. Globals used: proxy_cpu, load_cpu, java_bin, jvm_args, jar,
# nginx_bin, haproxy_bin, results_dir, port (start_proxy, start_healthy, third_party_deps),
# jcmd_bin (heap_used_kb), csv (median; column 3 is the proxy's name), proxies and rounds
# (run_rounds), open_timeout, hold_seconds and skipped (warm_up, open_measured), and the script's
# own start_load and bench_one.

# Checks the settings both benchmarks share (rounds, rate, warmup, settle, the cores, the proxies)
# and sets open_timeout and hold_seconds, the bounds of the waits for $1 connections at the rate.
check_settings() { # connections
  check_int rounds "$rounds" 1
  check_int rate "$rate" 1
  check_int warmup "$warmup" 1
  check_int settle "$settle" 0
  check_cpus
  parse_proxies "$proxy_list"
  # Opening N connections at the rate, with room for a slow machine, in seconds.
  open_timeout=$(($1 / rate + 60))
  # The load client exits by itself after this even if the script were killed with SIGKILL.
  hold_seconds=$((open_timeout + 2 * settle + 120))
}

# Installs what is missing of nginx, haproxy (when measured), curl, taskset and the packages in
# $2...; sets nginx_bin and haproxy_bin; checks the cores and finds Java. nginx must be there
# when $1 is 1 (the backend, too), else only when it is measured.
find_tools() { # nginx-always package...
  local always=$1
  shift
  local -a need=(nginx)
  if wants haproxy; then need+=(haproxy); fi
  need+=(curl taskset:util-linux "$@")
  install_missing "nginx and haproxy" "${need[@]}"
  nginx_bin=$(find_sbin nginx)
  haproxy_bin=$(find_sbin haproxy)
  if [ "$always" = 1 ] && [ -z "$nginx_bin" ]; then die "nginx not found after install (it is the backend, too)"; fi
  if wants nginx && [ -z "$nginx_bin" ]; then die "nginx not found after install"; fi
  if wants haproxy && [ -z "$haproxy_bin" ]; then die "haproxy not found after install"; fi
  check_cores
  find_java
}

# Sets proxies (an array, in the given order) and seen (" a b ", for wants) from the
# comma-separated list $1; dies unless each is one of gatehouse, nginx, haproxy, listed once.
parse_proxies() { # list
  local p
  IFS=', ' read -r -a proxies <<< "$1"
  [ "${#proxies[@]}" -ge 1 ] || die "proxies: \"$1\" (expected: one or more of gatehouse,nginx,haproxy)"
  seen=" "
  for p in "${proxies[@]}"; do
    case "$p" in gatehouse|nginx|haproxy) ;; *) die "proxies: \"$p\" (expected: gatehouse, nginx or haproxy)" ;; esac
    case "$seen" in *" $p "*) die "proxies: \"$p\" listed twice" ;; esac
    seen="$seen$p "
  done
}

# Succeeds when proxy $1 is measured (parse_proxies).
wants() { case "$seen" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# Checks BENCH_PROXY_CPU and BENCH_LOAD_CPU: two different cores.
check_cpus() {
  check_int BENCH_PROXY_CPU "$proxy_cpu" 0
  check_int BENCH_LOAD_CPU "$load_cpu" 0
  [ "$proxy_cpu" != "$load_cpu" ] || die "BENCH_PROXY_CPU: $proxy_cpu (expected: a core other than BENCH_LOAD_CPU)"
}

# Raises the open-files limit to the hard limit; dies when that is below $1, needed for $2.
need_open_files() { # count what
  local limit
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  limit=$(ulimit -n)
  [ "$limit" = unlimited ] || [ "$limit" -ge "$1" ] \
    || die "open files: $limit (expected: >= $1 for $2; raise the hard limit, ulimit -Hn)"
}

# Sets jcmd_bin: the jcmd of Gatehouse's JDK, which reads its heap.
find_jcmd() {
  jcmd_bin=$GATEHOUSE_JAVA_HOME/bin/jcmd
  [ -x "$jcmd_bin" ] || die "jcmd: \"$jcmd_bin\" (expected: the JDK's jcmd, to read Gatehouse's heap)"
}

# Sets deps: the bench module's third-party classpath (Netty, Logback), resolved into file $1. The
# project's own classes come from this tree's target/classes, never from ~/.m2, which may hold
# another tree's build.
third_party_deps() { # classpath-file
  resolve_bench_deps "$1"
  deps=$(tr ':' '\n' < "$1" | grep -v '/dev/gatehouse/' | paste -sd: -)
}

# Starts proxy $1 on its core, output to $2; sets last_pid. Its configuration is in
# $results_dir/conf (gatehouse.yaml, nginx/nginx.conf, haproxy.cfg).
start_proxy() { # name logfile
  local -a args
  case "$1" in
    gatehouse)
      spawn "$proxy_cpu" "$2" "$java_bin" "${jvm_args[@]}" -jar "$jar" run --config "$results_dir/conf/gatehouse.yaml" ;;
    nginx)
      mapfile -t args < <(nginx_args nginx)
      spawn "$proxy_cpu" "$2" "$nginx_bin" "${args[@]}" ;;
    haproxy)
      spawn "$proxy_cpu" "$2" "$haproxy_bin" -f "$results_dir/conf/haproxy.cfg" -db ;;
  esac
}

# Starts proxy $1 for round $2 and waits until it answers; sets pid and logfile
# ($results_dir/logs/$1-r$2.log), the caller's locals.
start_healthy() { # name round
  logfile=$results_dir/logs/$1-r$2.log
  start_proxy "$1" "$logfile"
  pid=$last_pid
  wait_healthy "$1" "${port[$1]}" "$pid" "$logfile"
}

# Opens $3 connections through proxy $1 (pid $pid, round $2) with the script's start_load, held
# up to $hold_seconds; sets out ($results_dir/load/$1-r$2.txt), lpid, open and failed. Fails,
# with the load and the proxy stopped and skipped[$1] set, when not one of the $3 $4 succeeded.
open_measured() { # name round count what
  out=$results_dir/load/$1-r$2.txt
  start_load "${port[$1]}" "$3" "$out" "$hold_seconds"
  lpid=$last_pid
  wait_line "$lpid" "$out" ready "$((open_timeout + 30))" \
    || die "$1: the load client did not report within $((open_timeout + 30)) s (see $out)"
  open=$(opened "$out")
  failed=$(failed_count "$out")
  if [ "$open" = 0 ]; then
    skipped[$1]="none of $3 $4 through $1 succeeded: $(grep -m1 '^ready' "$out")"
    log "round $2: $1 SKIPPED, ${skipped[$1]}"
    stop_proc "$lpid"; stop_proc "$pid"
    return 1
  fi
  if [ "$failed" -gt 0 ]; then log "round $2: WARNING $1: $(grep -m1 '^ready' "$out")"; fi
}

# Stops the load ($lpid) and the proxy ($pid) of proxy $1's round $2, with a warning first when
# the proxy closed some of its idle $3 (connections, tunnels) while they were measured.
stop_measured() { # name round what
  if grep -q '^dropped' "$out"; then
    log "round $2: WARNING $1 closed $(grep '^dropped' "$out" | tail -n 1 | cut -d' ' -f2) idle $3 while measured"
  fi
  stop_proc "$lpid"
  stop_proc "$pid"
}

# Warms proxy $1 (pid $2, log $3, port $4, round $5) up with $6 connections held $7 s through the
# script's start_load. Fails, with the proxy stopped and skipped[$1] set to "$8 through $1 ...",
# when not one of them got through.
warm_up() { # name pid logfile port round count hold none-message
  local out=$results_dir/load/$1-r$5-warmup.txt lpid
  start_load "$4" "$6" "$out" "$7"
  lpid=$last_pid
  wait_line "$lpid" "$out" ready "$((open_timeout + 30))" || true
  wait_child "$lpid" || true
  if [ "$(opened "$out")" = 0 ]; then
    skipped[$1]="$8 through $1 succeeded: $(grep -m1 '^ready' "$out" || tail -n 3 "$out")"
    log "round $5: $1 SKIPPED, ${skipped[$1]} (see $out and $3)"
    stop_proc "$2"
    return 1
  fi
}

# Runs the script's bench_one for every proxy and round, the order turned by one each round; a
# proxy skipped once is not run again.
run_rounds() {
  local n=${#proxies[@]} r i name
  for ((r = 1; r <= rounds; r++)); do
    for ((i = 0; i < n; i++)); do
      name=${proxies[(i + r - 1) % n]}
      if [ -n "${skipped[$name]:-}" ]; then continue; fi
      bench_one "$name" "$r" $((i + 1))
    done
  done
}

# Waits until $1 answers 200 on /health through to the backend (await_url in bench-common.sh).
wait_healthy() { await_url "$1" "http://127.0.0.1:$2/health" "$3" "$4" 200; } # name port pid logfile

# Waits until file $2 has a line starting with "$3" (up to $4 seconds), or process $1 is gone.
# Succeeds when the line is there.
wait_line() { # pid file prefix seconds
  local i
  for ((i = 0; i < $4 * 10; i++)); do
    if grep -q "^$3" "$2" 2>/dev/null; then return 0; fi
    if proc_gone "$1"; then grep -q "^$3" "$2" 2>/dev/null; return; fi
    sleep 0.1
  done
  return 1
}

# Prints the summed VmRSS, in kB, of pid $1 and its children (nginx: master and worker); one that
# exited meanwhile counts 0.
tree_rss_kb() {
  local -a pids
  mapfile -t pids < <(tree_pids "$1")
  status_kb VmRSS zero "${pids[@]}"
}

# Prints the Java heap in use, in kB, of JVM $1 right after a full GC: the sum of the "used"
# figures of GC.heap_info's heap lines (one for G1, young and old for Parallel and Serial).
heap_used_kb() {
  "$jcmd_bin" "$1" GC.run > /dev/null || die "jcmd $1 GC.run failed"
  "$jcmd_bin" "$1" GC.heap_info \
    | awk '/total [0-9]+K, used [0-9]+K/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } }
           END { if (s == "") exit 1; print s }' \
    || die "could not read the heap of JVM $1 (jcmd GC.heap_info)"
}

# Prints the "open" count of the ready line in file $1 (0 when there is none).
opened() { sed -n 's/^ready open=\([0-9]*\).*/\1/p' "$1" | head -n 1 | grep . || echo 0; }

# Prints the "failed" count of the ready line in file $1 (0 when there is none).
failed_count() { sed -n 's/^ready open=[0-9]* failed=\([0-9]*\).*/\1/p' "$1" | head -n 1 | grep . || echo 0; }

# Prints the median of column $2 over the rows of proxy $1 in $csv; fails when it has none.
median() {
  awk -F, -v p="$1" -v c="$2" 'NR > 1 && $3 == p { print $c }' "$csv" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints a / b with two decimals, or n/a when b is not positive.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
