#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what it needs, builds, starts the real local
# stack, runs every suite, stops the stack. Suites after the build all run even when one fails;
# the exit code is non-zero when any failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"

started=$SECONDS
declare -a RESULTS=()
passed=0
failed=0
skipped=0

record() {
  local name="$1" rc="$2" seconds="$3"
  if [ "$rc" -eq 0 ]; then
    RESULTS+=("  PASS  $name ($seconds s)")
    passed=$((passed + 1))
  elif [ "$rc" -eq 77 ]; then
    # 77: the suite needs what this machine lacks and said why.
    RESULTS+=("  SKIP  $name")
    skipped=$((skipped + 1))
  else
    RESULTS+=("  FAIL  $name ($seconds s)")
    failed=$((failed + 1))
  fi
}

suite() {
  local name="$1"; shift
  local t0=$SECONDS
  step "Suite: $name"
  local rc=0
  "$@" || rc=$?
  record "$name" "$rc" "$((SECONDS - t0))"
}

# Suites that need no server, or only servers of their own, run one after another in the
# background while the alerting suite runs (it spends most of its 20 minutes waiting on a 1/10
# clock, and they touch neither the demo nor its Prometheus); their output is shown when they end.
BESIDE_DIR="$(mktemp -d)"
beside_suite() {
  local name="$1"; shift
  local t0=$SECONDS rc=0
  step "Suite: $name"
  "$@" || rc=$?
  printf '%s %s %s\n' "$rc" "$((SECONDS - t0))" "$name" >>"$BESIDE_DIR/results"
}

start_beside() {
  step "Beside the alerting suite: $*"
  ("$@") >"$BESIDE_DIR/log" 2>&1 &
  BESIDE_PID=$!
}

collect_beside() {
  wait "$BESIDE_PID" || true
  step "The suites run beside the alerting suite"
  cat "$BESIDE_DIR/log"
  local rc seconds name
  while read -r rc seconds name; do
    record "$name" "$rc" "$seconds"
  done <"$BESIDE_DIR/results"
}

suites_beside_alerting() {
  beside_suite "typecheck" npm run typecheck --silent
  beside_suite "lint" npx eslint .
  beside_suite "unit: plugin frontend (jest)" npx jest --maxWorkers 2 --ci
  beside_suite "unit: telemetry SDK (jest)" npm test --silent -w @memstack/telemetry -- --ci
  beside_suite "unit: backend (jest)" npm test --silent -w @memstack/agentmemory-backend -- --ci
  beside_suite "unit: demo (jest)" npm test --silent -w @memstack/demo -- --ci
  beside_suite "compatibility: the bundle's @grafana/* use at the declared grafanaDependency floor and the current release (@grafana/levitate)" \
    bash scripts/check-compatibility.sh
  beside_suite "scale: dashboards and alert rules on Thanos (two replicas, store gateway) and VictoriaMetrics, traces on Jaeger with Elasticsearch, events on a two-node Elasticsearch cluster" \
    bash tests/scale/run.sh
}

stop_stack() { bash scripts/stack.sh down || true; rm -rf "$BESIDE_DIR"; }
trap stop_stack EXIT

bash scripts/ensure-npm.sh

step "Starting the local stack (installs what is missing; cached afterwards)"
bash scripts/stack.sh up postgres redis neo4j elasticsearch elasticsearch8 elasticsearch-secure jaeger node-exporter postgres-exporter alertmanager prometheus

# The scale-out topologies start now, beside the build (Thanos and VictoriaMetrics are built from
# their Go modules the first time), so that the scale suite finds replicas with history.
# Thanos' replicas first: their history is what the scale suite waits for. Each topology on its
# own, so that one that fails to start leaves the others (the scale suite names what failed).
(
  for topology in metrics-scale es-cluster jaeger-es; do
    bash scripts/stack.sh up "$topology" || echo "stack.sh up $topology failed"
  done
) >"$BESIDE_DIR/scale-up.log" 2>&1 &
scale_up_pid=$!

step "Building the plugin (frontend, telemetry SDK, backend executables)"
npm run build --silent

step "Starting the demo memory service"
bash scripts/stack.sh up demo
eval "$(bash scripts/stack.sh env)"

suite "stack: running servers hardened (no root, PostgreSQL password, no password in argv, quoted env, approved Jaeger)" bash tests/stack/hardening.sh
suite "stack: pinned downloads, trusted cache, PIDs checked before a signal" bash tests/stack/pins-and-pids.sh
suite "compose: docker-compose.yml against the Compose specification, its provisioning and .env (compose-go)" \
  bash -c 'cd tests/compose && go test -count=1 -v .'
suite "netns: the demo as docker compose runs it, scraped from another network namespace over a veth pair (ip netns; needs root)" bash tests/netns/demo-netns.sh
suite "integration: real servers, demo signals and build output (jest)" env NODE_OPTIONS=--experimental-vm-modules npx jest -c tests/jest.config.js --ci --runInBand
suite "conformance: backend under grafana-plugin-sdk-go (go test)" \
  env AGENTMEMORY_PLUGIN_BIN="$REPO_DIR/dist/datasource/gpx_agentmemory_linux_amd64" \
  bash -c 'cd tests/conformance && go test -count=1 -v -timeout 20m -skip "TestAlertRulesEndToEnd|TestScale" ./... 2>&1 | grep -vE "^\s+(Debian packages|Elasticsearch [0-9.]+: cached|Jaeger v[0-9.]+: cached|Neo4j [0-9.]+ harness: cached)" ; exit ${PIPESTATUS[0]}'
suite "alerting: promtool and amtool over the generated rules and routes" bash scripts/test-alerting-rules.sh
step "Waiting for the scale-out topologies (scripts/stack.sh up scale)"
wait "$scale_up_pid" || true
grep -E 'healthy in|ERROR|failed' "$BESIDE_DIR/scale-up.log" || true
start_beside suites_beside_alerting
suite "alerting: every rule quiet on the healthy demo, firing on its fault, routed and resolved, on real Prometheus and Alertmanager at a 1/10 clock; Grafana rules evaluated through the backend (go test)" \
  env AGENTMEMORY_PLUGIN_BIN="$REPO_DIR/dist/datasource/gpx_agentmemory_linux_amd64" \
  bash -c 'cd tests/conformance && go test -count=1 -v -timeout 25m -run TestAlertRulesEndToEnd .'
collect_beside
# The README's own command for this suite (npm run test:browser), so the documented one is the one CI runs.
suite "browser: overview and configuration pages, editors, both panels and every dashboard target in Chromium through the real backend (@playwright/test)" \
  npm run test:browser --silent
suite "stack: down and up twice, nothing left behind" bash scripts/stack-cycle-test.sh
suite "e2e: Grafana with the plugin (@grafana/plugin-e2e)" bash scripts/e2e-grafana.sh

step "Summary ($((SECONDS - started)) s)"
printf '%s\n' "${RESULTS[@]}"
echo "suites: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
