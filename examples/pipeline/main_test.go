package main

import (
	"context"
	"testing"

	"github.com/reidrisk/reidrisk/internal/fixture"
)

func TestPipeline(t *testing.T) {
	after, err := run(context.Background(), fixture.Path(t, "adult"), 5, "")
	if err != nil {
		t.Fatal(err)
	}
	// At most 1% of the 30,162 rows are suppressed (the optimum today
	// suppresses 60); every class of the release has at least 5 rows.
	if after.Rows < 30162-301 || after.Rows > 30162 || after.K < 5 || !*after.Policy.Satisfied {
		t.Errorf("release: %d rows, k = %d, policy %v", after.Rows, after.K, *after.Policy.Satisfied)
	}
}
