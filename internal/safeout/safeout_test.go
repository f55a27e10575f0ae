package safeout

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// leftovers returns the names of the temporary files in dir.
func leftovers(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".reidrisk-") && strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := leftovers(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], "out.csv.reidrisk-") {
		t.Fatalf("temporary files %q, want one out.csv.reidrisk-*.tmp", got)
	}
	f.Write([]byte("new "))
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Fatalf("destination %q before Commit, want the old content", b)
	}
	f.Write([]byte("content\n"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new content\n" {
		t.Fatalf("destination %q after Commit", b)
	}
	if got := leftovers(t, dir); len(got) != 0 {
		t.Fatalf("temporary files left: %q", got)
	}
	if runtime.GOOS != "windows" {
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
			t.Errorf("mode %v, want the old file's 0640", st.Mode().Perm())
		}
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new content\n" {
		t.Fatalf("Abort after Commit changed the destination to %q", b)
	}
}

func TestAbortKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	os.WriteFile(path, []byte("old\n"), 0o644)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half a ro"))
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Fatalf("destination %q after Abort, want the old content", b)
	}
	if got := leftovers(t, dir); len(got) != 0 {
		t.Fatalf("temporary files left: %q", got)
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Error("Write after Abort succeeded")
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Fatalf("Commit after Abort changed the destination to %q", b)
	}
}

func TestCreateFailsUpFront(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "no", "such", "dir", "out.csv")); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
	if _, err := Create(dir); err == nil {
		t.Error("Create over a directory succeeded")
	}
	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		return // root writes in read-only directories
	}
	locked := filepath.Join(dir, "locked.csv")
	os.WriteFile(locked, []byte("keep"), 0o444)
	if _, err := Create(locked); err == nil {
		t.Error("Create over a read-only file succeeded")
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	if _, err := Create(filepath.Join(ro, "out.csv")); err == nil {
		t.Error("Create in a read-only directory succeeded")
	}
}

func TestSymlinkTargetWritten(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "target.csv")
	link := filepath.Join(dir, "link.csv")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	f, err := Create(link)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target %q, want the new content", b)
	}
}

func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	os.WriteFile(a, []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	cases := []struct {
		b    string
		same bool
	}{
		{a, true},
		{filepath.Join(dir, "sub", "..", "a.csv"), true},
		{filepath.Join(dir, "b.csv"), false},
	}
	hard := filepath.Join(dir, "hard.csv")
	if os.Link(a, hard) == nil {
		cases = append(cases, struct {
			b    string
			same bool
		}{hard, true})
	}
	soft := filepath.Join(dir, "soft.csv")
	if os.Symlink(a, soft) == nil {
		cases = append(cases, struct {
			b    string
			same bool
		}{soft, true})
	}
	for _, c := range cases {
		if got := SameFile(a, c.b); got != c.same {
			t.Errorf("SameFile(%s, %s) = %v, want %v", a, c.b, got, c.same)
		}
	}
	n1, n2 := filepath.Join(dir, "new.csv"), filepath.Join(dir, "sub", "..", "new.csv")
	if !SameFile(n1, n2) {
		t.Errorf("two spellings of one new file: not the same")
	}
	if SameFile(n1, filepath.Join(dir, "sub", "new.csv")) {
		t.Errorf("new files in two directories: the same")
	}
}

func TestSetAborts(t *testing.T) {
	dir := t.TempDir()
	var s Set
	done, _ := Create(filepath.Join(dir, "done.csv"))
	open, _ := Create(filepath.Join(dir, "open.csv"))
	s.Add(done)
	s.Add(open)
	done.Write([]byte("ok"))
	if err := done.Commit(); err != nil {
		t.Fatal(err)
	}
	open.Write([]byte("partial"))
	s.Abort()
	if b, _ := os.ReadFile(filepath.Join(dir, "done.csv")); string(b) != "ok" {
		t.Errorf("committed file %q after Set.Abort", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "open.csv")); !os.IsNotExist(err) {
		t.Errorf("aborted new file exists: %v", err)
	}
	if got := leftovers(t, dir); len(got) != 0 {
		t.Fatalf("temporary files left: %q", got)
	}
}

// FuzzWriter drives a File with a sequence of writes ending in a commit, an
// abort or a write failure (the temporary file closed under it, as a full
// disk would): afterwards the destination holds either its old content or
// all of the new, never part of it, and no temporary file remains.
func FuzzWriter(f *testing.F) {
	f.Add([]byte("old"), []byte("\x03new\x02ab\x00"), true)
	f.Add([]byte(""), []byte("\x05hello\x01\x02"), false)
	f.Add([]byte("keep"), []byte("\x04abcd\x03"), true)
	f.Fuzz(func(t *testing.T, old, ops []byte, exists bool) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.csv")
		if exists {
			if err := os.WriteFile(path, old, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		w, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		var written bytes.Buffer
		committed, failed := false, false
	loop:
		for i := 0; i < len(ops); i++ {
			switch op := ops[i]; {
			case op == 0: // commit
				if err := w.Commit(); err != nil {
					if !failed {
						t.Fatalf("Commit: %v", err)
					}
					break loop
				}
				committed = !failed
				break loop
			case op == 1: // abort
				w.Abort()
				break loop
			case op == 2: // the disk fails: later writes and the commit fail
				w.tmp.Close()
				failed = true
			default: // write the next op-2 bytes of ops
				n := min(int(op)-2, len(ops)-i-1)
				chunk := ops[i+1 : i+1+n]
				i += n
				if _, err := w.Write(chunk); err == nil {
					written.Write(chunk)
				} else if !failed {
					t.Fatalf("Write: %v", err)
				}
			}
		}
		if !committed {
			w.Abort() // what a deferred Abort does on every other path
		}
		got, err := os.ReadFile(path)
		switch {
		case committed:
			if err != nil || !bytes.Equal(got, written.Bytes()) {
				t.Fatalf("committed: destination %q (%v), want %q", got, err, written.Bytes())
			}
		case exists:
			if err != nil || !bytes.Equal(got, old) {
				t.Fatalf("not committed: destination %q (%v), want the old %q", got, err, old)
			}
		default:
			if !os.IsNotExist(err) {
				t.Fatalf("not committed: a new destination exists (%q, %v)", got, err)
			}
		}
		if left := leftovers(t, dir); len(left) != 0 {
			t.Fatalf("temporary files left: %q", left)
		}
	})
}
