package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/reidrisk/reidrisk/quasiid"
)

// inputFlags are the flags every command shares.
type inputFlags struct {
	delimiter  string // CSV delimiter; "" detects
	subject    string // subject (person/account) column
	format     string // text, json or html
	quiet      bool   // no progress bar
	showValues bool   // allow identifier and subject values in reports
}

// register adds the shared flags to fs.
func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV field delimiter (one character, or 'tab'); default: detect among , ; tab |")
	fs.StringVar(&f.subject, "subject", "", "column naming the person or account each row belongs to")
	fs.StringVar(&f.format, "format", "text", "output format: text, json or html")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar on stderr")
	fs.BoolVar(&f.showValues, "show-values", false, "allow identifier and subject values in the report")
}

// check validates the shared flags after parsing.
func (f *inputFlags) check() error {
	switch f.format {
	case "text", "json", "html":
	default:
		return usagef("--format %q: want text, json or html", f.format)
	}
	if _, err := parseDelimiter(f.delimiter); err != nil {
		return err
	}
	return nil
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
			return nil, usageError{err.Error()}
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

// parseDelimiter turns the --delimiter flag into a rune; "" means detect.
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) || r == utf8.RuneError || r == '"' || r == '\n' || r == '\r' {
		return 0, usagef("--delimiter %q: want one character (or 'tab')", s)
	}
	return r, nil
}

// openInput opens path ("-" is standard input) as a table source; the
// format (CSV, Parquet, Arrow IPC file or stream) is detected.
func openInput(e env, path, delim string) (*quasiid.Source, error) {
	d, err := parseDelimiter(delim)
	if err != nil {
		return nil, err
	}
	opt := quasiid.ReadOptions{Delimiter: d}
	if path == "-" {
		if e.stdin == nil {
			return nil, errors.New("standard input: not available")
		}
		return quasiid.Read("stdin", e.stdin, opt)
	}
	return quasiid.Open(path, opt)
}

// splitList splits a comma-separated flag value, trimming spaces and
// dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeJSON writes v as indented JSON followed by a newline. Report types
// carry reidrisk.Float, which writes ±Inf as "Infinity"/"-Infinity".
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
