// Command foreign is a pipeline container that is not a stagekit stage: the podman test builds
// it into an image and runs it through the engine. It writes what a configure stage writes, and
// checks the pod it runs in: its user, a read-only input, a read-only root, no network.
package main

import (
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	var problems []string
	if uid := os.Getuid(); uid != 65532 {
		problems = append(problems, fmt.Sprintf("uid %d, want 65532", uid))
	}
	if err := os.WriteFile("/kratix/input/x", nil, 0o644); err == nil {
		problems = append(problems, "/kratix/input is writable")
	}
	if err := os.WriteFile("/tmp-probe", nil, 0o644); err == nil {
		problems = append(problems, "the root filesystem is writable")
	}
	if c, err := net.DialTimeout("tcp", "1.1.1.1:53", time.Second); err == nil {
		c.Close()
		problems = append(problems, "the network is reachable")
	}
	obj, err := os.ReadFile("/kratix/input/object.yaml")
	if err != nil {
		problems = append(problems, err.Error())
	}
	status := "message: ran in an engine\n"
	if len(problems) > 0 {
		status = fmt.Sprintf("message: %q\n", fmt.Sprint(problems))
	}
	must(os.WriteFile("/kratix/output/hello.yaml", append([]byte("# from the foreign image\n"), obj...), 0o644))
	must(os.WriteFile("/kratix/metadata/status.yaml", []byte(status), 0o644))
	fmt.Println("foreign: wrote hello.yaml;", os.Getenv("KRATIX_OBJECT_NAME"))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
