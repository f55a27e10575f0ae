package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/reidrisk/reidrisk/quasiid"
)

// inputFlags are the flags every command shares.
type inputFlags struct {
	delimiter  string // CSV delimiter; "" detects
	nulls      string // comma-separated CSV texts read as null
	subject    string // subject (person/account) column
	format     string // text, json or html
	quiet      bool   // no progress bar
	showValues bool   // allow identifier and subject values in reports
	maxField   int64  // longest CSV field, in bytes
}

// register adds the shared flags to fs.
func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV field delimiter (one character, or 'tab'); default: detect among , ; tab |")
	fs.StringVar(&f.nulls, "null", "", "comma-separated CSV field texts read as null, e.g. NA or NA, (NA and the empty field); without it a CSV has no null and every field is a string")
	fs.StringVar(&f.subject, "subject", "", "column naming the person or account each row belongs to")
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
	if _, err := parseDelimiter(f.delimiter); err != nil {
		return err
	}
	if f.maxField < 1 {
		return usagef("--max-field-bytes %d: want at least 1", f.maxField)
	}
	return nil
}

// parseCommand parses the arguments of the command name with the flags f
// registers, flags before or after the FILE (see parseInterleaved). It
// returns the one input FILE ("-" is standard input) and the names of the
// flags given on the command line, so that an option left out can differ
// from one set to its default value.
func parseCommand(e env, name string, f interface{ register(*flag.FlagSet) }, args []string) (file string, set map[string]bool, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return "", nil, err
	}
	set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch len(pos) {
	case 0:
		return "", nil, usagef("no input FILE given (use - for standard input)")
	case 1:
		return pos[0], set, nil
	default:
		return "", nil, usagef("want one input FILE, got %d: %q", len(pos), pos)
	}
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
// format (CSV, Parquet, Arrow IPC file or stream) is detected. The
// delimiter, null texts and field limit of in apply to CSV.
func openInput(e env, path string, in inputFlags) (*quasiid.Source, error) {
	d, err := parseDelimiter(in.delimiter)
	if err != nil {
		return nil, err
	}
	opt := quasiid.ReadOptions{Delimiter: d, MaxFieldBytes: in.maxField, SHA256: true}
	if in.nulls != "" {
		// Texts are data, not names: not trimmed, and an empty item
		// (--null NA,) makes the empty field null, as in reidrisk-beam.
		opt.NullValues = strings.Split(in.nulls, ",")
	}
	if path == "-" {
		if e.stdin == nil {
			return nil, errors.New("standard input: not available")
		}
		return quasiid.Read("stdin", e.stdin, opt)
	}
	return quasiid.Open(path, opt)
}

// qiLists splits --qi, which is required, and --sensitive.
func qiLists(qi, sensitive string) (q, s []string, err error) {
	if q, err = splitList("--qi", qi); err != nil {
		return nil, nil, err
	}
	if len(q) == 0 {
		return nil, nil, usagef("--qi is required: name the quasi-identifier columns, e.g. --qi age,sex,zip")
	}
	if s, err = splitList("--sensitive", sensitive); err != nil {
		return nil, nil, err
	}
	return q, s, nil
}

// roleFlag is one flag that names columns in a role.
type roleFlag struct {
	flag  string
	names []string
}

// checkRoles is a usage error when a flag names a column twice or two flags
// give the same column different roles (an empty name is "not given").
func checkRoles(flags ...roleFlag) error {
	seen := map[string]string{}
	for _, g := range flags {
		for _, n := range g.names {
			if n == "" {
				continue
			}
			if prev, ok := seen[n]; ok {
				if prev == g.flag {
					return usagef("%s names column %s twice", g.flag, textfmt.Name(n))
				}
				return usagef("column %s is given to both %s and %s", textfmt.Name(n), prev, g.flag)
			}
			seen[n] = g.flag
		}
	}
	return nil
}

// splitList splits the comma-separated value s of flag, trimming spaces
// (a name in double quotes is taken exactly, see columnItems);
// an empty item ("a,,b", "a,") is a usage error, not dropped, and an
// empty s is an empty list.
func splitList(flag, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out, ok := columnItems(s)
	if !ok {
		return nil, usagef("%s %q: a quoted column name must end with a quote followed by a comma or the end", flag, s)
	}
	for _, p := range out {
		if p == "" {
			return nil, usagef("%s %q: an empty column name", flag, s)
		}
	}
	return out, nil
}

// writeJSON writes v as indented JSON followed by a newline. Report types
// carry reidrisk.Float, which writes ±Inf as "Infinity"/"-Infinity".
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// cliError is an error whose message was reworded for the command line;
// it still unwraps to the library's error.
type cliError struct {
	msg string
	err error
}

func (e *cliError) Error() string { return e.msg }
func (e *cliError) Unwrap() error { return e.err }

// reword returns err with the library's "reidrisk: " prefix removed (the
// command prefixes "reidrisk COMMAND: " itself) and each leading phrase of
// from replaced by the flag the user typed, e.g. `weights column "w"` by
// `--weights w`. Usage errors and nil pass through.
func reword(err error, from map[string]string) error {
	var ue usageError
	if err == nil || errors.As(err, &ue) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "reidrisk: ")
	for phrase, flagText := range from {
		if rest, ok := strings.CutPrefix(msg, phrase); ok {
			msg = flagText + rest
			break
		}
	}
	if msg == err.Error() {
		return err
	}
	return &cliError{msg, err}
}

// withLine fills in the line of a *quasiid.InputError that names a row but
// no line (errors found after loading, such as a bad weight), by counting
// the records of the CSV file at path. Other errors, other formats and
// standard input pass through unchanged.
func withLine(err error, path string) error {
	var ie *quasiid.InputError
	if !errors.As(err, &ie) || ie.Row <= 0 || ie.Line > 0 || path == "-" || ie.File != path {
		return err
	}
	f, ferr := os.Open(path)
	if ferr != nil {
		return err
	}
	defer f.Close()
	if line := csvRowLine(bufio.NewReader(f), ie.Row); line > 0 {
		ie.Line = line
	}
	return err
}

// csvRowLine returns the line on which data row `row` (1-based, after the
// header) of a CSV text starts, or 0 if there is no such row or the text
// is not CSV. Records end at a newline outside double quotes and blank
// lines are skipped, as encoding/csv and the loader do; the delimiter does
// not matter.
func csvRowLine(r *bufio.Reader, row int64) int64 {
	head, _ := r.Peek(6)
	if len(head) >= 4 && (string(head[:4]) == "PAR1" || string(head) == "ARROW1" || string(head[:4]) == "\xff\xff\xff\xff") {
		return 0
	}
	var (
		line    int64 = 1
		record  int64 = -1   // the header is record 0
		start         = true // at the start of a line, outside quotes
		inQuote bool
	)
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0
		}
		if start && c != '\n' && c != '\r' {
			record++
			if record == row {
				return line
			}
		}
		start = false
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n':
			line++
			start = !inQuote
		}
	}
}
