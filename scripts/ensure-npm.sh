#!/usr/bin/env bash
# Installs the npm packages when package-lock.json changed since the last install (a warm run
# skips it). Sourced by the two README commands.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"
stamp="node_modules/.memstack-lock-hash"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  info "npm packages: up to date"
  exit 0
fi
step "Installing npm packages (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
