#!/usr/bin/env bash
# The main command (README): builds the plugin, then starts everything. Where a Docker engine
# answers: docker compose (Grafana provisioned with the plugin, and the whole stack). Elsewhere: the
# real local stack and the demo memory service on loopback (Grafana cannot be installed here).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"

bash scripts/ensure-npm.sh
step "Building the plugin (frontend, telemetry SDK, backend executables)"
npm run build --silent
if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  # The whole stack in containers, Grafana provisioned (docker-compose.yml, ports from .env).
  step "Starting Grafana with the plugin and the stack (docker compose)"
  docker compose up -d --build
  grafana="http://localhost:${GRAFANA_PORT}/a/memstack-agentmemory-app/overview (sign in as admin)"
  step "Ready"
  docker compose ps
  echo
  echo "  Grafana:        $grafana"
  echo "  Stop:           docker compose down"
  exit 0
fi
bash scripts/stack.sh up
step "Ready"
bash scripts/stack.sh status
echo
echo "  Plugin build:   $REPO_DIR/dist (copy or mount it as <grafana plugins>/memstack-agentmemory-app)"
echo "  Grafana:        not started: no Docker engine answers here (where one does, npm run up uses docker compose)."
echo "  Query the demo: curl -s '$PROMETHEUS_URL/api/v1/query?query=sum+by+(operation)(ai_memory_operations_total)'"
echo "  Stop:           bash scripts/stack.sh down"
