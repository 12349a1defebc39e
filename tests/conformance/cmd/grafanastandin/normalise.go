package main

// What Grafana does to alerting resources on write, so that what the stand-in answers afterwards is
// what Grafana would answer, not an echo of what was sent. Each function names its register row
// (docs/grafana-behaviour.md) and the Grafana file it follows.

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// Grafana: API-RULE-PRESAVE (docs/grafana-behaviour.md). AlertRule.PreSave → AlertQuery.PreSave
// (pkg/services/ngalert/models/alert_query.go), called by InsertAlertRules and UpdateAlertRules
// (pkg/services/ngalert/store/alert_rule.go) for every query, expressions included: the model's
// string queryType is copied to the query; intervalMs and maxDataPoints are set to 1000 and 43200
// when missing, not a number, or 0. The query's queryType is marshalled without omitempty.
const (
	defaultIntervalMS    = 1000.0
	defaultMaxDataPoints = 43200.0
)

func preSaveRule(rule map[string]any) error {
	data, _ := rule["data"].([]any)
	for _, raw := range data {
		query, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("invalid alert query: not an object")
		}
		if err := preSaveQuery(query); err != nil {
			return err
		}
	}
	return nil
}

func preSaveQuery(query map[string]any) error {
	model, ok := query["model"].(map[string]any)
	if !ok {
		model = map[string]any{}
		query["model"] = model
	}
	if raw, present := model["queryType"]; present {
		queryType, isString := raw.(string)
		if !isString {
			return fmt.Errorf("invalid alert query %v: failed to set query type to query model: failed to get queryType from query model: %v", query["refId"], raw)
		}
		query["queryType"] = queryType
	}
	if _, present := query["queryType"]; !present {
		query["queryType"] = ""
	}
	setNumberDefault(model, "intervalMs", defaultIntervalMS)
	setNumberDefault(model, "maxDataPoints", defaultMaxDataPoints)
	return nil
}

func setNumberDefault(model map[string]any, key string, value float64) {
	if n, ok := model[key].(float64); !ok || n == 0 {
		model[key] = value
	}
}

// Grafana: API-ROUTE-CONTINUE (docs/grafana-behaviour.md). grafana/alerting definition/alertmanager.go
// Route: every field but the matchers' contents is `omitempty` in JSON, so a route read back has no
// `continue: false`, no empty `routes`, `group_by`, matcher lists or receiver. Provenance is held
// apart (API-PROVENANCE) and answered on the root only.
var omitEmptyRouteFields = []string{
	"receiver", "group_by", "match", "match_re", "matchers", "object_matchers",
	"mute_time_intervals", "active_time_intervals", "continue", "routes",
	"group_wait", "group_interval", "repeat_interval",
}

func storedRoute(route map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range route {
		if k != "provenance" {
			out[k] = v
		}
	}
	for _, key := range omitEmptyRouteFields {
		if isEmptyJSON(out[key]) {
			delete(out, key)
		}
	}
	if children, ok := out["routes"].([]any); ok {
		stored := make([]any, 0, len(children))
		for _, child := range children {
			if m, ok := child.(map[string]any); ok {
				stored = append(stored, storedRoute(m))
			}
		}
		out["routes"] = stored
	}
	return out
}

func isEmptyJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// Grafana: API-TEMPLATE-TRIM (docs/grafana-behaviour.md). NotificationTemplate.Validate
// (pkg/services/ngalert/api/tooling/definitions/alertmanager_validation.go) stores the content
// trimmed with strings.TrimSpace, and wraps content without `{{ define` in a define of its name.
func storedTemplate(name, content string) (string, error) {
	if content == "" {
		return "", fmt.Errorf("template must have content")
	}
	trimmed := strings.TrimSpace(content)
	if hasDefine(trimmed) {
		return trimmed, nil
	}
	lines := strings.Split(trimmed, "\n")
	for i, line := range lines {
		lines[i] = "  " + line
	}
	return fmt.Sprintf("{{ define \"%s\" }}\n%s\n{{ end }}", name, strings.Join(lines, "\n")), nil
}

// hasDefine is Grafana's regexp `\{\{\s*define` without a regexp.
func hasDefine(content string) bool {
	for rest := content; ; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return false
		}
		rest = rest[i+2:]
		if strings.HasPrefix(strings.TrimLeft(rest, " \t\n\r\f\v"), "define") {
			return true
		}
	}
}

// Grafana: API-TEMPLATE-VERSION (docs/grafana-behaviour.md). A template's version is the FNV-64
// fingerprint of its content (calculateTemplateFingerprint, pkg/services/ngalert/provisioning/templates.go).
func templateVersion(content string) string {
	sum := fnv.New64()
	_, _ = sum.Write([]byte(content))
	return fmt.Sprintf("%016x", sum.Sum64())
}
