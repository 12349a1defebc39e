package main

// The backend's own account of where a query's time went, read from its metrics
// (CollectMetrics, as Grafana scrapes them): agentmemory_backend_query_phase_seconds and
// agentmemory_backend_querydata_seconds.

import (
	"bufio"
	"bytes"
	"context"
	"regexp"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/memstack/agentmemory/tests/conformance"
)

var phases = []string{"upstream", "parse", "frames", "encode"}

// metricTotals holds the _sum and _count of each series of the two histograms.
type metricTotals map[string][2]float64

var seriesLine = regexp.MustCompile(`^agentmemory_backend_(query_phase_seconds|querydata_seconds)_(sum|count)(?:\{query_type="([^"]*)",phase="([^"]*)"\})? (\S+)$`)

func readTotals(p *conformance.Plugin) metricTotals {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := p.Diagnostics().CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{})
	must(err)
	totals := metricTotals{}
	scanner := bufio.NewScanner(bytes.NewReader(res.Metrics.Prometheus))
	for scanner.Scan() {
		m := seriesLine.FindStringSubmatch(scanner.Text())
		if m == nil {
			continue
		}
		key := "request"
		if m[1] == "query_phase_seconds" {
			key = m[3] + "/" + m[4]
		}
		value, err := strconv.ParseFloat(m[5], 64)
		must(err)
		t := totals[key]
		if m[2] == "sum" {
			t[0] = value
		} else {
			t[1] = value
		}
		totals[key] = t
	}
	return totals
}

// meanSince is the mean of one series over the observations made since before.
func (after metricTotals) meanSince(before metricTotals, key string) time.Duration {
	sum, count := after[key][0]-before[key][0], after[key][1]-before[key][1]
	if count <= 0 {
		return 0
	}
	return time.Duration(sum / count * float64(time.Second))
}
