package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// recordingUpstream answers as a healthy Prometheus, Elasticsearch and Jaeger would, after
// `delay`, and records every path it was asked (query string aside).
type recordingUpstream struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newRecordingUpstream(t *testing.T, delay time.Duration) *recordingUpstream {
	u := &recordingUpstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.paths = append(u.paths, r.URL.Path)
		u.mu.Unlock()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(delay):
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/api/v1/status/buildinfo"):
			fmt.Fprint(w, `{"status":"success","data":{"version":"3.0.0"}}`)
		case strings.HasSuffix(r.URL.Path, "/_cluster/health"):
			fmt.Fprint(w, `{"status":"green","cluster_name":"c"}`)
		case strings.HasSuffix(r.URL.Path, "/_nodes"):
			fmt.Fprint(w, `{"nodes":{"n1":{"version":"9.2.4"}}}`)
		default:
			fmt.Fprint(w, validAnswer(r.URL.Path))
		}
	}))
	t.Cleanup(u.Close)
	return u
}

// asked is every path requested so far, and forgets them.
func (u *recordingUpstream) asked() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	paths := u.paths
	u.paths = nil
	return paths
}

// TestJaegerDotNamesStayInTheirPath: URL parsing resolves "." and ".." path segments, so service
// ".." would turn /api/services/../operations into /api/operations. A dot-only service or
// operation is refused with an error that says so, through every entry point, and nothing is
// sent to Jaeger; a real service still reaches its own path.
func TestJaegerDotNamesStayInTheirPath(t *testing.T) {
	p := startPlugin(t)
	jaeger := newRecordingUpstream(t, 0)
	settings := map[string]any{"jaegerUrl": jaeger.URL, "jaegerService": ".."}

	for _, service := range []string{"..", ".", "..."} {
		a := callResource(t, p, settings, "jaeger/operations", url.Values{"service": {service}})
		if a.code != 400 || !strings.Contains(a.err.Error, fmt.Sprintf(`service %q is only dots`, service)) {
			t.Errorf("jaeger/operations?service=%s: %d %q; want 400 saying the service is only dots", service, a.code, a.err.Error)
		}
	}

	now := time.Now()
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil),
		Queries: []*pluginv2.DataQuery{
			query(t, "S", "traces", map[string]any{"service": ".."}, now.Add(-time.Hour), now),
			query(t, "O", "traces", map[string]any{"service": "agentmemory-demo", "operation": "."}, now.Add(-time.Hour), now),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for refID, want := range map[string]string{"S": `service ".." is only dots`, "O": `operation "." is only dots`} {
		if r := res.Responses[refID]; !strings.Contains(r.Error, want) || r.ErrorSource == "downstream" {
			t.Errorf("%s: %q (%s); want a query error %q", refID, r.Error, r.ErrorSource, want)
		}
	}
	// The correlated view takes its service from the settings (jaegerService ".." here).
	res, err = p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil),
		Queries:       []*pluginv2.DataQuery{query(t, "C", "correlate", map[string]any{}, now.Add(-time.Hour), now)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if paths := jaeger.asked(); len(paths) != 0 {
		t.Fatalf("dot-only names reached Jaeger at %v", paths)
	}

	a := callResource(t, p, settings, "jaeger/operations", url.Values{"service": {"agentmemory-demo"}})
	if a.code != 200 {
		t.Fatalf("a real service: %d %s", a.code, a.body)
	}
	if paths := jaeger.asked(); len(paths) != 1 || paths[0] != "/api/services/agentmemory-demo/operations" {
		t.Fatalf("a real service asked %v; want /api/services/agentmemory-demo/operations", paths)
	}
}

// TestCheckHealthCancelledAbortsTheUpstreams: when Grafana's CheckHealth call is cancelled (here
// by its deadline), the upstream requests of the probe are aborted at once, not left to their
// own 60 s timeout.
func TestCheckHealthCancelledAbortsTheUpstreams(t *testing.T) {
	p := startPlugin(t)
	h := newHostileUpstream(t)
	settings := hostileSettings(h.URL, "hang", 8)
	settings["timeoutSeconds"] = 60
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := p.diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t, settings, nil)})
	if err == nil || ctx.Err() != context.DeadlineExceeded {
		t.Fatalf("CheckHealth against hanging upstreams answered before its deadline: %v", err)
	}
	want := map[string]bool{"api/v1/status/buildinfo": false, "_cluster/health": false, "api/services": false}
	deadline := time.After(2 * time.Second)
	for seen := 0; seen < len(want); {
		select {
		case path := <-h.disconnects:
			if done, ok := want[path]; ok && !done {
				want[path] = true
				seen++
			}
		case <-deadline:
			t.Fatalf("within 2 s of the cancellation, only these upstream requests were aborted: %v", want)
		}
	}
}

// TestCheckHealthIsThrottled: concurrent CheckHealth calls for one data source share one probe
// (one request per upstream API), and a call within 5 s of its answer gets that answer again
// without asking the upstreams. Other settings are probed on their own.
func TestCheckHealthIsThrottled(t *testing.T) {
	p := startPlugin(t)
	up := newRecordingUpstream(t, 300*time.Millisecond)
	settings := map[string]any{"prometheusUrl": up.URL, "elasticsearchUrl": up.URL, "jaegerUrl": up.URL}
	check := func(s map[string]any) *pluginv2.CheckHealthResponse {
		res, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 10*time.Second), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t, s, nil)})
		if err != nil {
			t.Error(err)
			return nil
		}
		return res
	}

	const callers = 8
	answers := make([]*pluginv2.CheckHealthResponse, callers)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i] = check(settings) }()
	}
	wg.Wait()
	probe := []string{"/_cluster/health", "/_nodes", "/ai-events-*/_search", "/api/services", "/api/v1/status/buildinfo"}
	counts := func(paths []string) map[string]int {
		n := map[string]int{}
		for _, p := range paths {
			n[p]++
		}
		return n
	}
	first := counts(up.asked())
	for _, path := range probe {
		if first[path] != 1 {
			t.Errorf("%d concurrent checks asked %s %d times; want once: %v", callers, path, first[path], first)
		}
	}
	for i, a := range answers {
		if a == nil || a.Status != pluginv2.CheckHealthResponse_OK || a.Message != answers[0].Message {
			t.Fatalf("caller %d got %+v; want the shared OK answer %q", i, a, answers[0].GetMessage())
		}
	}

	if again := check(settings); again == nil || again.Message != answers[0].Message {
		t.Fatalf("a check right after: %+v", again)
	}
	if paths := up.asked(); len(paths) != 0 {
		t.Fatalf("a check within 5 s of the last answer asked the upstreams again: %v", paths)
	}

	other := map[string]any{"jaegerUrl": up.URL}
	if res := check(other); res == nil || res.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("other settings: %+v", res)
	}
	if paths := up.asked(); len(paths) != 1 || paths[0] != "/api/services" {
		t.Fatalf("other settings asked %v; want their own probe of /api/services", paths)
	}
}

// TestSystemIndexPatternsAreRefused: an index pattern that would reach Elasticsearch's system
// indices or APIs ("..", "_all", ".security", or one part of a list) is refused when the settings
// are read, with a message that says why, and nothing is sent to Elasticsearch.
func TestSystemIndexPatternsAreRefused(t *testing.T) {
	p := startPlugin(t)
	es := newRecordingUpstream(t, 0)
	for index, why := range map[string]string{
		"..":                     `the part "..", which is a path segment`,
		"_all":                   "names _all",
		"ai-events-*,.security":  `the part ".security" starting with "."`,
		"ai-events-*,-_internal": `the part "_internal" starting with "_"`,
	} {
		settings := map[string]any{"elasticsearchUrl": es.URL, "elasticsearchIndex": index}
		res, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 10*time.Second), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t, settings, nil)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(res.Message, fmt.Sprintf("Elasticsearch index pattern %q is not valid", index)) || !strings.Contains(res.Message, why) {
			t.Errorf("index %q: %s %q; want an error saying %q", index, res.Status, res.Message, why)
		}
		now := time.Now()
		q, err := p.data.QueryData(ctxWithTimeout(t, 10*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t, settings, nil),
			Queries:       []*pluginv2.DataQuery{query(t, "L", "logs", map[string]any{}, now.Add(-time.Hour), now)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := q.Responses["L"]; !strings.Contains(r.Error, "is not valid") {
			t.Errorf("index %q: a logs query answered status %d, error %q; want the index pattern refused", index, r.Status, r.Error)
		}
	}
	if paths := es.asked(); len(paths) != 0 {
		t.Fatalf("refused index patterns reached Elasticsearch at %v", paths)
	}
}
