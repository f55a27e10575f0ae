package demo_test

import (
	"fmt"

	"github.com/reidrisk/reidrisk/internal/demo"
)

// The generator plants weekly habits shared by groups of 1, 2, 5 and 20
// accounts and returns the ground truth.
func ExampleGenerateEvents() {
	ev, truth, err := demo.GenerateEvents(demo.EventOptions{Subjects: 1000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Len(), "events")
	for _, p := range truth.Habits {
		fmt.Printf("%d: %s\n", len(p.Subjects), p.Label())
	}
	// Output:
	// 30280 events
	// 1: every Monday ~20:00 a movie of 55–65 minutes, 10 weeks in a row
	// 2: every Tuesday ~21:00 a series of 40–50 minutes, 10 weeks in a row
	// 5: every Thursday ~19:00 a documentary of 45–55 minutes, 10 weeks in a row
	// 20: every Saturday ~10:00 a cartoon of 20–30 minutes, 10 weeks in a row
}
