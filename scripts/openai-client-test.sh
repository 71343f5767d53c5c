#!/usr/bin/env bash
# Drives `vellum serve` with the unmodified `openai` package from PyPI: a chat completion, a stream and a JSON-schema
# answer (scripts/openai-client-test.py). Installs the package into .cache/venv-openai once (idempotent).
# usage: scripts/openai-client-test.sh [VELLUM_BINARY]   (default .build/debug/vellum)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:-.build/debug/vellum}
venv=.cache/venv-openai
if ! "$venv/bin/python" -c 'import openai' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'openai>=1.40,<3'
fi
read -r pid port < <(scripts/serve-for-test.sh "$binary" smollm2-135m-instruct)
trap 'kill "$pid" 2>/dev/null || true' EXIT
"$venv/bin/python" scripts/openai-client-test.py "http://127.0.0.1:$port/v1"
kill "$pid"
wait "$pid" 2>/dev/null || true
trap - EXIT
