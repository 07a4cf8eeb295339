package engine

import (
	"strings"
	"testing"
)

// Kubernetes' command replaces the entrypoint and args the cmd; an engine takes one executable
// as --entrypoint, so the rest of the command goes first among the arguments.
func TestCommandAndArgs(t *testing.T) {
	docker := Engine{Kind: "docker", Path: "docker"}
	for _, tc := range []struct {
		reason        string
		command, args []string
		want          string
	}{
		{"neither: the image's entrypoint and cmd", nil, nil, "img"},
		{"args only: they replace the image's cmd", nil, []string{"a", "b"}, "img a b"},
		{"a command: its first word is the entrypoint, the rest and the args follow the image", []string{"/bin/sh", "-c"}, []string{"echo hi"}, "--entrypoint /bin/sh img -c echo hi"},
		{"a command without args drops the image's cmd, as --entrypoint does", []string{"/stage"}, nil, "--entrypoint /stage img"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			args := docker.RunArgs("/k", Spec{Image: "img", Command: tc.command, Args: tc.args, Env: [][2]string{{"A", "1"}}})
			got := strings.Join(args, " ")
			if !strings.HasSuffix(got, "-e A=1 "+tc.want) {
				t.Errorf("got %q, want it to end with %q", got, "-e A=1 "+tc.want)
			}
		})
	}
}
