package quasiid

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// usageCSV returns rows rows shaped like the usage table of the benchmarks
// (account, device, duration, bit_rate, codec, resolution, media_type,
// country, hour, time), sorted by account, with a header.
func usageCSV(rows int) string {
	r := rand.New(rand.NewPCG(16, 1))
	devices := []string{"smart_tv", "web", "mobile", "tablet", "console"}
	codecs := []string{"h264", "h265", "av1", "vp9"}
	res := []string{"480p", "720p", "1080p", "2160p"}
	media := []string{"movie", "episode", "live", "trailer"}
	var b strings.Builder
	b.WriteString("account,device,duration,bit_rate,codec,resolution,media_type,country,hour,time\n")
	acct, dev, country := 10000, 0, "IS"
	for i := range rows {
		if i == 0 || r.IntN(8) == 0 {
			acct++
			dev, country = r.IntN(len(devices)), string(rune('A'+r.IntN(26)))+string(rune('A'+r.IntN(26)))
		}
		if r.IntN(4) == 0 {
			dev = r.IntN(len(devices))
		}
		h := r.IntN(24)
		fmt.Fprintf(&b, "acct-%d,%s,%d,%d,%s,%s,%s,%s,%d,2026-11-%02d %02d:%02d:%02d\n", acct, devices[dev], r.IntN(8000), r.IntN(20000),
			codecs[r.IntN(len(codecs))], res[r.IntN(len(res))], media[r.IntN(len(media))], country, h, 1+r.IntN(28), h, r.IntN(60), r.IntN(60))
	}
	return b.String()
}

// BenchmarkCSVWorker measures a worker of the CSV fast path splitting and
// coding blocks of usage rows (10 fields of about 75 bytes) on the six
// quasi-identifiers of the benchmarks, and with the account too (as
// --subject account codes it: about 25,000 values, in runs).
func BenchmarkCSVWorker(b *testing.B) {
	data := usageCSV(200_000)
	qi := []string{"device", "codec", "resolution", "media_type", "country", "hour"}
	b.Run("qi", func(b *testing.B) { benchmarkCSVWorker(b, data, qi) })
	b.Run("qi+account", func(b *testing.B) { benchmarkCSVWorker(b, data, append([]string{"account"}, qi...)) })
}

func benchmarkCSVWorker(b *testing.B, data string, columns []string) {
	src, err := Read("u.csv", strings.NewReader(data), ReadOptions{Delimiter: ','})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	c := src.rr.(*csvReader)
	t := &Table{}
	var encs []*columnEncoder
	for _, name := range columns {
		f := -1
		for i, h := range c.header {
			if h == name {
				f = i
			}
		}
		col := &Column{Name: name, Role: QuasiIdentifier, Dict: NewDictionary()}
		t.Columns = append(t.Columns, col)
		encs = append(encs, &columnEncoder{file: "u.csv", field: f, col: col})
	}
	body := []byte(data[len(c.head):])
	var blocks []*csvBlock
	for len(body) > 0 {
		end := recordEnd(body[:min(len(body), 1<<20)])
		if len(body) <= 1<<20 {
			end = len(body)
		}
		blocks = append(blocks, &csvBlock{seq: len(blocks), data: body[:end]})
		body = body[end:]
	}
	c.buffers = newCSVBuffers(4, len(encs))
	w := newCSVWorker(0, c, encs)
	b.SetBytes(int64(len(data) - len(c.head)))
	b.ResetTimer()
	for range b.N {
		for _, blk := range blocks {
			r := w.parse(blk)
			if r.slow || r.rows == 0 {
				b.Fatal("block not coded by the fast path")
			}
			c.buffers.recycle(&csvResult{block: &csvBlock{}, codes: r.codes})
		}
	}
}
