#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Smoke test of the Debian package built by `cpack -G DEB` (README, "Debian
# package"):
#
#   tools/deb-smoke.sh DEBFILE [CHROOT]
#
# Installs DEBFILE with apt-get (its Depends come from the archive, so the
# system needs network access to its apt sources) into the Debian system at
# CHROOT, or into the running system when CHROOT is not given (e.g. inside a
# CI chroot), then checks:
#   1. with its Depends only (no Recommends): the package is installed at the
#      version of CMakeLists.txt's project(), `itl-audit --version` prints
#      that version, and itl-audit audits test-captures/audit/clean/match.pcap
#      with its key log: exit 0 and, for the phone of expected.tsv, its TVS
#      verdict there ('match');
#   2. after installing tshark and man-db: `tshark -G plugins` lists
#      cucm-sbd.so with the project version in the versioned plugin
#      directory and the Lua reader cisco-tl-file.lua, which opens the bare
#      trust list test-captures/trustlist/ITLFile.tlv (8654 bytes, 5 records,
#      signature valid: test-captures/README.md); `man -w itl-audit` finds
#      the page and `man itl-audit` renders it.
# Run as root.  The package (and tshark, man-db) stay installed.  With CHROOT,
# /proc is mounted in the chroot for the test and unmounted afterwards, the
# files are copied into CHROOT/tmp and removed, and the host's resolv.conf is
# lent to the chroot if it has none.
set -euo pipefail

PROG=deb-smoke
die() { echo "$PROG: $*" >&2; exit 2; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 DEBFILE [CHROOT]"
DEB=$1
CHROOT=${2:-}
[ -f "$DEB" ] || die "no such file: $DEB"
[ "$(id -u)" -eq 0 ] || die "run as root (apt-get install, chroot)"

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Expected values, from the source tree unless the outer run (CHROOT mode)
# passed them in the environment.
if [ -z "${SBD_SMOKE_VERSION:-}" ]; then
    SBD_SMOKE_VERSION=$(sed -n 's/^project(cucm-sbd VERSION \([0-9][0-9.]*\).*/\1/p' \
                        "$SRC/CMakeLists.txt")
    [ -n "$SBD_SMOKE_VERSION" ] || die "no project version in $SRC/CMakeLists.txt"
    SBD_SMOKE_CAPTURE=$SRC/test-captures/audit/clean/match.pcap
    SBD_SMOKE_KEYS=$SRC/test-captures/audit/clean/match.keys
    SBD_SMOKE_TLV=$SRC/test-captures/trustlist/ITLFile.tlv
    # expected.tsv: capture mac client_ip tvs_cert verdict findings also
    read -r SBD_SMOKE_MAC SBD_SMOKE_VERDICT < <(awk -F'\t' \
        '$1 == "clean/match.pcap" { print $2, $5 }' "$SRC/test-captures/audit/expected.tsv")
    [ -n "${SBD_SMOKE_VERDICT:-}" ] || die "clean/match.pcap not in test-captures/audit/expected.tsv"
fi
for f in "$SBD_SMOKE_CAPTURE" "$SBD_SMOKE_KEYS" "$SBD_SMOKE_TLV"; do
    [ -f "$f" ] || die "missing test file $f"
done

# ---------------------------------------------------------------- CHROOT mode
if [ -n "$CHROOT" ]; then
    CHROOT=$(cd "$CHROOT" && pwd) || die "no such directory: $2"
    [ -x "$CHROOT/usr/bin/apt-get" ] || die "$CHROOT has no /usr/bin/apt-get: not a Debian chroot"
    case $(stat -c %A "$CHROOT") in
        *x) ;;
        *) echo "$PROG: warning: $CHROOT is not searchable by all (mktemp -d makes it 700):" \
                "apt's _apt user and man-db's man user cannot work there; chmod 755 it" >&2 ;;
    esac
    WORK=$(mktemp -d "$CHROOT/tmp/deb-smoke.XXXXXX")
    chmod 755 "$WORK"          # apt's _apt user reads the .deb
    MOUNTED_PROC=
    LENT_RESOLV=
    cleanup() {
        [ -z "$MOUNTED_PROC" ] || umount "$CHROOT/proc" || echo "$PROG: could not unmount $CHROOT/proc" >&2
        [ -z "$LENT_RESOLV" ] || rm -f "$CHROOT/etc/resolv.conf"
        rm -rf "$WORK"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM HUP
    if ! mountpoint -q "$CHROOT/proc"; then
        mount -t proc proc "$CHROOT/proc"
        MOUNTED_PROC=1
    fi
    if [ ! -e "$CHROOT/etc/resolv.conf" ] && [ -e /etc/resolv.conf ]; then
        cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
        LENT_RESOLV=1
    fi
    IN=${WORK#"$CHROOT"}
    install -m 644 "$DEB" "$WORK/$(basename "$DEB")"
    install -m 644 "$SBD_SMOKE_CAPTURE" "$WORK/match.pcap"
    install -m 644 "$SBD_SMOKE_KEYS" "$WORK/match.keys"
    install -m 644 "$SBD_SMOKE_TLV" "$WORK/ITLFile.tlv"
    install -m 755 "${BASH_SOURCE[0]}" "$WORK/deb-smoke.sh"
    echo "$PROG: testing $(basename "$DEB") in the chroot $CHROOT"
    rc=0
    chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        SBD_SMOKE_VERSION="$SBD_SMOKE_VERSION" SBD_SMOKE_MAC="$SBD_SMOKE_MAC" \
        SBD_SMOKE_VERDICT="$SBD_SMOKE_VERDICT" \
        SBD_SMOKE_CAPTURE="$IN/match.pcap" SBD_SMOKE_KEYS="$IN/match.keys" \
        SBD_SMOKE_TLV="$IN/ITLFile.tlv" \
        /bin/bash "$IN/deb-smoke.sh" "$IN/$(basename "$DEB")" || rc=$?
    exit $rc
fi

# ------------------------------------------------------ in the running system
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
FAILED=0
ok()   { echo "ok:   $*"; }
fail() { echo "FAIL: $*" >&2; FAILED=$((FAILED + 1)); }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; keep the default (no).
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=900 update -qq || die "apt-get update failed"

# 1. The package with its Depends only.
if apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "$DEB" \
        > "$OUT/apt1.log" 2>&1; then
    ok "apt-get install --no-install-recommends $(basename "$DEB")"
else
    cat "$OUT/apt1.log" >&2
    fail "apt-get install $(basename "$DEB")"
    echo "$PROG: the package did not install; no further checks" >&2
    exit 1
fi
st=$(dpkg-query -W -f='${Status} ${Version}' cucm-sbd 2>&1 || true)
if [ "$st" = "install ok installed $SBD_SMOKE_VERSION" ]; then
    ok "dpkg: cucm-sbd $SBD_SMOKE_VERSION installed"
else
    fail "dpkg-query says '$st', expected 'install ok installed $SBD_SMOKE_VERSION'"
fi

v=$(itl-audit --version 2>&1) || true
case "$v" in
    "itl-audit $SBD_SMOKE_VERSION "*) ok "itl-audit --version: $v" ;;
    *) fail "itl-audit --version printed '$v', expected 'itl-audit $SBD_SMOKE_VERSION ...'" ;;
esac

rc=0
itl-audit --keylog "$SBD_SMOKE_KEYS" "$SBD_SMOKE_CAPTURE" > "$OUT/audit.txt" 2> "$OUT/audit.err" || rc=$?
if [ "$rc" -ne 0 ]; then
    cat "$OUT/audit.txt" "$OUT/audit.err" >&2
    fail "itl-audit on $(basename "$SBD_SMOKE_CAPTURE") exited $rc, expected 0 (no findings)"
elif ! grep -q "^phone $SBD_SMOKE_MAC " "$OUT/audit.txt"; then
    cat "$OUT/audit.txt" >&2
    fail "itl-audit reported no phone $SBD_SMOKE_MAC"
elif ! grep -q "^ *verdict: $SBD_SMOKE_VERDICT " "$OUT/audit.txt"; then
    cat "$OUT/audit.txt" >&2
    fail "itl-audit did not give the TVS verdict '$SBD_SMOKE_VERDICT'"
else
    ok "itl-audit $(basename "$SBD_SMOKE_CAPTURE"): exit 0, phone $SBD_SMOKE_MAC, verdict $SBD_SMOKE_VERDICT"
fi

# 2. With tshark and man-db.
if apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends tshark man-db \
        > "$OUT/apt2.log" 2>&1; then
    ok "apt-get install tshark man-db"
else
    cat "$OUT/apt2.log" >&2
    fail "apt-get install tshark man-db"
fi

if command -v tshark > /dev/null; then
    tshark -G plugins > "$OUT/plugins.txt" 2> "$OUT/plugins.err" || true
    # name <TAB> version <TAB> type (4.6: flags) <TAB> path: the version of
    # CMakeLists.txt and the path where the package put the plugin.
    so=$(dpkg -L cucm-sbd | grep '/plugins/[0-9]*\.[0-9]*/epan/cucm-sbd\.so$' || true)
    line=$(grep '^cucm-sbd\.so[[:space:]]' "$OUT/plugins.txt" || true)
    got=$(printf '%s\n' "$line" | awk -F'\t' 'NF >= 4 { print $2 "\t" $NF }')
    if [ -z "$so" ]; then
        fail "the package has no plugins/X.Y/epan/cucm-sbd.so"
    elif [ -z "$line" ]; then
        cat "$OUT/plugins.txt" "$OUT/plugins.err" >&2
        fail "tshark -G plugins does not list cucm-sbd.so"
    elif [ "$got" != "$SBD_SMOKE_VERSION"$'\t'"$so" ]; then
        fail "tshark -G plugins: '$line', expected version $SBD_SMOKE_VERSION and path $so"
    else
        ok "tshark -G plugins: $(printf '%s' "$line" | tr -s '\t ' ' ')"
    fi
    line=$(grep '^cisco-tl-file\.lua[[:space:]]' "$OUT/plugins.txt" || true)
    if [ -n "$line" ]; then
        ok "tshark -G plugins: $(printf '%s' "$line" | tr -s '\t ' ' ')"
    else
        fail "tshark -G plugins does not list the Lua reader cisco-tl-file.lua"
    fi
    tshark -r "$SBD_SMOKE_TLV" > "$OUT/tlv.txt" 2> "$OUT/tlv.err" || true
    if grep -q 'CiscoTL 8654 ITL ITLFile\.tlv, 5 records, .*signature valid' "$OUT/tlv.txt"; then
        ok "tshark -r ITLFile.tlv: $(sed 's/^ *//' "$OUT/tlv.txt" | tr -s ' ')"
    else
        cat "$OUT/tlv.txt" "$OUT/tlv.err" >&2
        fail "tshark -r ITLFile.tlv did not show an ITL of 8654 bytes, 5 records, signature valid"
    fi
else
    fail "no tshark to check the plugin with"
fi

page=$(dpkg -L cucm-sbd | grep '/man1/itl-audit\.1\.gz$' || true)
if [ -z "$page" ]; then
    fail "the package has no man1/itl-audit.1.gz"
elif [ ! -f "$page" ]; then
    fail "$page is not on disk (a dpkg path-exclude in /etc/dpkg/dpkg.cfg.d/?)"
elif ! command -v man > /dev/null; then
    fail "no man command"
else
    w=$(man -w itl-audit 2>&1 || true)
    if [ "$w" = "$page" ]; then
        ok "man -w itl-audit: $w"
    else
        fail "man -w itl-audit gave '$w', expected $page"
    fi
    if MANWIDTH=80 man itl-audit 2> "$OUT/man.err" | grep 'itl-audit - audit Cisco CUCM' > /dev/null; then
        ok "man itl-audit renders (NAME section found)"
    else
        cat "$OUT/man.err" >&2
        fail "man itl-audit did not render the NAME section"
    fi
fi

if [ "$FAILED" -ne 0 ]; then
    echo "$PROG: $FAILED check(s) FAILED" >&2
    exit 1
fi
echo "$PROG: all checks passed"
