package rollout

import (
	"fmt"
	"strings"
	"testing"
)

// The placement is part of the contract: a wave rolled out today must hold the same requests
// tomorrow, in another build, and in a script following the recipe of the package doc, which computed these
// values.
func TestHashIsStable(t *testing.T) {
	for _, tc := range []struct {
		salt, namespace, name string
		want                  uint64
		bucket                int
	}{
		{"", "default", "vm-1", 0x3dd4d486760a2c7b, 79},
		{"", "default", "vm-2", 0xa01052fe7aabc7a8, 92},
		{"", "team-b", "shop", 0x34c404b4c0383a6c, 76},
		{"", "", "vm", 0x2ffd8e3c2e872d41, 93},
		{"shard", "default", "vm-1", 0xa17160b2b390db95, 69},
	} {
		if got := Hash(tc.salt, tc.namespace, tc.name); got != tc.want {
			t.Errorf("Hash(%q, %q, %q) = %#x, want %#x", tc.salt, tc.namespace, tc.name, got, tc.want)
		}
		if tc.salt == "" {
			if got := Bucket(tc.namespace, tc.name); got != tc.bucket {
				t.Errorf("Bucket(%q, %q) = %d, want %d", tc.namespace, tc.name, got, tc.bucket)
			}
		}
	}
}

// Names that differ in one character (the usual fleet: vm-1 … vm-9999) must spread evenly.
func TestBucketsSpreadEvenly(t *testing.T) {
	const n = 20000
	var deciles [10]int
	for i := range n {
		deciles[Bucket(fmt.Sprintf("team-%d", i%7), fmt.Sprintf("vm-%d", i))/10]++
	}
	for d, got := range deciles {
		if got < n/10*85/100 || got > n/10*115/100 {
			t.Errorf("buckets %d-%d hold %d of %d requests, want %d ± 15%%: %v", d*10, d*10+9, got, n, n/10, deciles)
		}
	}
}

func TestRaisingThePercentOnlyAddsRequests(t *testing.T) {
	for i := range 2000 {
		name := fmt.Sprintf("app-%d", i)
		was := false
		for p := 0; p <= 100; p++ {
			w, err := Parse("", p)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := w.Includes("ns", name, nil)
			if was && !in {
				t.Fatalf("%s is in the %d%% wave but not in the %d%% wave", name, p-1, p)
			}
			was = in
		}
		if !was {
			t.Fatalf("%s is not in the 100%% wave", name)
		}
	}
}

// Shards use the salt "shard": a shard must hold about its share of every wave, not a whole
// wave (which the unsalted hash would give a 1% wave and 100 shards).
func TestShardsAreIndependentOfWaves(t *testing.T) {
	const n, shards = 20000, 10
	var inWave [shards]int
	for i := range n {
		name := fmt.Sprintf("vm-%d", i)
		if Bucket("default", name) < 10 {
			inWave[Hash("shard", "default", name)%shards]++
		}
	}
	for s, got := range inWave {
		if got < n/100*60/100 || got > n/100*140/100 {
			t.Errorf("shard %d holds %d requests of the 10%% wave, want about %d: %v", s, got, n/100, inWave)
		}
	}
}

func TestIncludes(t *testing.T) {
	staging := map[string]string{"env": "staging"}
	for _, tc := range []struct {
		reason, selector string
		percent          int
		labels           map[string]string
		want             bool
		why              string
	}{
		{"the default wave is the whole fleet", "", 100, nil, true, ""},
		{"0% is nobody", "", 0, staging, false, "outside ROLLOUT_PERCENT=0"},
		{"a matching selector at 100%", "env=staging", 100, staging, true, ""},
		{"a selector that does not match", "env=staging", 100, map[string]string{"env": "prod"}, false, "do not match ROLLOUT_SELECTOR env=staging"},
		{"no labels and a selector", "env", 100, nil, false, "do not match"},
		{"vm-1 is in bucket 79: inside 80%", "env=staging", 80, staging, true, ""},
		{"vm-1 is in bucket 79: outside 79%", "env=staging", 79, staging, false, "bucket 79, outside ROLLOUT_PERCENT=79 (buckets 0 to 78)"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			w, err := Parse(tc.selector, tc.percent)
			if err != nil {
				t.Fatal(err)
			}
			in, why := w.Includes("default", "vm-1", tc.labels)
			if in != tc.want || !strings.Contains(why, tc.why) || (tc.why == "") != (why == "") {
				t.Errorf("Includes = %v, %q; want %v, %q", in, why, tc.want, tc.why)
			}
		})
	}
}

func TestParseRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct {
		selector string
		percent  int
		want     string
	}{
		{"", 101, "ROLLOUT_PERCENT: must be between 0 and 100, got 101"},
		{"env in staging", 101, "ROLLOUT_PERCENT: must be between 0 and 100, got 101\nROLLOUT_SELECTOR: label selector"},
		{"", -1, "got -1"},
		{"env in staging", 50, `ROLLOUT_SELECTOR: label selector "env in staging"`},
	} {
		if _, err := Parse(tc.selector, tc.percent); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q, %d) = %v, want an error containing %q", tc.selector, tc.percent, err, tc.want)
		}
	}
}
