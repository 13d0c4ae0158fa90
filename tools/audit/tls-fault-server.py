#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A TVS that fails: one TLS connection on HOST:PORT served by Python's ssl
module (OpenSSL), failing in one of these ways (tools/make-keyless-captures.sh):

  no-shared-cipher   TLS 1.2, only ECDHE-RSA-AES128-GCM-SHA256 (0xc02f): a
                     phone offering only other suites gets OpenSSL's fatal
                     handshake_failure (40) alert right after its ClientHello.
  client-cert        TLS 1.2 or 1.3, a client certificate is required (any
                     CA: --ca); a phone without one gets OpenSSL's fatal alert
                     after its second flight: handshake_failure (40) in TLS
                     1.2 (plaintext: the server has not switched to the new
                     keys), certificate_required (116) in TLS 1.3 (encrypted).
  rst-handshake      TLS 1.2: sends its first flight (ServerHello ..
                     ServerHelloDone), reads the phone's answer (ClientKeyExchange,
                     ChangeCipherSpec, Finished) and then resets the TCP
                     connection (SO_LINGER 0) instead of finishing.
  rst-after-request  TLS 1.2 or 1.3: completes the handshake, reads the
                     phone's first application-data bytes (the TVS request),
                     then resets the connection without an answer.

  tls-fault-server.py MODE --host H --port P --cert PEM --key KEY
                      [--tls 1.2|1.3] [--ca PEM] [--keylog FILE]
                      [--ready-file FILE] [--timeout S]

Exit status 0 when the connection failed the intended way, 1 otherwise.
No session tickets (as tools/tvs/tvs-peer).
"""
import argparse
import os
import socket
import ssl
import struct
import sys


def log(msg):
    print(msg, flush=True)


def context(a, mode):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    v = ssl.TLSVersion.TLSv1_3 if a.tls == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = v
    ctx.maximum_version = v
    ctx.load_cert_chain(a.cert, a.key)
    ctx.options |= ssl.OP_NO_TICKET
    ctx.num_tickets = 0
    if a.keylog:
        ctx.keylog_filename = a.keylog
    if mode == "no-shared-cipher":
        ctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")
    elif a.tls == "1.2":
        ctx.set_ciphers("ECDHE-RSA-AES256-GCM-SHA384")
    if mode == "client-cert":
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(a.ca)
    return ctx


def reset(conn):
    # SO_LINGER on, 0 s: close() sends RST and drops unsent data
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def pump(conn, obj, inc, out, want_bytes):
    """Send what OpenSSL wrote, read up to want_bytes more from the peer."""
    data = out.read()
    if data:
        conn.sendall(data)
    if want_bytes:
        got = conn.recv(want_bytes)
        if not got:
            raise ConnectionError("peer closed")
        inc.write(got)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["no-shared-cipher", "client-cert", "rst-handshake",
                                    "rst-after-request"])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--tls", default="1.2", choices=["1.2", "1.3"])
    p.add_argument("--ca")
    p.add_argument("--keylog")
    p.add_argument("--ready-file")
    p.add_argument("--timeout", type=float, default=20)
    a = p.parse_args()
    if a.mode == "client-cert" and not a.ca:
        p.error("client-cert needs --ca")
    if a.mode in ("no-shared-cipher", "rst-handshake") and a.tls != "1.2":
        p.error("%s is a TLS 1.2 scenario" % a.mode)

    ctx = context(a, a.mode)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.host, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    if a.ready_file:
        open(a.ready_file, "w").close()
    conn, peer = ls.accept()
    ls.close()
    conn.settimeout(a.timeout)
    log("connection from %s:%d" % peer)

    if a.mode in ("no-shared-cipher", "client-cert"):
        try:
            s = ctx.wrap_socket(conn, server_side=True)
            # TLS 1.3: the client certificate is checked after the server's
            # Finished; the alert goes out when the server reads on.
            s.recv(1)
        except ssl.SSLError as e:
            log("handshake failed as intended: %s" % e.reason)
            conn.close()
            return 0
        log("error: the handshake succeeded")
        return 1

    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_side=True)
    if a.mode == "rst-handshake":
        # ClientHello in, first flight out, the client's second flight in
        while True:
            try:
                obj.do_handshake()
                log("error: the handshake finished")
                return 1
            except ssl.SSLWantReadError:
                pass
            if out.pending:
                pump(conn, obj, inc, out, 0)
                break
            pump(conn, obj, inc, out, 65536)
        # the client's ClientKeyExchange, ChangeCipherSpec and Finished
        got = conn.recv(65536)
        log("client's second flight: %d bytes; resetting" % len(got))
        reset(conn)
        return 0

    # rst-after-request: finish the handshake, read the request, reset
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            pump(conn, obj, inc, out, 65536)
    pump(conn, obj, inc, out, 0)
    log("handshake done: %s %s" % (obj.version(), obj.cipher()[0]))
    data = b""
    while len(data) < 10:
        try:
            data += obj.read(65536)
        except ssl.SSLWantReadError:
            pump(conn, obj, inc, out, 65536)
    log("request: %d bytes (first 10: %s); resetting" % (len(data), data[:10].hex()))
    reset(conn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
