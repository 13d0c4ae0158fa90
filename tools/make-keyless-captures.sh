#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Make the captures of test-captures/keyless/: phones whose TVS session ends
# in a way a capture WITHOUT TLS keys must still be read right (issue #16):
# a fatal alert from the phone (TLS 1.2 plaintext, TLS 1.3 encrypted) or
# from the TVS, a TCP reset in or after the handshake, TVS answers of every
# size over AES-GCM, AES-CBC and TLS 1.3, and a phone that asks again for a
# list TVS did not vouch for.  Every capture comes with its key log (.keys)
# so it can be read with and without keys.
#
# It reuses cluster A's and B's certificates, keys and lists of
# test-captures/audit/ (certs/, keys/, served/: made by
# tools/make-audit-captures.sh) so signers and serials are the known ones;
# only the signed configs of the new phones are made here (tools/mktl,
# signed by callmanager-b as audit's SEP001122330701.cnf.xml.sgn).
#
#   TFTP: curl from the phone's own 127.x.y.z, in.tftpd on 127.0.0.1 (A)
#         and 127.0.0.20 (B), as make-audit-captures.sh
#   TVS:  tools/tvs/tvs-peer server (OpenSSL) on 127.0.0.1:2445, or
#         tools/audit/tls-fault-server.py (Python ssl = OpenSSL) for a TVS
#         that fails; the phone is tvs-peer client (LD_PRELOAD
#         tools/audit/bind-source.so for its address) or openssl s_client
#         -bind when it must check the TVS certificate.
#   tcpdump records each capture on lo.
#
# The scenario table (address, MAC, what happens, expected outcome) is in
# test-captures/README.md ("keyless/") and test-captures/keyless/expected.tsv;
# tests/test_keyless_evidence.sh checks the wire against it.
#
# Usage: tools/make-keyless-captures.sh [--keep-work]
# Run as root.  Needs: openssl, cc + libssl-dev, python3, tcpdump,
# tftpd-hpa (in.tftpd), curl, tshark, ss.  UDP port 69 and TCP port 2445
# must be free.  Sends from 127.0.21.1 ... 127.0.25.2.

set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AUDIT="$ROOT/test-captures/audit"
OUT="$ROOT/test-captures/keyless"
SCN="$ROOT/tools/audit/scenarios/keyless"
CERTS="$AUDIT/certs"
KEYS="$AUDIT/keys"
SRV_A=127.0.0.1
SRV_B=127.0.0.20
TVS_PORT=2445
BLKSIZE=1428
TS_B=1738368000
GCM=ECDHE-RSA-AES256-GCM-SHA384     # 0xc030
CBC=AES256-SHA                      # 0x0035, as in Cisco TAC 213407
T13=TLS_AES_256_GCM_SHA384          # 0x1302

KEEP=0
for arg in "$@"; do
	case "$arg" in
	--keep-work) KEEP=1 ;;
	-h|--help) sed -n '3,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown argument: $arg" >&2; exit 2 ;;
	esac
done

log() { printf '==> %s\n' "$*"; }
die() { printf 'make-keyless-captures: error: %s\n' "$*" >&2; exit 1; }
for t in openssl cc python3 tcpdump in.tftpd curl tshark ss md5sum; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found"
done
[ "$(id -u)" -eq 0 ] || die "run as root (tcpdump on lo, UDP port 69)"

WORK=$(mktemp -d /tmp/mkkeyless.XXXXXX)
chmod 755 "$WORK"
PIDS=()
CAP_PID=""
TVS_PID=""
cleanup() {
	local p
	for p in "${PIDS[@]}" $CAP_PID $TVS_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ "$KEEP" -eq 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

MKTL="$WORK/mktl"
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$MKTL" "$ROOT/tools/mktl/mktl.c" -lcrypto
TVS_PEER="$WORK/tvs-peer"
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$TVS_PEER" "$ROOT/tools/tvs/tvs-peer.c" -lssl -lcrypto
SHIM="$WORK/bind-source.so"
cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$SHIM" "$ROOT/tools/audit/bind-source.c" -ldl
FAULT="$ROOT/tools/audit/tls-fault-server.py"

STAGE="$WORK/out"
SERVED="$STAGE/served"
mkdir -p "$SERVED"

# ------------------------------------------- signed configs of cluster B ----
log "signed configs of the phones that move to cluster B (mktl, callmanager-b)"
cnf_xml() {
	cat > "$SERVED/SEP$1.cnf.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<device xsi:type="axl:XIPPhone" ctiid="$((16#${1: -4}))">
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <TVS>
    <members>
      <member priority="0">
        <port>2445</port>
        <address>cucm-b-pub.example.net</address>
      </member>
    </members>
  </TVS>
  <loadInformation>sip88xx.14-2-1-0201-40</loadInformation>
  <deviceSecurityMode>1</deviceSecurityMode>
</device>
EOF
	(cd "$SERVED" && "$MKTL" sgn -o "SEP$1.cnf.xml.sgn" -t "$TS_B" -H sha1 \
		-c "$CERTS/callmanager-b.pem" -k "$KEYS/callmanager-b.key" -i "SEP$1.cnf.xml")
}
for m in 001122332401 001122332403 001122332405 001122332502; do cnf_xml "$m"; done

# ---------------------------------------------------------- TFTP servers ----
TFTP_A="$WORK/tftp-a"
TFTP_B="$WORK/tftp-b"
mkdir -p "$TFTP_A" "$TFTP_B" "$WORK/dl"
chmod 755 "$TFTP_A" "$TFTP_B"
tftp_root() { case "$1" in "$SRV_A") echo "$TFTP_A" ;; "$SRV_B") echo "$TFTP_B" ;; *) die "no TFTP server $1" ;; esac; }
# serve SERVER NAME FILE: SERVER serves FILE (audit/served/ or ours) as NAME
serve() {
	local d src
	d=$(tftp_root "$1")
	src="$SERVED/$3"
	[ -f "$src" ] || src="$AUDIT/served/$3"
	cp "$src" "$d/$2"
	chmod 644 "$d/$2"
}
[ -z "$(ss -Hlun 'sport = :69')" ] || die "UDP port 69 is in use"
[ -z "$(ss -Hltn "sport = :$TVS_PORT")" ] || die "TCP port $TVS_PORT is in use"
for a in "$SRV_A" "$SRV_B"; do
	in.tftpd -L -a "$a:69" -s "$(tftp_root "$a")" &
	PIDS+=($!)
done
for _ in $(seq 50); do
	[ "$(ss -Hlun 'sport = :69' | wc -l)" -eq 2 ] && break
	sleep 0.1
done
[ "$(ss -Hlun 'sport = :69' | wc -l)" -eq 2 ] || die "in.tftpd did not start"

# -------------------------------------------------------------- capture ----
CAP=""
begin_capture() {
	local rel=$1 filter="" ip
	shift
	for ip in "$@"; do filter+="${filter:+ or }host $ip"; done
	CAP="$STAGE/$rel"
	mkdir -p "$(dirname "$CAP")"
	: > "$CAP.keys"
	log "capture $rel.pcap"
	tcpdump -i lo -U --immediate-mode -n -s 0 -Z root -w "$CAP.pcap" \
		"($filter) and (udp port 69 or udp portrange 1024-65535 or tcp port $TVS_PORT)" \
		2> "$WORK/tcpdump.log" &
	CAP_PID=$!
	for _ in $(seq 50); do
		grep -qs "listening on" "$WORK/tcpdump.log" && return 0
		sleep 0.1
	done
	die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"
}
end_capture() {
	sleep 0.5
	kill -INT "$CAP_PID"
	wait "$CAP_PID" || die "tcpdump failed"
	CAP_PID=""
	echo "    $(stat -c %s "$CAP.pcap") bytes"
}
fetch() {
	local ip=$1 srv=$2 name=$3 root
	root=$(tftp_root "$srv")
	rm -f "$WORK/dl/$name"
	curl -q -sS --fail --interface "$ip" --tftp-blksize "$BLKSIZE" \
		-o "$WORK/dl/$name" "tftp://$srv/$name"
	cmp -s "$WORK/dl/$name" "$root/$name" || die "$ip: tftp://$srv/$name failed"
	printf '    %-11s tftp://%s/%s\n' "$ip" "$srv" "$name"
}
wait_ready() {
	for _ in $(seq 100); do
		[ -e "$WORK/tvs.ready" ] && return 0
		sleep 0.05
	done
	die "TVS server did not start: $(cat "$WORK/server.log")"
}
# cipher_opts TLS CIPHER: the tvs-peer options
cipher_opts() { if [ "$1" = 1.3 ]; then echo "--ciphersuites $2"; else echo "--ciphers $2"; fi; }

# tvs_session IP CERT SCN TLS CIPHER [EXTRA]: complete session, tvs-peer on
# both sides, the client's key log appended to the capture's
tvs_session() {
	local ip=$1 cert=$2 scn=$3 tls=$4 cipher=$5 extra=${6:-}
	rm -f "$WORK/tvs.ready" "$WORK/client.keys"
	# shellcheck disable=SC2046
	(cd "$CERTS" && exec "$TVS_PEER" server --host "$SRV_A" --port "$TVS_PORT" \
		--tls "$tls" $(cipher_opts "$tls" "$cipher") $extra --cert "$CERTS/$cert.pem" \
		--key "$KEYS/$cert.key" --scenario "$SCN/$scn.scn" \
		--ready-file "$WORK/tvs.ready" --timeout 20) > "$WORK/server.log" 2>&1 &
	TVS_PID=$!
	wait_ready
	# shellcheck disable=SC2046
	(cd "$CERTS" && BIND_SOURCE_ADDR=$ip LD_PRELOAD=$SHIM "$TVS_PEER" client \
		--host "$SRV_A" --port "$TVS_PORT" --tls "$tls" $(cipher_opts "$tls" "$cipher") $extra \
		--keylog "$WORK/client.keys" --scenario "$SCN/$scn.scn" --timeout 20) \
		> "$WORK/client.log" 2>&1 || { cat "$WORK/client.log" "$WORK/server.log" >&2; die "$ip: client failed"; }
	wait "$TVS_PID" || { cat "$WORK/server.log" >&2; die "TVS server failed"; }
	TVS_PID=""
	cat "$WORK/client.keys" >> "$CAP.keys"
	printf '    %-11s TLS %s %s, %s: %s\n' "$ip" "$tls" "$cipher" "$cert" "$scn"
	sleep 0.2
}

# phone_rejects IP TLS CERT TRUSTED: openssl s_client trusting only TRUSTED
# meets CERT and ends the handshake with a fatal alert
phone_rejects() {
	local ip=$1 tls=$2 cert=$3 trusted=$4 copt
	rm -f "$WORK/tvs.ready" "$WORK/client.keys"
	(cd "$CERTS" && exec "$TVS_PEER" server --host "$SRV_A" --port "$TVS_PORT" \
		--tls "$tls" $(cipher_opts "$tls" "$([ "$tls" = 1.3 ] && echo $T13 || echo $GCM)") \
		--cert "$CERTS/$cert.pem" --key "$KEYS/$cert.key" \
		--scenario "$ROOT/tools/audit/scenarios/phone-rejects-cert.scn" \
		--ready-file "$WORK/tvs.ready" --timeout 20) > "$WORK/server.log" 2>&1 &
	TVS_PID=$!
	wait_ready
	if [ "$tls" = 1.3 ]; then copt=(-tls1_3 -ciphersuites "$T13"); else copt=(-tls1_2 -cipher "$GCM"); fi
	if openssl s_client -bind "$ip:0" -connect "$SRV_A:$TVS_PORT" "${copt[@]}" \
		-noservername -no_ticket -CAfile "$CERTS/$trusted.pem" -no-CApath -no-CAstore \
		-verify_return_error -keylogfile "$WORK/client.keys" \
		< /dev/null > "$WORK/sclient.log" 2>&1; then
		die "$ip: s_client accepted $cert while trusting only $trusted"
	fi
	grep -q 'verify error' "$WORK/sclient.log" || { cat "$WORK/sclient.log" >&2; die "$ip: not a verify error"; }
	if wait "$TVS_PID"; then die "TVS server completed a rejected session"; fi
	TVS_PID=""
	cat "$WORK/client.keys" >> "$CAP.keys"
	printf '    %-11s TLS %s, %s rejected (trusts %s): %s\n' "$ip" "$tls" "$cert" "$trusted" \
		"$(grep -m1 'verify error' "$WORK/sclient.log")"
	sleep 0.2
}

# fault_session IP MODE TLS SCN [SERVER-OPTIONS]: tls-fault-server.py as TVS,
# tvs-peer client as the phone; the client must fail, the server succeed
fault_session() {
	local ip=$1 mode=$2 tls=$3 scn=$4 cipher=$GCM
	shift 4
	[ "$tls" = 1.3 ] && cipher=$T13
	rm -f "$WORK/tvs.ready" "$WORK/client.keys" "$WORK/server.keys"
	python3 "$FAULT" "$mode" --host "$SRV_A" --port "$TVS_PORT" --tls "$tls" \
		--cert "$CERTS/tvs-a.pem" --key "$KEYS/tvs-a.key" --keylog "$WORK/server.keys" \
		--ready-file "$WORK/tvs.ready" "$@" > "$WORK/server.log" 2>&1 &
	TVS_PID=$!
	wait_ready
	# shellcheck disable=SC2046
	if (cd "$CERTS" && BIND_SOURCE_ADDR=$ip LD_PRELOAD=$SHIM "$TVS_PEER" client \
		--host "$SRV_A" --port "$TVS_PORT" --tls "$tls" $(cipher_opts "$tls" "$cipher") \
		--keylog "$WORK/client.keys" --scenario "$SCN/$scn.scn" --timeout 20) \
		> "$WORK/client.log" 2>&1; then
		die "$ip: the client succeeded against a failing TVS ($mode)"
	fi
	wait "$TVS_PID" || { cat "$WORK/server.log" >&2; die "fault server ($mode) failed"; }
	TVS_PID=""
	touch "$WORK/client.keys"
	cat "$WORK/client.keys" >> "$CAP.keys"
	printf '    %-11s TLS %s, TVS fails (%s): %s | %s\n' "$ip" "$tls" "$mode" \
		"$(tail -n1 "$WORK/server.log")" "$(tail -n1 "$WORK/client.log")"
	sleep 0.2
}

# migration_start IP MAC: the phone holds A's CTL and ITL, then gets B's CTL
migration_start() {
	serve "$SRV_A" "CTLSEP$2.tlv" a-ctl.tlv
	serve "$SRV_A" "ITLSEP$2.tlv" a-itl.tlv
	serve "$SRV_B" "CTLSEP$2.tlv" b-ctl.tlv
	serve "$SRV_B" "ITLSEP$2.tlv" b-itl.tlv
	[ -f "$SERVED/SEP$2.cnf.xml.sgn" ] && serve "$SRV_B" "SEP$2.cnf.xml.sgn" "SEP$2.cnf.xml.sgn"
	fetch "$1" "$SRV_A" "CTLSEP$2.tlv"
	fetch "$1" "$SRV_A" "ITLSEP$2.tlv"
	fetch "$1" "$SRV_B" "CTLSEP$2.tlv"
}
migration_end() {
	fetch "$1" "$SRV_B" "ITLSEP$2.tlv"
	fetch "$1" "$SRV_B" "SEP$2.cnf.xml.sgn"
}

# ------------------------------------------------------------ scenarios ----
# 1. the phone rejects the TVS certificate (cluster B's TVS, it holds A's ITL)
P=127.0.21.1 M=001122332101
serve "$SRV_A" "ITLSEP$M.tlv" a-itl.tlv
begin_capture phone-alert-tls12 $P
fetch $P "$SRV_A" "ITLSEP$M.tlv"
phone_rejects $P 1.2 tvs-b tvs-a
end_capture
P=127.0.21.2 M=001122332102
serve "$SRV_A" "ITLSEP$M.tlv" a-itl.tlv
begin_capture phone-alert-tls13 $P
fetch $P "$SRV_A" "ITLSEP$M.tlv"
phone_rejects $P 1.3 tvs-b tvs-a
end_capture

# 2. TVS ends the handshake with an alert
P=127.0.22.1 M=001122332201
begin_capture server-alert-no-shared-cipher $P
migration_start $P $M
fault_session $P no-shared-cipher 1.2 "query-noanswer-$M"
end_capture
P=127.0.22.2 M=001122332202
begin_capture server-alert-client-cert-tls12 $P
migration_start $P $M
fault_session $P client-cert 1.2 "query-noanswer-$M" --ca "$CERTS/callmanager-a.pem"
end_capture
P=127.0.22.3 M=001122332203
begin_capture server-alert-client-cert-tls13 $P
migration_start $P $M
fault_session $P client-cert 1.3 "query-noanswer-$M" --ca "$CERTS/callmanager-a.pem"
end_capture

# 3. TCP reset by TVS: in the handshake, after the request
P=127.0.23.1 M=001122332301
begin_capture rst-in-handshake $P
migration_start $P $M
fault_session $P rst-handshake 1.2 "query-noanswer-$M"
end_capture
P=127.0.23.2 M=001122332302
begin_capture rst-after-request $P
migration_start $P $M
fault_session $P rst-after-request 1.2 "query-noanswer-$M"
end_capture

# 4. TVS answer sizes: valid with certificate / status only, three ways
P=127.0.24.1 M=001122332401
begin_capture answer-valid-tls12-gcm $P
migration_start $P $M
tvs_session $P tvs-a "query-valid-$M" 1.2 $GCM
migration_end $P $M
end_capture
P=127.0.24.2 M=001122332402
begin_capture answer-invalid-tls12-gcm $P
migration_start $P $M
tvs_session $P tvs-a "query-invalid-$M" 1.2 $GCM
end_capture
P=127.0.24.3 M=001122332403
begin_capture answer-valid-tls12-cbc $P
migration_start $P $M
tvs_session $P tvs-a "query-valid-$M" 1.2 $CBC --no-etm
migration_end $P $M
end_capture
P=127.0.24.4 M=001122332404
begin_capture answer-invalid-tls12-cbc $P
migration_start $P $M
tvs_session $P tvs-a "query-invalid-$M" 1.2 $CBC --no-etm
end_capture
P=127.0.24.5 M=001122332405
begin_capture answer-valid-tls13 $P
migration_start $P $M
tvs_session $P tvs-a "query-valid-$M" 1.3 $T13
migration_end $P $M
end_capture
P=127.0.24.6 M=001122332406
begin_capture answer-invalid-tls13 $P
migration_start $P $M
tvs_session $P tvs-a "query-invalid-$M" 1.3 $T13
end_capture

# 5. the phone asks again for the list TVS did not vouch for
P=127.0.25.1 M=001122332501
begin_capture retry-rejected $P
migration_start $P $M
tvs_session $P tvs-a "query-invalid-$M" 1.2 $GCM
fetch $P "$SRV_B" "CTLSEP$M.tlv"
end_capture
P=127.0.25.2 M=001122332502
begin_capture retry-then-accepted $P
migration_start $P $M
tvs_session $P tvs-a "query-invalid-$M" 1.2 $GCM
fetch $P "$SRV_B" "CTLSEP$M.tlv"
tvs_session $P tvs-a "query-valid-$M" 1.2 $GCM
migration_end $P $M
end_capture

# ------------------------------------------------------------- install ----
log "install into $OUT"
rm -f "$SERVED"/*.cnf.xml.tmp
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap "$OUT"/*.keys
rm -rf "$OUT/served"
cp -r "$STAGE"/. "$OUT"/
find "$OUT" -type d -exec chmod 755 {} +
find "$OUT" -type f -exec chmod 644 {} +
log "done: $(ls "$OUT"/*.pcap | wc -l) captures in $OUT"
