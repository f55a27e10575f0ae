package reidrisk_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
)

// An event log where two accounts share a Monday-evening habit and a third
// is alone on Tuesdays; the policy asks that nobody be alone in a habit.
func ExampleTemporal() {
	var b strings.Builder
	b.WriteString("account,ts\n")
	for _, day := range []string{"01", "08", "15", "22"} {
		fmt.Fprintf(&b, "A,2024-01-%sT20:10:00Z\nB,2024-01-%sT20:40:00Z\n", day, day)
	}
	for _, day := range []string{"02", "09", "16", "23"} {
		fmt.Fprintf(&b, "C,2024-01-%sT21:10:00+01:00\n", day)
	}
	src, err := quasiid.Read("events.csv", strings.NewReader(b.String()), quasiid.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := reidrisk.Temporal(context.Background(), src, reidrisk.TemporalOptions{
		Subject: "account", Time: "ts", SlotMinutes: 60, MaxP: 1, Policy: "unique_p1<=0",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("subjects with habits:", r.SubjectsWithHabits, "unique_p1:", r.HabitAnonymity.UniqueP1)
	s := r.Suggestion
	fmt.Println("suggestion:", s.SlotMinutes, "min slots,", s.Weekday, "→ unique_p1:", s.After.UniqueP1)
	// Output:
	// subjects with habits: 3 unique_p1: 0.3333333333333333
	// suggestion: 60 min slots, weekday_weekend → unique_p1: 0
}
