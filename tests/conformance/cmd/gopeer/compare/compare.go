// Package compare runs our backend and the Go peer (cmd/gopeer, a grafana-plugin-sdk-go data
// source doing the same metrics query) side by side on one replayed Prometheus answer, as
// Grafana drives them (go-plugin, gRPC, conformance.Launch): the series each returns, and
// latency, throughput, CPU and RSS under closed-loop load. Shared by npm run bench:peer
// (cmd/querybench -peer) and TestGoPeer.
package compare

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/memstack/agentmemory/tests/conformance"
)

// RecordedAnswer is Prometheus' answer to Expr over 15 minutes at a 15 s step, recorded from the
// local stack with the demo loading it (npm run bench:peer -- -record re-records it).
//
//go:embed testdata/query_range.json
var RecordedAnswer []byte

// Expr is the bench's query: the p99 latency panel of the overview dashboard (as bench:queries).
const Expr = `histogram_quantile(0.99, sum by (operation, le) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))`

// MaxConcurrentCallsPerSource is contract/settings.ts DEFAULTS.maxConcurrentCallsPerSource, the
// limit both plugins apply per data source instance.
const MaxConcurrentCallsPerSource = 16

// Limits says what each side does with more concurrent requests than it calls Prometheus at once.
var Limits = map[string]string{
	"ours": fmt.Sprintf("at most %d Prometheus calls at once per data source instance (viewers' lane; alert evaluations have %d more of their own), "+
		"the others wait in a FIFO queue without a length bound until their turn or their request's cancellation; every request is admitted "+
		"(grpc-js, no stream limit); answers count against a memory budget of 192 MiB per instance and 384 MiB per process (not reached here); "+
		"keep-alive agent, 64 sockets, 16 idle, 30 s timeout; a circuit breaker per source", MaxConcurrentCallsPerSource, MaxConcurrentCallsPerSource),
	"Go": fmt.Sprintf("at most %d Prometheus calls at once per data source instance (a channel semaphore, waiters served in arrival order until "+
		"their turn or their request's cancellation); every request is admitted (grpc-go, no stream limit); no memory budget; "+
		"the SDK's httpclient with its default middlewares, keep-alive, 64 connections, 16 idle, 30 s timeout; no breaker", MaxConcurrentCallsPerSource),
}

// PluginContext is one data source instance with only Prometheus configured: the same for both.
func PluginContext(prometheusURL string) *pluginv2.PluginContext {
	raw, _ := json.Marshal(map[string]any{"prometheusUrl": prometheusURL})
	return &pluginv2.PluginContext{OrgId: 1, PluginId: "memstack-agentmemory-datasource",
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{Uid: "gopeer", Name: "Go peer comparison", JsonData: raw}}
}

// Query is a dashboard's range query of Expr over the last 15 minutes.
func Query(ref string) *pluginv2.DataQuery { return QueryAt(ref, time.Now()) }

// QueryAt is the same query over the 15 minutes before to.
func QueryAt(ref string, to time.Time) *pluginv2.DataQuery {
	raw, _ := json.Marshal(map[string]any{"expr": Expr, "legendFormat": "{{operation}}"})
	return &pluginv2.DataQuery{RefId: ref, QueryType: "metrics", Json: raw, IntervalMS: 15000, MaxDataPoints: 1000,
		TimeRange: &pluginv2.TimeRange{FromEpochMS: to.Add(-15 * time.Minute).UnixMilli(), ToEpochMS: to.UnixMilli()}}
}

// BuildPeer builds cmd/gopeer into dir (the go command's build cache makes it quick after once).
func BuildPeer(dir string) (string, error) {
	out := filepath.Join(dir, "gopeer")
	cmd := exec.Command("go", "build", "-o", out, "github.com/memstack/agentmemory/tests/conformance/cmd/gopeer")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build cmd/gopeer: %v\n%s", err, stderr.String())
	}
	return out, nil
}

// Side is one plugin process under comparison.
type Side struct {
	Name   string
	Plugin *conformance.Plugin
	PID    int
}

func (s *Side) Kill() { s.Plugin.Kill() }

// Launch starts a plugin as Grafana does and finds its process: the child of this process that
// was not there before.
func Launch(name, bin string) (*Side, error) {
	before := children()
	p, err := conformance.Launch(bin, io.Discard)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var found []int
	for pid := range children() {
		if !before[pid] {
			found = append(found, pid)
		}
	}
	if len(found) != 1 {
		p.Kill()
		return nil, fmt.Errorf("%s: expected one new child process, found %v", name, found)
	}
	return &Side{Name: name, Plugin: p, PID: found[0]}, nil
}

// children are the processes whose parent is this one.
func children() map[int]bool {
	out := map[int]bool{}
	entries, _ := os.ReadDir("/proc")
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(self) {
			out[pid] = true
		}
	}
	return out
}

// Mem is a process's resident set now and its peak since the last ResetPeak, bytes.
type Mem struct{ RSS, Peak uint64 }

func ReadMem(pid int) (Mem, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Mem{}, err
	}
	var m Mem
	for _, line := range strings.Split(string(status), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return Mem{}, err
		}
		if name == "VmRSS" {
			m.RSS = kb * 1024
		} else {
			m.Peak = kb * 1024
		}
	}
	return m, nil
}

// ResetPeak sets VmHWM back to the current RSS (Linux's clear_refs "5").
func ResetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// CPUTime is the process's user + system time, all threads (clock ticks of 10 ms).
func CPUTime(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	// After the comm: state(0) ppid(1) ... utime(11) stime(12).
	utime, err1 := strconv.ParseUint(fields[11], 10, 64)
	stime, err2 := strconv.ParseUint(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// Series is one frame of a metrics answer as a panel sees it.
type Series struct {
	Name     string
	Labels   string
	TimesMS  []int64
	Values   []float64
	Interval float64 // the time field's config interval, ms
}

// Decode reads a response's query ref into series, sorted by labels.
func Decode(res *pluginv2.QueryDataResponse, ref string) ([]Series, error) {
	r, ok := res.Responses[ref]
	if !ok {
		return nil, fmt.Errorf("no response for query %s", ref)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("query %s failed: %s", ref, r.Error)
	}
	frames, err := data.UnmarshalArrowFrames(r.Frames)
	if err != nil {
		return nil, err
	}
	var out []Series
	for i, f := range frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti {
			return nil, fmt.Errorf("frame %d is not timeseries-multi: %+v", i, f.Meta)
		}
		if len(f.Fields) != 2 || f.Fields[0].Name != data.TimeSeriesTimeFieldName || f.Fields[1].Name != data.TimeSeriesValueFieldName {
			return nil, fmt.Errorf("frame %d does not have the fields Time and Value", i)
		}
		s := Series{Name: f.Name, Labels: f.Fields[1].Labels.String()}
		if c := f.Fields[0].Config; c != nil {
			s.Interval = c.Interval
		}
		for row := 0; row < f.Rows(); row++ {
			t, ok := f.Fields[0].ConcreteAt(row)
			v, ok2 := f.Fields[1].ConcreteAt(row)
			if !ok || !ok2 {
				return nil, fmt.Errorf("frame %d row %d has a null", i, row)
			}
			s.TimesMS = append(s.TimesMS, t.(time.Time).UnixMilli())
			s.Values = append(s.Values, v.(float64))
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Labels < out[j].Labels })
	return out, nil
}

// Differences lists how two answers differ (nothing when they are the same series).
func Differences(ours, theirs []Series) []string {
	var diffs []string
	if len(ours) != len(theirs) {
		return []string{fmt.Sprintf("%d series vs %d", len(ours), len(theirs))}
	}
	for i := range ours {
		a, b := ours[i], theirs[i]
		switch {
		case a.Labels != b.Labels:
			diffs = append(diffs, fmt.Sprintf("series %d: labels %s vs %s", i, a.Labels, b.Labels))
		case a.Name != b.Name:
			diffs = append(diffs, fmt.Sprintf("series %s: name %q vs %q", a.Labels, a.Name, b.Name))
		case a.Interval != b.Interval:
			diffs = append(diffs, fmt.Sprintf("series %s: time field interval %v vs %v", a.Labels, a.Interval, b.Interval))
		case len(a.Values) != len(b.Values):
			diffs = append(diffs, fmt.Sprintf("series %s: %d points vs %d", a.Labels, len(a.Values), len(b.Values)))
		default:
			for j := range a.Values {
				same := a.Values[j] == b.Values[j] || (math.IsNaN(a.Values[j]) && math.IsNaN(b.Values[j]))
				if a.TimesMS[j] != b.TimesMS[j] || !same {
					diffs = append(diffs, fmt.Sprintf("series %s point %d: (%d, %v) vs (%d, %v)", a.Labels, j, a.TimesMS[j], a.Values[j], b.TimesMS[j], b.Values[j]))
					break
				}
			}
		}
	}
	return diffs
}

// Answer sends one query and decodes it.
func Answer(side *Side, pc *pluginv2.PluginContext) ([]Series, error) {
	return AnswerTo(side, pc, Query("M"))
}

// AnswerTo sends q (its refId M) and decodes the answer.
func AnswerTo(side *Side, pc *pluginv2.PluginContext, q *pluginv2.DataQuery) ([]Series, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := side.Plugin.Data().QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{q}})
	if err != nil {
		return nil, err
	}
	return Decode(res, "M")
}

// Result is one side's closed-loop load: every client sends its next request when the last one
// is answered.
type Result struct {
	Concurrency int
	Requests    int
	Errors      int
	FirstError  string
	Elapsed     time.Duration
	Latencies   []time.Duration
	CPU         time.Duration // the plugin process's CPU time meanwhile
	RSS         []uint64      // sampled every 50 ms meanwhile
	Peak        uint64        // VmHWM after the load, reset before it
}

// Load runs concurrency clients for duration (or until each sent perClient requests, when > 0),
// each request one query, checking that every answer has wantFrames frames and no error (the
// frames themselves are not decoded: the client's cost is kept out of the plugins' CPU share).
func Load(side *Side, pc *pluginv2.PluginContext, concurrency int, duration time.Duration, perClient, wantFrames int) Result {
	r := Result{Concurrency: concurrency}
	_ = ResetPeak(side.PID)
	cpu0, _ := CPUTime(side.PID)
	stopSampling := make(chan struct{})
	sampled := make(chan []uint64)
	go func() {
		var samples []uint64
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				sampled <- samples
				return
			case <-tick.C:
				if m, err := ReadMem(side.PID); err == nil {
					samples = append(samples, m.RSS)
				}
			}
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	started := time.Now()
	deadline := started.Add(duration)
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var errors int
			var firstError string
			for n := 0; (perClient > 0 && n < perClient) || (perClient == 0 && time.Now().Before(deadline)); n++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				t0 := time.Now()
				res, err := side.Plugin.Data().QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{Query("M")}})
				elapsed := time.Since(t0)
				cancel()
				problem := ""
				switch {
				case err != nil:
					problem = err.Error()
				case res.Responses["M"] == nil:
					problem = "no response for the query"
				case res.Responses["M"].Error != "":
					problem = res.Responses["M"].Error
				case len(res.Responses["M"].Frames) != wantFrames:
					problem = fmt.Sprintf("%d frames instead of %d", len(res.Responses["M"].Frames), wantFrames)
				}
				if problem != "" {
					errors++
					if firstError == "" {
						firstError = problem
					}
					continue
				}
				mine = append(mine, elapsed)
			}
			mu.Lock()
			r.Latencies = append(r.Latencies, mine...)
			r.Errors += errors
			if r.FirstError == "" {
				r.FirstError = firstError
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.Elapsed = time.Since(started)
	close(stopSampling)
	r.RSS = <-sampled
	cpu1, _ := CPUTime(side.PID)
	r.CPU = cpu1 - cpu0
	if m, err := ReadMem(side.PID); err == nil {
		r.Peak = m.Peak
	}
	r.Requests = len(r.Latencies)
	return r
}

// Merge adds another round of the same load.
func (r Result) Merge(o Result) Result {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
	r.Elapsed += o.Elapsed
	r.Latencies = append(append([]time.Duration(nil), r.Latencies...), o.Latencies...)
	r.CPU += o.CPU
	r.RSS = append(append([]uint64(nil), r.RSS...), o.RSS...)
	r.Peak = max(r.Peak, o.Peak)
	return r
}

func (r Result) Throughput() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// CPUPerRequest is the plugin's own CPU time per answered request.
func (r Result) CPUPerRequest() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

func (r Result) Percentile(p float64) time.Duration { return Percentile(r.Latencies, p) }

// RSSUnderLoad is the median of the samples taken during the load.
func (r Result) RSSUnderLoad() uint64 {
	if len(r.RSS) == 0 {
		return 0
	}
	s := append([]uint64(nil), r.RSS...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// PeakRSS is the highest of VmHWM and the samples.
func (r Result) PeakRSS() uint64 {
	peak := r.Peak
	for _, v := range r.RSS {
		peak = max(peak, v)
	}
	return peak
}

func Percentile(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

func MiB(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func MS(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
