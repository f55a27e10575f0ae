package quasiid

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Format is a table file format.
type Format int

const (
	// Detect picks the format from the file's first bytes (Parquet "PAR1",
	// Arrow IPC file "ARROW1", Arrow IPC stream continuation marker) and
	// falls back to CSV.
	Detect Format = iota
	// CSV is comma-separated values (RFC 4180) with a header row.
	CSV
	// Parquet is Apache Parquet.
	Parquet
	// IPCFile is the Arrow IPC file format (Feather v2, ".arrow").
	IPCFile
	// IPCStream is the Arrow IPC streaming format (".arrows").
	IPCStream
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case Parquet:
		return "parquet"
	case IPCFile:
		return "arrow-ipc-file"
	case IPCStream:
		return "arrow-ipc-stream"
	}
	return "detect"
}

// DefaultBatchSize is the number of rows per record batch when
// ReadOptions.BatchSize is 0.
const DefaultBatchSize = 64 << 10

// ReadOptions control loading.
type ReadOptions struct {
	// Delimiter is the CSV delimiter; 0 detects it among , ; tab and |.
	Delimiter rune
	// BatchSize is the number of rows per record batch; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Format is the input's format; Detect picks it from the first bytes.
	Format Format
	// NullValues lists CSV field texts read as null (for example "NA" or
	// "NULL"). CSV has no null of its own: by default every field, the
	// empty one included, is a string value.
	NullValues []string
	// MaxFieldBytes bounds a CSV field or column name, in bytes as
	// written in the file (quotes included): a longer one is an
	// *InputError naming its row and column, found while holding about
	// this many bytes of it in memory. 0 means DefaultMaxFieldBytes (1 MiB);
	// a negative value is an error.
	MaxFieldBytes int64
	// Allocator allocates the Arrow buffers; nil means memory.DefaultAllocator.
	Allocator memory.Allocator
	// SHA256 hashes the input while it is read (see Source.SHA256).
	SHA256 bool
}

func (o ReadOptions) batchSize() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}

func (o ReadOptions) allocator() memory.Allocator {
	if o.Allocator == nil {
		return memory.DefaultAllocator
	}
	return o.Allocator
}

// Source is a stream of Arrow record batches with a name for messages.
// A Source is read once: Encode, Profile and Rewrite consume it.
// Close releases it; closing twice is harmless.
type Source struct {
	name    string
	format  Format
	mem     memory.Allocator
	rr      array.RecordReader
	pq      *parquetFile // for Parquet: rr is made on first use
	closers []func() error
	used    bool
	closed  bool
	hash    *hashingReader // nil: not hashed
	path    string         // the file Open opened, for Locate
}

// Open opens a file ("-" is standard input) as a Source.
func Open(path string, opt ReadOptions) (*Source, error) {
	if path == "-" {
		return Read("stdin", os.Stdin, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := Read(path, f, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closers = append(s.closers, f.Close)
	s.path = path
	return s, nil
}

// Read reads a Source from r; name is used in messages. Parquet and the
// Arrow IPC file format need random access: unless r is a regular file or
// has ReadAt and Seek (like bytes.Reader), Read copies it to a temporary
// file that Close removes, so memory stays bounded even on standard input.
func Read(name string, r io.Reader, opt ReadOptions) (*Source, error) {
	s := &Source{name: name}
	br := bufio.NewReaderSize(s.hashed(r, opt), 64<<10)
	format := opt.Format
	if format == Detect {
		head, err := br.Peek(8)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		format = detectFormat(head)
	}
	mem := opt.allocator()
	s.format, s.mem = format, mem
	if format != CSV {
		mem = limitAllocator{mem}
	}
	switch format {
	case CSV:
		cr, err := newCSVReader(name, br, opt)
		if err != nil {
			return nil, err
		}
		if f, ok := r.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				cr.size = st.Size()
			}
		}
		s.rr = cr
	case IPCStream:
		if err := checkStreamHead(br); err != nil {
			return nil, fmt.Errorf("%s: reading Arrow IPC stream: %w", name, err)
		}
		var rd *ipc.Reader
		err := guard(func() (err error) {
			rd, err = ipc.NewReader(br, ipc.WithAllocator(mem))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: reading Arrow IPC stream: %w", name, err)
		}
		s.rr = rd
	case Parquet, IPCFile:
		ra, cleanup, err := randomAccess(r, br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if cleanup != nil {
			s.closers = append(s.closers, cleanup)
		}
		if format == IPCFile {
			var fr *ipc.FileReader
			err := guard(func() (err error) {
				fr, err = ipc.NewFileReader(ra, ipc.WithAllocator(mem))
				return err
			})
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("%s: reading Arrow IPC file: %w", name, err)
			}
			s.closers = append(s.closers, fr.Close)
			s.rr = &ipcFileReader{fr: fr, heldRecord: heldRecord{refs: 1}}
		} else {
			err := guard(func() (err error) {
				s.pq, err = openParquet(ra, mem, opt.batchSize())
				return err
			})
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("%s: reading Parquet: %w", name, err)
			}
			s.closers = append(s.closers, s.pq.pf.Close)
		}
	default:
		return nil, fmt.Errorf("%s: unknown format %d", name, format)
	}
	return s, nil
}

// detectFormat guesses a format from a file's first bytes.
func detectFormat(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return Parquet
	case bytes.HasPrefix(head, []byte("ARROW1")):
		return IPCFile
	case bytes.HasPrefix(head, []byte{0xff, 0xff, 0xff, 0xff}):
		return IPCStream
	}
	return CSV
}

// maxSchemaMessage bounds the length of the first message (the schema) of
// an Arrow IPC stream, so that a corrupt length cannot make the reader
// allocate gigabytes.
const maxSchemaMessage = 64 << 20

// checkStreamHead checks the length of an IPC stream's schema message.
func checkStreamHead(br *bufio.Reader) error {
	head, err := br.Peek(8)
	if err != nil {
		return fmt.Errorf("truncated stream: %w", err)
	}
	n := int32(binary.LittleEndian.Uint32(head[4:]))
	if n <= 0 || n > maxSchemaMessage {
		return fmt.Errorf("schema message length %d is not plausible (corrupt stream, or not Arrow)", n)
	}
	return nil
}

// readAtSeeker is what Parquet and Arrow IPC file readers need.
type readAtSeeker interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// randomAccess returns r itself when it offers random access (a regular
// file, a bytes.Reader), else a temporary file holding everything buffered
// in br and the rest of r, which the returned cleanup closes and removes.
func randomAccess(r io.Reader, br *bufio.Reader) (readAtSeeker, func() error, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if _, err := f.Seek(0, io.SeekStart); err == nil {
				return f, nil, nil
			}
		}
	} else if ra, ok := r.(readAtSeeker); ok {
		if _, err := ra.Seek(0, io.SeekStart); err == nil {
			return ra, nil, nil
		}
	}
	tmp, err := os.CreateTemp("", "reidrisk-*.tmp")
	if err != nil {
		return nil, nil, err
	}
	// The copy is personal data: unlink it at once, so that the open file
	// is its only reference and nothing is left behind however the process
	// ends (a signal, a crash). Where an open file cannot be removed
	// (Windows), Close removes it.
	unlinked := os.Remove(tmp.Name()) == nil
	cleanup := func() error {
		err := tmp.Close()
		if !unlinked {
			err = os.Remove(tmp.Name())
		}
		return err
	}
	if _, err := io.Copy(tmp, br); err != nil {
		cleanup()
		return nil, nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, err
	}
	return tmp, cleanup, nil
}

// ipcFileReader adapts ipc.FileReader, which reads records by index, to
// array.RecordReader.
type ipcFileReader struct {
	heldRecord
	fr  *ipc.FileReader
	i   int
	err error
}

func (r *ipcFileReader) Schema() *arrow.Schema { return r.fr.Schema() }
func (r *ipcFileReader) Err() error            { return r.err }

func (r *ipcFileReader) Next() bool {
	r.drop()
	if r.err != nil || r.i >= r.fr.NumRecords() {
		return false
	}
	rec, err := r.fr.RecordAt(r.i)
	if err != nil {
		r.err = err
		return false
	}
	r.i++
	r.cur = rec
	return true
}

// FromRecordReader wraps a caller's record reader. The Source takes over
// the caller's reference: its Close calls rr.Release.
func FromRecordReader(name string, rr array.RecordReader) *Source {
	return &Source{name: name, format: Detect, rr: rr, mem: memory.DefaultAllocator}
}

// FromRecord wraps one record batch; the Source retains it until Close.
func FromRecord(name string, rec arrow.Record) *Source {
	rr, err := array.NewRecordReader(rec.Schema(), []arrow.Record{rec})
	if err != nil { // cannot happen: the record has its own schema
		panic(err)
	}
	return FromRecordReader(name, rr)
}

// FromTable wraps an Arrow table, read in its chunks; the Source retains it
// until Close.
func FromTable(name string, tbl arrow.Table) *Source {
	return FromRecordReader(name, array.NewTableReader(tbl, DefaultBatchSize))
}

// Name returns the source's name.
func (s *Source) Name() string {
	if s == nil {
		return ""
	}
	return s.name
}

// Format returns the format the source was read in (Detect for data the
// caller passed as Arrow records).
func (s *Source) Format() Format { return s.format }

// Columns returns the column names: the CSV header or the Arrow schema.
func (s *Source) Columns() []string {
	if s.rr == nil && s.pq == nil {
		return nil
	}
	fs := s.Schema().Fields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// SkippedLines returns how many blank lines between the rows of a CSV
// source with two or more columns were skipped so far (such a line cannot
// be a row). In a one-column file a blank line between rows is a row
// holding the empty value "", and is not counted here. It is 0 for other
// formats; blank lines at the end of the file are not counted.
func (s *Source) SkippedLines() int64 {
	if c, ok := s.rr.(*csvReader); ok {
		return c.blank
	}
	return 0
}

// Schema returns the Arrow schema of the source's record batches.
func (s *Source) Schema() *arrow.Schema {
	if s.pq != nil {
		return s.pq.schema
	}
	return s.rr.Schema()
}

// Close releases the source.
func (s *Source) Close() error {
	if s == nil || s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.rr != nil {
		if err := guard(func() error { s.rr.Release(); return nil }); err != nil {
			errs = append(errs, err)
		}
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ready reports why the source cannot be read, if it cannot.
func (s *Source) ready() error {
	if s == nil || (s.rr == nil && s.pq == nil) {
		return errors.New("quasiid: nil source")
	}
	if s.closed {
		return fmt.Errorf("%s: source is closed", s.name)
	}
	if s.used {
		return fmt.Errorf("%s: source was already read (a Source is read once; open it again)", s.name)
	}
	return nil
}

// encodeReader is reader for Encode, which reads a Parquet file itself:
// it returns a nil reader for a Parquet source not yet read.
func (s *Source) encodeReader() (array.RecordReader, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	s.used = true
	return s.rr, nil
}

// reader hands out the record reader once.
func (s *Source) reader() (array.RecordReader, error) {
	if _, err := s.encodeReader(); err != nil {
		return nil, err
	}
	return s.records()
}

// records returns the record reader, making it for a Parquet source.
func (s *Source) records() (array.RecordReader, error) {
	if s.rr == nil {
		err := guard(func() (err error) {
			s.rr, err = s.pq.records()
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: reading Parquet: %w", s.name, err)
		}
	}
	return s.rr, nil
}
