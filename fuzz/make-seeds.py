#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed corpora for the fuzz harnesses, from test-captures/ and ../shared/samples/.

  make-seeds.py BUILD_DIR OUTDIR

writes OUTDIR/ciscotl/, OUTDIR/tvs/, OUTDIR/sbd/ and OUTDIR/pcap/ (one file per seed, named by
its SHA-1) in the input formats of fuzz/fuzz_*.c:

* ciscotl: every trust list / signed file: the committed files, and the files
  TFTP and HTTP carry in the captures (tshark --export-objects tftp / http);
* tvs: the TVS plaintext of every TLS connection to a TVS port in the
  captures (decrypted with their key logs or embedded secrets, with the TVS
  dissector switched off so that tshark shows it as "data"), one segment
  per TLS record: flags (bit 0 = server to phone; bit 3 on the first
  record of a session on another port than 2445: for the heuristic) |
  length (2) | bytes;
* sbd: per capture, its events in frame order: files downloaded (with the
  transfer name), TLS server certificates, TLS 1.3 server hellos, encrypted
  application data and TVS plaintext, as kind | arg | length (2) | bytes;
* pcap: the first 64 KiB of every capture of test-captures/, and of the
  classic pcap ones' big-endian and nanosecond forms (tests/tools/pcap_forms.py)
  and some of their pcapng forms (tests/tools/pcapng_forms.py).

tshark runs through tests/tshark.sh, i.e. with the plugin of BUILD_DIR.
"""
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPS = os.path.join(SRC, "test-captures")
SAMPLES = os.path.join(os.path.dirname(SRC), "shared", "samples")
if not os.path.isdir(SAMPLES):      # the committed copy in test-captures/samples
    SAMPLES = os.path.join(SRC, "test-captures", "samples")
TVS_PORTS = (2445, 3445)


def tshark(build, args):
    r = subprocess.run([os.path.join(SRC, "tests", "tshark.sh"), build] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return r.stdout.decode("utf-8", "replace")


def write_seed(outdir, data):
    if not data:
        return
    path = os.path.join(outdir, hashlib.sha1(data).hexdigest())
    with open(path, "wb") as f:
        f.write(data)


def captures():
    for root, _dirs, files in os.walk(CAPS):
        for name in sorted(files):
            if name.endswith((".pcap", ".pcapng")):
                yield os.path.join(root, name)


def keylog_opts(cap):
    base = re.sub(r"\.pcap(ng)?$", "", cap)
    for ext in (".keys", ".keys-withheld"):
        if os.path.exists(base + ext):
            return ["-o", "tls.keylog_file:" + base + ext]
    return []


def exported_files(build, cap, tmp):
    """Files of a capture as TFTP and HTTP export objects (bytes list)."""
    dirs = []
    for _p in ("tftp", "http"):
        d = tempfile.mkdtemp(dir=tmp)
        os.chmod(d, 0o777)
        dirs.append(d)
    tshark(build, ["-r", cap, "-q", "--disable-heuristic", "ciscotl_tftp",
                   "--export-objects", "tftp," + dirs[0], "--export-objects", "http," + dirs[1]])
    out = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                out.append(f.read())
        shutil.rmtree(d, ignore_errors=True)
    return out


FIELDS = ["frame.number", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "ciscotl.file.md5",
          "ciscotl.file.name", "tls.handshake.certificate", "tls.handshake.type",
          "tls.handshake.extensions.supported_version", "tls.app_data", "data.data"]


def frames(build, cap):
    args = ["-r", cap, "--disable-protocol", "tvs", "-T", "fields", "-E", "separator=|",
            "-E", "occurrence=a", "-E", "aggregator=,"] + keylog_opts(cap)
    for f in FIELDS:
        args += ["-e", f]
    for line in tshark(build, args).splitlines():
        v = line.split("|")
        if len(v) == len(FIELDS):
            yield dict(zip(FIELDS, v))


def name_selector(name):
    base = name.rsplit("/", 1)[-1]
    if not base:
        return 0
    if base.startswith("ITLSEP"):
        return 1
    if base.startswith("ITL"):
        return 2
    if base.startswith("CTLSEP"):
        return 3
    if base.startswith("CTL"):
        return 4
    if base.endswith(".enc.sgn"):
        return 6
    if base.startswith("SEP") and base.endswith(".sgn"):
        return 5
    return 7


def seg(flags, data):
    data = data[:65535]
    return bytes([flags]) + len(data).to_bytes(2, "big") + data


def event(kind, arg, data):
    data = data[:65535]
    return bytes([kind, arg]) + len(data).to_bytes(2, "big") + data


def main():
    build, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    dirs = {h: os.path.join(out, h) for h in ("ciscotl", "tvs", "sbd", "pcap", "cucmlog")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o755)
    try:
        # --- logs (fuzz_cucmlog): kind byte (0 trace, 1 88xx, 2 79xx), date byte, text;
        # a large trace is cut to its first 64 KiB
        logs = os.path.join(CAPS, "logs")
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            kind = 1 if "88xx" in name else 2 if "79xx" in name else 0
            with open(os.path.join(logs, name), "rb") as f:
                write_seed(dirs["cucmlog"], bytes([kind, 1]) + f.read()[:65536])
        # --- whole files
        for root in (CAPS, SAMPLES):
            for r, _d, files in os.walk(root):
                for name in files:
                    if name.endswith((".tlv", ".sgn")):
                        with open(os.path.join(r, name), "rb") as f:
                            write_seed(dirs["ciscotl"], f.read())
        # --- captures as they are; the classic pcap ones in the other byte order,
        # the other time stamp resolution and as pcapng
        forms = os.path.join(SRC, "tests", "tools", "pcap_forms.py")
        ngforms = os.path.join(SRC, "tests", "tools", "pcapng_forms.py")
        for cap in captures():
            with open(cap, "rb") as f:
                head = f.read(65536)
            if head[:4] == b"\x0a\x0d\x0d\x0a":
                write_seed(dirs["pcap"], head)
                continue
            if head[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1",
                                b"\xa1\xb2\x3c\x4d"):
                continue
            write_seed(dirs["pcap"], head)
            for tool, form in ((forms, "be"), (forms, "nsec"), (ngforms, "ng"), (ngforms, "ng-be"),
                               (ngforms, "ng-two"), (ngforms, "ng-isb"), (ngforms, "ng-opts 3")):
                o = os.path.join(tmp, "form.pcap")
                if subprocess.run([sys.executable, tool, cap, o] + form.split(), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode == 0:
                    with open(o, "rb") as f:
                        write_seed(dirs["pcap"], f.read(65536))
        # --- per capture: its frames; the files it carries (only where
        # the plugin found some); its streams and event list.  Not the
        # cross-check captures (test-captures/xcheck): two tshark runs each
        # would double the time the smoke tests wait for their seeds, and
        # their trust lists are among the whole files above.
        def scan(cap):
            """tshark's part (two runs), on as many captures at a time as
            there are processors."""
            rows = list(frames(build, cap))
            files = exported_files(build, cap, tmp) if any(fr["ciscotl.file.md5"] for fr in rows) else []
            return rows, files

        caps = [c for c in captures() if os.sep + "xcheck" + os.sep not in c]
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            scanned = list(pool.map(scan, caps))
        for cap, (rows, files) in zip(caps, scanned):
            streams = {}          # (client, cport, server, sport) -> [segments]
            events = []
            phones, servers, conns = {}, {}, {}
            by_md5 = {}

            def idx(table, key, limit):
                if key not in table:
                    table[key] = len(table) % limit
                return table[key]

            for data in files:
                write_seed(dirs["ciscotl"], data)
                by_md5[hashlib.md5(data).hexdigest()] = data
            for fr in rows:
                try:
                    sp, dp = int(fr["tcp.srcport"] or 0), int(fr["tcp.dstport"] or 0)
                except ValueError:
                    continue
                src, dst = fr["ip.src"], fr["ip.dst"]
                if fr["ciscotl.file.md5"]:
                    for md5, name in zip(fr["ciscotl.file.md5"].split(","),
                                         fr["ciscotl.file.name"].split(",") + [""] * 8):
                        data = by_md5.get(md5.replace(":", ""))
                        if data:
                            arg = idx(phones, dst, 4) | name_selector(name) << 2 | idx(servers, src, 2) << 5
                            events.append(event(0, arg, data))
                if sp in TVS_PORTS or dp in TVS_PORTS:
                    to_server = dp in TVS_PORTS
                    client, cport = (src, sp) if to_server else (dst, dp)
                    server = dst if to_server else src
                    arg = idx(phones, client, 4) | idx(conns, (client, cport), 2) << 2 | \
                        idx(servers, server, 2) << 5
                    if fr["tls.handshake.certificate"] and not to_server:
                        der = bytes.fromhex(fr["tls.handshake.certificate"].split(",")[0].replace(":", ""))
                        events.append(event(3, arg, der))
                    if "2" in fr["tls.handshake.type"].split(",") and \
                            "0x0304" in fr["tls.handshake.extensions.supported_version"].split(","):
                        events.append(event(4, arg, b""))
                    if fr["tls.app_data"] and not fr["data.data"]:
                        events.append(event(5, arg, b""))
                    for rec in filter(None, fr["data.data"].split(",")):
                        data = bytes.fromhex(rec.replace(":", ""))
                        sport_ = dp if to_server else sp
                        streams.setdefault((client, cport, server, sport_), []).append(
                            seg(0 if to_server else 1, data))
                        events.append(event(1 if to_server else 2, arg, data))
            for (_c, _p, _s, sport), segs in streams.items():
                if sport != 2445 and segs:
                    # not the TVS port: the first record goes to the heuristic
                    segs[0] = bytes([segs[0][0] | 8]) + segs[0][1:]
                write_seed(dirs["tvs"], b"".join(segs))
            if events:
                write_seed(dirs["sbd"], b"".join(events[:128]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for h, d in sorted(dirs.items()):
        print("%s: %d seeds" % (h, len(os.listdir(d))))


if __name__ == "__main__":
    main()
