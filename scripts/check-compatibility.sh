#!/usr/bin/env bash
# Checks the bundle's use of @grafana/data, @grafana/ui and @grafana/runtime against the Grafana
# version plugin.json declares as its floor (grafanaDependency), with @grafana/levitate, as
# create-plugin's compatibility workflow does. Levitate fetches the target versions from npm.
#   scripts/check-compatibility.sh            the declared floor
#   scripts/check-compatibility.sh 12.1.0     another version (how the floor was found)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"
floor="$(node -p "require('./src/plugin.json').dependencies.grafanaDependency.replace(/^>=\s*/, '')")"
version="${1:-$floor}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "grafanaDependency must be '>=X.Y.Z' (found '$floor'), or pass a version"
step "levitate: the plugin's @grafana/* use against Grafana $version (declared floor: $floor)"
npx levitate is-compatible --path tests/compat/allModules.ts \
  --target "@grafana/data@$version,@grafana/ui@$version,@grafana/runtime@$version"
