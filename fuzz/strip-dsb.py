#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Move the TLS secrets of a pcapng file out into a key log.

  strip-dsb.py IN.pcapng OUT.pcapng OUT.keys

editcap 4.0 cannot write a pcapng whose Decryption Secrets Block comes
before its Interface Description Block (as `editcap --inject-secrets`
makes them): this copies the file without its DSBs and writes their TLS
key log (secrets type 0x544c534b) to OUT.keys, for `-o tls.keylog_file:`.
Little-endian section headers only (what our tools write)."""
import struct
import sys


def main():
    d = open(sys.argv[1], "rb").read()
    out, keys, o = [], [], 0
    if d[8:12] != b"\x4d\x3c\x2b\x1a":
        sys.exit("%s: not a little-endian pcapng file" % sys.argv[1])
    while o + 12 <= len(d):
        btype, blen = struct.unpack("<II", d[o:o + 8])
        if blen < 12 or o + blen > len(d):
            sys.exit("%s: bad block at %d" % (sys.argv[1], o))
        block = d[o:o + blen]
        if btype == 0x0000000A:
            stype, slen = struct.unpack("<II", block[8:16])
            if stype == 0x544C534B:
                keys.append(block[16:16 + slen])
        else:
            out.append(block)
        o += blen
    open(sys.argv[2], "wb").write(b"".join(out))
    open(sys.argv[3], "wb").write(b"".join(k if k.endswith(b"\n") else k + b"\n" for k in keys))


if __name__ == "__main__":
    main()
