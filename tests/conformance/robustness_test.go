package conformance

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

var hostileStrings = []string{
	"", "\") OR 1=1 --", "{{__proto__}}", "$__interval", "*:*", "\x00", "\\\"}]}", "constructor", "__proto__",
	strings.Repeat("a", 70_000), "ai.memory.search", "agentmemory-demo", "sum(rate(x[5m]))", "up{", "记忆", "0af7651916cd43dd8448eb211c80319c",
}

func randomValue(rng *rand.Rand, depth int) any {
	switch rng.Intn(8) {
	case 0:
		return nil
	case 1:
		return rng.Intn(2) == 0
	case 2:
		return rng.NormFloat64() * 1e6
	case 3:
		return rng.Intn(10_000) - 5000
	case 4, 5:
		return hostileStrings[rng.Intn(len(hostileStrings))]
	case 6:
		if depth > 2 {
			return "deep"
		}
		list := make([]any, rng.Intn(4))
		for i := range list {
			list[i] = randomValue(rng, depth+1)
		}
		return list
	default:
		if depth > 2 {
			return map[string]any{}
		}
		m := map[string]any{}
		for i := rng.Intn(4); i > 0; i-- {
			m[hostileStrings[rng.Intn(len(hostileStrings))]] = randomValue(rng, depth+1)
		}
		return m
	}
}

var modelKeys = []string{"expr", "instant", "legendFormat", "minStep", "query", "filters", "sort", "limit", "groupBy", "traceId", "service", "operation", "tags", "minDuration", "maxDuration"}
var queryTypes = []string{"metrics", "logs", "logs_count", "traces", "correlate", "", "sql", "METRICS"}

// randomQuery is a query model a buggy or hostile client could send: random types, junk JSON,
// hostile strings, inverted or absurd time ranges.
func randomQuery(rng *rand.Rand, refID string) *pluginv2.DataQuery {
	var raw []byte
	switch rng.Intn(4) {
	case 0:
		raw = make([]byte, rng.Intn(64))
		rng.Read(raw)
	default:
		model := map[string]any{}
		for _, key := range modelKeys {
			if rng.Intn(3) == 0 {
				model[key] = randomValue(rng, 0)
			}
		}
		if rng.Intn(2) == 0 {
			model["filters"] = map[string]any{"agent_type": []any{hostileStrings[rng.Intn(len(hostileStrings))]}}
		}
		raw, _ = json.Marshal(model)
	}
	now := time.Now().UnixMilli()
	from, to := now-int64(rng.Intn(3_600_000)), now
	switch rng.Intn(6) {
	case 0:
		from, to = to, from // inverted
	case 1:
		from = 0 // 56 years
	}
	return &pluginv2.DataQuery{
		RefId:         refID,
		QueryType:     queryTypes[rng.Intn(len(queryTypes))],
		Json:          raw,
		IntervalMS:    rng.Int63n(100_000) - 10,
		MaxDataPoints: rng.Int63n(100_000) - 10,
		TimeRange:     &pluginv2.TimeRange{FromEpochMS: from, ToEpochMS: to},
	}
}

// 200 requests of 50 random models: 10,000 hostile query models.
const hostileBatches = 200

func TestHostileQueryModels(t *testing.T) {
	p := startPlugin(t)
	ctx := pluginContext(t, allSources(t, envURL(t, "ES_URL")), nil)
	rng := rand.New(rand.NewSource(20261125))
	errorsSeen, answered := 0, 0
	for batch := 0; batch < hostileBatches; batch++ {
		queries := make([]*pluginv2.DataQuery, 50)
		for i := range queries {
			queries[i] = randomQuery(rng, fmt.Sprintf("Q%d", i))
		}
		res, err := p.data.QueryData(ctxWithTimeout(t, 60*time.Second), &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: queries})
		if err != nil {
			t.Fatalf("batch %d failed as a whole (the plugin must answer per query): %v", batch, err)
		}
		for _, q := range queries {
			r := res.Responses[q.RefId]
			if r == nil {
				t.Fatalf("batch %d: no response for %s", batch, q.RefId)
			}
			if r.Error != "" {
				errorsSeen++
				if r.Status < 400 || r.Status > 599 {
					t.Fatalf("error %q with status %d", r.Error, r.Status)
				}
				continue
			}
			answered++
			decodeFrames(t, r)
		}
	}
	if _, err := p.diagnostics.CollectMetrics(ctxWithTimeout(t, 5*time.Second), &pluginv2.CollectMetricsRequest{}); err != nil {
		t.Fatalf("the plugin stopped answering after %d hostile queries: %v", hostileBatches*50, err)
	}
	if p.client.Exited() {
		t.Fatal("the plugin process exited")
	}
	t.Logf("%d hostile queries: %d answered with frames, %d with a per-query error, no crash", hostileBatches*50, answered, errorsSeen)
	if answered+errorsSeen != hostileBatches*50 {
		t.Fatalf("%d answers for %d queries", answered+errorsSeen, hostileBatches*50)
	}
}
