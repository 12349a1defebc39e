package conformance

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

type pemPair struct{ cert, key string }

// issue makes a certificate signed by parent (self-signed when parent is nil).
func issue(t *testing.T, name string, parent *x509.Certificate, parentKey *rsa.PrivateKey, isCA bool, usage x509.ExtKeyUsage) (*x509.Certificate, *rsa.PrivateKey, pemPair) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	template := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: isCA, BasicConstraintsValid: true,
	}
	if isCA {
		template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	} else {
		template.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		template.ExtKeyUsage = []x509.ExtKeyUsage{usage}
		template.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	signer, signerKey := parent, parentKey
	if parent == nil {
		signer, signerKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key, pemPair{
		cert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		key:  string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
	}
}

// TestClientCertificate runs a real Prometheus that serves HTTPS and requires a client
// certificate signed by its CA (its --web.config.file), and queries it through the plugin with
// the CA and a client certificate, then without the certificate.
func TestClientCertificate(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus is not installed: run scripts/stack.sh install")
	}
	dir := t.TempDir()
	ca, caKey, caPEM := issue(t, "memstack client-auth test CA", nil, nil, true, 0)
	_, _, serverPEM := issue(t, "127.0.0.1", ca, caKey, false, x509.ExtKeyUsageServerAuth)
	_, _, clientPEM := issue(t, "grafana", ca, caKey, false, x509.ExtKeyUsageClientAuth)
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("ca.crt", caPEM.cert)
	write("server.crt", serverPEM.cert)
	write("server.key", serverPEM.key)
	web := write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n")
	config := write("prometheus.yml", "global:\n  scrape_interval: 1h\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--config.file="+config, "--web.config.file="+web, "--web.listen-address="+addr,
		"--storage.tsdb.path="+filepath.Join(dir, "data"))
	cmd.Dir = dir
	logs := &LockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "Server is ready to receive web requests") {
		if time.Now().After(deadline) {
			t.Fatalf("prometheus with TLS did not start:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	p := startPlugin(t)
	url := fmt.Sprintf("https://%s", addr)
	instant := func(jsonData map[string]any, secure map[string]string) *pluginv2.DataResponse {
		t.Helper()
		now := time.Now()
		res, err := p.data.QueryData(ctxWithTimeout(t, 20*time.Second), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t, jsonData, secure),
			Queries:       []*pluginv2.DataQuery{metricsQuery(t, "C", map[string]any{"expr": "vector(42)", "instant": true}, now.Add(-time.Minute), now)},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res.Responses["C"]
	}
	withCA := map[string]any{"prometheusUrl": url, "prometheusTlsWithCaCert": true}

	t.Run("the CA and a client certificate get the answer", func(t *testing.T) {
		settings := map[string]any{"prometheusUrl": url, "prometheusTlsWithCaCert": true, "prometheusTlsClientAuth": true}
		r := instant(settings, map[string]string{
			"prometheusTlsCaCert": caPEM.cert, "prometheusTlsClientCert": clientPEM.cert, "prometheusTlsClientKey": clientPEM.key,
		})
		if r.Error != "" {
			t.Fatalf("query with a client certificate failed: %s", r.Error)
		}
		frame := decodeFrames(t, r)[0]
		if v, _ := frame.Fields[1].FloatAt(0); v != 42 {
			t.Fatalf("vector(42) answered %v", v)
		}
	})

	t.Run("without the client certificate the error says so", func(t *testing.T) {
		r := instant(withCA, map[string]string{"prometheusTlsCaCert": caPEM.cert})
		if r.ErrorSource != "downstream" || !strings.Contains(r.Error, "client certificate") {
			t.Fatalf("no client certificate: %q", r.Error)
		}
		if strings.Contains(r.Error, "PRIVATE KEY") {
			t.Fatal("key material in an error")
		}
	})
}
