package temporal_test

import (
	"context"
	"fmt"
	"time"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/temporal"
)

// Three accounts over four weeks: A and B watch on Monday evenings, C on
// Tuesdays. At 60-minute slots A and B share their habit; C is alone in
// its own.
func ExampleAnalyze() {
	var ev temporal.Events
	add := func(subject uint32, first string) {
		t0, _ := time.Parse(time.RFC3339, first)
		for w := range 4 {
			ev.Subject = append(ev.Subject, subject)
			ev.Time = append(ev.Time, t0.AddDate(0, 0, 7*w).Unix())
		}
	}
	add(0, "2024-01-01T20:10:00Z") // A, Mondays
	add(1, "2024-01-01T20:40:00Z") // B, Mondays
	add(2, "2024-01-02T20:10:00Z") // C, Tuesdays
	ev.SubjectLabels = []string{"A", "B", "C"}

	r, err := temporal.Analyze(context.Background(), &ev, temporal.Options{
		Generalization: temporal.Generalization{SlotMinutes: 60},
		MinWeeks:       4,
		MaxP:           1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range r.HabitSets {
		fmt.Printf("%s: %d subject(s)\n", h.Label, len(h.Subjects))
	}
	fmt.Printf("unique_p1 = %.3f, a(A) = %d, a(C) = %d\n", r.Habits.UniqueP1, r.Anonymity[0], r.Anonymity[2])
	fmt.Printf("exact ε_1 expectation = %.3f\n", r.Trace[0].Expected)
	// Output:
	// Mon 20:00-21:00: 2 subject(s)
	// Tue 20:00-21:00: 1 subject(s)
	// unique_p1 = 0.333, a(A) = 2, a(C) = 1
	// exact ε_1 expectation = 0.333
}

// Coarsen finds the least coarsening of the event key under which no
// account is alone in a weekly habit, on the demo's generated log (1,000
// accounts, planted habit groups of 1, 2, 5 and 20).
func ExampleCoarsen() {
	ev, _, _ := demo.GenerateEvents(demo.EventOptions{Subjects: 1000, Seed: 1})
	policy, err := temporal.ParsePolicy("unique_p1<=0.01")
	if err != nil {
		fmt.Println(err)
		return
	}
	sg, err := temporal.Coarsen(context.Background(), ev, temporal.CoarsenOptions{
		Options: temporal.Options{
			Generalization: temporal.Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}},
			MaxP:           -1,
		},
		Policy: policy,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sg.Generalization, "met:", sg.Met)
	fmt.Printf("unique_p1 %.3f → %.3f\n", sg.Before.Habits.UniqueP1, sg.After.Habits.UniqueP1)
	fmt.Printf("singled out %d of %d with habits → %d of %d\n", sg.Before.Habits.SingledOut, sg.Before.SubjectsWithHabits,
		sg.After.Habits.SingledOut, sg.After.SubjectsWithHabits)
	// Output:
	// slot=1440m days=none attrs=[media_type] met: true
	// unique_p1 0.036 → 0.000
	// singled out 1 of 28 with habits → 0 of 1000
}
