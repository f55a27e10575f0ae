package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
)

func TestRenderProgress(t *testing.T) {
	got := renderProgress(reidrisk.Progress{Stage: "count", Done: 50, Total: 100}, 40)
	// label (10) + " [" + bar + "]" + " 50 / 100": bar of 40-10-9-3 = 18, half filled.
	want := "count      [=========>        ] 50 / 100"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := renderProgress(reidrisk.Progress{Stage: "read", Done: 1234567}, 40); got != "read       1,234,567" {
		t.Errorf("unknown total: %q", got)
	}
	if got := renderProgress(reidrisk.Progress{Stage: "qi", Done: 7, Total: 7}, 80); !strings.Contains(got, "[=====") || strings.Contains(got, ">") {
		t.Errorf("done: %q", got)
	}
}

// TestProgressSilent: the bar draws nothing when stderr is not a terminal
// or with --quiet, so pipes and CI logs stay clean.
func TestProgressSilent(t *testing.T) {
	var buf bytes.Buffer
	for _, quiet := range []bool{false, true} {
		b := newProgress(env{stderr: &buf}, quiet)
		b.update(reidrisk.Progress{Stage: "read", Done: 10})
		b.done()
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal stderr", buf.String())
	}
	code, _, errs := runCLI(t, "", "analyze", adultCSV, "--qi", "age,sex", "--format", "json")
	if code != 0 || errs != "" {
		t.Errorf("exit %d, stderr %q: want nothing on stderr", code, errs)
	}
}
