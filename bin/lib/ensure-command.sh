# Sourced by bin/test: makes sure the programs and Python modules the tests start (a real etcd,
# the examples' Tornado, Django, gunicorn, Redis and PostgreSQL, the dashboard test's Chromium) are
# installed, from Debian's packages.
#
# gatehouse_ensure_packages NEED...
#   Each NEED is KIND:WHAT=PACKAGE, checked as:
#     command:NAME=PACKAGE   NAME is a command on the PATH
#     python:MODULE=PACKAGE  /usr/bin/python3 (Debian's, not a pyenv or virtualenv one) imports MODULE
#     file:GLOB=PACKAGE      an executable file matches GLOB (/usr/lib/postgresql/*/bin/initdb)
#   Returns 0 when every NEED holds. Otherwise, as root on a machine with apt-get, installs the
#   PACKAGEs of the needs that do not hold, all at once after one `apt-get update`, with their
#   services not started (the tests start their own processes), and checks again. Whatever is
#   still missing is printed with the command that installs it, and the status is 1.
gatehouse_ensure_packages() {
  local missing
  missing=$(_gatehouse_missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/gatehouse-apt.XXXXXX")
    # shellcheck disable=SC2086 # one word per package
    echo "bin/test: installing Debian's" $missing "with apt-get (log: $log)" >&2
    # policy-rc.d refuses service starts during the install (redis-server, postgresql and
    # etcd-server would start their own daemons); removed again after it, also when interrupted.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && ours=1
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT INT TERM
    fi
    # shellcheck disable=SC2086
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } >"$log" 2>&1 || true
    if [ "$ours" = 1 ]; then
      rm -f "$policy"
      trap - EXIT INT TERM
    fi
    missing=$(_gatehouse_missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "bin/test: installing failed; the end of $log:" >&2
    tail -n 5 "$log" >&2
  fi
  # shellcheck disable=SC2086
  echo "bin/test: the tests need Debian packages that are not installed: apt-get install" $missing >&2
  return 1
}

# gatehouse_ensure_command COMMAND PACKAGE: the single-command form of gatehouse_ensure_packages.
gatehouse_ensure_command() {
  gatehouse_ensure_packages "command:$1=$2"
}

# Prints the PACKAGEs (each once, space-separated) of the NEEDs that do not hold.
_gatehouse_missing_packages() {
  local need kind what package out=" "
  for need in "$@"; do
    kind=${need%%:*}
    what=${need#*:}
    package=${what##*=}
    what=${what%=*}
    if ! _gatehouse_holds "$kind" "$what"; then
      case $out in (*" $package "*) ;; (*) out="$out$package " ;; esac
    fi
  done
  out=${out# }
  printf '%s' "${out% }"
}

_gatehouse_holds() {
  local f
  case $1 in
    command) command -v "$2" >/dev/null 2>&1 ;;
    python) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $2" >/dev/null 2>&1 ;;
    file)
      # shellcheck disable=SC2086 # the glob is meant to expand
      for f in $2; do [ -x "$f" ] && return 0; done
      return 1 ;;
    *) echo "bin/lib/ensure-command.sh: unknown kind of need: $1" >&2; return 1 ;;
  esac
}
