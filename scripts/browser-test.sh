#!/usr/bin/env bash
# The workspace page end to end in headless chromium (scripts/browser-test.py): installs Debian's chromium and
# chromium-driver when missing (idempotent; needs root like scripts/install-deps.sh), starts `vellum serve` on a
# free loopback port with a fresh drafts folder, runs the flow, and stops the server with SIGTERM.
# usage: scripts/browser-test.sh [VELLUM_BINARY] [MODEL]   (defaults: .build/debug/vellum, qwen2.5-coder-0.5b-instruct)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:-.build/debug/vellum}
model=${2:-qwen2.5-coder-0.5b-instruct}
missing=()
for package in chromium chromium-driver; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" = "installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
read -r pid port < <(scripts/serve-for-test.sh "$binary" "$model")
trap 'kill "$pid" 2>/dev/null || true' EXIT
python3 scripts/browser-test.py "http://127.0.0.1:$port"
