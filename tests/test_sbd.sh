#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The sbd post-dissector on the audit captures.  Expected per phone: how each
# capture was made (test-captures/audit/expected.tsv, written by
# tools/make-audit-captures.sh from the scenario it built, and the "audit/"
# section of test-captures/README.md): the TVS verdict of its sessions, the
# findings that must be reported, and those that may be.
source "$(dirname "$0")/lib.sh"

A="$CAPS/audit"
# finding codes of expected.tsv -> the names the checks report
declare -A NAME=( [TVS_SERIAL_MISMATCH]=serial-mismatch [TVS_HASH_MISMATCH]=hash-mismatch
    [NO_TVS_RECORD]=no-tvs-record [NO_ITL]=no-itl [CERT_HIDDEN]=cert-hidden
    [LIST_BAD_SIGNATURE]=bad-signature [SIGNER_UNTRUSTED_NO_TVS]=signer-untrusted
    [TVS_INVALID]=tvs-invalid [CM_TVS_REPLACED]=cm-and-tvs-replaced
    [BLANK_ITL_WITH_CTL]=blank-itl-with-ctl [SAME_NAME_DIFFERENT_CONTENT]=same-name-different-content
    [SGN_SIGNER_NOT_TRUSTED]=sgn-signer-not-trusted [TVS_CUT_OFF]=tvs-cut-off
    [TVS_REJECTED]=tvs-rejected [TVS_INVALID_SERVICE]=tvs-invalid-service
    [TVS_ITL_REJECTED]=tvs-itl-rejected [TVS_SERVER_ALERT]=tvs-server-alert [TVS_RESET]=tvs-reset )
# outcome names -> sbd.phone.outcome values (sbd-checks.h sbd_outcome)
declare -A OUTCOME=( [trusted]=1 [migrated]=2 [failed]=3 [undetermined]=4 )

# The phone's outcome (expected.tsv: status/root_cause/certainty) on its
# last trust frame, two passes.
check_outcome() {   # cap mac expected what tshark-options...
    local cap=$1 mac=$2 want=$3 what=$4; shift 4
    local st rc ce got
    IFS=/ read -r st rc ce <<<"$want"
    [ "$rc" = - ] && rc=none
    got=$(ts -2 -r "$A/${cap%%+*}" "$@" -Y "sbd.phone.mac == $mac && sbd.phone.outcome" -T fields -E separator='|' \
          -e sbd.phone.outcome -e sbd.phone.root_cause -e sbd.phone.outcome.certainty 2>&1)
    assert_eq "${OUTCOME[$st]}|$rc|$ce" "$got" "$cap $mac: outcome $what"
}

names() {   # "A,B" -> sorted names, one per line
    [ "$1" = "-" ] && return 0
    tr ',' '\n' <<<"$1" | while read -r c; do echo "${NAME[$c]:-UNKNOWN-$c}"; done | sort -u
}

# Two passes (as the GUI shows it): every finding, including the ones that
# need the whole capture.
while IFS=$'\t' read -r cap mac ip tvs_cert verdict must also outcome outcome_nokeys; do
    case "$cap" in \#*|"") continue;; esac
    file=${cap%%+*}
    opts=()
    if [ "$cap" != "$file" ]; then        # "+keys-withheld": decrypt with the withheld keys
        opts=(-o "tls.keylog_file:$A/${file%.pcap}.${cap#*+}")
    elif [ -f "$A/${file%.pcap}.keys" ]; then
        opts=(-o "tls.keylog_file:$A/${file%.pcap}.keys")
    fi
    # A phone without a MAC in a keyless capture (no-itl: the MAC is in the
    # TVS device name only) is found by its address.
    check_outcome "$cap" "$mac" "$outcome" "with the key log" "${opts[@]}"
    if [ ${#opts[@]} -gt 0 ]; then
        got=$(ts -2 -r "$A/$file" -Y "sbd.phone.ip == \"$ip\" && sbd.phone.outcome" -T fields -E separator='|' \
              -e sbd.phone.outcome -e sbd.phone.root_cause -e sbd.phone.outcome.certainty 2>&1)
        IFS=/ read -r st rc ce <<<"$outcome_nokeys"
        [ "$rc" = - ] && rc=none
        assert_eq "${OUTCOME[$st]}|$rc|$ce" "$got" "$cap $mac: outcome without keys"
    else
        assert_eq "$outcome" "$outcome_nokeys" "$cap: no key log, so the same outcome either way (expected.tsv)"
    fi
    out=$(ts -2 -r "$A/$file" "${opts[@]}" -Y "sbd.phone.mac == $mac" -T fields -E separator='|' \
          -e sbd.phone.ip -e sbd.tvs_check -e sbd.finding 2>&1)
    check_no_dissector_bug "$out" "$cap"
    got_ip=$(cut -d'|' -f1 <<<"$out" | sort -u | head -1)
    got_verdicts=$(cut -d'|' -f2 <<<"$out" | sed '/^$/d' | sort -u | paste -sd,)
    got_findings=$(cut -d'|' -f3 <<<"$out" | tr ',' '\n' | sed '/^$/d' | sort -u)
    assert_eq "$ip" "$got_ip" "$cap $mac: phone IP"
    assert_eq "$([ "$verdict" = - ] && echo "" || echo "$verdict")" "$got_verdicts" "$cap $mac: TVS verdict"
    missing=$(comm -23 <(names "$must") <(echo "$got_findings" | sed '/^$/d'))
    assert_eq "" "$missing" "$cap $mac: findings that must be reported"
    extra=$(comm -13 <( (names "$must"; names "$also") | sort -u) <(echo "$got_findings" | sed '/^$/d'))
    assert_eq "" "$extra" "$cap $mac: unexpected findings"
done < "$A/expected.tsv"

# The keyless evidence captures (test-captures/keyless/expected.tsv, written
# from how tools/make-keyless-captures.sh made each one): the outcome with
# the key log and without, and the findings that must be reported.
K="$CAPS/keyless"
if [ -f "$K/expected.tsv" ]; then
    while IFS=$'\t' read -r cap mac ip tvs_cert verdict must also outcome outcome_nokeys; do
        case "$cap" in \#*|"") continue;; esac
        for mode in keys nokeys; do
            opts=()
            want=$outcome_nokeys
            if [ $mode = keys ]; then
                opts=(-o "tls.keylog_file:$K/${cap%.pcap}.keys")
                want=$outcome
            fi
            out=$(ts -2 -r "$K/$cap" "${opts[@]}" -Y "sbd.phone.ip == \"$ip\"" -T fields -E separator='|' \
                  -e sbd.phone.outcome -e sbd.phone.root_cause -e sbd.phone.outcome.certainty -e sbd.finding 2>&1)
            check_no_dissector_bug "$out" "keyless/$cap $mode"
            IFS=/ read -r st rc ce <<<"$want"
            [ "$rc" = - ] && rc=none
            assert_eq "${OUTCOME[$st]}|$rc|$ce" "$(grep -v '^|' <<<"$out" | cut -d'|' -f1-3 | sort -u | head -1)" \
                "keyless/$cap $mac: outcome ($mode)"
            got_findings=$(cut -d'|' -f4 <<<"$out" | tr ',' '\n' | sed '/^$/d' | sort -u)
            [ $mode = keys ] && assert_eq "" "$(comm -23 <(names "$must") <(echo "$got_findings" | sed '/^$/d'))" \
                "keyless/$cap $mac: findings that must be reported ($mode)"
        done
    done < "$K/expected.tsv"
else
    fail "test-captures/keyless/expected.tsv missing"
fi

# The TVS server certificate serial the checks report is the one openssl
# reads from the certificate the scenario used.
out=$(ts -r "$A/site-a/serial-mismatch.pcap" -Y sbd.tvs_check -T fields -e sbd.tvs_cert_serial)
assert_eq "$(cert_serial "$A/certs/tvs-a2.pem" | sed 's/^00//')" "$out" "serial-mismatch: TVS certificate serial"
out=$(ts -r "$A/clean/match.pcap" -Y sbd.tvs_check -T fields -e sbd.tvs_cert_serial -e sbd.tvs_record_serial -e sbd.tvs_cert_sha1)
s=$(cert_serial "$A/certs/tvs-a.pem" | sed 's/^00//')
assert_eq "$s|$s|$(cert_fp sha1 "$A/certs/tvs-a.pem")" "$(tr '\t' '|' <<<"$out")" "match: serials and SHA-1"

# One pass (tshark's default): the filter finds exactly the sessions whose
# verdict is not a match, in every capture.
for f in $(cd "$A" && find . -name '*.pcap' | sort); do
    want=$(awk -F'\t' -v c="${f#./}" '$1 == c && $5 != "-" && $5 != "match" {n++} END {print n+0}' "$A/expected.tsv")
    got=$(ts -r "$A/$f" -Y 'sbd.tvs_check != "match"' -T fields -e frame.number | wc -l)
    assert_eq "$want" "$got" "one pass: sessions not matching in $f"
done

# Summary lines only (no -V, no filter): the verdict of serial-mismatch.pcap
# (expected.tsv) is in the Info column of the server's Certificate frame.
# With sbd.tls_certificates off the check is not made, the trust-list checks
# still are.
out=$(ts -r "$A/site-a/serial-mismatch.pcap" 2>&1)
assert_contains "$out" "Certificate, Server Key Exchange, Server Hello Done [TVS check: serial-mismatch]" \
    "summary lines: TVS verdict in the Info column"
out=$(ts -r "$A/site-a/serial-mismatch.pcap" -o sbd.tls_certificates:FALSE 2>&1)
assert_not_contains "$out" "TVS check" "sbd.tls_certificates off: no TVS verdict"
assert_eq "" "$(ts -r "$A/site-a/serial-mismatch.pcap" -o sbd.tls_certificates:FALSE -Y sbd.tvs_check -T fields -e frame.number)" \
    "sbd.tls_certificates off: no sbd.tvs_check field"
assert_eq "first file" "$(ts -r "$A/site-a/serial-mismatch.pcap" -o sbd.tls_certificates:FALSE -Y 'ciscotl.file_type == "ITL"' -T fields -e sbd.signer_trusted)" \
    "sbd.tls_certificates off: the ITL is still checked"

# Summary lines build no protocol tree: the TLS packets of TVS ports are
# dissected with one of the plugin's own.  Every TVS verdict of expected.tsv,
# including the TLS 1.3 certificate decrypted with the withheld keys, is in
# the Info column; and the summary lines of every capture are the same as
# when tshark builds a tree for every packet (-Y frame).
while IFS=$'\t' read -r cap mac ip tvs_cert verdict must also _; do
    case "$cap" in \#*|"") continue;; esac
    [ "$verdict" = - ] && continue
    file=${cap%%+*}
    opts=()
    if [ "$cap" != "$file" ]; then
        opts=(-o "tls.keylog_file:$A/${file%.pcap}.${cap#*+}")
    elif [ -f "$A/${file%.pcap}.keys" ]; then
        opts=(-o "tls.keylog_file:$A/${file%.pcap}.keys")
    fi
    out=$(ts -r "$A/$file" "${opts[@]}" 2>&1)
    assert_contains "$out" "[TVS check: $verdict]" "summary lines: $cap $mac: TVS verdict in the Info column"
done < "$A/expected.tsv"
while read -r f; do
    opts=()
    [ -f "${f%.*}.keys" ] && opts=(-o "tls.keylog_file:${f%.*}.keys")
    assert_eq "$(ts -r "$f" "${opts[@]}" 2>&1)" "$(ts -r "$f" "${opts[@]}" -Y frame 2>&1)" \
        "summary lines without and with a tree: ${f#"$CAPS"/}"
done < <(find "$CAPS" -name '*.pcap' -o -name '*.pcapng' | sort)

# Statistics tree lists the phones with their verdicts.
out=$(ts -q -z sbd,tree -r "$A/site-a/two-phones.pcap" 2>&1)
assert_contains "$out" "001122331001 (127.0.10.1)" "stats tree: phone 1"
assert_contains "$out" "001122331002 (127.0.10.2)" "stats tree: phone 2"
assert_contains "$out" "serial-mismatch" "stats tree: verdict"

finish
