#!/usr/bin/env bash
# The real local stack on loopback, without Docker.
#
#   scripts/stack.sh install            install what is missing (Debian packages, Elasticsearch, Jaeger)
#   scripts/stack.sh up [component...]  install, start and wait until each answers its health endpoint
#   scripts/stack.sh down [component...] stop only the processes this script started (by PID)
#   scripts/stack.sh status             what runs, with URLs
#
# Components: postgres redis neo4j elasticsearch elasticsearch8 elasticsearch-secure jaeger node-exporter postgres-exporter alertmanager
# prometheus demo. Idempotent: a second `up` finds everything running or cached and takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVERS=(postgres redis neo4j elasticsearch elasticsearch8 elasticsearch-secure jaeger node-exporter postgres-exporter alertmanager prometheus)
ALL=("${SERVERS[@]}" demo)
APT_PACKAGES=(prometheus prometheus-alertmanager prometheus-node-exporter prometheus-postgres-exporter postgresql redis-server chromium curl unzip)

PIDS="$STATE_DIR/pids"
LOGS="$STATE_DIR/logs"

# ---------------------------------------------------------------- install

install_apt() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    # Removed-but-not-purged packages still answer dpkg -s; only "install ok installed" counts.
    [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    info "Debian packages: all present"
    return
  fi
  [ "$(id -u)" = 0 ] || fail "Debian packages missing (${missing[*]}): run this as root, or apt-get install them"
  step "Installing Debian packages: ${missing[*]}"
  apt-get update -q >"$LOGS/apt.log" 2>&1 || fail "apt-get update failed; see $LOGS/apt.log"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1 \
    || fail "apt-get install failed; see $LOGS/apt.log"
}

es_home() { echo "$MEMSTACK_CACHE/elasticsearch-$1"; }

es_java_home() {
  local major="${1%%.*}"
  if [ "$major" -ge 9 ]; then
    if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
    [ -x "$ES_JAVA_HOME_DEFAULT/bin/java" ] || fail "Elasticsearch $1 needs Java 21+: set ES_JAVA_HOME (looked for $ES_JAVA_HOME_DEFAULT)"
    echo "$ES_JAVA_HOME_DEFAULT"
  else
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}

install_elasticsearch() {
  local version="$1" home; home="$(es_home "$1")"
  if [ -x "$home/bin/elasticsearch" ]; then
    info "Elasticsearch $version: cached in $home"
    return
  fi
  step "Installing Elasticsearch $version (Maven Central integ-test-zip, about 100 MB, once)"
  command -v mvn >/dev/null || fail "mvn is needed to fetch Elasticsearch from Maven Central"
  # A Maven repository of our own inside the cache, so the zip's location is known and it can go.
  local repo="$MEMSTACK_CACHE/m2"
  mvn -q dependency:get -Dmaven.repo.local="$repo" -Dtransitive=false \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$version:zip" \
    >"$LOGS/es-download.log" 2>&1 || fail "could not fetch Elasticsearch $version from Maven Central; see $LOGS/es-download.log"
  local zip="$repo/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$version/elasticsearch-$version.zip"
  [ -f "$zip" ] || fail "Maven reported success but $zip is missing"
  local tmp; tmp="$(mktemp -d "$MEMSTACK_CACHE/es-unzip.XXXX")"
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/elasticsearch-$version" "$home"
  rm -rf "$tmp" "$repo/org/elasticsearch"
  chmod -R a+rX "$home"
}

jaeger_bin() { echo "$MEMSTACK_CACHE/bin/jaeger-$JAEGER_MODULE_VERSION"; }

install_jaeger() {
  local bin; bin="$(jaeger_bin)"
  if [ -x "$bin" ]; then
    info "Jaeger $JAEGER_MODULE_VERSION: cached in $bin"
    return
  fi
  step "Building Jaeger v2 from its Go module $JAEGER_MODULE_VERSION (once; about 3-7 min on 2 cores)"
  command -v go >/dev/null || fail "Go is needed to build Jaeger"
  local dir
  dir="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || fail "go mod download of jaeger@$JAEGER_MODULE_VERSION gave no source directory"
  # The module has replace directives, so `go install pkg@version` refuses it; they apply when it
  # is the main module, hence a writable copy built in place.
  local src="$MEMSTACK_CACHE/src/jaeger-$JAEGER_MODULE_VERSION"
  rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && go build -o "$bin.tmp" ./cmd/jaeger) >"$LOGS/jaeger-build.log" 2>&1 \
    || fail "building Jaeger failed; see $LOGS/jaeger-build.log"
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
}

neo4j_dir() { echo "$MEMSTACK_CACHE/neo4j-harness-5.26.0"; }

install_neo4j() {
  local dir; dir="$(neo4j_dir)"
  if [ -f "$dir/classes/Neo4jServer.class" ] && [ -f "$dir/classpath.txt" ]; then
    info "Neo4j 5.26 harness: cached in $dir"
    return
  fi
  step "Installing Neo4j 5.26 (Maven Central neo4j-harness, about 50 MB of jars, once)"
  mkdir -p "$dir/classes"
  mvn -q -f "$REPO_DIR/scripts/neo4j/pom.xml" dependency:build-classpath -Dmaven.repo.local="$dir/m2" \
    -Dmdep.outputFile="$dir/classpath.txt" >"$LOGS/neo4j-download.log" 2>&1 \
    || fail "could not fetch neo4j-harness from Maven Central; see $LOGS/neo4j-download.log"
  javac -d "$dir/classes" -cp "$(cat "$dir/classpath.txt")" "$REPO_DIR/scripts/neo4j/Neo4jServer.java" >>"$LOGS/neo4j-download.log" 2>&1 \
    || fail "compiling the Neo4j launcher failed; see $LOGS/neo4j-download.log"
  chmod -R a+rX "$dir"
}

ensure_service_user() {
  id "$SERVICE_USER" >/dev/null 2>&1 && return
  [ "$(id -u)" = 0 ] || fail "user $SERVICE_USER does not exist; create it or set MEMSTACK_SERVICE_USER to your own user"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
}

prepare_state_dirs() {
  mkdir -p "$(dirname "$STATE_DIR")"
  ensure_private_dir "$STATE_DIR"
  mkdir -p "$PIDS" "$LOGS" "$MEMSTACK_CACHE"
}

# The service user's own 0700 directory for the servers that run as it.
prepare_service_dir() {
  mkdir -p "$(dirname "$SERVICE_STATE_DIR")"
  [ -d "$SERVICE_STATE_DIR" ] || install -d -m 0700 "$SERVICE_STATE_DIR"
  chown "$SERVICE_USER:" "$SERVICE_STATE_DIR" 2>/dev/null || true
  chmod 0700 "$SERVICE_STATE_DIR"
}

cmd_install() {
  prepare_state_dirs
  install_apt
  install_elasticsearch "$ES_VERSION"
  install_elasticsearch "$ES8_VERSION"
  install_jaeger
  install_neo4j
  ensure_service_user
  prepare_service_dir
}

# ---------------------------------------------------------------- processes

# A PID file is trusted only when we wrote it: in our private directory and owned by us.
pid_of() { local f="$PIDS/$1.pid"; [ -f "$f" ] && [ -O "$f" ] && [ -O "$PIDS" ] && cat "$f"; }

running() {
  local pid; pid="$(pid_of "$1" || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Runs a server in the background as the current user (or the service user with "as-user"),
# logging to $LOGS/<name>.log and remembering its PID. exec keeps the PID the server's own.
launch() {
  local name="$1"; shift
  local as_user=""
  if [ "$1" = "as-user" ]; then as_user=1; shift; fi
  if [ -n "$as_user" ] && [ "$(id -u)" = 0 ]; then
    setsid setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  else
    setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  fi
  echo $! >"$PIDS/$name.pid"
}

# Refuses to start when a port is taken by something this script did not start.
require_free() {
  local name="$1" port; shift
  for port in "$@"; do
    if port_open "$port"; then
      fail "port $port (needed by $name) is already taken by another process: stop it, or move $name with its *_PORT variable (scripts/lib.sh)"
    fi
  done
}

# Waits until "$check" succeeds; fails with the server's last log lines when it dies or times out.
await() {
  local name="$1" timeout="$2"; shift 2
  local waited=0
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then
      tail -n 20 "$LOGS/$name.log" >&2 || true
      fail "$name exited during start-up; its log is $LOGS/$name.log"
    fi
    if [ "$waited" -ge "$((timeout * 5))" ]; then
      tail -n 20 "$LOGS/$name.log" >&2 || true
      fail "$name did not become healthy within ${timeout} s; its log is $LOGS/$name.log"
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

# ---------------------------------------------------------------- servers

start_postgres() {
  local data="$SERVICE_STATE_DIR/postgres" bin=/usr/lib/postgresql/15/bin
  [ -x "$bin/postgres" ] || bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data" && chown "$SERVICE_USER:" "$data" 2>/dev/null || true
    chmod 700 "$data"
    if [ "$(id -u)" = 0 ]; then
      setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 \
        >"$LOGS/postgres-initdb.log" 2>&1 || fail "initdb failed; see $LOGS/postgres-initdb.log"
    else
      "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$LOGS/postgres-initdb.log" 2>&1 || fail "initdb failed; see $LOGS/postgres-initdb.log"
    fi
  fi
  require_free postgres "$POSTGRES_PORT"
  launch postgres as-user "$bin/postgres" -D "$data" -p "$POSTGRES_PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$data" -c fsync=off
  await postgres 30 pg_isready -q -h 127.0.0.1 -p "$POSTGRES_PORT"
  # The memory service's database (mem0 in the guide); created once.
  psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='mem0'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -qc "CREATE DATABASE mem0" >/dev/null
}

start_redis() {
  mkdir -p "$STATE_DIR/redis"
  require_free redis "$REDIS_PORT"
  launch redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE_DIR/redis" --save "" --appendonly no --daemonize no
  await redis 15 bash -c "[ \"\$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping)\" = PONG ]"
}

start_neo4j() {
  local dir work; dir="$(neo4j_dir)"; work="$SERVICE_STATE_DIR/neo4j"
  mkdir -p "$work" && chown "$SERVICE_USER:" "$work" 2>/dev/null || true
  require_free neo4j "$NEO4J_BOLT_PORT" "$NEO4J_HTTP_PORT"
  # Debian's JDK 17 runs Neo4j 5.26; the service user keeps root out of the JVM.
  launch neo4j as-user java -Xmx512m -cp "$dir/classes:$(cat "$dir/classpath.txt")" Neo4jServer "$NEO4J_BOLT_PORT" "$NEO4J_HTTP_PORT" "$work"
  await neo4j 90 http_ok "http://127.0.0.1:$NEO4J_HTTP_PORT/"
}

# Elasticsearch from its integ-test zip: name, version, HTTP port, transport port.
start_es() {
  local name="$1" version="$2" port="$3" transport="$4" home conf data
  shift 4
  local scheme=http curl_opts=() security=(-Expack.security.enabled=false)
  [ "$#" -gt 0 ] && { scheme=https; security=("$@"); }
  home="$(es_home "$version")"; conf="$SERVICE_STATE_DIR/$name/config"; data="$SERVICE_STATE_DIR/$name/data"
  [ -x "$home/bin/elasticsearch" ] || fail "Elasticsearch $version is not installed: run scripts/stack.sh install"
  mkdir -p "$conf" "$data" "$SERVICE_STATE_DIR/$name/logs"
  # ES writes its keystore into the config directory, so it gets a writable copy of its own.
  [ -f "$conf/jvm.options" ] || cp -r "$home/config/." "$conf/"
  [ "$scheme" = https ] && secure_es_files "$name" "$home" "$conf" "$version"
  chown -R "$SERVICE_USER:" "$SERVICE_STATE_DIR/$name" 2>/dev/null || true
  require_free "$name" "$port" "$transport"
  launch "$name" as-user env ES_JAVA_HOME="$(es_java_home "$version")" ES_PATH_CONF="$conf" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    "$home/bin/elasticsearch" \
    -Ediscovery.type=single-node "${security[@]}" -Enetwork.host=127.0.0.1 \
    -Ehttp.port="$port" -Etransport.port="$transport" \
    -Epath.data="$data" -Epath.logs="$SERVICE_STATE_DIR/$name/logs" \
    -Ecluster.routing.allocation.disk.watermark.low=1b -Ecluster.routing.allocation.disk.watermark.high=1b \
    -Ecluster.routing.allocation.disk.watermark.flood_stage=1b -Eaction.destructive_requires_name=false
  [ "$scheme" = https ] && curl_opts=(--cacert "$STATE_DIR/$name/ca.crt" -u "$(cat "$STATE_DIR/$name/credentials")")
  await "$name" 120 curl -fsS --max-time 2 "${curl_opts[@]}" "$scheme://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s"
}

# TLS material and users for the secured Elasticsearch: a CA and a server certificate for
# 127.0.0.1/localhost (openssl); in the file realm, an admin (superuser) that sets the node up and
# a reader with a file-defined role that may only read ai-events-*, both with random passwords.
# (API keys live in the .security index, whose mapping needs the analysis-common module that
# Maven Central's integ-test-zip lacks: they cannot be issued on this node.) The CA certificate
# and the credentials are kept in the private state directory for tests.
secure_es_files() {
  local name="$1" home="$2" conf="$3" version="$4" certs="$3/certs" keep="$STATE_DIR/$1"
  mkdir -p "$certs" "$keep"
  chmod 0700 "$keep"
  if [ ! -f "$certs/server.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=memstack test CA" \
      -keyout "$certs/ca.key" -out "$certs/ca.crt" >/dev/null 2>&1 || fail "openssl could not make the test CA"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$certs/server.key" -out "$certs/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$certs/san.ext"
    openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -days 30 \
      -extfile "$certs/san.ext" -out "$certs/server.crt" >/dev/null 2>&1 || fail "openssl could not sign the test server certificate"
  fi
  cp "$certs/ca.crt" "$keep/ca.crt"
  if [ ! -f "$keep/reader-credentials" ]; then
    cat >"$conf/roles.yml" <<'ROLES'
ai_events_reader:
  cluster: [monitor]
  indices:
    - names: ['ai-events-*']
      privileges: [read, view_index_metadata]
ROLES
    chown -R "$SERVICE_USER:" "$SERVICE_STATE_DIR/$name" 2>/dev/null || true
    local user role password
    for user in memstack-admin:superuser grafana-reader:ai_events_reader; do
      role="${user#*:}"; user="${user%%:*}"; password="$(openssl rand -hex 16)"
      run_as_service env ES_JAVA_HOME="$(es_java_home "$version")" ES_PATH_CONF="$conf" \
        "$home/bin/elasticsearch-users" useradd "$user" -p "$password" -r "$role" >>"$LOGS/$name-users.log" 2>&1 \
        || fail "could not create the Elasticsearch user $user; see $LOGS/$name-users.log"
      (umask 077 && printf '%s:%s' "$user" "$password" >"$keep/$([ "$role" = superuser ] && echo credentials || echo reader-credentials)")
    done
  fi
}

run_as_service() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups "$@"; else "$@"; fi
}

# After the secured node answers: one AI event for the data source to read back.
secure_es_ready() {
  local auth=(--cacert "$STATE_DIR/elasticsearch-secure/ca.crt" -u "$(cat "$STATE_DIR/elasticsearch-secure/credentials")")
  curl -fsS "${auth[@]}" -XPOST "$ES_SECURE_URL/ai-events-secure/_doc?refresh=true" -H 'content-type: application/json' \
    -d "{\"@timestamp\":\"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)\",\"level\":\"INFO\",\"operation\":\"search\",\"agent_type\":\"coding\",\"message\":\"read over TLS\"}" >/dev/null \
    || fail "could not index the sample event into the secured Elasticsearch"
}

start_elasticsearch() { start_es elasticsearch "$ES_VERSION" "$ES_PORT" "$ES_TRANSPORT_PORT"; }
start_elasticsearch8() { start_es elasticsearch8 "$ES8_VERSION" "$ES8_PORT" "$ES8_TRANSPORT_PORT"; }
start_elasticsearch_secure() {
  start_es elasticsearch-secure "$ES_VERSION" "$ES_SECURE_PORT" "$ES_SECURE_TRANSPORT_PORT" \
    -Expack.security.enabled=true -Expack.security.http.ssl.enabled=true \
    -Expack.security.http.ssl.key=certs/server.key -Expack.security.http.ssl.certificate=certs/server.crt \
    -Expack.security.http.ssl.certificate_authorities=certs/ca.crt
  secure_es_ready
}

start_jaeger() {
  local config="$STATE_DIR/jaeger.yaml"
  sed -e "s/@QUERY_PORT@/$JAEGER_QUERY_PORT/; s/@QUERY_GRPC_PORT@/$JAEGER_QUERY_GRPC_PORT/" \
      -e "s/@OTLP_GRPC_PORT@/$JAEGER_OTLP_GRPC_PORT/; s/@OTLP_HTTP_PORT@/$JAEGER_OTLP_HTTP_PORT/" \
      -e "s/@HEALTH_PORT@/$JAEGER_HEALTH_PORT/; s/@METRICS_PORT@/$JAEGER_METRICS_PORT/" \
      "$REPO_DIR/scripts/config/jaeger.yaml" >"$config"
  require_free jaeger "$JAEGER_QUERY_PORT" "$JAEGER_QUERY_GRPC_PORT" "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_OTLP_HTTP_PORT" "$JAEGER_HEALTH_PORT" "$JAEGER_METRICS_PORT"
  launch jaeger "$(jaeger_bin)" --config "$config"
  await jaeger 60 curl -fsS --max-time 2 "$JAEGER_URL/api/services"
}

start_node_exporter() {
  require_free node-exporter "$NODE_EXPORTER_PORT"
  launch node-exporter prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT"
  await node-exporter 15 http_ok "http://127.0.0.1:$NODE_EXPORTER_PORT/metrics"
}

start_postgres_exporter() {
  require_free postgres-exporter "$POSTGRES_EXPORTER_PORT"
  DATA_SOURCE_NAME="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres?sslmode=disable" \
    launch postgres-exporter prometheus-postgres-exporter --web.listen-address="127.0.0.1:$POSTGRES_EXPORTER_PORT"
  await postgres-exporter 15 http_ok "http://127.0.0.1:$POSTGRES_EXPORTER_PORT/metrics"
}

start_alertmanager() {
  mkdir -p "$STATE_DIR/alertmanager"
  cp "$REPO_DIR/scripts/config/alertmanager.yml" "$STATE_DIR/alertmanager.yml"
  require_free alertmanager "$ALERTMANAGER_PORT"
  # An empty cluster address turns gossip off (it would bind 0.0.0.0:9094).
  launch alertmanager prometheus-alertmanager --config.file="$STATE_DIR/alertmanager.yml" \
    --storage.path="$STATE_DIR/alertmanager" --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address=
  await alertmanager 20 http_ok "$ALERTMANAGER_URL/-/ready"
}

start_prometheus() {
  mkdir -p "$STATE_DIR/prometheus"
  sed -e "s/@ALERTMANAGER_PORT@/$ALERTMANAGER_PORT/; s/@NODE_EXPORTER_PORT@/$NODE_EXPORTER_PORT/" \
      -e "s/@POSTGRES_EXPORTER_PORT@/$POSTGRES_EXPORTER_PORT/; s/@DEMO_PORT@/$DEMO_PORT/" \
      -e "s/@JAEGER_METRICS_PORT@/$JAEGER_METRICS_PORT/; s/@PROMETHEUS_PORT@/$PROMETHEUS_PORT/" \
      -e "s#@RULES_FILE@#$REPO_DIR/provisioning/prometheus/agent-memory.rules.yml#" \
      "$REPO_DIR/scripts/config/prometheus.yml" >"$STATE_DIR/prometheus.yml"
  promtool check config "$STATE_DIR/prometheus.yml" >"$LOGS/promtool.log" 2>&1 || fail "generated Prometheus config is invalid; see $LOGS/promtool.log"
  require_free prometheus "$PROMETHEUS_PORT"
  launch prometheus prometheus --config.file="$STATE_DIR/prometheus.yml" --storage.tsdb.path="$STATE_DIR/prometheus" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle --storage.tsdb.retention.time=2d \
    --enable-feature=exemplar-storage
  await prometheus 30 http_ok "$PROMETHEUS_URL/-/ready"
}

start_demo() {
  [ -f "$REPO_DIR/telemetry/dist/index.js" ] || fail "the telemetry SDK is not built: run npm run build"
  require_free demo "$DEMO_PORT"
  (cd "$REPO_DIR/demo" && DEMO_PORT="$DEMO_PORT" launch demo node --import tsx src/main.ts ${DEMO_ARGS:-})
  await demo 30 http_ok "$DEMO_URL/metrics"
}

url_of() {
  case "$1" in
    postgres) echo "postgresql://postgres@127.0.0.1:$POSTGRES_PORT/mem0" ;;
    redis) echo "$REDIS_URL" ;;
    neo4j) echo "$NEO4J_URL (http http://127.0.0.1:$NEO4J_HTTP_PORT)" ;;
    elasticsearch) echo "$ES_URL (version $ES_VERSION)" ;;
    elasticsearch8) echo "$ES8_URL (version $ES8_VERSION)" ;;
    elasticsearch-secure) echo "$ES_SECURE_URL (version $ES_VERSION, TLS with the stack's CA and a reader user; files in $STATE_DIR/elasticsearch-secure)" ;;
    jaeger) echo "$JAEGER_URL (OTLP http $JAEGER_OTLP_HTTP_URL, grpc 127.0.0.1:$JAEGER_OTLP_GRPC_PORT)" ;;
    node-exporter) echo "http://127.0.0.1:$NODE_EXPORTER_PORT/metrics" ;;
    postgres-exporter) echo "http://127.0.0.1:$POSTGRES_EXPORTER_PORT/metrics" ;;
    alertmanager) echo "$ALERTMANAGER_URL" ;;
    prometheus) echo "$PROMETHEUS_URL" ;;
    demo) echo "$DEMO_URL (metrics $DEMO_URL/metrics, MCP $DEMO_URL/mcp)" ;;
  esac
}

cmd_up() {
  local components=("$@")
  [ ${#components[@]} -gt 0 ] || components=("${ALL[@]}")
  cmd_install
  for c in "${components[@]}"; do
    if running "$c"; then
      info "$c: already running (pid $(pid_of "$c")) at $(url_of "$c")"
      continue
    fi
    local started=$SECONDS
    step "Starting $c"
    "start_${c//-/_}"
    info "$c: healthy in $((SECONDS - started)) s at $(url_of "$c")"
  done
}

# Stops a server and every process it started: launch gave each its own session, so its PID is
# also its process group (Elasticsearch's launcher, for one, runs the server as a child JVM).
stop_one() {
  local name="$1" pid
  pid="$(pid_of "$name" || true)"
  [ -n "$pid" ] || return 0
  if kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then
      info "$name (pid $pid) did not stop within 15 s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    info "$name stopped"
  fi
  rm -f "$PIDS/$name.pid"
}

cmd_down() {
  local components=("$@")
  if [ ${#components[@]} -eq 0 ]; then
    components=(demo prometheus alertmanager postgres-exporter node-exporter jaeger elasticsearch-secure elasticsearch8 elasticsearch neo4j redis postgres)
  fi
  [ -d "$PIDS" ] || { info "nothing was started"; return; }
  step "Stopping ${components[*]}"
  for c in "${components[@]}"; do stop_one "$c"; done
}

cmd_status() {
  for c in "${ALL[@]}"; do
    if running "$c"; then
      printf '  %-18s up    pid %-7s %s\n' "$c" "$(pid_of "$c")" "$(url_of "$c")"
    else
      printf '  %-18s down\n' "$c"
    fi
  done
}

cmd_env() {
  echo "export PROMETHEUS_URL=$PROMETHEUS_URL ALERTMANAGER_URL=$ALERTMANAGER_URL ES_URL=$ES_URL ES8_URL=$ES8_URL JAEGER_URL=$JAEGER_URL"
  echo "export JAEGER_OTLP_HTTP_URL=$JAEGER_OTLP_HTTP_URL DEMO_URL=$DEMO_URL REDIS_URL=$REDIS_URL"
  echo "export POSTGRES_URL=$POSTGRES_URL NEO4J_URL=$NEO4J_URL"
  echo "export ES_SECURE_URL=$ES_SECURE_URL ES_SECURE_DIR=$STATE_DIR/elasticsearch-secure"
}

case "${1:-}" in
  install) cmd_install ;;
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
