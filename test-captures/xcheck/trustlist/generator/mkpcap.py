import struct, sys, os
F = '/tmp/xcheck-tl/files/'
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def ip4(s): return bytes(map(int, s.split('.')))
class Pcap:
    def __init__(self, t0=1768435200):   # 2026-01-15
        self.pk = []; self.t = t0; self.ipid = 1
    def udp(self, src, sport, dst, dport, payload, smac=b'\x00\x11\x22\x33\x44\x55', dmac=b'\x00\xaa\xbb\xcc\xdd\x01'):
        udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
        ph = ip4(src) + ip4(dst) + struct.pack('!BBH', 0, 17, len(udp))
        c = csum(ph + udp) or 0xffff
        udp = udp[:6] + struct.pack('!H', c) + udp[8:]
        iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), self.ipid & 0xffff, 0x4000, 64, 17, 0, ip4(src), ip4(dst))
        iph = iph[:10] + struct.pack('!H', csum(iph)) + iph[12:]
        self.ipid += 1
        eth = dmac + smac + b'\x08\x00'
        self.t += 0.001
        self.pk.append((self.t, eth + iph + udp))
    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for t, d in self.pk:
                f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(d), len(d)) + d)
def tftp_get(p, client, cport, server, sport, name, data, blksize=None, stop_after=None, smac=b'\x00\x11\x22\x33\x44\x55',
             final_ack=True):
    cm, sm = smac, b'\x00\xaa\xbb\xcc\xdd\x01'
    rrq = b'\x00\x01' + name.encode() + b'\0octet\0'
    if blksize:
        rrq += b'blksize\0' + str(blksize).encode() + b'\0'
    p.udp(client, cport, server, 69, rrq, cm, sm)
    bs = 512
    if blksize:
        p.udp(server, sport, client, cport, b'\x00\x06blksize\0' + str(blksize).encode() + b'\0', sm, cm)
        p.udp(client, cport, server, sport, b'\x00\x04\x00\x00', cm, sm)
        bs = blksize
    blk = 1; off = 0
    while True:
        chunk = data[off:off + bs]
        p.udp(server, sport, client, cport, b'\x00\x03' + struct.pack('!H', blk & 0xffff) + chunk, sm, cm)
        if stop_after and blk >= stop_after:
            return
        if final_ack or len(chunk) == bs:
            p.udp(client, cport, server, sport, b'\x00\x04' + struct.pack('!H', blk & 0xffff), cm, sm)
        off += bs; blk += 1
        if len(chunk) < bs:
            break
def rd(n): return open(F + n, 'rb').read()
