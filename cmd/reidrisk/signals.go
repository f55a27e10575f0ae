package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/reidrisk/reidrisk/internal/safeout"
)

// graceTime is how long a command may take to stop after the first
// SIGINT or SIGTERM before the process exits without it.
const graceTime = 3 * time.Second

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string {
	if i.sig == syscall.SIGTERM {
		return "interrupted (SIGTERM)"
	}
	return "interrupted (SIGINT)"
}

// code is the exit status of a process stopped by the signal: 128 + its
// number, as shells report it (130 for SIGINT, 143 for SIGTERM).
func (i interrupted) code() int {
	if i.sig == syscall.SIGTERM {
		return 143
	}
	return 130
}

// interruptedBy returns the signal that cancelled ctx, if one did.
func interruptedBy(ctx context.Context) (interrupted, bool) {
	var in interrupted
	ok := errors.As(context.Cause(ctx), &in)
	return in, ok
}

// outputsKey is the context key of the *safeout.Set of the files the
// process is writing (see createOutputs).
type outputsKey struct{}

// withSignals returns a context that the first SIGINT or SIGTERM cancels,
// with an interrupted cause: long work stops at its next check, the
// command's deferred Aborts remove its temporary files, and run returns
// 130 or 143. If the command has not returned graceTime later (it may be
// blocked reading standard input), or at a second signal, the process
// aborts every output file created under ctx (createOutputs adds them to
// the context's set) and exits with that status at once. stop releases the
// signals.
func withSignals(stderr io.Writer) (ctx context.Context, stop func()) {
	outs := new(safeout.Set)
	ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), outputsKey{}, outs))
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	go func() {
		var first interrupted
		select {
		case s := <-sigs:
			first = interrupted{s}
			cancel(first)
		case <-quit:
			return
		}
		select {
		case <-sigs:
		case <-time.After(graceTime):
		case <-quit:
			return
		}
		outs.Abort()
		fmt.Fprintf(stderr, "reidrisk: %v: stopped; unfinished output files removed\n", first)
		os.Exit(first.code())
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(quit)
		cancel(nil)
	}
}
