package enforcetags

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		reason string
		cfg    Config
		errs   []string
		want   Enforcement
	}{
		{"the defaults: tags, every other _tags map, the request's tags (read by Run)",
			Config{TagsAttribute: "tags"}, nil, Enforcement{Attribute: "tags"}},
		{"explicit tags and map arguments are kept for Run",
			Config{TagsAttribute: " labels ", Tags: "team=pay,env=prod", EnforceIn: "instance_tags, volume_tags", ModuleName: " vm "}, nil,
			Enforcement{Attribute: "labels", Module: "vm", EnforceIn: []string{"instance_tags", "volume_tags"},
				Tags: []Tag{{"team", "pay"}, {"env", "prod"}}}},
		{"none stamps no other map argument", Config{TagsAttribute: "tags", EnforceIn: "none"}, nil,
			Enforcement{Attribute: "tags", EnforceIn: []string{}}},
		{"every problem of every setting at once, not the first one only",
			Config{TagsAttribute: "my tags", EnforceIn: "ok, 2bad, also bad", Tags: "a=$(KRATIX_PIPELINE_NAME),b=e\u0301"}, []string{
				`TAGS_ATTRIBUTE (--tags-attribute): "my tags": want a Terraform argument name such as tags or labels`,
				`ENFORCE_IN (--enforce-in): "2bad" is not a Terraform argument name (give names separated by commas, or none)`,
				`ENFORCE_IN (--enforce-in): "also bad" is not a Terraform argument name (give names separated by commas, or none)`,
				`TAGS (--tags): tag "a" refers to $(KRATIX_PIPELINE_NAME), which is not set`,
				`TAGS (--tags): the value of tag "b" is not in Unicode NFC, which Terraform normalises it to (so every run would change it again); write it as "é"`,
			}, Enforcement{Attribute: "my tags", EnforceIn: []string{"ok"}, Tags: []Tag{{"a", "$(KRATIX_PIPELINE_NAME)"}, {"b", "e\u0301"}}}},
		{"TAGS that do not parse", Config{TagsAttribute: "tags", Tags: "just-a-word"}, []string{
			`TAGS (--tags): "just-a-word" is not key=value (write TAGS as key=value,key=value or as a JSON object)`,
		}, Enforcement{Attribute: "tags"}},
	}
	for _, tc := range cases {
		cfg := tc.cfg
		err := cfg.Check(sdk.Env{})
		var got []string
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				got = append(got, e.Error())
			}
			if !sdk.IsMisconfigured(err) {
				t.Errorf("%s: %v is not a configuration error", tc.reason, err)
			}
		}
		if diff := cmp.Diff(tc.errs, got); diff != "" {
			t.Errorf("%s: errors -want +got:\n%s", tc.reason, diff)
		}
		if diff := cmp.Diff(tc.want, cfg.enforcement); diff != "" {
			t.Errorf("%s: enforcement -want +got:\n%s", tc.reason, diff)
		}
	}
}
