#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Trust lists and signed files made by tools/mktl, as files and inside real
# TFTP (tftpd-hpa + tftp-hpa/curl) and HTTP captures.  Expected values: how
# each file was built (test-captures/README.md, tables "Facts from how each
# file was built" and "Captures"), md5sum/sha1sum, and openssl on the
# certificates in test-captures/trustlist/certs and on the signatures.
source "$(dirname "$0")/lib.sh"

T="$CAPS/trustlist"
C="$T/certs"

fields() { ts "$@" -T fields -E separator='|'; }

# --- the files, opened directly ----------------------------------------
# file | type | records | roles | hash code | header length | version | signer version | verdict
while IFS='|' read -r file type count roles hash hl ver sver verdict; do
    [ -n "$file" ] || continue
    out=$(fields -r "$T/$file" -e ciscotl.file_type -e ciscotl.record_count -e ciscotl.record.role \
          -e ciscotl.hash_algorithm -e ciscotl.header_length -e ciscotl.version \
          -e ciscotl.signer_version -e ciscotl.signature.status -e ciscotl.file.md5 \
          -e ciscotl.file.sha1 -e ciscotl.file.size)
    IFS='|' read -r g_type g_count g_roles g_hash g_hl g_ver g_sver g_verdict g_md5 g_sha1 g_size <<<"$out"
    assert_eq "$type" "$g_type" "$file type"
    assert_eq "$count" "$g_count" "$file record count"
    assert_eq "$roles" "$g_roles" "$file roles"
    assert_eq "$hash" "$g_hash" "$file hash code"
    assert_eq "$hl" "$g_hl" "$file header length"
    assert_eq "$ver" "$g_ver" "$file version"
    assert_eq "$sver" "$g_sver" "$file signer version"
    assert_eq "$verdict" "$g_verdict" "$file signature"
    assert_eq "$(digest md5 "$T/$file")" "$g_md5" "$file MD5"
    assert_eq "$(digest sha1 "$T/$file")" "$g_sha1" "$file SHA-1"
    assert_eq "$(stat -c %s "$T/$file")" "$g_size" "$file size"
    check_no_dissector_bug "$(ts -r "$T/$file" -V 2>&1)" "$file -V"
done <<'EOF_TABLE'
ITLSEP001122334455.tlv|ITL|4|0,2,21,4|1|492|1.2||valid
ITLFile.tlv|ITL|5|0,1,3,21,7|3|496|1.2|1.0|valid
CTLSEP001122334455.tlv|CTL|6|0,0,2,4,3,7|1|492|1.2||valid
ITLSEPAABBCCDDEEFF.tlv|ITL|3|0,3,21|1|492|1.2||valid
ITL-sha512-legacy.tlv|ITL|2|0,3|4|496|1.2|1.1|valid
ITL-sha256.tlv|ITL|2|0,3|2|340|1.2||valid
ITLSEP001122334455-badsig.tlv|ITL|4|0,2,21,4|1|492|1.2||invalid
ITLSEP001122334455-corrupt.tlv|ITL|4|0,2,21,4|1|492|1.2||invalid
ITL-unknown-signer.tlv|ITL|4|0,2,21,4|1|504|1.2||signer not in file
SEP001122334455.cnf.xml.sgn|SGN|||1|484|1.0||unverifiable: no trust list seen
SEP001122334455.cnf.xml.enc.sgn|ENC-SGN|||1|824|2.0||unverifiable: no trust list seen
EOF_TABLE

# The valid verdicts agree with openssl on the file minus its signature TLV.
for file in ITLSEP001122334455.tlv CTLSEP001122334455.tlv ITL-sha256.tlv ITLFile.tlv; do
    python3 "$SRC/tests/tools/tl_split.py" "$T/$file" "$WORK/$file"
    case $(cat "$WORK/$file/hash") in 1) md=-sha1;; 2) md=-sha256;; *) md=-sha512;; esac
    openssl x509 -inform der -in "$WORK/$file/cert-1.der" -pubkey -noout > "$WORK/$file/pub.pem"
    assert_eq "Verified OK" "$(openssl dgst $md -verify "$WORK/$file/pub.pem" -signature "$WORK/$file/sig.bin" "$WORK/$file/signed.bin")" "openssl: $file"
done

# Record certificates of the Cisco-style ITL: serials and fingerprints from openssl.
exp_ser=""; exp_fp=""; exp_fp256=""
for c in itlrecovery-a callmanager-a tvs-a capf-a; do
    exp_ser+="${exp_ser:+,}$(cert_serial "$C/$c.pem" | sed 's/^00//')"
    exp_fp+="${exp_fp:+,}$(cert_fp sha1 "$C/$c.pem")"
    exp_fp256+="${exp_fp256:+,}$(cert_fp sha256 "$C/$c.pem")"
done
out=$(fields -r "$T/ITLSEP001122334455.tlv" -e ciscotl.record.serial -e ciscotl.record.cert_sha1 \
      -e ciscotl.record.cert_sha256 -e ciscotl.signer.serial -e ciscotl.record.dns_name -e ciscotl.record.ip)
IFS='|' read -r ser fp fp256 sser dns ip <<<"$out"
assert_eq "$exp_ser" "$ser" "ITL record serials (openssl, sign byte dropped)"
assert_eq "$exp_fp" "$fp" "ITL record certificate SHA-1 (openssl)"
assert_eq "$exp_fp256" "$fp256" "ITL record certificate SHA-256 (openssl)"
assert_eq "81a395c7d2e04f6b8a1c3e5f7092b4d6" "$sser" "signer serial (high bit, no sign byte)"
assert_eq "cucm-a-pub,cucm-a-pub,cucm-a-pub,cucm-a-pub" "$dns" "DNS names"
# Validity from openssl -enddate, in seconds since the epoch (abs_times, lib.sh)
exp_end=""
for c in itlrecovery-a callmanager-a tvs-a capf-a; do
    e=$(openssl x509 -in "$C/$c.pem" -noout -enddate | sed 's/notAfter=//')
    exp_end+="${exp_end:+,}$(date -u -d "$e" '+%s')"
done
assert_eq "$exp_end" "$(ts -r "$T/ITLSEP001122334455.tlv" -T fields -e ciscotl.record.cert_not_after | abs_times)" \
    "certificate notAfter (openssl -enddate)"
assert_eq "198.51.100.1,198.51.100.1,198.51.100.1,198.51.100.1" "$ip" "IP addresses"

# CTL eToken record: no certificate signature (tag 8), empty DNS name, 1024-bit key.
out=$(ts -r "$T/CTLSEP001122334455.tlv" -V)
assert_contains "$out" "Record 2: SAST, CN=SAST-ADN00A1B2C3;OU=IPCBU;O=Example Systems, serial 83e9080000005545af31" "eToken record summary"
assert_eq "0" "$(ts -r "$T/CTLSEP001122334455.tlv" -Y 'ciscotl.missing_element' -T fields -e frame.number | wc -l)" "eToken record without tag 8 is not an error"

# Blank rollback ITL: expert info
assert_eq "1" "$(ts -r "$T/ITLSEPAABBCCDDEEFF.tlv" -Y 'ciscotl.blank_itl' -T fields -e frame.number)" "blank ITL flagged"
assert_eq "1,1" "$(ts -r "$T/ITLSEPAABBCCDDEEFF.tlv" -T fields -e ciscotl.record.blank | bools)" "two blank records"

# Corrupt copy: record 2's certificate no longer carries the record's key (README: byte 100 of the modulus)
assert_eq "1,0,1,1" "$(ts -r "$T/ITLSEP001122334455-corrupt.tlv" -T fields -e ciscotl.record.cert_match.public_key | bools)" "corrupt: record 2 key differs from its certificate"
assert_eq "1" "$(ts -r "$T/ITLSEP001122334455-corrupt.tlv" -Y ciscotl.record.cert_mismatch -T fields -e frame.number)" "corrupt: expert info"

# .enc.sgn header (README: IV, 13 pad bytes, key size 2048, SHA-1 of the plaintext)
out=$(fields -r "$T/SEP001122334455.cnf.xml.enc.sgn" -e ciscotl.enc.iv -e ciscotl.enc.padding \
      -e ciscotl.enc.key_size -e ciscotl.enc.key_algorithm -e ciscotl.enc.hash -e ciscotl.filename)
assert_eq "101112131415161718191a1b1c1d1e1f|13|2048|1|$(digest sha1 "$T/SEP001122334455.cnf.xml")|SEP001122334455.cnf.xml.enc.sgn" "$out" ".enc.sgn header"

# .sgn payload goes to the XML dissector
assert_eq "1" "$(ts -r "$T/SEP001122334455.cnf.xml.sgn" -Y 'xml' -T fields -e frame.number)" ".sgn payload decoded as XML"

# --- captures --------------------------------------------------------------
md() { digest md5 "$T/$1"; }
out=$(fields -r "$T/tftp-itl-ctl-sgn.pcap" -Y ciscotl -e ciscotl.file.name -e ciscotl.filename \
      -e ciscotl.signature.status -e ciscotl.record.role -e ciscotl.file.md5 -e ciscotl.phone_mac)
assert_eq "CTLSEP001122334455.tlv|CTLFile.tlv|valid|0,0,2,4,3,7|$(md CTLSEP001122334455.tlv)|00:11:22:33:44:55
ITLSEP001122334455.tlv|ITLFile.tlv|valid|0,2,21,4|$(md ITLSEP001122334455.tlv)|00:11:22:33:44:55
SEP001122334455.cnf.xml.sgn|SEP001122334455.cnf.xml.sgn|valid||$(md SEP001122334455.cnf.xml.sgn)|00:11:22:33:44:55" "$out" "tftp-itl-ctl-sgn.pcap"
# the .sgn was checked against the ITL of the same client
itl_frame=$(ts -r "$T/tftp-itl-ctl-sgn.pcap" -Y 'ciscotl.file.name == "ITLSEP001122334455.tlv"' -T fields -e frame.number)
assert_eq "$itl_frame" "$(ts -r "$T/tftp-itl-ctl-sgn.pcap" -Y 'ciscotl.file_type == "SGN"' -T fields -e ciscotl.signature.trust_list_frame)" ".sgn checked against the ITL frame"
# two passes give the same verdicts
assert_eq "valid,valid,valid" "$(ts -2 -r "$T/tftp-itl-ctl-sgn.pcap" -Y ciscotl -T fields -e ciscotl.signature.status | paste -sd,)" "two-pass verdicts"

out=$(fields -r "$T/tftp-blksize.pcap" -Y ciscotl -e ciscotl.file.name -e ciscotl.signature.status -e ciscotl.file.md5)
assert_eq "ITLSEP001122334455.tlv|valid|$(md ITLSEP001122334455.tlv)" "$out" "tftp-blksize.pcap (blksize 1428)"

out=$(fields -r "$T/tftp-variants.pcap" -Y ciscotl -e ciscotl.file.name -e ciscotl.signature.status -e ciscotl.file.md5)
assert_eq "ITLFile.tlv|valid|$(md ITLFile.tlv)
ITLSEPAABBCCDDEEFF.tlv|valid|$(md ITLSEPAABBCCDDEEFF.tlv)
ITLSEP001122334455-corrupt.tlv|invalid|$(md ITLSEP001122334455-corrupt.tlv)
ITLSEP001122334455-badsig.tlv|invalid|$(md ITLSEP001122334455-badsig.tlv)
ITL-unknown-signer.tlv|signer not in file|$(md ITL-unknown-signer.tlv)
SEP001122334455.cnf.xml.enc.sgn|unverifiable: no trust list seen|$(md SEP001122334455.cnf.xml.enc.sgn)
ITL-sha256.tlv|valid|$(md ITL-sha256.tlv)
ITL-sha512-legacy.tlv|valid|$(md ITL-sha512-legacy.tlv)" "$out" "tftp-variants.pcap"

# HTTP on 6970: the ITL, then the .sgn checked against it (same client 127.0.0.2)
out=$(fields -r "$T/http-6970.pcap" -Y ciscotl -e ip.dst -e ciscotl.file_type -e ciscotl.signature.status -e ciscotl.file.md5)
assert_eq "127.0.0.2|ITL|valid|$(md ITLSEP001122334455.tlv)
127.0.0.2|SGN|valid|$(md SEP001122334455.cnf.xml.sgn)" "$out" "http-6970.pcap"

for cap in "$T"/*.pcap; do
    out=$(ts -r "$cap" -V 2>&1)
    check_no_dissector_bug "$out" "$(basename "$cap") -V"
    assert_not_contains "$out" "Malformed" "$(basename "$cap") -V"
done
assert_contains "$(ts -r "$T/tftp-itl-ctl-sgn.pcap")" "ITL ITLSEP001122334455.tlv, 4 records, signer CN=ITLRECOVERY_cucm-a-pub.example.com, signature valid" "Info column"

assert_contains "$(ts -r "$T/tftp-variants.pcap")" "ITL ITLSEPAABBCCDDEEFF.tlv, 3 records, BLANK ITL (rollback), signer CN=ITLRECOVERY_cucm-a-pub.example.com, signature valid" "Info column of the blank ITL"
# The record that verified the signature is named (README: SAST record 1)
assert_eq "1" "$(ts -r "$T/ITLSEP001122334455.tlv" -T fields -e ciscotl.signature.record)" "signer record"
assert_contains "$(ts -r "$T/ITLSEP001122334455.tlv" -V)" "Record 1: SAST, CN=ITLRECOVERY_cucm-a-pub.example.com;OU=UC;O=Example;L=Auckland;ST=AKL;C=NZ, serial 81a395c7d2e04f6b8a1c3e5f7092b4d6 [signer of this file]" "signer record marked"

# File > Export Objects > TFTP keeps every file that ciscotl decodes: each
# exported file is byte-identical to the file tftpd served (the committed
# source files, test-captures/README.md "Captures"), in one and two passes.
for two in "" -2; do
    for cap in tftp-itl-ctl-sgn tftp-blksize tftp-variants; do
        eo="$WORK/eo-$cap$two"
        mkdir -m 777 "$eo"    # tshark may run as an unprivileged user
        ts -r "$T/$cap.pcap" $two -q --export-objects "tftp,$eo" >/dev/null 2>&1 || true
        case $cap in
        tftp-itl-ctl-sgn) want="CTLSEP001122334455.tlv ITLSEP001122334455.tlv SEP001122334455.cnf.xml.sgn" ;;
        tftp-blksize) want="ITLSEP001122334455.tlv" ;;
        tftp-variants) want="ITL-sha256.tlv ITL-sha512-legacy.tlv ITL-unknown-signer.tlv ITLFile.tlv ITLSEP001122334455-badsig.tlv ITLSEP001122334455-corrupt.tlv ITLSEPAABBCCDDEEFF.tlv SEP001122334455.cnf.xml.enc.sgn" ;;
        esac
        assert_eq "$want" "$(cd "$eo" && ls | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "export objects tftp $cap $two: file names"
        for f in $want; do
            [ -f "$eo/$f" ] || continue
            assert_eq "$(digest md5 "$T/$f")" "$(digest md5 "$eo/$f")" "export objects tftp $cap $two: $f"
        done
    done
done

finish
