#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make the TVS robustness captures in test-captures/tvs-robust/.

Real TLS 1.2 connections on the loopback interface (Python ssl module,
OpenSSL), recorded with tcpdump; the NSS key log is embedded with
`editcap --inject-secrets`, so the .pcapng files decrypt without options.
The payloads are raw bytes written out below: malformed, hostile and
unusual TVS messages (formats.md section 6) that the well-behaved
tools/tvs/tvs-peer cannot send.  Each step is one SSL_write (one TLS record)
in its own TCP segment, unless a step says otherwise.

Needs root (tcpdump on lo), tcpdump, editcap, openssl.
Usage: tools/tvs/make-tvs-robust-captures.py [OUTDIR]
"""
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "test-captures", "tvs-robust")
GAP = 0.05           # seconds between steps: one TCP segment per step


# ---- TVS message bytes (formats.md 6.2, 6.4) -----------------------------
def msg(cmd, rid, *elems, reserved=0, body_len=None, proto=0x57, version=1):
    body = b"".join(elems)
    n = len(body) if body_len is None else body_len
    return bytes([proto, version, cmd, reserved]) + rid.to_bytes(4, "big") + n.to_bytes(2, "big") + body


def el(tag, value, length=None):
    n = len(value) if length is None else length
    return bytes([tag]) + n.to_bytes(2, "big") + value


def device(model, mac, prefix=1):
    return el(1, bytes([prefix]) + ("CP-%s-SEP%s" % (model, mac)).encode())


def status(n):
    return el(7, bytes([n]))


def roles(*r):
    return el(8, bytes(r))


def ttl(n):
    return el(9, n.to_bytes(4, "big"))


# ---- the cases --------------------------------------------------------------
# (name, port, steps); a step is ("c"|"s", bytes) or ("c"|"s", [bytes, ...])
# for several records written into one TCP segment (TCP_CORK).
def cases(cert_der):
    cert = el(2, cert_der)
    dev = device("8861", "B000B4BA0AEE")
    c = []

    # Non-TVS data on the TVS port, then a normal exchange.
    c.append(("garbage", 2445, [
        ("c", b"\x00\x01\x02\x03 not TVS \xff"),                      # 14 bytes, first byte not 0x57
        ("s", b"\x99\x98\x97\x96\x95"),                                # 5 bytes
        ("c", bytes.fromhex("5702010000000001000407000100")),          # 0x57 but version 2
        ("c", msg(1, 0x41, dev, cert)),
        ("s", msg(2, 0x41, status(0), roles(0, 3), ttl(86400))),
    ]))

    # Truncated: body length 65535 with 3 body bytes; a 3-byte header.
    c.append(("truncated", 2445, [
        ("c", bytes.fromhex("57010100000000" "07ffff" "010018")),
        ("s", bytes.fromhex("570102")),
    ]))

    # Malformed and unusual messages on one connection.
    c.append(("malformed", 2445, [
        # record 1: id 0x10 body 20 but its device element claims 24 bytes;
        #           id 0x11 valid, with 2 leftover body bytes
        ("c", msg(1, 0x10, dev, body_len=20)[:30]
              + msg(1, 0x11, dev, cert, b"\x00\x00")),
        # record 2: id 0x12 with a bad device name, prefix 2, junk DER, an
        #           unknown tag 12, a 2-byte status, a 3-byte TTL, no roles
        ("c", msg(1, 0x12, el(1, b"\x02SEP001122334455"), el(2, bytes.fromhex("3003020105")),
                  el(12, b"\xab\xcd\xef"), el(7, b"\x00\x00"), el(9, b"\x00\x00\x01"), el(8, b""))),
        # record 3: commands 0 and 9
        ("c", msg(0, 0x13, status(0)) + msg(9, 0x14)),
        # server: unknown status 2 with role 99 and TTL 0 (answers 0x10);
        #         a Query Response to the Verify Request 0x11; an answer
        #         to id 0x99 that nobody asked for.  0x12 stays unanswered.
        ("s", msg(2, 0x10, status(2), roles(0, 99), ttl(0))
              + msg(4, 0x11, status(1))
              + msg(2, 0x99, status(1))),
    ]))

    # Request ids reused on one connection.
    c.append(("id-reuse", 2445, [
        ("c", msg(1, 5, dev, cert)),                                   # A
        ("s", msg(2, 5, status(0), roles(3), ttl(60))),                # answers A
        ("c", msg(3, 5, dev, el(3, b"CN=reused\x00"))),                # B, same id after A answered
        ("s", msg(4, 5, status(1))),                                   # answers B
        ("c", msg(1, 7, dev, cert)),                                   # C
        ("c", msg(1, 7, dev, cert)),                                   # D, same id, C unanswered
        ("s", msg(2, 7, status(0), roles(0), ttl(1))),                 # answers C
        ("s", msg(2, 7, status(1))),                                   # answers D
        ("c", msg(3, 6, dev, el(3, b"CN=never-answered\x00"))),        # E, no answer
    ]))

    # Several records in one TCP segment; a message split over two records
    # of the same segment.
    resp2 = msg(2, 0x32, status(1))
    c.append(("one-segment", 2445, [
        ("c", [msg(1, 0x31, dev, cert), msg(1, 0x32, dev, cert)]),
        ("s", [msg(2, 0x31, status(0), roles(7), ttl(7200)) + resp2[:5], resp2[5:]]),
    ]))

    # Another port: only the heuristic can find TVS; the response header is
    # split over two records (6 + 19 bytes).
    resp = msg(2, 0x51, status(0), roles(2), ttl(3600))
    c.append(("heur-3445", 3445, [
        ("c", msg(1, 0x51, device("7841", "00A1B2C3D4E5"), cert)),
        ("s", resp[:6]),
        ("s", resp[6:]),
    ]))

    # Another port, data that only looks a bit like TVS: the heuristic must
    # say no (command 9; element tag 0x55; an element longer than the body;
    # elements that do not fill the body).
    c.append(("heur-reject-3445", 3445, [
        ("c", bytes.fromhex("57010900000000010004" "07000100")),
        ("s", bytes.fromhex("57010200000000010004" "55000100")),
        ("c", bytes.fromhex("57010100000000020003" "070001")),
        ("s", bytes.fromhex("57010200000000020006" "07000100" "0000")),
    ]))
    return c


# ---- plumbing ---------------------------------------------------------------
def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_pki(d):
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key",
         "-subj", "/CN=tvs-robust-server.example", "-days", "3650", "-set_serial", "0x5A5A0099",
         "-out", d + "/server.pem"], stderr=subprocess.DEVNULL)
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/payload.key",
         "-subj", "/CN=robust-payload.example/O=Robustness Test/C=NZ", "-days", "3650",
         "-set_serial", "0x00C0FFEE4242", "-out", d + "/payload.pem"], stderr=subprocess.DEVNULL)
    der = run(["openssl", "x509", "-in", d + "/payload.pem", "-outform", "DER"],
              stdout=subprocess.PIPE).stdout
    return der


def drain(s):
    s.setblocking(False)
    try:
        while s.recv(65536):
            pass
    except (ssl.SSLWantReadError, BlockingIOError, ssl.SSLError, OSError):
        pass
    s.setblocking(True)


def record(name, port, steps, d):
    pcap = "%s/%s.pcap" % (d, name)
    keys = "%s/%s.keys" % (d, name)
    log = open("%s/%s.tcpdump.log" % (d, name), "w+")
    td = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "--immediate-mode", "-n", "-w", pcap,
                           "tcp port %d" % port], stderr=log)
    for _ in range(100):
        log.seek(0)
        if "listening on" in log.read():
            break
        time.sleep(0.05)
    else:
        sys.exit("tcpdump did not start")

    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(d + "/server.pem", d + "/server.key")
    sctx.maximum_version = ssl.TLSVersion.TLSv1_2
    sctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    cctx.maximum_version = ssl.TLSVersion.TLSv1_2
    cctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")
    cctx.keylog_filename = keys

    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(1)
    got = {}

    def accept():
        conn, _ = lsock.accept()
        got["s"] = sctx.wrap_socket(conn, server_side=True)

    t = threading.Thread(target=accept)
    t.start()
    raw = socket.create_connection(("127.0.0.1", port))
    cli = cctx.wrap_socket(raw)
    t.join()
    srv = got["s"]
    ends = {"c": cli, "s": srv}
    for e in ends.values():
        e.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    time.sleep(GAP)

    for side, data in steps:
        s = ends[side]
        if isinstance(data, list):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            for rec in data:
                s.sendall(rec)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        else:
            s.sendall(data)
        time.sleep(GAP)
        drain(ends["s" if side == "c" else "c"])

    cli.close()
    time.sleep(GAP)
    srv.close()
    lsock.close()
    time.sleep(0.3)
    td.send_signal(2)
    td.wait()
    run(["editcap", "--inject-secrets", "tls," + keys, pcap, "%s/tvs-robust-%s.pcapng" % (d, name)])


def main():
    if os.geteuid() != 0:
        sys.exit("must run as root (tcpdump on lo)")
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        der = make_pki(d)
        for name, port, steps in cases(der):
            print("==", name)
            record(name, port, steps, d)
        for f in os.listdir(OUT):
            if f.startswith("tvs-robust-") and f.endswith(".pcapng") or f == "payload.pem":
                os.unlink(os.path.join(OUT, f))
        for f in os.listdir(d):
            if f.endswith(".pcapng"):
                os.rename(os.path.join(d, f), os.path.join(OUT, f))
        run(["cp", d + "/payload.pem", OUT + "/payload.pem"])
        os.chmod(OUT, 0o755)
        for f in os.listdir(OUT):
            os.chmod(os.path.join(OUT, f), 0o644)


if __name__ == "__main__":
    main()
