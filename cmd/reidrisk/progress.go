package main

import (
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"io"
	"os"
	"time"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
	"golang.org/x/term"
)

// progressBar draws one status line on stderr when stderr is a terminal
// and --quiet was not given; otherwise it does nothing.
type progressBar struct {
	w     io.Writer // nil: silent
	last  time.Time
	shown bool
	width int
	// With an input of known size, the read stage shows a percentage.
	src  interface{ BytesRead() int64 }
	size int64
}

// input makes the read stage show how much of the file at path src has
// read, when path is a regular file (not "-", not a pipe) and src is read
// as a stream (CSV, Arrow IPC stream); Parquet and Arrow IPC files are
// read in parts and show rows only.
func (b *progressBar) input(src *quasiid.Source, path string) {
	if b == nil || b.w == nil || path == "-" {
		return
	}
	if f := src.Format(); f == quasiid.Parquet || f == quasiid.IPCFile {
		return
	}
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
		b.src, b.size = src, st.Size()
	}
}

// newProgress returns a bar drawing on e.stderr if it is a terminal.
func newProgress(e env, quiet bool) *progressBar {
	p := &progressBar{}
	if quiet {
		return p
	}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.w = f
		p.width = 80
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 20 {
			p.width = w
		}
	}
	return p
}

// update draws the bar for p, at most ten times a second.
func (b *progressBar) update(p reidrisk.Progress) {
	if b == nil || b.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(b.last) < 100*time.Millisecond && (p.Total == 0 || p.Done < p.Total) {
		return
	}
	b.last = now
	b.shown = true
	line := progressLine(p, b.width-1)
	if p.Stage == "read" && b.src != nil {
		line = progressLine(p, b.width-8) + readPercent(b.src.BytesRead(), b.size)
	}
	fmt.Fprint(b.w, line)
}

// done clears the bar's line.
func (b *progressBar) done() {
	if b == nil || b.w == nil || !b.shown {
		return
	}
	fmt.Fprintf(b.w, "\r%*s\r", b.width-1, "")
	b.shown = false
}

// renderProgress formats p in at most width characters:
// "count  [=======>      ]  1,234 / 10,000" or "read  12,345 rows" when the
// total is unknown.
func renderProgress(p reidrisk.Progress, width int) string {
	label := fmt.Sprintf("%-10s", p.Stage)
	if p.Total <= 0 {
		return clip(label+" "+textfmt.Thousands(p.Done), width)
	}
	tail := fmt.Sprintf(" %s / %s", textfmt.Thousands(p.Done), textfmt.Thousands(p.Total))
	barW := width - len(label) - len(tail) - 3
	if barW < 5 {
		return clip(label+tail, width)
	}
	fill := int(float64(barW) * float64(min(p.Done, p.Total)) / float64(p.Total))
	bar := make([]byte, barW)
	for i := range bar {
		switch {
		case i < fill:
			bar[i] = '='
		case i == fill:
			bar[i] = '>'
		default:
			bar[i] = ' '
		}
	}
	return label + " [" + string(bar) + "]" + tail
}

func clip(s string, w int) string {
	if w > 0 && len(s) > w {
		return s[:w]
	}
	return s
}

// readPercent formats the share of size read: "  37.5 %".
func readPercent(read, size int64) string {
	return fmt.Sprintf(" %5.1f%%", 100*float64(min(read, size))/float64(size))
}

// progressLine is the text that redraws the bar's line with p: a carriage
// return, then p padded with spaces to width, so that nothing of a longer
// earlier line (another stage's "read 3,948,544") is left behind.
func progressLine(p reidrisk.Progress, width int) string {
	return fmt.Sprintf("\r%-*s", width, renderProgress(p, width))
}
