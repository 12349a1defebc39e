package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// rangeStep runs one range query against the stack's Prometheus with these settings and returns
// its frame's executed query and the time field's config.interval (ms).
func rangeStep(t *testing.T, p *runningPlugin, settings map[string]any, q *pluginv2.DataQuery, headers map[string]string) (string, float64) {
	t.Helper()
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil), Headers: headers, Queries: []*pluginv2.DataQuery{q},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Responses[q.RefId]
	if r.Error != "" {
		t.Fatalf("%s: %s", q.RefId, r.Error)
	}
	frames := decodeFrames(t, r)
	if len(frames) == 0 || len(frames[0].Fields) < 2 {
		t.Fatalf("%s: no series in %v", q.RefId, frames)
	}
	timeField := frames[0].Fields[0]
	if timeField.Config == nil {
		t.Fatalf("%s: the time field has no config, so Grafana inserts no gaps", q.RefId)
	}
	return frames[0].Meta.ExecutedQueryString, timeField.Config.Interval
}

// TestRangeFramesCarryTheStep: the time field of a range query's frame has config.interval equal
// to the step, which is what makes Grafana's time series and state timeline draw a gap where
// samples are missing (Grafana: FRAME-INTERVAL-GAPS, docs/grafana-behaviour.md).
func TestRangeFramesCarryTheStep(t *testing.T) {
	p := startPlugin(t)
	settings := map[string]any{"prometheusUrl": prometheusURL(t)}
	now := time.Now()
	q := metricsQuery(t, "STEP", map[string]any{"expr": "vector(1)", "minStep": "30s"}, now.Add(-30*time.Minute), now)
	executed, interval := rangeStep(t, p, settings, q, nil)
	if !strings.Contains(executed, "Step: 30s") || interval != 30_000 {
		t.Fatalf("executed %q, time field interval %v ms; want step 30s and interval 30000", executed, interval)
	}
}

// TestScrapeIntervalSetting: the data source's scrape interval (jsonData.timeInterval) is the
// floor of the step and the base of $__rate_interval = max(step + scrape, 4 × scrape), for a
// dashboard's query and for an alert rule's (Grafana sends intervalMs 1000 and maxDataPoints
// 43200 for those, and the FromAlert header). Grafana: RATE-INTERVAL (docs/grafana-behaviour.md)
func TestScrapeIntervalSetting(t *testing.T) {
	p := startPlugin(t)
	now := time.Now()
	expr := "count_over_time(vector(1)[$__rate_interval:])"
	dashboard := func() *pluginv2.DataQuery {
		return metricsQuery(t, "DASH", map[string]any{"expr": expr}, now.Add(-10*time.Minute), now)
	}
	alert := func() *pluginv2.DataQuery {
		q := metricsQuery(t, "ALERT", map[string]any{"expr": expr, "intervalMs": 1000, "maxDataPoints": 43200}, now.Add(-10*time.Minute), now)
		q.IntervalMS, q.MaxDataPoints = 1000, 43200
		return q
	}
	fromAlert := map[string]string{"FromAlert": "true"}
	for _, c := range []struct {
		name     string
		settings map[string]any
		query    *pluginv2.DataQuery
		headers  map[string]string
		step     string
		rate     string
		interval float64
	}{
		{"dashboard, default 15s", map[string]any{}, dashboard(), nil, "Step: 15s", "[60s:]", 15_000},
		{"dashboard, 60s", map[string]any{"timeInterval": "60s"}, dashboard(), nil, "Step: 60s", "[240s:]", 60_000},
		{"alert rule, default 15s", map[string]any{}, alert(), fromAlert, "Step: 15s", "[60s:]", 15_000},
		{"alert rule, 1m", map[string]any{"timeInterval": "1m"}, alert(), fromAlert, "Step: 60s", "[240s:]", 60_000},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.settings["prometheusUrl"] = prometheusURL(t)
			executed, interval := rangeStep(t, p, c.settings, c.query, c.headers)
			if !strings.Contains(executed, c.step) || !strings.Contains(executed, c.rate) || interval != c.interval {
				t.Fatalf("executed %q, time field interval %v; want %q, %q and %v", executed, interval, c.step, c.rate, c.interval)
			}
		})
	}
	t.Run("a scrape interval that is not a duration fails each query with a message naming it", func(t *testing.T) {
		res, err := p.data.QueryData(ctxWithTimeout(t, 10*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t, map[string]any{"prometheusUrl": prometheusURL(t), "timeInterval": "often"}, nil),
			Queries:       []*pluginv2.DataQuery{dashboard()},
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := res.Responses["DASH"]; r.Status != 400 || !strings.Contains(r.Error, `Scrape interval "often" is not a Prometheus duration`) {
			t.Fatalf("%+v", r)
		}
	})
}
