package main

import (
	"bytes"
	"strings"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/internal/safeout"
	"github.com/reidrisk/reidrisk/internal/textfmt"
)

// demoWrite writes the demo's usage table (to csvPath) and event log (to
// eventsPath), whichever is given, says what it wrote and how to try it,
// and tells no story: `reidrisk demo` alone tells it.
func demoWrite(e env, csvOut, eventsOut *safeout.File, csvPath, eventsPath string, csv []byte, sessions int, seed uint64, accounts int) error {
	p := &printer{w: e.stdout}
	if csvOut != nil {
		if _, err := csvOut.Write(csv); err != nil {
			return err
		}
		if err := csvOut.Commit(); err != nil {
			return err
		}
		p.f("wrote %s: %s sessions of %s accounts (usage table, seed %d)\n", csvPath,
			textfmt.Thousands(int64(sessions)), textfmt.Thousands(int64(accounts)), seed)
		p.f("  try: reidrisk analyze %s --subject account_id --qi %s\n", csvPath, strings.Join(demoFew, ","))
	}
	if eventsOut != nil {
		ev, _, err := demo.GenerateEvents(demo.EventOptions{Seed: seed, Subjects: accounts})
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := ev.WriteCSV(&buf, nil); err != nil {
			return err
		}
		if _, err := eventsOut.Write(buf.Bytes()); err != nil {
			return err
		}
		if err := eventsOut.Commit(); err != nil {
			return err
		}
		p.f("wrote %s: %s events of %s accounts (event log, seed %d)\n", eventsPath,
			textfmt.Thousands(int64(len(ev.Time))), textfmt.Thousands(int64(accounts)), seed)
		p.f("  try: reidrisk temporal %s --subject account --time time --attrs media_type --policy 'lt_5<=0'\n", eventsPath)
	}
	return p.err
}
