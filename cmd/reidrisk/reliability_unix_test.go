//go:build unix

package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/internal/demo"
)

// tempOf returns the size of the temporary file of output name in dir,
// or -1 when there is none.
func tempOf(dir, name string) int64 {
	m, _ := filepath.Glob(filepath.Join(dir, name+".reidrisk-*.tmp"))
	if len(m) == 0 {
		return -1
	}
	st, err := os.Stat(m[0])
	if err != nil {
		return -1
	}
	return st.Size()
}

// exitOf waits for cmd and returns its exit status.
func exitOf(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode()
}

// TestReliabilityInterruptDuringWrite is issue 12 case 2 under a signal:
// SIGINT (or SIGTERM) while `temporal --out` is writing its table stops
// the command with 130 (143), removes the half-written temporary file and
// leaves the existing output as it was. The child is frozen (SIGSTOP) as
// soon as its temporary file has content, so the signal surely lands
// mid-write, and is checked then: the old output is still whole.
func TestReliabilityInterruptDuringWrite(t *testing.T) {
	dir := t.TempDir()
	for _, sig := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		caught := false
		for _, subjects := range []int{2000, 8000, 32000} {
			ev, _, err := demo.GenerateEvents(demo.EventOptions{Seed: 1, Subjects: subjects})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := ev.WriteCSV(&buf, nil); err != nil {
				t.Fatal(err)
			}
			putFile(t, dir, "ev.csv", buf.String())
			old := putFile(t, dir, "out.csv", "old,content\n")
			cmd := binCommand(t, dir, "", "temporal", "ev.csv", "--subject", "account", "--time", "time",
				"--attrs", "media_type", "--identifiers", "account", "--policy", "lt_5<=0", "--out", "out.csv", "--quiet")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			stopped := false
			for running := true; running && !stopped; {
				select {
				case <-done:
					running = false
				default:
					if tempOf(dir, "out.csv") > 0 {
						stopped = cmd.Process.Signal(syscall.SIGSTOP) == nil
					} else {
						time.Sleep(time.Millisecond)
					}
				}
			}
			if !stopped {
				continue // finished before it was caught writing: try a larger input
			}
			if tempOf(dir, "out.csv") <= 0 {
				// It renamed its output between the look and the stop.
				cmd.Process.Signal(syscall.SIGCONT)
				<-done
				continue
			}
			sameContent(t, dir, "out.csv", old, "mid-write")
			cmd.Process.Signal(sig.sig)
			cmd.Process.Signal(syscall.SIGCONT)
			<-done
			code := cmd.ProcessState.ExitCode()
			if code == 0 {
				continue // stopped after its last write, while committing: a finished run
			}
			caught = true
			t.Logf("%v: caught writing with %d subjects", sig.sig, subjects)
			if code != sig.code || !strings.Contains(errb.String(), "interrupted") {
				t.Errorf("%v during the write: exit %d, stderr %q; want %d and \"interrupted\"", sig.sig, code, errb.String(), sig.code)
			}
			sameContent(t, dir, "out.csv", old, sig.sig.String())
			noTempFiles(t, dir, sig.sig.String())
			break
		}
		if !caught {
			t.Errorf("%v: temporal --out finished before its write could be caught, even on the largest input", sig.sig)
		}
	}
}

// TestReliabilityInterruptParquetStdin is issue 12 case 3: Ctrl-C while a
// Parquet stream is read from standard input (copied to a temporary file,
// because Parquet needs random access) leaves no reidrisk-*.tmp in the
// temporary directory, nor an output file. The command is blocked reading
// the pipe, so the first SIGINT cannot stop it; the second exits at once.
func TestReliabilityInterruptParquetStdin(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	old := putFile(t, dir, "r.csv", "old,records\n")
	cmd := binCommand(t, dir, tmp, "analyze", "-", "--qi", "a", "--records", "r.csv", "--quiet")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// 4 MB of "Parquet": once written, the pipe (64 KB) holds at most a
	// little of it, so the command has copied the rest to its spool file.
	chunk := make([]byte, 1<<20)
	rand.Read(chunk)
	copy(chunk, "PAR1")
	for i := 0; i < 4; i++ {
		if _, err := stdin.Write(chunk); err != nil {
			t.Fatalf("writing stdin: %v (%s)", err, errb.String())
		}
		chunk[0] = 'x'
	}
	if n := tempOf(dir, "r.csv"); n != 0 {
		t.Errorf("no empty temporary file of --records while reading (size %d)", n)
	}
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(50 * time.Millisecond) // not a timing assertion: lets the first signal arrive first
	cmd.Process.Signal(syscall.SIGINT)
	code := exitOf(t, cmd)
	stdin.Close()
	if code != 130 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("SIGINT twice while reading Parquet from stdin: exit %d, stderr %q; want 130", code, errb.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%s left in TMPDIR: a copy of standard input", left[0].Name())
	}
	sameContent(t, dir, "r.csv", old, "SIGINT")
	noTempFiles(t, dir, "SIGINT")
}
