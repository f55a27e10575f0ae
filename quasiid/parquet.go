package quasiid

import (
	"context"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// parquetFile is an open Parquet file. Its record reader is made on first
// use, over the columns the caller needs: Encode reads only the named
// columns, each on its own reader.
type parquetFile struct {
	pf     *file.Reader
	mem    memory.Allocator
	batch  int
	size   int64       // file size in bytes, to bound trust in the row count
	ra     io.ReaderAt // the file, for pqPages
	schema *arrow.Schema
}

func openParquet(ra readAtSeeker, mem memory.Allocator, batch int) (*parquetFile, error) {
	size, err := ra.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if _, err := ra.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	props := parquet.NewReaderProperties(mem)
	// Stream pages instead of reading each column chunk whole: a file
	// written as one big row group must not need its size in memory.
	props.BufferedStreamEnabled = true
	// Hide ra's Close: the Source closes the file itself.
	pf, err := file.NewParquetReader(struct{ readAtSeeker }{ra}, file.WithReadProps(props))
	if err != nil {
		return nil, err
	}
	p := &parquetFile{pf: pf, mem: mem, batch: batch, size: size, ra: ra}
	fr, err := p.reader()
	if err != nil {
		pf.Close()
		return nil, err
	}
	if p.schema, err = fr.Schema(); err != nil {
		pf.Close()
		return nil, err
	}
	return p, nil
}

// reader returns an Arrow reader of the file.
func (p *parquetFile) reader() (*pqarrow.FileReader, error) {
	return pqarrow.NewFileReader(p.pf, pqarrow.ArrowReadProperties{BatchSize: int64(p.batch)}, p.mem)
}

// records returns a record reader of every column.
func (p *parquetFile) records() (array.RecordReader, error) {
	fr, err := p.reader()
	if err != nil {
		return nil, err
	}
	return fr.GetRecordReader(context.Background(), nil, nil)
}

// rows returns the number of rows the metadata announces, and how many
// of them are plausible enough to allocate for at once: a corrupt footer
// must not make Encode reserve terabytes.
func (p *parquetFile) rows() (announced, reserve int64) {
	announced = p.pf.NumRows()
	reserve = min(max(announced, 0), 1<<16+64*p.size)
	return announced, reserve
}

// leaves returns the leaf column indices of top-level field i.
func (p *parquetFile) leaves(i int) []int {
	sc := p.pf.MetaData().Schema
	var out []int
	for c := range sc.NumColumns() {
		if sc.ColumnRoot(c) == sc.Root().Field(i) {
			out = append(out, c)
		}
	}
	return out
}

// fieldReader returns a reader of top-level field i in row group g.
func (p *parquetFile) fieldReader(ctx context.Context, fr *pqarrow.FileReader, i, g int) (*pqarrow.ColumnReader, error) {
	leaves := make(map[int]bool)
	for _, c := range p.leaves(i) {
		leaves[c] = true
	}
	return fr.GetFieldReader(ctx, i, leaves, []int{g})
}
