package main

import (
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
)

// TestPointsText: the text report says a trace point is a slot of a local
// calendar day in the report's zone (temporal's point key), not an
// absolute slot since the epoch, which it is only in UTC.
func TestPointsText(t *testing.T) {
	for _, tc := range []struct {
		k    reidrisk.TemporalKey
		want string
	}{
		{reidrisk.TemporalKey{SlotMinutes: 60, Weekday: "day", TimeZone: "UTC"}, "(calendar day, 60-minute slot of the day) in UTC"},
		{reidrisk.TemporalKey{SlotMinutes: 30, Weekday: "day", TimeZone: "Europe/Berlin"}, "(calendar day, 30-minute slot of the day) in Europe/Berlin"},
		{reidrisk.TemporalKey{SlotMinutes: 360, Weekday: "weekday_weekend", TimeZone: "UTC"}, "(ISO week and weekday-or-weekend, 360-minute slot of the day) in UTC"},
		{reidrisk.TemporalKey{SlotMinutes: 1440, Weekday: "none", TimeZone: "UTC"}, "(ISO week, 1440-minute slot of the day) in UTC"},
	} {
		if got := pointsText(tc.k); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.k, got, tc.want)
		}
	}
	events := "account,time\na,2024-03-04T20:00:00Z\nb,2024-03-04T20:00:00Z\n"
	code, out, errs := runCLI(t, events, "temporal", "-", "--subject", "account", "--time", "time", "--tz", "Europe/Berlin", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "(points = (calendar day, 60-minute slot of the day) in Europe/Berlin;") || strings.Contains(out, "absolute") {
		t.Errorf("text report does not describe local points:\n%s", out)
	}
}
