package cliflags

import (
	"io"
	"os"

	"github.com/reidrisk/reidrisk/internal/safeout"
)

// Path is a file named on the command line: by a flag, or the input FILE
// when Flag is "".
type Path struct{ Flag, Path string }

func (p Path) String() string {
	if p.Flag == "" && p.Path == "-" {
		return "standard input"
	}
	if p.Flag == "" {
		return "the input " + p.Path
	}
	return p.Flag + " " + p.Path
}

// Outputs are the files a command writes, created up front by Create;
// Abort, deferred, removes what was not committed.
type Outputs []*safeout.File

// Abort removes the temporary file of every output not committed, leaving
// existing files as they were.
func (o Outputs) Abort() {
	for _, f := range o {
		if f != nil {
			f.Abort()
		}
	}
}

// Create checks a command's output files before any work: an output that
// is the same file as an input, or as another output, is a usage error
// (compared by device and inode, so links and other spellings are caught);
// then it creates each output's temporary file in the destination's
// directory, so that one that cannot be written fails now, and adds it to
// set (which a signal aborts), if set is not nil. The result holds one File
// per output, nil where the path is "" (the flag not given), in order. An
// input "-" is compared as the file stdin was redirected from, if any.
func Create(set *safeout.Set, stdin io.Reader, inputs []Path, outs ...Path) (Outputs, error) {
	if err := Check(stdin, inputs, outs...); err != nil {
		return nil, err
	}
	files := make(Outputs, len(outs))
	for i, o := range outs {
		if o.Path == "" {
			continue
		}
		f, err := safeout.Create(o.Path)
		if err != nil {
			files.Abort()
			return nil, err
		}
		if set != nil {
			set.Add(f)
		}
		files[i] = f
	}
	return files, nil
}

// Check is the first half of Create: a usage error when an output is the
// same file as an input or as another output.
func Check(stdin io.Reader, inputs []Path, outs ...Path) error {
	for i, o := range outs {
		if o.Path == "" {
			continue
		}
		for _, in := range inputs {
			same := in.Path != "" && in.Path != "-" && safeout.SameFile(o.Path, in.Path)
			if in.Path == "-" {
				same = sameAsStdin(stdin, o.Path)
			}
			if same {
				return Usagef("%s is the same file as %s: it would be overwritten; write to another file", o, in)
			}
		}
		for _, prev := range outs[:i] {
			if prev.Path != "" && safeout.SameFile(o.Path, prev.Path) {
				return Usagef("%s is the same file as %s: write them to two files", o, prev)
			}
		}
	}
	return nil
}

// HierarchyInputs lists the files of --hierarchy COLUMN=FILE.
func HierarchyInputs(h Hierarchies) []Path {
	var in []Path
	for _, path := range h {
		in = append(in, Path{"--hierarchy", path})
	}
	return in
}

// sameAsStdin reports whether standard input is the file path (as in
// `reidrisk analyze - --records x.csv < x.csv`).
func sameAsStdin(stdin io.Reader, path string) bool {
	f, ok := stdin.(*os.File)
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
