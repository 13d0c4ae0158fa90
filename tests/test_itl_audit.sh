#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# itl-audit (tools/itl-audit): command line, inputs and errors, exit status,
# text/JSON/CSV output, and the per-phone results on the committed captures.
#
# Expected values come from how the captures were built (test-captures/
# README.md, test-captures/audit/expected.tsv), openssl on the certificates,
# md5sum of the served files and TFTP transfers found by walking the pcap
# files in tests/tools/itl_audit_check.py, never from the tool's output.
# Checks that fail because of a known gap of the checks engine are listed
# (with the reason) in KNOWN_ENGINE_GAPS of that script and print XFAIL.
source "$(dirname "$0")/lib.sh"

CHECK="$SRC/tests/tools/itl_audit_check.py"
T="$CAPS/trustlist"
D="$CAPS/tvs"
AU="$CAPS/audit"
VERSION=$(sed -n 's/^project(cucm-sbd VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")

if [ ! -x "$IA" ]; then
    echo "FAIL: $IA not built" >&2
    exit 1
fi


# ia: tests/lib.sh.

# pycheck MODE ARGS...: run the checker, count its PASS/FAIL lines.
pycheck() {
    local out line n=0
    set +e
    out=$(python3 "$CHECK" "$@" 2>&1)
    set -e
    while IFS= read -r line; do
        case "$line" in
            PASS:*XPASS*) pass; n=$((n + 1)); echo "$1: $line" >&2 ;;
            PASS:*) pass; n=$((n + 1)) ;;
            FAIL:*) fail "$1: ${line#FAIL: }" ;;
            XFAIL:*) echo "$1: $line" >&2 ;;
            "") ;;
            *) fail "$1 checker: $line" ;;
        esac
    done <<<"$out"
    [ "$n" -gt 0 ] || fail "$1: the checker passed nothing"
}

# json_get FILE EXPR: a value from a JSON file (EXPR in Python, doc = the document)
json_get() {
    python3 -c 'import json,sys; doc=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# --- command line -------------------------------------------------------------
ia --help
assert_eq 0 "$RC" "--help exit status"
assert_contains "$OUT" "Usage: itl-audit [options] PATH..." "--help"
for o in --keylog --rsa-key "-o PREF:VALUE" --tvs-port --phone --json --csv --quiet --version; do
    assert_contains "$OUT" "$o" "--help lists $o"
done
ia --version
assert_eq 0 "$RC" "--version exit status"
assert_eq "itl-audit $VERSION" "$(cut -d' ' -f1,2 <<<"$OUT")" "--version prints the project version"

while IFS='|' read -r what args; do
    # shellcheck disable=SC2086
    ia $args
    assert_eq 2 "$RC" "usage error: $what"
    assert_contains "$ERR" "itl-audit: " "usage error message: $what"
    assert_eq "" "$OUT" "usage error prints nothing on stdout: $what"
done <<EOF
no PATH|
unknown option|--bogus $T/http-6970.pcap
unknown short option|-x $T/http-6970.pcap
missing argument|$T/http-6970.pcap --keylog
--json and --csv|--json --csv $T/http-6970.pcap
--tvs-port 0|--tvs-port 0 $T/http-6970.pcap
--tvs-port 65536|--tvs-port 65536 $T/http-6970.pcap
--tvs-port abc|--tvs-port abc $T/http-6970.pcap
--phone short|--phone 00:11:22 $T/http-6970.pcap
--phone mixed separators|--phone 00:11-22:33:44:55 $T/http-6970.pcap
--phone not hex|--phone 0011223344zz $T/http-6970.pcap
-o without colon|-o tftp.defragment $T/http-6970.pcap
-o unknown preference|-o nosuch.pref:1 $T/http-6970.pcap
--keylog unreadable|--keylog $WORK/nonexistent.keys $T/http-6970.pcap
--rsa-key unreadable|--rsa-key $WORK/nonexistent.pem $T/http-6970.pcap
EOF

# --- the trust-list captures (test-captures/README.md, "Captures") ------------------
ia --json "$T/tftp-variants.pcap" "$T/http-6970.pcap" "$T/tftp-blksize.pcap" "$T/tftp-itl-ctl-sgn.pcap"
assert_eq 1 "$RC" "trust-list captures: findings (tftp-variants) -> 1"
assert_eq "" "$ERR" "trust-list captures: nothing on stderr (no progress line without a terminal)"
python3 -m json.tool "$WORK/out" >/dev/null && pass || fail "trust-list JSON is not valid JSON"
cp "$WORK/out" "$WORK/trustlist.json"
pycheck schema "$WORK/trustlist.json" "$VERSION"
pycheck trustlist "$WORK/trustlist.json" "$CAPS"

ia "$T/tftp-variants.pcap"
assert_eq 1 "$RC" "tftp-variants.pcap: bad signatures -> 1"
for name in ITLSEP001122334455-corrupt.tlv ITLSEP001122334455-badsig.tlv ITL-unknown-signer.tlv; do
    assert_contains "$OUT" "bad-signature  frame" "text: bad-signature finding"
    assert_contains "$OUT" "ITL $name:" "text: finding detail names $name"
done
assert_eq 2 "$(grep -c '^phone .*\[input .*tftp-variants.pcap\]$' <<<"$OUT")" "text: input name on every phone block"
assert_contains "$OUT" "      what it means: " "text: explanation line"
assert_contains "$OUT" "      remediation: " "text: remediation line"
assert_contains "$OUT" "  timeline:" "text: timeline"
# Of the two lists whose signer the earlier lists lack, ITL-unknown-signer.tlv
# fails its own signature (its signer is not in it): the phone rejects it
# whoever signed it, bad-signature only; ITL-sha512-legacy.tlv verifies,
# and no TVS session follows it: signer-untrusted (issue #16: that finding
# means what it says).
assert_eq "summary: 1 input (0 unreadable), 2 phones, 8 files, 0 TVS sessions (none), 0 TVS exchanges, 4 findings (bad-signature 3, signer-untrusted 1)" \
    "$(tail -n 1 <<<"$OUT")" "text: summary line of tftp-variants.pcap"
# A list whose signature fails is rejected: the phone keeps the last list
# that verified (test-captures/README.md: ITLFile.tlv and the blank
# ITLSEPAABBCCDDEEFF.tlv verify; -corrupt, -badsig and ITL-unknown-signer
# (signer not in the file) do not, and come after them in this order).
ia --json "$T/tftp-variants.pcap"
assert_eq "ITLSEPAABBCCDDEEFF.tlv ITLSEPAABBCCDDEEFF.tlv ITLSEPAABBCCDDEEFF.tlv" \
    "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["inputs"][0]
fs = d["phones"][0]["files"]; by = {f["frame"]: f["name"] for f in fs}
print(" ".join(by.get(f["previous_list_frame"], "?") for f in fs
               if f["name"] in ("ITLSEP001122334455-corrupt.tlv", "ITLSEP001122334455-badsig.tlv", "ITL-unknown-signer.tlv")))' "$WORK/out")" \
    "tftp-variants: after a rejected list, the next is checked against the last list that verified"
assert_eq "3 3" "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["inputs"][0]
fs = d["phones"][0]["files"]; keep = [f["frame"] for f in fs if f["name"] == "ITLSEPAABBCCDDEEFF.tlv"][0]
bad = [f for f in d["findings"] if f["finding"] == "bad-signature"]
print(len(bad), sum(1 for f in bad if f["related_frame"] == keep and "the phone rejects it and keeps the ITL in frame %d" % keep in f["detail"]))' "$WORK/out")" \
    "tftp-variants: each bad-signature finding names the ITL the phone keeps"
for cap in http-6970.pcap tftp-blksize.pcap tftp-itl-ctl-sgn.pcap; do
    ia -q "$T/$cap"
    assert_eq 0 "$RC" "$cap: no findings -> 0"
    assert_eq 1 "$(wc -l <<<"$OUT")" "$cap: --quiet prints only the summary"
    assert_contains "$OUT" "0 findings (none)" "$cap: --quiet summary"
done

# Other container formats through wiretap: pcapng and gzip give the same result.
editcap -F pcapng "$T/tftp-blksize.pcap" "$WORK/blksize.pcapng"
gzip -c "$T/tftp-blksize.pcap" >"$WORK/blksize.pcap.gz"
for f in "$WORK/blksize.pcapng" "$WORK/blksize.pcap.gz"; do
    ia --json "$f"
    assert_eq 0 "$RC" "$(basename "$f"): exit status"
    assert_eq "ITLSEP001122334455.tlv valid $(digest md5 "$T/ITLSEP001122334455.tlv")" \
        "$(json_get "$WORK/out" '" ".join(str(doc["inputs"][0]["phones"][0]["files"][0][k]) for k in ("name","signature","md5"))')" \
        "$(basename "$f"): the ITL in 6 TFTP blocks"
done

# TFTP reassembly: the ITL of tftp-blksize.pcap spans 6 blocks.  The tool
# turns tftp.defragment on, the plugin's init routine does too; only with
# both off is the file lost.
ia --json -o ciscotl.force_tftp_defragment:FALSE "$T/tftp-blksize.pcap"
assert_eq 1 "$(json_get "$WORK/out" 'doc["summary"]["files"]')" "tftp.defragment set by the tool alone"
ia --json -o tftp.defragment:FALSE "$T/tftp-blksize.pcap"
assert_eq 1 "$(json_get "$WORK/out" 'doc["summary"]["files"]')" "tftp.defragment forced by the plugin's init routine"
ia --json -o tftp.defragment:FALSE -o ciscotl.force_tftp_defragment:FALSE "$T/tftp-blksize.pcap"
assert_eq 0 "$RC" "both off: exit status"
assert_eq 0 "$(json_get "$WORK/out" 'doc["summary"]["files"]')" "both off: -o reaches the preferences, no file"

# --- TVS captures: certificate, decryption by key log, DSB and RSA key -------------
ia --json "$D/tvs-query-found-tac-tls12.pcap"
assert_eq 1 "$RC" "tvs query without keys: no-itl finding -> 1"
pycheck tvs "$WORK/out" "$CAPS" query-nokeys
ia --json --keylog "$D/tvs-query-found-tac-tls12.keys" "$D/tvs-query-found-tac-tls12.pcap"
pycheck tvs "$WORK/out" "$CAPS" query-keys
ia --json "$D/tvs-query-found-tac-tls12-dsb.pcapng"
pycheck tvs "$WORK/out" "$CAPS" query-keys
ia --json --rsa-key "$D/tvs-server.key.pem" "$D/tvs-query-found-tac-tls12-rsa.pcap"
pycheck tvs "$WORK/out" "$CAPS" query-keys
ia --json "$D/tvs-query-found-tac-tls12-rsa.pcap"
pycheck tvs "$WORK/out" "$CAPS" query-nokeys
ia --json "$D/tvs-verify-invalid-tls13.pcap"
pycheck tvs "$WORK/out" "$CAPS" invalid-nokeys
ia --json --keylog "$D/tvs-verify-invalid-tls13.keys" "$D/tvs-verify-invalid-tls13.pcap"
pycheck tvs "$WORK/out" "$CAPS" invalid-keys
# TLS 1.3 with the secrets in a pcapng Decryption Secrets Block (editcap):
# only wtap_set_cb_new_secrets makes the certificate and the messages visible.
editcap --inject-secrets "tls,$D/tvs-verify-invalid-tls13.keys" "$D/tvs-verify-invalid-tls13.pcap" "$WORK/dsb13.pcapng"
ia --json "$WORK/dsb13.pcapng"
pycheck tvs "$WORK/out" "$CAPS" invalid-keys

# --tvs-port: a TVS session on TCP 3445 (tests/tools/make-tvs-robust-captures.py)
# is checked only when 3445 is a TVS port.
ia --json "$CAPS/tvs-robust/tvs-robust-heur-3445.pcapng"
assert_eq 0 "$(json_get "$WORK/out" 'doc["summary"]["sessions"]')" "port 3445 is not a TVS port by default"
ia --json --tvs-port 3445 --tvs-port 2445 "$CAPS/tvs-robust/tvs-robust-heur-3445.pcapng" "$D/tvs-query-found-tac-tls12.pcap"
assert_eq "[3445] [2445]" "$(json_get "$WORK/out" '" ".join(str([s["port"] for p in i["phones"] for s in p["sessions"]]) for i in doc["inputs"])')" \
    "--tvs-port 3445 --tvs-port 2445: sessions on both ports"

# --- inputs that cannot be read -------------------------------------------------------
cp "$SRC/README.md" "$WORK/notes.txt"
: >"$WORK/empty.pcap"
ia "$WORK/notes.txt"
assert_eq 2 "$RC" "non-capture file named explicitly -> 2"
assert_contains "$ERR" "$WORK/notes.txt: not a capture file" "non-capture file: message names the file"
ia "$WORK/empty.pcap"
assert_eq 2 "$RC" "empty file -> 2"
assert_contains "$ERR" "$WORK/empty.pcap: empty file" "empty file: message"
ia "$T/certs/tvs-a.pem"
assert_eq 2 "$RC" "a PEM file named explicitly -> 2"
assert_contains "$ERR" "tvs-a.pem: not a packet capture" "PEM file: message"

# Unreadable inputs among good ones (this works as root too): a missing file,
# a path through a regular file, a directory entry that is a dangling link with
# a capture name, and (not as root) a file without read permission.
cp "$T/http-6970.pcap" "$WORK/good.pcap"
mkdir -p "$WORK/walk"
cp "$T/tftp-blksize.pcap" "$WORK/walk/b.pcap"
ln -s "$WORK/nonexistent.pcap" "$WORK/walk/a-dangling.pcap"
ln -s "$WORK/nonexistent.txt" "$WORK/walk/c-dangling.txt"
bad=("$WORK/missing.pcap" "$WORK/good.pcap/inner.pcap")
if [ "$(id -u)" != 0 ]; then
    cp "$T/http-6970.pcap" "$WORK/noperm.pcap"
    chmod 000 "$WORK/noperm.pcap"
    bad+=("$WORK/noperm.pcap")
fi
ia --json "$WORK/good.pcap" "${bad[@]}" "$WORK/walk" "$T/tftp-itl-ctl-sgn.pcap"
assert_eq 2 "$RC" "unreadable inputs among good ones -> 2"
for b in "${bad[@]}" "$WORK/walk/a-dangling.pcap"; do
    assert_contains "$ERR" "itl-audit: $b: " "stderr names $b"
done
assert_not_contains "$ERR" "c-dangling.txt" "a dangling link without a capture name is skipped in a walk"
assert_eq "good.pcap:None:1 ${bad[*]/%/:err:0} a-dangling.pcap:err:0 b.pcap:None:1 tftp-itl-ctl-sgn.pcap:None:1" \
    "$(json_get "$WORK/out" '" ".join((i["path"] if i["error"] else i["path"].rsplit("/",1)[1]) + ":" + ("err" if i["error"] else "None") + ":" + str(len(i["phones"])) for i in doc["inputs"]).replace("'"$WORK/walk/"'", "")')" \
    "every input reported in order, the good ones with their phone"
assert_eq 2 "$(json_get "$WORK/out" 'doc["summary"]["exit_status"]')" "summary.exit_status"
pycheck schema "$WORK/out" "$VERSION"

# A directory walk: sorted, nested, symlink loops end, files reached twice are
# read once, non-capture files skipped, broken captures reported.
mkdir -p "$WORK/tree/x/y" "$WORK/tree/z"
cp "$T/tftp-blksize.pcap" "$WORK/tree/x/y/b.pcap"
cp "$T/http-6970.pcap" "$WORK/tree/a.PCAP"
cp "$T/tftp-itl-ctl-sgn.pcap" "$WORK/tree/z/c"          # no extension, still a capture
ln -s .. "$WORK/tree/x/y/up"                            # loop
ln -s "$WORK/tree" "$WORK/tree/z/root"                  # loop to the top
ln -s "$WORK/tree/x/y/b.pcap" "$WORK/tree/z/b-again.pcap"
cp "$SRC/README.md" "$WORK/tree/z/README"
cp "$T/certs/tvs-a.pem" "$T/ITLFile.tlv" "$WORK/tree/z/"
: >"$WORK/tree/z/empty.txt"
ia --json "$WORK/tree"
assert_eq 0 "$RC" "directory walk with loops terminates, no findings -> 0"
assert_eq "a.PCAP x/y/b.pcap z/c" \
    "$(json_get "$WORK/out" '" ".join(i["path"].replace("'"$WORK/tree/"'", "") for i in doc["inputs"])')" \
    "walk: sorted, nested, each capture once, non-captures skipped"
assert_eq "" "$ERR" "walk: nothing on stderr"
ia --json "$WORK/tree" "$WORK/tree/x"
assert_eq 3 "$(json_get "$WORK/out" 'doc["summary"]["inputs"]')" "a tree named twice is walked once"

# A truncated capture: results up to the cut are kept, plus the error.
read -r cut complete < <(python3 "$CHECK" cut-offset "$T/tftp-variants.pcap")
head -c "$cut" "$T/tftp-variants.pcap" >"$WORK/cut.pcap"
ia --json "$WORK/cut.pcap"
assert_eq 2 "$RC" "truncated capture -> 2"
assert_contains "$ERR" "itl-audit: $WORK/cut.pcap: " "truncated capture: stderr names the file"
pycheck truncated "$WORK/out" "$T/tftp-variants.pcap" "$complete"
ia "$WORK/cut.pcap"
assert_contains "$OUT" "error: " "truncated capture: text shows the error"
assert_contains "$OUT" "results up to the error are reported" "truncated capture: text says results are partial"

# --- hostile bytes in an input's name, in every output -------------------------------
# The name holds ESC, 0xff and 0xfe (never valid in UTF-8), DEL, a quote, a
# backslash, a comma and 0x01.  JSON and CSV must still be UTF-8 with the
# name as the UTF-8 rules make it (each invalid byte one U+FFFD, the rest
# kept: g_utf8_make_valid), the text output shows the controls as \xNN.
mkdir -p "$WORK/hostile"
HN=$(printf 'bad\033[31m\377\376\177"q\\,name\001.pcap')
cp "$T/tftp-variants.pcap" "$WORK/hostile/$HN"
EXPECT_NAME=$'bad\e[31m\xef\xbf\xbd\xef\xbf\xbd\x7f"q\\,name\x01.pcap'
ia --json "$WORK/hostile/$HN"
assert_eq 1 "$RC" "hostile name: audited (findings) -> 1"
assert_eq "ok" "$(python3 -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
want = sys.argv[2] + "/" + sys.argv[3]
print("ok" if d["inputs"][0]["path"] == want else "got %r, want %r" % (d["inputs"][0]["path"], want))' \
    "$WORK/out" "$WORK/hostile" "$EXPECT_NAME" 2>&1)" "hostile name: JSON is UTF-8 JSON with the repaired name"
ia --csv "$WORK/hostile/$HN"
assert_eq "ok" "$(python3 -c 'import csv, io, sys
rows = list(csv.reader(io.StringIO(open(sys.argv[1], "rb").read().decode("utf-8"), newline="")))
want = sys.argv[2] + "/" + sys.argv[3]
bad = [r[0] for r in rows[1:] if r[0] != want]
print("ok" if len(rows) > 1 and not bad else "rows %d, got %r, want %r" % (len(rows), bad[:1], want))' \
    "$WORK/out" "$WORK/hostile" "$EXPECT_NAME" 2>&1)" "hostile name: CSV is UTF-8 with the repaired name in every row"
ia "$WORK/hostile/$HN"
assert_contains "$OUT" 'bad\x1b[31m'$'\xef\xbf\xbd\xef\xbf\xbd''\x7f"q\,name\x01.pcap' "hostile name: text shows the controls as \\xNN"
assert_eq 0 "$(LC_ALL=C grep -c $'[\x01\x1b\x7f]' "$WORK/out")" "hostile name: no raw control byte in the text output"

# --- CSV ------------------------------------------------------------------------------
ia --json "$T/tftp-variants.pcap" "$WORK/missing-for-csv.pcap" \
    "$AU/site-b/deeper/tvs-invalid.pcap" "$AU/site-a/two-phones.pcap"
cp "$WORK/out" "$WORK/csv.json"
ia --csv "$T/tftp-variants.pcap" "$WORK/missing-for-csv.pcap" \
    "$AU/site-b/deeper/tvs-invalid.pcap" "$AU/site-a/two-phones.pcap"
assert_eq 2 "$RC" "CSV run with a missing input -> 2"
cp "$WORK/out" "$WORK/out.csv"
pycheck csv "$WORK/out.csv" "$WORK/csv.json"
assert_eq 3 "$(grep -c ',bad-signature,error,' "$WORK/out.csv")" "CSV: the 3 bad-signature rows of tftp-variants"
ia --csv "$T/http-6970.pcap"
assert_eq 0 "$RC" "CSV without findings -> 0"
assert_eq "input,phone_mac,phone_ip,frame,related_frame,finding,severity,detail,explanation,remediation,time,related_time,certainty,phone_outcome,phone_root_cause" \
    "$(tr -d '\r' <"$WORK/out")" "CSV without findings: the header row only"

# --- --phone ------------------------------------------------------------------------
for mac in 0011.2233.1002 00:11:22:33:10:02 00-11-22-33-10-02 001122331002 SEP001122331002; do
    ia --json --phone "$mac" "$AU/site-a/two-phones.pcap"
    assert_eq 1 "$RC" "--phone $mac: the serial-mismatch phone -> 1"
    # Phone 2 sends a fatal alert after TVS's certificate (test-captures/README.md,
    # frame 54): tvs-rejected after the serial mismatch (frame 52).
    assert_eq "00:11:22:33:10:02 serial-mismatch tvs-rejected" \
        "$(json_get "$WORK/out" '" ".join([p["mac"] for i in doc["inputs"] for p in i["phones"]] + [f["finding"] for i in doc["inputs"] for f in i["findings"]])')" \
        "--phone $mac: only that phone and its finding"
done
ia --json --phone 00:11:22:33:10:01 "$AU/site-a/two-phones.pcap"
assert_eq 0 "$RC" "--phone of the matching phone -> 0"
assert_eq "1 0" "$(json_get "$WORK/out" '"%d %d" % (doc["summary"]["phones"], doc["summary"]["findings"])')" \
    "--phone 00:11:22:33:10:01: one phone, no finding"

# --- the audit scenarios (test-captures/README.md, section audit/) ---------------------
if [ -f "$AU/expected.tsv" ]; then
    # One key log for the whole folder (the withheld one stays out).
    find "$AU" -name '*.keys' -type f -print0 | sort -z | xargs -0 cat >"$WORK/audit.keys"
    ia --json --keylog "$WORK/audit.keys" "$AU/"
    assert_eq 1 "$RC" "audit/ with the key logs -> 1"
    assert_eq "" "$ERR" "audit/: nothing on stderr (certs, keys, served files skipped silently)"
    cp "$WORK/out" "$WORK/audit.json"
    pycheck schema "$WORK/audit.json" "$VERSION"
    pycheck audit "$WORK/audit.json" "$CAPS"
    # Related frames of the per-phone findings (test-captures/README.md, the
    # scenario table): cm-and-tvs-replaced: the untrusted new ITL ends in
    # frame 21, the TVS certificate is in frame 28; migration-rollback-fails:
    # blank ITL in frame 17, CTL in frame 10.
    assert_eq "21 28|17 10" "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
fs = {(i["path"].rsplit("/", 1)[-1], f["finding"]): f for i in d["inputs"] for f in i["findings"]}
print("|".join("%s %s" % (fs[k]["frame"], fs[k]["related_frame"]) for k in
      [("cm-and-tvs-replaced.pcap", "cm-and-tvs-replaced"), ("migration-rollback-fails.pcap", "blank-itl-with-ctl")]))' "$WORK/audit.json")" \
        "audit/: cm-and-tvs-replaced and blank-itl-with-ctl name their related frames"
    pycheck outcomes "$WORK/audit.json" "$CAPS" outcome
    # Without any key log: the outcomes of expected.tsv's outcome_nokeys column.
    ia --json "$AU/"
    cp "$WORK/out" "$WORK/audit-nokeys.json"
    pycheck schema "$WORK/audit-nokeys.json" "$VERSION"
    pycheck outcomes "$WORK/audit-nokeys.json" "$CAPS" outcome_nokeys
    # The README's first command on the successful migration, without keys:
    # no finding (issue #16: it reported two signer-untrusted errors), the
    # outcome line says migrated, inferred.
    ia "$AU/site-b/deeper/migration-success.pcap"
    assert_eq 0 "$RC" "migration-success.pcap without keys: no finding -> 0"
    assert_contains "$OUT" "  outcome: migrated, root cause none (inferred): " "migration-success.pcap: text outcome line"
    assert_not_contains "$OUT" "signer-untrusted" "migration-success.pcap: no signer-untrusted"
    # Times: the ITL of b (frame 61) at the time of its pcap record (text).
    t=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import itl_audit_check as c; print(c.pcap_times(sys.argv[2])[61])' \
        "$SRC/tests/tools" "$AU/site-b/deeper/migration-success.pcap")
    assert_contains "$OUT" "    frame 61 ($t)  ITL ITLSEP001122330701.tlv  from 127.0.0.20" "text: frame with its time"
    # The list's build time (tag 15: 2025-02-01 for b-itl.tlv) and SHA-1 (sha1sum of served/b-itl.tlv).
    assert_contains "$OUT" "      MD5 $(md5sum <"$AU/served/b-itl.tlv" | cut -c1-32)  SHA-1 $(sha1sum <"$AU/served/b-itl.tlv" | cut -c1-40)" \
        "text: b-itl.tlv MD5 and SHA-1"
    assert_contains "$OUT" "      built 2025-02-01T00:00:00Z (header tag 15)" "text: b-itl.tlv build time"
    # The keyless evidence captures (test-captures/keyless/expected.tsv).
    if [ -f "$CAPS/keyless/expected.tsv" ]; then
        find "$CAPS/keyless" -name '*.keys' -type f -print0 | sort -z | xargs -0 cat >"$WORK/keyless.keys"
        ia --json --keylog "$WORK/keyless.keys" "$CAPS/keyless/"
        pycheck schema "$WORK/out" "$VERSION"
        pycheck outcomes "$WORK/out" "$CAPS" outcome keyless
        ia --json "$CAPS/keyless/"
        pycheck schema "$WORK/out" "$VERSION"
        pycheck outcomes "$WORK/out" "$CAPS" outcome_nokeys keyless
    fi
    ia --json --keylog "$AU/site-a/tls13/cert-hidden.keys-withheld" "$AU/site-a/tls13/cert-hidden.pcap"
    assert_eq 0 "$RC" "cert-hidden.pcap with the withheld key log: match, no finding -> 0"
    pycheck audit "$WORK/out" "$CAPS" withheld

    ia -q "$AU/"
    assert_eq 1 "$RC" "itl-audit test-captures/audit/ exits 1"
    ia "$AU/clean/"
    assert_eq 0 "$RC" "itl-audit test-captures/audit/clean/ exits 0"
    assert_contains "$OUT" "verdict: match" "clean/: text verdict"
    ia --keylog "$AU/clean/match.keys" "$AU/clean/"
    assert_eq 0 "$RC" "clean/ with its key log exits 0"
    assert_contains "$OUT" "TVS exchanges:" "clean/ with keys: the exchange is shown"
    ia "$AU/site-a/two-phones.pcap"
    assert_eq 2 "$(grep -c '^phone .*\[input .*two-phones.pcap\]$' <<<"$OUT")" "two-phones: two phone blocks"
else
    fail "test-captures/audit/expected.tsv missing: the audit scenarios were not checked"
fi

finish
