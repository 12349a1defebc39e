#!/usr/bin/env bash
# The stack scripts trust only what they can check, through their real commands (scripts/stack.sh,
# backend/scripts/build.mjs) with a private state directory and cache of this test's own; no
# server of the stack is started or stopped:
#   1. a PID is signalled only while it is still our server: an unrelated process, or a process
#      with the server's command line but another start time, in a PID file is left alone, and
#      the real one (same command line and start time) is stopped;
#   2. the download cache is refused when another user owns it, when group or others may write
#      it, or when an entry in it is a symbolic link;
#   3. an Elasticsearch zip whose SHA-256 is not the pinned one is not installed (a stand-in mvn
#      delivers it; Maven Central publishes no checksum for these zips);
#   4. the Neo4j harness is installed only when every jar on its classpath has its pinned SHA-256
#      (the real cached jars pass; one altered jar fails);
#   5. the plugin build refuses a cached Node runtime that is not the pinned one.
# Needs root (files owned by another user, the service user); otherwise it says why and exits 77.
# Run:  bash tests/stack/pins-and-pids.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root (a cache owned by another user, the stack's service user)" >&2
  exit 77
fi

STACK="$REPO_DIR/scripts/stack.sh"
REAL_CACHE="$MEMSTACK_CACHE"
# Next to the real cache (same file system), so cached artefacts can be hard-linked, not copied.
work="$(mktemp -d "$(dirname "$REAL_CACHE")/memstack-test.XXXXXX")"
children=()
cleanup() {
  local pid
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() { printf '  ok    %s\n' "$*"; }
problem() { printf '  FAIL  %s\n' "$*" >&2; failures=$((failures + 1)); }

# stack.sh with this test's state and cache; stdout and stderr in $work/out.
stack() { MEMSTACK_STATE_ROOT="$work/state" MEMSTACK_CACHE="${CACHE:-$work/cache}" bash "$STACK" "$@" >"$work/out" 2>&1; }

start_time() { local s; s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0; read -r -a f <<<"${s##*) }"; echo "${f[19]}"; }

# --- 1. PIDs
state="$work/state/stack"
install -d -m 0700 "$work/state" "$state" && mkdir -p "$state/pids"
sleep 300 &
unrelated=$!; children+=("$unrelated")
echo "$unrelated" >"$state/pids/redis.pid"
stack down redis || true
if kill -0 "$unrelated" 2>/dev/null && grep -q "no longer redis" "$work/out"; then
  check "down leaves an unrelated process in redis.pid alone ($(grep -o 'it runs: [^)]*' "$work/out"))"
else
  problem "down signalled pid $unrelated (sleep), which is not redis: $(cat "$work/out")"
fi

# A process whose command line looks like redis's (exec -a), first with another start time.
bash -c 'exec -a "redis-server 127.0.0.1:1" sleep 300' &
lookalike=$!; children+=("$lookalike")
sleep 0.2
echo "$lookalike" >"$state/pids/redis.pid"
echo 1 >"$state/pids/redis.start"
stack down redis || true
if kill -0 "$lookalike" 2>/dev/null; then
  check "down leaves a process with redis's command line but another start time alone"
else
  problem "down killed pid $lookalike although its start time is not the recorded one"
fi
echo "$lookalike" >"$state/pids/redis.pid"
start_time "$lookalike" >"$state/pids/redis.start" || true
stack status
grep -q "redis .* up .*pid $lookalike" "$work/out" || problem "status does not count the recorded redis (pid $lookalike) as up: $(grep redis "$work/out")"
stack down redis || true
sleep 0.3
if kill -0 "$lookalike" 2>/dev/null; then
  problem "down did not stop pid $lookalike, whose command line and start time are the recorded redis's: $(cat "$work/out")"
elif [ -e "$state/pids/redis.pid" ] || [ -e "$state/pids/redis.start" ]; then
  problem "down left redis's PID files behind"
else
  check "down stops the process whose command line and start time are the recorded ones, and removes its PID files"
fi

# --- 2. the cache's owner and mode
mkdir -p "$work/foreign" && chown nobody "$work/foreign" && chmod 0755 "$work/foreign"
if CACHE="$work/foreign" stack install; then
  problem "install used a cache owned by nobody"
elif grep -q "belongs to another user" "$work/out"; then
  check "a cache owned by another user is refused"
else
  problem "a cache owned by another user failed for another reason: $(tail -n 2 "$work/out")"
fi
install -d -m 0777 "$work/open"
if CACHE="$work/open" stack install; then
  problem "install used a world-writable cache"
elif grep -q "writable by group or others" "$work/out"; then
  check "a cache that others may write is refused"
else
  problem "a world-writable cache failed for another reason: $(tail -n 2 "$work/out")"
fi
install -d -m 0755 "$work/linked" && ln -s /tmp "$work/linked/bin"
if CACHE="$work/linked" stack install; then
  problem "install used a cache holding a symbolic link"
elif grep -q "is a symbolic link" "$work/out"; then
  check "a cache holding a symbolic link is refused"
else
  problem "a cache with a symbolic link failed for another reason: $(tail -n 2 "$work/out")"
fi

# --- 3 and 4. pinned Maven Central downloads, through a stand-in mvn
mkdir -p "$work/fakebin"
cat >"$work/fakebin/mvn" <<'MVN'
#!/usr/bin/env bash
# Stand-in for Maven: Elasticsearch's zip is junk; the Neo4j classpath lists the pinned jars.
for arg; do
  case "$arg" in
    -Dmaven.repo.local=*) repo="${arg#*=}" ;;
    -Dartifact=*) artifact="${arg#*=}" ;;
    -Dmdep.outputFile=*) out="${arg#*=}" ;;
  esac
done
if [ -n "${out:-}" ]; then
  awk -v repo="$repo" '{ print repo "/" $2 }' "$FAKE_NEO4J_PINS" | paste -sd: >"$out"
else
  version="$(cut -d: -f3 <<<"$artifact")"
  dir="$repo/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$version"
  mkdir -p "$dir" && echo "not Elasticsearch" >"$dir/elasticsearch-$version.zip"
fi
MVN
chmod 0755 "$work/fakebin/mvn"
export FAKE_NEO4J_PINS="$REPO_DIR/scripts/config/neo4j-harness-5.26.0.sha256"
install -d -m 0755 "$work/cache"
if PATH="$work/fakebin:$PATH" stack install; then
  problem "install accepted an Elasticsearch zip that is not the pinned one"
elif grep -q "does not match its pinned SHA-256" "$work/out" && [ ! -e "$work/cache/elasticsearch-$ES_VERSION" ]; then
  check "an Elasticsearch $ES_VERSION zip with another SHA-256 is refused and not unpacked"
else
  problem "the wrong Elasticsearch zip failed for another reason: $(tail -n 2 "$work/out")"
fi

# Neo4j: Elasticsearch and Jaeger as the real cache has them (hard links), the jars too.
for item in "elasticsearch-$ES_VERSION" "elasticsearch-$ES8_VERSION" "bin/jaeger-$JAEGER_MODULE_VERSION"; do
  [ -e "$REAL_CACHE/$item" ] || { echo "the real cache lacks $item: run scripts/stack.sh install first" >&2; exit 1; }
  mkdir -p "$(dirname "$work/cache/$item")" && cp -al "$REAL_CACHE/$item" "$work/cache/$item"
done
neo4j="$work/cache/neo4j-harness-5.26.0"
mkdir -p "$neo4j" && cp -al "$REAL_CACHE/neo4j-harness-5.26.0/m2" "$neo4j/m2"
if PATH="$work/fakebin:$PATH" stack install && [ -f "$neo4j/classes/Neo4jServer.class" ]; then
  check "the Neo4j harness's $(wc -l <"$FAKE_NEO4J_PINS") pinned jars pass and it is installed"
else
  problem "the real Neo4j harness jars did not pass their pinned sums: $(tail -n 3 "$work/out")"
fi
rm -rf "$neo4j/classes" "$neo4j/classpath.txt"
jar="$neo4j/m2/$(awk 'NR == 1 { print $2 }' "$FAKE_NEO4J_PINS")"
rm "$jar" && echo "altered" >"$jar" # rm first: the file is a hard link into the real cache
if PATH="$work/fakebin:$PATH" stack install; then
  problem "install accepted a Neo4j harness with an altered jar ($jar)"
elif grep -q "do not match their pinned SHA-256" "$work/out" && [ ! -e "$neo4j/classpath.txt" ]; then
  check "a Neo4j harness with one altered jar is refused"
else
  problem "the altered Neo4j jar failed for another reason: $(tail -n 2 "$work/out")"
fi

# --- 5. the Node runtime of the plugin executable
node_version="$(sed -n "s/^const NODE_VERSION = process.env.AGENTMEMORY_NODE_VERSION ?? '\([0-9.]*\)';$/\1/p" "$REPO_DIR/backend/scripts/build.mjs")"
[ -n "$node_version" ] || { echo "could not read NODE_VERSION from backend/scripts/build.mjs" >&2; exit 1; }
fake_node="$work/nodecache/node/$node_version/linux_amd64/node"
mkdir -p "$(dirname "$fake_node")" && printf '#!/bin/sh\nexit 0\n' >"$fake_node" && chmod 0755 "$fake_node"
if (cd "$REPO_DIR/backend" && MEMSTACK_CACHE="$work/nodecache" AGENTMEMORY_TARGETS=linux_amd64 node scripts/build.mjs >"$work/out" 2>&1); then
  problem "the backend build used a cached Node runtime that is not the pinned one"
elif grep -q "not the pinned" "$work/out"; then
  check "the backend build refuses a cached Node $node_version runtime with another SHA-256"
else
  problem "the backend build failed for another reason: $(tail -n 3 "$work/out")"
fi

if [ "$failures" -gt 0 ]; then
  echo "pins-and-pids: $failures problem(s)" >&2
  exit 1
fi
echo "pins-and-pids: every check passed"
