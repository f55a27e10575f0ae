// Package safeout writes the command's output files so that nothing is
// lost and nothing is left half-written: a File writes to a temporary file
// in the destination's directory and renames it over the destination only
// on Commit; Abort (an error, a cancellation, a signal) removes the
// temporary file and leaves an existing destination untouched. Creating a
// File up front proves the directory writable before the work starts.
//
// The rename is atomic on POSIX file systems (rename(2)) and replaces an
// existing file on Windows (MoveFileEx with MOVEFILE_REPLACE_EXISTING), so
// a reader of the destination sees either the old or the whole new content.
package safeout

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// TempPattern is how temporary files are named: the destination's name,
// then ".reidrisk-", a random number and ".tmp", in the destination's
// directory (out.csv → out.csv.reidrisk-123456789.tmp).
const TempPattern = "%s.reidrisk-%s.tmp"

// File is one output file being written. Its methods are safe for
// concurrent use: a signal handler may Abort a File that a command is
// writing; writes after that fail.
type File struct {
	mu   sync.Mutex
	dest string // the file renamed over (a symbolic link's target)
	name string // the path the caller gave
	tmp  *os.File
	mode fs.FileMode // of the existing destination, kept; 0 for a new one
	done bool        // committed or aborted
	err  error       // why writes fail after done
}

// Create starts writing path: it creates the temporary file next to the
// destination (next to its target when path is a symbolic link), so that a
// directory that does not exist or is not writable fails now. An existing
// destination must be writable, as for os.Create, but is not touched until
// Commit, which keeps its permissions; a new one gets 0666 less the umask.
func Create(path string) (*File, error) {
	dest := path
	var mode fs.FileMode
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", path)
		}
		if target, err := filepath.EvalSymlinks(path); err == nil {
			dest = target
		}
		mode = st.Mode().Perm()
		// A file the user may not write stays so, though the directory
		// would allow replacing it. Opening without O_TRUNC changes nothing.
		f, err := os.OpenFile(dest, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		f.Close()
	}
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	for try := 0; ; try++ {
		tmp := filepath.Join(dir, fmt.Sprintf(TempPattern, base, strconv.FormatUint(uint64(rand.Uint32()), 10)))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the temporary file's name says nothing to the user
			}
			return nil, fmt.Errorf("%s: cannot write in its directory: %w", path, err)
		}
		return &File{dest: dest, name: path, tmp: f, mode: mode}, nil
	}
}

// Name returns the path given to Create.
func (f *File) Name() string { return f.name }

// TempName returns the path of the temporary file.
func (f *File) TempName() string { return f.tmp.Name() }

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return 0, f.err
	}
	return f.tmp.Write(p)
}

// Commit flushes the temporary file to disk and renames it over the
// destination. On error the temporary file is removed and the destination
// left as it was. Commit after Commit or Abort is an error.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return f.err
	}
	f.done = true
	f.err = fmt.Errorf("%s: already committed", f.name)
	err := f.tmp.Sync()
	if err == nil && f.mode != 0 {
		err = f.tmp.Chmod(f.mode)
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.dest)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		f.err = fmt.Errorf("%s: not written: %w", f.name, err)
		return f.err
	}
	return nil
}

// Abort removes the temporary file, leaving the destination as it was.
// It does nothing after Commit or a first Abort, so it can be deferred.
func (f *File) Abort() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return nil
	}
	f.done = true
	f.err = fmt.Errorf("%s: not written: aborted", f.name)
	f.tmp.Close()
	return os.Remove(f.tmp.Name())
}

// SameFile reports whether paths a and b name the same file: the same
// device and inode (os.SameFile), so hard and symbolic links and different
// spellings of a path are caught. Paths that do not exist are the same
// file when they name the same entry of the same directory.
func SameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	if errA == nil || errB == nil || filepath.Base(a) != filepath.Base(b) {
		return false
	}
	da, errA := os.Stat(filepath.Dir(a))
	db, errB := os.Stat(filepath.Dir(b))
	return errA == nil && errB == nil && os.SameFile(da, db)
}

// Set holds the files a process is writing so that a signal handler can
// abort them all before it exits. The zero Set is ready to use.
type Set struct {
	mu    sync.Mutex
	files []*File
}

// Add puts f in the set.
func (s *Set) Add(f *File) {
	s.mu.Lock()
	s.files = append(s.files, f)
	s.mu.Unlock()
}

// Abort aborts every file of the set not yet committed.
func (s *Set) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		f.Abort()
	}
}
