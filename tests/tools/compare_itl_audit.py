#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Developer check: run two itl-audit binaries (a reference build of an
# earlier commit and the current one) over the same inputs and options and
# compare stdout, stderr and exit status.  Meant for refactorings that must
# not change the output:
#
#   git worktree add /tmp/ref <commit> && cmake -S /tmp/ref -B /tmp/ref/build \
#       -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/ref/build --target itl-audit
#   python3 tests/tools/compare_itl_audit.py /tmp/ref/build/tools/itl-audit/itl-audit \
#       build/tools/itl-audit/itl-audit [--quick]
#
# Cases: all of test-captures/ (text, --json, --csv, -q; -j 1 and -j 2; with
# and without all the .keys files as --keylog), each folder in it (text,
# --json), every capture on its own (text; --json with the key logs; --quick
# leaves these out), --phone, and error
# cases (missing file, not a capture, empty file, a bare trust list, an input
# path with control characters and invalid UTF-8, usage errors).
#
# Text and CSV must be byte-identical.  JSON: byte-identical, or with
# --json-equal, equal after json.loads() (reported as such), for a change of
# JSON writer whose escaping may differ in bytes but not in value.
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CAPS = os.path.join(ROOT, "test-captures")
CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz", ".ntar", ".ntar.gz")


def run(binary, args, cwd):
    p = subprocess.run([binary] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600, env=dict(os.environ, LC_ALL="C"))
    return p.returncode, p.stdout, p.stderr


def cases(work, quick):
    keys = sorted(os.path.join(d, f) for d, _, fs in os.walk(CAPS) for f in fs if f.endswith(".keys"))
    keyargs = [a for k in keys for a in ("--keylog", k)]
    dirs = sorted(os.path.join(CAPS, d) for d in os.listdir(CAPS) if os.path.isdir(os.path.join(CAPS, d)))
    caps = sorted(os.path.join(d, f) for d, _, fs in os.walk(CAPS) for f in fs
                  if f.lower().endswith(CAPTURE_EXT))
    out = []
    for d in dirs:
        out.append(["-j", "2", d])
        out.append(["--json", "-j", "2", d])
        out.append(["--json", "-j", "2"] + keyargs + [d])
    for fmt in ([], ["--json"], ["--csv"], ["-q"]):
        for j in ("1", "2"):
            out.append(fmt + ["-j", j, CAPS])
            out.append(fmt + ["-j", j] + keyargs + [CAPS])
    if not quick:
        for c in caps:
            out.append([c])
            out.append(["--json"] + keyargs + [c])
    audit = os.path.join(CAPS, "audit")
    for fmt in ([], ["--json"], ["--csv"]):
        out.append(fmt + ["--phone", "00:11:22:33:10:02", audit])
        out.append(fmt + ["--phone", "SEP001122331001", "-j", "1", audit])
    # Error cases and hostile names.
    good = os.path.join(CAPS, "trustlist", "tftp-itl-ctl-sgn.pcap")
    hostile = os.path.join(work.encode(), b"bad\x1b[31m\xff\xfe\x7f\"q\\,name\x01.pcap")
    shutil.copy(good, hostile)
    empty = os.path.join(work, "empty.pcap")
    open(empty, "wb").close()
    text = os.path.join(work, "notes.pcap")
    with open(text, "w") as f:
        f.write("not a capture\n")
    missing = os.path.join(work, "missing.pcap")
    itl = os.path.join(CAPS, "trustlist", "ITLFile.tlv")
    readme = os.path.join(CAPS, "README.md")
    for fmt in ([], ["--json"], ["--csv"], ["-q"]):
        out.append(fmt + [missing])
        out.append(fmt + [missing, good, empty, text, itl, readme, work])
        out.append(fmt + ["-j", "1", good, missing, work])
        out.append(fmt + [hostile])
        out.append(fmt + ["-j", "1", hostile, good])
    out += [[], ["--json", "--csv", good], ["--phone", "zz", good], ["--tvs-port", "0", good],
            ["-j", "0", good], ["--bogus", good], ["--keylog"], ["--keylog", missing, good],
            ["-o", "nocolon", good], ["-o", "no.such.pref:1", good], ["--help"], ["--version"]]
    return out


def show(args):
    return " ".join(a.decode("utf-8", "backslashreplace") if isinstance(a, bytes) else a for a in args)


def compare(ref, new, args, work, json_equal):
    a = run(ref, args, work)
    b = run(new, args, work)
    problems, notes = [], []
    if a[0] != b[0]:
        problems.append("exit status %d vs %d" % (a[0], b[0]))
    if a[2] != b[2]:
        problems.append("stderr differs:\n--- ref\n%s\n--- new\n%s" % (a[2].decode("utf-8", "replace")[:2000],
                                                                    b[2].decode("utf-8", "replace")[:2000]))
    if a[1] != b[1]:
        if "--json" in args and json_equal:
            try:
                if json.loads(a[1]) == json.loads(b[1]):
                    notes.append("JSON equal after json.loads(), bytes differ")
                else:
                    problems.append("JSON values differ")
            except ValueError as e:
                problems.append("JSON does not parse: %s" % e)
        else:
            problems.append("stdout differs")
    if "--json" in args and b[1]:
        try:
            json.loads(b[1].decode("utf-8"))
        except ValueError as e:
            problems.append("new JSON is not valid UTF-8 JSON: %s" % e)
    return args, problems, notes, a, b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ref")
    ap.add_argument("new")
    ap.add_argument("--quick", action="store_true", help="leave out the per-capture runs")
    ap.add_argument("--json-equal", action="store_true", help="JSON: equal values suffice")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="write the differing outputs under this directory")
    opts = ap.parse_args()
    opts.ref, opts.new = os.path.abspath(opts.ref), os.path.abspath(opts.new)
    work = tempfile.mkdtemp(prefix="cmp-itl-audit-")
    try:
        todo = cases(work, opts.quick)
        bad = noted = 0
        with concurrent.futures.ThreadPoolExecutor(opts.jobs) as ex:
            futs = [ex.submit(compare, opts.ref, opts.new, c, work, opts.json_equal) for c in todo]
            for i, fut in enumerate(futs):
                args, problems, notes, a, b = fut.result()
                if notes:
                    noted += 1
                    print("NOTE %s: %s" % (show(args), "; ".join(notes)))
                if problems:
                    bad += 1
                    print("DIFF %s:\n  %s" % (show(args), "\n  ".join(problems)))
                    if opts.keep:
                        os.makedirs(opts.keep, exist_ok=True)
                        for tag, r in (("ref", a), ("new", b)):
                            with open(os.path.join(opts.keep, "%d.%s.out" % (i, tag)), "wb") as f:
                                f.write(r[1])
        print("%d cases, %d differ, %d equal only as JSON values" % (len(todo), bad, noted))
        return 1 if bad else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
