package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

const demoSelector = `ai_memory_operations_total{job="agentmemory-demo"}`

func TestHandshakeAndLogs(t *testing.T) {
	p := startPlugin(t)
	if got := p.client.NegotiatedVersion(); got != 2 {
		t.Fatalf("negotiated protocol version %d, want 2", got)
	}
	addr := p.client.ReattachConfig().Addr
	if addr.Network() != "unix" {
		t.Fatalf("plugin listens on %s %s, want a unix socket", addr.Network(), addr)
	}
	t.Logf("start to handshake: %s", p.startup)
	// go-plugin re-logs a plugin's stderr JSON at its own level only when @timestamp has the
	// exact hclog format; otherwise the line lands verbatim at debug.
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(p.logs.String(), `"@message":"agent memory backend listening"`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	var found bool
	for _, line := range strings.Split(p.logs.String(), "\n") {
		if !strings.Contains(line, "agent memory backend listening") {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if entry["@level"] != "info" || entry["@message"] != "agent memory backend listening" {
			t.Fatalf("start-up log was not re-logged at info with its own message: %s", line)
		}
		found = true
	}
	if !found {
		t.Fatalf("no start-up log line reached Grafana's logger:\n%s", p.logs.String())
	}
}

func TestCheckHealth(t *testing.T) {
	p := startPlugin(t)
	t.Run("ok when Prometheus answers", func(t *testing.T) {
		res, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 10*time.Second), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t, map[string]any{"prometheusUrl": prometheusURL(t)}, nil),
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_OK {
			t.Fatalf("status %s, message %q; want OK", res.Status, res.Message)
		}
		if !strings.Contains(res.Message, "Prometheus") {
			t.Fatalf("message %q does not name Prometheus", res.Message)
		}
	})
	t.Run("error naming Prometheus when it is down", func(t *testing.T) {
		down := downURL(t)
		res, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 10*time.Second), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t, map[string]any{"prometheusUrl": down, "prometheusBasicAuthUser": "grafana"},
				map[string]string{"prometheusBasicAuthPassword": "s3cret-password"}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_ERROR {
			t.Fatalf("status %s, want ERROR", res.Status)
		}
		if !strings.Contains(res.Message, "Prometheus") || !strings.Contains(res.Message, "unreachable") {
			t.Fatalf("message %q should name Prometheus and say it is unreachable", res.Message)
		}
		if strings.Contains(res.Message, "s3cret-password") || strings.Contains(p.logs.String(), "s3cret-password") {
			t.Fatal("the password leaked into the health message or the logs")
		}
	})
}

// downURL is the address of a Prometheus that is not running: a loopback port nothing listens on.
func downURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("PROMETHEUS_DOWN_URL"); u != "" {
		return u
	}
	return "http://127.0.0.1:1"
}

func metricsQuery(t *testing.T, refID string, model map[string]any, from, to time.Time) *pluginv2.DataQuery {
	t.Helper()
	model["refId"] = refID
	raw, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	return &pluginv2.DataQuery{
		RefId:         refID,
		QueryType:     "metrics",
		MaxDataPoints: 1000,
		IntervalMS:    5000,
		TimeRange:     &pluginv2.TimeRange{FromEpochMS: from.UnixMilli(), ToEpochMS: to.UnixMilli()},
		Json:          raw,
	}
}

func decodeFrames(t *testing.T, res *pluginv2.DataResponse) data.Frames {
	t.Helper()
	frames, err := data.UnmarshalArrowFrames(res.Frames)
	if err != nil {
		t.Fatalf("the SDK cannot decode the frames: %v", err)
	}
	return frames
}

// promInstant asks Prometheus itself, to compare with what the backend returned.
func promInstant(t *testing.T, expr string, at time.Time) map[string]float64 {
	t.Helper()
	form := url.Values{"query": {expr}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}}
	resp, err := http.PostForm(prometheusURL(t)+"/api/v1/query", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var parsed struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil {
		t.Fatalf("Prometheus answered %s", body)
	}
	out := map[string]float64{}
	for _, r := range parsed.Data.Result {
		v, _ := strconv.ParseFloat(r.Value[1].(string), 64)
		out[r.Metric["operation"]] = v
	}
	return out
}

func TestQueryDataPromQL(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, map[string]any{"prometheusUrl": prometheusURL(t)}, nil)
	to := time.Now().Truncate(time.Second)
	from := to.Add(-10 * time.Minute)
	expr := fmt.Sprintf("sum by (operation) (%s)", demoSelector)
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Queries: []*pluginv2.DataQuery{
			metricsQuery(t, "A", map[string]any{"expr": expr, "legendFormat": "{{operation}}"}, from, to),
			metricsQuery(t, "B", map[string]any{"expr": expr, "instant": true}, from, to),
			metricsQuery(t, "BAD", map[string]any{"expr": "sum(rate(" + demoSelector}, from, to),
		},
	})
	if err != nil {
		t.Fatalf("QueryData failed as a whole: %v", err)
	}

	t.Run("range query decodes with real times, values and labels", func(t *testing.T) {
		a := res.Responses["A"]
		if a == nil || a.Error != "" {
			t.Fatalf("query A failed: %+v", a)
		}
		frames := decodeFrames(t, a)
		ops := map[string]bool{}
		for _, f := range frames {
			if f.RefID != "A" {
				t.Fatalf("frame refId %q, want A", f.RefID)
			}
			if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti {
				t.Fatalf("frame meta %+v, want type timeseries-multi", f.Meta)
			}
			if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeFloat64 {
				t.Fatalf("fields %v, want [time, float64]", f.Fields)
			}
			if f.Rows() == 0 {
				t.Fatalf("series %v has no samples", f.Fields[1].Labels)
			}
			for i := 0; i < f.Rows(); i++ {
				ts := f.Fields[0].At(i).(time.Time)
				if ts.Before(from.Add(-time.Minute)) || ts.After(to.Add(time.Minute)) {
					t.Fatalf("sample time %s is outside the queried range %s..%s", ts, from, to)
				}
				if v := f.Fields[1].At(i).(float64); v <= 0 {
					t.Fatalf("counter sample %v should be positive", v)
				}
			}
			op := f.Fields[1].Labels["operation"]
			ops[op] = true
			if f.Fields[1].Config == nil || f.Fields[1].Config.DisplayNameFromDS != op {
				t.Fatalf("legend format {{operation}} should give display name %q, got %+v", op, f.Fields[1].Config)
			}
		}
		for _, want := range []string{"add", "search"} {
			if !ops[want] {
				t.Fatalf("operations %v: the demo's %q series is missing", ops, want)
			}
		}
	})

	t.Run("instant query equals what Prometheus says", func(t *testing.T) {
		b := res.Responses["B"]
		if b == nil || b.Error != "" {
			t.Fatalf("query B failed: %+v", b)
		}
		frames := decodeFrames(t, b)
		want := promInstant(t, expr, to)
		if len(frames) != len(want) || len(want) == 0 {
			t.Fatalf("%d frames, Prometheus has %d series", len(frames), len(want))
		}
		for _, f := range frames {
			op := f.Fields[1].Labels["operation"]
			got := f.Fields[1].At(0).(float64)
			if got != want[op] {
				t.Fatalf("operation %s: backend %v, Prometheus %v", op, got, want[op])
			}
			if ts := f.Fields[0].At(0).(time.Time); !ts.Equal(to) {
				t.Fatalf("instant sample at %s, want %s", ts, to)
			}
		}
	})

	t.Run("malformed PromQL gets its own error", func(t *testing.T) {
		bad := res.Responses["BAD"]
		if bad == nil || bad.Error == "" {
			t.Fatalf("malformed query answered without error: %+v", bad)
		}
		if bad.Status != 400 || !strings.Contains(bad.Error, "Prometheus rejected the query") {
			t.Fatalf("status %d error %q; want 400 naming Prometheus", bad.Status, bad.Error)
		}
	})
}

func TestQueryDataModelErrors(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, map[string]any{"prometheusUrl": prometheusURL(t)}, nil)
	to := time.Now()
	from := to.Add(-5 * time.Minute)
	good := metricsQuery(t, "GOOD", map[string]any{"expr": "count(" + demoSelector + ")"}, from, to)
	notJSON := &pluginv2.DataQuery{RefId: "NOTJSON", QueryType: "metrics", TimeRange: good.TimeRange, Json: []byte("{expr: ")}
	noExpr := metricsQuery(t, "NOEXPR", map[string]any{"expr": ""}, from, to)
	unknown := metricsQuery(t, "UNKNOWN", map[string]any{"expr": "up"}, from, to)
	unknown.QueryType = "bogus"
	badStep := metricsQuery(t, "BADSTEP", map[string]any{"expr": "up", "minStep": "fast"}, from, to)
	res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Queries:       []*pluginv2.DataQuery{good, notJSON, noExpr, unknown, badStep},
	})
	if err != nil {
		t.Fatalf("QueryData failed as a whole: %v", err)
	}
	if r := res.Responses["GOOD"]; r.Error != "" || len(decodeFrames(t, r)) == 0 {
		t.Fatalf("the good query of the same request did not answer: %+v", r)
	}
	for refID, want := range map[string]string{
		"NOTJSON": "not valid JSON",
		"NOEXPR":  "no PromQL expression",
		"UNKNOWN": "unknown query type",
		"BADSTEP": "not a duration",
	} {
		r := res.Responses[refID]
		if r == nil || r.Status != 400 || !strings.Contains(r.Error, want) || r.ErrorSource != "plugin" {
			t.Fatalf("%s: got %+v, want a 400 plugin error containing %q", refID, r, want)
		}
	}

	t.Run("Prometheus down is a downstream error of that query only", func(t *testing.T) {
		downCtx := pluginContext(t, map[string]any{"prometheusUrl": downURL(t)}, nil)
		res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: downCtx,
			Queries:       []*pluginv2.DataQuery{good},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Responses["GOOD"]
		if r.ErrorSource != "downstream" || !strings.Contains(r.Error, "Prometheus") {
			t.Fatalf("got %+v, want a downstream error naming Prometheus", r)
		}
	})
}

func TestCollectMetrics(t *testing.T) {
	p := startPlugin(t)
	res, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{
		PluginContext: &pluginv2.PluginContext{PluginId: "memstack-agentmemory-datasource"},
	})
	if err != nil {
		t.Fatal(err)
	}
	text := string(res.Metrics.Prometheus)
	for _, want := range []string{"# TYPE agentmemory_backend_queries_total counter", "agentmemory_backend_process_resident_memory_bytes"} {
		if !strings.Contains(text, want) {
			t.Fatalf("CollectMetrics text lacks %q:\n%.500s", want, text)
		}
	}
}

func TestSigintIsIgnoredAndShutdownIsClean(t *testing.T) {
	p := startPlugin(t)
	cfg := p.client.ReattachConfig()
	socket := cfg.Addr.String()
	if err := syscall.Kill(cfg.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{}); err != nil {
		t.Fatalf("the plugin stopped answering after SIGINT (go-plugin servers must ignore it): %v", err)
	}
	started := time.Now()
	p.client.Kill() // GRPCController.Shutdown, then up to 2 s of grace before a hard kill
	elapsed := time.Since(started)
	if elapsed >= 2*time.Second {
		t.Fatalf("Shutdown took %s; go-plugin kills plugins that need 2 s", elapsed)
	}
	if strings.Contains(p.logs.String(), "plugin failed to exit gracefully") {
		t.Fatal("go-plugin had to kill the plugin")
	}
	if err := syscall.Kill(cfg.Pid, 0); err == nil {
		t.Fatalf("process %d still runs after Shutdown", cfg.Pid)
	}
	if _, err := os.Stat(socket); !os.IsNotExist(err) {
		t.Fatalf("socket %s left behind (stat: %v)", socket, err)
	}
	if _, err := os.Stat(filepath.Dir(socket)); !os.IsNotExist(err) {
		t.Fatalf("socket directory %s left behind", filepath.Dir(socket))
	}
	t.Logf("shutdown took %s", elapsed)
}
