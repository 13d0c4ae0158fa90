#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The keyless TLS plaintext-length inference (dissectors/sbd-tls-size.c)
# against every committed capture that has a TLS key log: for each encrypted
# record, the length inferred from the keyless fields (version, cipher
# suite, encrypt_then_mac, record length) must hold the plaintext length
# tshark finds when it decrypts the record with the key log, and the TVS
# answer class inferred without keys must agree with the real answer
# (tests/tools/tls_size_check.py explains the passes).  The expected values
# come from the decryption (OpenSSL's records, tshark's TLS decryption), not
# from this project's dissectors.
. "$(dirname "$0")/lib.sh"

CLI="$BUILD/tests/tls_size_cli"
[ -x "$CLI" ] || { echo "missing $CLI" >&2; exit 1; }

# A key log belongs to the capture of the same name, else (xcheck.keys) to
# every capture in its directory.
ncap=0
nrec=0
while IFS= read -r keys; do
    base=${keys%.keys}
    caps=()
    for ext in pcap pcapng; do
        [ -f "$base.$ext" ] && caps+=("$base.$ext")
    done
    if [ ${#caps[@]} = 0 ]; then
        while IFS= read -r c; do caps+=("$c"); done < <(find "$(dirname "$keys")" -maxdepth 1 \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
    fi
    for cap in "${caps[@]}"; do
        # made with an incomplete TVS message (test-captures/README.md, xcheck):
        # the first 200 bytes of a verify request / 400 bytes of a query answer
        extra=()
        case "$(basename "$cap")" in
            tls_truncated_client_close.pcapng) extra=(c2s:200) ;;
            tls_server_close_mid_resp.pcapng) extra=(s2c:400) ;;
        esac
        out=$(python3 "$SRC/tests/tools/tls_size_check.py" "$SRC/tests/tshark.sh" "$BUILD" "$CLI" "$cap" "$keys" "${extra[@]}") || true
        ncap=$((ncap + 1))
        while IFS= read -r line; do
            case "$line" in
                ok*) pass; case "$line" in *"in likely"*) nrec=$((nrec + 1));; esac ;;
                FAIL*) fail "${line#FAIL }" ;;
                INFO*) echo "${line#INFO }" ;;
            esac
        done <<<"$out"
    done
done < <(find "$CAPS" -name '*.keys' | sort)

# Not vacuous: the captures hold at least this many encrypted records
# (tvs/ alone: 10 captures of at least 4 encrypted records each).
[ "$nrec" -ge 40 ] && pass || fail "only $nrec encrypted records checked"
[ "$ncap" -ge 18 ] && pass || fail "only $ncap captures checked"

echo "$ncap captures, $nrec encrypted records; $CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
