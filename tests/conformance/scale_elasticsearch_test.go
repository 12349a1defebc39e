package conformance

// Elasticsearch as a cluster (issue 24): two nodes of the stack's Elasticsearch 9 forming one
// cluster (scripts/stack/elasticsearch-cluster.sh), the SDK writing AI events to a data stream
// there, one node killed mid-run. Needs `scripts/stack.sh up es-cluster` and its URLs
// (eval "$(scripts/stack.sh env)": ES_CLUSTER_A_URL, ES_CLUSTER_B_URL); the node-stop test kills
// es-cluster-b and starts it again with the stack script.
//
//   AGENTMEMORY_PLUGIN_BIN=.../gpx_agentmemory_linux_amd64 go test -count=1 -run TestScaleES .

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

const (
	// The names the tests write to, inside the data source pattern scaleESPattern. This minimal
	// Elasticsearch cannot delete a data stream (no data-streams module: no DELETE _data_stream),
	// so the tests reuse theirs from run to run and tell their events apart by run_id.
	scaleESStream    = "ai-events-scale-stream"
	scaleESRetention = "ai-events-scale-retention"
	// An index without replicas whose shards all live on es-cluster-b: missing while it is down.
	scaleESPinned  = "ai-events-scale-pinned"
	scaleESPattern = "ai-events-scale-*"
	scaleESNodeB   = "es-cluster-b"
)

// clusterURLs are the two nodes' URLs as the stack exports them; the cluster must have both nodes.
func clusterURLs(t *testing.T) (string, string) {
	t.Helper()
	var urls []string
	for _, name := range []string{"ES_CLUSTER_A_URL", "ES_CLUSTER_B_URL"} {
		v := os.Getenv(name)
		if v == "" {
			t.Fatalf("%s is not set: start the cluster (scripts/stack.sh up es-cluster) and eval \"$(scripts/stack.sh env)\"", name)
		}
		urls = append(urls, v)
	}
	if n := esNodeCount(t, urls[0]); n != 2 {
		t.Fatalf("the cluster at %s has %d node(s), want 2: scripts/stack.sh up es-cluster", urls[0], n)
	}
	return urls[0], urls[1]
}

// esCall sends a JSON request to Elasticsearch and decodes the answer.
func esCall(t *testing.T, method, url string, body any) (int, map[string]any) {
	t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		t.Fatal(err)
	}
	ct := "application/json"
	if s, ok := body.(string); ok && strings.HasSuffix(s, "\n") {
		ct = "application/x-ndjson"
	}
	req.Header.Set("content-type", ct)
	client := http.Client{Timeout: 90 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var parsed map[string]any
	_ = json.Unmarshal(raw, &parsed)
	return resp.StatusCode, parsed
}

func esOK(t *testing.T, method, url string, body any) map[string]any {
	t.Helper()
	status, parsed := esCall(t, method, url, body)
	if status >= 300 {
		t.Fatalf("%s %s answered %d: %v", method, url, status, parsed)
	}
	return parsed
}

func esNodeCount(t *testing.T, url string) int {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url + "/_cluster/health")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var health struct {
		NumberOfNodes int `json:"number_of_nodes"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&health)
	return health.NumberOfNodes
}

// stackPid is the PID `scripts/stack.sh status` shows for a running component.
func stackPid(t *testing.T, component string) int {
	t.Helper()
	repo, _ := filepath.Abs("../..")
	out, err := exec.Command("bash", filepath.Join(repo, "scripts/stack.sh"), "status").Output()
	if err != nil {
		t.Fatalf("scripts/stack.sh status: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 4 && fields[0] == component && fields[1] == "up" && fields[2] == "pid" {
			pid, err := strconv.Atoi(fields[3])
			if err == nil {
				return pid
			}
		}
	}
	t.Fatalf("%s is not running (scripts/stack.sh status):\n%s", component, out)
	return 0
}

// sdkWriter is the SDK writing events (testdata/es-cluster-writer.mts), read line by line.
type sdkWriter struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan map[string]any
	mu     sync.Mutex
	acked  int
	logged int
	stderr *LockedBuffer
}

func startSDKWriter(t *testing.T, mode, stream, runID, nodes string) *sdkWriter {
	t.Helper()
	repo, _ := filepath.Abs("../..")
	cmd := exec.Command("node", "--import", "tsx", "tests/conformance/testdata/es-cluster-writer.mts")
	cmd.Dir = repo
	// Its own process group, killed whole at the end; Wait gives up on its pipes after 5 s.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(), "ES_NODES="+nodes, "DATA_STREAM="+stream, "RUN_ID="+runID, "WRITER_MODE="+mode)
	w := &sdkWriter{cmd: cmd, lines: make(chan map[string]any, 1024), stderr: &LockedBuffer{}}
	cmd.Stderr = w.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the SDK writer (node --import tsx): %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	go func() {
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(make([]byte, 1<<20), 64<<20)
		for scanner.Scan() {
			var line map[string]any
			if json.Unmarshal(scanner.Bytes(), &line) != nil {
				continue
			}
			if line["event"] == "progress" {
				w.mu.Lock()
				w.acked, w.logged = int(line["acknowledged"].(float64)), int(line["logged"].(float64))
				w.mu.Unlock()
				continue
			}
			w.lines <- line
		}
		close(w.lines)
	}()
	return w
}

func (w *sdkWriter) progress() (logged, acked int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.logged, w.acked
}

func (w *sdkWriter) send(t *testing.T, command string) {
	t.Helper()
	if _, err := io.WriteString(w.stdin, command+"\n"); err != nil {
		t.Fatalf("writing %q to the SDK writer: %v\n%s", command, err, w.stderr.String())
	}
}

func (w *sdkWriter) await(t *testing.T, event string, timeout time.Duration) map[string]any {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-w.lines:
			if !ok {
				t.Fatalf("the SDK writer ended before %q:\n%s", event, w.stderr.String())
			}
			if line["event"] == event {
				return line
			}
		case <-deadline:
			t.Fatalf("no %q from the SDK writer within %s:\n%s", event, timeout, w.stderr.String())
		}
	}
}

// awaitAcked waits until the writer reports at least n acknowledged events.
func (w *sdkWriter) awaitAcked(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if _, acked := w.progress(); acked >= n {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	logged, acked := w.progress()
	t.Fatalf("%d of %d events acknowledged after %s, want %d:\n%s", acked, logged, timeout, n, w.stderr.String())
}

func stringList(t *testing.T, v any) []string {
	t.Helper()
	items, ok := v.([]any)
	if !ok {
		t.Fatalf("%v is not a list", v)
	}
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = item.(string)
	}
	return out
}

// noticesOf is every notice text of a response's frames.
func noticesOf(t *testing.T, res *pluginv2.DataResponse) []string {
	t.Helper()
	if res.Error != "" {
		t.Fatalf("query failed: %s", res.Error)
	}
	var notices []string
	for _, f := range decodeFrames(t, res) {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				notices = append(notices, fmt.Sprintf("[%s] %s", n.Severity, n.Text))
			}
		}
	}
	return notices
}

func partialNotice(notices []string) string {
	for _, n := range notices {
		if strings.Contains(n, "Elasticsearch: partial results:") {
			return n
		}
	}
	return ""
}

// countSum adds up the values of logs_count frames.
func countSum(t *testing.T, res *pluginv2.DataResponse) int {
	t.Helper()
	total := 0
	for _, f := range decodeFrames(t, res) {
		if len(f.Fields) < 2 {
			continue
		}
		for i := 0; i < f.Fields[1].Len(); i++ {
			switch v := f.Fields[1].At(i).(type) {
			case float64:
				total += int(v)
			case *float64:
				if v != nil {
					total += int(*v)
				}
			}
		}
	}
	return total
}

// TestScaleESDataStreamSurvivesNodeStop: the SDK writes AI events to a data stream on the two-node
// cluster (number_of_replicas 1) while es-cluster-b is killed (SIGKILL of its process group)
// and started again. Every event the SDK reported acknowledged is searchable exactly once, no
// event is there twice, writing went on while the node was down; meanwhile the data source's logs,
// logs_count and correlate queries over a pattern that also covers an index whose only copies
// were on the stopped node answer with a warning notice saying how many shards answered.
func TestScaleESDataStreamSurvivesNodeStop(t *testing.T) {
	a, b := clusterURLs(t)
	runID := fmt.Sprintf("run%d", time.Now().UnixNano())
	started := time.Now()

	// The index without replicas, on es-cluster-b only: made afresh, three events of this run.
	esCall(t, "DELETE", a+"/"+scaleESPinned, nil)
	esOK(t, "PUT", a+"/"+scaleESPinned, map[string]any{"settings": map[string]any{
		"number_of_shards": 2, "number_of_replicas": 0, "index.routing.allocation.require._name": scaleESNodeB,
	}})
	var bulk strings.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&bulk, "{\"create\":{}}\n{\"@timestamp\":%q,\"operation\":\"pinned\",\"message\":\"on node b only\",\"run_id\":%q}\n",
			time.Now().UTC().Format(time.RFC3339Nano), runID)
	}
	esOK(t, "POST", a+"/"+scaleESPinned+"/_bulk?refresh=true", bulk.String())
	esOK(t, "GET", a+"/_cluster/health/"+scaleESPinned+"?wait_for_status=green&timeout=60s", nil)

	w := startSDKWriter(t, "load", scaleESStream, runID, a+","+b)
	w.awaitAcked(t, 300, 90*time.Second)
	w.send(t, "maintain") // a rollover (maxDocs 200) before the stop: the events span backing indices
	t.Logf("before the stop: %v", w.await(t, "maintained", 30*time.Second)["report"])

	// Every shard copy allocated (the write index a rollover just made included): with one
	// replica, each shard then has a copy on the node that stays.
	esOK(t, "GET", a+"/_cluster/health?wait_for_status=green&timeout=60s", nil)
	_, ackedAtKill := w.progress()
	pid := stackPid(t, scaleESNodeB)
	killed := time.Now()
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL to the process group of %s (pid %d): %v", scaleESNodeB, pid, err)
	}
	for esNodeCount(t, a) != 1 {
		if time.Since(killed) > 60*time.Second {
			t.Fatalf("es-cluster-a still sees %d nodes 60 s after %s was killed", esNodeCount(t, a), scaleESNodeB)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%s killed; es-cluster-a saw it leave after %s", scaleESNodeB, time.Since(killed).Round(time.Millisecond))

	p := startPlugin(t)
	ctx := pluginContext(t, map[string]any{"elasticsearchUrl": a, "elasticsearchIndex": scaleESPattern}, nil)
	from, to := started.Add(-time.Minute), time.Now().Add(time.Minute)
	runQuery := fmt.Sprintf("run_id:%s", runID)

	t.Run("with a node down, logs, logs_count and correlate answer with a partial-results notice", func(t *testing.T) {
		res, err := p.data.QueryData(ctxWithTimeout(t, 60*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: ctx,
			Queries: []*pluginv2.DataQuery{
				query(t, "LOGS", "logs", map[string]any{"query": runQuery, "limit": 20}, from, to),
				query(t, "COUNT", "logs_count", map[string]any{"query": runQuery, "groupBy": "operation"}, from, to),
				query(t, "CORR", "correlate", map[string]any{}, from, to),
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		logs := res.Responses["LOGS"]
		notice := partialNotice(noticesOf(t, logs))
		if notice == "" {
			t.Fatalf("no partial-results notice on the logs frame: %v", noticesOf(t, logs))
		}
		t.Logf("logs notice: %s", notice)
		for _, want := range []string{"[warning] ", " shards answered, ", " failed (first: index " + scaleESPinned + " shard "} {
			if !strings.Contains(notice, want) {
				t.Fatalf("notice %q lacks %q", notice, want)
			}
		}
		if rows := decodeFrames(t, logs)[0].Rows(); rows == 0 {
			t.Fatal("the logs query kept no rows: the data stream's events are on the live node")
		}
		countNotices := noticesOf(t, res.Responses["COUNT"])
		if partialNotice(countNotices) == "" {
			t.Fatalf("no partial-results notice on the logs_count frames: %v", countNotices)
		}
		for _, f := range decodeFrames(t, res.Responses["COUNT"]) {
			if f.Fields[1].Labels["operation"] == "pinned" {
				t.Fatal("logs_count counted the events of the missing shards")
			}
		}
		if corr := noticesOf(t, res.Responses["CORR"]); partialNotice(corr) == "" {
			t.Fatalf("no partial-results notice on the correlated view: %v", corr)
		}
	})

	t.Run("a pattern whose every shard is missing is an error of the cluster, not of the query", func(t *testing.T) {
		pinnedOnly := pluginContext(t, map[string]any{"elasticsearchUrl": a, "elasticsearchIndex": scaleESPinned}, nil)
		res, err := p.data.QueryData(ctxWithTimeout(t, 60*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: pinnedOnly,
			Queries:       []*pluginv2.DataQuery{query(t, "LOGS", "logs", map[string]any{"limit": 5}, from, to)},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Responses["LOGS"]
		if !strings.Contains(r.Error, "Elasticsearch could not run the search (HTTP 503): all shards failed") {
			t.Fatalf("error %q, want the cluster's 503", r.Error)
		}
	})

	// Writing went on with the node down (10 s at least): acknowledged by the remaining node,
	// whose replicas became primaries.
	deadline := time.Now().Add(40 * time.Second)
	for _, acked := w.progress(); acked < ackedAtKill+300 || time.Since(killed) < 10*time.Second; _, acked = w.progress() {
		if time.Now().After(deadline) {
			t.Fatalf("only %d events acknowledged in 30 s with %s down (%d before):\n%s", acked-ackedAtKill, scaleESNodeB, ackedAtKill, w.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, ackedDown := w.progress()
	restarting := time.Now()
	stackCommand(t, "up", scaleESNodeB)
	esOK(t, "GET", a+"/_cluster/health?wait_for_status=green&timeout=120s", nil)
	t.Logf("%s down %s; %d events acknowledged meanwhile; restarted and the cluster green in %s",
		scaleESNodeB, restarting.Sub(killed).Round(time.Millisecond), ackedDown-ackedAtKill, time.Since(restarting).Round(time.Millisecond))

	_, ackedUp := w.progress()
	w.awaitAcked(t, ackedUp+200, 60*time.Second)
	w.send(t, "maintain")
	t.Logf("after the restart: %v", w.await(t, "maintained", 30*time.Second)["report"])
	w.send(t, "stop")
	done := w.await(t, "done", 90*time.Second)
	logged, acknowledged := stringList(t, done["logged"]), stringList(t, done["acknowledged"])
	t.Logf("SDK: %d events logged, %d acknowledged, drops %v", len(logged), len(acknowledged), done["dropped"])

	t.Run("every acknowledged event is searchable exactly once, and no event twice", func(t *testing.T) {
		esOK(t, "POST", a+"/"+scaleESStream+"/_refresh", nil)
		found := esOK(t, "POST", a+"/"+scaleESStream+"/_search", map[string]any{
			"size":             10000,
			"track_total_hits": true,
			"_source":          []string{"seq"},
			"query":            map[string]any{"term": map[string]any{"run_id.keyword": runID}},
		})
		if shards := found["_shards"].(map[string]any); shards["failed"].(float64) != 0 {
			t.Fatalf("the check's own search was partial: %v", shards)
		}
		hits := found["hits"].(map[string]any)["hits"].([]any)
		if len(hits) >= 10000 {
			t.Fatalf("%d hits: the check reads at most 10000", len(hits))
		}
		byID, bySeq, indices := map[string]int{}, map[float64]int{}, map[string]bool{}
		for _, h := range hits {
			hit := h.(map[string]any)
			byID[hit["_id"].(string)]++
			bySeq[hit["_source"].(map[string]any)["seq"].(float64)]++
			indices[hit["_index"].(string)] = true
		}
		isLogged := map[string]bool{}
		for _, id := range logged {
			isLogged[id] = true
		}
		for _, id := range acknowledged {
			if byID[id] != 1 {
				t.Errorf("acknowledged event %s is there %d times", id, byID[id])
			}
		}
		for id, n := range byID {
			if n != 1 || !isLogged[id] {
				t.Errorf("event %s: %d copies, logged by this run: %v", id, n, isLogged[id])
			}
		}
		for seq, n := range bySeq {
			if n != 1 {
				t.Errorf("event seq %v is there %d times", seq, n)
			}
		}
		t.Logf("%d acknowledged, %d found (%d found without an acknowledgement), across %d backing indices",
			len(acknowledged), len(hits), len(hits)-len(acknowledged), len(indices))
		if len(acknowledged) == 0 || len(acknowledged) < len(logged)*9/10 {
			t.Fatalf("%d of %d events acknowledged", len(acknowledged), len(logged))
		}
	})

	t.Run("the data source counts the data stream's events once the node is back, without a notice", func(t *testing.T) {
		streamCtx := pluginContext(t, map[string]any{"elasticsearchUrl": a, "elasticsearchIndex": scaleESStream}, nil)
		res, err := p.data.QueryData(ctxWithTimeout(t, 60*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: streamCtx,
			Queries: []*pluginv2.DataQuery{
				query(t, "COUNT", "logs_count", map[string]any{"query": runQuery}, from, time.Now().Add(time.Minute)),
				query(t, "LOGS", "logs", map[string]any{"query": runQuery, "limit": 5}, from, time.Now().Add(time.Minute)),
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if notices := noticesOf(t, res.Responses["COUNT"]); len(notices) > 0 {
			t.Fatalf("notices with every shard back: %v", notices)
		}
		found := esOK(t, "POST", a+"/"+scaleESStream+"/_count", map[string]any{
			"query": map[string]any{"term": map[string]any{"run_id.keyword": runID}},
		})["count"].(float64)
		if got := countSum(t, res.Responses["COUNT"]); got != int(found) {
			t.Fatalf("logs_count over %s sums to %d, Elasticsearch counts %v", scaleESStream, got, found)
		}
		ids := fieldByName(t, decodeFrames(t, res.Responses["LOGS"])[0], "id")
		if ids.Len() != 5 {
			t.Fatalf("%d log lines, want 5", ids.Len())
		}
	})
	t.Logf("test time %s", time.Since(started).Round(time.Second))
}

// TestScaleESDataStreamRolloverAndRetention: on this Elasticsearch (no ILM, no data stream
// lifecycle: the integ-test zip lacks both modules) the SDK runs the lifecycle itself: a
// conditional rollover makes a new write index, and a backing index that rolled over longer
// ago than the retention is deleted, never the write index. Where every node has the
// data-streams module the template says Elasticsearch runs it instead.
func TestScaleESDataStreamRolloverAndRetention(t *testing.T) {
	a, b := clusterURLs(t)
	modules := esOK(t, "GET", a+"/_nodes?filter_path=nodes.*.modules.name", nil)
	withLifecycle := true
	for _, node := range modules["nodes"].(map[string]any) {
		has := false
		for _, m := range node.(map[string]any)["modules"].([]any) {
			if m.(map[string]any)["name"] == "data-streams" {
				has = true
			}
		}
		withLifecycle = withLifecycle && has
	}
	w := startSDKWriter(t, "retention", scaleESRetention, fmt.Sprintf("run%d", time.Now().UnixNano()), a+","+b)
	result := w.await(t, "retention", 90*time.Second)
	t.Logf("lifecycle passes: first %v, second %v", result["first"], result["second"])

	template := esOK(t, "GET", a+"/_index_template/ai_events_scale_retention_data_stream", nil)
	body := template["index_templates"].([]any)[0].(map[string]any)["index_template"].(map[string]any)
	if _, ok := body["data_stream"]; !ok {
		t.Fatalf("the template has no data_stream: %v", body)
	}
	lifecycle := body["_meta"].(map[string]any)["lifecycle"]
	if want := map[bool]string{true: "elasticsearch", false: "sdk"}[withLifecycle]; lifecycle != want {
		t.Fatalf("template lifecycle %v, want %s (data-streams module on every node: %v)", lifecycle, want, withLifecycle)
	}
	if withLifecycle {
		t.Skip("this Elasticsearch runs the data stream lifecycle itself: the SDK's rollover and retention are not used")
	}
	first, second := result["first"].(map[string]any), result["second"].(map[string]any)
	if first["rolledOver"] != true {
		t.Fatalf("the first pass did not roll over a write index holding two events: %v", first)
	}
	deleted := stringList(t, second["deleted"])
	if len(deleted) == 0 {
		t.Fatalf("the second pass deleted nothing 2.5 s after a rollover with a 2 s retention: %v", second)
	}
	resolved := esOK(t, "GET", a+"/_resolve/index/"+scaleESRetention, nil)
	streams := resolved["data_streams"].([]any)
	if len(streams) != 1 {
		t.Fatalf("resolve %s: %v", scaleESRetention, resolved)
	}
	backing := stringList(t, streams[0].(map[string]any)["backing_indices"])
	for _, index := range deleted {
		for _, left := range backing {
			if left == index {
				t.Fatalf("%s was reported deleted but is still a backing index: %v", index, backing)
			}
		}
	}
	if len(backing) == 0 {
		t.Fatal("the data stream lost its write index")
	}
	t.Logf("deleted %v; left %v", deleted, backing)
}
