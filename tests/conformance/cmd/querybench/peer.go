package main

// The Go peer comparison (npm run bench:peer, -peer): our backend against cmd/gopeer, a
// grafana-plugin-sdk-go data source doing the same metrics query, both driven as Grafana drives
// them, in one run on one replay process that answers Prometheus' recorded query_range at once
// (no delay, so the plugins' own costs dominate). Needs no stack; -record re-records the answer
// from the stack's Prometheus first (stack up, the demo running for 15 minutes or more).

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/memstack/agentmemory/tests/conformance"
	"github.com/memstack/agentmemory/tests/conformance/cmd/gopeer/compare"
)

// recordedAnswerFile is compare.RecordedAnswer's source, from tests/conformance.
const recordedAnswerFile = "cmd/gopeer/compare/testdata/query_range.json"

// cleanups stop what the comparison started (plugins, the replay process, the temporary
// directory) also when it fails or is interrupted: a plugin left behind keeps running.
var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func onExit(fn func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, fn)
}

func cleanUp() {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanups = nil
}

// check is must for the comparison: it cleans up before exiting.
func check(err error) {
	if err != nil {
		cleanUp()
		must(err)
	}
}

// recordAnswer sends our backend's query through a recording proxy to the real Prometheus and
// writes what it answered to the checked-in file.
func recordAnswer(bin string) []byte {
	upstream := os.Getenv("PROMETHEUS_URL")
	if upstream == "" {
		check(fmt.Errorf("PROMETHEUS_URL is not set: eval \"$(bash scripts/stack.sh env)\" first"))
	}
	rec, err := startRecorder(upstream)
	check(err)
	ours, err := compare.Launch("ours", bin)
	check(err)
	onExit(ours.Kill)
	defer ours.Kill()
	_, err = compare.Answer(ours, compare.PluginContext(rec.url()))
	check(err)
	rec.server.Close()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	answer, ok := rec.recordings["POST /api/v1/query_range"]
	if !ok || answer.Status != 200 {
		check(fmt.Errorf("Prometheus did not answer the query_range: %+v", answer.Status))
	}
	check(os.WriteFile(recordedAnswerFile, answer.Body, 0o644))
	fmt.Printf("  recorded %s (%.1f KiB)\n", recordedAnswerFile, float64(len(answer.Body))/1024)
	return answer.Body
}

// sides runs fn for both plugins, the order swapped each round so that drift hits both alike.
func sides(round int, ours, peer *compare.Side, fn func(*compare.Side)) {
	if round%2 == 0 {
		fn(ours)
		fn(peer)
	} else {
		fn(peer)
		fn(ours)
	}
}

func runPeer(record bool, rounds int, duration time.Duration) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		<-signals
		cleanUp()
		os.Exit(1)
	}()
	defer cleanUp()

	bin, err := conformance.PluginBinary()
	check(err)
	dir, err := os.MkdirTemp("", "gopeer")
	check(err)
	onExit(func() { os.RemoveAll(dir) })
	peerBin, err := compare.BuildPeer(dir)
	check(err)

	fmt.Println("== Go peer: our backend vs a grafana-plugin-sdk-go data source doing the same metrics query (cmd/gopeer)")
	answer := compare.RecordedAnswer
	if record {
		answer = recordAnswer(bin)
	}
	file := filepath.Join(dir, "prometheus.json")
	raw, err := json.Marshal(map[string]recording{"POST /api/v1/query_range": {Status: 200, ContentType: "application/json", Body: answer}})
	check(err)
	check(os.WriteFile(file, raw, 0o600))
	replay, err := startReplay(file, 0)
	check(err)
	onExit(replay.stop)

	ours, err := compare.Launch("ours", bin)
	check(err)
	onExit(ours.Kill)
	peer, err := compare.Launch("Go", peerBin)
	check(err)
	onExit(peer.Kill)
	pc := compare.PluginContext(replay.url)

	ourSeries, err := compare.Answer(ours, pc)
	check(err)
	peerSeries, err := compare.Answer(peer, pc)
	check(err)
	if diffs := compare.Differences(ourSeries, peerSeries); len(diffs) > 0 {
		check(fmt.Errorf("the two plugins do not return the same series: %v", diffs))
	}
	points := 0
	for _, s := range ourSeries {
		points += len(s.Values)
	}
	fmt.Printf("  query: %s, 15 min at a 15 s step, legend {{operation}}\n", compare.Expr)
	fmt.Printf("  answer: query_range recorded from the stack (%s, %.1f KiB), served by a replay process at once\n", recordedAnswerFile, float64(len(answer))/1024)
	fmt.Printf("  same answer from both: %d series, %d points, labels, times and values equal\n", len(ourSeries), points)
	fmt.Printf("  same settings for both: jsonData {\"prometheusUrl\": %q}\n", replay.url)
	fmt.Println("  limits:")
	for _, name := range []string{"ours", "Go"} {
		fmt.Printf("    %-4s %s\n", name, compare.Limits[name])
	}
	fmt.Printf("  processes: ours pid %d, Go pid %d; RSS from /proc/<pid>/status (VmRSS sampled every 50 ms, VmHWM reset before each load); CPU from /proc/<pid>/stat\n", ours.PID, peer.PID)

	idle := map[string]uint64{}
	for _, s := range []*compare.Side{ours, peer} {
		compare.Load(s, pc, 50, 0, 40, len(ourSeries)) // warm-up: 2,000 requests
		time.Sleep(500 * time.Millisecond)
		m, err := compare.ReadMem(s.PID)
		check(err)
		idle[s.Name] = m.RSS
	}
	fmt.Printf("  RSS idle after a warm-up of 2,000 requests: ours %s, Go %s\n", compare.MiB(idle["ours"]), compare.MiB(idle["Go"]))

	type pair struct{ ours, peer compare.Result }
	results := map[int]*pair{}
	levels := []int{1, 50, 500}
	for _, c := range levels {
		p := &pair{}
		for round := 0; round < rounds; round++ {
			sides(round, ours, peer, func(s *compare.Side) {
				r := compare.Load(s, pc, c, duration, 0, len(ourSeries))
				if r.Errors > 0 {
					check(fmt.Errorf("%s at %d clients: %d errors, the first: %s", s.Name, c, r.Errors, r.FirstError))
				}
				if s == ours {
					p.ours = p.ours.Merge(r)
				} else {
					p.peer = p.peer.Merge(r)
				}
			})
		}
		results[c] = p
		fmt.Printf("  %d concurrent client(s), closed loop, %d rounds of %s per plugin, alternating\n", c, rounds, duration)
		fmt.Printf("    %-5s %9s %10s %10s %10s %12s %15s %10s\n", "", "requests", "req/s", "p50", "p99", "CPU/request", "RSS under load", "RSS peak")
		for _, side := range []struct {
			name string
			r    compare.Result
		}{{"ours", p.ours}, {"Go", p.peer}} {
			fmt.Printf("    %-5s %9d %10.0f %10s %10s %12s %15s %10s\n", side.name, side.r.Requests, side.r.Throughput(),
				compare.MS(side.r.Percentile(0.5)), compare.MS(side.r.Percentile(0.99)), compare.MS(side.r.CPUPerRequest()),
				compare.MiB(side.r.RSSUnderLoad()), compare.MiB(side.r.PeakRSS()))
		}
		fmt.Printf("    ours / Go: p50 %.2fx, p99 %.2fx, throughput %.2fx, CPU per request %.2fx, RSS under load %.2fx\n",
			ratio(p.ours.Percentile(0.5), p.peer.Percentile(0.5)), ratio(p.ours.Percentile(0.99), p.peer.Percentile(0.99)),
			p.ours.Throughput()/p.peer.Throughput(), ratio(p.ours.CPUPerRequest(), p.peer.CPUPerRequest()),
			float64(p.ours.RSSUnderLoad())/float64(p.peer.RSSUnderLoad()))
	}

	fmt.Println("== goals (issue 24), at 50 and 500 concurrent requests: ours p50 / Go p50 <= 1.3, ours throughput / Go throughput >= 0.7")
	for _, c := range levels {
		p := results[c]
		pr := ratio(p.ours.Percentile(0.5), p.peer.Percentile(0.5))
		tr := p.ours.Throughput() / p.peer.Throughput()
		pv, tv := verdict(pr <= 1.3), verdict(tr >= 0.7)
		if c == 1 {
			pv, tv = "for reference", "for reference"
		}
		fmt.Printf("  %3d client(s): p50 %s vs %s = %.2fx, %s; throughput %.0f vs %.0f requests/s = %.2fx, %s\n", c,
			compare.MS(p.ours.Percentile(0.5)), compare.MS(p.peer.Percentile(0.5)), pr, pv,
			p.ours.Throughput(), p.peer.Throughput(), tr, tv)
	}
	fmt.Println("  (closed loop: at 500 clients a request's latency is mostly its wait in the plugin's queue, so the p50 ratio there follows the throughput ratio)")
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }
