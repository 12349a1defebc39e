// Package compose validates docker-compose.yml without a Docker engine: compose-go (the parser
// docker compose itself uses, which knows `extends`, `!override` and `!reset`) loads it against
// the Compose specification's schema with .env, and the tests check what the docs promise of
// the stack it describes.
package compose

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: FILE-ENV-EXPANSION (docs/grafana-behaviour.md)
//   Grafana: RECEIVER-REQUIRED-SETTINGS (docs/grafana-behaviour.md)
//   Grafana: DASH-PROVIDER-FIELDS (docs/grafana-behaviour.md)
//   Grafana: DS-PROVISIONING (docs/grafana-behaviour.md)
//   Grafana: APP-PROVISIONING (docs/grafana-behaviour.md)
//   Grafana: GF-ENV-OVERRIDE (docs/grafana-behaviour.md)
//   Grafana: PLUGIN-UNSIGNED-ALLOWLIST (docs/grafana-behaviour.md)
//   Grafana: PLUGIN-PATHS (docs/grafana-behaviour.md)
//   Grafana: IMAGE-UBUNTU-VARIANT (docs/grafana-behaviour.md)

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/memstack/agentmemory/tests/compose/stack"
	"gopkg.in/yaml.v3"
)

var root = func() string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return dir
}()

func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dotEnv is .env as a map: the one place of versions and ports.
func dotEnv(t *testing.T) map[string]string {
	env := map[string]string{}
	for _, line := range strings.Split(read(t, ".env"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf(".env: %q is not KEY=value", line)
		}
		env[key] = value
	}
	return env
}

// load reads the compose file as `docker compose up` would in the repository root, with .env
// and nothing from this process's environment.
func load(t *testing.T) *types.Project {
	t.Helper()
	project, err := stack.Load(root, filepath.Join(root, ".env"))
	if err != nil {
		t.Fatalf("docker-compose.yml does not load against the Compose specification: %v", err)
	}
	return project
}

func env(svc types.ServiceConfig, key string) string {
	return stack.Env(svc, key)
}

var wantServices = []string{
	"alertmanager", "demo", "elasticsearch", "grafana", "jaeger", "neo4j", "node-exporter",
	"postgres", "postgres-exporter", "prometheus", "redis",
}

func TestLoadsWithEveryServiceOfTheStack(t *testing.T) {
	project := load(t)
	names := project.ServiceNames()
	sort.Strings(names)
	if !slices.Equal(names, wantServices) {
		t.Fatalf("services %v, want %v", names, wantServices)
	}
	// Nothing left uninterpolated: every ${VAR} has its value in .env or a default.
	out, err := project.MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "${") {
		t.Fatalf("the resolved file still holds ${...}:\n%s", out)
	}
}

func TestPublishedPortsBindLoopbackAndComeFromDotEnv(t *testing.T) {
	project := load(t)
	dot := dotEnv(t)
	hostPorts := map[string]bool{}
	for k, v := range dot {
		if strings.HasSuffix(k, "_PORT") {
			hostPorts[v] = true
		}
	}
	for name, svc := range project.Services {
		for _, p := range svc.Ports {
			if p.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s:%d on %q: bind 127.0.0.1 (the backends run with security off)", name, p.Published, p.Target, p.HostIP)
			}
			if !hostPorts[p.Published] {
				t.Errorf("%s publishes host port %q, which is no *_PORT of .env", name, p.Published)
			}
		}
		if svc.NetworkMode == "host" {
			t.Errorf("%s uses host networking; the stack has its own network", name)
		}
	}
}

func TestGrafanaIsProvisionedWithoutAnonymousAdmin(t *testing.T) {
	project := load(t)
	g := project.Services["grafana"]
	if env(g, "GF_AUTH_ANONYMOUS_ENABLED") != "false" {
		t.Errorf("GF_AUTH_ANONYMOUS_ENABLED = %q, want false", env(g, "GF_AUTH_ANONYMOUS_ENABLED"))
	}
	if role := env(g, "GF_AUTH_ANONYMOUS_ORG_ROLE"); role == "Admin" || role == "Editor" {
		t.Errorf("anonymous role %s", role)
	}
	if g.Build == nil || g.Build.Args["anonymous_auth_enabled"] == nil || *g.Build.Args["anonymous_auth_enabled"] != "false" {
		t.Errorf("the image is built with anonymous auth: %v", g.Build)
	}
	if version := *g.Build.Args["grafana_version"]; !strings.HasSuffix(version, "-ubuntu") {
		t.Errorf("Grafana image %s: the backend executables need glibc (an -ubuntu tag)", version)
	}
	// Every plugin of the app is allow-listed (unsigned).
	allowed := strings.Split(env(g, "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"), ",")
	for _, id := range pluginIDs(t) {
		if !slices.Contains(allowed, id) {
			t.Errorf("plugin %s is not in GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS %v", id, allowed)
		}
	}
	mounts := map[string]string{}
	for _, v := range g.Volumes {
		mounts[v.Target] = v.Source
	}
	if mounts["/var/lib/grafana/plugins/memstack-agentmemory-app"] != filepath.Join(root, "dist") {
		t.Errorf("the plugin build is not mounted as the app's folder: %v", mounts)
	}
	for _, folder := range []string{"datasources", "plugins", "dashboards"} {
		if mounts["/etc/grafana/provisioning/"+folder] != filepath.Join(root, "provisioning", folder) {
			t.Errorf("provisioning/%s is not mounted as Grafana's %s folder: %v", folder, folder, mounts)
		}
	}
	for key, want := range map[string]string{
		"PROMETHEUS_URL":    "http://prometheus:9090",
		"ELASTICSEARCH_URL": "http://elasticsearch:9200",
		"JAEGER_URL":        "http://jaeger:16686",
	} {
		if env(g, key) != want {
			t.Errorf("%s = %q, want %q", key, env(g, key), want)
		}
	}
}

func pluginIDs(t *testing.T) []string {
	var ids []string
	for _, f := range []string{"src/plugin.json", "src/datasource/plugin.json", "src/panels/breaker-timeline/plugin.json", "src/panels/relevance-heatmap/plugin.json"} {
		var p struct{ ID string }
		if err := json.Unmarshal([]byte(read(t, f)), &p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// grafanaExpand is what Grafana does to a provisioning file before parsing it: Go's os.ExpandEnv
// with its environment ($$ for a literal $ aside, which these files do not use).
func grafanaExpand(t *testing.T, rel string, g types.ServiceConfig) string {
	return os.Expand(read(t, rel), func(name string) string { return env(g, name) })
}

func TestProvisioningNamesAllThreeSourcesAndTheDashboards(t *testing.T) {
	project := load(t)
	g := project.Services["grafana"]
	var ds struct {
		Datasources []struct {
			Name, Type, UID, URL string
			JSONData             map[string]any `yaml:"jsonData"`
		}
	}
	if err := yaml.Unmarshal([]byte(grafanaExpand(t, "provisioning/datasources/agentmemory.yml", g)), &ds); err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	wantURL := map[string]string{"prometheus": "http://prometheus:9090", "elasticsearch": "http://elasticsearch:9200", "jaeger": "http://jaeger:16686"}
	for _, d := range ds.Datasources {
		types[d.Type] = true
		if d.Type == "memstack-agentmemory-datasource" {
			for source, url := range wantURL {
				if got, _ := d.JSONData[source+"Url"].(string); got != url {
					t.Errorf("our data source's %sUrl is %q after Grafana's expansion, want %q", source, got, url)
				}
			}
			if d.UID != "agentmemory" {
				t.Errorf("our data source uid %q; the alert rules and dashboards use agentmemory", d.UID)
			}
		} else if want, ok := wantURL[d.Type]; ok && d.URL != want {
			t.Errorf("the %s data source's url is %q after Grafana's expansion, want %q", d.Type, d.URL, want)
		}
	}
	for _, want := range []string{"memstack-agentmemory-datasource", "prometheus", "elasticsearch", "jaeger"} {
		if !types[want] {
			t.Errorf("no %s data source provisioned", want)
		}
	}
	// The notification secrets expand to something Grafana accepts (it refuses empty ones).
	notifications := grafanaExpand(t, "provisioning/alerting/agent-memory-notifications.yaml", g)
	for _, line := range strings.Split(notifications, "\n") {
		key, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		if (key == "url" || key == "integrationKey") && strings.TrimSpace(value) == "" {
			t.Errorf("a contact point's %s is empty after Grafana's expansion", key)
		}
	}
	var dash struct {
		Providers []struct {
			Options struct{ Path string }
		}
	}
	if err := yaml.Unmarshal([]byte(read(t, "provisioning/dashboards/agent-memory.yaml")), &dash); err != nil {
		t.Fatal(err)
	}
	if len(dash.Providers) != 1 || dash.Providers[0].Options.Path != "/var/lib/grafana/plugins/memstack-agentmemory-app/dashboards" {
		t.Fatalf("the dashboard provider does not read the plugin's dashboards: %+v", dash.Providers)
	}
	var plugin struct {
		Includes []struct{ Type, Path string }
	}
	if err := json.Unmarshal([]byte(read(t, "src/plugin.json")), &plugin); err != nil {
		t.Fatal(err)
	}
	for _, inc := range plugin.Includes {
		if inc.Type == "dashboard" {
			if _, err := os.Stat(filepath.Join(root, "src", inc.Path)); err != nil {
				t.Errorf("bundled dashboard %s: %v", inc.Path, err)
			}
		}
	}
	var apps struct {
		Apps []struct {
			Type     string
			Disabled bool
		}
	}
	if err := yaml.Unmarshal([]byte(read(t, "provisioning/plugins/apps.yaml")), &apps); err != nil {
		t.Fatal(err)
	}
	if len(apps.Apps) != 1 || apps.Apps[0].Type != "memstack-agentmemory-app" || apps.Apps[0].Disabled {
		t.Errorf("the app is not provisioned enabled: %+v", apps.Apps)
	}
}

func TestEveryMountedFileExists(t *testing.T) {
	project := load(t)
	for name, svc := range project.Services {
		for _, v := range svc.Volumes {
			if v.Type != types.VolumeTypeBind || !strings.HasPrefix(v.Source, root) || v.Source == filepath.Join(root, "dist") {
				continue // host paths (node-exporter's /) and the build output are not in the repository
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s mounts %s: %v", name, v.Source, err)
			}
		}
		if svc.Build != nil {
			if _, err := os.Stat(filepath.Join(svc.Build.Context, svc.Build.Dockerfile)); err != nil {
				t.Errorf("%s builds from %s: %v", name, svc.Build.Dockerfile, err)
			}
		}
	}
}

// images lists every image the stack runs, the Grafana base image included.
func images(t *testing.T, project *types.Project) map[string]string {
	out := map[string]string{}
	for name, svc := range project.Services {
		switch {
		case name == "grafana":
			out[name] = "grafana/grafana-enterprise:" + *svc.Build.Args["grafana_version"]
		case svc.Build != nil:
			out[name] = "node:" + *svc.Build.Args["NODE_VERSION"] + "-bookworm-slim"
		default:
			out[name] = svc.Image
		}
	}
	return out
}

// The image table lives in docs/operations.md ("docker compose"); every image compose runs is named there.
func TestEveryImageIsOneTheDocsName(t *testing.T) {
	project := load(t)
	if !strings.Contains(read(t, ".config/Dockerfile"), "FROM grafana/${grafana_image}:${grafana_version}") ||
		!strings.Contains(read(t, ".config/docker-compose-base.yaml"), "${GRAFANA_IMAGE:-grafana-enterprise}") {
		t.Fatal("the Grafana image is no longer grafana/grafana-enterprise:<version>: update this test and docs/operations.md")
	}
	if !strings.Contains(read(t, "compose/demo.Dockerfile"), "FROM node:${NODE_VERSION}-bookworm-slim") {
		t.Fatal("the demo's base image changed: update this test and docs/operations.md")
	}
	operations := read(t, "docs/operations.md")
	for service, image := range images(t, project) {
		if !strings.Contains(operations, "`"+image+"`") {
			t.Errorf("%s runs %s, which the image table of docs/operations.md does not name", service, image)
		}
	}
}

// The compose stack and scripts/stack.sh are one stack: the same versions and the same jobs.
func TestVersionsEqualTheLocalStack(t *testing.T) {
	dot := dotEnv(t)
	packages := map[string]string{
		"PROMETHEUS_VERSION":        "prometheus",
		"ALERTMANAGER_VERSION":      "prometheus-alertmanager",
		"NODE_EXPORTER_VERSION":     "prometheus-node-exporter",
		"POSTGRES_EXPORTER_VERSION": "prometheus-postgres-exporter",
		"POSTGRES_VERSION":          "postgresql",
		"REDIS_VERSION":             "redis-server",
	}
	for key, pkg := range packages {
		out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
		if err != nil {
			t.Logf("SKIPPED for %s: Debian package %s is not installed here (scripts/stack.sh install installs it)", key, pkg)
			continue
		}
		// "2.42.0+ds-5+deb12u1", "5:7.0.15-1~deb12u10", "15+248+deb12u1": upstream version only.
		version := string(out)
		if i := strings.Index(version, ":"); i >= 0 {
			version = version[i+1:]
		}
		version = regexp.MustCompile(`^[0-9.]+`).FindString(version)
		if version != dot[key] {
			t.Errorf(".env %s=%s, but the local stack runs Debian's %s %s", key, dot[key], pkg, version)
		}
	}
	if !strings.Contains(read(t, "scripts/neo4j/pom.xml"), "<version>"+dot["NEO4J_VERSION"]+"</version>") {
		t.Errorf(".env NEO4J_VERSION=%s is not the local stack's neo4j-harness version (scripts/neo4j/pom.xml)", dot["NEO4J_VERSION"])
	}
}

func TestPrometheusAndJaegerConfigsMatchTheLocalStack(t *testing.T) {
	jobs := func(file string) []string {
		var cfg struct {
			ScrapeConfigs []struct {
				JobName string `yaml:"job_name"`
			} `yaml:"scrape_configs"`
		}
		if err := yaml.Unmarshal([]byte(read(t, file)), &cfg); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var out []string
		for _, s := range cfg.ScrapeConfigs {
			out = append(out, s.JobName)
		}
		return out
	}
	local, compose := jobs("scripts/config/prometheus.yml"), jobs("compose/prometheus.yml")
	if !slices.Equal(local, compose) {
		t.Errorf("scrape jobs differ: local stack %v, compose %v", local, compose)
	}
	project := load(t)
	for _, target := range regexp.MustCompile(`'([a-z-]+):\d+'`).FindAllStringSubmatch(read(t, "compose/prometheus.yml"), -1) {
		if _, ok := project.Services[target[1]]; !ok && target[1] != "localhost" {
			t.Errorf("compose/prometheus.yml targets %s, which is no compose service", target[1])
		}
	}
	if !strings.Contains(read(t, "compose/jaeger.yaml"), "keep_alives_enabled: true") {
		t.Error("compose/jaeger.yaml must set keep_alives_enabled: true (see scripts/config/jaeger.yaml)")
	}
	rules := project.Services["prometheus"]
	found := false
	for _, v := range rules.Volumes {
		found = found || v.Source == filepath.Join(root, "provisioning/prometheus")
	}
	if !found {
		t.Error("Prometheus does not mount the generated rule file (provisioning/prometheus)")
	}
}
