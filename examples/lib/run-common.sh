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

# start_node_and_deploy: runs the node of $here/gatehouse.yaml in a session of its own (Ctrl-C
# reaches the script only, whose cleanup stops the node with SIGTERM, and the node stops the app's
# processes itself), waits for its admin API, and deploys ${VERSION:-v1}. Sets $node, the node's
# pid. Needs $root, $here, $python and $GATEHOUSE_ADMIN.
start_node_and_deploy() {
  setsid "$root/bin/gatehouse" run --config "$here/gatehouse.yaml" &
  node=$!
  pids+=("$node")
  # The first run builds the jar (a minute or two).
  await 300 "the node" "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "$GATEHOUSE_ADMIN/api/v1/node"
  "$root/bin/gatehouse" deploy --pool web --version "${VERSION:-v1}"
}
