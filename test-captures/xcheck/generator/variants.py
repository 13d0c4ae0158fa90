#!/usr/bin/env python3
"""ITL variants merged with the TLS part of tls_match (phone 127.0.7.1, server cert = tvs)."""
import subprocess, struct
from lib import *
from tls_scen import P, std_records, itl, sast, cm, tvs, mac
ip = '127.0.7.1'; part = 'tmp/tls_match_tls.pcapng'
ts = subprocess.run(['tshark', '-r', part, '-T', 'fields', '-e', 'frame.time_epoch'], capture_output=True, text=True).stdout.split()
t0 = float(ts[0]) - 5
M = mac(1)
def blank_rec(role):
    body = tlv(2, cstr('10.0.0.1')) + tlv(4, struct.pack('>H', role)) + tlv(10, socket.inet_aton('10.0.0.1'))
    return tlv(1, struct.pack('>H', len(body) + 5)) + body
def nocert_rec(c, role):
    body = b''.join(tlv(t, v) for t, v in [(2, cstr('cucm-pub')), (3, cstr(cisco_dn(c.subject))), (4, struct.pack('>H', role)),
                                           (5, cstr(cisco_dn(c.issuer))), (6, serial_bytes(c)), (10, socket.inet_aton('10.0.0.1'))])
    return tlv(1, struct.pack('>H', len(body) + 5)) + body
base = std_records(tvs_record=False)
V = {}
V['v_two_tvs_records'] = [('ITLSEP%s.tlv' % M, itl(base + [itl_record(P['tvs_othersn'][0], 21), itl_record(tvs, 21)]))]
V['v_generic_itlfile_name'] = [('ITLFile.tlv', itl(std_records()))]
V['v_second_itl_without_tvs'] = [('ITLSEP%s.tlv' % M, itl(std_records())), ('ITLSEP%s.tlv' % M, itl(base))]
V['v_blank_itl'] = [('ITLSEP%s.tlv' % M, itl([itl_record(sast, 0, dns=''), blank_rec(3), blank_rec(21)]))]
V['v_tvs_record_without_cert'] = [('ITLSEP%s.tlv' % M, itl(base + [nocert_rec(tvs, 21)]))]
V['v_sha512_code3'] = [('ITLSEP%s.tlv' % M, build_itl(sast, P['sast'][1], std_records(), hash_code=3))]
V['v_tvs_role_as_1byte'] = None  # placeholder, removed below
del V['v_tvs_role_as_1byte']
for name, files in V.items():
    pc = Pcap(t0)
    for i, (fn, content) in enumerate(files):
        pc.tftp(ip, '127.0.0.1', fn, content, cport=52000 + i, sport=62000 + i)
        pc.t += 0.5
    pc.write('tmp/%s_tftp.pcap' % name)
    subprocess.run(['mergecap', '-F', 'pcapng', '-w', 'files/%s.pcapng' % name, 'tmp/%s_tftp.pcap' % name, part], check=True)
# incomplete TFTP: drop block 3
pc = Pcap(t0)
content = itl(std_records())
pc.udp(ip, 53000, '127.0.0.1', 69, b'\x00\x01' + cstr('ITLSEP%s.tlv' % M) + b'octet\0')
blocks = [content[i:i + 512] for i in range(0, len(content), 512)]
for n, b in enumerate(blocks, 1):
    if n == 3: continue
    pc.udp('127.0.0.1', 63000, ip, 53000, struct.pack('!HH', 3, n) + b)
    pc.udp(ip, 53000, '127.0.0.1', 63000, struct.pack('!HH', 4, n))
pc.write('tmp/v_tftp_missing_block_tftp.pcap')
subprocess.run(['mergecap', '-F', 'pcapng', '-w', 'files/v_tftp_missing_block.pcapng', 'tmp/v_tftp_missing_block_tftp.pcap', part], check=True)
print('ok')
