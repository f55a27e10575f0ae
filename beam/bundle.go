package beam

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// The input transforms (CountRows, CountFiles, CountStreams and their
// temporal counterparts) share what follows: the fields of a row, the
// opening of a file, and a bundle's partials.

// bundle holds what one bundle of a transform reading whole tables has
// read: class tables (tableCounter) or digests (digester).
type bundle interface {
	// add reads the table name from r and adds it.
	add(ctx context.Context, name string, r io.Reader) error
	// held returns the number of rows held.
	held() int64
	// flush emits what is held as one partial and empties the bundle.
	flush(emit func([]byte)) error
}

// take adds the table name, read from r, to b, and flushes b once it
// holds limit rows or more.
func take(ctx context.Context, b bundle, name string, r io.Reader, limit int, emit func([]byte)) error {
	if err := b.add(ctx, name, r); err != nil {
		return err
	}
	if b.held() >= int64(limit) {
		return b.flush(emit)
	}
	return nil
}

// takePath is take of the file at path, a path or URL read through
// Beam's filesystem registry.
func takePath(ctx context.Context, b bundle, path string, limit int, emit func([]byte)) error {
	r, err := openPath(ctx, path)
	if err != nil {
		return err
	}
	defer r.Close()
	return take(ctx, b, path, r, limit, emit)
}

// openPath opens the file at path through Beam's filesystem registry;
// closing it closes the filesystem too.
func openPath(ctx context.Context, path string) (io.ReadCloser, error) {
	fs, err := filesystem.New(ctx, path)
	if err == nil {
		var r io.ReadCloser
		if r, err = fs.OpenRead(ctx, path); err == nil {
			return pathReader{r, fs}, nil
		}
		fs.Close()
	}
	return nil, fmt.Errorf("reidrisk/beam: %s: %w", path, err)
}

// pathReader is a file opened by openPath.
type pathReader struct {
	io.ReadCloser
	fs filesystem.Interface
}

func (r pathReader) Close() error {
	err := r.ReadCloser.Close()
	if e := r.fs.Close(); err == nil {
		err = e
	}
	return err
}

// fieldIndex returns the index in columns of every name of want; what
// names the option holding columns, for errors.
func fieldIndex(columns, want []string, what string) ([]int, error) {
	pos := make(map[string]int, len(columns))
	for i, c := range columns {
		if _, dup := pos[c]; dup {
			return nil, fmt.Errorf("reidrisk/beam: column %q named twice in %s", c, what)
		}
		pos[c] = i
	}
	idx := make([]int, 0, len(want))
	for _, name := range want {
		i, ok := pos[name]
		if !ok {
			return nil, fmt.Errorf("reidrisk/beam: column %q is not in %s %q", name, what, columns)
		}
		idx = append(idx, i)
	}
	return idx, nil
}

// checkRow reports a row, the seen-th of its bundle, whose number of
// fields is not the number of columns.
func checkRow(row, columns []string, seen int64) error {
	if len(row) != len(columns) {
		return fmt.Errorf("reidrisk/beam: row %d of a bundle has %d fields, want %d (%q)", seen, len(row), len(columns), columns)
	}
	return nil
}

// orDefault returns x, or def when x is not positive.
func orDefault(x, def int) int {
	if x <= 0 {
		return def
	}
	return x
}
