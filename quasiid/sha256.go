package quasiid

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"sync/atomic"
)

// hashingReader passes r through, counting the bytes read, feeding them
// to h if not nil, and remembering whether r reached its end.
type hashingReader struct {
	r   io.Reader
	h   hash.Hash
	n   atomic.Int64
	eof bool
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.n.Add(int64(n))
	if hr.h != nil {
		hr.h.Write(p[:n])
	}
	if err == io.EOF {
		hr.eof = true
	}
	return n, err
}

// SHA256 returns the hex SHA-256 of the input's bytes, computed while they
// were read (ReadOptions.SHA256), and true — once the input was read to its
// end. It returns false when hashing was not asked for, before the end, and
// for a Parquet or Arrow IPC file read in place from a regular file or a
// random-access reader: those are read in parts, never whole, and hashing
// them would mean reading them again. (Read from a stream, such a file is
// copied whole to a temporary file and its hash is known.)
func (s *Source) SHA256() (string, bool) {
	if s.hash == nil || s.hash.h == nil || !s.hash.eof {
		return "", false
	}
	return hex.EncodeToString(s.hash.h.Sum(nil)), true
}

// hashed returns r wrapped to count its bytes for s, and to hash them
// when opt asks for it.
func (s *Source) hashed(r io.Reader, opt ReadOptions) io.Reader {
	s.hash = &hashingReader{r: r}
	if opt.SHA256 {
		s.hash.h = sha256.New()
	}
	return s.hash
}

// BytesRead returns how many bytes of the input were read so far; it may
// be called from another goroutine while the source is read. Parquet and
// Arrow IPC files read in place count only their first bytes.
func (s *Source) BytesRead() int64 {
	if s.hash == nil {
		return 0
	}
	return s.hash.n.Load()
}
