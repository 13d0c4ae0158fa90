#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate everything under test-captures/trustlist/ from scratch:
#   1. test keys and certificates (openssl CLI)             -> keys/, certs/
#   2. ITL/CTL trust lists, .sgn and .enc.sgn files (mktl)  -> *.tlv, *.sgn
#   3. TFTP and HTTP captures on loopback (tftpd-hpa, tftp-hpa, curl,
#      python3 http.server, tcpdump)                        -> *.pcap
#   4. a check of every capture with tshark (each transfer is exported and
#      compared byte for byte with the file that was served)
#
# Usage: tools/make-trust-captures.sh [--no-captures]
#   --no-captures  only steps 1 and 2 (no root, no network needed)
#
# Environment: MKTL=/path/to/mktl uses an already built generator; otherwise
# tools/mktl/mktl.c is compiled into a temporary directory with cc.
#
# Needs: openssl, cc + libssl-dev, xxd; for captures also root, tcpdump,
# tftpd-hpa (in.tftpd), tftp-hpa (tftp), curl, python3, tshark, ss (iproute2).
# UDP 69 and TCP 6970 on 127.0.0.1 must be free while it runs.
#
# All keys made here are throw-away test keys.

set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/test-captures/trustlist"
CERTS="$OUT/certs"
KEYS="$OUT/keys"

# Fixed values so that regenerated files keep the same layout.
TIMESTAMP=1735689600                        # 2025-01-01T00:00:00Z
DAYS=7300
AES_KEY=000102030405060708090a0b0c0d0e0f    # .enc.sgn test key
AES_IV=101112131415161718191a1b1c1d1e1f     # .enc.sgn test IV
IP_PUB=198.51.100.1                         # documentation addresses, data only
IP_SUB=198.51.100.2
IP_B=203.0.113.1
CLIENT2=127.0.0.2                           # curl source address (phone stand-in)

CAPTURES=1
for arg in "$@"; do
	case "$arg" in
	--no-captures) CAPTURES=0 ;;
	-h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown argument: $arg" >&2; exit 2 ;;
	esac
done

WORK=$(mktemp -d /tmp/mktrust.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || die "'$t' not found"
	done
}

need openssl xxd

# ---------------------------------------------------------------- mktl ----

if [ -n "${MKTL:-}" ]; then
	[ -x "$MKTL" ] || die "MKTL=$MKTL is not executable"
else
	need cc
	MKTL="$WORK/mktl"
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$MKTL" \
		"$ROOT/tools/mktl/mktl.c" -lcrypto
fi

rm -rf "$OUT"
mkdir -p "$CERTS" "$KEYS"

# ---------------------------------------------------- keys and certs ----

# newkey NAME BITS
newkey() {
	openssl genrsa -out "$KEYS/$1.key" "$2" 2>/dev/null
}

# selfsigned NAME BITS SERIAL SUBJECT
selfsigned() {
	newkey "$1" "$2"
	openssl req -x509 -new -key "$KEYS/$1.key" -sha256 -days "$DAYS" \
		-set_serial "$3" -subj "$4" -out "$CERTS/$1.pem"
}

# casigned NAME BITS SERIAL SUBJECT CANAME
casigned() {
	newkey "$1" "$2"
	openssl req -new -key "$KEYS/$1.key" -subj "$4" -out "$WORK/$1.csr"
	openssl x509 -req -in "$WORK/$1.csr" -sha256 -days "$DAYS" \
		-set_serial "$3" -CA "$CERTS/$5.pem" -CAkey "$KEYS/$5.key" \
		-out "$CERTS/$1.pem" 2>/dev/null
}

log "keys and certificates"
# Subjects are given in certificate (DER) order: CN first, as CUCM does.
A="/OU=UC/O=Example/L=Auckland/ST=AKL/C=NZ"
# Cluster A. ITLRecovery has a serial whose first byte is 0x81 (sign-byte rule).
selfsigned itlrecovery-a 2048 0x81a395c7d2e04f6b8a1c3e5f7092b4d6 \
	"/CN=ITLRECOVERY_cucm-a-pub.example.com$A"
selfsigned callmanager-a 2048 0x70caf6a1b2c3d4e5f60718293a4b5c6d \
	"/CN=cucm-a-pub.example.com$A"
selfsigned callmanager-a-sub 2048 0x4d5e6f708192a3b4c5d6e7f801122334 \
	"/CN=cucm-a-sub.example.com$A"
selfsigned tvs-a 2048 0x5a0b1c2d3e4f50617283940a1b2c3d4e \
	"/CN=TVS-cucm-a-pub.example.com$A"
selfsigned capf-a 2048 0x3c4d5e6f708192a3b4c5d6e7f8091a2b \
	"/CN=CAPF-cucm-a-pub$A"
selfsigned example-ca 2048 0x01 \
	"/CN=Example Issuing CA/O=Example/C=NZ"
casigned appserver-a 2048 0x2b3c4d5e6f708192 \
	"/CN=apps.example.com/OU=Apps/O=Example/L=Auckland/ST=AKL/C=NZ" example-ca
# Hardware-token style SAST: 1024-bit, 10-byte serial starting 0x83,
# issued by a manufacturing CA (no signature tag in its record).
selfsigned mfg-ca 2048 0x0a \
	"/CN=Example Manufacturing CA/O=Example Systems"
casigned etoken-sast 1024 0x83e9080000005545af31 \
	"/CN=SAST-ADN00A1B2C3/OU=IPCBU/O=Example Systems" mfg-ca
# Phone LSC issued by the CAPF: its public key wraps the .enc.sgn AES key.
casigned phone-sep001122334455 2048 0x6e01020304050607 \
	"/CN=CP-8861-SEP001122334455/OU=Phones/O=Example/L=Auckland/ST=AKL/C=NZ" \
	capf-a
# Cluster B (pre-12.0 style: CallManager cert as SAST and TFTP), 1024-bit.
selfsigned callmanager-b-1024 1024 0x1f2e3d4c5b6a7988 \
	"/CN=cucm-b-pub.example.net/OU=UC/O=Example B/L=Wellington/ST=WGN/C=NZ"
# Signers that do not belong to cluster A.
selfsigned unknown-signer 2048 0x7e57000000000000000000000000c0de \
	"/CN=ITLRECOVERY_cucm-c-pub.example.org/OU=UC/O=Example C/L=Christchurch/ST=CAN/C=NZ"
selfsigned rogue 2048 0x0bad51 \
	"/CN=rogue-signer.example.invalid/O=Nobody"

# ------------------------------------------------------- test files ----

log "trust lists and signed files"
cd "$OUT"

K="$KEYS"
C="$CERTS"

# Records of cluster A in the Cisco style (DNS name and IP present).
REC_SAST="role=SAST,cert=$C/itlrecovery-a.pem,dns=cucm-a-pub,ip=$IP_PUB"
REC_CCMTFTP="role=CCM+TFTP,cert=$C/callmanager-a.pem,dns=cucm-a-pub,ip=$IP_PUB"
REC_TVS="role=TVS,cert=$C/tvs-a.pem,dns=cucm-a-pub,ip=$IP_PUB"
REC_CAPF="role=CAPF,cert=$C/capf-a.pem,dns=cucm-a-pub,ip=$IP_PUB"

itl_a_records=(-r "$REC_SAST" -r "$REC_CCMTFTP" -r "$REC_TVS" -r "$REC_CAPF")

# 1. Cisco-style per-device ITL, SHA-1.
"$MKTL" itl -o ITLSEP001122334455.tlv -t "$TIMESTAMP" -H sha1 \
	-c "$C/itlrecovery-a.pem" -k "$K/itlrecovery-a.key" \
	"${itl_a_records[@]}"

# 2. certutils-2024 style ITLFile.tlv, SHA-512 (code 3), tag 28 = 1.0.
"$MKTL" itl -o ITLFile.tlv -t "$TIMESTAMP" -H sha512 --style certutils \
	-c "$C/itlrecovery-a.pem" -k "$K/itlrecovery-a.key" \
	-r "role=SAST,cert=$C/itlrecovery-a.pem" \
	-r "role=CCM,cert=$C/callmanager-a.pem" \
	-r "role=TFTP,cert=$C/callmanager-a.pem" \
	-r "role=TVS,cert=$C/tvs-a.pem" \
	-r "role=APP-SERVER,cert=$C/appserver-a.pem"

# 3. Cisco-style CTL: ITLRecovery SAST + eToken SAST (no tag 8, empty DNS).
"$MKTL" ctl -o CTLSEP001122334455.tlv -t "$TIMESTAMP" -H sha1 \
	-c "$C/itlrecovery-a.pem" -k "$K/itlrecovery-a.key" \
	-r "$REC_SAST" \
	-r "role=SAST,cert=$C/etoken-sast.pem,nosig" \
	-r "$REC_CCMTFTP" \
	-r "$REC_CAPF" \
	-r "role=TFTP,cert=$C/callmanager-a-sub.pem,dns=cucm-a-sub,ip=$IP_SUB" \
	-r "role=APP-SERVER,cert=$C/appserver-a.pem,dns=apps,ip=$IP_SUB"

# 4. Blank ("rollback") ITL: full SAST record, blank TFTP and TVS records
#    (33 bytes each: DNS name "198.51.100.1" = 12 chars + NUL).
"$MKTL" itl -o ITLSEPAABBCCDDEEFF.tlv -t "$TIMESTAMP" -H sha1 \
	-c "$C/itlrecovery-a.pem" -k "$K/itlrecovery-a.key" \
	-r "$REC_SAST" \
	-r "role=TFTP,blank,dns=$IP_PUB,ip=$IP_PUB" \
	-r "role=TVS,blank,dns=$IP_PUB,ip=$IP_PUB"

# 5. Signed and encrypted configuration files (signed by the CCM+TFTP key).
cat > SEP001122334455.cnf.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<device xsi:type="axl:XIPPhone" ctiid="1001">
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <sshUserId>admin</sshUserId>
  <devicePool>
    <dateTimeSetting>
      <dateTemplate>D/M/Y</dateTemplate>
      <timeZone>New Zealand Standard/Daylight Time</timeZone>
    </dateTimeSetting>
    <callManagerGroup>
      <members>
        <member priority="0">
          <callManager>
            <ports>
              <ethernetPhonePort>2000</ethernetPhonePort>
              <sipPort>5060</sipPort>
              <securedSipPort>5061</securedSipPort>
            </ports>
            <processNodeName>cucm-a-pub.example.com</processNodeName>
          </callManager>
        </member>
      </members>
      <tftpDefault>true</tftpDefault>
    </callManagerGroup>
  </devicePool>
  <TVS>
    <members>
      <member priority="0">
        <port>2445</port>
        <address>cucm-a-pub.example.com</address>
      </member>
    </members>
  </TVS>
  <sipProfile>
    <sipProxies>
      <registerWithProxy>true</registerWithProxy>
    </sipProxies>
    <sipLines>
      <line button="1">
        <featureID>9</featureID>
        <featureLabel>Reception</featureLabel>
        <name>1001</name>
        <displayName>Reception</displayName>
        <contact>1001</contact>
        <authName>1001</authName>
        <authPassword>not-a-secret</authPassword>
      </line>
    </sipLines>
  </sipProfile>
  <loadInformation>sip88xx.14-2-1-0201-40</loadInformation>
  <capfAuthMode>0</capfAuthMode>
  <capfList>
    <capf>
      <phonePort>3804</phonePort>
      <processNodeName>cucm-a-pub.example.com</processNodeName>
    </capf>
  </capfList>
  <deviceSecurityMode>1</deviceSecurityMode>
  <certHash></certHash>
  <encrConfig>false</encrConfig>
</device>
EOF

"$MKTL" sgn -o SEP001122334455.cnf.xml.sgn -t "$TIMESTAMP" -H sha1 \
	-c "$C/callmanager-a.pem" -k "$K/callmanager-a.key" \
	-i SEP001122334455.cnf.xml

"$MKTL" encsgn -o SEP001122334455.cnf.xml.enc.sgn -t "$TIMESTAMP" -H sha1 \
	-c "$C/callmanager-a.pem" -k "$K/callmanager-a.key" \
	-d "$C/phone-sep001122334455.pem" \
	--aes-key "$AES_KEY" --iv "$AES_IV" \
	-i SEP001122334455.cnf.xml

# 6. Hash-code variants (small).
#    Legacy SHA-512 code 4 with the 2020-2024 certutils layout: tag 28 = 1.1,
#    Cisco signer-info order and ';' names, certutils record order.
"$MKTL" itl -o ITL-sha512-legacy.tlv -t "$TIMESTAMP" -H sha512-legacy \
	--style certutils --signer-order cisco --dn-style cisco -S 1.1 \
	-c "$C/itlrecovery-a.pem" -k "$K/itlrecovery-a.key" \
	-r "role=SAST,cert=$C/itlrecovery-a.pem" \
	-r "role=TFTP,cert=$C/callmanager-a.pem"
#    SHA-256 code 2, cluster B signed by a 1024-bit CallManager cert that is
#    present twice (SAST and TFTP), 128-byte signature.
"$MKTL" itl -o ITL-sha256.tlv -t "$TIMESTAMP" -H sha256 \
	-c "$C/callmanager-b-1024.pem" -k "$K/callmanager-b-1024.key" \
	-r "role=SAST,cert=$C/callmanager-b-1024.pem,dns=cucm-b-pub,ip=$IP_B" \
	-r "role=TFTP,cert=$C/callmanager-b-1024.pem,dns=cucm-b-pub,ip=$IP_B"

# 7. Bad files.
#    badsig: header names the SAST record, but the rogue key signs.
"$MKTL" itl -o ITLSEP001122334455-badsig.tlv -t "$TIMESTAMP" -H sha1 \
	-c "$C/itlrecovery-a.pem" -k "$K/rogue.key" --allow-key-mismatch \
	"${itl_a_records[@]}" 2>/dev/null
#    unknown signer: cluster A records, signed by a cert that is not in them.
"$MKTL" itl -o ITL-unknown-signer.tlv -t "$TIMESTAMP" -H sha1 \
	-c "$C/unknown-signer.pem" -k "$K/unknown-signer.key" \
	"${itl_a_records[@]}" 2>/dev/null

#    corrupt: flip one bit of the RSA modulus inside the certificate (tag 9)
#    of record 2 (CCM+TFTP) of ITLSEP001122334455.tlv. The certificate still
#    parses; its tag 7 no longer matches and the file signature fails.
u8()  { xxd -s "$2" -l 1 -p "$1"; }
u16() { echo $((16#$(xxd -s "$2" -l 2 -p "$1"))); }
# tlv_value_offset FILE START END TAG -> offset of the value of the first
# TAG between START and END (tag 1 = record length is a plain TLV).
tlv_value_offset() {
	local f=$1 off=$2 end=$3 tag=$4 t l
	while [ "$off" -lt "$end" ]; do
		t=$((16#$(u8 "$f" "$off")))
		l=$(u16 "$f" $((off + 1)))
		if [ "$t" -eq "$tag" ]; then
			echo $((off + 3)); return 0
		fi
		off=$((off + 3 + l))
	done
	return 1
}
SRC=ITLSEP001122334455.tlv
hdr=$(u16 "$SRC" 8)
rec2=$((hdr + $(u16 "$SRC" $((hdr + 3)))))
rec2_end=$((rec2 + $(u16 "$SRC" $((rec2 + 3)))))
pk=$(tlv_value_offset "$SRC" "$rec2" "$rec2_end" 7)
pk_len=$(u16 "$SRC" $((pk - 2)))
cert=$(tlv_value_offset "$SRC" "$rec2" "$rec2_end" 9)
cert_len=$(u16 "$SRC" $((cert - 2)))
pk_hex=$(xxd -s "$pk" -l "$pk_len" -p "$SRC" | tr -d '\n')
cert_hex=$(xxd -s "$cert" -l "$cert_len" -p "$SRC" | tr -d '\n')
prefix=${cert_hex%%"$pk_hex"*}
[ "${#prefix}" -lt "${#cert_hex}" ] || die "public key not found in certificate"
# RSAPublicKey: 30 82 LL LL 02 82 LL LL 00 <modulus>; flip modulus byte 100.
flip=$((cert + ${#prefix} / 2 + 9 + 100))
cp "$SRC" ITLSEP001122334455-corrupt.tlv
old=$((16#$(u8 "$SRC" "$flip")))
printf '%02x' $((old ^ 0x01)) | xxd -r -p |
	dd of=ITLSEP001122334455-corrupt.tlv bs=1 seek="$flip" conv=notrunc \
		status=none
printf '    corrupt: offset %d (0x%x) 0x%02x -> 0x%02x\n' \
	"$flip" "$flip" "$old" $((old ^ 0x01))

# tlv_header_tag FILE TAG: offset of header-level TAG (containers entered,
# single 0x0D padding bytes skipped).
tlv_header_tag() {
	local f=$1 tag=$2 off=0 t l end
	end=$(u16 "$f" 8)
	while [ "$off" -lt "$end" ]; do
		t=$((16#$(u8 "$f" "$off")))
		if [ "$t" -eq 13 ]; then off=$((off + 1)); continue; fi
		if [ "$t" -eq "$tag" ]; then echo "$off"; return 0; fi
		l=$(u16 "$f" $((off + 1)))
		case "$t" in
		3|7|9|16|17|21) off=$((off + 3)) ;;
		*) off=$((off + 3 + l)) ;;
		esac
	done
	return 1
}

# verify FILE CERT HASH -> prints OK/FAIL. Cuts the signature TLV (tag 12:
# tag byte, 2 length bytes, value) out of the file and checks the rest with
# openssl dgst, independently of mktl.
verify() {
	local f=$1 crt=$2 md=$3 sigpos siglen
	sigpos=$(tlv_header_tag "$f" 12)
	siglen=$(u16 "$f" $((sigpos + 1)))
	head -c "$sigpos" "$f" > "$WORK/signed"
	tail -c +$((sigpos + 3 + siglen + 1)) "$f" >> "$WORK/signed"
	xxd -s $((sigpos + 3)) -l "$siglen" -p "$f" | xxd -r -p > "$WORK/sig"
	openssl x509 -in "$crt" -pubkey -noout > "$WORK/pub.pem"
	if openssl dgst "-$md" -verify "$WORK/pub.pem" -signature "$WORK/sig" \
		"$WORK/signed" >/dev/null 2>&1; then
		echo OK
	else
		echo FAIL
	fi
}

log "signature check with openssl"
check() {
	local f=$1 crt=$2 md=$3 want=$4 got
	got=$(verify "$f" "$CERTS/$crt.pem" "$md")
	printf '    %-36s %-4s (expected %s)\n' "$f" "$got" "$want"
	[ "$got" = "$want" ] || die "$f: signature check gave $got"
}
check ITLSEP001122334455.tlv         itlrecovery-a      sha1   OK
check ITLFile.tlv                    itlrecovery-a      sha512 OK
check CTLSEP001122334455.tlv         itlrecovery-a      sha1   OK
check ITLSEPAABBCCDDEEFF.tlv         itlrecovery-a      sha1   OK
check SEP001122334455.cnf.xml.sgn    callmanager-a      sha1   OK
check SEP001122334455.cnf.xml.enc.sgn callmanager-a     sha1   OK
check ITL-sha512-legacy.tlv          itlrecovery-a      sha512 OK
check ITL-sha256.tlv                 callmanager-b-1024 sha256 OK
check ITL-unknown-signer.tlv         unknown-signer     sha1   OK
check ITLSEP001122334455-badsig.tlv  itlrecovery-a      sha1   FAIL
check ITLSEP001122334455-corrupt.tlv itlrecovery-a      sha1   FAIL

# .enc.sgn: unwrap the key with the phone key and decrypt the payload.
encf=SEP001122334455.cnf.xml.enc.sgn
kpos=$(tlv_header_tag "$encf" 25)
klen=$(u16 "$encf" $((kpos + 1)))
xxd -s $((kpos + 3)) -l "$klen" -p "$encf" | xxd -r -p > "$WORK/wrapped"
unwrapped=$(openssl pkeyutl -decrypt -inkey "$KEYS/phone-sep001122334455.key" \
	-pkeyopt rsa_padding_mode:pkcs1 -in "$WORK/wrapped" | xxd -p)
[ "$unwrapped" = "$AES_KEY" ] || die "$encf: wrapped key does not unwrap"
ehdr=$(u16 "$encf" 8)
npad=$(u16 "$encf" $(($(tlv_header_tag "$encf" 20) + 3)))
tail -c +$((ehdr + 1)) "$encf" |
	openssl enc -d -aes-128-cbc -nopad -K "$AES_KEY" -iv "$AES_IV" \
	> "$WORK/plain"
head -c -"$npad" "$WORK/plain" | cmp -s - SEP001122334455.cnf.xml ||
	die "$encf: payload does not decrypt to the XML"
echo "    $encf decrypts to SEP001122334455.cnf.xml ($npad pad bytes)"

if [ "$CAPTURES" -eq 0 ]; then
	log "done (no captures)"
	exit 0
fi

# --------------------------------------------------------- captures ----

need tcpdump in.tftpd tftp curl python3 tshark ss
[ "$(id -u)" -eq 0 ] || die "captures need root (tcpdump, UDP port 69)"

SRV="$WORK/srv"
mkdir -p "$SRV" "$WORK/dl"
cp ./*.tlv ./*.sgn "$SRV/"
chmod 755 "$WORK" "$SRV"
chmod 644 "$SRV"/*

port_busy() {
	# port_busy udp|tcp PORT
	if [ "$1" = udp ]; then
		ss -Hlun "sport = :$2" | grep -q .
	else
		ss -Hltn "sport = :$2" | grep -q .
	fi
}

# start_capture FILE FILTER
start_capture() {
	tcpdump -i lo -U -n -s 0 -w "$1" "$2" 2>"$WORK/tcpdump.err" &
	CAP_PID=$!
	PIDS+=("$CAP_PID")
	for _ in $(seq 50); do
		grep -q "listening on" "$WORK/tcpdump.err" && return 0
		sleep 0.1
	done
	die "tcpdump did not start: $(cat "$WORK/tcpdump.err")"
}

stop_capture() {
	sleep 1
	kill -INT "$CAP_PID"
	wait "$CAP_PID" 2>/dev/null || true
}

start_tftpd() {
	port_busy udp 69 && die "UDP port 69 is already in use"
	in.tftpd -L -a 127.0.0.1:69 -s "$SRV" &
	TFTPD_PID=$!
	PIDS+=("$TFTPD_PID")
	for _ in $(seq 50); do
		port_busy udp 69 && return 0
		sleep 0.1
	done
	die "in.tftpd did not start"
}

stop_tftpd() {
	kill "$TFTPD_PID"
	wait "$TFTPD_PID" 2>/dev/null || true
}

# tftp_get FILE...: one tftp-hpa session (one client socket), octet mode.
tftp_get() {
	local f cmds="binary"$'\n'
	for f in "$@"; do
		cmds+="get $f $WORK/dl/$f"$'\n'
	done
	cmds+="quit"$'\n'
	printf '%s' "$cmds" | tftp 127.0.0.1 >/dev/null
	for f in "$@"; do
		cmp -s "$WORK/dl/$f" "$SRV/$f" || die "tftp get $f failed"
	done
}

# curl_get URL_PREFIX FILE [curl options]
curl_get() {
	local url=$1 f=$2
	shift 2
	curl -sS --fail "$@" -o "$WORK/dl/$f" "$url/$f"
	cmp -s "$WORK/dl/$f" "$SRV/$f" || die "curl $url/$f failed"
}

log "capture tftp-itl-ctl-sgn.pcap"
start_tftpd
start_capture tftp-itl-ctl-sgn.pcap udp
tftp_get CTLSEP001122334455.tlv ITLSEP001122334455.tlv \
	SEP001122334455.cnf.xml.sgn
stop_capture

log "capture tftp-blksize.pcap"
start_capture tftp-blksize.pcap udp
curl_get tftp://127.0.0.1 ITLSEP001122334455.tlv --tftp-blksize 1428 \
	--interface "$CLIENT2"
stop_capture

log "capture tftp-variants.pcap"
start_capture tftp-variants.pcap udp
tftp_get ITLFile.tlv
tftp_get ITLSEPAABBCCDDEEFF.tlv
tftp_get ITLSEP001122334455-corrupt.tlv
tftp_get ITLSEP001122334455-badsig.tlv
tftp_get ITL-unknown-signer.tlv
curl_get tftp://127.0.0.1 SEP001122334455.cnf.xml.enc.sgn --interface "$CLIENT2"
curl_get tftp://127.0.0.1 ITL-sha256.tlv --interface "$CLIENT2"
curl_get tftp://127.0.0.1 ITL-sha512-legacy.tlv --interface "$CLIENT2"
stop_capture
stop_tftpd

log "capture http-6970.pcap"
port_busy tcp 6970 && die "TCP port 6970 is already in use"
python3 -m http.server 6970 --bind 127.0.0.1 --directory "$SRV" \
	>/dev/null 2>&1 &
HTTPD_PID=$!
PIDS+=("$HTTPD_PID")
for _ in $(seq 50); do
	port_busy tcp 6970 && break
	sleep 0.1
done
port_busy tcp 6970 || die "python3 http.server did not start"
start_capture http-6970.pcap "tcp port 6970"
curl_get http://127.0.0.1:6970 ITLSEP001122334455.tlv --interface "$CLIENT2"
curl_get http://127.0.0.1:6970 SEP001122334455.cnf.xml.sgn --interface "$CLIENT2"
stop_capture
kill "$HTTPD_PID"
wait "$HTTPD_PID" 2>/dev/null || true

# ------------------------------------------------------ verification ----

log "verify captures with tshark"
# verify_capture PCAP PROTO FILE...: every FILE is exported complete from
# PCAP, and every packet belongs to PROTO.
verify_capture() {
	local pcap=$1 proto=$2 dir f stray
	shift 2
	dir="$WORK/export-${pcap%.pcap}"
	mkdir -p "$dir"
	tshark -r "$pcap" -o tftp.defragment:TRUE -d tcp.port==6970,http \
		--export-objects "$proto,$dir" -q >/dev/null 2>&1
	for f in "$@"; do
		cmp -s "$dir/$f" "$f" || die "$pcap: $f is missing or incomplete"
	done
	stray=$(tshark -r "$pcap" -o tftp.defragment:TRUE \
		-Y "!$proto && !tcp" 2>/dev/null | wc -l)
	[ "$stray" -eq 0 ] || die "$pcap: $stray packets that are not $proto"
	stray=$(tshark -r "$pcap" -o tftp.defragment:TRUE \
		-Y 'tftp.opcode == 5 || _ws.expert.severity >= warning' \
		2>/dev/null | wc -l)
	[ "$stray" -eq 0 ] || die "$pcap: $stray error/warning packets"
	printf '    %-22s %3d packets, %d file(s) complete\n' "$pcap" \
		"$(tshark -r "$pcap" 2>/dev/null | wc -l)" "$#"
}
verify_capture tftp-itl-ctl-sgn.pcap tftp CTLSEP001122334455.tlv \
	ITLSEP001122334455.tlv SEP001122334455.cnf.xml.sgn
verify_capture tftp-blksize.pcap tftp ITLSEP001122334455.tlv
verify_capture tftp-variants.pcap tftp ITLFile.tlv ITLSEPAABBCCDDEEFF.tlv \
	ITLSEP001122334455-corrupt.tlv ITLSEP001122334455-badsig.tlv \
	ITL-unknown-signer.tlv SEP001122334455.cnf.xml.enc.sgn \
	ITL-sha256.tlv ITL-sha512-legacy.tlv
verify_capture http-6970.pcap http ITLSEP001122334455.tlv \
	SEP001122334455.cnf.xml.sgn

log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
