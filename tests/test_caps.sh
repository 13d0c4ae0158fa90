#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The per-capture caps (README, "Hardening"): 10,001 phones, each downloading
# one small ITL by TFTP (RRQ, five DATA blocks and their ACKs), all in one
# capture.
#
#   * ciscotl keeps the last trust list of at most 10,000 clients (for
#     checking their .sgn files): the 10,001st client's ITL gets the expert
#     info ciscotl.clients_cap, and only that one;
#   * the trust checks engine tracks at most 10,000 phones: the limit is
#     reported (sbd.capped) on the 10,001st phone's file, and itl-audit's
#     JSON says "capped": true with 10,000 phones listed.
#
# The file is test-captures/trustlist/ITLSEPAABBCCDDEEFF.tlv (2,285 bytes:
# 4 blocks of 512 and one of 237), the smallest committed ITL whose
# signature verifies (test-captures/README.md): a list whose signature fails
# is rejected by the phone, so it is not kept and counts for no cap.
# Phone i is 10.(i >> 8).(i & 255).1 (i = 0..10000, so every address
# differs); the TFTP server is 10.255.255.254.
source "$(dirname "$0")/lib.sh"

IA="$BUILD/tools/itl-audit/itl-audit"
ITL="$CAPS/trustlist/ITLSEPAABBCCDDEEFF.tlv"
assert_eq "2285" "$(stat -c %s "$ITL")" "size of the source ITL (test-captures/README.md)"

python3 - "$ITL" "$WORK/phones.pcap" "$SRC/tests/tools" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[3])
from pcap_variants import ipv4_header
body = open(sys.argv[1], "rb").read()
blocks = [body[k:k + 512] for k in range(0, len(body), 512)]
assert len(blocks) == 5 and len(blocks[-1]) == 237
out = open(sys.argv[2], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def pkt(t, src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = ipv4_header(bytes(src), bytes(dst), 17, len(udp))
    eth = b"\x00\x11\x22\x33\x44\x55" + b"\x00\x66\x77\x88\x99\xaa" + b"\x08\x00"
    frame = eth + ip + udp
    out.write(struct.pack("<IIII", 1700000000 + t // 1000, (t % 1000) * 1000, len(frame), len(frame)))
    out.write(frame)
server = [10, 255, 255, 254]
t = 0
for i in range(10001):
    phone = [10, i >> 8, i & 255, 1]
    pkt(t, phone, 50000, server, 69, b"\x00\x01ITLSEP001122334455.tlv\x00octet\x00"); t += 1
    for k, blk in enumerate(blocks, 1):
        pkt(t, server, 40000, phone, 50000, struct.pack("!HH", 3, k) + blk); t += 1
        pkt(t, phone, 50000, server, 40000, struct.pack("!HH", 4, k)); t += 1
PY

# 11 frames per phone: the RRQ, then DATA k at 2k + 1 and its ACK; the
# 10,001st phone's last DATA block (where the file is whole) is frame
# 11 * 10000 + 10.
bounded "tshark, 10,001 phones" 280 1500 "$SRC/tests/tshark.sh" "$BUILD" -r "$WORK/phones.pcap" \
    -Y 'ciscotl.clients_cap || sbd.capped' -T fields -e frame.number -e ip.dst -e _ws.expert.message
out=$(grep -v '^tshark' "$BOUNDED_OUT" || true)
assert_eq "1" "$(printf '%s\n' "$out" | grep -c .)" "one frame hits the caps"
assert_eq "110010" "$(printf '%s\n' "$out" | cut -f1)" "the caps are hit on the 10,001st phone's file"
assert_eq "10.39.16.1" "$(printf '%s\n' "$out" | cut -f2)" "phone 10,000 (0-based) is 10.39.16.1"
assert_contains "$out" "Trust lists of 10000 clients already kept" "ciscotl: the client cap"
assert_contains "$out" "phones per capture (10000)" "sbd: the phone cap"

mkdir -p "$WORK/home"
env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    timeout 280 "$IA" --json "$WORK/phones.pcap" >"$WORK/ia.json" 2>"$WORK/ia.err" && rc=0 || rc=$?
if [ "$rc" -le 1 ]; then pass; else fail "itl-audit exit status $rc: $(head -3 "$WORK/ia.err")"; fi
assert_eq "True 10000" "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["inputs"][0]
print(d["capped"], len(d["phones"]))' "$WORK/ia.json" 2>&1)" "itl-audit reports the phone limit"

finish
