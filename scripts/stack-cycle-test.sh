#!/usr/bin/env bash
# Proves the stack scripts are clean: down stops every server it started and frees its ports,
# a second up starts from the cache in seconds (and, as root, passes tests/stack/hardening.sh), and
# a second down is again complete. Ends with the stack down (the test command stops last).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVERS=(postgres redis neo4j elasticsearch elasticsearch8 jaeger node-exporter postgres-exporter alertmanager prometheus)
PORTS=("$POSTGRES_PORT" "$REDIS_PORT" "$NEO4J_BOLT_PORT" "$NEO4J_HTTP_PORT" "$ES_PORT" "$ES8_PORT" "$ES_SECURE_PORT" "$JAEGER_QUERY_PORT" "$JAEGER_OTLP_HTTP_PORT" "$NODE_EXPORTER_PORT"
  "$POSTGRES_EXPORTER_PORT" "$ALERTMANAGER_PORT" "$PROMETHEUS_PORT" "$DEMO_PORT")

# The state directory is private: ours, and closed to everyone else.
assert_private_state() {
  local mode owner
  mode="$(stat -c %a "$STATE_DIR")"; owner="$(stat -c %u "$STATE_DIR")"
  if [ "$mode" != 700 ] || [ "$owner" != "$(id -u)" ]; then
    echo "state directory $STATE_DIR is mode $mode owned by uid $owner; want 700 and uid $(id -u)" >&2
    return 1
  fi
}

assert_all_down() {
  local leftovers=()
  for port in "${PORTS[@]}"; do
    port_open "$port" && leftovers+=("$port")
  done
  if ls "$STATE_DIR/pids/"*.pid >/dev/null 2>&1; then
    echo "pid files left behind: $(ls "$STATE_DIR/pids")" >&2
    return 1
  fi
  if [ ${#leftovers[@]} -gt 0 ]; then
    echo "ports still answering after down: ${leftovers[*]}" >&2
    return 1
  fi
}

for round in 1 2; do
  bash "$REPO_DIR/scripts/stack.sh" down
  assert_all_down
  assert_private_state
  t0=$SECONDS
  bash "$REPO_DIR/scripts/stack.sh" up "${SERVERS[@]}"
  info "round $round: the whole stack was up again in $((SECONDS - t0)) s"
  bash "$REPO_DIR/scripts/stack.sh" status | grep -c ' up ' | grep -qx "${#SERVERS[@]}" || { echo "not every server is up" >&2; exit 1; }
  # As root: no server as root, PostgreSQL behind a password, no password in argv, env quoted.
  if [ "$(id -u)" = 0 ]; then bash "$REPO_DIR/tests/stack/hardening.sh"; fi
done
bash "$REPO_DIR/scripts/stack.sh" down
assert_all_down

# A state directory someone else owns is refused before any PID file in it is read.
if [ "$(id -u)" = 0 ]; then
  foreign="$(mktemp -d)"
  mkdir -p "$foreign/pids" && echo 1 >"$foreign/pids/redis.pid"
  chown -R nobody "$foreign"
  if MEMSTACK_STATE_DIR="$foreign" bash "$REPO_DIR/scripts/stack.sh" up redis >"$foreign.log" 2>&1; then
    echo "the stack trusted a state directory owned by another user" >&2
    exit 1
  fi
  grep -q "belongs to another user" "$foreign.log" || { cat "$foreign.log" >&2; exit 1; }
  rm -rf "$foreign" "$foreign.log"
fi
info "stack went down and up twice; nothing left behind; a foreign state directory is refused"
