# Shared by the examples' run.sh scripts (sourced, not run): a work directory removed at exit,
# the processes started (killed at exit, the last started first), a free loopback port, and a
# wait for something to come up. Expects $python and $work to be set by the script.

pids=()
cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done  # the node first
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# await SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds; gives up after SECONDS.
await() {
  local limit=$1 what=$2 i
  shift 2
  for ((i = 0; i < limit * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "run.sh: $what did not come up within $limit s (logs in $work)" >&2
  exit 1
}
