#!/usr/bin/env bash
# README command 2: install what the build needs, fetch and verify the models and lexicons the tests read, then run
# every test. A debug build is enough: the hot modules carry optimization flags in Package.swift.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "test: $*" >&2; }

log "1/4 system packages"
scripts/install-deps.sh

log "2/4 models (see models/manifest.json), de-identification lexicons and the ICD-10-CM table"
python3 scripts/fetch-models.py
python3 scripts/fetch-deid-data.py  # name lists and gazetteers for de-identification (.cache/deid-data)
python3 scripts/fetch-icd10.py      # the ICD-10-CM code table `vellum code` checks against (.cache/icd10cm)

log "3/4 \`vellum serve\` from outside: the OpenAI client library, the workspace page in headless chromium, 32 clients at once"
swift build --product vellum
scripts/openai-client-test.sh .build/debug/vellum
scripts/browser-test.sh .build/debug/vellum
scripts/load-test.sh .build/debug/vellum

log "4/4 swift test"
# exec, so that the last lines printed are XCTest's and Swift Testing's own summaries.
exec swift test "$@"
