// Command servicelaunch prints, as bash assignments, how `docker compose up` runs one service that
// the stack builds from this repository, so that a test can run the same thing without Docker:
//
//	eval "$(go run ./cmd/servicelaunch -root ../.. demo)"
//
// SERVICE_DIR is the host directory of the image's working directory, SERVICE_CMD the image's
// CMD, SERVICE_USER its USER, SERVICE_ENV the image's ENV overridden by the compose environment
// (compose interpolated with .env only), SERVICE_PORT the container port compose publishes and
// SCRAPE_TARGET the address Prometheus scrapes it at (compose/prometheus.yml) and
// SERVICE_HEALTHCHECK the compose health check's command, run inside the service's container.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/memstack/agentmemory/tests/compose/stack"
	"gopkg.in/yaml.v3"
)

func main() {
	root := flag.String("root", "../..", "the repository")
	flag.Parse()
	if flag.NArg() != 1 {
		fail("usage: servicelaunch [-root DIR] SERVICE")
	}
	if err := run(*root, flag.Arg(0)); err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "servicelaunch:", message)
	os.Exit(2)
}

func run(root, name string) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	project, err := stack.Load(root, filepath.Join(root, ".env"))
	if err != nil {
		return err
	}
	svc, ok := project.Services[name]
	if !ok || svc.Build == nil {
		return fmt.Errorf("%s is no service the stack builds from this repository", name)
	}
	instructions, err := stack.Dockerfile(filepath.Join(svc.Build.Context, svc.Build.Dockerfile))
	if err != nil {
		return err
	}
	dir, err := hostWorkdir(svc.Build.Context, instructions)
	if err != nil {
		return err
	}
	var cmd []string
	if err := json.Unmarshal([]byte(stack.Last(instructions, "CMD")), &cmd); err != nil || len(cmd) == 0 {
		return fmt.Errorf("%s: CMD is not in exec (JSON) form: %v", svc.Build.Dockerfile, err)
	}
	if len(svc.Ports) == 0 {
		return fmt.Errorf("%s publishes no port", name)
	}
	port := fmt.Sprint(svc.Ports[0].Target)
	target, err := scrapeTarget(root, name)
	if err != nil {
		return err
	}
	fmt.Printf("SERVICE_DIR=%s\n", quote(dir))
	fmt.Printf("SERVICE_CMD=(%s)\n", quoteAll(cmd))
	fmt.Printf("SERVICE_USER=%s\n", quote(stack.Last(instructions, "USER")))
	fmt.Printf("SERVICE_ENV=(%s)\n", quoteAll(environment(instructions, svc.Environment)))
	fmt.Printf("SERVICE_PORT=%s\n", quote(port))
	fmt.Printf("SCRAPE_TARGET=%s\n", quote(target))
	fmt.Printf("SERVICE_HEALTHCHECK=(%s)\n", quoteAll(healthcheck(svc.HealthCheck)))
	return nil
}

// hostWorkdir maps the image's last WORKDIR to the build context: the image's first WORKDIR
// receives the context's layout (COPY <dir> <dir>), as compose/demo.Dockerfile does.
func hostWorkdir(context string, instructions []stack.Instruction) (string, error) {
	var workdirs []string
	for _, in := range instructions {
		if in.Command == "WORKDIR" {
			workdirs = append(workdirs, in.Args)
		}
	}
	if len(workdirs) == 0 {
		return "", fmt.Errorf("the Dockerfile sets no WORKDIR")
	}
	rel, err := filepath.Rel(workdirs[0], workdirs[len(workdirs)-1])
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("WORKDIR %s is outside %s", workdirs[len(workdirs)-1], workdirs[0])
	}
	dir := filepath.Join(context, rel)
	if _, err := os.Stat(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// environment is the image's ENV (KEY=value form) overridden by the compose service's environment.
func environment(instructions []stack.Instruction, compose map[string]*string) []string {
	env := map[string]string{}
	for _, in := range instructions {
		if in.Command != "ENV" {
			continue
		}
		if key, value, ok := strings.Cut(in.Args, "="); ok && !strings.Contains(key, " ") {
			env[key] = value
		}
	}
	for key, value := range compose {
		if value != nil {
			env[key] = *value
		}
	}
	var out []string
	for key, value := range env {
		out = append(out, key+"="+value)
	}
	sort.Strings(out)
	return out
}

// scrapeTarget is the static target of compose/prometheus.yml on the service's host name.
func scrapeTarget(root, service string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "compose/prometheus.yml"))
	if err != nil {
		return "", err
	}
	var cfg struct {
		ScrapeConfigs []struct {
			StaticConfigs []struct {
				Targets []string
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return "", err
	}
	for _, job := range cfg.ScrapeConfigs {
		for _, static := range job.StaticConfigs {
			if i := slices.IndexFunc(static.Targets, func(t string) bool { return strings.HasPrefix(t, service+":") }); i >= 0 {
				return static.Targets[i], nil
			}
		}
	}
	return "", fmt.Errorf("compose/prometheus.yml scrapes no %s:<port>", service)
}

// healthcheck is the compose health check as a command line: CMD's words, or CMD-SHELL's through sh.
func healthcheck(check *types.HealthCheckConfig) []string {
	if check == nil || len(check.Test) < 2 {
		return nil
	}
	if check.Test[0] == "CMD-SHELL" {
		return []string{"sh", "-c", strings.Join(check.Test[1:], " ")}
	}
	return check.Test[1:]
}

// quote is s as one bash word.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func quoteAll(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = quote(w)
	}
	return strings.Join(quoted, " ")
}
