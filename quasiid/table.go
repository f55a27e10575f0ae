package quasiid

// Role says how a column takes part in a risk analysis.
type Role int

const (
	// Insensitive columns are carried along and never analysed.
	Insensitive Role = iota
	// Identifier marks a direct identifier (name, e-mail): flagged in
	// reports, never used as a quasi-identifier, never printed.
	Identifier
	// QuasiIdentifier columns are those an attacker can link on; rows
	// equal on all of them form an equivalence class.
	QuasiIdentifier
	// Sensitive columns hold the values an attacker wants to learn.
	Sensitive
	// Subject is the person or account a row belongs to; with a subject
	// column every count of people counts distinct subjects.
	Subject
	// Time columns hold event timestamps.
	Time
)

// String returns the role's name as used in reports.
func (r Role) String() string {
	switch r {
	case Identifier:
		return "identifier"
	case QuasiIdentifier:
		return "quasi-identifier"
	case Sensitive:
		return "sensitive"
	case Subject:
		return "subject"
	case Time:
		return "time"
	}
	return "insensitive"
}

// Spec names the columns to encode and their roles.
type Spec struct {
	QI          []string // quasi-identifiers, in analysis order
	Sensitive   []string
	Subject     string // optional
	Time        string // optional; parsed into Column.Times
	Identifiers []string
	Insensitive []string // encoded too when listed (e.g. temporal attributes)
}

// Column is one encoded column.
type Column struct {
	Name string
	Role Role
	// Codes holds one dictionary code per row (nil for a Time column).
	Codes []uint32
	// Dict maps codes to values (nil for a Time column).
	Dict *Dictionary
	// Times holds, for a Time column, one instant per row as Unix seconds
	// (UTC); Valid reports which rows had a timestamp (nil: all).
	Times []int64
	Valid []bool
	// TimeUnit is the unit integer times of a Time column were read in
	// ("s", "ms", "us" or "ns": given or detected; "" if none was read).
	TimeUnit string
	// DSTGapTimes and DSTRepeatedTimes count, for a Time column read with
	// EncodeOptions.Location, the offsetless local times the zone skips
	// (moved forward by the gap) or shows twice (the earlier instant taken).
	DSTGapTimes, DSTRepeatedTimes int64
}

// Table is an encoded table: the columns named by a Spec, all of length Rows.
type Table struct {
	Source  string // file name or caller-given name, for messages
	Rows    int
	Columns []*Column // QIs first in Spec order, then sensitive, subject, time, identifiers, insensitive
}

// Column returns the column with the given name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ByRole returns the columns with role r, in table order.
func (t *Table) ByRole(r Role) []*Column {
	var out []*Column
	for _, c := range t.Columns {
		if c.Role == r {
			out = append(out, c)
		}
	}
	return out
}
