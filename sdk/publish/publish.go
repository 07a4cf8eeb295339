// Package publish writes a status to the live object through the Kubernetes API while a stage
// runs, so a long stage (waiting for an approval, provisioning something slow) shows progress
// before the pipeline ends. It uses only net/http and encoding/json: no client-go, which is most
// of the official Go SDK's 55 MB. It lives apart from package sdk so that stages that never
// publish do not link an HTTP and TLS stack.
//
//	err := publish.Status(k, map[string]any{"message": "waiting for approval"})
package publish

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/stagekit/stagekit/sdk"
)

// The service account files a pod gets when automountServiceAccountToken is on.
const (
	ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"
	tokenFile         = "token"
	caFile            = "ca.crt"
)

// APIConfig is how to reach the Kubernetes API server.
type APIConfig struct {
	Host    string // https://host:port
	Token   string // bearer token
	CA      []byte // PEM bundle the server certificate must chain to
	Timeout time.Duration
	// Conflicts is how many times an update that lost a race (409) is retried from a fresh read.
	Conflicts int
	// Client overrides the HTTP client (tests); its transport must trust CA itself.
	Client *http.Client
}

// InClusterConfig reads the pod's service account (token and CA bundle under dir, usually
// ServiceAccountDir) and KUBERNETES_SERVICE_HOST/_PORT. Errors say what to check.
func InClusterConfig(lookup sdk.LookupFunc, dir string, read func(string) ([]byte, error)) (APIConfig, error) {
	host, _ := lookup("KUBERNETES_SERVICE_HOST")
	port, _ := lookup("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return APIConfig{}, errors.New("cannot publish status: KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set (not running in a pod)")
	}
	tok, err := read(dir + "/" + tokenFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return APIConfig{}, fmt.Errorf("cannot publish status: no service account token at %s/%s: not running in a pod, or automountServiceAccountToken is off", dir, tokenFile)
		}
		return APIConfig{}, fmt.Errorf("cannot publish status: reading the service account token: %v", err)
	}
	ca, err := read(dir + "/" + caFile)
	if err != nil {
		return APIConfig{}, fmt.Errorf("cannot publish status: reading the cluster CA bundle %s/%s: %v", dir, caFile, err)
	}
	return APIConfig{Host: "https://" + net.JoinHostPort(host, port), Token: strings.TrimSpace(string(tok)), CA: ca}, nil
}

// Status merges values into the live object's status now, so a long stage can show progress
// before the pipeline ends. It reads the object, merges the way the status-writer does (each
// top-level key replaced; conditions merged by type, so the conditions Kratix keeps are not
// wiped as a JSON merge patch would), and writes the status subresource with the object's
// resourceVersion, retrying a bounded number of times on conflict. The same rules as
// status.yaml apply (no kratix key, typed known fields). In a dry run nothing is sent.
func Status(k *sdk.Kratix, values map[string]any) error {
	if k.Env.DryRun {
		k.Log.Info("dry run: status not published (publishing talks to the cluster, a side effect)")
		return nil
	}
	cfg, err := InClusterConfig(k.Env.Lookup, ServiceAccountDir, os.ReadFile)
	if err != nil {
		return err
	}
	return WithConfig(k.Context(), cfg, k.Env, k.Log, values)
}

// WithConfig is Status with an explicit API configuration.
func WithConfig(ctx context.Context, cfg APIConfig, env sdk.Env, log *slog.Logger, values map[string]any) error {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if env.DryRun {
		log.Info("dry run: status not published (publishing talks to the cluster, a side effect)")
		return nil
	}
	gen, err := sdk.CheckStatus(values)
	if err != nil {
		return err
	}
	u, err := objectURL(cfg.Host, env)
	if err != nil {
		return err
	}
	client, err := cfg.client()
	if err != nil {
		return err
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	retries := cfg.Conflicts
	if retries == 0 {
		retries = 5
	}
	a := apiCall{client: client, token: cfg.Token, url: u, env: env}
	for attempt := 0; ; attempt++ {
		obj, err := a.do(ctx, http.MethodGet, nil)
		if err != nil {
			return err
		}
		status, _ := obj["status"].(map[string]any)
		obj["status"] = sdk.MergeStatus(status, gen)
		body, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		_, err = a.do(ctx, http.MethodPut, body)
		var conflict errConflict
		if errors.As(err, &conflict) && attempt < retries {
			log.Debug("status update conflicted; reading the object again", "attempt", attempt+1)
			continue
		}
		if errors.As(err, &conflict) {
			return fmt.Errorf("cannot publish status to %s: the object kept changing (%d conflicts); try again later", u, attempt+1)
		}
		if err == nil {
			log.Info("published status", "keys", strings.Join(keys(gen), ","))
		}
		return err
	}
}

func objectURL(host string, env sdk.Env) (string, error) {
	var missing []string
	for _, v := range []struct{ name, val string }{
		{"KRATIX_OBJECT_VERSION", env.ObjectVersion}, {"KRATIX_CRD_PLURAL", env.CRDPlural}, {"KRATIX_OBJECT_NAME", env.ObjectName},
	} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if !env.ClusterScoped && env.ObjectNamespace == "" {
		missing = append(missing, "KRATIX_OBJECT_NAMESPACE (the object is not cluster-scoped)")
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("cannot publish status: %s not set; Kratix sets them in a pipeline pod", strings.Join(missing, ", "))
	}
	base := "/apis/" + url.PathEscape(env.ObjectGroup) + "/" + url.PathEscape(env.ObjectVersion)
	if env.ObjectGroup == "" {
		base = "/api/" + url.PathEscape(env.ObjectVersion)
	}
	if !env.ClusterScoped {
		base += "/namespaces/" + url.PathEscape(env.ObjectNamespace)
	}
	return strings.TrimSuffix(host, "/") + base + "/" + url.PathEscape(env.CRDPlural) + "/" + url.PathEscape(env.ObjectName) + "/status", nil
}

func (cfg APIConfig) client() (*http.Client, error) {
	if cfg.Client != nil {
		return cfg.Client, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(cfg.CA) {
		return nil, errors.New("cannot publish status: the cluster CA bundle holds no PEM certificate")
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		Proxy:           http.ProxyFromEnvironment,
	}}, nil
}

type errConflict struct{}

func (errConflict) Error() string { return "conflict" }

type apiCall struct {
	client *http.Client
	token  string
	url    string
	env    sdk.Env
}

func (a apiCall) do(ctx context.Context, method string, body []byte) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, method, a.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("cannot publish status: timed out talking to the API server (%s %s)", method, a.url)
		}
		return nil, fmt.Errorf("cannot publish status: %s %s: %v", method, a.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("cannot publish status: reading the API server's answer: %v", err)
	}
	switch {
	case resp.StatusCode == http.StatusConflict:
		return nil, errConflict{}
	case resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("cannot publish status: %s %s is forbidden for the pipeline's service account (%s). Grant it in the Promise's pipeline:\n%s", method, a.url, apiMessage(data), rbacSnippet(a.env))
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, fmt.Errorf("cannot publish status: the API server rejected the service account token (%s)", apiMessage(data))
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("cannot publish status: %s not found: the object was deleted, or KRATIX_OBJECT_GROUP/_VERSION/_NAME/_NAMESPACE and KRATIX_CRD_PLURAL do not name it (%s)", a.url, apiMessage(data))
	case resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("cannot publish status: %s %s: %s (%s)", method, a.url, resp.Status, apiMessage(data))
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("cannot publish status: the API server's answer is not a JSON object: %v", err)
	}
	return obj, nil
}

// apiMessage extracts the message of a Kubernetes Status answer.
func apiMessage(data []byte) string {
	var st struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &st) == nil && st.Message != "" {
		return st.Message
	}
	s := strings.TrimSpace(string(data))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func rbacSnippet(env sdk.Env) string {
	group := env.ObjectGroup
	if group == "" {
		group = `""`
	}
	return fmt.Sprintf(`  spec:
    rbac:
      permissions:
        - apiGroups: [%s]
          resources: [%s/status]
          verbs: [get, update]`, group, env.CRDPlural)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
