package anonymity

import (
	"context"
	"errors"
	"fmt"

	"github.com/reidrisk/reidrisk/internal/groupby"
	"github.com/reidrisk/reidrisk/internal/prefault"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Counter counts the equivalence classes of a table handed over in
// consecutive chunks of rows, as quasiid.EncodeChunks gives them: after the
// last chunk, Classes returns exactly what Count returns on the whole table
// — the classes E of rows equal on every QI (Sweeney, "k-anonymity: a model
// for protecting privacy", 2002), numbered in order of their first row,
// with their QI codes and sizes |E|; with a subject column the distinct
// subjects of each class with their rows, |{r ∈ E : subject(r) = u}|; per
// sensitive column each class's histogram |{r ∈ E : s(r) = v}|; and
// RowClass when asked for.
//
// While the QI codes of a row pack into 64 bits (each column taking the
// bits its dictionary needs), the rows are looked up one after the other
// in one hash table of packed keys (packedTable), which numbers the
// classes by first row as it goes: the cost of a chunk follows its rows,
// with no per-chunk grouping and nothing allocated per chunk once the
// table has grown. Past 64 bits, or when the first Add finds more than
// 2^18 classes (where groupby's partitioned counting is faster than a
// table out of the caches), each chunk is grouped on its own
// (groupby.GroupContext, in parallel) and its classes are matched to the
// classes seen so far through a hash table keyed by the tuple of QI codes;
// so is a first Add of more than 2^21 rows (Count's whole table), after
// which the packed table takes over from the classes it found.
// Subjects and sensitive values are counted per chunk as sorted runs of
// distinct (class, value) keys with their rows, chained when their values
// follow each other and merged when they overlap (see pairCounts), so
// memory holds the classes, their pairs and one chunk — never the rows,
// unless CountOptions.RowClass asks for them. No memory is allocated per
// row.
//
// Codes are those of the chunks' dictionaries, which may grow between
// chunks (codes already given never change): a class is its tuple of codes,
// whatever the size of the dictionaries. A Counter is not safe for
// concurrent use.
type Counter struct {
	opt     CountOptions
	started bool
	subject bool // hists[0] is the subject column
	// identity: the classes of every chunk so far are numbered as their
	// chunk numbers them (one chunk, or none)
	identity bool
	qi       []int // positions in Table.Columns
	hists    []*pairCounts
	rows     int64
	sizes    []int64
	codes    [][]uint32
	index    classIndex
	// packed numbers the classes while the QI codes pack into 64 bits
	// (nil once they do not, or with no QI)
	packed *packedTable
	rowCls []uint32
	// packedLimit and packedSplit are packedClassLimit and packedSplitRows
	// (fields so that tests can lower them)
	packedLimit, packedSplit int
	// global: the row classes of the last chunk are those of all
	// classes, written in place at the end of rowCls when it is asked for
	global  bool
	scratch struct {
		cols  [][]uint32
		cards []uint32
		zeros []uint32
		ids   []uint32
		cmap  []uint32
	}
}

// NewCounter returns a Counter with no rows counted.
func NewCounter(opt CountOptions) *Counter {
	return &Counter{opt: opt, packedLimit: packedClassLimit, packedSplit: packedSplitRows}
}

// setup finds the QI, subject and sensitive columns of t, the first chunk.
func (s *Counter) setup(t *quasiid.Table) error {
	s.started = true
	var subj, sens []*pairCounts
	for k, col := range t.Columns {
		switch col.Role {
		case quasiid.QuasiIdentifier:
			s.qi = append(s.qi, k)
		case quasiid.Subject:
			subj = append(subj, &pairCounts{name: col.Name, col: k, dict: col.Dict})
		case quasiid.Sensitive:
			sens = append(sens, &pairCounts{name: col.Name, col: k, dict: col.Dict})
		}
	}
	if len(subj) > 1 {
		return fmt.Errorf("anonymity: %s: %d subject columns; at most one is allowed", t.Source, len(subj))
	}
	s.hists, s.subject = append(subj, sens...), len(subj) == 1
	s.codes = make([][]uint32, len(s.qi))
	for j := range s.codes {
		s.codes[j] = []uint32{}
	}
	if len(s.qi) > 0 {
		s.packed = &packedTable{sizes: &s.sizes}
	}
	return nil
}

// check verifies that t has the columns of the first chunk, each with a
// dictionary and one code per row.
func (s *Counter) check(t *quasiid.Table) error {
	for _, col := range t.Columns {
		if col.Role != quasiid.QuasiIdentifier && col.Role != quasiid.Subject && col.Role != quasiid.Sensitive {
			continue
		}
		if col.Dict == nil || len(col.Codes) != t.Rows {
			return fmt.Errorf("anonymity: %s: column %q has %d codes for %d rows", t.Source, col.Name, len(col.Codes), t.Rows)
		}
	}
	for _, h := range s.hists {
		if h.col >= len(t.Columns) || t.Columns[h.col].Dict != h.dict {
			return fmt.Errorf("anonymity: %s: chunk columns differ from those of the first chunk", t.Source)
		}
	}
	for _, k := range s.qi {
		if k >= len(t.Columns) || t.Columns[k].Role != quasiid.QuasiIdentifier {
			return fmt.Errorf("anonymity: %s: chunk columns differ from those of the first chunk", t.Source)
		}
	}
	return nil
}

// Add counts the rows of chunk, the rows that follow those already added.
// Errors about codes name the row within the whole table.
func (s *Counter) Add(ctx context.Context, chunk *quasiid.Table) error {
	if chunk == nil {
		return errors.New("anonymity: Counter.Add of a nil table")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.started {
		if err := s.setup(chunk); err != nil {
			return err
		}
	}
	if err := s.check(chunk); err != nil {
		return err
	}
	ids, err := s.group(ctx, chunk)
	if err != nil {
		return err
	}
	for _, h := range s.hists {
		col := chunk.Columns[h.col]
		if i := h.add(ids, s.scratch.cmap, col.Codes, uint32(col.Dict.Len())); i >= 0 {
			return fmt.Errorf("anonymity: %s: row %d, column %q: code %d outside its dictionary of %d values",
				chunk.Source, s.rows+int64(i)+1, col.Name, col.Codes[i], col.Dict.Len())
		}
	}
	switch {
	case !s.opt.RowClass:
	case s.global:
		s.rowCls = s.rowCls[:len(s.rowCls)+len(ids)]
	case s.rowCls == nil && s.identity:
		s.rowCls = ids // the chunk's own
	default:
		for _, c := range ids {
			s.rowCls = append(s.rowCls, s.scratch.cmap[c])
		}
	}
	s.rows += int64(chunk.Rows)
	return nil
}

// group groups the rows of chunk by their QI codes and numbers the chunk's
// classes among all classes (s.scratch.cmap[chunk class] = class). It
// returns the chunk class of each row when subjects, sensitive columns or
// RowClass need it. Through the packed table (groupPacked), the chunk's
// classes are all classes and cmap is nil; otherwise the chunk is
// grouped on its own (groupby) and its classes matched (number).
func (s *Counter) group(ctx context.Context, t *quasiid.Table) ([]uint32, error) {
	needRows := s.opt.RowClass || len(s.hists) > 0
	s.global = false
	if len(s.qi) == 0 { // one class holding every row
		var ids []uint32
		switch {
		case s.opt.RowClass:
			ids = make([]uint32, t.Rows) // kept as RowClass
		case needRows:
			if cap(s.scratch.zeros) < t.Rows {
				s.scratch.zeros = make([]uint32, t.Rows)
			}
			ids = s.scratch.zeros[:t.Rows]
		}
		if t.Rows == 0 {
			return ids, nil
		}
		s.identity = len(s.sizes) == 0
		if s.identity {
			s.sizes = append(s.sizes, 0)
		}
		s.sizes[0] += int64(t.Rows)
		s.scratch.cmap = append(s.scratch.cmap[:0], 0)
		return ids, nil
	}
	cols, cards := s.scratch.cols[:0], s.scratch.cards[:0]
	for _, k := range s.qi {
		col := t.Columns[k]
		cols, cards = append(cols, col.Codes), append(cards, uint32(col.Dict.Len()))
	}
	s.scratch.cols, s.scratch.cards = cols, cards
	if s.packed != nil && (len(s.sizes) > 0 || t.Rows <= s.packedSplit) {
		ids := s.rowIDs(t.Rows, needRows)
		ok, err := s.groupPacked(ctx, t, cols, cards, ids)
		if err != nil {
			return nil, err
		}
		if ok {
			s.global = s.opt.RowClass
			return ids, nil
		}
	}
	g, err := groupby.GroupContext(ctx, cols, cards, groupby.Options{Workers: s.opt.Workers, RowIDs: needRows,
		Codes: true, NoFirst: true})
	if err != nil {
		qis := make([]*quasiid.Column, len(s.qi))
		for j, k := range s.qi {
			qis[j] = t.Columns[k]
		}
		return nil, s.codeError(t, qis, err)
	}
	s.number(g.Codes, g.Sizes)
	return g.RowIDs, nil
}

// rowIDs returns room for the class of each of n rows when needed: the
// end of rowCls when RowClass asks for it, else a reused buffer.
func (s *Counter) rowIDs(n int, need bool) []uint32 {
	switch {
	case s.opt.RowClass:
		s.rowCls = prefault.Grow(s.rowCls, n)
		return s.rowCls[len(s.rowCls) : len(s.rowCls)+n]
	case need:
		if cap(s.scratch.ids) < n {
			// A quarter more, mapped at once: chunks of a CSV file differ
			// by a block's rows, and each larger one would map a new one.
			s.scratch.ids = make([]uint32, n+n/4)
			prefault.Slice(s.scratch.ids)
		}
		return s.scratch.ids[:n]
	}
	return nil
}

// number matches the classes of a chunk (codes[j][k], sizes[k]) with the
// classes counted so far, adds the new ones in order and fills
// s.scratch.cmap.
func (s *Counter) number(codes [][]uint32, sizes []int64) {
	cmap := prefault.Grow(s.scratch.cmap[:0], len(sizes))
	s.identity = len(s.sizes) == 0
	if s.identity { // the first classes: taken as they are
		s.sizes, s.codes = sizes, codes
		for k := range sizes {
			cmap = append(cmap, uint32(k))
		}
		s.scratch.cmap = cmap
		return
	}
	s.index.build(s.codes, len(s.sizes))
	// Room for every class of the chunk, doubling, so that appending
	// never copies more than once per chunk.
	s.sizes = prefault.Grow(s.sizes, len(sizes))
	s.index.hashes = prefault.Grow(s.index.hashes, len(s.sizes)+len(sizes)-len(s.index.hashes))
	for j := range s.codes {
		s.codes[j] = prefault.Grow(s.codes[j], len(sizes))
	}
	for k, n := range sizes {
		c, h, ok := s.index.find(s.codes, codes, k)
		if !ok {
			c = uint32(len(s.sizes))
			s.sizes = append(s.sizes, 0)
			for j := range s.codes {
				s.codes[j] = append(s.codes[j], codes[j][k])
			}
			s.index.insert(h, c)
		}
		s.sizes[c] += n
		cmap = append(cmap, c)
	}
	s.scratch.cmap = cmap
}

// codeError names the file, row (in the whole table) and column of a QI
// code out of its dictionary's range.
func (s *Counter) codeError(t *quasiid.Table, cols []*quasiid.Column, err error) error {
	var ce *groupby.CodeError
	if errors.As(err, &ce) && ce.Column < len(cols) {
		return fmt.Errorf("anonymity: %s: row %d, column %q: code %d outside its dictionary of %d values",
			t.Source, s.rows+int64(ce.Row)+1, cols[ce.Column].Name, ce.Code, ce.Card)
	}
	return err
}

// Classes returns the class table of every row added. t is the table the
// chunks came from (the one EncodeChunks returns, or the whole table): it
// gives the column names and dictionaries, and must count the rows added.
// The Counter must not be used afterwards.
func (s *Counter) Classes(t *quasiid.Table) (*Classes, error) {
	if t == nil {
		return nil, errors.New("anonymity: Counter.Classes of a nil table")
	}
	if !s.started {
		if err := s.setup(t); err != nil {
			return nil, err
		}
	}
	if s.packed != nil {
		s.packed.flush()
	}
	if int64(t.Rows) != s.rows {
		return nil, fmt.Errorf("anonymity: %s: %d rows counted, the table has %d", t.Source, s.rows, t.Rows)
	}
	c := &Classes{Rows: s.rows, QI: make([]string, len(s.qi)), Dicts: make([]*quasiid.Dictionary, len(s.qi)),
		Codes: s.codes, Sizes: s.sizes}
	for j, k := range s.qi {
		c.QI[j], c.Dicts[j] = t.Columns[k].Name, t.Columns[k].Dict
	}
	if len(s.qi) == 0 && c.Sizes == nil {
		c.Sizes = []int64{}
	}
	for _, h := range s.hists {
		m := h.multiset(c.Len())
		if h == s.hists[0] && s.subject {
			c.Subjects = m
		} else {
			c.Sensitive = append(c.Sensitive, m)
		}
	}
	if s.opt.RowClass {
		c.RowClass = s.rowCls
		if c.RowClass == nil {
			c.RowClass = []uint32{}
		}
	}
	return c, nil
}
