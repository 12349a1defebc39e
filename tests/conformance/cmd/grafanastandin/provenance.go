package main

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: API-ERROR-BODY (docs/grafana-behaviour.md)

// Provenance as Grafana's alerting provisioning API keeps and checks it. Grafana: API-PROVENANCE
// (docs/grafana-behaviour.md).

import (
	"fmt"
	"net/http"
)

const (
	provenanceNone      = ""
	provenanceAPI       = "api"
	provenanceFile      = "file"
	provenanceConverted = "converted_prometheus"
)

// requestProvenance: the header's presence, whatever its value, writes provenance none; without it
// a write has provenance "api" (determineProvenance, pkg/services/ngalert/api/api_provisioning.go).
func requestProvenance(r *http.Request) string {
	if _, disabled := r.Header["X-Disable-Provenance"]; disabled {
		return provenanceNone
	}
	return provenanceAPI
}

// grafanaError is the body of Grafana's errutil errors (PublicError in
// pkg/apimachinery/errutil/errors.go): statusCode, messageId, message, extra.
func writeGrafanaError(w http.ResponseWriter, status int, messageID, message string, extra map[string]any) {
	body := map[string]any{"statusCode": status, "messageId": messageID, "message": message}
	if len(extra) > 0 {
		body["extra"] = extra
	}
	writeJSON(w, status, body)
}

// refuseRelaxed is ValidateProvenanceRelaxed (pkg/services/ngalert/provisioning/validation/provenance.go),
// used for templates and the policy tree: any move to none from another provenance is refused with
// ErrProvenanceChangeNotAllowed, an errutil Forbidden (validation/errors.go). Reports whether it refused.
func refuseRelaxed(w http.ResponseWriter, stored, requested string) bool {
	if stored == provenanceNone || requested != provenanceNone {
		return false
	}
	from, to := orNone(stored), orNone(requested)
	writeGrafanaError(w, http.StatusForbidden, "alerting.notifications.invalidProvenance",
		fmt.Sprintf("Resource with provenance status '%s' cannot be managed via API that handles resources with provenance status '%s'. You must use appropriate API to manage this resource", from, to),
		map[string]any{"SourceProvenance": from, "TargetProvenance": to})
	return true
}

// refuseContactPointChange is UpdateContactPoint's own check (pkg/services/ngalert/provisioning/contactpoints.go):
// a stored provenance other than none must stay as it is; the plain error becomes a 500 (RoutePutContactPoint).
func refuseContactPointChange(w http.ResponseWriter, stored, requested string) bool {
	if stored == provenanceNone || stored == requested {
		return false
	}
	writeJSON(w, http.StatusInternalServerError, map[string]string{
		"message": fmt.Sprintf("cannot change provenance from '%s' to '%s'", stored, requested),
	})
	return true
}

// canUpdateInRuleGroup is CanUpdateProvenanceInRuleGroup (validation/provenance.go): a group
// replacement may move a rule to none from api or converted_prometheus, never from file.
func canUpdateInRuleGroup(stored, requested string) bool {
	if stored == requested || stored == provenanceNone {
		return true
	}
	return requested == provenanceNone && (stored == provenanceAPI || stored == provenanceConverted)
}

// refuseRuleGroupChange is persistDelta's errProvenanceMismatch (pkg/services/ngalert/provisioning/alert_rules.go),
// an errutil Conflict: 409.
func refuseRuleGroupChange(w http.ResponseWriter, operation, stored, requested string) {
	writeGrafanaError(w, http.StatusConflict, "alerting.provenanceMismatch",
		fmt.Sprintf("cannot %s with provided provenance '%s', needs '%s'", operation, requested, stored),
		map[string]any{"Operation": operation, "ProvidedProvenance": requested, "StoredProvenance": stored})
}

func orNone(provenance string) string {
	if provenance == provenanceNone {
		return "none"
	}
	return provenance
}
