#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Captures and files made by an independent implementation: a Python
# generator written from formats.md alone, without this project's
# generators or dissector source (test-captures/xcheck/, README there).
# The expected values are what that generator put on the wire
# (test-captures/xcheck/generator/*.py) and what formats.md says.
source "$(dirname "$0")/lib.sh"

X="$CAPS/xcheck"
KEYS="$X/xcheck.keys"

# jq-like: python3 expression EXPR over the JSON document in $WORK/out
# (variable d), printed.
jpy() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$WORK/out" "$1"; }

# --- Several requests in one TLS record, their answers in one record -------
# tls_scen.py: vreq(rid=1, cert cm) + vreq(rid=2, cert tvs) in one record;
# vresp(rid=1) (status 0, roles {7}, TTL 86400) + vresp(rid=2, status 1)
# in one record.  lib.py: cm serial 70caf6112233445566778899aabbccdd, tvs
# serial 1122334455667788.  formats.md 6.2: the response echoes the id.
for cap in tls_multi_distinct tls13_multi_distinct; do
    ia --json --keylog "$KEYS" "$X/$cap.pcapng"
    assert_eq 1 "$RC" "$cap: exit status 1 (a tvs-invalid-service finding)"
    x='d["inputs"][0]["phones"][0]["exchanges"]'
    assert_eq "1 70caf6112233445566778899aabbccdd 0 [7] 86400" \
        "$(jpy "' '.join(str(v) for v in ([e for e in $x if e['request_id']==1][0][k] for k in ('request_id','serial','status')))+' '+str([r['code'] for r in [e for e in $x if e['request_id']==1][0]['roles']])+' '+str([e for e in $x if e['request_id']==1][0]['ttl'])")" \
        "$cap: id 1 (the CallManager certificate) answered valid, roles {7}, TTL 86400"
    assert_eq "2 1122334455667788 1 None" \
        "$(jpy "' '.join(str(v) for v in ([e for e in $x if e['request_id']==2][0][k] for k in ('request_id','serial','status','ttl')))")" \
        "$cap: id 2 (the TVS certificate) answered invalid"
    # Verify requests and no trust list in the capture: an invalid answer
    # is about a service certificate, not a list's signer (issue #16).
    assert_eq "1" "$(jpy "sum(1 for f in d['inputs'][0]['findings'] if f['finding']=='tvs-invalid-service')")" "$cap: one tvs-invalid-service"
    assert_contains "$(jpy "[f['detail'] for f in d['inputs'][0]['findings'] if f['finding']=='tvs-invalid-service'][0]")" \
        "serial 1122334455667788" "$cap: the tvs-invalid-service finding names the certificate answered invalid"
done
# The same in Wireshark's sbd tree.
out=$(ts -r "$X/tls_multi_distinct.pcapng" -o "tls.keylog_file:$KEYS" -Y sbd.finding -T fields -e _ws.expert.message 2>&1)
check_no_dissector_bug "$out" "tshark tls_multi_distinct"
assert_contains "$out" "TVS verify answered status 1 for CN=cucm-pub-tvs.xcheck.local" "tshark: the invalid answer is the TVS certificate's"
assert_not_contains "$out" "status 1 for CN=cucm-pub.xcheck.local" "tshark: not the CallManager certificate's"

# Three messages each way (verify 1, query 2, verify 3 answered invalid).
ia --json --keylog "$KEYS" "$X/tls_multi_in_record.pcapng"
x='d["inputs"][0]["phones"][0]["exchanges"]'
assert_eq "1:verify:0 2:query:0 3:verify:1" \
    "$(jpy "' '.join('%d:%s:%s' % (e['request_id'], e['command'], e['status']) for e in sorted($x, key=lambda e: e['request_id']))")" \
    "tls_multi_in_record: each answer with its own request"

# --- An answer without a readable Status (formats.md 6.4: 1 byte) ------------
# tls_scen3.py: status element 07 00 02 00 00; an empty body.
for cap in tls_status_badlen tls_resp_empty_body; do
    ia --json --keylog "$KEYS" "$X/$cap.pcapng"
    assert_eq "True None" "$(jpy "str(d['inputs'][0]['phones'][0]['exchanges'][0]['answered'])+' '+str(d['inputs'][0]['phones'][0]['exchanges'][0]['status'])")" \
        "$cap: answered, status null (none on the wire)"
    # tls_scen3.py: tls_status_badlen's answer has Roles 08 00 01 07; the
    # empty body has no Roles element: null, not [] (an empty element).
    if [ "$cap" = tls_status_badlen ]; then want="[7]"; else want="None"; fi
    assert_eq "$want" "$(jpy "(lambda r: str([x['code'] for x in r]) if r is not None else 'None')(d['inputs'][0]['phones'][0]['exchanges'][0]['roles'])")" \
        "$cap: roles as on the wire"
    assert_contains "$(jpy "[f['detail'] for f in d['inputs'][0]['findings'] if f['finding'].startswith('tvs-invalid')][0]")" \
        "without a readable Status element" "$cap: tvs-invalid(-service) says why"
    ia --keylog "$KEYS" "$X/$cap.pcapng"
    assert_contains "$OUT" "answer: no readable status" "$cap: text report"
    assert_not_contains "$OUT" "status 1" "$cap: no status 1 invented"
    if [ "$cap" = tls_resp_empty_body ]; then
        assert_contains "$OUT" "roles absent" "$cap: text report says the Roles element is absent"
    fi
done

# --- Serials without the DER sign byte (tools/itl-audit/README.md) -----------
# lib.py: TVS certificate serial 0x81a395aabbccddeeff00112233445566; the
# ITL's TVS record serial has a 00 byte in front (tvs_serial_override).
ia --json --keylog "$KEYS" "$X/tls_hibit_serial_signbyte.pcapng"
s='d["inputs"][0]["phones"][0]["sessions"][0]'
assert_eq "match 81a395aabbccddeeff00112233445566 81a395aabbccddeeff00112233445566" \
    "$(jpy "$s['verdict']+' '+$s['cert_serial']+' '+$s['record_serial']")" "tls_hibit_serial_signbyte: serials as magnitudes"
assert_eq "81a395aabbccddeeff00112233445566" \
    "$(jpy "[r['serial'] for r in d['inputs'][0]['phones'][0]['files'][0]['records'] if r['role']==21][0]")" \
    "tls_hibit_serial_signbyte: the ITL record serial too"

# --- What the TVS record was compared by --------------------------------------
# variants.py: the TVS record has serial and issuer but no certificate.
ia --json --keylog "$KEYS" "$X/v_tvs_record_without_cert.pcapng"
assert_eq "match|serial and issuer only (the record has no certificate)" \
    "$(jpy "d['inputs'][0]['phones'][0]['sessions'][0]['verdict']+'|'+d['inputs'][0]['phones'][0]['sessions'][0]['compared_by']")" \
    "v_tvs_record_without_cert: match, by serial and issuer only"
ia --json --keylog "$KEYS" "$X/tls_match.pcapng"
assert_eq "match|certificate" \
    "$(jpy "d['inputs'][0]['phones'][0]['sessions'][0]['verdict']+'|'+d['inputs'][0]['phones'][0]['sessions'][0]['compared_by']")" \
    "tls_match: match, by the certificate"

# --- Plain TVS (Decode As): expert infos (gen_plain.py) -----------------------
# expert NAME CAPTURE: the expert info fields of the TVS messages.
experts() {
    ts -r "$X/$1.pcap" -d tcp.port==2445,tvs -T fields -e _ws.expert.message 2>&1
}
out=$(experts plain_query_issuer_only)
assert_contains "$out" "Query Request without a Serial Number" "query with subject and issuer only"
assert_not_contains "$out" "without an Issuer Name" "query with an issuer has one"
out=$(experts plain_query_two_issuers)
assert_contains "$out" "A second Issuer Name" "two issuers: flagged"
out=$(experts plain_query_resp_valid_no_cert)
assert_contains "$out" "Query Response \"valid\" without a Certificate element" "found without a certificate"
out=$(experts plain_verify_dev_lower_mac)
assert_contains "$out" "MAC in the device name has lower-case hex digits" "CP-7975-SEPaabbccddeeff"
out=$(experts plain_dup_status)
assert_contains "$out" "A second Status element" "two Status elements"
# The TAC request rebuilt from formats.md 6.6: nothing missing, nothing repeated.
out=$(experts plain_tac213407_query_45)
check_no_dissector_bug "$out" "plain_tac213407_query_45"
assert_not_contains "$out" "Query Request without" "TAC query: complete"
assert_not_contains "$out" "A second" "TAC query: nothing repeated"

# --- A bare ITL that IxVeriWave's heuristic takes for a capture ---------------
# Precondition (what makes the file a test): wiretap alone reads it as .vwr.
assert_contains "$(capinfos -t "$X/ITLFile-vwr-lookalike.tlv" 2>&1)" "IxVeriWave" "wiretap takes the ITL for a .vwr capture"
mkdir -p "$WORK/walk"
cp "$X/ITLFile-vwr-lookalike.tlv" "$WORK/walk/ITLFile.tlv"
ia "$WORK/walk"
assert_eq 0 "$RC" "a bare ITL in a directory walk: skipped silently (exit 0)"
assert_eq "" "$ERR" "a bare ITL in a directory walk: nothing on stderr"
assert_contains "$OUT" "summary: 0 inputs" "a bare ITL in a directory walk: not an input"
ia "$WORK/walk/ITLFile.tlv"
assert_eq 2 "$RC" "a bare ITL named on the command line: exit 2"
assert_contains "$ERR" "a bare trust list or signed file, not a packet capture" "a bare ITL named: why"
# tshark opens it through the plugin's file reader (the .tlv extension).
out=$(ts -r "$X/ITLFile-vwr-lookalike.tlv" -T fields -e ciscotl.file_type -e ciscotl.signature.status 2>&1)
assert_eq "ITL	valid" "$out" "tshark: the bare ITL, its signature valid"

# =============================================================================
# Trust lists and signed files (test-captures/xcheck/trustlist/, written by
# generator/gen*.py; generator/manifest.json holds what each file is for).
TL="$X/trustlist"
# msgs FILE [tshark args]: every expert message of the file, one per line.
msgs() { local f=$1; shift; ts -r "$f" "$@" -T fields -E 'aggregator=|' -e _ws.expert.message 2>&1 | tr '|' '\n'; }
# has FILE MESSAGE WHAT / lacks FILE TEXT WHAT: an expert message of the file.
has() { assert_contains "$(msgs "$1")" "$2" "$3"; }
lacks() { assert_not_contains "$(msgs "$1")" "$2" "$3"; }

# --- Signed files against both lists the phone holds (formats.md 2.3, 3.3) ---
# pcaps.py: CTL (frame 16: K['ccm'] with role CCM+TFTP), then ITL (frame 37:
# T with role TFTP, K['ccm'] with role CCM only), then .sgn files signed by
# T (44), by T with a broken signature (51), by K['ccm'] (70), by the SAST (77).
out=$(ts -r "$TL/tftp_main.pcap" -Y 'ciscotl.signature.status' -T fields -e frame.number \
      -e ciscotl.signature.status -e ciscotl.signature.trust_list_frame 2>&1)
check_no_dissector_bug "$out" "tftp_main"
assert_eq "44	valid	37" "$(grep '^44	' <<<"$out")" "a .sgn signed by the ITL's TFTP certificate"
assert_eq "51	invalid	37" "$(grep '^51	' <<<"$out")" "a .sgn with a broken signature"
assert_eq "70	valid	16" "$(grep '^70	' <<<"$out")" "a .sgn signed by the CTL's CCM+TFTP certificate (the ITL came later)"
assert_eq "77	signer not in trust list	37" "$(grep '^77	' <<<"$out")" "a .sgn signed by a SAST (not a TFTP role)"
# pcaps2.py: ITL (frame 20, T with role TFTP), a CTL of blank records (27),
# then a .sgn signed by T (34).
out=$(ts -r "$TL/itl_then_blankctl_then_sgn.pcap" -Y 'frame.number==34' -T fields \
      -e ciscotl.signature.status -e ciscotl.signature.trust_list_frame 2>&1)
assert_eq "valid	20" "$out" "a later blank CTL does not hide the ITL's TFTP certificate"

# --- Blank ITL: all TVS/TFTP entries empty (formats.md 3.5) -------------------
for f in itl_one_blank_ccm itl_blank_tftp_only; do
    out=$(ts -r "$TL/$f.tlv" -T fields -e _ws.col.Info -e ciscotl.blank_itl 2>&1)
    assert_not_contains "$out" "BLANK ITL" "$f: the TVS record is intact, not a blank ITL"
done
assert_contains "$(ts -r "$TL/ITLFile_blank_with_sast.tlv" 2>&1)" "BLANK ITL (rollback)" \
    "ITLFile_blank_with_sast: TFTP and TVS records blank: a blank ITL"
# The first 400 bytes of itl_certutils_sha1.tlv: its first record is cut, not blank.
lacks "$TL/itl_certutils_sha1__t00400.tlv" "is blank" "a cut record is not called blank"
assert_eq "400" "$(stat -c %s "$TL/itl_certutils_sha1__t00400.tlv")" "the cut copy is 400 bytes"

# --- Versions (formats.md 2.5: header 1.0, 1.2, 2.0; signer 1.0, 1.1) --------
has "$TL/itl_version_1_1.tlv" "Header version not seen before" "header version 1.1"
lacks "$TL/itl_certutils_sha1.tlv" "version not seen before" "header 1.2, signer 1.0: known"
has "$TL/itl_signerver_9_9.tlv" "Signer version not seen before" "signer version 9.9"
# Over TFTP as ITLFile.tlv (pcaps.py: versions 3.7, a 3-byte Version, Header
# Length first): decoded, with what is wrong.
out=$(ts -r "$TL/tftp_second.pcap" -Y 'frame.number==32' -T fields -e ciscotl.version -e ciscotl.signature.status 2>&1)
assert_eq "3.7	valid" "$out" "header version 3.7 over TFTP: decoded, signature valid"
assert_contains "$(msgs "$TL/tftp_second.pcap" -Y 'frame.number==65')" "Version should be 2 bytes long" "a 3-byte Version over TFTP"
assert_contains "$(msgs "$TL/tftp_second.pcap" -Y 'frame.number==98')" "Header Length where Version" "Header Length first over TFTP"

# --- Header structure (formats.md 2.1, 2.2) -----------------------------------
has "$TL/itl_siginfo_len_0.tlv" "Signature Info is empty (length 0)" "SIGNATUREINFO of length 0"
has "$TL/itl_siginfo_len_0.tlv" "Hash Algorithm outside its Signature Info container" "its children at the top level"
out=$(msgs "$TL/itl_dup_hash_tag.tlv")
assert_contains "$out" "A second Hash Algorithm element" "a stray second Hash Algorithm"
assert_contains "$out" "Hash Algorithm outside its Signature Info container" "the stray one is outside SIGNATUREINFO"
has "$TL/itl_two_signatures.tlv" "A second Signature element" "two signatures"
has "$TL/itl_mod_code7.tlv" "Signature modulus code not defined" "modulus code 7"
lacks "$TL/itl_certutils_sha1.tlv" "A second" "a certutils ITL: nothing repeated"
lacks "$TL/itl_certutils_sha1.tlv" "outside its" "a certutils ITL: nothing misplaced"

# --- Record elements (formats.md 3.1) -----------------------------------------
out=$(msgs "$TL/itl_record_zero_len_elems.tlv")
assert_contains "$out" "IP Address should be 4 bytes long (16 for IPv6), not 0" "empty IP address"
assert_contains "$out" "Serial Number is empty" "empty serial"
assert_contains "$out" "Hash Algorithm should be 1 byte long, not 0" "empty record hash algorithm"

# --- EC keys need signer version 1.1 (formats.md 3.6) -------------------------
has "$TL/itl_ec_signerver_1_0.tlv" "has an EC key, but the signer version is 1.0" "EC records, signer version 1.0"
assert_eq "1.1" "$(ts -r "$TL/itl_ec_records.tlv" -T fields -e ciscotl.signer_version 2>&1)" "itl_ec_records: signer version 1.1"
lacks "$TL/itl_ec_records.tlv" "EC key" "EC records with signer version 1.1: no note"

# --- .enc.sgn consistency (formats.md 5.2) ------------------------------------
has "$TL/enc_pad17.cnf.xml.enc.sgn" "Padding count 17 is outside 1-16" "padding 17"
has "$TL/enc_ct_not_block.cnf.xml.enc.sgn" "is not a whole number of AES blocks" "payload not in blocks"
has "$TL/enc_hash_len7.cnf.xml.enc.sgn" "Hash of 7 bytes, but the hash algorithm is SHA-1 (20 bytes)" "7-byte SHA-1"
has "$TL/enc_iv8.cnf.xml.enc.sgn" "IV should be 16 bytes long" "8-byte IV"
out=$(msgs "$TL/SEP001122334455.cnf.xml.enc.sgn")
check_no_dissector_bug "$out" "a consistent .enc.sgn"
for w in "Padding count" "AES blocks" "Hash of" "IV should"; do
    assert_not_contains "$out" "$w" "a consistent .enc.sgn: no [$w]"
done

# --- Files wiretap hands over whole are not all ours --------------------------
# A minimal JFIF (SOI, APP0 "JFIF", EOI; hand-written): JPEG, not a trust list.
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9' >"$WORK/t.jpg"
out=$(ts -r "$WORK/t.jpg" 2>&1)
assert_contains "$out" "JPEG" "a JPEG file stays a JPEG"
assert_not_contains "$out" "CiscoTL" "a JPEG file is not taken for a trust list"

# --- A TVS message whose end is not in the capture: tvs-cut-off ----------------
# gen_plain.py: a verify request cut after 300 bytes (no close); one whose body
# length says 0xffff; a verify answer cut after 6 bytes of its header.  The
# whole length comes from the wire: header bytes 8-9 (body length) + 10.
cap="$X/plain_truncated_session_mid_msg.pcap"
hexlen=$(ts -r "$cap" -Y 'tcp.len > 0' -T fields -e tcp.payload 2>/dev/null | head -1 | cut -c17-20)
need=$((10 + 16#$hexlen))
cut2() { ts -2 -r "$1" -d tcp.port==2445,tvs -Y sbd.finding -T fields -e sbd.finding -e _ws.expert.message 2>&1; }
out=$(cut2 "$cap")
check_no_dissector_bug "$out" "plain_truncated_session_mid_msg"
assert_contains "$out" "tvs-cut-off" "a request cut after 300 bytes: tvs-cut-off"
assert_contains "$out" "the TVS verify request (id 1001) that starts in frame 4 is cut off: 300 of its $need bytes" \
    "a request cut after 300 bytes: what, where and how much"
assert_contains "$(cut2 "$X/plain_bodylen_ffff.pcap")" "of its 65545 bytes" "body length 0xffff: 10 + 65535 bytes expected"
assert_contains "$(cut2 "$X/plain_truncated_session_mid_header.pcap")" "the TVS verify answer that starts in frame 6 is cut off: 6 bytes of its 10-byte header" \
    "an answer cut inside its header"
# Over TLS (tls_scen.py: vreq(14)[:200] then the client closes; vreq(19),
# then qresp(rid=1001)[:400] and the server closes).
ia --json --keylog "$KEYS" "$X/tls_truncated_client_close.pcapng"
assert_eq 1 "$RC" "tls_truncated_client_close: exit status 1 (a warning)"
assert_contains "$(jpy "[f['detail'] for f in d['inputs'][0]['findings'] if f['finding']=='tvs-cut-off'][0]")" \
    "verify request (id 1001) that starts in frame 39 is cut off: 200 of its" "tls_truncated_client_close: the request cut off"
ia --json --keylog "$KEYS" "$X/tls_server_close_mid_resp.pcapng"
assert_contains "$(jpy "[f['detail'] for f in d['inputs'][0]['findings'] if f['finding']=='tvs-cut-off'][0]")" \
    "query answer (id 1001) that starts in frame 40 is cut off: 400 of its" "tls_server_close_mid_resp: the answer cut off"
assert_eq "False" "$(jpy "d['inputs'][0]['phones'][0]['exchanges'][0]['answered']")" "tls_server_close_mid_resp: the request unanswered"
# A whole exchange has no tvs-cut-off.
ia --json --keylog "$KEYS" "$X/tls_match.pcapng"
assert_eq "0" "$(jpy "sum(1 for f in d['inputs'][0]['findings'] if f['finding']=='tvs-cut-off')")" "tls_match: nothing cut off"

# --- One address, two phones (test-captures/README.md, xcheck/plumbing) ----------
# Phones are told apart by the MAC of their ITLSEP<MAC>.tlv names (formats.md 3.3).
P="$CAPS/xcheck/plumbing"
for cap in v16c_two_macs_same_ip:"10.1.2.3 aa:bb:cc:dd:ee:ff ITLSEPAABBCCDDEEFF.tlv 20 bb24c04fec311c93fcf0610ae2451b0e first-file|10.1.2.3 00:11:22:33:44:55 ITLSEP001122334455.tlv 41 231f2f73c535d34b69f539afdafca081 first-file" \
           v16d_dhcp_ip_reuse_two_phones:"10.1.2.3 00:11:22:33:0a:01 ITLSEP001122330A01.tlv 30 6f1186c7f316b54658174e9f4704af9e first-file|10.1.2.3 00:11:22:33:0b:01 ITLSEP001122330B01.tlv 55 3be8bd1db892df2e8968a391d684ab06 first-file"; do
    name=${cap%%:*}; want=${cap#*:}
    ia --json "$P/$name.pcap"
    assert_eq 0 "$RC" "$name: no finding, exit 0"
    assert_eq "$want" "$(jpy "'|'.join(' '.join([p['ip'], p['mac'] or '-'] + [' '.join([f['name'], str(f['frame']), f['md5'], f['signer_trusted']]) for f in p['files']]) for p in d['inputs'][0]['phones'])")" \
        "$name: one phone per MAC at the one address, each with its own first ITL"
    tshark_out=$("$SRC/tests/tshark.sh" "$BUILD" -r "$P/$name.pcap" -Y ciscotl -T fields -e frame.number -e ciscotl.phone_mac -e sbd.phone.mac)
    while IFS=$'\t' read -r fr cmac smac; do
        assert_eq "$cmac" "$smac" "$name frame $fr: the sbd layer's phone is the file's MAC"
    done <<<"$tshark_out"
done

# The pre-filter's clock: a 130 s pause, a one-day jump (test-captures/README.md).
for name in v24a_gap130s_midtransfer v31e_ts_jump_fwd_1day_mid; do
    ia --json "$P/$name.pcap"
    assert_eq "10.1.2.3 00:11:22:33:44:55 CTLSEP001122334455.tlv 38 ITLSEP001122334455.tlv 69" \
        "$(jpy "'|'.join(' '.join([p['ip'], p['mac'] or '-'] + [f['name'] + ' ' + str(f['frame']) for f in p['files']]) for p in d['inputs'][0]['phones'])")" \
        "$name: both files of the phone, through the pause or jump"
    cp "$WORK/out" "$WORK/with.json"
    ia --json --no-prefilter "$P/$name.pcap"
    cmp -s "$WORK/with.json" "$WORK/out" && pass || fail "$name: JSON differs with --no-prefilter"
done

finish
