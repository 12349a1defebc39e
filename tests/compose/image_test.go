package compose

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/memstack/agentmemory/tests/compose/stack"
)

func grafanaDockerfile(t *testing.T) []stack.Instruction {
	t.Helper()
	instructions, err := stack.Dockerfile(filepath.Join(root, ".config/Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return instructions
}

// runBuildStep runs a RUN instruction as `docker build` would with the build argument
// development, with stand-ins for the package managers and sed that only log their arguments,
// and grep answering "this is Alpine". It returns the log.
func runBuildStep(t *testing.T, script, development string) string {
	t.Helper()
	bin := t.TempDir()
	logFile := filepath.Join(bin, "calls.log")
	stub := "#!/bin/sh\necho \"${0##*/} $*\" >> \"$CALLS\"\n"
	for _, name := range []string{"apk", "apt-get", "sed", "rm"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	grep := stub + "case \"$*\" in *alpine*) exit 0 ;; *) exit 1 ;; esac\n"
	if err := os.WriteFile(filepath.Join(bin, "grep"), []byte(grep), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", "-c", script)
	// Docker passes build arguments to RUN as environment variables.
	cmd.Env = []string{"PATH=" + bin, "CALLS=" + logFile, "development=" + development}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("RUN %s\nwith development=%s: %v\n%s", script, development, err, out)
	}
	calls, err := os.ReadFile(logFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(calls)
}

// The livereload script (http://localhost:35729) belongs to development builds only: in
// production every Grafana page would load a script from a port nobody serves there.
func TestGrafanaImageInjectsLivereloadOnlyInDevelopment(t *testing.T) {
	var steps []string
	for _, in := range grafanaDockerfile(t) {
		if strings.Contains(in.Args, "livereload") {
			if in.Command != "RUN" {
				t.Fatalf("%s %s: the livereload script must be added by a RUN that checks the development argument", in.Command, in.Args)
			}
			steps = append(steps, in.Args)
		}
	}
	if len(steps) == 0 {
		t.Fatal(".config/Dockerfile no longer adds the livereload script: update this test")
	}
	injects := regexp.MustCompile(`(?m)^sed .*livereload\.js.*index\.html`)
	for _, step := range steps {
		if calls := runBuildStep(t, step, "false"); calls != "" {
			t.Errorf("a production build (development=false) runs:\n%s", calls)
		}
		if calls := runBuildStep(t, step, "true"); !injects.MatchString(calls) {
			t.Errorf("a development build does not add the livereload script to index.html; it runs:\n%s", calls)
		}
	}
}

// Grafana's official image runs as user 472 (Grafana: DOCKER-IMAGE-USER, docs/grafana-behaviour.md);
// the scaffold's image, its compose base and its supervisord ran Grafana as root.
func TestGrafanaNeverRunsAsRoot(t *testing.T) {
	instructions := grafanaDockerfile(t)
	if user := stack.Last(instructions, "USER"); user != "472" {
		t.Errorf(".config/Dockerfile ends as USER %q, want 472 (the official image's grafana user)", user)
	}
	if user := load(t).Services["grafana"].User; user != "" {
		t.Errorf("compose runs Grafana as user %q: leave it to the image (472)", user)
	}
	if regexp.MustCompile(`(?m)^\s*user\s*=`).MatchString(read(t, ".config/supervisord/supervisord.conf")) {
		t.Error(".config/supervisord/supervisord.conf switches user: as user 472 it cannot, and must not run anything as root")
	}
	// The entrypoint starts supervisord with our configuration, not a distribution's main file
	// (whose socket and logs under /var/run and /var/log user 472 cannot write).
	var copied []string
	for _, in := range instructions {
		if in.Command == "COPY" && strings.HasPrefix(in.Args, "supervisord/supervisord.conf ") {
			copied = append(copied, strings.Fields(in.Args)[1])
		}
	}
	configs := regexp.MustCompile(`supervisord -c (\S+)`).FindAllStringSubmatch(read(t, ".config/entrypoint.sh"), -1)
	if len(configs) == 0 {
		t.Fatal(".config/entrypoint.sh no longer starts supervisord: update this test")
	}
	for _, c := range configs {
		if !slices.Contains(copied, c[1]) {
			t.Errorf(".config/entrypoint.sh starts supervisord with %s, which is not our supervisord.conf (copied to %v)", c[1], copied)
		}
	}
}

func TestGrafanaIsTheReleaseOfDotEnvEverywhere(t *testing.T) {
	version := dotEnv(t)["GRAFANA_VERSION"]
	if !regexp.MustCompile(`^1[3-9]\.\d+\.\d+$`).MatchString(version) {
		t.Errorf(".env GRAFANA_VERSION=%q: want a Grafana 13 (or later) release x.y.z", version)
	}
	if !strings.Contains(read(t, ".config/docker-compose-base.yaml"), "${GRAFANA_VERSION:-"+version+"}") {
		t.Errorf(".config/docker-compose-base.yaml's default Grafana is not .env's %s", version)
	}
}

// Every service the stack builds from this repository listens on all of its container's
// addresses: on its own loopback nothing else in compose reaches it (tests/netns runs the demo
// so and scrapes it from another network namespace).
func TestServicesBuiltHereListenOnEveryAddress(t *testing.T) {
	demo := load(t).Services["demo"]
	if host := env(demo, "DEMO_HOST"); host != "0.0.0.0" && host != "::" {
		t.Errorf("the demo's DEMO_HOST is %q: it listens on the container's loopback, where Prometheus cannot scrape it", host)
	}
	instructions, err := stack.Dockerfile(filepath.Join(demo.Build.Context, demo.Build.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(instructions, stack.Instruction{Command: "ENV", Args: "DEMO_HOST=0.0.0.0"}) {
		t.Errorf("%s does not set ENV DEMO_HOST=0.0.0.0: `docker run -p` would publish a port nobody answers on", demo.Build.Dockerfile)
	}
}
