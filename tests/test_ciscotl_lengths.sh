#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every length field of a trust list at 0, 1, 65535 and past the end of
# what encloses it (header length, header elements, containers and nested
# containers, record length, record elements), and files that test the
# bounds: 300 certificate records, a certificate with 600 name attributes,
# 256 SAST records with 8192-bit RSA exponents, 10,000 records.  Each case
# must be decoded with its expert info and the rest of the tree, never a
# crash, a dissector bug or a sanitizer report; none may verify.  The files
# and what each must show: tests/tools/tl_hostile.py (offsets from walking
# the real sample by formats.md 2-3).
source "$(dirname "$0")/lib.sh"

f="$SAMPLES/ITLFile-usecallmanager-csptech.tlv"
python3 "$SRC/tests/tools/tl_hostile.py" "$f" "$WORK"

# has NAME=VALUE or NAME in the pdml_fields.py line
has() {
    local line=$1 want=$2
    case "$want" in
        *" == "*) [[ $'\t'"$line"$'\t' == *$'\t'"${want%% == *}=${want##* == }"$'\t'* ]] ;;
        *) [[ $'\t'"$line"$'\t' == *$'\t'"$want="* ]] ;;
    esac
}

n=0
while IFS=$'\t' read -r name expect; do
    case "$name" in many_certs|cert_600_attributes|rsa_8192_exponent|many_records) continue ;; esac
    n=$((n + 1))
    rc=0
    ts -r "$WORK/$name.tlv" -T pdml >"$WORK/out.pdml" 2>"$WORK/err" || rc=$?
    assert_eq "0" "$rc" "$name: tshark exit status"
    check_no_dissector_bug "$(cat "$WORK/err")" "$name"
    line=$(python3 "$SRC/tests/tools/pdml_fields.py" "$WORK/out.pdml" ciscotl _ws.malformed | head -1)
    IFS=',' read -r -a wants <<<"$expect"
    for w in "${wants[@]}"; do
        if has "$line" "$w"; then pass; else fail "$name: $w"; fi
    done
    if has "$line" 'ciscotl.signature.status == valid'; then fail "$name: signature valid"; else pass; fi
done <"$WORK/cases.tsv"
echo "$(basename "$0"): $n length cases" >&2
[ "$n" -ge 60 ] && pass || fail "only $n length cases"

# --- bounds
if [ "$SANITIZED" = 1 ]; then SECS=60 MB=1500; else SECS=30 MB=1000; fi

# 300 more certificate records: every one decoded with its X.509 subtree
# (Wireshark's X.509 dissector adds ~15 protocol layers per certificate;
# a frame may have 500)
bounded "300 certificate records" "$SECS" "$MB" "$SRC/tests/tshark.sh" "$BUILD" -r "$WORK/many_certs.tlv" \
    -T fields -E aggregator=' ' -e ciscotl.record_count -e x509af.serialNumber
assert_eq "0" "$BOUNDED_RC" "many_certs: tshark exit status"
read -r count serials <<<"$(cat "$BOUNDED_OUT")"
assert_eq "305" "$count" "many_certs: records"
assert_eq "305" "$(wc -w <<<"$serials")" "many_certs: an X.509 subtree for every certificate"

# a certificate with 600 name attributes: generated fields, no subtree
bounded "certificate with 600 name attributes" "$SECS" "$MB" "$SRC/tests/tshark.sh" "$BUILD" \
    -r "$WORK/cert_600_attributes.tlv" -T fields -e ciscotl.record.cert_serial -e ciscotl.record.cert_subject \
    -Y ciscotl.record.x509_omitted
assert_eq "0" "$BOUNDED_RC" "cert_600_attributes: tshark exit status"
assert_contains "$(cat "$BOUNDED_OUT")" "42	OU=u000;OU=u001;" "cert_600_attributes: serial and subject from the certificate"

# 256 signer records with an 8192-bit exponent each: checking them all
# took minutes; such keys are not used (unsupported algorithm)
bounded "256 SAST records with 8192-bit RSA exponents" "$SECS" "$MB" "$SRC/tests/tshark.sh" "$BUILD" \
    -r "$WORK/rsa_8192_exponent.tlv" -T fields -e ciscotl.record_count -e ciscotl.signature.status
assert_eq "0" "$BOUNDED_RC" "rsa_8192_exponent: tshark exit status"
assert_eq "256	unsupported algorithm" "$(cat "$BOUNDED_OUT")" "rsa_8192_exponent: records and verdict"

# 10,000 records: all shown, 256 kept for the checks (ciscotl.too_many_records)
bounded "10,000 records (full tree)" "$SECS" "$MB" "$SRC/tests/tshark.sh" "$BUILD" -r "$WORK/many_records.tlv" \
    -V -Y 'ciscotl.too_many_records && ciscotl.record_count == 10000'
assert_eq "0" "$BOUNDED_RC" "many_records: tshark exit status"
assert_contains "$(cat "$BOUNDED_OUT")" "More than 256 records: later ones are shown but not used for signature checks" \
    "many_records: the 256-record limit is reported"

finish
