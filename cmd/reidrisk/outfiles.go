package main

import (
	"context"

	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/internal/safeout"
)

// namedPath is a file named on the command line: by a flag, or the input
// FILE when Flag is "".
type namedPath = cliflags.Path

// outputs are the files a command writes, created up front by
// createOutputs; Abort, deferred, removes what was not committed.
type outputs = cliflags.Outputs

// createOutputs checks and creates the command's output files before any
// work (see cliflags.Create), adding each to the set a signal aborts (see
// withSignals).
func createOutputs(ctx context.Context, e env, inputs []namedPath, outs ...namedPath) (outputs, error) {
	set, _ := ctx.Value(outputsKey{}).(*safeout.Set)
	return cliflags.Create(set, e.stdin, inputs, outs...)
}

// fileAndOut are the files of a command that reads FILE and writes --out.
func fileAndOut(file, out string) (inputs, outputs []namedPath) {
	return []namedPath{{Path: file}}, []namedPath{{Flag: "--out", Path: out}}
}
