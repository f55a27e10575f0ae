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

// varint reads what enc.varint wrote: a zig-zag encoded uvarint, as
// binary.Varint reads it.
func (d *dec) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
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

// counts writes the counts a digest and a subject shard's base record
// begin with: events, skipped events, DST gap and repeated times.
func (e *enc) counts(events, skipped int64, dst dstTimes) {
	for _, x := range [...]int64{events, skipped, dst.Gap, dst.Repeated} {
		e.uvarint(uint64(x))
	}
}

// counts reads what enc.counts wrote.
func (d *dec) counts() (events, skipped int64, dst dstTimes) {
	var x [4]int64
	for i := range x {
		x[i] = int64(d.uvarint())
	}
	return x[0], x[1], dstTimes{Gap: x[2], Repeated: x[3]}
}

// eachMessage calls read with a decoder of every message msgs gives and
// returns the first error: read's, or that of a message corrupt or not
// read whole.
func eachMessage(msgs func(*[]byte) bool, read func(d *dec) error) error {
	var b []byte
	for msgs(&b) {
		d := dec{b: b}
		if err := read(&d); err != nil {
			return err
		}
		if err := d.done(); err != nil {
			return err
		}
	}
	return nil
}

// encodeDigest serialises a digest and the DST counts of its times:
// event counts, DST counts, then per subject its label, its keys with
// their weeks (the first as a varint, then increments) and its points.
func encodeDigest(dg *temporal.Digest, dst dstTimes) []byte {
	var e enc
	e.counts(dg.Events, dg.SkippedEvents, dst)
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
func decodeDigest(b []byte) (*temporal.Digest, dstTimes, error) {
	d := dec{b: b}
	dg := &temporal.Digest{}
	var dst dstTimes
	dg.Events, dg.SkippedEvents, dst = d.counts()
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
	return dg, dst, d.done()
}

// shardOf returns the shard of a value: its 64-bit FNV-1a hash modulo n.
func shardOf(s string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(s))
	return int(h.Sum64() % uint64(n))
}
