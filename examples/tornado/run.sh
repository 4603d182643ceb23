#!/usr/bin/env bash
# Starts the Tornado example in one go: Redis (unless REDIS_URL is set) in a temporary directory
# on loopback, a Gatehouse node that supervises app.py (gatehouse.yaml), and version v1.
# Ctrl-C stops all of it. Then, from another terminal, see README.md:
#   curl -c /tmp/jar -d name=alice http://127.0.0.1:8080/login && curl -b /tmp/jar http://127.0.0.1:8080/me
#   bin/gatehouse deploy --pool web --version v2 --strict
# Settings: EXAMPLE_LISTEN (127.0.0.1:8080), EXAMPLE_ADMIN (127.0.0.1:9090), EXAMPLE_INSTANCES (4),
# REDIS_URL (a Redis of your own), COOKIE_SECRET (random), VERSION (the first version, v1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=/usr/bin/python3   # Debian's: it has python3-tornado and python3-redis
work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-tornado.XXXXXX")
. "$here/../lib/run-common.sh"

for module in tornado redis; do
  "$python" -c "import $module" 2>/dev/null || { echo "run.sh: $python lacks $module: apt-get install python3-$module" >&2; exit 1; }
done

if [ -z "${REDIS_URL:-}" ]; then
  command -v redis-server >/dev/null || { echo "run.sh: no redis-server: apt-get install redis-server, or set REDIS_URL" >&2; exit 1; }
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize no \
    >"$work/redis.log" 2>&1 &
  pids+=($!)
  export REDIS_URL=redis://127.0.0.1:$port/0
  await 10 "redis-server" "$python" -c 'import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()' "$REDIS_URL"
  echo "run.sh: redis-server on 127.0.0.1:$port (data in $work)"
fi

export COOKIE_SECRET=${COOKIE_SECRET:-$("$python" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export EXAMPLE_DIR=$here EXAMPLE_LOGS=$work/logs EXAMPLE_STATE_FILE=$work/state.json
export EXAMPLE_LISTEN=${EXAMPLE_LISTEN:-127.0.0.1:8080} EXAMPLE_ADMIN=${EXAMPLE_ADMIN:-127.0.0.1:9090}
export GATEHOUSE_ADMIN=http://$EXAMPLE_ADMIN   # where bin/gatehouse's commands find the node

start_node_and_deploy

cat <<EOT

The Tornado example runs: http://$EXAMPLE_LISTEN/ (admin: $GATEHOUSE_ADMIN; app logs: $EXAMPLE_LOGS)
  curl -c /tmp/jar -d name=alice http://$EXAMPLE_LISTEN/login
  curl -b /tmp/jar http://$EXAMPLE_LISTEN/me
  curl 'http://$EXAMPLE_LISTEN/report?ms=500'
  GATEHOUSE_ADMIN=$GATEHOUSE_ADMIN bin/gatehouse deploy --pool web --version v2 --strict
Ctrl-C stops the node, the app and Redis.
EOT
wait "$node"
