#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check the keyless TLS plaintext-length inference (dissectors/sbd-tls-size.c,
driven through tests/tls_size_cli) against a capture decrypted with its key
log.

  tls_size_check.py TSHARK_WRAPPER BUILD CLI CAPTURE KEYLOG [DIR:BYTES]

DIR:BYTES (c2s or s2c): the capture was made with an incomplete TVS message
of BYTES bytes in that direction (test-captures/README.md), so the TVS
dissector shows no message there: the application data must be BYTES long.

Pass 1, without keys (-T pdml): per TCP stream the ClientHello and
ServerHello (version, cipher suite, encrypt_then_mac in both hellos) and
the length field of every encrypted record: up to TLS 1.2 every record a
side sends after its ChangeCipherSpec, in TLS 1.3 every record of outer type
23 after the ServerHello.
Pass 2, with the key log (-P -x): the "Decrypted TLS (N bytes)" data
sources of each frame, one per decrypted record in record order: N is the
real plaintext length (OpenSSL made the captures; tshark decrypts with the
logged secrets, independently of this project's code).
Pass 3, with the key log (-T pdml): the inner content type of each record
and the TVS messages (tvs.length + 10 header bytes, formats.md 6.2).

Checks, each printed as "ok ..." or "FAIL ...":
  * as many decrypted records in the frame as keyless encrypted records;
  * the real length lies in [min, max]; also in [likely_min, likely_max]
    (OpenSSL pads CBC minimally and does not pad TLS 1.3 records);
  * per stream and direction, the application data records' real lengths
    add up to the TVS messages' lengths (one TVS stream, no other data);
  * the server's answer (all its application data of the session): the
    class of the keyless likely range is the class of the real length or
    AMBIGUOUS.
"INFO" lines describe each TLS stream.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False, universal_newlines=True)


def fields(pkt, name):
    return [f for f in pkt.iter("field") if f.get("name") == name]


def show(el, name):
    for f in el.iter("field"):
        if f.get("name") == name:
            return f.get("show")
    return None


def num(s):
    return int(s, 0) if s and s.startswith("0x") else int(s)


def pdml(wrapper, build, cap, keylog):
    out = run([wrapper, build, "-r", cap, "-o", "tls.keylog_file:" + keylog,
               "-o", "tcp.desegment_tcp_streams:TRUE", "-T", "pdml"])
    if out.returncode != 0:
        sys.exit("tshark failed on %s: %s" % (cap, out.stderr[-500:]))
    return ET.fromstring(out.stdout)


def packets(root):
    for pkt in root.iter("packet"):
        frame = int(show(pkt, "frame.number"))
        stream = show(pkt, "tcp.stream")
        src = (show(pkt, "ip.src") or show(pkt, "ipv6.src"), show(pkt, "tcp.srcport"))
        yield frame, stream, src, pkt


def main():
    wrapper, build, cli, cap, keylog = sys.argv[1:6]
    partial = {}
    for a in sys.argv[6:]:
        d, n = a.split(":")
        partial[d] = int(n)
    proc = subprocess.Popen([cli], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            universal_newlines=True)

    def ask(line):
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        return proc.stdout.readline().split()

    fails = 0

    def check(cond, msg):
        nonlocal fails
        print(("ok " if cond else "FAIL ") + msg)
        if not cond:
            fails += 1

    # ---- pass 1: keyless ----
    st = {}            # stream -> state
    enc = {}           # frame -> [(stream, dir, length, status, min, max, lmin, lmax)]
    for frame, stream, src, pkt in packets(pdml(wrapper, build, cap, "")):
        for rec in fields(pkt, "tls.record"):
            if stream is None:
                continue
            s = st.setdefault(stream, {"client": None, "etm_c": False, "etm_s": False,
                                       "version": None, "suite": None, "ccs": set(),
                                       "frames": []})
            ctype = show(rec, "tls.record.opaque_type") or show(rec, "tls.record.content_type")
            ctype = int(ctype) if ctype else None
            length = int(show(rec, "tls.record.length"))
            hs = show(rec, "tls.handshake.type")
            exts = [int(f.get("show")) for f in rec.iter("field")
                    if f.get("name") == "tls.handshake.extension.type"]
            if ctype == 22 and hs == "1" and s["client"] is None:
                s["client"] = src
                s["etm_c"] = 22 in exts
                continue
            if ctype == 22 and hs == "2" and s["suite"] is None:
                s["suite"] = num(show(rec, "tls.handshake.ciphersuite"))
                sv = show(rec, "tls.handshake.extensions.supported_version")
                s["version"] = num(sv) if sv else num(show(rec, "tls.handshake.version"))
                s["etm_s"] = 22 in exts
                continue
            if s["suite"] is None:
                continue
            d = "c2s" if src == s["client"] else "s2c"
            if s["version"] == 0x0304:
                encrypted = ctype == 23
            else:
                encrypted = d in s["ccs"]
                if ctype == 20:
                    s["ccs"].add(d)
            if not encrypted:
                continue
            etm = 1 if (s["etm_c"] and s["etm_s"]) else 0
            r = ask("size %d %d %d %d" % (s["version"], s["suite"], etm, length))
            enc.setdefault(frame, []).append((stream, d, length, r[0]) + tuple(int(x) for x in r[1:]))

    if not enc:
        print("INFO %s: no encrypted TLS record" % cap)
        proc.stdin.close()
        proc.wait()
        return 0

    # ---- pass 2: real plaintext lengths ----
    out = run([wrapper, build, "-r", cap, "-o", "tls.keylog_file:" + keylog,
               "-o", "gui.column.format:\"No.\",\"%m\"", "-P", "-x"])
    dec, frame = {}, None
    for line in out.stdout.splitlines():
        t = line.strip()
        if t.isdigit():
            frame = int(t)
        elif t.startswith("Decrypted TLS (") and frame is not None:
            dec.setdefault(frame, []).append(int(t.split("(")[1].split()[0]))

    # ---- pass 3: inner types and TVS messages, with keys ----
    inner, tvs_len = {}, {}
    for frame, stream, src, pkt in packets(pdml(wrapper, build, cap, keylog)):
        if stream not in st or st[stream]["suite"] is None:
            continue
        d = "c2s" if src == st[stream]["client"] else "s2c"
        types = []
        for rec in fields(pkt, "tls.record"):
            ct = show(rec, "tls.record.content_type")
            types.append(int(ct) if ct else None)
        inner[frame] = types
        for f in fields(pkt, "tvs.length"):
            key = (stream, d)
            tvs_len[key] = tvs_len.get(key, 0) + int(f.get("show")) + 10

    # ---- compare ----
    app = {}          # (stream, dir) -> real sum, [min, max, lmin, lmax] sums
    for frame in sorted(set(enc) | set(dec)):
        e, real = enc.get(frame, []), dec.get(frame, [])
        check(len(e) == len(real), "%s frame %d: %d encrypted records, %d decrypted"
              % (cap, frame, len(e), len(real)))
        # the encrypted records are the frame's last records (a ServerHello
        # or CCS comes before them); their inner types with keys:
        types = inner.get(frame, [])[-len(e):] if e else []
        for i, (rec, n) in enumerate(zip(e, real)):
            stream, d, length, status, mn, mx, lmn, lmx = rec
            check(status in ("EXACT", "RANGE", "PADDING_UNKNOWN"),
                  "%s frame %d: record length %d: %s" % (cap, frame, length, status))
            check(mn <= n <= mx, "%s frame %d: %s record %d bytes: plaintext %d in [%d,%d]"
                  % (cap, frame, d, length, n, mn, mx))
            check(lmn <= n <= lmx, "%s frame %d: %s record %d bytes: plaintext %d in likely [%d,%d]"
                  % (cap, frame, d, length, n, lmn, lmx))
            if i < len(types) and types[i] == 23:
                a = app.setdefault((stream, d), [0, 0, 0, 0, 0, 0])
                a[0] += n
                a[1] += 1
                for k, v in enumerate((mn, mx, lmn, lmx)):
                    a[2 + k] += v

    for stream, s in sorted(st.items(), key=lambda kv: int(kv[0])):
        if s["suite"] is None:
            continue
        for d in ("c2s", "s2c"):
            a = app.get((stream, d))
            t = tvs_len.get((stream, d), 0)
            if a is None and t == 0:
                continue
            real = a[0] if a else 0
            if d in partial:
                check(real == partial[d] and t == 0,
                      "%s stream %s %s: incomplete message, application data %d bytes (want %d), "
                      "TVS messages %d bytes (want 0)" % (cap, stream, d, real, partial[d], t))
                continue
            check(real == t, "%s stream %s %s: application data %d bytes = TVS messages %d bytes"
                  % (cap, stream, d, real, t))
        a = app.get((stream, "s2c"))
        if a:
            truth = ask("class %d %d" % (a[0], a[0]))[0]
            likely = ask("class %d %d" % (a[4], a[5]))[0]
            strict = ask("class %d %d" % (a[2], a[3]))[0]
            check(likely in (truth, "AMBIGUOUS"), "%s stream %s: answer class %s (likely range), real %s"
                  % (cap, stream, likely, truth))
            check(strict in (truth, "AMBIGUOUS"), "%s stream %s: answer class %s (strict range), real %s"
                  % (cap, stream, strict, truth))
            print("INFO %s stream %s version 0x%04x suite 0x%04x etm %d: answer %d bytes in %d record(s), "
                  "keyless [%d,%d] likely [%d,%d]: %s / %s (real %s)"
                  % (cap, stream, s["version"], s["suite"], 1 if s["etm_c"] and s["etm_s"] else 0,
                     a[0], a[1], a[2], a[3], a[4], a[5], strict, likely, truth))
    proc.stdin.close()
    proc.wait()
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
