#!/usr/bin/env bash
# The real local stack on loopback, without Docker.
#
#   scripts/stack.sh install            install what is missing (Debian packages, Elasticsearch, Jaeger)
#   scripts/stack.sh up [component...]  install, start and wait until each answers its health endpoint
#   scripts/stack.sh down [component...] stop only the processes this script started (by PID)
#   scripts/stack.sh status             what runs, with URLs
#   scripts/stack.sh env                its URLs as shell-quoted exports (eval "$(scripts/stack.sh env)")
#   scripts/stack.sh up scale           the scale-out topologies too (scripts/stack/*.sh: Thanos,
#                                       VictoriaMetrics, an Elasticsearch cluster, Jaeger on Elasticsearch)
#
# Components: postgres redis neo4j elasticsearch elasticsearch8 elasticsearch-secure jaeger node-exporter postgres-exporter alertmanager
# prometheus demo. Idempotent: a second `up` finds everything running or cached and takes seconds.
# As root, every server runs as the service user ($MEMSTACK_SERVICE_USER, memstack); PostgreSQL and
# the secured Elasticsearch have generated passwords, kept in the private state directory only.
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

# The SHA-256 pinned for a file name in a sums file (sha256sum's format); fails when none is.
pinned_sha256() {
  local sums="$1" name="$2" sum file
  while read -r sum file; do
    [ "$file" = "$name" ] && { echo "$sum"; return; }
  done <"$sums"
  fail "no SHA-256 is pinned for $name in $sums: add the sum of a download you have checked"
}

# True when the file's SHA-256 is the expected one.
verify_sha256() {
  local actual; actual="$(sha256sum "$1")"
  [ "${actual%% *}" = "$2" ]
}

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
  # Central publishes neither a checksum nor a signature for this zip: the pinned sum is the check.
  verify_sha256 "$zip" "$(pinned_sha256 "$REPO_DIR/scripts/config/elasticsearch.sha256" "elasticsearch-$version.zip")" \
    || { rm -rf "$repo/org/elasticsearch"; fail "elasticsearch-$version.zip from Maven Central does not match its pinned SHA-256 (scripts/config/elasticsearch.sha256): not installed"; }
  local tmp; tmp="$(mktemp -d "$MEMSTACK_CACHE/es-unzip.XXXX")"
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/elasticsearch-$version" "$home"
  rm -rf "$tmp" "$repo/org/elasticsearch"
  chmod -R a+rX "$home"
}

jaeger_bin() { echo "$MEMSTACK_CACHE/bin/jaeger-$JAEGER_MODULE_VERSION"; }

# Builds a program from a Go module's tagged release into the cache, once: label, module, version,
# package inside it, binary path, expected minutes, build tags and -X flags (as the project's
# releases are built). Modules with replace directives (Jaeger, Thanos) refuse
# `go install pkg@version`; they apply when the module is the main one, hence a writable copy built
# in place. The go command checks every module it fetches against go.sum and the checksum database.
build_go_program() {
  local label="$1" module="$2" version="$3" package="$4" bin="$5" minutes="$6" tags="${7:-}" ldflags="${8:-}" dir
  if [ -x "$bin" ]; then
    info "$label $version: cached in $bin"
    return
  fi
  step "Building $label from its Go module $module@$version (once; about $minutes min on 2 cores)"
  command -v go >/dev/null || fail "Go is needed to build $label"
  dir="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || fail "go mod download of $module@$version gave no source directory"
  local name; name="$(basename "$bin")"
  local src="$MEMSTACK_CACHE/src/$name"
  rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && go build -tags="$tags" -ldflags="$ldflags" -o "$bin.tmp" "$package") >"$LOGS/$name-build.log" 2>&1 \
    || fail "building $label failed; see $LOGS/$name-build.log"
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
}

install_jaeger() {
  build_go_program "Jaeger v2" github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION" ./cmd/jaeger "$(jaeger_bin)" 3-7
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
  mvn -q -C -f "$REPO_DIR/scripts/neo4j/pom.xml" dependency:build-classpath -Dmaven.repo.local="$dir/m2" \
    -Dmdep.outputFile="$dir/classpath.txt" >"$LOGS/neo4j-download.log" 2>&1 \
    || fail "could not fetch neo4j-harness from Maven Central; see $LOGS/neo4j-download.log"
  verify_neo4j_jars "$dir" || { rm -f "$dir/classpath.txt"; fail "the neo4j-harness jars do not match their pinned SHA-256 sums (scripts/config/neo4j-harness-5.26.0.sha256); see $LOGS/neo4j-download.log"; }
  javac -d "$dir/classes" -cp "$(cat "$dir/classpath.txt")" "$REPO_DIR/scripts/neo4j/Neo4jServer.java" >>"$LOGS/neo4j-download.log" 2>&1 \
    || fail "compiling the Neo4j launcher failed; see $LOGS/neo4j-download.log"
  chmod -R a+rX "$dir"
}

# Every file on the harness classpath is pinned (scripts/config/neo4j-harness-5.26.0.sha256), and
# nothing else is on it.
verify_neo4j_jars() {
  local dir="$1" sums="$REPO_DIR/scripts/config/neo4j-harness-5.26.0.sha256" listed on_classpath
  listed="$(sed 's/^[0-9a-f]*  //' "$sums" | LC_ALL=C sort)"
  on_classpath="$(tr ':' '\n' <"$dir/classpath.txt" | sed "s#^$dir/m2/##" | LC_ALL=C sort)"
  if [ "$listed" != "$on_classpath" ]; then
    diff <(echo "$listed") <(echo "$on_classpath") >>"$LOGS/neo4j-download.log" || true
    return 1
  fi
  (cd "$dir/m2" && sha256sum --quiet --strict -c "$sums") >>"$LOGS/neo4j-download.log" 2>&1
}

ensure_service_user() {
  id "$SERVICE_USER" >/dev/null 2>&1 && return
  [ "$(id -u)" = 0 ] || fail "user $SERVICE_USER does not exist; create it or set MEMSTACK_SERVICE_USER to your own user"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
}

prepare_state_dirs() {
  mkdir -p "$(dirname "$STATE_DIR")"
  ensure_private_dir "$STATE_DIR"
  mkdir -p "$PIDS" "$LOGS"
  ensure_trusted_cache
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

# What each server's command line looks like (a glob over its arguments joined by spaces): a PID
# is acted on only while it still runs that program, not whatever process reused the number.
expected_cmdline() {
  case "$1" in
    postgres) echo "*/bin/postgres -D $SERVICE_STATE_DIR/postgres *" ;;
    redis) echo "redis-server *" ;;
    neo4j) echo "java * Neo4jServer *" ;;
    elasticsearch*) echo "*/bin/java * -Des.path.home=$MEMSTACK_CACHE/elasticsearch-* -Epath.data=$SERVICE_STATE_DIR/$1/data *" ;;
    jaeger) echo "$MEMSTACK_CACHE/bin/jaeger-v* --config $SERVICE_STATE_DIR/jaeger.yaml*" ;;
    node-exporter) echo "prometheus-node-exporter *" ;;
    postgres-exporter) echo "prometheus-postgres-exporter *" ;;
    alertmanager) echo "prometheus-alertmanager *" ;;
    prometheus) echo "prometheus --config.file=*" ;;
    demo) echo "node --import tsx src/main.ts*" ;;
    *) echo "${EXTRA_CMDLINE[$1]:?unknown component $1}" ;;
  esac
}

# The kernel's start time of a process (field 22 of /proc/<pid>/stat, after the command name
# in parentheses, which may itself hold spaces).
start_time_of() {
  local stat fields
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[19]}"
}

# True when the PID is still the server we started: its command line is that server's and, when
# launch recorded it, its start time is the one it had then.
is_ours() {
  local name="$1" pid="$2" cmdline recorded
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  # shellcheck disable=SC2053 # the expected command line is a glob on purpose
  [[ "$cmdline" == $(expected_cmdline "$name") ]] || return 1
  recorded="$(cat "$PIDS/$name.start" 2>/dev/null || true)"
  [ -z "$recorded" ] || [ "$recorded" = "$(start_time_of "$pid")" ]
}

running() {
  local pid; pid="$(pid_of "$1" || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && is_ours "$1" "$pid"
}

# While a server starts, its PID may still be a wrapper that has not exec'ed the server yet
# (Elasticsearch's start script): the start time launch recorded is what identifies it then.
still_starting() {
  local pid; pid="$(pid_of "$1" || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "$PIDS/$1.start" 2>/dev/null)" = "$(start_time_of "$pid")" ]
}

# The prefix that runs a command as the service user when we are root (as ourselves otherwise),
# with HOME in the service user's own directory; it execs, so a PID stays the command's own.
if [ "$(id -u)" = 0 ]; then
  AS_SERVICE=(setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups env HOME="$SERVICE_STATE_DIR")
else
  AS_SERVICE=(env)
fi
run_as_service() { "${AS_SERVICE[@]}" "$@"; }

# A directory of a server's own state, made by the service user inside its 0700 directory (so root
# never follows a link planted there).
service_dir() {
  run_as_service mkdir -p "$SERVICE_STATE_DIR/$1"
  echo "$SERVICE_STATE_DIR/$1"
}

# Writes stdin to a file in the service user's directory, as that user (same reason).
write_service_file() { run_as_service tee "$1" >/dev/null; }

# Runs a server in the background as the service user, logging to $LOGS/<name>.log (opened by
# us, so the server cannot touch the other logs) and remembering its PID and start time. setsid
# and setpriv exec, so the PID is the server's own.
launch() {
  local name="$1"; shift
  setsid "${AS_SERVICE[@]}" "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PIDS/$name.pid"
  start_time_of "$pid" >"$PIDS/$name.start" || true
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
    if ! still_starting "$name"; then
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

# PostgreSQL's password: generated once into the private state directory, with a pgpass file for
# this script's own psql (so the password is never an argument).
ensure_postgres_password() {
  local dir; dir="$(dirname "$POSTGRES_PASSWORD_FILE")"
  mkdir -p "$dir" && chmod 0700 "$dir"
  [ -s "$POSTGRES_PASSWORD_FILE" ] && return 1
  local password; password="$(openssl rand -hex 24)"
  (umask 077 && printf '%s' "$password" >"$POSTGRES_PASSWORD_FILE" && printf '127.0.0.1:*:*:postgres:%s\n' "$password" >"$dir/pgpass")
}

# True when a pg_hba.conf line lets someone in without a password.
pg_hba_trusts() {
  awk '!/^[[:space:]]*#/ { for (i = 1; i <= NF; i++) if ($i == "trust") found = 1 } END { exit !found }' "$1/pg_hba.conf"
}

# Password (SCRAM) for every connection, over the socket and loopback alike.
write_pg_hba() {
  printf '%s\n' "# Written by scripts/stack.sh: a password for every connection." \
    "local all all scram-sha-256" "host all all 127.0.0.1/32 scram-sha-256" "host all all ::1/128 scram-sha-256" \
    | write_service_file "$1/pg_hba.conf"
}

# Sets the superuser's password with the server stopped (single-user mode reads SQL from stdin),
# for a cluster made before the stack had passwords or whose password file is gone.
reset_postgres_password() {
  local bin="$1" data="$2"
  printf "ALTER ROLE postgres PASSWORD '%s';\n" "$(<"$POSTGRES_PASSWORD_FILE")" \
    | run_as_service "$bin/postgres" --single -D "$data" postgres >/dev/null 2>>"$LOGS/postgres-initdb.log" \
    || fail "could not set the PostgreSQL password; see $LOGS/postgres-initdb.log"
}

start_postgres() {
  local data="$SERVICE_STATE_DIR/postgres" bin=/usr/lib/postgresql/15/bin new_password=""
  [ -x "$bin/postgres" ] || bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")"
  ensure_postgres_password && new_password=1
  require_free postgres "$POSTGRES_PORT"
  if [ ! -f "$data/PG_VERSION" ]; then
    service_dir postgres >/dev/null && run_as_service chmod 700 "$data"
    # initdb reopens /dev/stdin by name: the service user can do that only for a pipe of its own.
    printf '%s\n' "$(<"$POSTGRES_PASSWORD_FILE")" \
      | run_as_service sh -c 'cat | "$@"' sh "$bin/initdb" -D "$data" -U postgres --auth=scram-sha-256 --pwfile=/dev/stdin -E UTF8 \
        >"$LOGS/postgres-initdb.log" 2>&1 || fail "initdb failed; see $LOGS/postgres-initdb.log"
  elif [ -n "$new_password" ] || pg_hba_trusts "$data"; then
    reset_postgres_password "$bin" "$data"
  fi
  write_pg_hba "$data"
  launch postgres "$bin/postgres" -D "$data" -p "$POSTGRES_PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$data" -c fsync=off
  await postgres 30 pg_isready -q -h 127.0.0.1 -p "$POSTGRES_PORT"
  # The memory service's database (mem0 in the guide); created once.
  local psql=(env PGPASSFILE="$(dirname "$POSTGRES_PASSWORD_FILE")/pgpass" psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -w)
  "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname='mem0'" | grep -q 1 \
    || "${psql[@]}" -qc "CREATE DATABASE mem0" >/dev/null
}

start_redis() {
  local dir; dir="$(service_dir redis)"
  require_free redis "$REDIS_PORT"
  launch redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no --daemonize no
  await redis 15 bash -c "[ \"\$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping)\" = PONG ]"
}

start_neo4j() {
  local dir work; dir="$(neo4j_dir)"; work="$(service_dir neo4j)"
  require_free neo4j "$NEO4J_BOLT_PORT" "$NEO4J_HTTP_PORT"
  # Debian's JDK 17 runs Neo4j 5.26.
  launch neo4j java -Xmx512m -cp "$dir/classes:$(cat "$dir/classpath.txt")" Neo4jServer "$NEO4J_BOLT_PORT" "$NEO4J_HTTP_PORT" "$work"
  await neo4j 90 http_ok "http://127.0.0.1:$NEO4J_HTTP_PORT/"
}

# curl as the secured Elasticsearch's admin: the credentials reach curl as a config file on a
# pipe (-K), never as an argument that ps would show.
es_admin_curl() {
  local keep="$STATE_DIR/elasticsearch-secure"
  curl --cacert "$keep/ca.crt" -K <(printf 'user = "%s"\n' "$(<"$keep/credentials")") "$@"
}

# Elasticsearch from its integ-test zip: name, version, HTTP port, transport port, then settings of
# its own (-E...). Unless they say otherwise, a node is a cluster of its own (single-node
# discovery) without security; with -Expack.security.http.ssl.enabled=true it is probed over TLS as
# the stack's admin; with -Ediscovery.seed_hosts=... it joins a cluster (scripts/stack/).
start_es() {
  local name="$1" version="$2" port="$3" transport="$4" home conf data
  shift 4
  local settings=("$@") scheme=http probe=(curl)
  [[ " ${settings[*]} " == *" -Expack.security.enabled="* ]] || settings=(-Expack.security.enabled=false "${settings[@]}")
  [[ " ${settings[*]} " == *" -Ediscovery.seed_hosts="* ]] || settings=(-Ediscovery.type=single-node "${settings[@]}")
  [[ " ${settings[*]} " == *" -Expack.security.http.ssl.enabled=true "* ]] && { scheme=https; probe=(es_admin_curl); }
  home="$(es_home "$version")"; conf="$SERVICE_STATE_DIR/$name/config"; data="$SERVICE_STATE_DIR/$name/data"
  [ -x "$home/bin/elasticsearch" ] || fail "Elasticsearch $version is not installed: run scripts/stack.sh install"
  run_as_service mkdir -p "$conf" "$data" "$SERVICE_STATE_DIR/$name/logs"
  # ES writes its keystore into the config directory, so it gets a writable copy of its own.
  [ -f "$conf/jvm.options" ] || run_as_service cp -r "$home/config/." "$conf/"
  [ "$scheme" = https ] && secure_es_files "$name" "$home" "$conf" "$version"
  require_free "$name" "$port" "$transport"
  launch "$name" env ES_JAVA_HOME="$(es_java_home "$version")" ES_PATH_CONF="$conf" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    "$home/bin/elasticsearch" \
    "${settings[@]}" -Enetwork.host=127.0.0.1 \
    -Ehttp.port="$port" -Etransport.port="$transport" \
    -Epath.data="$data" -Epath.logs="$SERVICE_STATE_DIR/$name/logs" \
    -Ecluster.routing.allocation.disk.watermark.low=1b -Ecluster.routing.allocation.disk.watermark.high=1b \
    -Ecluster.routing.allocation.disk.watermark.flood_stage=1b -Eaction.destructive_requires_name=false
  # A cluster's node says what healthy means for it (ES_HEALTH_QUERY): a single node, yellow.
  await "$name" 120 "${probe[@]}" -fsS --max-time 2 "$scheme://127.0.0.1:$port/_cluster/health?${ES_HEALTH_QUERY:-wait_for_status=yellow&timeout=1s}"
}

# TLS material and users for the secured Elasticsearch: a CA and a server certificate for
# 127.0.0.1/localhost (openssl); in the file realm, an admin (superuser) that sets the node up and
# a reader with a file-defined role that may only read ai-events-*, both with random passwords.
# (API keys live in the .security index, whose mapping needs the analysis-common module that
# Maven Central's integ-test-zip lacks: they cannot be issued on this node.) The CA certificate
# and the credentials are kept in the private state directory for tests. The server's files are
# made by the service user, in its own directory.
secure_es_files() {
  local name="$1" home="$2" conf="$3" version="$4" certs="$3/certs" keep="$STATE_DIR/$1"
  run_as_service mkdir -p "$certs"
  mkdir -p "$keep"
  chmod 0700 "$keep"
  if [ ! -f "$certs/server.crt" ]; then
    run_as_service openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=memstack test CA" \
      -keyout "$certs/ca.key" -out "$certs/ca.crt" >/dev/null 2>&1 || fail "openssl could not make the test CA"
    run_as_service openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$certs/server.key" -out "$certs/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' | write_service_file "$certs/san.ext"
    run_as_service openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -days 30 \
      -extfile "$certs/san.ext" -out "$certs/server.crt" >/dev/null 2>&1 || fail "openssl could not sign the test server certificate"
  fi
  cp "$certs/ca.crt" "$keep/ca.crt"
  if [ ! -f "$keep/reader-credentials" ]; then
    write_service_file "$conf/roles.yml" <<'ROLES'
ai_events_reader:
  cluster: [monitor]
  indices:
    - names: ['ai-events-*']
      privileges: [read, view_index_metadata]
ROLES
    local user role password
    for user in memstack-admin:superuser grafana-reader:ai_events_reader; do
      role="${user#*:}"; user="${user%%:*}"; password="$(openssl rand -hex 16)"
      # Without -p, elasticsearch-users reads the password (twice) from stdin.
      printf '%s\n%s\n' "$password" "$password" \
        | run_as_service env ES_JAVA_HOME="$(es_java_home "$version")" ES_PATH_CONF="$conf" \
          "$home/bin/elasticsearch-users" useradd "$user" -r "$role" >>"$LOGS/$name-users.log" 2>&1 \
        || fail "could not create the Elasticsearch user $user; see $LOGS/$name-users.log"
      (umask 077 && printf '%s:%s' "$user" "$password" >"$keep/$([ "$role" = superuser ] && echo credentials || echo reader-credentials)")
    done
  fi
}

# After the secured node answers: one AI event for the data source to read back.
secure_es_ready() {
  es_admin_curl -fsS -XPOST "$ES_SECURE_URL/ai-events-secure/_doc?refresh=true" -H 'content-type: application/json' \
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
  local config="$SERVICE_STATE_DIR/jaeger.yaml"
  sed -e "s/@QUERY_PORT@/$JAEGER_QUERY_PORT/; s/@QUERY_GRPC_PORT@/$JAEGER_QUERY_GRPC_PORT/" \
      -e "s/@OTLP_GRPC_PORT@/$JAEGER_OTLP_GRPC_PORT/; s/@OTLP_HTTP_PORT@/$JAEGER_OTLP_HTTP_PORT/" \
      -e "s/@HEALTH_PORT@/$JAEGER_HEALTH_PORT/; s/@METRICS_PORT@/$JAEGER_METRICS_PORT/" \
      "$REPO_DIR/scripts/config/jaeger.yaml" | write_service_file "$config"
  require_free jaeger "$JAEGER_QUERY_PORT" "$JAEGER_QUERY_GRPC_PORT" "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_OTLP_HTTP_PORT" "$JAEGER_HEALTH_PORT" "$JAEGER_METRICS_PORT"
  launch jaeger "$(jaeger_bin)" --config "$config"
  await jaeger 60 curl -fsS --max-time 2 "$JAEGER_URL/api/services"
}

start_node_exporter() {
  require_free node-exporter "$NODE_EXPORTER_PORT"
  launch node-exporter prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT"
  await node-exporter 15 http_ok "http://127.0.0.1:$NODE_EXPORTER_PORT/metrics"
}

# The exporter's DSN carries the password, so it travels in the environment, not in argv.
start_postgres_exporter() {
  require_free postgres-exporter "$POSTGRES_EXPORTER_PORT"
  [ -s "$POSTGRES_PASSWORD_FILE" ] || fail "PostgreSQL has no password yet: start postgres first (scripts/stack.sh up postgres)"
  DATA_SOURCE_NAME="postgresql://postgres:$(<"$POSTGRES_PASSWORD_FILE")@127.0.0.1:$POSTGRES_PORT/postgres?sslmode=disable" \
    launch postgres-exporter prometheus-postgres-exporter --web.listen-address="127.0.0.1:$POSTGRES_EXPORTER_PORT"
  await postgres-exporter 15 http_ok "http://127.0.0.1:$POSTGRES_EXPORTER_PORT/metrics"
}

start_alertmanager() {
  local dir; dir="$(service_dir alertmanager)"
  write_service_file "$SERVICE_STATE_DIR/alertmanager.yml" <"$REPO_DIR/scripts/config/alertmanager.yml"
  require_free alertmanager "$ALERTMANAGER_PORT"
  # An empty cluster address turns gossip off (it would bind 0.0.0.0:9094).
  launch alertmanager prometheus-alertmanager --config.file="$SERVICE_STATE_DIR/alertmanager.yml" \
    --storage.path="$dir" --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address=
  await alertmanager 20 http_ok "$ALERTMANAGER_URL/-/ready"
}

# The stack's Prometheus configuration (scripts/config/prometheus.yml) with its ports filled in; the
# scale-out replicas scrape the same targets from it.
render_prometheus_config() {
  sed -e "s/@ALERTMANAGER_PORT@/$ALERTMANAGER_PORT/; s/@NODE_EXPORTER_PORT@/$NODE_EXPORTER_PORT/" \
      -e "s/@POSTGRES_EXPORTER_PORT@/$POSTGRES_EXPORTER_PORT/; s/@DEMO_PORT@/$DEMO_PORT/" \
      -e "s/@JAEGER_METRICS_PORT@/$JAEGER_METRICS_PORT/; s/@PROMETHEUS_PORT@/$PROMETHEUS_PORT/" \
      -e "s#@RULES_FILE@#$REPO_DIR/provisioning/prometheus/agent-memory.rules.yml#" \
      "$REPO_DIR/scripts/config/prometheus.yml"
}

start_prometheus() {
  local dir config="$SERVICE_STATE_DIR/prometheus.yml"; dir="$(service_dir prometheus)"
  render_prometheus_config | write_service_file "$config"
  # Checked as the user that will read it (the rules file too).
  run_as_service promtool check config "$config" >"$LOGS/promtool.log" 2>&1 || fail "generated Prometheus config is invalid; see $LOGS/promtool.log"
  require_free prometheus "$PROMETHEUS_PORT"
  launch prometheus prometheus --config.file="$config" --storage.tsdb.path="$dir" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle --storage.tsdb.retention.time=2d \
    --enable-feature=exemplar-storage
  await prometheus 30 http_ok "$PROMETHEUS_URL/-/ready"
}

# The bearer token of the demo's /admin/faults: generated once into the private state directory,
# like PostgreSQL's password; the demo gets it in its environment, `stack.sh env` exports it.
DEMO_ADMIN_TOKEN_FILE="$STATE_DIR/demo/admin-token"
ensure_demo_admin_token() {
  local dir; dir="$(dirname "$DEMO_ADMIN_TOKEN_FILE")"
  mkdir -p "$dir" && chmod 0700 "$dir"
  [ -s "$DEMO_ADMIN_TOKEN_FILE" ] && return 0
  (umask 077 && openssl rand -hex 24 | tr -d '\n' >"$DEMO_ADMIN_TOKEN_FILE")
}

# The demo reaches PostgreSQL with the stack's password, handed over in its environment.
start_demo() {
  [ -f "$REPO_DIR/telemetry/dist/index.js" ] || fail "the telemetry SDK is not built: run npm run build"
  require_free demo "$DEMO_PORT"
  ensure_demo_admin_token
  if [ -s "$POSTGRES_PASSWORD_FILE" ]; then
    (cd "$REPO_DIR/demo" && DEMO_ADMIN_TOKEN="$(<"$DEMO_ADMIN_TOKEN_FILE")" POSTGRES_URL="$(postgres_url)" DEMO_PORT="$DEMO_PORT" launch demo node --import tsx src/main.ts ${DEMO_ARGS:-})
  else
    (cd "$REPO_DIR/demo" && DEMO_ADMIN_TOKEN="$(<"$DEMO_ADMIN_TOKEN_FILE")" DEMO_PORT="$DEMO_PORT" launch demo node --import tsx src/main.ts ${DEMO_ARGS:-})
  fi
  await demo 30 http_ok "$DEMO_URL/metrics"
}

# ---------------------------------------------------------------- scale-out topologies

# Each file adds its components to SCALE (start order) and GROUP, their command-line globs to
# EXTRA_CMDLINE, their URLs to EXTRA_URL and the variables `env` exports to EXTRA_ENV. They are
# started only when asked for (`up scale`, `up thanos`, ...) and build what they need then.
SCALE=()
declare -A GROUP=() EXTRA_CMDLINE=() EXTRA_URL=()
EXTRA_ENV=()
for topology in "$REPO_DIR"/scripts/stack/*.sh; do
  [ -e "$topology" ] || continue
  # shellcheck source=/dev/null
  source "$topology"
done
GROUP[scale]="${SCALE[*]}"

url_of() {
  case "$1" in
    postgres) echo "postgresql://postgres@127.0.0.1:$POSTGRES_PORT/mem0 (password in $POSTGRES_PASSWORD_FILE)" ;;
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
    demo) echo "$DEMO_URL (metrics $DEMO_URL/metrics, MCP $DEMO_URL/mcp, /admin/faults token in $DEMO_ADMIN_TOKEN_FILE)" ;;
    *) echo "${EXTRA_URL[$1]:-}" ;;
  esac
}

# A group name (scale, thanos, ...) stands for its components, in start order.
expand_components() {
  local c
  for c in "$@"; do
    if [ -n "${GROUP[$c]:-}" ]; then
      # shellcheck disable=SC2086 # a group is a space-separated list of component names
      printf '%s\n' ${GROUP[$c]}
    else
      printf '%s\n' "$c"
    fi
  done
}

cmd_up() {
  local components=()
  mapfile -t components < <(expand_components "$@")
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
# A live PID that is no longer our server is left alone. A group whose leader has exited is still
# ours: Linux does not hand out a number again while a process group of that ID exists.
stop_one() {
  local name="$1" pid
  pid="$(pid_of "$name" || true)"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null && ! is_ours "$name" "$pid"; then
    info "$name: pid $pid is no longer $name (it runs: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-120)); not signalling it"
  elif kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then
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
  rm -f "$PIDS/$name.pid" "$PIDS/$name.start"
}

cmd_down() {
  local components=() i
  mapfile -t components < <(expand_components "$@")
  if [ ${#components[@]} -eq 0 ]; then
    for ((i = ${#SCALE[@]} - 1; i >= 0; i--)); do components+=("${SCALE[i]}"); done
    components+=(demo prometheus alertmanager postgres-exporter node-exporter jaeger elasticsearch-secure elasticsearch8 elasticsearch neo4j redis postgres)
  fi
  [ -d "$PIDS" ] || { info "nothing was started"; return; }
  step "Stopping ${components[*]}"
  for c in "${components[@]}"; do stop_one "$c"; done
}

cmd_status() {
  for c in "${ALL[@]}" "${SCALE[@]}"; do
    if running "$c"; then
      printf '  %-18s up    pid %-7s %s\n' "$c" "$(pid_of "$c")" "$(url_of "$c")"
    else
      printf '  %-18s down\n' "$c"
    fi
  done
}

# For eval: every value shell-quoted (printf %q), so a path or password with spaces, quotes or $
# stays one value and runs nothing. POSTGRES_URL carries the password once PostgreSQL has one;
# DEMO_ADMIN_TOKEN is empty until the demo has been started once.
cmd_env() {
  local pg_url="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/mem0" ES_SECURE_DIR="$STATE_DIR/elasticsearch-secure" name
  [ -r "$POSTGRES_PASSWORD_FILE" ] && pg_url="$(postgres_url)"
  for name in PROMETHEUS_URL ALERTMANAGER_URL ES_URL ES8_URL JAEGER_URL JAEGER_OTLP_HTTP_URL DEMO_URL REDIS_URL NEO4J_URL \
    ES_SECURE_URL ES_SECURE_DIR "${EXTRA_ENV[@]}"; do
    printf 'export %s=%q\n' "$name" "${!name}"
  done
  printf 'export POSTGRES_URL=%q\n' "$pg_url"
  local demo_token=""
  [ -r "$DEMO_ADMIN_TOKEN_FILE" ] && demo_token="$(<"$DEMO_ADMIN_TOKEN_FILE")"
  printf 'export DEMO_ADMIN_TOKEN=%q\n' "$demo_token"
}

case "${1:-}" in
  install) cmd_install ;;
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
