#!/usr/bin/env bash
# CI: the command builds for WebAssembly (wasip1) and, run under wazero, gives the native JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -o /dev/null ./cmd/reidrisk
REIDRISK_WASM=1 go test -count=1 -run '^TestWasm$' -v -timeout 20m ./cmd/reidrisk
