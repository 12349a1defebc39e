// Package stack reads docker-compose.yml as `docker compose up` does, without a Docker engine:
// compose-go (the parser docker compose itself uses) with .env and nothing from this process's
// environment, and the Dockerfiles the stack builds. Shared by the compose tests and by
// cmd/servicelaunch, which tells tests/netns how compose runs a service.
package stack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// Load reads root/docker-compose.yml with the given env file (root/.env in every real use).
func Load(root, envFile string) (*types.Project, error) {
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

// Env is a service's environment value for key, "" when unset.
func Env(svc types.ServiceConfig, key string) string {
	if v, ok := svc.Environment[key]; ok && v != nil {
		return *v
	}
	return ""
}

// Instruction is one Dockerfile instruction, continuation lines joined.
type Instruction struct {
	Command string // upper case: FROM, RUN, ENV, USER, ...
	Args    string
}

// Dockerfile reads the instructions of a Dockerfile (comments and blank lines dropped).
func Dockerfile(path string) ([]Instruction, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Instruction
	var pending strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			pending.WriteString(strings.TrimSuffix(trimmed, "\\"))
			pending.WriteString(" ")
			continue
		}
		pending.WriteString(trimmed)
		command, args, _ := strings.Cut(pending.String(), " ")
		out = append(out, Instruction{Command: strings.ToUpper(command), Args: strings.TrimSpace(args)})
		pending.Reset()
	}
	if pending.Len() > 0 {
		return nil, fmt.Errorf("%s ends in a continuation line", path)
	}
	return out, nil
}

// Last is the arguments of the last instruction named command, "" when there is none.
func Last(instructions []Instruction, command string) string {
	for i := len(instructions) - 1; i >= 0; i-- {
		if instructions[i].Command == command {
			return instructions[i].Args
		}
	}
	return ""
}
