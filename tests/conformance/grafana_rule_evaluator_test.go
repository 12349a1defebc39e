package conformance

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: API-RULE-PRESAVE (docs/grafana-behaviour.md)
//   Grafana: FILE-RULE-FORMAT (docs/grafana-behaviour.md)
//   Grafana: ALERT-QUERY-CONTEXT (docs/grafana-behaviour.md)
//   Grafana: SSE-REDUCE (docs/grafana-behaviour.md)
//   Grafana: SSE-THRESHOLD (docs/grafana-behaviour.md)
//   Grafana: ALERT-NODATA-STATE (docs/grafana-behaviour.md)

// A small evaluator of Grafana-managed alert rules, written for this test (Grafana itself cannot
// run here). It sends a rule's data source queries to our backend exactly as Grafana's alert
// scheduler does — as the scheduler's identity, with the FromAlert header, the rule's relative
// time range, intervalMs and maxDataPoints from the model — then applies the rule's server-side
// expressions with Grafana's documented semantics: reduce (last | sum | mean | min | max | count,
// mode dropNN drops NaN and null before reducing) and threshold (gt | lt). A series fires when
// its threshold is 1.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// The rule file format of Grafana's alerting provisioning (apiVersion 1), as far as evaluation needs.
type grafanaRuleFile struct {
	APIVersion int `json:"apiVersion"`
	Groups     []struct {
		Name     string        `json:"name"`
		Folder   string        `json:"folder"`
		Interval string        `json:"interval"`
		Rules    []grafanaRule `json:"rules"`
	} `json:"groups"`
}

type grafanaRule struct {
	UID          string            `json:"uid"`
	Title        string            `json:"title"`
	Condition    string            `json:"condition"`
	For          string            `json:"for"`
	NoDataState  string            `json:"noDataState"`
	ExecErrState string            `json:"execErrState"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	Data         []struct {
		RefID             string `json:"refId"`
		DatasourceUID     string `json:"datasourceUid"`
		RelativeTimeRange struct {
			From int64 `json:"from"`
			To   int64 `json:"to"`
		} `json:"relativeTimeRange"`
		Model map[string]any `json:"model"`
	} `json:"data"`
}

func loadGrafanaRules(t *testing.T, path string) map[string]grafanaRule {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file grafanaRuleFile
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rules := map[string]grafanaRule{}
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			rules[r.Title] = r
		}
	}
	return rules
}

// schedulerUser is the PluginContext.User of Grafana's alert evaluations: the scheduler's service
// identity (SchedulerUserFor in pkg/services/ngalert/schedule; Grafana 12 fills the name from the
// login). Grafana: ALERT-QUERY-CONTEXT, ALERT-LANE-TRUST (docs/grafana-behaviour.md)
func schedulerUser() *pluginv2.User {
	return &pluginv2.User{Login: "grafana_scheduler", Name: "grafana_scheduler", Role: "Admin"}
}

// evaluation is the outcome of one evaluation: the firing series by their labels, with values.
type evaluation struct {
	Firing map[string]float64
	NoData bool
}

func labelsKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%q", k, labels[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// evaluateGrafanaRule runs one rule through the backend at `now` and applies its expressions.
func evaluateGrafanaRule(t *testing.T, p *runningPlugin, settings map[string]any, rule grafanaRule, now time.Time) evaluation {
	t.Helper()
	ctx := pluginContext(t, settings, nil)
	ctx.User = schedulerUser()
	var queries []*pluginv2.DataQuery
	expressions := map[string]map[string]any{}
	for _, d := range rule.Data {
		if d.DatasourceUID == "__expr__" {
			expressions[d.RefID] = d.Model
			continue
		}
		if d.DatasourceUID != ctx.DataSourceInstanceSettings.Uid {
			t.Fatalf("%s: query %s names data source %q, not ours (%q)", rule.Title, d.RefID, d.DatasourceUID, ctx.DataSourceInstanceSettings.Uid)
		}
		raw, _ := json.Marshal(d.Model)
		queryType, _ := d.Model["queryType"].(string)
		intervalMs, maxDataPoints := int64(1000), int64(43200) // Grafana's defaults for alert queries
		if v, ok := d.Model["intervalMs"].(float64); ok {
			intervalMs = int64(v)
		}
		if v, ok := d.Model["maxDataPoints"].(float64); ok {
			maxDataPoints = int64(v)
		}
		queries = append(queries, &pluginv2.DataQuery{
			RefId:         d.RefID,
			QueryType:     queryType,
			IntervalMS:    intervalMs,
			MaxDataPoints: maxDataPoints,
			TimeRange: &pluginv2.TimeRange{
				FromEpochMS: now.Add(-time.Duration(d.RelativeTimeRange.From) * time.Second).UnixMilli(),
				ToEpochMS:   now.Add(-time.Duration(d.RelativeTimeRange.To) * time.Second).UnixMilli(),
			},
			Json: raw,
		})
	}
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: ctx,
		Headers:       map[string]string{"FromAlert": "true", "X-Rule-Uid": rule.UID},
		Queries:       queries,
	})
	if err != nil {
		t.Fatalf("%s: QueryData: %v", rule.Title, err)
	}
	// Each refId's numbers per series (labels), as Grafana's expression engine reads them.
	series := map[string]map[string][]float64{}
	for refID, r := range res.Responses {
		if r.Error != "" {
			t.Fatalf("%s: query %s failed (Grafana: execution error, state %s): %s", rule.Title, refID, rule.ExecErrState, r.Error)
		}
		series[refID] = map[string][]float64{}
		for _, frame := range decodeFrames(t, r) {
			for _, field := range frame.Fields {
				if field.Type() == data.FieldTypeTime || field.Type() == data.FieldTypeNullableTime {
					continue
				}
				values := numbers(field)
				if values == nil {
					continue
				}
				key := labelsKey(map[string]string(field.Labels))
				series[refID][key] = append(series[refID][key], values...)
			}
		}
	}
	reduced := map[string]float64{}
	var condition map[string]float64
	for _, refID := range []string{"B", "C"} { // reduce, then threshold (the generated rules' shape)
		model := expressions[refID]
		switch model["type"] {
		case "reduce":
			input := series[model["expression"].(string)]
			for key, values := range input {
				reduced[key] = reduce(model["reducer"].(string), dropNonNumbers(values))
			}
		case "threshold":
			conditions := model["conditions"].([]any)
			evaluator := conditions[0].(map[string]any)["evaluator"].(map[string]any)
			param := evaluator["params"].([]any)[0].(float64)
			condition = map[string]float64{}
			for key, v := range reduced {
				fires := (evaluator["type"] == "gt" && v > param) || (evaluator["type"] == "lt" && v < param)
				if fires {
					condition[key] = v
				}
			}
		default:
			t.Fatalf("%s: expression %s of type %v: the evaluator knows reduce and threshold", rule.Title, refID, model["type"])
		}
	}
	if rule.Condition != "C" {
		t.Fatalf("%s: condition %s, expected the threshold C", rule.Title, rule.Condition)
	}
	out := evaluation{Firing: map[string]float64{}, NoData: len(reduced) == 0}
	for key, v := range condition {
		out.Firing[key] = v
	}
	return out
}

func numbers(field *data.Field) []float64 {
	out := make([]float64, 0, field.Len())
	for i := 0; i < field.Len(); i++ {
		v, ok := field.ConcreteAt(i)
		if !ok {
			out = append(out, math.NaN())
			continue
		}
		switch n := v.(type) {
		case float64:
			out = append(out, n)
		case float32:
			out = append(out, float64(n))
		case int64:
			out = append(out, float64(n))
		case int32:
			out = append(out, float64(n))
		case uint64:
			out = append(out, float64(n))
		default:
			return nil // not a number field (strings, JSON)
		}
	}
	return out
}

func dropNonNumbers(values []float64) []float64 {
	out := values[:0:0]
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

func reduce(reducer string, values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	switch reducer {
	case "last":
		return values[len(values)-1]
	case "sum", "mean":
		sum := 0.0
		for _, v := range values {
			sum += v
		}
		if reducer == "mean" {
			return sum / float64(len(values))
		}
		return sum
	case "min", "max":
		m := values[0]
		for _, v := range values {
			if (reducer == "min" && v < m) || (reducer == "max" && v > m) {
				m = v
			}
		}
		return m
	case "count":
		return float64(len(values))
	}
	panic("unknown reducer " + reducer)
}
