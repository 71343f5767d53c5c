#!/usr/bin/env bash
# llama.cpp's long-context reference vectors (issue 13): for each bundled model, two prompts of Paradise Lost
# (Benchmarks/Texts) of about 800 and 3,000 tokens, fed in 512-token batches and then greedily decoded, with the
# top-10 logits at every step in two llama.cpp configurations. Writes
# Tests/InferenceTests/Fixtures/LongContext/<model file stem>.json, read by LongContextReferenceTests.
#
#   scripts/make-long-context-vectors.sh            # all four bundled models
#   LC_MODELS="gemma-3-270m" scripts/make-long-context-vectors.sh
#
# Needs the llama.cpp anchor build (../shared/tools/llamacpp-anchor.sh build; run here when absent, about 8
# minutes on 2 cores). The generator, scripts/long-context-vectors.cpp, is compiled against its libllama.
# The vectors are an independent reference: never edit them by hand, and re-record only for a reason stated
# in the commit (a new llama.cpp anchor, new prompts), never to make a test pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
anchor=${LLAMACPP_ANCHOR_DIR:-$HOME/.cache/llamacpp-anchor}
src=$anchor/src
if [ ! -f "$src/build/bin/libllama.so" ]; then
  script=../shared/tools/llamacpp-anchor.sh
  [ -x "$script" ] || { echo "make-long-context-vectors: no $src/build and no $script" >&2; exit 1; }
  "$script" build "$anchor"
  # The anchor script builds only its tools' targets; libllama is one of their dependencies.
fi
text=Benchmarks/Texts/paradise-lost-books-1-2.txt
out=Tests/InferenceTests/Fixtures/LongContext
mkdir -p "$out"
bin=$(mktemp -d)/long-context-vectors
trap 'rm -rf "$(dirname "$bin")"' EXIT
g++ -std=c++17 -O2 -o "$bin" scripts/long-context-vectors.cpp -I"$src/include" -I"$src/ggml/include" \
  -L"$src/build/bin" -lllama -lggml -lggml-base -Wl,-rpath,"$src/build/bin"
build=$(grep -E '^(CMAKE_BUILD_TYPE|GGML_NATIVE|GGML_BLAS):' "$src/build/CMakeCache.txt" | sed 's/:[A-Z]*=/=/' | paste -sd ' ')
build="CPU only, $build, weight repack default, $(grep -o 'avx512_vnni' /proc/cpuinfo | head -1 || true) host"
models=(${LC_MODELS:-smollm2-135m-instruct gemma-3-270m qwen2.5-coder-0.5b-instruct qwen2.5-coder-1.5b-instruct})
for name in "${models[@]}"; do
  file=$(python3 -c "import json,sys; m=json.load(open('models/manifest.json')); print(next(x['file'] for x in m['models'] if x['name']==sys.argv[1]))" "$name")
  # Two prompts at different places in the text: ~800 tokens (two batches) and ~3,000 (six batches; six times
  # Gemma 3's 512-position sliding window).
  "$bin" ".cache/models/$file" "$text" "$out/${file%.gguf}.json" --prompt 20000:800 --prompt 40000:3000 \
    --n-predict 16 --threads 2 --factor 2 --text-name "$text" --build "$build"
done
