package compose

// Grafana: FILE-ENV-EXPANSION (docs/grafana-behaviour.md). Grafana expands environment variables
// in provisioning files field by field, not over the whole file: every string that it reads
// through pkg/services/provisioning/values (StringValue, JSONValue, StringMapValue, ...) goes
// through os.ExpandEnv ($VAR and ${VAR}, no ${VAR:-default}; an unset variable becomes ""), after
// `$$` (a literal $) and its own $__env{VAR} expander. Data sources (apiVersion 1), plugins and
// dashboard providers read every field that way. Alerting files do too, except: alert rule query
// models (read raw, so that $__interval survives), message templates (plain strings) and alert
// rule annotations (raw since Grafana 9.1, so that {{ $labels.x }} survives; only ${VAR} may be
// expanded there in newer releases). The tests below apply that model to every file mounted into
// Grafana and require compose to set every variable it reads.

import (
	"fmt"
	"io/fs"
	"os"
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

const grafanaProvisioning = "/etc/grafana/provisioning/"

// grafanaFolders are the provisioning folders Grafana reads that this stack uses; it ignores others.
var grafanaFolders = []string{"alerting", "dashboards", "datasources", "plugins"}

// provisioningFile is a host file Grafana reads, and the provisioning folder it lands in.
type provisioningFile struct {
	folder string // datasources, plugins, dashboards or alerting
	host   string
}

// mountedProvisioningFiles lists the YAML files the compose Grafana finds in its provisioning folders.
func mountedProvisioningFiles(t *testing.T, g types.ServiceConfig) []provisioningFile {
	t.Helper()
	var files []provisioningFile
	for _, v := range g.Volumes {
		if v.Target+"/" != grafanaProvisioning && !strings.HasPrefix(v.Target, grafanaProvisioning) {
			continue
		}
		err := filepath.WalkDir(v.Source, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				return err
			}
			// The folder Grafana finds the file in: the first directory below its provisioning path.
			inContainer := filepath.Join(v.Target, strings.TrimPrefix(path, v.Source))
			folder, _, _ := strings.Cut(strings.TrimPrefix(inContainer, grafanaProvisioning), "/")
			if slices.Contains(grafanaFolders, folder) {
				files = append(files, provisioningFile{folder: folder, host: path})
			}
			return nil
		})
		if err != nil {
			t.Fatalf("grafana mounts %s: %v", v.Source, err)
		}
	}
	if len(files) == 0 {
		t.Fatal("no provisioning file is mounted into Grafana")
	}
	return files
}

type expansion int

const (
	notExpanded expansion = iota
	bracedOnly            // ${VAR} only: alert rule annotations, at most
	expanded              // $VAR and ${VAR}
)

// expansionAt is how Grafana treats the string at path (map keys, "[]" for a list item) in a file
// of the given provisioning folder.
func expansionAt(folder string, path []string) expansion {
	if folder != "alerting" {
		return expanded
	}
	at := strings.Join(path, ".")
	switch {
	case strings.HasPrefix(at, "templates.[].") && at != "templates.[].orgId":
		return notExpanded // pkg/services/provisioning/alerting/text_templates_types.go
	case strings.HasPrefix(at, "groups.[].rules.[].data.[].model"):
		return notExpanded // rules_types.go: QueryV1.mapToModel reads Model.Raw
	case strings.HasPrefix(at, "groups.[].rules.[].annotations"):
		return bracedOnly
	}
	return expanded
}

var (
	envExpander    = regexp.MustCompile(`\$__env\{([^}]*)\}`)
	bracedVariable = regexp.MustCompile(`\$\{([^}]*)\}`)
)

// variablesIn lists the environment variables Grafana reads from one string.
func variablesIn(value string, mode expansion) []string {
	if mode == notExpanded {
		return nil
	}
	var names []string
	for _, part := range strings.Split(value, "$$") {
		for _, m := range envExpander.FindAllStringSubmatch(part, -1) {
			names = append(names, m[1])
		}
		part = envExpander.ReplaceAllString(part, "")
		if mode == bracedOnly {
			for _, m := range bracedVariable.FindAllStringSubmatch(part, -1) {
				names = append(names, m[1])
			}
			continue
		}
		os.Expand(part, func(name string) string {
			names = append(names, name)
			return ""
		})
	}
	return names
}

// variablesOf lists, per variable, where a provisioning document reads it.
func variablesOf(folder string, document []byte) (map[string][]string, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(document, &root); err != nil {
		return nil, err
	}
	found := map[string][]string{}
	var walk func(n *yaml.Node, path []string)
	walk = func(n *yaml.Node, path []string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, append(slices.Clone(path), "[]"))
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], append(slices.Clone(path), n.Content[i].Value))
			}
		case yaml.ScalarNode:
			if n.Tag != "!!str" {
				return
			}
			for _, name := range variablesIn(n.Value, expansionAt(folder, path)) {
				found[name] = append(found[name], fmt.Sprintf("%s (line %d)", strings.Join(path, "."), n.Line))
			}
		}
	}
	walk(&root, nil)
	return found, nil
}

// unsetVariables lists the variables the files read that environment leaves unset or empty.
func unsetVariables(files []provisioningFile, environment func(string) string) ([]string, error) {
	var problems []string
	for _, f := range files {
		raw, err := os.ReadFile(f.host)
		if err != nil {
			return nil, err
		}
		variables, err := variablesOf(f.folder, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.host, err)
		}
		for name, where := range variables {
			if environment(name) == "" {
				problems = append(problems, fmt.Sprintf("%s reads $%s at %s, which Grafana's environment in docker-compose.yml does not set: Grafana would read \"\"",
					strings.TrimPrefix(f.host, root+"/"), name, strings.Join(where, ", ")))
			}
		}
	}
	sort.Strings(problems)
	return problems, nil
}

func TestEveryVariableTheProvisioningFilesReadIsSetByCompose(t *testing.T) {
	g := load(t).Services["grafana"]
	problems, err := unsetVariables(mountedProvisioningFiles(t, g), func(name string) string { return env(g, name) })
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// The check above, on files that read what compose does not set, and on what Grafana leaves alone.
func TestAnUnsetProvisioningVariableIsFound(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) provisioningFile {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return provisioningFile{folder: strings.Split(name, "-")[0], host: path}
	}
	files := []provisioningFile{
		write("datasources-a.yaml", "apiVersion: 1\ndatasources:\n  - name: x\n    url: $SET_URL\n    jsonData:\n      tokenUrl: ${UNSET_IN_JSONDATA}\n    secureJsonData:\n      token: cost$$price\n"),
		write("alerting-b.yaml", `apiVersion: 1
templates:
  - orgId: 1
    name: t
    template: '{{ $labels.job }} $NOT_READ_IN_TEMPLATES'
contactPoints:
  - orgId: 1
    name: c
    receivers:
      - uid: c0
        type: slack
        settings:
          url: $UNSET_WEBHOOK
          title: '{{ $labels.alertname }}'
groups:
  - orgId: 1
    name: g
    folder: f
    interval: 1m
    rules:
      - uid: r
        title: r
        condition: A
        data:
          - refId: A
            model:
              expr: rate(x[$__rate_interval])
        annotations:
          summary: '{{ $labels.job }} ${UNSET_IN_ANNOTATION}'
        labels:
          team: $__env{UNSET_BY_ENV_EXPANDER}
`),
	}
	problems, err := unsetVariables(files, func(name string) string {
		if name == "SET_URL" {
			return "http://x"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range problems {
		names = append(names, regexp.MustCompile(`reads \$(\S+) at`).FindStringSubmatch(p)[1])
	}
	sort.Strings(names)
	// $labels in a contact point's settings is expanded by Grafana (to ""): a real finding.
	want := []string{"UNSET_BY_ENV_EXPANDER", "UNSET_IN_ANNOTATION", "UNSET_IN_JSONDATA", "UNSET_WEBHOOK", "labels"}
	if !slices.Equal(names, want) {
		t.Errorf("found %v, want %v:\n%s", names, want, strings.Join(problems, "\n"))
	}
}

// A variable compose takes from the shell must say what to set or have a default: an unset one
// would reach Grafana as "" (and a Slack contact point without url stops Grafana at start).
func TestComposeVariablesGrafanaReadsHaveADefaultOrARequiredMessage(t *testing.T) {
	var file struct {
		Services map[string]struct {
			Environment map[string]string
		}
	}
	if err := yaml.Unmarshal([]byte(read(t, "docker-compose.yml")), &file); err != nil {
		t.Fatal(err)
	}
	read := variablesReadByGrafana(t)
	dot := dotEnv(t)
	reference := regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)
	for key, raw := range file.Services["grafana"].Environment {
		if !read[key] {
			continue
		}
		for _, m := range reference.FindAllStringSubmatch(strings.ReplaceAll(raw, "$$", ""), -1) {
			name, modifier := m[1]+m[3], m[2]
			if _, inDotEnv := dot[name]; inDotEnv {
				continue
			}
			if !strings.HasPrefix(modifier, ":-") && !strings.HasPrefix(modifier, ":?") {
				t.Errorf("grafana's %s: %q takes $%s from the shell without a default (${%s:-...}) or a message (${%s:?...})", key, raw, name, name, name)
			}
		}
	}
}

// variablesReadByGrafana is every variable the mounted provisioning files read.
func variablesReadByGrafana(t *testing.T) map[string]bool {
	out := map[string]bool{}
	for _, f := range mountedProvisioningFiles(t, load(t).Services["grafana"]) {
		raw, err := os.ReadFile(f.host)
		if err != nil {
			t.Fatal(err)
		}
		variables, err := variablesOf(f.folder, raw)
		if err != nil {
			t.Fatal(err)
		}
		for name := range variables {
			out[name] = true
		}
	}
	return out
}

func TestARequiredVariableStopsComposeWithItsMessage(t *testing.T) {
	var kept []string
	for _, line := range strings.Split(read(t, ".env"), "\n") {
		if !strings.HasPrefix(line, "GRAFANA_VERSION=") {
			kept = append(kept, line)
		}
	}
	envFile := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(envFile, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := stack.Load(root, envFile)
	if err == nil || !strings.Contains(err.Error(), "set GRAFANA_VERSION") {
		t.Fatalf("without GRAFANA_VERSION compose says %v, want the ${GRAFANA_VERSION:?...} message", err)
	}
}

// Every generated alerting file reaches Grafana's alerting folder, the notification policy tree
// too (provisioning/policies, compose only), and only one file provisions org 1's tree: each
// `policies` entry replaces the whole tree (Grafana: FILE-POLICIES-REPLACE).
func TestEveryAlertingFileAndThePolicyTreeAreMounted(t *testing.T) {
	g := load(t).Services["grafana"]
	mounts := map[string]string{}
	for _, v := range g.Volumes {
		mounts[v.Target] = v.Source
	}
	want := map[string]string{
		grafanaProvisioning + "alerting/agent-memory-notification-policies.yaml": filepath.Join(root, "provisioning/policies/agent-memory-notification-policies.yaml"),
	}
	alerting, err := filepath.Glob(filepath.Join(root, "provisioning/alerting/*.y*ml"))
	if err != nil || len(alerting) == 0 {
		t.Fatalf("no provisioning/alerting files: %v", err)
	}
	for _, f := range alerting {
		want[grafanaProvisioning+"alerting/"+filepath.Base(f)] = f
	}
	for target, source := range want {
		if mounts[target] != source {
			t.Errorf("%s is not mounted at %s (mounts: %v)", source, target, mounts)
		}
	}
	trees := 0
	for _, f := range mountedProvisioningFiles(t, g) {
		if f.folder != "alerting" {
			continue
		}
		var doc struct {
			Policies []struct {
				OrgID int `yaml:"orgId"`
			}
		}
		raw, err := os.ReadFile(f.host)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f.host, err)
		}
		for _, p := range doc.Policies {
			if p.OrgID <= 1 {
				trees++
			}
		}
	}
	if trees != 1 {
		t.Errorf("%d mounted files provision org 1's notification policy tree, want exactly 1", trees)
	}
}

// Docker creates the mount point of a bind mount inside the container; inside a read-only
// directory mount it cannot, and the container does not start, unless the host directory already
// holds it (and then `docker compose up` leaves an empty file in the repository).
func TestNoMountPointInsideAReadOnlyDirectoryMount(t *testing.T) {
	for name, svc := range load(t).Services {
		for _, outer := range svc.Volumes {
			if !outer.ReadOnly {
				continue
			}
			for _, inner := range svc.Volumes {
				rel, ok := strings.CutPrefix(inner.Target, strings.TrimSuffix(outer.Target, "/")+"/")
				if !ok {
					continue
				}
				if _, err := os.Stat(filepath.Join(outer.Source, rel)); err != nil {
					t.Errorf("%s mounts %s at %s, inside the read-only mount of %s at %s: Docker cannot create its mount point", name, inner.Source, inner.Target, outer.Source, outer.Target)
				}
			}
		}
	}
}
