#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile TVS messages as plaintext TCP streams (for Decode As tvs.tcp).

  tvs_hostile.py make OUTDIR
      writes OUTDIR/cases.pcap (one TCP connection per case, client port
      30000 + case number, to port 2445), OUTDIR/flood.pcap (100,000 header-only
      verify requests with distinct ids, 140 per segment) and
      OUTDIR/flood-same-id.pcap (the same with one request id)
  tvs_hostile.py check DESEG.txt NODESEG.txt
      checks pdml_fields.py output of cases.pcap, read with TCP/TVS
      reassembly on and with -o tvs.desegment:FALSE; prints PASS:/FAIL: lines

The bytes follow formats.md 6 (10-byte header 57 01 CMD RES ID(4) LEN(2),
elements TAG(1) LEN(2) VALUE); what each case must show is derived from
those bytes (which length field is wrong and by how much), not from the
plugin.
"""
import struct
import sys

TVS_PORT = 2445


def el(tag, value, length=None):
    return bytes([tag]) + (len(value) if length is None else length).to_bytes(2, "big") + value


def msg(cmd, rid, body, length=None, reserved=0):
    n = len(body) if length is None else length
    return bytes([0x57, 1, cmd, reserved]) + rid.to_bytes(4, "big") + n.to_bytes(2, "big") + body


DEV = el(1, b"\x01CP-8861-SEPB000B4BA0AEE\x00")

# name, client segments, server segments, expected field names (reassembly
# on), expected with tvs.desegment:FALSE (None: same), names that must not
# appear (reassembly on)
CASES = [
    ("body length 0", [msg(1, 1, b"")], [],
     ["tvs.length=0", "tvs.element.missing"], None, ["tvs.element.tag"]),
    ("body length 1", [msg(1, 2, b"\x01")], [],
     ["tvs.length=1", "tvs.length.mismatch", "tvs.undecoded"], None, []),
    ("body length 65535, 3 bytes present", [msg(1, 7, b"\x01\x00\x18", length=65535)], [],
     [], ["tvs.length=65535", "tvs.truncated", "tvs.element.tag=1", "tvs.element.length=24"],
     ["tvs"]),
    ("body length past its elements, into the next message",
     [msg(1, 3, el(7, b"\x00") + msg(2, 9, b"", length=4), length=14) + el(7, b"\x00")], [],
     ["tvs.length=14", "tvs.element.overrun", "tvs.length.mismatch", "tvs.not_tvs"], None, []),
    ("element lengths 0 (request)", [msg(1, 4, el(1, b"") + el(2, b"") + el(3, b""))], [],
     ["tvs.element.bad_length", "tvs.string.no_nul", "tvs.element.length=0"], None, ["tvs.certificate"]),
    ("element lengths 0 (response)", [], [msg(2, 5, el(7, b"") + el(8, b"") + el(9, b""))],
     ["tvs.element.bad_length", "tvs.roles.empty", "tvs.no_request"], None, ["tvs.status"]),
    ("element lengths 1 (request)", [msg(1, 6, el(1, b"\x01") + el(2, b"\x30") + el(3, b"X"))], [],
     ["tvs.device.name.unexpected", "tvs.cert.bad", "tvs.string.no_nul", "tvs.subject=X"], None, []),
    ("element lengths 1 (response)", [], [msg(2, 8, el(7, b"\x00") + el(9, b"\x01") + el(8, b"\x63"))],
     ["tvs.status=0", "tvs.element.bad_length", "tvs.role=99"], None, ["tvs.ttl"]),
    ("element length 65535 in a short body", [msg(1, 10, DEV + el(2, b"\x30\x82\x00", length=65535))], [],
     ["tvs.element.overrun", "tvs.length.mismatch", "tvs.device.name=CP-8861-SEPB000B4BA0AEE"], None, []),
    ("element 1 byte past the body", [msg(2, 11, el(9, b"\x00\x00\x0e", length=4))], [],
     ["tvs.element.overrun", "tvs.length.mismatch"], None, ["tvs.ttl"]),
    ("element header cut by the body length", [msg(2, 12, el(7, b"\x00") + b"\x08\x00")], [],
     ["tvs.status=0", "tvs.length.mismatch"], None, []),
    ("65,532-byte subject without NUL in a 65,535-byte body",
     [msg(3, 13, el(3, b"S" * 65532))], [],
     ["tvs.length=65535", "tvs.string.no_nul", "tvs.element.missing"], [], []),
    ("unknown element of 65,532 bytes", [msg(4, 14, el(0x42, b"\xee" * 65532))], [],
     ["tvs.length=65535", "tvs.element.unknown", "tvs.no_request"], [], []),
]


def pcap(path, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))   # LINKTYPE_RAW
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(p), len(p)) + p)


def ip_tcp(src, sport, dst, dport, seq, ack, payload):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, 0x18, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                     bytes(src), bytes(dst))
    return ip + tcp + payload


def stream_packets(port, client, server, seg=1400):
    pkts, cseq, sseq = [], 1000, 500000
    phone, tvs = [10, 0, 0, 1], [10, 0, 0, 2]
    for data in client:
        for o in range(0, len(data), seg):
            p = data[o:o + seg]
            pkts.append(ip_tcp(phone, port, tvs, TVS_PORT, cseq, sseq, p))
            cseq += len(p)
    for data in server:
        for o in range(0, len(data), seg):
            p = data[o:o + seg]
            pkts.append(ip_tcp(tvs, TVS_PORT, phone, port, sseq, cseq, p))
            sseq += len(p)
    return pkts


def make(out):
    pkts = []
    for i, (_n, client, server, *_r) in enumerate(CASES):
        pkts += stream_packets(30000 + i, client, server)
    pcap(out + "/cases.pcap", pkts)
    for name, same in (("flood", False), ("flood-same-id", True)):
        stream = b"".join(msg(1, 7 if same else i, b"") for i in range(100000))
        pcap("%s/%s.pcap" % (out, name), stream_packets(40000, [stream], []))


def parse(path):
    """port -> list of "name=value" of all its packets"""
    by_port = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        items = line.rstrip("\n").split("\t")[1:]
        ports = [v.split("=", 1)[1] for v in items if v.startswith(("tcp.srcport=", "tcp.dstport="))]
        port = next((int(p) for p in ports if p and int(p) != TVS_PORT), None)
        if port is not None:
            by_port.setdefault(port, []).extend(items)
    return by_port


def has(items, want):
    if "=" in want:
        return want in items
    return any(i == want or i.startswith(want + "=") for i in items)


def check(deseg, nodeseg):
    runs = (("reassembly on", parse(deseg), 3, 5), ("tvs.desegment:FALSE", parse(nodeseg), 4, None))
    for i, case in enumerate(CASES):
        name = case[0]
        for run, by_port, want_idx, absent_idx in runs:
            items = by_port.get(30000 + i, [])
            want = case[want_idx] if case[want_idx] is not None else case[3]
            for w in want:
                print("%s: %s (%s): %s" % ("PASS" if has(items, w) else "FAIL", name, run, w))
            for a in (case[absent_idx] if absent_idx else []):
                print("%s: %s (%s): no %s" % ("FAIL" if has(items, a) else "PASS", name, run, a))
            if not items:
                print("FAIL: %s (%s): no packets" % (name, run))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
