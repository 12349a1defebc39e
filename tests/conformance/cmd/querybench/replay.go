package main

// Replay upstreams: answers recorded from the real stack, served by a process of their own after a
// fixed delay, so that the floor of a query is known exactly and the backend's own time stands
// apart from the upstreams' (which on one 2-core machine compete with the plugin for the CPU).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// recording is one upstream answer, keyed by method and path (the query string is ignored: the
// bench's time ranges move with the clock).
type recording struct {
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Body        []byte `json:"body"`
}

func routeKey(r *http.Request) string { return r.Method + " " + r.URL.Path }

// recorder is a reverse proxy to a real upstream that keeps the last answer per route.
type recorder struct {
	mu         sync.Mutex
	recordings map[string]recording
	server     *http.Server
	listener   net.Listener
}

func startRecorder(upstream string) (*recorder, error) {
	target, err := url.Parse(upstream)
	if err != nil {
		return nil, err
	}
	rec := &recorder{recordings: map[string]recording{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(res *http.Response) error {
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		res.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.recordings[routeKey(res.Request)] = recording{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Body: body}
		rec.mu.Unlock()
		return nil
	}
	rec.listener, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rec.server = &http.Server{Handler: proxy}
	go rec.server.Serve(rec.listener)
	return rec, nil
}

func (r *recorder) url() string { return "http://" + r.listener.Addr().String() }

// save writes the recordings and stops the proxy; it returns the file and the size of each answer.
func (r *recorder) save(path string) (map[string]int, error) {
	r.server.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	sizes := map[string]int{}
	for key, rec := range r.recordings {
		sizes[key] = len(rec.Body)
	}
	raw, err := json.Marshal(r.recordings)
	if err != nil {
		return nil, err
	}
	return sizes, os.WriteFile(path, raw, 0o600)
}

// serveReplay is the replay process's main: it answers every recorded route after delay.
func serveReplay(file string, delay time.Duration) {
	raw, err := os.ReadFile(file)
	must(err)
	recordings := map[string]recording{}
	must(json.Unmarshal(raw, &recordings))
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	fmt.Printf("listening http://%s\n", listener.Addr())
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		rec, ok := recordings[routeKey(r)]
		if !ok {
			http.Error(w, fmt.Sprintf("no recording for %s", routeKey(r)), http.StatusNotFound)
			return
		}
		time.Sleep(delay)
		w.Header().Set("Content-Type", rec.ContentType)
		w.Header().Set("Content-Length", fmt.Sprint(len(rec.Body)))
		w.WriteHeader(rec.Status)
		w.Write(rec.Body)
	})
	must(http.Serve(listener, handler))
}

// replayProcess runs this executable as a replay server and returns its URL.
type replayProcess struct {
	cmd *exec.Cmd
	url string
}

func startReplay(file string, delay time.Duration) (*replayProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-serve-replay", file, "-replay-delay", delay.String())
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("replay server for %s did not start: %v", file, err)
	}
	return &replayProcess{cmd: cmd, url: strings.TrimSpace(strings.TrimPrefix(line, "listening "))}, nil
}

func (p *replayProcess) stop() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}
