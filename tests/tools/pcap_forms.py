#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rewrite a classic pcap file into the other forms of the format, or damage
it, for the tests of itl-audit's pcap record scanner
(tests/test_itl_audit_prefilter.sh).  Layout from pcap-savefile(5): a 24-byte
file header (magic 0xa1b2c3d4 = microseconds, 0xa1b23c4d = nanoseconds,
written in the writer's byte order; version 2.4), 16-byte record headers
(ts_sec, ts_usec or ts_nsec, incl_len, orig_len).

    pcap_forms.py IN.pcap OUT.pcap FORM [N]

FORM:
  le, be              the same records, little- / big-endian, microseconds,
                      between two unrelated records (RTP-like UDP between
                      10.9.9.9:16384 and 10.9.9.8:16386) 1.5 s before the
                      first and after the last, so that the first and last
                      records are ones no dissection needs
  nsec, nsec-be       the same, nanosecond time stamps (usec * 1000 + 123, so
                      that the nanoseconds are seen to be read as such)
  v23                 version 2.3 in the header (records unchanged)
  cut-data N          the file ends in the middle of record N's data
  cut-header N        the file ends 7 bytes into record N's header
  oversize N          a record with incl_len = orig_len = 300000 (and the bytes)
                      before record N
  max N               an unrelated record of exactly 262144 captured bytes
                      (Ethernet, to a MAC address nothing uses) before record N
  zero N              a record with nothing captured (incl_len 0, orig_len 60)
                      before record N

Prints the number of whole records before the damage (cut-*, oversize), or
the number of records written.
"""
import struct
import sys


def read_pcap(path):
    """(snaplen, link type, [(ts_sec, nanoseconds, orig_len, captured bytes)]) of a classic pcap file."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise SystemExit("%s: not a classic pcap file" % path)
    nano = struct.unpack(e + "I", data[:4])[0] == 0xA1B23C4D
    snap, linktype = struct.unpack(e + "II", data[16:24])
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        recs.append((sec, frac if nano else frac * 1000, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return snap, linktype, recs


def rtp_frame():
    """Ethernet, IPv4 (header checksum computed), UDP 16384 -> 16386, 20 bytes of RTP-like payload."""
    payload = b"\x80\x00" + b"\x00" * 18
    udp = struct.pack("!HHHH", 16384, 16386, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                               bytes([10, 9, 9, 9]), bytes([10, 9, 9, 8])))
    c = sum(struct.unpack("!10H", bytes(ip)))
    c = (c & 0xFFFF) + (c >> 16)
    ip[10:12] = struct.pack("!H", ~c & 0xFFFF)
    return b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00" + bytes(ip) + udp


def main():
    src, dst, form = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    snap, linktype, recs = read_pcap(src)
    e = ">" if form in ("be", "nsec-be") else "<"
    nano = form in ("nsec", "nsec-be")
    minor = 3 if form == "v23" else 4
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = bytearray(struct.pack(e + "IHHiIII", magic, 2, minor, 0, 0, snap, linktype))

    def rec(sec, nsec, orig, pkt):
        out.extend(struct.pack(e + "IIII", sec, nsec + 123 if nano else nsec // 1000, len(pkt), orig))
        out.extend(pkt)

    written, before = 0, None
    ends = form in ("le", "be", "nsec", "nsec-be")
    filler = rtp_frame()
    if ends and recs:
        t = recs[0][0] * 10**9 + recs[0][1] - 1500000000
        rec(t // 10**9, t % 10**9, len(filler), filler)
        written += 1
    for i, (sec, nsec, orig, pkt) in enumerate(recs, 1):
        if i == n:
            if form == "cut-data":
                before = written
                rec(sec, nsec, orig, pkt)
                del out[len(out) - (len(pkt) - len(pkt) // 2):]
                break
            if form == "cut-header":
                before = written
                out.extend(struct.pack(e + "IIII", sec, nsec // 1000, len(pkt), orig)[:7])
                break
            if form == "oversize":
                before = written
                rec(sec, nsec, 300000, b"\x00" * 300000)
            if form == "max":
                frame = b"\x02\x00\x00\x00\x00\x99" + b"\x02\x00\x00\x00\x00\x98" + b"\x88\xb5"
                rec(sec, nsec, 262144, frame + b"\x5a" * (262144 - len(frame)))
                written += 1
            if form == "zero":
                rec(sec, nsec, 60, b"")
                written += 1
        rec(sec, nsec, orig, pkt)
        written += 1
    if ends and recs:
        t = recs[-1][0] * 10**9 + recs[-1][1] + 1500000000
        rec(t // 10**9, t % 10**9, len(filler), filler)
        written += 1
    if form in ("cut-data", "cut-header", "oversize") and before is None:
        raise SystemExit("pcap_forms.py: the input has fewer than %d records" % n)
    print(written if before is None else before)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
