package tfcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireEnv set to "require" turns a missing terraform binary from a skip into a failure.
const RequireEnv = "STAGEKIT_TERRAFORM_TEST"

// Terraform is a terraform binary the tests may run.
type Terraform struct {
	bin string
	mu  sync.Mutex
	// spent is the time each command took, over every run, for the reports of the tests.
	spent map[string]*spent
}

type spent struct {
	runs int
	time time.Duration
}

// Spent describes the Terraform commands run so far: how many of each and how long they took.
func (tf *Terraform) Spent() string {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	var parts []string
	var total time.Duration
	for _, c := range []string{"init", "validate", "fmt", "version"} {
		if s := tf.spent[c]; s != nil {
			parts = append(parts, fmt.Sprintf("%d %s in %.2fs", s.runs, c, s.time.Seconds()))
			total += s.time
		}
	}
	return fmt.Sprintf("%s (%.2fs)", strings.Join(parts, ", "), total.Seconds())
}

// Find returns the terraform binary on PATH. Without one, the test is skipped, or fails when
// RequireEnv is "require".
func Find(t testing.TB) *Terraform {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv(RequireEnv) == "require" {
			t.Fatalf("%s=require: no terraform binary on PATH: install Terraform (v1.11 or later)", RequireEnv)
		}
		t.Skipf("no terraform binary on PATH: Terraform's own check of the generated files is skipped (set %s=require to make this a failure)", RequireEnv)
	}
	return &Terraform{bin: bin}
}

// commandTimeout bounds one Terraform command: a hung process must not hang the test run.
const commandTimeout = 5 * time.Minute

// run runs one Terraform command in dir, with an environment that keeps every file Terraform
// writes inside home (a directory of the test's) and reaches no network service of its own.
func (tf *Terraform) run(home, dir string, args ...string) (stdout, stderr []byte, exit int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cliConfig := filepath.Join(home, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o644); err != nil {
		return nil, nil, 0, err
	}
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + home,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"TF_CLI_CONFIG_FILE=" + cliConfig,
		"TF_DATA_DIR=" + filepath.Join(home, "data"),
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Run()
	tf.mu.Lock()
	if tf.spent == nil {
		tf.spent = map[string]*spent{}
	}
	if tf.spent[args[0]] == nil {
		tf.spent[args[0]] = &spent{}
	}
	tf.spent[args[0]].runs++
	tf.spent[args[0]].time += time.Since(start)
	tf.mu.Unlock()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.Bytes(), errb.Bytes(), ee.ExitCode(), nil
	}
	if err != nil {
		return out.Bytes(), errb.Bytes(), -1, fmt.Errorf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return out.Bytes(), errb.Bytes(), 0, nil
}

// Version is the binary's version, such as "1.11.4".
func (tf *Terraform) Version(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	stdout, stderr, _, err := tf.run(home, home, "version", "-json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(stdout, &v); err != nil || v.Version == "" {
		t.Fatalf("terraform version -json: %v\n%s", err, stdout)
	}
	return v.Version
}
