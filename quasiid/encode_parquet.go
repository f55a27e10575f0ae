package quasiid

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// pqColumn reads one named column of a row group, piece after piece, for
// a worker of readParquet: from its pages when the column is of a kind
// pageDecoder reads, else (and from the first page of an encoding it does
// not read) through pqarrow, in batches of the source's batch size.
type pqColumn struct {
	r     *pqRead
	k     int          // the column's index in the Table
	dec   *pageDecoder // when decoding pages; nil when reading through pqarrow
	pages pageDecoder  // the decoder dec points to, kept for its buffers
	src   pqPages      // the column chunks' bytes and page buffers
	cr    *pqarrow.ColumnReader
	local *Dictionary // the worker's dictionary of the column
	tags  []uint32    // the dictTag of each value of local, for the merger
	// seeded is the number of local codes that are the column's codes:
	// local was seeded (seedFrom) with the column's dictionary.
	seeded int
	reseed bool          // a row group starts: seed a new local dictionary if it pays
	epoch  int           // local's; a new local dictionary has a new epoch
	enc    columnEncoder // the column's encoder onto local
	g      int           // the row group
	group  int64         // first row of the row group
	done   int64         // rows of the row group read
}

// open starts reading row group g, whose first row is first.
func (c *pqColumn) open(ctx context.Context, g int, first int64) error {
	c.close()
	c.g, c.group, c.done, c.reseed = g, first, 0, true
	if c.r.kinds[c.k] != pqNone {
		return c.openPages(g)
	}
	return c.openArrow(ctx, g)
}

// openPages starts decoding the column's chunk of row group g from its
// pages.
func (c *pqColumn) openPages(g int) error {
	p, leaf := c.r.p, c.r.leaves[c.k][0]
	err := guard(func() error {
		pr, err := c.src.open(p, g, leaf)
		if err == nil {
			c.pages.reset(pr, c.r.kinds[c.k], p.pf.MetaData().Schema.Column(leaf).MaxDefinitionLevel())
			c.dec = &c.pages
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: after row %d: %w", c.r.file, c.group, err)
	}
	return nil
}

// openArrow starts reading the column's chunk of row group g through
// pqarrow, skipping the rows already read.
func (c *pqColumn) openArrow(ctx context.Context, g int) error {
	c.dec = nil
	err := guard(func() (err error) {
		c.cr, err = c.r.p.fieldReader(ctx, c.r.fr, c.r.encs[c.k].field, g)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: after row %d: %w", c.r.file, c.group+c.done, err)
	}
	skip := c.done
	c.done = 0
	_, err = c.batches(ctx, int(skip), func(arrow.Array, int64) error { return nil })
	return err
}

// close releases the pqarrow reader, if any.
func (c *pqColumn) close() {
	if c.cr != nil {
		guard(func() error { c.cr.Release(); return nil })
		c.cr = nil
	}
	c.dec = nil
}

// fill reads the next n rows into piece, whose first row is file row
// first: local codes, or the Arrow batches of a Time column. On error it
// returns the first row of the batch that failed.
func (c *pqColumn) fill(ctx context.Context, piece *pqPiece, first int64, n int) (int64, error) {
	e := c.r.encs[c.k]
	if e.col.Role == Time {
		return c.arrays(ctx, piece, n)
	}
	if c.newLocal() {
		c.epoch++
		c.pages.newPiece()
		c.enc.col = &Column{Name: e.col.Name, Role: e.col.Role, Dict: c.local}
		c.enc.keys.typ = nil // the codes of the last local dictionary
	}
	defer func() {
		// Hashing the new values here, in parallel, spares the merger.
		c.tags = slices.Grow(c.tags, c.local.Len()-len(c.tags))
		for _, v := range c.local.values[len(c.tags):] {
			c.tags = append(c.tags, dictTag(v))
		}
		piece.values, piece.tags, piece.null, piece.epoch = c.local.values, c.tags, c.local.null, c.epoch
		piece.seeded, piece.own = c.seeded, c.local.Len() == c.seeded
	}()
	codes := piece.codes[:0]
	if cap(codes) < n {
		codes = make([]uint32, 0, n)
	}
	piece.codes = codes[:n]
	filled := 0
	if c.dec != nil {
		var err error
		filled, err = c.dec.read(piece.codes, c.local, first, c.r.file, e.col.Name)
		c.done += int64(filled)
		var ie *InputError
		switch {
		case errors.As(err, &ie):
			return ie.Row - 1, err
		case errors.Is(err, errNotDictionary):
			if err := c.openArrow(ctx, c.g); err != nil {
				return first + int64(filled), err
			}
		case err != nil:
			at := first + int64(filled)
			return at, fmt.Errorf("%s: after row %d: corrupt input: column %q: %w", c.r.file, at, e.col.Name, err)
		}
	}
	if filled == n {
		return 0, nil
	}
	c.enc.col.Codes = piece.codes[:filled]
	return c.batches(ctx, n-filled, func(arr arrow.Array, row int64) error {
		return c.enc.encodeGuarded(arr, row, nil)
	})
}

// newLocal starts a new local dictionary, and says so, when there is none
// or it outgrew maxLocal, and at the start of a row group (or of any
// chunk while the local one is not seeded and the published one has as
// many values: the first row groups start before the merger published
// anything) when the column's dictionary, published by the merger, is
// small and has values the local one lacks or the local one has values of
// its own: seeded from it, local codes are the column's codes, which the
// merger need not map.
func (c *pqColumn) newLocal() bool {
	snap := c.r.snaps[c.k].Load()
	reseed := c.reseed || c.seeded == 0 && snap != nil && c.local != nil && len(snap.values) >= max(c.local.Len(), 1)
	c.reseed = false
	switch {
	case reseed && snap != nil && (c.local == nil || c.local.Len() != c.seeded || len(snap.values) > c.seeded):
		c.local, c.seeded = seedFrom(snap), len(snap.values)
		c.tags = make([]uint32, c.seeded) // never read: the merger knows these codes
	case c.local == nil || c.local.Len() > c.r.maxLocal:
		c.local, c.seeded, c.tags = NewDictionary(), 0, nil
	default:
		return false
	}
	// The last local dictionary is not cleared: the merger reads the
	// values of the last pieces.
	return true
}

// arrays reads the next n rows of a Time column as Arrow batches, for the
// merger to encode in row order.
func (c *pqColumn) arrays(ctx context.Context, piece *pqPiece, n int) (int64, error) {
	piece.release()
	return c.batches(ctx, n, func(arr arrow.Array, _ int64) error {
		arr.Retain()
		piece.arrays = append(piece.arrays, arr)
		return nil
	})
}

// batches reads the next n rows through pqarrow, in batches of at most
// the source's batch size, and calls each with every array and the file
// row (0-based) of its first row. On error it returns the first row of
// the batch that failed.
func (c *pqColumn) batches(ctx context.Context, n int, each func(arr arrow.Array, row int64) error) (int64, error) {
	name := c.r.encs[c.k].col.Name
	for end := c.done + int64(n); c.done < end; {
		at := c.group + c.done
		if err := ctx.Err(); err != nil {
			return at, err
		}
		ch, err := nextColumnBatch(c.cr, min(int64(c.r.p.batch), end-c.done), name)
		if err == nil && ch == nil {
			err = errPagesEnd
		}
		if err != nil {
			return at, fmt.Errorf("%s: after row %d: %w", c.r.file, at, err)
		}
		rows := int64(ch.Len())
		if c.done+rows > end {
			err = fmt.Errorf("%s: after row %d: corrupt input: column %q: more rows than asked", c.r.file, at, name)
		}
		row := at
		for _, arr := range ch.Chunks() {
			if err == nil {
				err = each(arr, row)
			}
			row += int64(arr.Len())
		}
		ch.Release()
		c.done += rows
		if err != nil {
			return at, err
		}
	}
	return 0, nil
}

// nextColumnBatch reads the next batch of at most n rows of one column
// (nil at the end), with a decoder panic turned into an error and each
// chunk's buffers checked as next checks a record's.
func nextColumnBatch(cr interface {
	NextBatch(int64) (*arrow.Chunked, error)
}, n int64, name string) (*arrow.Chunked, error) {
	var out *arrow.Chunked
	err := guard(func() (err error) {
		out, err = cr.NextBatch(n)
		return err
	})
	if err != nil {
		return nil, err
	}
	if out.Len() == 0 {
		out.Release()
		return nil, nil
	}
	for _, c := range out.Chunks() {
		if err := checkLayout(c.Data()); err != nil {
			out.Release()
			return nil, fmt.Errorf("corrupt input: column %q: %w", name, err)
		}
	}
	return out, nil
}
