package enforcetags

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tag is one enforced tag. Tags keep the order they were given in, so new keys are added to a
// module's map in that order and the output does not depend on map iteration.
type Tag struct{ Key, Value string }

// defaultTags is the fleet-management tag set of the vm Promise's original jq stage.
func defaultTags(promise, namespace, name string) []Tag {
	return []Tag{
		{"managed-by", "kratix"},
		{"kratix.io/promise", promise},
		{"kratix.io/request-namespace", namespace},
		{"kratix.io/request-name", name},
	}
}

// parseTags reads TAGS: a JSON object of strings, or key=value pairs separated by commas.
// A value may hold commas only in the JSON form.
func parseTags(s string) ([]Tag, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		return parseJSONTags(s)
	}
	var out []Tag
	seen := map[string]bool{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value (write TAGS as key=value,key=value or as a JSON object)", pair)
		}
		if seen[k] {
			return nil, fmt.Errorf("tag %q is given twice", k)
		}
		seen[k] = true
		out = append(out, Tag{k, v})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no tag given (unset TAGS to enforce the default set)")
	}
	return out, nil
}

func parseJSONTags(s string) ([]Tag, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	var out []Tag
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not a JSON object: %v", err)
		}
		k := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("not a JSON object: %v", err)
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("tag %q: the value must be a string, got %s", k, bytes.TrimSpace(raw))
		}
		if seen[k] {
			return nil, fmt.Errorf("tag %q is given twice", k)
		}
		seen[k] = true
		out = append(out, Tag{k, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not a JSON object: text after the closing brace")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no tag given (unset TAGS to enforce the default set)")
	}
	return out, nil
}

// checkTag applies a provider's tag rules; the message names the rule broken.
func checkTag(rules string, t Tag) error {
	switch rules {
	case "aws":
		return checkAWS(t)
	case "gcp":
		return checkGCP(t)
	}
	return nil
}

// AWS: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
func checkAWS(t Tag) error {
	switch n := utf8.RuneCountInString(t.Key); {
	case n == 0:
		return fmt.Errorf("AWS tag keys cannot be empty")
	case n > 128:
		return fmt.Errorf("AWS tag keys are at most 128 characters, this one has %d", n)
	}
	if n := utf8.RuneCountInString(t.Value); n > 256 {
		return fmt.Errorf("AWS tag values are at most 256 characters, this one has %d", n)
	}
	if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
		return fmt.Errorf("AWS reserves keys starting with %q", "aws:")
	}
	for _, part := range []struct{ what, s string }{{"key", t.Key}, {"value", t.Value}} {
		for _, r := range part.s {
			if !awsAllowed(r) {
				return fmt.Errorf("AWS tag %ss allow letters, digits, spaces and _ . : / = + - @, not %q", part.what, r)
			}
		}
	}
	return nil
}

func awsAllowed(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune("_.:/=+-@", r)
}

// GCP labels: https://cloud.google.com/resource-manager/docs/labels-overview
func checkGCP(t Tag) error {
	if t.Key == "" {
		return fmt.Errorf("GCP label keys cannot be empty")
	}
	if c := t.Key[0]; c < 'a' || c > 'z' {
		return fmt.Errorf("GCP label keys start with a lowercase letter")
	}
	for _, part := range []struct{ what, s string }{{"key", t.Key}, {"value", t.Value}} {
		if n := utf8.RuneCountInString(part.s); n > 63 {
			return fmt.Errorf("GCP label %ss are at most 63 characters, this one has %d", part.what, n)
		}
		for _, r := range part.s {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				return fmt.Errorf("GCP label %ss allow only lowercase letters, digits, _ and -, not %q", part.what, r)
			}
		}
	}
	return nil
}

// hclText says why s cannot be a tag key or value as written in a Terraform file, or nil. HCL
// reads string literals in Unicode NFC, so text not in NFC would come back different and every
// run would change the file again; and HCL's scanner works on grapheme clusters, so a combining
// mark at the start of a string, or right after a quote or backslash, fuses with that character.
func hclText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not valid UTF-8")
	}
	if !norm.NFC.IsNormalString(s) {
		return fmt.Errorf("is not in Unicode NFC, which Terraform normalises it to (so every run would change it again); write it as %q", norm.NFC.String(s))
	}
	prev := rune('"')
	for _, r := range s {
		if unicode.Is(unicode.M, r) && (prev == '"' || prev == '\\') {
			return fmt.Errorf("has a combining mark (U+%04X) at its start or after a quote or backslash, which HCL joins to that character", r)
		}
		prev = r
	}
	return nil
}
