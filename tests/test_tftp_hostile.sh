#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TFTP transfers with missing or duplicated blocks, made from the real
# transfer test-captures/trustlist/tftp-itl-ctl-sgn.pcap (CTLSEP…tlv in
# DATA blocks 1-19 = records 2, 4, …, 38; then ITLSEP…tlv and the .sgn; see
# test-captures/README.md) by dropping or repeating one DATA record:
#
#   drop5      block 5 of the CTL missing      -> the CTL is not reassembled,
#                                                 so not decoded (README,
#                                                 Limits); the other files are
#   droplast   the CTL's last block missing    -> same
#   dup5       block 5 sent again after its ACK -> the CTL decoded once, whole
#   duplast    the last block sent again       -> same
#   conflict5  block 5 sent again with other bytes -> the first copy is
#                                                 kept: the CTL as served
#
# The MD5s are md5sum's of the served files.  tshark (one and two passes)
# and itl-audit must read every variant without a crash, a dissector bug or
# a sanitizer report.
#
# A limit of the trust checks (README, Limits: 512 files per phone): the
# ITL transfer repeated 513 times by one phone (new ports each time) - the
# 513th file is where tshark reports sbd.capped, and itl-audit's JSON says
# "capped": true.
source "$(dirname "$0")/lib.sh"

T="$CAPS/trustlist"
CAP="$T/tftp-itl-ctl-sgn.pcap"
IA="$BUILD/tools/itl-audit/itl-audit"

python3 - "$CAP" "$WORK" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
d = open(src, "rb").read()
hdr, recs, o = d[:24], [], 24
while o + 16 <= len(d):
    incl = struct.unpack("<I", d[o + 8:o + 12])[0]
    recs.append(d[o:o + 16 + incl])
    o += 16 + incl
assert len(recs) == 81
def write(name, r):
    open("%s/%s.pcap" % (out, name), "wb").write(hdr + b"".join(r))
r = list(recs); del r[9]; write("drop5", r)                 # record 10 = DATA block 5
r = list(recs); del r[37]; write("droplast", r)             # record 38 = DATA block 19
r = list(recs); r.insert(11, recs[9]); write("dup5", r)     # after ACK 5
r = list(recs); r.insert(39, recs[37]); write("duplast", r)
bad = bytearray(recs[9]); bad[-100:] = b"\xee" * 100
r = list(recs); r.insert(11, bytes(bad)); write("conflict5", r)

# records 40-70: RRQ ITLSEP001122334455.tlv, then 15 DATA/ACK pairs;
# Ethernet + IPv4 (20 bytes) + UDP: ports at 16+14+20
itl = recs[39:70]
client, server = struct.unpack("!H", itl[0][50:52])[0], struct.unpack("!H", itl[1][50:52])[0]
out_recs = []
for i in range(513):
    for r in itl:
        b = bytearray(r)
        for o in (50, 52):
            port = struct.unpack("!H", b[o:o + 2])[0]
            port = 10000 + i if port == client else 30000 + i if port == server else port
            b[o:o + 2] = struct.pack("!H", port)
        b[56:58] = b"\0\0"                     # UDP checksum: none
        sec = struct.unpack("<I", b[0:4])[0] + i
        b[0:4] = struct.pack("<I", sec)
        out_recs.append(bytes(b))
write("itl513", out_recs)
PY

ctl=$(digest md5 "$T/CTLSEP001122334455.tlv")
itl=$(digest md5 "$T/ITLSEP001122334455.tlv")
sgn=$(digest md5 "$T/SEP001122334455.cnf.xml.sgn")

# files CAPTURE: "name md5" of every decoded file, in frame order
files() {
    ts -r "$WORK/$1.pcap" -Y ciscotl -T fields -E separator=' ' -e ciscotl.file.name -e ciscotl.file.md5 2>&1 |
        tr -d ':'
}

for v in drop5 droplast dup5 duplast conflict5; do
    for pass in "" -2; do
        out=$(ts -r "$WORK/$v.pcap" $pass -V 2>&1)
        check_no_dissector_bug "$out" "$v $pass"
        assert_contains "$out" "Cisco Trust List" "$v $pass: trust lists decoded"
    done
done

assert_eq "ITLSEP001122334455.tlv $itl
SEP001122334455.cnf.xml.sgn $sgn" "$(files drop5)" "drop5: CTL not reassembled, the others decoded"
assert_eq "ITLSEP001122334455.tlv $itl
SEP001122334455.cnf.xml.sgn $sgn" "$(files droplast)" "droplast: CTL not reassembled, the others decoded"
assert_eq "CTLSEP001122334455.tlv $ctl
ITLSEP001122334455.tlv $itl
SEP001122334455.cnf.xml.sgn $sgn" "$(files dup5)" "dup5: every file once, whole"
assert_eq "CTLSEP001122334455.tlv $ctl
ITLSEP001122334455.tlv $itl
SEP001122334455.cnf.xml.sgn $sgn" "$(files duplast)" "duplast: every file once, whole"
assert_eq "CTLSEP001122334455.tlv $ctl
ITLSEP001122334455.tlv $itl
SEP001122334455.cnf.xml.sgn $sgn" "$(files conflict5)" "conflict5: the first copy of block 5 kept"
# with the CTL missing, the ITL is the phone's first list
assert_eq "first file" "$(ts -r "$WORK/drop5.pcap" -Y 'ciscotl.file_type == "ITL"' -T fields -e sbd.signer_trusted)" \
    "drop5: ITL is the first list the phone got"

# 513 downloads by one phone: the engine keeps 512 files per phone
# (31 records per transfer; the file is complete at its last DATA record,
# the 30th)
assert_eq "513" "$(ts -r "$WORK/itl513.pcap" -Y ciscotl -T fields -e frame.number | wc -l)" \
    "itl513: every transfer decoded"
assert_eq "$((512 * 31 + 30))" "$(ts -r "$WORK/itl513.pcap" -Y sbd.capped -T fields -e frame.number)" \
    "itl513: the limit reported on the 513th file"
assert_contains "$(ts -r "$WORK/itl513.pcap" -Y sbd.capped -V)" "Limit reached here: files per phone (512)" \
    "itl513: which limit"
mkdir -p "$WORK/home"
env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    timeout 120 "$IA" --json "$WORK/itl513.pcap" >"$WORK/ia513.json" 2>"$WORK/ia513.err" && rc=0 || rc=$?
if [ "$rc" -le 1 ]; then pass; else fail "itl513: itl-audit exit status $rc"; fi
assert_eq "True 512" "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["inputs"][0]
print(d["capped"], len(d["phones"][0]["files"]))' "$WORK/ia513.json" 2>&1)" "itl513: itl-audit reports the limit"

# itl-audit reads the variants (exit 0: no findings, or 1: findings; never 2)
env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    timeout 120 "$IA" "$WORK"/{drop5,droplast,dup5,duplast,conflict5}.pcap >"$WORK/ia.out" 2>"$WORK/ia.err" && rc=0 || rc=$?
if [ "$rc" -le 1 ]; then pass; else fail "itl-audit: exit status $rc"; fi
check_no_dissector_bug "$(cat "$WORK/ia.err")" "itl-audit"
assert_eq "5" "$(grep -c "MD5 $itl" "$WORK/ia.out")" "itl-audit: the ITL in every variant"
assert_eq "3" "$(grep -c "MD5 $ctl" "$WORK/ia.out")" "itl-audit: the whole CTL only where it was reassembled"

finish
