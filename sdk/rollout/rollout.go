// Package rollout decides whether a request is in a rollout wave: the part of the fleet a
// Promise change reaches now. A Promise change re-runs every request's pipeline; a wave lets the
// new stages act on some requests first while the others keep their output byte for byte (and
// Kratix's state-store writers skip unchanged content, so they cost nothing downstream).
//
// Every stagekit stage reads two settings (package sdk applies them before the stage runs):
//
//	ROLLOUT_SELECTOR   a label selector on the request's labels (Kubernetes syntax, see package
//	                   labels): env=staging, tier in (web,api), !legacy; empty: every request
//	ROLLOUT_PERCENT    0 to 100: the share of requests, by Bucket of namespace/name; default 100
//
// A request is in the wave when its labels match the selector and its bucket is below the
// percent. Raising the percent only adds requests: a request in a 10% wave is in the 20% wave.
package rollout

import (
	"errors"
	"fmt"

	"github.com/stagekit/stagekit/sdk/labels"
)

// Wave is the part of the fleet a change reaches.
type Wave struct {
	Selector labels.Selector // on the request's labels; empty: every request
	Percent  int             // 0 to 100, by Bucket
}

// Parse reads ROLLOUT_SELECTOR and ROLLOUT_PERCENT, reporting both problems at once, each a
// *SettingError.
func Parse(selector string, percent int) (Wave, error) {
	var problems []error
	if percent < 0 || percent > 100 {
		problems = append(problems, &SettingError{Setting: "ROLLOUT_PERCENT", Err: fmt.Errorf("must be between 0 and 100, got %d", percent)})
	}
	sel, err := labels.Parse(selector)
	if err != nil {
		problems = append(problems, &SettingError{Setting: "ROLLOUT_SELECTOR", Err: err})
	}
	if len(problems) > 0 {
		return Wave{}, errors.Join(problems...)
	}
	return Wave{Selector: sel, Percent: percent}, nil
}

// SettingError is a problem with one of the settings, named by its environment variable, so
// that a stage words it as it words the problems of its own settings.
type SettingError struct {
	Setting string // ROLLOUT_SELECTOR or ROLLOUT_PERCENT
	Err     error
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

// All reports whether the wave is the whole fleet (no selector, 100%): nothing to check.
func (w Wave) All() bool { return w.Selector.Empty() && w.Percent == 100 }

// Includes reports whether the request is in the wave; when it is not, why says so in words.
func (w Wave) Includes(namespace, name string, lbls map[string]string) (in bool, why string) {
	id := namespace + "/" + name
	if !w.Selector.Matches(lbls) {
		return false, fmt.Sprintf("the labels of %s do not match ROLLOUT_SELECTOR %s", id, w.Selector)
	}
	if b := Bucket(namespace, name); b >= w.Percent {
		return false, fmt.Sprintf("%s is in bucket %d, outside ROLLOUT_PERCENT=%d (buckets 0 to %d)", id, b, w.Percent, w.Percent-1)
	}
	return true, ""
}

// Bucket places a request in one of 100 buckets by its namespace and name: Hash("", namespace,
// name) mod 100. A request is in a P% wave when its bucket is below P.
func Bucket(namespace, name string) int { return int(Hash("", namespace, name) % 100) }

// Hash is the stable hash of a request that waves and the stagekit CLI's --shard use: the
// 64-bit FNV-1a hash of the key, then MurmurHash3's 64-bit finalizer (fmix64) so that every
// output bit depends on every input byte (plain FNV-1a barely mixes the last byte into the high
// bits, and its low bits are parities: vm-1 … vm-9 would share buckets). The key is
// "namespace/name", prefixed by "salt/" when salt is not empty; a different salt gives an
// independent placement. A cluster-scoped object or a Promise has an empty namespace: "/name".
//
// A script that must agree with it computes, over the key's bytes with 64-bit wrap-around:
// h = 0xcbf29ce484222325; for each byte b: h = (h ^ b) * 0x100000001b3; then
// h ^= h >> 33; h *= 0xff51afd7ed558ccd; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53; h ^= h >> 33.
func Hash(salt, namespace, name string) uint64 {
	const (
		offset = 0xcbf29ce484222325
		prime  = 0x100000001b3
	)
	h := uint64(offset)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * prime
		}
	}
	if salt != "" {
		add(salt)
		add("/")
	}
	add(namespace)
	add("/")
	add(name)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
