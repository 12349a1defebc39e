package conformance

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

type runningPlugin struct {
	*Plugin
	logs    *LockedBuffer
	startup time.Duration
}

func pluginBinary(t *testing.T) string {
	t.Helper()
	bin, err := PluginBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// startPlugin launches the executable the way Grafana's plugin client does (see Launch).
func startPlugin(t *testing.T) *runningPlugin {
	t.Helper()
	logs := &LockedBuffer{}
	started := time.Now()
	p, err := Launch(pluginBinary(t), logs)
	if err != nil {
		t.Fatalf("%v\nplugin log:\n%s", err, logs.String())
	}
	t.Cleanup(p.client.Kill)
	return &runningPlugin{Plugin: p, logs: logs, startup: time.Since(started)}
}

func prometheusURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("PROMETHEUS_URL")
	if url == "" {
		t.Fatal("PROMETHEUS_URL is not set: bring the stack up (scripts/stack.sh up) and export it")
	}
	return url
}

// pluginContext is what Grafana sends for a data source instance configured with these settings.
func pluginContext(t *testing.T, jsonData map[string]any, secure map[string]string) *pluginv2.PluginContext {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	return &pluginv2.PluginContext{
		OrgId:    1,
		PluginId: "memstack-agentmemory-datasource",
		User:     &pluginv2.User{Login: "admin", Role: "Admin"},
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id:                      1,
			Uid:                     "agentmemory",
			Name:                    "Agent Memory",
			JsonData:                raw,
			DecryptedSecureJsonData: secure,
			LastUpdatedMS:           time.Now().UnixMilli(),
		},
		PluginVersion: "1.0.0",
	}
}

func ctxWithTimeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

type netAddr = net.TCPAddr

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
