#!/usr/bin/env python3
"""Run real TLS TVS sessions over localhost, one per scenario, client bound to a per-scenario IP.
usage: tlsrun.py KEYLOG  (scenarios from tls_scen.py)"""
import ssl, socket, threading, sys, time, os
from lib import *
import tls_scen

KEYLOG = sys.argv[1]

def recv_exact(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            break
        b += d
    return b

def run(sc):
    srv_cert, srv_key = sc['server']
    cf = os.path.join(KD, 'srv_%s.pem' % sc['name'])
    open(cf, 'wb').write(srv_key.private_bytes(serialization.Encoding.PEM,
                         serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
                         + srv_cert.public_bytes(serialization.Encoding.PEM))
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cf)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    cctx.keylog_filename = KEYLOG
    tv = sc.get('tls', '1.2')
    for c in (sctx, cctx):
        if tv == '1.3':
            c.minimum_version = c.maximum_version = ssl.TLSVersion.TLSv1_3
        else:
            c.minimum_version = ssl.TLSVersion.TLSv1
            c.maximum_version = ssl.TLSVersion.TLSv1_2
    if sc.get('ciphers'):
        sctx.set_ciphers(sc['ciphers']); cctx.set_ciphers(sc['ciphers'])
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', sc.get('port', 2445))); ls.listen(1)
    steps = sc['steps']

    def server():
        conn, _ = ls.accept()
        s = sctx.wrap_socket(conn, server_side=True)
        for d, data in steps:
            if d == 's':
                s.sendall(data)
            elif d == 'c':
                if len(recv_exact(s, len(data))) < len(data):
                    break
            elif d == 'cclose':
                break
            elif d == 'sclose':
                s.close(); return
        try:
            s.recv(1)
            s.unwrap()
        except Exception:
            pass
        s.close()

    th = threading.Thread(target=server); th.start()
    cs = socket.socket(); cs.bind((sc['phone'], 0))
    cs.connect(('127.0.0.1', sc.get('port', 2445)))
    s = cctx.wrap_socket(cs)
    for d, data in steps:
        if d == 'c':
            s.sendall(data)
            time.sleep(0.02)
        elif d == 's':
            if len(recv_exact(s, len(data))) < len(data):
                break
        elif d == 'cclose':
            cs.shutdown(socket.SHUT_RDWR) if False else None
            s.close(); break
        elif d == 'sclose':
            break
    else:
        try:
            s.unwrap()
        except Exception:
            pass
        s.close()
    th.join(5)
    ls.close()
    time.sleep(0.05)

if __name__ == '__main__':
    for sc in tls_scen.SCEN:
        run(sc)
        print('ran', sc['name'], sc['phone'])
