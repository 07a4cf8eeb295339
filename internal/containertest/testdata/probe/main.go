// Command probe stands in for a stage inside the container sandbox and reports what the sandbox
// lets it do, as JSON on stdout. The container test runs it in place of /stage to check that the
// sandbox really is the pod the test claims (uid, read-only root and input, no network, env).
package main

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"sort"
	"strings"
	"time"
)

type report struct {
	UID, GID, EUID int
	Groups         []int
	Env            []string
	CapEff         string
	// Write attempts: "" when the write succeeded, else the error.
	Writes     map[string]string
	Interfaces []string
	Dial       string
	Shell      bool
}

func tryWrite(dir string) string {
	p := dir + "/.probe"
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		return err.Error()
	}
	_ = os.Remove(p)
	return ""
}

func main() {
	r := report{UID: os.Getuid(), GID: os.Getgid(), EUID: os.Geteuid(), Writes: map[string]string{}}
	r.Groups, _ = os.Getgroups()
	r.Env = os.Environ()
	sort.Strings(r.Env)
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "CapEff:"); ok {
				r.CapEff = strings.TrimSpace(v)
			}
		}
	}
	for _, d := range []string{"", "/tmp", "/kratix", "/kratix/input", "/kratix/output", "/kratix/metadata"} {
		r.Writes[d+"/"] = tryWrite(d)
	}
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		r.Interfaces = append(r.Interfaces, i.Name)
	}
	if c, err := net.DialTimeout("tcp", "1.1.1.1:443", 2*time.Second); err != nil {
		r.Dial = err.Error()
	} else {
		c.Close()
	}
	for _, sh := range []string{"/bin/sh", "/bin/bash", "/busybox"} {
		if _, err := os.Stat(sh); !errors.Is(err, os.ErrNotExist) {
			r.Shell = true
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(r)
}
