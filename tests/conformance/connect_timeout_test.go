package conformance

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// An upstream that never completes the connection is down, and its breaker must open as it does
// for a refused one; an upstream that takes the connection and answers late is slow, maybe
// because of the query, and its breaker must stay closed (SourceError.upstreamFault). The
// upstreams here are loopback listeners: one whose accept queue is full (the kernel drops the
// SYN, as for a host that is gone), one that takes TCP connections and never answers the TLS
// handshake, and one that takes the request and answers after the timeout.

// fullAcceptQueue listens on loopback with a backlog of 0, never accepts, and fills its queue:
// the next connection attempt waits for a SYN-ACK that does not come.
func fullAcceptQueue(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	name, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", name.(*syscall.SockaddrInet4).Port)
	for filled := 0; ; filled++ {
		conn, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err != nil {
			if filled == 0 {
				t.Fatalf("the first connection to the listener failed: %v", err)
			}
			return addr
		}
		t.Cleanup(func() { conn.Close() })
		if filled > 64 {
			t.Fatalf("%s still accepts connections after %d: its queue does not fill", addr, filled)
		}
	}
}

// muteTLS takes TCP connections and never says a word, so a TLS handshake never completes.
func muteTLS(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		listener.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return listener.Addr().String()
}

// lateAnswers takes every request and holds it until its client has gone.
func lateAnswers(t *testing.T) string {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Go notices a closed connection only once the request body has been read.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(server.Close)
	return server.URL
}

// askBurst sends n instant queries at once to one data source instance and returns their errors.
func askBurst(t *testing.T, p *runningPlugin, ctx *pluginv2.PluginContext, n int) []string {
	t.Helper()
	errs := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
				PluginContext: ctx, Queries: []*pluginv2.DataQuery{instantUp(t, "A")},
			})
			if err != nil {
				errs[i] = "QueryData: " + err.Error()
				return
			}
			errs[i] = res.Responses["A"].Error
		}(i)
	}
	wg.Wait()
	return errs
}

func TestBreakerOpensOnConnectTimeoutsNotOnSlowAnswers(t *testing.T) {
	p := startPlugin(t)
	const burst = 8 // more than the breaker's volume of 5, all failing
	down := []struct{ name, url string }{
		{"accept queue full", "http://" + fullAcceptQueue(t)},
		{"TLS handshake never answered", "https://" + muteTLS(t)},
	}
	for _, upstream := range down {
		t.Run(upstream.name, func(t *testing.T) {
			ctx := withUID(orgContext(t, 1, map[string]any{"prometheusUrl": upstream.url, "timeoutSeconds": 1}), upstream.name)
			want := fmt.Sprintf("could not connect to Prometheus at %s within 1 s", upstream.url)
			for i, e := range askBurst(t, p, ctx, burst) {
				if !strings.Contains(e, want) {
					t.Fatalf("query %d: %q, want it to say %q", i, e, want)
				}
			}
			started := time.Now()
			e := askBurst(t, p, ctx, 1)[0]
			if !strings.Contains(e, "circuit open") {
				t.Fatalf("after %d connect timeouts the breaker is not open: %q", burst, e)
			}
			if waited := time.Since(started); waited > 500*time.Millisecond {
				t.Fatalf("the open breaker answered after %v, not at once", waited)
			}
		})
	}

	t.Run("connected, answer late", func(t *testing.T) {
		url := lateAnswers(t)
		ctx := withUID(orgContext(t, 1, map[string]any{"prometheusUrl": url, "timeoutSeconds": 1}), "late")
		want := fmt.Sprintf("Prometheus at %s did not answer within 1 s", url)
		for round := 0; round < 2; round++ {
			for i, e := range askBurst(t, p, ctx, burst) {
				if !strings.Contains(e, want) {
					t.Fatalf("round %d, query %d: %q, want it to say %q (a slow answer is not a transport failure)", round, i, e, want)
				}
			}
		}
	})
}
