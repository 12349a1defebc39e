package conformance

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// otherCA is a CA certificate that did not sign the secured node's certificate.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "some other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestSecuredElasticsearch queries Elasticsearch 9.2.4 running with security on (TLS with the CA
// the stack script generated, a reader user whose role reads only ai-events-*), and checks the
// errors a user gets for a wrong CA, no CA, a wrong password and a wrong API key.
func TestSecuredElasticsearch(t *testing.T) {
	url, dir := os.Getenv("ES_SECURE_URL"), os.Getenv("ES_SECURE_DIR")
	if url == "" || dir == "" {
		t.Skip("ES_SECURE_URL / ES_SECURE_DIR are not set: start it with scripts/stack.sh up elasticsearch-secure and eval \"$(scripts/stack.sh env)\"")
	}
	read := func(name string) string {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("the secured node's %s: %v (bring it up with scripts/stack.sh up elasticsearch-secure)", name, err)
		}
		return string(raw)
	}
	ca, credentials := read("ca.crt"), read("reader-credentials")
	user, password, _ := strings.Cut(credentials, ":")
	p := startPlugin(t)
	now := time.Now()
	settings := func(extra map[string]any) map[string]any {
		s := map[string]any{"elasticsearchUrl": url, "elasticsearchIndex": "ai-events-*", "elasticsearchBasicAuthUser": user}
		for k, v := range extra {
			s[k] = v
		}
		return s
	}
	logs := func(jsonData map[string]any, secure map[string]string) *pluginv2.DataResponse {
		t.Helper()
		res, err := p.data.QueryData(ctxWithTimeout(t, 30*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t, jsonData, secure),
			Queries:       []*pluginv2.DataQuery{query(t, "L", "logs", map[string]any{"query": "message:TLS"}, now.Add(-24*time.Hour), now.Add(time.Minute))},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Responses["L"]
		for _, secret := range []string{password, "wrong-password-123", "d3JvbmdrZXk6bm9wZQ=="} {
			if strings.Contains(r.Error, secret) || strings.Contains(p.logs.String(), secret) {
				t.Fatalf("a credential leaked into an error or a log line: %q", r.Error)
			}
		}
		return r
	}

	t.Run("the stack's CA and the reader's password read the events over TLS", func(t *testing.T) {
		r := logs(settings(map[string]any{"elasticsearchTlsWithCaCert": true}), map[string]string{
			"elasticsearchTlsCaCert": ca, "elasticsearchBasicAuthPassword": password,
		})
		if r.Error != "" {
			t.Fatalf("query failed: %s", r.Error)
		}
		frame := decodeFrames(t, r)[0]
		if frame.Rows() == 0 || !strings.Contains(frame.Fields[1].At(0).(string), "read over TLS") {
			t.Fatalf("want the event indexed by the stack script, got %d rows", frame.Rows())
		}
		health, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 20*time.Second), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t, settings(map[string]any{"elasticsearchTlsWithCaCert": true}), map[string]string{
				"elasticsearchTlsCaCert": ca, "elasticsearchBasicAuthPassword": password,
			}),
		})
		if err != nil || health.Status != pluginv2.CheckHealthResponse_OK || !strings.Contains(health.Message, "Elasticsearch 9.2.4") {
			t.Fatalf("health: %v %+v", err, health)
		}
	})

	t.Run("a CA that did not sign the server certificate is named as the problem", func(t *testing.T) {
		r := logs(settings(map[string]any{"elasticsearchTlsWithCaCert": true}), map[string]string{
			"elasticsearchTlsCaCert": otherCA(t), "elasticsearchBasicAuthPassword": password,
		})
		if r.ErrorSource != "downstream" || !strings.Contains(r.Error, "TLS certificate is not signed by a CA this data source trusts") {
			t.Fatalf("wrong CA: %q", r.Error)
		}
	})

	t.Run("without a CA the self-signed chain is refused; skip-verify reads it and warns", func(t *testing.T) {
		r := logs(settings(nil), map[string]string{"elasticsearchBasicAuthPassword": password})
		if !strings.Contains(r.Error, "add the server's CA certificate in the settings") {
			t.Fatalf("no CA: %q", r.Error)
		}
		r = logs(settings(map[string]any{"elasticsearchTlsSkipVerify": true}), map[string]string{"elasticsearchBasicAuthPassword": password})
		if r.Error != "" {
			t.Fatalf("skip-verify: %s", r.Error)
		}
		health, err := p.diagnostics.CheckHealth(ctxWithTimeout(t, 20*time.Second), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t, settings(map[string]any{"elasticsearchTlsSkipVerify": true}), map[string]string{"elasticsearchBasicAuthPassword": password}),
		})
		if err != nil || !strings.Contains(health.Message, "TLS certificate verification is off") {
			t.Fatalf("skip-verify health has no warning: %v %+v", err, health)
		}
	})

	t.Run("a wrong password and a wrong API key are refused credentials", func(t *testing.T) {
		tls := map[string]any{"elasticsearchTlsWithCaCert": true}
		r := logs(settings(tls), map[string]string{"elasticsearchTlsCaCert": ca, "elasticsearchBasicAuthPassword": "wrong-password-123"})
		if r.ErrorSource != "downstream" || !strings.Contains(r.Error, "refused the credentials (HTTP 401): check the auth settings") {
			t.Fatalf("wrong password: %q", r.Error)
		}
		r = logs(settings(tls), map[string]string{"elasticsearchTlsCaCert": ca, "elasticsearchApiKey": "d3JvbmdrZXk6bm9wZQ=="})
		if !strings.Contains(r.Error, "refused the credentials (HTTP 401)") {
			t.Fatalf("wrong API key: %q", r.Error)
		}
	})
}
