#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The editcap corruption loop: every capture in test-captures/ corrupted
# many times with `editcap -E` and read by tshark with the plugin of a build
# (two passes, full trees, with the capture's key log so that TVS inside
# TLS is reached), then all the corrupted captures through that build's
# itl-audit.
#
#   fuzz/corrupt.sh [-B BUILD_DIR] [-n PER_CAPTURE] [-j JOBS] [-s SEED] [-k] [-x TEXT]
#
# -x TEXT leaves out the captures whose path contains TEXT (the test suite's
# short run leaves out /xcheck/, whose captures test_xcheck.sh reads).
#
# BUILD_DIR (default build-test) should be a sanitizer build
# (-DSBD_SANITIZE=ON): tests/tshark.sh then preloads ASan/UBSan, and
# WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 turns a dissector bug into an abort.
# Run i of a capture uses error probability 0.0005 * 2^(i mod 8) (0.05 %
# to 6.4 % of the packet bytes changed) and seed SEED+i, so a run is
# reproducible: `editcap -E P --seed S CAPTURE OUT`.
#
# A run fails on a crash (signal), a timeout (120 s), a sanitizer report or
# a dissector bug; tshark's exit status 2 (the file is damaged) is fine, as
# is itl-audit's 2 (an input could not be read).  A failure that tshark
# shows just the same with this project's protocols disabled is Wireshark's
# own: it is listed ("failing in Wireshark itself") but does not fail the run.  Failing corrupted captures
# are kept in BUILD_DIR/corrupt-failures/ (-k keeps them all).  The last
# line is the summary; exit status 1 if anything failed.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build-test
N=45
JOBS=$(nproc)
SEED=1
KEEP=0
EXCLUDE=
while getopts "B:n:j:s:kx:h" o; do
    case "$o" in
        B) BUILD=$OPTARG ;;
        n) N=$OPTARG ;;
        j) JOBS=$OPTARG ;;
        s) SEED=$OPTARG ;;
        k) KEEP=1 ;;
        x) EXCLUDE=$OPTARG ;;
        *) sed -n '3,28p' "$0"; exit 2 ;;
    esac
done
BUILD=$(cd "$BUILD" && pwd)
IA="$BUILD/tools/itl-audit/itl-audit"
[ -x "$IA" ] || { echo "$0: $IA not built" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sbd-corrupt.XXXXXX")
chmod 755 "$W"
mkdir -p "$W/caps" "$W/src" "$W/err"
chmod 755 "$W/caps" "$W/src"
chmod 777 "$W/err"
trap 'rm -rf "$W"' EXIT
FAILDIR="$BUILD/corrupt-failures"

# --- the corrupted captures (editcap keeps pcapng secrets blocks: only
# packet bytes change)
mapfile -t caps < <(find "$SRC/test-captures" \( -name '*.pcap' -o -name '*.pcapng' \) | sort |
                    { if [ -n "$EXCLUDE" ]; then grep -vF -- "$EXCLUDE" || true; else cat; fi; })
keylogs=()
n=0
for cap in "${caps[@]}"; do
    base=${cap%.pcapng}
    base=${base%.pcap}
    key=-
    for k in "$base.keys" "$base.keys-withheld"; do
        [ -f "$k" ] && { key=$k; keylogs+=(--keylog "$k"); break; }
    done
    ext=${cap##*.}
    name=$(basename "$base")
    mkdir -p "$W/caps" "$W/src"
    # editcap 4.0 cannot write a pcapng whose secrets block precedes the
    # interface block: move the secrets into a key log first
    if [ "$ext" = pcapng ] && ! editcap "$cap" "$W/src/probe.pcapng" >/dev/null 2>&1; then
        python3 "$SRC/fuzz/strip-dsb.py" "$cap" "$W/src/$name.pcapng" "$W/src/$name.keys"
        cap="$W/src/$name.pcapng"
        if [ -s "$W/src/$name.keys" ]; then
            chmod 644 "$W/src/$name.keys"
            key="$W/src/$name.keys"
            keylogs+=(--keylog "$key")
        fi
    fi
    for i in $(seq 1 "$N"); do
        p=$(awk -v i="$i" 'BEGIN { printf "%.4f", 0.0005 * 2 ^ (i % 8) }')
        s=$((SEED + i))
        out="$W/caps/$name.$i.$ext"
        editcap -E "$p" --seed "$s" "$cap" "$out" >/dev/null 2>&1 || { echo "$0: editcap failed on $cap" >&2; exit 2; }
        chmod 644 "$out"
        printf '%s %s %s %s %s\n' "$out" "$key" "$cap" "$p" "$s" >>"$W/list"
        n=$((n + 1))
    done
done

# --- tshark, two passes, every tree built
bad() {         # ERRFILE: a sanitizer report or a dissector bug in it?
    grep -qE 'AddressSanitizer|runtime error|Dissector bug|LeakSanitizer|failed assertion' "$1"
}
run_one() {
    local out=$1 key=$2 cap=$3 p=$4 s=$5 rc rc2 opts=() err
    err="$W/err/$(basename "$out").err"
    [ "$key" != - ] && opts=(-o "tls.keylog_file:$key")
    set +e
    timeout -k 10 120 "$SRC/tests/tshark.sh" "$BUILD" -r "$out" "${opts[@]}" -2 -V >/dev/null 2>"$err"
    rc=$?
    set -e
    if [ "$rc" -ge 124 ] || [ "$rc" = 1 ] || bad "$err"; then
        # Wireshark's own dissectors have bugs too: the same failure with
        # this project's protocols switched off is not ours.
        set +e
        timeout -k 10 120 "$SRC/tests/tshark.sh" "$BUILD" -r "$out" "${opts[@]}" -2 -V \
            --disable-protocol ciscotl --disable-protocol tvs --disable-protocol sbd >/dev/null 2>"$err.without"
        rc2=$?
        set -e
        if [ "$rc2" = "$rc" ] && [ "$rc" != 1 ] && bad "$err.without" &&
           [ "$(grep -m1 -E 'failed assertion|ERROR: AddressSanitizer|runtime error' "$err")" = \
             "$(grep -m1 -E 'failed assertion|ERROR: AddressSanitizer|runtime error' "$err.without")" ]; then
            echo "upstream (also without the plugin): editcap -E $p --seed $s $cap:" \
                 "$(grep -m1 -E 'failed assertion|ERROR: AddressSanitizer|runtime error' "$err")" >>"$W/upstream"
            return 0
        fi
        echo "FAIL tshark (exit $rc): editcap -E $p --seed $s $cap" >&2
        head -20 "$err" >&2
        mkdir -p "$FAILDIR" && cp "$out" "$FAILDIR/"
        echo x >>"$W/failures"
    fi
}
export -f run_one bad
export SRC BUILD W FAILDIR
xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _ <"$W/list"

# --- itl-audit over all of them, in one process (as a user would run it
# on a folder).  Without WIRESHARK_ABORT_ON_DISSECTOR_BUG: a dissector bug
# of Wireshark's own (found above) must not stop the batch; the tshark runs
# above would have shown one of ours.
mkdir -p "$W/home"
env HOME="$W/home" XDG_CONFIG_HOME="$W/home/.config" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    timeout -k 10 1800 "$IA" --quiet "${keylogs[@]}" "$W/caps" >/dev/null 2>"$W/ia.err" && rc=0 || rc=$?
if [ "$rc" -gt 2 ] || grep -qE 'AddressSanitizer|runtime error|Dissector bug' "$W/ia.err"; then
    echo "FAIL itl-audit (exit $rc) on the corrupted captures:" >&2
    grep -vE '^itl-audit: .*: (the file|.*damaged|.*corrupt|.*truncated|.*after frame)' "$W/ia.err" | head -20 >&2 || true
    echo x >>"$W/failures"
    # find the input that does it
    while read -r out key cap p s; do
        env HOME="$W/home" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
            timeout -k 10 120 "$IA" --quiet "${keylogs[@]}" "$out" >/dev/null 2>"$W/one.err" && r=0 || r=$?
        if [ "$r" -gt 2 ] || grep -qE 'AddressSanitizer|runtime error|Dissector bug' "$W/one.err"; then
            echo "FAIL itl-audit (exit $r): editcap -E $p --seed $s $cap" >&2
            mkdir -p "$FAILDIR" && cp "$out" "$FAILDIR/"
        fi
    done <"$W/list"
fi
unreadable=$(grep -c '^itl-audit: ' "$W/ia.err" || true)

if [ "$KEEP" = 1 ]; then
    mkdir -p "$BUILD/corrupt-all" && cp "$W"/caps/* "$BUILD/corrupt-all/"
fi
fails=0
[ -f "$W/failures" ] && fails=$(wc -l <"$W/failures")
upstream=0
if [ -f "$W/upstream" ]; then
    upstream=$(wc -l <"$W/upstream")
    cat "$W/upstream" >&2
fi
echo "corrupt.sh: $n corrupted captures (${#caps[@]} captures x $N) read by tshark (-2 -V) and itl-audit" \
     "($unreadable reported as damaged): $fails failures; $upstream failing in Wireshark itself," \
     "without the plugin too"
[ "$fails" -eq 0 ]
