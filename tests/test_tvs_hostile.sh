#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile TVS streams (plaintext TCP decoded with Decode As, as the fuzz part
# of test_tvs.sh): every length field at 0, 1, its maximum and past the end
# (header body length and element lengths), a body length of 65,535 with 3
# bytes present, maximum-size elements split over many segments, and a
# stream of 100,000 tiny messages (distinct ids, and all with one id).
# Each case must get its expert info and the rest of its tree, never a
# crash, a dissector bug or a sanitizer report, in bounded time and memory.
# The bytes and what each case must show: tests/tools/tvs_hostile.py.
source "$(dirname "$0")/lib.sh"

H="$SRC/tests/tools/tvs_hostile.py"
python3 "$H" make "$WORK"
DA=(-d tcp.port==2445,tvs)

# --- one connection per case; two passes; with and without reassembly
for mode in deseg nodeseg; do
    opts=()
    [ "$mode" = nodeseg ] && opts=(-o tvs.desegment:FALSE)
    out=$(ts -r "$WORK/cases.pcap" "${DA[@]}" "${opts[@]}" -2 -T pdml 2>"$WORK/$mode.err" >"$WORK/$mode.pdml"; echo $?)
    assert_eq "0" "$out" "cases ($mode): tshark exit status"
    check_no_dissector_bug "$(cat "$WORK/$mode.err")" "cases ($mode)"
    python3 "$SRC/tests/tools/pdml_fields.py" "$WORK/$mode.pdml" tcp.srcport tcp.dstport tvs _ws.malformed \
        >"$WORK/$mode.txt"
done
while IFS= read -r line; do
    case "$line" in
        PASS:*) pass ;;
        FAIL:*) fail "${line#FAIL: }" ;;
    esac
done < <(python3 "$H" check "$WORK/deseg.txt" "$WORK/nodeseg.txt")

# --- 100,000 tiny messages: time and memory stay bounded, every message is
# decoded, and the limits say so where they are hit: request/response
# tracking (4096 requests per connection) and the checks engine (512 TVS
# exchanges per phone).
if [ "$SANITIZED" = 1 ]; then SECS=60 MB=1500; else SECS=30 MB=1000; fi
bounded "100,000 messages (two passes, full trees)" "$SECS" "$MB" \
    "$SRC/tests/tshark.sh" "$BUILD" -r "$WORK/flood.pcap" "${DA[@]}" -2 -V -Y 'sbd.capped'
assert_eq "0" "$BOUNDED_RC" "flood: tshark exit status"
assert_contains "$(cat "$BOUNDED_OUT")" "Limit reached here: TVS exchanges per phone (512)" \
    "flood: the checks engine's limit is reported"
n=$(ts -r "$WORK/flood.pcap" "${DA[@]}" -Y tvs -T fields -E aggregator=' ' -e tvs.request_id | wc -w)
assert_eq "100000" "$n" "flood: every message decoded"
# requests 0..4095 are linked, 4096.. are not: 140 messages per segment, so
# the first untracked request is in the 30th segment (frame 30)
first=$(ts -r "$WORK/flood.pcap" "${DA[@]}" -Y tvs.tracking.capped -T fields -e frame.number | head -1)
assert_eq "30" "$first" "flood: tracking limit from request 4097 on"
assert_eq "1" "$(ts -r "$WORK/flood.pcap" "${DA[@]}" -Y sbd.capped -T fields -e frame.number | wc -l)" \
    "flood: one frame carries the engine's limit"
# the Info column of a frame with 140 messages stays within the column size
info=$(ts -r "$WORK/flood.pcap" "${DA[@]}" -Y 'frame.number == 2' -T fields -e _ws.col.Info --disable-protocol sbd)
assert_contains "$info" "Verify Request | Verify Request" "flood: Info column lists the messages"

bounded "100,000 requests with one id (two passes)" "$SECS" "$MB" \
    "$SRC/tests/tshark.sh" "$BUILD" -r "$WORK/flood-same-id.pcap" "${DA[@]}" -2 -Y 'tvs.no_response' \
    -T fields -e frame.number
assert_eq "0" "$BOUNDED_RC" "flood, one id: tshark exit status"
# the first 4096 requests are tracked (never answered: tvs.no_response from
# the first frame on); the rest are not tracked
assert_eq "1" "$(head -1 "$BOUNDED_OUT")" "flood, one id: unanswered requests reported"

finish
