// Command querybench measures the data source backend as Grafana drives it (go-plugin, gRPC,
// SDK frame decoding), in two modes in one run:
//
//   - replay: each upstream is a replay server in its own process that answers responses recorded
//     from the real stack a moment before, after a fixed delay; the floor is that delay, and what
//     is above it is the backend's (and gRPC's);
//   - real: the local stack itself (Prometheus, Elasticsearch, Jaeger, with the demo loading them).
//
// Each mode prints single-source and merged (metrics + logs + traces in one request) latency, the
// ratio of merged to the slowest single source (goals: <= 1.25x on replay, <= 1.35x on the real
// stack), the backend's own time per query split into phases from its own metrics (goal: <= 2 ms
// per source on replay), and QueryData throughput at 50 concurrent clients.
//
// Usage (stack up, plugin built): go run ./cmd/querybench   (npm run bench:queries)
//
// With -peer it runs the Go peer comparison instead (peer.go; npm run bench:peer, no stack needed).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/memstack/agentmemory/tests/conformance"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "querybench:", err)
		os.Exit(1)
	}
}

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		must(fmt.Errorf("%s is not set: eval \"$(bash scripts/stack.sh env)\" first", name))
	}
	return v
}

// upstreams are the three URLs one data source instance is configured with.
type upstreams struct{ prometheus, elasticsearch, jaeger string }

func (u upstreams) pluginContext() *pluginv2.PluginContext {
	raw, _ := json.Marshal(map[string]any{
		"prometheusUrl": u.prometheus, "elasticsearchUrl": u.elasticsearch, "jaegerUrl": u.jaeger, "jaegerService": "agentmemory-demo",
	})
	return &pluginv2.PluginContext{OrgId: 1, PluginId: "memstack-agentmemory-datasource", DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{Uid: "agentmemory", Name: "Agent Memory", JsonData: raw}}
}

func q(ref, queryType string, model map[string]any) *pluginv2.DataQuery {
	raw, _ := json.Marshal(model)
	to := time.Now()
	return &pluginv2.DataQuery{RefId: ref, QueryType: queryType, Json: raw, IntervalMS: 15000, MaxDataPoints: 1000,
		TimeRange: &pluginv2.TimeRange{FromEpochMS: to.Add(-15 * time.Minute).UnixMilli(), ToEpochMS: to.UnixMilli()}}
}

// source is one single-source query the bench sends, as a dashboard panel would.
type source struct {
	name      string // as printed
	queryType string // the metric label of its phases
	query     func() *pluginv2.DataQuery
}

var sources = []source{
	{"metrics (Prometheus)", "metrics", func() *pluginv2.DataQuery {
		return q("M", "metrics", map[string]any{"expr": `histogram_quantile(0.99, sum by (operation, le) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))`})
	}},
	{"logs (Elasticsearch)", "logs", func() *pluginv2.DataQuery { return q("L", "logs", map[string]any{"limit": 100}) }},
	{"traces (Jaeger)", "traces", func() *pluginv2.DataQuery {
		return q("T", "traces", map[string]any{"service": "agentmemory-demo", "operation": "ai.memory.search", "limit": 20})
	}},
}

func merged() []*pluginv2.DataQuery {
	out := make([]*pluginv2.DataQuery, len(sources))
	for i, s := range sources {
		out[i] = s.query()
	}
	return out
}

// run sends one request and checks every answer decodes; returns its latency (decoding excluded).
func run(client pluginv2.DataClient, pc *pluginv2.PluginContext, queries ...*pluginv2.DataQuery) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	started := time.Now()
	res, err := client.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: queries})
	elapsed := time.Since(started)
	must(err)
	for ref, r := range res.Responses {
		if r.Error != "" {
			must(fmt.Errorf("query %s failed: %s", ref, r.Error))
		}
		_, err := data.UnmarshalArrowFrames(r.Frames)
		must(err)
	}
	return elapsed
}

// answeredAtOnce times a request whose one query the backend rejects before any upstream call.
func answeredAtOnce(client pluginv2.DataClient, pc *pluginv2.PluginContext) time.Duration {
	started := time.Now()
	res, err := client.QueryData(context.Background(), &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{q("X", "no-such-type", map[string]any{})}})
	elapsed := time.Since(started)
	must(err)
	if res.Responses["X"].Error == "" {
		must(fmt.Errorf("a query of an unknown type was answered without an error"))
	}
	return elapsed
}

func percentile(xs []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

// modeResult is what the summary compares with the goals.
type modeResult struct {
	ratio      float64
	ownBySrc   map[string]time.Duration
	throughput float64
}

const rounds = 200

func measure(p *conformance.Plugin, u upstreams, ratioGoal float64) modeResult {
	client, pc := p.Data(), u.pluginContext()
	result := modeResult{ownBySrc: map[string]time.Duration{}}
	for i := 0; i < 20; i++ { // warm-up
		run(client, pc, merged()...)
	}

	single := map[string][]time.Duration{}
	var all []time.Duration
	for i := 0; i < rounds; i++ { // interleaved, so that drift hits all alike
		for _, s := range sources {
			single[s.name] = append(single[s.name], run(client, pc, s.query()))
		}
		all = append(all, run(client, pc, merged()...))
	}
	fmt.Printf("  latency, %d rounds each, interleaved\n", rounds)
	var slowest time.Duration
	for _, s := range sources {
		p50 := percentile(single[s.name], 0.5)
		fmt.Printf("    %-22s p50 %9s  p99 %9s\n", s.name, ms(p50), ms(percentile(single[s.name], 0.99)))
		slowest = max(slowest, p50)
	}
	m50 := percentile(all, 0.5)
	fmt.Printf("    %-22s p50 %9s  p99 %9s\n", "all three in one", ms(m50), ms(percentile(all, 0.99)))
	result.ratio = float64(m50) / float64(slowest)
	fmt.Printf("    merged / slowest single (p50): %.2fx; goal <= %.2fx: %s\n", result.ratio, ratioGoal, verdict(result.ratio <= ratioGoal))

	// The backend's own time, request by request: its phase metrics read before and after each.
	const block = 100
	fmt.Printf("  where the time goes, p50 of %d requests each (backend metrics; own = total - upstream wait; gRPC = total - backend handler time)\n", block)
	fmt.Printf("    %-22s %9s %9s %9s %9s %9s %9s %9s\n", "request", "total", "upstream", "parse", "frames", "encode", "gRPC", "own")
	profile := func(label string, types []string, queries func() []*pluginv2.DataQuery) time.Duration {
		columns := map[string][]time.Duration{}
		for i := 0; i < block; i++ {
			before := readTotals(p)
			total := run(client, pc, queries()...)
			after := readTotals(p)
			var upstream time.Duration
			sums := map[string]time.Duration{}
			for _, t := range types {
				for _, phase := range phases {
					sums[phase] += after.meanSince(before, t+"/"+phase)
				}
				// The queries of one request wait for their sources at the same time: the longest wait counts.
				upstream = max(upstream, after.meanSince(before, t+"/upstream"))
			}
			for name, value := range map[string]time.Duration{
				"total": total, "upstream": upstream, "parse": sums["parse"], "frames": sums["frames"], "encode": sums["encode"],
				"gRPC": total - after.meanSince(before, "request"), "own": total - upstream,
			} {
				columns[name] = append(columns[name], value)
			}
		}
		p50 := func(name string) string { return ms(percentile(columns[name], 0.5)) }
		fmt.Printf("    %-22s %9s %9s %9s %9s %9s %9s %9s\n", label, p50("total"), p50("upstream"), p50("parse"), p50("frames"), p50("encode"), p50("gRPC"), p50("own"))
		return percentile(columns["own"], 0.5)
	}
	var types []string
	for _, s := range sources {
		result.ownBySrc[s.name] = profile(s.name, []string{s.queryType}, func() []*pluginv2.DataQuery { return []*pluginv2.DataQuery{s.query()} })
		types = append(types, s.queryType)
	}
	profile("all three in one", types, merged)
	// The floor of "own": a query answered at once (an unknown query type), gRPC and all.
	var floor []time.Duration
	for i := 0; i < block; i++ {
		floor = append(floor, answeredAtOnce(client, pc))
	}
	fmt.Printf("    %-22s %9s   (a query the backend answers without any upstream: the gRPC round trip)\n", "no upstream", ms(percentile(floor, 0.5)))

	const workers, duration = 50, 10 * time.Second
	var mu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	deadline := time.Now().Add(duration)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				d := run(client, pc, sources[0].query())
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	result.throughput = float64(len(latencies)) / duration.Seconds()
	fmt.Printf("  throughput, %d concurrent clients for %s, one PromQL query per request\n", workers, duration)
	fmt.Printf("    %d requests: %.0f requests/s, p50 %s, p99 %s\n", len(latencies), result.throughput, ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)))
	return result
}

// record sends each query once through recording proxies to the real stack and starts a replay
// process per upstream with what they answered.
func record(p *conformance.Plugin, real upstreams, delays [3]time.Duration) (upstreams, func()) {
	dir, err := os.MkdirTemp("", "querybench")
	must(err)
	var recorders [3]*recorder
	for i, target := range []string{real.prometheus, real.elasticsearch, real.jaeger} {
		recorders[i], err = startRecorder(target)
		must(err)
	}
	via := upstreams{recorders[0].url(), recorders[1].url(), recorders[2].url()}
	run(p.Data(), via.pluginContext(), merged()...)
	var urls [3]string
	var procs []*replayProcess
	var sizes []string
	for i, name := range []string{"prometheus", "elasticsearch", "jaeger"} {
		file := filepath.Join(dir, name+".json")
		recorded, err := recorders[i].save(file)
		must(err)
		for route, size := range recorded {
			sizes = append(sizes, fmt.Sprintf("%s %.1f KiB", route, float64(size)/1024))
		}
		proc, err := startReplay(file, delays[i])
		must(err)
		procs = append(procs, proc)
		urls[i] = proc.url
	}
	sort.Strings(sizes)
	fmt.Printf("  recorded from the stack: %s\n", strings.Join(sizes, ", "))
	return upstreams{urls[0], urls[1], urls[2]}, func() {
		for _, proc := range procs {
			proc.stop()
		}
		os.RemoveAll(dir)
	}
}

func main() {
	replayFile := flag.String("serve-replay", "", "internal: serve the recordings in this file")
	replayDelay := flag.Duration("replay-delay", 0, "internal: the replay server's delay")
	promDelay := flag.Duration("prometheus-delay", 10*time.Millisecond, "replayed Prometheus answer delay")
	esDelay := flag.Duration("elasticsearch-delay", 6*time.Millisecond, "replayed Elasticsearch answer delay")
	jaegerDelay := flag.Duration("jaeger-delay", 8*time.Millisecond, "replayed Jaeger answer delay")
	mode := flag.String("mode", "both", "replay, real or both")
	peer := flag.Bool("peer", false, "compare the backend with the Go peer (cmd/gopeer) instead")
	peerRecord := flag.Bool("record", false, "-peer: re-record the Prometheus answer from the stack first")
	peerRounds := flag.Int("rounds", 2, "-peer: rounds per plugin and concurrency, alternating")
	peerDuration := flag.Duration("duration", 5*time.Second, "-peer: length of one round")
	flag.Parse()
	if *replayFile != "" {
		serveReplay(*replayFile, *replayDelay)
		return
	}
	if *peer {
		runPeer(*peerRecord, *peerRounds, *peerDuration)
		return
	}

	real := upstreams{env("PROMETHEUS_URL"), env("ES_URL"), env("JAEGER_URL")}
	bin, err := conformance.PluginBinary()
	must(err)
	p, err := conformance.Launch(bin, io.Discard)
	must(err)
	defer p.Kill()

	var replayed, measured modeResult
	if *mode != "real" {
		fmt.Printf("== replay upstreams: answers recorded from the stack, served by their own processes after Prometheus %s, Elasticsearch %s, Jaeger %s\n", *promDelay, *esDelay, *jaegerDelay)
		replay, stop := record(p, real, [3]time.Duration{*promDelay, *esDelay, *jaegerDelay})
		replayed = measure(p, replay, 1.25)
		stop()
	}
	if *mode != "replay" {
		fmt.Println("== real stack: Prometheus, Elasticsearch and Jaeger with the demo loading them, on the same cores as the plugin")
		measured = measure(p, real, 1.35)
	}
	if *mode != "both" {
		return
	}

	fmt.Println("== goals")
	fmt.Printf("  merged <= 1.25x the slowest single source on replay: %.2fx, %s\n", replayed.ratio, verdict(replayed.ratio <= 1.25))
	fmt.Printf("  merged <= 1.35x the slowest single source on the real stack: %.2fx, %s\n", measured.ratio, verdict(measured.ratio <= 1.35))
	for _, s := range sources {
		own := replayed.ownBySrc[s.name]
		fmt.Printf("  backend's own time <= 2 ms per source on replay, %s: %s, %s\n", s.name, ms(own), verdict(own <= 2*time.Millisecond))
	}
	fmt.Printf("  throughput at 50 concurrent clients: replay %.0f requests/s, real %.0f requests/s\n", replayed.throughput, measured.throughput)
}
