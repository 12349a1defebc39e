#!/usr/bin/env bash
# Checks, read-only, that the RUNNING local stack (scripts/stack.sh up) is hardened:
#   1. no server runs as root: every process in each server's session (its PID file in the state
#      directory; launch gives each its own session) has real and effective uid != 0;
#   2. PostgreSQL asks every local user for a password: pg_hba.conf has no `trust` line, a
#      connection without a password is refused, and `stack.sh env`'s POSTGRES_URL gets in;
#   3. no process's command line holds the PostgreSQL password or an Elasticsearch password;
#   4. `stack.sh env` quotes its values: a state directory named with a space, a quote and $(...)
#      comes back from eval as the same string and runs nothing;
#   5. the running Jaeger is the one built from .env's JAEGER_MODULE_VERSION;
#   6. the demo's /admin/faults wants the token `stack.sh env` exports (DEMO_ADMIN_TOKEN), which is
#      on no command line (checked with the passwords in 3).
# Uses the same state directory and ports as scripts/stack.sh (MEMSTACK_STATE_ROOT, *_PORT). Needs
# root (the stack's state directory and other users' /proc entries); otherwise it says why and
# exits 77 (skipped). Run:  bash tests/stack/hardening.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root to read the stack's private state directory ($STATE_DIR) and other users' /proc entries" >&2
  exit 77
fi

failures=0
check() { printf '  ok    %s\n' "$*"; }
problem() { printf '  FAIL  %s\n' "$*" >&2; failures=$((failures + 1)); }

# The live servers: name and PID from each PID file whose process is alive.
declare -A SERVER_PID=()
for file in "$STATE_DIR"/pids/*.pid; do
  [ -f "$file" ] || continue
  pid="$(cat "$file")"
  [ -d "/proc/$pid" ] && SERVER_PID["$(basename "$file" .pid)"]="$pid"
done
if [ ${#SERVER_PID[@]} -eq 0 ]; then
  echo "no server of the stack runs (no live PID in $STATE_DIR/pids): start it with scripts/stack.sh up" >&2
  exit 1
fi

# Real and effective uid of a process (the first two fields of Uid: in /proc/<pid>/status).
uids_of() { awk '/^Uid:/ { print $2, $3 }' "/proc/$1/status" 2>/dev/null; }

# --- 1. no server runs as root
for name in "${!SERVER_PID[@]}"; do
  pid="${SERVER_PID[$name]}" rooted=()
  for member in $(ps -o pid= -s "$pid"); do
    read -r real effective <<<"$(uids_of "$member")"
    if [ "$real" = 0 ] || [ "$effective" = 0 ]; then rooted+=("$member"); fi
  done
  if [ ${#rooted[@]} -gt 0 ]; then
    problem "$name (pid $pid): processes ${rooted[*]} of its session run as root"
  else
    check "$name (pid $pid) runs as uid $(uids_of "$pid" | cut -d' ' -f1), and so does every process of its session"
  fi
done

# --- 2. PostgreSQL wants a password
if [ -n "${SERVER_PID[postgres]:-}" ]; then
  hba="$SERVICE_STATE_DIR/postgres/pg_hba.conf"
  if [ ! -f "$hba" ]; then
    problem "postgres runs but $hba is missing"
  elif awk '!/^[[:space:]]*#/ { for (i = 1; i <= NF; i++) if ($i == "trust") found = 1 } END { exit !found }' "$hba"; then
    problem "$hba lets users in without a password: $(grep -v '^[[:space:]]*#' "$hba" | grep -w trust | head -n 3 | tr '\n' ';')"
  else
    check "$hba has no trust line"
  fi
  if PGPASSWORD='' PGPASSFILE=/dev/null psql -w -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -tAc 'SELECT 1' postgres >/dev/null 2>&1; then
    problem "PostgreSQL on 127.0.0.1:$POSTGRES_PORT let postgres in without a password"
  else
    check "PostgreSQL refuses postgres without a password"
  fi
  url="$(eval "$(bash "$REPO_DIR/scripts/stack.sh" env)" && echo "$POSTGRES_URL")"
  if PGPASSFILE=/dev/null psql -w "$url" -tAc 'SELECT 1' >/dev/null 2>&1; then
    check "stack.sh env's POSTGRES_URL carries the password (it connects)"
  else
    problem "stack.sh env's POSTGRES_URL does not connect: $(psql -w "$url" -tAc 'SELECT 1' 2>&1 | head -n 1)"
  fi
fi

# --- 3. no password on a command line
secrets=()
if [ -n "${SERVER_PID[postgres]:-}" ]; then
  if [ -s "$POSTGRES_PASSWORD_FILE" ]; then
    secrets+=("PostgreSQL:$(<"$POSTGRES_PASSWORD_FILE")")
  else
    problem "postgres runs but has no password file ($POSTGRES_PASSWORD_FILE)"
  fi
fi
if [ -n "${SERVER_PID[elasticsearch-secure]:-}" ]; then
  for file in credentials reader-credentials; do
    credentials="$(cat "$STATE_DIR/elasticsearch-secure/$file" 2>/dev/null || true)"
    if [ -n "$credentials" ]; then
      secrets+=("Elasticsearch ${credentials%%:*}:${credentials#*:}")
    else
      problem "elasticsearch-secure runs but $STATE_DIR/elasticsearch-secure/$file is missing"
    fi
  done
fi
demo_token="$(eval "$(bash "$REPO_DIR/scripts/stack.sh" env)" && echo "$DEMO_ADMIN_TOKEN")"
if [ -n "${SERVER_PID[demo]:-}" ]; then
  if [ -n "$demo_token" ]; then
    secrets+=("demo admin token:$demo_token")
  else
    problem "demo runs but stack.sh env exports no DEMO_ADMIN_TOKEN: it was started by an older stack.sh; restart it (scripts/stack.sh down demo && scripts/stack.sh up demo)"
  fi
fi
if [ ${#secrets[@]} -eq 0 ]; then
  problem "neither postgres nor elasticsearch-secure runs: there is no password to look for"
fi
scanned=0
for cmdline in /proc/[0-9]*/cmdline; do
  args="$(tr '\0' ' ' 2>/dev/null <"$cmdline")" || continue
  scanned=$((scanned + 1))
  for secret in "${secrets[@]}"; do
    # Fixed-string containment (bash pattern with the secret quoted): no regex.
    if [[ "$args" == *"${secret#*:}"* ]]; then
      problem "the ${secret%%:*} password is on the command line of pid $(basename "$(dirname "$cmdline")")"
    fi
  done
done
check "no command line of $scanned processes holds any of ${#secrets[@]} passwords ($(printf '%s, ' "${secrets[@]%%:*}" | sed 's/, $//'))"

# --- 4. stack.sh env quotes its values
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
odd="$work/state dir 'q\" \$(touch $work/ran)"
env_out="$(MEMSTACK_STATE_DIR="$odd" bash "$REPO_DIR/scripts/stack.sh" env)"
got="$(eval "$env_out" && echo "$ES_SECURE_DIR")"
if [ "$got" != "$odd/elasticsearch-secure" ] || [ -e "$work/ran" ]; then
  problem "stack.sh env does not quote: ES_SECURE_DIR came back as [$got] (want [$odd/elasticsearch-secure])$([ -e "$work/ran" ] && echo '; eval ran the command in the path')"
else
  check "stack.sh env quotes its values (a path with a space, quotes and \$(...) survives eval unchanged)"
fi
if grep -qvE '^export [A-Z0-9_]+=' <<<"$env_out"; then
  problem "stack.sh env printed a line that is not an export: $(grep -vE '^export [A-Z0-9_]+=' <<<"$env_out" | head -n 1)"
fi

# --- 5. Jaeger from the approved module version
if [ -n "${SERVER_PID[jaeger]:-}" ]; then
  exe="$(readlink "/proc/${SERVER_PID[jaeger]}/exe" || true)"
  if [ "$exe" = "$MEMSTACK_CACHE/bin/jaeger-$JAEGER_MODULE_VERSION" ]; then
    check "Jaeger runs $exe (.env JAEGER_MODULE_VERSION=$JAEGER_MODULE_VERSION)"
  else
    problem "Jaeger runs $exe, not $MEMSTACK_CACHE/bin/jaeger-$JAEGER_MODULE_VERSION (.env JAEGER_MODULE_VERSION): restart it"
  fi
fi

# --- 6. the demo's fault injection wants the stack's token
if [ -n "${SERVER_PID[demo]:-}" ] && [ -n "$demo_token" ]; then
  without="$(curl -s -o /dev/null -w '%{http_code}' "$DEMO_URL/admin/faults")"
  with="$(curl -s -o /dev/null -w '%{http_code}' -K - "$DEMO_URL/admin/faults" <<<"header = \"Authorization: Bearer $demo_token\"")"
  if [ "$without" = 401 ] && [ "$with" = 200 ]; then
    check "the demo's /admin/faults answers 401 without a token and 200 with stack.sh env's DEMO_ADMIN_TOKEN"
  else
    problem "the demo's /admin/faults answered $without without a token (want 401) and $with with DEMO_ADMIN_TOKEN (want 200): restart the demo"
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "hardening: $failures problem(s)" >&2
  exit 1
fi
echo "hardening: the running stack passed every check"
