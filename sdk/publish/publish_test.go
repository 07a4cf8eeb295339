package publish

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
)

// fakeAPI is an API server holding one object, recording every request.
type fakeAPI struct {
	mu        sync.Mutex
	obj       map[string]any
	requests  []recorded
	conflicts int           // answer the next N updates with 409
	status    int           // answer everything with this code when set
	delay     time.Duration // wait before answering
}

type recorded struct {
	Method, Path, Auth, ContentType string
	Body                            map[string]any
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	if b, _ := io.ReadAll(r.Body); len(b) > 0 {
		_ = json.Unmarshal(b, &rec.Body)
	}
	f.requests = append(f.requests, rec)
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte(`{"kind":"Status","message":"denied by the fake"}`))
		return
	}
	switch r.Method {
	case http.MethodGet:
		_ = json.NewEncoder(w).Encode(f.obj)
	case http.MethodPut:
		if f.conflicts > 0 {
			f.conflicts--
			// Someone else updated the object meanwhile.
			meta := f.obj["metadata"].(map[string]any)
			meta["resourceVersion"] = meta["resourceVersion"].(string) + "x"
			w.WriteHeader(http.StatusConflict)
			return
		}
		if rec.Body["metadata"].(map[string]any)["resourceVersion"] != f.obj["metadata"].(map[string]any)["resourceVersion"] {
			w.WriteHeader(http.StatusConflict)
			return
		}
		f.obj = rec.Body
		_ = json.NewEncoder(w).Encode(f.obj)
	}
}

// newTLSAPI starts the fake behind TLS with a certificate from a CA generated for the test, and
// returns the CA bundle a client must trust.
func newTLSAPI(t *testing.T, f *fakeAPI) (*httptest.Server, []byte) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kubernetes"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(f)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func appObject() map[string]any {
	return map[string]any{
		"apiVersion": "marketplace.kratix.io/v1", "kind": "App",
		"metadata": map[string]any{"name": "todo", "namespace": "team-a", "resourceVersion": "7"},
		"spec":     map[string]any{"image": "todo:1"},
		"status": map[string]any{"message": "Pending", "endpoint": "todo.local",
			"conditions": []any{map[string]any{"type": "ConfigureWorkflowCompleted", "status": "False", "reason": "PipelinesInProgress"}}},
	}
}

var resourceEnv = sdk.Env{WorkflowType: "resource", WorkflowAction: "configure", ObjectGroup: "marketplace.kratix.io", ObjectVersion: "v1",
	ObjectName: "todo", ObjectNamespace: "team-a", CRDPlural: "apps"}

func publishTo(t *testing.T, f *fakeAPI, env sdk.Env, values map[string]any) error {
	srv, ca := newTLSAPI(t, f)
	return WithConfig(context.Background(), APIConfig{Host: srv.URL, Token: "s3cr3t", CA: ca, Timeout: 2 * time.Second}, env, nil, values)
}

func TestPublishMergesConditionsByTypeAndKeepsTheRest(t *testing.T) {
	f := &fakeAPI{obj: appObject()}
	err := publishTo(t, f, resourceEnv, map[string]any{
		"message":    "waiting for approval",
		"conditions": []sdk.Condition{{Type: "Approved", Status: "False", Reason: "Waiting"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []recorded{
		{Method: "GET", Path: "/apis/marketplace.kratix.io/v1/namespaces/team-a/apps/todo/status", Auth: "Bearer s3cr3t"},
		{Method: "PUT", Path: "/apis/marketplace.kratix.io/v1/namespaces/team-a/apps/todo/status", Auth: "Bearer s3cr3t", ContentType: "application/json"},
	}
	got := f.requests
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Body" }, cmp.Ignore())); diff != "" {
		t.Fatalf("requests -want +got:\n%s", diff)
	}
	wantStatus := map[string]any{"message": "waiting for approval", "endpoint": "todo.local", "conditions": []any{
		map[string]any{"type": "ConfigureWorkflowCompleted", "status": "False", "reason": "PipelinesInProgress"},
		map[string]any{"type": "Approved", "status": "False", "reason": "Waiting"},
	}}
	if diff := cmp.Diff(wantStatus, got[1].Body["status"]); diff != "" {
		t.Errorf("PUT status -want +got (Kratix's condition must survive):\n%s", diff)
	}
	if rv := got[1].Body["metadata"].(map[string]any)["resourceVersion"]; rv != "7" {
		t.Errorf("PUT must carry the resourceVersion it read, got %v", rv)
	}
}

func TestPublishURLs(t *testing.T) {
	cases := []struct {
		reason string
		env    sdk.Env
		want   string
	}{
		{"a namespaced request", resourceEnv, "/apis/marketplace.kratix.io/v1/namespaces/team-a/apps/todo/status"},
		{"a cluster-scoped Promise", sdk.Env{ObjectGroup: "platform.kratix.io", ObjectVersion: "v1alpha1", ObjectName: "app", CRDPlural: "promises", ClusterScoped: true},
			"/apis/platform.kratix.io/v1alpha1/promises/app/status"},
		{"the core group", sdk.Env{ObjectVersion: "v1", ObjectName: "x", ObjectNamespace: "ns", CRDPlural: "configmaps"}, "/api/v1/namespaces/ns/configmaps/x/status"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			got, err := objectURL("https://h:443", tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("https://h:443"+tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
	if _, err := objectURL("https://h", sdk.Env{ObjectVersion: "v1", ObjectName: "x", CRDPlural: "apps"}); err == nil || !strings.Contains(err.Error(), "KRATIX_OBJECT_NAMESPACE") {
		t.Errorf("a namespaced object without namespace must name the variable, got %v", err)
	}
}

func TestPublishRetriesConflictsThenGivesUp(t *testing.T) {
	f := &fakeAPI{obj: appObject(), conflicts: 2}
	if err := publishTo(t, f, resourceEnv, map[string]any{"message": "x"}); err != nil {
		t.Fatalf("two conflicts must be retried: %v", err)
	}
	if len(f.requests) != 6 {
		t.Errorf("want GET+PUT three times, got %d requests", len(f.requests))
	}
	f = &fakeAPI{obj: appObject(), conflicts: 100}
	err := publishTo(t, f, resourceEnv, map[string]any{"message": "x"})
	if err == nil || !strings.Contains(err.Error(), "conflicts") {
		t.Fatalf("want a bounded retry error, got %v", err)
	}
	if len(f.requests) != 12 {
		t.Errorf("want 6 attempts (12 requests), got %d", len(f.requests))
	}
}

func TestPublishRefusesWhatStatusYAMLRefuses(t *testing.T) {
	for _, tc := range []struct {
		reason string
		values map[string]any
		want   string
	}{
		{"Kratix owns the kratix key", map[string]any{"kratix": map[string]any{}}, "kratix: the kratix key belongs to Kratix"},
		{"message is a string", map[string]any{"message": 3}, "message: must be a string"},
		{"conditions merge by type", map[string]any{"conditions": []any{map[string]any{"status": "True"}}}, "conditions[0].type: is required"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			f := &fakeAPI{obj: appObject()}
			err := publishTo(t, f, resourceEnv, tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			if len(f.requests) != 0 {
				t.Errorf("nothing may be sent for a refused status, got %d requests", len(f.requests))
			}
		})
	}
}

func TestPublishDryRunSendsNothing(t *testing.T) {
	f := &fakeAPI{obj: appObject()}
	env := resourceEnv
	env.DryRun = true
	if err := publishTo(t, f, env, map[string]any{"message": "x"}); err != nil {
		t.Fatal(err)
	}
	if len(f.requests) != 0 {
		t.Errorf("a dry run must send nothing, got %d requests", len(f.requests))
	}
}

func TestPublishErrorsSayWhatToCheck(t *testing.T) {
	for _, tc := range []struct {
		reason string
		code   int
		want   []string
	}{
		{"403 shows the RBAC a Promise needs", http.StatusForbidden, []string{"forbidden", "rbac:", "permissions:", "apiGroups: [marketplace.kratix.io]", "resources: [apps/status]", "verbs: [get, update]"}},
		{"404 says what may not match", http.StatusNotFound, []string{"not found", "KRATIX_CRD_PLURAL"}},
		{"401 blames the token", http.StatusUnauthorized, []string{"rejected the service account token"}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			err := publishTo(t, &fakeAPI{obj: appObject(), status: tc.code}, resourceEnv, map[string]any{"message": "x"})
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestPublishTimesOut(t *testing.T) {
	f := &fakeAPI{obj: appObject(), delay: 500 * time.Millisecond}
	srv, ca := newTLSAPI(t, f)
	err := WithConfig(context.Background(), APIConfig{Host: srv.URL, Token: "t", CA: ca, Timeout: 100 * time.Millisecond}, resourceEnv, nil, map[string]any{"message": "x"})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("want a timeout error, got %v", err)
	}
}

func TestPublishRejectsAServerItDoesNotTrust(t *testing.T) {
	f := &fakeAPI{obj: appObject()}
	srv, _ := newTLSAPI(t, f)
	_, otherCA := newTLSAPI(t, &fakeAPI{})
	err := WithConfig(context.Background(), APIConfig{Host: srv.URL, Token: "t", CA: otherCA, Timeout: time.Second}, resourceEnv, nil, map[string]any{"message": "x"})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("want a certificate error, got %v", err)
	}
}

func TestInClusterConfig(t *testing.T) {
	dir := t.TempDir()
	env := sdk.MapEnv(map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"})
	if _, err := InClusterConfig(env, dir, os.ReadFile); err == nil || !strings.Contains(err.Error(), "automountServiceAccountToken is off") {
		t.Errorf("no token: want the automount hint, got %v", err)
	}
	_ = os.WriteFile(filepath.Join(dir, "token"), []byte("tok\n"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "ca.crt"), []byte("pem"), 0o600)
	cfg, err := InClusterConfig(env, dir, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(APIConfig{Host: "https://10.0.0.1:443", Token: "tok", CA: []byte("pem")}, cfg); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if _, err := InClusterConfig(sdk.MapEnv(nil), dir, os.ReadFile); err == nil || !strings.Contains(err.Error(), "not running in a pod") {
		t.Errorf("no service host: want 'not running in a pod', got %v", err)
	}
}

func TestStatusInADryRunNeedsNoCluster(t *testing.T) {
	env := resourceEnv
	env.DryRun = true
	k := sdk.New(context.Background(), nil, env, nil)
	if err := Status(k, map[string]any{"message": "x"}); err != nil {
		t.Fatalf("a dry run must skip publishing, got %v", err)
	}
	env.DryRun = false
	k = sdk.New(context.Background(), nil, env, nil)
	if err := Status(k, map[string]any{"message": "x"}); err == nil || !strings.Contains(err.Error(), "not running in a pod") {
		t.Fatalf("outside a pod: want a clear error, got %v", err)
	}
}
