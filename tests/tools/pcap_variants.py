#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rewrite an Ethernet/IPv4 pcap into other link layers, IP versions,
fragments and tunnels, with unrelated traffic ("noise") in between, for the
pre-filter tests of itl-audit (tests/test_itl_audit_prefilter.sh).

    pcap_variants.py IN.pcap OUT.pcap VARIANT [--noise N] [--port-map A:B]

VARIANT: eth, vlan, qinq, sll, sll2, raw, raw4, null, ipv6 (with hop-by-hop
and destination options headers), frag (IPv4 fragments of every UDP datagram
over 200 bytes, the last two of each in reverse order), frag6, gre (Ethernet
in GRE), erspan2, vxlan, mpls, pppoe.
--noise N: N unrelated packets after every packet of the input: G.711-like
RTP (also fragmented with frag/frag6), TCP to port 443 without a TLS
handshake, ARP, ICMP echo, a DNS query, RTP over IPv6.
--port-map A:B: TCP port A becomes B (e.g. a TVS capture moved to 3445).

Checksums are recomputed for IPv4 headers and for UDP/TCP over IPv6;
Wireshark does not check them by default either way.
"""
import argparse
import struct
import sys

import pcap_forms


def read_pcap(path):
    """The records of an Ethernet pcap file as (time stamp in ns, bytes)."""
    _snap, linktype, recs = pcap_forms.read_pcap(path)
    if linktype != 1:
        raise SystemExit("%s: link type %d, want Ethernet" % (path, linktype))
    return [(sec * 1000000000 + nsec, pkt) for sec, nsec, _orig, pkt in recs]


def write_pcap(path, linktype, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, linktype))
        for ts, pkt in recs:
            f.write(struct.pack("<IIII", ts // 1000000000, ts % 1000000000, len(pkt), len(pkt)))
            f.write(pkt)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4_header(src, dst, proto, payload_len, ident=0, flags_frag=0x4000):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, flags_frag, 64, proto, 0, src, dst))
    struct.pack_into("!H", h, 10, csum(bytes(h)))
    return bytes(h)


def l4_checksum_v6(src, dst, proto, seg):
    seg = bytearray(seg)
    pos = 6 if proto == 17 else 16
    seg[pos:pos + 2] = b"\0\0"
    pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
    c = csum(pseudo + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xFFFF
    struct.pack_into("!H", seg, pos, c)
    return bytes(seg)


def v6addr(v4):
    # 127.0.x.y -> fd00::7f00:xxyy, one IPv6 address per IPv4 address
    return b"\xfd\x00" + b"\0" * 10 + v4


def ipv6_packet(src4, dst4, proto, seg, ext=True, frag=None):
    src, dst = v6addr(src4), v6addr(dst4)
    if proto in (6, 17) and frag is None:
        seg = l4_checksum_v6(src, dst, proto, seg)
    chain = b""
    nh = proto
    if frag is not None:
        # frag = (offset, more, ident, payload-part): build the fragment header
        off, more, ident, part = frag
        chain = struct.pack("!BBHI", proto, 0, (off & 0xFFF8) | (1 if more else 0), ident)
        nh = 44
        seg = part
    if ext:
        dopt = struct.pack("!BB", nh, 0) + b"\x01\x04\0\0\0\0"          # destination options, PadN
        hbh = struct.pack("!BB", 60, 0) + b"\x01\x04\0\0\0\0"           # hop-by-hop, PadN
        chain = hbh + dopt + chain
        nh = 0
    body = chain + seg
    return struct.pack("!IHBB16s16s", 0x60000000, len(body), nh, 64, src, dst) + body


class Packet:
    """An IPv4 packet of the input, taken apart."""

    def __init__(self, frame):
        self.frame = frame
        self.eth_type = struct.unpack("!H", frame[12:14])[0]
        self.ip = frame[14:]
        self.ok = self.eth_type == 0x0800 and len(self.ip) >= 20
        if self.ok:
            ihl = (self.ip[0] & 15) * 4
            tot = struct.unpack("!H", self.ip[2:4])[0]
            self.proto = self.ip[9]
            self.src = self.ip[12:16]
            self.dst = self.ip[16:20]
            self.ident = struct.unpack("!H", self.ip[4:6])[0]
            self.l4 = self.ip[ihl:tot]


def map_ports(pkt, pmap):
    if not pmap or not pkt.ok or pkt.proto != 6:
        return pkt
    sport, dport = struct.unpack("!HH", pkt.l4[:4])
    sport = pmap.get(sport, sport)
    dport = pmap.get(dport, dport)
    l4 = struct.pack("!HH", sport, dport) + pkt.l4[4:]
    ip = ipv4_header(pkt.src, pkt.dst, 6, len(l4), pkt.ident)
    return Packet(pkt.frame[:14] + ip + l4)


MAC_A = b"\x00\x1b\x54\x00\x00\x01"
MAC_B = b"\x00\x1b\x54\x00\x00\x02"


class Noise:
    def __init__(self):
        self.n = 0
        self.rtp_seq = 0

    def next(self):
        """(kind, value): ('ip4', (src, dst, proto, l4)), ('ip6', ...), ('arp', frame-payload)."""
        self.n += 1
        k = self.n % 7
        if k in (0, 1, 2):
            self.rtp_seq += 1
            rtp = struct.pack("!BBHII", 0x80, 0, self.rtp_seq & 0xFFFF, self.rtp_seq * 160, 0x1234) + bytes(160 + 120 * (k == 2))
            udp = struct.pack("!HHHH", 16384, 16386, 8 + len(rtp), 0) + rtp
            return ("ip4", (b"\x0a\0\0\x05", b"\x0a\0\0\x06", 17, udp))
        if k == 3:
            tcp = struct.pack("!HHIIBBHHH", 51000, 443, self.n * 100, 1, 0x50, 0x18, 65535, 0, 0) + b"\x17\x03\x03\x00\x10" + bytes(16)
            return ("ip4", (b"\x0a\0\0\x05", b"\x0a\0\0\x07", 6, tcp))
        if k == 4:
            return ("arp", struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, b"\x0a\0\0\x05", bytes(6), b"\x0a\0\0\x01"))
        if k == 5:
            icmp = bytearray(struct.pack("!BBHHH", 8, 0, 0, 1, self.n & 0xFFFF) + bytes(32))
            struct.pack_into("!H", icmp, 2, csum(bytes(icmp)))
            if self.n % 2:
                return ("ip4", (b"\x0a\0\0\x05", b"\x0a\0\0\x06", 1, bytes(icmp)))
            # a DNS query with id 1: starts like a TFTP read request
            dns = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x03cm1\x00\x00\x01\x00\x01"
            return ("ip4", (b"\x0a\0\0\x05", b"\x0a\0\0\x35", 17, struct.pack("!HHHH", 40000, 53, 8 + len(dns), 0) + dns))
        rtp = struct.pack("!BBHII", 0x80, 0, self.n & 0xFFFF, self.n * 160, 0x5678) + bytes(160)
        return ("ip6", (b"\x0a\0\0\x05", b"\x0a\0\0\x06", 17, struct.pack("!HHHH", 16388, 16390, 8 + len(rtp), 0) + rtp))


def fragments4(src, dst, proto, l4, ident, size=128):
    """IPv4 fragments of a datagram, the last two in reverse order."""
    parts = []
    off = 0
    while off < len(l4):
        part = l4[off:off + size]
        more = off + size < len(l4)
        parts.append(ipv4_header(src, dst, proto, len(part), ident, (0x2000 if more else 0) | (off // 8)) + part)
        off += size
    if len(parts) >= 3:
        parts[-1], parts[-2] = parts[-2], parts[-1]
    return parts


def fragments6(src, dst, proto, l4, ident, size=128):
    parts = []
    off = 0
    seg = l4_checksum_v6(v6addr(src), v6addr(dst), proto, l4) if proto in (6, 17) else l4
    while off < len(seg):
        part = seg[off:off + size]
        more = off + size < len(seg)
        parts.append(ipv6_packet(src, dst, proto, b"", ext=False, frag=(off, more, ident, part)))
        off += size
    if len(parts) >= 3:
        parts[-1], parts[-2] = parts[-2], parts[-1]
    return parts


def ip_packets(variant, src, dst, proto, l4, ident):
    """The IP packets (bytes) carrying one transport segment."""
    if variant == "ipv6":
        return [(0x86DD, ipv6_packet(src, dst, proto, l4))]
    if variant == "frag6":
        if proto == 17 and len(l4) > 200:
            return [(0x86DD, p) for p in fragments6(src, dst, proto, l4, 0x10000 + ident)]
        return [(0x86DD, ipv6_packet(src, dst, proto, l4, ext=False))]
    if variant == "frag" and proto == 17 and len(l4) > 200:
        return [(0x0800, p) for p in fragments4(src, dst, proto, l4, ident)]
    return [(0x0800, ipv4_header(src, dst, proto, len(l4), ident) + l4)]


def link(variant, etype, payload, src_mac=MAC_A, dst_mac=MAC_B):
    """One frame in the variant's link layer around an Ethertype payload."""
    eth = dst_mac + src_mac
    if variant == "vlan":
        return eth + struct.pack("!HHH", 0x8100, 100, etype) + payload
    if variant == "qinq":
        return eth + struct.pack("!HHHHH", 0x88A8, 200, 0x8100, 100, etype) + payload
    if variant == "sll":
        return struct.pack("!HHH8sH", 0, 1, 6, src_mac + b"\0\0", etype) + payload
    if variant == "sll2":
        return struct.pack("!HHIHBB8s", etype, 0, 2, 1, 0, 6, src_mac + b"\0\0") + payload
    if variant == "raw":
        return payload if etype in (0x0800, 0x86DD) else None
    if variant == "raw4":
        return payload if etype == 0x0800 else None
    if variant == "null":
        if etype == 0x0800:
            return struct.pack("<I", 2) + payload
        if etype == 0x86DD:
            return struct.pack("<I", 30) + payload
        return None
    if variant == "mpls":
        if etype in (0x0800, 0x86DD):
            return eth + struct.pack("!HI", 0x8847, (1000 << 12) | 0x100 | 64) + payload
        return eth + struct.pack("!H", etype) + payload
    if variant == "pppoe":
        if etype in (0x0800, 0x86DD):
            ppp = struct.pack("!H", 0x0021 if etype == 0x0800 else 0x0057)
            return eth + struct.pack("!HBBHH", 0x8864, 0x11, 0, 0x1234, len(payload) + 2) + ppp + payload
        return eth + struct.pack("!H", etype) + payload
    inner = eth + struct.pack("!H", etype) + payload
    if variant in ("gre", "erspan2", "vxlan"):
        outer_src, outer_dst = b"\x0a\x63\0\x01", b"\x0a\x63\0\x02"
        if variant == "gre":
            enc = struct.pack("!HH", 0, 0x6558) + inner
            ip = ipv4_header(outer_src, outer_dst, 47, len(enc)) + enc
        elif variant == "erspan2":
            link.seq = getattr(link, "seq", 0) + 1
            enc = struct.pack("!HHI", 0x1000, 0x88BE, link.seq) + struct.pack("!II", 0x10010001, 0) + inner
            ip = ipv4_header(outer_src, outer_dst, 47, len(enc)) + enc
        else:
            enc = struct.pack("!HHHH", 49152, 4789, 16 + len(inner), 0) + struct.pack("!II", 0x08000000, 0x000100) + inner
            ip = ipv4_header(outer_src, outer_dst, 17, len(enc)) + enc
        return b"\x00\x50\x56\0\0\x01" + b"\x00\x50\x56\0\0\x02" + struct.pack("!H", 0x0800) + ip
    return inner


LINKTYPE = {"sll": 113, "sll2": 276, "raw": 101, "raw4": 228, "null": 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("variant")
    ap.add_argument("--noise", type=int, default=0)
    ap.add_argument("--port-map", default="")
    a = ap.parse_args()
    pmap = {}
    for m in filter(None, a.port_map.split(",")):
        x, y = m.split(":")
        pmap[int(x)] = int(y)
    v = a.variant
    recs = read_pcap(a.inp)
    noise = Noise()
    out = []
    for i, (ts, frame) in enumerate(recs):
        pkt = map_ports(Packet(frame), pmap)
        if pkt.ok:
            for etype, ipb in ip_packets(v, pkt.src, pkt.dst, pkt.proto, pkt.l4, pkt.ident):
                f = link(v, etype, ipb, pkt.frame[6:12], pkt.frame[0:6])
                if f is not None:
                    out.append((ts, f))
        else:
            f = link(v, pkt.eth_type, frame[14:], frame[6:12], frame[0:6])
            if f is not None:
                out.append((ts, f))
        nxt = recs[i + 1][0] if i + 1 < len(recs) else ts + 1000000
        for k in range(a.noise):
            kind, val = noise.next()
            nts = ts + (nxt - ts) * (k + 1) // (a.noise + 1)
            if kind == "arp":
                f = link(v, 0x0806, val)
                if f is not None:
                    out.append((nts, f))
                continue
            src, dst, proto, l4 = val
            if kind == "ip6":
                packets = [(0x86DD, ipv6_packet(src, dst, proto, l4, ext=False))]
            else:
                packets = ip_packets(v, src, dst, proto, l4, (noise.n * 7) & 0xFFFF)
            for etype, ipb in packets:
                f = link(v, etype, ipb)
                if f is not None:
                    out.append((nts, f))
    write_pcap(a.out, LINKTYPE.get(v, 1), out)


if __name__ == "__main__":
    sys.exit(main())
