#!/usr/bin/env bash
# Makes a release of the Django example, ready for `gatehouse deploy`:
#   $EXAMPLE_RELEASES/VERSION/app      a copy of the project (from $EXAMPLE_SOURCE, default: here)
#   $EXAMPLE_RELEASES/VERSION/static   its collectstatic output, which the node serves at /static/
# and migrates the database first (while the old version still serves: migrations must suit both).
#   DJANGO_SECRET_KEY=... PGHOST=127.0.0.1 PGPORT=5432 examples/django/release.sh v2
# The release appears whole or not at all (it is made in a temporary directory, then renamed).
set -euo pipefail
version=${1:-}
if ! [[ $version =~ ^[A-Za-z0-9._-]{1,64}$ ]]; then
  echo "usage: release.sh VERSION (1-64 letters, digits, '.', '_', '-')" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
source=${EXAMPLE_SOURCE:-$here}
releases=${EXAMPLE_RELEASES:-/tmp/gatehouse-django-example/releases}
dir=$releases/$version
if [ -e "$dir" ]; then
  echo "release.sh: $dir exists already" >&2
  exit 1
fi
mkdir -p "$releases"
tmp=$(mktemp -d "$releases/.$version.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/app"
cp -R "$source/manage.py" "$source/mysite" "$source/templates" "$source/static" "$tmp/app/"
# Debian's Python: Django and psycopg2 are its packages (python3-django, python3-psycopg2).
export APP_VERSION=$version STATIC_ROOT=$tmp/static
/usr/bin/python3 "$tmp/app/manage.py" collectstatic --noinput --verbosity 0
/usr/bin/python3 "$tmp/app/manage.py" migrate --noinput --verbosity 0
mv "$tmp" "$dir"
trap - EXIT
echo "release.sh: $dir ready; deploy it with: bin/gatehouse deploy --pool web --version $version --strict"
