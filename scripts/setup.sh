#!/usr/bin/env bash
# README command 1: install what the build needs, fetch and verify the models, build the `vellum` CLI in
# release mode, and draft one piece of clinical paperwork with the default model as a smoke run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "setup: $*" >&2; }

log "1/4 system packages"
scripts/install-deps.sh

log "2/4 models (see models/manifest.json) and de-identification lexicons"
python3 scripts/fetch-models.py
python3 scripts/fetch-deid-data.py  # name lists and gazetteers for de-identification (.cache/deid-data)

log "3/4 swift build -c release --product vellum"
swift build -c release --product vellum

# Synthetic request only: no real patient data anywhere in this repository.
DEFAULT_MODEL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["default"])' models/manifest.json)
PROMPT="Write a two-sentence referral note asking ophthalmology to see a 58-year-old patient with type 2 diabetes for routine retinal screening."
log "4/4 drafting with $DEFAULT_MODEL"
# --chat wraps the request in the model's chat template, so the instruct model answers it instead of continuing it.
.build/release/vellum generate --model "$DEFAULT_MODEL" --chat --prompt "$PROMPT" --max-tokens 48 --temperature 0
