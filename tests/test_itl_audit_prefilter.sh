#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# itl-audit's record pre-filter and worker processes:
#  * the verdicts are the same with and without the pre-filter (--no-prefilter):
#    byte-identical JSON, text and CSV on every capture in test-captures/, with
#    and without the key logs, through the worker pool (several inputs) and the
#    single-input path (reader thread overlapping libwireshark's start);
#  * the same on rewrites of committed captures into other link layers, IPv6
#    with extension headers, IPv4/IPv6 fragments and tunnels, with unrelated
#    traffic in between (tests/tools/pcap_variants.py): the trust lists, TVS
#    verdicts, exchanges and findings are those of the original capture, and
#    the unrelated traffic never reaches libwireshark (--stats);
#  * -j 1 and -j 2 print byte-identical output;
#  * preferences that widen what must be dissected (-o, a profile) are honoured;
#  * the pcap record scanner (pcapscan.c, plain pcap files) gives what reading
#    every record through wiretap gives (--no-fast-read): byte-identical
#    output on every committed capture, on the other byte order and
#    nanosecond forms of the format, and on files cut short or holding a
#    record too long for wiretap, with wiretap's own error message
#    (tests/tools/pcap_forms.py; frame counts from capinfos).
source "$(dirname "$0")/lib.sh"

VARIANTS="$SRC/tests/tools/pcap_variants.py"
T="$CAPS/trustlist"
D="$CAPS/tvs"
AU="$CAPS/audit"

if [ ! -x "$IA" ]; then
    echo "FAIL: $IA not built" >&2
    exit 1
fi

envs=("${IA_ENV[@]}")

# ia OUTFILE ARGS...: run itl-audit, stdout to OUTFILE, stderr to OUTFILE.err; sets RC.
ia() {
    local out=$1
    shift
    set +e
    env "${envs[@]}" timeout 240 "$IA" "$@" >"$out" 2>"$out.err"
    RC=$?
    set -e
    check_no_dissector_bug "$(cat "$out.err")" "itl-audit $*"
}

# same A B WHAT: files byte-identical
same() {
    if cmp -s "$1" "$2"; then pass; else fail "$3: outputs differ ($(diff "$1" "$2" | head -5 | tr '\n' ' '))"; fi
}

# summary FILE: the counts of a JSON report
summary() {
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["inputs"], s["errors"], s["phones"], s["files"], s["sessions"], s["exchanges"], s["findings"], s["exit_status"])' "$1"
}

# essence FILE: what the audit concluded, without frame numbers and addresses
# (a rewrite into IPv6 changes addresses, added packets change frame numbers)
essence() {
    python3 - "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for i in doc["inputs"]:
    print("error", i["error"] is not None)
    for p in i["phones"]:
        print("phone", p["mac"], p["model"], sorted(p["verdicts"].items()))
        for f in p["files"]:
            print("  file", f["type"], f["name"], f["md5"], f["signature"], f["signer_trusted"], f["blank_itl"],
                  f["tvs_followup"] is not None, [(r["role"], r["serial"], r["cert_sha1"]) for r in f["records"]])
        for s in p["sessions"]:
            print("  session", s["port"], s["tls13"], s["cert_seen"], s["cert_serial"], s["cert_sha1"], s["verdict"],
                  s["itl_frame"] is not None, s["record_serial"])
        for x in p["exchanges"]:
            print("  exchange", x["command"], x["request_id"], x["serial"], x["answered"], x["status"], x["roles"], x["ttl"])
    for f in i["findings"]:
        print("finding", f["finding"], f["severity"], f["phone_mac"])
EOF
}

cat "$CAPS"/tvs/*.keys "$AU"/*/*.keys "$AU"/*/*/*.keys 2>/dev/null >"$WORK/all.keys" || true
[ -s "$WORK/all.keys" ] && pass || fail "no key logs found under test-captures/"

# --- command line -------------------------------------------------------------
ia "$WORK/help" --help
for o in "--no-prefilter" "--no-fast-read" "-j, --jobs N" "--stats"; do
    assert_contains "$(cat "$WORK/help")" "$o" "--help lists $o"
done
for bad in "-j 0" "-j abc" "-j 1000" "--jobs"; do
    # shellcheck disable=SC2086
    ia "$WORK/bad" $bad "$T/http-6970.pcap"
    assert_eq 2 "$RC" "usage error: $bad"
    assert_eq "" "$(cat "$WORK/bad")" "usage error prints nothing on stdout: $bad"
done

# --- every committed capture: with and without the pre-filter -----------------------
# Several inputs: the worker pool.
for run in "--json|" "--json|--keylog $WORK/all.keys" "|" "--csv|--keylog $WORK/all.keys"; do
    fmt=${run%%|*}
    keys=${run#*|}
    {
        # shellcheck disable=SC2086
        ia "$WORK/pf" $fmt $keys "$CAPS"
        rc1=$RC
        # shellcheck disable=SC2086
        ia "$WORK/nopf" $fmt $keys --no-prefilter "$CAPS"
        assert_eq "$rc1" "$RC" "test-captures/ ${fmt:-text} ${keys:+with keys}: exit status with and without the pre-filter"
        same "$WORK/pf" "$WORK/nopf" "test-captures/ ${fmt:-text} ${keys:+with keys}: pre-filter vs --no-prefilter"
        same "$WORK/pf.err" "$WORK/nopf.err" "test-captures/ ${fmt:-text} ${keys:+with keys}: stderr"
    }
done
ia "$WORK/keys.json" --json --keylog "$WORK/all.keys" "$CAPS"
# (and every TVS trace and console log of test-captures/logs/, recognised by their lines)
if [ "$LOGS_REFUSED" = 1 ]; then   # logs refused as root on Wireshark >= 4.4: not inputs
    n_inputs=$(find "$CAPS" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | wc -l)
    # Wireshark 4.4 takes one of the key logs (keyless/phone-alert-tls12.keys) for a
    # capture by one of its text heuristics (the walk asks wiretap; issue #17, item 3).
    n_keys=$(find "$CAPS" -type f -name '*.keys' | wc -l)
    got=$(summary "$WORK/keys.json" | cut -d' ' -f1)
    if [ "$got" -ge "$n_inputs" ] && [ "$got" -le $((n_inputs + n_keys)) ]; then pass; else
        fail "every capture of test-captures/ audited: expected $n_inputs (up to $n_keys key logs more), got $got"; fi
else
    n_inputs=$(find "$CAPS" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -path '*/logs/*' \) | wc -l)
    assert_eq "$n_inputs" "$(summary "$WORK/keys.json" | cut -d' ' -f1)" "every capture and log of test-captures/ audited"
fi
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["summary"]["exchanges"] > 0 and d["summary"]["sessions"] > 0 and d["summary"]["files"] > 0 else 1)' \
    "$WORK/keys.json" && pass || fail "test-captures/ with keys: files, sessions and exchanges were compared"

# One input at a time: the reader thread that overlaps libwireshark's start.
for cap in "$CAPS/tvs-robust/tvs-robust-heur-3445.pcapng" "$AU/site-a/two-phones.pcap" \
           "$AU/site-a/tls13/cert-hidden.pcap" "$D/tvs-verify-valid-tls13-dsb.pcapng" "$T/http-6970.pcap"; do
    ia "$WORK/one" --json --keylog "$WORK/all.keys" "$cap"
    ia "$WORK/one-nopf" --json --keylog "$WORK/all.keys" --no-prefilter "$cap"
    same "$WORK/one" "$WORK/one-nopf" "$(basename "$cap") alone, with keys"
done
for cap in "$CAPS/tvs-robust/tvs-robust-heur-3445.pcapng" "$T/tftp-variants.pcap" "$AU/site-a/two-phones.pcap"; do
    ia "$WORK/one" --json "$cap"
    ia "$WORK/one-nopf" --json --no-prefilter "$cap"
    same "$WORK/one" "$WORK/one-nopf" "$(basename "$cap") alone, without keys"
done
# A single input is opened while libwireshark starts, before its Lua file
# readers exist (an installed cisco-tl-file.lua reads bare trust lists): a
# failed open is retried, so the input is judged as with several inputs.
ia "$WORK/tlv1" --json "$T/ITLFile.tlv"
ia "$WORK/tlv2" --json "$T/ITLFile.tlv" "$T/http-6970.pcap"
assert_eq "$(cat "$WORK/tlv2.err")" "$(cat "$WORK/tlv1.err")" "bare trust list named alone or with another input: same message"
assert_eq 2 "$RC" "bare trust list named explicitly -> 2"

# The heuristic TVS session on 3445 (secrets in a DSB): found with the pre-filter.
ia "$WORK/one" --json "$CAPS/tvs-robust/tvs-robust-heur-3445.pcapng"
assert_eq 1 "$(summary "$WORK/one" | cut -d' ' -f6)" "tvs-robust-heur-3445: the exchange on port 3445 is found"

# --- -j 1 and -j 2 -----------------------------------------------------------------------
for fmt in --json "" --csv "-q"; do
    # shellcheck disable=SC2086
    ia "$WORK/j1" $fmt --keylog "$WORK/all.keys" -j 1 "$CAPS" "$WORK/missing.pcap" "$T/http-6970.pcap"
    rc1=$RC
    # shellcheck disable=SC2086
    ia "$WORK/j2" $fmt --keylog "$WORK/all.keys" -j 2 "$CAPS" "$WORK/missing.pcap" "$T/http-6970.pcap"
    assert_eq 2 "$rc1" "-j 1 ${fmt:-text}: a missing input -> 2"
    assert_eq "$rc1" "$RC" "-j 1 / -j 2 ${fmt:-text}: exit status"
    same "$WORK/j1" "$WORK/j2" "-j 1 / -j 2 ${fmt:-text}: stdout"
    same "$WORK/j1.err" "$WORK/j2.err" "-j 1 / -j 2 ${fmt:-text}: stderr"
done
ia "$WORK/j3" --json -j 3 "$AU" "$T"
ia "$WORK/j1" --json -j 1 "$AU" "$T"
same "$WORK/j1" "$WORK/j3" "-j 1 / -j 3 on two folders"
# The workers' --stats lines come out in input order too.
ia "$WORK/s1" -q --stats -j 1 "$T"
ia "$WORK/s2" -q --stats -j 2 "$T"
# (how far the first input got while libwireshark started depends on timing)
early='s/; [a-z0-9 ]* records read while libwireshark started$//'
assert_eq "$(grep ': stats: /' "$WORK/s1.err" | sed "s/ in [0-9.]* s//; $early")" \
          "$(grep ': stats: /' "$WORK/s2.err" | sed "s/ in [0-9.]* s//; $early")" "--stats lines in input order with -j 2"
assert_eq 4 "$(grep -c ': stats: .*records in .* to epan' "$WORK/s2.err")" "--stats: one line per input"
assert_contains "$(cat "$WORK/s2.err")" "peak RSS" "--stats: memory line at the end"
# The first input is read while libwireshark starts; with several inputs the
# worker that audits it takes the reader over where it stopped.  A named pipe
# puts that point in the middle of the file: the writer sends the first half
# of a capture (byte 15775 of 31551, inside record 30 of 67, counted from the
# pcap record headers with a few lines of Python), waits well past
# libwireshark's start, then sends the rest.  The reader, blocked in record
# 30, completes it and stops there; the worker reads records 31-67.
FIFO_SRC="$AU/site-b/deeper/migration-success.pcap"
for j in 1 2; do
    rm -f "$WORK/pipe.pcap"
    mkfifo "$WORK/pipe.pcap"
    timeout 60 python3 -c '
import sys, time
d = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(d[:len(d) // 2])
    f.flush()
    time.sleep(3)
    f.write(d[len(d) // 2:])
' "$FIFO_SRC" "$WORK/pipe.pcap" &
    writer=$!
    ia "$WORK/p$j" --json --stats -j $j "$WORK/pipe.pcap" "$T/http-6970.pcap"
    wait $writer || fail "-j $j: the writer of the pipe failed"
    ia "$WORK/r$j" --json -j $j "$FIFO_SRC" "$T/http-6970.pcap"
    sed -i "s|$WORK/pipe.pcap|$FIFO_SRC|g" "$WORK/p$j"
    same "$WORK/r$j" "$WORK/p$j" "-j $j: a first input handed over mid-file gives the report of the file"
    assert_contains "$(cat "$WORK/p$j.err")" "pipe.pcap: 67 records in" "-j $j: every record of the piped capture read"
    assert_contains "$(cat "$WORK/p$j.err")" "; the first 30 records read while libwireshark started" \
        "-j $j: the main process read up to the pause, the worker the rest"
done

ia "$WORK/s3" -q --stats --no-prefilter "$T/http-6970.pcap"
assert_contains "$(cat "$WORK/s3.err")" "all to epan (no pre-filter)" "--stats with --no-prefilter"

# --- the pcap record scanner against wiretap -----------------------------------------------
FORMS="$SRC/tests/tools/pcap_forms.py"
ia "$WORK/fast" --json --keylog "$WORK/all.keys" --stats "$CAPS"
ia "$WORK/slow" --json --keylog "$WORK/all.keys" --no-fast-read "$CAPS"
same "$WORK/fast" "$WORK/slow" "test-captures/ with keys: scanner vs --no-fast-read"
# Which inputs are plain pcap: their first bytes, read here with od.
n_plain=0
while IFS= read -r -d '' f; do
    case "$(od -An -tx1 -N8 "$f" | tr -d ' ')" in
        d4c3b2a10200040*|a1b2c3d400020004*|4d3cb2a10200040*|a1b23c4d00020004*) n_plain=$((n_plain + 1)) ;;
    esac
done < <(find "$CAPS" -type f \( -name '*.pcap' -o -name '*.pcapng' \) -print0)
[ "$n_plain" -gt 10 ] && pass || fail "only $n_plain plain pcap files found in test-captures/"
assert_eq "$n_plain" "$(grep -c 'pcap records walked by the scanner' "$WORK/fast.err")" "--stats: the scanner walked every plain pcap file as pcap"
n_ng=$(find "$CAPS" -type f -name '*.pcapng' -exec sh -c 'od -An -tx1 -N4 "$1" | tr -d " " | grep -qx 0a0d0d0a' _ {} \; -print | wc -l)
[ "$n_ng" -gt 5 ] && pass || fail "only $n_ng pcapng files found in test-captures/"
assert_eq "$n_ng" "$(grep -c 'pcapng records walked by the scanner' "$WORK/fast.err")" "--stats: the scanner walked every pcapng file as pcapng"

# A capture dumpcap itself wrote (test-captures/README.md, formats/): its ISB passed over, not a stop.
DC="$CAPS/formats/dumpcap-lo.pcapng"
assert_contains "$(grep -F ": stats: $DC: " "$WORK/fast.err")" \
    "402 records in" "dumpcap-lo.pcapng: 402 records (capinfos: 402)"
assert_contains "$(grep -F ": stats: $DC: " "$WORK/fast.err")" \
    "pcapng records walked by the scanner, 2 read again through wiretap, 1 statistics blocks passed over" \
    "dumpcap-lo.pcapng: the TFTP request and its ICMP error to epan; dumpcap's ISB passed over"
grep -F ": stats: $DC: " "$WORK/fast.err" | grep -q 'stopped' && fail "dumpcap-lo.pcapng: the scanner stopped" || pass

# form FORM [N]: a form of two-phones.pcap; prints the number of records pcap_forms.py wrote or kept
TP="$AU/site-a/two-phones.pcap"
TPK="--keylog $AU/site-a/two-phones.keys"
form() { python3 "$FORMS" "$TP" "$WORK/form.pcap" "$@"; }
# both NAME FILE: scanner and wiretap agree on FILE (stdout, stderr, status); the scanner's JSON in
# $WORK/form.json, its stderr in $FORMERR
both() {
    # shellcheck disable=SC2086
    ia "$WORK/form.json" --json $TPK --stats "$2"
    local rc1=$RC
    # shellcheck disable=SC2086
    ia "$WORK/form-w.json" --json $TPK --no-fast-read "$2"
    assert_eq "$rc1" "$RC" "$1: exit status, scanner and wiretap"
    same "$WORK/form.json" "$WORK/form-w.json" "$1: scanner vs --no-fast-read"
    same <(grep -v ': stats: ' "$WORK/form.json.err") "$WORK/form-w.json.err" "$1: stderr, scanner and wiretap"
    FORMERR=$(cat "$WORK/form.json.err")
    RC=$rc1
}
# times NAME FILE RES: the first and last time stamps of --stats (in $WORK/form.json.err) against
# capinfos, to as many places as capinfos prints (6 or 9: the file's resolution); RES usec: our
# other 3 places are 0; nsec: the first time stamp ends in 123; any: nothing more
times() {
    python3 - "$WORK/form.json.err" <(capinfos -T -r -a -e -S "$2") "$3" <<'EOF' && pass || fail "$1: time stamps"
import re, sys
ours = re.search(r"time stamps ([0-9.]+) to ([0-9.]+)", open(sys.argv[1]).read())
# capinfos' table output (-T -r: file, first and last time stamps; its
# labels differ between Wireshark versions)
cap = open(sys.argv[2]).read().rstrip("\n").split("\t")[1:]
ok = ours is not None and len(cap) == 2 and all(o[:len(c)] == c for o, c in zip(ours.groups(), cap))
if ok and sys.argv[3] == "usec":
    ok = all(set(o[len(c):]) <= {"0"} for o, c in zip(ours.groups(), cap))
if ok and sys.argv[3] == "nsec":
    ok = ours.group(1).endswith("123")
if not ok:
    print("itl-audit: %s, capinfos: %s" % (ours and ours.groups(), cap), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
# shellcheck disable=SC2086
ia "$WORK/tp.json" --json $TPK --no-prefilter "$TP"
essence "$WORK/tp.json" >"$WORK/tp.essence"
grep -q 'session' "$WORK/tp.essence" && pass || fail "two-phones.pcap: no TVS session to compare"
for f in le be nsec nsec-be v23 "max 30" "zero 30"; do
    # shellcheck disable=SC2086
    form $f >/dev/null
    both "two-phones.pcap as $f" "$WORK/form.pcap"
    essence "$WORK/form.json" >"$WORK/form.essence"
    same "$WORK/tp.essence" "$WORK/form.essence" "two-phones.pcap as $f: the conclusions of the original"
    case "$f" in nsec*) res=nsec ;; *) res=usec ;; esac
    times "$f" "$WORK/form.pcap" "$res"
    if [ "$f" = v23 ]; then
        grep -q 'walked by the scanner' "$WORK/form.json.err" && fail "version 2.3: the scanner must leave it to wiretap" || pass
    else
        assert_contains "$(cat "$WORK/form.json.err")" "walked by the scanner" "two-phones.pcap as $f: the scanner read it"
    fi
done
# Damaged: wiretap's message and frame count, the same from both paths.
for f in "cut-data 40" "cut-header 40" "oversize 40"; do
    # shellcheck disable=SC2086
    kept=$(form $f)
    assert_eq 39 "$kept" "$f: 39 whole records before the damage"
    assert_contains "$(capinfos -c "$WORK/form.pcap" 2>&1)" "after reading 39 packets" "$f: capinfos stops after 39"
    both "two-phones.pcap, $f" "$WORK/form.pcap"
    assert_eq 2 "$RC" "$f: exit status 2"
    case "$f" in
        oversize*) why="pcap: File has 300000-byte packet, bigger than maximum of 262144" ;;
        *) why="cut short" ;;
    esac
    assert_contains "$(cat "$WORK/form.json.err")" "form.pcap: " "$f: stderr names the file"
    assert_contains "$(cat "$WORK/form.json.err")" "$why" "$f: wiretap's reason"
    assert_contains "$(cat "$WORK/form.json.err")" "after frame 39" "$f: after frame 39"
done

# --- the pcapng record scanner against wiretap --------------------------------------------
# tests/tools/pcapng_forms.py writes two-phones.pcap's records as pcapng, in several forms, into
# one folder; the scanner and wiretap (--no-fast-read) each audit the whole folder once (in worker
# processes: -j is the number of processors), and must agree on all of it; then each form is
# checked on its own --stats line, stderr lines and JSON input.
NGFORMS="$SRC/tests/tools/pcapng_forms.py"
NGD="$WORK/ngforms"
mkdir -p "$NGD"
GOOD="ng|pcapng records walked by the scanner, 57 read again through wiretap
ng-be|pcapng records walked by the scanner, 57 read again through wiretap
ng-nsec|pcapng records walked by the scanner, 57 read again through wiretap
ng-two|pcapng records walked by the scanner, 57 read again through wiretap
ng-opts 30|pcapng records walked by the scanner, 58 read again through wiretap
ng-bin|pcapng records walked by the scanner, 59 read again through wiretap
ng-tsoffset|pcapng records walked by the scanner, 59 read again through wiretap
ng-isb|57 read again through wiretap, 1 statistics blocks passed over
ng-isb-mid 30|57 read again through wiretap, 1 statistics blocks passed over
ng-isb-odd|the scanner stopped at a block of type 0x00000005
ng-nrb 30|the scanner stopped at a block of type 0x00000004
ng-idb 30|the scanner stopped at a block of type 0x00000001
ng-shb 30|the scanner stopped at a block of type 0x0a0d0d0a"
# damaged at record 40 (the 40th written, counting the unrelated first one) | wiretap's reason
BAD="ng-cut-data 40|cut short
ng-cut-header 40|cut short
ng-trailer 40|total block lengths (first 968 and second 972) don't match
ng-iface 40|interface index 5 is not less than section interface count 1
ng-oversize 40|cap_len 300000 is larger than 262144
ng-short 40|total block length 28 of an EPB is less than the minimum EPB size 32
ng-len8 40|total block length 8 of an EPB is less than the minimum EPB size 32"
ngfile() { echo "$NGD/${1// /_}.pcapng"; }
while IFS='|' read -r f want; do
    # shellcheck disable=SC2086
    n=$(python3 "$NGFORMS" "$TP" "$(ngfile "$f")" $f)
    assert_eq 59 "$n" "pcapng $f: 57 records and the two unrelated ones written"
    assert_eq 59 "$(capinfos -T -r -c "$(ngfile "$f")" | cut -f2)" "pcapng $f: capinfos counts 59"
done <<<"$GOOD"
python3 "$NGFORMS" "$TP" "$(ngfile "ng-spb 30")" ng-spb 30 >/dev/null
while IFS='|' read -r f why; do
    # shellcheck disable=SC2086
    n=$(python3 "$NGFORMS" "$TP" "$(ngfile "$f")" $f)
    assert_eq 40 "$n" "pcapng $f: 40 whole records before the damage"
    assert_contains "$(capinfos -c "$(ngfile "$f")" 2>&1)" "after reading 40 packets" "pcapng $f: capinfos stops after 40"
done <<<"$BAD"
# shellcheck disable=SC2086
ia "$WORK/ngf.json" --json $TPK --stats "$NGD"
rc_fast=$RC
# shellcheck disable=SC2086
ia "$WORK/ngw.json" --json $TPK --no-fast-read "$NGD"
assert_eq "$rc_fast" "$RC" "pcapng forms: exit status, scanner and wiretap"
assert_eq 2 "$RC" "pcapng forms: exit status 2 (damaged inputs)"
same "$WORK/ngf.json" "$WORK/ngw.json" "pcapng forms: scanner vs --no-fast-read"
same <(grep -v ': stats: ' "$WORK/ngf.json.err") "$WORK/ngw.json.err" "pcapng forms: stderr, scanner and wiretap"
# one FILE: the JSON of that input alone, in $WORK/one.json
one() {
    python3 - "$WORK/ngf.json" "$1" >"$WORK/one.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["inputs"] = [i for i in doc["inputs"] if i["path"] == sys.argv[2]]
json.dump(doc, sys.stdout)
EOF
}
# stats FILE: its --stats line (also in $WORK/form.json.err, for times())
stats() { grep -F ": stats: $1: " "$WORK/ngf.json.err" | tee "$WORK/form.json.err"; }
while IFS='|' read -r f want; do
    F=$(ngfile "$f")
    one "$F"
    essence "$WORK/one.json" >"$WORK/form.essence"
    same "$WORK/tp.essence" "$WORK/form.essence" "pcapng $f: the conclusions of the original"
    FORMERR=$(stats "$F")
    assert_contains "$FORMERR" "59 records in" "pcapng $f: 59 records"
    assert_contains "$FORMERR" "$want" "pcapng $f: $want"
    case "$want" in
        *stopped*) ;;
        *) case "$FORMERR" in *stopped*) fail "pcapng $f: the scanner stopped" ;; *) pass ;; esac ;;
    esac
    case "$f" in ng-nsec) res=nsec ;; ng-bin) res=any ;; *) res=usec ;; esac
    times "pcapng $f" "$F" "$res"
done <<<"$GOOD"
FORMERR=$(stats "$(ngfile "ng-spb 30")")
assert_contains "$FORMERR" "60 records in" "pcapng ng-spb: 60 records (one simple packet block)"
assert_contains "$FORMERR" "the scanner stopped at a block of type 0x00000003" "pcapng ng-spb: the scanner stopped at the SPB"
while IFS='|' read -r f why; do
    F=$(ngfile "$f")
    msg=$(grep -F "$F: " "$WORK/ngf.json.err" | grep -v ': stats: ')
    assert_contains "$msg" "$why" "pcapng $f: wiretap's reason"
    assert_contains "$msg" "after frame 40" "pcapng $f: after frame 40"
    one "$F"
    python3 -c 'import json,sys; i=json.load(open(sys.argv[1]))["inputs"]; sys.exit(0 if len(i) == 1 and i[0]["error"] and i[0]["frames"] == 40 else 1)' \
        "$WORK/one.json" && pass || fail "pcapng $f: JSON: an error after 40 frames"
done <<<"$BAD"

# --- rewritten captures -------------------------------------------------------------------
# variant CAPTURE VARIANT "ITL-AUDIT ARGS" [PORT-MAP]
variant() {
    local cap=$1 v=$2 args=$3 pmap=${4:-} name
    name="$(basename "$cap" .pcap)/$v${pmap:+/$pmap}${args:+ (keys)}"
    python3 "$VARIANTS" "$cap" "$WORK/v.pcap" "$v" --noise 2 ${pmap:+--port-map "$pmap"} ||
        { fail "$name: pcap_variants.py failed"; return; }
    # shellcheck disable=SC2086
    ia "$WORK/v.json" --json --stats $args "$WORK/v.pcap"
    # shellcheck disable=SC2086
    ia "$WORK/v-nopf.json" --json $args --no-prefilter "$WORK/v.pcap"
    same "$WORK/v.json" "$WORK/v-nopf.json" "$name: pre-filter vs --no-prefilter"
    essence "$WORK/v.json" >"$WORK/v.essence"
    same "$WORK/orig.essence" "$WORK/v.essence" "$name: same conclusions as the original capture"
    # records read > records dissected (the unrelated traffic was left out)
    read -r nrec nkept < <(sed -n 's/.*: \([0-9]*\) records in [0-9.]* s, \([0-9]*\) to epan.*/\1 \2/p' "$WORK/v.json.err")
    if [ -n "${nrec:-}" ] && [ "$nkept" -lt "$nrec" ]; then pass; else
        fail "$name: the pre-filter dropped nothing (${nrec:-?} records, ${nkept:-?} to epan)"; fi
}
# original CAPTURE "ARGS" [PORT-MAP]: the conclusions on the unmodified capture
original() {
    local pmap=${3:-}
    python3 "$VARIANTS" "$1" "$WORK/o.pcap" eth ${pmap:+--port-map "$pmap"}
    # shellcheck disable=SC2086
    ia "$WORK/o.json" --json $2 --no-prefilter "$WORK/o.pcap"
    essence "$WORK/o.json" >"$WORK/orig.essence"
    [ -s "$WORK/orig.essence" ] && pass || fail "$(basename "$1"): no conclusions to compare"
}

ALL="eth vlan qinq sll sll2 raw raw4 null ipv6 frag frag6 gre erspan2 vxlan mpls pppoe"
# the complete set on one capture, a few on the others
original "$T/tftp-blksize.pcap" ""
for v in $ALL; do variant "$T/tftp-blksize.pcap" "$v" ""; done
original "$T/tftp-variants.pcap" ""
for v in sll2 frag6 gre; do variant "$T/tftp-variants.pcap" "$v" ""; done
original "$T/http-6970.pcap" ""
for v in qinq ipv6 frag vxlan; do variant "$T/http-6970.pcap" "$v" ""; done
original "$AU/site-a/two-phones.pcap" "--keylog $AU/site-a/two-phones.keys"
for v in vlan ipv6 frag erspan2; do
    variant "$AU/site-a/two-phones.pcap" "$v" "--keylog $AU/site-a/two-phones.keys"
done
original "$AU/site-b/deeper/migration-success.pcap" ""
for v in null frag6 mpls; do variant "$AU/site-b/deeper/migration-success.pcap" "$v" ""; done
# TVS moved to port 3445: found by the heuristic when TLS can be decrypted
# (the TLS connection is followed from its ClientHello), not a TVS port.
original "$D/tvs-query-found-tac-tls12.pcap" "--keylog $D/tvs-query-found-tac-tls12.keys" 2445:3445
assert_contains "$(cat "$WORK/orig.essence")" "exchange query" "TVS on 3445 with keys: the exchange is there to compare"
for v in eth sll ipv6 frag gre; do
    variant "$D/tvs-query-found-tac-tls12.pcap" "$v" "--keylog $D/tvs-query-found-tac-tls12.keys" 2445:3445
done
# ... and a TVS port given by -o only: the first input is read again with it.
original "$D/tvs-query-found-tac-tls12.pcap" "-o sbd.tvs_ports:2445,3445" 2445:3445
assert_contains "$(cat "$WORK/orig.essence")" "session 3445" "TVS on 3445 as a TVS port: the session is there to compare"
for v in eth ipv6; do
    variant "$D/tvs-query-found-tac-tls12.pcap" "$v" "-o sbd.tvs_ports:2445,3445" 2445:3445
done

# A key log set in the user's profile (not on the command line): TLS on other
# ports must be followed too.
python3 "$VARIANTS" "$D/tvs-query-found-tac-tls12.pcap" "$WORK/p.pcap" vlan --noise 2 --port-map 2445:3445
mkdir -p "$WORK/home/.config/wireshark"
echo "tls.keylog_file: $D/tvs-query-found-tac-tls12.keys" >"$WORK/home/.config/wireshark/preferences"
ia "$WORK/p.json" --json "$WORK/p.pcap"
ia "$WORK/p-nopf.json" --json --no-prefilter "$WORK/p.pcap"
same "$WORK/p.json" "$WORK/p-nopf.json" "key log from the profile: pre-filter vs --no-prefilter"
assert_eq 1 "$(summary "$WORK/p.json" | cut -d' ' -f6)" "key log from the profile: the exchange on 3445 is found"
rm -f "$WORK/home/.config/wireshark/preferences"

finish
