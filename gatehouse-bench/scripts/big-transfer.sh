#!/usr/bin/env bash
# Shows that bodies pass through Gatehouse in bounded memory: a 1 GiB upload and a 1 GiB
# download (Content-Length and chunked framing each) pass through a node started with -Xmx64m,
# byte for byte. The pool has the defaults, so an upload's first 64 MiB are buffered before its
# slot (1 MiB in memory, the rest in a temporary file: bodies.buffer_request_file) and the rest
# streams. Traffic stays on 127.0.0.1; every process started here is stopped on exit.
#
# Usage: gatehouse-bench/scripts/big-transfer.sh [SIZE_BYTES]   (default 1073741824 = 1 GiB)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
size=${1:-1073741824}
heap=${GATEHOUSE_HEAP:-64m}
. "$root/bin/lib/find-java.sh"
gatehouse_find_java || exit 1
export JAVA_HOME=$GATEHOUSE_JAVA_HOME
java=$JAVA_HOME/bin/java

work=$(mktemp -d /tmp/gatehouse-big-transfer.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== building (skipped when up to date)"
(cd "$root" && ./mvnw -B -q -DskipTests package -pl gatehouse-cli,gatehouse-testing -am)
cp_testing=$(cd "$root" && ./mvnw -B -q -pl gatehouse-testing dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
cp_testing="$root/gatehouse-testing/target/classes:$cp_testing"

# Waits until a log file shows "listening on HOST:PORT" and prints PORT.
wait_port() {
  local file=$1 port=""
  for _ in $(seq 1 200); do
    port=$(sed -n 's/.*listening on \/*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$file" | head -n 1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "no 'listening on' line in $file:" >&2; cat "$file" >&2; return 1
}

echo "== starting a stub backend"
"$java" -Xmx256m -cp "$cp_testing" dev.gatehouse.testing.StubBackendMain --port 0 --name big >"$work/backend.log" 2>&1 &
pids+=($!)
backend_port=$(wait_port "$work/backend.log")

cat >"$work/gatehouse.yaml" <<YAML
listeners:
  - bind: 127.0.0.1:0
    routes:
      - { path_prefix: /, pool: big }
pools:
  big:
    backends:
      - { address: 127.0.0.1:$backend_port }
limits:
  max_request_body: 4g
access_log:
  enabled: false
YAML

echo "== starting Gatehouse with -Xmx$heap"
"$java" -Xmx"$heap" -jar "$root/gatehouse-cli/target/gatehouse.jar" run --config "$work/gatehouse.yaml" >"$work/gatehouse.log" 2>&1 &
gh_pid=$!
pids+=($gh_pid)
gh_port=$(wait_port "$work/gatehouse.log")
echo "   backend 127.0.0.1:$backend_port, gatehouse 127.0.0.1:$gh_port, $size bytes each way"

fail=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "   OK    $1  $3"; else echo "   FAIL  $1  expected $2, got $3"; fail=1; fi
}

echo "== reference: the backend's bytes, fetched straight from it into a file"
curl -sf -o "$work/blob" "http://127.0.0.1:$backend_port/download?bytes=$size"
ref=$(sha256sum "$work/blob" | cut -d' ' -f1)
echo "== download through Gatehouse (Content-Length, then chunked)"
got=$(curl -sf "http://127.0.0.1:$gh_port/download?bytes=$size" | sha256sum | cut -d' ' -f1)
check "download content-length" "$ref" "$got"
got=$(curl -sf "http://127.0.0.1:$gh_port/download?bytes=$size&chunked=true" | sha256sum | cut -d' ' -f1)
check "download chunked       " "$ref" "$got"

echo "== upload through Gatehouse (Content-Length, then chunked); the backend hashes what it receives"
expected="{\"bytes\":$size,\"sha256\":\"$ref\"}"
got=$(curl -sf -X POST -T "$work/blob" "http://127.0.0.1:$gh_port/upload" | tr -d ' \n')
check "upload content-length  " "$expected" "$got"
got=$(curl -sf -X POST -T "$work/blob" -H "Transfer-Encoding: chunked" "http://127.0.0.1:$gh_port/upload" | tr -d ' \n')
check "upload chunked         " "$expected" "$got"

rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$gh_pid/status")
echo "== Gatehouse peak RSS: $rss (heap capped at $heap)"
if [ "$fail" = 0 ]; then echo "PASS: every transfer was byte for byte"; else echo "FAILED"; exit 1; fi
