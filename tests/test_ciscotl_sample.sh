#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real ITL in shared/samples, opened directly (Lua reader + wtap_file
# heuristic).  Expected values: md5sum/sha1sum/sha256sum, openssl on the
# certificates and on the signature (cut out by tests/tools/tl_split.py, an
# independent walk of the file), and the decode in formats.md 3.7.
source "$(dirname "$0")/lib.sh"

f="$SAMPLES/ITLFile-usecallmanager-csptech.tlv"
python3 "$SRC/tests/tools/tl_split.py" "$f" "$WORK/s"

# Independent signature check with openssl (formats.md 2.3)
openssl x509 -inform der -in "$WORK/s/cert-1.der" -pubkey -noout > "$WORK/pub.pem"
assert_eq "Verified OK" "$(openssl dgst -sha1 -verify "$WORK/pub.pem" -signature "$WORK/s/sig.bin" "$WORK/s/signed.bin")" "openssl verifies the sample"

out=$(ts -r "$f" -T fields -E separator='|' \
    -e ciscotl.filename -e ciscotl.signature.status -e ciscotl.record.role \
    -e ciscotl.file.md5 -e ciscotl.file.sha1 -e ciscotl.file.sha256 -e ciscotl.file.size \
    -e ciscotl.file_type -e ciscotl.record_count -e ciscotl.version -e ciscotl.header_length \
    -e ciscotl.signer.serial -e ciscotl.hash_algorithm -e ciscotl.signer_version \
    -e ciscotl.timestamp 2>&1)
IFS='|' read -r name status roles md5 sha1 sha256 size type count ver hl sserial hash sver ts <<<"$out"
assert_eq "ITLFile.tlv" "$name" "filename"
assert_eq "valid" "$status" "signature status"
assert_eq "0,1,1,7,7" "$roles" "roles (formats.md 3.7: SAST, 2 x CCM, 2 x APP-SERVER)"
assert_eq "$(digest md5 "$f")" "$md5" "file MD5"
assert_eq "dbf86422cbab7859f3b850c2375814f7" "$md5" "file MD5 (shared/README.md)"
assert_eq "$(digest sha1 "$f")" "$sha1" "file SHA-1"
assert_eq "$(digest sha256 "$f")" "$sha256" "file SHA-256"
assert_eq "$(stat -c %s "$f")" "$size" "file size"
assert_eq "ITL" "$type" "file type"
assert_eq "5" "$count" "record count"
assert_eq "1.2" "$ver" "header version"
assert_eq "388" "$hl" "header length"
assert_eq "$(cat "$WORK/s/signer_serial")" "$sserial" "signer serial"
assert_eq "6ba5de3a260b069337c75b38be3c2d74" "$sserial" "signer serial (formats.md 3.7)"
assert_eq "1" "$hash" "hash algorithm SHA-1"
assert_eq "1.0" "$sver" "signer version tag 28"
assert_eq "1767115542" "$(abs_times <<<"$ts")" "timestamp 1767115542"

# Every record certificate: serial and fingerprints from openssl
exp_serial=""; exp_sha1=""; exp_sha256=""
for i in 1 2 3 4 5; do
    c="$WORK/s/cert-$i.der"
    exp_serial+="${exp_serial:+,}$(cert_serial "$c" der)"
    exp_sha1+="${exp_sha1:+,}$(cert_fp sha1 "$c" der)"
    exp_sha256+="${exp_sha256:+,}$(cert_fp sha256 "$c" der)"
done
out=$(ts -r "$f" -T fields -E separator='|' -e ciscotl.record.serial -e ciscotl.record.cert_sha1 \
      -e ciscotl.record.cert_sha256 -e ciscotl.record.cert_match.serial \
      -e ciscotl.record.cert_match.subject -e ciscotl.record.cert_match.issuer \
      -e ciscotl.record.cert_match.public_key | bools)
IFS='|' read -r serials sha1s sha256s m_ser m_sub m_iss m_key <<<"$out"
assert_eq "$exp_serial" "$serials" "record serials = openssl serials (sign byte dropped, formats.md 1)"
assert_eq "$exp_sha1" "$sha1s" "record certificate SHA-1"
assert_eq "$exp_sha256" "$sha256s" "record certificate SHA-256"
for m in "$m_ser" "$m_sub" "$m_iss" "$m_key"; do
    assert_eq "1,1,1,1,1" "$m" "record agrees with its certificate"
done

# Info column and tree
out=$(ts -r "$f")
assert_contains "$out" "ITL ITLFile.tlv, 5 records, signer CN=SAST, signature valid" "Info column"
out=$(ts -r "$f" -V 2>&1)
check_no_dissector_bug "$out" "sample -V"
assert_not_contains "$out" "Malformed" "sample -V"
assert_contains "$out" "Record 3: CCM, CN=ccm02.csptech.org" "record summary line"
assert_contains "$out" "(record omits the DER sign byte 00)" "sign-byte note on record 3"
out=$(ts -r "$f" -Y 'x509af.serialNumber == 00:81:a3:95:1a:5c:4c:1c:9b:7e:b4:b4:f0:0b:8d:6e:38' -T fields -e frame.number)
assert_eq "1" "$out" "x509af fields of record certificates are filterable"

# One flipped byte inside a certificate: openssl and the plugin both say invalid
python3 - "$f" "$WORK/flip.tlv" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[0x500] ^= 0x01
open(sys.argv[2], "wb").write(d)
PY
python3 "$SRC/tests/tools/tl_split.py" "$WORK/flip.tlv" "$WORK/f"
if openssl dgst -sha1 -verify "$WORK/pub.pem" -signature "$WORK/f/sig.bin" "$WORK/f/signed.bin" >/dev/null 2>&1; then
    fail "openssl should reject the flipped file"
else
    pass
fi
assert_eq "invalid" "$(ts -r "$WORK/flip.tlv" -T fields -e ciscotl.signature.status)" "flipped byte: invalid"

finish
