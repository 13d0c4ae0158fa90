#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Malformed trust lists: every case gets expert info and the rest of the
# tree, never a crash, a dissector bug or a sanitizer report.  The files are
# the real sample with one known defect put in at an offset taken from the
# decode in formats.md 3.7 (header 0x000-0x183, record 1 at 0x184 with its
# subject at 0x189 and certificate value at 0x3ec, 868 bytes).
source "$(dirname "$0")/lib.sh"

f="$SAMPLES/ITLFile-usecallmanager-csptech.tlv"

python3 - "$f" "$WORK" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
d = open(src, "rb").read()

def put(name, data):
    open("%s/%s.tlv" % (out, name), "wb").write(bytes(data))

def patch(off, new):
    b = bytearray(d)
    b[off:off + len(new)] = new
    return b

put("hl_past_end", patch(8, b"\xff\xff"))                 # header length 65535
put("hl_not_mult4", patch(8, b"\x01\x85"))                # 389
put("hl_zero", patch(8, b"\x00\x00"))
put("unknown_header_tag", patch(0x0a, b"\x3f"))           # tag 28 -> 63
put("unknown_record_tag", patch(0x189, b"\x30"))          # subject tag 3 -> 48
put("record_len_big", patch(0x187, struct.pack(">H", 1600)))
put("record_len_small", patch(0x187, struct.pack(">H", 1000)))
put("record_len_zero", patch(0x187, b"\x00\x00"))
put("container_overrun", patch(0x10, b"\x10\x00"))       # signer info 4096
put("header_serial", patch(0x49, b"\x00"))               # signer serial changed
put("cert_not_der", patch(0x3ec, b"\x04" * 868))
put("elem_past_end", d[:0x3f0])                          # cut inside record 1's certificate
b = bytearray(d)
b += d[0x184:0x184 + 1484]                               # a second SAST, same serial
put("two_sast", b)
for n in (10, 11, 40, 100, 387, 388, 389, 500, 5000, 10369):
    put("trunc_%d" % n, d[:n])
# 10,000 blank records after the sample's header
rec = b"\x01\x00\x02\x00\x21" + b"\x02\x00\x0d" + b"10.48.47.153\x00" + b"\x04\x00\x02\x00\x02" + b"\x0a\x00\x04\x0a\x30\x2f\x99"
assert len(rec) == 33
put("many_records", d[:388] + rec * 10000)
# a 65,535-byte file name without NUL
hdr = b"\x01\x00\x02\x01\x02" + b"\x02\x00\x02\x00\x00" + b"\x0e\xff\xff" + b"A" * 65535
put("long_string", hdr)
PY

# run FILE FILTER... : for each filter, the file must match it
expect() {
    local file=$1; shift
    local out
    out=$(ts -r "$WORK/$file.tlv" -V 2>&1) || { fail "$file: tshark exit $?"; return; }
    check_no_dissector_bug "$out" "$file"
    assert_contains "$out" "Cisco Trust List" "$file: still decoded"
    for flt in "$@"; do
        assert_eq "1" "$(ts -r "$WORK/$file.tlv" -Y "$flt" -T fields -e frame.number 2>&1)" "$file: $flt"
    done
}

expect hl_past_end 'ciscotl.header_length.bad' 'ciscotl.record_count == 5' 'ciscotl.signature.status == "invalid"'
expect hl_not_mult4 'ciscotl.header_length.not_aligned' 'ciscotl.header_length.mismatch'
expect hl_zero 'ciscotl.header_length.bad'
expect unknown_header_tag 'ciscotl.unknown_tag' 'ciscotl.record_count == 5' 'ciscotl.signature.status == "invalid"'
expect unknown_record_tag 'ciscotl.unknown_tag' 'ciscotl.missing_element' 'ciscotl.record_count == 5'
expect record_len_big 'ciscotl.record.length.mismatch'
expect record_len_small 'ciscotl.record.length.mismatch'
expect record_len_zero 'ciscotl.record.length.mismatch'
expect container_overrun 'ciscotl.container.overrun'
expect header_serial 'ciscotl.signature.status == "signer not in file"' 'ciscotl.signature.signer_unknown'
expect cert_not_der 'ciscotl.record.bad_certificate' 'ciscotl.record_count == 5'
expect elem_past_end 'ciscotl.record.length.mismatch || ciscotl.len_past_end'
expect two_sast 'ciscotl.signature.duplicate_signer' 'ciscotl.record_count == 6'
expect many_records 'ciscotl.record_count == 10000' 'ciscotl.record.blank' 'ciscotl.too_many_records'
expect long_string 'ciscotl.string.no_nul' 'ciscotl.len_past_end || ciscotl.header_length.bad'
for n in 11 40 100 387 388 389 500 5000 10369; do
    expect "trunc_$n" 'ciscotl'
done
# 10 bytes: only Version and Header Length; still ours, with the missing
# elements reported.
expect trunc_10 'ciscotl.missing_element'

finish
