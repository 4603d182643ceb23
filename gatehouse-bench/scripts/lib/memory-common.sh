# Shared by the memory benchmarks (tunnel-memory-bench.sh, conn-memory-bench.sh): waiting for a
# proxy and a load client, reading a proxy's memory, and the medians of the results. Source it
# after bench-common.sh. Sourcing only defines functions. Globals used: jcmd_bin (heap_used_kb,
# jvm_snapshot), csv (median; column 3 is the proxy's name).

# Waits until http://127.0.0.1:$2/health answers 200 through the proxy (up to 60 s); fails early
# if pid $3 dies.
wait_healthy() { # name port pid logfile
  local i
  for ((i = 0; i < 600; i++)); do
    if [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$2/health" || true)" = 200 ]; then
      return 0
    fi
    if proc_gone "$3"; then
      tail -n 20 "$4" >&2 || true
      die "$1 exited before it answered on 127.0.0.1:$2 (log: $4)"
    fi
    sleep 0.1
  done
  tail -n 20 "$4" >&2 || true
  die "$1 did not answer 200 on http://127.0.0.1:$2/health within 60 s (log: $4)"
}

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

# Prints the summed VmRSS, in kB, of pid $1 and its children (nginx: master and worker).
rss_kb() {
  local pid total=0 kb
  for pid in $(tree_pids "$1"); do
    kb=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
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
