package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
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

// TestProgressLineClears: a shorter line after a longer one overwrites all
// of it, so "read 3,948,544" then "search 26" does not show "search 26948,544".
func TestProgressLineClears(t *testing.T) {
	long := progressLine(reidrisk.Progress{Stage: "read", Done: 3948544}, 40)
	short := progressLine(reidrisk.Progress{Stage: "search", Done: 26}, 40)
	if len(short) != len(long) || len(short) != 41 {
		t.Fatalf("lines of %d and %d bytes, want 41", len(long), len(short))
	}
	// What a terminal shows: the second line written over the first.
	screen := []byte(long[1:])
	copy(screen, short[1:])
	if got := strings.TrimRight(string(screen), " "); got != "search     26" {
		t.Errorf("screen %q, want %q", got, "search     26")
	}
}

// TestReadPercent: with a file of known size the read stage shows the share
// of its bytes read.
func TestReadPercent(t *testing.T) {
	if got := readPercent(375, 1000); got != "  37.5%" {
		t.Errorf("readPercent = %q", got)
	}
	path := writeFile(t, "r.csv", "a,b\n1,x\n2,y\n")
	src, err := quasiid.Open(path, quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var buf bytes.Buffer
	b := &progressBar{w: &buf, width: 60}
	b.input(src, path)
	if _, err := reidrisk.Analyze(context.Background(), src, reidrisk.Options{QI: []string{"a"}, Progress: b.update}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "read") || !strings.Contains(buf.String(), "100.0%") {
		t.Errorf("progress %q: no read percentage", buf.String())
	}
}
