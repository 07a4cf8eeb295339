// Package fsys is the file system a stage reads and writes through.
//
// A stage works in a tree rooted at the kratix dir (/kratix in a pod) holding
// input/, output/ and metadata/. Every name this package takes is
// slash-separated and relative to that root ("output/app/deploy.yaml"), so the
// same stage code runs against the real disk in a pod and against an
// in-memory tree in a unit test, and a name can be printed in an error message
// exactly as the user will recognise it.
//
// Why the care about paths: the work-writer ships every regular file under
// /kratix/output to Git byte for byte, following symlinks. A request that can
// steer a stage into writing "../x", or into leaving a symlink to /etc/passwd
// in output/, would leak files of the pod into a repository. So names are
// checked ([CheckName]), symlinks are resolved by this package itself,
// component by component, against the kratix dir ([Resolve]), and everything
// that will be shipped is listed the way the work-writer will see it
// ([Walk]), with every escape reported at once. [Disk] additionally opens the
// tree with os.Root, so even a bug in this package cannot touch a file
// outside the kratix dir.
//
// Why writes are atomic: a failed stage is restarted in the same pod with its
// half-written files still there. [FS.WriteFile] writes a temp file next to
// the destination and renames it over, so a reader sees the old file or the
// new one, never half of one, and the temp name is fixed so a crashed
// attempt's leftover is overwritten rather than accumulated ([IsTemp]).
//
// Why only regular files are opened: a named pipe left where a file is expected would make a
// read wait forever for a writer, hanging the stage until the Job's deadline. Every read, write
// and walk checks the type first ([CheckType]) and refuses a named pipe, a socket or a device,
// naming it, without opening it.
//
// Why 0644 and 0755 exactly: the helper containers that read output/ and
// metadata/ after the stages run as another non-root user; files they cannot
// read fail the pipeline, whatever the stage's umask was.
//
// Why a run is a transaction ([Tx]): a stage that fails half way must leave
// output/ and metadata/ as they were, or Kratix's restart and the next stages
// build on half a change. A Tx stages every write in a hidden directory of
// its area and applies them all at Commit, each file atomically, undoing them
// if one fails; a killed commit is undone by the next Begin. See [Tx] and
// [StagingDir] for how, and why that directory is never shipped.
//
// [MemFS] is the in-memory tree for tests; it behaves like [DiskFS] for
// everything the SDK uses, which a shared conformance test checks (a Tx over
// either passes it too). It also fails operations on demand
// ([MemFS.Inject], [MemFS.LimitSpace]) so tests can check what a full or
// broken disk does to a run.
package fsys
