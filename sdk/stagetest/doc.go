// Package stagetest runs stages in memory: no cluster, no disk, no os.Setenv.
//
// A Fixture is the pod as the stage finds it: the input object, the environment, and the files
// earlier stages left in output and metadata. Run executes one stage (or a Chain of stages, the
// way Kratix runs a pipeline's containers one after another, each a Container with its own env
// and args when the Promise gives them their own settings) and returns a Result to inspect:
// output files, status, destination selectors, workflow control, diagnostics, logs, the changes
// the run committed and the exit code. Runs go through Stage.Execute, so a run's writes are
// committed exactly as in a pod: only when it succeeded. Idempotent runs a stage twice and fails
// the test if the second run changed anything or either left a staging file behind.
// Golden runs every case directory under a testdata folder and compares with expected files;
// `go test -update` rewrites them and marks the tests skipped, so CI can never pass by
// regenerating. Benchmark and BenchmarkOnDisk measure a stage on a fixture, in memory or on a
// real directory.
package stagetest
