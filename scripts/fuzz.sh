#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (a separate package: the root build never links the sanitizers) and runs
# each for a fixed time from its committed seeds, Fuzz/Corpus/<target>/.
#
#   scripts/fuzz.sh [TARGET ...]      targets: gguf sentencepiece bpe chat-template deid (default: all)
#
#   FUZZ_SECONDS=60        seconds per target
#   FUZZ_SCRATCH=DIR       new corpus entries, crash artifacts and logs (default: $TMPDIR/vellum-fuzz), never the repo
#   FUZZ_KEEP_GOING=1      fork mode: keep fuzzing past crashes, timeouts and OOMs (each is still saved and counted)
#   FUZZ_BUILD_JOBS=2      swift build -j
#   FUZZ_NO_BUILD=1        run the targets as last built (another build is running, or only the corpus changed)
#   VELLUM_MODELS_DIR, VELLUM_DEID_DATA   where the models and lexicons are (default: .cache/ of this checkout or above)
#
# Prints per target: seconds, executions and executions per second, libFuzzer's coverage (cov: edges, ft:
# features), corpus size and crashes. Exits 1 when any target crashed, hung (-timeout=10) or ran out of memory
# (-rss_limit_mb=4096); the inputs are in $FUZZ_SCRATCH/artifacts/<target>/. Reproduce one with
#   SWIFT_BACKTRACE=enable=no Fuzz/.build/debug/fuzz-<target> -detect_leaks=0 FILE
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ALL_TARGETS=(gguf sentencepiece bpe chat-template deid)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
for target in "${TARGETS[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $target "* ]] || { echo "fuzz: unknown target '$target' (${ALL_TARGETS[*]})" >&2; exit 2; }
done
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
SCRATCH=${FUZZ_SCRATCH:-${TMPDIR:-/tmp}/vellum-fuzz}
# The GGUF target writes each input to a scratch file before loading it: keep that in memory when possible.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
# Swift's own crash handler would run before libFuzzer's and AddressSanitizer's reports (and trips ASan itself).
export SWIFT_BACKTRACE=enable=no
# No leak report at exit either (see -detect_leaks below): it would be written as a crash of the last input.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# lld: gold stops with an internal error (dwarf_reader.cc) on these sanitized links.
BUILD=(swift build --package-path Fuzz -c debug -j "${FUZZ_BUILD_JOBS:-2}"
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    echo "fuzz: building (${BUILD[*]})" >&2
    "${BUILD[@]}" >&2 || { echo "fuzz: build failed" >&2; exit 2; }
fi
BIN=$("${BUILD[@]}" --show-bin-path)

# Longest input per target: whole seed model files for GGUF, templates of a few pages, documents of a few pages.
max_len() {
    case $1 in
        gguf) echo 131072 ;;
        chat-template) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

failed=0
summary=()
for target in "${TARGETS[@]}"; do
    corpus="$SCRATCH/corpus/$target" artifacts="$SCRATCH/artifacts/$target" log="$SCRATCH/$target.log"
    mkdir -p "$corpus" "$artifacts"
    options=(-max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=4096 -max_len="$(max_len "$target")"
             -artifact_prefix="$artifacts/" -print_final_stats=1
             # LeakSanitizer takes the models and lexicons the targets load once and keep in globals for leaks
             # (Swift keeps some references with tag bits set, which it does not recognize as pointers).
             -detect_leaks=0)
    [ -f "Fuzz/Dictionaries/$target.dict" ] && options+=(-dict="Fuzz/Dictionaries/$target.dict")
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s (log: $log)" >&2
    # libFuzzer's findings; its slow-unit-* files (inputs slower than average, not failures) are not counted.
    findings() { find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l; }
    before=$(findings)
    start=$(date +%s)
    # New entries go to the scratch corpus (first directory); the committed seeds are only read.
    "$BIN/fuzz-$target" "${options[@]}" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1
    status=$?
    elapsed=$(( $(date +%s) - start ))
    rm -f "$TMPDIR"/vellum-fuzz-gguf-*.gguf  # the GGUF target's scratch files (one per process)
    found=$(( $(findings) - before ))
    # The last status line has the coverage reached; the final stats have the totals.
    last=$(grep -E '(^#[0-9]+|^#[0-9]+:).*cov: ' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    corp=$(grep -oE 'corp: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' <<<"$last" | tr -d '#')
    rate=$(( ${execs:-0} / (elapsed > 0 ? elapsed : 1) ))
    if [ "$found" -gt 0 ] || [ "$status" -ne 0 ]; then
        failed=1
        grep -E 'ERROR: (libFuzzer|AddressSanitizer)|invariant broken|Fatal error|artifact_prefix|Test unit written' "$log" | head -20 >&2
    fi
    summary+=("$(printf '%-14s %5ss %10s execs %7s exec/s  cov %6s  ft %7s  corpus %6s  crashes %s' \
        "$target" "$elapsed" "${execs:-?}" "$rate" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$found")")
done

echo
echo "fuzz: $(uptime)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "fuzz: findings in $SCRATCH/artifacts (reproduce: SWIFT_BACKTRACE=enable=no $BIN/fuzz-<target> -detect_leaks=0 FILE)" >&2
    exit 1
fi
