#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a command and measure it.

  measure.py OUTFILE CMD [ARGS...]

stdout and stderr of CMD go to OUTFILE.  Prints one line "EXIT SECONDS
PEAK_RSS_MB": CMD's exit status (128+N for signal N), its wall-clock time
and the largest resident set of CMD or any process it waited for (the
limits themselves are set by the caller with `ulimit -v` and `timeout`).
"""
import resource
import subprocess
import sys
import time


def main():
    start = time.monotonic()
    with open(sys.argv[1], "wb") as out:
        rc = subprocess.call(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.monotonic() - start
    if rc < 0:
        rc = 128 - rc
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print("%d %.1f %d" % (rc, elapsed, peak))


if __name__ == "__main__":
    main()
