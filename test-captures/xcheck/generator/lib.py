#!/usr/bin/env python3
"""Independent helpers built from formats.md only: certs, ITL (§2-3), TVS (§6), pcap writer."""
import struct, os, datetime, hashlib, socket
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, padding

D = os.path.dirname(os.path.abspath(__file__))
KD = os.path.join(D, 'keys')
os.makedirs(KD, exist_ok=True)

# ---------------------------------------------------------------- certs
def _key(name, bits=2048):
    p = os.path.join(KD, name + '.key')
    if os.path.exists(p):
        return serialization.load_pem_private_key(open(p, 'rb').read(), None)
    k = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    open(p, 'wb').write(k.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption()))
    return k

def _name(cn, ou='IST', o='Xcheck', l='Brisbane', st='QLD', c='AU'):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, o),
                      x509.NameAttribute(NameOID.LOCALITY_NAME, l),
                      x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, st),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, c)])

def cert(name, cn, serial, issuer_cert=None, issuer_key=None, bits=2048, keyname=None,
         not_before=None, not_after=None):
    """Create (or load) a cert; self-signed when issuer_cert is None."""
    p = os.path.join(KD, name + '.pem')
    k = _key(keyname or name, bits)
    if os.path.exists(p):
        return x509.load_pem_x509_certificate(open(p, 'rb').read()), k
    subj = _name(cn)
    iss = issuer_cert.subject if issuer_cert else subj
    ik = issuer_key or k
    nb = not_before or datetime.datetime(2024, 1, 1)
    na = not_after or datetime.datetime(2034, 1, 1)
    c = (x509.CertificateBuilder().subject_name(subj).issuer_name(iss)
         .public_key(k.public_key()).serial_number(serial)
         .not_valid_before(nb).not_valid_after(na)
         .sign(ik, hashes.SHA256()))
    open(p, 'wb').write(c.public_bytes(serialization.Encoding.PEM))
    return c, k

def der(c):
    return c.public_bytes(serialization.Encoding.DER)

def cisco_dn(n):
    """§1: attributes in certificate (DER) order, TYPE=value joined by ';'"""
    short = {NameOID.COMMON_NAME: 'CN', NameOID.ORGANIZATIONAL_UNIT_NAME: 'OU',
             NameOID.ORGANIZATION_NAME: 'O', NameOID.LOCALITY_NAME: 'L',
             NameOID.STATE_OR_PROVINCE_NAME: 'ST', NameOID.COUNTRY_NAME: 'C'}
    return ';'.join('%s=%s' % (short[a.oid], a.value) for a in n)

def serial_bytes(c):
    s = c.serial_number
    return s.to_bytes(max(1, (s.bit_length() + 7) // 8), 'big')

def pkcs1_pub(c):
    return c.public_key().public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.PKCS1)

# ---------------------------------------------------------------- TLV
def tlv(tag, val):
    return bytes([tag]) + struct.pack('>H', len(val)) + val

def cstr(s):
    return s.encode() + b'\0'

def itl_record(c, role, dns='cucm-pub', ip='10.0.0.1', drop=()):
    body = b''
    parts = [
        (2, cstr(dns)), (3, cstr(cisco_dn(c.subject))), (4, struct.pack('>H', role)),
        (5, cstr(cisco_dn(c.issuer))), (6, serial_bytes(c)), (7, pkcs1_pub(c)),
        (8, c.signature), (9, der(c)), (10, socket.inet_aton(ip))]
    for t, v in parts:
        if t not in drop:
            body += tlv(t, v)
    return tlv(1, struct.pack('>H', len(body) + 5)) + body

def build_itl(signer_cert, signer_key, records, filename='ITLFile.tlv', ts=1767115542,
              corrupt_sig=False, hash_code=1):
    sig_len = signer_key.key_size // 8
    modcode = {64: 0, 128: 1, 256: 2, 512: 3}[sig_len]
    signerid = (tlv(4, cstr(cisco_dn(signer_cert.subject))) + tlv(5, serial_bytes(signer_cert))
                + tlv(6, cstr(cisco_dn(signer_cert.issuer))))
    siginfo = tlv(8, bytes([hash_code])) + b'\x09\x00\x08' + tlv(10, b'\x00') + tlv(11, bytes([modcode]))
    pre = b'\x03' + struct.pack('>H', len(signerid)) + signerid + b'\x07' + struct.pack('>H', len(siginfo)) + siginfo
    post = tlv(14, cstr(filename)) + tlv(15, struct.pack('>I', ts))
    base = 5 + 5 + len(pre) + 3 + sig_len + len(post)
    pad = (-base) % 4
    hl = base + pad
    head1 = tlv(1, b'\x01\x02') + tlv(2, struct.pack('>H', hl)) + pre
    tail = post + b'\x0d' * pad + b''.join(records)
    h = {1: hashes.SHA1(), 2: hashes.SHA256(), 3: hashes.SHA512()}[hash_code]
    sig = signer_key.sign(head1 + tail, padding.PKCS1v15(), h)
    if corrupt_sig:
        sig = bytes([sig[0] ^ 0xff]) + sig[1:]
    return head1 + tlv(12, sig) + tail

# ---------------------------------------------------------------- TVS (§6)
def tvs_msg(cmd, rid, body, reserved=0, proto=0x57, ver=1, length=None):
    if length is None:
        length = len(body)
    return struct.pack('>BBBBIH', proto, ver, cmd, reserved, rid, length) + body

def dev(name='CP-8861-SEP001122334455', prefix=1):
    return tlv(1, bytes([prefix]) + name.encode())

# ---------------------------------------------------------------- pcap
def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip_to_mac(ip):
    return b'\x02\x00' + socket.inet_aton(ip)

class Pcap:
    def __init__(self, t0=1767200000.0):
        self.recs = []
        self.t = t0
        self.ipid = 1

    def _ip(self, src, dst, proto, payload):
        self.ipid += 1
        h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), self.ipid & 0xffff, 0x4000, 64,
                        proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
        h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
        return h + payload

    def _l4sum(self, src, dst, proto, seg):
        ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, proto, len(seg))
        return csum(ph + seg)

    def add(self, src, dst, proto, seg, dt=0.001):
        self.t += dt
        frame = ip_to_mac(dst) + ip_to_mac(src) + b'\x08\x00' + self._ip(src, dst, proto, seg)
        self.recs.append((self.t, frame))

    def udp(self, src, sport, dst, dport, data, dt=0.001):
        seg = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
        c = self._l4sum(src, dst, 17, seg) or 0xffff
        seg = seg[:6] + struct.pack('!H', c) + seg[8:]
        self.add(src, dst, 17, seg, dt)

    def tcp(self, src, sport, dst, dport, seq, ack, flags, data=b'', dt=0.001):
        seg = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags,
                          65535, 0, 0) + data
        c = self._l4sum(src, dst, 6, seg)
        seg = seg[:16] + struct.pack('!H', c) + seg[18:]
        self.add(src, dst, 6, seg, dt)

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
            for t, fr in self.recs:
                sec = int(t)
                us = int(round((t - sec) * 1e6))
                f.write(struct.pack('<IIII', sec, us, len(fr), len(fr)) + fr)

    # ---- TFTP RRQ + DATA blocks + ACKs (server answers from another port)
    def tftp(self, phone, server, fname, content, cport=50000, sport=60000, blksize=512):
        self.udp(phone, cport, server, 69, b'\x00\x01' + cstr(fname) + b'octet\0')
        blocks = [content[i:i + blksize] for i in range(0, len(content), blksize)]
        if len(content) % blksize == 0:
            blocks.append(b'')
        for n, b in enumerate(blocks, 1):
            self.udp(server, sport, phone, cport, struct.pack('!HH', 3, n & 0xffff) + b)
            self.udp(phone, cport, server, sport, struct.pack('!HH', 4, n & 0xffff))

class TcpConn:
    """hand-made TCP connection for plaintext TVS (Decode As)"""
    def __init__(self, pc, cli, cport, srv, sport):
        self.pc, self.cli, self.cport, self.srv, self.sport = pc, cli, cport, srv, sport
        self.cs, self.ss = 1000, 5000
        pc.tcp(cli, cport, srv, sport, self.cs, 0, 0x02)
        pc.tcp(srv, sport, cli, cport, self.ss, self.cs + 1, 0x12)
        self.cs += 1; self.ss += 1
        pc.tcp(cli, cport, srv, sport, self.cs, self.ss, 0x10)

    def c2s(self, data):
        self.pc.tcp(self.cli, self.cport, self.srv, self.sport, self.cs, self.ss, 0x18, data)
        self.cs += len(data)
        self.pc.tcp(self.srv, self.sport, self.cli, self.cport, self.ss, self.cs, 0x10)

    def s2c(self, data):
        self.pc.tcp(self.srv, self.sport, self.cli, self.cport, self.ss, self.cs, 0x18, data)
        self.ss += len(data)
        self.pc.tcp(self.cli, self.cport, self.srv, self.sport, self.cs, self.ss, 0x10)

    def close(self):
        pc = self.pc
        pc.tcp(self.cli, self.cport, self.srv, self.sport, self.cs, self.ss, 0x11)
        pc.tcp(self.srv, self.sport, self.cli, self.cport, self.ss, self.cs + 1, 0x11)
        pc.tcp(self.cli, self.cport, self.srv, self.sport, self.cs + 1, self.ss + 1, 0x10)

# ---------------------------------------------------------------- PKI used by all scenarios
def pki():
    ca, cak = cert('ca', 'xcheck-CA', 0x24000000179479b8f124ac3f3b000000000017)
    sast, sastk = cert('sast', 'ITLRECOVERY_cucm-pub', 0x6ba5de3a260b069337c75b38be3c2d74)
    cm, cmk = cert('cm', 'cucm-pub.xcheck.local', 0x70caf6112233445566778899aabbccdd, ca, cak)
    tvs, tvsk = cert('tvs', 'cucm-pub-tvs.xcheck.local', 0x1122334455667788, ca, cak)
    # same serial, different cert (different key) -> hash mismatch
    tvs2, tvs2k = cert('tvs_samesn', 'cucm-pub-tvs.xcheck.local', 0x1122334455667788, ca, cak, keyname='tvs_samesn')
    # different serial
    tvs3, tvs3k = cert('tvs_othersn', 'cucm-pub-tvs.xcheck.local', 0x99887766, ca, cak)
    # high bit serial (0x81...) for DER sign byte checks
    tvs4, tvs4k = cert('tvs_hibit2', 'cucm-pub-tvs.xcheck.local', 0x81a395aabbccddeeff00112233445566, ca, cak)
    exp, expk = cert('expired', 'old.xcheck.local', 0x4242, ca, cak,
                     not_before=datetime.datetime(2010, 1, 1), not_after=datetime.datetime(2011, 1, 1))
    return dict(ca=(ca, cak), sast=(sast, sastk), cm=(cm, cmk), tvs=(tvs, tvsk),
                tvs_samesn=(tvs2, tvs2k), tvs_othersn=(tvs3, tvs3k), tvs_hibit=(tvs4, tvs4k),
                expired=(exp, expk))
