package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
)

func TestParseInterleaved(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
		qi   string
		fmt  string
	}{
		{[]string{"f.csv", "--qi", "a,b"}, []string{"f.csv"}, "a,b", "text"},
		{[]string{"--qi", "a", "f.csv", "--format", "json"}, []string{"f.csv"}, "a", "json"},
		{[]string{"-", "--qi=x"}, []string{"-"}, "x", "text"},
		{[]string{"--qi", "x", "--", "--weird-name.csv"}, []string{"--weird-name.csv"}, "x", "text"},
		{[]string{"a", "b", "--format=html", "c"}, []string{"a", "b", "c"}, "", "html"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		var in inputFlags
		in.register(fs)
		qi := fs.String("qi", "", "")
		pos, err := parseInterleaved(fs, tc.args)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if !reflect.DeepEqual(pos, tc.pos) || *qi != tc.qi || in.format != tc.fmt {
			t.Errorf("%q: got %q qi=%q format=%q, want %q %q %q", tc.args, pos, *qi, in.format, tc.pos, tc.qi, tc.fmt)
		}
	}
}

func TestParseInterleavedErrors(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var in inputFlags
	in.register(fs)
	_, err := parseInterleaved(fs, []string{"f.csv", "--nope"})
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("unknown flag: got %v, want usageError", err)
	}
	var help bytes.Buffer
	fs.SetOutput(&help)
	if _, err := parseInterleaved(fs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: got %v", err)
	}
	if !bytes.Contains(help.Bytes(), []byte("-delimiter")) {
		t.Errorf("-h printed %q, want the flag list", help.String())
	}
	in.format = "xml"
	if err := in.check(); !errors.As(err, &ue) {
		t.Errorf("--format xml: got %v, want usageError", err)
	}
}

func TestParseDelimiter(t *testing.T) {
	for in, want := range map[string]rune{"": 0, ";": ';', "tab": '\t', `\t`: '\t', "|": '|'} {
		got, err := parseDelimiter(in)
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{";;", `"`, "\n"} {
		if _, err := parseDelimiter(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestWriteJSONInfinity(t *testing.T) {
	var b bytes.Buffer
	v := map[string]reidrisk.Float{"a": reidrisk.Float(math.Inf(1)), "b": 0.5, "c": reidrisk.Float(math.Inf(-1))}
	if err := writeJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": \"Infinity\",\n  \"b\": 0.5,\n  \"c\": \"-Infinity\"\n}\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestSplitList: items are trimmed; an empty item is a usage error
// naming the flag; an empty or blank value is no column.
func TestSplitList(t *testing.T) {
	if got, err := splitList("--qi", " a, b,c "); err != nil || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("got %q, %v", got, err)
	}
	for _, s := range []string{"", "  "} {
		if got, err := splitList("--qi", s); err != nil || got != nil {
			t.Errorf("%q: got %q, %v; want no column", s, got, err)
		}
	}
	for _, s := range []string{"a,,b", "a,", ",a", "a, ,b"} {
		_, err := splitList("--sensitive", s)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), `--sensitive "`+s+`": an empty column name`) {
			t.Errorf("%q: error %v, want a usage error naming --sensitive", s, err)
		}
	}
}

// TestParseCommand: every command that reads one FILE parses its
// arguments the same way: flags on either side of FILE, the flags given
// reported (and only those), no FILE or two FILEs a usage error.
func TestParseCommand(t *testing.T) {
	var f suggestFlags
	file, set, _, err := parseCommand(env{stderr: io.Discard}, "suggest", &f, []string{"--k", "3", "in.csv", "--qi", "a,b", "--max-suppression", "0"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"k": true, "qi": true, "max-suppression": true}
	if file != "in.csv" || !reflect.DeepEqual(set, want) || f.policy.K != 3 || f.cols.QI != "a,b" {
		t.Errorf("file %q, set %v, k %d, qi %q", file, set, f.policy.K, f.cols.QI)
	}
	if file, _, _, err := parseCommand(env{stderr: io.Discard}, "analyze", &analyzeFlags{}, []string{"--", "-"}); err != nil || file != "-" {
		t.Errorf("-- -: file %q, err %v", file, err)
	}
	for _, cmd := range []string{"analyze", "suggest", "temporal", "apply"} {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{nil, "no input FILE given (use - for standard input)"},
			{[]string{"a.csv", "b.csv"}, `want one input FILE, got 2: ["a.csv" "b.csv"]`},
		} {
			var out, errb bytes.Buffer
			code := run(context.Background(), env{nil, &out, &errb}, append([]string{cmd}, tc.args...))
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("%s %q: exit %d, stderr %q, want %q", cmd, tc.args, code, errb.String(), tc.want)
			}
		}
	}
}
