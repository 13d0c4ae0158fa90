#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the project and run every test in a minimal Debian chroot
# (debootstrap --variant=minbase) of another release, with the Wireshark of
# that release: how CI proves the plugin and itl-audit on Wireshark 4.4
# (Debian 13, trixie) and 4.6 (Debian unstable, sid).  Run as root; needs
# debootstrap and access to the Debian archive.
#
#   tools/chroot-test.sh [options] SUITE      e.g. trixie, sid, forky
#     --dir DIR     the chroot (default: build-chroot/SUITE in this checkout;
#                   kept, so that a second run skips debootstrap and apt)
#     --prepare     only make the chroot and install the build dependencies
#                   (with tools/install-deps.sh, run inside it)
#     --all         also the tests labelled "slow" (tests/CMakeLists.txt),
#                   which CI runs on Debian 12 only
#     --sanitize    build with -DSBD_SANITIZE=ON (the default is a plain
#                   RelWithDebInfo build; both with -Werror)
#     --mirror URL  default http://deb.debian.org/debian
#
# The checkout's files (tracked and not ignored ones) are copied to
# /root/cucm-sbd in the chroot: a root-only clone, as on a fresh machine, so
# that the tests' privilege drop for tshark is exercised too.  When the
# build has a CPack configuration and tools/deb-smoke.sh exists, the .deb is
# made with `cpack -G DEB` and checked with that script inside the chroot.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir= prepare=0 sanitize=0 all=0 mirror=http://deb.debian.org/debian suite=
die() { echo "chroot-test: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case $1 in
        --dir) dir=$2; shift 2 ;;
        --prepare) prepare=1; shift ;;
        --sanitize) sanitize=1; shift ;;
        --all) all=1; shift ;;
        --mirror) mirror=$2; shift 2 ;;
        -h|--help) sed -n '3,25p' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [ -z "$suite" ] || die "one SUITE only"; suite=$1; shift ;;
    esac
done
[ -n "$suite" ] || die "usage: $0 [--dir DIR] [--prepare] [--sanitize] SUITE (e.g. trixie, sid)"
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount)"
dir=${dir:-$src/build-chroot/$suite}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
t0=$(date +%s)
stage() { echo "chroot-test[$suite]: $* ($(( $(date +%s) - t0 )) s)"; }

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount_in() {    # mount_in TYPE TARGET
    mkdir -p "$dir$2"
    if ! mountpoint -q "$dir$2"; then
        mount -t "$1" "sbd-$1" "$dir$2"
        mounted+=("$dir$2")
    fi
}
in_chroot() {
    chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}

# --- 1. the chroot, with the build dependencies -----------------------------
if [ ! -f "$dir/.sbd-deps-ok" ]; then
    command -v debootstrap >/dev/null ||
        die "debootstrap is not installed (apt-get install debootstrap)"
    host=${mirror#*://}; host=${host%%/*}
    timeout 20 bash -c "exec 3<>/dev/tcp/$host/80" 2>/dev/null ||
        die "cannot reach $host (port 80): the chroot needs the Debian archive"
    if [ ! -x "$dir/usr/bin/apt-get" ]; then
        stage "debootstrap --variant=minbase $suite into $dir"
        debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
            die "debootstrap failed (unknown suite '$suite'? see $dir.debootstrap.log)"
    fi
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    # A mirror of unstable can lag behind the clock (an expired Release file);
    # debootstrap does not mind, apt does.
    echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99sbd-valid-until"
    mount_in proc /proc
    cp "$src/tools/install-deps.sh" "$dir/tmp/install-deps.sh"
    stage "tools/install-deps.sh in the chroot"
    in_chroot sh /tmp/install-deps.sh || die "tools/install-deps.sh failed in the $suite chroot"
    touch "$dir/.sbd-deps-ok"
fi
mount_in proc /proc
mount_in tmpfs /dev/shm
wsver=$(in_chroot dpkg-query -W -f '${Version}' tshark)
stage "$suite chroot ready: tshark $wsver"
[ $prepare = 1 ] && exit 0

# --- 2. the checkout, as a root-only clone ---------------------------------
work=/root/cucm-sbd
rm -rf "$dir$work"
mkdir -p "$dir$work"
chmod 700 "$dir/root"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$src" ls-files -z --cached --others --exclude-standard |
        (cd "$src" && tar --null -T - --ignore-failed-read -cf -) | tar -C "$dir$work" -xf -
else
    tar -C "$src" --exclude='./build*' -cf - . | tar -C "$dir$work" -xf -
fi

# --- 3. build (-Werror) and every test ------------------------------------
cmake_args=()
[ $sanitize = 1 ] && cmake_args+=(-DSBD_SANITIZE=ON)
stage "build (${cmake_args[*]:-plain})"
in_chroot bash -c "cd $work && cmake -S . -B build ${cmake_args[*]} >build.cmake.log &&
                   cmake --build build -j2" || die "build failed on $suite (tshark $wsver)"
stage "ctest"
rc=0
ctest_sel=; [ $all = 1 ] || ctest_sel="-LE slow"
in_chroot bash -c "cd $work && ctest --test-dir build -j2 $ctest_sel --output-on-failure" || rc=$?
if [ $rc != 0 ]; then
    die "tests failed on $suite (tshark $wsver)"
fi
stage "every test${ctest_sel:+ (but those labelled slow)} passed on $suite (tshark $wsver)"

# --- 4. the Debian package, where this checkout makes one ------------------
if [ -x "$src/tools/deb-smoke.sh" ] && [ -f "$dir$work/build/CPackConfig.cmake" ]; then
    stage "cpack -G DEB and tools/deb-smoke.sh"
    in_chroot bash -c "cd $work/build && cpack -G DEB >cpack.log" || die "cpack failed on $suite"
    deb=$(cd "$dir$work/build" && ls -t ./*.deb | head -1)
    [ -n "$deb" ] || die "cpack made no .deb"
    in_chroot bash -c "cd $work && tools/deb-smoke.sh build/${deb#./}" || die "deb-smoke failed on $suite"
    stage "the .deb installs and works on $suite"
fi
