#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The TVS dissector on real TLS captures.
#
#  * test-captures/tvs/: made by tools/tvs/make-tvs-captures.sh.  Expected
#    values are those of the scenarios, written out in test-captures/README.md
#    ("Expected decoded facts") and formats.md 6.6; certificate serials and
#    fingerprints come from `openssl x509` on the PEM files next to the
#    captures.  The frames that carry TVS messages are found with the TVS
#    dissector switched off (the decrypted application data is then "data"),
#    so that the request/response links are checked against frame numbers
#    the plugin did not produce.
#  * test-captures/tvs-robust/: made by tools/tvs/make-tvs-robust-captures.py
#    (hostile and unusual messages over TLS, key log embedded); expected values
#    are the bytes written out in that script.
#  * a plaintext-TCP fuzz run through Decode As (tcp.port, "tvs").
#
# Every run must be free of dissector bugs and sanitizer reports.
source "$(dirname "$0")/lib.sh"

D="$CAPS/tvs"
R="$CAPS/tvs-robust"
PORT=2445

# decryption options for a capture in tvs/ (by its key log)
kl() { echo "tls.keylog_file:$D/$1.keys"; }

# fields CAPTURE OPTION... -- FIELD...: one line per frame with TVS,
# "frame|field|field...", several occurrences joined by ",".  Two passes, so
# that response_in and the "no response" expert info are known.
fields() {
    local cap=$1 opts=() e=()
    shift
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=(-o "$1"); shift; done
    shift
    for f in "$@"; do e+=(-e "$f"); done
    ts -r "$cap" "${opts[@]}" -2 -Y tvs -T fields -E separator='|' -E aggregator=',' \
        -e frame.number "${e[@]}" 2>&1
}

# data_frames CAPTURE OPTION...: frames with decrypted application data as
# "frame c|s LEN", found with the TVS dissector disabled.
data_frames() {
    local cap=$1 opts=()
    shift
    for o in "$@"; do opts+=(-o "$o"); done
    ts -r "$cap" "${opts[@]}" --disable-protocol tvs -Y data -T fields -E separator=' ' \
        -e frame.number -e tcp.dstport -e data.len 2>&1 |
        awk -v p="$PORT" '{ print $1, ($2 == p ? "c" : "s"), $3 }'
}

# the frame of the Nth (1-based) data record of side c|s
nth_frame() { echo "$1" | awk -v s="$2" -v n="$3" '$2 == s { if (++i == n) print $1 }'; }

# the whole -V output must be free of dissector bugs and malformed packets,
# and free of TVS error/warning expert infos unless allowed
check_clean() {   # CAPTURE WHAT OPTION...
    local cap=$1 what=$2 opts=() out bad
    shift 2
    for o in "$@"; do opts+=(-o "$o"); done
    out=$(ts -r "$cap" "${opts[@]}" -2 -V 2>&1)
    check_no_dissector_bug "$out" "$what"
    assert_not_contains "$out" "Malformed" "$what: malformed packet"
    bad=$(ts -r "$cap" "${opts[@]}" -2 -T fields -e frame.number -Y \
        'tvs.not_tvs || tvs.truncated || tvs.length.mismatch || tvs.element.overrun ||
         tvs.element.bad_length || tvs.element.unknown || tvs.element.missing ||
         tvs.device.name.unexpected || tvs.device.prefix.unexpected || tvs.cert.bad ||
         tvs.command.unknown || tvs.no_response || tvs.no_request || tvs.command.mismatch ||
         tvs.string.no_nul || _ws.malformed' 2>&1)
    assert_eq "" "$bad" "$what: frames with TVS problems"
}

# (Info column checks run without the "sbd" post-dissector, which may append
# its verdicts to the column.)
strip0() { sed 's/^\(00\)*//'; }     # serial magnitude: no DER sign byte

# certificate facts from openssl
ser_dir=$(cert_serial "$D/directory.stormin.local.pem" | strip0)
sha1_dir=$(cert_fp sha1 "$D/directory.stormin.local.pem")
sha256_dir=$(cert_fp sha256 "$D/directory.stormin.local.pem")
ser_rogue=$(cert_serial "$D/rogue.example.invalid.pem" | strip0)
sha1_rogue=$(cert_fp sha1 "$D/rogue.example.invalid.pem")
ser_ucm=$(cert_serial "$D/ucm11pub.stormin.local.pem" | strip0)
sha1_ucm=$(cert_fp sha1 "$D/ucm11pub.stormin.local.pem")
sha256_ucm=$(cert_fp sha256 "$D/ucm11pub.stormin.local.pem")
assert_eq "24000000179479b8f124ac3f3b000000000017" "$ser_ucm" "openssl: ucm11pub serial (formats.md 6.6)"
assert_eq "7e57c0de01" "$ser_dir" "openssl: directory serial (README)"
assert_eq "badce27" "$(echo "$ser_rogue" | sed 's/^0//')" "openssl: rogue serial (README)"

S1="CN=ucm11pub.stormin.local;OU=IST;O=Stormin;L=Brisbane;ST=QLD;C=AU"
S2="CN=unknown-signer.example.invalid;OU=Lab;O=Example;C=NZ"
MAC_8861="b0:00:b4:ba:0a:ee"
MAC_7841="00:a1:b2:c3:d4:e5"

# ---------------------------------------------------------------------------
# check_exchange NAME OPTIONS -- REQ_LINE RESP_LINE
# one request (first c data record ... last c record) and one response
# (last s record); the lines are the expected "command|id|reserved|length|
# mac|model|status|roles|ttl".
HDR_FIELDS=(tvs.command tvs.request_id tvs.reserved tvs.length tvs.device.mac tvs.device.model
            tvs.status tvs.role tvs.ttl)
check_exchange() {
    local name=$1 cap=$2 opts=() req=$4 resp=$5 out df rq rs
    IFS=' ' read -r -a opts <<< "$3"
    df=$(data_frames "$cap" "${opts[@]}")
    rq=$(echo "$df" | awk '$2 == "c" { f = $1 } END { print f }')   # request complete here
    rs=$(echo "$df" | awk '$2 == "s" { f = $1 } END { print f }')
    out=$(fields "$cap" "${opts[@]}" -- "${HDR_FIELDS[@]}" tvs.response_in tvs.response_to)
    assert_eq "$rq|$req|$rs|
$rs|$resp||$rq" "$out" "$name: decoded messages and links"
    check_clean "$cap" "$name" "${opts[@]}"
}

# ---------------------------------------------------------------------------
# (a) verify -> valid, three ways of decrypting
VV_REQ="1|1002|0x00|966|$MAC_8861|8861|||"
VV_RESP="2|1002|0x00|16|||0|0,3|86400"
check_exchange "verify-valid-tls12 (key log)" "$D/tvs-verify-valid-tls12.pcap" \
    "$(kl tvs-verify-valid-tls12)" "$VV_REQ" "$VV_RESP"
check_exchange "verify-valid-tls12 (embedded secrets)" "$D/tvs-verify-valid-tls12-dsb.pcapng" \
    "" "$VV_REQ" "$VV_RESP"
check_exchange "verify-valid-tls13 (key log)" "$D/tvs-verify-valid-tls13.pcap" \
    "$(kl tvs-verify-valid-tls13)" "$VV_REQ" "$VV_RESP"
check_exchange "verify-valid-tls13 (embedded secrets)" "$D/tvs-verify-valid-tls13-dsb.pcapng" \
    "" "$VV_REQ" "$VV_RESP"

out=$(fields "$D/tvs-verify-valid-tls12.pcap" "$(kl tvs-verify-valid-tls12)" -- \
    tvs.device.name tvs.device.prefix tvs.cert.serial tvs.cert.sha1 tvs.cert.sha256 tvs.cert.subject \
    tvs.cert.issuer tvs.time)
line=$(echo "$out" | head -1)
assert_eq "CP-8861-SEPB000B4BA0AEE|0x01" "$(echo "$line" | cut -d'|' -f2,3)" "verify-valid: device name and prefix"
assert_eq "$ser_dir" "$(echo "$line" | cut -d'|' -f4 | strip0)" "verify-valid: certificate serial (openssl)"
assert_eq "$sha1_dir" "$(echo "$line" | cut -d'|' -f5)" "verify-valid: certificate SHA-1 (openssl)"
assert_eq "$sha256_dir" "$(echo "$line" | cut -d'|' -f6)" "verify-valid: certificate SHA-256 (openssl)"
assert_eq "CN=directory.stormin.local;OU=IST;O=Stormin;L=Brisbane;ST=QLD;C=AU|CN=stormin-WIN2012-CA" \
    "$(echo "$line" | cut -d'|' -f7,8)" "verify-valid: certificate subject and issuer"
t=$(echo "$out" | sed -n 2p | cut -d'|' -f9)
if [[ "$t" =~ ^0\.[0-9]+$ ]]; then pass; else fail "verify-valid: response time [$t]"; fi
# filters on the MAC and the role work
assert_eq "10" "$(ts -r "$D/tvs-verify-valid-tls12.pcap" -o "$(kl tvs-verify-valid-tls12)" \
    -Y "tvs.device.mac == $MAC_8861" -T fields -e frame.number)" "filter tvs.device.mac"
assert_eq "11" "$(ts -r "$D/tvs-verify-valid-tls12.pcap" -o "$(kl tvs-verify-valid-tls12)" \
    -Y "tvs.role == 3 && tvs.ttl == 86400" -T fields -e frame.number)" "filter tvs.role/tvs.ttl"
info=$(ts -r "$D/tvs-verify-valid-tls12.pcap" -o "$(kl tvs-verify-valid-tls12)" -Y tvs -T fields -e _ws.col.Info --disable-protocol sbd)
assert_eq "Verify Request CP-8861-SEPB000B4BA0AEE: CN=directory.stormin.local, serial $ser_dir
Verify Response: valid, roles SAST,TFTP, TTL 86400 s" "$info" "verify-valid: Info column"
tree=$(ts -r "$D/tvs-verify-valid-tls12.pcap" -o "$(kl tvs-verify-valid-tls12)" -V -Y tvs)
assert_contains "$tree" "TTL: 86400 s (1 day)" "verify-valid: TTL as a duration"
if ts -r "$D/tvs-verify-valid-tls12.pcap" -o "$(kl tvs-verify-valid-tls12)" -Y 'tvs && x509af.serialNumber' \
    -T fields -e frame.number | grep -qx 10; then pass; else fail "verify-valid: x509af subtree"; fi

# (b) verify -> invalid
check_exchange "verify-invalid-tls13" "$D/tvs-verify-invalid-tls13.pcap" "$(kl tvs-verify-invalid-tls13)" \
    "1|1003|0x00|855|$MAC_7841|7841|||" "2|1003|0x00|4|||1||"
out=$(fields "$D/tvs-verify-invalid-tls13.pcap" "$(kl tvs-verify-invalid-tls13)" -- tvs.cert.serial tvs.cert.sha1)
assert_eq "$ser_rogue|$sha1_rogue" "$(echo "$out" | head -1 | cut -d'|' -f2-)" \
    "verify-invalid: certificate serial and SHA-1 (openssl)"
assert_eq "11" "$(ts -r "$D/tvs-verify-invalid-tls13.pcap" -o "$(kl tvs-verify-invalid-tls13)" \
    -Y tvs.status.invalid -T fields -e frame.number)" "verify-invalid: 'invalid' expert info"

# (c) the formats.md 6.6 exchange, by key log and by the server's RSA key
TAC_REQ="3|1001|0x00|143|$MAC_8861|8861|||"
TAC_RESP="4|1001|0xf7|1470|||0|0,3|86400"
for v in "key log|$D/tvs-query-found-tac-tls12.pcap|$(kl tvs-query-found-tac-tls12)" \
         "embedded secrets|$D/tvs-query-found-tac-tls12-dsb.pcapng|" \
         "RSA key|$D/tvs-query-found-tac-tls12-rsa.pcap|uat:rsa_keys:\"$D/tvs-server.key.pem\",\"\""; do
    IFS='|' read -r how cap opt <<< "$v"
    if [ -n "$opt" ]; then o=("$opt"); else o=(); fi
    check_exchange "6.6 exchange ($how)" "$cap" "${o[*]}" "$TAC_REQ" "$TAC_RESP"
    out=$(fields "$cap" "${o[@]}" -- tvs.protocol_id tvs.version tvs.device.name tvs.subject tvs.issuer \
        tvs.serial tvs.element.tag tvs.element.length tvs.cert.serial tvs.cert.sha1 tvs.cert.sha256)
    req=$(echo "$out" | sed -n 1p | cut -d'|' -f2-)
    resp=$(echo "$out" | sed -n 2p | cut -d'|' -f2-)
    assert_eq "0x57|1|CP-8861-SEPB000B4BA0AEE|$S1|CN=stormin-WIN2012-CA|24000000179479b8f124ac3f3b000000000017|1,3,4,5|24,66,22,19|||" \
        "$req" "6.6 request ($how)"
    assert_eq "0x57|1|||||7,2,8,9|1,1451,2,4|$ser_ucm|$sha1_ucm|$sha256_ucm" "$resp" "6.6 response ($how)"
done
info=$(ts -r "$D/tvs-query-found-tac-tls12.pcap" -o "$(kl tvs-query-found-tac-tls12)" -Y tvs -T fields -e _ws.col.Info --disable-protocol sbd)
assert_eq "Query Request CP-8861-SEPB000B4BA0AEE: CN=ucm11pub.stormin.local, serial 24000000179479b8f124ac3f3b000000000017
Query Response: valid, CN=ucm11pub.stormin.local, roles SAST,TFTP, TTL 86400 s" "$info" "6.6: Info column"
tree=$(ts -r "$D/tvs-query-found-tac-tls12.pcap" -o "$(kl tvs-query-found-tac-tls12)" -V -Y tvs)
assert_contains "$tree" "Reserved: 0xf7 (Cisco's TVS sends junk here: not an error)" "6.6: reserved byte explained"
assert_contains "$tree" "Issuer Name (tag 4: number inferred, recognised by content)" "6.6: issuer tag marked as inferred"
assert_contains "$tree" "Serial Number (tag 5: number inferred, recognised by content)" "6.6: serial tag marked as inferred"

# (d) query -> not found
check_exchange "query-notfound-tls13" "$D/tvs-query-notfound-tls13.pcap" "$(kl tvs-query-notfound-tls13)" \
    "3|1004|0x00|119|$MAC_7841|7841|||" "4|1004|0x00|4|||1||"
out=$(fields "$D/tvs-query-notfound-tls13.pcap" "$(kl tvs-query-notfound-tls13)" -- tvs.subject tvs.issuer tvs.serial)
assert_eq "$S2|CN=Example-Issuing-CA|0bad5e1a01" "$(echo "$out" | head -1 | cut -d'|' -f2-)" "query-notfound: S2"

# (e) two requests on one connection
cap="$D/tvs-two-requests-tls12.pcap"; o=$(kl tvs-two-requests-tls12)
df=$(data_frames "$cap" "$o")
c1=$(nth_frame "$df" c 1); s1=$(nth_frame "$df" s 1); c2=$(nth_frame "$df" c 2); s2=$(nth_frame "$df" s 2)
out=$(fields "$cap" "$o" -- "${HDR_FIELDS[@]}" tvs.response_in tvs.response_to tvs.cert.serial)
assert_eq "$c1|1|1|0x00|966|00:11:22:33:44:aa|8845||||$s1||$ser_dir
$s1|2|1|0x00|15|||0|7|3600||$c1|
$c2|3|2|0x00|143|00:11:22:33:44:aa|8845||||$s2||
$s2|4|2|0x00|1470|||0|0,3|86400||$c2|$ser_ucm" "$out" "two-requests"
check_clean "$cap" "two-requests" "$o"

# (f) request and response each split over two TLS records
cap="$D/tvs-split-records-tls13.pcap"; o=$(kl tvs-split-records-tls13)
df=$(data_frames "$cap" "$o")
assert_eq "27 949 6 19" "$(echo "$df" | awk '{ printf "%s%s", s, $3; s = " " }')" "split-records: record sizes (README)"
check_exchange "split-records-tls13" "$cap" "$o" "1|1005|0x00|966|$MAC_8861|8861|||" "2|1005|0x00|15|||0|7|43200"
# the first record of each direction has no TVS message of its own
assert_eq "" "$(ts -r "$cap" -o "$o" -Y "tvs && (frame.number == $(nth_frame "$df" c 1) || frame.number == $(nth_frame "$df" s 1))" \
    -T fields -e frame.number)" "split-records: nothing decoded before reassembly"

# (g) three messages per record
cap="$D/tvs-multi-msg-record-tls12.pcap"; o=$(kl tvs-multi-msg-record-tls12)
df=$(data_frames "$cap" "$o")
c1=$(nth_frame "$df" c 1); s1=$(nth_frame "$df" s 1)
out=$(fields "$cap" "$o" -- "${HDR_FIELDS[@]}" tvs.response_in tvs.response_to tvs.serial tvs.subject)
M="00:11:22:33:44:bb"
assert_eq "$c1|1,1,3|21,22,23|0x00,0x00,0x00|966,855,119|$M,$M,$M|8841,8841,8841||||$s1,$s1,$s1||0bad5e1a01|$S2
$s1|2,2,4|21,22,23|0x00,0x00,0x00|16,4,4|||0,1,1|0,3|86400||$c1,$c1,$c1||" "$out" "multi-msg-record"
info=$(ts -r "$cap" -o "$o" -Y tvs -T fields -e _ws.col.Info --disable-protocol sbd)
assert_eq "Verify Request CP-8841-SEP0011223344BB: CN=directory.stormin.local, serial $ser_dir | Verify Request CP-8841-SEP0011223344BB: CN=rogue.example.invalid, serial $ser_rogue | Query Request CP-8841-SEP0011223344BB: CN=unknown-signer.example.invalid, serial 0bad5e1a01
Verify Response: valid, roles SAST,TFTP, TTL 86400 s | Verify Response: invalid | Query Response: invalid" \
    "$info" "multi-msg-record: Info column"
check_clean "$cap" "multi-msg-record" "$o"

# (h) reserved byte 0xF5, roles {2}, maximum TTL
check_exchange "verify-reserved-f5-tls13" "$D/tvs-verify-reserved-f5-tls13.pcap" "$(kl tvs-verify-reserved-f5-tls13)" \
    "1|1001|0x00|966|$MAC_8861|8861|||" "2|1001|0xf5|15|||0|2|2592000"
tree=$(ts -r "$D/tvs-verify-reserved-f5-tls13.pcap" -o "$(kl tvs-verify-reserved-f5-tls13)" -V -Y tvs)
assert_contains "$tree" "TTL: 2592000 s (30 days)" "reserved-f5: TTL as a duration"
assert_contains "$tree" "Role: CCM+TFTP (2)" "reserved-f5: role name"

# every capture of tvs/ is covered above
n=$(find "$D" -maxdepth 1 \( -name '*.pcap' -o -name '*.pcapng' \) | wc -l)
assert_eq "13" "$n" "number of captures in test-captures/tvs"

# ---------------------------------------------------------------------------
# The heuristic: with the port preference emptied, TLS on 2445 is found by
# content; with the heuristic disabled too, nothing is TVS.
cap="$D/tvs-split-records-tls13.pcap"; o=$(kl tvs-split-records-tls13)
# Both messages are split over two TLS records (README): the answer is
# reassembled at the server's second data record and paired with the
# request.  (Wireshark 4.4 lost it until the heuristic told TLS its handle
# the 4.4 way, sbd-compat.h sbd_tls_heur_set_app_handle.)
df=$(data_frames "$cap" "$o")
out=$(ts -r "$cap" -o "$o" -o 'tvs.tls.port:' -d tcp.port==2445,tls -2 -Y tvs -T fields -e frame.number \
      -e tvs.command -e tvs.request_id -e tvs.response_in -e tvs.response_to)
assert_eq "$(nth_frame "$df" c 2)	1	1005	$(nth_frame "$df" s 2)	
$(nth_frame "$df" s 2)	2	1005		$(nth_frame "$df" c 2)" "$out" "heuristic on 2445 without the port preference"
out=$(ts -r "$cap" -o "$o" -o 'tvs.tls.port:' --disable-heuristic tvs_tls -d tcp.port==2445,tls -Y tvs -T fields -e frame.number)
assert_eq "" "$out" "neither port nor heuristic: no TVS"

# ---------------------------------------------------------------------------
# Robustness captures (bytes in tools/tvs/make-tvs-robust-captures.py)
ser_pay=$(cert_serial "$R/payload.pem" | strip0)
sha1_pay=$(cert_fp sha1 "$R/payload.pem")
for f in "$R"/*.pcapng; do
    out=$(ts -r "$f" -2 -V 2>&1)
    check_no_dissector_bug "$out" "$(basename "$f")"
    out=$(ts -r "$f" -V 2>&1)
    check_no_dissector_bug "$out" "$(basename "$f") (one pass)"
    out=$(ts -r "$f" -o tvs.desegment:FALSE -V 2>&1)
    check_no_dissector_bug "$out" "$(basename "$f") (no reassembly)"
done

# garbage on the TVS port: shown as undecoded, then a normal exchange
cap="$R/tvs-robust-garbage.pcapng"
df=$(data_frames "$cap")
out=$(fields "$cap" -- tvs.undecoded tvs.not_tvs tvs.command tvs.request_id tvs.response_in tvs.response_to)
g1=$(nth_frame "$df" c 1); g2=$(nth_frame "$df" s 1); g3=$(nth_frame "$df" c 2); c1=$(nth_frame "$df" c 3); s1=$(nth_frame "$df" s 2)
assert_eq "$g1|00010203206e6f742054565320ff|1||||
$g2|9998979695|1||||
$g3|5702010000000001000407000100|1||||
$c1|||1|65|$s1|
$s1|||2|65||$c1" "$out" "garbage: undecoded data, then TVS"
assert_eq "$ser_pay" "$(ts -r "$cap" -Y "frame.number == $c1" -T fields -e tvs.cert.serial | strip0)" \
    "garbage: certificate serial after the garbage (openssl)"
assert_eq "$g1,$g2,$g3" "$(ts -r "$cap" -Y tvs.not_tvs -T fields -e frame.number | paste -sd,)" "garbage: expert infos"
assert_eq "Undecoded data (not a TVS message)" "$(ts -r "$cap" -Y "frame.number == $g2" -T fields -e _ws.col.Info --disable-protocol sbd)" \
    "garbage: Info column"

# truncated: reassembly waits (nothing decoded); without it, partial trees
cap="$R/tvs-robust-truncated.pcapng"
assert_eq "" "$(ts -r "$cap" -Y tvs -T fields -e frame.number)" "truncated: waits for the rest"
out=$(ts -r "$cap" -o tvs.desegment:FALSE -Y tvs -T fields -E separator='|' -e tvs.command -e tvs.request_id \
    -e tvs.length -e tvs.element.tag -e tvs.element.length -e tvs.truncated)
assert_eq "1|7|65535|1|24|1
2|||||1" "$out" "truncated: partial decode without reassembly"
assert_eq "2" "$(ts -r "$cap" -o tvs.desegment:FALSE -Y tvs.truncated -T fields -e frame.number | wc -l)" \
    "truncated: expert infos"
# ... and the trust checks say so (tvs-robust/README.md: a 10-byte header with body
# length 65535 and 3 body bytes; then 3 bytes of an answer's header).
df=$(data_frames "$cap")
c1=$(nth_frame "$df" c 1); s1=$(nth_frame "$df" s 1)
out=$(ts -2 -r "$cap" -Y sbd.finding -T fields -E separator='|' -e frame.number -e sbd.finding -e _ws.expert.message)
assert_contains "$out" "$c1|tvs-cut-off|tvs-cut-off: the TVS verify request (id 7) that starts in frame $c1 is cut off: 13 of its 65545 bytes" \
    "truncated: the request reported cut off"
assert_contains "$out" "$s1|tvs-cut-off|tvs-cut-off: the TVS verify answer that starts in frame $s1 is cut off: 3 bytes of its 10-byte header" \
    "truncated: the answer reported cut off"

# malformed messages
cap="$R/tvs-robust-malformed.pcapng"
df=$(data_frames "$cap")
c1=$(nth_frame "$df" c 1); c2=$(nth_frame "$df" c 2); c3=$(nth_frame "$df" c 3); s1=$(nth_frame "$df" s 1)
frames_with() { ts -r "$cap" -2 -Y "$1" -T fields -e frame.number | paste -sd,; }
assert_eq "$c1" "$(frames_with tvs.element.overrun)" "malformed: element overrun"
assert_eq "$c1" "$(frames_with 'tvs.length.mismatch')" "malformed: body length (overrun and leftover in one frame)"
tree=$(ts -r "$cap" -V -Y "frame.number == $c1")
assert_contains "$tree" "Element length 24 runs 7 bytes past the end of the message body" "malformed: overrun text"
assert_contains "$tree" "Body length ends inside the element at offset 10" "malformed: body length text"
assert_contains "$tree" "2 bytes left after the last element" "malformed: leftover bytes"
assert_eq "$c2" "$(frames_with tvs.device.name.unexpected)" "malformed: device name"
assert_eq "$c2" "$(frames_with tvs.device.prefix.unexpected)" "malformed: device prefix"
assert_eq "$c2" "$(frames_with tvs.cert.bad)" "malformed: bad DER"
assert_eq "$c2" "$(frames_with 'tvs.element.unknown && tvs.element.tag == 12')" "malformed: unknown tag"
assert_eq "$c2" "$(frames_with 'tvs.element.bad_length')" "malformed: status/TTL lengths"
assert_eq "$c2" "$(frames_with 'tvs.roles.empty')" "malformed: empty roles"
assert_eq "$c3" "$(frames_with 'tvs.command.unknown')" "malformed: unknown commands"
assert_eq "$s1" "$(frames_with 'tvs.status.unknown && tvs.role == 99 && tvs.ttl == 0')" "malformed: status 2, role 99, TTL 0"
assert_eq "$s1" "$(frames_with 'tvs.command.mismatch')" "malformed: command mismatch"
assert_eq "$s1" "$(frames_with 'tvs.no_request && tvs.request_id == 0x99')" "malformed: response without request"
assert_eq "$c2" "$(frames_with 'tvs.no_response')" "malformed: unanswered request (two passes)"
out=$(fields "$cap" -- tvs.command tvs.request_id tvs.response_in tvs.response_to)
assert_eq "$c1|1,1|16,17|$s1,$s1|
$c2|1|18||
$c3|0,9|19,20||
$s1|2,4,2|16,17,153||$c1,$c1" "$out" "malformed: messages and links"
tree=$(ts -r "$cap" -2 -V -Y "frame.number == $c2")
assert_contains "$tree" "Unknown element (tag 12): 3 bytes" "malformed: unknown element shown"
assert_contains "$tree" "Value: abcdef" "malformed: unknown element value"
info=$(ts -r "$cap" -Y "frame.number == $c3" -T fields -e _ws.col.Info --disable-protocol sbd)
assert_eq "Unknown command 0, id 19 | Unknown command 9, id 20" "$info" "malformed: Info of unknown commands"

# request ids reused (sequentially, and while one is outstanding)
cap="$R/tvs-robust-id-reuse.pcapng"
df=$(data_frames "$cap")
A=$(nth_frame "$df" c 1); rA=$(nth_frame "$df" s 1); B=$(nth_frame "$df" c 2); rB=$(nth_frame "$df" s 2)
C=$(nth_frame "$df" c 3); Dd=$(nth_frame "$df" c 4); rC=$(nth_frame "$df" s 3); rD=$(nth_frame "$df" s 4)
E=$(nth_frame "$df" c 5)
out=$(fields "$cap" -- tvs.command tvs.request_id)
assert_eq "$A|1|5
$rA|2|5
$B|3|5
$rB|4|5
$C|1|7
$Dd|1|7
$rC|2|7
$rD|2|7
$E|3|6" "$out" "id-reuse: messages"
# (the unanswered request carries the expert info only in two-pass mode)
assert_eq "$E" "$(ts -r "$cap" -2 -Y tvs.no_response -T fields -e frame.number)" "id-reuse: unanswered request, -2"
assert_eq "" "$(ts -r "$cap" -Y tvs.no_response -T fields -e frame.number)" "id-reuse: no premature expert, one pass"
out=$(ts -r "$cap" -2 -Y tvs -T fields -E separator='|' -e frame.number -e tvs.response_in -e tvs.response_to)
assert_eq "$A|$rA|
$rA||$A
$B|$rB|
$rB||$B
$C|$rC|
$Dd|$rD|
$rC||$C
$rD||$Dd
$E||" "$out" "id-reuse: request/response links"
assert_eq "" "$(ts -r "$cap" -2 -Y 'tvs.command.mismatch || tvs.no_request' -T fields -e frame.number)" \
    "id-reuse: no mismatch"

# several TLS records in one TCP segment, a message split between two of them
cap="$R/tvs-robust-one-segment.pcapng"
df=$(data_frames "$cap")
c1=$(nth_frame "$df" c 1); s1=$(nth_frame "$df" s 1)
assert_eq "2 2" "$(echo "$df" | awk '{ printf "%s%s", s, split($3, a, ","); s = " " }')" \
    "one-segment: two records in each direction's frame"
out=$(fields "$cap" -- tvs.command tvs.request_id tvs.response_in tvs.response_to tvs.status tvs.role tvs.ttl tvs.cert.sha1)
assert_eq "$c1|1,1|49,50|$s1,$s1|||||$sha1_pay,$sha1_pay
$s1|2,2|49,50||$c1,$c1|0,1|7|7200|" "$out" "one-segment: messages"
info=$(ts -r "$cap" -Y "frame.number == $s1" -T fields -e _ws.col.Info --disable-protocol sbd)
assert_eq "Verify Response: valid, roles APP-SERVER, TTL 7200 s | Verify Response: invalid" "$info" \
    "one-segment: Info column (no TLS text mixed in)"

# heuristic on port 3445; the response header split over two records
cap="$R/tvs-robust-heur-3445.pcapng"
PORT=3445
df=$(data_frames "$cap")
c1=$(nth_frame "$df" c 1); s2=$(nth_frame "$df" s 2)
out=$(fields "$cap" -- tvs.command tvs.request_id tvs.device.mac tvs.status tvs.role tvs.ttl tvs.response_in tvs.response_to)
assert_eq "$c1|1|81|$MAC_7841||||$s2|
$s2|2|81||0|2|3600||$c1" "$out" "heuristic on 3445"
assert_eq "" "$(ts -r "$cap" --disable-heuristic tvs_tls -Y tvs -T fields -e frame.number)" "3445 without the heuristic"
out=$(ts -r "$cap" -o tvs.tls.port:3445 --disable-heuristic tvs_tls -Y tvs -T fields -e tvs.request_id | paste -sd,)
assert_eq "81,81" "$out" "3445 by the port preference"
# data that only looks a bit like TVS is not claimed
cap="$R/tvs-robust-heur-reject-3445.pcapng"
assert_eq "4" "$(data_frames "$cap" | wc -l)" "heuristic reject: 4 data records"
assert_eq "" "$(ts -r "$cap" -Y tvs -T fields -e frame.number)" "heuristic reject: nothing claimed"
PORT=2445

# ---------------------------------------------------------------------------
# Fuzz: mutated messages as plaintext TCP streams, decoded with Decode As.
python3 - "$WORK/fuzz.pcap" "$D/ucm11pub.stormin.local.der" <<'PY'
import random, struct, sys
out, der = sys.argv[1], open(sys.argv[2], "rb").read()
rnd = random.Random(2445)

def el(t, v): return bytes([t]) + len(v).to_bytes(2, "big") + v
def msg(cmd, rid, body, res=0): return bytes([0x57, 1, cmd, res]) + rid.to_bytes(4, "big") + len(body).to_bytes(2, "big") + body
dev = el(1, b"\x01CP-8861-SEPB000B4BA0AEE")
base = [
    msg(1, 1, dev + el(2, der)),
    msg(2, 1, el(7, b"\0") + el(8, b"\0\3") + el(9, (86400).to_bytes(4, "big"))),
    msg(3, 2, dev + el(3, b"CN=a;O=b\0") + el(4, b"CN=ca\0") + el(5, bytes.fromhex("2400ab"))),
    msg(4, 2, el(7, b"\0") + el(2, der) + el(8, b"\0\3") + el(9, b"\0\1\x51\x80"), 0xf7),
]

def mutate(m):
    m = bytearray(m)
    for _ in range(rnd.randint(1, 4)):
        k = rnd.randint(0, 5)
        if k == 0 and m:                                    # flip a byte
            m[rnd.randrange(len(m))] = rnd.randrange(256)
        elif k == 1:                                        # truncate
            m = m[:rnd.randrange(len(m) + 1)]
        elif k == 2 and len(m) > 10:                        # body length
            m[8:10] = rnd.choice([0, 1, 2, 3, 0xffff, len(m) - 9, len(m) - 11, rnd.randrange(65536)]).to_bytes(2, "big")
        elif k == 3 and len(m) > 13:                        # an element length
            o = rnd.randrange(10, len(m) - 2)
            m[o:o + 2] = rnd.randrange(65536).to_bytes(2, "big")
        elif k == 4:                                        # insert garbage
            o = rnd.randrange(len(m) + 1)
            m[o:o] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 20)))
        elif k == 5 and len(m) > 12:                        # certificate bytes
            o = rnd.randrange(13, len(m))
            m[o] ^= 1 << rnd.randrange(8)
    return bytes(m)

def ip_tcp(sport, dport, seq, payload):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return ip + tcp + payload

with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))     # LINKTYPE_RAW
    t = 0
    for i in range(400):
        stream = b"".join(mutate(rnd.choice(base)) for _ in range(rnd.randint(1, 3)))
        if not stream:
            continue
        seq, sport = 1000, 20000 + i
        cuts = sorted(rnd.sample(range(1, len(stream)), min(rnd.randint(0, 2), len(stream) - 1))) if len(stream) > 1 else []
        parts = [stream[a:b] for a, b in zip([0] + cuts, cuts + [len(stream)])]
        for p in parts:
            pkt = ip_tcp(sport, 2445, seq, p)
            seq += len(p)
            t += 1
            f.write(struct.pack("<IIII", t, 0, len(pkt), len(pkt)) + pkt)
PY
for opt in tcp.desegment_tcp_streams:TRUE tcp.desegment_tcp_streams:FALSE; do
    out=$(ts -r "$WORK/fuzz.pcap" -o "$opt" -d tcp.port==2445,tvs -V 2>&1)
    check_no_dissector_bug "$out" "fuzz ($opt)"
    assert_contains "$out" "Cisco Trust Verification Service" "fuzz ($opt) reached the dissector"
    out=$(ts -r "$WORK/fuzz.pcap" -o "$opt" -d tcp.port==2445,tvs -2 -V 2>&1)
    check_no_dissector_bug "$out" "fuzz ($opt, two passes)"
done

finish
