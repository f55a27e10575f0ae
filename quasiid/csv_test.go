package quasiid

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/reidrisk/reidrisk/internal/fixture"
)

// csvFixture returns the path of a CSV fixture of testdata/csv.
func csvFixture(t *testing.T, name string) string { return fixture.Path(t, "csv/"+name) }

// encodeString reads data as CSV named name and encodes spec.
func encodeString(name, data string, opt ReadOptions, spec Spec) (*Table, error) {
	src, err := Read(name, strings.NewReader(data), opt)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return Encode(context.Background(), src, spec, EncodeOptions{})
}

// values returns the value of each row of c, "NULL" for null.
func values(c *Column) []string {
	out := make([]string, len(c.Codes))
	for i, code := range c.Codes {
		out[i] = c.Dict.Label(code)
	}
	return out
}

func TestCSVQuotedFields(t *testing.T) {
	src, err := Open(csvFixture(t, "quoted.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got, want := src.Columns(), []string{"zip", "name", "gender", "note"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Columns() = %q, want %q", got, want)
	}
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"zip", "gender"}, Sensitive: []string{"note"}, Identifiers: []string{"name"}}, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Rows != 3 {
		t.Fatalf("Rows = %d, want 3", tbl.Rows)
	}
	for _, tc := range []struct {
		col   string
		codes []uint32
		vals  []string
		role  Role
	}{
		// Leading zeros kept; "F" stays the text F, not a boolean.
		{"zip", []uint32{0, 1, 0}, []string{"01234", "02139", "01234"}, QuasiIdentifier},
		{"gender", []uint32{0, 1, 0}, []string{"F", "M", "F"}, QuasiIdentifier},
		{"note", []uint32{0, 1, 2}, []string{"line one\nline two", "plain", ""}, Sensitive},
		{"name", []uint32{0, 1, 2}, []string{"Smith; John", "Doe", `Roe "Jr"`}, Identifier},
	} {
		c := tbl.Column(tc.col)
		if c == nil {
			t.Fatalf("no column %q", tc.col)
		}
		if c.Role != tc.role {
			t.Errorf("%s: role %v, want %v", tc.col, c.Role, tc.role)
		}
		if !reflect.DeepEqual(c.Codes, tc.codes) {
			t.Errorf("%s: codes %v, want %v", tc.col, c.Codes, tc.codes)
		}
		if got := values(c); !reflect.DeepEqual(got, tc.vals) {
			t.Errorf("%s: values %q, want %q", tc.col, got, tc.vals)
		}
	}
	// Table order: QIs, sensitive, ..., identifiers.
	var order []string
	for _, c := range tbl.Columns {
		order = append(order, c.Name)
	}
	if want := []string{"zip", "gender", "note", "name"}; !reflect.DeepEqual(order, want) {
		t.Errorf("column order %q, want %q", order, want)
	}
}

func TestDetectDelimiter(t *testing.T) {
	for _, tc := range []struct {
		data string
		want byte
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1;2,5;3\n", ';'},
		{"a\tb\n1\t2\n", '\t'},
		{"a|b|c\n1|2|3", '|'},
		{`a;b` + "\n" + `"x,y,z";2` + "\n", ';'},
		{"name\nx\n", ','},
		{"a,b;c\n1,2;3\n4,5;6\n", ','},
		{"a,b;c;d\n1,2;3;4\n", ';'},
	} {
		if got := detectDelimiter([]byte(tc.data), true); got != tc.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tc.data, got, tc.want)
		}
	}
	tbl, err := encodeString("tab.tsv", "zip\tcity\n01001\tAgawam\n", ReadOptions{}, Spec{QI: []string{"zip", "city"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := values(tbl.Column("zip")); !reflect.DeepEqual(got, []string{"01001"}) {
		t.Errorf("zip = %q", got)
	}
	// A given delimiter wins over detection.
	tbl, err = encodeString("given.csv", "a;b,c\n1;2,3\n", ReadOptions{Delimiter: ','}, Spec{QI: []string{"a;b"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := values(tbl.Column("a;b")); !reflect.DeepEqual(got, []string{"1;2"}) {
		t.Errorf("a;b = %q", got)
	}
}

func TestCSVNullValues(t *testing.T) {
	data := "x,y\na,1\n,2\nNA,3\n,4\nNA,5\n"
	tbl, err := encodeString("nulls.csv", data, ReadOptions{NullValues: []string{"NA"}}, Spec{QI: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	c := tbl.Column("x")
	if want := []uint32{0, 1, 2, 1, 2}; !reflect.DeepEqual(c.Codes, want) {
		t.Fatalf("codes %v, want %v", c.Codes, want)
	}
	if c.Dict.Len() != 3 || !c.Dict.IsNull(2) || c.Dict.IsNull(1) || c.Dict.Value(1) != "" {
		t.Errorf("dictionary: len %d, null code %d, value(1) %q", c.Dict.Len(), c.Dict.Null(), c.Dict.Value(1))
	}
	// Without NullValues, "NA" is text and there is no null.
	tbl, err = encodeString("nulls.csv", data, ReadOptions{}, Spec{QI: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := tbl.Column("x"); c.Dict.Null() != NoCode || c.Dict.Len() != 3 {
		t.Errorf("without NullValues: null code %d, len %d", c.Dict.Null(), c.Dict.Len())
	}
}

func TestCSVBatches(t *testing.T) {
	data := "a,b\n1,x\n2,y\n1,z\n3,x\n2,x\n"
	src, err := Read("b.csv", strings.NewReader(data), ReadOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var progress []int64
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"a", "b"}}, EncodeOptions{Progress: func(r int64) { progress = append(progress, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{2, 4, 5}; !reflect.DeepEqual(progress, want) {
		t.Errorf("progress %v, want %v", progress, want)
	}
	if want := []uint32{0, 1, 0, 2, 1}; !reflect.DeepEqual(tbl.Column("a").Codes, want) {
		t.Errorf("a codes %v, want %v", tbl.Column("a").Codes, want)
	}
	if want := []uint32{0, 1, 2, 0, 0}; !reflect.DeepEqual(tbl.Column("b").Codes, want) {
		t.Errorf("b codes %v, want %v", tbl.Column("b").Codes, want)
	}
	// A Source is read once.
	if _, err := Encode(context.Background(), src, Spec{QI: []string{"a"}}, EncodeOptions{}); err == nil {
		t.Error("second Encode of the same source: no error")
	}
}

func TestCSVHeaderOnly(t *testing.T) {
	src, err := Open(csvFixture(t, "header_only.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"a", "c"}}, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Rows != 0 || len(tbl.Columns) != 2 || len(tbl.Columns[0].Codes) != 0 {
		t.Errorf("header-only: rows %d, columns %d", tbl.Rows, len(tbl.Columns))
	}
}

// TestCSVBadInput checks the exact message of each kind of bad input.
func TestCSVBadInput(t *testing.T) {
	dir := fixture.Path(t, "csv") + string(filepath.Separator)
	for _, tc := range []struct {
		name string
		file string // a fixture, or
		data string // inline data read as "in.csv"
		spec Spec
		want string
	}{
		{name: "ragged", file: "ragged.csv", spec: Spec{QI: []string{"h1"}},
			want: dir + `ragged.csv: row 2 (line 3), column "h3": missing field: the row has 2 fields, the header 3`},
		{name: "extra field", data: "a,b\n1,2\n3,4,5\n", spec: Spec{QI: []string{"a"}},
			want: `in.csv: row 2 (line 3): extra field: the row has 3 fields, the header 2`},
		{name: "ragged after multi-line field", data: "a,b\n\"x\ny\",1\n2\n", spec: Spec{QI: []string{"a"}},
			want: `in.csv: row 2 (line 4), column "b": missing field: the row has 1 fields, the header 2`},
		{name: "empty", file: "empty.csv", spec: Spec{QI: []string{"a"}},
			want: dir + `empty.csv: empty file: a header row is required`},
		{name: "invalid UTF-8", file: "invalid_utf8.csv", spec: Spec{QI: []string{"a"}},
			want: dir + `invalid_utf8.csv: row 1 (line 2), column "b": invalid UTF-8`},
		{name: "column named twice", file: "duplicate_header.csv", spec: Spec{QI: []string{"a"}},
			want: dir + `duplicate_header.csv: line 1, column "a": column named twice in the header (columns 1 and 3)`},
		{name: "empty column name", data: "a,,c\n", spec: Spec{QI: []string{"a"}},
			want: `in.csv: line 1: header: column 2 has an empty name`},
		{name: "unknown column", data: "age,zip\n1,2\n", spec: Spec{QI: []string{"age", "sex"}},
			want: `in.csv: column "sex": no such column; available: "age", "zip"`},
		{name: "identifier as QI", data: "name,zip\na,1\n", spec: Spec{QI: []string{"zip", "name"}, Identifiers: []string{"name"}},
			want: `in.csv: spec: column "name" is a direct identifier and cannot be used as a quasi-identifier`},
		{name: "QI twice", data: "zip\n1\n", spec: Spec{QI: []string{"zip", "zip"}},
			want: `in.csv: spec: column "zip" is named twice as quasi-identifier`},
		{name: "bare quote", data: "a,b\n1,2\nx\"y,z\n", spec: Spec{QI: []string{"a"}},
			want: `in.csv: row 2 (line 3): bare " in non-quoted-field (at byte 2)`},
		{name: "unterminated quote", data: "a,b\n1,\"2\n3,4\n", spec: Spec{QI: []string{"a"}},
			want: `in.csv: row 1 (line 2): extraneous or missing " in quoted-field (at line 3, byte 5)`},
		{name: "bad time", data: "ts,a\n2024-03-01,x\nyesterday,y\n", spec: Spec{QI: []string{"a"}, Time: "ts"},
			want: `in.csv: row 2 (line 3), column "ts": cannot read the value as a time (want RFC 3339 / ISO 8601, "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DD" or an integer Unix time)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var src *Source
			var err error
			if tc.file != "" {
				src, err = Open(csvFixture(t, tc.file), ReadOptions{})
			} else {
				src, err = Read("in.csv", strings.NewReader(tc.data), ReadOptions{})
			}
			if err == nil {
				defer src.Close()
				_, err = Encode(context.Background(), src, tc.spec, EncodeOptions{})
			}
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tc.want)
			}
		})
	}
}

func TestInputErrorIsTyped(t *testing.T) {
	_, err := encodeString("r.csv", "a,b\n1\n", ReadOptions{}, Spec{QI: []string{"a"}})
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *InputError", err)
	}
	if ie.File != "r.csv" || ie.Row != 1 || ie.Line != 2 || ie.Column != "b" {
		t.Errorf("InputError %+v", *ie)
	}
}

func TestEncodeCancelled(t *testing.T) {
	src, err := Read("c.csv", strings.NewReader("a\n1\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Encode(ctx, src, Spec{QI: []string{"a"}}, EncodeOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestCSVByteOrderMark(t *testing.T) {
	tbl, err := encodeString("bom.csv", "\ufeffzip,x\n01,2\n", ReadOptions{}, Spec{QI: []string{"zip"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := values(tbl.Column("zip")); !reflect.DeepEqual(got, []string{"01"}) {
		t.Errorf("zip = %q", got)
	}
}

func TestCSVSkippedLines(t *testing.T) {
	data := "a,b\n1,x\n\n2,\"y\nz\"\n\n\n3,w\n\n"
	src, err := Read("blank.csv", strings.NewReader(data), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"a"}}, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Lines 3, 6 and 7 are blank; line 9 at the end is not counted.
	if tbl.Rows != 3 || src.SkippedLines() != 3 {
		t.Errorf("rows %d, skipped lines %d; want 3, 3", tbl.Rows, src.SkippedLines())
	}
}

func TestCorruptIPCStream(t *testing.T) {
	_, err := Read("x", strings.NewReader("\xff\xff\xff\xff0J\x87h0"), ReadOptions{})
	if want := "x: reading Arrow IPC stream: schema message length 1753696816 is not plausible (corrupt stream, or not Arrow)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// A spec error does not consume the source: the caller can fix the spec.
func TestEncodeRetryAfterSpecError(t *testing.T) {
	src, err := Read("r.csv", strings.NewReader("age,zip\n1,2\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := Encode(context.Background(), src, Spec{QI: []string{"sex"}}, EncodeOptions{}); err == nil {
		t.Fatal("unknown column: no error")
	}
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"age"}}, EncodeOptions{})
	if err != nil || tbl.Rows != 1 {
		t.Errorf("retry: %v, rows %v", err, tbl)
	}
}

// TestCSVPathsAgree encodes the fixtures and the bad-time input both
// directly from the CSV parser and through Arrow arrays.
func TestCSVPathsAgree(t *testing.T) {
	data := "ts,a\n2024-03-01,x\nNA,\n2024-03-01T10:00:00+01:00,NA\n"
	var tables [2]*Table
	for k := range tables {
		src, err := Read("p.csv", strings.NewReader(data), ReadOptions{NullValues: []string{"NA"}, BatchSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if k == 1 {
			src.rr = struct{ array.RecordReader }{src.rr}
		}
		tables[k], err = Encode(context.Background(), src, Spec{QI: []string{"a"}, Time: "ts"}, EncodeOptions{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(tables[0], tables[1]) {
		t.Errorf("direct %+v, via Arrow %+v", tables[0].Columns[1], tables[1].Columns[1])
	}
	ts := tables[0].Column("ts")
	if want := []int64{1709251200, 0, 1709283600}; !reflect.DeepEqual(ts.Times, want) || !reflect.DeepEqual(ts.Valid, []bool{true, false, true}) {
		t.Errorf("times %v valid %v", ts.Times, ts.Valid)
	}
	if got := values(tables[0].Column("a")); !reflect.DeepEqual(got, []string{"x", "", "NULL"}) {
		t.Errorf("a = %q", got)
	}
}
