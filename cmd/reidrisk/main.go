// Command reidrisk measures who in a table can be singled out and suggests
// the least coarsening that makes it safe.
//
// Usage:
//
//	reidrisk demo
//	reidrisk analyze FILE --qi a,b,c [flags]
//	reidrisk suggest FILE --qi a,b,c --k 5 [flags]
//	reidrisk apply FILE --transform t.json --out FILE
//	reidrisk temporal FILE --subject col --time col [flags]
//	reidrisk sets FILE --subject col --item col [--m 2] [--k 5] [flags]
//	reidrisk suppress FILE --qi a,b,c --k 3 --out FILE [flags]
//	reidrisk version
//
// Exit status, the same in every --format: 0 on success, 1 on bad input
// or failure, 2 on bad usage (an output column that looks like a direct
// identifier included), 3 when a requested policy cannot be met (the
// report is written first); 130 after SIGINT (Ctrl-C) and 143 after
// SIGTERM, which stop the command.
//
// Output files (--out, --records, --save-transform, --write-csv,
// --write-events) are written to a temporary file in the destination's
// directory, created before the work starts, and renamed over the
// destination only when complete: on an error or a signal the temporary
// file is removed and an existing file is left as it was. An output that is
// the same file as an input or as another output is a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/version"
)

// env is what a command may touch: no globals, so tests run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e env, args []string) error
}

// newCommand is the command name whose flags f map to the library's
// options O (see runCommand). commands makes new flags at each call, so
// that every run starts from the defaults.
func newCommand[O validator](name, summary string, f commandFlags[O]) command {
	return command{name, summary, func(ctx context.Context, e env, args []string) error {
		return runCommand(ctx, e, name, f, args)
	}}
}

func commands() []command {
	return []command{
		{"demo", "analyse an embedded media-server usage table and tell its story", runDemo},
		newCommand[reidrisk.Options]("analyze", "measure re-identification risk over quasi-identifiers", &analyzeFlags{}),
		newCommand[reidrisk.SuggestOptions]("suggest", "search the least generalisation that meets a policy", &suggestFlags{}),
		{"apply", "apply a saved transformation to a table", runApply},
		newCommand[reidrisk.TemporalOptions]("temporal", "measure weekly-habit and trace uniqueness in an event log", &temporalFlags{}),
		newCommand[reidrisk.SetsOptions]("sets", "measure k^m-anonymity of the item sets per subject", &setsFlags{}),
		newCommand[reidrisk.SuppressOptions]("suppress", "blank the fewest QI cells so every record matches k records (local suppression)", &suppressFlags{}),
	}
}

func main() {
	ctx, stop := withSignals(os.Stderr)
	code := run(ctx, env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" || args[0] == "-version" {
		fmt.Fprintln(e.stdout, "reidrisk", version.Version)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := identifierUsage(c.run(ctx, e, args[1:]))
			if err == nil || errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if sig, ok := interruptedBy(ctx); ok {
				fmt.Fprintf(e.stderr, "reidrisk %s: %v: stopped; unfinished output files removed\n", c.name, sig)
				return sig.code()
			}
			fmt.Fprintf(e.stderr, "reidrisk %s: %s\n", c.name, strings.TrimPrefix(err.Error(), "reidrisk: "))
			return exitCode(err)
		}
	}
	fmt.Fprintf(e.stderr, "reidrisk: unknown command %q\n", args[0])
	printUsage(e.stderr)
	return 2
}

// exitCode maps a command's error to the exit status: 3 for a
// *reidrisk.PolicyError, 2 for a usage error, 1 otherwise.
func exitCode(err error) int {
	var pe *reidrisk.PolicyError
	var ue usageError
	switch {
	case errors.As(err, &pe):
		return 3
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: reidrisk COMMAND [FILE] [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-9s %s\n", "version", "print the version (also --version)")
	fmt.Fprintln(w, "\nRun 'reidrisk COMMAND -h' for a command's flags.")
}
