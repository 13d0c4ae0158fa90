#!/usr/bin/env python3
"""Independent generator of Cisco ITL/CTL/.sgn/.enc.sgn files, built from formats.md only."""
import os, json, datetime, hashlib, struct
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

OUT = '/tmp/xcheck-tl/files'
KEYS = '/tmp/xcheck-tl/keys'
os.makedirs(OUT, exist_ok=True)
os.makedirs(KEYS, exist_ok=True)
MANIFEST = {}

def be16(n): return struct.pack('>H', n)
def tlv(tag, val): return bytes([tag]) + be16(len(val)) + val
def cont(tag, children): return bytes([tag]) + be16(len(children)) + children
def cstr(s): return s.encode() + b'\0'

# ---------------------------------------------------------------- keys/certs
def rsa_key(name, bits):
    p = f'{KEYS}/{name}.pem'
    if os.path.exists(p):
        return serialization.load_pem_private_key(open(p, 'rb').read(), None)
    if bits < 1024:
        os.system(f'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:{bits} -out {p} 2>/dev/null')
        return serialization.load_pem_private_key(open(p, 'rb').read(), None)
    k = rsa.generate_private_key(65537, bits)
    open(p, 'wb').write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    return k

def ec_key(name, curve):
    p = f'{KEYS}/{name}.pem'
    if os.path.exists(p):
        return serialization.load_pem_private_key(open(p, 'rb').read(), None)
    k = ec.generate_private_key(curve)
    open(p, 'wb').write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    return k

OIDS = {'CN': NameOID.COMMON_NAME, 'OU': NameOID.ORGANIZATIONAL_UNIT_NAME, 'O': NameOID.ORGANIZATION_NAME,
        'L': NameOID.LOCALITY_NAME, 'ST': NameOID.STATE_OR_PROVINCE_NAME, 'C': NameOID.COUNTRY_NAME}
SHORT = {v: k for k, v in OIDS.items()}

def mkname(pairs):
    return x509.Name([x509.NameAttribute(OIDS[k], v) for k, v in pairs])

def dn(name, sep=';'):
    return sep.join(f'{SHORT.get(a.oid, a.oid.dotted_string)}={a.value}' for a in name)

class Ident:
    def __init__(self, key, cert):
        self.key, self.cert = key, cert
        self.der = cert.public_bytes(serialization.Encoding.DER)
    def subject(self, sep=';'): return dn(self.cert.subject, sep)
    def issuer(self, sep=';'): return dn(self.cert.issuer, sep)
    def serial_bytes(self, der_style=False):
        n = self.cert.serial_number
        b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        if der_style and b[0] & 0x80:
            b = b'\0' + b
        return b
    def pubkey(self):
        pk = self.key.public_key()
        if isinstance(pk, rsa.RSAPublicKey):
            return pk.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
        return pk.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    def certsig(self): return self.cert.signature
    @property
    def siglen(self): return self.key.key_size // 8

def mkcert(name, key, subject, serial, issuer_ident=None, days=(-10, 3650), sigalg=hashes.SHA256()):
    now = datetime.datetime(2026, 1, 15, tzinfo=datetime.timezone.utc)
    subj = mkname(subject)
    b = (x509.CertificateBuilder().subject_name(subj).public_key(key.public_key()).serial_number(serial)
         .not_valid_before(now + datetime.timedelta(days=days[0]))
         .not_valid_after(now + datetime.timedelta(days=days[1])))
    if issuer_ident is None:
        b = b.issuer_name(subj)
        signer = key
    else:
        b = b.issuer_name(issuer_ident.cert.subject)
        signer = issuer_ident.key
    cert = b.sign(signer, sigalg)
    open(f'{KEYS}/{name}.crt', 'wb').write(cert.public_bytes(serialization.Encoding.PEM))
    return Ident(key, cert)

def org(cn): return [('CN', cn), ('OU', 'XCHK'), ('O', 'Xcheck'), ('L', 'Krakow'), ('ST', 'Malopolska'), ('C', 'PL')]

K = {}
K['ca'] = mkcert('ca', rsa_key('ca', 2048), [('CN', 'xcheck-ROOT-CA'), ('O', 'Xcheck')], 0x1001)
K['sast1024'] = mkcert('sast1024', rsa_key('sast1024', 1024), org('cucm-pub'), 0x70caf6112233445566778899aabbccdd & ((1 << 127) - 1))
K['sast2048'] = mkcert('sast2048', rsa_key('sast2048', 2048), [('CN', 'SAST'), ('O', 'SAST'), ('OU', 'SAST')], 0x6ba5de3a260b069337c75b38be3c2d75)
K['sast4096'] = mkcert('sast4096', rsa_key('sast4096', 4096), org('sast-4096'), 0x1234567890abcdef)
K['sast512'] = mkcert('sast512', rsa_key('sast512', 512), org('sast-512'), 0x515151)
K['itlrec'] = mkcert('itlrec', rsa_key('itlrec', 2048), org('ITLRECOVERY_cucm-pub'), 0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e)
K['ccm'] = mkcert('ccm', rsa_key('ccm', 2048), org('cucm-pub'), 0x2400000017947, issuer_ident=K['ca'])
K['tftp'] = mkcert('tftp', rsa_key('tftp', 2048), org('cucm-tftp'), 0x3333)
K['capf'] = mkcert('capf', rsa_key('capf', 1024), org('CAPF-1234abcd'), 0x4444)
K['tvs'] = mkcert('tvs', rsa_key('tvs', 2048), org('cucm-pub-tvs'), 0x2121)
# high bit serial -> certutils strips DER 00 sign byte
K['hibit'] = mkcert('hibit', rsa_key('hibit', 2048), org('hibit-serial'), 0x81a3951a5c4c1c9b7eb4b4f00b8d6e39)
K['ec256'] = mkcert('ec256', ec_key('ec256', ec.SECP256R1()), org('cucm-ec256'), 0xec256, issuer_ident=K['ca'])
K['ec384'] = mkcert('ec384', ec_key('ec384', ec.SECP384R1()), org('cucm-ec384'), 0xec384)
K['ec521'] = mkcert('ec521', ec_key('ec521', ec.SECP521R1()), org('cucm-ec521'), 0xec521)
K['expired'] = mkcert('expired', rsa_key('expired', 2048), org('expired'), 0xdead, days=(-4000, -365))
K['device'] = mkcert('device', rsa_key('device', 2048), org('SEP001122334455'), 0xd00d)

HASHES = {1: hashes.SHA1(), 2: hashes.SHA256(), 3: hashes.SHA512(), 4: hashes.SHA512(), 'sha384': hashes.SHA384(),
          'sha224': hashes.SHA224()}

# ---------------------------------------------------------------- records
def record(fields, length=None):
    body = b''.join(tlv(t, v) if not isinstance(v, (bytes, bytearray)) or True else b'' for t, v in fields)
    body = b''.join(tlv(t, v) for t, v in fields)
    L = 5 + len(body) if length is None else length
    return tlv(1, be16(L)) + body

def rec_certutils(ident, role, sep=',', der_serial=False, with_sig=True):
    f = [(3, cstr(ident.subject(sep))), (5, cstr(ident.issuer(sep))), (6, ident.serial_bytes(der_serial)),
         (4, be16(role)), (7, ident.pubkey())]
    if with_sig:
        f.append((8, ident.certsig()))
    f.append((9, ident.der))
    return record(f)

def rec_cisco(ident, role, dns='cucm-pub', ip=b'\x0a\x30\x2f\x99', with_sig=True, extra=()):
    f = [(2, cstr(dns)), (3, cstr(ident.subject())), (4, be16(role)), (5, cstr(ident.issuer())),
         (6, ident.serial_bytes()), (7, ident.pubkey())]
    if with_sig:
        f.append((8, ident.certsig()))
    f += [(9, ident.der), (10, ip)]
    f += list(extra)
    return record(f)

def rec_blank(role=2, dns='10.48.47.153', ip=b'\x0a\x30\x2f\x99'):
    return record([(2, cstr(dns)), (4, be16(role)), (10, ip)])

# ---------------------------------------------------------------- header/signing
def build(name, body, signer, *, version=(1, 2), hdr_hl=None, signer_version=None, order='456', hash_code=1,
          sign_hash=None, sigalg=0, modcode=None, filename=None, timestamp=0x67748580, enc=b'',
          pad='end', sig_mutate=None, data_mutate=None, hdr_sig_len=None, serial=None, signer_name=None,
          signer_issuer=None, info_override=None, siginfo_override=None, sigalginfo_override=None,
          extra_pre=b'', extra_post=b'', sign=True, expect=None, hl_override=None, sep=';'):
    siglen = signer.siglen if hdr_sig_len is None else hdr_sig_len
    if modcode is None:
        modcode = {64: 0, 128: 1, 256: 2, 512: 3}[signer.siglen]
    sn = signer.serial_bytes() if serial is None else serial
    kids = {'4': tlv(4, cstr(signer.subject(sep) if signer_name is None else signer_name)),
            '5': tlv(5, sn),
            '6': tlv(6, cstr(signer.issuer(sep) if signer_issuer is None else signer_issuer))}
    kb = b''.join(kids[c] for c in order)
    si = cont(3, kb) if info_override is None else info_override(kb)
    sai_kids = tlv(10, bytes([sigalg])) + tlv(11, bytes([modcode]))
    sai = cont(9, sai_kids) if sigalginfo_override is None else sigalginfo_override(sai_kids)
    sinfo_kids = tlv(8, bytes([hash_code])) + sai
    sinfo = cont(7, sinfo_kids) if siginfo_override is None else siginfo_override(sinfo_kids)
    pre_rest = (tlv(28, bytes(signer_version)) if signer_version else b'') + si + sinfo
    post = (tlv(14, cstr(filename)) if filename is not None else b'') + tlv(15, struct.pack('>I', timestamp)) + enc
    ver = tlv(1, bytes(version))
    # header length: 5 (ver) + 5 (hl) + pre_rest + extra_pre + 3+siglen + post + extra_post + pad
    base = 10 + len(pre_rest) + len(extra_pre) + 3 + siglen + len(post) + len(extra_post)
    if pad == 'end':
        npad = (-base) % 4
        padb = b'\x0d' * npad
        post_all = post + extra_post + padb
        pre_all = pre_rest + extra_pre
    elif pad == 'none':
        padb = b''
        post_all = post + extra_post
        pre_all = pre_rest + extra_pre
    elif isinstance(pad, int):   # force n pad bytes at end
        post_all = post + extra_post + b'\x0d' * pad
        pre_all = pre_rest + extra_pre
    elif isinstance(pad, tuple):  # ('where', n)
        where, n = pad
        p = b'\x0d' * n
        if where == 'after_sig':      # between 12 and 14
            post_all = p + post + extra_post
            pre_all = pre_rest + extra_pre
        elif where == 'after_hl':
            pre_all = p + pre_rest + extra_pre
            post_all = post + extra_post
        elif where == 'spread':       # one after ts-less positions
            pre_all = b'\x0d' + pre_rest + extra_pre
            post_all = tlv(14, cstr(filename)) + b'\x0d' + tlv(15, struct.pack('>I', timestamp)) + enc + extra_post + b'\x0d'
        elif where == 'before_sig':
            pre_all = pre_rest + extra_pre + p
            post_all = post + extra_post
        else:
            raise ValueError(where)
    hl = 10 + len(pre_all) + 3 + siglen + len(post_all)
    if hl_override is not None:
        hl = hl_override
    hlt = tlv(2, be16(hl))
    pre = ver + hlt + pre_all
    tbs = pre + post_all + body
    hname = sign_hash if sign_hash is not None else hash_code
    if sign:
        sig = signer.key.sign(tbs, padding.PKCS1v15(), HASHES[hname])
    else:
        sig = b'\0' * siglen
    if sig_mutate:
        sig = sig_mutate(sig)
    data = pre + tlv(12, sig) + post_all + body
    if data_mutate:
        data = data_mutate(data)
    open(f'{OUT}/{name}', 'wb').write(data)
    MANIFEST[name] = dict(expect or {})
    MANIFEST[name]['_hl'] = hl
    return data

def flip(pos):
    def f(b):
        b = bytearray(b); b[pos] ^= 0x01; return bytes(b)
    return f

# ================================================================ variants
S = K['sast2048']; S1 = K['sast1024']

# --- certutils-style ITL (current), SHA-1
itl_body = (rec_certutils(S, 0) + rec_certutils(K['ccm'], 1) + rec_certutils(K['tftp'], 3) +
            rec_certutils(K['hibit'], 7) + rec_certutils(K['tvs'], 21))
build('itl_certutils_sha1.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(status='valid', hash='SHA-1', records=5, type='ITL'))
# old certutils order 4,5,6 with ';'
build('itl_certutils_old_order.tlv', itl_body, S, signer_version=(1, 0), order='456', filename='ITLFile.tlv',
      expect=dict(status='valid', records=5))
# hash codes
build('itl_hash2_sha256.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=2, filename='ITLFile.tlv',
      expect=dict(status='valid', hash='SHA-256', note='code 2 unverified [I, weak]'))
build('itl_hash3_sha512.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=3, filename='ITLFile.tlv',
      expect=dict(status='valid', hash='SHA-512'))
build('itl_hash3_sha384.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=3, sign_hash='sha384',
      filename='ITLFile.tlv', expect=dict(status='valid (as SHA-384, old reading)', hash='SHA-384'))
build('itl_hash4_sha512old.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=4, filename='ITLFile.tlv',
      expect=dict(status='valid', hash='SHA-512', note='code 4 = old superseded SHA-512'))
build('itl_hash4_sha256signed.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=4, sign_hash=2,
      filename='ITLFile.tlv', expect=dict(status='invalid'))
build('itl_hash5_unknown.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=5, sign_hash=1,
      filename='ITLFile.tlv', expect=dict(status='unsupported/unknown hash'))
build('itl_hash0_unknown.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=0, sign_hash=1,
      filename='ITLFile.tlv', expect=dict(status='unsupported/unknown hash'))
build('itl_hash2_but_sha1.tlv', itl_body, S, signer_version=(1, 0), order='465', hash_code=2, sign_hash=1,
      filename='ITLFile.tlv', expect=dict(status='invalid'))
# signature algorithm other than 0
build('itl_sigalg1.tlv', itl_body, S, signer_version=(1, 0), order='465', sigalg=1, filename='ITLFile.tlv',
      expect=dict(status='unknown alg; not verified or noted', note='tag10 values other than 0 unknown'))
# modulus codes
build('itl_mod_mismatch.tlv', itl_body, S, signer_version=(1, 0), order='465', modcode=1, filename='ITLFile.tlv',
      expect=dict(expert='modulus mismatch'))
build('itl_mod_code7.tlv', itl_body, S, signer_version=(1, 0), order='465', modcode=7, filename='ITLFile.tlv',
      expect=dict(expert='unknown modulus code'))
b512 = rec_certutils(K['sast512'], 0) + rec_certutils(K['ccm'], 1)
build('itl_rsa512_mod0.tlv', b512, K['sast512'], signer_version=(1, 0), order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(status='valid', modulus='0 = 64-byte'))
b4096 = rec_certutils(K['sast4096'], 0) + rec_certutils(K['ccm'], 1)
build('itl_rsa4096_mod3.tlv', b4096, K['sast4096'], signer_version=(1, 0), order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(status='valid', modulus='3 = 512-byte'))
build('itl_rsa4096_sha512.tlv', b4096, K['sast4096'], signer_version=(1, 1), order='465', hash_code=3,
      filename='ITLFile.tlv', sep=',', expect=dict(status='valid'))
# versions
for v in [(1, 0), (1, 1), (2, 0), (3, 7), (0, 0)]:
    build(f'itl_version_{v[0]}_{v[1]}.tlv', itl_body, S, version=v, signer_version=(1, 0), order='465',
          filename='ITLFile.tlv', expect=dict(status='valid', version=f'{v[0]}.{v[1]}'))
build('itl_signerver_1_1.tlv', itl_body, S, signer_version=(1, 1), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', signer_version='1.1'))
build('itl_signerver_9_9.tlv', itl_body, S, signer_version=(9, 9), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', signer_version='9.9'))

# --- Cisco (CUCM) style CTL: 1024-bit signer, tags ascending, DNS + IP, no tag 28, 3 pad bytes
ctl_body = (rec_cisco(S1, 0, dns='cucm-pub') + rec_cisco(K['ccm'], 2, dns='cucm-pub') +
            rec_cisco(K['capf'], 4, dns='cucm-pub', with_sig=False) + rec_cisco(K['tftp'], 3, dns='10.48.47.153') +
            rec_cisco(K['itlrec'], 0, dns=''))
d = build('CTLFile_cucm_style.tlv', ctl_body, S1, filename='CTLFile.tlv',
          expect=dict(status='valid', type='CTL', records=5, modulus='1 = 128-byte'))
# Cisco-like with pads after signature (position unknown, §9 q13)
for where, n in [('after_sig', 3), ('after_hl', 3), ('before_sig', 3), ('spread', 3)]:
    build(f'CTLFile_pad_{where}.tlv', ctl_body, S1, filename='CTLFile.tlv', pad=(where, n),
          expect=dict(status='valid', note='padding position variant'))
build('CTLFile_nopad_misaligned.tlv', ctl_body, S1, filename='CTLFile.tlv', pad='none',
      expect=dict(status='valid', expert='header length not multiple of 4 (maybe)'))
build('CTLFile_pad_extra7.tlv', ctl_body, S1, filename='CTLFile.tlv', pad=7,
      expect=dict(status='valid', note='7 pad bytes, header not aligned?'))
# blank CTL records (cluster back to non-secure)
blank_ctl = rec_cisco(S1, 0, dns='') + rec_blank(2) + rec_blank(2, dns='10.48.47.154', ip=b'\x0a\x30\x2f\x9a')
build('CTLFile_blank_records.tlv', blank_ctl, S1, filename='CTLFile.tlv',
      expect=dict(status='valid', blank_records=2, reclen=33))
# eToken SAST record: empty DNS, no tag 8; 10-byte serial
K['etok'] = mkcert('etok', rsa_key('etok', 1024), [('CN', 'SAST-ADN008580ef '), ('OU', 'IPCBU'), ('O', 'Cisco Systems')],
                   0x83E9080000005545AF31, issuer_ident=K['ca'])
etok_body = rec_cisco(K['etok'], 0, dns='', with_sig=False) + rec_cisco(K['ccm'], 2) + rec_cisco(K['capf'], 4, with_sig=False)
build('CTLFile_etoken.tlv', etok_body, K['etok'], filename='CTLFile.tlv',
      expect=dict(status='valid'))
# ITLRecovery signer (>=12.0 style ITL)
itlr_body = (rec_cisco(K['itlrec'], 0, dns='') + rec_cisco(K['ccm'], 0) + rec_cisco(K['ccm'], 3) +
             rec_cisco(K['tvs'], 21) + rec_cisco(K['capf'], 4, with_sig=False))
build('ITLFile_itlrecovery_signed.tlv', itlr_body, K['itlrec'], filename='ITLFile.tlv',
      expect=dict(status='valid', signer='ITLRECOVERY record 1'))
# ITL signed by CCM cert (<12.0): SAST record is ccm cert, TFTP role too
itl11 = rec_cisco(K['ccm'], 3) + rec_cisco(K['ccm'], 0) + rec_cisco(K['itlrec'], 0, dns='') + rec_cisco(K['tvs'], 21)
build('ITLFile_ccm_signed.tlv', itl11, K['ccm'], filename='ITLFile.tlv',
      expect=dict(status='valid', signer='record 2 (SAST; record 1 has same serial but TFTP role)'))
# roles incl. unknown
roles_body = rec_certutils(S, 0) + b''.join(rec_certutils(K['tftp'], r) for r in [1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 22, 255, 0x100, 0xffff])
build('itl_all_roles.tlv', roles_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(status='valid', records=15, roles='0 SAST,1 CCM,2 CCM+TFTP,3 TFTP,4 CAPF,5 SRST(weak),7 APP-SERVER/HTTPS,21 TVS; others unknown'))
# Blank ITL (rollback) – guessed layout
blank_itl = rec_blank(3, dns='cucm-pub') + rec_blank(21, dns='cucm-pub') + rec_blank(0, dns='')
build('ITLFile_blank.tlv', blank_itl, S1, filename='ITLFile.tlv',
      expect=dict(status='signer unknown', note='blank ITL layout is [H] guess'))
# blank ITL signed by SAST present
build('ITLFile_blank_with_sast.tlv', rec_cisco(S1, 0, dns='') + rec_blank(3, dns='cucm-pub') + rec_blank(21, dns='cucm-pub'),
      S1, filename='ITLFile.tlv', expect=dict(status='valid', note='blank ITL [H]'))
# EC records, signer version 1.1
ec_body = rec_certutils(S, 0) + rec_certutils(K['ec256'], 3) + rec_certutils(K['ec384'], 7) + rec_certutils(K['ec521'], 1)
build('itl_ec_records.tlv', ec_body, S, signer_version=(1, 1), order='465', hash_code=3, filename='ITLFile.tlv', sep=',',
      expect=dict(status='valid', pubkey_lens='65/97/133'))
# EC as signer: not allowed by certutils - tool should say unsupported
ec_sig_body = rec_certutils(K['ec256'], 0)
try:
    e = K['ec256']
    class ECIdent(Ident):
        pass
    # manual build: ECDSA signature DER, modulus code 2 nominal
    def ec_build(name):
        data = build(name, ec_sig_body, S, signer_version=(1, 1), order='465', filename='ITLFile.tlv', serial=e.serial_bytes(),
                     signer_name=e.subject(','), signer_issuer=e.issuer(','), sigalg=1, sep=',',
                     expect=dict(status='unsupported or invalid', note='EC signer not allowed'))
    ec_build('itl_ec_signer.tlv')
except Exception as ex:
    print('ec signer', ex)
# record extra tags 10, 11, 12 (certutils) and 2
xt = [(11, hashlib.sha1(K['tftp'].der).digest()), (12, b'\x01')]
xt_body = rec_certutils(S, 0) + record([(3, cstr(K['tftp'].subject())), (4, be16(3)), (2, cstr('tftp1')),
                                        (6, K['tftp'].serial_bytes()), (9, K['tftp'].der), (10, b'\xc0\xa8\x01\x02')] + xt)
xt_body += record([(3, cstr(K['ccm'].subject())), (4, be16(1)), (11, hashlib.sha256(K['ccm'].der).digest()), (12, b'\x02'),
                   (9, K['ccm'].der)])
xt_body += record([(3, cstr(K['ccm'].subject())), (4, be16(1)), (11, hashlib.md5(K['ccm'].der).digest()),
                   (9, K['ccm'].der)])
xt_body += record([(3, cstr(K['ccm'].subject())), (4, be16(1)), (11, b'\x11' * 7), (12, b'\x09')])
xt_body += record([(3, cstr('ipv6')), (4, be16(1)), (10, bytes(range(16)))])
xt_body += record([(3, cstr('ip-odd')), (4, be16(1)), (10, b'\x01\x02\x03')])
xt_body += record([(3, cstr('unknown-tag')), (4, be16(1)), (13, b'\xaa\xbb'), (99, b'')])
build('itl_record_tags_10_11_12.tlv', xt_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', note='tag11 cert hash (weak), tag12 hash alg (weak/H); ip [H]; ipv6 open q'))
# high-bit serial both ways + DER-style serial in record & header
hb = rec_certutils(K['hibit'], 0) + rec_certutils(K['hibit'], 0, der_serial=True)
build('itl_hibit_signer_minimal.tlv', rec_certutils(K['hibit'], 0), K['hibit'], signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(status='valid', serial_match='True (sign byte omitted)'))
build('itl_hibit_signer_derserial.tlv', rec_certutils(K['hibit'], 0, der_serial=True), K['hibit'], signer_version=(1, 0),
      order='465', filename='ITLFile.tlv', serial=K['hibit'].serial_bytes(True),
      expect=dict(status='valid', serial_match='True'))
# expired cert record
build('itl_expired_cert.tlv', rec_certutils(S, 0) + rec_certutils(K['expired'], 1), S, signer_version=(1, 0),
      order='465', filename='ITLFile.tlv', expect=dict(status='valid', expert='cert expired'))
# record disagrees with cert
bad = rec_certutils(S, 0) + record([(3, cstr('CN=wrong')), (5, cstr(K['ccm'].issuer())), (6, b'\x99\x99'), (4, be16(1)),
                                    (7, K['tftp'].pubkey()), (9, K['ccm'].der)])
build('itl_record_cert_mismatch.tlv', bad, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', expert='record/cert mismatch x4'))
badder = rec_certutils(S, 0) + record([(3, cstr('CN=x')), (4, be16(1)), (9, b'\x30\x82\x01\x00garbage')])
build('itl_bad_der_cert.tlv', badder, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', expert='bad certificate'))
# ---- signature verdicts
build('itl_sig_flipped.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', sig_mutate=flip(100),
      expect=dict(status='invalid'))
n = len(open(f'{OUT}/itl_certutils_sha1.tlv', 'rb').read())
build('itl_body_flipped.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      data_mutate=flip(n - 10), expect=dict(status='invalid'))
# flip the filename (covered by signature)
build('itl_filename_changed.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      data_mutate=lambda d: d.replace(b'ITLFile.tlv\0', b'ITLFile.tlw\0'), expect=dict(status='invalid'))
# timestamp changed
build('itl_padding_changed.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile_x.tlv', pad=3,
      data_mutate=lambda d: d, expect=dict(status='valid', note='3 pad bytes, header maybe misaligned'))
build('itl_signer_not_in_list.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      serial=b'\x01\x02\x03\x04', expect=dict(status='signer unknown'))
build('itl_signer_serial_nonsast.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      serial=K['tftp'].serial_bytes(), expect=dict(status='signer unknown (serial matches only TFTP record)'))
build('itl_signed_by_other_key.tlv', itl_body, K['itlrec'], signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      serial=S.serial_bytes(), signer_name=S.subject(','), signer_issuer=S.issuer(','), expect=dict(status='invalid'))
dup = rec_certutils(S, 0) + rec_certutils(S, 0) + rec_certutils(K['ccm'], 1)
build('itl_duplicate_sast.tlv', dup, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', expert='duplicate signer'))
# duplicate SAST same serial, first one has wrong cert (other key): certutils picks ?
dup2 = record([(3, cstr(S.subject())), (6, S.serial_bytes()), (4, be16(0)), (7, K['itlrec'].pubkey()), (9, K['itlrec'].der)]) + rec_certutils(S, 0)
build('itl_duplicate_sast_first_wrong.tlv', dup2, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid or ambiguous', expert='duplicate signer'))
build('itl_no_sast_record.tlv', rec_certutils(K['ccm'], 1), S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='signer unknown'))
build('itl_zero_records.tlv', b'', S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='signer unknown', records=0))
build('itl_sig_short.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      sig_mutate=lambda s: s[:255], hdr_sig_len=255, expect=dict(status='invalid', expert='modulus mismatch'))
build('itl_sig_zero_len.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      sig_mutate=lambda s: b'', hdr_sig_len=0, expect=dict(status='invalid', expert='modulus mismatch/zero length'))
build('itl_sig_allzero.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', sign=False,
      expect=dict(status='invalid'))
# header with no filename / without signer version
build('itl_no_filename.tlv', itl_body, S, signer_version=(1, 0), order='465', filename=None,
      expect=dict(status='valid', expert='missing filename?'))
build('itl_filename_no_nul.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      data_mutate=None, expect=dict(status='valid'))
# filename without NUL: custom
def nonul(name, body):
    # replace filename TLV with non-NUL string by building with extra_post and filename None
    build(name, body, S, signer_version=(1, 0), order='465', filename=None, extra_post=tlv(14, b'ITLFile.tlv'),
          expect=dict(status='valid', expert='string no NUL'))
nonul('itl_filename_nonul.tlv', itl_body)
# signer info order swapped (5,4,6) and unknown header tag
build('itl_signer_order_564.tlv', itl_body, S, signer_version=(1, 0), order='564', filename='ITLFile.tlv',
      expect=dict(status='valid'))
build('itl_unknown_header_tag.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      extra_post=tlv(0x30, b'\x01\x02'), expect=dict(status='valid', expert='unknown tag'))
# ---- containers wrong
build('itl_signerinfo_len_short.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      info_override=lambda kb: bytes([3]) + be16(len(kb) - 5) + kb, expect=dict(expert='container overrun'))
build('itl_signerinfo_len_long.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      info_override=lambda kb: bytes([3]) + be16(len(kb) + 40) + kb, expect=dict(expert='container overrun'))
build('itl_siginfo_len_0.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      siginfo_override=lambda kb: bytes([7]) + be16(0) + kb, expect=dict(expert='container overrun'))
build('itl_siginfo_len_ffff.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      siginfo_override=lambda kb: bytes([7]) + be16(0xffff) + kb, expect=dict(expert='container overrun'))
build('itl_sigalginfo_len_9.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      sigalginfo_override=lambda kb: bytes([9]) + be16(9) + kb, expect=dict(expert='container overrun'))
# header length wrong
for nm, hv in [('0', 0), ('1', 1), ('small', 100), ('plus4', None), ('ffff', 0xffff), ('filelen', None)]:
    if nm == 'plus4':
        hv = MANIFEST['itl_certutils_sha1.tlv']['_hl'] + 4
    if nm == 'filelen':
        hv = n
    build(f'itl_hl_{nm}.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', hl_override=hv,
          expect=dict(expert='header length mismatch/impossible'))
# ---- record damage
rb = rec_certutils(S, 0)
def rec_with_len(r, L): return r[:3] + be16(L) + r[5:]
build('itl_reclen_short.tlv', rec_with_len(rb, len(rb) - 100) + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0),
      order='465', filename='ITLFile.tlv', expect=dict(expert='record length mismatch'))
build('itl_reclen_long.tlv', rec_with_len(rb, len(rb) + 100) + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0),
      order='465', filename='ITLFile.tlv', expect=dict(expert='record length mismatch'))
build('itl_reclen_ffff.tlv', rec_with_len(rb, 0xffff), S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(expert='record length past end'))
build('itl_reclen_0.tlv', rec_with_len(rb, 0) + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='record length mismatch, no hang'))
build('itl_reclen_5.tlv', rec_with_len(rb, 5) + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='record length mismatch'))
build('itl_reclen_elem_len3.tlv', b'\x01\x00\x03\x00\x05' + rb[5:], S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='wrong element length'))
build('itl_record_no_length.tlv', rb[5:] + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='no record length'))
build('itl_record_wrong_tag.tlv', b'\x77' + rb[1:] + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='no record length / unknown tag'))
build('itl_record_elem_overrun.tlv', rb + record([(3, cstr('CN=x')), (4, be16(1))])[:-2] + b'\x09\xff\xff', S,
      signer_version=(1, 0), order='465', filename='ITLFile.tlv', expect=dict(expert='len past end'))
build('itl_record_zero_len_elems.tlv', rb + record([(2, b''), (3, b''), (4, b''), (5, b''), (6, b''), (7, b''), (8, b''),
                                                    (9, b''), (10, b''), (11, b''), (12, b'')]), S,
      signer_version=(1, 0), order='465', filename='ITLFile.tlv', expect=dict(expert='zero-length elements flagged'))
build('itl_role_len1.tlv', rb + record([(3, cstr('CN=x')), (4, b'\x01')]), S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='bad length role'))
build('itl_role_len4.tlv', rb + record([(3, cstr('CN=x')), (4, b'\x00\x00\x00\x01')]), S, signer_version=(1, 0), order='465',
      filename='ITLFile.tlv', expect=dict(expert='bad length role'))
build('itl_trailing_garbage.tlv', itl_body + b'\x01\x00', S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(expert='trailing / past end'))
build('itl_record_missing_role.tlv', rb + record([(3, cstr('CN=norole')), (9, K['ccm'].der)]), S, signer_version=(1, 0),
      order='465', filename='ITLFile.tlv', expect=dict(expert='missing role?'))
# header element zero lengths
build('itl_hdr_zero_len_elems.tlv', itl_body, S, signer_version=(1, 0), order='465', filename=None,
      extra_post=tlv(14, b'') + tlv(28, b'') + tlv(8, b''), expect=dict(expert='bad lengths'))
build('itl_version_len3.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      data_mutate=lambda d: d, version=(1, 2, 0), expect=dict(expert='bad length version'))
build('itl_timestamp_len2.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      extra_post=tlv(15, b'\x00\x01'), expect=dict(expert='bad length timestamp'))
# first tag not version
def swap12(d):
    return d[5:10] + d[0:5] + d[10:]
build('itl_hl_first.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', data_mutate=swap12,
      expect=dict(expert='version must be first / invalid'))
# many many tiny records (count stress)
many = rec_certutils(S, 0) + b''.join(record([(4, be16(1))]) for _ in range(8000))
build('itl_many_records.tlv', many, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid', records=8001))
# header padding only (lots of 0x0D)
build('itl_pad_many.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', pad=4000 * 4 + 1,
      expect=dict(status='valid'))
# edge: a 64KB ITL
big = rec_certutils(S, 0) + b''.join(rec_certutils(K['sast4096'], 1) for _ in range(27))
d = build('itl_near_64k.tlv', big, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
          expect=dict(status='valid'))
print('near64k size', len(d))

# ================================================================ .sgn
T = K['tftp']
xml = b'<?xml version="1.0" encoding="UTF-8"?>\n<device><fullConfig>true</fullConfig>' + b'<x>' + b'A' * 900 + b'</x></device>\n'
build('SEP001122334455.cnf.xml.sgn', xml, T, version=(1, 0), order='456', filename='SEP001122334455.cnf.xml.sgn',
      expect=dict(type='SGN', status='not checked (no trust list) or signer unknown', payload=len(xml)))
build('SEP001122334455_v12.cnf.xml.sgn', xml, T, version=(1, 2), filename='SEP001122334455.cnf.xml.sgn',
      expect=dict(type='SGN'))
build('List.xml.sgn', b'<CiscoIPPhoneImageList></CiscoIPPhoneImageList>\n', T, version=(1, 0),
      filename='Desktops/320x196x4/List.xml.sgn', hash_code=3, expect=dict(type='SGN'))
build('g3-tones.xml.sgn', b'<tones/>', T, version=(2, 0), filename='New_Zealand/g3-tones.xml.sgn', expect=dict(type='SGN'))
build('empty_payload.sgn', b'', T, version=(1, 0), filename='empty_payload.sgn', expect=dict(type='SGN', payload=0))
build('sgn_hl_past_end.sgn', b'<x/>', T, version=(1, 0), filename='sgn_hl_past_end.sgn', hl_override=0x2000,
      expect=dict(expert='header length past end'))

# ================================================================ .enc.sgn
dev = K['device']
plain = b'<?xml version="1.0"?>\n<device><fullConfig>true</fullConfig><secret>hunter2</secret></device>\n'
aes = bytes(range(0x40, 0x50)); iv = bytes(range(0x10, 0x20))
def enc_elems(plain, padn=None, hash_code=1, key_size=None, wrapped=None, unk1=0, unk2=0, keyalg=1, hash_override=None):
    N = 16 - (len(plain) % 16) if padn is None else padn
    ct = Cipher(algorithms.AES(aes), modes.CBC(iv)).encryptor()
    padded = plain + b'\x0d' * (16 - (len(plain) % 16))
    ctext = ct.update(padded) + ct.finalize()
    wk = dev.key.public_key().encrypt(aes, padding.PKCS1v15()) if wrapped is None else wrapped
    ks = 8 * len(wk) if key_size is None else key_size
    ivi = cont(17, tlv(18, bytes([unk1])) + tlv(19, iv) + tlv(20, be16(N)))
    kyi = cont(21, tlv(22, bytes([unk2])) + tlv(23, be16(ks)) + tlv(24, bytes([keyalg])) + tlv(25, wk))
    h = hashlib.new({1: 'sha1', 2: 'sha256', 3: 'sha512', 4: 'sha512'}.get(hash_code, 'sha1'), plain).digest()
    if hash_override is not None:
        h = hash_override
    return cont(16, ivi + kyi) + tlv(26, bytes([hash_code])) + tlv(27, h), ctext
e, ct = enc_elems(plain)
build('SEP001122334455.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP001122334455.cnf.xml.enc.sgn', enc=e,
      expect=dict(type='ENC', padding=16 - len(plain) % 16, key_size=2048, keyalg=1, hash=1))
plain16 = b'<d>' + b'x' * (32 - 3 - 4) + b'</d>'
assert len(plain16) % 16 == 0
e, ct = enc_elems(plain16)
build('SEP00AABBCCDDEE.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP00AABBCCDDEE.cnf.xml.enc.sgn', enc=e,
      expect=dict(type='ENC', padding=16))
e, ct = enc_elems(plain, hash_code=3)
build('enc_sha512.cnf.xml.enc.sgn', ct, T, version=(2, 0), hash_code=3, filename='SEP001122334466.cnf.xml.enc.sgn', enc=e,
      expect=dict(type='ENC', enc_hash='SHA-512'))
e, ct = enc_elems(plain, padn=17)
build('enc_pad17.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP001122334477.cnf.xml.enc.sgn', enc=e,
      expect=dict(expert='padding out of range 1-16'))
e, ct = enc_elems(plain, padn=0)
build('enc_pad0.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP001122334478.cnf.xml.enc.sgn', enc=e,
      expect=dict(expert='padding out of range 1-16'))
e, ct = enc_elems(plain)
build('enc_ct_not_block.cnf.xml.enc.sgn', ct[:-3], T, version=(2, 0), filename='SEP001122334479.cnf.xml.enc.sgn', enc=e,
      expect=dict(expert='payload not multiple of 16'))
e, ct = enc_elems(plain, unk1=5, unk2=7, keyalg=3, key_size=128)
build('enc_odd_values.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP001122334480.cnf.xml.enc.sgn', enc=e,
      expect=dict(note='unknown1=5 unknown2=7 keyalg=3 keysize=128'))
e, ct = enc_elems(plain, hash_code=1, hash_override=b'\x00' * 7)
build('enc_hash_len7.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP001122334481.cnf.xml.enc.sgn', enc=e,
      expect=dict(expert='hash length wrong for SHA-1'))
e, ct = enc_elems(plain)
e2 = bytes([16]) + be16(int.from_bytes(e[1:3], 'big') + 10) + e[3:]
build('enc_info_len_bad.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP001122334482.cnf.xml.enc.sgn', enc=e2,
      expect=dict(expert='container overrun'))
# companion short .sgn
short = (b'<?xml version="1.0" encoding="UTF-8"?>\n<device><fullConfig>false</fullConfig><ipAddressMode>0</ipAddressMode>'
         b'<certHash>' + hashlib.md5(dev.der).hexdigest().encode() + b'</certHash><encrConfig>true</encrConfig></device>\n')
build('SEP001122334455_short.cnf.xml.sgn', short, T, version=(1, 0), filename='SEP001122334455.cnf.xml.sgn',
      expect=dict(type='SGN'))

# ---- a signed ITL whose TFTP record is the .sgn signer (for pcap tests)
itl_for_pcap = rec_certutils(S, 0) + rec_certutils(T, 3) + rec_certutils(K['ccm'], 1)
build('ITLSEP001122334455.tlv', itl_for_pcap, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(status='valid', records=3))
# bad .sgn (signed by ccm key, not tftp) and tampered
build('SEP001122334455_badsig.cnf.xml.sgn', xml, T, version=(1, 0), filename='SEP001122334455.cnf.xml.sgn',
      data_mutate=flip(-20), expect=dict(status='invalid (vs ITL in capture)'))

json.dump(MANIFEST, open('/tmp/xcheck-tl/manifest.json', 'w'), indent=1)
print(len(MANIFEST), 'files')
