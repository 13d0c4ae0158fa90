#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent helper for the tests (not the plugin's parser): walks a
trust-list / .sgn file by the rules of formats.md 1-3 and writes what
openssl needs to check the signature and the certificates.

  tl_split.py FILE OUTDIR

writes OUTDIR/signed.bin (file minus the signature TLV), OUTDIR/sig.bin,
OUTDIR/hash (hash code), OUTDIR/signer_serial (hex), OUTDIR/cert-N.der for
every record certificate and OUTDIR/roles (one role per record)."""
import os
import struct
import sys

CONTAINERS = {3, 7, 9, 16, 17, 21}


def main():
    data = open(sys.argv[1], "rb").read()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    hl = struct.unpack(">H", data[8:10])[0]
    off, sig, hash_code, serial = 0, None, None, b""
    while off < hl:
        tag = data[off]
        if tag == 13:
            off += 1
            continue
        ln = struct.unpack(">H", data[off + 1:off + 3])[0]
        if tag in CONTAINERS:
            off += 3
            continue
        val = data[off + 3:off + 3 + ln]
        if tag == 12:
            sig = (off, ln)
            open(os.path.join(out, "sig.bin"), "wb").write(val)
        elif tag == 8:
            hash_code = val[0]
        elif tag == 5:
            serial = val
        off += 3 + ln
    if sig:
        o, ln = sig
        open(os.path.join(out, "signed.bin"), "wb").write(data[:o] + data[o + 3 + ln:])
    open(os.path.join(out, "hash"), "w").write("%s\n" % hash_code)
    open(os.path.join(out, "signer_serial"), "w").write(serial.hex() + "\n")
    roles, n = [], 0
    off = hl
    while off + 5 <= len(data) and data[off] == 1:
        rlen = struct.unpack(">H", data[off + 3:off + 5])[0]
        rec, p, role = data[off:off + rlen], 5, None
        n += 1
        while p + 3 <= len(rec):
            tag = rec[p]
            ln = struct.unpack(">H", rec[p + 1:p + 3])[0]
            val = rec[p + 3:p + 3 + ln]
            if tag == 4:
                role = struct.unpack(">H", val)[0]
            elif tag == 9:
                open(os.path.join(out, "cert-%d.der" % n), "wb").write(val)
            p += 3 + ln
        roles.append("" if role is None else str(role))
        off += rlen
    open(os.path.join(out, "roles"), "w").write(",".join(roles) + "\n")


if __name__ == "__main__":
    main()
