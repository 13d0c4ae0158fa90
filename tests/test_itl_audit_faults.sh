#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# itl-audit faults that test_itl_audit.sh cannot set up as root:
#
#   * an unreadable file (no read permission) among good inputs: itl-audit
#     runs as user nobody (setpriv) when the test runs as root;
#   * a file replaced while it is read: a 200,000-record capture whose file
#     is, in a loop while itl-audit runs, renamed over by another capture,
#     overwritten in place with text, truncated in place, and deleted and
#     written again.  Which of these lands in the middle of the read varies
#     from run to run, so every run is checked for what must always hold:
#     it ends, exit status 0, 1 or 2, no crash / sanitizer report / dissector
#     bug, the JSON parses, the good input next to it is reported whole, and
#     when the replaced file is in error, stderr has one line naming it.
#
# The good input is test-captures/trustlist/tftp-itl-ctl-sgn.pcap: one phone
# (10.x address of the capture, test-captures/README.md) downloading the CTL,
# the ITL and the .sgn; the ITL's MD5 is md5sum's of the served file.
source "$(dirname "$0")/lib.sh"

T="$CAPS/trustlist"
itl_md5=$(digest md5 "$T/ITLSEP001122334455.tlv")

mkdir -p "$WORK/in"
chmod 777 "$WORK/home" "$WORK/in"
envs=("${IA_ENV[@]}")
as_user=()
if [ "$(id -u)" = 0 ]; then
    as_user=("${AS_NOBODY[@]}")
    # A build tree nobody cannot reach (a clone in /root): run a copy.
    if ! "${as_user[@]}" test -x "$IA"; then
        cp "$IA" "$WORK/itl-audit"
        chmod 755 "$WORK/itl-audit"
        IA="$WORK/itl-audit"
    fi
fi

# ia ARGS...: itl-audit (as nobody when root); RC, ERR; JSON in $WORK/out.
ia() {
    set +e
    "${as_user[@]}" env "${envs[@]}" timeout 240 "$IA" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    set -e
    ERR=$(cat "$WORK/err")
    check_no_dissector_bug "$ERR" "itl-audit $*"
}

# good_reported: the good input's entry, "phones ITL-md5s error"
good_reported() {
    python3 - "$WORK/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for i in doc["inputs"]:
    if i["path"].endswith("/good.pcap"):
        md5s = sorted({f["md5"].replace(":", "").lower() for p in i["phones"] for f in p["files"]
                       if f.get("name", "").startswith("ITL")})
        print(len(i["phones"]), " ".join(md5s), i["error"])
PY
}

cp "$T/tftp-itl-ctl-sgn.pcap" "$WORK/in/good.pcap"
chmod 644 "$WORK/in/good.pcap"

# --- no read permission ------------------------------------------------------
cp "$T/http-6970.pcap" "$WORK/in/noperm.pcap"
chmod 000 "$WORK/in/noperm.pcap"
ia --json "$WORK/in/good.pcap" "$WORK/in/noperm.pcap"
assert_eq 2 "$RC" "unreadable file among good ones -> 2"
assert_eq 1 "$(grep -c "^itl-audit: $WORK/in/noperm.pcap: " <<<"$ERR")" "one stderr line names the unreadable file"
assert_contains "$ERR" "ermission denied" "the reason is given"
assert_eq "1 $itl_md5 None" "$(good_reported)" "the good input is reported whole"
rm -f "$WORK/in/noperm.pcap"

# --- a file replaced while it is read ------------------------------------------
python3 - "$T/tftp-variants.pcap" "$WORK/big.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
out.write(d)                                    # its trust traffic first
sec = struct.unpack("<I", d[24:28])[0] + 100
eth = b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00"
payload = b"\x80\x00" + b"\x00" * 58             # RTP-like
udp = struct.pack("!HHHH", 16384, 16386, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                 bytes([10, 9, 9, 9]), bytes([10, 9, 9, 8]))
frame = eth + ip + udp
hdr = struct.pack("<II", len(frame), len(frame))
for i in range(200000):
    out.write(struct.pack("<II", sec + i // 1000, (i % 1000) * 1000) + hdr + frame)
PY
chmod 644 "$WORK/big.pcap"
cp "$T/http-6970.pcap" "$WORK/other.pcap"
cp "$SRC/README.md" "$WORK/text"

V="$WORK/in/victim.pcap"
cp "$WORK/big.pcap" "$V"
chmod 666 "$V"
# The replacing loop: four kinds of change, over and over.
(
    while [ ! -f "$WORK/stop" ]; do
        cp "$WORK/other.pcap" "$V.tmp" && mv -f "$V.tmp" "$V"       # renamed over
        sleep 0.05
        cp "$WORK/big.pcap" "$V" 2>/dev/null || true                 # in place: a capture again
        sleep 0.1
        cat "$WORK/text" >"$V" 2>/dev/null || true                   # in place: text
        sleep 0.05
        cp "$WORK/big.pcap" "$V" 2>/dev/null || true
        sleep 0.1
        truncate -s 1000000 "$V" 2>/dev/null || true                 # in place: cut
        sleep 0.05
        rm -f "$V"; cp "$WORK/big.pcap" "$V" 2>/dev/null || true     # deleted, written again
        sleep 0.1
    done
) &
loop=$!
victim_errors=0
runs=10
for i in $(seq 1 $runs); do
    if [ $((i % 2)) = 0 ]; then j=1; else j=2; fi
    ia --json -j "$j" "$WORK/in/good.pcap" "$V"
    case "$RC" in 0|1|2) pass ;; *) fail "run $i (-j $j): exit status $RC: $(head -3 <<<"$ERR")" ;; esac
    assert_eq "1 $itl_md5 None" "$(good_reported 2>&1)" "run $i (-j $j): the good input is reported whole"
    n=$(grep -c "^itl-audit: " <<<"$ERR" || true)
    [ -n "$ERR" ] && echo "run $i (-j $j): $ERR" >&2
    if [ "$RC" = 2 ]; then
        victim_errors=$((victim_errors + 1))
        assert_eq "1" "$n" "run $i (-j $j): one stderr line for the replaced file"
        assert_contains "$ERR" "itl-audit: $V: " "run $i (-j $j): the line names the replaced file"
    else
        assert_eq "0" "$n" "run $i (-j $j): no error, nothing on stderr"
    fi
done
touch "$WORK/stop"
wait "$loop" || true
echo "$(basename "$0"): the replaced file was in error in $victim_errors of $runs runs" >&2

finish
