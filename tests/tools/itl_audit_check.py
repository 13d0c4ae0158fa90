#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks of itl-audit's JSON/CSV output for tests/test_itl_audit.sh.

Prints one line per check: "PASS: what", "FAIL: what" or "XFAIL: what" (a
known gap of the checks engine, listed in KNOWN_ENGINE_GAPS with the
reason).  Expected values come from how the captures were built
(test-captures/README.md, test-captures/audit/expected.tsv), from openssl
on the certificates, md5sum-equivalent digests of the served files, and
from walking the pcap files here (TFTP transfers), never from the tool.

  itl_audit_check.py schema JSON
  itl_audit_check.py trustlist JSON CAPS
  itl_audit_check.py tvs JSON CAPS MODE           (MODE: see check_tvs)
  itl_audit_check.py audit JSON CAPS [withheld]
  itl_audit_check.py cut-offset PCAP              -> "OFFSET COMPLETE_FRAMES"
  itl_audit_check.py truncated JSON PCAP COMPLETE_FRAMES
  itl_audit_check.py csv CSV JSON
"""
import csv
import hashlib
import io
import json
import os
import re
import struct
import subprocess
import sys

HEX = re.compile(r"^[0-9a-f]*$")
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")

FINDING_NAMES = {          # dissectors/sbd-checks.h SBD_F_* -> stable names (sbd-checks.c)
    "TVS_SERIAL_MISMATCH": "serial-mismatch",
    "TVS_HASH_MISMATCH": "hash-mismatch",
    "NO_TVS_RECORD": "no-tvs-record",
    "NO_ITL": "no-itl",
    "CERT_HIDDEN": "cert-hidden",
    "LIST_BAD_SIGNATURE": "bad-signature",
    "SIGNER_UNTRUSTED_NO_TVS": "signer-untrusted",
    "TVS_INVALID": "tvs-invalid",
    "CM_TVS_REPLACED": "cm-and-tvs-replaced",
    "BLANK_ITL_WITH_CTL": "blank-itl-with-ctl",
    "SAME_NAME_DIFFERENT_CONTENT": "same-name-different-content",
    "SGN_SIGNER_NOT_TRUSTED": "sgn-signer-not-trusted",
    "TVS_CUT_OFF": "tvs-cut-off",
    "TVS_REJECTED": "tvs-rejected",
    "TVS_INVALID_SERVICE": "tvs-invalid-service",
    "TVS_ITL_REJECTED": "tvs-itl-rejected",
    "TVS_SERVER_ALERT": "tvs-server-alert",
    "TVS_RESET": "tvs-reset",
}
VERDICTS = ["none", "match", "serial-mismatch", "hash-mismatch", "no-tvs-record", "no-itl", "cert-hidden",
            "itl-rejected"]

# Checks that fail because of the checks engine (dissectors/sbd-checks.c),
# not because of itl-audit.  (capture, phone ip, check) -> reason.
KNOWN_ENGINE_GAPS = {
}

# Same for the ciscotl dissector.
KNOWN_DISSECTOR_GAPS = {
    "http-name": "ciscotl hands the engine the TFTP name only; for HTTP downloads the name is the "
                 "header's FILENAME (ITLFile.tlv), not the requested URL",
}

results = {"fail": 0}


def ok(cond, what, gap=None):
    if cond:
        print("PASS: " + what if not gap else "PASS: %s (XPASS: remove it from KNOWN_ENGINE_GAPS)" % what)
    elif gap:
        print("XFAIL: %s [%s]" % (what, gap))
    else:
        results["fail"] += 1
        print("FAIL: " + what)


def eq(expected, actual, what, gap=None):
    ok(expected == actual, "%s: expected %r, got %r" % (what, expected, actual) if expected != actual
       else "%s = %r" % (what, actual), gap)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def openssl(pem, *args):
    return subprocess.run(["openssl", "x509", "-in", pem, "-noout"] + list(args), check=True,
                          capture_output=True, text=True).stdout.strip()


def cert_serial(pem):
    return openssl(pem, "-serial").split("=", 1)[1].lower()


def cert_sha1(pem):
    return openssl(pem, "-fingerprint", "-sha1").split("=", 1)[1].replace(":", "").lower()


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def inputs_by_suffix(doc, suffix):
    return [i for i in doc["inputs"] if i["path"].endswith(suffix)]


def one_input(doc, suffix):
    m = inputs_by_suffix(doc, suffix)
    ok(len(m) == 1, "input %s present once (%d)" % (suffix, len(m)))
    return m[0] if m else None


def phone_by_ip(inp, ip):
    m = [p for p in inp["phones"] if p["ip"] == ip] if inp else []
    ok(len(m) == 1, "%s: phone %s present once" % (inp["path"] if inp else "?", ip))
    return m[0] if m else None


# ---- pcap walking (independent of Wireshark) ---------------------------------

def pcap_records(path):
    """(frame, offset_of_record, record_end, linktype, data) for a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit("not a classic pcap file: " + path)
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off, n = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        end = off + 16 + incl
        if end > len(data):
            break
        n += 1
        yield n, off, end, linktype, data[off + 16:end]
        off = end


def udp_of(linktype, pkt):
    if linktype == 1:                 # Ethernet (tcpdump -i lo)
        if struct.unpack(">H", pkt[12:14])[0] != 0x0800:
            return None
        ip = pkt[14:]
    elif linktype in (101, 228):      # raw IPv4
        ip = pkt
    elif linktype == 113:             # Linux cooked
        ip = pkt[16:]
    else:
        return None
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    ihl = (ip[0] & 15) * 4
    src = ".".join(str(b) for b in ip[12:16])
    dst = ".".join(str(b) for b in ip[16:20])
    sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
    return src, sport, dst, dport, ip[ihl + 8:]


def tftp_transfers(path):
    """Completed TFTP read transfers: [(client_ip, filename, server_ip, last_data_frame)]."""
    pending = {}     # (client ip, client port) -> dict
    done = []
    for frame, _, _, lt, pkt in pcap_records(path):
        u = udp_of(lt, pkt)
        if not u or len(u[4]) < 4:
            continue
        src, sport, dst, dport, pl = u
        op = struct.unpack(">H", pl[:2])[0]
        if op == 1 and dport == 69:
            parts = pl[2:].split(b"\0")
            opts = {parts[i].decode().lower(): parts[i + 1].decode() for i in range(2, len(parts) - 1, 2)}
            pending[(src, sport)] = {"name": parts[0].decode(), "server": dst, "blksize": 512,
                                     "asked": int(opts["blksize"]) if "blksize" in opts else None}
        elif op == 6 and (dst, dport) in pending:
            parts = pl[2:].split(b"\0")
            opts = {parts[i].decode().lower(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2)}
            if "blksize" in opts:
                pending[(dst, dport)]["blksize"] = int(opts["blksize"])
        elif op == 3 and (dst, dport) in pending:
            t = pending[(dst, dport)]
            if len(pl) - 4 < t["blksize"]:
                done.append((dst, t["name"], t["server"], frame))
                del pending[(dst, dport)]
    return done


# ---- schema ------------------------------------------------------------------

def check_hex(v, what):
    ok(v is None or (isinstance(v, str) and HEX.match(v) is not None and len(v) % 2 == 0),
       "%s is null or lower-case hex without colons (%r)" % (what, v))


def keys(obj, expected, what):
    eq(sorted(expected), sorted(obj.keys()), what + " keys")


ISO_USEC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
ISO_SEC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def frame_times(obj, what, out):
    """Every "X_frame"/"frame" key has "X_time"/"time" beside it: ISO 8601 UTC
    with microseconds when the frame is set, null when it is not."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "frame" or k.endswith("_frame"):
                tk = k[:-5] + "time"
                ok(tk in obj, "%s: %r beside %r" % (what, tk, k))
                if tk in obj:
                    if v is None:
                        eq(None, obj[tk], "%s: %s null with its frame" % (what, tk))
                    else:
                        ok(isinstance(obj[tk], str) and ISO_USEC.match(obj[tk]),
                           "%s: %s %r is ISO 8601 UTC with microseconds" % (what, tk, obj[tk]))
                        out.append((v, obj[tk]))
            frame_times(v, what, out)
    elif isinstance(obj, list):
        for v in obj:
            frame_times(v, what, out)


def pcap_times(path):
    """frame -> ISO time from the pcap's record headers (independent of Wireshark)."""
    import datetime
    with open(path, "rb") as f:
        head = f.read(24)
    nano = head[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    e = "<" if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out = {}
    for n, off, end, _, _ in pcap_records(path):
        with open(path, "rb") as f:
            f.seek(off)
            sec, frac = struct.unpack(e + "II", f.read(8))
        usec = frac // 1000 if nano else frac
        t = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
        out[n] = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % usec
    return out


def check_schema(path, version):
    doc = load(path)
    for inp in doc["inputs"]:
        pairs = []
        frame_times(inp["phones"], inp["path"], pairs)
        frame_times(inp["findings"], inp["path"], pairs)
        if inp["path"].endswith(".pcap") and pairs:
            try:
                pt = pcap_times(inp["path"])
            except SystemExit:
                pt = None
            if pt is not None:
                bad = [(fr, t) for fr, t in pairs if pt.get(fr) != t]
                eq([], bad, "%s: times are those of the pcap record headers" % inp["path"])
    keys(doc, ["version", "wireshark_version", "inputs", "summary"], "document")
    eq(version, doc["version"], "version")
    s = doc["summary"]
    keys(s, ["inputs", "errors", "phones", "files", "sessions", "exchanges", "findings", "verdicts",
             "by_finding", "exit_status"], "summary")
    eq(sorted(VERDICTS), sorted(s["verdicts"]), "summary verdict names")
    eq(sorted(FINDING_NAMES.values()), sorted(s["by_finding"]), "summary finding names")
    eq(len(doc["inputs"]), s["inputs"], "summary.inputs")
    eq(sum(1 for i in doc["inputs"] if i["error"]), s["errors"], "summary.errors")
    eq(sum(len(i["phones"]) for i in doc["inputs"]), s["phones"], "summary.phones")
    eq(sum(len(i["findings"]) for i in doc["inputs"]), s["findings"], "summary.findings")
    eq(sum(s["by_finding"].values()), s["findings"], "summary.by_finding adds up")
    for inp in doc["inputs"]:
        keys(inp, ["path", "error", "frames", "capped", "phones", "findings"], "input")
        for ph in inp["phones"]:
            keys(ph, ["mac", "ip", "model", "verdicts", "outcome", "files", "sessions", "exchanges"], "phone")
            o = ph["outcome"]
            keys(o, ["status", "root_cause", "root_cause_frame", "root_cause_time", "certainty", "summary",
                     "remediation", "consequences"], "phone.outcome")
            ok(o["status"] in ("trusted", "migrated", "failed", "undetermined"), "outcome.status %r" % o["status"])
            ok(o["root_cause"] is None or o["root_cause"] in FINDING_NAMES.values(),
               "outcome.root_cause %r" % o["root_cause"])
            ok(o["certainty"] in ("seen", "inferred"), "outcome.certainty %r" % o["certainty"])
            ok(isinstance(o["summary"], str) and o["summary"], "outcome.summary is one sentence")
            ok((o["root_cause"] is None) == (o["remediation"] is None), "outcome.remediation exactly with a root cause")
            mine = sorted((f["finding"], f["frame"]) for f in inp["findings"] if f["phone_ip"] == ph["ip"]
                          and f["phone_mac"] == ph["mac"])
            listed = sorted([(c["finding"], c["frame"]) for c in o["consequences"]]
                            + ([(o["root_cause"], o["root_cause_frame"])] if o["root_cause"] else []))
            eq(mine, listed, "outcome: root cause + consequences = the phone's findings")
            ok(ph["mac"] is None or MAC.match(ph["mac"]), "phone mac format %r" % ph["mac"])
            eq(sorted(VERDICTS), sorted(ph["verdicts"]), "phone verdict names")
            for f in ph["files"]:
                keys(f, ["frame", "time", "type", "name", "server", "md5", "sha1", "build_time", "signer", "signature",
                         "signer_trusted", "previous_list_frame", "previous_list_time", "accepted", "blank_itl",
                         "tvs_followup", "records"], "file")
                check_hex(f["sha1"], "file.sha1")
                ok(f["build_time"] is None or ISO_SEC.match(f["build_time"]), "file.build_time %r" % f["build_time"])
                keys(f["signer"], ["name", "issuer", "serial"], "file.signer")
                check_hex(f["md5"], "file.md5")
                check_hex(f["signer"]["serial"], "file.signer.serial")
                ok(f["type"] in ("ITL", "CTL", "SGN", "ENC-SGN", "unknown"), "file.type %r" % f["type"])
                for r in f["records"]:
                    keys(r, ["index", "role", "role_name", "blank", "serial", "subject", "cert_sha1"], "record")
                    check_hex(r["serial"], "record.serial")
                    check_hex(r["cert_sha1"], "record.cert_sha1")
            for x in ph["sessions"]:
                keys(x, ["frame", "time", "server", "port", "client_port", "tls13", "cert_seen", "cert_serial",
                         "cert_sha1", "cert_sha256", "cert_subject", "verdict", "itl_frame", "itl_time", "itl_after",
                         "record_serial", "compared_by", "itl_tvs_serial", "itl_tvs_cert_sha1", "tls", "alert",
                         "reset", "answers_inferred"], "session")
                keys(x["tls"], ["version", "cipher_suite", "handshake_done", "handshake_frame", "handshake_time",
                                "handshake_certainty"], "session.tls")
                for a in x["answers_inferred"]:
                    keys(a, ["request_frame", "request_time", "request_record_length", "response_frame",
                             "response_time", "response_record_length", "plaintext_min", "plaintext_max",
                             "answer", "certainty"], "session.answers_inferred")
                    eq("inferred", a["certainty"], "answers_inferred.certainty")
                ok(x["compared_by"] in (None, "certificate", "certificate hash (SHA-1)",
                                        "certificate hash (SHA-256)",
                                        "serial and issuer only (the record has no certificate)"),
                   "session.compared_by %r" % x["compared_by"])
                ok((x["compared_by"] is None) == (x["record_serial"] is None),
                   "session.compared_by set exactly when a TVS record was compared")
                for k in ("cert_serial", "cert_sha1", "cert_sha256", "record_serial"):
                    check_hex(x[k], "session." + k)
                ok(x["verdict"] in VERDICTS, "session.verdict %r" % x["verdict"])
            for x in ph["exchanges"]:
                keys(x, ["request_frame", "request_time", "response_frame", "response_time", "command",
                         "command_code", "request_id", "subject", "issuer", "serial", "answered", "status", "roles",
                         "ttl"], "exchange")
                check_hex(x["serial"], "exchange.serial")
        for f in inp["findings"]:
            keys(f, ["finding", "severity", "certainty", "frame", "time", "related_frame", "related_time",
                     "phone_mac", "phone_ip", "detail", "explanation", "remediation"], "finding")
            ok(f["certainty"] in ("seen", "inferred"), "finding certainty %r" % f["certainty"])
            ok(f["finding"] in FINDING_NAMES.values(), "finding name %r" % f["finding"])
            ok(f["severity"] in ("error", "warning", "note"), "finding severity %r" % f["severity"])


# ---- test-captures/trustlist -------------------------------------------------

def check_file(f, typ, name, server, frame, md5sum, signature, trust, what):
    eq(typ, f["type"], what + " type")
    eq(name, f["name"], what + " name")
    eq(frame, f["frame"], what + " frame (last TFTP block)")
    if server:
        eq(server, f["server"], what + " server")
    eq(md5sum, f["md5"], what + " MD5")
    if signature:
        eq(signature, f["signature"], what + " signature")
    eq(trust, f["signer_trusted"], what + " signer trusted")


def check_trustlist(path, caps):
    doc = load(path)
    T = os.path.join(caps, "trustlist")
    C = os.path.join(T, "certs")
    itlrec = cert_serial(os.path.join(C, "itlrecovery-a.pem"))
    tvs_serial = cert_serial(os.path.join(C, "tvs-a.pem"))
    tvs_sha1 = cert_sha1(os.path.join(C, "tvs-a.pem"))

    # tftp-variants.pcap: README "Captures" table and "Facts from how each file was built".
    inp = one_input(doc, "trustlist/tftp-variants.pcap")
    if inp:
        eq(None, inp["error"], "tftp-variants error")
        xfers = tftp_transfers(os.path.join(T, "tftp-variants.pcap"))
        eq(8, len(xfers), "tftp-variants: completed TFTP transfers in the pcap")
        frames = {name: fr for _, name, _, fr in xfers}
        # (client, name, type, signature, signer cert, trusted)
        exp = [
            ("127.0.0.1", "ITLFile.tlv", "ITL", "valid", "itlrecovery-a", "first-file"),
            ("127.0.0.1", "ITLSEPAABBCCDDEEFF.tlv", "ITL", "valid", "itlrecovery-a", "yes"),
            ("127.0.0.1", "ITLSEP001122334455-corrupt.tlv", "ITL", "invalid", "itlrecovery-a", "yes"),
            ("127.0.0.1", "ITLSEP001122334455-badsig.tlv", "ITL", "invalid", "itlrecovery-a", "yes"),
            ("127.0.0.1", "ITL-unknown-signer.tlv", "ITL", "signer-not-in-file", "unknown-signer", "no"),
            ("127.0.0.2", "SEP001122334455.cnf.xml.enc.sgn", "ENC-SGN", "no-trust-list", "callmanager-a", None),
            ("127.0.0.2", "ITL-sha256.tlv", "ITL", "valid", "callmanager-b-1024", "first-file"),
            ("127.0.0.2", "ITL-sha512-legacy.tlv", "ITL", "valid", "itlrecovery-a", "no"),
        ]
        eq([(c, n) for c, n, _, _ in xfers], [(c, n) for c, n, *_ in exp], "tftp-variants transfer order")
        for ip in ("127.0.0.1", "127.0.0.2"):
            ph = phone_by_ip(inp, ip)
            if not ph:
                continue
            want = [e for e in exp if e[0] == ip]
            eq([e[1] for e in want], [f["name"] for f in ph["files"]], "tftp-variants %s files" % ip)
            for f, (_, name, typ, sig, signer, trust) in zip(ph["files"], want):
                check_file(f, typ, name, "127.0.0.1", frames.get(name), md5(os.path.join(T, name)), sig, trust,
                           "tftp-variants " + name)
                eq(cert_serial(os.path.join(C, signer + ".pem")), f["signer"]["serial"],
                   "tftp-variants %s signer serial (openssl %s)" % (name, signer))
            eq(0, len(ph["sessions"]), "tftp-variants %s: no TVS session" % ip)
        ph2 = phone_by_ip(inp, "127.0.0.2")
        if ph2:
            eq("00:11:22:33:44:55", ph2["mac"], "tftp-variants 127.0.0.2 MAC (only SEP name it fetched)")
        ph1 = phone_by_ip(inp, "127.0.0.1")
        if ph1:
            by = {f["name"]: f for f in ph1["files"]}
            blank = by.get("ITLSEPAABBCCDDEEFF.tlv")
            if blank:
                eq(True, blank["blank_itl"], "ITLSEPAABBCCDDEEFF.tlv is a blank ITL")
                tvs = [r for r in blank["records"] if r["role"] == 21]
                eq([(True, None)], [(r["blank"], r["serial"]) for r in tvs], "blank ITL: one blank TVS record")
            for name in ("ITLFile.tlv", "ITLSEP001122334455-badsig.tlv", "ITL-unknown-signer.tlv"):
                f = by.get(name)
                if not f:
                    continue
                eq(False, f["blank_itl"], name + " is not blank")
                tvs = [(r["serial"], r["cert_sha1"]) for r in f["records"] if r["role"] == 21]
                eq([(tvs_serial, tvs_sha1)], tvs, name + " TVS record = tvs-a (openssl serial, SHA-1)")
                eq(itlrec, f["records"][0]["serial"], name + " record 1 = itlrecovery-a")
        bad = sorted((f["frame"], f["phone_ip"]) for f in inp["findings"] if f["finding"] == "bad-signature")
        eq(sorted((frames.get(n), "127.0.0.1") for n in ("ITLSEP001122334455-corrupt.tlv",
                                                        "ITLSEP001122334455-badsig.tlv",
                                                        "ITL-unknown-signer.tlv")),
           bad, "tftp-variants bad-signature findings (corrupt, badsig, unknown-signer)")
        for f in inp["findings"]:
            ok(f["finding"] in ("bad-signature", "signer-untrusted"),
               "tftp-variants finding %s is bad-signature or signer-untrusted (true by construction)" % f["finding"])

    # http-6970.pcap: ITLSEP001122334455.tlv and the .sgn over HTTP from 127.0.0.2.
    inp = one_input(doc, "trustlist/http-6970.pcap")
    if inp:
        ph = phone_by_ip(inp, "127.0.0.2")
        if ph:
            got = [(f["type"], f["md5"], f["signature"], f["signer_trusted"]) for f in ph["files"]]
            eq([("ITL", md5(os.path.join(T, "ITLSEP001122334455.tlv")), "valid", "first-file"),
                ("SGN", md5(os.path.join(T, "SEP001122334455.cnf.xml.sgn")), "valid", None)], got,
               "http-6970 files (type, MD5, signature, trust)")
            eq(["ITLSEP001122334455.tlv", "SEP001122334455.cnf.xml.sgn"], [f["name"] for f in ph["files"]],
               "http-6970 file names (GET /ITLSEP001122334455.tlv, GET /SEP001122334455.cnf.xml.sgn)",
               KNOWN_DISSECTOR_GAPS["http-name"])
            eq("00:11:22:33:44:55", ph["mac"], "http-6970 MAC")
        eq([], inp["findings"], "http-6970: no findings")

    # tftp-blksize.pcap: one ITL in 6 blocks of 1428 (needs TFTP reassembly).
    inp = one_input(doc, "trustlist/tftp-blksize.pcap")
    if inp:
        xfers = tftp_transfers(os.path.join(T, "tftp-blksize.pcap"))
        eq([("127.0.0.2", "ITLSEP001122334455.tlv", "127.0.0.1", 14)], xfers,
           "tftp-blksize transfer (README: 6 data blocks, frames 4..14)")
        ph = phone_by_ip(inp, "127.0.0.2")
        if ph and len(ph["files"]) == 1:
            check_file(ph["files"][0], "ITL", "ITLSEP001122334455.tlv", "127.0.0.1", 14,
                       md5(os.path.join(T, "ITLSEP001122334455.tlv")), "valid", "first-file", "tftp-blksize")
        else:
            ok(False, "tftp-blksize: one file for 127.0.0.2")
        eq([], inp["findings"], "tftp-blksize: no findings")

    # tftp-itl-ctl-sgn.pcap: CTL, ITL, .sgn from one tftp-hpa session.
    inp = one_input(doc, "trustlist/tftp-itl-ctl-sgn.pcap")
    if inp:
        xfers = tftp_transfers(os.path.join(T, "tftp-itl-ctl-sgn.pcap"))
        frames = {name: fr for _, name, _, fr in xfers}
        ph = phone_by_ip(inp, "127.0.0.1")
        if ph:
            exp = [("CTL", "CTLSEP001122334455.tlv", "valid", "first-file"),
                   ("ITL", "ITLSEP001122334455.tlv", "valid", "yes"),
                   ("SGN", "SEP001122334455.cnf.xml.sgn", "valid", None)]
            eq([e[1] for e in exp], [f["name"] for f in ph["files"]], "tftp-itl-ctl-sgn files")
            for f, (typ, name, sig, trust) in zip(ph["files"], exp):
                check_file(f, typ, name, "127.0.0.1", frames.get(name), md5(os.path.join(T, name)), sig, trust,
                           "tftp-itl-ctl-sgn " + name)
        eq([], inp["findings"], "tftp-itl-ctl-sgn: no findings")


# ---- test-captures/tvs -------------------------------------------------------

def check_tvs(path, caps, mode):
    """mode: query-keys (query-found-tac with keys, DSB or RSA key), query-nokeys,
    invalid-nokeys, invalid-keys (tvs-verify-invalid-tls13 with keys or DSB)."""
    doc = load(path)
    D = os.path.join(caps, "tvs")
    srv_serial = cert_serial(os.path.join(D, "tvs-server.pem"))
    srv_sha1 = cert_sha1(os.path.join(D, "tvs-server.pem"))
    eq(1, len(doc["inputs"]), mode + ": one input")
    if len(doc["inputs"]) != 1:
        return
    inp = doc["inputs"][0]
    eq(None, inp["error"], mode + ": no error")
    ph = phone_by_ip(inp, "127.0.0.1")
    if not ph:
        return
    eq(1, len(ph["sessions"]), mode + ": one TLS session to TVS")
    s = ph["sessions"][0] if ph["sessions"] else {}
    eq(2445, s.get("port"), mode + ": session port")
    names = sorted(f["finding"] for f in inp["findings"])
    if mode == "invalid-nokeys":
        eq("cert-hidden", s.get("verdict"), mode + ": TLS 1.3 without keys")
        eq(False, s.get("cert_seen"), mode + ": certificate not seen")
        eq([], ph["exchanges"], mode + ": no exchange")
        eq(["cert-hidden"], names, mode + ": findings")
        return
    eq("no-itl", s.get("verdict"), mode + ": verdict (no ITL in the capture)")
    eq(srv_serial, s.get("cert_serial"), mode + ": certificate serial (openssl tvs-server.pem)")
    eq(srv_sha1, s.get("cert_sha1"), mode + ": certificate SHA-1 (openssl tvs-server.pem)")
    if mode == "query-nokeys":
        eq([], ph["exchanges"], mode + ": no exchange without keys")
        eq(["no-itl"], names, mode + ": findings")
        return
    if mode == "query-keys":
        eq("b0:00:b4:ba:0a:ee", ph["mac"], mode + ": MAC from the device name")
        eq("8861", ph["model"], mode + ": model from the device name")
        exp = {"request_frame": 10, "response_frame": 11, "command": "query", "command_code": 3,
               "request_id": 1001, "answered": True, "status": 0,
               "roles": [{"code": 0, "name": "SAST"}, {"code": 3, "name": "TFTP"}], "ttl": 86400,
               "serial": "24000000179479b8f124ac3f3b000000000017",
               "subject": "CN=ucm11pub.stormin.local;OU=IST;O=Stormin;L=Brisbane;ST=QLD;C=AU",
               "issuer": "CN=stormin-WIN2012-CA"}
        eq(1, len(ph["exchanges"]), mode + ": one exchange")
        for k, v in exp.items():
            eq(v, ph["exchanges"][0].get(k) if ph["exchanges"] else None, mode + ": exchange " + k)
        eq(["no-itl"], names, mode + ": findings")
        return
    if mode == "invalid-keys":
        eq("00:a1:b2:c3:d4:e5", ph["mac"], mode + ": MAC from the device name")
        eq("7841", ph["model"], mode + ": model")
        exp = {"request_frame": 9, "response_frame": 11, "command": "verify", "command_code": 1,
               # frame 11: body 4 bytes, "status 1; no roles, no TTL" (test-captures/README.md)
               "request_id": 1003, "answered": True, "status": 1, "roles": None, "ttl": None,
               "serial": cert_serial(os.path.join(D, "rogue.example.invalid.pem"))}
        eq(1, len(ph["exchanges"]), mode + ": one exchange")
        for k, v in exp.items():
            eq(v, ph["exchanges"][0].get(k) if ph["exchanges"] else None, mode + ": exchange " + k)
        # A verify about rogue.example.invalid (an HTTPS certificate) and no
        # trust list in the capture: a warning about that service, not a
        # trust-list error (issue #16, point 4).
        eq(["no-itl", "tvs-invalid-service"], names, mode + ": findings")
        tvsinv = [f for f in inp["findings"] if f["finding"] == "tvs-invalid-service"]
        if tvsinv:
            eq((11, 9), (tvsinv[0]["frame"], tvsinv[0]["related_frame"]), mode + ": tvs-invalid-service frames")
        return
    ok(False, "unknown tvs mode " + mode)


# ---- test-captures/audit -----------------------------------------------------

A, B, SUB = "127.0.0.1", "127.0.0.20", "127.0.0.10"

# From test-captures/README.md, section audit/, table "The captures and what a
# checker must conclude".  Per phone: files (type, name, served file, server,
# frame of the last TFTP block, signer trusted, signature or None),
# session frames, ITL frame compared, exchanges (command, request, response,
# status, roles, TTL), follow-up of untrusted lists (file frame -> request frame,
# status).  "keys" marks what needs the key log.
AUDIT = {
    ("clean/match.pcap", "127.0.1.1"): {
        "files": [("ITL", "ITLSEP001122334455.tlv", "a-itl.tlv", A, 14, "first-file", "valid")],
        "sessions": [21], "itl_frame": 14,
        "exchanges": [("verify", 25, 26, 0, [7], 86400)]},
    ("site-a/serial-mismatch.pcap", "127.0.2.1"): {
        "files": [("ITL", "ITLSEP001122330201.tlv", "a-itl.tlv", A, 14, "first-file", "valid")],
        "sessions": [21], "itl_frame": 14, "exchanges": []},
    ("site-a/hash-mismatch.pcap", "127.0.3.1"): {
        "files": [("ITL", "ITLSEP001122330301.tlv", "a-itl.tlv", A, 14, "first-file", "valid")],
        "sessions": [21], "itl_frame": 14, "exchanges": []},
    ("site-a/no-tvs-record-blank-itl.pcap", "127.0.4.1"): {
        "files": [("ITL", "ITLSEP001122330401.tlv", "a-itl-blank.tlv", A, 6, "first-file", "valid")],
        "sessions": [13], "itl_frame": 6, "blank": [6],
        "exchanges": [("verify", 17, 18, 0, [7], 86400)]},
    ("site-a/no-tvs-record-sast-tftp.pcap", "127.0.4.2"): {
        "files": [("ITL", "ITLSEP001122330402.tlv", "a-itl-sast-tftp.tlv", A, 8, "first-file", "valid")],
        "sessions": [15], "itl_frame": 8,
        "exchanges": [("verify", 19, 20, 0, [7], 86400)]},
    ("site-a/no-itl.pcap", "127.0.5.1"): {
        "files": [], "sessions": [6], "itl_frame": None,
        "exchanges": [("verify", 10, 11, 0, [7], 86400)]},
    ("site-a/tls13/cert-hidden.pcap", "127.0.6.1"): {
        "files": [("ITL", "ITLSEP001122330601.tlv", "a-itl.tlv", A, 14, "first-file", "valid")],
        "sessions": [21], "itl_frame": None, "exchanges": []},
    ("site-a/tls13/cert-hidden.pcap+keys-withheld", "127.0.6.1"): {
        "files": [("ITL", "ITLSEP001122330601.tlv", "a-itl.tlv", A, 14, "first-file", "valid")],
        "sessions": [21], "itl_frame": 14,
        "exchanges": [("verify", 24, 26, 0, [7], 86400)]},
    ("site-b/deeper/migration-success.pcap", "127.0.7.1"): {
        "files": [("CTL", "CTLSEP001122330701.tlv", "a-ctl.tlv", A, 10, "first-file", "valid"),
                  ("ITL", "ITLSEP001122330701.tlv", "a-itl.tlv", A, 25, "yes", "valid"),
                  ("CTL", "CTLSEP001122330701.tlv", "b-ctl.tlv", B, 34, "no", "valid"),
                  ("ITL", "ITLSEP001122330701.tlv", "b-itl.tlv", B, 61, "yes", "valid"),
                  ("SGN", "SEP001122330701.cnf.xml.sgn", "SEP001122330701.cnf.xml.sgn", B, 66, None, "valid")],
        "sessions": [41], "itl_frame": 25,
        "exchanges": [("query", 45, 46, 0, [0, 3], 86400)],
        "followup": {34: (45, 0)}, "query_serial": "itlrecovery-b"},
    ("site-b/deeper/migration-rollback-fails.pcap", "127.0.8.1"): {
        "files": [("CTL", "CTLSEP001122330801.tlv", "a-ctl.tlv", A, 10, "first-file", "valid"),
                  ("ITL", "ITLSEP001122330801.tlv", "a-itl-blank.tlv", A, 17, "yes", "valid"),
                  ("CTL", "CTLSEP001122330801.tlv", "b-ctl.tlv", B, 26, "no", "valid")],
        "sessions": [], "itl_frame": None, "exchanges": [], "blank": [17], "followup": {26: None}},
    ("site-b/cm-and-tvs-replaced.pcap", "127.0.9.1"): {
        "files": [("ITL", "ITLSEP001122330901.tlv", "a-itl-pre12.tlv", A, 10, "first-file", "valid"),
                  ("ITL", "ITLSEP001122330901.tlv", "a-itl-pre12-regen.tlv", A, 21, "no", "valid")],
        "sessions": [28], "itl_frame": 10, "exchanges": [], "followup": {21: None}},
    ("site-a/two-phones.pcap", "127.0.10.1"): {
        "files": [("ITL", "ITLSEP001122331001.tlv", "a-itl.tlv", A, 14, "first-file", "valid")],
        "sessions": [36], "itl_frame": 14,
        "exchanges": [("verify", 40, 41, 0, [7], 86400)]},
    ("site-a/two-phones.pcap", "127.0.10.2"): {
        "files": [("ITL", "ITLSEP001122331002.tlv", "a-itl-tvs2.tlv", A, 29, "first-file", "valid")],
        "sessions": [52], "itl_frame": 29, "exchanges": []},
    ("site-b/deeper/tvs-invalid.pcap", "127.0.11.1"): {
        "files": [("CTL", "CTLSEP001122331101.tlv", "a-ctl.tlv", A, 10, "first-file", "valid"),
                  ("ITL", "ITLSEP001122331101.tlv", "a-itl.tlv", A, 25, "yes", "valid"),
                  ("CTL", "CTLSEP001122331101.tlv", "b-ctl.tlv", B, 34, "no", "valid")],
        "sessions": [41], "itl_frame": 25,
        # the answer is `57 01 04 00` (test-captures/README.md): a Status
        # element and nothing else, so no Roles element: roles null
        "exchanges": [("query", 45, 46, 1, None, None)],
        "followup": {34: (45, 1)}, "query_serial": "itlrecovery-b"},
    ("site-a/same-name-different-content.pcap", "127.0.12.1"): {
        "files": [("ITL", "ITLFile.tlv", "a-itl.tlv", A, 14, "first-file", "valid"),
                  ("SGN", "SEP001122331201.cnf.xml.sgn", "SEP001122331201.cnf.xml.sgn", A, 19, None, "valid")],
        "sessions": [], "itl_frame": None, "exchanges": []},
    ("site-a/same-name-different-content.pcap", "127.0.12.2"): {
        "files": [("ITL", "ITLFile.tlv", "a-itl-tvs2.tlv", SUB, 34, "first-file", "valid"),
                  ("SGN", "SEP001122331202.cnf.xml.sgn", "SEP001122331202.cnf.xml.sgn", SUB, 39, None, "valid")],
        "sessions": [], "itl_frame": None, "exchanges": []},
}


def read_expected_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cap, mac, ip, cert, verdict, findings, also, outcome, outcome_nokeys = \
                line.rstrip("\n").split("\t")
            split = lambda s: [] if s == "-" else s.split(",")
            def oc(s):      # "status/root_cause/certainty", root '-' = none
                st, rc, ce = s.split("/")
                return {"status": st, "root_cause": None if rc == "-" else rc, "certainty": ce}
            rows.append({"capture": cap, "mac": mac, "ip": ip, "cert": cert, "verdict": verdict,
                         "findings": split(findings), "also": split(also),
                         "outcome": oc(outcome), "outcome_nokeys": oc(outcome_nokeys)})
    return rows


def check_outcomes(path, caps, column, sub="audit"):
    """Each phone's outcome of expected.tsv (column outcome or outcome_nokeys)
    against the JSON of the whole folder (audit/ or keyless/)."""
    doc = load(path)
    AU = os.path.join(caps, sub)
    rows = [r for r in read_expected_tsv(os.path.join(AU, "expected.tsv")) if "+" not in r["capture"]]
    for r in rows:
        inp = one_input(doc, sub + "/" + r["capture"])
        ph = phone_by_ip(inp, r["ip"]) if inp else None
        if not ph:
            ok(False, "%s %s: phone in the report" % (r["capture"], r["ip"]))
            continue
        o = ph["outcome"]
        eq(r[column], {k: o[k] for k in ("status", "root_cause", "certainty")},
           "%s %s: %s" % (r["capture"], r["ip"], column))


def check_audit(path, caps, withheld):
    """The whole audit folder, run with all key logs (not the withheld one), or
    (withheld) site-a/tls13/cert-hidden.pcap alone with its withheld key log."""
    doc = load(path)
    AU = os.path.join(caps, "audit")
    rows = read_expected_tsv(os.path.join(AU, "expected.tsv"))
    if withheld:
        rows = [r for r in rows if r["capture"] == "site-a/tls13/cert-hidden.pcap+keys-withheld"]
    else:
        rows = [r for r in rows if "+" not in r["capture"]]
        caps_found = sorted(os.path.relpath(i["path"], AU) for i in doc["inputs"])
        eq(sorted({r["capture"] for r in rows}), caps_found, "audit/: the inputs are exactly the .pcap files")
        eq(0, doc["summary"]["errors"], "audit/: no unreadable input")
    for r in rows:
        capfile = r["capture"].split("+")[0]
        key = (r["capture"], r["ip"])
        gap = lambda check: KNOWN_ENGINE_GAPS.get((r["capture"], r["ip"], check))
        what = "%s %s" % (r["capture"], r["ip"])
        inp = one_input(doc, "audit/" + capfile)
        if not inp:
            continue
        eq(None, inp["error"], what + " read without error")
        ph = phone_by_ip(inp, r["ip"])
        if not ph:
            continue
        eq(r["mac"], ph["mac"], what + " MAC")
        exp = AUDIT[key]

        # trust lists and signed files
        eq([(f[0], f[1], f[3], f[4]) for f in exp["files"]],
           [(f["type"], f["name"], f["server"], f["frame"]) for f in ph["files"]], what + " files (type, name, server, frame)")
        for f, (typ, name, served, server, frame, trust, sig) in zip(ph["files"], exp["files"]):
            w = "%s %s frame %d" % (what, name, frame)
            eq(md5(os.path.join(AU, "served", served)), f["md5"], w + " MD5 = served/" + served)
            eq(trust, f["signer_trusted"], w + " signer trusted")
            eq(sig, f["signature"], w + " signature")
            eq(frame in exp.get("blank", []), f["blank_itl"], w + " blank ITL")
            if frame in exp.get("followup", {}):
                fu = exp["followup"][frame]
                got = None if f["tvs_followup"] is None else (f["tvs_followup"]["request_frame"],
                                                              f["tvs_followup"]["status"])
                eq(fu, got, w + " TVS follow-up (request frame, status)")

        # TVS sessions and verdicts
        verdicts = [s["verdict"] for s in ph["sessions"]]
        eq(exp["sessions"], [s["frame"] for s in ph["sessions"]], what + " TVS session frames")
        if r["verdict"] == "-":
            eq([], verdicts, what + " no TVS session")
        else:
            eq([r["verdict"]] * len(exp["sessions"]), verdicts, what + " TVS verdict", gap("verdict"))
            eq(len(exp["sessions"]), ph["verdicts"].get(r["verdict"]), what + " per-phone verdict count",
               gap("verdict"))
        for s in ph["sessions"]:
            if s["verdict"] == "cert-hidden":
                eq(False, s["cert_seen"], what + " certificate hidden")
                continue
            pem = os.path.join(AU, "certs", r["cert"] + ".pem")
            eq(cert_serial(pem), s["cert_serial"], what + " TVS certificate serial (openssl %s)" % r["cert"])
            eq(cert_sha1(pem), s["cert_sha1"], what + " TVS certificate SHA-1 (openssl %s)" % r["cert"])
            eq(exp["itl_frame"], s["itl_frame"], what + " ITL compared", gap("itl_frame"))
            eq(2445, s["port"], what + " TVS port")
            eq(A, s["server"], what + " TVS server")

        # TVS exchanges (need the key log)
        got = [(x["command"], x["request_frame"], x["response_frame"], x["status"],
                [ro["code"] for ro in x["roles"]] if x["roles"] is not None else None, x["ttl"])
               for x in ph["exchanges"]]
        eq([tuple(e) for e in exp["exchanges"]], got, what + " TVS exchanges")
        if exp.get("query_serial") and ph["exchanges"]:
            eq(cert_serial(os.path.join(AU, "certs", exp["query_serial"] + ".pem")), ph["exchanges"][0]["serial"],
               what + " TVS query serial (openssl %s)" % exp["query_serial"])

        o = ph["outcome"]
        eq(r["outcome"], {k: o[k] for k in ("status", "root_cause", "certainty")}, what + " outcome (with keys)")
        # findings: every required one reported for this phone; nothing beyond required + also
        mine = [f for f in inp["findings"] if f["phone_ip"] == r["ip"]]
        file_frames = {f["frame"] for f in ph["files"]}
        covered = {f["finding"] for f in mine}
        # A same-name finding is reported once, for the second phone; it also
        # covers the phone whose download is its related frame.
        covered |= {f["finding"] for f in inp["findings"]
                    if f["finding"] == "same-name-different-content" and f["related_frame"] in file_frames}
        for code in r["findings"]:
            name = FINDING_NAMES[code]
            ok(name in covered, "%s finding %s reported" % (what, name), gap("finding " + code))
        allowed = {FINDING_NAMES[c] for c in r["findings"] + r["also"]}
        for f in mine:
            ok(f["finding"] in allowed, "%s finding %s (frame %s) is expected or true by construction"
               % (what, f["finding"], f["frame"]))
    if not withheld:
        eq(1, doc["summary"]["exit_status"], "audit/: exit status in the summary")


# ---- truncated capture -------------------------------------------------------

def cut_offset(pcap):
    """Cut tftp-variants.pcap inside the record two after the end of the
    third transfer: the first three files are complete, the fourth is not."""
    xfers = tftp_transfers(pcap)
    third = xfers[2][3]
    for frame, off, end, _, _ in pcap_records(pcap):
        if frame == third + 2:
            print(off + (end - off) // 2, frame - 1)
            return
    raise SystemExit("capture too short")


def check_truncated(path, pcap, complete):
    doc = load(path)
    xfers = tftp_transfers(pcap)
    eq(1, len(doc["inputs"]), "truncated: one input")
    inp = doc["inputs"][0]
    ok(inp["error"] is not None, "truncated: the error is reported (%r)" % inp["error"])
    eq(complete, inp["frames"], "truncated: frames read up to the cut")
    ph = phone_by_ip(inp, "127.0.0.1")
    if ph:
        eq([(n, fr) for _, n, _, fr in xfers[:3]], [(f["name"], f["frame"]) for f in ph["files"]],
           "truncated: the three files before the cut are kept")
    eq([("bad-signature", xfers[2][3])], [(f["finding"], f["frame"]) for f in inp["findings"]],
       "truncated: the corrupt ITL's finding is kept, nothing after the cut")
    eq(2, doc["summary"]["exit_status"], "truncated: exit status in the summary")


# ---- CSV ---------------------------------------------------------------------

def check_csv(csv_path, json_path):
    raw = open(csv_path, "rb").read()
    doc = load(json_path)
    lines = raw.split(b"\r\n")
    eq(b"", lines[-1], "CSV ends with CRLF")
    ok(b"\n" not in raw.replace(b"\r\n", b""), "CSV: no bare LF outside quoted fields (RFC 4180 line ends)")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    eq(["input", "phone_mac", "phone_ip", "frame", "related_frame", "finding", "severity", "detail",
        "explanation", "remediation", "time", "related_time", "certainty", "phone_outcome", "phone_root_cause"],
       rows[0] if rows else None, "CSV header")
    body = rows[1:]
    findings = [(i["path"], f) for i in doc["inputs"] for f in i["findings"]]
    eq(len(findings), len(body), "CSV: one row per finding")
    ok(all(len(r) == 15 for r in body), "CSV: 15 fields in every row")
    phones = {(i["path"], p["ip"], p["mac"]): p for i in doc["inputs"] for p in i["phones"]}
    def po(p, f, k):
        ph = phones.get((p, f["phone_ip"], f["phone_mac"]))
        return (ph["outcome"][k] or "") if ph else ""
    exp = [[p, f["phone_mac"] or "", f["phone_ip"] or "", str(f["frame"]),
            str(f["related_frame"]) if f["related_frame"] else "", f["finding"], f["severity"], f["detail"],
            f["explanation"], f["remediation"], f["time"] or "", f["related_time"] or "", f["certainty"],
            po(p, f, "status"), po(p, f, "root_cause")] for p, f in findings]
    eq(exp, body, "CSV rows round-trip (RFC 4180 quoting) to the JSON findings")
    if any('"' in field for r in body for field in r):
        ok(b'""' in raw, "CSV: a double quote inside a field is doubled")


def main():
    mode = sys.argv[1]
    if mode == "schema":
        check_schema(sys.argv[2], sys.argv[3])
    elif mode == "trustlist":
        check_trustlist(sys.argv[2], sys.argv[3])
    elif mode == "tvs":
        check_tvs(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "audit":
        check_audit(sys.argv[2], sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "withheld")
    elif mode == "outcomes":
        check_outcomes(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "audit")
    elif mode == "cut-offset":
        cut_offset(sys.argv[2])
        return
    elif mode == "truncated":
        check_truncated(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "csv":
        check_csv(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
