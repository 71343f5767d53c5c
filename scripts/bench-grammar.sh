#!/bin/bash
# tg128 with a JSON schema against unconstrained, alternating, on a release build:
#   swift build -c release --product vellum && scripts/bench-grammar.sh qwen2.5-coder-1.5b-instruct 3 [temperature]
# Each line: tokens/s of decode, tokens, stop reason, time spent in the grammar (GenerationResult.constraintSeconds)
# and the load average. Both modes sample the same way; only the grammar differs.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?model name or path}; reps=${2:-3}; temperature=${3:-0}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/schema.json" <<'JSON'
{"type": "object",
 "properties": {
   "medications": {"type": "array", "minItems": 10, "maxItems": 20, "items": {
     "type": "object",
     "properties": {
       "name": {"type": "string", "maxLength": 40},
       "dose": {"type": ["string", "null"], "maxLength": 20},
       "frequency": {"enum": ["daily", "bid", "tid", "qid", "prn", "weekly", null]},
       "status": {"enum": ["current", "stopped", "changed", "planned"]}},
     "required": ["name", "dose", "frequency", "status"],
     "additionalProperties": false}}},
 "required": ["medications"],
 "additionalProperties": false}
JSON
prompt='List twenty common medications for adults in primary care as JSON: an object with a "medications" array; each item has "name", "dose", "frequency" and "status".'
for rep in $(seq 1 "$reps"); do
  for mode in free schema; do
    extra=(); [ "$mode" = schema ] && extra=(--json-schema-file "$work/schema.json")
    .build/release/vellum generate --model "$model" --threads 2 --chat --prompt "$prompt" --max-tokens 128 \
      --temperature "$temperature" --seed 3 --json "${extra[@]}" 2>/dev/null | python3 -c "
import json, sys
d = json.load(sys.stdin)
print('$model $mode rep $rep: %.1f t/s, %d tokens, %s, grammar %.1f ms (%.0f us/token), load %s' % (
    d['generation_tokens_per_second'], len(d['ids']), d['stop_reason'], d['constraint_seconds'] * 1e3,
    d['constraint_seconds'] * 1e6 / max(len(d['ids']), 1), open('/proc/loadavg').read().split()[0]))"
  done
done
