// Package secretforbidder is the secret-forbidder stage: it stops a Kratix pipeline before a
// plaintext Secret reaches a state store, or removes the offending documents (MODE=remove).
package secretforbidder

import (
	"errors"
	"path"

	"github.com/stagekit/stagekit/sdk"
)

// Stage is the secret-forbidder stage. It runs in configure workflows of both types (a
// Promise's dependencies can carry Secrets too) and skips delete workflows, whose output Kratix
// ignores.
var Stage = sdk.Stage[Config]{
	Name:    "secret-forbidder",
	Summary: "fails the pipeline when /kratix/output holds a plaintext Secret (or removes it with MODE=remove)",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure, sdk.PromiseConfigure},
	Run:     run,
}

func run(k *sdk.Kratix, cfg *Config) error {
	p := cfg.policy
	files, err := k.Output.Files()
	var errs []error
	if err != nil {
		// Fails closed: a link out of /kratix/output, a loop or a dangling link may hide a Secret.
		errs = append(errs, err)
	}
	d := detector{p: p}
	names := map[string][]string{} // real file -> every name it is reached by
	for _, f := range files {
		names[f.Real] = append(names[f.Real], f.Name)
	}
	// The run is one transaction: files are cleaned as they are read, and a malformed file
	// later in the tree fails the run, which leaves the output untouched.
	checked := map[string]bool{}
	var gens []generator // every generator entry of every kustomization, for the files they read
	var nFiles, nViolations, nAllowed, nRemovedFrom int
	for _, f := range files {
		kust := isKustomization(f.Name)
		if !f.IsManifest() && !kust || checked[f.Real] {
			continue // not a manifest, or the same file through another symlink: checked once
		}
		checked[f.Real] = true
		found, mf, err := d.scan(k, f, kust)
		if err != nil {
			errs = append(errs, err) // fails closed: an unparsable file may hide a Secret
			continue
		}
		nFiles++
		var bad []finding
		for _, fd := range found {
			at := sdk.Location{File: f.Path, Line: fd.line}
			if !p.violates(fd) {
				nAllowed++
				k.Infof(at, "%s allowed by %s", fd, allowedBy(p, fd))
				continue
			}
			nViolations++
			bad = append(bad, fd)
			if !p.remove {
				k.ReportErrorf(at, "%s", fd)
			}
		}
		if kust && p.remove {
			removed := map[[2]int]finding{}
			for _, fd := range bad {
				if fd.entry >= 0 {
					removed[[2]int{fd.doc, fd.entry}] = fd
				}
			}
			var dirs []string
			for _, n := range names[mf.Real] {
				dirs = append(dirs, path.Join("output", path.Dir(n)))
			}
			gens = append(gens, generators(k, mf, mf.Documents(), dirs, removed)...)
		}
		if len(bad) > 0 && p.remove && len(errs) == 0 {
			if mf == nil {
				// Streamed: parsed again whole, to be edited.
				if mf, err = k.Output.Open(f.Name); err != nil {
					errs = append(errs, err)
					continue
				}
			}
			wrote, err := remove(k, mf, bad, kust)
			if err != nil {
				errs = append(errs, err)
			}
			if wrote {
				nRemovedFrom++
			}
		}
	}
	var nSources int
	if p.remove && len(errs) == 0 {
		// After every kustomization was read: an entry of a later one may read the same file.
		n, err := removeSources(k, gens, names)
		if err != nil {
			errs = append(errs, err)
		}
		nSources = n
	}
	if len(errs) > 0 {
		if nViolations > 0 && !p.remove {
			k.Log.Error(hint)
		}
		return errors.Join(errs...)
	}
	if !p.remove {
		if nViolations > 0 {
			k.Log.Error(hint)
		}
		k.Summarize("checked %s: %s forbidden, %s allowed", count(nFiles, "manifest file"), count(nViolations, "object"), count(nAllowed, "object"))
		return nil
	}
	sources := ""
	if nSources > 0 {
		sources = " and " + count(nSources, "file") + " their generators read"
	}
	k.Summarize("removed %s from %s%s; %s allowed", count(nViolations, "object"), count(nRemovedFrom, "file"), sources, count(nAllowed, "object"))
	return nil
}

func allowedBy(p *policy, f finding) string {
	if f.empty && p.allowEmpty {
		return "ALLOW_EMPTY (no data, no stringData)"
	}
	return "ALLOW"
}
