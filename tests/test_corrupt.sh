#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The editcap corruption loop (fuzz/corrupt.sh), short: every capture of
# test-captures/ corrupted SBD_CORRUPT_RUNS times (default 2) with
# `editcap -E` and read by tshark with this build's plugin (two passes,
# full trees, key logs) and by this build's itl-audit: no crash, no
# sanitizer report, no dissector bug, no timeout.  The long run (thousands
# of corrupted captures) is the same script with a larger -n; README,
# "Hardening".
source "$(dirname "$0")/lib.sh"

runs=${SBD_CORRUPT_RUNS:-2}
seed=${SBD_CORRUPT_SEED:-2445}
set +e
# Not test-captures/xcheck/ (read by test_xcheck.sh; the long run has them).
out=$("$SRC/fuzz/corrupt.sh" -B "$BUILD" -n "$runs" -j 1 -s "$seed" -x /xcheck/ 2>&1)
rc=$?
set -e
echo "$out" | tail -30 >&2
assert_eq "0" "$rc" "corrupt.sh exit status"
assert_contains "$out" " read by tshark (-2 -V) and itl-audit" "corrupt.sh summary"
assert_contains "$out" ": 0 failures" "no failures"
n=$(find "$CAPS" \( -name '*.pcap' -o -name '*.pcapng' \) -not -path '*/xcheck/*' | wc -l)
assert_contains "$out" "$((n * runs)) corrupted captures" "every capture corrupted $runs times"

finish
