#!/usr/bin/env bash
# The slow-requests scenario's harder cases and its plot (issue 15, items 4 and 6), each case in
# one run of slow-requests-bench.sh that puts Gatehouse with defaults, HAProxy's best
# configuration (leastconn + maxconn 1) and nginx's least_conn side by side on the same seeds.
#
#   base       500 req/s, 1 % slow, 500 ms slow, 8 workers (the scenario as published)
#   rate600    600 req/s (about 82 % of the 8 workers busy)
#   slow2pct   2 % slow
#   slow2s     slow requests of 2 s
#   workers4   4 workers instead of 8 (at 250 req/s, the same utilisation as the base case)
#   degraded   backend 0 serves every route 10 times slower for 2 s of every 10 s
#              (a garbage-collection pause, a noisy neighbour)
#
# The table printed at the end has, per case, the medians over rounds of fast and slow p99 and
# Gatehouse's ratios to HAProxy's best and to nginx, per round and their median.
#
# With --plot, it then measures fast p99 at several loads for five configurations (Gatehouse with
# defaults and without admission control, HAProxy leastconn with and without maxconn 1, nginx
# least_conn) and draws fast-p99-by-load.svg: how the slow lane keeps fast requests fast as load
# grows. Traffic goes to 127.0.0.1 only; every run is bounded. Not run in CI.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: gatehouse-bench/scripts/slow-requests-cases.sh [options]

  --cases LIST        comma-separated cases, or none          (default base,rate600,slow2pct,slow2s,workers4,degraded)
  --plot              also measure fast p99 by load and draw the plot
  --plot-rates LIST   the loads of the plot, req/s             (default 200,300,400,500,600)
  -d, --duration S    measured seconds per run                 (default 30)
  -r, --rounds N      rounds per case; the plot uses 1         (default 3)
  -o, --out DIR       results directory                        (default a new mktemp dir)
  -h, --help          this text

Each run is slow-requests-bench.sh with a 5 s warm-up; see that script for the environment
variables it reads (JVM options, cores).
USAGE
}

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
bench=$root/gatehouse-bench/scripts/slow-requests-bench.sh
cases=base,rate600,slow2pct,slow2s,workers4,degraded
plot=false
plot_rates=200,300,400,500,600
duration=30
rounds=3
out=

while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases=${2:?$1 needs a value}; shift 2 ;;
    --plot) plot=true; shift ;;
    --plot-rates) plot_rates=${2:?$1 needs a value}; shift 2 ;;
    -d|--duration) duration=${2:?$1 needs a value}; shift 2 ;;
    -r|--rounds) rounds=${2:?$1 needs a value}; shift 2 ;;
    -o|--out) out=${2:?$1 needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "slow-requests-cases: unknown argument: $1" >&2; exit 2 ;;
  esac
done
die() { echo "slow-requests-cases: $*" >&2; exit 1; }
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 1 ] || die "duration: \"$duration\" (expected: an integer >= 1)"
[[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] || die "rounds: \"$rounds\" (expected: an integer >= 1)"
[[ "$plot_rates" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "plot-rates: \"$plot_rates\" (expected: comma-separated integers)"
if [ -z "$out" ]; then out=$(mktemp -d /tmp/gatehouse-slow-cases.XXXXXX); fi
mkdir -p "$out"
echo "slow-requests-cases: results go to $out" >&2

compared=gatehouse-default,haproxy-leastconn-maxconn1,nginx-leastconn

case_args() { # case -> the bench's options
  case "$1" in
    base) echo "" ;;
    rate600) echo "--rate 600" ;;
    slow2pct) echo "--slow-every 50" ;;
    slow2s) echo "--slow-ms 2000" ;;
    workers4) echo "--backends 4 --rate 250" ;;
    degraded) echo "--degrade 0:10:2:10" ;;
    *) return 1 ;;
  esac
}

IFS=', ' read -r -a case_list <<< "${cases/none/}"
for c in "${case_list[@]}"; do case_args "$c" > /dev/null || die "cases: \"$c\" (expected: base, rate600, slow2pct, slow2s, workers4 or degraded)"; done

# Column of $2 in the CSV $1; values of config $3's successful rows, in round order.
values() { # csv column config
  local col
  col=$(head -n 1 "$1" | tr ',' '\n' | grep -n -x "$2" | cut -d: -f1)
  awk -F, -v c="$col" -v p="$3" 'NR > 1 && $3 == p && $4 == "ok" { print $1, $c }' "$1" | sort -n | awk '{ print $2 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Per-round ratios of config $3 to config $4 on column $2, as "r1/r2/r3 median".
ratios() { # csv column config reference
  paste -d' ' <(values "$1" "$2" "$3") <(values "$1" "$2" "$4") \
    | awk 'NF == 2 && $2 > 0 { printf "%.2f\n", $1 / $2 }' > "$out/.ratios"
  if [ ! -s "$out/.ratios" ]; then echo "n/a"; return; fi
  echo "$(paste -sd/ "$out/.ratios") (median $(median < "$out/.ratios"))"
}
fmt() { if [ -z "$1" ]; then printf -- "-"; else awk -v v="$1" 'BEGIN { printf (v >= 100 ? "%.0f" : "%.1f"), v }'; fi; }

for c in "${case_list[@]}"; do
  echo "slow-requests-cases: case $c: $(case_args "$c")" >&2
  # shellcheck disable=SC2046 # the case's options are words
  "$bench" -c "$compared" -r "$rounds" -d "$duration" $(case_args "$c") -o "$out/$c" > "$out/$c.log" 2>&1 \
    || die "case $c failed; see $out/$c.log"
done

if [ "${#case_list[@]}" -gt 0 ]; then
  {
    echo
    echo "Harder cases: medians over $rounds rounds of ${duration}s (ms); ratios per round, then their median."
    echo "HAProxy = leastconn + maxconn 1 (HAProxy's best in the base case); nginx = least_conn."
    for c in "${case_list[@]}"; do
      csv=$out/$c/results.csv
      echo
      echo "== $c ($(case_args "$c" | sed 's/^$/the published scenario/'))"
      printf '   %-28s %9s %9s %7s\n' config fast_p99 slow_p99 errors
      for p in gatehouse-default haproxy-leastconn-maxconn1 nginx-leastconn; do
        printf '   %-28s %9s %9s %7s\n' "$p" "$(fmt "$(values "$csv" fast_p99_ms "$p" | median)")" \
          "$(fmt "$(values "$csv" slow_p99_ms "$p" | median)")" "$(values "$csv" errors "$p" | awk '{ s += $1 } END { print s + 0 }')"
      done
      echo "   Gatehouse/HAProxy fast p99: $(ratios "$csv" fast_p99_ms gatehouse-default haproxy-leastconn-maxconn1)"
      echo "   Gatehouse/HAProxy slow p99: $(ratios "$csv" slow_p99_ms gatehouse-default haproxy-leastconn-maxconn1)"
      echo "   Gatehouse/nginx   fast p99: $(ratios "$csv" fast_p99_ms gatehouse-default nginx-leastconn)"
    done
  } | tee "$out/cases.txt"
fi

if [ "$plot" = true ]; then
  plotted=gatehouse-default,gatehouse-unlimited,haproxy-leastconn,haproxy-leastconn-maxconn1,nginx-leastconn
  echo "config,rate,fast_p99_ms,slow_p99_ms" > "$out/by-load.csv"
  IFS=',' read -r -a rates <<< "$plot_rates"
  for rate in "${rates[@]}"; do
    echo "slow-requests-cases: plot, $rate req/s" >&2
    "$bench" -c "$plotted" -r 1 -d "$duration" --rate "$rate" -o "$out/plot-$rate" > "$out/plot-$rate.log" 2>&1 \
      || die "the plot's run at $rate req/s failed; see $out/plot-$rate.log"
    for p in ${plotted//,/ }; do
      echo "$p,$rate,$(values "$out/plot-$rate/results.csv" fast_p99_ms "$p"),$(values "$out/plot-$rate/results.csv" slow_p99_ms "$p")" >> "$out/by-load.csv"
    done
  done
  python3 "$root/gatehouse-bench/scripts/lib/plot_by_load.py" "$out/by-load.csv" "$out/fast-p99-by-load.svg" \
    "fast p99 by load: 8 sync workers, 1 % slow (500 ms), Poisson arrivals, ${duration}s per point"
  echo "plot: $out/fast-p99-by-load.svg (data: $out/by-load.csv)"
fi
