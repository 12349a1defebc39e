package main

// A recording stand-in for the part of Grafana's HTTP API that the app's alert installer calls:
// folders, the data source list, and the alerting provisioning API (rules by group, contact
// points, templates, the notification policy tree). Grafana cannot run here; this keeps state in
// memory with the behaviour Grafana documents (404 for what is missing, secrets redacted in
// answers, policies replaced whole, receivers that must exist, provenance "api" unless
// X-Disable-Provenance is sent) and records every request for the browser test to check.
// Scenarios: default (a user's own contact point and route exist), forbidden (403 on the
// provisioning API), conflict (one of the app's rule uids lives in another folder),
// no-datasource (no Agent Memory data source).

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
)

type recordedRequest struct {
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	Provenance string          `json:"xDisableProvenance"`
	Body       json.RawMessage `json:"body,omitempty"`
}

type alertingStore struct {
	mu            sync.Mutex
	scenario      string
	requests      []recordedRequest
	folders       map[string]map[string]any
	rules         map[string]map[string]any // by uid
	groupInterval map[string]float64        // folderUid/group -> seconds
	contactPoints []map[string]any
	templates     map[string]map[string]any
	policies      map[string]any
	dataSources   []map[string]any
}

const redacted = "[REDACTED]"

var secretSettings = map[string]bool{"url": true, "integrationKey": true, "token": true, "password": true}

func newAlertingStore(ours []string) *alertingStore {
	s := &alertingStore{}
	s.reset("default", ours)
	return s
}

func (s *alertingStore) reset(scenario string, ours []string) {
	s.scenario = scenario
	s.requests = nil
	s.folders = map[string]map[string]any{}
	s.rules = map[string]map[string]any{}
	s.groupInterval = map[string]float64{}
	s.templates = map[string]map[string]any{}
	s.contactPoints = []map[string]any{
		{"uid": "default-email", "name": "grafana-default-email", "type": "email", "settings": map[string]any{"addresses": "<example@email.com>"}, "provenance": ""},
	}
	// A user's own tree: a default receiver and a route of theirs that must survive the install.
	s.policies = map[string]any{
		"receiver": "grafana-default-email",
		"group_by": []any{"grafana_folder", "alertname"},
		"routes":   []any{map[string]any{"receiver": "grafana-default-email", "object_matchers": []any{[]any{"team", "=", "db"}}}},
	}
	s.dataSources = []map[string]any{{"uid": "prom", "type": "prometheus", "name": "Prometheus"}}
	if scenario != "no-datasource" {
		for _, uid := range ours {
			s.dataSources = append(s.dataSources, map[string]any{"uid": uid, "type": "memstack-agentmemory-datasource", "name": "Agent Memory (" + uid + ")"})
		}
	}
	if scenario == "conflict" {
		s.folders["legacy"] = map[string]any{"uid": "legacy", "title": "Legacy alerts"}
		s.rules["agentmemory-high-error-rate"] = map[string]any{"uid": "agentmemory-high-error-rate", "title": "HighErrorRate", "folderUID": "legacy", "ruleGroup": "old", "provenance": ""}
	}
	if scenario == "files" {
		// What docker compose leaves: the rules and the policy tree provisioned from files.
		s.folders["agent-memory"] = map[string]any{"uid": "agent-memory", "title": "Agent Memory"}
		s.rules["agentmemory-high-error-rate"] = map[string]any{"uid": "agentmemory-high-error-rate", "title": "HighErrorRate", "folderUID": "agent-memory", "ruleGroup": "memory-operations", "provenance": "file"}
		s.policies["provenance"] = "file"
	}
}

func (s *alertingStore) record(r *http.Request) []byte {
	body, _ := io.ReadAll(r.Body)
	req := recordedRequest{Method: r.Method, Path: r.URL.Path, Provenance: r.Header.Get("X-Disable-Provenance")}
	if len(body) > 0 && json.Valid(body) {
		req.Body = body
	}
	s.requests = append(s.requests, req)
	return body
}

func (s *alertingStore) provenance(r *http.Request) string {
	if r.Header.Get("X-Disable-Provenance") != "" {
		return ""
	}
	return "api"
}

// withoutIndex is a stored rule as Grafana answers it: without the stand-in's position in its group.
func withoutIndex(rule map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range rule {
		if k != "__index" {
			out[k] = v
		}
	}
	return out
}

func redact(cp map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range cp {
		out[k] = v
	}
	settings := map[string]any{}
	for k, v := range cp["settings"].(map[string]any) {
		if secretSettings[k] && v != "" {
			v = redacted
		}
		settings[k] = v
	}
	out["settings"] = settings
	return out
}

func (s *alertingStore) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := s.record(r)
	path := r.URL.Path
	if s.scenario == "forbidden" && strings.HasPrefix(path, "/api/v1/provisioning/") {
		writeJSON(w, 403, map[string]string{"message": "You'll need additional permissions to perform this action. Permissions needed: any of alert.provisioning:write, alert.provisioning:read"})
		return
	}
	var in map[string]any
	if len(body) > 0 && json.Unmarshal(body, &in) != nil {
		writeJSON(w, 400, map[string]string{"message": "bad request data"})
		return
	}
	switch {
	case path == "/api/datasources" && r.Method == "GET":
		writeJSON(w, 200, s.dataSources)
	case strings.HasPrefix(path, "/api/folders/") && r.Method == "GET":
		if f, ok := s.folders[strings.TrimPrefix(path, "/api/folders/")]; ok {
			writeJSON(w, 200, f)
		} else {
			writeJSON(w, 404, map[string]string{"message": "folder not found"})
		}
	case path == "/api/folders" && r.Method == "POST":
		uid, _ := in["uid"].(string)
		if _, exists := s.folders[uid]; exists {
			writeJSON(w, 409, map[string]string{"message": "a folder with the same uid already exists"})
			return
		}
		s.folders[uid] = map[string]any{"uid": uid, "title": in["title"]}
		writeJSON(w, 200, s.folders[uid])
	case path == "/api/v1/provisioning/alert-rules" && r.Method == "GET":
		list := []map[string]any{}
		for _, rule := range s.rules {
			list = append(list, withoutIndex(rule))
		}
		sort.Slice(list, func(i, j int) bool { return list[i]["uid"].(string) < list[j]["uid"].(string) })
		writeJSON(w, 200, list)
	case strings.HasPrefix(path, "/api/v1/provisioning/folder/"):
		s.ruleGroup(w, r, in)
	case path == "/api/v1/provisioning/contact-points" && r.Method == "GET":
		list := []map[string]any{}
		for _, cp := range s.contactPoints {
			list = append(list, redact(cp))
		}
		writeJSON(w, 200, list)
	case path == "/api/v1/provisioning/contact-points" && r.Method == "POST":
		for _, cp := range s.contactPoints {
			if cp["uid"] == in["uid"] {
				writeJSON(w, 400, map[string]string{"message": "contact point with the same uid already exists"})
				return
			}
		}
		in["provenance"] = s.provenance(r)
		s.contactPoints = append(s.contactPoints, in)
		writeJSON(w, 202, redact(in))
	case strings.HasPrefix(path, "/api/v1/provisioning/contact-points/") && r.Method == "PUT":
		uid := strings.TrimPrefix(path, "/api/v1/provisioning/contact-points/")
		for i, cp := range s.contactPoints {
			if cp["uid"] == uid {
				settings := in["settings"].(map[string]any)
				for k, v := range settings {
					if v == redacted { // Grafana keeps the stored secret when the redacted value comes back
						settings[k] = cp["settings"].(map[string]any)[k]
					}
				}
				in["provenance"] = s.provenance(r)
				s.contactPoints[i] = in
				writeJSON(w, 202, map[string]string{"message": "contactpoint updated"})
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "contact point not found"})
	case path == "/api/v1/provisioning/templates" && r.Method == "GET":
		list := []map[string]any{}
		for _, t := range s.templates {
			list = append(list, t)
		}
		writeJSON(w, 200, list)
	case strings.HasPrefix(path, "/api/v1/provisioning/templates/") && r.Method == "PUT":
		name := strings.TrimPrefix(path, "/api/v1/provisioning/templates/")
		in["name"], in["provenance"], in["version"] = name, s.provenance(r), "v1"
		s.templates[name] = in
		writeJSON(w, 202, in)
	case path == "/api/v1/provisioning/policies" && r.Method == "GET":
		writeJSON(w, 200, s.policies)
	case path == "/api/v1/provisioning/policies" && r.Method == "PUT":
		if missing := s.missingReceiver(in); missing != "" {
			writeJSON(w, 400, map[string]string{"message": "invalid object specification: receiver '" + missing + "' does not exist"})
			return
		}
		in["provenance"] = s.provenance(r)
		s.policies = in
		writeJSON(w, 202, map[string]string{"message": "policies updated"})
	default:
		writeJSON(w, 404, map[string]string{"message": "not found in the stand-in: " + r.Method + " " + path})
	}
}

func (s *alertingStore) missingReceiver(route map[string]any) string {
	if name, ok := route["receiver"].(string); ok && name != "" {
		found := false
		for _, cp := range s.contactPoints {
			if cp["name"] == name {
				found = true
			}
		}
		if !found {
			return name
		}
	}
	routes, _ := route["routes"].([]any)
	for _, child := range routes {
		if m, ok := child.(map[string]any); ok {
			if missing := s.missingReceiver(m); missing != "" {
				return missing
			}
		}
	}
	return ""
}

// ruleGroup is GET/PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group.
func (s *alertingStore) ruleGroup(w http.ResponseWriter, r *http.Request, in map[string]any) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/v1/provisioning/folder/")
	folder, group, ok := strings.Cut(rest, "/rule-groups/")
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "not found"})
		return
	}
	key := folder + "/" + group
	switch r.Method {
	case "GET":
		interval, exists := s.groupInterval[key]
		if !exists {
			writeJSON(w, 404, map[string]string{"message": "rule group not found"})
			return
		}
		rules := []map[string]any{}
		for _, rule := range s.rules {
			if rule["folderUID"] == folder && rule["ruleGroup"] == group {
				rules = append(rules, rule)
			}
		}
		// In the group's order, as Grafana keeps it (rule_group_idx).
		sort.Slice(rules, func(i, j int) bool { return rules[i]["__index"].(int) < rules[j]["__index"].(int) })
		answer := []map[string]any{}
		for _, rule := range rules {
			answer = append(answer, withoutIndex(rule))
		}
		writeJSON(w, 200, map[string]any{"title": group, "folderUid": folder, "interval": interval, "rules": answer})
	case "PUT":
		if _, exists := s.folders[folder]; !exists {
			writeJSON(w, 400, map[string]string{"message": "folder does not exist"})
			return
		}
		rules, _ := in["rules"].([]any)
		for _, raw := range rules {
			rule := raw.(map[string]any)
			if held, exists := s.rules[rule["uid"].(string)]; exists && (held["folderUID"] != folder || held["ruleGroup"] != group) {
				writeJSON(w, 409, map[string]string{"message": "rule uid " + rule["uid"].(string) + " is used in another group"})
				return
			}
		}
		for uid, rule := range s.rules { // the group is replaced whole: rules not sent are deleted
			if rule["folderUID"] == folder && rule["ruleGroup"] == group {
				delete(s.rules, uid)
			}
		}
		for i, raw := range rules {
			rule := raw.(map[string]any)
			rule["folderUID"], rule["ruleGroup"], rule["provenance"], rule["__index"] = folder, group, s.provenance(r), i
			s.rules[rule["uid"].(string)] = rule
		}
		interval, _ := in["interval"].(float64)
		s.groupInterval[key] = interval
		writeJSON(w, 200, in)
	default:
		writeJSON(w, 405, map[string]string{"message": "method not allowed"})
	}
}

// control is the test's handle: POST /__standin/alerting/reset?scenario=…, GET …/requests, GET …/state.
func (s *alertingStore) control(ours []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch r.URL.Path {
		case "/__standin/alerting/reset":
			s.reset(r.URL.Query().Get("scenario"), ours)
			writeJSON(w, 200, map[string]string{"scenario": s.scenario})
		case "/__standin/alerting/requests":
			writeJSON(w, 200, s.requests)
		case "/__standin/alerting/state":
			writeJSON(w, 200, map[string]any{"folders": s.folders, "rules": s.rules, "contactPoints": s.contactPoints, "templates": s.templates, "policies": s.policies})
		default:
			writeJSON(w, 404, map[string]string{"message": "unknown control path"})
		}
	}
}
