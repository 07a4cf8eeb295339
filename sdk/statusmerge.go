package sdk

// MergeStatus merges a status into an object's status the way Kratix's status-writer does at
// the end of a pipeline (docs/contract.md, Status): each top-level key of add replaces the old
// value wholesale, except conditions, merged by type (a new condition whose status did not
// change keeps its transition time). Neither map is modified; the result shares their values.
// Package publish uses it to write a status through the API, the stagekit CLI to model the
// status-writer across a workflow's pipelines.
func MergeStatus(old, add map[string]any) map[string]any {
	out := make(map[string]any, len(old)+len(add))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range add {
		conds, isList := v.([]any)
		if k != "conditions" || !isList {
			out[k] = v
			continue
		}
		existing, _ := out["conditions"].([]any)
		merged := append([]any(nil), existing...)
		for _, c := range conds {
			cm, ok := c.(map[string]any)
			if !ok {
				merged = append(merged, c)
				continue
			}
			replaced := false
			for i, e := range merged {
				em, ok := e.(map[string]any)
				if !ok || em["type"] != cm["type"] {
					continue
				}
				if cm["lastTransitionTime"] == nil && em["status"] == cm["status"] && em["lastTransitionTime"] != nil {
					kept := make(map[string]any, len(cm)+1)
					for ck, cv := range cm {
						kept[ck] = cv
					}
					kept["lastTransitionTime"] = em["lastTransitionTime"]
					cm = kept
				}
				merged[i], replaced = cm, true
				break
			}
			if !replaced {
				merged = append(merged, cm)
			}
		}
		out["conditions"] = merged
	}
	return out
}
