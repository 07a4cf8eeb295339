package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Parse reads a JSON report.
func Parse(name string, data []byte) (Report, error) {
	var rep Report
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		return rep, fmt.Errorf("%s: not a stagekit fleet diff report: %v", name, err)
	}
	if rep.SchemaVersion != SchemaVersion {
		return rep, fmt.Errorf("%s: schemaVersion %q, want %q", name, rep.SchemaVersion, SchemaVersion)
	}
	return rep, nil
}

// Merge joins the reports of the shards of one fleet diff into the report one unsharded run
// prints: every shard exactly once, run with the same Promises.
func Merge(names []string, reps []Report) (Report, error) {
	if len(reps) == 0 {
		return Report{}, fmt.Errorf("no report to merge")
	}
	first := reps[0]
	var errs []string
	count := 0
	seen := map[int]string{}
	for i, r := range reps {
		switch {
		case r.Shard == nil && len(reps) > 1:
			errs = append(errs, fmt.Sprintf("%s is an unsharded report: merge the reports of --shard I/N runs", names[i]))
			continue
		case r.Shard == nil:
			continue
		}
		if count == 0 {
			count = r.Shard.Count
		}
		if r.Shard.Count != count {
			errs = append(errs, fmt.Sprintf("%s is shard %d of %d, %s of %d", names[i], r.Shard.Index, r.Shard.Count, names[0], count))
		}
		if prev, dup := seen[r.Shard.Index]; dup {
			errs = append(errs, fmt.Sprintf("%s and %s are both shard %d", prev, names[i], r.Shard.Index))
		}
		seen[r.Shard.Index] = names[i]
		if r.Promise != first.Promise || r.Workflow != first.Workflow || r.From.Digest != first.From.Digest || r.To.Digest != first.To.Digest {
			errs = append(errs, fmt.Sprintf("%s compares other Promises than %s (Promise %s, digests %s -> %s)", names[i], names[0], r.Promise, short(r.From.Digest), short(r.To.Digest)))
		}
	}
	var missing []string
	for i := 0; i < count; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprint(i))
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Sprintf("shards %s of %d are missing", strings.Join(missing, ", "), count))
	}
	if len(errs) > 0 {
		return Report{}, fmt.Errorf("cannot merge: %s", strings.Join(errs, "; "))
	}
	out := first
	out.Shard = nil
	out.Requests = nil
	out.Summary = Summary{}
	for _, r := range reps {
		out.Requests = append(out.Requests, r.Requests...)
	}
	sort.SliceStable(out.Requests, func(i, j int) bool {
		a, b := out.Requests[i], out.Requests[j]
		return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
	})
	for i, r := range out.Requests {
		if i > 0 && r.ID() == out.Requests[i-1].ID() {
			return Report{}, fmt.Errorf("cannot merge: request %s is in two reports", r.ID())
		}
		out.Summary.add(r)
	}
	return out, nil
}

func short(digest string) string {
	if len(digest) > 19 {
		return digest[:19]
	}
	return digest
}
