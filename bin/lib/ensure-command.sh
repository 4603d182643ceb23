# Sourced by bin/test: makes sure a command the tests start (a real etcd, say) is installed.
#
# gatehouse_ensure_command COMMAND PACKAGE...
#   Returns 0 when COMMAND is on the PATH. Otherwise, as root on a machine with apt-get, installs
#   the Debian PACKAGEs (their services are not started: the tests start their own processes) and
#   checks again. Else prints how to install it and returns 1.
gatehouse_ensure_command() {
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/gatehouse-apt.XXXXXX")
    echo "bin/test: $cmd is missing; installing Debian's $* with apt-get (log: $log)" >&2
    # policy-rc.d refuses service starts during the install (the tests start their own
    # processes); removed again after it, also when the install is interrupted.
    local policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT INT TERM
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$log" 2>&1 || true
      rm -f "$policy"
      trap - EXIT INT TERM
    else
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$log" 2>&1 || true
    fi
    command -v "$cmd" >/dev/null 2>&1 && return 0
    echo "bin/test: installing $* failed; the end of $log:" >&2
    tail -n 5 "$log" >&2
  fi
  echo "bin/test: $cmd is needed by the tests and is not installed: apt-get install $*" >&2
  return 1
}
