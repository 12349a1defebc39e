package conformance

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// hostileUpstream is a local server that answers as a broken or malicious Prometheus,
// Elasticsearch or Jaeger would. The first path segment picks the behaviour; the rest is the
// API path the plugin asked for.
type hostileUpstream struct {
	*httptest.Server
	disconnects chan string // paths whose client went away before the answer
	bytesSent   atomic.Int64
}

func newHostileUpstream(t *testing.T) *hostileUpstream {
	h := &hostileUpstream{disconnects: make(chan string, 64)}
	chunk := []byte(strings.Repeat(`{"x":"0123456789abcdef"},`, 2600)) // ~64 KiB
	stream := func(w http.ResponseWriter, r *http.Request, total int64, pause time.Duration) {
		w.Header().Set("Content-Type", "application/json")
		flusher := w.(http.Flusher)
		var sent int64
		for total < 0 || sent < total {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent += int64(len(chunk))
			h.bytesSent.Add(int64(len(chunk)))
			flusher.Flush()
			if pause > 0 {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(pause):
				}
			}
		}
	}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, api, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch mode {
		case "endless":
			stream(w, r, -1, 0)
		case "gigabyte":
			stream(w, r, 1<<30, 0) // chunked, 1 GiB
		case "declared-gigabyte":
			w.Header().Set("Content-Length", strconv.Itoa(1<<30))
			stream(w, r, 1<<30, 0)
		case "slowloris":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			for i := 0; i < 600; i++ {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
		case "html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>")
		case "hang":
			// Go notices a closed connection only once the request body has been read.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
			h.disconnects <- api
		case "shape":
			w.Header().Set("Content-Type", "application/json")
			switch {
			case strings.Contains(api, "api/v1/query"):
				fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":{"nested":1}},"values":[[1700000000,"1"]]}]}}`)
			case strings.Contains(api, "_search"):
				fmt.Fprint(w, `{"hits":{"total":{"value":1},"hits":[{"_id":"1","_index":"ai-events-x"}]}}`)
			case strings.Contains(api, "api/traces"):
				fmt.Fprint(w, `{"data":[{"traceID":"abc","processes":{}}]}`)
			default:
				fmt.Fprint(w, `{"data":[1,2,3]}`)
			}
		case "valid":
			// Small well-formed answers, so that timing a query measures the backend's own work.
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, validAnswer(api))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

// validAnswer is a small answer of the right shape for each API path the plugin calls.
func validAnswer(api string) string {
	labels := `{"__name__":"ai_memory_operations_total","operation":"search","agent_type":"coding","constructor":"c"}`
	switch {
	case strings.Contains(api, "api/v1/query_range"):
		return `{"status":"success","data":{"resultType":"matrix","result":[{"metric":` + labels + `,"values":[[1700000000,"1"],[1700000015,"2"]]},{"metric":{"operation":"add"},"values":[[1700000000,"3"]]}]}}`
	case strings.Contains(api, "api/v1/query"):
		return `{"status":"success","data":{"resultType":"vector","result":[{"metric":` + labels + `,"value":[1700000000,"1"]}]}}`
	case strings.Contains(api, "api/v1/label"):
		return `{"status":"success","data":["operation","agent_type"]}`
	case strings.Contains(api, "_search"):
		return `{"hits":{"total":{"value":1},"hits":[{"_id":"1","_index":"ai-events-x","_source":{"@timestamp":"2026-01-01T00:00:00Z","message":"m","level":"INFO","operation":"search"}}]},` +
			`"aggregations":{"values":{"buckets":[{"key":"coding","doc_count":1}]}}}`
	case strings.Contains(api, "api/services"):
		return `{"data":["agentmemory-demo"]}`
	case strings.Contains(api, "operations"):
		return `{"data":["ai.memory.search"]}`
	default:
		return `{"data":[]}`
	}
}

func rssBytes(t *testing.T, pid int) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the plugin's memory: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS line")
	return 0
}

func hostileSettings(base, mode string, capMiB int) map[string]any {
	return map[string]any{
		"prometheusUrl":               base + "/" + mode,
		"elasticsearchUrl":            base + "/" + mode,
		"jaegerUrl":                   base + "/" + mode,
		"jaegerService":               "agentmemory-demo",
		"timeoutSeconds":              3,
		"prometheusMaxResponseMiB":    capMiB,
		"elasticsearchMaxResponseMiB": capMiB,
		"jaegerMaxResponseMiB":        capMiB,
	}
}

func withUID(ctx *pluginv2.PluginContext, uid string) *pluginv2.PluginContext {
	ctx.DataSourceInstanceSettings.Uid = uid
	return ctx
}

// TestHostileUpstreams: endless and 1 GiB bodies, a slow-loris, HTML and wrong JSON shapes, while
// another data source instance keeps answering. Each query fails with an error naming its source
// and saying why; the process stays under cap + 150 MB and does not crash.
func TestHostileUpstreams(t *testing.T) {
	p := startPlugin(t)
	h := newHostileUpstream(t)
	const capMiB = 8
	pid := p.client.ReattachConfig().Pid
	now := time.Now()
	from := now.Add(-15 * time.Minute)

	// The well-behaved instance, on the real stack, answers all along.
	stop := make(chan struct{})
	var goodAnswers, goodFailures atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctx := withUID(pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil), "good")
		for {
			select {
			case <-stop:
				return
			default:
			}
			res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: []*pluginv2.DataQuery{
				metricsQuery(t, "G", map[string]any{"expr": "count(" + demoSelector + ")"}, from, now),
			}})
			if err != nil || res.Responses["G"].Error != "" {
				goodFailures.Add(1)
			} else {
				goodAnswers.Add(1)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	var peak atomic.Int64
	sampling := make(chan struct{})
	go func() {
		for {
			select {
			case <-sampling:
				return
			case <-time.After(20 * time.Millisecond):
				if rss := rssBytes(t, pid); rss > peak.Load() {
					peak.Store(rss)
				}
			}
		}
	}()
	baseline := rssBytes(t, pid)

	expect := map[string]struct {
		queryType string
		model     map[string]any
		want      string
	}{
		"endless":           {"metrics", map[string]any{"expr": "up"}, "Prometheus at http://127.0.0.1:%d/endless sent a response larger than 8 MiB"},
		"gigabyte":          {"logs", map[string]any{}, "Elasticsearch at http://127.0.0.1:%d/gigabyte sent a response larger than 8 MiB"},
		"declared-gigabyte": {"traces", map[string]any{"service": "x"}, "Jaeger at http://127.0.0.1:%d/declared-gigabyte sent a response larger than 8 MiB"},
		"slowloris":         {"metrics", map[string]any{"expr": "up"}, "Prometheus at http://127.0.0.1:%d/slowloris did not answer within 3 s"},
		"html":              {"logs", map[string]any{}, "with something that is not JSON: \"<!doctype html><html><body><h1>Welcome to nginx!"},
	}
	port := h.Listener.Addr().(*netAddr).Port
	ask := func(mode string) {
		e := expect[mode]
		ctx := withUID(pluginContext(t, hostileSettings(h.URL, mode, capMiB), nil), "hostile-"+mode)
		res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: []*pluginv2.DataQuery{
			query(t, "H", e.queryType, e.model, from, now),
		}})
		if err != nil {
			t.Errorf("%s: the request failed as a whole: %v", mode, err)
			return
		}
		r := res.Responses["H"]
		want := e.want
		if strings.Contains(want, "%d") {
			want = fmt.Sprintf(want, port)
		}
		if r.ErrorSource != "downstream" || !strings.Contains(r.Error, want) {
			t.Errorf("%s: %q (%s); want a downstream error containing %q", mode, r.Error, r.ErrorSource, want)
		}
		if mode == "slowloris" && r.Status != 504 {
			t.Errorf("a source that does not answer in time: status %d, want 504", r.Status)
		}
	}
	// The bodies that fill the cap come one at a time (the bound is cap + 150 MB); the slow-loris
	// and the HTML page hit the plugin at the same time, and the good instance all along.
	for round := 0; round < 3; round++ {
		var rwg sync.WaitGroup
		for _, mode := range []string{"slowloris", "html"} {
			rwg.Add(1)
			go func(mode string) {
				defer rwg.Done()
				ask(mode)
			}(mode)
		}
		for _, mode := range []string{"endless", "gigabyte", "declared-gigabyte"} {
			ask(mode)
		}
		rwg.Wait()
	}
	close(sampling)
	close(stop)
	wg.Wait()

	limit := int64(capMiB+150) << 20
	t.Logf("plugin RSS: %d MiB before, peak %d MiB (limit %d MiB); hostile upstreams sent %d MiB; good instance: %d answers, %d failures",
		baseline>>20, peak.Load()>>20, limit>>20, h.bytesSent.Load()>>20, goodAnswers.Load(), goodFailures.Load())
	if peak.Load() > limit {
		t.Fatalf("plugin RSS peaked at %d MiB, over cap + 150 MB (%d MiB)", peak.Load()>>20, limit>>20)
	}
	if goodFailures.Load() > 0 || goodAnswers.Load() < 5 {
		t.Fatalf("the well-behaved instance got %d failures and %d answers while the others were attacked", goodFailures.Load(), goodAnswers.Load())
	}
	if p.client.Exited() {
		t.Fatal("the plugin process exited")
	}
}

// TestWrongShapesNameTheSource: valid JSON of the wrong shape is the upstream's fault, named.
func TestWrongShapesNameTheSource(t *testing.T) {
	p := startPlugin(t)
	h := newHostileUpstream(t)
	ctx := pluginContext(t, hostileSettings(h.URL, "shape", 8), nil)
	now := time.Now()
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: []*pluginv2.DataQuery{
		metricsQuery(t, "PROM", map[string]any{"expr": "up"}, now.Add(-time.Hour), now),
		query(t, "ES", "logs", map[string]any{}, now.Add(-time.Hour), now),
		query(t, "JAEGER", "traces", map[string]any{"service": "x"}, now.Add(-time.Hour), now),
	}})
	if err != nil {
		t.Fatal(err)
	}
	for refID, want := range map[string]string{
		"PROM":   "Prometheus answered a query result of an unexpected shape: a label value is not a string",
		"ES":     "Elasticsearch answered search hits of an unexpected shape",
		"JAEGER": "Jaeger answered with an unexpected shape: a trace has no traceID or no spans list",
	} {
		r := res.Responses[refID]
		if r.ErrorSource != "downstream" || !strings.Contains(r.Error, want) || strings.Contains(r.Error, "Internal error") {
			t.Errorf("%s: %q (%s); want a downstream error %q", refID, r.Error, r.ErrorSource, want)
		}
	}
}

// TestCancellationReachesTheUpstream: when Grafana cancels a query, the upstream request is
// aborted at once, and the cancellation does not count against the source's breaker.
func TestCancellationReachesTheUpstream(t *testing.T) {
	p := startPlugin(t)
	h := newHostileUpstream(t)
	settings := hostileSettings(h.URL, "hang", 8)
	settings["timeoutSeconds"] = 60
	now := time.Now()
	for i := 0; i < 8; i++ { // more than the breaker's volume threshold
		ctx, cancel := contextWithCancel()
		go func() { time.Sleep(200 * time.Millisecond); cancel() }()
		_, err := p.data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pluginContext(t, settings, nil), Queries: []*pluginv2.DataQuery{
			metricsQuery(t, "C", map[string]any{"expr": "up"}, now.Add(-time.Hour), now),
		}})
		if err == nil {
			t.Fatal("the cancelled call answered")
		}
		select {
		case path := <-h.disconnects:
			if !strings.Contains(path, "api/v1/query_range") {
				t.Fatalf("unexpected upstream path %s", path)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("cancellation %d did not reach the upstream within 2 s", i)
		}
	}
	metrics, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	text := string(metrics.Metrics.Prometheus)
	if !strings.Contains(text, `agentmemory_backend_queries_total{query_type="metrics",status="cancelled"} 8`) {
		t.Fatalf("cancellations are not counted as such:\n%s", grepLines(text, "queries_total"))
	}
	if strings.Contains(grepLines(text, "circuit_breaker_state{"), "} 1") {
		t.Fatalf("cancellations opened the breaker:\n%s", grepLines(text, "circuit_breaker_state"))
	}
}

// TestRequestLimitsAndOddRefIDs: refIds that are JavaScript object keys answer like any other; an
// unknown query type is counted as "unknown"; queries past the per-request cap get their own error.
func TestRequestLimitsAndOddRefIDs(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, map[string]any{"prometheusUrl": prometheusURL(t)}, nil)
	now := time.Now()
	queries := []*pluginv2.DataQuery{}
	for _, refID := range []string{"__proto__", "constructor", "toString", "hasOwnProperty"} {
		queries = append(queries, metricsQuery(t, refID, map[string]any{"expr": "count(" + demoSelector + ")"}, now.Add(-5*time.Minute), now))
	}
	odd := metricsQuery(t, "ODD", map[string]any{"expr": "up"}, now.Add(-5*time.Minute), now)
	odd.QueryType = "sql-injection-" + strings.Repeat("x", 20)
	queries = append(queries, odd)
	for i := len(queries); i < 105; i++ {
		queries = append(queries, metricsQuery(t, fmt.Sprintf("Q%03d", i), map[string]any{"expr": "vector(1)"}, now.Add(-time.Minute), now))
	}
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: queries})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Responses) != 105 {
		t.Fatalf("%d responses for 105 queries", len(res.Responses))
	}
	for _, refID := range []string{"__proto__", "constructor", "toString", "hasOwnProperty"} {
		r := res.Responses[refID]
		if r == nil || r.Error != "" || len(decodeFrames(t, r)) == 0 {
			t.Fatalf("refId %s: %+v", refID, r)
		}
	}
	if r := res.Responses["ODD"]; r.Status != 400 || !strings.Contains(r.Error, "unknown query type") {
		t.Fatalf("unknown query type: %+v", r)
	}
	if r := res.Responses["Q104"]; r.Status != 400 || !strings.Contains(r.Error, "one request runs at most 100") {
		t.Fatalf("the 105th query: %+v", r)
	}
	if r := res.Responses["Q099"]; r.Error != "" {
		t.Fatalf("the 100th query: %+v", r)
	}
	metrics, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	text := string(metrics.Metrics.Prometheus)
	if !strings.Contains(text, `query_type="unknown",status="error"} 1`) || strings.Contains(text, "sql-injection") {
		t.Fatalf("the unknown query type is not recorded as unknown:\n%s", grepLines(text, "queries_total"))
	}
}

func grepLines(text, needle string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, needle) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestCustomHeadersReachTheUpstream: headers set per source (names in jsonData, values in
// secureJsonData) are sent with each request, next to the source's own auth. A recording server
// stands in for the upstream here because a real Prometheus does not show the headers it got.
func TestCustomHeadersReachTheUpstream(t *testing.T) {
	got := make(chan http.Header, 4)
	recorder := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"1"]}]}}`)
	}))
	t.Cleanup(recorder.Close)
	p := startPlugin(t)
	now := time.Now()
	res, err := p.data.QueryData(ctxWithTimeout(t, 10*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t,
			map[string]any{"prometheusUrl": recorder.URL, "prometheusHttpHeaderNames": []string{"X-Scope-OrgID", "X-Proxy-Token"}},
			map[string]string{"prometheusHttpHeaderValue0": "tenant-7", "prometheusHttpHeaderValue1": "s3cret-proxy", "prometheusBearerToken": "tok"}),
		Queries: []*pluginv2.DataQuery{metricsQuery(t, "H", map[string]any{"expr": "up", "instant": true}, now.Add(-time.Minute), now)},
	})
	if err != nil || res.Responses["H"].Error != "" {
		t.Fatalf("query: %v %+v", err, res)
	}
	headers := <-got
	if headers.Get("X-Scope-OrgID") != "tenant-7" || headers.Get("X-Proxy-Token") != "s3cret-proxy" || headers.Get("Authorization") != "Bearer tok" {
		t.Fatalf("upstream got headers %v", headers)
	}
	if strings.Contains(p.logs.String(), "s3cret-proxy") {
		t.Fatal("a header value reached the log")
	}
}

// TestCustomQueryParametersAndPartialAnswers: the custom query parameters reach the upstream in the
// URL of a query and of a label list, and an answer VictoriaMetrics' cluster marks isPartial
// carries the partial-answer notice. A recording server stands in for vmselect (the cluster
// version cannot run here; Thanos' partial answers are proven on Thanos in tests/scale).
func TestCustomQueryParametersAndPartialAnswers(t *testing.T) {
	got := make(chan *url.URL, 4)
	recorder := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/label/") {
			fmt.Fprint(w, `{"status":"success","data":["agentmemory-demo"]}`)
			return
		}
		fmt.Fprint(w, `{"status":"success","isPartial":true,"data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"1"]}]}}`)
	}))
	t.Cleanup(recorder.Close)
	p := startPlugin(t)
	settings := map[string]any{"prometheusUrl": recorder.URL, "customQueryParameters": "extra_label=tenant=7&nocache=1"}
	now := time.Now()
	res, err := p.data.QueryData(ctxWithTimeout(t, 10*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil),
		Queries:       []*pluginv2.DataQuery{metricsQuery(t, "P", map[string]any{"expr": "up", "instant": true}, now.Add(-time.Minute), now)},
	})
	if err != nil || res.Responses["P"].Error != "" {
		t.Fatalf("query: %v %+v", err, res)
	}
	if q := (<-got).Query(); q.Get("extra_label") != "tenant=7" || q.Get("nocache") != "1" {
		t.Fatalf("the query's URL carried %v, want extra_label=tenant=7 and nocache=1", q)
	}
	frames := decodeFrames(t, res.Responses["P"])
	notices := fmt.Sprint(frames[0].Meta.Notices)
	if !strings.Contains(notices, "partial answer") {
		t.Fatalf("no partial-answer notice on an isPartial answer: %s", notices)
	}
	if answer := callResource(t, p, settings, "prometheus/label-values", url.Values{"label": {"job"}}); answer.code != http.StatusOK {
		t.Fatalf("label values: %d %s", answer.code, answer.body)
	}
	if q := (<-got).Query(); q.Get("extra_label") != "tenant=7" {
		t.Fatalf("the label list's URL carried %v, want extra_label=tenant=7", q)
	}
}
