// Package settings reads a stage's configuration from environment variables and flags,
// declared once on a struct with tags.
//
// Why: a Kratix stage is configured only through its container's env and args (there is no
// function-config object), a platform engineer sets env in the Promise, and a stage author runs
// the same binary on a laptop with flags. One declaration gives both, the --help text and the
// README table, so they cannot drift apart:
//
//	type Config struct {
//		MinReplicas int               `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have"`
//		Kinds       []string          `env:"KINDS" default:"Deployment" help:"apps workloads to raise (comma-separated)"`
//		Mode        string            `env:"MODE" default:"fail" enum:"fail,remove" help:"what to do with a low count"`
//		Source      string            `env:"MODULE_SOURCE" required:"true" help:"where the module lives"`
//		Timeout     time.Duration     `env:"TIMEOUT" default:"30s" help:"how long to wait"`
//		Labels      map[string]string `env:"LABELS" help:"extra labels, key=value,key2=value2"`
//	}
//
// which a Promise sets as
//
//	containers:
//	  - name: raise-replicas
//	    image: ghcr.io/stagekit/replica-migration
//	    env:
//	      - {name: MIN_REPLICAS, value: "3"}
//	      - {name: MODULE_SOURCE, value: "git::https://example.com/$(KRATIX_OBJECT_NAME)"}
//
// and a local run as `replica-migration --min-replicas 3 --module-source ./mod`.
//
// Rules:
//
//   - Tags: env (the name; a field without it is ignored, as are unexported fields), flag
//     (defaults to the env name in lower case with - for _: MIN_REPLICAS is --min-replicas),
//     default, help, required:"true", enum:"a,b" (matched case-insensitively, stored as
//     written in the tag), empty:"allowed" (see below).
//   - Precedence: flag, else environment variable, else default. A flag always wins, whatever
//     the environment variable holds. A field nothing sets keeps the value it had before Parse.
//   - Empty values, the same rule for every kind: an environment variable set to the empty
//     string counts as unset (a Promise template that leaves a value blank gets the default; a
//     required setting is reported missing), and a flag given an empty value is an error, since
//     a flag wins and cannot fall back. A setting tagged empty:"allowed" takes "" as a value
//     from either, to switch something off (replica-migration's STATUS_FIELD=""): the empty
//     string, or a list or map with no items. Only an optional string (not an enum), list or
//     map may carry the tag. Blanks are not empty: "  " is a value.
//   - Kinds: string, bool, every int kind, float64, time.Duration, []string (comma-separated,
//     items trimmed, empty items dropped), map[string]string (k=v,k2=v2 trimmed, or a JSON
//     object when the value starts with "{"), and any type whose pointer implements
//     encoding.TextUnmarshaler.
//   - Values, defaults included, go through [Expand]: $(KRATIX_OBJECT_NAME) is replaced the way
//     Kubernetes would in a pod, for local runs where nobody did.
//   - Every problem is reported at once, each naming the env var and the flag, the bad value
//     and what was expected, so a misconfigured stage (exit code 2) is fixed in one go.
//   - Every stage also has the [Common] settings: KRATIX_DIR, LOG_FORMAT, LOG_LEVEL,
//     ROLLOUT_SELECTOR and ROLLOUT_PERCENT.
//
// Flags are written --name=value, --name value, -name value, or a bare --name for a bool.
// -h, -help and --help make [Parse] return [ErrHelp].
package settings
