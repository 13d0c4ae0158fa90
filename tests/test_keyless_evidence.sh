#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The captures of test-captures/keyless/ (tools/make-keyless-captures.sh)
# show on the wire what their scenario says, read with and without the key
# log: who sent which alert, the TCP resets, the TLS version, suite and
# record lengths, the TVS messages and the TFTP requests.  Every expected
# value comes from how the capture was made (the script, the .scn files,
# formats.md 6 message sizes, the RFC record sizes), never from tshark
# output copied back.  Also the keyless TVS answer class of
# dissectors/sbd-tls-size.c (tests/tls_size_cli) on the keyless fields.
. "$(dirname "$0")/lib.sh"

K="$CAPS/keyless"
CLI="$BUILD/tests/tls_size_cli"
A=127.0.0.1          # cluster A: TFTP and TVS
B=127.0.0.20         # cluster B: TFTP

# tsf CAP KEYS FILTER FIELD...: tshark fields of the TVS port's packets
# matching FILTER; KEYS empty = without key log
tsf() {
    local cap=$1 keys=$2 filter=$3 f=()
    shift 3
    for x in "$@"; do f+=(-e "$x"); done
    ts -r "$K/$cap.pcap" -o "tls.keylog_file:$keys" -Y "tcp.port == 2445 && ($filter)" \
        -T fields -E separator=/t "${f[@]}" 2>&1
}
# both CAP: "" and the key log, for loops over both readings
keysof() { echo "$K/$1.keys"; }

# ---- sizes from the scenarios (formats.md 6.2-6.6) ----
SUBJ='CN=ITLRECOVERY_cucm-b-pub.example.net;OU=UC;O=Example B;L=Wellington;ST=WGN;C=NZ'
# header + device (3 + 0x01 + "CP-8861-SEP" + 12) + subject, issuer (3 + n + NUL) + serial (3 + 16)
REQ=$((10 + 3 + 1 + 23 + 2 * (3 + ${#SUBJ} + 1) + 3 + 16))
DER=$(stat -c %s "$CAPS/audit/certs/itlrecovery-b.der")
VALID=$((10 + 4 + 3 + DER + 3 + 2 + 3 + 4))   # status, cert, roles {0,3}, ttl
INVALID=14
# record lengths (RFC 5288 / 5246 6.2.3.2 minimal padding / 8446 5.2)
gcm() { echo $(($1 + 8 + 16)); }
cbc() { local c=$(($1 + 20)); echo $((16 + (c / 16 + 1) * 16)); }   # SHA-1 MAC, 1..16 padding, IV
t13() { echo $(($1 + 1 + 16)); }

# tftp_rrqs CAP: "src dst file" of every read request, in order
tftp_rrqs() {
    ts -r "$K/$1.pcap" -Y 'tftp.opcode == 1' -T fields -e ip.src -e ip.dst -e tftp.source_file 2>&1 | tr '\t' ' '
}
migration_rrqs() {  # IP MAC: A's CTL, A's ITL, B's CTL
    printf '%s %s CTLSEP%s.tlv\n%s %s ITLSEP%s.tlv\n%s %s CTLSEP%s.tlv' "$1" $A "$2" "$1" $A "$2" "$1" $B "$2"
}
migration_end_rrqs() {
    printf '%s %s ITLSEP%s.tlv\n%s %s SEP%s.cnf.xml.sgn' "$1" $B "$2" "$1" $B "$2"
}

# answer_class CAP KEYS STREAM: class of the server's application data in
# TVS stream STREAM from the keyless fields (ServerHello, record lengths)
answer_class() {
    local cap=$1 st=$2 v s etm lines min=0 max=0 r
    read -r v s < <(tsf "$cap" "" "tcp.stream == $st && tls.handshake.type == 2" \
        tls.handshake.extensions.supported_version tls.handshake.ciphersuite |
        awk -F '\t' '{ print ($1 == "" ? "0x0303" : $1), $2 }')
    etm=0
    tsf "$cap" "" "tcp.stream == $st && tls.handshake.type == 2 && tls.handshake.extension.type == 22" frame.number | grep -q . && etm=1
    # the answer: the server's type-23 records after the phone's request
    # (its first type-23 record in a frame without its ChangeCipherSpec: in
    # TLS 1.3 its Finished is type 23 too, sent with the CCS) up to the
    # phone's next record (no tickets; formats.md 6.1: one request).
    # Keyless TLS 1.3 records carry tls.record.opaque_type, after the
    # frame's plaintext records (tls.record.content_type).
    lines=$(tsf "$cap" "" "tcp.stream == $st && tls" ip.src tls.record.content_type \
            tls.record.opaque_type tls.record.length |
        awk -F '\t' -v a=$A '
            { t = $2 (($2 != "" && $3 != "") ? "," : "") $3
              n = split(t, ty, ","); split($4, l, ",")
              ccs = ("," t ",") ~ /,20,/
              for (i = 1; i <= n; i++) {
                  if ($1 != a) {
                      if (req) done = 1
                      else if (ty[i] == 23 && !ccs) req = 1
                  } else if (req && !done && ty[i] == 23) print l[i] } }')
    for r in $lines; do
        read -r _ _ _ lmin lmax < <(echo "size $v $s $etm $r" | "$CLI")
        min=$((min + lmin)); max=$((max + lmax))
    done
    echo "class $min $max" | "$CLI"
}

# ============================ 1. the phone rejects TVS's certificate ====
for tls in 12 13; do
    cap=phone-alert-tls$tls ip=127.0.21.${tls#1}
    [ "$tls" = 12 ] && ip=127.0.21.1 || ip=127.0.21.2
    m=${ip##*.}
    assert_eq "$ip $A ITLSEP00112233210$m.tlv" "$(tftp_rrqs $cap)" "$cap: TFTP"
    for keys in "" "$(keysof $cap)"; do
        w="$cap${keys:+ (keys)}"
        # s_client trusting only tvs-a meets self-signed tvs-b: OpenSSL maps
        # the verify error to unknown_ca (48), fatal (2), from the phone.
        # OpenSSL 3.0's client sends it before it installs its handshake
        # write key, so in TLS 1.3 too the alert record is plaintext.
        assert_eq "$ip	2	48" "$(tsf $cap "$keys" tls.alert_message ip.src tls.alert_message.level tls.alert_message.desc)" "$w: phone's alert"
        assert_eq "" "$(tsf $cap "$keys" "ip.src == $A && tls.alert_message" frame.number)" "$w: no alert from TVS"
        assert_eq "" "$(tsf $cap "$keys" "tls.record.content_type == 23 && ip.src == $ip" frame.number)" "$w: phone sends no application data"
        assert_eq "" "$(tsf $cap "$keys" "tcp.flags.reset == 1" frame.number)" "$w: no reset"
    done
    # the certificate presented is tvs-b (visible without keys in TLS 1.2 only)
    want=$(openssl x509 -in "$CAPS/audit/certs/tvs-b.pem" -outform DER | od -An -v -tx1 | tr -d ' \n')
    got=$(tsf $cap "$(keysof $cap)" tls.handshake.certificate tls.handshake.certificate | tr -d ':')
    assert_eq "$want" "$got" "$cap: TVS presents tvs-b (with keys)"
    if [ "$tls" = 12 ]; then
        assert_eq "$want" "$(tsf $cap "" tls.handshake.certificate tls.handshake.certificate | tr -d ':')" "$cap: tvs-b without keys"
    else
        assert_eq "" "$(tsf $cap "" tls.handshake.certificate frame.number)" "$cap: certificate hidden without keys"
        assert_eq "0x0304	0x1302" "$(tsf $cap "" 'tls.handshake.type == 2' tls.handshake.extensions.supported_version tls.handshake.ciphersuite)" "$cap: TLS 1.3, TLS_AES_256_GCM_SHA384"
    fi
done

# ============================ 2. TVS ends the handshake with an alert ====
cap=server-alert-no-shared-cipher ip=127.0.22.1
assert_eq "$(migration_rrqs $ip 001122332201)" "$(tftp_rrqs $cap)" "$cap: TFTP"
for keys in "" "$(keysof $cap)"; do
    w="$cap${keys:+ (keys)}"
    # the phone offers 0xc030 (+ the renegotiation SCSV), TVS only 0xc02f:
    # OpenSSL's handshake_failure (40) right after the ClientHello
    assert_eq "0xc030,0x00ff" "$(tsf $cap "$keys" 'tls.handshake.type == 1' tls.handshake.ciphersuite)" "$w: offered suites"
    assert_eq "" "$(tsf $cap "$keys" 'tls.handshake.type == 2' frame.number)" "$w: no ServerHello"
    assert_eq "$A	2	40" "$(tsf $cap "$keys" tls.alert_message ip.src tls.alert_message.level tls.alert_message.desc)" "$w: TVS's alert"
done
assert_eq "0" "$(wc -c < "$K/$cap.keys")" "$cap: no secrets (no handshake)"

cap=server-alert-client-cert-tls12 ip=127.0.22.2
assert_eq "$(migration_rrqs $ip 001122332202)" "$(tftp_rrqs $cap)" "$cap: TFTP"
for keys in "" "$(keysof $cap)"; do
    w="$cap${keys:+ (keys)}"
    assert_eq "1" "$(tsf $cap "$keys" 'tls.handshake.type == 13' frame.number | wc -l)" "$w: CertificateRequest"
    # the phone (tvs-peer client) has no certificate: an empty Certificate
    assert_eq "$ip	0" "$(tsf $cap "$keys" 'tls.handshake.type == 11 && ip.src != 127.0.0.1' ip.src tls.handshake.certificates_length)" "$w: empty client Certificate"
    # TLS 1.2: TVS has not switched keys, its alert is plaintext
    assert_eq "$A	2	40" "$(tsf $cap "$keys" tls.alert_message ip.src tls.alert_message.level tls.alert_message.desc)" "$w: TVS's alert"
    assert_eq "" "$(tsf $cap "$keys" 'tls.record.content_type == 23' frame.number)" "$w: no application data"
done

cap=server-alert-client-cert-tls13 ip=127.0.22.3
assert_eq "$(migration_rrqs $ip 001122332203)" "$(tftp_rrqs $cap)" "$cap: TFTP"
# without keys: after the phone's second flight TVS sends one encrypted
# record of 2 + 1 + 16 = 19 bytes (an alert, RFC 8446 5.2), the phone its
# request (REQ + 17) and TVS resets
got=$(tsf $cap "" "tls && frame.number > 41" ip.src tls.record.opaque_type tls.record.length | tail -n 2)
assert_eq "$A	23	19
$ip	23	$(t13 $REQ)" "$got" "$cap: keyless records after the phone's Finished"
assert_eq "" "$(tsf $cap "" tls.alert_message frame.number)" "$cap: no readable alert without keys"
# with keys: certificate_required (116), fatal, from TVS; the request
assert_eq "$A	2	116" "$(tsf $cap "$(keysof $cap)" tls.alert_message ip.src tls.alert_message.level tls.alert_message.desc)" "$cap: TVS's alert (keys)"
assert_eq "3	$((REQ - 10))" "$(tsf $cap "$(keysof $cap)" tvs tvs.command tvs.length)" "$cap: the query request (keys)"
for keys in "" "$(keysof $cap)"; do
    assert_eq "$A" "$(tsf $cap "$keys" 'tcp.flags.reset == 1' ip.src)" "$cap${keys:+ (keys)}: TVS resets"
done

# ================================================ 3. TCP resets ========
cap=rst-in-handshake ip=127.0.23.1
assert_eq "$(migration_rrqs $ip 001122332301)" "$(tftp_rrqs $cap)" "$cap: TFTP"
for keys in "" "$(keysof $cap)"; do
    w="$cap${keys:+ (keys)}"
    # TVS sent its first flight, the phone its ClientKeyExchange, CCS and
    # Finished; TVS resets instead of its CCS and Finished
    assert_eq "1" "$(tsf $cap "$keys" 'tls.handshake.type == 14' frame.number | wc -l)" "$w: ServerHelloDone"
    assert_eq "$ip" "$(tsf $cap "$keys" 'tls.record.content_type == 20' ip.src)" "$w: only the phone's CCS"
    assert_eq "$A" "$(tsf $cap "$keys" 'tcp.flags.reset == 1' ip.src)" "$w: TVS resets"
    assert_eq "" "$(tsf $cap "$keys" 'tls.alert_message || tls.record.content_type == 23' frame.number)" "$w: no alert, no application data"
    last=$(tsf $cap "$keys" 'tls || tcp.flags.reset == 1' frame.number | tail -n 1)
    assert_eq "$last" "$(tsf $cap "$keys" 'tcp.flags.reset == 1' frame.number)" "$w: the reset is the last word"
done

cap=rst-after-request ip=127.0.23.2
assert_eq "$(migration_rrqs $ip 001122332302)" "$(tftp_rrqs $cap)" "$cap: TFTP"
for keys in "" "$(keysof $cap)"; do
    w="$cap${keys:+ (keys)}"
    assert_eq "$ip
$A" "$(tsf $cap "$keys" 'tls.record.content_type == 20' ip.src)" "$w: handshake finished (both CCS)"
    assert_eq "$ip	$(gcm $REQ)" "$(tsf $cap "$keys" 'tls.record.content_type == 23' ip.src tls.record.length)" "$w: the request, no answer"
    assert_eq "$A" "$(tsf $cap "$keys" 'tcp.flags.reset == 1' ip.src)" "$w: TVS resets"
done
assert_eq "3	$((REQ - 10))" "$(tsf $cap "$(keysof $cap)" tvs tvs.command tvs.length)" "$cap: query request decrypted"

# ====================================== 4. TVS answers of each size ====
# answer CAP IP MAC TLS KIND SUITE: KIND valid|invalid
answer() {
    local cap=$1 ip=$2 mac=$3 tls=$4 kind=$5 suite=$6 len rq rs want_rrq keys w
    [ "$kind" = valid ] && len=$VALID || len=$INVALID
    case "$tls" in
    gcm) rq=$(gcm $REQ) rs=$(gcm $len) ;;
    cbc) rq=$(cbc $REQ) rs=$(cbc $len) ;;
    t13) rq=$(t13 $REQ) rs=$(t13 $len) ;;
    esac
    want_rrq=$(migration_rrqs "$ip" "$mac")
    [ "$kind" = valid ] && want_rrq+=$'\n'$(migration_end_rrqs "$ip" "$mac")
    assert_eq "$want_rrq" "$(tftp_rrqs "$cap")" "$cap: TFTP"
    assert_eq "$suite" "$(tsf "$cap" "" 'tls.handshake.type == 2' tls.handshake.ciphersuite)" "$cap: suite"
    for keys in "" "$(keysof "$cap")"; do
        w="$cap${keys:+ (keys)}"
        # the phone's request, then TVS's answer; close_notify both ways
        got=$(tsf "$cap" "$keys" "tls.record.content_type == 23 || tls.record.opaque_type == 23" ip.src tls.record.length |
              awk -F '\t' -v t="$tls" '{ n = split($2, l, ","); for (i = 1; i <= n; i++) print $1 "\t" l[i] }' | tail -n 4)
        if [ "$tls" = t13 ] && [ -z "$keys" ]; then
            # TLS 1.3 without keys: the close_notify alerts are type 23 too
            assert_eq "$ip	$rq
$A	$rs
$ip	19
$A	19" "$got" "$w: records"
        else
            assert_eq "$ip	$rq
$A	$rs" "$(echo "$got" | head -n 2)" "$w: records"
        fi
    done
    assert_eq "3	4" "$(tsf "$cap" "$(keysof "$cap")" tvs tvs.command | tr '\n' '\t' | sed 's/\t$//')" "$cap: query, answer (keys)"
    if [ "$kind" = valid ]; then
        assert_eq "0" "$(tsf "$cap" "$(keysof "$cap")" 'tvs.command == 4' tvs.status)" "$cap: status valid (keys)"
        assert_eq "WITH_CERT" "$(answer_class "$cap" 0)" "$cap: keyless answer class"
    else
        assert_eq "1" "$(tsf "$cap" "$(keysof "$cap")" 'tvs.command == 4' tvs.status)" "$cap: status invalid (keys)"
        assert_eq "$((INVALID - 10))" "$(tsf "$cap" "$(keysof "$cap")" 'tvs.command == 4' tvs.length)" "$cap: status only (keys)"
        # CBC: 14 and a 25-byte verify answer fit the same record, but a
        # query answer that is not status-only carries a certificate
        if [ "$tls" = cbc ]; then want=AMBIGUOUS; else want=STATUS_ONLY; fi
        assert_eq "$want" "$(answer_class "$cap" 0)" "$cap: keyless answer class"
    fi
}
answer answer-valid-tls12-gcm   127.0.24.1 001122332401 gcm valid   0xc030
answer answer-invalid-tls12-gcm 127.0.24.2 001122332402 gcm invalid 0xc030
answer answer-valid-tls12-cbc   127.0.24.3 001122332403 cbc valid   0x0035
answer answer-invalid-tls12-cbc 127.0.24.4 001122332404 cbc invalid 0x0035
answer answer-valid-tls13       127.0.24.5 001122332405 t13 valid   0x1302
answer answer-invalid-tls13     127.0.24.6 001122332406 t13 invalid 0x1302
# CBC sessions: encrypt_then_mac off (tvs-peer --no-etm), so MAC-then-encrypt
for cap in answer-valid-tls12-cbc answer-invalid-tls12-cbc; do
    assert_eq "" "$(tsf $cap "" 'tls.handshake.type == 2 && tls.handshake.extension.type == 22' frame.number)" "$cap: no encrypt_then_mac"
done

# =================================== 5. asking again for a rejected list ====
cap=retry-rejected ip=127.0.25.1 mac=001122332501
assert_eq "$(migration_rrqs $ip $mac)
$ip $B CTLSEP$mac.tlv" "$(tftp_rrqs $cap)" "$cap: TFTP, B's CTL twice"
assert_eq "1" "$(tsf $cap "$(keysof $cap)" 'tvs.command == 4' tvs.status)" "$cap: invalid (keys)"
assert_eq "STATUS_ONLY" "$(answer_class $cap 0)" "$cap: keyless answer class"
# the second CTL request comes after the TVS session's end
t_tvs=$(tsf $cap "" 'tcp.flags.fin == 1' frame.number | tail -n 1)
t_ctl=$(ts -r "$K/$cap.pcap" -Y 'tftp.opcode == 1' -T fields -e frame.number 2>&1 | tail -n 1)
[ "$t_ctl" -gt "$t_tvs" ] && pass || fail "$cap: second CTL request (frame $t_ctl) before the TVS session ended ($t_tvs)"

cap=retry-then-accepted ip=127.0.25.2 mac=001122332502
assert_eq "$(migration_rrqs $ip $mac)
$ip $B CTLSEP$mac.tlv
$(migration_end_rrqs $ip $mac)" "$(tftp_rrqs $cap)" "$cap: TFTP"
assert_eq "1
0" "$(tsf $cap "$(keysof $cap)" 'tvs.command == 4' tvs.status)" "$cap: invalid, then valid (keys)"
assert_eq "STATUS_ONLY" "$(answer_class $cap 0)" "$cap: first answer, keyless"
assert_eq "WITH_CERT" "$(answer_class $cap 1)" "$cap: second answer, keyless"

# every capture of the directory is covered above
assert_eq 15 "$(find "$K" -name '*.pcap' | wc -l)" "captures in keyless/"
for c in "$K"/*.pcap; do
    [ -f "${c%.pcap}.keys" ] && pass || fail "$(basename "$c"): no key log"
done

echo "$CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
