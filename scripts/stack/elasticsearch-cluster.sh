# Scale-out topology (sourced by scripts/stack.sh): Elasticsearch as a cluster. Two nodes of the
# stack's Elasticsearch ($ES_VERSION, the integ-test zip) on loopback forming the cluster
# "memstack-es-cluster", 512 MB heap each (ES_JAVA_OPTS overrides it, as for every node):
#
#   es-cluster-a  master and data: it bootstraps the cluster (cluster.initial_master_nodes, given
#                 only until the cluster's state is on its disk) and stays its one voting node
#   es-cluster-b  data only: it finds A through discovery.seed_hosts and holds the replicas
#
# Two master-eligible nodes would tolerate the loss of neither (a vote needs a majority of the
# voting configuration, and Elasticsearch keeps both in it once both bootstrapped it), so B holds
# data but never votes: B may stop at any time and the cluster keeps indexing and answering on A
# (with number_of_replicas 1, A has a copy of every shard); a stop of A stops writes until it is
# back. Surviving the loss of any one node takes three master-eligible nodes.
#
#   scripts/stack.sh up es-cluster      both, in order (A, then B joining it)
#   scripts/stack.sh down es-cluster-b  stop one node (the node-stop tests do this, or SIGKILL it)

for key in ES_CLUSTER_A_PORT ES_CLUSTER_A_TRANSPORT_PORT ES_CLUSTER_B_PORT ES_CLUSTER_B_TRANSPORT_PORT; do
  [ -n "${!key:-}" ] || fail "$key is not set: it belongs in $REPO_DIR/.env"
done

ES_CLUSTER_NAME=memstack-es-cluster
ES_CLUSTER_A_URL="http://127.0.0.1:$ES_CLUSTER_A_PORT"
ES_CLUSTER_B_URL="http://127.0.0.1:$ES_CLUSTER_B_PORT"
# Both nodes, comma-separated, for clients that spread requests over the cluster (the SDK's `nodes`).
ES_CLUSTER_URLS="$ES_CLUSTER_A_URL,$ES_CLUSTER_B_URL"

SCALE+=(es-cluster-a es-cluster-b)
GROUP[es-cluster]="es-cluster-a es-cluster-b"
for node in es-cluster-a es-cluster-b; do
  EXTRA_CMDLINE[$node]="*/bin/java * -Des.path.home=$MEMSTACK_CACHE/elasticsearch-* -Epath.data=$SERVICE_STATE_DIR/$node/data *"
done
unset node
EXTRA_URL[es-cluster-a]="$ES_CLUSTER_A_URL (version $ES_VERSION, cluster $ES_CLUSTER_NAME: master and data)"
EXTRA_URL[es-cluster-b]="$ES_CLUSTER_B_URL (version $ES_VERSION, cluster $ES_CLUSTER_NAME: data only)"
EXTRA_ENV+=(ES_CLUSTER_A_URL ES_CLUSTER_B_URL ES_CLUSTER_URLS)

# The settings both nodes share: the cluster's name and where to find each other.
es_cluster_settings() {
  printf '%s\n' -Ecluster.name="$ES_CLUSTER_NAME" -Enode.name="$1" \
    -Ediscovery.seed_hosts="127.0.0.1:$ES_CLUSTER_A_TRANSPORT_PORT,127.0.0.1:$ES_CLUSTER_B_TRANSPORT_PORT"
}

start_es_cluster_a() {
  local settings=()
  mapfile -t settings < <(es_cluster_settings es-cluster-a)
  # Bootstrapping is for a cluster's first start only: once A has the cluster's state on disk,
  # Elasticsearch warns on every start that still names initial master nodes (and a wiped peer
  # could bootstrap a second cluster with it).
  if ! run_as_service test -d "$SERVICE_STATE_DIR/es-cluster-a/data/_state"; then
    settings+=(-Ecluster.initial_master_nodes=es-cluster-a)
  fi
  # Up once it has elected itself master, whatever the status: indices with shards on B only are
  # red until B joins, which is B's start, not A's.
  ES_HEALTH_QUERY='timeout=1s' \
    start_es es-cluster-a "$ES_VERSION" "$ES_CLUSTER_A_PORT" "$ES_CLUSTER_A_TRANSPORT_PORT" "${settings[@]}" -Enode.roles=master,data,ingest
}

# B is up once the cluster has both nodes (it asks the elected master).
start_es_cluster_b() {
  local settings=()
  mapfile -t settings < <(es_cluster_settings es-cluster-b)
  ES_HEALTH_QUERY='wait_for_nodes=2&timeout=1s' \
    start_es es-cluster-b "$ES_VERSION" "$ES_CLUSTER_B_PORT" "$ES_CLUSTER_B_TRANSPORT_PORT" "${settings[@]}" -Enode.roles=data,ingest
}
