package main

// The reliability suite runs the built binary from the outside, in
// temporary directories, as a user would: issue 12's cases 1 (an output
// that is an input), 2 (an existing output kept when a command fails), 3
// (no copy of standard input left behind; reliability_unix_test.go, with
// the signals of case 2) and 9 (a field too long to hold).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// reidriskBin builds the command once per test binary and returns its path.
func reidriskBin(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go toolchain is not on PATH: cannot build the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "reidrisk-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "reidrisk")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command(goBin, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// result is how a run of the binary ended.
type result struct {
	code           int
	stdout, stderr string
}

// binCommand returns the binary set to run with args in dir, TMPDIR set to
// tmp when not "".
func binCommand(t *testing.T, dir, tmp string, args ...string) *exec.Cmd {
	cmd := exec.Command(reidriskBin(t), args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	if tmp != "" {
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp, "TMP="+tmp, "TEMP="+tmp)
	}
	return cmd
}

// runIn runs the binary with args in dir and returns how it ended.
func runBin(t *testing.T, dir string, stdin io.Reader, args ...string) result {
	t.Helper()
	cmd := binCommand(t, dir, "", args...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("reidrisk %s: %v", strings.Join(args, " "), err)
	}
	return result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// writeFile writes a file of dir and returns its content.
func putFile(t *testing.T, dir, name, content string) []byte {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return []byte(content)
}

// sameBytes fails unless the file name of dir holds want, byte for byte.
func sameContent(t *testing.T, dir, name string, want []byte, after string) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Errorf("%s: %s: %v", after, name, err)
	} else if !bytes.Equal(got, want) {
		t.Errorf("%s: %s changed: %d bytes %.60q, want %d bytes %.60q", after, name, len(got), got, len(want), want)
	}
}

// noTemporaryFiles fails if dir holds a temporary file of the tool.
func noTempFiles(t *testing.T, dir, after string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), "reidrisk-") && strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("%s: temporary file %s left in %s", after, e.Name(), dir)
		}
	}
}

// people is a small table with a direct identifier.
const people = `name,age,sex,zip
ann,34,F,1011
bob,35,M,1011
cid,36,M,1012
dan,37,M,1012
eve,41,F,1013
fay,42,F,1013
gus,43,M,1014
hal,44,M,1014
`

// TestReliabilitySameFile is issue 12 case 1: an output that is the same
// file as an input (or as another output), by its name, another spelling,
// a symbolic or a hard link, is refused with exit 2 before anything is
// written; the input stays byte for byte.
func TestReliabilitySameFile(t *testing.T) {
	dir := t.TempDir()
	in := putFile(t, dir, "x.csv", people)
	// A transform to apply, made by the tool itself.
	r := runBin(t, dir, nil, "suggest", "x.csv", "--qi", "age,sex", "--k", "2", "--auto-hierarchies", "--quiet", "--save-transform", "t.json")
	if r.code != 0 {
		t.Fatalf("suggest --save-transform: exit %d: %s", r.code, r.stderr)
	}
	tr, err := os.ReadFile(filepath.Join(dir, "t.json"))
	if err != nil {
		t.Fatal(err)
	}
	putFile(t, dir, "t.csv", string(tr)) // a transform whose name is a table's
	hier := putFile(t, dir, "h.csv", "34;30-39;*\n35;30-39;*\n36;30-39;*\n37;30-39;*\n41;40-49;*\n42;40-49;*\n43;40-49;*\n44;40-49;*\n")
	pop := putFile(t, dir, "p.csv", people)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	links := []string{"sub/../x.csv", filepath.Join(dir, "x.csv")}
	if os.Symlink("x.csv", filepath.Join(dir, "soft.csv")) == nil {
		links = append(links, "soft.csv")
	}
	if os.Link(filepath.Join(dir, "x.csv"), filepath.Join(dir, "hard.csv")) == nil {
		links = append(links, "hard.csv")
	}
	var cases [][]string
	for _, out := range append([]string{"x.csv"}, links...) {
		cases = append(cases,
			[]string{"apply", "x.csv", "--transform", "t.json", "--out", out},
			[]string{"suggest", "x.csv", "--qi", "age,sex", "--k", "2", "--auto-hierarchies", "--out", out},
			[]string{"analyze", "x.csv", "--qi", "age", "--records", out},
			[]string{"suppress", "x.csv", "--qi", "age,sex", "--k", "2", "--out", out},
			[]string{"sets", "x.csv", "--subject", "name", "--item", "sex", "--k", "1", "--max-suppression", "0.5", "--out", out},
		)
	}
	cases = append(cases,
		[]string{"apply", "x.csv", "--transform", "t.csv", "--out", "t.csv"},
		[]string{"suggest", "x.csv", "--qi", "age,sex", "--k", "2", "--hierarchy", "age=h.csv", "--auto-hierarchies", "--save-transform", "sub/../h.csv"},
		[]string{"analyze", "x.csv", "--qi", "age", "--population", "p.csv", "--records", "./p.csv"},
		[]string{"suggest", "x.csv", "--qi", "age,sex", "--k", "2", "--auto-hierarchies", "--out", "o.csv", "--save-transform", "sub/../o.csv"},
		[]string{"demo", "--write-csv", "d.csv", "--write-events", "./d.csv"},
		[]string{"sets", "x.csv", "--subject", "name", "--item", "sex", "--k", "1", "--max-suppression", "0.5", "--out", "o.csv", "--save-transform", "./o.csv"},
	)
	for _, args := range cases {
		r := runBin(t, dir, nil, append(args, "--quiet")...)
		what := strings.Join(args, " ")
		if r.code != 2 || !strings.Contains(r.stderr, "is the same file as") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and \"is the same file as\"", what, r.code, r.stderr)
		}
		sameContent(t, dir, "x.csv", in, what)
		sameContent(t, dir, "t.csv", tr, what)
		sameContent(t, dir, "h.csv", hier, what)
		sameContent(t, dir, "p.csv", pop, what)
		for _, name := range []string{"o.csv", "d.csv"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				t.Errorf("%s: %s written", what, name)
			}
		}
		noTempFiles(t, dir, what)
	}
	// Standard input redirected from the output file.
	f, err := os.Open(filepath.Join(dir, "x.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r = runBin(t, dir, f, "analyze", "-", "--qi", "age", "--records", "x.csv", "--quiet")
	if r.code != 2 || !strings.Contains(r.stderr, "--records x.csv is the same file as standard input") {
		t.Errorf("analyze - --records x.csv < x.csv: exit %d, stderr %q; want 2", r.code, r.stderr)
	}
	sameContent(t, dir, "x.csv", in, "analyze - --records x.csv < x.csv")
}

// TestReliabilityExistingOutputKept is issue 12 case 2: a command that
// fails leaves an existing output file as it was and no temporary file;
// an output directory that cannot be written fails before the input is
// read; on success the output is replaced whole.
func TestReliabilityExistingOutputKept(t *testing.T) {
	dir := t.TempDir()
	putFile(t, dir, "x.csv", people)
	old := putFile(t, dir, "e.csv", "precious,data\n1,2\n")
	oldJSON := putFile(t, dir, "e.json", `{"precious": true}`)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"suggest", "x.csv", "--qi", "age,nope", "--k", "2", "--auto-hierarchies", "--identifiers", "name", "--out", "e.csv", "--save-transform", "e.json"}, 1},
		{[]string{"suggest", "x.csv", "--qi", "age,sex", "--k", "1000000", "--auto-hierarchies", "--identifiers", "name", "--out", "e.csv", "--save-transform", "e.json"}, 3},
		{[]string{"suggest", "x.csv", "--qi", "age,sex", "--k", "2", "--auto-hierarchies", "--out", "e.csv", "--save-transform", "e.json"}, 2}, // name is an identifier
		{[]string{"analyze", "x.csv", "--qi", "age,nope", "--records", "e.csv"}, 1},
		{[]string{"suppress", "x.csv", "--qi", "age,sex", "--k", "100", "--out", "e.csv"}, 3}, // k cannot be met
		{[]string{"apply", "x.csv", "--transform", "missing.json", "--out", "e.csv"}, 1},
		{[]string{"apply", "x.csv", "--transform", "x.csv", "--out", "e.csv"}, 1},
		{[]string{"temporal", "x.csv", "--subject", "name", "--time", "age", "--policy", "lt_5<=0", "--out", "e.csv"}, 1},
	} {
		what := strings.Join(tc.args, " ")
		r := runBin(t, dir, nil, append(tc.args, "--quiet")...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d (%s), want %d", what, r.code, r.stderr, tc.code)
		}
		sameContent(t, dir, "e.csv", old, what)
		sameContent(t, dir, "e.json", oldJSON, what)
		noTempFiles(t, dir, what)
	}

	// The output directory is checked before the (missing) input is read.
	r := runBin(t, dir, nil, "analyze", "missing.csv", "--qi", "age", "--records", "nodir/r.csv", "--quiet")
	if r.code != 1 || !strings.Contains(r.stderr, "nodir") {
		t.Errorf("analyze --records nodir/r.csv: exit %d, stderr %q; want 1 naming the output", r.code, r.stderr)
	}

	// Success replaces the old content whole.
	r = runBin(t, dir, nil, "analyze", "x.csv", "--qi", "age", "--records", "e.csv", "--quiet")
	if r.code != 0 {
		t.Fatalf("analyze --records e.csv: exit %d: %s", r.code, r.stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "e.csv"))
	if lines := strings.Split(strings.TrimSpace(string(got)), "\n"); len(lines) != 9 || !strings.HasPrefix(lines[0], "row,class,class_size") {
		t.Errorf("--records e.csv after success: %q, want a header and 8 rows", got)
	}
	noTempFiles(t, dir, "analyze --records e.csv")
}

// endlessField is a CSV text on standard input: a header, one row and a
// field of n bytes in the second, made up as it is read. It counts what
// the child read.
type endlessField struct {
	head string
	n    int64
	sent int64
}

func (l *endlessField) Read(p []byte) (int, error) {
	if l.sent < int64(len(l.head)) {
		k := copy(p, l.head[l.sent:])
		l.sent += int64(k)
		return k, nil
	}
	left := int64(len(l.head)) + l.n - l.sent
	if left <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), left))
	for i := range p[:k] {
		p[i] = 'z'
	}
	l.sent += int64(k)
	return k, nil
}

// TestReliabilityFieldTooLong is issue 12 case 9: a 1 GB field on standard
// input is an error naming row and column (exit 1, not an out-of-memory
// crash), found after reading about --max-field-bytes of it; a long
// header name is cut out of the message; --max-field-bytes sets the limit.
func TestReliabilityFieldTooLong(t *testing.T) {
	dir := t.TempDir()
	in := &endlessField{head: "age,zip\n34,1011\n35,", n: 1 << 30}
	r := runBin(t, dir, in, "analyze", "-", "--qi", "age,zip", "--quiet")
	if r.code != 1 || !strings.Contains(r.stderr, `row 2 (line 3), column "zip": field longer than 1048576 bytes`) {
		t.Errorf("1 GB field: exit %d, stderr %.200q; want 1 and row 2 (line 3), column \"zip\"", r.code, r.stderr)
	}
	if in.sent > 16<<20 {
		t.Errorf("the command read %d MB of a 1 GB field before stopping, want about 1", in.sent>>20)
	}

	putFile(t, dir, "h.csv", "age,"+strings.Repeat("q", 2<<20)+"\n1,2\n")
	r = runBin(t, dir, nil, "analyze", "h.csv", "--qi", "age", "--quiet")
	if r.code != 1 || !strings.Contains(r.stderr, "header: column 2: name longer than 1048576 bytes") || len(r.stderr) > 1000 {
		t.Errorf("2 MB header name: exit %d, stderr %.200q (%d bytes); want 1, the column's number and no name", r.code, r.stderr, len(r.stderr))
	}

	// Times of 20 bytes pass a limit of 24; one of 35 does not.
	putFile(t, dir, "s.csv", "who,when\na,2024-01-01T10:00:00Z\nb,2024-01-01T10:00:00.000000000+00:00\n")
	for _, cmd := range [][]string{
		{"analyze", "s.csv", "--qi", "who,when"},
		{"suggest", "s.csv", "--qi", "who,when", "--k", "2", "--auto-hierarchies"},
		{"temporal", "s.csv", "--subject", "who", "--time", "when"},
	} {
		r = runBin(t, dir, nil, append(cmd, "--max-field-bytes", "24", "--quiet")...)
		if r.code != 1 || !strings.Contains(r.stderr, `s.csv: row 2 (line 3), column "when": field longer than 24 bytes`) {
			t.Errorf("%s --max-field-bytes 4: exit %d, stderr %q", cmd[0], r.code, r.stderr)
		}
	}
	r = runBin(t, dir, nil, "analyze", "s.csv", "--qi", "who", "--max-field-bytes", "0")
	if r.code != 2 {
		t.Errorf("--max-field-bytes 0: exit %d, want 2", r.code)
	}
}
