package settings

import (
	"errors"
	"log/slog"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// config declares one setting of every supported kind.
type config struct {
	MinReplicas int               `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have"`
	Kinds       []string          `env:"KINDS" default:"Deployment" help:"apps workloads to raise (comma-separated)"`
	Mode        string            `env:"MODE" default:"fail" enum:"fail,remove" help:"what to do with a low count"`
	Source      string            `env:"MODULE_SOURCE" required:"true" help:"where the Terraform module lives"`
	Timeout     time.Duration     `env:"TIMEOUT" default:"30s" help:"how long to wait"`
	Labels      map[string]string `env:"LABELS" help:"extra labels, key=value,key2=value2"`
	DryRun      bool              `env:"DRY_RUN" help:"change nothing"`
	Budget      int64             `env:"BUDGET" flag:"max-bytes" default:"1024" help:"bytes to spend"`
	Ratio       float64           `env:"RATIO" default:"0.5" help:"share of workloads"`
	Addr        netip.Addr        `env:"ADDR" help:"an address (a TextUnmarshaler)"`

	Ignored  string // no env tag
	internal string `env:"INTERNAL"`
}

// defaults is config as Parse fills it from its defaults and a module source.
func defaults() config {
	return config{MinReplicas: 2, Kinds: []string{"Deployment"}, Mode: "fail", Source: "./mod",
		Timeout: 30 * time.Second, Budget: 1024, Ratio: 0.5}
}

func TestParseValues(t *testing.T) {
	cases := []struct {
		reason string
		args   []string
		env    map[string]string
		want   func(*config)
	}{
		{"defaults fill what nothing sets", nil, nil, func(*config) {}},
		{"env beats default", nil, map[string]string{"MIN_REPLICAS": "3"}, func(c *config) { c.MinReplicas = 3 }},
		{"flag beats env", []string{"--min-replicas", "4"}, map[string]string{"MIN_REPLICAS": "3"}, func(c *config) { c.MinReplicas = 4 }},
		{"--flag=value", []string{"--min-replicas=5"}, nil, func(c *config) { c.MinReplicas = 5 }},
		{"-flag value", []string{"-min-replicas", "6"}, nil, func(c *config) { c.MinReplicas = 6 }},
		{"-flag=value", []string{"-min-replicas=7"}, nil, func(c *config) { c.MinReplicas = 7 }},
		{"the last repeated flag wins", []string{"--min-replicas=1", "--min-replicas=8"}, nil, func(c *config) { c.MinReplicas = 8 }},
		{"a negative value after a flag is its value", []string{"--min-replicas", "-1"}, nil, func(c *config) { c.MinReplicas = -1 }},
		{"a bare bool flag is true", []string{"--dry-run"}, nil, func(c *config) { c.DryRun = true }},
		{"a bool flag takes =false", []string{"--dry-run=false"}, map[string]string{"DRY_RUN": "true"}, func(c *config) {}},
		{"a bool env", nil, map[string]string{"DRY_RUN": "TRUE"}, func(c *config) { c.DryRun = true }},
		{"an empty env var counts as unset for numbers and enums", nil, map[string]string{"MIN_REPLICAS": "", "MODE": ""}, func(*config) {}},
		{"numbers are trimmed", nil, map[string]string{"MIN_REPLICAS": " 3 "}, func(c *config) { c.MinReplicas = 3 }},
		{"the flag tag overrides the derived name", []string{"--max-bytes", "9"}, nil, func(c *config) { c.Budget = 9 }},
		{"a list is trimmed and drops empty items", nil, map[string]string{"KINDS": " Deployment, StatefulSet,,DaemonSet ,"}, func(c *config) {
			c.Kinds = []string{"Deployment", "StatefulSet", "DaemonSet"}
		}},
		{"a map of key=value pairs, trimmed", nil, map[string]string{"LABELS": "team = a, tier=db,, empty="}, func(c *config) {
			c.Labels = map[string]string{"team": "a", "tier": "db", "empty": ""}
		}},
		{"a map value may hold =", nil, map[string]string{"LABELS": "q=a=b"}, func(c *config) { c.Labels = map[string]string{"q": "a=b"} }},
		{"a map as a JSON object", nil, map[string]string{"LABELS": ` {"a,b": "c=d"}`}, func(c *config) { c.Labels = map[string]string{"a,b": "c=d"} }},
		{"an enum matches case-insensitively and is stored as the tag spells it", nil, map[string]string{"MODE": "Remove"}, func(c *config) { c.Mode = "remove" }},
		{"a duration", []string{"--timeout", "1m30s"}, nil, func(c *config) { c.Timeout = 90 * time.Second }},
		{"a float", []string{"--ratio=0.25"}, nil, func(c *config) { c.Ratio = 0.25 }},
		{"a TextUnmarshaler", nil, map[string]string{"ADDR": "10.0.0.1"}, func(c *config) { c.Addr = netip.MustParseAddr("10.0.0.1") }},
		{"platform references are expanded in env values", nil, map[string]string{"MODULE_SOURCE": "git::x/$(KRATIX_OBJECT_NAME)", "KRATIX_OBJECT_NAME": "db"}, func(c *config) {
			c.Source = "git::x/db"
		}},
		{"platform references are expanded in flags", []string{"--module-source", "$(KRATIX_OBJECT_NAME)"}, map[string]string{"KRATIX_OBJECT_NAME": "db"}, func(c *config) {
			c.Source = "db"
		}},
		{"a reference to an unset variable is left as is", []string{"--module-source", "x/$(KRATIX_OBJECT_NAME)"}, nil, func(c *config) {
			c.Source = "x/$(KRATIX_OBJECT_NAME)"
		}},
		{"$$ escapes a reference", []string{"--module-source", "$$(KRATIX_OBJECT_NAME)"}, map[string]string{"KRATIX_OBJECT_NAME": "db"}, func(c *config) {
			c.Source = "$(KRATIX_OBJECT_NAME)"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			env := map[string]string{"MODULE_SOURCE": "./mod"}
			for k, v := range tc.env {
				env[k] = v
			}
			want := defaults()
			tc.want(&want)
			got := config{Ignored: "kept", internal: "kept"}
			want.Ignored, want.internal = "kept", "kept"
			if _, err := Parse(tc.args, mapLookup(env), &got); err != nil {
				t.Fatalf("Parse(%q): %v", tc.args, err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(config{}), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("Parse(%q): -want +got:\n%s", tc.args, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		reason string
		args   []string
		env    map[string]string
		want   []string // the lines of the error
	}{
		{"a bad int", nil, map[string]string{"MIN_REPLICAS": "two"}, []string{
			`MIN_REPLICAS (--min-replicas): "two" is not an integer`}},
		{"an int out of range", nil, map[string]string{"MIN_REPLICAS": "99999999999999999999"}, []string{
			`MIN_REPLICAS (--min-replicas): "99999999999999999999" is out of range for a 64-bit integer`}},
		{"a bad bool", nil, map[string]string{"DRY_RUN": "yes"}, []string{
			`DRY_RUN (--dry-run): "yes" is not a boolean (true or false)`}},
		{"a bad duration", []string{"--timeout=30"}, nil, []string{
			`TIMEOUT (--timeout): "30" is not a duration (like 30s, 5m or 1h30m)`}},
		{"a bad float", []string{"--ratio=half"}, nil, []string{
			`RATIO (--ratio): "half" is not a number`}},
		{"a bad TextUnmarshaler", []string{"--addr=nowhere"}, nil, []string{
			`ADDR (--addr): "nowhere" is not valid: ParseAddr("nowhere"): unable to parse IP`}},
		{"a missing required setting", nil, map[string]string{"MODULE_SOURCE": ""}, []string{
			`MODULE_SOURCE (--module-source) is required: where the Terraform module lives`}},
		{"a required setting given empty by flag", []string{"--module-source="}, nil, []string{
			`MODULE_SOURCE (--module-source) is required: where the Terraform module lives`}},
		{"a bad enum", nil, map[string]string{"MODE": "delete"}, []string{
			`MODE (--mode): "delete" is not one of fail, remove`}},
		{"a bad common enum", nil, map[string]string{"LOG_LEVEL": "loud", "LOG_FORMAT": "xml"}, []string{
			`LOG_FORMAT (--log-format): "xml" is not one of text, json`,
			`LOG_LEVEL (--log-level): "loud" is not one of debug, info, warn, error`}},
		{"an unknown flag", []string{"--replicas=3"}, nil, []string{
			`unknown flag --replicas (see --help)`}},
		{"a positional argument", []string{"extra"}, nil, []string{
			`unexpected argument "extra": settings are flags or environment variables`}},
		{"arguments after --", []string{"--", "--mode"}, nil, []string{
			`unexpected argument "--mode": settings are flags or environment variables`}},
		{"a flag without its value", []string{"--mode"}, nil, []string{
			`MODE (--mode): flag needs a value`}},
		{"a map item without =", nil, map[string]string{"LABELS": "a=b,c"}, []string{
			`LABELS (--labels): "a=b,c" is not a list of key=value pairs: "c" has no =`}},
		{"a map item without a key", nil, map[string]string{"LABELS": "=b"}, []string{
			`LABELS (--labels): "=b" is not a list of key=value pairs: "=b" has no key`}},
		{"a map key given twice", nil, map[string]string{"LABELS": "a=1,a=2"}, []string{
			`LABELS (--labels): "a=1,a=2" gives the key "a" twice`}},
		{"a map as bad JSON", nil, map[string]string{"LABELS": `{"a":1}`}, []string{
			`LABELS (--labels): "{\"a\":1}" is not a JSON object of strings: json: cannot unmarshal number into Go value of type string`}},
		{"every problem at once, args first then in field order", []string{"--nope", "--timeout", "soon"},
			map[string]string{"MIN_REPLICAS": "two", "MODULE_SOURCE": "", "MODE": "delete"}, []string{
				`unknown flag --nope (see --help)`,
				`MIN_REPLICAS (--min-replicas): "two" is not an integer`,
				`MODE (--mode): "delete" is not one of fail, remove`,
				`MODULE_SOURCE (--module-source) is required: where the Terraform module lives`,
				`TIMEOUT (--timeout): "soon" is not a duration (like 30s, 5m or 1h30m)`}},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			env := map[string]string{"MODULE_SOURCE": "./mod"}
			for k, v := range tc.env {
				env[k] = v
			}
			var cfg config
			_, err := Parse(tc.args, mapLookup(env), &cfg)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want errors %q", tc.args, tc.want)
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("Parse(%q) error lines: -want +got:\n%s", tc.args, diff)
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"--unknown", "bad", "--help"}} {
		var cfg config
		if _, err := Parse(args, mapLookup(nil), &cfg); !errors.Is(err, ErrHelp) {
			t.Errorf("Parse(%q) = %v, want ErrHelp even beside other problems", args, err)
		}
	}
}

func TestParseCommon(t *testing.T) {
	cases := []struct {
		reason string
		args   []string
		env    map[string]string
		want   Common
	}{
		{"defaults", nil, nil, Common{KratixDir: "/kratix", LogFormat: "text", LogLevel: slog.LevelInfo, RolloutPercent: 100}},
		{"from env", nil, map[string]string{"KRATIX_DIR": "/tmp/k", "LOG_FORMAT": "json", "LOG_LEVEL": "debug", "ROLLOUT_SELECTOR": "env=staging", "ROLLOUT_PERCENT": "10"},
			Common{KratixDir: "/tmp/k", LogFormat: "json", LogLevel: slog.LevelDebug, RolloutSelector: "env=staging", RolloutPercent: 10}},
		{"flags beat env, levels ignore case", []string{"--kratix-dir", "./k", "--log-level=WARN", "--rollout-percent", "20"}, map[string]string{"KRATIX_DIR": "/tmp/k", "ROLLOUT_PERCENT": "10"},
			Common{KratixDir: "./k", LogFormat: "text", LogLevel: slog.LevelWarn, RolloutPercent: 20}},
		{"error level", []string{"--log-level=error"}, nil, Common{KratixDir: "/kratix", LogFormat: "text", LogLevel: slog.LevelError, RolloutPercent: 100}},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			env := map[string]string{"MODULE_SOURCE": "./mod"}
			for k, v := range tc.env {
				env[k] = v
			}
			var cfg config
			got, err := Parse(tc.args, mapLookup(env), &cfg)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q): -want +got:\n%s", tc.args, diff)
			}
		})
	}
}

func TestParseStructWithoutSettings(t *testing.T) {
	var cfg struct{}
	c, err := Parse([]string{"--log-format", "json"}, nil, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.LogFormat != "json" {
		t.Errorf("LogFormat = %q, want json", c.LogFormat)
	}
}

func TestParseProgrammingErrors(t *testing.T) {
	type unsupported struct {
		C chan int `env:"C"`
	}
	type platformPrefix struct {
		X string `env:"KRATIX_X"`
	}
	type duplicateEnv struct {
		A string `env:"A"`
		B string `env:"A"`
	}
	type duplicateFlag struct {
		A string `env:"A_B"`
		B string `env:"A_C" flag:"a-b"`
	}
	type commonClash struct {
		L string `env:"LOG_LEVEL"`
	}
	type helpClash struct {
		H bool `env:"H"`
	}
	type badDefault struct {
		N int `env:"N" default:"many"`
	}
	type requiredDefault struct {
		S string `env:"S" required:"true" default:"x"`
	}
	type defaultNotInEnum struct {
		S string `env:"S" enum:"a,b" default:"c"`
	}
	type emptyInt struct {
		N int `env:"N" empty:"allowed"`
	}
	type emptyEnum struct {
		S string `env:"S" enum:"a,b" empty:"allowed"`
	}
	type emptyRequired struct {
		S string `env:"S" required:"true" empty:"allowed"`
	}
	type emptyMisspelt struct {
		S string `env:"S" empty:"true"`
	}
	var s config
	cases := []struct {
		reason string
		cfg    any
		want   string
	}{
		{"nil", nil, "settings: Parse needs a non-nil pointer to a struct, got <nil>"},
		{"a struct, not a pointer", s, "settings: Parse needs a non-nil pointer to a struct, got settings.config"},
		{"a nil pointer", (*config)(nil), "settings: Parse needs a non-nil pointer to a struct, got *settings.config"},
		{"a pointer to a non-struct", new(int), "settings: Parse needs a non-nil pointer to a struct, got *int"},
		{"an unsupported type", &unsupported{}, "settings: field settings.unsupported.C: unsupported type chan int"},
		{"the platform's prefix", &platformPrefix{}, "settings: field settings.platformPrefix.X: env KRATIX_X uses the platform's prefix KRATIX_"},
		{"a duplicate env", &duplicateEnv{}, "settings: field settings.duplicateEnv.B: env A is also field A"},
		{"a duplicate flag", &duplicateFlag{}, "settings: field settings.duplicateFlag.B: flag --a-b is also field A"},
		{"a common setting redeclared", &commonClash{}, "settings: field settings.commonClash.L: env LOG_LEVEL is also a common setting"},
		{"the help flag", &helpClash{}, "settings: field settings.helpClash.H: flag --h is also the help flag"},
		{"a default that does not parse", &badDefault{}, `settings: field settings.badDefault.N: default "many" is not an integer`},
		{"a required setting with a default", &requiredDefault{}, "settings: field settings.requiredDefault.S: required with a default"},
		{"a default outside the enum", &defaultNotInEnum{}, `settings: field settings.defaultNotInEnum.S: default "c" is not one of a, b`},
		{"empty allowed on a number, which has no empty value", &emptyInt{}, `settings: field settings.emptyInt.N: empty:"allowed" is for an optional string (not an enum), list or map`},
		{"empty allowed on an enum, which \"\" is not in", &emptyEnum{}, `settings: field settings.emptyEnum.S: empty:"allowed" is for an optional string (not an enum), list or map`},
		{"empty allowed on a required setting, which \"\" cannot satisfy", &emptyRequired{}, `settings: field settings.emptyRequired.S: empty:"allowed" is for an optional string (not an enum), list or map`},
		{"an empty tag with another value", &emptyMisspelt{}, `settings: field settings.emptyMisspelt.S: empty:"true": the tag's one value is "allowed"`},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := Parse(nil, mapLookup(nil), tc.cfg)
			if err == nil {
				t.Fatalf("Parse(%T) succeeded, want %q", tc.cfg, tc.want)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("Parse(%T) error: -want +got:\n%s", tc.cfg, diff)
			}
		})
	}
}

func TestRequiredWithoutHelp(t *testing.T) {
	var cfg struct {
		S string `env:"S" required:"true"`
	}
	_, err := Parse(nil, mapLookup(nil), &cfg)
	if diff := cmp.Diff("S (--s) is required", err.Error()); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestCommonDespiteProblems(t *testing.T) {
	var cfg config
	c, err := Parse([]string{"--log-format=json"}, mapLookup(nil), &cfg)
	if err == nil || c.LogFormat != "json" {
		t.Errorf("Parse = %+v, %v; want LogFormat json beside the missing MODULE_SOURCE", c, err)
	}
}

// What an empty value means is decided here, once, for every kind of setting: an env var set to
// "" is unset (the default applies), unless the setting is tagged empty:"allowed", for which ""
// is a value (replica-migration's STATUS_FIELD="" turns its status off); a flag given "" is that
// value, or an error; and a flag always wins over the env var, whatever either holds.
func TestEmptyValues(t *testing.T) {
	type emptyConfig struct {
		Field  string            `env:"STATUS_FIELD" default:"replicas" empty:"allowed" help:"status key; empty: none"`
		Text   string            `env:"MANAGED_BY" default:"kratix" help:"free text that needs a value"`
		Kinds  []string          `env:"KINDS" default:"Deployment" help:"kinds"`
		Skip   []string          `env:"SKIP" default:"Job" empty:"allowed" help:"kinds to skip; empty: none"`
		Labels map[string]string `env:"LABELS" default:"team=a" empty:"allowed" help:"labels; empty: none"`
		Count  int               `env:"COUNT" default:"2" help:"a number"`
		Mode   string            `env:"MODE" default:"fail" enum:"fail,remove" help:"an enum"`
		On     bool              `env:"ON" default:"true" help:"a boolean"`
		Wait   time.Duration     `env:"WAIT" default:"5s" help:"a duration"`
	}
	defaults := emptyConfig{Field: "replicas", Text: "kratix", Kinds: []string{"Deployment"}, Skip: []string{"Job"},
		Labels: map[string]string{"team": "a"}, Count: 2, Mode: "fail", On: true, Wait: 5 * time.Second}
	cases := []struct {
		reason string
		args   []string
		env    map[string]string
		want   func(*emptyConfig)
		errs   []string
	}{
		{"an empty env var is unset for every setting without the tag: the defaults apply", nil,
			map[string]string{"MANAGED_BY": "", "KINDS": "", "COUNT": "", "MODE": "", "ON": "", "WAIT": "", "KRATIX_DIR": "", "LOG_FORMAT": ""},
			func(*emptyConfig) {}, nil},
		{"an empty env var sets a setting tagged empty:\"allowed\" to its empty value", nil,
			map[string]string{"STATUS_FIELD": "", "SKIP": "", "LABELS": ""},
			func(c *emptyConfig) { c.Field, c.Skip, c.Labels = "", nil, nil }, nil},
		{"a flag wins over an empty env var", []string{"--status-field", "replicas"},
			map[string]string{"STATUS_FIELD": ""},
			func(*emptyConfig) {}, nil},
		{"a flag wins over an env var with a value", []string{"--status-field", "ready"},
			map[string]string{"STATUS_FIELD": "replicas"},
			func(c *emptyConfig) { c.Field = "ready" }, nil},
		{"an empty flag wins over an env var, where empty is allowed", []string{"--status-field="},
			map[string]string{"STATUS_FIELD": "ready"},
			func(c *emptyConfig) { c.Field = "" }, nil},
		{"an empty flag is an error where empty is not a value: it cannot fall back to the env var", []string{"--managed-by=", "--count=", "--kinds="},
			map[string]string{"MANAGED_BY": "platform"},
			nil, []string{
				"MANAGED_BY (--managed-by): the flag is given an empty value; give a value, or leave the flag out for the default kratix",
				"KINDS (--kinds): the flag is given an empty value; give a value, or leave the flag out for the default Deployment",
				"COUNT (--count): the flag is given an empty value; give a value, or leave the flag out for the default 2",
			}},
		{"blanks are not empty: free text keeps them", nil,
			map[string]string{"MANAGED_BY": " "},
			func(c *emptyConfig) { c.Text = " " }, nil},
		{"blanks are not empty: a number given blanks is refused, not defaulted", nil,
			map[string]string{"COUNT": " "},
			nil, []string{`COUNT (--count): " " is not an integer`}},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			cfg := emptyConfig{}
			common, err := Parse(tc.args, mapLookup(tc.env), &cfg)
			if tc.errs != nil {
				if err == nil {
					t.Fatalf("Parse succeeded with %+v, want errors %q", cfg, tc.errs)
				}
				if diff := cmp.Diff(tc.errs, strings.Split(err.Error(), "\n")); diff != "" {
					t.Errorf("errors -want +got:\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := defaults
			want.Kinds, want.Skip = slices.Clone(defaults.Kinds), slices.Clone(defaults.Skip)
			want.Labels = maps.Clone(defaults.Labels)
			tc.want(&want)
			if diff := cmp.Diff(want, cfg); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
			if common.KratixDir != "/kratix" || common.LogFormat != "text" {
				t.Errorf("the common settings did not get their defaults: %+v", common)
			}
		})
	}
}
