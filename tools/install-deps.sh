#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install everything the build, the tests and the generators need on
# Debian 12 (bookworm) with apt-get.  Run as root or with sudo available.
# clang, libclang-rt-14-dev (libFuzzer, the sanitizer runtimes) and llvm-14
# (llvm-symbolizer, for readable crash reports) are for
# the fuzz harnesses (-DSBD_FUZZ=ON, fuzz/README.md).
set -eu
SUDO=
EXTRA=
# As root, also install sudo so the README's "sudo cmake --install" works.
if [ "$(id -u)" -eq 0 ]; then EXTRA=sudo; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; keep the default (no).
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential cmake pkg-config ca-certificates \
    libwireshark-dev libwiretap-dev libwsutil-dev libglib2.0-dev \
    libgcrypt20-dev libssl-dev openssl \
    tshark python3 xxd util-linux clang libclang-rt-14-dev llvm-14 $EXTRA >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends dpkg-dev file >/dev/null  # cpack -G DEB (README, "Debian package")
