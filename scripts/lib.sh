# Shared settings and helpers of the local stack scripts. Sourced, never run.
# Every server binds 127.0.0.1; every port can be moved with its environment variable.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(id -u)" = 0 ]; then
  MEMSTACK_CACHE="${MEMSTACK_CACHE:-/var/cache/memstack}"
else
  MEMSTACK_CACHE="${MEMSTACK_CACHE:-$HOME/.cache/memstack}"
fi
# The stack's PIDs, logs and configs: private to the user running the scripts (0700, checked to
# be theirs before a PID file in it is trusted), never a shared world-writable path.
if [ "$(id -u)" = 0 ]; then
  MEMSTACK_STATE_ROOT="${MEMSTACK_STATE_ROOT:-/var/lib/memstack}"
else
  MEMSTACK_STATE_ROOT="${MEMSTACK_STATE_ROOT:-${XDG_STATE_HOME:-$HOME/.local/state}/memstack}"
fi
STATE_DIR="${MEMSTACK_STATE_DIR:-$MEMSTACK_STATE_ROOT/stack}"
# Data of the servers that run as the unprivileged service user (Elasticsearch, PostgreSQL, Neo4j):
# owned by that user, 0700.
SERVICE_STATE_DIR="${MEMSTACK_SERVICE_STATE_DIR:-$MEMSTACK_STATE_ROOT/service}"
SERVICE_USER="${MEMSTACK_SERVICE_USER:-memstack}"

# Versions and ports: .env at the root, shared with docker compose; the environment wins.
while IFS='=' read -r key value; do
  case "$key" in '' | \#*) continue ;; esac
  [ -n "${!key+x}" ] || printf -v "$key" '%s' "$value"
done <"$REPO_DIR/.env"
for key in GRAFANA_PORT PROMETHEUS_PORT ALERTMANAGER_PORT NODE_EXPORTER_PORT POSTGRES_PORT POSTGRES_EXPORTER_PORT \
  REDIS_PORT ES_PORT ES_TRANSPORT_PORT ES8_PORT ES8_TRANSPORT_PORT ES_SECURE_PORT ES_SECURE_TRANSPORT_PORT \
  JAEGER_QUERY_PORT JAEGER_QUERY_GRPC_PORT JAEGER_OTLP_GRPC_PORT JAEGER_OTLP_HTTP_PORT JAEGER_HEALTH_PORT \
  JAEGER_METRICS_PORT NEO4J_BOLT_PORT NEO4J_HTTP_PORT DEMO_PORT ES_VERSION ES8_VERSION JAEGER_MODULE_VERSION; do
  [ -n "${!key:-}" ] || { printf 'ERROR: %s is not set: it belongs in %s/.env\n' "$key" "$REPO_DIR" >&2; exit 1; }
done
ES_JAVA_HOME_DEFAULT="/usr/lib/jvm/temurin-25-jdk-amd64"

PROMETHEUS_URL="http://127.0.0.1:${PROMETHEUS_PORT}"
ALERTMANAGER_URL="http://127.0.0.1:${ALERTMANAGER_PORT}"
ES_URL="http://127.0.0.1:${ES_PORT}"
ES8_URL="http://127.0.0.1:${ES8_PORT}"
# Elasticsearch 9 with security on: TLS with a CA the stack script generates, a reader user.
ES_SECURE_URL="https://127.0.0.1:${ES_SECURE_PORT}"
JAEGER_URL="http://127.0.0.1:${JAEGER_QUERY_PORT}"
JAEGER_OTLP_HTTP_URL="http://127.0.0.1:${JAEGER_OTLP_HTTP_PORT}"
DEMO_URL="http://127.0.0.1:${DEMO_PORT}"
NEO4J_URL="bolt://127.0.0.1:${NEO4J_BOLT_PORT}"
REDIS_URL="redis://127.0.0.1:${REDIS_PORT}"
export PROMETHEUS_URL ALERTMANAGER_URL ES_URL ES8_URL ES_SECURE_URL JAEGER_URL JAEGER_OTLP_HTTP_URL DEMO_URL NEO4J_URL REDIS_URL
# PostgreSQL's superuser password: generated once (stack.sh), kept only in the private state
# directory. Its URL is not exported here, so the servers this script starts do not inherit it;
# `stack.sh env` prints it for the shell that asks.
POSTGRES_PASSWORD_FILE="$STATE_DIR/postgres/password"
postgres_url() { printf 'postgresql://postgres:%s@127.0.0.1:%s/mem0' "$(<"$POSTGRES_PASSWORD_FILE")" "$POSTGRES_PORT"; }

# Creates the private state directory, or checks that an existing one is ours and closed to others.
ensure_private_dir() {
  local dir="$1"
  if [ ! -e "$dir" ]; then
    install -d -m 0700 "$dir"
  fi
  [ -d "$dir" ] && [ ! -L "$dir" ] || fail "$dir is not a directory: remove it or set MEMSTACK_STATE_DIR"
  [ -O "$dir" ] || fail "$dir belongs to another user: the stack will not trust PID files there; remove it or set MEMSTACK_STATE_DIR"
  chmod 0700 "$dir"
}

# The download cache holds programs that run (as root or the service user): it must be ours and
# writable by nobody else, and so must each entry in it, or a planted binary would be run.
ensure_trusted_cache() {
  local entry
  if [ ! -e "$MEMSTACK_CACHE" ]; then
    install -d -m 0755 "$MEMSTACK_CACHE"
  fi
  for entry in "$MEMSTACK_CACHE" "$MEMSTACK_CACHE"/*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    [ ! -L "$entry" ] || fail "$entry is a symbolic link: the cache ($MEMSTACK_CACHE) must hold only what the stack put there; remove it"
    [ -O "$entry" ] || fail "$entry belongs to another user: the stack will not run programs from it; remove it or set MEMSTACK_CACHE"
    if [ -n "$(find "$entry" -maxdepth 0 -perm /022)" ]; then
      fail "$entry is writable by group or others (mode $(stat -c %a "$entry")): the stack will not run programs from it; remove it or set MEMSTACK_CACHE"
    fi
  done
}

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
fail() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when $1 answers HTTP 2xx within 2 s.
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }
