// Command grafanastandin stands in for the part of Grafana's HTTP API that our data source's
// frontend calls — POST /api/ds/query, GET /api/datasources/uid/<uid>/resources/<path> and
// /health — and answers each by calling the real backend executable through
// grafana-plugin-sdk-go's client, as Grafana does. It also serves the browser harness, so the
// Chromium tests reach the real backend and the real servers behind it. Grafana itself cannot
// run on the machines this project is tested on; nothing here answers on the backend's behalf.
// Each Grafana behaviour imitated here cites its row of docs/grafana-behaviour.md.
package main

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: DS-QUERY-STATUS (docs/grafana-behaviour.md)
//   Grafana: API-HEALTH (docs/grafana-behaviour.md)
//   Grafana: PLUGIN-CONTEXT (docs/grafana-behaviour.md)

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	conformance "github.com/memstack/agentmemory/tests/conformance"
)

type dataSource struct {
	JSONData map[string]any    `json:"jsonData"`
	Secure   map[string]string `json:"secureJsonData"`
}

type standIn struct {
	plugin      *conformance.Plugin
	dataSources map[string]dataSource
	alerting    *alertingStore
}

func (s *standIn) pluginContext(uid string) (*pluginv2.PluginContext, bool) {
	ds, ok := s.dataSources[uid]
	if !ok {
		return nil, false
	}
	raw, _ := json.Marshal(ds.JSONData)
	return &pluginv2.PluginContext{
		OrgId:    1,
		PluginId: "memstack-agentmemory-datasource",
		User:     &pluginv2.User{Login: "admin", Role: "Admin"},
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id: 1, Uid: uid, Name: "Agent Memory (" + uid + ")", JsonData: raw,
			DecryptedSecureJsonData: ds.Secure, LastUpdatedMS: time.Now().UnixMilli(),
		},
		PluginVersion: "1.0.0",
	}, true
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// epochMS reads Grafana's from/to: epoch milliseconds as a string or a number.
// Grafana: DS-QUERY-API (docs/grafana-behaviour.md): the query request's from/to, as the frontend sends them.
func epochMS(raw json.RawMessage) (int64, error) {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return strconv.ParseInt(text, 10, 64)
	}
	var n int64
	err := json.Unmarshal(raw, &n)
	return n, err
}

// query is POST /api/ds/query, as Grafana's query service turns it into one QueryData call.
// Grafana: DS-QUERY-API (docs/grafana-behaviour.md): one QueryData call per data source with the
// queries' refId, queryType, intervalMs, maxDataPoints and JSON (pkg/api/ds_query.go, pkg/services/query/query.go);
// 400 for an unreadable body, 404 for an unknown data source uid, 500 for a plugin error.
func (s *standIn) query(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Queries []map[string]json.RawMessage `json:"queries"`
		From    json.RawMessage              `json:"from"`
		To      json.RawMessage              `json:"to"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, 400, map[string]string{"message": "bad request body: " + err.Error()})
		return
	}
	from, errFrom := epochMS(body.From)
	to, errTo := epochMS(body.To)
	if errFrom != nil || errTo != nil {
		writeJSON(w, 400, map[string]string{"message": "from and to must be epoch milliseconds"})
		return
	}
	var uid string
	queries := make([]*pluginv2.DataQuery, 0, len(body.Queries))
	for _, q := range body.Queries {
		var ds struct{ UID string }
		_ = json.Unmarshal(q["datasource"], &ds)
		uid = ds.UID
		var refID, queryType string
		_ = json.Unmarshal(q["refId"], &refID)
		_ = json.Unmarshal(q["queryType"], &queryType)
		var interval, maxPoints int64
		_ = json.Unmarshal(q["intervalMs"], &interval)
		_ = json.Unmarshal(q["maxDataPoints"], &maxPoints)
		raw, _ := json.Marshal(q)
		queries = append(queries, &pluginv2.DataQuery{
			RefId: refID, QueryType: queryType, Json: raw, IntervalMS: interval, MaxDataPoints: maxPoints,
			TimeRange: &pluginv2.TimeRange{FromEpochMS: from, ToEpochMS: to},
		})
	}
	pctx, ok := s.pluginContext(uid)
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "Data source not found: " + uid})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	res, err := s.plugin.Data().QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pctx, Queries: queries})
	if err != nil {
		writeJSON(w, 500, map[string]string{"message": "Query data error: " + err.Error()})
		return
	}
	converted, err := backend.FromProto().QueryDataResponse(res)
	if err != nil {
		writeJSON(w, 500, map[string]string{"message": "undecodable plugin response: " + err.Error()})
		return
	}
	out, err := json.Marshal(converted)
	if err != nil {
		writeJSON(w, 500, map[string]string{"message": err.Error()})
		return
	}
	// Grafana: DS-QUERY-STATUS: the same body, but 400 as soon as one query carries an error.
	status := http.StatusOK
	for _, r := range converted.Responses {
		if r.Error != nil {
			status = http.StatusBadRequest
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// datasourceAPI is /api/datasources/uid/<uid>/resources/<path> and /api/datasources/uid/<uid>/health.
// Grafana: DS-RESOURCE-API (docs/grafana-behaviour.md): resource calls pass path, method, query
// and body to CallResource and answer the plugin's status, headers and body (pkg/api/plugin_resource.go).
// Grafana: DS-HEALTH-400: a health check that is not OK is answered 400 with status, message and
// details (CheckDatasourceHealthWithUID, pkg/api/datasources.go).
// Grafana: DS-UID-PER-ORG: the plugin context carries orgId 1 and the data source's settings.
func (s *standIn) datasourceAPI(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/datasources/uid/")
	uid, tail, _ := strings.Cut(rest, "/")
	if tail == "" && r.Method == http.MethodGet {
		// The installer's check that the picked data source exists (recorded like the other calls).
		// Grafana: DS-API (docs/grafana-behaviour.md): 404 "Data source not found" (pkg/api/datasources.go).
		s.alerting.mu.Lock()
		s.alerting.record(r)
		var found map[string]any
		for _, ds := range s.alerting.dataSources {
			if ds["uid"] == uid {
				found = ds
			}
		}
		s.alerting.mu.Unlock()
		if found == nil {
			writeJSON(w, 404, map[string]string{"message": "Data source not found"})
		} else {
			writeJSON(w, 200, found)
		}
		return
	}
	pctx, ok := s.pluginContext(uid)
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "Data source not found"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	switch {
	case tail == "health":
		res, err := s.plugin.Diagnostics().CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pctx})
		if err != nil {
			writeJSON(w, 500, map[string]string{"message": err.Error()})
			return
		}
		status := 200
		if res.Status != pluginv2.CheckHealthResponse_OK {
			status = 400
		}
		writeJSON(w, status, map[string]any{"status": res.Status.String(), "message": res.Message, "details": json.RawMessage(orEmpty(res.JsonDetails))})
	case strings.HasPrefix(tail, "resources/"):
		path := strings.TrimPrefix(tail, "resources/")
		u := path
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		body, _ := io.ReadAll(r.Body)
		stream, err := s.plugin.Resource().CallResource(ctx, &pluginv2.CallResourceRequest{
			PluginContext: pctx, Path: path, Method: r.Method, Url: u, Body: body,
		})
		if err != nil {
			writeJSON(w, 500, map[string]string{"message": err.Error()})
			return
		}
		msg, err := stream.Recv()
		if err != nil {
			writeJSON(w, 500, map[string]string{"message": err.Error()})
			return
		}
		for name, values := range msg.Headers {
			for _, v := range values.Values {
				w.Header().Add(name, v)
			}
		}
		w.WriteHeader(int(msg.Code))
		_, _ = w.Write(msg.Body)
	default:
		writeJSON(w, 404, map[string]string{"message": "not found"})
	}
}

func orEmpty(raw []byte) []byte {
	if len(raw) == 0 {
		return []byte("{}")
	}
	return raw
}

func main() {
	listen := flag.String("listen", "127.0.0.1:3999", "address to serve on (loopback)")
	static := flag.String("static", "", "directory of the browser harness to serve at /")
	pluginLog := flag.String("plugin-log", "", "file for the backend's log lines (default: standard error)")
	dataSources := flag.String("datasources", "", `JSON object of data sources by uid: {"uid": {"jsonData": {...}, "secureJsonData": {...}}}`)
	flag.Parse()
	s := &standIn{dataSources: map[string]dataSource{}}
	if err := json.Unmarshal([]byte(*dataSources), &s.dataSources); err != nil || len(s.dataSources) == 0 {
		log.Fatalf("-datasources must be a JSON object of data sources by uid: %v", err)
	}
	bin, err := conformance.PluginBinary()
	if err != nil {
		log.Fatal(err)
	}
	var logs io.Writer = os.Stderr
	if *pluginLog != "" {
		f, err := os.Create(*pluginLog)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		logs = f
	}
	plugin, err := conformance.Launch(bin, logs)
	if err != nil {
		log.Fatal(err)
	}
	defer plugin.Kill()
	s.plugin = plugin

	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/ds/query", s.query)
	mux.HandleFunc("/api/datasources/uid/", s.datasourceAPI)
	ours := make([]string, 0, len(s.dataSources))
	for uid := range s.dataSources {
		ours = append(ours, uid)
	}
	sort.Strings(ours)
	s.alerting = newAlertingStore(ours)
	mux.HandleFunc("GET /api/datasources", s.alerting.handle)
	mux.HandleFunc("/api/folders", s.alerting.handle)
	mux.HandleFunc("/api/folders/", s.alerting.handle)
	mux.HandleFunc("/api/v1/provisioning/", s.alerting.handle)
	mux.HandleFunc("/__standin/alerting/", s.alerting.control(ours))
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]string{"database": "ok", "standIn": "true"})
	})
	if *static != "" {
		mux.Handle("/", http.FileServer(http.Dir(*static)))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "Grafana stand-in on http://%s, backend %s\n", ln.Addr(), bin)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(ln))
}
