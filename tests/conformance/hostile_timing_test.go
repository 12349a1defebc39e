package conformance

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// maxBackendTime is what one query model or resource call may cost the backend, whatever its
// fields: parsing user-controlled text is linear (issue 20), so even the largest allowed field
// is far below it.
const maxBackendTime = 50 * time.Millisecond

// pathologicalStrings extend the fuzz's hostile strings with what super-linear parsing chokes on:
// template braces, separators and whitespace runs, macro and duration repeats.
var pathologicalStrings = []string{
	"{{" + strings.Repeat(" ", 2000), // over the legend cap
	"{{" + strings.Repeat(" ", 1000), // under it: rendered
	strings.Repeat("{{", 500),
	strings.Repeat("{{ a ", 200) + "}}",
	strings.Repeat("}}", 500),
	strings.Repeat("{{constructor}}", 60),
	"{{" + strings.Repeat("\n", 1000) + "operation}}",
	strings.Repeat("/", 40_000),
	"a" + strings.Repeat("/", 40_000) + "b",
	strings.Repeat("$__interval", 5000),
	strings.Repeat("$__rate_interval_ms", 3000),
	strings.Repeat(" ", 60_000),
	strings.Repeat("\t\n", 20_000),
	strings.Repeat(",", 50_000),
	strings.Repeat("\\", 50_000),
	strings.Repeat("%2A", 10_000),
	strings.Repeat("1m", 5000),
	"1" + strings.Repeat("0", 10_000) + "s",
	strings.Repeat(`"`, 30_000),
}

var pathologicalKeys = []string{"legendFormat", "expr", "query", "service", "operation", "minStep", "minDuration", "maxDuration", "traceId", "groupBy", "sort"}

// pathologicalQuery is a plausible query of any type with one to three fields replaced by a
// pathological string, and sometimes pathological tags, filters or refId.
func pathologicalQuery(rng *rand.Rand, refID string) *pluginv2.DataQuery {
	pick := func() string { return pathologicalStrings[rng.Intn(len(pathologicalStrings))] }
	model := map[string]any{"expr": "up", "service": "agentmemory-demo", "legendFormat": "{{operation}}"}
	for i := 1 + rng.Intn(3); i > 0; i-- {
		model[pathologicalKeys[rng.Intn(len(pathologicalKeys))]] = pick()
	}
	if rng.Intn(4) == 0 {
		model["tags"] = map[string]any{pick(): pick()}
	}
	if rng.Intn(4) == 0 {
		model["filters"] = map[string]any{"agent_type": []any{pick(), "coding"}}
	}
	if rng.Intn(10) == 0 {
		refID = pick()
	}
	raw, _ := json.Marshal(model)
	now := time.Now().UnixMilli()
	return &pluginv2.DataQuery{
		RefId:         refID,
		QueryType:     []string{"metrics", "logs", "logs_count", "traces", "correlate"}[rng.Intn(5)],
		Json:          raw,
		IntervalMS:    15_000,
		MaxDataPoints: 1000,
		TimeRange:     &pluginv2.TimeRange{FromEpochMS: now - 3_600_000, ToEpochMS: now},
	}
}

// querydataSeconds is the backend's own total time answering QueryData requests so far
// (agentmemory_backend_querydata_seconds_sum): from the decoded request to the encoded answer.
func querydataSeconds(t *testing.T, p *runningPlugin) float64 {
	t.Helper()
	res, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 10*time.Second), &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(res.Metrics.Prometheus), "\n") {
		if rest, ok := strings.CutPrefix(line, "agentmemory_backend_querydata_seconds_sum "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("bad metric line %q", line)
			}
			return v
		}
	}
	t.Fatal("no agentmemory_backend_querydata_seconds_sum in the plugin's metrics")
	return 0
}

type timedModel struct {
	query   *pluginv2.DataQuery
	elapsed time.Duration
}

func (m timedModel) String() string {
	raw := string(m.query.Json)
	if len(raw) > 160 {
		raw = raw[:160] + fmt.Sprintf("… (%d bytes)", len(raw))
	}
	ref := m.query.RefId
	if len(ref) > 40 {
		ref = ref[:40] + fmt.Sprintf("… (%d bytes)", len(ref))
	}
	return fmt.Sprintf("%s in %v: queryType %q refId %q model %s", "model", m.elapsed.Round(10*time.Microsecond), m.query.QueryType, ref, raw)
}

// TestHostileModelTiming times every model of the hostile-model fuzz (TestHostileQueryModels'
// 10,000, same seed) and 3,000 pathological ones, each alone in a request against upstreams that
// answer small valid data at once. The wall time of a call bounds the backend's time; a model
// over a fifth of the bound is measured again with the backend's own metric, best of three (a
// busy machine stalls calls now and then; a super-linear parse is slow every time), and fails
// past 50 ms.
func TestHostileModelTiming(t *testing.T) {
	p := startPlugin(t)
	h := newHostileUpstream(t)
	ctx := pluginContext(t, hostileSettings(h.URL, "valid", 8), nil)
	send := func(q *pluginv2.DataQuery) time.Duration {
		started := time.Now()
		res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: []*pluginv2.DataQuery{q}})
		elapsed := time.Since(started)
		if err != nil {
			t.Fatalf("the request failed as a whole: %v", err)
		}
		if res.Responses[q.RefId] == nil {
			t.Fatalf("no response for the query")
		}
		return elapsed
	}
	backendTime := func(q *pluginv2.DataQuery) time.Duration {
		best := time.Hour
		for i := 0; i < 3; i++ {
			before := querydataSeconds(t, p)
			send(q)
			if d := time.Duration((querydataSeconds(t, p) - before) * float64(time.Second)); d < best {
				best = d
			}
		}
		return best
	}
	// Warm up: the first query of each type loads its code.
	for _, qt := range []string{"metrics", "logs", "logs_count", "traces", "correlate"} {
		send(query(t, "W", qt, map[string]any{"expr": "up", "service": "agentmemory-demo"}, time.Now().Add(-time.Hour), time.Now()))
	}

	var models []*pluginv2.DataQuery
	fuzz := rand.New(rand.NewSource(20261125)) // TestHostileQueryModels' seed and generator
	for i := 0; i < hostileBatches*50; i++ {
		models = append(models, randomQuery(fuzz, fmt.Sprintf("Q%d", i%50)))
	}
	extra := rand.New(rand.NewSource(20261205))
	for i := 0; i < 3000; i++ {
		models = append(models, pathologicalQuery(extra, fmt.Sprintf("P%d", i)))
	}

	// Wall time bounds the backend's time; models over a fifth of the bound are measured again
	// by the backend itself, so that the slowest is reported in backend time.
	var slowest timedModel
	var remeasured, failures []timedModel
	for _, q := range models {
		m := timedModel{query: q, elapsed: send(q)}
		if m.elapsed <= maxBackendTime/5 {
			continue
		}
		m.elapsed = backendTime(q)
		remeasured = append(remeasured, m)
		if m.elapsed > maxBackendTime {
			failures = append(failures, m)
		}
		if m.elapsed > slowest.elapsed {
			slowest = m
		}
	}
	t.Logf("%d models timed; %d took more than %v of wall time and were measured again by the backend's metric (best of 3)", len(models), len(remeasured), maxBackendTime/5)
	if slowest.query != nil {
		t.Logf("slowest %s", slowest)
	} else {
		t.Logf("every model took less than %v of wall time", maxBackendTime/5)
	}
	for _, m := range failures {
		t.Errorf("over %v of backend time: %s", maxBackendTime, m)
	}
}

// TestHostileResourceTiming: resource calls with pathological paths (40,000 slashes) and
// parameters answer within 50 ms each (wall time of the call, best of three, which bounds the
// backend's time).
func TestHostileResourceTiming(t *testing.T) {
	p := startPlugin(t)
	h := newHostileUpstream(t)
	settings := hostileSettings(h.URL, "valid", 8)
	call := func(path, rawURL string) time.Duration {
		best := time.Hour
		for i := 0; i < 3; i++ {
			started := time.Now()
			stream, err := p.resource.CallResource(ctxWithTimeout(t, 20*time.Second), &pluginv2.CallResourceRequest{
				PluginContext: pluginContext(t, settings, nil), Path: path, Method: "GET", Url: rawURL,
			})
			if err != nil {
				t.Fatalf("%.40q: %v", path, err)
			}
			if _, err := stream.Recv(); err != nil {
				t.Fatalf("%.40q: %v", path, err)
			}
			if d := time.Since(started); d < best {
				best = d
			}
		}
		return best
	}
	call("jaeger/services", "jaeger/services") // warm-up

	type timedCall struct {
		what    string
		elapsed time.Duration
	}
	var slowest timedCall
	record := func(what string, elapsed time.Duration) {
		if elapsed > slowest.elapsed {
			slowest = timedCall{what, elapsed}
		}
		if elapsed > maxBackendTime {
			t.Errorf("%s took %v", what, elapsed)
		}
	}
	for i, s := range pathologicalStrings {
		for _, path := range []string{s, s + "prometheus/labels" + s, "/prometheus/labels" + s} {
			record(fmt.Sprintf("path %d (%d bytes)", i, len(path)), call(path, path))
		}
		for _, r := range []struct{ path, param string }{
			{"prometheus/labels", "match"},
			{"prometheus/label-values", "label"},
			{"elasticsearch/field-values", "field"},
			{"elasticsearch/field-values", "query"},
			{"jaeger/operations", "service"},
		} {
			params := url.Values{r.param: {s}, "label": {"operation"}, "field": {"agent_type"}, "service": {"agentmemory-demo"}}
			params.Set(r.param, s)
			record(fmt.Sprintf("%s?%s=<string %d, %d bytes>", r.path, r.param, i, len(s)), call(r.path, r.path+"?"+params.Encode()))
		}
	}
	t.Logf("slowest resource call: %s in %v", slowest.what, slowest.elapsed.Round(10*time.Microsecond))
}
