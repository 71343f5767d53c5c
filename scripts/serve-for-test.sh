#!/usr/bin/env bash
# Starts `vellum serve` on a free loopback port in the background, waits until /health answers, and prints
# "PID PORT". The caller stops it with `kill PID` (SIGTERM: a graceful shutdown). Drafts go to a fresh folder
# under $TMPDIR unless VELLUM_DATA_DIR is set, so a test never touches the practice's store.
# usage: scripts/serve-for-test.sh VELLUM_BINARY MODEL [extra serve options...]
set -euo pipefail
binary=$1 model=$2
shift 2
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export VELLUM_DATA_DIR=${VELLUM_DATA_DIR:-$(mktemp -d)}
log=${SERVE_LOG:-$(mktemp)}
"$binary" serve --model "$model" --port "$port" --threads 2 --context 2048 "$@" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null; then
    echo "$pid $port"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "serve-for-test: the server exited; its log:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
echo "serve-for-test: no answer on port $port after 60 s" >&2
kill "$pid"
exit 1
