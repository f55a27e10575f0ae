package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/quasiid"
)

// usageError marks a mistake in the command line (exit status 2).
type usageError = cliflags.UsageError

func usagef(format string, a ...any) error { return cliflags.Usagef(format, a...) }

var (
	splitList      = cliflags.SplitList
	parseDelimiter = cliflags.Delimiter
)

// inputFlags are the flags every command shares.
type inputFlags struct {
	cliflags.Input        // --delimiter, --null, --subject
	format         string // text, json or html
	quiet          bool   // no progress bar
	showValues     bool   // allow identifier and subject values in reports
	maxField       int64  // longest CSV field, in bytes
}

// register adds the shared flags to fs.
func (f *inputFlags) register(fs *flag.FlagSet) {
	f.Input.Register(fs, "")
	fs.StringVar(&f.format, "format", "text", "output format: text, json or html")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar on stderr")
	fs.BoolVar(&f.showValues, "show-values", false, "allow identifier and subject values in the report")
	fs.Int64Var(&f.maxField, "max-field-bytes", quasiid.DefaultMaxFieldBytes, "longest CSV field or column name, in bytes: a longer one is an error naming its row and column")
}

// check validates the shared flags after parsing.
func (f *inputFlags) check() error {
	switch f.format {
	case "text", "json", "html":
	default:
		return usagef("--format %q: want text, json or html", f.format)
	}
	if _, err := parseDelimiter(f.Delimiter); err != nil {
		return err
	}
	if f.maxField < 1 {
		return usagef("--max-field-bytes %d: want at least 1", f.maxField)
	}
	return nil
}

// flagSet is a command's flags: the shared input flags and its own.
type flagSet interface {
	input() *inputFlags
	register(*flag.FlagSet)
}

// parseCommand parses the arguments of the command name with the input
// flags and those f registers (the input flags checked), flags before or after the FILE (see parseInterleaved). It
// returns the one input FILE ("-" is standard input), the names of the
// flags given on the command line, so that an option left out can differ
// from one set to its default value, and the flag set.
func parseCommand(e env, name string, f flagSet, args []string) (file string, set map[string]bool, fs *flag.FlagSet, err error) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f.input().register(fs)
	f.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return "", nil, nil, err
	}
	if err := f.input().check(); err != nil {
		return "", nil, nil, err
	}
	set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch len(pos) {
	case 0:
		return "", nil, nil, usagef("no input FILE given (use - for standard input)")
	case 1:
		return pos[0], set, fs, nil
	default:
		return "", nil, nil, usagef("want one input FILE, got %d: %q", len(pos), pos)
	}
}

// validator is the library's options type of a command.
type validator interface{ Validate() error }

// commandFlags are the flags of a command whose options O the library
// validates: options maps them (set: the flags given), files names the
// command's input and output files, and run does the work.
type commandFlags[O validator] interface {
	flagSet
	options(set map[string]bool) (O, error)
	files(file string) (inputs, outputs []namedPath)
	run(ctx context.Context, e env, s *started[O]) error
}

// started is a command after its prologue.
type started[O any] struct {
	file  string          // the input FILE
	opt   O               // the options, validated
	outs  outputs         // the output files, created
	flags cliflags.Mapper // tells library errors in flags
}

// runCommand runs a command: first what every command does (parse the
// command line, map the flags to the library's options and validate them,
// an *reidrisk.OptionError told in flags as a usage error, create the
// output files before any work), then f.run; the output files not
// committed by then are removed.
func runCommand[O validator](ctx context.Context, e env, name string, f commandFlags[O], args []string) error {
	file, set, fs, err := parseCommand(e, name, f, args)
	if err != nil {
		return err
	}
	s := &started[O]{file: file, flags: cliflags.Mapper{FS: fs}}
	if s.opt, err = f.options(set); err != nil {
		return err
	}
	if err := s.opt.Validate(); err != nil {
		return s.flags.Usage(err)
	}
	in, out := f.files(file)
	if s.outs, err = createOutputs(ctx, e, in, out...); err != nil {
		return err
	}
	defer s.outs.Abort()
	return f.run(ctx, e, s)
}

// onInput opens the input FILE (with open, or openInput when open is nil)
// and runs the library's call on it under a progress bar, which *progress
// (the options' Progress field) is set to update; an error of call is told
// in flags.
func onInput[O, R any](e env, s *started[O], in inputFlags, open func() (*quasiid.Source, error), progress *func(reidrisk.Progress), call func(*quasiid.Source) (R, error)) (R, error) {
	var zero R
	if open == nil {
		open = func() (*quasiid.Source, error) { return openInput(e, s.file, in) }
	}
	src, err := open()
	if err != nil {
		return zero, err
	}
	defer src.Close()
	bar := newProgress(e, in.quiet)
	bar.input(src, s.file)
	*progress = bar.update
	r, err := call(src)
	bar.done()
	if err != nil {
		return zero, s.flags.Map(err)
	}
	return r, nil
}

// writeOut writes a command's report in --format: JSON, HTML with html, or
// text with text; then it returns the report's own error (a policy not
// met: exit status 3), if any.
func writeOut(e env, format string, rep interface{ Err() error }, html, text func(io.Writer) error) error {
	var err error
	switch format {
	case "json":
		err = writeJSON(e.stdout, rep)
	case "html":
		err = html(e.stdout)
	default:
		err = text(e.stdout)
	}
	if err != nil {
		return err
	}
	return rep.Err()
}

// parseInterleaved parses args with fs, allowing flags before and after
// positional arguments ("FILE --qi a,b" as well as "--qi a,b FILE"). A lone
// "-" is a positional argument (standard input); after "--" everything is
// positional. Errors are usage errors; -h and --help print the flags to fs's
// output and return flag.ErrHelp.
func parseInterleaved(fs *flag.FlagSet, args []string) (positional []string, err error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	for len(args) > 0 {
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(out, "usage of reidrisk %s:\n", fs.Name())
				fs.SetOutput(out)
				fs.PrintDefaults()
				return nil, flag.ErrHelp
			}
			return nil, usageError{Msg: err.Error()}
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

// openInput opens path ("-" is standard input) as a table source; the
// format (CSV, Parquet, Arrow IPC file or stream) is detected. The
// delimiter, null texts and field limit of in apply to CSV.
func openInput(e env, path string, in inputFlags) (*quasiid.Source, error) {
	d, err := parseDelimiter(in.Delimiter)
	if err != nil {
		return nil, err
	}
	opt := quasiid.ReadOptions{Delimiter: d, MaxFieldBytes: in.maxField, SHA256: true, NullValues: cliflags.Nulls(in.Nulls)}
	if path == "-" {
		if e.stdin == nil {
			return nil, errors.New("standard input: not available")
		}
		return quasiid.Read("stdin", e.stdin, opt)
	}
	return quasiid.Open(path, opt)
}

// reopener returns a function opening the input FILE, which may be called
// twice when twice is set (to measure, then to write): standard input is
// then kept in memory.
func reopener(e env, file string, in inputFlags, twice bool) (func() (*quasiid.Source, error), error) {
	if file != "-" || !twice {
		return func() (*quasiid.Source, error) { return openInput(e, file, in) }, nil
	}
	data, err := io.ReadAll(e.stdin)
	if err != nil {
		return nil, fmt.Errorf("standard input: %v", err)
	}
	return func() (*quasiid.Source, error) { return openInput(env{stdin: bytes.NewReader(data)}, "-", in) }, nil
}

// writeJSON writes v as indented JSON followed by a newline. Report types
// carry reidrisk.Float, which writes ±Inf as "Infinity"/"-Infinity".
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
