#!/usr/bin/env bash
# Static checks of the generated Prometheus/Alertmanager twins with the servers' own tools:
# promtool check + test rules (tests/alerting/promtool), amtool check-config, and amtool's
# route test for every rule's labels and for alerts that are not ours; then the Grafana rule
# file's annotations through Prometheus' template expander, as Grafana expands them
# (tests/alerting/annotations).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"

RULES=provisioning/prometheus/agent-memory.rules.yml
AM=provisioning/alertmanager/alertmanager.yml

promtool check rules "$RULES"
promtool test rules tests/alerting/promtool/*.test.yml

# amtool check-config resolves the template path; check a copy that points at the repo's template.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s#/etc/alertmanager/templates/agent-memory.tmpl#$REPO_DIR/provisioning/alertmanager/agent-memory.tmpl#" "$AM" >"$work/alertmanager.yml"
amtool check-config "$work/alertmanager.yml"

failures=0
route() { # route <expected receivers, comma-separated> <label=value>...
  local want="$1"; shift
  if env -u ALERTMANAGER_URL amtool config routes test --config.file="$work/alertmanager.yml" --verify.receivers="$want" "$@" >/dev/null 2>&1; then
    echo "  route $* -> $want"
  else
    echo "  FAIL route $* -> $(env -u ALERTMANAGER_URL amtool config routes test --config.file="$work/alertmanager.yml" "$@" 2>/dev/null), want $want" >&2
    failures=$((failures + 1))
  fi
}

echo "amtool config routes test: every rule reaches its receivers (critical: on-call and its team)"
# Each rule's labels, read from the generated files (Prometheus rules + the Grafana-only rule).
while IFS=$'\t' read -r alertname severity team; do
  if [ "$severity" = critical ]; then want="critical,$team"; else want="$team"; fi
  route "$want" alertname="$alertname" severity="$severity" team="$team" product=agent-memory
done < <(node -e '
  const { parse } = require("yaml");
  const fs = require("fs");
  const prom = parse(fs.readFileSync(process.argv[1], "utf8"));
  const grafana = parse(fs.readFileSync(process.argv[2], "utf8"));
  const seen = new Set();
  for (const r of prom.groups.flatMap((g) => g.rules)) { seen.add(r.alert); console.log([r.alert, r.labels.severity, r.labels.team].join("\t")); }
  for (const r of grafana.groups.flatMap((g) => g.rules)) if (!seen.has(r.title)) console.log([r.title, r.labels.severity, r.labels.team].join("\t"));
' "$RULES" provisioning/alerting/agent-memory-rules.yaml)

echo "amtool config routes test: alerts without a team go to the default receiver"
route default alertname=Watchdog
route default alertname=SomethingElse severity=warning
route critical alertname=SomethingCritical severity=critical

[ "$failures" -eq 0 ] || fail "$failures route(s) reach the wrong receivers"

echo "Grafana's template expander: every annotation renders for firing, no-data and error alerts"
(cd tests/alerting/annotations && go test -count=1 .)

echo "promtool, amtool and the annotation templates: all checks passed"
