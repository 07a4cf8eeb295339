package fsys

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
)

// step is one change of a commit, as the journal lists it.
type step struct {
	op   string // opMkdir, opPut or opDel
	dest string // the file or directory of the tree
	src  string // put: the staged file renamed over dest
	keep string // put over an existing file, del: where the original is kept until the commit point
	id   uint64 // swap: the identity of src, the staged file
}

const (
	opMkdir = "mkdir"
	opPut   = "put"
	opDel   = "del"
	opSwap  = "swap" // a put over an existing file by one exchange (see exchanger)

	journalHeader = "stagekit-txn 1"
	journalEnd    = "end"
)

// ErrCommitted is wrapped by a Commit error after the commit point: the
// changes were made, only the staging directories could not be removed.
var ErrCommitted = errors.New("the run's changes were committed")

// Commit applies every staged change to the base, or none.
//
// On an error nothing was changed, unless the error wraps ErrCommitted; the
// transaction is empty afterwards either way. Errors name the tree's files,
// never a staging name.
func (t *Tx) Commit() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.err
	}
	defer t.reset()
	steps, err := t.plan()
	if err != nil {
		return t.abort(nil, t.describe(nil), err)
	}
	if len(steps) == 0 {
		if err := t.clean(t.stagingAreas()); err != nil {
			return errorf(t.describe(nil), "the staging files of the run could not be removed: %v", err)
		}
		return nil
	}
	what := t.describe(steps)
	area := areaOf(steps[0].dest)
	if err := t.ensureStaging(area); err != nil {
		return t.abort(nil, what, fmt.Errorf("starting the commit: %w", scrub(err)))
	}
	journal := stagingOf(area) + "/" + journalName
	if err := t.writeJournal(journal, steps); err != nil {
		return t.abort(nil, what, fmt.Errorf("writing the transaction journal: %w", scrub(err)))
	}
	for i, s := range steps {
		if err := t.apply(s); err != nil {
			return t.abort(steps[:i+1], s.dest, err)
		}
	}
	// The commit point: from here on, a killed run is not undone.
	if err := t.st.remove(journal); err != nil {
		return t.abort(steps, what, fmt.Errorf("finishing the commit: %w", scrub(err)))
	}
	if err := t.clean(t.stagingAreas()); err != nil {
		return errorf(what, "%w, but its staging files could not be removed (%v): the stage fails so that Kratix restarts it, and the restart removes them before the work-writer could ship them", ErrCommitted, err)
	}
	return nil
}

// describe names what a commit changes, for its errors: the first file.
func (t *Tx) describe(steps []step) string {
	for _, s := range steps {
		if s.op != opMkdir {
			return s.dest
		}
	}
	if len(steps) > 0 {
		return steps[0].dest
	}
	names := slices.Sorted(maps.Keys(t.entries))
	if len(names) > 0 {
		return names[0]
	}
	return strings.Join(t.areas, ", ")
}

// abort undoes the steps made (state by state: a step that failed half way
// is undone too) and cleans up; if undoing fails, the journal stays for the
// next Begin.
func (t *Tx) abort(made []step, dest string, cause error) error {
	if err := t.undo(made); err != nil {
		return errorf(dest, "cannot commit the run's changes: %v; undoing the changes already made failed too (%v): the next run of the stage undoes them", cause, err)
	}
	if err := t.clean(t.stagingAreas()); err != nil {
		return errorf(dest, "cannot commit the run's changes: %v; nothing was changed, but the staging files could not be removed (%v): the next run removes them", cause, err)
	}
	return errorf(dest, "cannot commit the run's changes: %v; nothing was changed", cause)
}

// plan turns the staged state into steps, in an order that keeps every
// directory in place while something needs it: removals of files, then of
// directories (deepest first), then new directories (parents first), then
// the files put in place.
func (t *Tx) plan() ([]step, error) {
	var fileDels, dirDels, mkdirs, puts []step
	for _, name := range slices.Sorted(maps.Keys(t.entries)) {
		e := t.entries[name]
		fi, exists, err := t.inBase(name)
		if err != nil {
			return nil, err
		}
		del := func() (step, error) {
			keep, err := t.stageName(areaOf(name))
			return step{op: opDel, dest: name, keep: keep}, err
		}
		switch {
		case e.kind == madeDir && exists && fi.IsDir():
		case e.kind == madeDir:
			if exists {
				s, err := del()
				if err != nil {
					return nil, err
				}
				fileDels = append(fileDels, s)
			}
			mkdirs = append(mkdirs, step{op: opMkdir, dest: name})
		case e.kind == staged && !exists:
			puts = append(puts, step{op: opPut, dest: name, src: e.file})
		case e.kind == staged && fi.IsDir():
			s, err := del()
			if err != nil {
				return nil, err
			}
			dirDels = append(dirDels, s)
			puts = append(puts, step{op: opPut, dest: name, src: e.file})
		case e.kind == staged:
			keep, err := t.stageName(areaOf(name))
			if err != nil {
				return nil, err
			}
			op := opPut
			if _, ok := t.st.(exchanger); ok && e.id != 0 {
				op = opSwap
			}
			puts = append(puts, step{op: op, dest: name, src: e.file, keep: keep, id: e.id})
		case e.kind == removed && exists:
			s, err := del()
			if err != nil {
				return nil, err
			}
			if fi.IsDir() {
				dirDels = append(dirDels, s)
			} else {
				fileDels = append(fileDels, s)
			}
		}
	}
	slices.Reverse(dirDels)
	return slices.Concat(fileDels, dirDels, mkdirs, puts), nil
}

// ensureStaging makes the area's staging directory (and the area) if this
// transaction has not yet.
func (t *Tx) ensureStaging(area string) error {
	if t.staging[area] {
		return nil
	}
	if _, ok, err := t.inBase(area); err != nil {
		return err
	} else if !ok {
		if err := t.st.mkdir(area); err != nil {
			return err
		}
		delete(t.seen, area)
		delete(t.listed, path.Dir(area))
		t.madeArea[area] = true
	}
	if err := t.st.mkdir(stagingOf(area)); err != nil {
		return err
	}
	t.staging[area] = true
	return nil
}

// exchanger is a store that can swap two names in one atomic step
// (renameat2 RENAME_EXCHANGE) and tell a file by its identity (the inode).
//
// A put over an existing file is then one syscall instead of two (link the
// original to its backup, rename the staged file over it): the staged file
// takes the destination's place and the original takes the staged file's,
// in the staging directory, until the commit point. The destination is
// never missing. It also spares the data of each file being pushed to the
// disk at commit: ext4 starts writeback of a file renamed over another one
// (auto_da_alloc), not of one exchanged with it.
//
// Whether the exchange was made is told by the identity of the destination:
// it is the staged file's (recorded in the journal) if and only if it was.
type exchanger interface {
	// exchange swaps a and b; errNoExchange if their file system cannot.
	exchange(a, b string) error
	// ident is the identity of name itself.
	ident(name string) (uint64, error)
}

// errNoExchange: the file system does not support exchanging names.
var errNoExchange = errors.New("exchange not supported")

// apply makes one step. A put over an existing file links the original to
// its backup first, so that the rename replaces the file atomically and the
// original can be put back until the commit point. A swap exchanges the
// staged file with the original instead, or makes a put where the file
// system cannot.
func (t *Tx) apply(s step) error {
	switch s.op {
	case opMkdir:
		return t.st.mkdir(s.dest)
	case opDel:
		return t.st.rename(s.dest, s.keep)
	case opSwap:
		if err := t.st.(exchanger).exchange(s.src, s.dest); !errors.Is(err, errNoExchange) {
			return err
		}
	}
	if s.keep != "" {
		if err := t.st.link(s.dest, s.keep); err != nil {
			return err
		}
	}
	return t.st.rename(s.src, s.dest)
}

// undo puts the tree back as it was before steps, whichever of them were
// made, fully or half: it looks at what is there rather than trusting a
// count, so that it also finishes the commit of a killed process, and
// running it twice changes nothing the second time.
func (t *Tx) undo(steps []step) error {
	var errs []error
	exists := func(name string) bool {
		_, err := t.st.lstat(name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		return err == nil
	}
	for _, s := range slices.Backward(steps) {
		var err error
		switch {
		case s.op == opMkdir:
			if exists(s.dest) {
				err = t.st.remove(s.dest)
			}
		case s.op == opSwap && !exists(s.keep):
			// No backup: the step was an exchange or nothing yet. The
			// destination is the staged file only if the exchange was
			// made; exchanging again puts the original back.
			x, ok := t.st.(exchanger)
			if !ok {
				err = fmt.Errorf("%s: an exchange cannot be undone on this file system", s.dest)
				break
			}
			if id, ierr := x.ident(s.dest); ierr != nil && !errors.Is(ierr, fs.ErrNotExist) {
				err = ierr
			} else if ierr == nil && id == s.id {
				err = x.exchange(s.src, s.dest)
			}
		case s.keep != "":
			// A backup exists only once its step began: moving it back
			// restores the original, whether the new file arrived or not
			// (over a second link to the same file, rename does nothing).
			if exists(s.keep) {
				err = t.st.rename(s.keep, s.dest)
			}
		default:
			// A new file arrived if and only if its staged file is gone.
			if !exists(s.src) && exists(s.dest) {
				err = t.st.remove(s.dest)
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// writeJournal writes the steps, quoted, one per line, between a header and
// an end line: a journal without its end line was cut by a kill before any
// step was made, and is ignored.
func (t *Tx) writeJournal(name string, steps []step) error {
	var b bytes.Buffer
	b.WriteString(journalHeader + "\n")
	for _, s := range steps {
		fmt.Fprintf(&b, "%s %s %s %s", s.op, strconv.Quote(s.dest), strconv.Quote(s.src), strconv.Quote(s.keep))
		if s.op == opSwap {
			fmt.Fprintf(&b, " %q", strconv.FormatUint(s.id, 10))
		}
		b.WriteString("\n")
	}
	b.WriteString(journalEnd + "\n")
	w, err := t.st.create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// readJournal reads a journal; complete is false when it was cut short
// (even before its first line: a process killed right after creating it).
// Every name in a complete one must be one the transaction could have
// written: a journal is trusted with renames, so a forged one must not move
// files anywhere else.
func (t *Tx) readJournal(name string) (steps []step, complete bool, err error) {
	data, err := t.st.readFile(name)
	if err != nil {
		return nil, false, err
	}
	if !bytes.HasSuffix(data, []byte("\n"+journalEnd+"\n")) {
		return nil, false, nil
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != journalHeader {
		return nil, false, fmt.Errorf("not a stagekit journal")
	}
	for _, line := range lines[1 : len(lines)-1] {
		s, err := t.parseStep(line)
		if err != nil {
			return nil, false, err
		}
		steps = append(steps, s)
	}
	return steps, true, nil
}

func (t *Tx) parseStep(line string) (step, error) {
	op, rest, _ := strings.Cut(line, " ")
	var fields []string
	for rest != "" {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return step{}, fmt.Errorf("bad journal line %q", line)
		}
		v, _ := strconv.Unquote(q)
		fields = append(fields, v)
		rest = strings.TrimPrefix(rest[len(q):], " ")
	}
	var id uint64
	if op == opSwap && len(fields) == 4 {
		n, err := strconv.ParseUint(fields[3], 10, 64)
		if err != nil {
			return step{}, fmt.Errorf("bad journal line %q", line)
		}
		id, fields = n, fields[:3]
	}
	if len(fields) != 3 {
		return step{}, fmt.Errorf("bad journal line %q", line)
	}
	s := step{op: op, dest: fields[0], src: fields[1], keep: fields[2], id: id}
	if err := t.checkStep(s); err != nil {
		return step{}, fmt.Errorf("bad journal line %q: %v", line, err)
	}
	return s, nil
}

func (t *Tx) checkStep(s step) error {
	if CheckName(s.dest) != nil || t.isStaging(s.dest) || !slices.Contains(t.areas, areaOf(s.dest)) {
		return fmt.Errorf("%q is not a file of the transaction's areas", s.dest)
	}
	real, err := resolveParent(t.st, s.dest)
	if err != nil || real != s.dest {
		return fmt.Errorf("%q is reached through a symlink", s.dest)
	}
	staged := func(name string, need bool) bool {
		if name == "" {
			return !need
		}
		dir, base := path.Split(name)
		return dir == stagingOf(areaOf(s.dest))+"/" && base != "" && base != journalName
	}
	switch {
	case s.op == opMkdir && s.src == "" && s.keep == "":
	case s.op == opPut && staged(s.src, true) && staged(s.keep, false):
	case s.op == opDel && s.src == "" && staged(s.keep, true):
	case s.op == opSwap && staged(s.src, true) && staged(s.keep, true) && s.id != 0:
	default:
		return fmt.Errorf("%q is not a step", s.op)
	}
	return nil
}

// recover finishes what a killed transaction left: it undoes the steps of a
// complete journal, then removes every staging directory.
func (t *Tx) recover() error {
	for _, a := range t.areas {
		dir := stagingOf(a)
		fi, err := t.st.lstat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return errorf(a, "cannot look for the leftovers of a killed run: %v", err)
		case !fi.IsDir():
			return errorf(a, "holds a %s named %s, a name stagekit reserves for its staging directory: remove it", fileType(fi), StagingDir)
		}
		t.staging[a] = true
		steps, complete, err := t.readJournal(dir + "/" + journalName)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return errorf(a, "the transaction journal a killed run left cannot be used (%v): remove %s", err, path.Join(displayRoot, dir))
		}
		if !complete {
			continue
		}
		if err := t.undo(steps); err != nil {
			return errorf(a, "cannot undo the changes of a run killed while it committed: %v", err)
		}
	}
	err := t.clean(t.stagingAreas())
	t.reset()
	if err != nil {
		return errorf(t.areas[0], "cannot remove the staging files a killed run left: %v", err)
	}
	return nil
}

func fileType(fi fs.FileInfo) string {
	if fi.Mode()&fs.ModeSymlink != 0 {
		return "symlink"
	}
	return "file"
}
