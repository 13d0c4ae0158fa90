#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Check the TVS test captures listed in tools/tvs/captures.list:
#  * tshark decrypts each capture with its key log (and, for 'rsa' lines,
#    with the server RSA key alone; for 'dsb' lines, the pcapng with the
#    embedded secrets needs no option at all);
#  * the decrypted client->server and server->client byte streams equal,
#    byte for byte, the messages that the scenario describes (as composed
#    by 'tvs-peer dump');
#  * the negotiated TLS version and cipher suite are the ones listed.
#
# Usage: tools/tvs/check-tvs-captures.sh [DIR]   (default test-captures/tvs)
# Environment: TVS_PEER=/path/to/tvs-peer (otherwise it is built in /tmp)
#              TVS_PORT=2445
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$(cd "${1:-$root/test-captures/tvs}" && pwd)
port=${TVS_PORT:-2445}
list=$here/captures.list
fail=0

die() { echo "check-tvs-captures: error: $*" >&2; exit 1; }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }

command -v tshark >/dev/null || die "tshark is not installed"

tmp=$(mktemp -d /tmp/tvs-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ -n "${TVS_PEER:-}" ]; then
    peer=$TVS_PEER
else
    cmake -S "$here" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$tmp/build" >/dev/null
    peer=$tmp/build/tvs-peer
fi

# IANA code of an OpenSSL cipher / TLS 1.3 suite name used in captures.list
suite_code() {
    case "$1" in
        AES256-SHA) echo 0x0035;;
        ECDHE-RSA-AES128-GCM-SHA256) echo 0xc02f;;
        ECDHE-RSA-AES256-GCM-SHA384) echo 0xc030;;
        TLS_AES_128_GCM_SHA256) echo 0x1301;;
        TLS_AES_256_GCM_SHA384) echo 0x1302;;
        TLS_CHACHA20_POLY1305_SHA256) echo 0x1303;;
        *) echo unknown;;
    esac
}

# decrypted stream of TCP stream 0 -> $2.c2s / $2.s2c (hex, one line each)
follow() {   # $1 = capture, $2 = output prefix, rest = tshark options
    local f=$1 o=$2
    shift 2
    tshark -r "$f" "$@" -d "tcp.port==$port,tls" -q -z follow,tls,raw,0 \
        > "$o.follow" 2> "$o.err" || { cat "$o.err" >&2; return 1; }
    stream_of "$o.follow" 0 > "$o.c2s"
    stream_of "$o.follow" 1 > "$o.s2c"
}

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

hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }

check_streams() {   # $1 = label, $2 = prefix, $3 = expected prefix
    if [ "$(cat "$2.c2s")" != "$(hexof "$3.c2s.bin")" ]; then
        bad "$1: decrypted client->server bytes differ from the scenario"
    fi
    if [ "$(cat "$2.s2c")" != "$(hexof "$3.s2c.bin")" ]; then
        bad "$1: decrypted server->client bytes differ from the scenario"
    fi
    if [ ! -s "$2.c2s" ] || [ ! -s "$2.s2c" ]; then
        bad "$1: nothing decrypted"
    fi
}

n=0
while read -r name scn tls cipher opts dsb; do
    case "$name" in ''|\#*) continue;; esac
    n=$((n + 1))
    before=$fail
    pcap=$dir/$name.pcap
    keys=$dir/$name.keys
    [ -f "$pcap" ] || { bad "$name: missing $pcap"; continue; }
    [ -f "$keys" ] || { bad "$name: missing $keys"; continue; }

    # expected plaintext, composed from the scenario (cert files are in $dir)
    exp=$tmp/$name.exp
    (cd "$dir" &&
     "$peer" dump --scenario "$here/scenarios/$scn.scn" --side client \
         --out "$exp.c2s.bin" > /dev/null &&
     "$peer" dump --scenario "$here/scenarios/$scn.scn" --side server \
         --out "$exp.s2c.bin" > /dev/null) ||
        { bad "$name: cannot compose the scenario"; continue; }

    follow "$pcap" "$tmp/$name.kl" -o "tls.keylog_file:$keys" ||
        { bad "$name: tshark failed"; continue; }
    check_streams "$name (key log)" "$tmp/$name.kl" "$exp"

    case ",$opts," in *,rsa,*)
        follow "$pcap" "$tmp/$name.rsa" \
            -o "uat:rsa_keys:\"$dir/tvs-server.key.pem\",\"\"" ||
            { bad "$name: tshark failed (rsa)"; continue; }
        check_streams "$name (RSA key only)" "$tmp/$name.rsa" "$exp";;
    esac

    if [ "$dsb" = dsb ]; then
        if [ -f "$dir/$name-dsb.pcapng" ]; then
            follow "$dir/$name-dsb.pcapng" "$tmp/$name.dsb" ||
                { bad "$name: tshark failed (dsb)"; continue; }
            check_streams "$name-dsb.pcapng (embedded secrets)" \
                "$tmp/$name.dsb" "$exp"
        else
            bad "$name: missing $name-dsb.pcapng"
        fi
    fi

    # negotiated version and suite, from the ServerHello
    sh=$(tshark -r "$pcap" -d "tcp.port==$port,tls" \
            -Y "tls.handshake.type == 2" -T fields \
            -e tls.handshake.ciphersuite \
            -e tls.handshake.extensions.supported_version 2>/dev/null |
         head -n 1)
    suite=$(echo "$sh" | cut -f1)
    sv=$(echo "$sh" | cut -f2)
    [ "$suite" = "$(suite_code "$cipher")" ] ||
        bad "$name: cipher suite $suite, expected $cipher"
    if [ "$tls" = 1.3 ]; then want=0x0304; else want=""; fi
    [ "$sv" = "$want" ] || bad "$name: supported_version '$sv' for TLS $tls"

    [ "$fail" != "$before" ] && continue
    printf 'ok   %-32s %5d bytes c->s %5d bytes s->c\n' "$name" \
        "$(stat -c %s "$exp.c2s.bin")" "$(stat -c %s "$exp.s2c.bin")"
done < "$list"

[ "$n" -gt 0 ] || die "no captures listed in $list"
if [ "$fail" != 0 ]; then
    echo "check-tvs-captures: FAILED" >&2
    exit 1
fi
echo "check-tvs-captures: all $n captures decrypt to the expected bytes"
