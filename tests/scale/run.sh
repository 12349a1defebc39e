#!/usr/bin/env bash
# The scale-out suite (tests/scale/README.md): the data source, dashboards and alert rules on
# Thanos over two Prometheus replicas and on VictoriaMetrics (tests/scale/metrics.spec.ts, through
# the Grafana stand-in and the real backend), traces on Jaeger with Elasticsearch storage and the
# AI events on a two-node Elasticsearch cluster (go test -run TestScale). Starts the topologies it
# needs (scripts/stack.sh up scale; the test command starts them early so they have history).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$REPO_DIR"

bash scripts/stack.sh up scale
eval "$(bash scripts/stack.sh env)"
export AGENTMEMORY_PLUGIN_BIN="${AGENTMEMORY_PLUGIN_BIN:-$REPO_DIR/dist/datasource/gpx_agentmemory_linux_amd64}"
(cd tests/conformance && go build -o ../browser/build/grafana-standin ./cmd/grafanastandin)

rc=0
npx playwright test -c tests/scale/playwright.config.ts || rc=1
(cd tests/conformance && go test -count=1 -v -timeout 15m -run 'TestScale' .) || rc=1
exit "$rc"
