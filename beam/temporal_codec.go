package beam

import (
	"encoding/binary"
	"errors"
	"hash/fnv"

	"github.com/reidrisk/reidrisk/temporal"
)

// The temporal transforms pass their data between stages as byte strings
// in the small binary formats below: uvarints and varints, strings as a
// uvarint length and the bytes.

// errCorrupt reports a message that does not decode.
var errCorrupt = errors.New("reidrisk/beam: corrupt temporal message")

// enc appends values to a byte slice.
type enc struct{ b []byte }

func (e *enc) uvarint(x uint64) { e.b = binary.AppendUvarint(e.b, x) }
func (e *enc) varint(x int64)   { e.b = binary.AppendVarint(e.b, x) }
func (e *enc) int(x int)        { e.uvarint(uint64(x)) }
func (e *enc) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// dec reads what enc wrote; after the first error every read returns zero
// and err stays set.
type dec struct {
	b   []byte
	err error
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return x
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return x
}

// int reads a uvarint that must fit in an int.
func (d *dec) int() int {
	x := d.uvarint()
	if x > 1<<31 {
		d.err = errCorrupt
		return 0
	}
	return int(x)
}

// count reads the length of a list whose entries take at least one byte
// each, so that a corrupt length cannot allocate much.
func (d *dec) count() int {
	n := d.int()
	if n > len(d.b) {
		d.err = errCorrupt
		return 0
	}
	return n
}

func (d *dec) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// done reports an error if the message was corrupt or not read whole.
func (d *dec) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	return d.err
}

// encodeDigest serialises a digest: event counts, then per subject its
// label, its keys with their weeks (the first as a varint, then
// increments) and its points.
func encodeDigest(dg *temporal.Digest) []byte {
	var e enc
	e.uvarint(uint64(dg.Events))
	e.uvarint(uint64(dg.SkippedEvents))
	e.int(len(dg.Subjects))
	for _, s := range dg.Subjects {
		e.str(s.Subject)
		e.int(len(s.Keys))
		for _, k := range s.Keys {
			e.str(k.Key)
			e.int(len(k.Weeks))
			prev := int64(0)
			for i, w := range k.Weeks {
				if i == 0 {
					e.varint(int64(w))
				} else {
					e.uvarint(uint64(int64(w) - prev))
				}
				prev = int64(w)
			}
		}
		e.int(len(s.Points))
		for _, p := range s.Points {
			e.str(p)
		}
	}
	return e.b
}

// decodeDigest is the inverse of encodeDigest.
func decodeDigest(b []byte) (*temporal.Digest, error) {
	d := dec{b: b}
	dg := &temporal.Digest{Events: int64(d.uvarint()), SkippedEvents: int64(d.uvarint())}
	dg.Subjects = make([]temporal.SubjectDigest, d.count())
	for i := range dg.Subjects {
		s := &dg.Subjects[i]
		s.Subject = d.str()
		s.Keys = make([]temporal.KeyWeeks, d.count())
		for j := range s.Keys {
			k := &s.Keys[j]
			k.Key = d.str()
			k.Weeks = make([]int32, d.count())
			w := int64(0)
			for n := range k.Weeks {
				if n == 0 {
					w = d.varint()
				} else {
					w += int64(d.uvarint())
				}
				k.Weeks[n] = int32(w)
			}
		}
		s.Points = make([]string, d.count())
		for j := range s.Points {
			s.Points[j] = d.str()
		}
	}
	return dg, d.done()
}

// shardOf returns the shard of a value: its 64-bit FNV-1a hash modulo n.
func shardOf(s string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(s))
	return int(h.Sum64() % uint64(n))
}
