#!/usr/bin/env bash
# Installs one harness variant's pinned Grafana packages (tests/compat/<variant>/package-lock.json)
# into its own node_modules, apart from the repository's: `npm ci --prefix`, and only when the
# lock differs from the one last installed there. tests/browser/build.mjs calls it before it
# bundles the Chromium harness against that variant (tests/compat/README.md).
#   bash tests/compat/install.sh floor|current
set -euo pipefail
variant="${1:?usage: install.sh <variant directory under tests/compat>}"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$variant"
[[ -f "$dir/package-lock.json" ]] || { echo "tests/compat/$variant/package-lock.json is missing" >&2; exit 1; }
installed="$dir/node_modules/.installed-package-lock.json"
if cmp -s "$dir/package-lock.json" "$installed"; then
  exit 0
fi
echo "==> Installing the harness variant tests/compat/$variant (npm ci --prefix)"
# No install scripts: only the packages' browser code is bundled, nothing of theirs runs here.
npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error
cp "$dir/package-lock.json" "$installed"
