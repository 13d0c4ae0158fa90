from tls_scen import *
SCEN = []
def add3(n, name, steps):
    SCEN.append(dict(n=n, name=name, phone='127.0.7.%d' % n, server=P['tvs'], itl=itl(std_records()), mac=mac(n), steps=steps))
add3(30, 'tls_status_badlen', [('c', vreq(30)), ('s', vresp(body=tlv(7, b'\x00\x00') + tlv(8, b'\x07') + TTL))])
add3(31, 'tls_resp_empty_body', [('c', vreq(31)), ('s', vresp(body=b''))])
add3(32, 'tls_query_valid_no_cert', [('c', qreq(32)), ('s', tvs_msg(4, 1002, OK + ROLES + TTL))])
