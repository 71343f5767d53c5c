#!/usr/bin/env bash
# Perplexity side by side with llama.cpp (issue 13): `vellum perplexity` and `llama-perplexity` on the same text,
# context and windows, for each bundled model, one row each with the relative difference (goal: within 0.5%).
#
#   scripts/perplexity-vs-llamacpp.sh [TEXT]     # default: Benchmarks/Texts/paradise-lost-books-1-2.txt
#
# Needs llama.cpp built outside the repository first: ../shared/tools/llamacpp-anchor.sh build (about 8 minutes
# on 2 cores), which puts llama-perplexity in $LLAMACPP_ANCHOR_DIR (default ~/.cache/llamacpp-anchor)/src/build/bin.
# Environment: PPL_CONTEXT (512), PPL_CHUNKS (all windows), PPL_THREADS (2), PPL_MODELS (the four bundled),
# VELLUM (.build/release/vellum). Runs the models one after the other; note `uptime` with the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
text=${1:-Benchmarks/Texts/paradise-lost-books-1-2.txt}
context=${PPL_CONTEXT:-512}
threads=${PPL_THREADS:-2}
vellum=${VELLUM:-.build/release/vellum}
llama=${LLAMACPP_ANCHOR_DIR:-$HOME/.cache/llamacpp-anchor}/src/build/bin/llama-perplexity
models=(${PPL_MODELS:-smollm2-135m-instruct gemma-3-270m qwen2.5-coder-0.5b-instruct qwen2.5-coder-1.5b-instruct})
[ -x "$llama" ] || { echo "perplexity-vs-llamacpp: no $llama; run ../shared/tools/llamacpp-anchor.sh build" >&2; exit 1; }
[ -x "$vellum" ] || { echo "perplexity-vs-llamacpp: no $vellum; run swift build -c release --product vellum" >&2; exit 1; }
chunks=()
[ -n "${PPL_CHUNKS:-}" ] && chunks=(--chunks "$PPL_CHUNKS")

echo "text $text, context $context, threads $threads${PPL_CHUNKS:+, first $PPL_CHUNKS windows}; load: $(uptime | sed 's/.*load average: //')"
printf '%-30s %12s %12s %9s %10s %10s\n' model vellum llama.cpp "diff %" "vellum s" "llama s"
for name in "${models[@]}"; do
  file=$(python3 -c "import json,sys; m=json.load(open('models/manifest.json')); print(next(x['file'] for x in m['models'] if x['name']==sys.argv[1]))" "$name")
  path=.cache/models/$file
  start=$(date +%s.%N)
  ours=$("$vellum" perplexity --model "$path" --context "$context" --threads "$threads" "${chunks[@]}" --json "$text" 2>/dev/null \
         | python3 -c "import json,sys; print(json.load(sys.stdin)['perplexity'])")
  middle=$(date +%s.%N)
  # llama-perplexity prints "Final estimate: PPL = 12.3456 +/- 0.1234" on stderr.
  theirs=$("$llama" -m "$path" -f "$text" -c "$context" -b "$context" -t "$threads" "${chunks[@]}" 2>&1 \
           | sed -n 's/.*Final estimate: PPL = \([0-9.]*\).*/\1/p')
  end=$(date +%s.%N)
  [ -n "$theirs" ] || { echo "perplexity-vs-llamacpp: llama-perplexity gave no estimate for $name" >&2; exit 1; }
  python3 - "$name" "$ours" "$theirs" "$start" "$middle" "$end" <<'EOF'
import sys
name, ours, theirs, start, middle, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), *map(float, sys.argv[4:])
print(f"{name:<30} {ours:12.4f} {theirs:12.4f} {100 * (ours - theirs) / theirs:+9.3f} {middle - start:10.1f} {end - middle:10.1f}")
EOF
done
