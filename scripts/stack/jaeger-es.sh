# Jaeger v2 storing spans in Elasticsearch, sourced by scripts/stack.sh: the same Jaeger binary as
# the in-memory `jaeger` component (built once from its Go module), on ports of its own, with the
# stack's Elasticsearch 8.19 node (`elasticsearch8`) as its storage. Jaeger puts its own index templates there at start-up (create_mappings) and writes daily
# indices memstack-jaeger-span-YYYY-MM-DD and memstack-jaeger-service-YYYY-MM-DD.
#
# The node is Maven Central's integ-test zip, which has no rest-root module: `GET /` and `HEAD /`
# answer 405. Jaeger's Elasticsearch client pings `GET /` to learn the version and health-checks
# with `HEAD /`, so the config names the version (8) and turns the client's health check off
# (scripts/config/jaeger-es.yaml); everything Jaeger reads and writes otherwise works on it.

JAEGER_ES_URL="http://127.0.0.1:${JAEGER_ES_QUERY_PORT:-}"
JAEGER_ES_OTLP_HTTP_URL="http://127.0.0.1:${JAEGER_ES_OTLP_HTTP_PORT:-}"
# The index prefix of scripts/config/jaeger-es.yaml, for tests that look at the indices.
JAEGER_ES_INDEX_PREFIX=memstack
export JAEGER_ES_URL JAEGER_ES_OTLP_HTTP_URL JAEGER_ES_INDEX_PREFIX
EXTRA_ENV+=(JAEGER_ES_URL JAEGER_ES_OTLP_HTTP_URL JAEGER_ES_INDEX_PREFIX)

SCALE+=(jaeger-es)
GROUP[jaeger-es]="jaeger-es"
EXTRA_CMDLINE[jaeger-es]="$MEMSTACK_CACHE/bin/jaeger-v* --config $SERVICE_STATE_DIR/jaeger-es.yaml*"
EXTRA_URL[jaeger-es]="$JAEGER_ES_URL (OTLP http $JAEGER_ES_OTLP_HTTP_URL, grpc 127.0.0.1:${JAEGER_ES_OTLP_GRPC_PORT:-}; spans in $ES8_URL, indices $JAEGER_ES_INDEX_PREFIX-jaeger-*)"

start_jaeger_es() {
  local port config="$SERVICE_STATE_DIR/jaeger-es.yaml"
  for port in JAEGER_ES_QUERY_PORT JAEGER_ES_QUERY_GRPC_PORT JAEGER_ES_OTLP_GRPC_PORT JAEGER_ES_OTLP_HTTP_PORT \
    JAEGER_ES_HEALTH_PORT JAEGER_ES_METRICS_PORT; do
    [ -n "${!port:-}" ] || fail "$port is not set: it belongs in $REPO_DIR/.env"
  done
  install_jaeger
  if ! curl -fsS -o /dev/null --max-time 5 "$ES8_URL/_cluster/health?wait_for_status=yellow&timeout=3s" 2>/dev/null; then
    fail "jaeger-es stores its spans in Elasticsearch 8 at $ES8_URL, which does not answer: start it first (scripts/stack.sh up elasticsearch8 jaeger-es)"
  fi
  sed -e "s/@QUERY_PORT@/$JAEGER_ES_QUERY_PORT/; s/@QUERY_GRPC_PORT@/$JAEGER_ES_QUERY_GRPC_PORT/" \
      -e "s/@OTLP_GRPC_PORT@/$JAEGER_ES_OTLP_GRPC_PORT/; s/@OTLP_HTTP_PORT@/$JAEGER_ES_OTLP_HTTP_PORT/" \
      -e "s/@HEALTH_PORT@/$JAEGER_ES_HEALTH_PORT/; s/@METRICS_PORT@/$JAEGER_ES_METRICS_PORT/" \
      -e "s#@ES_URL@#$ES8_URL#" \
      "$REPO_DIR/scripts/config/jaeger-es.yaml" | write_service_file "$config"
  require_free jaeger-es "$JAEGER_ES_QUERY_PORT" "$JAEGER_ES_QUERY_GRPC_PORT" "$JAEGER_ES_OTLP_GRPC_PORT" \
    "$JAEGER_ES_OTLP_HTTP_PORT" "$JAEGER_ES_HEALTH_PORT" "$JAEGER_ES_METRICS_PORT"
  launch jaeger-es "$(jaeger_bin)" --config "$config"
  # The query API answers only after the storage extension has put its index templates.
  await jaeger-es 60 curl -fsS --max-time 2 "$JAEGER_ES_URL/api/services"
  curl -fsS -o /dev/null --max-time 5 "$ES8_URL/_index_template/$JAEGER_ES_INDEX_PREFIX-jaeger-span" \
    || fail "jaeger-es answers but its index template $JAEGER_ES_INDEX_PREFIX-jaeger-span is not in $ES8_URL; see $LOGS/jaeger-es.log"
}
