package main

import (
	"context"
	"fmt"
)

// runTemporal builds and runs the temporal pipeline (--mode temporal).
func runTemporal(ctx context.Context) error {
	return fmt.Errorf("--mode temporal: not implemented yet")
}
