package schema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	fx "github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk"
)

func TestValidateObject(t *testing.T) {
	s, err := Load(fx.Read(t, "kratix-examples/promise-terraform-ec2/vm.promise-with-enforce-tags.yaml"), "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		reason string
		object string
		want   []string
	}{
		{"a valid request", "apiVersion: example.com/v1\nkind: VM\nmetadata:\n  name: vm\nspec:\n  subnet_id: subnet-1\n  create: true\n", nil},
		{"every violation is reported at once, each with the input file, its line and path",
			"apiVersion: example.com/v1\nkind: VM\nmetadata:\n  name: vm\nspec:\n  create: \"yes\"\n  ami: 12\n  monitoring: maybe\n",
			[]string{"input/object.yaml:7: spec.ami: ", "input/object.yaml:6: spec.create: ", "input/object.yaml:8: spec.monitoring: "}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			o, err := sdk.ParseObject([]byte(tc.object), sdk.Env{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if err := s.ValidateObject(o); err != nil {
				for i, l := range strings.Split(err.Error(), "\n") {
					if i < len(tc.want) && len(l) >= len(tc.want[i]) {
						l = l[:len(tc.want[i])]
					}
					got = append(got, l)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}
