package conformance

// The app's alert rules end to end on real servers: a Prometheus of its own loads the generated
// rule file at a scaled clock (every duration divided by alertTimeScale) and scrapes the demo and
// the exporters once a second; a real Alertmanager routes with the generated configuration to a
// webhook recorded here. With the demo healthy for 10 scaled minutes no rule may fire; then each
// wave of demo faults must fire its rules, be routed to the intended receivers with the guide's
// texts, and resolve after recovery. At the moment Prometheus fires a rule, the Grafana-managed
// twin of that rule (the provisioning file at the same scale) is evaluated through our backend
// by grafana_rule_evaluator_test.go and must fire for the same series. AIAgentError reads AI
// events in Elasticsearch and exists only as a Grafana rule: its evaluation is sent to the same
// Alertmanager the way Grafana sends to an external Alertmanager.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"
)

const alertTimeScale = 10

// ruleLabelNames are the labels every rule adds; the rest of an alert's labels name its series.
var ruleLabelNames = []string{"alertname", "severity", "team", "product"}

type faultWave struct {
	name   string
	faults []map[string]any
	// Rules that must fire and be notified.
	expect []string
	// Rules that fire as a consequence and must be inhibited by a critical alert (not notified).
	inhibited []string
	// Rules that may fire as a consequence (their notification is not checked).
	consequences []string
}

var faultWaves = []faultWave{
	{
		name: "slow memory, cache misses, a runaway agent, a PostgreSQL connection flood, critical AI errors",
		faults: []map[string]any{
			{"service": "mem0", "latencyMs": 800},
			{"cacheMissStorm": true, "contextRunaway": true, "pgConnectionFlood": 85, "criticalErrors": true},
		},
		expect: []string{"HighMemoryOperationLatency", "LowCacheHitRatio", "AIAgentContextGrowthAnomaly", "DatabaseConnectionPoolExhausted", "AIAgentError"},
	},
	{
		name:      "duplicates stored faster than consolidation merges them, Neo4j past its timeout",
		faults:    []map[string]any{{"duplicateFlood": true}, {"service": "neo4j", "latencyMs": 3000}},
		expect:    []string{"MemoryConsolidationBacklog", "CircuitBreakerOpen"},
		inhibited: []string{"ServiceDegraded"}, // essential while the Neo4j breaker is open: the critical breaker alert covers it
		// Related memories come from Neo4j: while it is unreachable the graph layer misses; and
		// consolidating hundreds of duplicates one delete at a time is slow.
		consequences: []string{"LowCacheHitRatio", "HighMemoryOperationLatency"},
	},
	{
		name:   "30 % of mem0 calls fail, maintenance mode",
		faults: []map[string]any{{"errorRate": 0.3, "maintenance": true}},
		expect: []string{"HighErrorRate", "ServiceDegraded"},
		// Failed memory calls answer 500 and maintenance 503: the HTTP API's 5xx share follows.
		consequences: []string{"HighHttpErrorRate"},
	},
	{
		name:   "30 % of the memory API's requests answer 500 before reaching mem0",
		faults: []map[string]any{{"httpErrorRate": 0.3}},
		expect: []string{"HighHttpErrorRate"},
	},
	{
		name:   "agents correct and forget what they stored, searches reach an empty namespace",
		faults: []map[string]any{{"churnStorm": true, "searchMisses": true}},
		expect: []string{"MemoryChurnSpike", "EmptyMemorySearches"},
		// Corrected facts are re-added word for word, which mem0 skips; corrections leave
		// near-duplicates for consolidation; a search that finds nothing is a miss of the
		// vector and graph layers.
		consequences: []string{"MemoryEmptyAddFlood", "MemoryConsolidationBacklog", "LowCacheHitRatio"},
	},
	{
		name:   "agents repeat themselves word for word, a new embedding model, two-month-old answers",
		faults: []map[string]any{{"repeatedFacts": true, "embedderDrift": true, "staleRecall": true}},
		expect: []string{"MemoryEmptyAddFlood", "MemorySimilarityDrop", "StaleMemoryRecall"},
		// Adds that store nothing leave updates and deletes a larger share of the writes; weak
		// matches under mem0's own score threshold (0.1) are not returned, so some searches empty
		// (and miss the vector and graph layers).
		consequences: []string{"MemoryChurnSpike", "EmptyMemorySearches", "LowCacheHitRatio"},
	},
}

// grafanaOnly are rules without a Prometheus twin; the test evaluates and sends them itself.
var grafanaOnly = map[string]bool{"AIAgentError": true}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// webhookRecorder is the local webhook receiver: it keeps every notification Alertmanager posts.
type webhookRecorder struct {
	mu            sync.Mutex
	notifications []notification
	url           string
}

type notification struct {
	Receiver          string            `json:"receiver"`
	Status            string            `json:"status"`
	Alerts            []notifiedAlert   `json:"alerts"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	received          time.Time
}

type notifiedAlert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func newWebhookRecorder(t *testing.T) *webhookRecorder {
	t.Helper()
	rec := &webhookRecorder{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n notification
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &n); err != nil {
			t.Errorf("webhook: not an Alertmanager notification: %s", body)
			return
		}
		n.received = time.Now()
		rec.mu.Lock()
		rec.notifications = append(rec.notifications, n)
		rec.mu.Unlock()
	})}
	go server.Serve(l)
	t.Cleanup(func() { server.Close() })
	rec.url = fmt.Sprintf("http://%s/alertmanager", l.Addr())
	return rec
}

func (rec *webhookRecorder) since(from time.Time) []notification {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []notification
	for _, n := range rec.notifications {
		if !n.received.Before(from) {
			out = append(out, n)
		}
	}
	return out
}

// notified reports whether a notification to `receiver` with `status` carried an alert of `rule`.
func notified(ns []notification, rule, receiver, status string) (notification, bool) {
	for _, n := range ns {
		if n.Receiver != receiver || n.Status != status {
			continue
		}
		for _, a := range n.Alerts {
			if a.Labels["alertname"] == rule && a.Status == status {
				return n, true
			}
		}
	}
	return notification{}, false
}

func startServer(t *testing.T, name, bin string, logDir string, args ...string) {
	t.Helper()
	logFile, err := os.Create(filepath.Join(logDir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v (installed by scripts/stack.sh up)", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logFile.Close()
	})
}

func waitReady(t *testing.T, name, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not become ready at %s", name, url)
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("%s answered %s", url, body)
	}
}

func postJSON(t *testing.T, url string, body any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s %s: %d %s", url, raw, resp.StatusCode, answer)
	}
}

// postDemoFault sets faults in the demo through /admin/faults, which wants the stack's bearer token.
func postDemoFault(t *testing.T, demo, token string, body any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, demo+"/admin/faults", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s/admin/faults %s: %d %s", demo, raw, resp.StatusCode, answer)
	}
}

// scrapeTargets returns the addresses the stack's Prometheus scrapes, by job.
func scrapeTargets(t *testing.T, prometheus string) map[string][]string {
	var answer struct {
		Data struct {
			ActiveTargets []struct {
				Labels    map[string]string `json:"labels"`
				ScrapeURL string            `json:"scrapeUrl"`
			} `json:"activeTargets"`
		} `json:"data"`
	}
	getJSON(t, prometheus+"/api/v1/targets", &answer)
	out := map[string][]string{}
	for _, target := range answer.Data.ActiveTargets {
		out[target.Labels["job"]] = append(out[target.Labels["job"]], target.Labels["instance"])
	}
	return out
}

type promAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
	ActiveAt    time.Time         `json:"activeAt"`
	Value       string            `json:"value"`
}

func activeAlerts(t *testing.T, prometheus string) []promAlert {
	var answer struct {
		Data struct {
			Alerts []promAlert `json:"alerts"`
		} `json:"data"`
	}
	getJSON(t, prometheus+"/api/v1/alerts", &answer)
	return answer.Data.Alerts
}

// ruleHoldDurations is each alerting rule's `for`, as the scaled rule file Prometheus loaded sets it.
func (run *alertRun) ruleHoldDurations() map[string]time.Duration {
	var answer struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name     string  `json:"name"`
					Type     string  `json:"type"`
					Duration float64 `json:"duration"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	getJSON(run.t, run.promURL+"/api/v1/rules", &answer)
	out := map[string]time.Duration{}
	for _, g := range answer.Data.Groups {
		for _, r := range g.Rules {
			if r.Type == "alerting" {
				out[r.Name] = time.Duration(r.Duration * float64(time.Second))
			}
		}
	}
	return out
}

// firingAllowance is how long a wave's rules may take to fire: five minutes for the fault to fill
// the rules' windows (the longest, 30m, is 3 minutes at the scaled clock) plus scrape and
// evaluation lag on a slow machine, then the longest `for` among them. A rule that fires early
// ends the wait early: the allowance costs time only when a rule does not fire.
func firingAllowance(hold map[string]time.Duration, wave faultWave) time.Duration {
	longest := time.Duration(0)
	for _, rule := range append(append([]string{}, wave.expect...), wave.inhibited...) {
		longest = max(longest, hold[rule])
	}
	return 5*time.Minute + longest
}

func seriesKey(labels map[string]string) string {
	series := map[string]string{}
	for k, v := range labels {
		series[k] = v
	}
	for _, name := range ruleLabelNames {
		delete(series, name)
	}
	return labelsKey(series)
}

func alertSeries(alerts []promAlert, rule, state string) map[string]bool {
	out := map[string]bool{}
	for _, a := range alerts {
		if a.Labels["alertname"] == rule && (state == "" || a.State == state) {
			out[seriesKey(a.Labels)] = true
		}
	}
	return out
}

func sameKeys[V any](a map[string]V, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// renderNotification renders the generated notification template against a webhook payload, with
// the data and functions of Alertmanager's templates that the template uses.
type tmplAlert struct {
	Status      string
	Labels      map[string]string
	Annotations map[string]string
}
type tmplAlerts []tmplAlert

func (as tmplAlerts) Firing() tmplAlerts {
	var out tmplAlerts
	for _, a := range as {
		if a.Status == "firing" {
			out = append(out, a)
		}
	}
	return out
}

func renderNotification(t *testing.T, templateFile string, n notification) (string, string) {
	t.Helper()
	raw, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New("").Option("missingkey=zero").Funcs(template.FuncMap{"toUpper": strings.ToUpper}).Parse(string(raw))
	if err != nil {
		t.Fatalf("notification template: %v", err)
	}
	data := struct {
		Status       string
		Alerts       tmplAlerts
		GroupLabels  map[string]string
		CommonLabels map[string]string
	}{Status: n.Status, GroupLabels: n.GroupLabels, CommonLabels: n.CommonLabels}
	for _, a := range n.Alerts {
		data.Alerts = append(data.Alerts, tmplAlert{Status: a.Status, Labels: a.Labels, Annotations: a.Annotations})
	}
	render := func(name string) string {
		var out bytes.Buffer
		if err := tmpl.ExecuteTemplate(&out, name, data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out.String()
	}
	return render("agentmemory.title"), render("agentmemory.text")
}

// grafanaAnnotations renders a Grafana rule's annotation templates the way Grafana does: $labels,
// $values (by refId) and $value, with Prometheus' humanize functions.
func grafanaAnnotations(t *testing.T, rule grafanaRule, labels map[string]string, value float64) map[string]string {
	out := map[string]string{}
	funcs := template.FuncMap{
		"humanize": func(v float64) string {
			if v == math.Trunc(v) && math.Abs(v) < 1e6 {
				return strconv.FormatFloat(v, 'f', 0, 64)
			}
			return strconv.FormatFloat(v, 'g', 4, 64)
		},
	}
	for name, text := range rule.Annotations {
		tmpl, err := template.New(name).Funcs(funcs).Parse("{{- $labels := .Labels -}}{{- $values := .Values -}}{{- $value := .Value -}}" + text)
		if err != nil {
			t.Fatalf("%s annotation %s: %v", rule.Title, name, err)
		}
		var buf bytes.Buffer
		data := map[string]any{
			"Labels": labels,
			"Values": map[string]any{"B": map[string]any{"Value": value, "Labels": labels}, "C": map[string]any{"Value": 1.0, "Labels": labels}},
			"Value":  fmt.Sprintf("[ var='B' labels=%s value=%v ]", labelsKey(labels), value),
		}
		if err := tmpl.Execute(&buf, data); err != nil {
			t.Fatalf("%s annotation %s: %v", rule.Title, name, err)
		}
		out[name] = buf.String()
	}
	return out
}

// parseLabelsKey turns labelsKey's output back into labels.
func parseLabelsKey(key string) map[string]string {
	out := map[string]string{}
	body := strings.TrimSuffix(strings.TrimPrefix(key, "{"), "}")
	for body != "" {
		eq := strings.Index(body, "=")
		name := body[:eq]
		rest := body[eq+1:]
		value, err := strconv.QuotedPrefix(rest)
		if err != nil {
			break
		}
		out[name], _ = strconv.Unquote(value)
		body = strings.TrimPrefix(strings.TrimPrefix(rest[len(value):], ","), " ")
	}
	return out
}

// TestAlertRulesEndToEnd runs its phases in order: the set-up, the quiet window, then for each
// fault wave its firing, its notifications and its recovery, and last a table of the timings.
func TestAlertRulesEndToEnd(t *testing.T) {
	run := setUpAlertRun(t)
	run.watchQuietWindow()
	for _, wave := range faultWaves {
		run.runFaultWave(wave)
	}
	run.logTimings()
}

// alertOutcome is how long a rule took to fire, to be notified and to be notified as resolved.
type alertOutcome struct{ fire, notify, resolve time.Duration }

// alertRun is the state the phases of TestAlertRulesEndToEnd share.
type alertRun struct {
	t                *testing.T
	rec              *webhookRecorder
	grafanaRules     map[string]grafanaRule
	promURL, amURL   string
	p                *runningPlugin
	settings         map[string]any
	demo, adminToken string
	templateFile     string
	results          map[string]*alertOutcome
	// Rules the healthy demo showed pending: their pending state is no sign of a wave's aftermath.
	healthyPending map[string]bool
}

// setUpAlertRun generates the scaled alerting files, starts a Prometheus and an Alertmanager of
// the test's own and the plugin, resets the demo's faults and waits for the rate windows to fill.
func setUpAlertRun(t *testing.T) *alertRun {
	stackPrometheus := prometheusURL(t)
	demo := envURL(t, "DEMO_URL")
	esURL := envURL(t, "ES_URL")
	dir := t.TempDir()
	run := &alertRun{t: t, rec: newWebhookRecorder(t), demo: demo, templateFile: filepath.Join(dir, "agent-memory.tmpl"), results: map[string]*alertOutcome{}, healthyPending: map[string]bool{}}
	run.grafanaRules = generateScaledAlerting(t, dir, run.rec.url)

	targets := alertScrapeTargets(t, stackPrometheus, demo)
	amPort, promPort := freePort(t), freePort(t)
	run.amURL = fmt.Sprintf("http://127.0.0.1:%d", amPort)
	run.promURL = fmt.Sprintf("http://127.0.0.1:%d", promPort)
	writePrometheusConfig(t, dir, targets, amPort)
	checkAlertingConfigs(t, dir)
	run.startServers(dir, amPort, promPort)

	run.p = startPlugin(t)
	run.settings = map[string]any{"prometheusUrl": run.promURL, "elasticsearchUrl": esURL, "jaegerUrl": envURL(t, "JAEGER_URL")}
	run.adminToken = envURL(t, "DEMO_ADMIN_TOKEN") // stack.sh generates it; /admin/faults wants it
	run.fault(map[string]any{"reset": true})
	t.Cleanup(func() { run.fault(map[string]any{"reset": true}) })

	// Rate windows need data: wait for one window (5m scaled) plus a few evaluations.
	t.Logf("Prometheus %s and Alertmanager %s up; filling the rate windows", run.promURL, run.amURL)
	time.Sleep(40 * time.Second)
	return run
}

// generateScaledAlerting writes the alerting files at the scaled clock, with webhook as the
// receivers' address, into dir and loads the Grafana rules from them.
func generateScaledAlerting(t *testing.T, dir, webhook string) map[string]grafanaRule {
	repo, _ := filepath.Abs("../..")
	gen := exec.Command("npx", "tsx", "scripts/generate-alerting.ts", "--scaled", strconv.Itoa(alertTimeScale), dir, "--webhook", webhook)
	gen.Dir = repo
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generating the scaled alerting files: %v\n%s", err, out)
	}
	return loadGrafanaRules(t, filepath.Join(dir, "grafana-rules.json"))
}

// alertScrapeTargets are the stack's Prometheus targets, with the demo's replaced by DEMO_URL's.
func alertScrapeTargets(t *testing.T, stackPrometheus, demo string) map[string][]string {
	targets := scrapeTargets(t, stackPrometheus)
	for _, job := range []string{"agentmemory-demo", "node", "postgres"} {
		if len(targets[job]) == 0 {
			t.Fatalf("the stack's Prometheus scrapes no %q target: bring the stack up (scripts/stack.sh up)", job)
		}
	}
	// The demo scraped is the one the faults are posted to (DEMO_URL), which may be an instance of
	// its own rather than the stack's.
	demoURL, err := url.Parse(demo)
	if err != nil || demoURL.Host == "" {
		t.Fatalf("DEMO_URL %q: not a URL", demo)
	}
	targets["agentmemory-demo"] = []string{demoURL.Host}
	return targets
}

// writePrometheusConfig writes dir/prometheus.yml: the scaled rules, the Alertmanager on amPort
// and the targets scraped once a second.
func writePrometheusConfig(t *testing.T, dir string, targets map[string][]string, amPort int) {
	var scrape strings.Builder
	for _, job := range []string{"agentmemory-demo", "node", "postgres"} {
		fmt.Fprintf(&scrape, "  - job_name: %s\n    static_configs:\n      - targets: ['%s']\n", job, strings.Join(targets[job], "', '"))
	}
	promConfig := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - %s\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:%d']\nscrape_configs:\n%s",
		filepath.Join(dir, "agent-memory.rules.yml"), amPort, scrape.String())
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(promConfig), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkAlertingConfigs checks the Prometheus and Alertmanager configurations with their own tools.
func checkAlertingConfigs(t *testing.T, dir string) {
	for _, check := range [][]string{
		{"promtool", "check", "config", filepath.Join(dir, "prometheus.yml")},
		{"amtool", "check-config", filepath.Join(dir, "alertmanager.yml")},
	} {
		if out, err := exec.Command(check[0], check[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", check, err, out)
		}
	}
}

// startServers starts the test's Alertmanager and Prometheus and waits until both are ready.
func (run *alertRun) startServers(dir string, amPort, promPort int) {
	t := run.t
	startServer(t, "alertmanager", "prometheus-alertmanager", dir, "--config.file="+filepath.Join(dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(dir, "am-data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", amPort), "--cluster.listen-address=")
	startServer(t, "prometheus", "prometheus", dir, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "prom-data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", promPort))
	waitReady(t, "Alertmanager", run.amURL+"/-/ready")
	waitReady(t, "Prometheus", run.promURL+"/-/ready")
}

// fault posts one fault (or a reset) to the demo.
func (run *alertRun) fault(body map[string]any) { postDemoFault(run.t, run.demo, run.adminToken, body) }

// grafanaAlertLabels are the labels Grafana gives the alert of a rule's series.
func grafanaAlertLabels(rule grafanaRule, key string) map[string]string {
	labels := parseLabelsKey(key)
	for k, v := range rule.Labels {
		labels[k] = v
	}
	labels["alertname"], labels["grafana_folder"], labels["__alert_rule_uid__"] = rule.Title, "Agent Memory", rule.UID
	return labels
}

// sendGrafanaAlerts sends a Grafana-only rule's evaluation to Alertmanager, as Grafana sends to
// an external one.
func (run *alertRun) sendGrafanaAlerts(rule grafanaRule, ev evaluation, resolvedSeries map[string]bool) {
	t := run.t
	var alerts []map[string]any
	for key, value := range ev.Firing {
		alerts = append(alerts, map[string]any{
			"labels": grafanaAlertLabels(rule, key), "annotations": grafanaAnnotations(t, rule, parseLabelsKey(key), value),
			"endsAt": time.Now().Add(time.Minute).UTC().Format(time.RFC3339),
		})
	}
	for key := range resolvedSeries {
		alerts = append(alerts, map[string]any{"labels": grafanaAlertLabels(rule, key), "endsAt": time.Now().UTC().Format(time.RFC3339)})
	}
	if len(alerts) > 0 {
		postJSON(t, run.amURL+"/api/v2/alerts", alerts)
	}
}

// resendGrafanaOnly keeps Grafana-only alerts alive in Alertmanager while they fire, as Grafana
// re-sends them.
func (run *alertRun) resendGrafanaOnly() {
	for rule := range grafanaOnly {
		if run.results[rule] != nil && run.results[rule].fire > 0 {
			run.sendGrafanaAlerts(run.grafanaRules[rule], evaluateGrafanaRule(run.t, run.p, run.settings, run.grafanaRules[rule], time.Now()), nil)
		}
	}
}

// watchQuietWindow watches the healthy demo for 10 minutes at the scaled clock: nothing fires,
// nothing is notified.
func (run *alertRun) watchQuietWindow() {
	t := run.t
	quiet := time.Duration(600/alertTimeScale) * time.Second
	t.Logf("healthy demo: watching %s (10 minutes at 1/%d)", quiet, alertTimeScale)
	quietStart := time.Now()
	pendingSeen := map[string]bool{}
	// Grafana's rules are evaluated as its scheduler would, every 6 s (the scaled group interval),
	// with their `for`: a series true since `for` ago fires.
	trueSince := map[string]time.Time{}
	lastGrafana := time.Time{}
	for time.Since(quietStart) < quiet {
		run.checkQuietPrometheus(pendingSeen)
		if time.Since(lastGrafana) >= 6*time.Second {
			lastGrafana = time.Now()
			run.checkQuietGrafana(trueSince, pendingSeen)
		}
		time.Sleep(2 * time.Second)
	}
	if ns := run.rec.since(quietStart); len(ns) > 0 {
		t.Fatalf("healthy demo: %d notifications, first to %s: %v", len(ns), ns[0].Receiver, ns[0].CommonLabels)
	}
	t.Logf("healthy: nothing fired or was notified in %s; pending at some point (condition true for less than its `for`): %v", quiet, keys(pendingSeen))
}

// checkQuietPrometheus fails if a Prometheus rule fires, and notes the pending ones.
func (run *alertRun) checkQuietPrometheus(pendingSeen map[string]bool) {
	for _, a := range activeAlerts(run.t, run.promURL) {
		if a.State == "firing" {
			run.t.Fatalf("healthy demo: %s fired for %s (value %s)", a.Labels["alertname"], seriesKey(a.Labels), a.Value)
		}
		pendingSeen[a.Labels["alertname"]+" "+seriesKey(a.Labels)] = true
		run.healthyPending[a.Labels["alertname"]] = true
	}
}

// checkQuietGrafana evaluates every Grafana rule once and fails if a series has been true for the
// rule's `for`; trueSince keeps when each true series became true.
func (run *alertRun) checkQuietGrafana(trueSince map[string]time.Time, pendingSeen map[string]bool) {
	t := run.t
	stillTrue := map[string]bool{}
	for _, rule := range run.grafanaRules {
		forDuration, err := time.ParseDuration(rule.For)
		if err != nil {
			t.Fatalf("%s: for %q: %v", rule.Title, rule.For, err)
		}
		for key := range evaluateGrafanaRule(t, run.p, run.settings, rule, time.Now()).Firing {
			id := rule.Title + " " + key
			stillTrue[id] = true
			if _, ok := trueSince[id]; !ok {
				trueSince[id] = time.Now()
				pendingSeen["Grafana "+id] = true
			}
			if time.Since(trueSince[id]) >= forDuration {
				t.Fatalf("healthy demo: Grafana rule %s has been true for %s since %s (its for: %s)", rule.Title, key, trueSince[id].Format(time.TimeOnly), rule.For)
			}
		}
	}
	for id := range trueSince {
		if !stillTrue[id] {
			delete(trueSince, id)
		}
	}
}

// runFaultWave posts a wave's faults, waits for its rules to fire and be notified, then resets
// the demo and waits for everything to resolve.
func (run *alertRun) runFaultWave(wave faultWave) {
	run.t.Logf("wave: %s", wave.name)
	start := time.Now()
	for _, f := range wave.faults {
		run.fault(f)
	}
	run.awaitWaveFiring(wave, start)
	// Every expected rule reaches its receivers with the guide's texts; inhibited ones do not.
	run.checkWaveNotified(wave, start)
	run.checkWaveInhibited(wave, start)
	run.awaitWaveRecovery(wave)
}

// awaitWaveFiring waits until every expected and inhibited rule of the wave fires, and fails if
// a rule the wave must not cause fires.
func (run *alertRun) awaitWaveFiring(wave faultWave, start time.Time) {
	t := run.t
	pending := map[string]bool{}
	for _, r := range append(append([]string{}, wave.expect...), wave.inhibited...) {
		pending[r] = true
		run.results[r] = &alertOutcome{}
	}
	allowed := map[string]bool{}
	for r := range pending {
		allowed[r] = true
	}
	for _, r := range wave.consequences {
		allowed[r] = true
	}
	deadline := start.Add(firingAllowance(run.ruleHoldDurations(), wave))
	for len(pending) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("wave %q: after %s still not firing: %v (active: %v)", wave.name, time.Since(start).Round(time.Second), keys(pending), activeAlerts(t, run.promURL))
		}
		alerts := activeAlerts(t, run.promURL)
		for _, a := range alerts {
			name := a.Labels["alertname"]
			if a.State == "firing" && !allowed[name] {
				t.Fatalf("wave %q: %s fired, which this fault must not cause (%s, value %s)", wave.name, name, seriesKey(a.Labels), a.Value)
			}
		}
		for rule := range pending {
			if run.ruleFired(rule, alerts, start) {
				delete(pending, rule)
			}
		}
		run.resendGrafanaOnly()
		time.Sleep(time.Second)
	}
}

// ruleFired reports whether a pending rule fires now, and records when. A Grafana-only rule is
// evaluated here and sent to Alertmanager; a Prometheus rule's Grafana twin must agree with it.
func (run *alertRun) ruleFired(rule string, alerts []promAlert, start time.Time) bool {
	t := run.t
	twin, ok := run.grafanaRules[rule]
	if !ok {
		t.Fatalf("no Grafana rule %s in the provisioning file", rule)
	}
	if grafanaOnly[rule] {
		ev := evaluateGrafanaRule(t, run.p, run.settings, twin, time.Now())
		if len(ev.Firing) == 0 {
			return false
		}
		run.results[rule].fire = time.Since(start)
		run.sendGrafanaAlerts(twin, ev, nil)
		t.Logf("  %s: Grafana rule true for %v after %s", rule, keys(ev.Firing), run.results[rule].fire.Round(time.Second))
		return true
	}
	if len(alertSeries(alerts, rule, "firing")) == 0 {
		return false
	}
	run.results[rule].fire = time.Since(start)
	active := run.awaitGrafanaTwin(rule, twin)
	t.Logf("  %s: firing after %s for %v; the Grafana rule agrees", rule, run.results[rule].fire.Round(time.Second), keys(active))
	return true
}

// awaitGrafanaTwin checks that the Grafana twin is true for the series Prometheus holds true
// (pending or firing) at the same moment; both are evaluated anew until they agree or 30 s pass.
// It returns the series Prometheus holds true.
func (run *alertRun) awaitGrafanaTwin(rule string, twin grafanaRule) map[string]bool {
	var ev evaluation
	var active map[string]bool
	agreed := false
	for attempt := 0; attempt < 15 && !agreed; attempt++ {
		ev = evaluateGrafanaRule(run.t, run.p, run.settings, twin, time.Now())
		active = alertSeries(activeAlerts(run.t, run.promURL), rule, "")
		agreed = sameKeys(ev.Firing, active)
		if !agreed {
			time.Sleep(2 * time.Second)
		}
	}
	if !agreed {
		run.t.Fatalf("%s: Grafana rule true for %v, Prometheus for %v", rule, keys(ev.Firing), keys(active))
	}
	return active
}

// receiversOf are the receivers a rule's alerts are routed to.
func (run *alertRun) receiversOf(rule string) []string {
	labels := run.grafanaRules[rule].Labels
	if labels["severity"] == "critical" {
		return []string{"critical", labels["team"]}
	}
	return []string{labels["team"]}
}

// checkWaveNotified waits until each expected rule of the wave is notified to each of its
// receivers, and checks the notifications.
func (run *alertRun) checkWaveNotified(wave faultWave, start time.Time) {
	notifyDeadline := time.Now().Add(90 * time.Second)
	for _, rule := range wave.expect {
		for _, receiver := range run.receiversOf(rule) {
			run.awaitFiringNotification(rule, receiver, start, notifyDeadline)
		}
	}
}

// awaitFiringNotification waits until receiver has a firing notification of rule since start,
// records when the rule was first notified and checks the notification.
func (run *alertRun) awaitFiringNotification(rule, receiver string, start, deadline time.Time) {
	t := run.t
	for {
		if n, ok := notified(run.rec.since(start), rule, receiver, "firing"); ok {
			if run.results[rule].notify == 0 {
				run.results[rule].notify = n.received.Sub(start)
			}
			run.checkFiringNotification(rule, receiver, n)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no firing notification to %s (got %d notifications since the wave began)", rule, receiver, len(run.rec.since(start)))
		}
		run.resendGrafanaOnly()
		time.Sleep(time.Second)
	}
}

// checkFiringNotification checks a firing notification's grouping, its title and its text as the
// template renders them.
func (run *alertRun) checkFiringNotification(rule, receiver string, n notification) {
	t := run.t
	if n.GroupLabels["alertname"] != rule {
		t.Fatalf("%s: notification grouped by %v, expected alertname first", rule, n.GroupLabels)
	}
	for k := range n.GroupLabels {
		if k != "alertname" && k != "job" && k != "service_name" {
			t.Fatalf("%s: grouped by %q, not one of the policy's group_by labels", rule, k)
		}
	}
	title, text := renderNotification(t, run.templateFile, n)
	labels := run.grafanaRules[rule].Labels
	firingCount := 0
	for _, a := range n.Alerts {
		if a.Status == "firing" {
			firingCount++
		}
	}
	wantTitle := fmt.Sprintf("[FIRING:%d] %s (%s, %s)", firingCount, rule, labels["severity"], labels["team"])
	if title != wantTitle {
		t.Fatalf("%s to %s: title %q, want %q", rule, receiver, title, wantTitle)
	}
	for _, a := range n.Alerts {
		if !strings.Contains(text, "FIRING: "+a.Annotations["summary"]) || !strings.Contains(text, "Runbook: "+a.Annotations["runbook_url"]) {
			t.Fatalf("%s to %s: text misses an alert's summary or runbook:\n%s", rule, receiver, text)
		}
		for _, v := range a.Annotations {
			if strings.Contains(v, "<no value>") || strings.Contains(v, "{{") {
				t.Fatalf("%s: annotation not rendered: %q", rule, v)
			}
		}
	}
	t.Logf("  %s -> %s: %q / %s", rule, receiver, title, strings.SplitN(text, "\n", 2)[0])
}

// checkWaveInhibited fails if a rule the wave's critical alert inhibits was notified since start.
func (run *alertRun) checkWaveInhibited(wave faultWave, start time.Time) {
	for _, rule := range wave.inhibited {
		for _, n := range run.rec.since(start) {
			for _, a := range n.Alerts {
				if a.Labels["alertname"] == rule {
					run.t.Fatalf("%s was notified to %s although a critical alert of the same job and instance fires (inhibition)", rule, n.Receiver)
				}
			}
		}
		run.t.Logf("  %s fires in Prometheus and is inhibited in Alertmanager, as configured", rule)
	}
}

// awaitWaveRecovery resets the demo and waits until everything resolves and the receivers hear it,
// and until no rule is pending that the healthy demo never showed pending: the demo works off a
// wave's aftermath in real time (consolidation merging a flood's duplicates is a burst of deletes),
// which the 1/10 clock stretches tenfold, and the next wave must not inherit it.
func (run *alertRun) awaitWaveRecovery(wave faultWave) {
	t := run.t
	recovered := time.Now()
	run.fault(map[string]any{"reset": true})
	resolveDeadline := recovered.Add(6 * time.Minute)
	grafanaFiring := map[string]map[string]bool{}
	for {
		alerts := activeAlerts(t, run.promURL)
		open := run.unresolvedRules(wave, alerts, recovered, grafanaFiring)
		for _, a := range alerts { // consequences too: the next wave starts from a quiet stack
			name := a.Labels["alertname"]
			if a.State != "firing" {
				if run.healthyPending[name] {
					continue
				}
				name += " (pending)"
			}
			if !slices.Contains(open, name) {
				open = append(open, name)
			}
		}
		if len(open) == 0 {
			break
		}
		if time.Now().After(resolveDeadline) {
			t.Fatalf("wave %q: %s after recovery still waiting for %v", wave.name, time.Since(recovered).Round(time.Second), open)
		}
		time.Sleep(time.Second)
	}
	t.Logf("  recovered: every rule resolved and was notified as resolved within %s", time.Since(recovered).Round(time.Second))
}

// unresolvedRules names the wave's rules that are still active, and the resolved notifications
// their receivers still wait for.
func (run *alertRun) unresolvedRules(wave faultWave, alerts []promAlert, recovered time.Time, grafanaFiring map[string]map[string]bool) []string {
	open := []string{}
	for _, rule := range append(append([]string{}, wave.expect...), wave.inhibited...) {
		if grafanaOnly[rule] {
			if run.grafanaOnlyStillFiring(rule, grafanaFiring) {
				open = append(open, rule)
				continue
			}
		} else if len(alertSeries(alerts, rule, "")) > 0 {
			open = append(open, rule)
			continue
		}
		open = append(open, run.missingResolvedNotifications(wave, rule, recovered)...)
	}
	return open
}

// grafanaOnlyStillFiring evaluates a Grafana-only rule, sends Alertmanager its firing series and
// those resolved since the last evaluation (grafanaFiring keeps them), and reports whether it
// still fires.
func (run *alertRun) grafanaOnlyStillFiring(rule string, grafanaFiring map[string]map[string]bool) bool {
	ev := evaluateGrafanaRule(run.t, run.p, run.settings, run.grafanaRules[rule], time.Now())
	if grafanaFiring[rule] == nil {
		grafanaFiring[rule] = map[string]bool{}
	}
	resolved := map[string]bool{}
	for key := range grafanaFiring[rule] {
		if _, still := ev.Firing[key]; !still {
			resolved[key] = true
			delete(grafanaFiring[rule], key)
		}
	}
	for key := range ev.Firing {
		grafanaFiring[rule][key] = true
	}
	run.sendGrafanaAlerts(run.grafanaRules[rule], ev, resolved)
	return len(ev.Firing) > 0
}

// missingResolvedNotifications names the receivers not yet told that rule resolved (none for an
// inhibited rule), and records how long the first resolved notification took.
func (run *alertRun) missingResolvedNotifications(wave faultWave, rule string, recovered time.Time) []string {
	var open []string
	for _, receiver := range run.receiversOf(rule) {
		if slices.Contains(wave.inhibited, rule) {
			break
		}
		if n, ok := notified(run.rec.since(recovered), rule, receiver, "resolved"); !ok {
			open = append(open, rule+" (resolved notification to "+receiver+")")
		} else if run.results[rule].resolve == 0 {
			run.results[rule].resolve = n.received.Sub(recovered)
		}
	}
	return open
}

// logTimings logs how long each rule took to fire, to be notified and to resolve.
func (run *alertRun) logTimings() {
	t := run.t
	t.Logf("\n%-32s %-10s %-12s %-14s %s", "rule", "to fire", "to notify", "to resolve", "(scaled clock 1/"+strconv.Itoa(alertTimeScale)+")")
	names := keys(run.results)
	for _, name := range names {
		r := run.results[name]
		t.Logf("%-32s %-10s %-12s %-14s", name, r.fire.Round(time.Second), r.notify.Round(time.Second), r.resolve.Round(time.Second))
	}
}
