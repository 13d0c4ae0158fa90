"""TLS scenarios: TVS session + (optional) ITL served over TFTP to the same phone."""
import struct
from lib import *

P = pki()
cm = P['cm'][0]; tvs = P['tvs'][0]; sast = P['sast'][0]

def mac(n):
    return '0011223344%02X' % n

def devname(n, model='8861'):
    return 'CP-%s-SEP%s' % (model, mac(n))

OK = tlv(7, b'\x00'); ROLES = tlv(8, b'\x00\x03'); TTL = tlv(9, struct.pack('>I', 86400))

def vreq(n, rid=1001, c=cm):
    return tvs_msg(1, rid, dev(devname(n)) + tlv(2, der(c)))

def vresp(rid=1001, body=None, reserved=0):
    return tvs_msg(2, rid, body if body is not None else OK + tlv(8, b'\x07') + TTL, reserved=reserved)

def qreq(n, rid=1002, c=sast, itag=4, stag=5):
    return tvs_msg(3, rid, dev(devname(n)) + tlv(3, cstr(cisco_dn(c.subject))) +
                   tlv(itag, cstr(cisco_dn(c.issuer))) + tlv(stag, serial_bytes(c)))

def qresp(rid=1002, c=sast, reserved=0xF7, ttl_first=False):
    tail = TTL + ROLES if ttl_first else ROLES + TTL
    return tvs_msg(4, rid, OK + tlv(2, der(c)) + tail, reserved=reserved)

def std_records(tvs_cert=tvs, tvs_record=True, tvs_serial_override=None):
    r = [itl_record(sast, 0, dns='', ip='10.0.0.1'),
         itl_record(cm, 3, dns='cucm-pub', ip='10.0.0.1'),
         itl_record(cm, 0, dns='cucm-pub', ip='10.0.0.1')]
    if tvs_record:
        rec = itl_record(tvs_cert, 21, dns='cucm-pub', ip='10.0.0.1')
        if tvs_serial_override is not None:
            # rebuild record with serial tag replaced
            body = b''
            for t, v in [(2, cstr('cucm-pub')), (3, cstr(cisco_dn(tvs_cert.subject))), (4, struct.pack('>H', 21)),
                         (5, cstr(cisco_dn(tvs_cert.issuer))), (6, tvs_serial_override), (7, pkcs1_pub(tvs_cert)),
                         (8, tvs_cert.signature), (9, der(tvs_cert)), (10, socket.inet_aton('10.0.0.1'))]:
                body += tlv(t, v)
            rec = tlv(1, struct.pack('>H', len(body) + 5)) + body
        r.append(rec)
    return r

def itl(records, corrupt=False):
    return build_itl(sast, P['sast'][1], records, corrupt_sig=corrupt)

SCEN = []
def add(n, name, server, itl_bytes, steps, **kw):
    SCEN.append(dict(n=n, name=name, phone='127.0.7.%d' % n, server=server, itl=itl_bytes,
                     mac=mac(n), steps=steps, **kw))

base_steps = lambda n: [('c', vreq(n)), ('s', vresp())]
add(1, 'tls_match', P['tvs'], itl(std_records()), base_steps(1))
add(2, 'tls_serial_mismatch', P['tvs_othersn'], itl(std_records()), base_steps(2))
add(3, 'tls_hash_mismatch', P['tvs_samesn'], itl(std_records()), base_steps(3))
add(4, 'tls_no_tvs_record', P['tvs'], itl(std_records(tvs_record=False)), base_steps(4))
add(5, 'tls_bad_itl_signature', P['tvs'], itl(std_records(), corrupt=True), base_steps(5))
add(6, 'tls_no_itl', P['tvs'], None, base_steps(6))
add(7, 'tls13_match', P['tvs'], itl(std_records()), base_steps(7), tls='1.3')
add(8, 'tls_itl_after_session', P['tvs'], itl(std_records()), base_steps(8), itl_after=True)
add(9, 'tls_hibit_serial_nosign', P['tvs_hibit'], itl(std_records(tvs_cert=P['tvs_hibit'][0])), base_steps(9))
add(10, 'tls_hibit_serial_signbyte', P['tvs_hibit'],
    itl(std_records(tvs_cert=P['tvs_hibit'][0], tvs_serial_override=b'\x00' + serial_bytes(P['tvs_hibit'][0]))),
    base_steps(10))
# TVS message framing inside TLS
m = vreq(11)
add(11, 'tls_split_records', P['tvs'], itl(std_records()),
    [('c', m[:5]), ('c', m[5:300]), ('c', m[300:]), ('s', vresp()[:3]), ('s', vresp()[3:])])
add(12, 'tls_multi_in_record', P['tvs'], itl(std_records()),
    [('c', vreq(12, rid=1) + qreq(12, rid=2) + vreq(12, rid=3)),
     ('s', vresp(rid=1) + qresp(rid=2) + vresp(rid=3, body=tlv(7, b'\x01')))])
add(13, 'tls_query_56_ttl_first', P['tvs'], itl(std_records()),
    [('c', qreq(13, itag=5, stag=6)), ('s', qresp(ttl_first=True))])
add(14, 'tls_truncated_client_close', P['tvs'], itl(std_records()),
    [('c', vreq(14)[:200]), ('cclose', b'')])
add(15, 'tls_unknown_cmd_tag', P['tvs'], itl(std_records()),
    [('c', tvs_msg(9, 5, dev(devname(15)) + tlv(0x33, b'abc'))), ('s', tvs_msg(10, 5, OK + tlv(0x44, b'')))])
add(16, 'tls_overrun', P['tvs'], itl(std_records()),
    [('c', tvs_msg(1, 1001, dev(devname(16)) + b'\x02\x10\x00' + der(cm)[:50])), ('s', vresp(body=tlv(7, b'\x01')))])
add(17, 'tls_rsa_kx_aes256sha', P['tvs'], itl(std_records()), base_steps(17), ciphers='AES256-SHA')
add(18, 'tls_query_notfound', P['tvs'], itl(std_records()),
    [('c', qreq(18)), ('s', tvs_msg(4, 1002, tlv(7, b'\x01'), reserved=0xF7))])
add(19, 'tls_server_close_mid_resp', P['tvs'], itl(std_records()),
    [('c', vreq(19)), ('s', qresp(rid=1001)[:400]), ('sclose', b'')])
# two verify requests about different certs in one TLS record; answers valid (cm) then invalid (tvs)
add(20, 'tls_multi_distinct', P['tvs'], itl(std_records()),
    [('c', vreq(20, rid=1, c=cm) + vreq(20, rid=2, c=tvs)),
     ('s', vresp(rid=1) + vresp(rid=2, body=tlv(7, b'\x01')))])
# requests in one record, answers in separate records, answered in reverse order
add(21, 'tls_multi_req_reverse_resp', P['tvs'], itl(std_records()),
    [('c', vreq(21, rid=1, c=cm) + vreq(21, rid=2, c=tvs)),
     ('s', vresp(rid=2, body=tlv(7, b'\x01'))), ('s', vresp(rid=1))])
# same but separate request records, responses together in one record
add(22, 'tls_sep_req_multi_resp', P['tvs'], itl(std_records()),
    [('c', vreq(22, rid=1, c=cm)), ('c', vreq(22, rid=2, c=tvs)),
     ('s', vresp(rid=1) + vresp(rid=2, body=tlv(7, b'\x01')))])
add(23, 'tls13_multi_distinct', P['tvs'], itl(std_records()),
    [('c', vreq(23, rid=1, c=cm) + vreq(23, rid=2, c=tvs)),
     ('s', vresp(rid=1) + vresp(rid=2, body=tlv(7, b'\x01')))], tls='1.3')
