#!/usr/bin/env bash
# The load test from a second process (scripts/load-test.py): starts `vellum serve` on a free loopback port with a
# fresh drafts folder and a queue as long as the client count, runs 32 concurrent streaming clients (every 4th
# hangs up mid-stream), fails on any lost request, prints throughput, time to first token and peak RSS, and stops
# the server with SIGTERM.
# usage: scripts/load-test.sh [VELLUM_BINARY] [MODEL] [load-test.py options...]
#        (defaults: .build/debug/vellum, smollm2-135m-instruct)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:-.build/debug/vellum}
model=${2:-smollm2-135m-instruct}
shift $(( $# < 2 ? $# : 2 ))
read -r pid port < <(scripts/serve-for-test.sh "$binary" "$model" --queue-capacity 32)
trap 'kill "$pid" 2>/dev/null || true' EXIT
python3 scripts/load-test.py --port "$port" --pid "$pid" "$@"
