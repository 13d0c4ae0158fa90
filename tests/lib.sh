# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the shell tests.  Each test script is run by ctest as
#   bash tests/test_X.sh BUILD_DIR SOURCE_DIR
# and sources this file.  Expected values must come from an independent
# source (openssl, md5sum, formats.md hand decodes), never from the plugin.
set -euo pipefail

BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
CAPS="$SRC/test-captures"
# The real samples: ../shared/samples next to the checkout, else the copy
# committed in test-captures/samples (the same bytes).
SAMPLES="$SRC/../shared/samples"
[ -d "$SAMPLES" ] || SAMPLES="$CAPS/samples"
FAILS=0
CHECKS=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sbd-test.XXXXXX")
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

# Run as root, the tests run tshark (tests/tshark.sh) and some itl-audit runs
# as user nobody.  In a checkout nobody cannot read (a clone in /root, mode
# 700), what they read is copied into $WORK first: the captures and the
# staged plugins (SBD_STAGE, read by tests/tshark.sh).
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if [ "$(id -u)" = 0 ]; then
    if ! "${AS_NOBODY[@]}" test -r "$WORK"; then
        echo "$(basename "$0"): user nobody cannot read $WORK: set TMPDIR to a directory it can read" >&2
        exit 1
    fi
    if ! "${AS_NOBODY[@]}" test -r "$CAPS/README.md"; then
        cp -a "$CAPS" "$WORK/test-captures"
        CAPS="$WORK/test-captures"
        cp -a "$BUILD/stage" "$WORK/stage"
        chmod -R a+rX "$WORK/test-captures" "$WORK/stage"
        export SBD_STAGE="$WORK/stage/plugins"
    fi
    if ! "${AS_NOBODY[@]}" test -r "$SAMPLES"; then
        SAMPLES="$CAPS/samples"
    fi
fi

# tshark with the plugin of this build tree
ts() { "$SRC/tests/tshark.sh" "$BUILD" "$@"; }

# bools: `tshark -T fields` prints a boolean as 1/0 (Wireshark 4.0) or
# True/False (4.4 and later); filter its output through this to get 1/0.
bools() { sed -E 's/(^|[^[:alnum:]_])True([^[:alnum:]_]|$)/\11\2/g; s/(^|[^[:alnum:]_])False([^[:alnum:]_]|$)/\10\2/g' |
          sed -E 's/(^|[^[:alnum:]_])True([^[:alnum:]_]|$)/\11\2/g; s/(^|[^[:alnum:]_])False([^[:alnum:]_]|$)/\10\2/g'; }

# abs_times: absolute times as `tshark -T fields` prints them, one or a
# comma-separated list, to seconds since the epoch (whole seconds): tshark
# prints "Nov 18, 2046 18:44:14.000000000 UTC" up to 4.4 and ISO 8601
# ("2046-11-18T18:44:14.000000000Z") from 4.6 on.
abs_times() {
    python3 -c 'import calendar, re, sys
months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
old = r"(\w{3}) +(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)\.0+ UTC"
iso = r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.0+Z"
text = sys.stdin.read().strip()
if re.fullmatch("(%s)(,%s)*" % (old, old), text):
    t = [(int(m[3]), months.index(m[1]) + 1, int(m[2]), int(m[4]), int(m[5]), int(m[6]))
         for m in re.finditer(old, text)]
elif re.fullmatch("(%s)(,%s)*" % (iso, iso), text):
    t = [tuple(int(x) for x in m.groups()) for m in re.finditer(iso, text)]
else:
    print("unreadable: " + text)
    sys.exit(0)
print(",".join(str(calendar.timegm(x + (0, 0, 0))) for x in t))'
}

pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*" >&2; }

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
    if [ "$1" == "$2" ]; then pass; else fail "$3: expected [$1], got [$2]"; fi
}
# assert_contains HAYSTACK NEEDLE WHAT
assert_contains() {
    if [[ "$1" == *"$2"* ]]; then pass; else fail "$3: [$2] not found in output"; fi
}
assert_not_contains() {
    if [[ "$1" != *"$2"* ]]; then pass; else fail "$3: [$2] unexpectedly found"; fi
}

# Lower-case colon-less hex of a file's digest: md5/sha1/sha256
digest() { "${1}sum" "$2" | cut -d' ' -f1; }

# Serial of a PEM/DER certificate as lower-case hex, from openssl.
cert_serial() {
    openssl x509 -in "$1" ${2:+-inform "$2"} -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f'
}
# SHA-1 / SHA-256 fingerprint of a certificate, lower-case, no colons.
cert_fp() {
    openssl x509 -in "$2" ${3:+-inform "$3"} -noout -fingerprint "-$1" | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# tshark must never report a dissector bug or crash.
check_no_dissector_bug() {
    local out=$1 what=$2
    assert_not_contains "$out" "Dissector bug" "$what"
    assert_not_contains "$out" "AddressSanitizer" "$what"
    assert_not_contains "$out" "runtime error" "$what"
}

# Built with the sanitizers (tests/tshark.sh then preloads ASan)?
SANITIZED=0
[ -f "$BUILD/sanitize.env" ] && SANITIZED=1

# bounded WHAT SECONDS MEGABYTES CMD...: run CMD under `timeout SECONDS` and
# `ulimit -v` MEGABYTES and assert both bounds: not killed for time, and a
# peak RSS (measured) of at most MEGABYTES.  `ulimit -v` is left out in a
# sanitizer build (ASan reserves terabytes of address space); the measured
# RSS is asserted there too.  Output (stdout and stderr) in $BOUNDED_OUT,
# checked for sanitizer reports and dissector bugs; CMD's exit status in
# $BOUNDED_RC.
BOUNDED_OUT="$WORK/bounded.out"
bounded() {
    local what=$1 secs=$2 mb=$3 res rc t rss
    shift 3
    res=$(python3 "$SRC/tests/tools/measure.py" "$BOUNDED_OUT" bash -c \
        'if [ "$1" = 0 ]; then ulimit -v "$2"; fi; shift 2; exec timeout -k 10 "$@"' \
        bounded "$SANITIZED" "$((mb * 1024))" "$secs" "$@")
    read -r rc t rss <<<"$res"
    BOUNDED_RC=$rc
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        fail "$what: not finished within $secs s"
    else
        pass
    fi
    if [ "$rss" -le "$mb" ]; then pass; else fail "$what: peak RSS $rss MB > $mb MB"; fi
    echo "$(basename "$0"): $what: exit $rc, $t s, peak RSS $rss MB (limits $secs s, $mb MB)" >&2
    check_no_dissector_bug "$(grep -E 'Dissector bug|AddressSanitizer|runtime error' "$BOUNDED_OUT" | head -5 || true)" "$what"
}

# IA_ENV: the environment itl-audit runs with in the tests (as `env "${IA_ENV[@]}" ...`): a
# throw-away HOME (no personal preferences), C locale, UTC, abort on dissector bugs, and in a
# sanitizer build the sanitizer options with one malloc block per wmem allocation.
IA="$BUILD/tools/itl-audit/itl-audit"
mkdir -p "$WORK/home"
IA_ENV=(HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" LC_ALL=C.UTF-8 TZ=UTC
        WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)
if [ -f "$BUILD/sanitize.env" ]; then
    # shellcheck disable=SC1091
    . "$BUILD/sanitize.env"
    IA_ENV+=(ASAN_OPTIONS="$SBD_ASAN_OPTIONS" UBSAN_OPTIONS="$SBD_UBSAN_OPTIONS"
             WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc)
fi

# ia ARGS...: run itl-audit with IA_ENV; sets RC, OUT (stdout) and ERR
# (stderr); stdout is also in $WORK/out.  (Tests that need another
# environment or output file define their own.)
# From Wireshark 4.4 on, libwireshark runs no Lua script in a process
# started as root, so not the log reader: itl-audit run as root then refuses
# TVS traces and console logs with a clear message (tools/itl-audit/logs.c).
LOGS_REFUSED=0
if [ "$(id -u)" = 0 ]; then
    ws_ver=$(pkg-config --modversion wireshark 2>/dev/null || echo 0.0)
    ws_maj=${ws_ver%%.*}; ws_min=${ws_ver#*.}; ws_min=${ws_min%%.*}
    if [ "$ws_maj" -gt 4 ] || { [ "$ws_maj" = 4 ] && [ "$ws_min" -ge 4 ]; }; then LOGS_REFUSED=1; fi
fi
# The refusal: exit 2 and the message (after an `ia` run on one log).
assert_log_refused() {
    assert_eq 2 "$RC" "$1: itl-audit as root on Wireshark >= 4.4 refuses the log"
    assert_contains "$OUT$ERR" "run itl-audit as an ordinary user" "$1: the refusal says why"
}

ia() {
    set +e
    env "${IA_ENV[@]}" timeout 240 "$IA" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    set -e
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    check_no_dissector_bug "$ERR" "itl-audit $*"
}

finish() {
    echo "$(basename "$0"): $((CHECKS - FAILS)) checks passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
