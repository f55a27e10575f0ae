#!/usr/bin/env bash
# CI: the Python wrapper's tests, standard library only, against a fresh build of the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/reidrisk
CGO_ENABLED=0 go build -o "$bin" ./cmd/reidrisk
REIDRISK_BIN="$bin" python3 -m unittest discover -s python/tests -v
