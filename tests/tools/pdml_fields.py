#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Which fields (expert infos included: they are fields named like the
expert, e.g. tvs.element.overrun) each packet of a PDML file has.

  pdml_fields.py FILE.pdml [PREFIX...]

Prints one line per packet: "FRAME<TAB>name=show<TAB>name=show..." for
every field whose name starts with one of the PREFIXes (default: all), in
document order.  A field without a value prints as "name=".
"""
import sys
import xml.etree.ElementTree as ET


def main():
    prefixes = tuple(sys.argv[2:]) or ("",)
    for _ev, pkt in ET.iterparse(sys.argv[1]):
        if pkt.tag != "packet":
            continue
        frame, out = "?", []
        for f in pkt.iter():
            name = f.get("name") or ""
            if name == "frame.number":
                frame = f.get("show")
            if f.tag in ("field", "proto") and name and name.startswith(prefixes):
                out.append("%s=%s" % (name, f.get("show") or ""))
        print("\t".join([frame] + out))
        pkt.clear()


if __name__ == "__main__":
    main()
