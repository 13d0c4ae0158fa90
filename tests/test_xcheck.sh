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

# ia ARGS...: itl-audit; RC, OUT, ERR.
ia() {
    set +e
    env "${IA_ENV[@]}" timeout 240 "$IA" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    set -e
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    check_no_dissector_bug "$ERR" "itl-audit $*"
}

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
    assert_eq 1 "$RC" "$cap: exit status 1 (a tvs-invalid finding)"
    x='d["inputs"][0]["phones"][0]["exchanges"]'
    assert_eq "1 70caf6112233445566778899aabbccdd 0 [7] 86400" \
        "$(jpy "' '.join(str(v) for v in ([e for e in $x if e['request_id']==1][0][k] for k in ('request_id','serial','status')))+' '+str([r['code'] for r in [e for e in $x if e['request_id']==1][0]['roles']])+' '+str([e for e in $x if e['request_id']==1][0]['ttl'])")" \
        "$cap: id 1 (the CallManager certificate) answered valid, roles {7}, TTL 86400"
    assert_eq "2 1122334455667788 1 None" \
        "$(jpy "' '.join(str(v) for v in ([e for e in $x if e['request_id']==2][0][k] for k in ('request_id','serial','status','ttl')))")" \
        "$cap: id 2 (the TVS certificate) answered invalid"
    assert_eq "1" "$(jpy "sum(1 for f in d['inputs'][0]['findings'] if f['finding']=='tvs-invalid')")" "$cap: one tvs-invalid"
    assert_contains "$(jpy "[f['detail'] for f in d['inputs'][0]['findings'] if f['finding']=='tvs-invalid'][0]")" \
        "serial 1122334455667788" "$cap: the tvs-invalid finding names the certificate answered invalid"
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
    assert_contains "$(jpy "[f['detail'] for f in d['inputs'][0]['findings'] if f['finding']=='tvs-invalid'][0]")" \
        "without a readable Status element" "$cap: tvs-invalid says why"
    ia --keylog "$KEYS" "$X/$cap.pcapng"
    assert_contains "$OUT" "answer: no readable status" "$cap: text report"
    assert_not_contains "$OUT" "status 1" "$cap: no status 1 invented"
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

finish
