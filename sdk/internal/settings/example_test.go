package settings_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/stagekit/stagekit/sdk/internal/settings"
)

func Example() {
	type Config struct {
		MinReplicas int           `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have"`
		Kinds       []string      `env:"KINDS" default:"Deployment" help:"apps workloads to raise (comma-separated)"`
		Source      string        `env:"MODULE_SOURCE" required:"true" help:"where the module lives"`
		Timeout     time.Duration `env:"TIMEOUT" default:"30s" help:"how long to wait"`
	}
	// What a Promise sets; in a test, a map rather than the process environment.
	env := map[string]string{
		"KRATIX_OBJECT_NAME": "db",
		"MODULE_SOURCE":      "git::https://example.com/modules/$(KRATIX_OBJECT_NAME)",
		"KINDS":              "Deployment, StatefulSet",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	var cfg Config
	common, err := settings.Parse([]string{"--min-replicas", "3", "--log-level=debug"}, lookup, &cfg)
	if errors.Is(err, settings.ErrHelp) {
		settings.Usage(os.Stdout, "replica-migration", "Raises replica counts.", &cfg)
		return
	}
	if err != nil {
		fmt.Println(err) // and exit 2
		return
	}
	fmt.Printf("%+v\n", cfg)
	fmt.Println(common.KratixDir, common.LogFormat, common.LogLevel)

	_, err = settings.Parse([]string{"--min-replicas=two"}, func(string) (string, bool) { return "", false }, &cfg)
	fmt.Println(err)
	// Output:
	// {MinReplicas:3 Kinds:[Deployment StatefulSet] Source:git::https://example.com/modules/db Timeout:30s}
	// /kratix text DEBUG
	// MIN_REPLICAS (--min-replicas): "two" is not an integer
	// MODULE_SOURCE (--module-source) is required: where the module lives
}
