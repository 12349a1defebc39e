package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// One backend process serves every data source instance of every organisation of a Grafana, and
// its alert evaluations. These tests drive it the way Grafana does (grafana-plugin-sdk-go's gRPC
// client against the built executable) with two organisations and with alert-shaped requests.
// Grafana: DS-UID-PER-ORG, ALERT-QUERY-CONTEXT (docs/grafana-behaviour.md)

// isolationFront is one loopback host in front of the real Prometheus. The first path segment
// picks the behaviour: "real" forwards, "fail" answers 503 as a broken Prometheus would, "slow"
// holds queries that contain slowMarker for slowFor before forwarding (a heavy viewer query) and
// forwards the others at once. Every instance behind it has the same host, which is what a
// breaker or queue keyed by host and uid would share.
type isolationFront struct {
	*httptest.Server
	slowFor    time.Duration
	slowNow    atomic.Int64 // slow queries being held now
	slowPeak   atomic.Int64
	slowServed atomic.Int64
}

const slowMarker = "isolation_viewer_heavy"

func newIsolationFront(t *testing.T, slowFor time.Duration) *isolationFront {
	target, err := url.Parse(prometheusURL(t))
	if err != nil {
		t.Fatal(err)
	}
	f := &isolationFront{slowFor: slowFor}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		_, api, _ := strings.Cut(strings.TrimPrefix(r.In.URL.Path, "/"), "/")
		r.SetURL(target)
		r.Out.URL.Path = strings.TrimSuffix(target.Path, "/") + "/" + api
		r.Out.Host = target.Host
	}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch mode {
		case "fail":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"status":"error","errorType":"unavailable","error":"storage is down"}`)
		case "slow":
			if strings.Contains(string(body)+r.URL.RawQuery, slowMarker) {
				now := f.slowNow.Add(1)
				for peak := f.slowPeak.Load(); now > peak && !f.slowPeak.CompareAndSwap(peak, now); peak = f.slowPeak.Load() {
				}
				select {
				case <-r.Context().Done():
				case <-time.After(f.slowFor):
				}
				f.slowNow.Add(-1)
				f.slowServed.Add(1)
				if r.Context().Err() != nil {
					return
				}
			}
			proxy.ServeHTTP(w, r)
		case "real":
			proxy.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// orgContext is what Grafana sends for data source uid "agentmemory" of organisation org.
func orgContext(t *testing.T, org int64, jsonData map[string]any) *pluginv2.PluginContext {
	ctx := pluginContext(t, jsonData, map[string]string{})
	ctx.OrgId = org
	return ctx
}

func instantUp(t *testing.T, refID string) *pluginv2.DataQuery {
	now := time.Now()
	return metricsQuery(t, refID, map[string]any{"expr": "up", "instant": true}, now.Add(-time.Minute), now)
}

// TestOrganisationsWithTheSameUIDShareNoBreaker: organisations 1 and 2 both have a data source
// with uid "agentmemory" on the same upstream host. Organisation 1's Prometheus fails until its
// breaker opens; organisation 2's keeps answering. Organisation 1 saved with a working URL gets
// a fresh breaker at once. The public breaker metric names no host.
func TestOrganisationsWithTheSameUIDShareNoBreaker(t *testing.T) {
	p := startPlugin(t)
	front := newIsolationFront(t, 0)
	org1 := orgContext(t, 1, map[string]any{"prometheusUrl": front.URL + "/fail", "timeoutSeconds": 5})
	org2 := orgContext(t, 2, map[string]any{"prometheusUrl": front.URL + "/real", "timeoutSeconds": 5})
	ask := func(ctx *pluginv2.PluginContext) *pluginv2.DataResponse {
		t.Helper()
		res, err := p.data.QueryData(ctxWithTimeout(t, 10*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: ctx, Queries: []*pluginv2.DataQuery{instantUp(t, "A")},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res.Responses["A"]
	}

	for i := 0; i < 8; i++ {
		if r := ask(org1); r.Error == "" {
			t.Fatalf("organisation 1's failing Prometheus answered: %+v", r)
		}
	}
	if r := ask(org1); !strings.Contains(r.Error, "circuit open") {
		t.Fatalf("organisation 1's breaker did not open after 8 failures: %q", r.Error)
	}
	started := time.Now()
	r := ask(org2)
	if r.Error != "" {
		t.Fatalf("organisation 2 (same uid, same host) failed while organisation 1's breaker is open: %q", r.Error)
	}
	if frames := decodeFrames(t, r); len(frames) == 0 || frames[0].Rows() == 0 {
		t.Fatalf("organisation 2 answered no data: %+v", frames)
	}
	t.Logf("organisation 2 answered in %v while organisation 1's breaker was open", time.Since(started).Round(time.Millisecond))

	resaved := orgContext(t, 1, map[string]any{"prometheusUrl": front.URL + "/real", "timeoutSeconds": 5})
	if r := ask(resaved); r.Error != "" {
		t.Fatalf("organisation 1 saved with a working URL still fails (the old breaker was kept): %q", r.Error)
	}

	metrics, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	text := string(metrics.Metrics.Prometheus)
	breakers := grepLines(text, "circuit_breaker_state{")
	if !strings.Contains(breakers, `agentmemory_backend_circuit_breaker_state{source="prometheus",instance_id="`) ||
		!strings.Contains(breakers, `"} 1`) {
		t.Fatalf("no open breaker labelled by source and instance id in CollectMetrics:\n%s", breakers)
	}
	host := strings.TrimPrefix(front.URL, "http://")
	for _, leak := range []string{host, "127.0.0.1", "agentmemory\"", "service_name"} {
		if strings.Contains(breakers, leak) {
			t.Fatalf("the public breaker metric shows %q:\n%s", leak, breakers)
		}
	}
}

// TestViewersCannotStarveAlertEvaluations: viewers send many slow queries to one data source
// instance, more than its viewer queue holds, and each of them times out (the upstream takes 3 s,
// the source's timeout is 1 s). Half of them send the alert headers too, which Grafana forwards
// from any /api/ds/query call; they still wait in the viewer queue, as one viewer queue. An alert
// evaluation (the scheduler's identity and FromAlert: true) to the same instance meanwhile
// answers at once: it has its own queue, and the viewers' timeouts did not open the breaker it
// shares with them. Grafana: ALERT-LANE-TRUST (docs/grafana-behaviour.md)
func TestViewersCannotStarveAlertEvaluations(t *testing.T) {
	p := startPlugin(t)
	front := newIsolationFront(t, 3*time.Second)
	settings := map[string]any{"prometheusUrl": front.URL + "/slow", "timeoutSeconds": 1}
	viewer := orgContext(t, 1, settings)
	// Viewers who send the scheduler's headers, one of them renamed to the scheduler's login.
	spoofers := []*pluginv2.PluginContext{orgContext(t, 1, settings), orgContext(t, 1, settings)}
	spoofers[0].User = &pluginv2.User{Login: "viewer", Role: "Viewer"}
	spoofers[1].User = &pluginv2.User{Login: schedulerUser().Login, Name: schedulerUser().Name, Role: "Viewer"}
	spoofedHeaders := map[string]string{"FromAlert": "true", "X-Cache-Skip": "true", "X-Rule-Uid": "spoofed"}
	const viewers = 48 // three times the per-source queue of 16
	now := time.Now()

	var wg sync.WaitGroup
	var viewerErrors sync.Map
	for i := 0; i < viewers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			q := metricsQuery(t, "V", map[string]any{"expr": fmt.Sprintf(`count(%s{n="%d"})`, slowMarker, i)}, now.Add(-31*24*time.Hour), now)
			request := &pluginv2.QueryDataRequest{PluginContext: viewer, Queries: []*pluginv2.DataQuery{q}}
			if i%2 == 1 {
				request.PluginContext, request.Headers = spoofers[i/2%2], spoofedHeaders
			}
			res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), request)
			if err != nil {
				viewerErrors.Store(i, err.Error())
				return
			}
			viewerErrors.Store(i, res.Responses["V"].Error)
		}(i)
	}

	// By 1.4 s the first 16 viewer queries have timed out (more than the breaker's volume of 5)
	// and the next 16 hold the queue again.
	time.Sleep(1400 * time.Millisecond)
	if held := front.slowNow.Load(); held < 10 {
		t.Fatalf("only %d viewer queries are at the upstream: the viewer queue is not saturated", held)
	}
	scheduler := orgContext(t, 1, settings)
	scheduler.User = schedulerUser()
	var latencies []time.Duration
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		started := time.Now()
		res, err := p.data.QueryData(ctx, &pluginv2.QueryDataRequest{
			PluginContext: scheduler,
			Headers:       map[string]string{"FromAlert": "true", "X-Cache-Skip": "true", "X-Rule-Uid": "isolation"},
			Queries:       []*pluginv2.DataQuery{instantUp(t, "A")},
		})
		elapsed := time.Since(started)
		cancel()
		if err != nil {
			t.Fatalf("alert evaluation %d failed after %v while viewers saturate the queue: %v", i, elapsed, err)
		}
		if r := res.Responses["A"]; r.Error != "" {
			t.Fatalf("alert evaluation %d answered an error after %v while viewers saturate the queue: %q", i, elapsed, r.Error)
		}
		latencies = append(latencies, elapsed)
		time.Sleep(100 * time.Millisecond)
	}
	heldDuringAlerts := front.slowNow.Load()
	wg.Wait()

	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	timeouts := 0
	viewerErrors.Range(func(_, v any) bool {
		if strings.Contains(v.(string), "did not answer within 1 s") {
			timeouts++
		}
		return true
	})
	t.Logf("alert evaluation latency while %d viewer queries were held at the upstream: min %v, median %v, max %v; viewer queue peak at the upstream %d; viewer queries timed out %d of %d",
		heldDuringAlerts, latencies[0].Round(time.Millisecond), latencies[len(latencies)/2].Round(time.Millisecond),
		latencies[len(latencies)-1].Round(time.Millisecond), front.slowPeak.Load(), timeouts, viewers)
	if latencies[len(latencies)-1] > time.Second {
		t.Fatalf("an alert evaluation took %v while viewers saturated the queue", latencies[len(latencies)-1])
	}
	// The queue holds 16; a slot passes on as soon as a query times out, a moment before the
	// upstream notices the closed connection, so it may count a few more at once. Spoofers in the
	// alert lane would bring it to 32.
	if peak := front.slowPeak.Load(); peak < 16 || peak > 20 {
		t.Fatalf("%d viewer queries reached the upstream at once; the viewer queue holds 16 (viewers who send the alert headers took the alert lane?)", peak)
	}
	if timeouts < viewers/2 {
		t.Fatalf("only %d of %d viewer queries timed out: the scenario did not happen", timeouts, viewers)
	}
}
