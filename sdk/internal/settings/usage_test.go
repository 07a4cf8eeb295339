package settings

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUsage(t *testing.T) {
	var b strings.Builder
	Usage(&b, "replica-migration", "Raises the replica count of apps workloads.", &config{})
	want := `Usage: replica-migration [--flag value]...

Raises the replica count of apps workloads.

Each setting is read from its flag, else its environment variable, else its default.

Settings:
  MIN_REPLICAS      --min-replicas int                 lowest replica count a workload may have (default 2)
  KINDS             --kinds list                       apps workloads to raise (comma-separated) (default Deployment)
  MODE              --mode fail|remove                 what to do with a low count (default fail)
  MODULE_SOURCE     --module-source string             where the Terraform module lives (required)
  TIMEOUT           --timeout duration                 how long to wait (default 30s)
  LABELS            --labels map                       extra labels, key=value,key2=value2
  DRY_RUN           --dry-run bool                     change nothing
  BUDGET            --max-bytes int                    bytes to spend (default 1024)
  RATIO             --ratio number                     share of workloads (default 0.5)
  ADDR              --addr value                       an address (a TextUnmarshaler)

Common settings:
  KRATIX_DIR        --kratix-dir string                root of input/, output/ and metadata/; relocate it for local runs (default /kratix)
  LOG_FORMAT        --log-format text|json             log lines as text or as JSON (default text)
  LOG_LEVEL         --log-level debug|info|warn|error  lowest level of the log lines written (default info)
  ROLLOUT_SELECTOR  --rollout-selector string          act only on requests whose labels match this label selector (env=staging, tier in (web,api), !legacy); others keep their output
  ROLLOUT_PERCENT   --rollout-percent int              act only on this share (0-100) of requests, by a stable hash of namespace/name; raising it only adds requests (default 100)

-h, --help prints this help.
`
	if diff := cmp.Diff(strings.Split(want, "\n"), strings.Split(b.String(), "\n")); diff != "" {
		t.Errorf("Usage lines: -want +got:\n%s", diff)
	}
}

func TestDescribe(t *testing.T) {
	type cfg struct {
		Mode  string   `env:"MODE" default:"fail" enum:"fail, remove" help:"what to do"`
		Kinds []string `env:"KINDS" flag:"kind" required:"true"`
		//lint:ignore U1000 an unexported field with an env tag, which Describe must leave out
		skip string `env:"SKIP"`
		Bare string
	}
	want := []Setting{
		{Field: "Mode", Env: "MODE", Flag: "mode", Type: "fail|remove", Default: "fail", Help: "what to do", Enum: []string{"fail", "remove"}},
		{Field: "Kinds", Env: "KINDS", Flag: "kind", Type: "list", Required: true},
	}
	cases := []struct {
		reason string
		cfg    any
		want   []Setting
	}{
		{"a struct", cfg{}, want},
		{"a pointer to a struct", &cfg{}, want},
		{"not a struct", 3, nil},
		{"nil", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Describe(tc.cfg)); diff != "" {
				t.Errorf("Describe: -want +got:\n%s", diff)
			}
		})
	}
}
