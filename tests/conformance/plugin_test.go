// Package conformance starts the data source backend exactly as Grafana does (plain exec,
// Grafana's environment, go-plugin client, gRPC only) and talks to it through the real
// grafana-plugin-sdk-go client stubs and frame decoder.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// handshake is Grafana's: the SDK does not export its HandshakeConfig, so it is built from the
// exported constants, as Grafana's plugin client does.
var handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  grpcplugin.ProtocolVersion,
	MagicCookieKey:   grpcplugin.MagicCookieKey,
	MagicCookieValue: grpcplugin.MagicCookieValue,
}

// lockedBuffer collects go-plugin's re-logged plugin output across goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type runningPlugin struct {
	client      *goplugin.Client
	diagnostics pluginv2.DiagnosticsClient
	data        pluginv2.DataClient
	resource    pluginv2.ResourceClient
	logs        *lockedBuffer
	startup     time.Duration
}

func pluginBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("AGENTMEMORY_PLUGIN_BIN")
	if bin == "" {
		t.Fatal("AGENTMEMORY_PLUGIN_BIN is not set: build the plugin (npm run build) and point it at dist/datasource/gpx_agentmemory_linux_amd64")
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("plugin executable %s: %v (run npm run build first)", abs, err)
	}
	return abs
}

// startPlugin launches the executable the way Grafana's plugin client does: exec.Command with an
// explicit environment (no host variables, as with Grafana's pluginsSkipHostEnvVars), go-plugin
// with gRPC only and protocol version 2.
func startPlugin(t *testing.T) *runningPlugin {
	t.Helper()
	cmd := exec.Command(pluginBinary(t))
	cmd.Env = []string{
		"GF_VERSION=12.3.0",
		"GF_EDITION=oss",
		"GF_PLUGIN_APP_CLIENT_ID=conformance",
	}
	logs := &lockedBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Name: "plugin", Output: logs, Level: hclog.Trace, JSONFormat: true})
	pluginSet := goplugin.PluginSet{
		"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
		"resource":    &grpcplugin.ResourceGRPCPlugin{},
		"data":        &grpcplugin.DataGRPCPlugin{},
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: pluginSet},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           logger,
	})
	started := time.Now()
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		t.Fatalf("handshake failed: %v\nplugin log:\n%s", err, logs.String())
	}
	startup := time.Since(started)
	dispense := func(name string) any {
		raw, err := rpc.Dispense(name)
		if err != nil {
			client.Kill()
			t.Fatalf("dispense %s: %v", name, err)
		}
		return raw
	}
	p := &runningPlugin{
		client:      client,
		diagnostics: dispense("diagnostics").(pluginv2.DiagnosticsClient),
		data:        dispense("data").(pluginv2.DataClient),
		resource:    dispense("resource").(pluginv2.ResourceClient),
		logs:        logs,
		startup:     startup,
	}
	t.Cleanup(client.Kill)
	return p
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
