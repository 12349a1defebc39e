// Package conformance starts the data source backend exactly as Grafana does (plain exec,
// Grafana's environment, go-plugin client, gRPC only) and talks to it through the real
// grafana-plugin-sdk-go client stubs and frame decoder. Launch is shared by the tests and the
// query benchmark (cmd/querybench).
package conformance

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

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

// LockedBuffer collects go-plugin's re-logged plugin output across goroutines.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Plugin is a running backend with the three pluginv2 clients Grafana dispenses.
type Plugin struct {
	client      *goplugin.Client
	diagnostics pluginv2.DiagnosticsClient
	data        pluginv2.DataClient
	resource    pluginv2.ResourceClient
}

func (p *Plugin) Data() pluginv2.DataClient               { return p.data }
func (p *Plugin) Resource() pluginv2.ResourceClient       { return p.resource }
func (p *Plugin) Diagnostics() pluginv2.DiagnosticsClient { return p.diagnostics }
func (p *Plugin) Kill()                                   { p.client.Kill() }

// PluginBinary is the executable under test: $AGENTMEMORY_PLUGIN_BIN.
func PluginBinary() (string, error) {
	bin := os.Getenv("AGENTMEMORY_PLUGIN_BIN")
	if bin == "" {
		return "", fmt.Errorf("AGENTMEMORY_PLUGIN_BIN is not set: build the plugin (npm run build) and point it at dist/datasource/gpx_agentmemory_linux_amd64")
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("plugin executable %s: %v (run npm run build first)", abs, err)
	}
	return abs, nil
}

// Launch starts the executable as Grafana's plugin client does: exec.Command with an explicit
// environment (no host variables, as with Grafana's pluginsSkipHostEnvVars), go-plugin with
// gRPC only and protocol version 2. Its log lines, re-logged by go-plugin, go to logs.
func Launch(bin string, logs io.Writer) (*Plugin, error) {
	cmd := exec.Command(bin)
	cmd.Env = []string{"GF_VERSION=12.3.0", "GF_EDITION=oss", "GF_PLUGIN_APP_CLIENT_ID=conformance"}
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
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("handshake failed: %w", err)
	}
	dispense := func(name string) (any, error) {
		raw, err := rpc.Dispense(name)
		if err != nil {
			return nil, fmt.Errorf("dispense %s: %w", name, err)
		}
		return raw, nil
	}
	p := &Plugin{client: client}
	for name, set := range map[string]func(any){
		"diagnostics": func(v any) { p.diagnostics = v.(pluginv2.DiagnosticsClient) },
		"data":        func(v any) { p.data = v.(pluginv2.DataClient) },
		"resource":    func(v any) { p.resource = v.(pluginv2.ResourceClient) },
	} {
		v, err := dispense(name)
		if err != nil {
			client.Kill()
			return nil, err
		}
		set(v)
	}
	return p, nil
}
