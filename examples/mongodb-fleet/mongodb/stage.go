// Package mongodb is the mongodb-configure stage of the mongodb-fleet example: it turns a MongoDB
// request, which asks only for a major version, into the MongoDB community operator's
// MongoDBCommunity resource at the exact version the Promise maps that major to, and reports the
// version in the request's status ("mongodb version: 6.0.10").
//
// The mapping is the stage's configuration in the Promise (VERSIONS=4=4.4.23,5=5.0.14,...), so
// upgrading the fleet is a one-line change of the Promise: Kratix re-runs every request, and
// each one whose major maps to a new version gets it.
package mongodb

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what the Promise sets on the container.
type Config struct {
	Versions map[string]string `env:"VERSIONS" required:"true" help:"the exact MongoDB version of each major version offered: 4=4.4.23,5=5.0.14,6=6.0.10"`
	Members  int               `env:"MEMBERS" default:"3" help:"replica set members of every database"`

	versions map[int64]string // VERSIONS by major version, made by Check
}

// Check checks the settings (exit 2 on a problem, every one reported).
func (cfg *Config) Check(sdk.Env) error {
	var problems []error
	var err error
	if cfg.versions, err = parseVersions(cfg.Versions); err != nil {
		problems = append(problems, err)
	}
	if cfg.Members < 1 {
		problems = append(problems, sdk.SettingErrorf("MEMBERS", "%d: a replica set needs at least one member", cfg.Members))
	}
	return errors.Join(problems...)
}

// Stage is mongodb-configure.
var Stage = sdk.Stage[Config]{
	Name:    "mongodb-configure",
	Summary: "writes the MongoDBCommunity resource of a MongoDB request at the exact version its major version maps to",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure},
	Run:     run,
}

func run(k *sdk.Kratix, cfg *Config) error {
	versions := cfg.versions
	obj, err := k.Object()
	if err != nil {
		return err
	}
	major, err := obj.GetInt("spec.majorVersion")
	if err != nil {
		return err
	}
	version, ok := versions[major]
	if !ok {
		return sdk.Errorf(obj.AtPath("spec.majorVersion"),
			"MongoDB %d is not offered: VERSIONS maps %s", major, offered(versions))
	}
	name, namespace := obj.Name(), obj.Namespace()
	file := fmt.Sprintf("mongodb_%s_%s.yaml", namespace, name)
	if err := k.Output.WriteObject(file, community(name, namespace, version, cfg.Members)); err != nil {
		return err
	}
	k.Infof(sdk.Location{File: "output/" + file, Path: "spec.version"}, "MongoDB %d is %s", major, version)
	err = k.Status.Merge(map[string]any{
		"message": "mongodb version: " + version,
		"version": version,
		// The operator reads the admin password from this Secret; the team's secret store
		// provides it (an ExternalSecret, a SealedSecret): the pipeline never writes a Secret.
		"passwordSecret": passwordSecret(name),
	})
	if err != nil {
		return err
	}
	k.Summarize("MongoDB %s for %s/%s", version, namespace, name)
	return nil
}

func passwordSecret(name string) string { return name + "-admin-password" }

// community is the MongoDBCommunity resource (mongodbcommunity.mongodb.com/v1) of a request: a
// replica set with SCRAM authentication and one admin user whose password the operator reads
// from a Secret, referenced by name only.
func community(name, namespace, version string, members int) map[string]any {
	role := func(r string) map[string]any { return map[string]any{"name": r, "db": "admin"} }
	return map[string]any{
		"apiVersion": "mongodbcommunity.mongodb.com/v1",
		"kind":       "MongoDBCommunity",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"spec": map[string]any{
			"members": members,
			"type":    "ReplicaSet",
			"version": version,
			"security": map[string]any{
				"authentication": map[string]any{"modes": []any{"SCRAM"}},
			},
			"users": []any{map[string]any{
				"name":                       "admin",
				"db":                         "admin",
				"passwordSecretRef":          map[string]any{"name": passwordSecret(name)},
				"roles":                      []any{role("clusterAdmin"), role("userAdminAnyDatabase"), role("readWriteAnyDatabase")},
				"scramCredentialsSecretName": name + "-admin-scram",
			}},
			"additionalMongodConfig": map[string]any{
				"storage.wiredTiger.engineConfig.journalCompressor": "zlib",
			},
		},
	}
}

var exactVersion = regexp.MustCompile(`^([1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// parseVersions checks VERSIONS and reports every problem at once (exit 2): each key a major
// version, each value an exact version of that major.
func parseVersions(raw map[string]string) (map[int64]string, error) {
	out := make(map[int64]string, len(raw))
	var problems []string
	for _, key := range sortedKeys(raw) {
		value := raw[key]
		major, err := strconv.ParseInt(key, 10, 64)
		if err != nil || major < 1 {
			problems = append(problems, fmt.Sprintf("%q is not a major version (a number such as 6)", key))
			continue
		}
		m := exactVersion.FindStringSubmatch(value)
		switch {
		case m == nil:
			problems = append(problems, fmt.Sprintf("%s=%q is not an exact version (such as %d.0.10)", key, value, major))
		case m[1] != strconv.FormatInt(major, 10):
			problems = append(problems, fmt.Sprintf("%s=%s maps MongoDB %d to a %s.x version", key, value, major, m[1]))
		default:
			out[major] = value
		}
	}
	if len(problems) > 0 {
		return nil, sdk.SettingErrorf("VERSIONS", "%s", strings.Join(problems, "; "))
	}
	return out, nil
}

func offered(versions map[int64]string) string {
	majors := make([]int64, 0, len(versions))
	for m := range versions {
		majors = append(majors, m)
	}
	sort.Slice(majors, func(i, j int) bool { return majors[i] < majors[j] })
	parts := make([]string, len(majors))
	for i, m := range majors {
		parts[i] = fmt.Sprintf("%d → %s", m, versions[m])
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
