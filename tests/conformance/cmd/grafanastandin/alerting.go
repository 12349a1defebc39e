package main

// A recording stand-in for the part of Grafana's HTTP API that the app's alert installer calls:
// folders, the data source list, and the alerting provisioning API (rules by group, contact
// points, templates, the notification policy tree). Grafana cannot run here; this keeps state in
// memory, does on write what Grafana does (normalise.go, provenance.go) and records every request
// for the browser test to check. Each imitated behaviour cites its row of docs/grafana-behaviour.md.
// Scenarios: default (a user's own contact point and route exist), forbidden (403 on the
// provisioning API), conflict (one of the app's rule uids lives in another folder), no-datasource
// (no Agent Memory data source), files (rules and policy tree provisioned from files),
// provenance-api (template, a contact point, the policy tree and a rule written by an API client
// such as Terraform), foreign-rule (a user's own rule in one of the app's groups).

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
	templates     map[string]string // name -> content
	policies      map[string]any
	// Grafana keeps provenance in a table of its own, by resource type and id (API-PROVENANCE).
	provenance  map[string]string
	dataSources []map[string]any
}

const redacted = "[REDACTED]"

var secretSettings = map[string]bool{"url": true, "integrationKey": true, "token": true, "password": true}

func ruleKey(uid string) string         { return "rule/" + uid }
func contactPointKey(uid string) string { return "contactPoint/" + uid }
func templateKey(name string) string    { return "template/" + name }

const policiesKey = "policies"

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
	s.templates = map[string]string{}
	s.provenance = map[string]string{}
	s.contactPoints = []map[string]any{
		{"uid": "default-email", "name": "grafana-default-email", "type": "email", "settings": map[string]any{"addresses": "<example@email.com>"}, "disableResolveMessage": false},
	}
	// A user's own tree: a default receiver and a route of theirs that must survive the install.
	s.policies = storedRoute(map[string]any{
		"receiver": "grafana-default-email",
		"group_by": []any{"grafana_folder", "alertname"},
		"routes":   []any{map[string]any{"receiver": "grafana-default-email", "object_matchers": []any{[]any{"team", "=", "db"}}}},
	})
	s.dataSources = []map[string]any{{"uid": "prom", "type": "prometheus", "name": "Prometheus"}}
	if scenario != "no-datasource" {
		for _, uid := range ours {
			s.dataSources = append(s.dataSources, map[string]any{"uid": uid, "type": "memstack-agentmemory-datasource", "name": "Agent Memory (" + uid + ")"})
		}
	}
	switch scenario {
	case "conflict":
		s.folders["legacy"] = map[string]any{"uid": "legacy", "title": "Legacy alerts"}
		s.seedRule(userRule("agentmemory-high-error-rate", "HighErrorRate"), "legacy", "old", provenanceNone)
	case "files":
		// What docker compose leaves: the rules and the policy tree provisioned from files.
		s.folders["agent-memory"] = map[string]any{"uid": "agent-memory", "title": "Agent Memory"}
		s.seedRule(userRule("agentmemory-high-error-rate", "HighErrorRate"), "agent-memory", "memory-operations", provenanceFile)
		s.provenance[policiesKey] = provenanceFile
	case "provenance-api":
		// Written by an API client without X-Disable-Provenance (Terraform, a script): provenance "api".
		s.folders["agent-memory"] = map[string]any{"uid": "agent-memory", "title": "Agent Memory"}
		s.seedRule(userRule("agentmemory-circuit-breaker-open", "CircuitBreakerOpen"), "agent-memory", "resilience", provenanceAPI)
		s.templates["agentmemory"] = `{{ define "agentmemory.title" }}managed by terraform{{ end }}`
		s.provenance[templateKey("agentmemory")] = provenanceAPI
		s.contactPoints = append(s.contactPoints, map[string]any{"uid": "agentmemory-default-0", "name": "agent-memory-default", "type": "slack", "settings": map[string]any{"url": "https://hooks.example.invalid/terraform", "recipient": "#terraform"}, "disableResolveMessage": false})
		s.provenance[contactPointKey("agentmemory-default-0")] = provenanceAPI
		s.provenance[policiesKey] = provenanceAPI
	case "foreign-rule":
		s.folders["agent-memory"] = map[string]any{"uid": "agent-memory", "title": "Agent Memory"}
		s.seedRule(userRule("my-own-memory-check", "MyOwnMemoryCheck"), "agent-memory", "memory-operations", provenanceNone)
	}
}

// userRule is a rule someone else made, as Grafana stores it.
func userRule(uid, title string) map[string]any {
	return map[string]any{
		"uid": uid, "title": title, "condition": "A", "for": "5m", "noDataState": "NoData", "execErrState": "Error",
		"labels": map[string]any{"team": "db"}, "isPaused": false,
		"data": []any{map[string]any{
			"refId": "A", "datasourceUid": "prom", "relativeTimeRange": map[string]any{"from": 600.0, "to": 0.0},
			"model": map[string]any{"refId": "A", "expr": "up == 0"},
		}},
	}
}

func (s *alertingStore) seedRule(rule map[string]any, folder, group, provenance string) {
	_ = preSaveRule(rule)
	rule["folderUID"], rule["ruleGroup"], rule["__index"] = folder, group, len(s.rulesIn(folder, group))
	s.rules[rule["uid"].(string)] = rule
	s.groupInterval[folder+"/"+group] = 60
	s.provenance[ruleKey(rule["uid"].(string))] = provenance
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

// withProvenance is a stored resource as the API answers it: provenance is `omitempty` in every
// provisioning API model (definitions: ProvisionedAlertRule, EmbeddedContactPoint, NotificationTemplate, Route).
func (s *alertingStore) withProvenance(resource map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range resource {
		if k != "__index" {
			out[k] = v
		}
	}
	if p := s.provenance[key]; p != provenanceNone {
		out["provenance"] = p
	}
	return out
}

// Grafana: API-SECRETS-REDACTED (docs/grafana-behaviour.md): secure settings are answered as
// "[REDACTED]" (GetContactPoints, pkg/services/ngalert/provisioning/contactpoints.go).
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
	// Grafana: API-FORBIDDEN (docs/grafana-behaviour.md): the access-control middleware's 403.
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
	case path == "/api/datasources" && r.Method == "GET": // Grafana: DS-API (docs/grafana-behaviour.md), pkg/api/datasources.go
		writeJSON(w, 200, s.dataSources)
	case strings.HasPrefix(path, "/api/folders"):
		s.folderAPI(w, r, in)
	case path == "/api/v1/provisioning/alert-rules" && r.Method == "GET":
		list := []map[string]any{}
		for uid, rule := range s.rules {
			list = append(list, s.withProvenance(rule, ruleKey(uid)))
		}
		sort.Slice(list, func(i, j int) bool { return list[i]["uid"].(string) < list[j]["uid"].(string) })
		writeJSON(w, 200, list)
	case strings.HasPrefix(path, "/api/v1/provisioning/folder/"):
		s.ruleGroup(w, r, in)
	case strings.HasPrefix(path, "/api/v1/provisioning/contact-points"):
		s.contactPointAPI(w, r, in)
	case strings.HasPrefix(path, "/api/v1/provisioning/templates"):
		s.templateAPI(w, r, in)
	case path == "/api/v1/provisioning/policies":
		s.policyAPI(w, r, in)
	default:
		writeJSON(w, 404, map[string]string{"message": "not found in the stand-in: " + r.Method + " " + path})
	}
}

// folderAPI is GET /api/folders/:uid and POST /api/folders. Grafana: FOLDER-API
// (docs/grafana-behaviour.md): 404 for a missing folder, 409 for a uid that exists (pkg/api/folder.go).
func (s *alertingStore) folderAPI(w http.ResponseWriter, r *http.Request, in map[string]any) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/folders/") && r.Method == "GET":
		if f, ok := s.folders[strings.TrimPrefix(r.URL.Path, "/api/folders/")]; ok {
			writeJSON(w, 200, f)
		} else {
			writeJSON(w, 404, map[string]string{"message": "folder not found"})
		}
	case r.URL.Path == "/api/folders" && r.Method == "POST":
		uid, _ := in["uid"].(string)
		if _, exists := s.folders[uid]; exists {
			writeJSON(w, 409, map[string]string{"message": "a folder with the same uid already exists"})
			return
		}
		s.folders[uid] = map[string]any{"uid": uid, "title": in["title"]}
		writeJSON(w, 200, s.folders[uid])
	default:
		writeJSON(w, 405, map[string]string{"message": "method not allowed"})
	}
}

func (s *alertingStore) contactPointAPI(w http.ResponseWriter, r *http.Request, in map[string]any) {
	uid := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/v1/provisioning/contact-points"), "/")
	switch {
	case uid == "" && r.Method == "GET":
		// Sorted by name (GetContactPoints).
		list := []map[string]any{}
		for _, cp := range s.contactPoints {
			list = append(list, s.withProvenance(redact(cp), contactPointKey(cp["uid"].(string))))
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i]["name"].(string) < list[j]["name"].(string) })
		writeJSON(w, 200, list)
	case uid == "" && r.Method == "POST":
		s.createContactPoint(w, r, in)
	case uid != "" && r.Method == "PUT":
		s.updateContactPoint(w, r, uid, in)
	default:
		writeJSON(w, 405, map[string]string{"message": "method not allowed"})
	}
}

// createContactPoint: Grafana: API-WRITE-STATUS (docs/grafana-behaviour.md): 202 with the contact
// point, secrets redacted; a receiver uid used anywhere is a plain error, so 500
// (CreateContactPoint, RoutePostContactPoint).
func (s *alertingStore) createContactPoint(w http.ResponseWriter, r *http.Request, in map[string]any) {
	for _, cp := range s.contactPoints {
		if cp["uid"] == in["uid"] {
			writeJSON(w, 500, map[string]string{"message": "receiver configuration with UID '" + cp["uid"].(string) + "' already exist in contact point '" + cp["name"].(string) + "'. Please use unique identifiers for receivers across all contact points"})
			return
		}
	}
	delete(in, "provenance")
	s.contactPoints = append(s.contactPoints, in)
	s.provenance[contactPointKey(in["uid"].(string))] = requestProvenance(r)
	writeJSON(w, 202, s.withProvenance(redact(in), contactPointKey(in["uid"].(string))))
}

func (s *alertingStore) updateContactPoint(w http.ResponseWriter, r *http.Request, uid string, in map[string]any) {
	for i, cp := range s.contactPoints {
		if cp["uid"] != uid {
			continue
		}
		settings, _ := in["settings"].(map[string]any)
		for k, v := range settings {
			if v == redacted { // Grafana keeps the stored secret when the redacted value comes back (API-SECRETS-REDACTED)
				settings[k] = cp["settings"].(map[string]any)[k]
			}
		}
		if refuseContactPointChange(w, s.provenance[contactPointKey(uid)], requestProvenance(r)) {
			return
		}
		delete(in, "provenance")
		in["uid"] = uid
		s.contactPoints[i] = in
		s.provenance[contactPointKey(uid)] = requestProvenance(r)
		writeJSON(w, 202, map[string]string{"message": "contactpoint updated"})
		return
	}
	writeJSON(w, 404, map[string]string{"message": "contact point not found"})
}

func (s *alertingStore) templateAPI(w http.ResponseWriter, r *http.Request, in map[string]any) {
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/v1/provisioning/templates"), "/")
	switch {
	case name == "" && r.Method == "GET":
		s.listTemplates(w)
	case name != "" && r.Method == "PUT":
		s.putTemplate(w, r, name, in)
	default:
		writeJSON(w, 405, map[string]string{"message": "method not allowed"})
	}
}

// listTemplates: Grafana: API-TEMPLATES-NULL (docs/grafana-behaviour.md): null, not [], while there
// is none (GetTemplates returns nil, pkg/services/ngalert/provisioning/templates.go); sorted by name.
func (s *alertingStore) listTemplates(w http.ResponseWriter) {
	if len(s.templates) == 0 {
		writeJSON(w, 200, nil)
		return
	}
	names := make([]string, 0, len(s.templates))
	for name := range s.templates {
		names = append(names, name)
	}
	sort.Strings(names)
	list := []map[string]any{}
	for _, name := range names {
		list = append(list, s.templateAnswer(name))
	}
	writeJSON(w, 200, list)
}

func (s *alertingStore) templateAnswer(name string) map[string]any {
	content := s.templates[name]
	return s.withProvenance(map[string]any{"name": name, "template": content, "version": templateVersion(content)}, templateKey(name))
}

// putTemplate is UpsertTemplate (templates.go): validated and stored trimmed (API-TEMPLATE-TRIM),
// provenance checked (API-PROVENANCE), then the version (API-TEMPLATE-VERSION); 202 with the template.
func (s *alertingStore) putTemplate(w http.ResponseWriter, r *http.Request, name string, in map[string]any) {
	raw, _ := in["template"].(string)
	content, err := storedTemplate(name, raw)
	if err != nil {
		writeJSON(w, 400, map[string]string{"message": err.Error()})
		return
	}
	existing, exists := s.templates[name]
	provenance := requestProvenance(r)
	if exists && refuseRelaxed(w, s.provenance[templateKey(name)], provenance) {
		return
	}
	if version, _ := in["version"].(string); exists && version != "" && version != templateVersion(existing) {
		writeGrafanaError(w, 409, "alerting.notifications.conflict", "Conflict", nil)
		return
	}
	s.templates[name] = content
	s.provenance[templateKey(name)] = provenance
	writeJSON(w, 202, s.templateAnswer(name))
}

func (s *alertingStore) policyAPI(w http.ResponseWriter, r *http.Request, in map[string]any) {
	switch r.Method {
	case "GET":
		writeJSON(w, 200, s.withProvenance(s.policies, policiesKey))
	case "PUT":
		s.putPolicies(w, r, in)
	default:
		writeJSON(w, 405, map[string]string{"message": "method not allowed"})
	}
}

// putPolicies: Grafana: API-POLICY-PUT-REPLACE (docs/grafana-behaviour.md): the whole tree is
// replaced, with no version check (RoutePutPolicyTree passes no version); the provenance is
// checked first (API-PROVENANCE, ValidateProvenanceRelaxed in UpdatePolicySubTree); a receiver
// that does not exist is a validation error, 400; 202 {"message":"policies updated"}.
func (s *alertingStore) putPolicies(w http.ResponseWriter, r *http.Request, in map[string]any) {
	provenance := requestProvenance(r)
	if missing := s.missingReceiver(in); missing != "" {
		writeJSON(w, 400, map[string]string{"message": "invalid object specification: receiver '" + missing + "' does not exist"})
		return
	}
	if refuseRelaxed(w, s.provenance[policiesKey], provenance) {
		return
	}
	s.policies = storedRoute(in)
	s.provenance[policiesKey] = provenance
	writeJSON(w, 202, map[string]string{"message": "policies updated"})
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

func (s *alertingStore) rulesIn(folder, group string) []map[string]any {
	rules := []map[string]any{}
	for _, rule := range s.rules {
		if rule["folderUID"] == folder && rule["ruleGroup"] == group {
			rules = append(rules, rule)
		}
	}
	// In the group's order, as Grafana keeps it (rule_group_idx).
	sort.Slice(rules, func(i, j int) bool { return rules[i]["__index"].(int) < rules[j]["__index"].(int) })
	return rules
}

// ruleGroup is GET/PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group.
func (s *alertingStore) ruleGroup(w http.ResponseWriter, r *http.Request, in map[string]any) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/v1/provisioning/folder/")
	folder, group, ok := strings.Cut(rest, "/rule-groups/")
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "not found"})
		return
	}
	switch r.Method {
	case "GET":
		s.getRuleGroup(w, folder, group)
	case "PUT":
		s.replaceRuleGroup(w, r, folder, group, in)
	default:
		writeJSON(w, 405, map[string]string{"message": "method not allowed"})
	}
}

// getRuleGroup: Grafana: API-RULEGROUP-404 (docs/grafana-behaviour.md): a group without rules does
// not exist, 404 (GetRuleGroup, ErrAlertRuleGroupNotFound, pkg/services/ngalert/provisioning/alert_rules.go).
func (s *alertingStore) getRuleGroup(w http.ResponseWriter, folder, group string) {
	rules := s.rulesIn(folder, group)
	if len(rules) == 0 {
		writeJSON(w, 404, map[string]string{"message": "rule group not found"})
		return
	}
	answer := []map[string]any{}
	for _, rule := range rules {
		answer = append(answer, s.withProvenance(rule, ruleKey(rule["uid"].(string))))
	}
	writeJSON(w, 200, map[string]any{"title": group, "folderUid": folder, "interval": s.groupInterval[folder+"/"+group], "rules": answer})
}

// replaceRuleGroup: Grafana: API-RULEGROUP-REPLACE (docs/grafana-behaviour.md). ReplaceRuleGroup
// (pkg/services/ngalert/provisioning/alert_rules.go, store.CalculateChanges): the group becomes the
// body's rules; rules of the group not in the body are deleted; a body rule whose uid lives in
// another group is moved here. Every rule deleted or rewritten is checked against its stored
// provenance first (API-PROVENANCE, CanUpdateProvenanceInRuleGroup; deletes before updates), and
// every query goes through PreSave (API-RULE-PRESAVE). 200 with the group as sent.
func (s *alertingStore) replaceRuleGroup(w http.ResponseWriter, r *http.Request, folder, group string, in map[string]any) {
	if _, exists := s.folders[folder]; !exists { // status and text not checked against Grafana
		writeJSON(w, 400, map[string]string{"message": "folder does not exist"})
		return
	}
	provenance := requestProvenance(r)
	rules, _ := in["rules"].([]any)
	submitted := map[string]bool{}
	for _, raw := range rules {
		if rule, ok := raw.(map[string]any); ok {
			uid, _ := rule["uid"].(string)
			submitted[uid] = true
		}
	}
	for _, held := range s.rulesIn(folder, group) {
		uid := held["uid"].(string)
		if stored := s.provenance[ruleKey(uid)]; !submitted[uid] && !canUpdateInRuleGroup(stored, provenance) {
			refuseRuleGroupChange(w, "delete", stored, provenance)
			return
		}
	}
	for uid := range submitted {
		if _, exists := s.rules[uid]; exists && !canUpdateInRuleGroup(s.provenance[ruleKey(uid)], provenance) {
			refuseRuleGroupChange(w, "update", s.provenance[ruleKey(uid)], provenance)
			return
		}
	}
	stored := make([]map[string]any, 0, len(rules))
	for _, raw := range rules {
		rule, _ := raw.(map[string]any)
		if err := preSaveRule(rule); err != nil {
			writeJSON(w, 400, map[string]string{"message": err.Error()})
			return
		}
		stored = append(stored, rule)
	}
	for _, held := range s.rulesIn(folder, group) {
		delete(s.rules, held["uid"].(string))
		delete(s.provenance, ruleKey(held["uid"].(string)))
	}
	for i, rule := range stored {
		delete(rule, "provenance")
		delete(rule, "updated")
		rule["folderUID"], rule["ruleGroup"], rule["__index"] = folder, group, i
		s.rules[rule["uid"].(string)] = rule
		s.provenance[ruleKey(rule["uid"].(string))] = provenance
	}
	interval, _ := in["interval"].(float64)
	s.groupInterval[folder+"/"+group] = interval
	in["folderUid"], in["title"] = folder, group
	writeJSON(w, 200, in)
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
			writeJSON(w, 200, map[string]any{"folders": s.folders, "rules": s.rules, "contactPoints": s.contactPoints, "templates": s.templates, "policies": s.policies, "provenance": s.provenance})
		default:
			writeJSON(w, 404, map[string]string{"message": "unknown control path"})
		}
	}
}
