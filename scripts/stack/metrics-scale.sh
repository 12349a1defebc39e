# Metrics past one Prometheus, sourced by scripts/stack.sh: two Prometheus replicas scraping the
# stack's targets with distinct `replica` external labels, a Thanos sidecar each uploading their
# blocks to a filesystem bucket, a Thanos store gateway over that bucket, Thanos Query over all
# three deduplicating on `replica`, and VictoriaMetrics fed by replica a's remote write.
#
# The replicas cut a block every PROM_REPLICA_BLOCK (2m) and keep PROM_REPLICA_RETENTION (10m), so
# about a quarter of an hour after they start, a range older than their own data is answered from
# the bucket alone, while replica a still holds every sample of its last ten minutes: a single
# Prometheus to compare Thanos and VictoriaMetrics with.

PROM_REPLICA_BLOCK="${PROM_REPLICA_BLOCK:-2m}"
PROM_REPLICA_RETENTION="${PROM_REPLICA_RETENTION:-10m}"
THANOS_URL="http://127.0.0.1:${THANOS_QUERY_PORT}"
VICTORIAMETRICS_URL="http://127.0.0.1:${VICTORIAMETRICS_PORT}"
PROM_REPLICA_A_URL="http://127.0.0.1:${PROM_REPLICA_A_PORT}"
PROM_REPLICA_B_URL="http://127.0.0.1:${PROM_REPLICA_B_PORT}"
THANOS_STORE_HTTP_URL="http://127.0.0.1:${THANOS_STORE_HTTP_PORT}"
THANOS_BUCKET_DIR="$SERVICE_STATE_DIR/thanos-bucket"
THANOS_STORE_ADDRESS="127.0.0.1:${THANOS_STORE_GRPC_PORT}"
export THANOS_URL VICTORIAMETRICS_URL PROM_REPLICA_A_URL PROM_REPLICA_B_URL THANOS_STORE_HTTP_URL THANOS_BUCKET_DIR THANOS_STORE_ADDRESS
EXTRA_ENV+=(THANOS_URL VICTORIAMETRICS_URL PROM_REPLICA_A_URL PROM_REPLICA_B_URL THANOS_STORE_HTTP_URL THANOS_BUCKET_DIR THANOS_STORE_ADDRESS)

METRICS_SCALE=(victoriametrics prom-replica-a prom-replica-b thanos-sidecar-a thanos-sidecar-b thanos-store thanos-query)
SCALE+=("${METRICS_SCALE[@]}")
GROUP[metrics-scale]="${METRICS_SCALE[*]}"
GROUP[thanos]="prom-replica-a prom-replica-b thanos-sidecar-a thanos-sidecar-b thanos-store thanos-query"

thanos_bin() { echo "$MEMSTACK_CACHE/bin/thanos-$THANOS_VERSION"; }
victoriametrics_bin() { echo "$MEMSTACK_CACHE/bin/victoria-metrics-$VICTORIAMETRICS_VERSION"; }

EXTRA_CMDLINE[victoriametrics]="$(victoriametrics_bin) -httpListenAddr=* *"
EXTRA_CMDLINE[prom-replica-a]="prometheus --config.file=$SERVICE_STATE_DIR/prom-replica-a.yml *"
EXTRA_CMDLINE[prom-replica-b]="prometheus --config.file=$SERVICE_STATE_DIR/prom-replica-b.yml *"
EXTRA_CMDLINE[thanos-sidecar-a]="$(thanos_bin) sidecar *"
EXTRA_CMDLINE[thanos-sidecar-b]="$(thanos_bin) sidecar *"
EXTRA_CMDLINE[thanos-store]="$(thanos_bin) store *"
EXTRA_CMDLINE[thanos-query]="$(thanos_bin) query *"

EXTRA_URL[victoriametrics]="$VICTORIAMETRICS_URL (Prometheus query API; remote write from prom-replica-a)"
EXTRA_URL[prom-replica-a]="$PROM_REPLICA_A_URL (replica=\"a\")"
EXTRA_URL[prom-replica-b]="$PROM_REPLICA_B_URL (replica=\"b\")"
EXTRA_URL[thanos-sidecar-a]="grpc 127.0.0.1:$THANOS_SIDECAR_A_GRPC_PORT"
EXTRA_URL[thanos-sidecar-b]="grpc 127.0.0.1:$THANOS_SIDECAR_B_GRPC_PORT"
EXTRA_URL[thanos-store]="grpc 127.0.0.1:$THANOS_STORE_GRPC_PORT, bucket $THANOS_BUCKET_DIR"
EXTRA_URL[thanos-query]="$THANOS_URL (deduplicating on replica)"

# Thanos' releases are built with these tags (its .promu.yml): without slicelabels its label
# protobufs misread Prometheus' labels and the sidecar panics on its first Info call. The version
# flag makes its buildinfo (which the data source's Save & test shows) say which Thanos it is.
install_thanos() {
  build_go_program Thanos github.com/thanos-io/thanos "$THANOS_VERSION" ./cmd/thanos "$(thanos_bin)" 2-10 \
    netgo,slicelabels "-X github.com/prometheus/common/version.Version=${THANOS_VERSION#v}"
}

install_victoriametrics() {
  build_go_program VictoriaMetrics github.com/VictoriaMetrics/VictoriaMetrics "$VICTORIAMETRICS_VERSION" \
    ./app/victoria-metrics "$(victoriametrics_bin)" 1-4
}

start_victoriametrics() {
  install_victoriametrics
  local dir; dir="$(service_dir victoriametrics)"
  require_free victoriametrics "$VICTORIAMETRICS_PORT"
  # -search.latencyOffset: VictoriaMetrics hides the newest 30 s by default; a Prometheus answers
  # what it has, and the suite compares the two.
  launch victoriametrics "$(victoriametrics_bin)" -httpListenAddr="127.0.0.1:$VICTORIAMETRICS_PORT" \
    -storageDataPath="$dir" -retentionPeriod=1d -search.latencyOffset=5s -loggerLevel=WARN
  await victoriametrics 30 http_ok "$VICTORIAMETRICS_URL/health"
}

# A replica's configuration: the stack's scrape jobs, its external label, no rules or alerting
# (the stack's own Prometheus evaluates those); replica a also writes to VictoriaMetrics, without
# the replica label, so VictoriaMetrics holds each series once.
render_replica_config() {
  local replica="$1"
  render_prometheus_config | awk -v replica="$replica" '
    /^global:/ { print; print "  external_labels:"; print "    replica: \"" replica "\""; next }
    /^# The app.s alert rules/ { skip = 1 }
    /^scrape_configs:/ { skip = 0 }
    !skip { print }'
  if [ "$replica" = a ]; then
    cat <<EOF
remote_write:
  - url: $VICTORIAMETRICS_URL/api/v1/write
    write_relabel_configs:
      - action: labeldrop
        regex: replica
EOF
  fi
}

start_replica() {
  local replica="$1" port="$2" name="prom-replica-$1" dir config
  dir="$(service_dir "$name")"; config="$SERVICE_STATE_DIR/$name.yml"
  render_replica_config "$replica" | write_service_file "$config"
  run_as_service promtool check config "$config" >"$LOGS/$name-promtool.log" 2>&1 \
    || fail "generated $name config is invalid; see $LOGS/$name-promtool.log"
  require_free "$name" "$port"
  # Equal minimum and maximum block durations: the sidecar uploads blocks only when Prometheus
  # does not compact them further.
  launch "$name" prometheus --config.file="$config" --storage.tsdb.path="$dir" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time="$PROM_REPLICA_RETENTION" \
    --storage.tsdb.min-block-duration="$PROM_REPLICA_BLOCK" --storage.tsdb.max-block-duration="$PROM_REPLICA_BLOCK"
  await "$name" 30 http_ok "http://127.0.0.1:$port/-/ready"
}
start_prom_replica_a() { start_replica a "$PROM_REPLICA_A_PORT"; }
start_prom_replica_b() { start_replica b "$PROM_REPLICA_B_PORT"; }

thanos_bucket_config() {
  local config="$SERVICE_STATE_DIR/thanos-bucket.yml"
  run_as_service mkdir -p "$THANOS_BUCKET_DIR"
  printf 'type: FILESYSTEM\nconfig:\n  directory: %s\n' "$THANOS_BUCKET_DIR" | write_service_file "$config"
  echo "$config"
}

start_sidecar() {
  local replica="$1" prom_port="$2" grpc="$3" http="$4" name="thanos-sidecar-$1"
  install_thanos
  running "prom-replica-$replica" || fail "$name needs prom-replica-$replica: scripts/stack.sh up prom-replica-$replica"
  require_free "$name" "$grpc" "$http"
  launch "$name" "$(thanos_bin)" sidecar --tsdb.path="$SERVICE_STATE_DIR/prom-replica-$replica" \
    --prometheus.url="http://127.0.0.1:$prom_port" --objstore.config-file="$(thanos_bucket_config)" \
    --grpc-address="127.0.0.1:$grpc" --http-address="127.0.0.1:$http" --log.level=warn
  await "$name" 30 http_ok "http://127.0.0.1:$http/-/ready"
}
start_thanos_sidecar_a() {
  start_sidecar a "$PROM_REPLICA_A_PORT" "$THANOS_SIDECAR_A_GRPC_PORT" "$THANOS_SIDECAR_A_HTTP_PORT"
}
start_thanos_sidecar_b() {
  start_sidecar b "$PROM_REPLICA_B_PORT" "$THANOS_SIDECAR_B_GRPC_PORT" "$THANOS_SIDECAR_B_HTTP_PORT"
}

start_thanos_store() {
  install_thanos
  local dir; dir="$(service_dir thanos-store)"
  require_free thanos-store "$THANOS_STORE_GRPC_PORT" "$THANOS_STORE_HTTP_PORT"
  # Blocks appear in the bucket every few minutes here, not every 2 h: look for them often.
  launch thanos-store "$(thanos_bin)" store --data-dir="$dir" --objstore.config-file="$(thanos_bucket_config)" \
    --grpc-address="127.0.0.1:$THANOS_STORE_GRPC_PORT" --http-address="127.0.0.1:$THANOS_STORE_HTTP_PORT" \
    --sync-block-duration=15s --log.level=warn
  await thanos-store 60 http_ok "$THANOS_STORE_HTTP_URL/-/ready"
}

# Every endpoint is strict (always asked, as a static set-up is): while one is down, each answer
# is partial and says so in its warnings, the case the data source's partial-response notice shows.
start_thanos_query() {
  install_thanos
  require_free thanos-query "$THANOS_QUERY_GRPC_PORT" "$THANOS_QUERY_PORT"
  local endpoints="endpoints:" port
  for port in "$THANOS_SIDECAR_A_GRPC_PORT" "$THANOS_SIDECAR_B_GRPC_PORT" "$THANOS_STORE_GRPC_PORT"; do
    endpoints+=$'\n'"  - {address: \"127.0.0.1:$port\", strict: true}"
  done
  launch thanos-query "$(thanos_bin)" query --http-address="127.0.0.1:$THANOS_QUERY_PORT" \
    --grpc-address="127.0.0.1:$THANOS_QUERY_GRPC_PORT" --query.replica-label=replica \
    --endpoint.sd-config="$endpoints" --log.level=warn
  await thanos-query 30 http_ok "$THANOS_URL/-/ready"
}
