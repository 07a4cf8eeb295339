package fsys_test

import (
	"fmt"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// A stage writes its output through an FS; in a test that is a MemFS, and
// Walk lists what the work-writer would ship.
func Example() {
	f := fsys.NewMem()
	_ = f.WriteFile("output/app/deploy.yaml", []byte("kind: Deployment\n"))
	_ = f.WriteFile("output/app/service.yaml", []byte("kind: Service\n"))
	_ = f.Symlink("/etc/passwd", "output/passwd.yaml")

	entries, err := fsys.Walk(f, "output")
	for _, e := range entries {
		fmt.Println(e.Name, e.Size, f.Mode(e.Real))
	}
	fmt.Println(err)
	// Output:
	// output/app/deploy.yaml 17 -rw-r--r--
	// output/app/service.yaml 14 -rw-r--r--
	// output/passwd.yaml: symlink resolves to /etc/passwd, outside /kratix/output
}
