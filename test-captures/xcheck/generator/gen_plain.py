#!/usr/bin/env python3
"""Plaintext TVS over TCP 2445 (to be read with -d tcp.port==2445,tvs)."""
import struct, sys
from lib import *

P = pki()
tvs_c = P['tvs'][0]; cm_c = P['cm'][0]; ca_c = P['ca'][0]
PHONE, SRV = '10.1.1.50', '10.0.0.1'
DEV = dev()
SUBJ = tlv(3, cstr(cisco_dn(cm_c.subject)))
ISS_S = cstr(cisco_dn(cm_c.issuer))
SER = serial_bytes(cm_c)
OK = tlv(7, b'\x00')
ROLES = tlv(8, b'\x00\x03')
TTL = tlv(9, struct.pack('>I', 86400))

def vreq(rid=1001, body=None, **kw):
    return tvs_msg(1, rid, body if body is not None else DEV + tlv(2, der(cm_c)), **kw)

def vresp(rid=1001, body=None, **kw):
    return tvs_msg(2, rid, body if body is not None else OK + ROLES + TTL, **kw)

def qreq(rid=1001, itag=4, stag=5, order='is', **kw):
    iss, ser = tlv(itag, ISS_S), tlv(stag, SER)
    return tvs_msg(3, rid, DEV + SUBJ + (iss + ser if order == 'is' else ser + iss), **kw)

def qresp(rid=1001, body=None, reserved=0xF7, **kw):
    return tvs_msg(4, rid, body if body is not None else OK + tlv(2, der(cm_c)) + ROLES + TTL,
                   reserved=reserved, **kw)

# each scenario: list of ('c'|'s', bytes) segments; close=False -> no FIN
S = {}
S['verify_found'] = [('c', vreq()), ('s', vresp())]
S['verify_notfound'] = [('c', vreq()), ('s', vresp(body=tlv(7, b'\x01')))]
S['verify_resp_reserved_f5'] = [('c', vreq()), ('s', vresp(reserved=0xF5))]
S['verify_roles_21_7_99'] = [('c', vreq()), ('s', vresp(body=OK + tlv(8, bytes([21, 7, 99])) + TTL))]
S['verify_roles_empty'] = [('c', vreq()), ('s', vresp(body=OK + tlv(8, b'') + TTL))]
S['verify_status_2'] = [('c', vreq()), ('s', vresp(body=tlv(7, b'\x02')))]
S['verify_status_badlen'] = [('c', vreq()), ('s', vresp(body=tlv(7, b'\x00\x00') + ROLES + TTL))]
S['verify_ttl_badlen'] = [('c', vreq()), ('s', vresp(body=OK + ROLES + tlv(9, b'\x01\x00')))]
S['verify_ttl_max'] = [('c', vreq()), ('s', vresp(body=OK + ROLES + tlv(9, struct.pack('>I', 2592000))))]
S['verify_resp_empty_body'] = [('c', vreq()), ('s', vresp(body=b''))]
S['verify_req_no_cert'] = [('c', vreq(body=DEV)), ('s', vresp(body=tlv(7, b'\x01')))]
S['verify_req_bad_der'] = [('c', vreq(body=DEV + tlv(2, b'\x30\x82\x01\x00garbage'))), ('s', vresp(body=tlv(7, b'\x01')))]
S['verify_req_expired_cert'] = [('c', vreq(body=DEV + tlv(2, der(P['expired'][0])))), ('s', vresp(body=tlv(7, b'\x01')))]
S['verify_dev_prefix_02'] = [('c', vreq(body=dev(prefix=2) + tlv(2, der(cm_c)))), ('s', vresp())]
S['verify_dev_bad_name'] = [('c', vreq(body=dev(name='SEP001122334455') + tlv(2, der(cm_c)))), ('s', vresp())]
S['verify_dev_lower_mac'] = [('c', vreq(body=dev(name='CP-7975-SEPaabbccddeeff') + tlv(2, der(cm_c)))), ('s', vresp())]
S['verify_dev_empty'] = [('c', vreq(body=tlv(1, b'') + tlv(2, der(cm_c)))), ('s', vresp())]
S['query_45'] = [('c', qreq()), ('s', qresp())]
S['query_56'] = [('c', qreq(itag=5, stag=6)), ('s', qresp())]
S['query_45_swapped'] = [('c', qreq(order='si')), ('s', qresp())]
S['query_56_swapped'] = [('c', qreq(itag=5, stag=6, order='si')), ('s', qresp())]
S['query_resp_ttl_first'] = [('c', qreq()), ('s', qresp(body=OK + tlv(2, der(cm_c)) + TTL + ROLES))]
S['query_resp_notfound'] = [('c', qreq()), ('s', qresp(body=tlv(7, b'\x01')))]
S['query_resp_reserved0'] = [('c', qreq()), ('s', qresp(reserved=0))]
S['query_subject_no_nul'] = [('c', tvs_msg(3, 1001, DEV + tlv(3, cisco_dn(cm_c.subject).encode()) + tlv(4, ISS_S) + tlv(5, SER))), ('s', qresp())]
S['query_serial_hibit_signbyte'] = [('c', tvs_msg(3, 1001, DEV + SUBJ + tlv(4, ISS_S) + tlv(5, b'\x00\x81\xa3\x95\xaa'))), ('s', qresp(body=tlv(7, b'\x01')))]
S['unknown_cmd_0'] = [('c', tvs_msg(0, 1001, DEV))]
S['unknown_cmd_5'] = [('c', tvs_msg(5, 1001, DEV)), ('s', tvs_msg(6, 1001, OK))]
S['unknown_tag_10_6'] = [('c', vreq(body=DEV + tlv(2, der(cm_c)) + tlv(10, b'\xaa\xbb') + tlv(6, b'x'))), ('s', vresp(body=OK + ROLES + TTL + tlv(0xEE, b'')))]
S['elem_overrun'] = [('c', vreq(body=DEV + b'\x02\x05\x00' + der(cm_c)[:40])), ('s', vresp(body=tlv(7, b'\x01')))]
S['elem_header_cut'] = [('c', vreq(body=DEV + b'\x02\x00')), ('s', vresp(body=tlv(7, b'\x01')))]
S['bodylen_short'] = [('c', vreq(length=10)), ('s', vresp())]
S['bodylen_long_truncated_session'] = [('c', vreq(length=3000)), ('s', vresp())]
S['bodylen_ffff'] = [('c', tvs_msg(1, 1001, DEV, length=0xffff))]
S['proto_id_55'] = [('c', vreq(proto=0x55)), ('s', vresp(proto=0x55))]
S['version_2'] = [('c', vreq(ver=2)), ('s', vresp(ver=2))]
S['two_msgs_one_segment_c'] = [('c', vreq(rid=1001) + vreq(rid=1002)), ('s', vresp(rid=1001) + vresp(rid=1002))]
S['three_resp_one_segment'] = [('c', vreq(rid=7)), ('c', qreq(rid=8)), ('c', vreq(rid=9)),
                               ('s', vresp(rid=7) + qresp(rid=8) + vresp(rid=9, body=tlv(7, b'\x01')))]
m = vreq()
S['split_3_segments'] = [('c', m[:7]), ('c', m[7:400]), ('c', m[400:]), ('s', vresp())]
m2 = qresp()
S['split_resp_plus_next'] = [('c', vreq(rid=1)), ('c', qreq(rid=2)), ('s', vresp(rid=1) + m2[:100].replace(b'\x03\xe9', b'\x00\x02', 1)), ('s', m2[100:].replace(b'', b'', 0))]
S['truncated_session_mid_msg'] = [('c', vreq()[:300])]
S['truncated_session_mid_header'] = [('c', vreq()), ('s', vresp()[:6])]
S['resp_other_id'] = [('c', vreq(rid=1001)), ('s', vresp(rid=4242))]
S['cmd_mismatch'] = [('c', vreq()), ('s', qresp())]
S['no_response'] = [('c', vreq())]
S['response_only'] = [('s', vresp())]
S['req_then_garbage'] = [('c', vreq() + b'\x00\x01\x02\x03garbage-after')]
S['rid_0_and_max'] = [('c', vreq(rid=0)), ('s', vresp(rid=0)), ('c', vreq(rid=0xffffffff)), ('s', vresp(rid=0xffffffff))]
S['dup_status'] = [('c', vreq()), ('s', vresp(body=OK + tlv(7, b'\x01') + ROLES + TTL))]

fix_split = S['split_resp_plus_next']
# rebuild properly: resp(1) + first 100 bytes of qresp(2); then rest
q2 = qresp(rid=2)
S['split_resp_plus_next'] = [('c', vreq(rid=1)), ('c', qreq(rid=2)), ('s', vresp(rid=1) + q2[:100]), ('s', q2[100:])]

if __name__ == '__main__':
    for name, segs in S.items():
        pc = Pcap()
        c = TcpConn(pc, PHONE, 40001, SRV, 2445)
        for d, data in segs:
            (c.c2s if d == 'c' else c.s2c)(data)
        if not name.startswith('truncated') and name not in ('bodylen_long_truncated_session', 'bodylen_ffff'):
            c.close()
        pc.write('files/plain_%s.pcap' % name)
    print(len(S), 'files')
