#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run one libFuzzer harness for a given time.
#
#   fuzz/run.sh [-B BUILD_DIR] [--smoke] [--fork JOBS] [--restart CHUNK] HARNESS SECONDS
#               [libFuzzer options...]
#
# HARNESS: ciscotl, tvs, sbd, pcap or cucmlog (fuzz/fuzz_HARNESS.c).  BUILD_DIR (default
# build-fuzz) is a build configured with CC=clang -DSBD_FUZZ=ON.
#
# The seeds are made once per build from test-captures/ and ../shared/samples/
# (fuzz/make-seeds.py, into BUILD_DIR/fuzz/seeds/HARNESS).  A normal run keeps
# its corpus in BUILD_DIR/fuzz/corpus/HARNESS, so later runs continue where
# earlier ones stopped; --smoke (the test suite) starts from the seeds in a
# throw-away directory.  --fork JOBS runs libFuzzer's fork mode (workers are
# restarted now and then, which bounds the memory of very long runs).
# --restart CHUNK runs libFuzzer in consecutive runs of at most CHUNK seconds
# on the same corpus (the same bound, without fork mode's per-job overhead);
# the summary adds up the executions of all of them.
#
# SBD_FUZZ_BLOCK_WMEM=1 in the environment keeps Wireshark's block allocator
# for wmem (about twice as many executions per second, but AddressSanitizer
# then sees overruns only at block ends); by default every wmem allocation is
# its own malloc block.
#
# A crash, sanitizer report, dissector bug, timeout (25 s per input) or
# out-of-memory (4 GB) stops the run: the input is written to
# BUILD_DIR/fuzz/artifacts/ and the exit status is non-zero.  Reproduce with
#   BUILD_DIR/fuzz/fuzz_HARNESS BUILD_DIR/fuzz/artifacts/crash-...
# The last line printed is the summary (also appended to
# BUILD_DIR/fuzz/runs.tsv): executions, corpus size, result.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build-fuzz
SMOKE=0
FORK=0
CHUNK=0
while [ $# -gt 0 ]; do
    case "$1" in
        -B) BUILD=$2; shift 2 ;;
        --smoke) SMOKE=1; shift ;;
        --fork) FORK=$2; shift 2 ;;
        --restart) CHUNK=$2; shift 2 ;;
        -h|--help) sed -n '3,33p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "usage: $0 [-B BUILD_DIR] [--smoke] [--fork JOBS] [--restart CHUNK] HARNESS SECONDS [libFuzzer options...]" >&2
    exit 2
fi
H=$1 SECONDS_=$2
shift 2
case "$H" in ciscotl|tvs|sbd|pcap|cucmlog) ;; *) echo "$0: unknown harness $H (ciscotl, tvs, sbd, pcap, cucmlog)" >&2; exit 2 ;; esac
BUILD=$(cd "$BUILD" && pwd)
BIN="$BUILD/fuzz/fuzz_$H"
if [ ! -x "$BIN" ]; then
    echo "$0: $BIN not built (CC=clang cmake -S . -B BUILD_DIR -DSBD_FUZZ=ON && cmake --build BUILD_DIR --target fuzz)" >&2
    exit 2
fi

W="$BUILD/fuzz"
SEEDS="$W/seeds"
mkdir -p "$W/artifacts" "$W/logs"
# Seeds: once per build (a lock keeps parallel test runs from racing).
(
    flock 9
    if [ ! -f "$SEEDS/.done" ]; then
        rm -rf "$SEEDS"
        python3 "$SRC/fuzz/make-seeds.py" "$BUILD" "$SEEDS" >&2
        touch "$SEEDS/.done"
    fi
) 9>"$W/.seeds.lock"
n_seeds=$(find "$SEEDS/$H" -type f | wc -l)
if [ "$n_seeds" -lt 5 ]; then
    echo "$0: only $n_seeds seeds for $H in $SEEDS (is tshark installed?)" >&2
    exit 1
fi

if [ "$SMOKE" = 1 ]; then
    CORPUS=$(mktemp -d "${TMPDIR:-/tmp}/sbd-fuzz-$H.XXXXXX")
    trap 'rm -rf "$CORPUS"' EXIT
else
    CORPUS="$W/corpus/$H"
    mkdir -p "$CORPUS"
fi
LOG="$W/logs/$H-$(date +%Y%m%dT%H%M%S).log"

opts=(-timeout=25 -rss_limit_mb=4096 -malloc_limit_mb=2048
      -detect_leaks=0 -print_final_stats=1 -dict="$SRC/fuzz/$H.dict"
      -artifact_prefix="$W/artifacts/$H-")
if [ "$FORK" != 0 ]; then
    opts+=(-fork="$FORK" -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0)
fi
# Wireshark's own code is not instrumented; a dissector bug aborts.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:handle_abort=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null; then
    ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)     # package llvm
    export ASAN_SYMBOLIZER_PATH
fi

# The regression inputs (fuzz/regressions/HARNESS: every crash found so
# far) are run first, with the seeds.
inputs=("$CORPUS" "$SEEDS/$H")
[ -d "$SRC/fuzz/regressions/$H" ] && inputs+=("$SRC/fuzz/regressions/$H")

start=$(date +%s)
execs=0 rc=0 runs=0
set +e
while :; do
    left=$(( SECONDS_ - ($(date +%s) - start) ))
    [ "$runs" -gt 0 ] && [ "$left" -le 0 ] && break
    this=$left
    [ "$CHUNK" -gt 0 ] && [ "$this" -gt "$CHUNK" ] && this=$CHUNK
    [ "$this" -lt 1 ] && this=1
    echo "=== run $((runs + 1)): $this s" >>"$LOG"
    part=$(mktemp "${TMPDIR:-/tmp}/sbd-fuzz-log.XXXXXX")
    "$BIN" "${opts[@]}" -max_total_time="$this" "$@" "${inputs[@]}" >"$part" 2>&1
    rc=$?
    cat "$part" >>"$LOG"
    n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$part" | tail -1)
    if [ -z "$n" ] || [ "$n" = 0 ]; then   # fork mode: the last "#N" status line
        n=$(sed -n 's/^#\([0-9][0-9]*\)[^0-9].*/\1/p' "$part" | tail -1)
    fi
    execs=$(( execs + ${n:-0} ))
    runs=$((runs + 1))
    bad=0
    grep -qE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|Dissector bug' "$part" && bad=1
    rm -f "$part"
    [ "$rc" != 0 ] || [ "$bad" = 1 ] && break
    [ "$CHUNK" -gt 0 ] || break
done
set -e
elapsed=$(( $(date +%s) - start ))

files=$(find "$CORPUS" -type f | wc -l)
bytes=$(find "$CORPUS" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
if [ "$rc" = 0 ] && [ "$bad" = 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|Dissector bug' "$LOG"; then
    result="no crash"
else
    result="FAILED (exit $rc)"
    grep -E 'ERROR:|runtime error:|Dissector bug|SUMMARY|Test unit written|artifact_prefix' "$LOG" | head -20 >&2 || true
    [ "$rc" = 0 ] && rc=1
fi
printf '%s\tfuzz_%s\t%s s\t%s executions\t%s files\t%s bytes\t%s\n' "$(date -u +%FT%TZ)" "$H" \
    "$elapsed" "$execs" "$files" "$bytes" "$result" >>"$W/runs.tsv"
echo "fuzz_$H: $execs executions in $elapsed s ($runs run(s)), corpus $files files ($bytes bytes), $result (log: $LOG)"
exit "$rc"
