package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// epochLog rewrites the time column of the CSV event log data as Unix
// times: seconds, or milliseconds (ms true).
func epochLog(t *testing.T, data string, ms bool) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "time" {
			col = i
		}
	}
	for _, r := range rows[1:] {
		at, err := time.Parse(time.RFC3339, r[col])
		if err != nil {
			t.Fatal(err)
		}
		n := at.Unix()
		if ms {
			n = at.UnixMilli() + 123 // a sub-second part the floor drops
		}
		r[col] = strconv.FormatInt(n, 10)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.String()
}

// TestTemporalEpochTimes: the generated log with its times as epoch seconds
// and as epoch milliseconds (unit detected, and given) gives the JSON report
// of the ISO-8601 log, but for the source and the time unit.
func TestTemporalEpochTimes(t *testing.T) {
	_, iso, _, _ := generatedLog(t)
	report := func(data string, extra ...string) map[string]any {
		t.Helper()
		path := writeFile(t, "log.csv", data)
		args := append([]string{"temporal", path, "--subject", "account", "--time", "time", "--attrs", "media_type",
			"--max-p", "2", "--sample-size", "300", "--format", "json", "--tz", "Europe/Amsterdam"}, extra...)
		code, out, errs := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	want := report(iso)
	if want["subjects_with_habits"] != 28.0 || want["time_unit"] != nil || want["offsetless_times"] != "local" {
		t.Fatalf("ISO log: subjects with habits %v, time unit %v, offsetless %v", want["subjects_with_habits"], want["time_unit"], want["offsetless_times"])
	}
	for _, f := range []string{"source", "generated_at", "input_sha256"} {
		delete(want, f)
	}
	for _, tc := range []struct {
		data, unit string
		extra      []string
	}{
		{epochLog(t, iso, false), "s", nil},
		{epochLog(t, iso, true), "ms", nil},
		{epochLog(t, iso, true), "ms", []string{"--time-unit", "ms"}},
	} {
		got := report(tc.data, tc.extra...)
		if got["time_unit"] != tc.unit {
			t.Errorf("%s %v: time_unit %v", tc.unit, tc.extra, got["time_unit"])
		}
		for _, f := range []string{"source", "time_unit", "generated_at", "input_sha256"} {
			delete(got, f)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %v: report differs from the ISO log's:\n%v\nwant\n%v", tc.unit, tc.extra, got, want)
		}
	}
	// Seconds read as milliseconds fall in 1970: no longer the same habits,
	// and a unit that is none is a usage error.
	if got := report(epochLog(t, iso, false), "--time-unit", "ms"); got["subjects_with_habits"] == 28.0 {
		t.Error("--time-unit ms on seconds: the same habits")
	}
	path := writeFile(t, "log.csv", epochLog(t, iso, false))
	if code, _, errs := runCLI(t, "", "temporal", path, "--subject", "account", "--time", "time", "--time-unit", "min"); code != 2 || !strings.Contains(errs, "--time-unit") {
		t.Errorf("--time-unit min: exit %d: %s", code, errs)
	}
}

// TestTemporalLocalTimes: six Mondays at 20:00 Berlin wall-clock time,
// written without an offset across the change to summer time on
// 2024-03-31, make one habit with --tz Europe/Berlin; written as 20:00Z they
// fall at 21:00 CET for three weeks and 22:00 CEST for three (no habit).
// A time in the spring gap and one in the autumn repeat are counted.
func TestTemporalLocalTimes(t *testing.T) {
	var local, utc strings.Builder
	local.WriteString("account,time\n")
	utc.WriteString("account,time\n")
	for _, day := range []string{"2024-03-11", "2024-03-18", "2024-03-25", "2024-04-01", "2024-04-08", "2024-04-15"} {
		local.WriteString("a," + day + " 20:00:00\n")
		utc.WriteString("a," + day + "T20:00:00Z\n")
	}
	local.WriteString("b,2024-03-31 02:30\nc,2024-10-27T02:30:00\nd,\n")
	run := func(data string, tz ...string) map[string]any {
		t.Helper()
		args := append([]string{"temporal", writeFile(t, "log.csv", data), "--subject", "account", "--time", "time", "--max-p", "0", "--format", "json"}, tz...)
		code, out, errs := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := run(local.String(), "--tz", "Europe/Berlin")
	if r["subjects_with_habits"] != 1.0 || r["distinct_habits"] != 1.0 || r["offsetless_times"] != "local" ||
		r["dst_gap_times"] != 1.0 || r["dst_repeated_times"] != 1.0 || r["skipped_events"] != 1.0 || r["events"] != 9.0 {
		t.Errorf("local with --tz: habits %v/%v offsetless %v gaps %v repeats %v skipped %v events %v, want 1/1 local 1 1 1 9",
			r["subjects_with_habits"], r["distinct_habits"], r["offsetless_times"], r["dst_gap_times"], r["dst_repeated_times"], r["skipped_events"], r["events"])
	}
	r = run(utc.String(), "--tz", "Europe/Berlin")
	if r["subjects_with_habits"] != 0.0 {
		t.Errorf("20:00Z with --tz Europe/Berlin: %v subjects with habits, want 0", r["subjects_with_habits"])
	}
	r = run(local.String())
	if r["subjects_with_habits"] != 1.0 || r["offsetless_times"] != "utc" || r["dst_gap_times"] != 0.0 {
		t.Errorf("without --tz: habits %v offsetless %v gaps %v, want 1 utc 0", r["subjects_with_habits"], r["offsetless_times"], r["dst_gap_times"])
	}
	// The text report says the rule.
	_, out, _ := runCLI(t, "", "temporal", writeFile(t, "log.csv", local.String()), "--subject", "account", "--time", "time", "--max-p", "0", "--tz", "Europe/Berlin")
	if !strings.Contains(out, "times without an offset read as local times in Europe/Berlin (1 in a DST gap, moved forward by it; 1 repeated, the earlier taken)") {
		t.Errorf("text report lacks the time rule:\n%s", out)
	}
}
