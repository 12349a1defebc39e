package conformance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Runs last (file order): it stops and restarts the real upstreams.

type loadResult struct {
	at        time.Time
	errors    map[string]string
	notices   []string
	corrFrame bool
}

func stackCommand(t *testing.T, args ...string) {
	t.Helper()
	repo, _ := filepath.Abs("../..")
	cmd := exec.Command("bash", append([]string{filepath.Join(repo, "scripts/stack.sh")}, args...)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/stack.sh %v: %v", args, err)
	}
}

func TestUpstreamFaultsUnderLoad(t *testing.T) {
	if os.Getenv("AGENTMEMORY_FAULT_TESTS") == "off" {
		t.Skip("AGENTMEMORY_FAULT_TESTS=off: not stopping the stack's servers")
	}
	p := startPlugin(t)
	ctx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	var mu sync.Mutex
	var results []loadResult
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		// A steady load: four query types in each request, ten requests a second.
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			to := time.Now()
			from := to.Add(-10 * time.Minute)
			res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
				PluginContext: ctx,
				Queries: []*pluginv2.DataQuery{
					metricsQuery(t, "M", map[string]any{"expr": "count(" + demoSelector + ")", "instant": true}, from, to),
					query(t, "L", "logs", map[string]any{"limit": 5}, from, to),
					query(t, "T", "traces", map[string]any{"service": "agentmemory-demo", "limit": 2}, from, to),
					query(t, "C", "correlate", map[string]any{}, from, to),
				},
			})
			r := loadResult{at: time.Now(), errors: map[string]string{}}
			if err != nil {
				r.errors["call"] = err.Error()
			} else {
				for ref, resp := range res.Responses {
					if resp.Error != "" {
						r.errors[ref] = resp.Error
					}
				}
				if c := res.Responses["C"]; c != nil && c.Error == "" {
					frames, err := data.UnmarshalArrowFrames(c.Frames)
					r.corrFrame = err == nil && len(frames) == 1
					if r.corrFrame && frames[0].Meta != nil {
						for _, n := range frames[0].Meta.Notices {
							r.notices = append(r.notices, n.Text)
						}
					}
				}
			}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}
	}()
	defer func() {
		close(stop)
		wg.Wait()
		stackCommand(t, "up", "prometheus", "elasticsearch", "jaeger")
	}()

	waitFor := func(what string, timeout time.Duration, since time.Time, ok func(loadResult) bool) time.Time {
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			mu.Lock()
			for _, r := range results {
				if r.at.After(since) && ok(r) {
					mu.Unlock()
					return r.at
				}
			}
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: not seen within %s", what, timeout)
		return time.Time{}
	}
	healthy := func(r loadResult) bool { return len(r.errors) == 0 && r.corrFrame && len(r.notices) == 0 }
	waitFor("a healthy answer before any fault", 20*time.Second, time.Time{}, healthy)

	cases := []struct{ server, source, ref string }{
		{"prometheus", "Prometheus", "M"},
		{"elasticsearch", "Elasticsearch", "L"},
		{"jaeger", "Jaeger", "T"},
	}
	for _, c := range cases {
		stopped := time.Now()
		stackCommand(t, "down", c.server)
		waitFor(c.source+" down: its query fails naming it, the others answer, correlate keeps its parts", 20*time.Second, stopped, func(r loadResult) bool {
			if !strings.Contains(r.errors[c.ref], c.source) || len(r.errors) != 1 || !r.corrFrame {
				return false
			}
			for _, n := range r.notices {
				if strings.Contains(n, c.source) {
					return true
				}
			}
			return false
		})
		stackCommand(t, "up", c.server) // returns once the server answers its health endpoint
		restarted := time.Now()
		recovered := waitFor(c.source+" recovers", 15*time.Second, restarted, healthy)
		if took := recovered.Sub(restarted); took > 5*time.Second {
			t.Fatalf("%s: full answers came back %s after the restart; the goal is within 5 s", c.source, took)
		} else {
			t.Logf("%s: full answers %s after the restart", c.source, took.Round(10*time.Millisecond))
		}
	}
	if p.client.Exited() {
		t.Fatal("the plugin process exited during the faults")
	}
}
