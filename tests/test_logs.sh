#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CUCM TVS traces and phone console logs (plugin/cucm-log-file.lua,
# dissectors/packet-cucmlog.c).  Expected values: the excerpts and notes of
# ../shared/docs/logs.md, formats.md 6.6, the TVS capture table of
# test-captures/README.md, and `date -u` for time stamps.
source "$(dirname "$0")/lib.sh"
L="$CAPS/logs"
T="$CAPS/tvs"

f() { ts -r "$1" "${@:3}" -T fields -E separator='|' -e "$2" 2>&1; }

# ---- the TVS trace excerpt of logs.md 1 (TAC 213407) ----------------------
tr="$L/tvs-trace-213407.txt"
out=$(ts -r "$tr" -Y tvs -T fields -E separator='|' -e frame.number -e cucmlog.line -e tvs.command \
      -e tvs.request_id -e tvs.reserved -e tvs.length -e tvs.device.name -e tvs.status -e tvstrace.fd \
      -e tvstrace.phone -e tvstrace.direction -e tvstrace.dump.len -e tvstrace.dump.present -e tvs.response_to 2>&1)
check_no_dissector_bug "$out" "trace excerpt"
# Request: the dump follows line 6 "Incoming Phone Msg" (file line 7); 153 bytes stated,
# 50 printed; 57 01 03 00 | 00 00 03 e9 | 00 8f: query request, id 1001, body 143.
assert_eq "7|7|3|1001|0x00|143|CP-8861-SEPB000B4BA0AEE||8|192.168.11.100|1|153|50|" \
    "$(sed -n 1p <<<"$out")" "trace excerpt: query request"
# Response: 57 01 04 f7 | 00 00 03 e9 | 05 be | 07 00 01 00: reserved 0xF7, body 1470,
# status 0; Len 1480, 24 bytes printed (3 lines before "...").
assert_eq "40|50|4|1001|0xf7|1470||0|8|192.168.11.100|2|1480|24|7" \
    "$(sed -n 2p <<<"$out")" "trace excerpt: query response, linked to the request"
# truncated: both messages, and the certificate piece (Len 1451, 16 bytes before "...")
assert_eq "7,34,40" "$(f "$tr" frame.number -Y tvstrace.dump.truncated | paste -sd, -)" "dumps shorter than their Len"
# Source/destination: the phone and TVS
assert_contains "$(ts -r "$tr" -Y 'frame.number==7' 2>&1)" "192.168.11.100 → TVS" "request from the phone"
assert_contains "$(ts -r "$tr" -Y 'frame.number==40' 2>&1)" "TVS → 192.168.11.100" "response to the phone"
# The certificate piece and the 4-byte TTL ("PublicKey") are not messages
assert_eq "2" "$(ts -r "$tr" -Y 'tvstrace.line_kind==13' 2>&1 | wc -l)" "two decode pieces"
assert_eq "00015180" "$(f "$tr" tvstrace.dump.bytes -Y 'tvstrace.dump.len==4')" "TTL piece 00 01 51 80"
# The trace's decode lines agree with the bytes: no disagreement in the excerpt
assert_eq "" "$(ts -r "$tr" -Y '_ws.expert.message contains "disagrees"' 2>&1)" "excerpt: decode agrees"
assert_eq "0x0057,TVS_MSG_QUERY_CERT_REQ,0,143" \
    "$(ts -r "$tr" -Y 'tvstrace.msg_frame==7 && (tvstrace.decode.pd || tvstrace.decode.msgtype || tvstrace.decode.session_id || tvstrace.decode.length)' \
       -T fields -e tvstrace.decode.pd -e tvstrace.decode.msgtype -e tvstrace.decode.session_id -e tvstrace.decode.length 2>&1 | tr -d '\t' | paste -sd, -)" \
    "request decode lines tied to frame 7"
# The sbd engine sees the phone (MAC from the device name, address from the trace)
assert_contains "$(ts -r "$tr" -Y 'frame.number==7' -V 2>&1)" "Phone IP: 192.168.11.100" "sbd: phone address"

# A disagreement is expert info (deliberately wrong Length; wrong role count)
sed 's/Length : 143/Length : 144/; s/{rolecount : 2}/{rolecount : 3}/' "$tr" >"$WORK/bad-decode.txt"
out=$(ts -r "$WORK/bad-decode.txt" -Y '_ws.expert.message contains "disagrees"' -T fields -e frame.number -e _ws.expert.message 2>&1)
assert_contains "$out" "Length 144 printed, header body length is 143" "length disagreement"
# (the response dump is cut before its roles: no role comparison possible there)
assert_not_contains "$out" "role(s)" "roles not compared against a cut dump"

# Dates: none -> 1970-01-01 (18:01:05.333 = 64865.333 s) and "date unknown"; cucmlog.date -> that day
assert_eq "64865.333000000" "$(f "$tr" frame.time_epoch -c 1)" "no date: time of day on 1970-01-01"
assert_eq "0" "$(f "$tr" cucmlog.date_source -c 1)" "no date: source 0"
assert_eq "$(( $(date -u -d '2016-11-29 18:01:05' +%s) )).333000000" \
    "$(f "$tr" frame.time_epoch -c 1 -o cucmlog.date:2016-11-29)" "cucmlog.date sets the day"
assert_eq "1|2016-11-29" "$(f "$tr" cucmlog.date_source -c 1 -o cucmlog.date:2016-11-29)|$(f "$tr" cucmlog.date -c 1 -o cucmlog.date:2016-11-29)" "date source: preference"

# ---- phone console logs of logs.md 2 ----------------------------------------
p88="$L/phone-88xx-213407.log"
out=$(ts -r "$p88" -T fields -E separator='|' -e cucmlog.line -e phonelog.seq -e phonelog.level -e phonelog.task \
      -e phonelog.event -e phonelog.file -e phonelog.server -e phonelog.port -e phonelog.size -e phonelog.status \
      -e phonelog.ttl -e phonelog.mac -e phonelog.role 2>&1)
check_no_dissector_bug "$out" "88xx log"
exp88='1|3233|NOT|dgetfile(870)|1|CTLSEPB000B4BA0AEE.tlv||||||b0:00:b4:ba:0a:ee|
2|3287|INF|SECUREAPP|9||192.168.11.32||||||
3|3290|DEB|SECUREAPP|9||192.168.11.32|2445|||||
4|3296|DEB|SECUREAPP|20|||||||b0:00:b4:ba:0a:ee|
5|3307|DEB|SECUREAPP|11||||||||21
6|3310|INF|SECUREAPP|11||||||||
7|3315|NOT|SECUREAPP|10||||||||
8|3319|DEB|SECUREAPP|12||||||||
9|3320|NOT|SECUREAPP|13||||153||||
10|3322|DEB|SECUREAPP|14||||1480||||
11|3325|INF|SECUREAPP|18||||||86400||
12|3333|NOT|SECUREAPP|4||||||||
13|3335|WRN|SECUREAPP|8||||||||
14|3336|NOT|SECUREAPP|6||||||||
15|3338|DEB|SECUREAPP|4||||||||
16|3339|INF|SECUREAPP|7||||||||
17|3281|NOT|dgetfile(851)|2|||||100|||
18|3282|NOT|dgetfile(851)|3||192.168.11.51||||||'
assert_eq "$exp88" "$out" "88xx console log: every line's fields (logs.md 2)"
# 88xx lines carry month and day: Nov 29 06:33:59.033132, year from cucmlog.date
assert_eq "$(date -u -d '2016-11-29 06:33:59' +%s).033132000" \
    "$(f "$p88" frame.time_epoch -c 1 -o cucmlog.date:2016-01-01)" "88xx: month/day of the line, year of the preference"
assert_eq "2" "$(f "$p88" cucmlog.date_source -c 1 -o cucmlog.date:2016-01-01)" "88xx: date source 2"
assert_eq "$(date -u -d '1970-11-29 06:33:59' +%s).033132000|3" \
    "$(f "$p88" frame.time_epoch -c 1)|$(f "$p88" cucmlog.date_source -c 1)" "88xx without a year: 1970, source 3"

p79="$L/phone-79xx-116232.log"
out=$(ts -r "$p79" -o cucmlog.date:2013-05-02 -T fields -E separator='|' -e phonelog.seq -e phonelog.task \
      -e phonelog.event -e phonelog.file -e phonelog.server -e phonelog.port -e phonelog.size -e phonelog.status \
      -e phonelog.ttl -e phonelog.mac 2>&1)
exp79='837|SECD|1|CTLSEP0011215A1AE3.tlv||||||00:11:21:5a:1a:e3
846|TFTP|1|CTLSEP0011215A1AE3.tlv|14.48.44.80|||||00:11:21:5a:1a:e3
847|TFTP|2||||4762|||
877|SECD|4|||||||
926|TFTP|1|SEP0011215A1AE3.cnf.xml.sgn|14.48.44.80|||||00:11:21:5a:1a:e3
937|SECD|4|SEP0011215A1AE3.cnf.xml||||||00:11:21:5a:1a:e3
1215|SECD|17||14.48.44.80|||||
1221|SECD|19|||||||
1230|SECD|9||14.48.44.80|2445||||
1247|SECD|16|||||||
1248|SECD|16||14.48.44.80|||||
1273|SECD|15|||||0||
1279|SECD|18||||||86400|'
assert_eq "$exp79" "$out" "79xx console log: every line's fields (logs.md 2)"
assert_eq "$(date -u -d '2013-05-02 09:13:17' +%s).561856000" \
    "$(f "$p79" frame.time_epoch -c 1 -o cucmlog.date:2013-05-02)" "79xx: date from the preference"

# Failure wording is open: a few plausible lines are refusals, unknown lines stay text
printf '%s\n' \
  '3401 ERR Nov 29 06:34:01.000001 SECUREAPP-Trust List verification failed.' \
  '3402 ERR Nov 29 06:34:01.000002 SECUREAPP-ITL file signature verify FAILED' \
  '3403 NOT Nov 29 06:34:01.000003 SECUREAPP-something the phone says that nobody knows' >"$WORK/fail.log"
assert_eq "5,5," "$(f "$WORK/fail.log" phonelog.event | paste -sd, -)" "refusals matched loosely, an unknown line has no event"
assert_eq "something the phone says that nobody knows" "$(f "$WORK/fail.log" phonelog.text -Y 'phonelog.seq==3403')" "unknown line as text"

# ---- traces written from the TLS captures (tools/logs/make-tvs-trace.py) ----
# itl-audit on the trace gives the same TVS exchanges and findings as on the
# capture with its keys (except "no-itl", which needs the TLS session that a
# trace does not have).
exchanges() {
    python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for i in d["inputs"]:
    for p in i["phones"]:
        for e in p["exchanges"]:
            # frames and times differ by nature: a trace has its own lines, ms and no date
            e = {k: v for k, v in e.items() if not k.endswith(("_frame", "_time"))}
            print(p["mac"], p["ip"], p["model"], json.dumps(e, sort_keys=True))
    for x in i["findings"]:
        if x["finding"] != "no-itl":
            print("finding", json.dumps({k: v for k, v in x.items() if "frame" not in k and "time" not in k}, sort_keys=True))
EOF
}
for c in verify-valid-tls12 verify-invalid-tls13 query-found-tac-tls12 query-notfound-tls13 two-requests-tls12 \
         split-records-tls13 multi-msg-record-tls12 verify-reserved-f5-tls13; do
    # the committed trace is what the generator writes today
    python3 "$SRC/tools/logs/make-tvs-trace.py" "$T/tvs-$c.pcap" "$T/tvs-$c.keys" >"$WORK/gen.txt" 2>/dev/null
    assert_eq "$(md5sum <"$L/cTVS-$c.txt")" "$(md5sum <"$WORK/gen.txt")" "cTVS-$c.txt regenerates identically"
    ia --json --keylog "$T/tvs-$c.keys" "$T/tvs-$c.pcap"; cp "$WORK/out" "$WORK/cap.json"
    ia --json "$L/cTVS-$c.txt"; cp "$WORK/out" "$WORK/trace.json"
    if [ "$LOGS_REFUSED" = 1 ]; then
        assert_log_refused "$c"
    else
        assert_eq "$(exchanges "$WORK/cap.json")" "$(exchanges "$WORK/trace.json")" "$c: trace = capture with keys"
    fi
    assert_eq "" "$(ts -r "$L/cTVS-$c.txt" -Y '_ws.expert.message contains "disagrees" || tvstrace.dump.truncated || tvstrace.phone.unknown' 2>&1)" \
        "$c: the trace's decode agrees with the bytes"
done
# Values of the README table, from the trace alone
out=$(ts -r "$L/cTVS-query-found-tac-tls12.txt" -Y tvs -T fields -E separator='|' -e tvs.command -e tvs.request_id \
      -e tvs.reserved -e tvs.length -e tvs.serial -e tvs.ttl -e ip.src -e ip.dst 2>&1)
assert_eq "3|1001|0x00|143|24000000179479b8f124ac3f3b000000000017|||
4|1001|0xf7|1470||86400||" "$(sed 's/|*$//; s/$/|||/' <<<"$out" | cut -d'|' -f1-8 | sed 's/|127.0.0.1//g')" \
    "query-found-tac trace: header values and elements (README table)"
ia --log-date 2026-11-23 --json "$L/cTVS-query-found-tac-tls12.txt"
if [ "$LOGS_REFUSED" = 1 ]; then assert_log_refused "--log-date"; else assert_eq 0 "$RC" "itl-audit --log-date"; fi
ia --log-date 2026-13-01 "$L/cTVS-query-found-tac-tls12.txt"
assert_eq 2 "$RC" "itl-audit --log-date with no such date -> 2"
assert_contains "$ERR" "--log-date wants YYYY-MM-DD" "--log-date error message"

# ---- hostile variants --------------------------------------------------------
q="$L/cTVS-query-found-tac-tls12.txt"
# one hex line cut short, one garbled, Len too big and too small, interleaved
# connections, binary junk, a very long line
python3 - "$q" "$WORK" <<'EOF'
import sys, re
src = open(sys.argv[1]).read().split("\n")
w = sys.argv[2]
def save(name, lines):
    open("%s/%s" % (w, name), "w", errors="surrogateescape").write("\n".join(lines))
dumps = [i for i, l in enumerate(src) if l.startswith("HEX_DUMP: Len = 153:")]
i = dumps[0]
cut = list(src); cut[i + 3] = cut[i + 3][:-4]                     # "... 2d 38 38 36 31 2d 5"
save("cut.txt", cut)
garb = list(src); garb[i + 3] = garb[i + 3][:-11] + "zz" + garb[i + 3][-9:]
save("garbled.txt", garb)
big = list(src); big[i] = "HEX_DUMP: Len = 99999999:"
save("len-big.txt", big)
small = list(src); small[i] = "HEX_DUMP: Len = 10:"
save("len-small.txt", small)
# two connections, fd 8 (192.0.2.8) and fd 9 (192.0.2.9), lines alternating by message
a = [l.replace("127.0.0.1", "192.0.2.8") for l in src if l]
b = [l.replace("127.0.0.1", "192.0.2.9").replace(" 8:UNKNOWN", " 9:UNKNOWN").replace("on 8,", "on 9,").replace("fd = 8", "fd = 9") for l in src if l]
def blocks(ls):
    out, cur = [], []
    for l in ls:
        if "Incoming Phone Msg" in l or ("Sending" in l and "TLS" not in l) or "Accepted TCP" in l:
            if cur: out.append(cur)
            cur = []
        cur.append(l)
    out.append(cur)
    return out
mix = []
for x, y in zip(blocks(a), blocks(b)):
    mix += x + y
save("interleaved.txt", mix)
junk = list(src); junk[i + 5:i + 5] = ["\x01\x02\xff\xfe binary junk \x7f" * 20]
nul = list(src); nul[3:3] = ["\x00\x01 binary"]
open("%s/nul.txt" % w, "wb").write("\n".join(nul).encode("latin-1", "surrogateescape"))
open("%s/junk.txt" % w, "wb").write("\n".join(junk).encode("latin-1", "surrogateescape"))
long = list(src); long[20:20] = ["18:41:54.999 | debug " + "A" * (2 * 1024 * 1024)]
save("long.txt", long)
EOF
for v in cut garbled len-big len-small interleaved junk long; do
    out=$(ts -r "$WORK/$v.txt" -V 2>&1); check_no_dissector_bug "$out" "hostile $v"
done
assert_contains "$(ts -r "$WORK/cut.txt" -Y tvstrace.dump.bad_hex 2>&1)" "Query Request" "cut hex line: bad hex expert, request still decoded"
assert_eq "22" "$(f "$WORK/cut.txt" tvstrace.dump.present -Y 'tvstrace.dump.len==153')" "cut hex line: decoded up to it (2 lines + 6 bytes)"
# a garbled line ("zz") ends the dump in the reader: 2 lines (16 bytes) of the 20 (153 bytes)
# make the message, the 17 hex lines after the garbled one are flagged as outside a dump
assert_eq "16" "$(f "$WORK/garbled.txt" tvstrace.dump.present -Y 'tvstrace.dump.len==153')" "garbled hex: dump up to it"
assert_eq "17" "$(ts -r "$WORK/garbled.txt" -Y tvstrace.dump.orphan 2>&1 | wc -l)" "garbled hex: the rest flagged"
assert_contains "$(ts -r "$WORK/len-big.txt" -Y tvstrace.dump.truncated -T fields -e _ws.expert.message 2>&1)" "153 of 99999999" "Len too big"
assert_contains "$(ts -r "$WORK/len-small.txt" -Y tvstrace.dump.long -T fields -e _ws.expert.message 2>&1)" "153 bytes, Len = 10" "Len too small"
out=$(ts -r "$WORK/interleaved.txt" -Y tvs -T fields -E separator='|' -e tvstrace.fd -e tvstrace.phone -e tvs.command -e tvs.response_to 2>&1)
assert_eq "8|192.0.2.8|3|
9|192.0.2.9|3|
8|192.0.2.8|4|$(ts -r "$WORK/interleaved.txt" -Y 'tvs.command==3 && tvstrace.fd==8' -T fields -e frame.number 2>&1)
9|192.0.2.9|4|$(ts -r "$WORK/interleaved.txt" -Y 'tvs.command==3 && tvstrace.fd==9' -T fields -e frame.number 2>&1)" \
    "$out" "interleaved connections: each message with its phone, responses linked per connection"
ia --json "$WORK/interleaved.txt"
if [ "$LOGS_REFUSED" = 1 ]; then
    assert_log_refused "interleaved"
else
    assert_eq "2" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["inputs"][0]["phones"]))' "$WORK/out")" "interleaved: two phones"
fi
assert_contains "$(ts -r "$WORK/junk.txt" -Y tvs 2>&1)" "Query Response" "binary junk: the rest still decodes"
assert_contains "$(ts -r "$WORK/junk.txt" -Y 'tvs.command==3' 2>&1)" "Query Request" "binary junk inside a dump: the dump decodes up to it"
assert_contains "$(ts -r "$WORK/nul.txt" 2>&1)" "isn't a capture file" "NUL bytes at the start: not taken for a log"
assert_contains "$(ts -r "$WORK/long.txt" -Y cucmlog.line.cut -T fields -e cucmlog.line 2>&1)" "21" "very long line cut (expert)"

# Not stolen: other text files are not taken for logs; captures still open
printf 'hello\nworld 12:00:00.000 | debug x\nnot a log\n' >"$WORK/other.txt"
assert_contains "$(ts -r "$WORK/other.txt" 2>&1)" "isn't a capture file" "plain text not claimed"
cp "$SRC/README.md" "$WORK/README.md"    # readable by the tests' tshark user too
assert_contains "$(ts -r "$WORK/README.md" 2>&1)" "isn't a capture file" "README not claimed"
assert_eq "16" "$(ts -r "$T/tvs-verify-valid-tls12.pcap" 2>&1 | wc -l)" "a capture still opens as before"

# Bounded: a large trace (the query-found trace 1200 times, ~13 MB) in bounded memory
for i in $(seq 1200); do cat "$q"; done >"$WORK/large.txt"
# (measured 2026-12-08: 164 MB, 158 MB for a 3 KB trace; 509 MB in the sanitizer build).
# The limit is also the `ulimit -v` of a plain build: address space, which for
# libwireshark with the Lua reader loaded is about 330 MB before any record.
lim=400; [ "$SANITIZED" = 1 ] && lim=800
bounded "itl-audit on a 13 MB trace" 240 "$lim" env "${IA_ENV[@]}" "$IA" -q "$WORK/large.txt"
if [ "$LOGS_REFUSED" = 1 ]; then
    assert_eq 2 "$BOUNDED_RC" "large trace: refused as root (the message is checked above)"
else
    assert_contains "$(cat "$BOUNDED_OUT")" "1 phone" "large trace: read to the end"
fi
bounded "tshark on a 13 MB trace" 240 900 "$SRC/tests/tshark.sh" "$BUILD" -r "$WORK/large.txt" -q

finish
