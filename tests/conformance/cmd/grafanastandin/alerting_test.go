package main

// The stand-in's imitation of Grafana's alerting provisioning API: what it answers after a write
// is what Grafana would answer (normalise.go), and it refuses provenance moves as Grafana does
// (provenance.go). Rows of docs/grafana-behaviour.md are named in each test.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func call(t *testing.T, s *alertingStore, method, path string, body any, disableProvenance bool) (int, any) {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if disableProvenance {
		req.Header["X-Disable-Provenance"] = []string{""} // presence counts, not the value
	}
	rec := httptest.NewRecorder()
	s.handle(rec, req)
	var answer any
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	return rec.Code, answer
}

func object(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("expected a JSON object, got %#v", v)
	}
	return m
}

func TestRuleGroupPutAppliesPreSave(t *testing.T) { // API-RULE-PRESAVE
	s := newAlertingStore([]string{"agentmemory"})
	s.folders["f"] = map[string]any{"uid": "f", "title": "F"}
	group := map[string]any{"interval": 60.0, "rules": []any{map[string]any{
		"uid": "r1", "title": "R1", "condition": "B",
		"data": []any{
			map[string]any{"refId": "A", "datasourceUid": "ds", "model": map[string]any{"queryType": "metrics", "expr": "up"}},
			map[string]any{"refId": "B", "datasourceUid": "__expr__", "model": map[string]any{"type": "reduce", "intervalMs": 0.0, "maxDataPoints": 500.0}},
		},
	}}}
	if code, answer := call(t, s, "PUT", "/api/v1/provisioning/folder/f/rule-groups/g", group, true); code != 200 {
		t.Fatalf("PUT: %d %v", code, answer)
	}
	_, answer := call(t, s, "GET", "/api/v1/provisioning/folder/f/rule-groups/g", nil, false)
	data := object(t, object(t, answer)["rules"].([]any)[0])["data"].([]any)
	a, b := object(t, data[0]), object(t, data[1])
	if a["queryType"] != "metrics" || b["queryType"] != "" {
		t.Errorf("queryType copied from the model, \"\" otherwise: got %v, %v", a["queryType"], b["queryType"])
	}
	if m := object(t, a["model"]); m["intervalMs"] != 1000.0 || m["maxDataPoints"] != 43200.0 {
		t.Errorf("defaults added to a data source query: %v", m)
	}
	if m := object(t, b["model"]); m["intervalMs"] != 1000.0 || m["maxDataPoints"] != 500.0 {
		t.Errorf("expression: 0 replaced, a set value kept: %v", m)
	}
}

func TestPolicyTreeIsAnsweredWithoutEmptyFields(t *testing.T) { // API-ROUTE-CONTINUE
	s := newAlertingStore(nil)
	tree := map[string]any{"receiver": "grafana-default-email", "routes": []any{
		map[string]any{"object_matchers": []any{[]any{"a", "=", "b"}}, "continue": false, "routes": []any{}, "group_by": []any{}},
		map[string]any{"receiver": "grafana-default-email", "continue": true},
	}}
	if code, answer := call(t, s, "PUT", "/api/v1/provisioning/policies", tree, true); code != 202 {
		t.Fatalf("PUT: %d %v", code, answer)
	}
	_, answer := call(t, s, "GET", "/api/v1/provisioning/policies", nil, false)
	routes := object(t, answer)["routes"].([]any)
	if got := object(t, routes[0]); len(got) != 1 || got["object_matchers"] == nil {
		t.Errorf("continue: false and empty lists are not answered: %v", got)
	}
	if got := object(t, routes[1]); got["continue"] != true {
		t.Errorf("continue: true is kept: %v", got)
	}
}

func TestTemplateIsStoredTrimmed(t *testing.T) { // API-TEMPLATE-TRIM, API-TEMPLATES-NULL, API-TEMPLATE-VERSION
	s := newAlertingStore(nil)
	if _, answer := call(t, s, "GET", "/api/v1/provisioning/templates", nil, false); answer != nil {
		t.Errorf("no template: null, got %v", answer)
	}
	content := "\n{{ define \"x.title\" }}X{{ end }}\n\n"
	if code, answer := call(t, s, "PUT", "/api/v1/provisioning/templates/x", map[string]any{"template": content}, true); code != 202 {
		t.Fatalf("PUT: %d %v", code, answer)
	}
	_, answer := call(t, s, "GET", "/api/v1/provisioning/templates", nil, false)
	held := object(t, answer.([]any)[0])
	if held["template"] != `{{ define "x.title" }}X{{ end }}` {
		t.Errorf("stored trimmed: %q", held["template"])
	}
	if code, _ := call(t, s, "PUT", "/api/v1/provisioning/templates/x", map[string]any{"template": "hello", "version": "stale"}, true); code != 409 {
		t.Errorf("a stale version: 409, got %d", code)
	}
	call(t, s, "PUT", "/api/v1/provisioning/templates/x", map[string]any{"template": "hello", "version": held["version"]}, true)
	if got := s.templates["x"]; got != "{{ define \"x\" }}\n  hello\n{{ end }}" {
		t.Errorf("content without define is wrapped in one: %q", got)
	}
}

func TestProvenanceMovesToNoneAreRefusedAsGrafanaDoes(t *testing.T) { // API-PROVENANCE
	s := newAlertingStore([]string{"agentmemory"})
	s.reset("provenance-api", []string{"agentmemory"})
	code, answer := call(t, s, "PUT", "/api/v1/provisioning/templates/agentmemory", map[string]any{"template": "{{ define \"a\" }}{{ end }}"}, true)
	if body := object(t, answer); code != 403 || body["messageId"] != "alerting.notifications.invalidProvenance" {
		t.Errorf("template api → none: 403 invalidProvenance, got %d %v", code, body)
	}
	code, answer = call(t, s, "PUT", "/api/v1/provisioning/policies", map[string]any{"receiver": "grafana-default-email"}, true)
	if body := object(t, answer); code != 403 || body["statusCode"] != 403.0 {
		t.Errorf("policy tree api → none: 403, got %d %v", code, body)
	}
	code, _ = call(t, s, "PUT", "/api/v1/provisioning/contact-points/agentmemory-default-0", map[string]any{"name": "agent-memory-default", "type": "slack", "settings": map[string]any{"url": redacted}}, true)
	if code != 500 {
		t.Errorf("contact point api → none: 500 (a plain error in UpdateContactPoint), got %d", code)
	}
	// Rule groups allow api → none (CanUpdateProvenanceInRuleGroup) and refuse file → none with 409.
	rule := userRule("agentmemory-circuit-breaker-open", "CircuitBreakerOpen")
	if code, answer := call(t, s, "PUT", "/api/v1/provisioning/folder/agent-memory/rule-groups/resilience", map[string]any{"interval": 30.0, "rules": []any{rule}}, true); code != 200 {
		t.Errorf("rule group api → none: 200, got %d %v", code, answer)
	}
	if p := s.provenance[ruleKey("agentmemory-circuit-breaker-open")]; p != provenanceNone {
		t.Errorf("the rule is editable now, provenance %q", p)
	}
	s.reset("files", nil)
	code, answer = call(t, s, "PUT", "/api/v1/provisioning/folder/agent-memory/rule-groups/memory-operations", map[string]any{"interval": 60.0, "rules": []any{}}, true)
	if body := object(t, answer); code != 409 || body["message"] != "cannot delete with provided provenance '', needs 'file'" {
		t.Errorf("rule group file → none: 409, got %d %v", code, body)
	}
	// Without the header a write has provenance api, which moves nothing to none.
	if code, _ := call(t, s, "PUT", "/api/v1/provisioning/templates/agentmemory", map[string]any{"template": "{{ define \"a\" }}{{ end }}"}, false); code != 202 {
		t.Errorf("a write without the header: 202, got %d", code)
	}
}

func TestRuleGroupPutReplacesTheGroup(t *testing.T) { // API-RULEGROUP-REPLACE
	s := newAlertingStore([]string{"agentmemory"})
	s.reset("foreign-rule", []string{"agentmemory"})
	ours := userRule("agentmemory-high-error-rate", "HighErrorRate")
	if code, answer := call(t, s, "PUT", "/api/v1/provisioning/folder/agent-memory/rule-groups/memory-operations", map[string]any{"interval": 60.0, "rules": []any{ours}}, true); code != 200 {
		t.Fatalf("PUT: %d %v", code, answer)
	}
	if _, kept := s.rules["my-own-memory-check"]; kept {
		t.Errorf("a rule of the group not in the body is deleted")
	}
	if code, _ := call(t, s, "GET", "/api/v1/provisioning/folder/agent-memory/rule-groups/other", nil, false); code != http.StatusNotFound {
		t.Errorf("a group without rules: 404, got %d", code)
	}
}
