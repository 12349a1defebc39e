package conformance

// Golden frame tests (issue 21): for each query type the frames the backend builds from recorded
// upstream answers are compared with checked-in golden files, with grafana-plugin-sdk-go's
// experimental golden helper, as Grafana's own data sources do. No server is needed: httptest
// servers replay the answers recorded in testdata/golden/upstream/ and the plugin executable is
// pointed at them through its data source settings.
//
// In tests/conformance, with AGENTMEMORY_PLUGIN_BIN set as for the rest of the suite:
//
//   go test -count=1 -run TestGoldenFrames            compare (CI runs it with the suite)
//   go test -count=1 -run TestGoldenFrames -update    rewrite the golden files from the recordings
//   go test -count=1 -run TestGoldenFrames -record    re-record from the running stack (up, with the
//                                                     demo loading it, URLs from scripts/stack.sh env),
//                                                     then rewrite the golden files
//
// The flags are this package's: go test hands everything after them to its test binary, so they
// come after any package argument.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

var (
	updateGolden    = flag.Bool("update", false, "TestGoldenFrames: rewrite testdata/golden/*.jsonc from the frames the backend builds now")
	recordUpstreams = flag.Bool("record", false, "TestGoldenFrames: re-record testdata/golden/upstream/ from the running stack, then rewrite the golden files")
)

const (
	goldenDir      = "testdata/golden"
	upstreamDir    = "testdata/golden/upstream"
	goldenManifest = "answers.json"
	goldenService  = "agentmemory-demo"
	// A recorded range is this long and ends this long before the recording, so that every
	// source has settled (scraped, indexed, flushed) when it is asked.
	goldenRange   = 10 * time.Minute
	goldenSettle  = time.Minute
	goldenStepMS  = 60_000
	goldenMaxData = 1000
)

var goldenSources = []string{"prometheus", "elasticsearch", "jaeger"}

// goldenCase is one query, named as its golden file: <querytype>[-<variant>].
type goldenCase struct {
	name      string
	queryType string
	model     func(m *upstreamManifest) map[string]any
}

func goldenCases() []goldenCase {
	operations := `ai_memory_operations_total{job="agentmemory-demo"}`
	fixed := func(model map[string]any) func(*upstreamManifest) map[string]any {
		return func(*upstreamManifest) map[string]any { return model }
	}
	return []goldenCase{
		{"metrics-range", "metrics", fixed(map[string]any{
			"expr": "sum by (operation) (rate(" + operations + "[$__rate_interval]))", "legendFormat": "{{operation}}",
		})},
		{"metrics-instant", "metrics", fixed(map[string]any{"expr": "sum by (operation) (" + operations + ")", "instant": true})},
		{"logs", "logs", fixed(map[string]any{"filters": map[string]any{"operation": "search"}, "limit": 5})},
		{"logs_count", "logs_count", fixed(map[string]any{"groupBy": "operation"})},
		{"traces-search", "traces", fixed(map[string]any{"service": goldenService, "operation": "ai.memory.search", "limit": 5})},
		// The trace of the first row of traces-search, chosen when recording.
		{"traces-trace", "traces", func(m *upstreamManifest) map[string]any { return map[string]any{"traceId": m.TraceID} }},
		{"correlate", "correlate", fixed(map[string]any{})},
	}
}

// upstreamManifest is testdata/golden/upstream/answers.json: the fixed range the queries use and,
// per case, the requests the backend sent and where their recorded answers are.
type upstreamManifest struct {
	About   string           `json:"about"`
	From    time.Time        `json:"from"`
	To      time.Time        `json:"to"`
	TraceID string           `json:"traceId"`
	Answers []recordedAnswer `json:"answers"`
}

type recordedAnswer struct {
	Case        string          `json:"case"`
	Source      string          `json:"source"`
	Request     upstreamRequest `json:"request"`
	Status      int             `json:"status"`
	ContentType string          `json:"contentType"`
	File        string          `json:"file"`
	body        []byte
}

// upstreamRequest is what selects an answer: the whole request, so that a backend that asks for
// something else gets no answer and the test names the request instead of comparing stale data.
type upstreamRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query,omitempty"` // url.Values.Encode(): sorted
	Form   string          `json:"form,omitempty"`  // a form body, sorted the same way
	JSON   json.RawMessage `json:"json,omitempty"`  // a JSON body
}

// key is the request in one canonical line: sorted parameters, a JSON body with sorted keys.
func (r upstreamRequest) key() string {
	body := ""
	if len(r.JSON) > 0 {
		body = string(canonicalJSON(r.JSON))
	}
	return fmt.Sprintf("%s %s?%s form=%s json=%s", r.Method, r.Path, r.Query, r.Form, body)
}

func canonicalJSON(raw []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	out, err := json.Marshal(v) // map keys sorted, numbers verbatim
	if err != nil {
		return raw
	}
	return out
}

func describeRequest(r *http.Request, body []byte) upstreamRequest {
	req := upstreamRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query().Encode()}
	switch {
	case len(body) == 0:
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		form, err := url.ParseQuery(string(body))
		if err != nil {
			req.Form = string(body)
		} else {
			req.Form = form.Encode()
		}
	case json.Valid(body):
		req.JSON = canonicalJSON(body)
	default:
		req.Form = string(body)
	}
	return req
}

func TestGoldenFrames(t *testing.T) {
	p := startPlugin(t)
	started := time.Now()
	update := *updateGolden
	if *recordUpstreams {
		recordGoldenUpstreams(t, p)
		update = true
	}
	manifest := loadUpstreamManifest(t)
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			replay := newReplay(t, manifest, c.name)
			res := queryGolden(t, p, replay.urls, manifest, c)
			replay.check(t)
			dr := goldenResponse(t, res)
			file := filepath.Join(goldenDir, c.name+".jsonc")
			if update {
				// The SDK helper compares before it writes, and fails on any difference; without a
				// file it writes one. Updating means: take what the backend builds now.
				if err := os.Remove(file); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			} else if _, err := os.Stat(file); err != nil {
				t.Fatalf("no golden file %s: run go test -run TestGoldenFrames -update to write it", file)
			}
			experimental.CheckGoldenJSONResponse(t, goldenDir, c.name, dr, update)
		})
	}
	t.Logf("%d golden cases in %s", len(goldenCases()), time.Since(started).Round(time.Millisecond))
}

func goldenQuery(c goldenCase, m *upstreamManifest) *pluginv2.DataQuery {
	model := c.model(m)
	model["refId"] = "A"
	raw, _ := json.Marshal(model)
	return &pluginv2.DataQuery{
		RefId:         "A",
		QueryType:     c.queryType,
		MaxDataPoints: goldenMaxData,
		IntervalMS:    goldenStepMS,
		TimeRange:     &pluginv2.TimeRange{FromEpochMS: m.From.UnixMilli(), ToEpochMS: m.To.UnixMilli()},
		Json:          raw,
	}
}

// queryGolden sends the case's one query to a data source whose three sources are at urls.
func queryGolden(t *testing.T, p *runningPlugin, urls map[string]string, m *upstreamManifest, c goldenCase) *pluginv2.DataResponse {
	t.Helper()
	settings := map[string]any{
		"prometheusUrl":    urls["prometheus"],
		"elasticsearchUrl": urls["elasticsearch"],
		"jaegerUrl":        urls["jaeger"],
		"jaegerService":    goldenService,
	}
	res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
		PluginContext: pluginContext(t, settings, nil),
		Queries:       []*pluginv2.DataQuery{goldenQuery(c, m)},
	})
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	r := res.Responses["A"]
	if r == nil {
		t.Fatal("no response for refId A")
	}
	if r.Error != "" {
		t.Fatalf("%s answered an error (status %d, source %s): %s", c.name, r.Status, r.ErrorSource, r.Error)
	}
	return r
}

// goldenResponse is the response as Grafana's SDK sees it. Nothing in the backend's frames
// depends on the clock or the run (no timings, the plugin context's uid and name are fixed), so
// nothing needs normalising; a frame that changes from one run to the next fails here.
func goldenResponse(t *testing.T, r *pluginv2.DataResponse) *backend.DataResponse {
	t.Helper()
	converted, err := backend.FromProto().QueryDataResponse(&pluginv2.QueryDataResponse{Responses: map[string]*pluginv2.DataResponse{"A": r}})
	if err != nil {
		t.Fatalf("the SDK cannot decode the response: %v", err)
	}
	dr := converted.Responses["A"]
	if len(dr.Frames) == 0 {
		t.Fatal("the response has no frames")
	}
	return &dr
}

// ---------------------------------------------------------------- replay

func loadUpstreamManifest(t *testing.T) *upstreamManifest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(upstreamDir, goldenManifest))
	if err != nil {
		t.Fatalf("recorded upstream answers: %v (record them with the stack up: go test -run TestGoldenFrames -record)", err)
	}
	var m upstreamManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", goldenManifest, err)
	}
	for i := range m.Answers {
		a := &m.Answers[i]
		if a.body, err = os.ReadFile(filepath.Join(upstreamDir, a.File)); err != nil {
			t.Fatal(err)
		}
	}
	if m.From.IsZero() || !m.To.After(m.From) || m.TraceID == "" || len(m.Answers) == 0 {
		t.Fatalf("%s lacks its range, trace id or answers", goldenManifest)
	}
	return &m
}

// replay serves one case's recorded answers, one httptest server per source, and notes every
// request it has no answer for and every answer nobody asked for.
type replay struct {
	urls   map[string]string
	mu     sync.Mutex
	unused map[string]string // key -> file
	misses []string
}

func newReplay(t *testing.T, m *upstreamManifest, caseName string) *replay {
	t.Helper()
	r := &replay{urls: map[string]string{}, unused: map[string]string{}}
	bySource := map[string]map[string]recordedAnswer{}
	for _, a := range m.Answers {
		if a.Case != caseName {
			continue
		}
		if bySource[a.Source] == nil {
			bySource[a.Source] = map[string]recordedAnswer{}
		}
		bySource[a.Source][a.Request.key()] = a
		r.unused[a.Source+" "+a.Request.key()] = a.File
	}
	if len(r.unused) == 0 {
		t.Fatalf("no recorded answers for %s: record them with the stack up (go test -run TestGoldenFrames -record)", caseName)
	}
	for _, source := range goldenSources {
		answers := bySource[source]
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			key := describeRequest(req, body).key()
			a, ok := answers[key]
			r.mu.Lock()
			if ok {
				delete(r.unused, source+" "+key)
			} else {
				r.misses = append(r.misses, source+": "+key)
			}
			r.mu.Unlock()
			if !ok {
				http.Error(w, "no recorded answer for "+key, http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", a.ContentType)
			w.WriteHeader(a.Status)
			w.Write(a.body)
		}))
		t.Cleanup(srv.Close)
		r.urls[source] = srv.URL
	}
	return r
}

func (r *replay) check(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.misses) > 0 {
		t.Fatalf("the backend sent requests that were not recorded (it asks for something else now: re-record with the stack up: go test -run TestGoldenFrames -record):\n  %s", strings.Join(r.misses, "\n  "))
	}
	if len(r.unused) > 0 {
		var files []string
		for _, f := range r.unused {
			files = append(files, f)
		}
		sort.Strings(files)
		t.Fatalf("recorded answers the backend did not ask for (re-record with -record): %v", files)
	}
}

// ---------------------------------------------------------------- recording

// recorder is a proxy in front of one real upstream that keeps every request and its answer.
type recorder struct {
	caseName, source, upstream string
	mu                         sync.Mutex
	answers                    []recordedAnswer
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	out, err := http.NewRequestWithContext(r.Context(), r.Method, rec.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Accept-Encoding") // the answer is recorded decoded
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	rec.mu.Lock()
	rec.answers = append(rec.answers, recordedAnswer{
		Case: rec.caseName, Source: rec.source, Request: describeRequest(r, body),
		Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), body: answer,
	})
	rec.mu.Unlock()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// recordGoldenUpstreams runs every case against the real stack through recording proxies and
// writes the scrubbed answers and the manifest.
func recordGoldenUpstreams(t *testing.T, p *runningPlugin) {
	t.Helper()
	real := map[string]string{
		"prometheus":    prometheusURL(t),
		"elasticsearch": envURL(t, "ES_URL"),
		"jaeger":        envURL(t, "JAEGER_URL"),
	}
	to := time.Now().UTC().Add(-goldenSettle).Truncate(time.Minute)
	m := &upstreamManifest{
		About: "Upstream answers recorded from the local stack (scripts/stack.sh up, the demo loading it) by " +
			"go test -run TestGoldenFrames -record in tests/conformance, host-specific values scrubbed; " +
			"TestGoldenFrames replays them. Do not edit: re-record.",
		From: to.Add(-goldenRange), To: to,
	}
	for _, c := range goldenCases() {
		urls := map[string]string{}
		var recorders []*recorder
		for _, source := range goldenSources {
			rec := &recorder{caseName: c.name, source: source, upstream: real[source]}
			srv := httptest.NewServer(rec)
			urls[source] = srv.URL
			recorders = append(recorders, rec)
			defer srv.Close()
		}
		r := queryGolden(t, p, urls, m, c)
		frames := decodeFrames(t, r)
		if len(frames) == 0 || frames[0].Rows() == 0 {
			t.Fatalf("recording %s: the stack answered no data in %s..%s; is the demo running?", c.name, m.From, m.To)
		}
		if c.name == "traces-search" {
			m.TraceID = fieldByName(t, frames[0], "traceID").At(0).(string)
		}
		var answers []recordedAnswer
		for _, rec := range recorders {
			answers = append(answers, rec.answers...)
		}
		// Numbered in request order, so re-recording the same requests keeps the file names.
		sort.Slice(answers, func(i, j int) bool {
			return answers[i].Source+answers[i].Request.key() < answers[j].Source+answers[j].Request.key()
		})
		for i := range answers {
			answers[i].File = fmt.Sprintf("%s.%s.%d.json", c.name, answers[i].Source, i+1)
		}
		m.Answers = append(m.Answers, answers...)
	}
	writeUpstreamRecordings(t, m)
}

func writeUpstreamRecordings(t *testing.T, m *upstreamManifest) {
	t.Helper()
	old, _ := filepath.Glob(filepath.Join(upstreamDir, "*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(upstreamDir, 0o755); err != nil {
		t.Fatal(err)
	}
	scrub := newScrubber(t)
	total := 0
	for _, a := range m.Answers {
		body := scrub.apply(a.body)
		var pretty bytes.Buffer
		if json.Indent(&pretty, body, "", " ") == nil { // whitespace only: key order and numbers stay
			body = append(pretty.Bytes(), '\n')
		}
		total += len(body)
		if err := os.WriteFile(filepath.Join(upstreamDir, a.File), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false) // the recorded forms stay readable: & not \u0026
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(upstreamDir, goldenManifest), raw.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %d upstream answers (%d bytes) for %s..%s", len(m.Answers), total, m.From, m.To)
}

// scrubber removes what belongs to the recording machine from the answers: its host name and
// non-loopback addresses wherever they occur as a value, and the values of span tags that
// describe the host or process (OpenTelemetry resource attributes such as host.name,
// process.pid). The stack's own loopback addresses are the same on every machine and stay.
// Byte replacements only: the answers keep their key order and number literals.
type scrubber struct {
	replace []string // old, new pairs
}

// Span tags as Jaeger writes them: {"key":"host.name","type":"string","value":"..."} (RE2: linear).
var hostTag = regexp.MustCompile(`("key":"(?:host\.[a-z.]+|process\.(?:pid|parent_pid|owner|command|command_line|command_args|executable\.path)|container\.id|os\.description)","type":"[a-z0-9]+","value":)("[^"]*"|-?[0-9.eE+-]+)`)

func newScrubber(t *testing.T) *scrubber {
	t.Helper()
	s := &scrubber{}
	if host, err := os.Hostname(); err == nil && host != "" && host != "localhost" {
		s.replace = append(s.replace, `"`+host+`"`, `"recording-host"`, `"`+host+`:`, `"recording-host:`, `"`+host+`.`, `"recording-host.`)
	}
	addrs, _ := net.InterfaceAddrs()
	n := 0
	for _, a := range addrs {
		ipNet, ok := a.(*net.IPNet)
		if !ok || ipNet.IP.IsLoopback() || ipNet.IP.IsLinkLocalUnicast() {
			continue
		}
		n++
		placeholder := fmt.Sprintf("203.0.113.%d", n) // TEST-NET-3
		if ipNet.IP.To4() == nil {
			placeholder = fmt.Sprintf("2001:db8::%d", n)
		}
		s.replace = append(s.replace, ipNet.IP.String(), placeholder)
	}
	if repo, err := filepath.Abs("../.."); err == nil {
		s.replace = append(s.replace, repo, "/repo")
	}
	return s
}

func (s *scrubber) apply(body []byte) []byte {
	text := strings.NewReplacer(s.replace...).Replace(string(body))
	text = hostTag.ReplaceAllString(text, `${1}"scrubbed"`)
	return []byte(text)
}
