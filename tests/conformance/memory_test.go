package conformance

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// The default per-source cap (contract/settings.ts DEFAULTS.maxResponseMiB) and the bound on the
// plugin's memory over its idle size that docs/limitations.md states at the defaults.
const (
	defaultCapBytes   = 64 << 20
	memoryHeadroomMiB = 300
	queriesPerRequest = 100
)

// bigUpstream answers as a Prometheus or Elasticsearch whose answers are valid and as large as
// the default cap allows, or as one that streams a valid-looking matrix without end. The first
// path segment picks the behaviour; "valid" gives the small answers of hostile_test.go.
type bigUpstream struct {
	*httptest.Server
	bytesSent atomic.Int64
}

func newBigUpstream(t *testing.T, from, to time.Time) *bigUpstream {
	u := &bigUpstream{}
	// Just under the cap: each answer is one the settings allow.
	matrix := promMatrix(defaultCapBytes-(1<<20), from, to)
	// A quarter of the cap: a matrix's parsed form is ~6 times its bytes, so this is what fits.
	smaller := promMatrix(defaultCapBytes/4, from, to)
	hits := esHits(defaultCapBytes-(1<<20), to)
	series := promSeries(0, from, to)
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, api, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		w.Header().Set("Content-Type", "application/json")
		switch mode {
		case "valid":
			fmt.Fprint(w, validAnswer(api))
		case "big":
			body := matrix
			if strings.Contains(api, "_search") {
				body = hits
			}
			u.write(w, body)
		case "quarter":
			u.write(w, smaller)
		case "endless":
			if !u.write(w, []byte(`{"status":"success","data":{"resultType":"matrix","result":[`)) {
				return
			}
			for u.write(w, series) {
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *bigUpstream) write(w http.ResponseWriter, body []byte) bool {
	for len(body) > 0 {
		n := min(len(body), 256<<10)
		if _, err := w.Write(body[:n]); err != nil {
			return false
		}
		u.bytesSent.Add(int64(n))
		body = body[n:]
	}
	return true
}

// promSeries is one matrix series of 1,000 points over the range, as Prometheus writes it.
func promSeries(i int, from, to time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"metric":{"__name__":"ai_memory_operations_total","operation":"op-%d","agent_type":"coding","instance":"demo:9464"},"values":[`, i)
	step := to.Sub(from).Seconds() / 1000
	for p := 0; p < 1000; p++ {
		if p > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `[%.3f,"%d.%06d"]`, float64(from.Unix())+float64(p)*step, i, p)
	}
	b.WriteString(`]},`)
	return b.Bytes()
}

func promMatrix(size int, from, to time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
	for i := 0; b.Len() < size-64<<10; i++ {
		b.Write(promSeries(i, from, to))
	}
	b.Truncate(b.Len() - 1) // the last series' comma
	b.WriteString(`]}}`)
	return b.Bytes()
}

// esHits is a search answer with as many hits as a logs query may ask for (5,000), their
// messages long enough to bring the answer to size.
func esHits(size int, at time.Time) []byte {
	const count = 5000
	message := strings.Repeat("memory search returned a long context window; ", size/count/47)
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"hits":{"total":{"value":%d},"hits":[`, count)
	for i := 0; i < count; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"_id":"%d","_index":"ai-events-x","_source":{"@timestamp":"%s","message":"%d %s","level":"INFO","operation":"search","agent_type":"coding"}}`,
			i, at.Add(-time.Duration(i)*time.Second).UTC().Format(time.RFC3339Nano), i, message)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

// procStatus reads one of the plugin's /proc/<pid>/status sizes (VmRSS, VmHWM) in bytes.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the plugin's memory: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, field+":") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	t.Fatalf("no %s line", field)
	return 0
}

// resetPeak starts the plugin's VmHWM afresh from its current RSS (proc(5), clear_refs "5"), so
// that each phase's own peak is read.
func resetPeak(t *testing.T, pid int) {
	t.Helper()
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		t.Fatalf("resetting the plugin's peak RSS: %v", err)
	}
}

// capError says which bound an answer passed and what to do about it.
func capError(message string) bool {
	return (strings.Contains(message, "MiB") && (strings.Contains(message, "narrow") || strings.Contains(message, "raise"))) ||
		strings.Contains(message, "try again")
}

// TestMemoryBoundUnderLargeAnswers: an endless body, 100 answers at the per-source cap from
// Prometheus and from Elasticsearch, each time as 100 queries in one request, at the default
// settings. The plugin's peak RSS stays within idle + 300 MiB, also while large answers are
// served, every query gets either its data
// or an error naming the bound it passed and what to do, some large answers still come through,
// and another data source instance answers all along.
func TestMemoryBoundUnderLargeAnswers(t *testing.T) {
	p := startPlugin(t)
	pid := p.client.ReattachConfig().Pid
	now := time.Now().Truncate(time.Second)
	from := now.Add(-time.Hour)
	u := newBigUpstream(t, from, now)
	idle := procStatus(t, pid, "VmRSS")

	settings := func(mode string) map[string]any {
		return map[string]any{"prometheusUrl": u.URL + "/" + mode, "elasticsearchUrl": u.URL + "/" + mode, "timeoutSeconds": 30}
	}
	goodCtx := withUID(pluginContext(t, settings("valid"), nil), "good")
	askGood := func(refID string) error {
		res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{PluginContext: goodCtx, Queries: []*pluginv2.DataQuery{
			metricsQuery(t, refID, map[string]any{"expr": "up"}, from, now),
			query(t, refID+"L", "logs", map[string]any{}, from, now),
		}})
		if err != nil {
			return err
		}
		for _, r := range res.Responses {
			if r.Error != "" {
				return fmt.Errorf("%s", r.Error)
			}
		}
		return nil
	}
	if err := askGood("WARM"); err != nil {
		t.Fatalf("warm-up query: %v", err)
	}
	warm := procStatus(t, pid, "VmRSS")

	stop := make(chan struct{})
	var goodAnswers, goodFailures atomic.Int64
	var lastGoodError atomic.Value
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if err := askGood("G"); err != nil {
				goodFailures.Add(1)
				lastGoodError.Store(err.Error())
			} else {
				goodAnswers.Add(1)
			}
		}
	}()

	hostile := withUID(pluginContext(t, settings("big"), nil), "big")
	quarter := withUID(pluginContext(t, settings("quarter"), nil), "quarter")
	endless := withUID(pluginContext(t, settings("endless"), nil), "endless")
	phases := []struct {
		name      string
		ctx       *pluginv2.PluginContext
		queryType string
		model     map[string]any
		minOK     int // large answers that must still come through
		headroom  int64
	}{
		{"endless matrix", endless, "metrics", map[string]any{"expr": "up"}, 0, memoryHeadroomMiB},
		{"Prometheus matrices at the cap", hostile, "metrics", map[string]any{"expr": "up"}, 0, memoryHeadroomMiB},
		{"Prometheus matrices at a quarter of the cap", quarter, "metrics", map[string]any{"expr": "up"}, 1, memoryHeadroomMiB},
		{"Elasticsearch hits at the cap", hostile, "logs", map[string]any{"limit": 5000}, 1, memoryHeadroomMiB},
	}
	peak := procStatus(t, pid, "VmHWM")
	for _, phase := range phases {
		started := time.Now()
		resetPeak(t, pid)
		queries := make([]*pluginv2.DataQuery, queriesPerRequest)
		for i := range queries {
			queries[i] = query(t, fmt.Sprintf("Q%03d", i), phase.queryType, phase.model, from, now)
		}
		res, err := p.data.QueryData(ctxWithTimeout(t, 60*time.Second), &pluginv2.QueryDataRequest{PluginContext: phase.ctx, Queries: queries})
		if err != nil {
			t.Fatalf("%s: the request failed as a whole: %v", phase.name, err)
		}
		ok, capped, size := 0, 0, 0
		var sample string
		for _, q := range queries {
			r := res.Responses[q.RefId]
			switch {
			case r == nil:
				t.Fatalf("%s: no answer for %s", phase.name, q.RefId)
			case r.Error == "":
				if frames := decodeFrames(t, r); len(frames) == 0 || frames[0].Rows() == 0 {
					t.Fatalf("%s: %s answered without data", phase.name, q.RefId)
				}
				ok++
			case capError(r.Error):
				capped++
				sample = r.Error
			default:
				t.Errorf("%s: %s failed without naming a bound: %q", phase.name, q.RefId, r.Error)
			}
			for _, f := range r.Frames {
				size += len(f)
			}
		}
		phasePeak := procStatus(t, pid, "VmHWM")
		peak = max(peak, phasePeak)
		t.Logf("%s: %d answered, %d over a bound (e.g. %q), response %d MiB, %.1f s, peak RSS %d MiB, RSS after %d MiB",
			phase.name, ok, capped, sample, size>>20, time.Since(started).Seconds(), phasePeak>>20, procStatus(t, pid, "VmRSS")>>20)
		if ok < phase.minOK {
			t.Errorf("%s: %d queries answered, want at least %d: the bound refuses answers the settings allow", phase.name, ok, phase.minOK)
		}
		if size > 256<<20 {
			t.Errorf("%s: response of %d MiB, over the 256 MiB response cap", phase.name, size>>20)
		}
		if phasePeak > idle+phase.headroom<<20 {
			t.Errorf("%s: plugin RSS peaked at %d MiB, over idle + %d MiB (%d MiB)", phase.name, phasePeak>>20, phase.headroom, (idle>>20)+phase.headroom)
		}
	}
	close(stop)
	wg.Wait()

	peak = max(peak, procStatus(t, pid, "VmHWM"))
	t.Logf("plugin RSS: idle %d MiB (after a warm-up query %d MiB), peak %d MiB, goal idle + %d = %d MiB; upstream sent %d MiB; other instance: %d answers, %d failures",
		idle>>20, warm>>20, peak>>20, memoryHeadroomMiB, (idle>>20)+memoryHeadroomMiB, u.bytesSent.Load()>>20, goodAnswers.Load(), goodFailures.Load())
	if goodFailures.Load() > 0 || goodAnswers.Load() < 3 {
		t.Errorf("the other instance got %d failures (last: %v) and %d answers meanwhile", goodFailures.Load(), lastGoodError.Load(), goodAnswers.Load())
	}
	if p.client.Exited() {
		t.Fatal("the plugin process exited")
	}
}
