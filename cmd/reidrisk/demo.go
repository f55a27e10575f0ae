package main

import (
	"context"
	"errors"
)

// TODO(owner): replace this stub.
func runDemo(ctx context.Context, e env, args []string) error {
	return errors.New("not implemented yet")
}
