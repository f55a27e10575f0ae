package main

import (
	"context"
	"os"

	"github.com/reidrisk/reidrisk/internal/safeout"
)

// namedPath is a file named on the command line: by a flag, or the input
// FILE when flag is "".
type namedPath struct{ flag, path string }

func (p namedPath) String() string {
	if p.flag == "" && p.path == "-" {
		return "standard input"
	}
	if p.flag == "" {
		return "the input " + p.path
	}
	return p.flag + " " + p.path
}

// outputs are the files a command writes, created up front by
// createOutputs; Abort, deferred, removes what was not committed.
type outputs []*safeout.File

// Abort removes the temporary file of every output not committed, leaving
// existing files as they were.
func (o outputs) Abort() {
	for _, f := range o {
		if f != nil {
			f.Abort()
		}
	}
}

// createOutputs checks the command's output files before any work: an
// output that is the same file as an input, or as another output, is a
// usage error (compared by device and inode, so links and other spellings
// are caught); then it creates each output's temporary file in the
// destination's directory, so that one that cannot be written fails now,
// and adds it to the set a signal aborts (see withSignals).
// The result holds one File per output, nil where the path is "" (the flag
// not given), in order. An input "-" is compared as the file standard
// input was redirected from, if any.
func createOutputs(ctx context.Context, e env, inputs []namedPath, outs ...namedPath) (outputs, error) {
	for i, o := range outs {
		if o.path == "" {
			continue
		}
		for _, in := range inputs {
			same := in.path != "" && in.path != "-" && safeout.SameFile(o.path, in.path)
			if in.path == "-" {
				same = sameAsStdin(e, o.path)
			}
			if same {
				return nil, usagef("%s is the same file as %s: it would be overwritten; write to another file", o, in)
			}
		}
		for _, prev := range outs[:i] {
			if prev.path != "" && safeout.SameFile(o.path, prev.path) {
				return nil, usagef("%s is the same file as %s: write them to two files", o, prev)
			}
		}
	}
	files := make(outputs, len(outs))
	for i, o := range outs {
		if o.path == "" {
			continue
		}
		f, err := safeout.Create(o.path)
		if err != nil {
			files.Abort()
			return nil, err
		}
		if set, ok := ctx.Value(outputsKey{}).(*safeout.Set); ok {
			set.Add(f)
		}
		files[i] = f
	}
	return files, nil
}

// hierarchyInputs lists the files of --hierarchy COLUMN=FILE.
func hierarchyInputs(h tHierarchies) []namedPath {
	var in []namedPath
	for _, path := range h {
		in = append(in, namedPath{"--hierarchy", path})
	}
	return in
}

// sameAsStdin reports whether standard input is the file path (as in
// `reidrisk analyze - --records x.csv < x.csv`).
func sameAsStdin(e env, path string) bool {
	f, ok := e.stdin.(*os.File)
	if !ok || f == nil {
		return false
	}
	in, err := f.Stat()
	if err != nil || !in.Mode().IsRegular() {
		return false
	}
	out, err := os.Stat(path)
	return err == nil && os.SameFile(in, out)
}
