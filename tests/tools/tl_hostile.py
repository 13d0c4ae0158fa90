#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile trust lists made from the real sample (formats.md 3.7).

  tl_hostile.py SAMPLE OUTDIR

writes OUTDIR/NAME.tlv for every case and OUTDIR/cases.tsv with
"NAME<TAB>expected expert/field names, comma-separated".

Length fields: every length of the header (header length value, element
lengths, container lengths, nested containers) and of the records (record
length, element lengths) set to 0, 1, 65535 and to one byte past the end of
what encloses it.  The offsets come from walking the file by the rules of
formats.md 2-3 (independently of the plugin); what each case must show
follows from which length is wrong and how.

Bounds: 300 certificate records, a certificate with 600 name attributes,
256 SAST records with 8192-bit RSA keys and exponents.
"""
import struct
import sys

CONTAINERS = {3, 7, 9, 16, 17, 21}


def walk_header(d):
    """[(tag, offset, length, container)] of the header elements."""
    hl = struct.unpack(">H", d[8:10])[0]
    off, out = 0, []
    while off < hl:
        tag = d[off]
        if tag == 13:
            off += 1
            continue
        ln = struct.unpack(">H", d[off + 1:off + 3])[0]
        out.append((tag, off, ln, tag in CONTAINERS))
        off += 3 if tag in CONTAINERS else 3 + ln
    return hl, out


def walk_record(d, off):
    """record length and [(tag, offset, length)] of the record at off."""
    rlen = struct.unpack(">H", d[off + 3:off + 5])[0]
    p, out = off + 5, []
    while p + 3 <= off + rlen:
        tag, ln = d[p], struct.unpack(">H", d[p + 1:p + 3])[0]
        out.append((tag, p, ln))
        p += 3 + ln
    return rlen, out


def set_len(d, off, value):
    b = bytearray(d)
    b[off + 1:off + 3] = struct.pack(">H", value)
    return bytes(b)


def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = b"\x81" + bytes([n])
    else:
        ln = b"\x82" + n.to_bytes(2, "big")
    return bytes([tag]) + ln + body


def tlv(tag, value):
    return bytes([tag]) + len(value).to_bytes(2, "big") + value


RSA_OID = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")


def certificate(serial, subject, n, e):
    """A certificate the way the DER looks (no valid CA signature needed)."""
    pk = der(0x30, der(0x02, n) + der(0x02, e))
    spki = der(0x30, RSA_OID + der(0x03, b"\x00" + pk))
    validity = der(0x30, der(0x17, b"200101000000Z") + der(0x17, b"400101000000Z"))
    issuer = der(0x30, der(0x31, der(0x30, der(0x06, b"\x55\x04\x03") + der(0x0c, b"CA"))))
    tbs = der(0x30, der(0xa0, der(0x02, b"\x02")) + der(0x02, serial) + RSA_OID + issuer + validity +
              subject + spki)
    return der(0x30, tbs + RSA_OID + der(0x03, b"\x00" + b"\x01" * 64))


def record(role, serial, cert, name=b"CN=hostile\x00"):
    body = tlv(4, role.to_bytes(2, "big")) + tlv(3, name) + tlv(5, b"CN=CA\x00") + tlv(6, serial) + tlv(9, cert)
    return tlv(1, (5 + len(body)).to_bytes(2, "big")) + body


def header(serial, sig_len, hash_code=1, name=b"ITLFile.tlv\x00"):
    elems = (tlv(3, tlv(4, b"CN=hostile\x00") + tlv(5, serial) + tlv(6, b"CN=CA\x00")) +
             tlv(7, tlv(8, bytes([hash_code])) + tlv(9, tlv(10, b"\x00") + tlv(11, b"\x02") +
                                                     tlv(12, b"\x5a" * sig_len))) +
             tlv(14, name) + tlv(15, b"\x67\x74\x85\x80"))
    hl = 10 + len(elems)
    pad = (-hl) % 4
    return tlv(1, b"\x01\x02") + tlv(2, (hl + pad).to_bytes(2, "big")) + elems + b"\x0d" * pad


def main():
    d = open(sys.argv[1], "rb").read()
    out = sys.argv[2]
    cases = []

    def put(name, data, expect):
        open("%s/%s.tlv" % (out, name), "wb").write(data)
        cases.append((name, expect))

    hl, hdr = walk_header(d)
    first = {}
    for tag, off, ln, cont in hdr:
        first.setdefault(tag, (off, ln, cont))
    end = len(d)

    # header length value (0, 65535 and 389 are in test_ciscotl_hostile.sh)
    put("hl_one", d[:8] + b"\x00\x01" + d[10:], "ciscotl.header_length.bad")

    # header elements: 0, 1, 65535, one past the end of the file
    for tag, label, zero, one in ((4, "signer_name", "ciscotl.string.no_nul", "ciscotl.string.no_nul"),
                                  (5, "signer_serial", "ciscotl", "ciscotl"),
                                  (6, "signer_issuer", "ciscotl.string.no_nul", "ciscotl.string.no_nul"),
                                  (8, "hash_alg", "ciscotl.element.bad_length", None),
                                  (12, "signature", "ciscotl", "ciscotl"),
                                  (14, "filename", "ciscotl.string.no_nul", "ciscotl.string.no_nul"),
                                  (15, "timestamp", "ciscotl.element.bad_length", "ciscotl.element.bad_length"),
                                  (28, "signer_version", "ciscotl.element.bad_length",
                                   "ciscotl.element.bad_length")):
        off, ln, _c = first[tag]
        put("h_%s_len0" % label, set_len(d, off, 0), zero)
        if one:
            put("h_%s_len1" % label, set_len(d, off, 1), one)
        put("h_%s_lenmax" % label, set_len(d, off, 0xffff), "ciscotl.len_past_end")
        put("h_%s_past_end" % label, set_len(d, off, end - off - 3 + 1), "ciscotl.len_past_end")

    # containers, and a nested one claiming more than the header
    for tag, label in ((3, "signer_info"), (7, "signature_info"), (9, "sigalg_info")):
        off, ln, _c = first[tag]
        put("c_%s_len0" % label, set_len(d, off, 0), "ciscotl")
        put("c_%s_len1" % label, set_len(d, off, 1), "ciscotl.container.overrun")
        put("c_%s_lenmax" % label, set_len(d, off, 0xffff), "ciscotl.container.overrun")
        put("c_%s_past_header" % label, set_len(d, off, hl - off - 3 + 1), "ciscotl.container.overrun")
    both = set_len(set_len(d, first[7][0], 0xffff), first[9][0], 0xfff0)
    put("c_nested_both_max", both, "ciscotl.container.overrun")

    # record 1: its length and its elements
    r1 = hl
    rlen, rel = walk_record(d, r1)
    put("r_len1", d[:r1 + 3] + b"\x00\x01" + d[r1 + 5:], "ciscotl.record.length.mismatch")
    put("r_lenmax", d[:r1 + 3] + b"\xff\xff" + d[r1 + 5:], "ciscotl.len_past_end")
    rfirst = {}
    for tag, off, ln in rel:
        rfirst.setdefault(tag, (off, ln))
    for tag, label, zero, one in ((3, "subject", "ciscotl.string.no_nul", "ciscotl.string.no_nul"),
                                  (4, "role", "ciscotl.element.bad_length", "ciscotl.element.bad_length"),
                                  (6, "serial", "ciscotl", "ciscotl"),
                                  (9, "certificate", "ciscotl.record.bad_certificate",
                                   "ciscotl.record.bad_certificate")):
        off, ln = rfirst[tag]
        put("r_%s_len0" % label, set_len(d, off, 0), zero)
        put("r_%s_len1" % label, set_len(d, off, 1), one)
        put("r_%s_lenmax" % label, set_len(d, off, 0xffff), "ciscotl.record.length.mismatch")
        put("r_%s_past_record" % label, set_len(d, off, r1 + rlen - off - 3 + 1),
            "ciscotl.record.length.mismatch")

    # 300 more copies of record 1 (SAST, with its certificate)
    put("many_certs", d + d[r1:r1 + rlen] * 300, "ciscotl.record_count == 305")

    # a certificate whose subject has 600 attributes
    rdns = b"".join(der(0x31, der(0x30, der(0x06, b"\x55\x04\x0b") + der(0x0c, b"u%03d" % i)))
                    for i in range(600))
    cert = certificate(b"\x42", der(0x30, rdns), b"\x00" + b"\xc3" * 256, b"\x01\x00\x01")
    put("cert_600_attributes", header(b"\x42", 256) + record(0, b"\x42", cert),
        "ciscotl.record.x509_omitted,ciscotl.record.cert_serial")

    # 256 SAST records with the signer's serial, 8192-bit modulus and exponent
    big = certificate(b"\x11\x22", der(0x30, der(0x31, der(0x30, der(0x06, b"\x55\x04\x03") + der(0x0c, b"big")))),
                      b"\x00" + b"\xc3" * 1024, b"\x01" + b"\xfd" * 1023)
    put("rsa_8192_exponent", header(b"\x11\x22", 1024, hash_code=3) + record(0, b"\x11\x22", big) * 256,
        "ciscotl.record_count == 256,ciscotl.signature.unsupported")

    # 10,000 blank records (33 bytes each, as a rolled-back ITL has)
    blank = tlv(1, b"\x00\x21") + tlv(2, b"10.48.47.153\x00") + tlv(4, b"\x00\x02") + tlv(10, b"\x0a\x30\x2f\x99")
    assert len(blank) == 33
    put("many_records", d[:hl] + blank * 10000, "ciscotl.record_count == 10000,ciscotl.too_many_records")

    with open(out + "/cases.tsv", "w") as f:
        for name, expect in cases:
            f.write("%s\t%s\n" % (name, expect))


if __name__ == "__main__":
    main()
