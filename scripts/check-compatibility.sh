#!/usr/bin/env bash
# Checks the bundle's use of @grafana/data, @grafana/ui and @grafana/runtime with @grafana/levitate,
# as create-plugin's compatibility workflow does, against both ends of what the plugin supports:
# the floor plugin.json declares (grafanaDependency) and the current Grafana release, the one the
# Chromium suite's "current" variant runs on (tests/compat/current/package.json). Levitate fetches
# the target versions from npm. Both are checked even when the first fails.
#   scripts/check-compatibility.sh            the declared floor and the current release
#   scripts/check-compatibility.sh 12.1.0     one other version (how the floor was found)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"
floor="$(node -p "require('./src/plugin.json').dependencies.grafanaDependency.replace(/^>=\s*/, '')")"
current="$(node -p "require('./tests/compat/current/package.json').dependencies['@grafana/ui']")"
if [[ $# -gt 0 ]]; then
  targets=("$1")
else
  targets=("$floor" "$current")
fi
failed=0
for version in "${targets[@]}"; do
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    fail "a version must be X.Y.Z (found '$version'; grafanaDependency must be '>=X.Y.Z', tests/compat/current pins @grafana/ui exactly)"
  step "levitate: the plugin's @grafana/* use against Grafana $version (declared floor: $floor, current release: $current)"
  npx levitate is-compatible --path tests/compat/allModules.ts \
    --target "@grafana/data@$version,@grafana/ui@$version,@grafana/runtime@$version" || failed=1
done
exit "$failed"
