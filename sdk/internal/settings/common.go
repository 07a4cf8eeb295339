package settings

import (
	"log/slog"
	"strings"
)

// Common holds the settings every stage has, whatever its own Config declares.
type Common struct {
	KratixDir string     // KRATIX_DIR / --kratix-dir: the root holding input/, output/ and metadata/
	LogFormat string     // LOG_FORMAT / --log-format: "text" or "json"
	LogLevel  slog.Level // LOG_LEVEL / --log-level: the lowest level logged

	RolloutSelector string // ROLLOUT_SELECTOR / --rollout-selector: the requests of the wave, by label
	RolloutPercent  int    // ROLLOUT_PERCENT / --rollout-percent: the share of requests in the wave
}

// commonConfig declares the Common settings with the same tags a stage uses.
type commonConfig struct {
	KratixDir string `env:"KRATIX_DIR" default:"/kratix" help:"root of input/, output/ and metadata/; relocate it for local runs"`
	LogFormat string `env:"LOG_FORMAT" default:"text" enum:"text,json" help:"log lines as text or as JSON"`
	LogLevel  string `env:"LOG_LEVEL" default:"info" enum:"debug,info,warn,error" help:"lowest level of the log lines written"`

	RolloutSelector string `env:"ROLLOUT_SELECTOR" help:"act only on requests whose labels match this label selector (env=staging, tier in (web,api), !legacy); others keep their output"`
	RolloutPercent  int    `env:"ROLLOUT_PERCENT" default:"100" help:"act only on this share (0-100) of requests, by a stable hash of namespace/name; raising it only adds requests"`
}

func (c commonConfig) common() Common {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(strings.ToUpper(c.LogLevel))) // the enum allows only valid levels
	return Common{KratixDir: c.KratixDir, LogFormat: c.LogFormat, LogLevel: lvl,
		RolloutSelector: c.RolloutSelector, RolloutPercent: c.RolloutPercent}
}
