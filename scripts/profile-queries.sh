#!/usr/bin/env bash
# CPU profile of the data source backend under `npm run bench:queries`: the bundled backend runs on
# the same Node as its executable, with --cpu-prof (a single executable application refuses
# --cpu-prof in NODE_OPTIONS), then the profile is summarised as text.
#   bash scripts/profile-queries.sh [replay|real|both]   (stack up, npm run build done)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mode="${1:-replay}"
bundle="$REPO_DIR/backend/build/backend.cjs"
[ -f "$bundle" ] || fail "no $bundle: run npm run build first"
node_bin="$(ls "$MEMSTACK_CACHE"/node/*/linux_amd64/node 2>/dev/null | sort -V | tail -1)"
[ -x "$node_bin" ] || fail "no cached Node for the backend executable: run npm run build first"
out="$(mktemp -d /tmp/agentmemory-profile.XXXXXX)"
cat >"$out/backend.sh" <<WRAPPER
#!/bin/sh
exec "$node_bin" --cpu-prof --cpu-prof-dir="$out" "$bundle" "\$@"
WRAPPER
chmod +x "$out/backend.sh"
eval "$(bash "$REPO_DIR/scripts/stack.sh" env)"
(cd "$REPO_DIR/tests/conformance" && AGENTMEMORY_PLUGIN_BIN="$out/backend.sh" go run ./cmd/querybench -mode "$mode")
profile="$(ls "$out"/*.cpuprofile | head -1)"
node "$REPO_DIR/backend/bench/cpuProfileSummary.mjs" "$profile" 1.5
echo "profile: $profile (open it in Chrome DevTools or speedscope for the graphical flame graph)"
