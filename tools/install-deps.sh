#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install everything the build, the tests and the generators need with
# apt-get, on Debian 12 (bookworm), 13 (trixie) and unstable (sid): run as
# root, or as a user who has sudo.
# clang, libclang-rt-dev (libFuzzer, the sanitizer runtimes) and llvm
# (llvm-symbolizer, for readable crash reports) are for the fuzz harnesses
# (-DSBD_FUZZ=ON, fuzz/README.md): the unversioned packages of Debian's
# default LLVM (14 in Debian 12, 19 in Debian 13), so that the same list
# works on every release.
set -eu
SUDO=
EXTRA=
# As root, also install sudo so the README's "sudo cmake --install" works.
if [ "$(id -u)" -eq 0 ]; then
    EXTRA=sudo
elif command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
else
    echo "$0: needs root, or sudo to become root: run it as root (e.g. su -c $0)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$0: needs apt-get (Debian 12, 13 or unstable)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; keep the default (no).
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    build-essential cmake pkg-config ca-certificates \
    libwireshark-dev libwiretap-dev libwsutil-dev libglib2.0-dev \
    libgcrypt20-dev libssl-dev openssl \
    tshark python3 xxd util-linux clang libclang-rt-dev llvm dpkg-dev file $EXTRA >/dev/null
