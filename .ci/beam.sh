#!/usr/bin/env bash
# CI section of the beam/ module (its own go.mod; the core module never
# imports Beam): vet, build the example command and run the tests on the
# Prism runner in-process (no external services). The cold build of Beam's
# dependencies dominates; see beam/README.md for the measured time.
set -euo pipefail
cd "$(dirname "$0")/../beam"
export CGO_ENABLED=0
echo "== beam: go vet ./..."
go vet ./...
echo "== beam: go build ./..."
go build ./...
echo "== beam: go test ./... (Prism in-process)"
go test -count=1 -timeout 15m ./...
