#!/usr/bin/env bash
# README command 1: install what the build needs, fetch and verify the models, build the `vellum` CLI in
# release mode, and run the main job on the default model: summarize a record and draft a note (synthetic inputs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "setup: $*" >&2; }

log "1/4 system packages"
scripts/install-deps.sh

log "2/4 models (see models/manifest.json), de-identification lexicons and the ICD-10-CM table"
python3 scripts/fetch-models.py
python3 scripts/fetch-deid-data.py  # name lists and gazetteers for de-identification (.cache/deid-data)
python3 scripts/fetch-icd10.py      # the ICD-10-CM code table `vellum code` checks against (.cache/icd10cm)

log "3/4 swift build -c release --product vellum"
swift build -c release --product vellum

# The main job on the default model, on synthetic inputs shipped in scripts/demo (no real patient data anywhere
# in this repository): one record summary and one note from shorthand, each de-identified before the model sees
# it, checked against its source, and saved as an unsigned draft. The demo's drafts go to a store of their own
# under .cache, not the practice's.
export VELLUM_DATA_DIR="$PWD/.cache/demo-drafts"
DEFAULT_MODEL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["default"])' models/manifest.json)
log "4/4 demo with $DEFAULT_MODEL: summarize scripts/demo/record.txt, then draft a note from scripts/demo/shorthand.txt"
time .build/release/vellum summarize --model "$DEFAULT_MODEL" scripts/demo/record.txt
time .build/release/vellum draft note --model "$DEFAULT_MODEL" scripts/demo/shorthand.txt
