#!/usr/bin/env python3
"""Independent generator of capture-level variants of TFTP trust-list downloads.
Writes /tmp/xc2-a/caps/*.pcap(ng). Payloads: committed .tlv files + payload/ITLSEP0011223344AA.tlv (mk512.py)."""
import struct, os, random, subprocess, json

TC = '/work/main/test-captures/trustlist/'
ITL = open(TC + 'ITLSEP001122334455.tlv', 'rb').read()          # 7241 B
CTL = open(TC + 'CTLSEP001122334455.tlv', 'rb').read()          # 9624 B
ITL2 = open(TC + 'ITLSEPAABBCCDDEEFF.tlv', 'rb').read()         # 2285 B
P512 = '/tmp/xc2-a/payload/ITLSEP0011223344AA.tlv'
if not os.path.exists(P512):
    subprocess.check_call(['python3', '/tmp/xc2-a/mk512.py', P512])
ITL512 = open(P512, 'rb').read()
OUT = '/tmp/xc2-a/caps'
os.makedirs(OUT, exist_ok=True)

SRV4, PH4, PH4B = '10.0.0.1', '10.1.2.3', '10.1.2.4'
SRV6, PH6 = '2001:db8::1', '2001:db8:1::3'
MAC_SRV = bytes.fromhex('02aa00000001')
MAC_PH = bytes.fromhex('001122334455')
MAC_PHB = bytes.fromhex('aabbccddeeff')

# ---------------------------------------------------------------- checksums / L3 / L4
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4b(a): return bytes(int(x) for x in a.split('.'))
def ip6b(a):
    import ipaddress; return ipaddress.IPv6Address(a).packed
def is6(a): return ':' in a

def udp(src, dst, sport, dport, payload):
    ln = 8 + len(payload)
    h = struct.pack('!HHHH', sport, dport, ln, 0)
    if is6(src):
        ph = ip6b(src) + ip6b(dst) + struct.pack('!IxxxB', ln, 17)
    else:
        ph = ip4b(src) + ip4b(dst) + struct.pack('!xBH', 17, ln)
    c = csum(ph + h + payload) or 0xffff
    return struct.pack('!HHHH', sport, dport, ln, c) + payload

_ipid = [0x1000]
TINY = [False]
def ipv4(src, dst, proto, payload, mtu=None, order='in', opt=b''):
    """returns list of IPv4 packets (fragmented if mtu given and needed)"""
    _ipid[0] += 1
    ident = _ipid[0]
    def hdr(plen, flags_off):
        h = struct.pack('!BBHHHBBH4s4s', 0x40 | (5 + len(opt)//4), 0, 20 + len(opt) + plen, ident, flags_off, 64, proto, 0, ip4b(src), ip4b(dst)) + opt
        return h[:10] + struct.pack('!H', csum(h)) + h[12:]
    if mtu is None or 20 + len(opt) + len(payload) <= mtu:
        return [hdr(len(payload), 0x4000) + payload]
    step = (mtu - 20 - len(opt)) // 8 * 8
    frags = []
    offs = list(range(0, len(payload), step))
    if TINY[0]:
        offs = [0] + list(range(8, len(payload), step))
    for i, off in enumerate(offs):
        nxt = offs[i+1] if i + 1 < len(offs) else len(payload)
        chunk = payload[off:nxt]
        mf = 0x2000 if nxt < len(payload) else 0
        frags.append(hdr(len(chunk), mf | (off // 8)) + chunk)
    if order == 'reverse':
        frags.reverse()
    elif order == 'shuffle':
        r = random.Random(ident); r.shuffle(frags)
        if frags[0][6:8] == frags[0][6:8] and len(frags) > 1 and (struct.unpack('!H', frags[0][6:8])[0] & 0x1fff) == 0:
            frags.append(frags.pop(0))   # never first-fragment-first
    return frags

_ip6id = [0x77000000]
def ipv6_frag(src, dst, nh, payload, mtu, order='in'):
    _ip6id[0] += 1
    step = (mtu - 40 - 8) // 8 * 8
    out = []
    for off in range(0, len(payload), step):
        chunk = payload[off:off+step]
        m = 1 if off + step < len(payload) else 0
        fh = struct.pack('!BBHI', nh, 0, off | m, _ip6id[0])
        body = fh + chunk
        out.append(struct.pack('!IHBB16s16s', 0x60000000, len(body), 44, 64, ip6b(src), ip6b(dst)) + body)
    if order == 'reverse': out.reverse()
    return out

def ipv6(src, dst, nh, payload, ext=None):
    """ext: None, 'hbh' or 'dst' (PadN-padded 8-byte option header), or 'hbh+dst'"""
    chain = []
    for e in (ext.split('+') if ext else []):
        chain.append({'hbh': 0, 'dst': 60}[e])
    body = payload
    nxt = nh
    for code in reversed(chain):
        # 8-byte ext header: next hdr, hdr ext len 0, PadN option with 4 bytes of padding
        body = bytes([nxt, 0, 1, 4, 0, 0, 0, 0]) + body
        nxt = code
    return [struct.pack('!IHBB16s16s', 0x60000000, len(body), nxt, 64, ip6b(src), ip6b(dst)) + body]

# ---------------------------------------------------------------- link layers
def mac_of(ip):
    return MAC_SRV if ip in (SRV4, SRV6, '10.0.0.20') else (MAC_PHB if ip == PH4B else MAC_PH)

def link(kind, src, dst, l3, be=False):
    et = 0x86dd if (l3[0] >> 4) == 6 else 0x0800
    if kind == 'eth':
        return mac_of(dst) + mac_of(src) + struct.pack('!H', et) + l3
    if kind == 'vlan':
        return mac_of(dst) + mac_of(src) + struct.pack('!HHH', 0x8100, 100, et) + l3
    if kind == 'qinq':
        return mac_of(dst) + mac_of(src) + struct.pack('!HHHHH', 0x88a8, 200, 0x8100, 100, et) + l3
    if kind == 'sll':
        ptype = 4 if src in (PH4, PH4B, PH6) else 0
        return struct.pack('!HHH8sH', ptype, 1, 6, mac_of(src) + b'\0\0', et) + l3
    if kind == 'sll2':
        ptype = 4 if src in (PH4, PH4B, PH6) else 0
        return struct.pack('!HHIHBB8s', et, 0, 2, 1, ptype, 6, mac_of(src) + b'\0\0') + l3
    if kind == 'raw':
        return l3
    if kind == 'null':
        af = 24 if et == 0x86dd else 2
        return struct.pack('>I' if be else '<I', af) + l3
    raise ValueError(kind)

LINKTYPE = {'null28': 0, 'null30': 0, 'loop108': 108, 'sll_vlan': 113, 'eth': 1, 'vlan': 1, 'qinq': 1, 'sll': 113, 'sll2': 276, 'raw': 101, 'null': 0}

# ---------------------------------------------------------------- file writers
def write_pcap(path, linktype, pkts, nsec=False, be=False):
    e = '>' if be else '<'
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    with open(path, 'wb') as f:
        f.write(struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, 262144, linktype))
        for ts, data in pkts:
            sec = int(ts); frac = round((ts - sec) * (1e9 if nsec else 1e6))
            f.write(struct.pack(e + 'IIII', sec, frac, len(data), len(data)) + data)

def pad4(b): return b + b'\0' * ((-len(b)) % 4)
def block(t, body):
    body = pad4(body)
    return struct.pack('<II', t, 12 + len(body)) + body + struct.pack('<I', 12 + len(body))

def opt(code, val): return struct.pack('<HH', code, len(val)) + pad4(val)

def write_pcapng_ex(path, blocks, be=False):
    """blocks: list of (type, body-bytes) already encoded in the chosen byte order"""
    e = '>' if be else '<'
    with open(path, 'wb') as f:
        for t, body in blocks:
            body = pad4(body)
            f.write(struct.pack(e + 'II', t, 12 + len(body)) + body + struct.pack(e + 'I', 12 + len(body)))

def write_pcapng(path, ifaces, pkts):
    """ifaces: list of linktypes; pkts: (ts, ifidx, data)"""
    with open(path, 'wb') as f:
        f.write(block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)))
        for lt in ifaces:
            f.write(block(1, struct.pack('<HHI', lt, 0, 262144)))  # default tsresol 6 (usec)
        for ts, idx, data in pkts:
            t = int(round(ts * 1e6))
            f.write(block(6, struct.pack('<IIIII', idx, t >> 32, t & 0xffffffff, len(data), len(data)) + data))

# ---------------------------------------------------------------- TFTP transfers
def rrq(name, opts=()):
    b = struct.pack('!H', 1) + name.encode() + b'\0octet\0'
    for k, v in opts: b += k.encode() + b'\0' + str(v).encode() + b'\0'
    return b
def data_pkt(n, d): return struct.pack('!HH', 3, n & 0xffff) + d
def ack(n): return struct.pack('!HH', 4, n & 0xffff)
def oack(opts):
    return struct.pack('!H', 6) + b''.join(k.encode() + b'\0' + str(v).encode() + b'\0' for k, v in opts)

def transfer(client, cport, server, sport, name, content, opts=(), window=1, dup_data=(), dup_ack=(),
             reply_opts=None, gaps=None, dup_rrq=None, upper=False):
    """returns list of messages (src, sp, dst, dp, payload[, tag[, gap]]).
    reply_opts: None = echo (tsize filled in); 'ignore' = server ignores options (no OACK); list = OACK contents.
    gaps: {block: seconds of pause before DATA block}.  dup_rrq: second server port answering a retransmitted RRQ."""
    msgs = []
    gaps = gaps or {}
    def c2s69(p): msgs.append((client, cport, server, 69, p))
    def s2c(p, g=None): msgs.append((server, sport, client, cport, p, None, g))
    def c2s(p): msgs.append((client, cport, server, sport, p))
    ro = [(k.upper() if upper else k, v) for k, v in opts]
    c2s69(rrq(name, ro))
    if dup_rrq:
        c2s69(rrq(name, ro))
    blk = 512
    if opts and reply_opts != 'ignore':
        if reply_opts is None:
            reply = [(k, len(content) if k.lower() == 'tsize' else v) for k, v in ro]
        else:
            reply = reply_opts
        s2c(oack(reply))
        if dup_rrq:   # the second responder (another server port) also answers; client rejects it
            msgs.append((server, dup_rrq, client, cport, oack(reply)))
            msgs.append((client, cport, server, dup_rrq, struct.pack('!HH', 5, 5) + b'Unknown transfer ID\0'))
        c2s(ack(0))
        for k, v in reply:
            if k.lower() == 'blksize': blk = int(v)
            if k.lower() == 'windowsize': window = int(v)
    elif dup_rrq:
        pass
    nblocks = len(content) // blk + 1        # final block is short (possibly empty)
    for n in range(1, nblocks + 1):
        s2c(data_pkt(n, content[(n-1)*blk:n*blk]), gaps.get(n))
        if n == 1 and dup_rrq and not opts:
            msgs.append((server, dup_rrq, client, cport, data_pkt(1, content[:blk])))
            msgs.append((client, cport, server, dup_rrq, struct.pack('!HH', 5, 5) + b'Unknown transfer ID\0'))
        if n == nblocks:
            msgs[-1] = msgs[-1][:5] + (name,) + msgs[-1][6:]
        if n in dup_data:
            s2c(data_pkt(n, content[(n-1)*blk:n*blk]))
        if n % window == 0 or n == nblocks:
            c2s(ack(n))
            if n in dup_ack:
                c2s(ack(n))
    return msgs

def interleave(*lists):
    out = []; idx = [0]*len(lists)
    while any(idx[i] < len(l) for i, l in enumerate(lists)):
        for i, l in enumerate(lists):
            if idx[i] < len(l):
                out.append(l[idx[i]]); idx[i] += 1
    return out

def tunnel(kind, l3, src):
    inner6 = (l3[0] >> 4) == 6
    O1, O2 = '192.0.2.1', '192.0.2.2'
    osrc, odst = (O1, O2) if src in (SRV4, SRV6) else (O2, O1)
    ieth = lambda: (mac_of(SRV4) + mac_of(PH4) + struct.pack('!H', 0x86dd if inner6 else 0x0800) + l3)
    if kind == 'gre':
        o = ipv4(osrc, odst, 47, struct.pack('!HH', 0, 0x86dd if inner6 else 0x0800) + l3)
    elif kind == 'gre_eth':
        o = ipv4(osrc, odst, 47, struct.pack('!HH', 0, 0x6558) + ieth())
    elif kind == 'erspan2':
        er = struct.pack('!HHI', 0x1000 | 0, (0 << 13) | (0 << 11) | 1, 0)
        o = ipv4(osrc, odst, 47, struct.pack('!HHI', 0x1000, 0x88be, 7) + er + ieth())
    elif kind == 'vxlan':
        o = ipv4(osrc, odst, 17, udp(osrc, odst, 54321, 4789, struct.pack('!II', 0x08000000, 42 << 8) + ieth()))
    elif kind == 'geneve':
        o = ipv4(osrc, odst, 17, udp(osrc, odst, 54321, 6081, struct.pack('!BBHI', 0, 0, 0x6558, 42 << 8) + ieth()))
    elif kind == 'ipip':
        o = ipv4(osrc, odst, 41 if inner6 else 4, l3)
    else:
        raise ValueError(kind)
    return o[0]

def l2extra(kind, src, dst, l3):
    et = 0x86dd if (l3[0] >> 4) == 6 else 0x0800
    E = lambda rest: mac_of(dst) + mac_of(src) + rest
    if kind == 'vlan0':
        return E(struct.pack('!HHH', 0x8100, 0x6000, et) + l3)       # priority tag, VID 0
    if kind == 'q9100':
        return E(struct.pack('!HHHHH', 0x9100, 300, 0x8100, 100, et) + l3)
    if kind == 'qinq3':
        return E(struct.pack('!HHHHHHH', 0x88a8, 300, 0x8100, 200, 0x8100, 100, et) + l3)
    if kind == 'mpls':
        return E(struct.pack('!HI', 0x8847, (16 << 12) | 0x100 | 64) + l3)
    if kind == 'mpls2':
        return E(struct.pack('!HII', 0x8847, (16 << 12) | 64, (17 << 12) | 0x100 | 64) + l3)
    if kind == 'pppoe':
        ppp = struct.pack('!H', 0x0057 if et == 0x86dd else 0x0021) + l3
        return E(struct.pack('!HBBHH', 0x8864, 0x11, 0, 0x1234, len(ppp)) + ppp)
    if kind == 'vlan_mpls':
        return E(struct.pack('!HHHI', 0x8100, 100, 0x8847, (16 << 12) | 0x100 | 64) + l3)
    if kind == 'sll_vlan':
        ptype = 4 if src in (PH4, PH4B, PH6) else 0
        return struct.pack('!HHH8sH', ptype, 1, 6, mac_of(src) + b'\0\0', 0x8100) + struct.pack('!HH', 100, et) + l3
    if kind == 'null28':
        return struct.pack('<I', 28 if et == 0x86dd else 2) + l3
    if kind == 'null30':
        return struct.pack('<I', 30 if et == 0x86dd else 2) + l3
    if kind == 'loop108':
        return struct.pack('>I', 24 if et == 0x86dd else 2) + l3
    return None

def to_frames(msgs, kind='eth', mtu=None, order='in', ext=None, be=False, t0=1796083200.0, dt=0.001, ipopt=b'', tun=None, pad60=False, fcs=False, tsfn=None, tiny=False):
    pk = []; t = t0
    TINY[0] = tiny
    for m in msgs:
        (src, sp, dst, dp, p) = m[:5]
        if len(m) > 6 and m[6]:
            t += m[6]
        u = udp(src, dst, sp, dp, p)
        if is6(src):
            l3s = ipv6_frag(src, dst, 17, u, mtu, order) if (mtu and len(u) + 40 > mtu) else ipv6(src, dst, 17, u, ext)
        else:
            l3s = ipv4(src, dst, 17, u, mtu, order, ipopt)
        for l3 in l3s:
            if tun:
                l3 = tunnel(tun, l3, src)
            fr = l2extra(kind, src, dst, l3)
            if fr is None: fr = link(kind, src, dst, l3, be)
            if pad60 and len(fr) < 60: fr += b'\0' * (60 - len(fr))
            if fcs:
                import zlib; fr += struct.pack('<I', zlib.crc32(fr))
            pk.append((t, fr)); t += dt
        if len(m) > 5 and m[5]:
            LAST_TS[m[5]] = pk[-1][0]
            LAST_IDX[m[5]] = len(pk)
    TINY[0] = False
    if tsfn:
        pk = [(tsfn(i, t), d) for i, (t, d) in enumerate(pk)]
    return pk

# ---------------------------------------------------------------- variants
def std(client=PH4, server=SRV4, **kw):
    """CTLSEP then ITLSEP for phone 00:11:22:33:44:55"""
    return (transfer(client, 49152, server, 50001, 'CTLSEP001122334455.tlv', CTL, **kw) +
            transfer(client, 49153, server, 50002, 'ITLSEP001122334455.tlv', ITL, **kw))

MANIFEST = {}
LAST_TS = {}
LAST_IDX = {}
def emit(name, pkts, linktype=1, expect=None, **kw):
    path = os.path.join(OUT, name)
    write_pcap(path, linktype, pkts, **kw)
    ex = expect or [{'ip': PH4, 'mac': '00:11:22:33:44:55', 'files': ['CTLSEP001122334455.tlv', 'ITLSEP001122334455.tlv']}]
    tsl = [p[0] for p in pkts]
    ex = [dict(e, frames=[LAST_IDX[f] for f in e['files']]) for e in ex]
    MANIFEST[name] = ex
    LAST_TS.clear(); LAST_IDX.clear()

def main():
    for kind, fn in [('eth', 'v01_eth.pcap'), ('vlan', 'v02_vlan.pcap'), ('qinq', 'v03_qinq.pcap'),
                     ('sll', 'v04_sll.pcap'), ('sll2', 'v05_sll2.pcap'), ('raw', 'v06_rawip.pcap'),
                     ('null', 'v07_null.pcap')]:
        emit(fn, to_frames(std(), kind), LINKTYPE[kind])
    emit('v07b_null_be.pcap', to_frames(std(), 'null', be=True), 0, be=True)
    e6 = [{'ip': PH6, 'mac': '00:11:22:33:44:55', 'files': ['CTLSEP001122334455.tlv', 'ITLSEP001122334455.tlv']}]
    emit('v08_ipv6.pcap', to_frames(std(PH6, SRV6), 'eth'), 1, e6)
    emit('v09a_ipv6_hbh.pcap', to_frames(std(PH6, SRV6), 'eth', ext='hbh'), 1, e6)
    emit('v09b_ipv6_dstopt.pcap', to_frames(std(PH6, SRV6), 'eth', ext='dst'), 1, e6)
    emit('v09c_ipv6_hbh_dst.pcap', to_frames(std(PH6, SRV6), 'eth', ext='hbh+dst'), 1, e6)
    emit('v09d_ipv6_hbh_sll.pcap', to_frames(std(PH6, SRV6), 'sll', ext='hbh'), 113, e6)
    emit('v10a_blksize1428.pcap', to_frames(std(opts=[('blksize', 1428)]), 'eth'), 1)
    emit('v10b_blksize8192_frag.pcap', to_frames(std(opts=[('blksize', 8192)]), 'eth', mtu=1500), 1)
    emit('v10c_blksize8192_frag_reverse.pcap', to_frames(std(opts=[('blksize', 8192)]), 'eth', mtu=1500, order='reverse'), 1)
    emit('v10d_blksize8192_frag_shuffle.pcap', to_frames(std(opts=[('blksize', 8192)]), 'eth', mtu=1500, order='shuffle'), 1)
    emit('v11_tsize_window4.pcap', to_frames(std(opts=[('tsize', 0), ('windowsize', 4)], window=4), 'eth'), 1)
    emit('v11b_blksize1428_tsize_window4.pcap', to_frames(std(opts=[('blksize', 1428), ('tsize', 0), ('windowsize', 4)], window=4), 'eth'), 1)
    emit('v12_dup.pcap', to_frames(std(dup_data=(3, 19), dup_ack=(5,)), 'eth'), 1)
    emit('v13a_nsec.pcap', to_frames(std(), 'eth'), 1, nsec=True)
    emit('v13b_bigendian.pcap', to_frames(std(), 'eth'), 1, be=True)
    emit('v13c_bigendian_nsec.pcap', to_frames(std(), 'eth'), 1, be=True, nsec=True)
    # 14: pcapng, iface 0 Ethernet (unrelated traffic), iface 1 SLL (the transfer)
    noise = to_frames([(SRV4, 5060, PH4, 5060, b'OPTIONS sip:x SIP/2.0\r\n\r\n')] * 3, 'eth', t0=1796083199.0)
    LAST_TS.clear()
    main_ = to_frames(std(), 'sll')
    pk = sorted([(t, 0, d) for t, d in noise] + [(t, 1, d) for t, d in main_], key=lambda x: x[0])
    # also interleave a noise packet on iface 0 in the middle
    pk.insert(len(pk)//2, (pk[len(pk)//2][0], 0, noise[0][1]))
    write_pcapng(os.path.join(OUT, 'v14_pcapng_eth_sll.pcapng'), [1, 113], pk)
    fr = [[i + 1 for i, p in enumerate(pk) if p[1] == 1 and p[0] == LAST_TS[f]][0] for f in ('CTLSEP001122334455.tlv', 'ITLSEP001122334455.tlv')]
    MANIFEST['v14_pcapng_eth_sll.pcapng'] = [{'ip': PH4, 'mac': '00:11:22:33:44:55', 'files': ['CTLSEP001122334455.tlv', 'ITLSEP001122334455.tlv'], 'frames': fr}]
    LAST_TS.clear()
    # 15: file size multiple of 512 -> final empty DATA block
    m15 = transfer(PH4, 49160, SRV4, 50010, 'ITLSEP0011223344AA.tlv', ITL512)
    emit('v15_mult512.pcap', to_frames(m15, 'eth'), 1,
         [{'ip': PH4, 'mac': '00:11:22:33:44:aa', 'files': ['ITLSEP0011223344AA.tlv']}])
    # 16: two phones, same server, interleaved blocks
    a = transfer(PH4, 49152, SRV4, 50001, 'ITLSEP001122334455.tlv', ITL)
    b = transfer(PH4B, 49152, SRV4, 50002, 'ITLSEPAABBCCDDEEFF.tlv', ITL2)
    two = [{'ip': PH4, 'mac': '00:11:22:33:44:55', 'files': ['ITLSEP001122334455.tlv']},
           {'ip': PH4B, 'mac': 'aa:bb:cc:dd:ee:ff', 'files': ['ITLSEPAABBCCDDEEFF.tlv']}]
    emit('v16_two_phones.pcap', to_frames(interleave(a, b), 'eth'), 1, two)
    # 16b: same but both phones use different client ports and the server data port is the same
    a = transfer(PH4, 49152, SRV4, 50001, 'ITLSEP001122334455.tlv', ITL)
    b = transfer(PH4B, 49154, SRV4, 50001, 'ITLSEPAABBCCDDEEFF.tlv', ITL2)
    emit('v16b_two_phones_same_srvport.pcap', to_frames(interleave(a, b), 'eth'), 1, two)
    # 17: B's server data port == A's client port (and vice versa), interleaved
    a = transfer(PH4, 49152, SRV4, 50001, 'ITLSEP001122334455.tlv', ITL)
    b = transfer(PH4B, 50001, SRV4, 49152, 'ITLSEPAABBCCDDEEFF.tlv', ITL2)
    emit('v17_port_cross.pcap', to_frames(interleave(a, b), 'eth'), 1, two)
    # 17b: only one direction: B's server data port == A's client port; B starts while A is live
    a = transfer(PH4, 49152, SRV4, 50001, 'ITLSEP001122334455.tlv', ITL)
    b = transfer(PH4B, 40000, SRV4, 49152, 'ITLSEPAABBCCDDEEFF.tlv', ITL2)
    emit('v17b_srvport_eq_other_client.pcap', to_frames(a[:6] + interleave(a[6:], b), 'eth'), 1, two)

    # ---------------- extra variants (beyond the brief's list)
    L = 'CTLSEP001122334455.tlv', 'ITLSEP001122334455.tlv'
    e6 = [{'ip': PH6, 'mac': '00:11:22:33:44:55', 'files': list(L)}]
    emit('v18a_ipv6_blksize8192_frag.pcap', to_frames(std(PH6, SRV6, opts=[('blksize', 8192)]), 'eth', mtu=1500), 1, e6)
    emit('v18b_ipv6_blksize8192_frag_reverse.pcap', to_frames(std(PH6, SRV6, opts=[('blksize', 8192)]), 'eth', mtu=1500, order='reverse'), 1, e6)
    emit('v19_ipv4_options.pcap', to_frames(std(), 'eth', ipopt=b'\x94\x04\x00\x00'), 1)
    emit('v19b_ipv4_options_frag.pcap', to_frames(std(opts=[('blksize', 8192)]), 'eth', mtu=1500, ipopt=b'\x94\x04\x00\x00'), 1)
    m = (transfer(PH4, 49152, SRV4, 50001, L[0], CTL) + transfer(PH4, 49152, SRV4, 50001, L[1], ITL))
    emit('v20a_same_4tuple_twice.pcap', to_frames(m, 'eth'), 1)
    m = (transfer(PH4, 49152, SRV4, 50001, L[0], CTL) + transfer(PH4, 49152, SRV4, 50002, L[1], ITL))
    emit('v20b_same_client_port_twice.pcap', to_frames(m, 'eth'), 1)
    m = (transfer(PH4, 49152, SRV4, 69, L[0], CTL) + transfer(PH4, 49153, SRV4, 69, L[1], ITL))
    emit('v20c_server_replies_from_69.pcap', to_frames(m, 'eth'), 1)
    emit('v21_final_block_dup.pcap', to_frames(std(dup_data=(15, 19), dup_ack=(15, 19)), 'eth'), 1)
    emit('v22a_dup_rrq_two_responders.pcap', to_frames(std(dup_rrq=51000), 'eth'), 1)
    emit('v22b_dup_rrq_two_responders_oack.pcap', to_frames(std(dup_rrq=51000, opts=[('blksize', 1428)]), 'eth'), 1)
    slow = {n: 1.0 for n in range(2, 60)}
    emit('v23a_BLKSIZE256_upper_slow.pcap', to_frames(std(opts=[('blksize', 256)], upper=True, gaps=slow), 'eth'), 1)
    emit('v23b_blksize256_slow.pcap', to_frames(std(opts=[('blksize', 256)], gaps=slow), 'eth'), 1)
    emit('v23c_blksize256.pcap', to_frames(std(opts=[('blksize', 256)]), 'eth'), 1)
    emit('v23d_blksize8.pcap', to_frames(std(opts=[('blksize', 8)]), 'eth'), 1)
    emit('v24a_gap130s_midtransfer.pcap', to_frames(std(gaps={5: 130.0}), 'eth'), 1)
    emit('v24b_gap15s_midtransfer.pcap', to_frames(std(gaps={5: 15.0}), 'eth'), 1)
    for tun in ('gre', 'gre_eth', 'erspan2', 'vxlan', 'geneve', 'ipip'):
        emit('v25_tun_%s.pcap' % tun, to_frames(std(), 'eth', tun=tun), 1)
    emit('v25_tun_6in4.pcap', to_frames(std(PH6, SRV6), 'eth', tun='ipip'), 1, e6)
    emit('v25_tun_vxlan_ipv6.pcap', to_frames(std(PH6, SRV6), 'eth', tun='vxlan'), 1, e6)
    for k in ('vlan0', 'q9100', 'qinq3', 'mpls', 'mpls2', 'pppoe', 'vlan_mpls', 'sll_vlan', 'loop108'):
        emit('v26_l2_%s.pcap' % k, to_frames(std(), k), LINKTYPE.get(k, 1))
    for k in ('null28', 'null30', 'loop108', 'sll', 'sll2', 'raw', 'pppoe', 'vlan'):
        emit('v26_l2_%s_ipv6.pcap' % k, to_frames(std(PH6, SRV6), k), LINKTYPE.get(k, 1), e6)
    emit('v27_server_ignores_options.pcap', to_frames(std(opts=[('blksize', 1428)], reply_opts='ignore'), 'eth'), 1)
    emit('v28_server_lowers_blksize.pcap', to_frames(std(opts=[('blksize', 8192)], reply_opts=[('blksize', 1024)]), 'eth'), 1)
    emit('v30_window8_oack4.pcap', to_frames(std(opts=[('windowsize', 8)], reply_opts=[('windowsize', 4)]), 'eth'), 1)
    # v29: pcapng with two sections (Ethernet section carries CTL, SLL section carries ITL)
    LAST_TS.clear()
    p1 = to_frames(transfer(PH4, 49152, SRV4, 50001, L[0], CTL), 'eth')
    p2 = to_frames(transfer(PH4, 49153, SRV4, 50002, L[1], ITL), 'sll', t0=1796083201.0)
    with open(os.path.join(OUT, 'v29_pcapng_two_sections.pcapng'), 'wb') as f:
        for lt, pp in ((1, p1), (113, p2)):
            f.write(block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)))
            f.write(block(1, struct.pack('<HHI', lt, 0, 262144)))
            for t, d in pp:
                tt = int(round(t * 1e6))
                f.write(block(6, struct.pack('<IIIII', 0, tt >> 32, tt & 0xffffffff, len(d), len(d)) + d))
    allp = p1 + p2; tsl = [p[0] for p in allp]
    MANIFEST['v29_pcapng_two_sections.pcapng'] = [{'ip': PH4, 'mac': '00:11:22:33:44:55', 'files': list(L), 'frames': [tsl.index(LAST_TS[f]) + 1 for f in L]}]
    LAST_TS.clear()

    # ---------------- more capture-level variants
    emit('v01b_eth_pad60.pcap', to_frames(std(), 'eth', pad60=True), 1)
    emit('v01c_eth_pad60_fcs.pcap', to_frames(std(), 'eth', pad60=True, fcs=True), 1)
    emit('v15b_mult512_pad60.pcap', to_frames(m15, 'eth', pad60=True), 1,
         [{'ip': PH4, 'mac': '00:11:22:33:44:aa', 'files': ['ITLSEP0011223344AA.tlv']}])
    emit('v15c_mult512_blksize1536_pad60.pcap', to_frames(transfer(PH4, 49160, SRV4, 50010, 'ITLSEP0011223344AA.tlv', ITL512, opts=[('blksize', 1536)]), 'eth', pad60=True), 1,
         [{'ip': PH4, 'mac': '00:11:22:33:44:aa', 'files': ['ITLSEP0011223344AA.tlv']}])
    emit('v15d_mult512_window4.pcap', to_frames(transfer(PH4, 49160, SRV4, 50010, 'ITLSEP0011223344AA.tlv', ITL512, opts=[('windowsize', 4)]), 'eth'), 1,
         [{'ip': PH4, 'mac': '00:11:22:33:44:aa', 'files': ['ITLSEP0011223344AA.tlv']}])
    emit('v10e_tiny_first_fragment.pcap', to_frames(std(opts=[('blksize', 8192)]), 'eth', mtu=1500, tiny=True), 1)
    emit('v10f_tiny_first_fragment_reverse.pcap', to_frames(std(opts=[('blksize', 8192)]), 'eth', mtu=1500, tiny=True, order='reverse'), 1)
    emit('v31a_ts_jitter_backwards.pcap', to_frames(std(), 'eth', tsfn=lambda i, t: t - 0.5 if i % 5 == 4 else t), 1)
    emit('v31b_ts_jump_back_1day_mid.pcap', to_frames(std(), 'eth', tsfn=lambda i, t: t - 86400 if i >= 10 else t), 1)
    emit('v31c_ts_all_zero.pcap', to_frames(std(), 'eth', tsfn=lambda i, t: 0.0), 1)
    emit('v31d_ts_jump_back_between_files.pcap', to_frames(std(), 'eth', tsfn=lambda i, t: t - 3600 if i >= 39 else t), 1)
    emit('v31e_ts_jump_fwd_1day_mid.pcap', to_frames(std(), 'eth', tsfn=lambda i, t: t + 86400 if i >= 10 else t), 1)
    # two phones behind one IP (NAT / same host), different client ports
    a = transfer(PH4, 49152, SRV4, 50001, 'ITLSEP001122334455.tlv', ITL)
    b = transfer(PH4, 49160, SRV4, 50002, 'ITLSEPAABBCCDDEEFF.tlv', ITL2)
    emit('v16c_two_macs_same_ip.pcap', to_frames(interleave(a, b), 'eth'), 1,
         [{'ip': PH4, 'mac': '00:11:22:33:44:55', 'files': ['ITLSEP001122334455.tlv']},
          {'ip': PH4, 'mac': 'aa:bb:cc:dd:ee:ff', 'files': ['ITLSEPAABBCCDDEEFF.tlv']}])
    # modified (Kuznetzov) pcap: 24-byte record headers
    pk = to_frames(std(), 'eth')
    with open(os.path.join(OUT, 'v13d_kuznetzov.pcap'), 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2cd34, 2, 4, 0, 0, 262144, 1))
        for t, d in pk:
            sec = int(t); us = round((t - sec) * 1e6)
            f.write(struct.pack('<IIIIiHBx', sec, us, len(d), len(d), 2, 0x0800, 0) + d)
    MANIFEST['v13d_kuznetzov.pcap'] = MANIFEST['v01_eth.pcap']
    import gzip
    gzip.open(os.path.join(OUT, 'v13e_gzip.pcap.gz'), 'wb').write(open(os.path.join(OUT, 'v01_eth.pcap'), 'rb').read())
    MANIFEST['v13e_gzip.pcap.gz'] = MANIFEST['v01_eth.pcap']
    # pcapng variants
    def ng(e, tsres, pk, idbs, extra_epb_opts=b'', mid=None, iface=0):
        shb = struct.pack(e + 'IHHq', 0x1A2B3C4D, 1, 0, -1)
        bl = [(0x0A0D0D0A, shb)]
        for lt, o in idbs:
            bl.append((1, struct.pack(e + 'HHI', lt, 0, 262144) + o))
        mul = 10 ** tsres
        for i, (t, d) in enumerate(pk):
            if mid and i == len(pk) // 2:
                bl.extend(mid)
            tt = int(round(t * mul))
            bl.append((6, struct.pack(e + 'IIIII', iface, tt >> 32, tt & 0xffffffff, len(d), len(d)) + pad4(d) + extra_epb_opts))
        return bl
    def o_(e, code, val): return struct.pack(e + 'HH', code, len(val)) + pad4(val)
    pk = to_frames(std(), 'eth')
    write_pcapng_ex(os.path.join(OUT, 'v14b_pcapng_bigendian_nsec.pcapng'),
                    ng('>', 9, pk, [(1, o_('>', 9, b'\x09') + o_('>', 0, b''))]), be=True)
    MANIFEST['v14b_pcapng_bigendian_nsec.pcapng'] = MANIFEST['v01_eth.pcap']
    epbo = o_('<', 2, struct.pack('<I', 1)) + o_('<', 1, b'comment on every packet') + o_('<', 0, b'')
    write_pcapng_ex(os.path.join(OUT, 'v14c_pcapng_epb_options.pcapng'), ng('<', 6, pk, [(1, b'')], extra_epb_opts=epbo))
    MANIFEST['v14c_pcapng_epb_options.pcapng'] = MANIFEST['v01_eth.pcap']
    # NRB + late IDB (iface 1, SLL) + ISB in the middle; the transfer stays on iface 0
    nrb = struct.pack('<HH', 1, 4 + 12) + ip4b(SRV4) + b'cucm-a\0\0\0\0\0\0' + struct.pack('<HH', 0, 0)
    isb = struct.pack('<III', 0, 0, 0) + o_('<', 1, b'custom comment') + o_('<', 4, struct.pack('<Q', 5)) + o_('<', 0, b'')
    write_pcapng_ex(os.path.join(OUT, 'v14d_pcapng_nrb_lateidb_isb_mid.pcapng'),
                    ng('<', 6, pk, [(1, b'')], mid=[(4, nrb), (1, struct.pack('<HHI', 113, 0, 262144)), (5, isb)]))
    MANIFEST['v14d_pcapng_nrb_lateidb_isb_mid.pcapng'] = MANIFEST['v01_eth.pcap']
    # if_tsoffset + tsresol 2^-20 (binary resolution)
    pk2 = [(t - 1000000, d) for t, d in pk]
    write_pcapng_ex(os.path.join(OUT, 'v14e_pcapng_tsoffset_binres.pcapng'),
                    [(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)),
                     (1, struct.pack('<HHI', 1, 0, 262144) + o_('<', 9, b'\x94') + o_('<', 14, struct.pack('<q', 1000000)) + o_('<', 0, b''))] +
                    [(6, struct.pack('<IIIII', 0, int(t * 2**20) >> 32, int(t * 2**20) & 0xffffffff, len(d), len(d)) + pad4(d)) for t, d in pk2])
    MANIFEST['v14e_pcapng_tsoffset_binres.pcapng'] = MANIFEST['v01_eth.pcap']

    # DHCP address reuse: phone A, then (2 h later) phone B with the same IP, each gets its own cluster's ITL
    AS = '/work/main/test-captures/audit/served/'
    a = transfer(PH4, 49152, SRV4, 50001, 'ITLSEP001122330A01.tlv', open(AS + 'a-itl.tlv', 'rb').read())
    b = transfer(PH4, 49153, '10.0.0.20', 50002, 'ITLSEP001122330B01.tlv', open(AS + 'b-itl.tlv', 'rb').read())
    b = [m[:6] + ((7200.0,) if i == 0 else m[6:]) if i == 0 else m for i, m in enumerate(b)]
    b[0] = b[0][:5] + (None, 7200.0)
    emit('v16d_dhcp_ip_reuse_two_phones.pcap', to_frames(a + b, 'eth'), 1,
         [{'ip': PH4, 'mac': '00:11:22:33:0a:01', 'files': ['ITLSEP001122330A01.tlv']},
          {'ip': PH4, 'mac': '00:11:22:33:0b:01', 'files': ['ITLSEP001122330B01.tlv']}])
    json.dump(MANIFEST, open(os.path.join(OUT, 'manifest.json'), 'w'), indent=1)
    print('\n'.join(sorted(MANIFEST)))

if __name__ == '__main__':
    main()
