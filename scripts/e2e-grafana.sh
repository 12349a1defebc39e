#!/usr/bin/env bash
# The @grafana/plugin-e2e suite needs a Grafana with this plugin mounted: `npm run server`
# (docker compose) or GRAFANA_URL. Grafana cannot be installed on machines without a Docker
# engine, so there the suite is skipped, and says so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"
url="${GRAFANA_URL:-http://localhost:3000}"
if ! curl -fsS --max-time 3 "$url/api/health" >/dev/null 2>&1; then
  echo "SKIPPED: the @grafana/plugin-e2e suite (tests/e2e) needs a running Grafana with this plugin;" >&2
  echo "         none answers at $url/api/health. Where a Docker engine runs: npm run server, then GRAFANA_URL=$url npm run e2e" >&2
  exit 77
fi
if [ -z "${PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH:-}" ] && [ -x /usr/bin/chromium ]; then
  export PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH=/usr/bin/chromium
fi
GRAFANA_URL="$url" npx playwright test
