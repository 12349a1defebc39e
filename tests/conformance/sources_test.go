package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func envURL(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: bring the stack up (scripts/stack.sh up) and eval \"$(scripts/stack.sh env)\"", name)
	}
	return v
}

func allSources(t *testing.T, esURL string) map[string]any {
	return map[string]any{
		"prometheusUrl":    prometheusURL(t),
		"elasticsearchUrl": esURL,
		"jaegerUrl":        envURL(t, "JAEGER_URL"),
		"jaegerService":    "agentmemory-demo",
	}
}

func query(t *testing.T, refID, queryType string, model map[string]any, from, to time.Time) *pluginv2.DataQuery {
	q := metricsQuery(t, refID, model, from, to)
	q.QueryType = queryType
	return q
}

func fieldByName(t *testing.T, f *data.Frame, name string) *data.Field {
	t.Helper()
	field, _ := f.FieldByName(name)
	if field == nil {
		t.Fatalf("frame %q has no field %q (fields: %v)", f.Name, name, f.Fields)
	}
	return field
}

func TestElasticsearchAndJaegerQueries(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	to := time.Now()
	from := to.Add(-15 * time.Minute)
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Queries: []*pluginv2.DataQuery{
			query(t, "LOGS", "logs", map[string]any{"filters": map[string]any{"operation": "search"}, "limit": 20}, from, to),
			query(t, "COUNT", "logs_count", map[string]any{"groupBy": "operation"}, from, to),
			query(t, "SEARCH", "traces", map[string]any{"service": "agentmemory-demo", "operation": "ai.memory.search", "limit": 5}, from, to),
			query(t, "CORR", "correlate", map[string]any{}, from, to),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for refID, r := range res.Responses {
		if r.Error != "" {
			t.Fatalf("%s failed: %s", refID, r.Error)
		}
	}

	t.Run("logs decode as a log-lines frame with severities, labels and trace ids", func(t *testing.T) {
		frames := decodeFrames(t, res.Responses["LOGS"])
		f := frames[0]
		if f.Meta == nil || f.Meta.Type != data.FrameTypeLogLines {
			t.Fatalf("meta %+v, want log-lines", f.Meta)
		}
		if f.Rows() == 0 || f.Rows() > 20 {
			t.Fatalf("%d rows, want 1..20", f.Rows())
		}
		ts := fieldByName(t, f, "timestamp").At(0).(time.Time)
		if ts.Before(from.Add(-time.Minute)) {
			t.Fatalf("log time %s is before the range", ts)
		}
		labels := fieldByName(t, f, "labels")
		if labels.Type() != data.FieldTypeJSON && labels.Type() != data.FieldTypeNullableJSON {
			t.Fatalf("labels field type %s, want JSON", labels.Type())
		}
		var first map[string]string
		if err := json.Unmarshal(labels.At(0).(json.RawMessage), &first); err != nil || first["operation"] != "search" {
			t.Fatalf("labels %s, want operation=search (%v)", labels.At(0), err)
		}
		traceField := fieldByName(t, f, "traceID")
		if traceField.Config == nil || len(traceField.Config.Links) == 0 || traceField.Config.Links[0].Internal == nil {
			t.Fatal("traceID has no internal link to the trace view")
		}
	})

	t.Run("correlate shows an error rate of 0, not nothing, for an operation without errors", func(t *testing.T) {
		f := decodeFrames(t, res.Responses["CORR"])[0]
		p99, errorRate := fieldByName(t, f, "p99 latency"), fieldByName(t, f, "error rate")
		withCalls := 0
		for i := 0; i < f.Rows(); i++ {
			if v, ok := p99.At(i).(*float64); !ok || v == nil {
				continue // no calls in the range: nothing to rate
			}
			withCalls++
			if v, ok := errorRate.At(i).(*float64); !ok || v == nil {
				t.Fatalf("operation %v has calls but no error rate", fieldByName(t, f, "operation").At(i))
			}
		}
		if withCalls == 0 {
			t.Fatal("no operation with calls in the correlated view")
		}
	})

	t.Run("logs_count decodes as labelled time series", func(t *testing.T) {
		frames := decodeFrames(t, res.Responses["COUNT"])
		ops := map[string]bool{}
		for _, f := range frames {
			ops[f.Fields[1].Labels["operation"]] = true
		}
		if !ops["search"] || !ops["add"] {
			t.Fatalf("count series for %v, want search and add", ops)
		}
	})

	var traceID string
	t.Run("trace search decodes as a table of traces", func(t *testing.T) {
		f := decodeFrames(t, res.Responses["SEARCH"])[0]
		if f.Rows() == 0 {
			t.Fatal("no traces found for ai.memory.search")
		}
		traceID = fieldByName(t, f, "traceID").At(0).(string)
	})

	t.Run("trace by id decodes in the shape of the trace view", func(t *testing.T) {
		if traceID == "" {
			t.Skip("no trace id from the search subtest")
		}
		res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: ctx,
			Queries:       []*pluginv2.DataQuery{query(t, "TRACE", "traces", map[string]any{"traceId": traceID}, from, to)},
		})
		if err != nil || res.Responses["TRACE"].Error != "" {
			t.Fatalf("%v %+v", err, res.Responses["TRACE"])
		}
		f := decodeFrames(t, res.Responses["TRACE"])[0]
		if f.Meta == nil || f.Meta.PreferredVisualization != data.VisTypeTrace {
			t.Fatalf("meta %+v, want preferred visualisation trace", f.Meta)
		}
		for _, name := range []string{"traceID", "spanID", "parentSpanID", "operationName", "serviceName", "serviceTags", "startTime", "duration", "tags", "logs"} {
			fieldByName(t, f, name)
		}
		ops := map[string]bool{}
		for i := 0; i < f.Rows(); i++ {
			ops[fieldByName(t, f, "operationName").At(i).(string)] = true
		}
		if !ops["ai.memory.search"] {
			t.Fatalf("operations %v lack ai.memory.search", ops)
		}
	})

	t.Run("correlate joins Prometheus, Elasticsearch and Jaeger per operation", func(t *testing.T) {
		f := decodeFrames(t, res.Responses["CORR"])[0]
		if f.Meta != nil && len(f.Meta.Notices) > 0 {
			t.Fatalf("correlation had notices with every source up: %+v", f.Meta.Notices)
		}
		rows := map[string]int{}
		for i := 0; i < f.Rows(); i++ {
			rows[f.Fields[0].At(i).(string)] = i
		}
		i, ok := rows["search"]
		if !ok {
			t.Fatalf("operations %v lack search", rows)
		}
		p99 := fieldByName(t, f, "p99 latency").At(i).(*float64)
		if p99 == nil || *p99 <= 0 {
			t.Fatalf("p99 of search is %v", p99)
		}
		slow := fieldByName(t, f, "slowest traces").At(i).(string)
		if slow == "" {
			t.Fatal("no slowest traces for search")
		}
	})
}

// TestCorrelateQuantileWindowAndLinks: a correlate query with a quantile and a window names its
// latency column after the quantile (p50 at most the p99 of the same operation and window), and
// each row links to the logs, traces and PromQL behind it as Explore links of this data source;
// the PromQL of the latency link, run as the metrics query it is, gives the row's number back.
func TestCorrelateQuantileWindowAndLinks(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	// A little in the past, so that no scrape lands inside the range between the queries.
	to := time.Now().Add(-30 * time.Second).Truncate(time.Second)
	from := to.Add(-15 * time.Minute)
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Queries: []*pluginv2.DataQuery{
			query(t, "P50", "correlate", map[string]any{"quantile": 0.5, "window": "5m"}, from, to),
			query(t, "P99", "correlate", map[string]any{"quantile": 0.99, "window": "5m"}, from, to),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for refID, r := range res.Responses {
		if r.Error != "" {
			t.Fatalf("%s failed: %s", refID, r.Error)
		}
	}
	p50Frame, p99Frame := decodeFrames(t, res.Responses["P50"])[0], decodeFrames(t, res.Responses["P99"])[0]
	p50 := latencyByOperation(t, p50Frame, "p50 latency")
	p99 := latencyByOperation(t, p99Frame, "p99 latency")

	t.Run("p50 is at most the p99 of the same operation and window", func(t *testing.T) {
		if len(p50) == 0 {
			t.Fatal("no operation with a p50 in the last 5 minutes")
		}
		t.Logf("p50 %v\np99 %v", p50, p99)
		for op, median := range p50 {
			if high, ok := p99[op]; !ok || median > high {
				t.Fatalf("operation %s: p50 %v, p99 %v (present: %v)", op, median, high, ok)
			}
		}
	})

	links := linksByQueryType(t, fieldByName(t, p50Frame, "operation"))
	t.Run("each row links to its logs, traces and metrics in Explore", func(t *testing.T) {
		for _, queryType := range []string{"logs", "traces", "metrics"} {
			if len(links[queryType]) == 0 {
				t.Fatalf("no %s link among %v", queryType, links)
			}
			for _, link := range links[queryType] {
				// Internal links to this data source: Grafana opens them in Explore of the current organisation.
				if link.Internal == nil || link.Internal.DatasourceUID != "agentmemory" || link.URL != "" {
					t.Fatalf("%s link %+v is not an internal link to this data source", queryType, link)
				}
			}
		}
	})

	t.Run("the latency link's PromQL gives the row's p50 back", func(t *testing.T) {
		op := "search"
		want, ok := p50[op]
		if !ok {
			t.Fatalf("no p50 for %s: %v", op, p50)
		}
		expr := latencyLinkExpr(t, links["metrics"], "p50 latency")
		if !strings.Contains(expr, "histogram_quantile(0.5,") || !strings.Contains(expr, "[300s]") {
			t.Fatalf("latency PromQL %q lacks the quantile 0.5 or the 5m window", expr)
		}
		expr = strings.ReplaceAll(expr, "${__value.raw}", op) // as Grafana fills in the clicked row
		got := metricsInstant(t, p, ctx, expr, from, to)
		if got != want {
			t.Fatalf("the link's PromQL gives %v for %s, the row shows %v (%s)", got, op, want, expr)
		}
	})
}

// latencyByOperation is the latency column of a correlated frame, by operation, where it has a value.
func latencyByOperation(t *testing.T, f *data.Frame, name string) map[string]float64 {
	t.Helper()
	operations, latency := fieldByName(t, f, "operation"), fieldByName(t, f, name)
	out := map[string]float64{}
	for i := 0; i < f.Rows(); i++ {
		if v, ok := latency.At(i).(*float64); ok && v != nil {
			out[operations.At(i).(string)] = *v
		}
	}
	return out
}

// linksByQueryType groups a field's data links by the query type of their internal query.
func linksByQueryType(t *testing.T, f *data.Field) map[string][]data.DataLink {
	t.Helper()
	if f.Config == nil {
		t.Fatal("the operation field has no config, hence no links")
	}
	out := map[string][]data.DataLink{}
	for _, link := range f.Config.Links {
		queryType := ""
		if link.Internal != nil {
			if q, ok := link.Internal.Query.(map[string]any); ok {
				queryType, _ = q["queryType"].(string)
			}
		}
		out[queryType] = append(out[queryType], link)
	}
	return out
}

// latencyLinkExpr is the PromQL of the metrics link whose title names the latency column.
func latencyLinkExpr(t *testing.T, links []data.DataLink, latency string) string {
	t.Helper()
	for _, link := range links {
		if strings.HasPrefix(link.Title, latency) {
			q := link.Internal.Query.(map[string]any)
			if q["instant"] != true {
				t.Fatalf("the latency link %+v is not an instant query like the row's number", q)
			}
			return q["expr"].(string)
		}
	}
	t.Fatalf("no metrics link titled %q... among %+v", latency, links)
	return ""
}

// metricsInstant runs an instant metrics query through the plugin and returns its one value.
func metricsInstant(t *testing.T, p *runningPlugin, ctx *pluginv2.PluginContext, expr string, from, to time.Time) float64 {
	t.Helper()
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Queries:       []*pluginv2.DataQuery{metricsQuery(t, "M", map[string]any{"expr": expr, "instant": true}, from, to)},
	})
	if err != nil || res.Responses["M"].Error != "" {
		t.Fatalf("%v %+v", err, res.Responses["M"])
	}
	frames := decodeFrames(t, res.Responses["M"])
	if len(frames) != 1 || frames[0].Rows() != 1 {
		t.Fatalf("want one series with one value, got %v", frames)
	}
	return frames[0].Fields[1].At(0).(float64)
}

func TestCorrelateKeepsPartsWhenASourceIsDown(t *testing.T) {
	p := startPlugin(t)
	settings := allSources(t, "http://127.0.0.1:1")
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, map[string]string{"elasticsearchApiKey": "top-secret-key"}),
		Queries: []*pluginv2.DataQuery{
			query(t, "CORR", "correlate", map[string]any{}, time.Now().Add(-10*time.Minute), time.Now()),
			query(t, "LOGS", "logs", map[string]any{}, time.Now().Add(-10*time.Minute), time.Now()),
			query(t, "M", "metrics", map[string]any{"expr": "count(" + demoSelector + ")"}, time.Now().Add(-5*time.Minute), time.Now()),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	corr := decodeFrames(t, res.Responses["CORR"])[0]
	if corr.Meta == nil || len(corr.Meta.Notices) == 0 || !strings.Contains(corr.Meta.Notices[0].Text, "Elasticsearch") {
		t.Fatalf("want a notice naming Elasticsearch, got %+v", corr.Meta)
	}
	if corr.Rows() == 0 {
		t.Fatal("the Prometheus part of the correlation is missing")
	}
	logs := res.Responses["LOGS"]
	if logs.ErrorSource != "downstream" || !strings.Contains(logs.Error, "Elasticsearch") {
		t.Fatalf("logs: %+v, want a downstream error naming Elasticsearch", logs)
	}
	if strings.Contains(logs.Error, "top-secret-key") || strings.Contains(p.logs.String(), "top-secret-key") {
		t.Fatal("the API key leaked")
	}
	if res.Responses["M"].Error != "" {
		t.Fatalf("the metrics query of the same request failed: %s", res.Responses["M"].Error)
	}
	metrics, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(metrics.Metrics.Prometheus), `agentmemory_backend_circuit_breaker_state{source="elasticsearch",instance_id="`) {
		t.Fatalf("no breaker state for the Elasticsearch upstream in CollectMetrics")
	}
}

func TestCheckHealthNamesEachSource(t *testing.T) {
	p := startPlugin(t)
	up, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 15*time.Second), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != pluginv2.CheckHealthResponse_OK || !strings.Contains(up.Message, "Elasticsearch 9.") || !strings.Contains(up.Message, "Jaeger") {
		t.Fatalf("all up: %s %q", up.Status, up.Message)
	}
	settings := allSources(t, envURL(t, "ES_URL"))
	settings["jaegerUrl"] = "http://127.0.0.1:1"
	down, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 15*time.Second), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t, settings, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if down.Status != pluginv2.CheckHealthResponse_ERROR || !strings.HasPrefix(down.Message, "Jaeger at http://127.0.0.1:1 is unreachable") {
		t.Fatalf("jaeger down: %s %q", down.Status, down.Message)
	}
}

// The same logs query against Elasticsearch 8.19: one data source serves 8.x and 9.x.
func TestLogsOnElasticsearch8(t *testing.T) {
	es8 := envURL(t, "ES8_URL")
	index := fmt.Sprintf("ai-events-conformance8-%d", time.Now().UnixNano())
	var bulk bytes.Buffer
	now := time.Now().UTC()
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&bulk, "{\"index\":{\"_index\":%q}}\n", index)
		fmt.Fprintf(&bulk, "{\"@timestamp\":%q,\"level\":\"INFO\",\"message\":\"search finished\",\"operation\":\"search\",\"agent_type\":\"coding\"}\n", now.Add(-time.Duration(i)*time.Second).Format(time.RFC3339Nano))
	}
	resp, err := http.Post(es8+"/_bulk?refresh=true", "application/x-ndjson", &bulk)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("indexing into Elasticsearch 8: %v %v", err, resp)
	}
	resp.Body.Close()
	defer func() {
		req, _ := http.NewRequest(http.MethodDelete, es8+"/"+index, nil)
		if r, err := http.DefaultClient.Do(req); err == nil {
			r.Body.Close()
		}
	}()
	p := startPlugin(t)
	settings := allSources(t, es8)
	settings["elasticsearchIndex"] = index
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil),
		Queries: []*pluginv2.DataQuery{
			query(t, "L", "logs", map[string]any{"filters": map[string]any{"agent_type": "coding"}}, now.Add(-time.Hour), now.Add(time.Minute)),
			query(t, "C", "logs_count", map[string]any{}, now.Add(-time.Hour), now.Add(time.Minute)),
		},
	})
	if err != nil || res.Responses["L"].Error != "" || res.Responses["C"].Error != "" {
		t.Fatalf("%v %+v", err, res.Responses)
	}
	if rows := decodeFrames(t, res.Responses["L"])[0].Rows(); rows != 3 {
		t.Fatalf("%d log lines from Elasticsearch 8, want 3", rows)
	}
	var total float64
	count := decodeFrames(t, res.Responses["C"])[0]
	for i := 0; i < count.Rows(); i++ {
		total += count.Fields[1].At(i).(float64)
	}
	if total != 3 {
		t.Fatalf("counted %v events, want 3", total)
	}
}

// Alert evaluation: Grafana calls QueryData as its scheduler user with the FromAlert header; the
// answer must be the same frames a dashboard gets. Grafana: ALERT-QUERY-CONTEXT (docs/grafana-behaviour.md)
func TestAlertEvaluationAnswersLikeADashboard(t *testing.T) {
	p := startPlugin(t)
	to := time.Now().Truncate(time.Second)
	from := to.Add(-10 * time.Minute)
	expr := fmt.Sprintf("sum by (operation) (%s)", demoSelector)
	dashboardCtx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	alertCtx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	alertCtx.User = schedulerUser()
	ask := func(ctx *pluginv2.PluginContext, headers map[string]string) data.Frames {
		res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: ctx,
			Headers:       headers,
			Queries: []*pluginv2.DataQuery{
				metricsQuery(t, "A", map[string]any{"expr": expr, "instant": true}, from, to),
				query(t, "B", "logs_count", map[string]any{"groupBy": "level"}, from, to),
			},
		})
		if err != nil || res.Responses["A"].Error != "" || res.Responses["B"].Error != "" {
			t.Fatalf("%v %+v", err, res)
		}
		return append(decodeFrames(t, res.Responses["A"]), decodeFrames(t, res.Responses["B"])...)
	}
	dashboard := ask(dashboardCtx, nil)
	alert := ask(alertCtx, map[string]string{"FromAlert": "true"})
	if len(dashboard) != len(alert) || len(alert) == 0 {
		t.Fatalf("dashboard got %d frames, alert evaluation %d", len(dashboard), len(alert))
	}
	for i := range alert {
		if alert[i].Fields[1].Labels.String() != dashboard[i].Fields[1].Labels.String() {
			t.Fatalf("frame %d: labels %s vs %s", i, alert[i].Fields[1].Labels, dashboard[i].Fields[1].Labels)
		}
	}
}

// The backend reports where each query's time went, per query type and phase, and the whole
// QueryData handler time: what npm run bench:queries reads, and what an operator scrapes.
func TestQueryPhaseMetrics(t *testing.T) {
	p := startPlugin(t)
	to := time.Now()
	from := to.Add(-15 * time.Minute)
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil),
		Queries: []*pluginv2.DataQuery{
			query(t, "M", "metrics", map[string]any{"expr": "up"}, from, to),
			query(t, "L", "logs", map[string]any{"limit": 10}, from, to),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for ref, r := range res.Responses {
		if r.Error != "" {
			t.Fatalf("query %s failed: %s", ref, r.Error)
		}
	}
	metrics, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	text := string(metrics.Metrics.Prometheus)
	value := func(series string) float64 {
		for _, line := range strings.Split(text, "\n") {
			if rest, ok := strings.CutPrefix(line, series+" "); ok {
				v, err := strconv.ParseFloat(rest, 64)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				return v
			}
		}
		t.Fatalf("CollectMetrics lacks %s", series)
		return 0
	}
	for _, queryType := range []string{"metrics", "logs"} {
		for _, phase := range []string{"upstream", "parse", "frames", "encode"} {
			series := fmt.Sprintf(`agentmemory_backend_query_phase_seconds_count{query_type=%q,phase=%q}`, queryType, phase)
			if n := value(series); n != 1 {
				t.Fatalf("%s = %v, want 1", series, n)
			}
		}
		// The upstream wait is real time spent on a real server: more than nothing, less than the request.
		upstream := value(fmt.Sprintf(`agentmemory_backend_query_phase_seconds_sum{query_type=%q,phase="upstream"}`, queryType))
		handler := value("agentmemory_backend_querydata_seconds_sum")
		if upstream <= 0 || upstream > handler {
			t.Fatalf("%s upstream wait %v s, QueryData handler %v s: want 0 < wait <= handler", queryType, upstream, handler)
		}
	}
	if n := value("agentmemory_backend_querydata_seconds_count"); n != 1 {
		t.Fatalf("QueryData handler observations = %v, want 1", n)
	}
}

// TestTracesQueryOfOnlySpacesIsRefused: a traces query needs a trace id or a service, and a service
// of spaces names nothing to search (contract/validate.ts), as the browser's filterQuery says too.
func TestTracesQueryOfOnlySpacesIsRefused(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	to := time.Now()
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Queries:       []*pluginv2.DataQuery{query(t, "BLANK", "traces", map[string]any{"service": "   "}, to.Add(-time.Hour), to)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Responses["BLANK"]
	if r.Status != 400 || !strings.Contains(r.Error, "a traces query needs a traceId, or a service to search") {
		t.Fatalf("status %d, error %q: want 400 naming the missing traceId or service", r.Status, r.Error)
	}
}
