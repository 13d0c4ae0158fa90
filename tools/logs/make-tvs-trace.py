#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the TVS exchanges of a TLS capture (with its key log) as a CUCM
"Cisco Trust Verification Service" trace at Detailed level, in the line
format of ../shared/docs/logs.md section 1.

    make-tvs-trace.py CAPTURE KEYLOG > cTVS.txt

The decrypted bytes come from `tshark -q -z follow,tls,raw,N` (no plugin
needed); each direction is cut into TVS messages by their 10-byte header
(formats.md 6.2).  Each TCP stream becomes one phone connection on fd 8 + N,
with the client's address as the phone's.  Every request is printed as TVS
receives it (dump, then its decode), every response as TVS sends it
(lookup lines, decode, then dump), with the trace's labels (logs.md 1):
Protocol Discriminator in hex, MsgType names of formats.md 6.3, "Session
Id : 0" (what CUCM prints), Length = body length; query requests print
subject, issuer and serial; answers with roles print the cache lookup
"Found entry {rolecount : N}" and one "{role : R}" per role.  Times: the
time of day of the stream's first packet (UTC), 1 ms per message.
This parser is independent of the project's dissectors.
"""
import subprocess
import sys
import time

NAMES = {1: "TVS_MSG_CERT_VERIFICATION_REQ", 2: "TVS_MSG_CERT_VERIFICATION_RES",
         3: "TVS_MSG_QUERY_CERT_REQ", 4: "TVS_MSG_QUERY_CERT_RES"}
SENDING = {2: "CERT_VERIFICATION_RES", 4: "QUERY_CERT_RES"}


def tshark(*args):
    return subprocess.run(["tshark"] + list(args), check=True, capture_output=True, text=True).stdout


def messages(data):
    out, off = [], 0
    while off + 10 <= len(data):
        body = data[off + 8] << 8 | data[off + 9]
        out.append(data[off:off + 10 + body])
        off += 10 + body
    return out


def elements(msg):
    els, off = [], 10
    while off + 3 <= len(msg):
        tag, ln = msg[off], msg[off + 1] << 8 | msg[off + 2]
        els.append((tag, msg[off + 3:off + 3 + ln]))
        off += 3 + ln
    return els


def cstr(b):
    return b.split(b"\0", 1)[0].decode("latin-1")


class Trace:
    def __init__(self, t0):
        self.t = t0
        self.lines = []

    def stamp(self):
        tm = time.gmtime(int(self.t))
        return "%02d:%02d:%02d.%03d" % (tm.tm_hour, tm.tm_min, tm.tm_sec, int(self.t * 1000) % 1000)

    def line(self, text):
        self.lines.append("%s | debug %s" % (self.stamp(), text))

    def raw(self, text):
        self.lines.append(text)

    def dump(self, b):
        self.raw("HEX_DUMP: Len = %d:" % len(b))
        for i in range(0, len(b), 8):
            self.line(" ".join("%02x" % x for x in b[i:i + 8]))

    def decode(self, msg):
        self.line("tvsPhoneDecodeMsg -")
        self.raw("Decoded Phone Msg:")
        self.line("Protocol Discriminator: %x" % msg[0])
        self.line("MsgType : %s" % NAMES.get(msg[2], "TVS_MSG_UNKNOWN"))
        self.line("Session Id : 0")
        self.line("Length : %d" % (msg[8] << 8 | msg[9]))


def main():
    cap, keys = sys.argv[1], sys.argv[2]
    common = ["-r", cap, "-o", "tls.keylog_file:" + keys, "-d", "tcp.port==2445,tls"]
    streams = [int(s) for s in sorted(set(tshark(*common, "-Y", "tcp", "-T", "fields", "-e", "tcp.stream").split()), key=int)]
    out = []
    for n in streams:
        first = tshark(*common, "-Y", "tcp.stream==%d" % n, "-T", "fields", "-e", "frame.time_epoch", "-c", "1").split()
        follow = tshark(*common, "-q", "-z", "follow,tls,raw,%d" % n).splitlines()
        phone = tshark(*common, "-Y", "tcp.stream==%d && tcp.dstport==2445" % n, "-T", "fields",
                       "-e", "ip.src", "-e", "ipv6.src", "-c", "1").split()[0]
        chunks = []
        for ln in follow:
            if ln and all(c in "0123456789abcdef" for c in ln.strip()) and ln.strip():
                chunks.append((ln.startswith("\t"), bytes.fromhex(ln.strip())))
        if not chunks:
            continue
        tr = Trace(float(first[0]))
        fd = 8 + n
        tr.line("Accepted TCP connection from socket 0x%08x, fd = %d" % (0x12 + n, fd))
        tr.line("ipAddrStr (Phone) %s" % phone)
        tr.line("%d:UNKNOWN:Got a new ph conn %s on %d, Total Acc = %d.." % (fd, phone, fd, n + 1))
        tr.line("%s: tvsSSLHandShake Session ciphers - AES256-SHA" % phone)
        tr.line("TLS HS Done for ph_conn")
        # Reassemble each direction; keep the order of the chunks.
        bufs = {False: b"", True: b""}
        for server, data in chunks:
            bufs[server] += data
            msgs = messages(bufs[server])
            used = sum(len(m) for m in msgs if len(m) == 10 + (m[8] << 8 | m[9]))
            whole = [m for m in msgs if len(m) == 10 + (m[8] << 8 | m[9])]
            bufs[server] = bufs[server][used:]
            for m in whole:
                tr.t += 0.001
                # follow's indentation tells the two sides apart, not which
                # is the phone: the command does (1, 3 requests)
                if m[2] in (1, 3):
                    tr.line("%d:UNKNOWN:Incoming Phone Msg:" % fd)
                    tr.dump(m)
                    tr.decode(m)
                    tr.line("%d:UNKNOWN:TVS CORE: Rcvd Event: TVS_EV_%s in State: TVS_STATE_AWAIT_REQ"
                            % (fd, NAMES.get(m[2], "X")[8:]))
                    if m[2] == 3:
                        els = dict(elements(m))
                        tr.line("tvsHandleQueryCertReq")
                        tr.line("tvsHandleQueryCertReq : Subject Name is: %s" % cstr(els.get(3, b"")))
                        tr.line("tvsHandleQueryCertReq : Issuer Name is: %s" % cstr(els.get(4, b"")))
                        tr.line("tvsHandleQueryCertReq : Serial Number is: %s" % els.get(5, b"").hex().upper())
                else:
                    els = elements(m)
                    roles = [e for t, v in els if t == 8 for e in v]
                    if any(t == 8 for t, _ in els):
                        tr.line("CertificateDBCACHE::getCertificateInformation - Found entry {rolecount : %d}" % len(roles))
                        for r in roles:
                            tr.line("CertificateDBCACHE::getCertificateInformation - {role : %d}" % r)
                    tr.line("%d:UNKNOWN:Sending %s msg" % (fd, SENDING.get(m[2], "UNKNOWN")))
                    tr.decode(m)
                    tr.line("Sending TLS Msg ..")
                    tr.dump(m)
                    tr.line("ipAddrStr (Phone) %s" % phone)
        out.extend(tr.lines)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
