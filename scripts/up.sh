#!/usr/bin/env bash
# The main command (README): builds the plugin, brings the real local stack and the demo memory
# service up on loopback, and prints where everything is. Where a Docker engine answers, Grafana
# with the plugin starts too (docker compose); Grafana itself cannot be installed otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"

bash scripts/ensure-npm.sh
step "Building the plugin (frontend, telemetry SDK, backend executables)"
npm run build --silent
bash scripts/stack.sh up

if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  step "Starting Grafana with the plugin (docker compose)"
  docker compose up -d --build
  grafana="http://localhost:3000/a/memstack-agentmemory-app/overview"
else
  grafana=""
fi

step "Ready"
bash scripts/stack.sh status
echo
echo "  Plugin build:   $REPO_DIR/dist (copy or mount it as <grafana plugins>/memstack-agentmemory-app)"
if [ -n "$grafana" ]; then
  echo "  Grafana:        $grafana"
else
  echo "  Grafana:        not started: no Docker engine answers here. On a machine with one, run npm run server."
fi
echo "  Query the demo: curl -s '$PROMETHEUS_URL/api/v1/query?query=sum+by+(operation)(ai_memory_operations_total)'"
echo "  Stop:           bash scripts/stack.sh down"
