#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate everything under test-captures/tvs/ from scratch: test PKI
# (openssl CLI), then one real TLS capture on the loopback interface per
# line of tools/tvs/captures.list (tcpdump + tvs-peer server + client), the
# NSS key logs, and pcapng files with the secrets embedded.  Finally runs
# check-tvs-captures.sh and check-tac-exchange.sh on the result.
#
# Needs: root (tcpdump on lo), cmake + a C compiler + libssl-dev (unless
# TVS_PEER points at a built tvs-peer), openssl, tcpdump, tshark, editcap.
#
# Usage: tools/tvs/make-tvs-captures.sh [OUTDIR]   (default test-captures/tvs)
# Environment: TVS_PEER=/path/to/tvs-peer   use this binary, do not build
#              TVS_PORT=2445                port to use
#              TVS_KEEP_WORK=1              keep the work directory (logs)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/test-captures/tvs}
port=${TVS_PORT:-2445}
list=$here/captures.list

die() { echo "make-tvs-captures: error: $*" >&2; exit 1; }
log() { echo "== $*"; }

for t in openssl tcpdump tshark editcap; do
    command -v "$t" >/dev/null || die "$t is not installed"
done
[ "$(id -u)" = 0 ] || die "must run as root (tcpdump on lo)"

work=$(mktemp -d /tmp/tvs-captures.XXXXXX)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ -n "${TVS_KEEP_WORK:-}" ]; then
        echo "work directory kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- tvs-peer
if [ -n "${TVS_PEER:-}" ]; then
    peer=$TVS_PEER
else
    log "building tvs-peer"
    cmake -S "$here" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$work/build" >/dev/null
    peer=$work/build/tvs-peer
fi
[ -x "$peer" ] || die "no tvs-peer binary at $peer"

# ---------------------------------------------------------------- PKI
pki=$work/pki
mkdir -p "$pki"
cd "$pki"

der_len() { stat -c %s "$1"; }
# length of the tbsCertificate (second header of a DER certificate)
tbs_len() { od -An -tu1 -j6 -N2 "$1" | awk '{print $1 * 256 + $2}'; }

log "PKI: issuing CA CN=stormin-WIN2012-CA"
cat > ca.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = stormin-WIN2012-CA
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
EOF
openssl req -x509 -config ca.cnf -extensions ca_ext -newkey rsa:2048 \
    -nodes -keyout ca.key -sha256 -days 7300 -set_serial 0x1F3D2A55 \
    -out stormin-WIN2012-CA.pem 2>/dev/null

# The certificate of the formats.md 6.6 exchange.  An nsComment extension
# is sized so that the DER is 1451 bytes with a 0x48f-byte tbsCertificate.
log "PKI: ucm11pub.stormin.local (1451-byte DER, serial 2400...0017)"
openssl req -new -newkey rsa:2048 -nodes -keyout ucm.key \
    -subj "/CN=ucm11pub.stormin.local/OU=IST/O=Stormin/L=Brisbane/ST=QLD/C=AU" \
    -out ucm.csr 2>/dev/null
make_ucm() {    # $1 = number of padding characters in the comment
    local pad
    pad=$(head -c "$1" /dev/zero | tr '\0' '.')
    cat > ucm.ext <<EOF
[ucm]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, dataEncipherment, keyAgreement
extendedKeyUsage = serverAuth, clientAuth, ipsecEndSystem
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:ucm11pub.stormin.local
nsComment = "TVS test certificate, padded to the size of the TAC 213407 example$pad"
EOF
    openssl x509 -req -in ucm.csr -CA stormin-WIN2012-CA.pem -CAkey ca.key \
        -set_serial 0x24000000179479B8F124AC3F3B000000000017 -days 3650 \
        -sha256 -extfile ucm.ext -extensions ucm \
        -out ucm11pub.stormin.local.pem 2>/dev/null
    openssl x509 -in ucm11pub.stormin.local.pem -outform DER \
        -out ucm11pub.stormin.local.der
}
make_ucm 300
make_ucm $((300 + 0x48f - $(tbs_len ucm11pub.stormin.local.der)))
[ "$(der_len ucm11pub.stormin.local.der)" = 1451 ] ||
    die "ucm11pub DER is $(der_len ucm11pub.stormin.local.der) bytes, not 1451"
[ "$(tbs_len ucm11pub.stormin.local.der)" = $((0x48f)) ] ||
    die "ucm11pub tbsCertificate length is not 0x48f"

log "PKI: TVS server certificate (self-signed, RSA 2048)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout tvs-server.key.pem \
    -subj "/CN=ucm11pub-tvs.stormin.local/OU=IST/O=Stormin/L=Brisbane/ST=QLD/C=AU" \
    -sha256 -days 3650 -set_serial 0x5A5A0021 \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
    -addext "extendedKeyUsage=serverAuth" \
    -out tvs-server.pem 2>/dev/null
# PKCS#8 PEM without a password: what Wireshark's RSA key list expects
openssl pkey -in tvs-server.key.pem -out tvs-server.key.pem.tmp
mv tvs-server.key.pem.tmp tvs-server.key.pem

log "PKI: HTTPS server certificate directory.stormin.local"
openssl req -new -newkey rsa:2048 -nodes -keyout dir.key \
    -subj "/CN=directory.stormin.local/OU=IST/O=Stormin/L=Brisbane/ST=QLD/C=AU" \
    -out dir.csr 2>/dev/null
cat > dir.ext <<'EOF'
[dir]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:directory.stormin.local
authorityKeyIdentifier = keyid
EOF
openssl x509 -req -in dir.csr -CA stormin-WIN2012-CA.pem -CAkey ca.key \
    -set_serial 0x7E57C0DE01 -days 3650 -sha256 -extfile dir.ext \
    -extensions dir -out directory.stormin.local.pem 2>/dev/null

log "PKI: unknown self-signed certificate rogue.example.invalid"
openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key \
    -subj "/CN=rogue.example.invalid/O=Example" -sha256 -days 3650 \
    -set_serial 0x0BADCE27 -out rogue.example.invalid.pem 2>/dev/null

log "PKI: phone LSC CN=SEPB000B4BA0AEE (TLS client certificate)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout phone-lsc.key.pem \
    -subj "/CN=SEPB000B4BA0AEE/OU=IST/O=Stormin" -sha256 -days 3650 \
    -set_serial 0x1CAB0001 -addext "extendedKeyUsage=clientAuth" \
    -out phone-lsc.pem 2>/dev/null

# ---------------------------------------------------------------- captures
# wait until a file exists or a file contains a string (max ~5 s)
wait_for() {   # $1 = file, [$2 = string]
    local _
    for _ in $(seq 1 100); do
        if [ -e "$1" ] && { [ $# -lt 2 ] || grep -q "$2" "$1"; }; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

zflag=()
[ "$(id -u)" = 0 ] && zflag=(-Z root)

capture() {   # NAME SCENARIO TLS CIPHER OPTIONS DSB
    local name=$1 scn=$here/scenarios/$2.scn tls=$3 cipher=$4 opts=$5
    local dsb=$6 tpid spid cipher_opt server_extra=() client_extra=()

    log "capture $name ($2, TLS $tls, $cipher, options $opts)"
    [ -f "$scn" ] || die "no scenario $scn"
    if [ "$tls" = 1.3 ]; then cipher_opt=--ciphersuites; else cipher_opt=--ciphers; fi
    case ",$opts," in *,lsc,*)
        server_extra+=(--request-cert)
        client_extra+=(--cert phone-lsc.pem --key phone-lsc.key.pem);;
    esac
    rm -f "$name.pcap" "$name.ready" "$name.keys" "$name.server.keys"

    tcpdump -i lo -U --immediate-mode -n "${zflag[@]}" -w "$name.pcap" "tcp port $port" \
        2> "$name.tcpdump.log" &
    tpid=$!; pids+=("$tpid")
    wait_for "$name.tcpdump.log" "listening on" || die "tcpdump did not start"

    "$peer" server --port "$port" --tls "$tls" "$cipher_opt" "$cipher" \
        --cert tvs-server.pem --key tvs-server.key.pem \
        --keylog "$name.server.keys" --scenario "$scn" \
        --ready-file "$name.ready" --timeout 20 "${server_extra[@]}" \
        > "$name.server.log" 2>&1 &
    spid=$!; pids+=("$spid")
    wait_for "$name.ready" || die "server did not start (see $name.server.log)"

    if ! "$peer" client --port "$port" --tls "$tls" "$cipher_opt" "$cipher" \
        --keylog "$name.keys" --scenario "$scn" --timeout 20 \
        "${client_extra[@]}" > "$name.client.log" 2>&1; then
        cat "$name.client.log" "$name.server.log" >&2
        die "client failed for $name"
    fi
    if ! wait "$spid"; then
        cat "$name.server.log" >&2
        die "server failed for $name"
    fi
    sleep 0.5                     # let tcpdump see the final FIN/ACK
    kill -INT "$tpid"
    wait "$tpid" || die "tcpdump failed for $name"
    grep -q "^closed cleanly" "$name.client.log" || die "$name: client log"

    # both ends must have logged the same secrets (the client also logs
    # the RSA pre-master secret when RSA key exchange is used)
    [ -s "$name.keys" ] || die "$name: empty key log"
    [ -z "$(comm -13 <(sort "$name.keys") <(sort "$name.server.keys"))" ] ||
        die "$name: the server logged secrets the client did not"
    rm -f "$name.server.keys" "$name.ready"

    if [ "$dsb" = dsb ]; then
        editcap --inject-secrets "tls,$name.keys" "$name.pcap" \
            "$name-dsb.pcapng"
    fi
}

while read -r name scn tls cipher opts dsb; do
    case "$name" in ''|\#*) continue;; esac
    capture "$name" "$scn" "$tls" "$cipher" "$opts" "$dsb"
done < "$list"

# ---------------------------------------------------------------- install
log "installing into $out"
mkdir -p "$out"
# everything in this directory is generated by this script
find "$out" -mindepth 1 -maxdepth 1 -type f \
    \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.keys' \
       -o -name '*.pem' -o -name '*.der' \) -delete
cp ./*.pcap ./*.pcapng ./*.keys "$out"/
cp stormin-WIN2012-CA.pem ucm11pub.stormin.local.pem \
   ucm11pub.stormin.local.der tvs-server.pem tvs-server.key.pem \
   directory.stormin.local.pem rogue.example.invalid.pem phone-lsc.pem "$out"/
chmod 644 "$out"/*

# ---------------------------------------------------------------- checks
log "checking"
TVS_PEER=$peer "$here/check-tvs-captures.sh" "$out"
"$here/check-tac-exchange.sh" "$out"
log "done: $(du -sh "$out" | cut -f1) in $out"
