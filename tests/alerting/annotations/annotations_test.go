// Package annotations expands the annotation templates of the generated Grafana rule file the
// way Grafana expands them for an alert: Prometheus' template expander (text/template with the
// humanize functions) over $labels, $values and $value, with missingkey=invalid and "<no value>"
// shown as "[no value]" (grafana pkg/services/ngalert/state/template/template.go, Expand). On an
// error Grafana keeps the raw template as the annotation (pkg/services/ngalert/state, expand:
// "keep the original template on error"). Alerts of rules whose query returned no data or failed
// (DatasourceNoData, DatasourceError) have no $values of the queries, or NaN as their value
// (template.go, NewValues: "A RefID might be missing a value if there was no data or an error").
// Grafana: ALERT-NODATA-TEMPLATES (docs/grafana-behaviour.md)
//
// Run: cd tests/alerting/annotations && go test -count=1 .
package annotations

import (
	"context"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
	"gopkg.in/yaml.v3"
)

const rulesFile = "../../../provisioning/alerting/agent-memory-rules.yaml"

// Labels and Value mirror Grafana's template data types (String() as Grafana prints them).
type Labels map[string]string

func (l Labels) String() string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+l[k])
	}
	return strings.Join(parts, ", ")
}

type Value struct {
	Labels Labels
	Value  float64
}

func (v Value) String() string { return strconv.FormatFloat(v.Value, 'f', -1, 64) }

type Data struct {
	Labels Labels
	Values map[string]Value
	Value  string
}

// expand is Grafana's Expand: the same preamble, expander, options and "[no value]" replacement.
func expand(name, text string, data Data) (string, error) {
	tmpl := "{{- $labels := .Labels -}}{{- $values := .Values -}}{{- $value := .Value -}}" + text
	noQuery := func(context.Context, string, time.Time) (promql.Vector, error) { return nil, nil }
	external, _ := url.Parse("http://grafana.example")
	expander := template.NewTemplateExpander(context.Background(), tmpl, "__alert_"+name, data,
		model.Time(time.Now().UnixMilli()), noQuery, external, []string{"missingkey=invalid"})
	out, err := expander.Expand()
	return strings.ReplaceAll(out, "<no value>", "[no value]"), err
}

type rule struct {
	UID         string            `yaml:"uid"`
	Title       string            `yaml:"title"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func loadRules(t *testing.T) []rule {
	t.Helper()
	raw, err := os.ReadFile(filepath.FromSlash(rulesFile))
	if err != nil {
		t.Fatalf("read the generated rules (npm run generate:alerting): %v", err)
	}
	var file struct {
		Groups []struct {
			Rules []rule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	var rules []rule
	for _, g := range file.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) == 0 {
		t.Fatal("no rules in " + rulesFile)
	}
	return rules
}

var labelRef = regexp.MustCompile(`\$labels\.(\w+)`)

// seriesLabels gives every label a rule's texts name a value, as an alerting series has.
func seriesLabels(r rule) Labels {
	out := Labels{"alertname": r.Title, "__alert_rule_uid__": r.UID}
	for k, v := range r.Labels {
		out[k] = v
	}
	for _, text := range r.Annotations {
		for _, m := range labelRef.FindAllStringSubmatch(text, -1) {
			if _, ok := out[m[1]]; !ok {
				out[m[1]] = "series-" + m[1]
			}
		}
	}
	return out
}

// noValueLabels are the labels of a DatasourceNoData/DatasourceError alert: the rule's, plus
// Grafana's, without any series label.
func noValueLabels(r rule, alertname string) Labels {
	out := Labels{"alertname": alertname, "rulename": r.Title, "datasource_uid": "agentmemory", "ref_id": "A"}
	for k, v := range r.Labels {
		out[k] = v
	}
	return out
}

// rendered fails the test where Grafana would show something other than a finished text.
func rendered(t *testing.T, what, text string, data Data) string {
	t.Helper()
	out, err := expand(what, text, data)
	if err != nil {
		t.Fatalf("%s: Grafana would keep the raw template %q: %v", what, text, err)
	}
	for _, bad := range []string{"{{", "[no value]", "NaN", "%!"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%s: rendered text contains %q: %q", what, bad, out)
		}
	}
	if strings.TrimSpace(out) == "" {
		t.Fatalf("%s: rendered text is empty", what)
	}
	return out
}

func TestAnnotationsRenderForFiringNoDataAndErrorAlerts(t *testing.T) {
	for _, r := range loadRules(t) {
		t.Run(r.Title, func(t *testing.T) {
			labels := seriesLabels(r)
			firing := Data{
				Labels: labels,
				Values: map[string]Value{"A": {labels, 0.42}, "B": {labels, 0.42}, "C": {labels, 1}},
				Value:  "[ var='B' labels={" + labels.String() + "} value=0.42 ]",
			}
			for _, key := range []string{"summary", "description"} {
				text, ok := r.Annotations[key]
				if !ok {
					t.Fatalf("no %s annotation", key)
				}
				got := rendered(t, key+" (firing)", text, firing)
				if strings.Contains(got, "no value") {
					t.Fatalf("%s (firing) says there is no value: %q", key, got)
				}
				if strings.Contains(text, "$labels.") && !strings.Contains(got, "series-") && !strings.Contains(got, r.Labels["severity"]) {
					t.Fatalf("%s (firing) shows none of the series' labels: %q", key, got)
				}
				for _, alertname := range []string{"DatasourceNoData", "DatasourceError"} {
					labels := noValueLabels(r, alertname)
					// Without B, or with B's value NaN (Grafana's NewValues for a refId without a value).
					for variant, values := range map[string]map[string]Value{
						"no $values.B":  {},
						"$values.B NaN": {"A": {Labels{}, math.NaN()}, "B": {Labels{}, math.NaN()}},
					} {
						data := Data{Labels: labels, Values: values, Value: ""}
						what := key + " (" + alertname + ", " + variant + ")"
						if got := rendered(t, what, text, data); !strings.Contains(got, r.Title) {
							t.Fatalf("%s does not name the rule: %q", what, got)
						}
					}
				}
			}
			if !strings.Contains(r.Annotations["runbook_url"], "#") {
				t.Fatalf("runbook_url %q has no section anchor", r.Annotations["runbook_url"])
			}
		})
	}
}

// The expander above reproduces Grafana's failure: an unguarded value on a no-data alert is an
// error (Grafana then shows the raw template), so the test above would catch an unguarded text.
func TestUnguardedValueFailsOnNoData(t *testing.T) {
	noData := Data{Labels: Labels{"alertname": "DatasourceNoData"}, Values: map[string]Value{}}
	for _, text := range []string{
		"{{ $values.B.Value | humanizePercentage }}",
		"{{ $values.B.Value | humanizeDuration }}",
		"{{ $values.B.Value | humanize }}",
	} {
		if _, err := expand("control", text, noData); err == nil {
			t.Fatalf("%q expanded without error on a no-data alert; Grafana's expander fails on it", text)
		}
	}
	// And a guarded one renders its fallback.
	out, err := expand("control", "{{ with $values.B }}{{ .Value | humanizePercentage }}{{ else }}none{{ end }}", noData)
	if err != nil || out != "none" {
		t.Fatalf("guarded text: %q, %v", out, err)
	}
	out, err = expand("control", "{{ with $values.B }}{{ .Value | humanizePercentage }}{{ else }}none{{ end }}",
		Data{Values: map[string]Value{"B": {nil, 0.125}}})
	if err != nil || out != "12.5%" {
		t.Fatalf("guarded text with a value: %q, %v", out, err)
	}
}
