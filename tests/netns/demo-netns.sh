#!/usr/bin/env bash
# Container networking without Docker. `docker compose up` runs the demo in a container of its own
# and Prometheus scrapes it from another one, at demo:8000 (compose/prometheus.yml). This test does
# the same with two network namespaces joined by a veth pair it creates and removes itself
# (10.213.0.2/30 for the demo, 10.213.0.1/30 for the "Prometheus" side; the addresses exist only in
# these namespaces, and no traffic leaves them):
#   1. the demo as compose runs it (compose/demo.Dockerfile's working directory, CMD and USER, its
#      ENV and docker-compose.yml's environment interpolated with .env, all read by
#      tests/compose/cmd/servicelaunch) answers GET /metrics (with Prometheus' Accept header) and
#      GET /health from the other namespace, and the compose health check passes in its own;
#   2. without DEMO_HOST the demo listens on loopback only: its own namespace reaches it, the other
#      does not (the default outside containers).
# The compose names of the backends (redis, postgres, ...) do not resolve here: the demo runs
# without its backends, as in compose while they are down. It listens before it connects them
# (demo/src/main.ts), so /metrics and /health answer while it keeps retrying them; that is all
# this test needs of it (the backends themselves are tested with the local stack).
# Needs root and iproute2's `ip`; otherwise it says why and exits 77 (skipped). Run:
#   bash tests/netns/demo-netns.sh
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEMO_ADDR=10.213.0.2
SCRAPER_ADDR=10.213.0.1
DEMO_NS="amdemo-$$-demo"
SCRAPER_NS="amdemo-$$-prom"
LOG="$(mktemp -t demo-netns.XXXXXX.log)"
DEMO_PID=""
# The official node image's `node` user has uid 1000; any unprivileged user proves the same.
UNPRIVILEGED_UID=65534

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  if [ -s "$LOG" ]; then
    echo "--- demo output (last 40 lines)" >&2
    tail -n 40 "$LOG" >&2
  fi
  exit 1
}

[ "$(id -u)" -eq 0 ] || skip "creating network namespaces needs root (ip netns); run as root"
command -v ip >/dev/null 2>&1 || skip "iproute2's ip command is not installed"
command -v curl >/dev/null 2>&1 || skip "curl is not installed (the compose health check and the scraper use it)"
command -v setpriv >/dev/null 2>&1 || skip "setpriv (util-linux) is not installed"

stop_demo() {
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -TERM "$DEMO_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$DEMO_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
  fi
  DEMO_PID=""
}
cleanup() {
  stop_demo
  # Deleting a namespace deletes the veth end in it, and with it the pair.
  ip netns del "$DEMO_NS" 2>/dev/null || true
  ip netns del "$SCRAPER_NS" 2>/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# How compose runs the demo: SERVICE_DIR, SERVICE_CMD, SERVICE_USER, SERVICE_ENV, SERVICE_PORT,
# SCRAPE_TARGET, SERVICE_HEALTHCHECK.
launch="$(cd "$REPO_DIR/tests/compose" && go run ./cmd/servicelaunch -root "$REPO_DIR" demo)" ||
  fail "could not read how docker-compose.yml runs the demo"
eval "$launch"
[ "$SERVICE_USER" != "" ] && [ "$SERVICE_USER" != "root" ] || fail "the demo image runs as root (USER '$SERVICE_USER')"
# The image builds @memstack/telemetry (npm run build -w @memstack/telemetry); so must we.
[ -f "$REPO_DIR/telemetry/dist/index.js" ] ||
  fail "telemetry/dist/index.js is missing: build the telemetry SDK first (npm run build -w @memstack/telemetry), as compose/demo.Dockerfile does"

ip netns add "$DEMO_NS" 2>/dev/null || skip "ip netns add failed (no CAP_SYS_ADMIN here?)"
ip netns add "$SCRAPER_NS"
ip -n "$DEMO_NS" link set lo up
ip -n "$SCRAPER_NS" link set lo up
ip link add name veth-demo netns "$DEMO_NS" type veth peer name veth-prom netns "$SCRAPER_NS"
ip -n "$DEMO_NS" addr add "$DEMO_ADDR/30" dev veth-demo
ip -n "$SCRAPER_NS" addr add "$SCRAPER_ADDR/30" dev veth-prom
ip -n "$DEMO_NS" link set veth-demo up
ip -n "$SCRAPER_NS" link set veth-prom up

scrape_host="${SCRAPE_TARGET%:*}"
scrape_port="${SCRAPE_TARGET##*:}"
[ "$scrape_port" = "$SERVICE_PORT" ] ||
  fail "Prometheus scrapes $SCRAPE_TARGET, but compose publishes the demo's port $SERVICE_PORT"

# start_demo ENV...: the demo's command in its namespace, as an unprivileged user, with exactly ENV.
start_demo() {
  : >"$LOG"
  (cd "$SERVICE_DIR" && exec ip netns exec "$DEMO_NS" \
    setpriv --reuid="$UNPRIVILEGED_UID" --regid="$UNPRIVILEGED_UID" --clear-groups \
    env -i PATH="$PATH" HOME=/tmp "$@" "${SERVICE_CMD[@]}") >"$LOG" 2>&1 &
  DEMO_PID=$!
}
# in_demo_ns CMD...: CMD inside the demo's namespace, as the compose health check runs in its container.
in_demo_ns() {
  ip netns exec "$DEMO_NS" "$@"
}
# from_scraper PATH [curl options]: GET http://$SCRAPE_TARGET/PATH from the other namespace, with
# the scrape target's name resolving to the demo's address, as compose's DNS resolves `demo`.
from_scraper() {
  local path="$1"
  shift
  ip netns exec "$SCRAPER_NS" curl -sS --max-time 5 --resolve "$scrape_host:$scrape_port:$DEMO_ADDR" "$@" \
    "http://$SCRAPE_TARGET$path"
}
# await DESCRIPTION CMD...: until CMD succeeds, for at most 90 s, while the demo runs.
await() {
  local what="$1"
  shift
  for _ in $(seq 180); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$DEMO_PID" 2>/dev/null || fail "the demo exited before $what"
    sleep 0.5
  done
  fail "$what: not within 90 s"
}

echo "1. the demo with docker-compose.yml's environment (${SERVICE_ENV[*]})"
start_demo "${SERVICE_ENV[@]}"
await "its compose health check passes (${SERVICE_HEALTHCHECK[*]})" in_demo_ns "${SERVICE_HEALTHCHECK[@]}"
metrics="$(from_scraper /metrics -f -D - \
  -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')" ||
  fail "GET http://$SCRAPE_TARGET/metrics from the scraper's namespace failed: the demo does not listen where Prometheus reaches it (DEMO_HOST=0.0.0.0 in docker-compose.yml)"
grep -qi '^content-type: application/openmetrics-text' <<<"$metrics" || fail "/metrics is not OpenMetrics (exemplars need it)"
grep -q 'ai_memory_operation_duration_seconds' <<<"$metrics" || fail "/metrics lacks ai_memory_operation_duration_seconds"
grep -q '^# EOF' <<<"$metrics" || fail "/metrics is not a complete OpenMetrics exposition (no # EOF)"
health="$(from_scraper /health -f)" || fail "GET http://$SCRAPE_TARGET/health from the scraper's namespace failed"
grep -q '"status":"ok"' <<<"$health" || fail "/health answered $health"
echo "   ok: /metrics (OpenMetrics) and /health answer at $SCRAPE_TARGET from $SCRAPER_ADDR; the health check passes"
stop_demo

echo "2. the demo without DEMO_HOST (its default outside containers)"
loopback_env=()
for assignment in "${SERVICE_ENV[@]}"; do
  [ "${assignment%%=*}" = DEMO_HOST ] || loopback_env+=("$assignment")
done
start_demo "${loopback_env[@]}"
await "it answers on its own loopback" in_demo_ns "${SERVICE_HEALTHCHECK[@]}"
if from_scraper /metrics -f -o /dev/null 2>/dev/null; then
  fail "without DEMO_HOST the demo answers from another namespace: its default must be loopback only"
fi
echo "   ok: reachable on its loopback only"
stop_demo
echo "PASS: the demo is reachable across namespaces exactly when compose says so"
