package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRunInterrupted checks that a command whose context a signal
// cancelled exits 130 (SIGINT) or 143 (SIGTERM), says so, and leaves no
// output: the deferred Abort of createOutputs runs on the way out.
func TestRunInterrupted(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.csv")
	os.WriteFile(in, []byte(people), 0o644)
	old := putFile(t, dir, "r.csv", "old")
	for _, tc := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(interrupted{tc.sig})
		var out, errb bytes.Buffer
		code := run(ctx, env{nil, &out, &errb}, []string{"analyze", in, "--qi", "age", "--records", filepath.Join(dir, "r.csv"), "--quiet"})
		if code != tc.code || !strings.Contains(errb.String(), "interrupted") {
			t.Errorf("%v: exit %d, stderr %q; want %d", tc.sig, code, errb.String(), tc.code)
		}
		sameContent(t, dir, "r.csv", old, tc.sig.String())
		noTempFiles(t, dir, tc.sig.String())
	}
}
