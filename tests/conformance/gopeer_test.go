package conformance_test

// The Go peer comparison (npm run bench:peer) is only meaningful if both plugins do the same
// work: TestGoPeer gives our backend and cmd/gopeer (a grafana-plugin-sdk-go data source doing
// the same metrics query) the same settings and the same recorded Prometheus answers, and checks
// that they ask Prometheus the same thing and return the same series (labels, times, values,
// names, step); then it logs the ratios of a short load at a small concurrency. No stack needed.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/memstack/agentmemory/tests/conformance"
	"github.com/memstack/agentmemory/tests/conformance/cmd/gopeer/compare"
)

// peerAnswers are the Prometheus answers both plugins read: the bench's recording, the golden
// metrics recording, and one with Prometheus' spellings of infinities and NaN, a series without
// labels and a warning.
func peerAnswers(t *testing.T) []peerAnswer {
	golden, err := os.ReadFile("testdata/golden/upstream/metrics-range.prometheus.1.json")
	if err != nil {
		t.Fatal(err)
	}
	return []peerAnswer{
		{"bench recording", compare.RecordedAnswer},
		{"golden recording", golden},
		{"special values", []byte(`{"status":"success","warnings":["partial answer"],"data":{"resultType":"matrix","result":[` +
			`{"metric":{"operation":"search","le":"+Inf"},"values":[[1796494680,"+Inf"],[1796494695.5,"-Inf"],[1796494710,"NaN"],[1796494725,"1e-7"]]},` +
			`{"metric":{},"values":[[1796494680,"0"],[1796494695.5,"-2.5"]]}]}}`)},
	}
}

type peerAnswer struct {
	name string
	body []byte
}

// peerUpstream answers every query_range with the current answer and keeps the forms it was sent.
type peerUpstream struct {
	*httptest.Server
	mu     sync.Mutex
	answer []byte
	forms  []url.Values
}

func newPeerUpstream(t *testing.T) *peerUpstream {
	u := &peerUpstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/query_range" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "not a query_range form POST", http.StatusNotFound)
			return
		}
		u.mu.Lock()
		u.forms = append(u.forms, form)
		answer := u.answer
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *peerUpstream) serve(answer []byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.answer, u.forms = answer, nil
}

func (u *peerUpstream) sent() []url.Values {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]url.Values(nil), u.forms...)
}

func TestGoPeer(t *testing.T) {
	bin, err := conformance.PluginBinary()
	if err != nil {
		t.Fatal(err)
	}
	peerBin, err := compare.BuildPeer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ours, err := compare.Launch("ours", bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ours.Kill)
	peer, err := compare.Launch("Go", peerBin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(peer.Kill)
	upstream := newPeerUpstream(t)
	pc := compare.PluginContext(upstream.URL)
	// A fixed range, not on a step boundary: both must align it alike.
	at := time.Date(2026, 12, 5, 18, 28, 7, 0, time.UTC)

	for _, answer := range peerAnswers(t) {
		t.Run(answer.name, func(t *testing.T) {
			upstream.serve(answer.body)
			ourSeries, err := compare.AnswerTo(ours, pc, compare.QueryAt("M", at))
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			peerSeries, err := compare.AnswerTo(peer, pc, compare.QueryAt("M", at))
			if err != nil {
				t.Fatalf("Go peer: %v", err)
			}
			forms := upstream.sent()
			if len(forms) != 2 {
				t.Fatalf("Prometheus was asked %d times, not once by each", len(forms))
			}
			for _, key := range []string{"query", "start", "end", "step"} {
				if forms[0].Get(key) != forms[1].Get(key) || forms[0].Get(key) == "" {
					t.Errorf("%s: ours sent %q, the Go peer %q", key, forms[0].Get(key), forms[1].Get(key))
				}
			}
			if len(ourSeries) == 0 {
				t.Fatal("no series")
			}
			for _, diff := range compare.Differences(ourSeries, peerSeries) {
				t.Error(diff)
			}
			t.Logf("%d series, the same from both; query_range form %v", len(ourSeries), forms[0])
		})
	}

	// A short load at a small concurrency: the ratios are logged, not held to the goals (the
	// bench measures them at 50 and 500 clients).
	upstream.serve(compare.RecordedAnswer)
	want, err := compare.Answer(ours, pc)
	if err != nil {
		t.Fatal(err)
	}
	const clients = 4
	results := map[string]compare.Result{}
	for _, s := range []*compare.Side{ours, peer, ours, peer} {
		if _, warm := results[s.Name]; !warm {
			compare.Load(s, pc, clients, 0, 50, len(want))
		}
		r := compare.Load(s, pc, clients, time.Second, 0, len(want))
		if r.Errors > 0 || r.Requests == 0 {
			t.Fatalf("%s: %d requests answered, %d errors, the first: %s", s.Name, r.Requests, r.Errors, r.FirstError)
		}
		results[s.Name] = results[s.Name].Merge(r)
	}
	o, g := results["ours"], results["Go"]
	t.Logf("%d clients, 2 x 1 s each: ours %d requests, %.0f/s, p50 %s, p99 %s, CPU %s/request, RSS %s; Go %d requests, %.0f/s, p50 %s, p99 %s, CPU %s/request, RSS %s",
		clients, o.Requests, o.Throughput(), compare.MS(o.Percentile(0.5)), compare.MS(o.Percentile(0.99)), compare.MS(o.CPUPerRequest()), compare.MiB(o.RSSUnderLoad()),
		g.Requests, g.Throughput(), compare.MS(g.Percentile(0.5)), compare.MS(g.Percentile(0.99)), compare.MS(g.CPUPerRequest()), compare.MiB(g.RSSUnderLoad()))
	t.Logf("ours / Go: p50 %.2fx (goal <= 1.3 in the bench), throughput %.2fx (goal >= 0.7), CPU per request %.2fx",
		float64(o.Percentile(0.5))/float64(g.Percentile(0.5)), o.Throughput()/g.Throughput(),
		float64(o.CPUPerRequest())/float64(g.CPUPerRequest()))
}
