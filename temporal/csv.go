package temporal

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"time"
)

// WriteCSV writes ev as CSV with a header: the subject column "account",
// the time column "time" (RFC 3339 in loc, nil = UTC, with its offset), the
// attribute columns and the duration column by their names. Invalid events
// have an empty time. Values are written as they are (no quoting needed for
// generated logs; labels holding commas or quotes are quoted).
func (ev *Events) WriteCSV(w io.Writer, loc *time.Location) error {
	if err := ev.validate(); err != nil {
		return err
	}
	if loc == nil {
		loc = time.UTC
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	field := func(s string, last bool) {
		quote := false
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
				quote = true
				break
			}
		}
		if quote {
			bw.WriteByte('"')
			for i := 0; i < len(s); i++ {
				if s[i] == '"' {
					bw.WriteByte('"')
				}
				bw.WriteByte(s[i])
			}
			bw.WriteByte('"')
		} else {
			bw.WriteString(s)
		}
		if last {
			bw.WriteByte('\n')
		} else {
			bw.WriteByte(',')
		}
	}
	nd := 0
	if ev.Duration != nil {
		nd = 1
	}
	field("account", false)
	field("time", len(ev.Attrs)+nd == 0)
	for j, a := range ev.Attrs {
		field(a.Name, j == len(ev.Attrs)-1 && nd == 0)
	}
	if ev.Duration != nil {
		field(ev.Duration.Name, true)
	}
	var buf []byte
	for i := range ev.Time {
		field(ev.SubjectLabel(ev.Subject[i]), false)
		ts := ""
		if ev.Valid == nil || ev.Valid[i] {
			buf = time.Unix(ev.Time[i], 0).In(loc).AppendFormat(buf[:0], time.RFC3339)
			ts = string(buf)
		}
		field(ts, len(ev.Attrs)+nd == 0)
		for j, a := range ev.Attrs {
			field(a.Labels[a.Codes[i]], j == len(ev.Attrs)-1 && nd == 0)
		}
		if d := ev.Duration; d != nil {
			v := d.Values[d.Codes[i]]
			s := ""
			if !math.IsNaN(v) {
				s = strconv.FormatFloat(v, 'g', -1, 64)
			}
			field(s, true)
		}
	}
	return bw.Flush()
}
