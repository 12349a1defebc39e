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

func TestAlertRulesEndToEnd(t *testing.T) {
	stackPrometheus := prometheusURL(t)
	demo := envURL(t, "DEMO_URL")
	esURL := envURL(t, "ES_URL")
	repo, _ := filepath.Abs("../..")
	dir := t.TempDir()
	rec := newWebhookRecorder(t)

	gen := exec.Command("npx", "tsx", "scripts/generate-alerting.ts", "--scaled", strconv.Itoa(alertTimeScale), dir, "--webhook", rec.url)
	gen.Dir = repo
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generating the scaled alerting files: %v\n%s", err, out)
	}
	grafanaRules := loadGrafanaRules(t, filepath.Join(dir, "grafana-rules.json"))

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
	amPort, promPort := freePort(t), freePort(t)
	amURL := fmt.Sprintf("http://127.0.0.1:%d", amPort)
	promURL := fmt.Sprintf("http://127.0.0.1:%d", promPort)
	var scrape strings.Builder
	for _, job := range []string{"agentmemory-demo", "node", "postgres"} {
		fmt.Fprintf(&scrape, "  - job_name: %s\n    static_configs:\n      - targets: ['%s']\n", job, strings.Join(targets[job], "', '"))
	}
	promConfig := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - %s\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:%d']\nscrape_configs:\n%s",
		filepath.Join(dir, "agent-memory.rules.yml"), amPort, scrape.String())
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(promConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, check := range [][]string{
		{"promtool", "check", "config", filepath.Join(dir, "prometheus.yml")},
		{"amtool", "check-config", filepath.Join(dir, "alertmanager.yml")},
	} {
		if out, err := exec.Command(check[0], check[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", check, err, out)
		}
	}
	startServer(t, "alertmanager", "prometheus-alertmanager", dir, "--config.file="+filepath.Join(dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(dir, "am-data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", amPort), "--cluster.listen-address=")
	startServer(t, "prometheus", "prometheus", dir, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "prom-data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", promPort))
	waitReady(t, "Alertmanager", amURL+"/-/ready")
	waitReady(t, "Prometheus", promURL+"/-/ready")

	p := startPlugin(t)
	settings := map[string]any{"prometheusUrl": promURL, "elasticsearchUrl": esURL, "jaegerUrl": envURL(t, "JAEGER_URL")}
	adminToken := envURL(t, "DEMO_ADMIN_TOKEN") // stack.sh generates it; /admin/faults wants it
	fault := func(body map[string]any) { postDemoFault(t, demo, adminToken, body) }
	fault(map[string]any{"reset": true})
	t.Cleanup(func() { fault(map[string]any{"reset": true}) })

	// Grafana-only rules: evaluated here and sent to Alertmanager as Grafana sends to an external one.
	sendGrafanaAlerts := func(rule grafanaRule, ev evaluation, resolvedSeries map[string]bool) {
		labelsOf := func(key string) map[string]string {
			labels := parseLabelsKey(key)
			for k, v := range rule.Labels {
				labels[k] = v
			}
			labels["alertname"], labels["grafana_folder"], labels["__alert_rule_uid__"] = rule.Title, "Agent Memory", rule.UID
			return labels
		}
		var alerts []map[string]any
		for key, value := range ev.Firing {
			alerts = append(alerts, map[string]any{
				"labels": labelsOf(key), "annotations": grafanaAnnotations(t, rule, parseLabelsKey(key), value),
				"endsAt": time.Now().Add(time.Minute).UTC().Format(time.RFC3339),
			})
		}
		for key := range resolvedSeries {
			alerts = append(alerts, map[string]any{"labels": labelsOf(key), "endsAt": time.Now().UTC().Format(time.RFC3339)})
		}
		if len(alerts) > 0 {
			postJSON(t, amURL+"/api/v2/alerts", alerts)
		}
	}

	// Rate windows need data: wait for one window (5m scaled) plus a few evaluations.
	t.Logf("Prometheus %s and Alertmanager %s up; filling the rate windows", promURL, amURL)
	time.Sleep(40 * time.Second)

	// 1. Healthy: 10 minutes at the scaled clock, nothing fires, nothing is notified.
	quiet := time.Duration(600/alertTimeScale) * time.Second
	t.Logf("healthy demo: watching %s (10 minutes at 1/%d)", quiet, alertTimeScale)
	quietStart := time.Now()
	pendingSeen := map[string]bool{}
	// Grafana's rules are evaluated as its scheduler would, every 6 s (the scaled group interval),
	// with their `for`: a series true since `for` ago fires.
	trueSince := map[string]time.Time{}
	lastGrafana := time.Time{}
	for time.Since(quietStart) < quiet {
		for _, a := range activeAlerts(t, promURL) {
			if a.State == "firing" {
				t.Fatalf("healthy demo: %s fired for %s (value %s)", a.Labels["alertname"], seriesKey(a.Labels), a.Value)
			}
			pendingSeen[a.Labels["alertname"]+" "+seriesKey(a.Labels)] = true
		}
		if time.Since(lastGrafana) >= 6*time.Second {
			lastGrafana = time.Now()
			stillTrue := map[string]bool{}
			for _, rule := range grafanaRules {
				forDuration, err := time.ParseDuration(rule.For)
				if err != nil {
					t.Fatalf("%s: for %q: %v", rule.Title, rule.For, err)
				}
				for key := range evaluateGrafanaRule(t, p, settings, rule, time.Now()).Firing {
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
		time.Sleep(2 * time.Second)
	}
	if ns := rec.since(quietStart); len(ns) > 0 {
		t.Fatalf("healthy demo: %d notifications, first to %s: %v", len(ns), ns[0].Receiver, ns[0].CommonLabels)
	}
	t.Logf("healthy: nothing fired or was notified in %s; pending at some point (condition true for less than its `for`): %v", quiet, keys(pendingSeen))

	type outcome struct{ fire, notify, resolve time.Duration }
	results := map[string]*outcome{}
	// Keeps Grafana-only alerts alive in Alertmanager while they fire, as Grafana re-sends them.
	resendGrafanaOnly := func() {
		for rule := range grafanaOnly {
			if results[rule] != nil && results[rule].fire > 0 {
				sendGrafanaAlerts(grafanaRules[rule], evaluateGrafanaRule(t, p, settings, grafanaRules[rule], time.Now()), nil)
			}
		}
	}
	templateFile := filepath.Join(dir, "agent-memory.tmpl")
	for _, wave := range faultWaves {
		t.Logf("wave: %s", wave.name)
		start := time.Now()
		for _, f := range wave.faults {
			fault(f)
		}
		pending := map[string]bool{}
		for _, r := range append(append([]string{}, wave.expect...), wave.inhibited...) {
			pending[r] = true
			results[r] = &outcome{}
		}
		allowed := map[string]bool{}
		for r := range pending {
			allowed[r] = true
		}
		for _, r := range wave.consequences {
			allowed[r] = true
		}
		deadline := start.Add(5 * time.Minute)
		for len(pending) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("wave %q: after %s still not firing: %v (active: %v)", wave.name, time.Since(start).Round(time.Second), keys(pending), activeAlerts(t, promURL))
			}
			alerts := activeAlerts(t, promURL)
			for _, a := range alerts {
				name := a.Labels["alertname"]
				if a.State == "firing" && !allowed[name] {
					t.Fatalf("wave %q: %s fired, which this fault must not cause (%s, value %s)", wave.name, name, seriesKey(a.Labels), a.Value)
				}
			}
			for rule := range pending {
				grafanaRule, ok := grafanaRules[rule]
				if !ok {
					t.Fatalf("no Grafana rule %s in the provisioning file", rule)
				}
				if grafanaOnly[rule] {
					ev := evaluateGrafanaRule(t, p, settings, grafanaRule, time.Now())
					if len(ev.Firing) > 0 {
						results[rule].fire = time.Since(start)
						sendGrafanaAlerts(grafanaRule, ev, nil)
						delete(pending, rule)
						t.Logf("  %s: Grafana rule true for %v after %s", rule, keys(ev.Firing), results[rule].fire.Round(time.Second))
					}
					continue
				}
				firing := alertSeries(alerts, rule, "firing")
				if len(firing) == 0 {
					continue
				}
				results[rule].fire = time.Since(start)
				delete(pending, rule)
				// The Grafana twin must be true for the series Prometheus holds true (pending or firing)
				// at the same moment; both are evaluated anew until they agree or 30 s pass.
				var ev evaluation
				var active map[string]bool
				agreed := false
				for attempt := 0; attempt < 15 && !agreed; attempt++ {
					ev = evaluateGrafanaRule(t, p, settings, grafanaRule, time.Now())
					active = alertSeries(activeAlerts(t, promURL), rule, "")
					agreed = sameKeys(ev.Firing, active)
					if !agreed {
						time.Sleep(2 * time.Second)
					}
				}
				if !agreed {
					t.Fatalf("%s: Grafana rule true for %v, Prometheus for %v", rule, keys(ev.Firing), keys(active))
				}
				t.Logf("  %s: firing after %s for %v; the Grafana rule agrees", rule, results[rule].fire.Round(time.Second), keys(active))
			}
			resendGrafanaOnly()
			time.Sleep(time.Second)
		}

		// Every expected rule reaches its receivers with the guide's texts; inhibited ones do not.
		receiversOf := func(rule string) []string {
			labels := grafanaRules[rule].Labels
			if labels["severity"] == "critical" {
				return []string{"critical", labels["team"]}
			}
			return []string{labels["team"]}
		}
		notifyDeadline := time.Now().Add(90 * time.Second)
		for _, rule := range wave.expect {
			for _, receiver := range receiversOf(rule) {
				for {
					if n, ok := notified(rec.since(start), rule, receiver, "firing"); ok {
						if results[rule].notify == 0 {
							results[rule].notify = n.received.Sub(start)
						}
						if n.GroupLabels["alertname"] != rule {
							t.Fatalf("%s: notification grouped by %v, expected alertname first", rule, n.GroupLabels)
						}
						for k := range n.GroupLabels {
							if k != "alertname" && k != "job" && k != "service_name" {
								t.Fatalf("%s: grouped by %q, not one of the policy's group_by labels", rule, k)
							}
						}
						title, text := renderNotification(t, templateFile, n)
						labels := grafanaRules[rule].Labels
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
						break
					}
					if time.Now().After(notifyDeadline) {
						t.Fatalf("%s: no firing notification to %s (got %d notifications since the wave began)", rule, receiver, len(rec.since(start)))
					}
					resendGrafanaOnly()
					time.Sleep(time.Second)
				}
			}
		}
		for _, rule := range wave.inhibited {
			for _, n := range rec.since(start) {
				for _, a := range n.Alerts {
					if a.Labels["alertname"] == rule {
						t.Fatalf("%s was notified to %s although a critical alert of the same job and instance fires (inhibition)", rule, n.Receiver)
					}
				}
			}
			t.Logf("  %s fires in Prometheus and is inhibited in Alertmanager, as configured", rule)
		}

		// Recovery: everything resolves, and the receivers hear it.
		recovered := time.Now()
		fault(map[string]any{"reset": true})
		resolveDeadline := recovered.Add(4 * time.Minute)
		grafanaFiring := map[string]map[string]bool{}
		for {
			alerts := activeAlerts(t, promURL)
			open := []string{}
			for _, rule := range append(append([]string{}, wave.expect...), wave.inhibited...) {
				if grafanaOnly[rule] {
					ev := evaluateGrafanaRule(t, p, settings, grafanaRules[rule], time.Now())
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
					sendGrafanaAlerts(grafanaRules[rule], ev, resolved)
					if len(ev.Firing) > 0 {
						open = append(open, rule)
						continue
					}
				} else if len(alertSeries(alerts, rule, "")) > 0 {
					open = append(open, rule)
					continue
				}
				for _, receiver := range receiversOf(rule) {
					if slices.Contains(wave.inhibited, rule) {
						break
					}
					if n, ok := notified(rec.since(recovered), rule, receiver, "resolved"); !ok {
						open = append(open, rule+" (resolved notification to "+receiver+")")
					} else if results[rule].resolve == 0 {
						results[rule].resolve = n.received.Sub(recovered)
					}
				}
			}
			for _, a := range alerts { // consequences too: the next wave starts from a quiet stack
				if a.State == "firing" && !slices.Contains(open, a.Labels["alertname"]) {
					open = append(open, a.Labels["alertname"])
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

	t.Logf("\n%-32s %-10s %-12s %-14s %s", "rule", "to fire", "to notify", "to resolve", "(scaled clock 1/"+strconv.Itoa(alertTimeScale)+")")
	names := keys(results)
	for _, name := range names {
		r := results[name]
		t.Logf("%-32s %-10s %-12s %-14s", name, r.fire.Round(time.Second), r.notify.Round(time.Second), r.resolve.Round(time.Second))
	}
}
