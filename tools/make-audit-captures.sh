#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate everything under test-captures/audit/: the captures for
# itl-audit and the in-Wireshark trust checks (TVS server certificate vs the
# phone's ITL, trust-list chain, known failure patterns).
#
#   1. keys and certificates of cluster A and cluster B (openssl CLI)
#                                                    -> certs/, keys/
#   2. the trust lists, configs and signed configs the TFTP servers serve
#      (tools/mktl), each signature checked with openssl -> served/
#   3. one capture per scenario on the loopback interface: phones are curl
#      (TFTP, each phone from its own 127.x.y.z address) followed by TLS
#      sessions from the same address to a TVS on TCP 2445 (tools/tvs/tvs-peer
#      server; client tvs-peer with tools/audit/bind-source.so, or
#      openssl s_client -bind for a phone that rejects the certificate);
#      tcpdump records everything           -> clean/, site-a/, site-b/
#   4. a check of every capture with tshark: every TFTP transfer is exported
#      and equal to the served file, every TLS server certificate is the
#      expected one, every key log decrypts the TVS messages to exactly the
#      bytes of the scenario (tvs-peer dump), no stray packet
#
# Usage: tools/make-audit-captures.sh [--keep-work]
# Run as root (tcpdump, UDP port 69).  Needs: openssl, cc + libssl-dev,
# python3, tcpdump, tftpd-hpa (in.tftpd), curl, tshark, ss (iproute2).
# UDP port 69 (any address) and TCP port 2445 must be free while it runs.
# It listens on 127.0.0.1, 127.0.0.10 and 127.0.0.20 and sends from
# 127.0.1.1 ... 127.0.12.2 (all on lo, nothing leaves the machine).
#
# Environment: MKTL=/path/to/mktl, TVS_PEER=/path/to/tvs-peer use built
# programs; otherwise tools/mktl/mktl.c and tools/tvs/tvs-peer.c are
# compiled with cc into the temporary work directory.
#
# All keys made here are throw-away test keys.  The scenarios, expected
# verdicts and findings are described in test-captures/README.md, section
# "audit/", and in test-captures/audit/expected.tsv (written below).

set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/test-captures/audit"
SCN="$ROOT/tools/audit/scenarios"

TS_A=1735689600                 # 2025-01-01T00:00:00Z  cluster A lists
TS_B=1738368000                 # 2025-02-01T00:00:00Z  cluster B, regenerated lists
DAYS=7300
IP_DATA_A=198.51.100.1          # record IP addresses: data only
IP_DATA_B=203.0.113.1
SRV_A=127.0.0.1                 # cluster A publisher: TFTP and TVS
SRV_A_SUB=127.0.0.10            # cluster A subscriber: TFTP
SRV_B=127.0.0.20                # cluster B publisher: TFTP
TVS_PORT=2445
BLKSIZE=1428                    # curl --tftp-blksize
TLS12_CIPHER=ECDHE-RSA-AES256-GCM-SHA384    # 0xc030
TLS13_SUITE=TLS_AES_256_GCM_SHA384          # 0x1302

KEEP=0
for arg in "$@"; do
	case "$arg" in
	--keep-work) KEEP=1 ;;
	-h|--help) sed -n '3,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown argument: $arg" >&2; exit 2 ;;
	esac
done

log() { printf '==> %s\n' "$*"; }
die() { printf 'make-audit-captures: error: %s\n' "$*" >&2; exit 1; }
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || die "'$t' not found"
	done
}

need openssl cc python3 tcpdump in.tftpd curl tshark ss md5sum
[ "$(id -u)" -eq 0 ] || die "run as root (tcpdump on lo, UDP port 69)"

WORK=$(mktemp -d /tmp/mkaudit.XXXXXX)
chmod 755 "$WORK"
TFTPD_PIDS=()   # the three in.tftpd, for the whole run
CAP_PID=""      # tcpdump of the current capture
TVS_PID=""      # tvs-peer server of the current session
cleanup() {
	local p
	for p in "${TFTPD_PIDS[@]}" $CAP_PID $TVS_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ "$KEEP" -eq 1 ]; then
		echo "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

# ------------------------------------------------------------ programs ----

if [ -n "${MKTL:-}" ]; then
	[ -x "$MKTL" ] || die "MKTL=$MKTL is not executable"
else
	MKTL="$WORK/mktl"
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$MKTL" \
		"$ROOT/tools/mktl/mktl.c" -lcrypto
fi
if [ -n "${TVS_PEER:-}" ]; then
	[ -x "$TVS_PEER" ] || die "TVS_PEER=$TVS_PEER is not executable"
else
	TVS_PEER="$WORK/tvs-peer"
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$TVS_PEER" \
		"$ROOT/tools/tvs/tvs-peer.c" -lssl -lcrypto
fi
SHIM="$WORK/bind-source.so"
cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$SHIM" \
	"$ROOT/tools/audit/bind-source.c" -ldl

# Small TLV reader for the checks (formats.md sections 1-3).
TL="$WORK/tl.py"
cat > "$TL" <<'EOF'
import hashlib, sys
CONTAINERS = {3, 7, 9, 16, 17, 21}
def u16(b, o): return b[o] << 8 | b[o + 1]
def header(b):
    end, o, tags = u16(b, 8), 0, {}
    while o < end:
        t = b[o]
        if t == 13:                 # one padding byte, no length
            o += 1; continue
        n = u16(b, o + 1)
        if t in CONTAINERS:         # children follow inline
            o += 3; continue
        tags.setdefault(t, (o, b[o + 3:o + 3 + n]))
        o += 3 + n
    return end, tags
def records(b):
    o = header(b)[0]
    while o < len(b):
        end, r, p = o + u16(b, o + 3), {}, o
        while p < end:
            n = u16(b, p + 1); r.setdefault(b[p], b[p + 3:p + 3 + n]); p += 3 + n
        yield r
        o = end
cmd, f = sys.argv[1], open(sys.argv[2], 'rb').read()
if cmd == 'hex':                    # hex TAG: value of a header tag
    print(header(f)[1][int(sys.argv[3])][1].hex())
elif cmd == 'str':                  # str TAG: string header tag without NUL
    print(header(f)[1][int(sys.argv[3])][1].rstrip(b'\0').decode())
elif cmd == 'split':                # split SIGNED SIG: cut tag 12 out
    pos, sig = header(f)[1][12]
    open(sys.argv[3], 'wb').write(f[:pos] + f[pos + 3 + len(sig):])
    open(sys.argv[4], 'wb').write(sig)
    print({1: 'sha1', 2: 'sha256', 3: 'sha512', 4: 'sha512'}[header(f)[1][8][1][0]])
elif cmd == 'records':              # one line per record
    for r in records(f):
        role = u16(r[4], 0) if 4 in r else -1
        cert = hashlib.sha1(r[9]).hexdigest() if 9 in r else '-'
        print(role, 'blank' if 9 not in r and 7 not in r else 'full',
              r[6].hex() if 6 in r else '-', cert)
EOF

# ------------------------------------------------------ keys and certs ----

STAGE="$WORK/out"
CERTS="$STAGE/certs"
KEYS="$STAGE/keys"
SERVED="$STAGE/served"
mkdir -p "$CERTS" "$KEYS" "$SERVED"

# selfsigned NAME SERIAL SUBJECT: new key, self-signed certificate
selfsigned() {
	openssl genrsa -out "$KEYS/$1.key" 2048 2>/dev/null
	openssl req -x509 -new -key "$KEYS/$1.key" -sha256 -days "$DAYS" \
		-set_serial "$2" -subj "$3" -out "$CERTS/$1.pem"
}
# casigned NAME SERIAL SUBJECT CANAME
casigned() {
	openssl genrsa -out "$KEYS/$1.key" 2048 2>/dev/null
	openssl req -new -key "$KEYS/$1.key" -subj "$3" -out "$WORK/$1.csr"
	openssl x509 -req -in "$WORK/$1.csr" -sha256 -days "$DAYS" \
		-set_serial "$2" -CA "$CERTS/$4.pem" -CAkey "$KEYS/$4.key" \
		-out "$CERTS/$1.pem" 2>/dev/null
}

log "keys and certificates (RSA 2048, subjects in certificate order)"
DA="/OU=UC/O=Example/L=Auckland/ST=AKL/C=NZ"
DB="/OU=UC/O=Example B/L=Wellington/ST=WGN/C=NZ"
# Cluster A (CUCM >= 12: ITL and CTL signed by ITLRecovery).
selfsigned itlrecovery-a  0x4a5e0001a1b2c3d4e5f6071829304a01 "/CN=ITLRECOVERY_cucm-a-pub.example.com$DA"
selfsigned callmanager-a  0x4a5e0002a1b2c3d4e5f6071829304a02 "/CN=cucm-a-pub.example.com$DA"
selfsigned tvs-a          0x8a5e0003a1b2c3d4e5f6071829304a03 "/CN=cucm-a-pub.example.com-TVS$DA"
selfsigned capf-a         0x4a5e0004a1b2c3d4e5f6071829304a04 "/CN=CAPF-cucm-a-pub$DA"
# T2: the TVS certificate regenerated (same subject, new serial, new key).
selfsigned tvs-a2         0x4a5e0013a1b2c3d4e5f6071829304a13 "/CN=cucm-a-pub.example.com-TVS$DA"
# T re-issued: the SAME serial and subject (= issuer) as tvs-a, new key.
selfsigned tvs-a-rekeyed  0x8a5e0003a1b2c3d4e5f6071829304a03 "/CN=cucm-a-pub.example.com-TVS$DA"
# The CallManager certificate regenerated (same subject, new serial and key).
selfsigned callmanager-a2 0x4a5e0012a1b2c3d4e5f6071829304a12 "/CN=cucm-a-pub.example.com$DA"
# HTTPS server certificate that the phones ask TVS about (verify requests).
selfsigned apps-ca        0x0a5e01 "/CN=Example Apps CA/O=Example/C=NZ"
casigned   apps-a         0x0a5e0701 "/CN=apps.example.com/OU=Apps/O=Example/L=Auckland/ST=AKL/C=NZ" apps-ca
# Cluster B (destination of the migration).
selfsigned itlrecovery-b  0x9b5e0001b1c2d3e4f5061728394a5b01 "/CN=ITLRECOVERY_cucm-b-pub.example.net$DB"
selfsigned callmanager-b  0x4b5e0002b1c2d3e4f5061728394a5b02 "/CN=cucm-b-pub.example.net$DB"
selfsigned tvs-b          0x4b5e0003b1c2d3e4f5061728394a5b03 "/CN=cucm-b-pub.example.net-TVS$DB"
for c in "$CERTS"/*.pem; do
	openssl x509 -in "$c" -outform DER -out "${c%.pem}.der"
done

# ----------------------------------------------------------- the lists ----

log "trust lists and signed configs (mktl)"
C=$CERTS
K=$KEYS
RA_SAST="role=SAST,cert=$C/itlrecovery-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A"
RA_CCMTFTP="role=CCM+TFTP,cert=$C/callmanager-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A"
RA_TVS="role=TVS,cert=$C/tvs-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A"
RA_TVS2="role=TVS,cert=$C/tvs-a2.pem,dns=cucm-a-pub,ip=$IP_DATA_A"
RA_CAPF="role=CAPF,cert=$C/capf-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A"
RB_SAST="role=SAST,cert=$C/itlrecovery-b.pem,dns=cucm-b-pub,ip=$IP_DATA_B"
RB_CCMTFTP="role=CCM+TFTP,cert=$C/callmanager-b.pem,dns=cucm-b-pub,ip=$IP_DATA_B"
RB_TVS="role=TVS,cert=$C/tvs-b.pem,dns=cucm-b-pub,ip=$IP_DATA_B"
SIGN_A=(-H sha1 -c "$C/itlrecovery-a.pem" -k "$K/itlrecovery-a.key")
SIGN_B=(-H sha1 -c "$C/itlrecovery-b.pem" -k "$K/itlrecovery-b.key")

cd "$SERVED"
"$MKTL" ctl -o a-ctl.tlv -t "$TS_A" "${SIGN_A[@]}" \
	-r "$RA_SAST" -r "$RA_CCMTFTP" -r "$RA_CAPF"
"$MKTL" itl -o a-itl.tlv -t "$TS_A" "${SIGN_A[@]}" \
	-r "$RA_SAST" -r "$RA_CCMTFTP" -r "$RA_TVS" -r "$RA_CAPF"
"$MKTL" itl -o a-itl-tvs2.tlv -t "$TS_A" "${SIGN_A[@]}" \
	-r "$RA_SAST" -r "$RA_CCMTFTP" -r "$RA_TVS2" -r "$RA_CAPF"
"$MKTL" itl -o a-itl-blank.tlv -t "$TS_A" "${SIGN_A[@]}" \
	-r "$RA_SAST" -r "role=TFTP,blank,dns=$IP_DATA_A,ip=$IP_DATA_A" \
	-r "role=TVS,blank,dns=$IP_DATA_A,ip=$IP_DATA_A"
"$MKTL" itl -o a-itl-sast-tftp.tlv -t "$TS_A" "${SIGN_A[@]}" \
	-r "$RA_SAST" -r "role=TFTP,cert=$C/callmanager-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A"
# Pre-12.0 style (signed by the CallManager certificate, which is also the
# SAST and TFTP record), before and after both the CallManager and the TVS
# certificate were regenerated.
"$MKTL" itl -o a-itl-pre12.tlv -t "$TS_A" -H sha1 \
	-c "$C/callmanager-a.pem" -k "$K/callmanager-a.key" \
	-r "role=SAST,cert=$C/callmanager-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A" \
	-r "role=TFTP,cert=$C/callmanager-a.pem,dns=cucm-a-pub,ip=$IP_DATA_A" \
	-r "$RA_TVS"
"$MKTL" itl -o a-itl-pre12-regen.tlv -t "$TS_B" -H sha1 \
	-c "$C/callmanager-a2.pem" -k "$K/callmanager-a2.key" \
	-r "role=SAST,cert=$C/callmanager-a2.pem,dns=cucm-a-pub,ip=$IP_DATA_A" \
	-r "role=TFTP,cert=$C/callmanager-a2.pem,dns=cucm-a-pub,ip=$IP_DATA_A" \
	-r "$RA_TVS2"
"$MKTL" ctl -o b-ctl.tlv -t "$TS_B" "${SIGN_B[@]}" \
	-r "$RB_SAST" -r "$RB_CCMTFTP"
"$MKTL" itl -o b-itl.tlv -t "$TS_B" "${SIGN_B[@]}" \
	-r "$RB_SAST" -r "$RB_CCMTFTP" -r "$RB_TVS"

# cnf_xml MAC TFTP-HOST TVS-HOST: a short phone configuration.
cnf_xml() {
	cat > "SEP$1.cnf.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<device xsi:type="axl:XIPPhone" ctiid="$((16#${1: -4}))">
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <devicePool>
    <callManagerGroup>
      <members>
        <member priority="0">
          <callManager>
            <processNodeName>$2</processNodeName>
          </callManager>
        </member>
      </members>
    </callManagerGroup>
  </devicePool>
  <TVS>
    <members>
      <member priority="0">
        <port>2445</port>
        <address>$3</address>
      </member>
    </members>
  </TVS>
  <loadInformation>sip88xx.14-2-1-0201-40</loadInformation>
  <deviceSecurityMode>1</deviceSecurityMode>
</device>
EOF
}
cnf_xml 001122330701 cucm-b-pub.example.net cucm-b-pub.example.net
cnf_xml 001122331201 cucm-a-pub.example.com cucm-a-pub.example.com
cnf_xml 001122331202 cucm-a-pub.example.com cucm-a-pub.example.com
"$MKTL" sgn -o SEP001122330701.cnf.xml.sgn -t "$TS_B" -H sha1 \
	-c "$C/callmanager-b.pem" -k "$K/callmanager-b.key" \
	-i SEP001122330701.cnf.xml
for m in 001122331201 001122331202; do
	"$MKTL" sgn -o "SEP$m.cnf.xml.sgn" -t "$TS_A" -H sha1 \
		-c "$C/callmanager-a.pem" -k "$K/callmanager-a.key" \
		-i "SEP$m.cnf.xml"
done

log "signature and record checks (openssl, independent of mktl)"
# check_sig FILE SIGNER
check_sig() {
	local md
	md=$(python3 "$TL" split "$1" "$WORK/signed" "$WORK/sig")
	openssl x509 -in "$C/$2.pem" -pubkey -noout > "$WORK/pub.pem"
	openssl dgst "-$md" -verify "$WORK/pub.pem" -signature "$WORK/sig" \
		"$WORK/signed" >/dev/null 2>&1 || die "$1: signature by $2 does not verify"
	printf '    %-28s signed by %-15s OK (%s)\n' "$1" "$2" "$md"
}
check_sig a-ctl.tlv            itlrecovery-a
check_sig a-itl.tlv            itlrecovery-a
check_sig a-itl-tvs2.tlv       itlrecovery-a
check_sig a-itl-blank.tlv      itlrecovery-a
check_sig a-itl-sast-tftp.tlv  itlrecovery-a
check_sig a-itl-pre12.tlv      callmanager-a
check_sig a-itl-pre12-regen.tlv callmanager-a2
check_sig b-ctl.tlv            itlrecovery-b
check_sig b-itl.tlv            itlrecovery-b
check_sig SEP001122330701.cnf.xml.sgn callmanager-b
check_sig SEP001122331201.cnf.xml.sgn callmanager-a
check_sig SEP001122331202.cnf.xml.sgn callmanager-a

sha1_of() { openssl x509 -in "$C/$1.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
# check_tvs FILE CERT|none|blank: the TVS (role 21) record of the list
check_tvs() {
	local got want
	got=$(python3 "$TL" records "$1" | awk '$1 == 21 { print ($2 == "blank" ? "blank" : $4) }')
	case "$2" in
	none) want="" ;;
	blank) want=blank ;;
	*) want=$(sha1_of "$2") ;;
	esac
	[ "$got" = "$want" ] || die "$1: TVS record is '$got', expected $2"
	printf '    %-28s TVS record: %s\n' "$1" "$2"
}
check_tvs a-itl.tlv            tvs-a
check_tvs a-itl-tvs2.tlv       tvs-a2
check_tvs a-itl-blank.tlv      blank
check_tvs a-itl-sast-tftp.tlv  none
check_tvs a-itl-pre12.tlv      tvs-a
check_tvs a-itl-pre12-regen.tlv tvs-a2
check_tvs b-itl.tlv            tvs-b
check_tvs a-ctl.tlv            none
check_tvs b-ctl.tlv            none

# The query scenarios must ask for exactly the signer named in B's CTL
# header: tag 4 (subject), 6 (issuer), 5 (serial).
for s in migration-success tvs-invalid; do
	q_subj=$(sed -n 's/^+ subject //p' "$SCN/$s.scn")
	q_iss=$(sed -n 's/^+ issuer //p' "$SCN/$s.scn")
	q_ser=$(sed -n 's/^+ serial //p' "$SCN/$s.scn" | tr -d ' ')
	[ "$q_subj" = "$(python3 "$TL" str b-ctl.tlv 4)" ] || die "$s.scn: subject is not tag 4 of b-ctl.tlv"
	[ "$q_iss" = "$(python3 "$TL" str b-ctl.tlv 6)" ] || die "$s.scn: issuer is not tag 6 of b-ctl.tlv"
	[ "$q_ser" = "$(python3 "$TL" hex b-ctl.tlv 5)" ] || die "$s.scn: serial is not tag 5 of b-ctl.tlv"
done
echo "    query scenarios carry tags 4/6/5 of b-ctl.tlv"
# Sanity: T and the re-keyed T share serial and issuer, differ in content.
[ "$(openssl x509 -in "$C/tvs-a.pem" -noout -serial -issuer)" = \
  "$(openssl x509 -in "$C/tvs-a-rekeyed.pem" -noout -serial -issuer)" ] ||
	die "tvs-a-rekeyed: serial or issuer differs from tvs-a"
[ "$(sha1_of tvs-a)" != "$(sha1_of tvs-a-rekeyed)" ] || die "tvs-a-rekeyed equals tvs-a"

# ------------------------------------------------------------ captures ----

# TFTP roots: what each server serves, under the name the phone asks for.
TFTP_A="$WORK/tftp-a"
TFTP_A_SUB="$WORK/tftp-a-sub"
TFTP_B="$WORK/tftp-b"
mkdir -p "$TFTP_A" "$TFTP_A_SUB" "$TFTP_B" "$WORK/dl"
chmod 755 "$TFTP_A" "$TFTP_A_SUB" "$TFTP_B"
tftp_root() {
	case "$1" in
	"$SRV_A") echo "$TFTP_A" ;;
	"$SRV_A_SUB") echo "$TFTP_A_SUB" ;;
	"$SRV_B") echo "$TFTP_B" ;;
	*) die "no TFTP server $1" ;;
	esac
}
# serve SERVER NAME CONTENT: SERVER serves served/CONTENT as NAME from now on
serve() {
	local d
	d=$(tftp_root "$1")
	cp "$SERVED/$3" "$d/$2"
	chmod 644 "$d/$2"
}

[ -z "$(ss -Hlun 'sport = :69')" ] || die "UDP port 69 is in use"
[ -z "$(ss -Hltn "sport = :$TVS_PORT")" ] || die "TCP port $TVS_PORT is in use"
for a in "$SRV_A" "$SRV_A_SUB" "$SRV_B"; do
	in.tftpd -L -a "$a:69" -s "$(tftp_root "$a")" &
	TFTPD_PIDS+=($!)
done
for _ in $(seq 50); do
	[ "$(ss -Hlun 'sport = :69' | wc -l)" -eq 3 ] && break
	sleep 0.1
done
[ "$(ss -Hlun 'sport = :69' | wc -l)" -eq 3 ] || die "in.tftpd did not start"

CAP=""          # current capture (path under $STAGE without .pcap)
MANIFEST=""
# begin_capture REL-PATH PHONE-IP...: record all traffic of these phones
begin_capture() {
	local rel=$1 filter="" ip
	shift
	for ip in "$@"; do
		filter+="${filter:+ or }host $ip"
	done
	CAP="$STAGE/$rel"
	mkdir -p "$(dirname "$CAP")"
	MANIFEST="$WORK/$(echo "$rel" | tr / _).manifest"
	: > "$MANIFEST"
	rm -f "$CAP.pcap" "$CAP.keys" "$CAP.keys-withheld"
	log "capture $rel.pcap"
	# a new log per capture: never mistake the last tcpdump's output for this one's
	CAP_LOG="$MANIFEST.tcpdump"
	rm -f "$CAP_LOG"
	tcpdump -i lo -U --immediate-mode -n -s 0 -Z root -w "$CAP.pcap" \
		"($filter) and (udp port 69 or udp portrange 1024-65535 or tcp port $TVS_PORT)" \
		2> "$CAP_LOG" &
	CAP_PID=$!
	for _ in $(seq 50); do
		grep -qs "listening on" "$CAP_LOG" && return 0
		sleep 0.1
	done
	die "tcpdump did not start: $(cat "$CAP_LOG")"
}
end_capture() {
	sleep 0.5
	kill -INT "$CAP_PID"
	wait "$CAP_PID" || die "tcpdump failed"
	CAP_PID=""
	echo "    $(grep -c . "$MANIFEST") steps, $(stat -c %s "$CAP.pcap") bytes"
}

# fetch PHONE-IP SERVER NAME: the phone downloads NAME by TFTP
fetch() {
	local ip=$1 srv=$2 name=$3 root
	root=$(tftp_root "$srv")
	rm -f "$WORK/dl/$name"
	curl -q -sS --fail --interface "$ip" --tftp-blksize "$BLKSIZE" \
		-o "$WORK/dl/$name" "tftp://$srv/$name"
	cmp -s "$WORK/dl/$name" "$root/$name" || die "$ip: tftp://$srv/$name failed"
	echo "tftp $ip $srv $name $(md5sum < "$root/$name" | cut -c1-32)" >> "$MANIFEST"
	printf '    %-11s tftp://%s/%s\n' "$ip" "$srv" "$name"
}

# start_tvs CERT SCENARIO TLS: a TVS on $SRV_A:2445 with this certificate
start_tvs() {
	local copt=--ciphers cipher=$TLS12_CIPHER
	[ "$3" = 1.3 ] && { copt=--ciphersuites; cipher=$TLS13_SUITE; }
	rm -f "$WORK/tvs.ready" "$WORK/server.keys"
	(cd "$CERTS" && exec "$TVS_PEER" server --host "$SRV_A" --port "$TVS_PORT" \
		--tls "$3" "$copt" "$cipher" --cert "$CERTS/$1.pem" \
		--key "$KEYS/$1.key" --keylog "$WORK/server.keys" \
		--scenario "$SCN/$2.scn" --ready-file "$WORK/tvs.ready" \
		--timeout 20) > "$WORK/server.log" 2>&1 &
	TVS_PID=$!
	for _ in $(seq 100); do
		[ -e "$WORK/tvs.ready" ] && return 0
		sleep 0.05
	done
	die "tvs-peer server did not start: $(cat "$WORK/server.log")"
}

# tvs_session PHONE-IP CERT SCENARIO TLS KEYLOG: a complete TLS session with
# the TVS exchange of SCENARIO; the client's key log is appended to KEYLOG.
tvs_session() {
	local ip=$1 cert=$2 scn=$3 tls=$4 keylog=$5 copt=--ciphers cipher=$TLS12_CIPHER
	[ "$tls" = 1.3 ] && { copt=--ciphersuites; cipher=$TLS13_SUITE; }
	start_tvs "$cert" "$scn" "$tls"
	if ! (cd "$CERTS" && BIND_SOURCE_ADDR=$ip LD_PRELOAD=$SHIM \
		"$TVS_PEER" client --host "$SRV_A" --port "$TVS_PORT" \
		--tls "$tls" "$copt" "$cipher" --keylog "$WORK/client.keys" \
		--scenario "$SCN/$scn.scn" --timeout 20) > "$WORK/client.log" 2>&1; then
		cat "$WORK/client.log" "$WORK/server.log" >&2
		die "$ip: TVS client failed"
	fi
	wait "$TVS_PID" || { cat "$WORK/server.log" >&2; die "TVS server failed"; }
	TVS_PID=""
	grep -q '^closed cleanly' "$WORK/client.log" || die "$ip: no clean close"
	[ -z "$(comm -13 <(sort "$WORK/client.keys") <(sort "$WORK/server.keys"))" ] ||
		die "$ip: the server logged secrets the client did not"
	cat "$WORK/client.keys" >> "$keylog"
	echo "tls $ip $cert $tls ok $scn" >> "$MANIFEST"
	printf '    %-11s TLS %s to %s:%s, certificate %s, scenario %s\n' \
		"$ip" "$tls" "$SRV_A" "$TVS_PORT" "$cert" "$scn"
	sleep 0.2
}

# tvs_rejected PHONE-IP CERT TRUSTED: TLS 1.2 session in which the phone
# trusts only TRUSTED (the certificate of its ITL's TVS record), the TVS
# presents CERT, and the phone ends the handshake with a fatal alert.
tvs_rejected() {
	local ip=$1 cert=$2 trusted=$3
	start_tvs "$cert" phone-rejects-cert 1.2
	if openssl s_client -bind "$ip:0" -connect "$SRV_A:$TVS_PORT" -tls1_2 \
		-cipher "$TLS12_CIPHER" -noservername -no_ticket \
		-CAfile "$CERTS/$trusted.pem" -no-CApath -no-CAstore \
		-verify_return_error < /dev/null > "$WORK/sclient.log" 2>&1; then
		die "$ip: s_client accepted $cert while trusting only $trusted"
	fi
	grep -q 'verify error' "$WORK/sclient.log" ||
		{ cat "$WORK/sclient.log" >&2; die "$ip: s_client failed, but not in verification"; }
	if wait "$TVS_PID"; then die "TVS server completed a rejected session"; fi
	TVS_PID=""
	grep -q 'alert' "$WORK/server.log" || { cat "$WORK/server.log" >&2; die "TVS server: no alert"; }
	echo "tls $ip $cert 1.2 rejected -" >> "$MANIFEST"
	printf '    %-11s TLS 1.2 to %s:%s, certificate %s, rejected (phone trusts %s): %s\n' \
		"$ip" "$SRV_A" "$TVS_PORT" "$cert" "$trusted" \
		"$(grep -m1 'verify error' "$WORK/sclient.log")"
	sleep 0.2
}

# 1. match ------------------------------------------------------------------
P=127.0.1.1
serve "$SRV_A" ITLSEP001122334455.tlv a-itl.tlv
begin_capture clean/match $P
fetch "$P" "$SRV_A" ITLSEP001122334455.tlv
tvs_session "$P" tvs-a match 1.2 "$CAP.keys"
end_capture

# 2. serial-mismatch: the TVS presents T2 -----------------------------------
P=127.0.2.1
serve "$SRV_A" ITLSEP001122330201.tlv a-itl.tlv
begin_capture site-a/serial-mismatch $P
fetch "$P" "$SRV_A" ITLSEP001122330201.tlv
tvs_rejected "$P" tvs-a2 tvs-a
end_capture

# 3. hash-mismatch: same serial and issuer as T, other key ------------------
P=127.0.3.1
serve "$SRV_A" ITLSEP001122330301.tlv a-itl.tlv
begin_capture site-a/hash-mismatch $P
fetch "$P" "$SRV_A" ITLSEP001122330301.tlv
tvs_rejected "$P" tvs-a-rekeyed tvs-a
end_capture

# 4. no-tvs-record: blank rollback ITL; ITL with SAST and TFTP only ---------
P=127.0.4.1
serve "$SRV_A" ITLSEP001122330401.tlv a-itl-blank.tlv
begin_capture site-a/no-tvs-record-blank-itl $P
fetch "$P" "$SRV_A" ITLSEP001122330401.tlv
tvs_session "$P" tvs-a no-tvs-record-blank-itl 1.2 "$CAP.keys"
end_capture
P=127.0.4.2
serve "$SRV_A" ITLSEP001122330402.tlv a-itl-sast-tftp.tlv
begin_capture site-a/no-tvs-record-sast-tftp $P
fetch "$P" "$SRV_A" ITLSEP001122330402.tlv
tvs_session "$P" tvs-a no-tvs-record-sast-tftp 1.2 "$CAP.keys"
end_capture

# 5. no-itl -------------------------------------------------------------------
P=127.0.5.1
begin_capture site-a/no-itl $P
tvs_session "$P" tvs-a no-itl 1.2 "$CAP.keys"
end_capture

# 6. cert-hidden: TLS 1.3, key log withheld ---------------------------------
P=127.0.6.1
serve "$SRV_A" ITLSEP001122330601.tlv a-itl.tlv
begin_capture site-a/tls13/cert-hidden $P
fetch "$P" "$SRV_A" ITLSEP001122330601.tlv
tvs_session "$P" tvs-a cert-hidden 1.3 "$CAP.keys-withheld"
end_capture

# 7. migration-success (TAC 213407) -----------------------------------------
P=127.0.7.1
serve "$SRV_A" CTLSEP001122330701.tlv a-ctl.tlv
serve "$SRV_A" ITLSEP001122330701.tlv a-itl.tlv
serve "$SRV_B" CTLSEP001122330701.tlv b-ctl.tlv
serve "$SRV_B" ITLSEP001122330701.tlv b-itl.tlv
serve "$SRV_B" SEP001122330701.cnf.xml.sgn SEP001122330701.cnf.xml.sgn
begin_capture site-b/deeper/migration-success $P
fetch "$P" "$SRV_A" CTLSEP001122330701.tlv
fetch "$P" "$SRV_A" ITLSEP001122330701.tlv
fetch "$P" "$SRV_B" CTLSEP001122330701.tlv
tvs_session "$P" tvs-a migration-success 1.2 "$CAP.keys"
fetch "$P" "$SRV_B" ITLSEP001122330701.tlv
fetch "$P" "$SRV_B" SEP001122330701.cnf.xml.sgn
end_capture

# 8. migration-rollback-fails: blank ITL, A's CTL still in place ------------
P=127.0.8.1
serve "$SRV_A" CTLSEP001122330801.tlv a-ctl.tlv
serve "$SRV_A" ITLSEP001122330801.tlv a-itl-blank.tlv
serve "$SRV_B" CTLSEP001122330801.tlv b-ctl.tlv
begin_capture site-b/deeper/migration-rollback-fails $P
fetch "$P" "$SRV_A" CTLSEP001122330801.tlv
fetch "$P" "$SRV_A" ITLSEP001122330801.tlv
fetch "$P" "$SRV_B" CTLSEP001122330801.tlv
end_capture

# 9. cm-and-tvs-replaced ----------------------------------------------------
P=127.0.9.1
serve "$SRV_A" ITLSEP001122330901.tlv a-itl-pre12.tlv
begin_capture site-b/cm-and-tvs-replaced $P
fetch "$P" "$SRV_A" ITLSEP001122330901.tlv
sleep 1
serve "$SRV_A" ITLSEP001122330901.tlv a-itl-pre12-regen.tlv
fetch "$P" "$SRV_A" ITLSEP001122330901.tlv
tvs_rejected "$P" tvs-a2 tvs-a
end_capture

# 10. two-phones --------------------------------------------------------------
P1=127.0.10.1
P2=127.0.10.2
serve "$SRV_A" ITLSEP001122331001.tlv a-itl.tlv
serve "$SRV_A" ITLSEP001122331002.tlv a-itl-tvs2.tlv
begin_capture site-a/two-phones $P1 $P2
fetch "$P1" "$SRV_A" ITLSEP001122331001.tlv
fetch "$P2" "$SRV_A" ITLSEP001122331002.tlv
tvs_session "$P1" tvs-a two-phones-1001 1.2 "$CAP.keys"
tvs_rejected "$P2" tvs-a tvs-a2
end_capture

# 11. tvs-invalid -------------------------------------------------------------
P=127.0.11.1
serve "$SRV_A" CTLSEP001122331101.tlv a-ctl.tlv
serve "$SRV_A" ITLSEP001122331101.tlv a-itl.tlv
serve "$SRV_B" CTLSEP001122331101.tlv b-ctl.tlv
begin_capture site-b/deeper/tvs-invalid $P
fetch "$P" "$SRV_A" CTLSEP001122331101.tlv
fetch "$P" "$SRV_A" ITLSEP001122331101.tlv
fetch "$P" "$SRV_B" CTLSEP001122331101.tlv
tvs_session "$P" tvs-a tvs-invalid 1.2 "$CAP.keys"
end_capture

# 12. same-name-different-content ---------------------------------------------
P1=127.0.12.1
P2=127.0.12.2
serve "$SRV_A" ITLFile.tlv a-itl.tlv
serve "$SRV_A_SUB" ITLFile.tlv a-itl-tvs2.tlv
serve "$SRV_A" SEP001122331201.cnf.xml.sgn SEP001122331201.cnf.xml.sgn
serve "$SRV_A_SUB" SEP001122331202.cnf.xml.sgn SEP001122331202.cnf.xml.sgn
begin_capture site-a/same-name-different-content $P1 $P2
fetch "$P1" "$SRV_A" ITLFile.tlv
fetch "$P1" "$SRV_A" SEP001122331201.cnf.xml.sgn
fetch "$P2" "$SRV_A_SUB" ITLFile.tlv
fetch "$P2" "$SRV_A_SUB" SEP001122331202.cnf.xml.sgn
end_capture

# ---------------------------------------------------------- verification ----

log "verify the captures with tshark"
hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }
dercert() { hexof "$CERTS/$1.der"; }
# decrypted bytes of TCP stream $2, side $3 (0 client, 1 server) from a
# 'follow,tls,raw' output $1; lines with a leading tab are node 1.
stream_side() {
	awk -v want="$2" -v port="$TVS_PORT" '
		/^Node 0:/ { n0srv = ($0 ~ (":" port "$")); next }
		/^Node 1:/ { on = 1; next }
		/^=+$/ { on = 0 }
		on && NF { node = /^\t/; sub(/^\t/, "")
			   srv = n0srv ? !node : node
			   if (srv == want) printf "%s", $0 }' "$1"
}
SUMMARY="$WORK/summary.txt"
: > "$SUMMARY"

# verify_capture REL-PATH
verify_capture() {
	local rel=$1 pcap="$STAGE/$1.pcap" man keys="" n i ip
	local line kind cert tls res scn got want stray exp rrq
	man="$WORK/$(echo "$rel" | tr / _).manifest"
	[ -f "$STAGE/$rel.keys" ] && keys="$STAGE/$rel.keys"
	[ -f "$STAGE/$rel.keys-withheld" ] && keys="$STAGE/$rel.keys-withheld"
	echo "capture $rel.pcap: $(tshark -r "$pcap" 2>/dev/null | wc -l) frames, $(stat -c %s "$pcap") bytes" >> "$SUMMARY"

	# TFTP: read requests in order, complete exports, no errors
	rrq=$(tshark -r "$pcap" -o tftp.defragment:TRUE -Y 'tftp.opcode == 1' \
		-T fields -e ip.src -e ip.dst -e tftp.source_file 2>/dev/null)
	want=$(awk '$1 == "tftp" { printf "%s\t%s\t%s\n", $2, $3, $4 }' "$man")
	[ "$rrq" = "$want" ] || die "$rel: TFTP requests differ:\n$rrq\nexpected:\n$want"
	rm -rf "$WORK/export" && mkdir "$WORK/export"
	tshark -r "$pcap" -o tftp.defragment:TRUE --export-objects "tftp,$WORK/export" \
		-q >/dev/null 2>&1
	got=$( (cd "$WORK/export" && find . -type f -exec md5sum {} + | cut -c1-32) | sort)
	want=$(awk '$1 == "tftp" { print $5 }' "$man" | sort)
	[ "$got" = "$want" ] || die "$rel: exported TFTP objects differ from the served files"
	n=$(tshark -r "$pcap" -Y 'tftp.opcode == 5' 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || die "$rel: $n TFTP error packets"
	stray=$(tshark -r "$pcap" -o tftp.defragment:TRUE \
		-Y "!(tftp || tcp.port == $TVS_PORT)" 2>/dev/null | wc -l)
	[ "$stray" -eq 0 ] || die "$rel: $stray packets are neither TFTP nor TCP $TVS_PORT"
	# frames of each transfer: read request .. last data block
	tshark -r "$pcap" -o tftp.defragment:FALSE -Y tftp -T fields \
		-e frame.number -e tftp.opcode -e ip.src -e tftp.source_file -e udp.length \
		2>/dev/null | awk -F '\t' -v bs="$BLKSIZE" '
		$2 == 1 { f = $1; ip = $3; name = $4; next }
		$2 == 3 && f && $5 - 12 < bs { printf "  tftp %s %s frames %d-%d\n", ip, name, f, $1; f = 0 }' \
		>> "$SUMMARY"

	# TLS sessions: one TCP stream each, in manifest order
	i=0
	while read -r kind ip cert tls res scn; do
		[ "$kind" = tls ] || continue
		# server certificate (TLS 1.2 in clear; TLS 1.3 only with the key log)
		if [ "$tls" = 1.2 ]; then
			got=$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" \
				-Y "tcp.stream == $i && tls.handshake.certificate" -T fields \
				-e frame.number -e ip.dst -e tls.handshake.certificate 2>/dev/null)
		else
			n=$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" \
				-Y "tcp.stream == $i && tls.handshake.certificate" 2>/dev/null | wc -l)
			[ "$n" -eq 0 ] || die "$rel: TLS 1.3 certificate visible without keys"
			got=$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" -o "tls.keylog_file:$keys" \
				-Y "tcp.stream == $i && tls.handshake.certificate" -T fields \
				-e frame.number -e ip.dst -e tls.handshake.certificate 2>/dev/null)
		fi
		[ "$(echo "$got" | cut -f2)" = "$ip" ] || die "$rel: stream $i: certificate not sent to $ip"
		[ "$(echo "$got" | cut -f3 | tr -d ':')" = "$(dercert "$cert")" ] ||
			die "$rel: stream $i: server certificate is not $cert"
		line="  tls stream $i $ip TLS $tls: certificate $cert in frame $(echo "$got" | cut -f1)"
		# version and suite from the ServerHello
		got=$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" \
			-Y "tcp.stream == $i && tls.handshake.type == 2" -T fields \
			-e tls.handshake.ciphersuite -e tls.handshake.extensions.supported_version 2>/dev/null)
		if [ "$tls" = 1.3 ]; then want=$'0x1302\t0x0304'; else want=$'0xc030\t'; fi
		[ "$got" = "$want" ] || die "$rel: stream $i: ServerHello '$got'"
		if [ "$res" = ok ]; then
			tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" -o "tls.keylog_file:$keys" \
				-q -z "follow,tls,raw,$i" > "$WORK/follow" 2>/dev/null
			exp="$WORK/exp"
			(cd "$CERTS" &&
			 "$TVS_PEER" dump --scenario "$SCN/$scn.scn" --side client --out "$exp.c2s" >/dev/null &&
			 "$TVS_PEER" dump --scenario "$SCN/$scn.scn" --side server --out "$exp.s2c" >/dev/null)
			[ "$(stream_side "$WORK/follow" 0)" = "$(hexof "$exp.c2s")" ] ||
				die "$rel: stream $i: decrypted client bytes differ from $scn.scn"
			[ "$(stream_side "$WORK/follow" 1)" = "$(hexof "$exp.s2c")" ] ||
				die "$rel: stream $i: decrypted server bytes differ from $scn.scn"
			got=$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" -o "tls.keylog_file:$keys" \
				-Y "tcp.stream == $i && tls.app_data" -T fields -e frame.number \
				-e ip.src 2>/dev/null | head -n 2 | awk '{ printf "%s%s (%s)", (NR > 1 ? ", " : ""), $1, $2 }')
			line+="; TVS $scn: request, response in frames $got"
		else
			n=$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" \
				-Y "tcp.stream == $i && tls.alert_message && ip.src == $ip" -T fields \
				-e frame.number -e tls.alert_message.desc 2>/dev/null)
			[ -n "$n" ] || die "$rel: stream $i: no alert from the phone"
			[ "$(tshark -r "$pcap" -d "tcp.port==$TVS_PORT,tls" \
				-Y "tcp.stream == $i && tls.record.content_type == 23" 2>/dev/null | wc -l)" -eq 0 ] ||
				die "$rel: stream $i: application data in a rejected session"
			line+="; phone alert in frame $(echo "$n" | cut -f1) (description $(echo "$n" | cut -f2))"
		fi
		echo "$line" >> "$SUMMARY"
		i=$((i + 1))
	done < "$man"
	n=$(tshark -r "$pcap" -Y tcp -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
	[ "$n" -eq "$i" ] || die "$rel: $n TCP streams, expected $i"
	echo "    $rel: ok"
}

for m in "$WORK"/*.manifest; do
	rel=$(basename "$m" .manifest | tr _ /)
	verify_capture "$rel"
done

# ------------------------------------------------------- expected table ----

cat > "$STAGE/expected.tsv" <<'EOF'
# SPDX-License-Identifier: GPL-2.0-or-later
# Written by tools/make-audit-captures.sh.  One line per phone and capture:
# what follows from how the capture was made (test-captures/README.md,
# section audit/).  verdict: the TVS check of the phone's TVS session(s)
# ('-' = no TVS session).  findings: must be reported for this phone;
# also: true by construction, a checker may or may not report it.  Finding
# names are the codes of dissectors/sbd-checks.h without SBD_F_.
# outcome: the phone's outcome with the capture's key log (if any) as
# status/root_cause/certainty (root_cause a finding name, '-' = none);
# outcome_nokeys: the same without any key log.  From the scenario: a
# phone that sent a fatal alert after TVS's certificate rejected TVS
# (tvs-rejected, seen: the alert is plaintext); a list whose signer TVS
# answered with a status only failed (tvs-invalid: seen when decrypted,
# inferred from the 14-byte answer without keys); a list accepted through a
# valid TVS answer is a migration (seen decrypted, inferred from the
# answer's size and the next downloads without keys); lists that verify
# and a TVS certificate that matches are trusted (a TLS 1.3 certificate
# unseen: inferred from the phone finishing the handshake); warnings of a
# trusted phone are its root cause.
#capture	mac	client_ip	tvs_cert	verdict	findings	also	outcome	outcome_nokeys
clean/match.pcap	00:11:22:33:44:55	127.0.1.1	tvs-a	match	-	-	trusted/-/seen	trusted/-/seen
site-a/serial-mismatch.pcap	00:11:22:33:02:01	127.0.2.1	tvs-a2	serial-mismatch	TVS_SERIAL_MISMATCH,TVS_REJECTED	-	failed/tvs-rejected/seen	failed/tvs-rejected/seen
site-a/hash-mismatch.pcap	00:11:22:33:03:01	127.0.3.1	tvs-a-rekeyed	hash-mismatch	TVS_HASH_MISMATCH,TVS_REJECTED	-	failed/tvs-rejected/seen	failed/tvs-rejected/seen
site-a/no-tvs-record-blank-itl.pcap	00:11:22:33:04:01	127.0.4.1	tvs-a	no-tvs-record	NO_TVS_RECORD	-	trusted/no-tvs-record/seen	trusted/no-tvs-record/seen
site-a/no-tvs-record-sast-tftp.pcap	00:11:22:33:04:02	127.0.4.2	tvs-a	no-tvs-record	NO_TVS_RECORD	-	trusted/no-tvs-record/seen	trusted/no-tvs-record/seen
site-a/no-itl.pcap	00:11:22:33:05:01	127.0.5.1	tvs-a	no-itl	NO_ITL	-	undetermined/no-itl/seen	undetermined/no-itl/seen
site-a/tls13/cert-hidden.pcap	00:11:22:33:06:01	127.0.6.1	tvs-a	cert-hidden	CERT_HIDDEN	-	trusted/-/inferred	trusted/-/inferred
site-a/tls13/cert-hidden.pcap+keys-withheld	00:11:22:33:06:01	127.0.6.1	tvs-a	match	-	-	trusted/-/seen	trusted/-/inferred
site-b/deeper/migration-success.pcap	00:11:22:33:07:01	127.0.7.1	tvs-a	match	-	SAME_NAME_DIFFERENT_CONTENT	migrated/-/seen	migrated/-/inferred
site-b/deeper/migration-rollback-fails.pcap	00:11:22:33:08:01	127.0.8.1	-	-	BLANK_ITL_WITH_CTL,SIGNER_UNTRUSTED_NO_TVS	SAME_NAME_DIFFERENT_CONTENT	failed/blank-itl-with-ctl/seen	failed/blank-itl-with-ctl/seen
site-b/cm-and-tvs-replaced.pcap	00:11:22:33:09:01	127.0.9.1	tvs-a2	serial-mismatch	CM_TVS_REPLACED,TVS_REJECTED	TVS_SERIAL_MISMATCH,SIGNER_UNTRUSTED_NO_TVS,SAME_NAME_DIFFERENT_CONTENT	failed/tvs-rejected/seen	failed/tvs-rejected/seen
site-a/two-phones.pcap	00:11:22:33:10:01	127.0.10.1	tvs-a	match	-	-	trusted/-/seen	trusted/-/seen
site-a/two-phones.pcap	00:11:22:33:10:02	127.0.10.2	tvs-a	serial-mismatch	TVS_SERIAL_MISMATCH,TVS_REJECTED	-	failed/tvs-rejected/seen	failed/tvs-rejected/seen
site-b/deeper/tvs-invalid.pcap	00:11:22:33:11:01	127.0.11.1	tvs-a	match	TVS_INVALID	SIGNER_UNTRUSTED_NO_TVS,SAME_NAME_DIFFERENT_CONTENT	failed/tvs-invalid/seen	failed/tvs-invalid/inferred
site-a/same-name-different-content.pcap	00:11:22:33:12:01	127.0.12.1	-	-	SAME_NAME_DIFFERENT_CONTENT	-	trusted/same-name-different-content/seen	trusted/same-name-different-content/seen
site-a/same-name-different-content.pcap	00:11:22:33:12:02	127.0.12.2	-	-	SAME_NAME_DIFFERENT_CONTENT	-	trusted/same-name-different-content/seen	trusted/same-name-different-content/seen
EOF

# -------------------------------------------------------------- install ----

log "install into $OUT"
rm -f "$WORK"/*.csr
rm -rf "$OUT"
mkdir -p "$OUT"
cp -r "$STAGE"/. "$OUT"/
find "$OUT" -type d -exec chmod 755 {} +
find "$OUT" -type f -exec chmod 644 {} +
cat "$SUMMARY"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
