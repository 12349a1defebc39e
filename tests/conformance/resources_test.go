package conformance

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

type resourceAnswer struct {
	code   int32
	values []string
	err    struct {
		Error  string `json:"error"`
		Source string `json:"source"`
	}
	body string
}

// callResource sends what Grafana sends for GET /api/datasources/uid/<uid>/resources/<path>?<query>:
// Path is the part after resources/, URL the same with the query string.
func callResource(t *testing.T, p *runningPlugin, settings map[string]any, path string, params url.Values) resourceAnswer {
	t.Helper()
	u := path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	stream, err := p.resource.CallResource(ctxWithTimeout(t, 20*time.Second), &pluginv2.CallResourceRequest{
		PluginContext: pluginContext(t, settings, nil), Path: path, Method: "GET", Url: u,
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	msg, err := stream.Recv()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	a := resourceAnswer{code: msg.Code, body: string(msg.Body)}
	if msg.Code == 200 {
		if err := json.Unmarshal(msg.Body, &a.values); err != nil {
			t.Fatalf("%s answered 200 with %s, not a list of strings", path, msg.Body)
		}
	} else if err := json.Unmarshal(msg.Body, &a.err); err != nil || a.err.Error == "" {
		t.Fatalf("%s answered %d with %s, not {error}", path, msg.Code, msg.Body)
	}
	return a
}

// TestResources checks every path the editors and template variables use, with real values from
// the running demo, a 4xx for bad parameters and a downstream error naming the source when down.
func TestResources(t *testing.T) {
	p := startPlugin(t)
	up := allSources(t, envURL(t, "ES_URL"))
	down := map[string]any{"prometheusUrl": downURL(t), "elasticsearchUrl": downURL(t), "jaegerUrl": downURL(t)}

	cases := []struct {
		path    string
		params  url.Values
		want    string // a value the demo has produced
		bad     url.Values
		badWant string
		source  string // the id in the error body; the message names its label
		label   string
	}{
		{"prometheus/labels", nil, "operation", url.Values{"from": {"x"}}, "epoch milliseconds", "prometheus", "Prometheus"},
		{"prometheus/label-values", url.Values{"label": {"operation"}}, "search", url.Values{"label": {"no such-label"}}, "not a Prometheus label name", "prometheus", "Prometheus"},
		{"elasticsearch/field-values", url.Values{"field": {"agent_type"}}, "coding", url.Values{"field": {"message"}}, "not an event field", "elasticsearch", "Elasticsearch"},
		{"jaeger/services", nil, "agentmemory-demo", nil, "", "jaeger", "Jaeger"},
		{"jaeger/operations", url.Values{"service": {"agentmemory-demo"}}, "ai.memory.search", url.Values{}, "needs ?service=", "jaeger", "Jaeger"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			ok := callResource(t, p, up, c.path, c.params)
			if ok.code != 200 || !slices.Contains(ok.values, c.want) {
				t.Fatalf("%s: code %d, values %v; want 200 with %q", c.path, ok.code, ok.values, c.want)
			}
			if c.badWant != "" {
				bad := callResource(t, p, up, c.path, c.bad)
				if bad.code != 400 || !strings.Contains(bad.err.Error, c.badWant) {
					t.Fatalf("%s with %v: code %d %q; want 400 saying %q", c.path, c.bad, bad.code, bad.err.Error, c.badWant)
				}
			}
			failed := callResource(t, p, down, c.path, c.params)
			if failed.code != 502 || failed.err.Source != c.source || !strings.Contains(failed.err.Error, c.label+" at ") {
				t.Fatalf("%s with %s down: code %d %+v; want 502 from %s naming %s", c.path, c.label, failed.code, failed.err, c.source, c.label)
			}
		})
	}

	t.Run("unknown path and missing source", func(t *testing.T) {
		unknown := callResource(t, p, up, "jaeger/nothing", nil)
		if unknown.code != 404 || !strings.Contains(unknown.err.Error, "jaeger/operations") {
			t.Fatalf("unknown path: %d %q; want 404 listing the paths", unknown.code, unknown.err.Error)
		}
		none := callResource(t, p, map[string]any{}, "jaeger/services", nil)
		if none.code != 400 || !strings.Contains(none.err.Error, "No Jaeger URL is configured") {
			t.Fatalf("no Jaeger configured: %d %q", none.code, none.err.Error)
		}
	})

	t.Run("label values narrowed by a series selector", func(t *testing.T) {
		all := callResource(t, p, up, "prometheus/label-values", url.Values{"label": {"job"}})
		narrowed := callResource(t, p, up, "prometheus/label-values", url.Values{"label": {"job"}, "match": {demoSelector}})
		if len(narrowed.values) != 1 || narrowed.values[0] != "agentmemory-demo" || len(all.values) <= 1 {
			t.Fatalf("job values: all %v, of the demo's operations %v", all.values, narrowed.values)
		}
	})
}

// TestCompletionResources checks what the PromQL editor's completion reads: the demo's metric
// names (label values of __name__) and each metric's type and help from Prometheus' metadata.
func TestCompletionResources(t *testing.T) {
	p := startPlugin(t)
	up := allSources(t, envURL(t, "ES_URL"))
	names := callResource(t, p, up, "prometheus/label-values", url.Values{"label": {"__name__"}})
	if names.code != 200 || !slices.Contains(names.values, "ai_memory_operations_total") {
		t.Fatalf("metric names: %d %v; want the demo's ai_memory_operations_total", names.code, names.values)
	}
	stream, err := p.resource.CallResource(ctxWithTimeout(t, 20*time.Second), &pluginv2.CallResourceRequest{
		PluginContext: pluginContext(t, up, nil), Path: "prometheus/metadata", Method: "GET", Url: "prometheus/metadata",
	})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct{ Metric, Type, Help string }
	if msg.Code != 200 || json.Unmarshal(msg.Body, &entries) != nil {
		t.Fatalf("metadata: %d %s", msg.Code, msg.Body)
	}
	found := map[string]string{}
	for _, e := range entries {
		found[e.Metric] = e.Type
	}
	// prom-client exposes a histogram under its base name; Prometheus keeps the family's type.
	if found["ai_memory_operations_total"] != "counter" && found["ai_memory_operations"] != "counter" {
		t.Fatalf("metadata of the demo's operations counter missing: %d entries", len(entries))
	}
	if found["ai_memory_operation_duration_seconds"] != "histogram" {
		t.Fatalf("metadata of the demo's latency histogram: %q", found["ai_memory_operation_duration_seconds"])
	}
	down := callResource(t, p, map[string]any{"prometheusUrl": downURL(t)}, "prometheus/metadata", nil)
	if down.code != 502 || down.err.Source != "prometheus" {
		t.Fatalf("metadata with Prometheus down: %d %+v", down.code, down.err)
	}
}

// TestChainedVariable follows what Grafana does for a variable "operation" defined as the
// operations of $service, with $service itself the list of Jaeger services: the first variable's
// values feed the second's query; and an event-field variable narrowed by another variable's value.
func TestChainedVariable(t *testing.T) {
	p := startPlugin(t)
	settings := allSources(t, envURL(t, "ES_URL"))
	services := callResource(t, p, settings, "jaeger/services", nil)
	if !slices.Contains(services.values, "agentmemory-demo") {
		t.Fatalf("services %v lack the demo", services.values)
	}
	for _, service := range services.values {
		ops := callResource(t, p, settings, "jaeger/operations", url.Values{"service": {service}})
		if ops.code != 200 {
			t.Fatalf("operations of %s: %d %s", service, ops.code, ops.body)
		}
		if service == "agentmemory-demo" && !slices.Contains(ops.values, "ai.memory.add") {
			t.Fatalf("operations of the demo %v lack ai.memory.add", ops.values)
		}
	}
	// $level = ERROR narrows the operations that have errors (interpolated as Lucene: level:ERROR).
	withErrors := callResource(t, p, settings, "elasticsearch/field-values", url.Values{"field": {"operation"}, "query": {"level:ERROR"}})
	all := callResource(t, p, settings, "elasticsearch/field-values", url.Values{"field": {"operation"}})
	if withErrors.code != 200 || all.code != 200 || len(withErrors.values) > len(all.values) {
		t.Fatalf("operations with errors %v, all %v", withErrors.values, all.values)
	}
	badLucene := callResource(t, p, settings, "elasticsearch/field-values", url.Values{"field": {"operation"}, "query": {"level:(ERROR"}})
	if badLucene.code != 400 || badLucene.err.Source != "elasticsearch" {
		t.Fatalf("a broken Lucene query: %d %+v; want 400 from Elasticsearch", badLucene.code, badLucene.err)
	}
}

// TestSearchRangeCapAndUrlCredentials: logs_count, correlate and resources search at most the last
// 31 days, with a notice where a frame can carry one; a URL with a password is refused without
// echoing it.
func TestSearchRangeCapAndUrlCredentials(t *testing.T) {
	p := startPlugin(t)
	settings := allSources(t, envURL(t, "ES_URL"))
	now := time.Now()
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil),
		Queries: []*pluginv2.DataQuery{
			query(t, "COUNT", "logs_count", map[string]any{}, time.UnixMilli(0), now),
			query(t, "CORR", "correlate", map[string]any{}, time.UnixMilli(0), now),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"COUNT", "CORR"} {
		r := res.Responses[ref]
		if r.Error != "" {
			t.Fatalf("%s over 56 years: %s", ref, r.Error)
		}
		frame := decodeFrames(t, r)[0]
		if frame.Meta == nil || !strings.Contains(fmt.Sprint(frame.Meta.Notices), "only its last 31 days were searched") {
			t.Fatalf("%s over 56 years has no 31-day notice: %+v", ref, frame.Meta)
		}
	}
	withPassword := map[string]any{"prometheusUrl": "http://grafana:hunter2@127.0.0.1:9090"}
	res, err = p.data.QueryData(ctxWithTimeout(t, 10*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, withPassword, nil),
		Queries:       []*pluginv2.DataQuery{metricsQuery(t, "U", map[string]any{"expr": "up"}, now.Add(-time.Minute), now)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Responses["U"]; r.Status != 400 || !strings.Contains(r.Error, "URL contains a user name or password") || strings.Contains(r.Error, "hunter2") {
		t.Fatalf("a URL with a password: %+v", r)
	}
	health, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 10*time.Second), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t, withPassword, nil)})
	if err != nil || health.Status != pluginv2.CheckHealthResponse_ERROR || strings.Contains(health.Message, "hunter2") || strings.Contains(p.logs.String(), "hunter2") {
		t.Fatalf("health with a password in the URL: %v %+v", err, health)
	}
}
