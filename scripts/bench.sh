#!/usr/bin/env bash
# Speed, in two parts (issue 3):
#   1. the package-benchmark suites in Benchmarks/ (kernels GB/s, decode tokens/s and malloc count, tokenization,
#      de-identification characters/s, memory read and triad bandwidth), through `swift package benchmark`;
#   2. `vellum bench` (release build) on the four bundled models, one llama-bench style table with llama.cpp's
#      figures on this machine kind beside ours (docs: issue 3; llama.cpp 0c1e57098, CPU, AVX-512, 2 threads).
#
#   scripts/bench.sh                      # both parts
#   scripts/bench.sh --suites [ARGS...]   # part 1 only; ARGS go to `benchmark` (e.g. --filter 'matVec.*')
#   scripts/bench.sh --models             # part 2 only
#
# Environment: BENCH_THREADS (2), BENCH_REPETITIONS (5), BENCH_TESTS ("pp512 tg128"), BENCH_SUITES (all five),
# BENCH_SCRATCH (SwiftPM scratch path, default .build). The machine is shared: note `uptime` with the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

threads=${BENCH_THREADS:-2}
repetitions=${BENCH_REPETITIONS:-5}
tests=${BENCH_TESTS:-"pp512 tg128"}
suites=${BENCH_SUITES:-"QuantKernels Decode Tokenization Deidentification MemoryBandwidth"}
scratch=${BENCH_SCRATCH:-.build}
models=(smollm2-135m-instruct gemma-3-270m qwen2.5-coder-0.5b-instruct qwen2.5-coder-1.5b-instruct)

log() { echo "bench: $*" >&2; }

run_suites() {
    local targets=()
    for suite in $suites; do targets+=(--target "${suite}Benchmark"); done
    log "package-benchmark suites: $suites (load: $(uptime | sed 's/.*load average: //'))"
    # Naming the targets lets BENCH_SUITES pick a subset (a bare `swift package benchmark` runs all five).
    # Results are printed, not stored: no baseline is written into the package.
    VELLUM_BENCH_THREADS=$threads swift package --scratch-path "$scratch" benchmark "${targets[@]}" --no-progress "$@"
}

run_models() {
    log "building vellum (release)"
    swift build -c release --scratch-path "$scratch" --product vellum >&2
    local vellum="$scratch/release/vellum"
    local test_args=()
    for test in $tests; do test_args+=(--test "$test"); done
    log "vellum bench: ${#models[@]} models x ($tests), $threads threads, $repetitions repetitions (load: $(uptime | sed 's/.*load average: //'))"
    local results
    results=$(mktemp)
    trap 'rm -f "$results"' RETURN
    for model in "${models[@]}"; do
        # One process per model, so each peak RSS is that model's alone. A model that is not fetched is reported
        # and skipped (fetch with python3 scripts/fetch-models.py).
        if ! "$vellum" bench --model "$model" --threads "$threads" --repetitions "$repetitions" "${test_args[@]}" \
            --json >>"$results"; then
            log "skipped $model (see the error above)"
        fi
        echo >>"$results"
    done
    python3 - "$results" "$threads" <<'PY'
import json, sys

# llama-bench -r 5 on this machine kind (issue 3 / docs anchors): tokens/s at 1 and 2 threads.
llama_cpp = {
    ("SmolLM2", 1): {"pp512": 241, "pp128": 252, "tg128": 145},
    ("SmolLM2", 2): {"pp512": 470, "pp128": 496, "tg128": 161},
    ("gemma-3-270m", 1): {"pp512": 510, "pp128": 549, "tg128": 88},
    ("gemma-3-270m", 2): {"pp512": 1010, "pp128": 1037, "tg128": 96},
    ("qwen2.5-coder-0.5b", 1): {"pp512": 171, "pp128": 174, "tg128": 51},
    ("qwen2.5-coder-0.5b", 2): {"pp512": 330, "pp128": 330, "tg128": 63},
    ("qwen2.5-coder-1.5b", 1): {"pp512": 85, "pp128": 83, "tg128": 22},
    ("qwen2.5-coder-1.5b", 2): {"pp512": 163, "pp128": 164, "tg128": 36},
}

def reference(row):
    name = row["model_filename"].lower()
    for (key, threads), figures in llama_cpp.items():
        if key.lower() in name and threads == row["threads"]:
            return figures.get(row["test"])
    return None

path, threads = sys.argv[1], int(sys.argv[2])
rows = []
decoder = json.JSONDecoder()
text = open(path).read()
position = 0
while True:
    while position < len(text) and text[position].isspace():
        position += 1
    if position >= len(text):
        break
    value, position = decoder.raw_decode(text, position)
    rows += value if isinstance(value, list) else [value]

print("| model | size | threads | test | t/s | llama.cpp t/s | ours / llama.cpp | peak RSS |")
print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
for row in rows:
    ref = reference(row)
    ratio = f"{row['avg_ts'] / ref:.2f}" if ref else "n/a"
    print(f"| {row['model']} | {row['model_size'] / 2**20:.1f} MiB | {row['threads']} | {row['test']} "
          f"| {row['avg_ts']:.2f} ± {row['stddev_ts']:.2f} | {ref if ref else 'n/a'} | {ratio} "
          f"| {row['peak_rss_bytes'] / 2**20:.1f} MiB |")
PY
}

case "${1:-}" in
    --suites) shift; run_suites "$@" ;;
    --models) run_models ;;
    "") run_suites; run_models ;;
    *) echo "usage: scripts/bench.sh [--suites [benchmark args...] | --models]" >&2; exit 2 ;;
esac
