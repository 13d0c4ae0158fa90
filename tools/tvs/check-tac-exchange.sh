#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prove that the TVS query captures reproduce the exchange of formats.md
# section 6.6 (Cisco TAC 213407) byte for byte:
#   * the certificate ucm11pub.stormin.local.der is 1451 bytes, starts
#     30 82 05 a7 30 82 04 8f a0 03 02 01 02 02 13 24 00 ... and has the
#     19-byte serial 24 00 00 00 17 94 79 b8 f1 24 ac 3f 3b 00 00 00 00 00 17;
#   * the decrypted request is exactly the 153 bytes written out below;
#   * the decrypted response is 1480 bytes: the 10-byte header
#     57 01 04 f7 00 00 03 e9 05 be, status 07 00 01 00, the certificate
#     element 02 05 ab + the DER file, roles 08 00 02 00 03 and TTL
#     09 00 04 00 01 51 80.
# The expected bytes are written out here from formats.md, independently of
# tvs-peer.  Checks tvs-query-found-tac-tls12.pcap (key log) and
# tvs-query-found-tac-tls12-rsa.pcap (server RSA key only).
#
# Usage: tools/tvs/check-tac-exchange.sh [DIR]   (default test-captures/tvs)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$(cd "${1:-$root/test-captures/tvs}" && pwd)
port=${TVS_PORT:-2445}
fail=0

bad() { echo "FAIL: $*" >&2; fail=1; }
ok() { echo "ok   $*"; }
same() {   # LABEL GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}
hexstr() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
hexfile() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# --- expected bytes (formats.md 6.6) ----------------------------------
device=$(hexstr "CP-8861-SEPB000B4BA0AEE")
subject=$(hexstr "CN=ucm11pub.stormin.local;OU=IST;O=Stormin;L=Brisbane;ST=QLD;C=AU")
issuer=$(hexstr "CN=stormin-WIN2012-CA")
serial=24000000179479b8f124ac3f3b000000000017

req=57010300000003e9008f            # header: cmd 3, id 1001, body 143
req+=010018"01$device"              # DEVICE_NAME: 0x01 + 23 chars = 24
req+=030042"${subject}00"           # SUBJECT_NAME: 65 chars + NUL = 66
req+=040016"${issuer}00"            # ISSUER_NAME (tag 4 inferred): 22
req+=050013"$serial"                # SERIAL (tag 5 inferred): 19 raw bytes

resp_head=570104f7000003e905be      # header: cmd 4, reserved f7, id 1001, body 1470
resp_status=07000100                # STATUS 0
resp_certhdr=0205ab                 # CERTIFICATE, 1451 bytes
resp_tail=080002000309000400015180  # ROLES {0,3}, TTL 86400
cert_prefix=308205a73082048fa003020102021324000000179479b8f124ac3f3b000000000017

# --- the certificate ----------------------------------------------------
der=$dir/ucm11pub.stormin.local.der
cert=$(hexfile "$der")
if [ "${#cert}" = $((1451 * 2)) ]; then ok "certificate DER is 1451 bytes"
else bad "certificate DER is $((${#cert} / 2)) bytes, not 1451"; fi
if [ "${cert:0:${#cert_prefix}}" = "$cert_prefix" ]; then
    ok "certificate starts $cert_prefix (tbs 0x48f, serial 19 bytes)"
else bad "certificate does not start with $cert_prefix"; fi
s=$(openssl x509 -in "$dir/ucm11pub.stormin.local.pem" -noout -serial)
same "openssl x509 -serial" "$s" "serial=24000000179479B8F124AC3F3B000000000017"
[ "$(openssl x509 -in "$dir/ucm11pub.stormin.local.pem" -outform DER | od -An -v -tx1 | tr -d ' \n')" = "$cert" ] ||
    bad "ucm11pub .pem and .der differ"
s=$(openssl x509 -in "$der" -inform DER -noout -subject -nameopt RFC2253)
# RFC 2253 prints the RDNs last-first: this is CN, OU, O, L, ST, C in the DER
same "subject in DER order CN, OU, O, L, ST, C" "$s" \
    "subject=C=AU,ST=QLD,L=Brisbane,O=Stormin,OU=IST,CN=ucm11pub.stormin.local"
s=$(openssl x509 -in "$der" -inform DER -noout -issuer -nameopt RFC2253)
same "issuer CN=stormin-WIN2012-CA" "$s" "issuer=CN=stormin-WIN2012-CA"

# --- the captures -------------------------------------------------------
stream_of() {   # $1 = 'follow,tls,raw' output, $2 = 0 client / 1 server
    # Lines indented with a tab come from node 1, the others from node 0.
    # Node 0 is whoever sent the first decrypted data (the server in TLS
    # 1.3), so tell the directions apart by the port on the "Node 0:" line.
    awk -v want="$2" -v port="$port" '
        /^Node 0:/ { n0srv = ($0 ~ (":" port "$")); next }
        /^Node 1:/ { on = 1; next }
        /^=+$/ { on = 0 }
        on && NF { node = /^\t/; sub(/^\t/, "")
                   srv = n0srv ? !node : node
                   if (srv == want) printf "%s", $0 }' "$1"
}

check_capture() {   # $1 = label, $2 = capture, rest = tshark options
    local label=$1 f=$2 out c2s s2c
    shift 2
    out=$(tshark -r "$f" "$@" -d "tcp.port==$port,tls" -q \
              -z follow,tls,raw,0 2>/dev/null) || { bad "$label: tshark failed"; return; }
    c2s=$(stream_of <(echo "$out") 0)
    s2c=$(stream_of <(echo "$out") 1)

    if [ "$c2s" = "$req" ]; then
        ok "$label: request is exactly the expected $((${#req} / 2)) bytes"
        ok "$label: request starts ${c2s:0:100}"
    else
        bad "$label: request differs: got $((${#c2s} / 2)) bytes ${c2s:0:100}"
    fi
    [ "${#c2s}" = 306 ] || bad "$label: request is not 153 bytes"

    if [ "${#s2c}" = 2960 ]; then ok "$label: response is 1480 bytes"
    else bad "$label: response is $((${#s2c} / 2)) bytes, not 1480"; fi
    local head=${s2c:0:20} st=${s2c:20:8} ch=${s2c:28:6}
    local body=${s2c:34:2902} tail=${s2c:2936}
    same "$label: response header $resp_head" "$head" "$resp_head"
    same "$label: status element $resp_status" "$st" "$resp_status"
    same "$label: certificate element $resp_certhdr + the 1451-byte DER file" \
        "$ch$body" "$resp_certhdr$cert"
    same "$label: roles + TTL $resp_tail" "$tail" "$resp_tail"
}

check_capture "tls12 (key log)" "$dir/tvs-query-found-tac-tls12.pcap" \
    -o "tls.keylog_file:$dir/tvs-query-found-tac-tls12.keys"
check_capture "tls12 pcapng (embedded secrets)" \
    "$dir/tvs-query-found-tac-tls12-dsb.pcapng"
check_capture "tls12 RSA (key only)" "$dir/tvs-query-found-tac-tls12-rsa.pcap" \
    -o "uat:rsa_keys:\"$dir/tvs-server.key.pem\",\"\""

if [ "$fail" != 0 ]; then
    echo "check-tac-exchange: FAILED" >&2
    exit 1
fi
echo "check-tac-exchange: the captures reproduce formats.md 6.6 byte for byte"
