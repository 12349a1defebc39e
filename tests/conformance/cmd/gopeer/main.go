// Command gopeer is a minimal Grafana data source built on grafana-plugin-sdk-go that does the
// job of our backend's metrics query, as Grafana's own Go data sources would do it: the baseline
// of npm run bench:peer (the Go peer comparison in cmd/querybench) and of TestGoPeer.
//
// What it does, on purpose the same as backend/src/query/metrics and backend/src/sources:
//   - reads the same jsonData (prometheusUrl, timeoutSeconds / prometheusTimeoutSeconds,
//     timeInterval), so both plugins can be given the same data source settings;
//   - a range query's step and aligned window, and Grafana's interval macros, as rangeWindow and
//     interpolateMacros compute them (backend/src/query/metrics/window.ts);
//   - POSTs the form query, start, end, step to <prometheusUrl>/api/v1/query_range;
//   - at most DEFAULTS.maxConcurrentCallsPerSource (16) calls to Prometheus at once per data
//     source instance, the others waiting their turn in arrival order (or for their cancellation);
//   - one keep-alive HTTP client per instance (the SDK's httpclient with its default middlewares,
//     the request timeout of the settings, at most 64 connections and 16 idle ones: our agent's
//     maxSockets and maxFreeSockets);
//   - reads the answer as Grafana's Prometheus data source does, streaming with the SDK's jsoniter
//     into one frame per series: a Time field (with the step as its interval) and a Value field
//     carrying the series' labels, dataplane type timeseries-multi 0.1, Prometheus' warnings as
//     notices, the legend format as displayNameFromDS.
//
// What it leaves out (ours has them): instant queries, credentials and TLS, the circuit breaker,
// the alert lane, the response-size cap and memory budget, our own metrics of each phase.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	sdkjsoniter "github.com/grafana/grafana-plugin-sdk-go/data/utils/jsoniter"
	jsoniter "github.com/json-iterator/go"
)

const (
	// MaxConcurrentCallsPerSource is contract/settings.ts DEFAULTS.maxConcurrentCallsPerSource.
	MaxConcurrentCallsPerSource = 16
	defaultTimeout              = 30 * time.Second
	maxTimeout                  = 300 * time.Second
	defaultScrapeSec            = 15
	prometheusMaxPoints         = 11_000
)

// settings is the part of our jsonData this data source reads.
type settings struct {
	PrometheusURL            string   `json:"prometheusUrl"`
	TimeoutSeconds           *float64 `json:"timeoutSeconds"`
	PrometheusTimeoutSeconds *float64 `json:"prometheusTimeoutSeconds"`
	TimeInterval             string   `json:"timeInterval"`
}

// instance is one data source instance: its client and its queue to Prometheus.
type instance struct {
	url       string
	scrapeSec float64
	client    *http.Client
	// slots is a FIFO semaphore: a goroutine blocked sending on a full channel is queued, and the
	// queue is served in arrival order.
	slots chan struct{}
}

func newInstance(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	var js settings
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &js); err != nil {
			return nil, fmt.Errorf("the data source settings could not be read: %w", err)
		}
	}
	timeout := defaultTimeout
	for _, t := range []*float64{js.PrometheusTimeoutSeconds, js.TimeoutSeconds} {
		if t != nil && *t > 0 {
			timeout = min(time.Duration(*t*float64(time.Second)), maxTimeout)
			break
		}
	}
	scrape := float64(defaultScrapeSec)
	if js.TimeInterval != "" {
		d, err := parsePromDuration(js.TimeInterval)
		if err != nil {
			return nil, fmt.Errorf("scrape interval %q: %w", js.TimeInterval, err)
		}
		scrape = d.Seconds()
	}
	timeouts := httpclient.DefaultTimeoutOptions
	timeouts.Timeout = timeout
	timeouts.MaxConnsPerHost = 64
	timeouts.MaxIdleConnsPerHost = 16
	client, err := httpclient.New(httpclient.Options{Timeouts: &timeouts, Middlewares: httpclient.DefaultMiddlewares()})
	if err != nil {
		return nil, err
	}
	return &instance{
		url:       strings.TrimRight(js.PrometheusURL, "/"),
		scrapeSec: scrape,
		client:    client,
		slots:     make(chan struct{}, MaxConcurrentCallsPerSource),
	}, nil
}

func (inst *instance) Dispose() { inst.client.CloseIdleConnections() }

// queryModel is the metrics query model (contract/queries.ts MetricsQueryModel).
type queryModel struct {
	Expr         string `json:"expr"`
	LegendFormat string `json:"legendFormat"`
	Instant      bool   `json:"instant"`
	Range        bool   `json:"range"`
	MinStep      string `json:"minStep"`
}

func (inst *instance) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	res := backend.NewQueryDataResponse()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, q := range req.Queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := inst.query(ctx, q)
			mu.Lock()
			res.Responses[q.RefID] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return res, nil
}

func (inst *instance) CheckHealth(context.Context, *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: "ok"}, nil
}

func errorResponse(status backend.Status, format string, args ...any) backend.DataResponse {
	return backend.ErrDataResponse(status, fmt.Sprintf(format, args...))
}

func (inst *instance) query(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	if q.QueryType != "metrics" {
		return errorResponse(backend.StatusBadRequest, "unknown query type %q", q.QueryType)
	}
	if inst.url == "" {
		return errorResponse(backend.StatusBadRequest, "Prometheus is not configured: set its URL in the data source settings")
	}
	var m queryModel
	if err := json.Unmarshal(q.JSON, &m); err != nil {
		return errorResponse(backend.StatusBadRequest, "the query model is not JSON: %v", err)
	}
	if m.Expr == "" {
		return errorResponse(backend.StatusBadRequest, "the query has no expression")
	}
	if m.Instant && !m.Range {
		return errorResponse(backend.StatusBadRequest, "instant queries are not part of this peer")
	}
	lower := inst.scrapeSec
	if m.MinStep != "" {
		d, err := parsePromDuration(m.MinStep)
		if err != nil {
			return errorResponse(backend.StatusBadRequest, "minStep %q: %v", m.MinStep, err)
		}
		lower = d.Seconds()
	}
	w := rangeWindow(q, lower)
	expr := interpolateMacros(m.Expr, w, q.TimeRange, lower)

	frames, err := inst.queryRange(ctx, expr, w)
	if err != nil {
		return errorResponse(backend.StatusBadGateway, "%v", err)
	}
	executed := fmt.Sprintf("Expr: %s\nStep: %ss", expr, num(w.stepSec))
	for _, f := range frames {
		f.RefID = q.RefID
		f.Meta.ExecutedQueryString = executed
		f.Fields[0].Config = &data.FieldConfig{Interval: w.stepSec * 1000}
		if m.LegendFormat != "" && m.LegendFormat != "__auto" {
			name := renderLegend(m.LegendFormat, f.Fields[1].Labels)
			f.Name = name
			f.Fields[1].Config = &data.FieldConfig{DisplayNameFromDS: name}
		}
	}
	return backend.DataResponse{Frames: frames}
}

// queryRange waits for a slot, POSTs the query and reads the answer into frames.
func (inst *instance) queryRange(ctx context.Context, expr string, w window) (data.Frames, error) {
	select {
	case inst.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-inst.slots }()

	form := url.Values{"query": {expr}, "start": {num(w.startSec)}, "end": {num(w.endSec)}, "step": {num(w.stepSec)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inst.url+"/api/v1/query_range", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := inst.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("Prometheus is unreachable: %w", err)
	}
	defer func() {
		io.Copy(io.Discard, res.Body) // the connection goes back to the pool
		res.Body.Close()
	}()
	if !strings.Contains(res.Header.Get("Content-Type"), "json") {
		return nil, fmt.Errorf("Prometheus answered HTTP %d without JSON", res.StatusCode)
	}
	return readMatrix(res.Body)
}

// readMatrix streams Prometheus' answer into frames, as Grafana's Prometheus data source does
// (jsoniter, no intermediate structs).
func readMatrix(body io.Reader) (data.Frames, error) {
	iter, err := sdkjsoniter.Parse(jsoniter.ConfigDefault, body, 16*1024)
	if err != nil {
		return nil, err
	}
	var frames data.Frames
	var status, errText, resultType string
	var warnings []string
	for key, err := iter.ReadObject(); ; key, err = iter.ReadObject() {
		if err != nil {
			return nil, fmt.Errorf("Prometheus answered a body that is not JSON: %w", err)
		}
		if key == "" {
			break
		}
		switch key {
		case "status":
			status, err = iter.ReadString()
		case "error":
			errText, err = iter.ReadString()
		case "warnings":
			for more, e := iter.ReadArray(); more && e == nil; more, e = iter.ReadArray() {
				var w string
				if w, err = iter.ReadString(); err != nil {
					break
				}
				warnings = append(warnings, w)
			}
		case "data":
			for k, e := iter.ReadObject(); k != "" || e != nil; k, e = iter.ReadObject() {
				if e != nil {
					return nil, e
				}
				switch k {
				case "resultType":
					resultType, err = iter.ReadString()
				case "result":
					if resultType != "" && resultType != "matrix" {
						return nil, fmt.Errorf("Prometheus answered a %s result to a range query", resultType)
					}
					frames, err = readSeries(iter)
				default:
					err = iter.Skip()
				}
				if err != nil {
					return nil, err
				}
			}
		default:
			err = iter.Skip()
		}
		if err != nil {
			return nil, fmt.Errorf("Prometheus answered a query result of an unexpected shape: %w", err)
		}
	}
	if status == "error" {
		return nil, fmt.Errorf("Prometheus rejected the query: %s", errText)
	}
	if status != "success" {
		return nil, fmt.Errorf("Prometheus answered without a query result")
	}
	meta := &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
	for _, w := range warnings {
		meta.Notices = append(meta.Notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: "Prometheus: " + w})
	}
	if len(frames) == 0 {
		return data.Frames{data.NewFrame("").SetMeta(meta)}, nil
	}
	for _, f := range frames {
		f.Meta = meta
	}
	return frames, nil
}

// readSeries reads a matrix: [{"metric": {...}, "values": [[t, "v"], ...]}, ...].
func readSeries(iter *sdkjsoniter.Iterator) (data.Frames, error) {
	var frames data.Frames
	for more, err := iter.ReadArray(); more || err != nil; more, err = iter.ReadArray() {
		if err != nil {
			return nil, err
		}
		labels := data.Labels{}
		var times []time.Time
		var values []float64
		for key, err := iter.ReadObject(); key != "" || err != nil; key, err = iter.ReadObject() {
			if err != nil {
				return nil, err
			}
			switch key {
			case "metric":
				for name, err := iter.ReadObject(); name != "" || err != nil; name, err = iter.ReadObject() {
					if err != nil {
						return nil, err
					}
					value, err := iter.ReadString()
					if err != nil {
						return nil, err
					}
					labels[name] = value
				}
			case "values":
				for more, err := iter.ReadArray(); more || err != nil; more, err = iter.ReadArray() {
					if err != nil {
						return nil, err
					}
					t, v, err := readSample(iter)
					if err != nil {
						return nil, err
					}
					times = append(times, t)
					values = append(values, v)
				}
			default:
				if err := iter.Skip(); err != nil {
					return nil, err
				}
			}
		}
		frames = append(frames, data.NewFrame("",
			data.NewField(data.TimeSeriesTimeFieldName, nil, times),
			data.NewField(data.TimeSeriesValueFieldName, labels, values)))
	}
	return frames, nil
}

// readSample reads [1700000000.123, "0.5"]: milliseconds rounded, as ours does.
func readSample(iter *sdkjsoniter.Iterator) (time.Time, float64, error) {
	if more, err := iter.ReadArray(); !more || err != nil {
		return time.Time{}, 0, fmt.Errorf("a sample is not [time, \"value\"]")
	}
	sec, err := iter.ReadFloat64()
	if err != nil {
		return time.Time{}, 0, err
	}
	if more, err := iter.ReadArray(); !more || err != nil {
		return time.Time{}, 0, fmt.Errorf("a sample is not [time, \"value\"]")
	}
	raw, err := iter.ReadString()
	if err != nil {
		return time.Time{}, 0, err
	}
	if more, err := iter.ReadArray(); more || err != nil {
		return time.Time{}, 0, fmt.Errorf("a sample is not [time, \"value\"]")
	}
	v, err := strconv.ParseFloat(raw, 64) // +Inf, -Inf and NaN included
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("a sample value %q is not a number", raw)
	}
	return time.UnixMilli(int64(math.Round(sec * 1000))).UTC(), v, nil
}

// window is a range query's aligned start and end and its step, in seconds.
type window struct{ startSec, endSec, stepSec float64 }

// rangeWindow is backend/src/query/metrics/window.ts rangeWindow.
func rangeWindow(q backend.DataQuery, lowerSec float64) window {
	from, to := q.TimeRange.From.UnixMilli(), q.TimeRange.To.UnixMilli()
	rangeSec := max(0, float64(to-from)/1000)
	step := max(float64(q.Interval.Milliseconds())/1000, lowerSec, rangeSec/prometheusMaxPoints, 0.001)
	if q.MaxDataPoints > 0 {
		step = max(step, rangeSec/float64(q.MaxDataPoints))
	}
	if step >= 1 {
		step = math.Ceil(step)
	} else {
		step = math.Round(step*1000) / 1000
	}
	return window{
		startSec: math.Floor(float64(from)/1000/step) * step,
		endSec:   math.Ceil(float64(to)/1000/step) * step,
		stepSec:  step,
	}
}

// Grafana's interval macros, as interpolateMacros replaces them (the longer names first).
var macros = []struct {
	re    *regexp.Regexp
	value func(step, rate, rangeSec int64) string
}{
	{regexp.MustCompile(`\$__rate_interval_ms\b`), func(_, rate, _ int64) string { return strconv.FormatInt(rate*1000, 10) }},
	{regexp.MustCompile(`\$__rate_interval\b`), func(_, rate, _ int64) string { return strconv.FormatInt(rate, 10) + "s" }},
	{regexp.MustCompile(`\$__interval_ms\b`), func(step, _, _ int64) string { return strconv.FormatInt(step*1000, 10) }},
	{regexp.MustCompile(`\$__interval\b`), func(step, _, _ int64) string { return strconv.FormatInt(step, 10) + "s" }},
	{regexp.MustCompile(`\$__range_ms\b`), func(_, _, r int64) string { return strconv.FormatInt(r*1000, 10) }},
	{regexp.MustCompile(`\$__range_s\b`), func(_, _, r int64) string { return strconv.FormatInt(r, 10) }},
	{regexp.MustCompile(`\$__range\b`), func(_, _, r int64) string { return strconv.FormatInt(r, 10) + "s" }},
}

// roundJS is JavaScript's Math.round (halves go up).
func roundJS(x float64) int64 { return int64(math.Floor(x + 0.5)) }

func interpolateMacros(expr string, w window, tr backend.TimeRange, scrapeSec float64) string {
	if !strings.Contains(expr, "$__") {
		return expr
	}
	rangeSec := max(1, roundJS(float64(tr.To.UnixMilli()-tr.From.UnixMilli())/1000))
	step := max(1, roundJS(w.stepSec))
	rate := roundJS(max(float64(step)+scrapeSec, 4*scrapeSec))
	for _, m := range macros {
		expr = m.re.ReplaceAllString(expr, m.value(step, rate, rangeSec))
	}
	return expr
}

// renderLegend is backend/src/query/metrics/frames.ts renderLegend.
func renderLegend(format string, labels data.Labels) string {
	var b strings.Builder
	position := 0
	for position < len(format) {
		open := strings.Index(format[position:], "{{")
		if open < 0 {
			break
		}
		open += position
		close := strings.Index(format[open+2:], "}}")
		if close < 0 {
			break
		}
		close += open + 2
		b.WriteString(format[position:open])
		if close == open+2 {
			b.WriteString("{{}}")
		} else {
			b.WriteString(labels[strings.TrimSpace(format[open+2:close])])
		}
		position = close + 2
	}
	b.WriteString(format[position:])
	return b.String()
}

// num prints a number as JavaScript's String() does for the values used here.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

var promDuration = regexp.MustCompile(`^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$`)

// parsePromDuration reads a Prometheus duration such as 15s, 1m30s or plain seconds ("60").
func parsePromDuration(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(secs * float64(time.Second)), nil
	}
	m := promDuration.FindStringSubmatch(s)
	if m == nil || s == "" {
		return 0, fmt.Errorf("not a Prometheus duration such as 15s, 1m or 1m30s")
	}
	units := []time.Duration{365 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second, time.Millisecond}
	var d time.Duration
	for i, u := range units {
		if m[i+1] != "" {
			n, _ := strconv.ParseInt(m[i+1], 10, 64)
			d += time.Duration(n) * u
		}
	}
	return d, nil
}

func main() {
	if err := datasource.Manage("memstack-agentmemory-gopeer", newInstance, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
