// Command querybench measures the data source backend as Grafana drives it (go-plugin, gRPC,
// SDK frame decoding), against the real local stack:
//
//  1. merged three-source latency (metrics + logs + traces in one request) against the slowest
//     single source alone, in the same run (goal <= 1.1x + 5 ms);
//  2. QueryData throughput and p99 at 50 concurrent requests.
//
// Usage (stack up, plugin built): go run ./cmd/querybench   (npm run bench:queries)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
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

func pluginContext() *pluginv2.PluginContext {
	raw, _ := json.Marshal(map[string]any{
		"prometheusUrl": env("PROMETHEUS_URL"), "elasticsearchUrl": env("ES_URL"), "jaegerUrl": env("JAEGER_URL"), "jaegerService": "agentmemory-demo",
	})
	return &pluginv2.PluginContext{OrgId: 1, PluginId: "memstack-agentmemory-datasource", DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{Uid: "agentmemory", Name: "Agent Memory", JsonData: raw}}
}

func q(ref, queryType string, model map[string]any) *pluginv2.DataQuery {
	raw, _ := json.Marshal(model)
	to := time.Now()
	return &pluginv2.DataQuery{RefId: ref, QueryType: queryType, Json: raw, IntervalMS: 15000, MaxDataPoints: 1000,
		TimeRange: &pluginv2.TimeRange{FromEpochMS: to.Add(-15 * time.Minute).UnixMilli(), ToEpochMS: to.UnixMilli()}}
}

var (
	metrics = func() *pluginv2.DataQuery {
		return q("M", "metrics", map[string]any{"expr": `histogram_quantile(0.99, sum by (operation, le) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))`})
	}
	logs   = func() *pluginv2.DataQuery { return q("L", "logs", map[string]any{"limit": 100}) }
	traces = func() *pluginv2.DataQuery {
		return q("T", "traces", map[string]any{"service": "agentmemory-demo", "operation": "ai.memory.search", "limit": 20})
	}
)

// run sends one request and checks every answer decodes; returns its latency.
func run(client pluginv2.DataClient, queries ...*pluginv2.DataQuery) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	started := time.Now()
	res, err := client.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pluginContext(), Queries: queries})
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

func percentile(xs []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func main() {
	bin, err := conformance.PluginBinary()
	must(err)
	p, err := conformance.Launch(bin, io.Discard)
	must(err)
	defer p.Kill()
	client := p.Data()

	const rounds = 200
	for i := 0; i < 20; i++ { // warm-up
		run(client, metrics(), logs(), traces())
	}
	single := map[string][]time.Duration{}
	var merged []time.Duration
	for i := 0; i < rounds; i++ { // interleaved, so that drift hits all alike
		single["metrics (Prometheus)"] = append(single["metrics (Prometheus)"], run(client, metrics()))
		single["logs (Elasticsearch)"] = append(single["logs (Elasticsearch)"], run(client, logs()))
		single["traces (Jaeger)"] = append(single["traces (Jaeger)"], run(client, traces()))
		merged = append(merged, run(client, metrics(), logs(), traces()))
	}
	fmt.Printf("merged three-source request vs the slowest single source, %d rounds each (p50)\n", rounds)
	var slowest time.Duration
	names := []string{"metrics (Prometheus)", "logs (Elasticsearch)", "traces (Jaeger)"}
	for _, name := range names {
		p50 := percentile(single[name], 0.5)
		fmt.Printf("  %-22s p50 %s, p99 %s\n", name, ms(p50), ms(percentile(single[name], 0.99)))
		if p50 > slowest {
			slowest = p50
		}
	}
	m50 := percentile(merged, 0.5)
	fmt.Printf("  %-22s p50 %s, p99 %s\n", "all three in one", ms(m50), ms(percentile(merged, 0.99)))
	goal := time.Duration(float64(slowest)*1.1) + 5*time.Millisecond
	verdict := "met"
	if m50 > goal {
		verdict = "missed"
	}
	fmt.Printf("  ratio: %.2fx the slowest single source; goal 1.1x + 5 ms = %s: %s\n", float64(m50)/float64(slowest), ms(goal), verdict)

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
				d := run(client, metrics())
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("QueryData with 50 concurrent clients for %s (one PromQL query per request)\n", duration)
	fmt.Printf("  %d requests: %.0f requests/s, p50 %s, p99 %s\n", len(latencies), float64(len(latencies))/duration.Seconds(), ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)))
}
