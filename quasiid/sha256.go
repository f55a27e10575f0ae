package quasiid

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// hashingReader passes r through, feeding every byte read to h, and
// remembers whether r reached its end.
type hashingReader struct {
	r   io.Reader
	h   hash.Hash
	eof bool
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
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
	if s.hash == nil || !s.hash.eof {
		return "", false
	}
	return hex.EncodeToString(s.hash.h.Sum(nil)), true
}

// hashed returns r wrapped to hash it for s when opt asks for it.
func (s *Source) hashed(r io.Reader, opt ReadOptions) io.Reader {
	if !opt.SHA256 {
		return r
	}
	s.hash = &hashingReader{r: r, h: sha256.New()}
	return s.hash
}
