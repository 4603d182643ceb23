#!/usr/bin/env bash
# Starts the Django example in one go: PostgreSQL (unless PGHOST is set) with a cluster of its own
# in a temporary directory on loopback, release v1 (release.sh: code, collectstatic, migrate), a
# Gatehouse node that runs it with gunicorn (gatehouse.yaml), and the deploy of v1.
# Ctrl-C stops all of it. Then, from another terminal, see README.md:
#   curl -c /tmp/jar http://127.0.0.1:8080/ && curl -b /tmp/jar http://127.0.0.1:8080/api/visits/
#   EXAMPLE_RELEASES=... examples/django/release.sh v2 && bin/gatehouse deploy --pool web --version v2 --strict
# Settings: EXAMPLE_LISTEN (127.0.0.1:8080), EXAMPLE_ADMIN (127.0.0.1:9090), EXAMPLE_INSTANCES (2),
# PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD (a PostgreSQL of your own, its database created),
# DJANGO_SECRET_KEY (random), VERSION (the first version, v1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=/usr/bin/python3   # Debian's: it has python3-django, python3-psycopg2 and gunicorn
work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-django.XXXXXX")
chmod 755 "$work"   # the postgres user, when we are root, needs to reach its directory inside
. "$here/../lib/run-common.sh"

for module in django gunicorn psycopg2; do
  "$python" -c "import $module" 2>/dev/null \
    || { echo "run.sh: $python lacks $module: apt-get install python3-django gunicorn python3-psycopg2" >&2; exit 1; }
done

if [ -z "${PGHOST:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$pg_bin/initdb" ] || { echo "run.sh: no PostgreSQL server: apt-get install postgresql, or set PGHOST" >&2; exit 1; }
  as_postgres=()
  mkdir "$work/pg"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the user Debian's package made.
    chown postgres: "$work/pg"
    as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  fi
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
    >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
  export PGHOST=127.0.0.1 PGPORT=$(free_port) PGUSER=postgres PGDATABASE=gatehouse_example
  "${as_postgres[@]}" "$pg_bin/postgres" -D "$work/pg/data" -h 127.0.0.1 -p "$PGPORT" -k "$work/pg" -F \
    >"$work/postgres.log" 2>&1 &
  pids+=($!)
  await 30 "postgres" "$pg_bin/psql" -d postgres -c 'SELECT 1'
  "$pg_bin/psql" -q -d postgres -c "CREATE DATABASE $PGDATABASE"
  echo "run.sh: postgres on 127.0.0.1:$PGPORT (cluster in $work/pg)"
fi

export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$("$python" -c 'import secrets; print(secrets.token_urlsafe(40))')}
export EXAMPLE_RELEASES=$work/releases EXAMPLE_LOGS=$work/logs EXAMPLE_STATE_FILE=$work/state.json
export EXAMPLE_LISTEN=${EXAMPLE_LISTEN:-127.0.0.1:8080} EXAMPLE_ADMIN=${EXAMPLE_ADMIN:-127.0.0.1:9090}
export GATEHOUSE_ADMIN=http://$EXAMPLE_ADMIN   # where bin/gatehouse's commands find the node
"$here/release.sh" "${VERSION:-v1}"

start_node_and_deploy

cat <<EOT

The Django example runs: http://$EXAMPLE_LISTEN/ (admin: $GATEHOUSE_ADMIN; gunicorn logs: $EXAMPLE_LOGS)
  curl -c /tmp/jar http://$EXAMPLE_LISTEN/ && curl -b /tmp/jar http://$EXAMPLE_LISTEN/api/visits/
  curl -I http://$EXAMPLE_LISTEN/static/site.css     # served by the node from $EXAMPLE_RELEASES/v1/static
A new release and its deploy (same environment as this script):
  export DJANGO_SECRET_KEY='$DJANGO_SECRET_KEY' PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-gatehouse_example}
  EXAMPLE_RELEASES=$EXAMPLE_RELEASES examples/django/release.sh v2
  GATEHOUSE_ADMIN=$GATEHOUSE_ADMIN bin/gatehouse deploy --pool web --version v2 --strict
Ctrl-C stops the node, gunicorn and PostgreSQL.
EOT
wait "$node"
