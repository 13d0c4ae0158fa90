#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the records of a classic pcap file as a pcapng file, in the forms
that tests/test_itl_audit_prefilter.sh feeds itl-audit's record scanner.
Layout from the pcapng specification (draft-ietf-opsawg-pcapng): every block
is type (4), total length (4), body, total length again (4), padded to 4
bytes, in the byte order of the section's Section Header Block (type
0x0A0D0D0A, byte-order magic 0x1A2B3C4D, version 1.0, section length -1).
Interface Description Block (type 1): link type (2), reserved (2), snap
length (4), options.  Enhanced Packet Block (type 6): interface id,
time stamp high and low (in the interface's units: 10^-6 s unless if_tsresol,
option 9, says otherwise), captured length, original length, the data padded
to 4, options.  Options: code (2), length (2), value padded to 4;
opt_endofopt (0) ends them.

    pcapng_forms.py IN.pcap OUT.pcapng FORM [N]

Every form puts two unrelated records (RTP-like UDP) 1.5 s before the first
and after the last record, so that the first and last records are ones no
dissection needs.  FORM:
  ng, ng-be        little- / big-endian, microsecond time stamps
  ng-nsec          if_tsresol 9 (nanoseconds); time stamps usec * 1000 + 123
  ng-bin           if_tsresol 0x94 (2^-20 s): units that are not a power of 10
  ng-tsoffset      if_tsoffset 1000 (seconds added to every time stamp)
  ng-two           two interfaces (microseconds, nanoseconds); records alternate
  ng-isb           an Interface Statistics Block at the end, as dumpcap 4.0
                   writes one when it closes a file (opt_comment "Counters
                   provided by dumpcap", isb_starttime, isb_endtime, isb_ifrecv,
                   isb_ifdrop)
  ng-isb-odd       the same with an isb_ifrecv of 4 bytes (not 8)
  ng-isb-mid N     an ISB of statistics options only (isb_starttime,
                   isb_endtime, isb_ifrecv, isb_ifdrop, isb_usrdeliv) before
                   record N (and none at the end)
  ng-nrb N         a Name Resolution Block (one IPv4 name) before record N
  ng-idb N         a second IDB (nanoseconds) before record N; records from N
                   on are on interface 1
  ng-shb N         a second section (SHB and IDB) before record N
  ng-spb N         an unrelated record as a Simple Packet Block before record N
  ng-opts N        records N and N+10 with options (epb_flags inbound, a comment),
                   and the first record (epb_flags inbound)
  ng-cut-data N    the file ends in the middle of record N's data
  ng-cut-header N  the file ends 7 bytes into record N's block
  ng-trailer N     record N's trailing block length is 4 more than the leading one
  ng-iface N       record N names interface 5 (the file has one)
  ng-oversize N    a record of 300000 captured bytes before record N
  ng-short N       an EPB whose total length is 28 (< 32) before record N
  ng-len8 N        an EPB block header giving a total length of 8 (not even a
                   block header and trailer) before record N

Prints the number of records written (for the damaged forms, the number of
whole records before the damage).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcap_forms import read_pcap, rtp_frame  # noqa: E402


def pad4(b):
    return b + b"\x00" * (-len(b) % 4)


class Writer:
    def __init__(self, e):
        self.e = e
        self.out = bytearray()

    def block(self, btype, body, trailer_delta=0):
        body = pad4(body)
        tl = 12 + len(body)
        self.out += struct.pack(self.e + "II", btype, tl) + body + struct.pack(self.e + "I", tl + trailer_delta)

    def opt(self, code, value):
        return struct.pack(self.e + "HH", code, len(value)) + pad4(value)

    def end(self):
        return struct.pack(self.e + "HH", 0, 0)

    def shb(self):
        self.block(0x0A0D0D0A, struct.pack(self.e + "IHHq", 0x1A2B3C4D, 1, 0, -1) +
                   self.opt(4, b"pcapng_forms.py") + self.end())

    def idb(self, linktype, snap, tsresol=None, tsoffset=None):
        opts = b""
        if tsresol is not None:
            opts += self.opt(9, bytes([tsresol]))
        if tsoffset is not None:
            opts += self.opt(14, struct.pack(self.e + "q", tsoffset))
        self.block(1, struct.pack(self.e + "HHI", linktype, 0, snap) + (opts + self.end() if opts else b""))

    def epb(self, iface, ts, orig, pkt, opts=b"", caplen=None):
        body = struct.pack(self.e + "IIIII", iface, ts >> 32, ts & 0xFFFFFFFF,
                           len(pkt) if caplen is None else caplen, orig) + pad4(pkt) + opts
        self.block(6, body)

    def isb(self, ts, style):
        """style "dumpcap": as dumpcap 4.0 writes it when it closes a file (opt_comment "Counters
        provided by dumpcap", isb_starttime, isb_endtime, isb_ifrecv, isb_ifdrop); "plain": the
        statistics options only (with isb_usrdeliv); "odd": an isb_ifrecv of 4 bytes, not 8."""
        u64 = lambda v: struct.pack(self.e + "II", v >> 32, v & 0xFFFFFFFF)  # noqa: E731
        opts = self.opt(1, b"Counters provided by dumpcap") if style == "dumpcap" else b""
        opts += self.opt(2, u64(ts - 5000000)) + self.opt(3, u64(ts))
        if style == "odd":
            opts += self.opt(4, struct.pack(self.e + "I", 1234))
        else:
            opts += self.opt(4, struct.pack(self.e + "Q", 1234))
        opts += self.opt(5, struct.pack(self.e + "Q", 0))
        if style == "plain":
            opts += self.opt(8, struct.pack(self.e + "Q", 1234))
        self.block(5, struct.pack(self.e + "III", 0, ts >> 32, ts & 0xFFFFFFFF) + opts + self.end())


def main():
    src, dst, form = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    snap, linktype, recs = read_pcap(src)
    w = Writer(">" if form == "ng-be" else "<")
    # (units per second, if_tsresol, if_tsoffset) of interface 0
    units, tsresol, tsoffset = 10**6, None, None
    if form in ("ng-nsec",):
        units, tsresol = 10**9, 9
    elif form == "ng-bin":
        units, tsresol = 2**20, 0x94
    elif form == "ng-tsoffset":
        tsoffset = 1000
    w.shb()
    w.idb(linktype, snap, tsresol, tsoffset)
    if form == "ng-two":
        w.idb(linktype, snap, 9)

    def stamp(ns, u):
        t = ns - (tsoffset or 0) * 10**9
        return t * u // 10**9 + (123 if u == 10**9 else 0)

    filler = rtp_frame()
    t_first = recs[0][0] * 10**9 + recs[0][1] - 1500000000
    t_last = recs[-1][0] * 10**9 + recs[-1][1] + 1500000000
    w.epb(0, stamp(t_first, units), len(filler), filler,
          w.opt(2, struct.pack(w.e + "I", 1)) + w.end() if form == "ng-opts" else b"")
    written, before, iface1 = 1, None, False
    for i, (sec, nsec, orig, pkt) in enumerate(recs, 1):
        ns = sec * 10**9 + nsec
        if i == n:
            if form == "ng-cut-data":
                before = written
                w.epb(0, stamp(ns, units), orig, pkt)
                del w.out[len(w.out) - 4 - (len(pad4(pkt)) - len(pkt) // 2):]
                break
            if form == "ng-cut-header":
                before = written
                w.out += struct.pack(w.e + "II", 6, 32 + len(pad4(pkt)))[:7]
                break
            if form == "ng-trailer":
                before = written
                w.block(6, struct.pack(w.e + "IIIII", 0, stamp(ns, units) >> 32, stamp(ns, units) & 0xFFFFFFFF,
                                       len(pkt), orig) + pad4(pkt), trailer_delta=4)
                written += 1
                continue
            if form == "ng-iface":
                before = written
                w.epb(5, stamp(ns, units), orig, pkt)
                written += 1
                continue
            if form == "ng-oversize":
                before = written
                w.epb(0, stamp(ns, units), 300000, b"\x00" * 300000)
            if form == "ng-short":
                before = written
                w.block(6, struct.pack(w.e + "IIII", 0, 0, 0, 0))
            if form == "ng-len8":
                before = written
                w.out += struct.pack(w.e + "II", 6, 8)
            if form == "ng-isb-mid":
                w.isb(stamp(ns, units), "plain")
            if form == "ng-nrb":
                rec = struct.pack(w.e + "HH", 1, 4 + 10) + bytes([10, 1, 1, 1]) + b"cucm-pub\x00\x00"
                w.block(4, pad4(rec) + struct.pack(w.e + "HH", 0, 0))
            if form == "ng-idb":
                w.idb(linktype, snap, 9)
                iface1 = True
            if form == "ng-shb":
                w.shb()
                w.idb(linktype, snap, tsresol, tsoffset)
            if form == "ng-spb":
                w.block(3, struct.pack(w.e + "I", len(filler)) + filler)
                written += 1
        opts = b""
        if form == "ng-opts" and i in (n, n + 10):
            opts = w.opt(2, struct.pack(w.e + "I", 1)) + w.opt(1, b"marked in the field") + w.end()
        if iface1 or (form == "ng-two" and i % 2 == 0):
            w.epb(1, stamp(ns, 10**9), orig, pkt, opts)
        else:
            w.epb(0, stamp(ns, units), orig, pkt, opts)
        written += 1
    else:
        w.epb(1 if iface1 else 0, stamp(t_last, 10**9 if iface1 else units), len(filler), filler)
        written += 1
        if form in ("ng-isb", "ng-isb-odd"):
            w.isb(stamp(t_last, units), "dumpcap" if form == "ng-isb" else "odd")
    if n and before is None and form in ("ng-cut-data", "ng-cut-header", "ng-trailer", "ng-iface",
                                         "ng-oversize", "ng-short", "ng-len8"):
        raise SystemExit("pcapng_forms.py: the input has fewer than %d records" % n)
    print(written if before is None else before)
    open(dst, "wb").write(w.out)


if __name__ == "__main__":
    main()
