#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Compile every C source of the project (syntax only, with the project's
# warnings as errors) against the Wireshark 4.4 headers of Debian 13
# (trixie), without installing anything: the -dev packages are downloaded
# with a private apt configuration into a temporary directory and unpacked
# there.  Needs network access to deb.debian.org.  Not part of ctest (the
# tests must not depend on the network); run it by hand after API changes:
#
#   tools/check-ws44-headers.sh [SUITE]     (default: trixie)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:-trixie}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/debs" "$tmp/root"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
    >"$tmp/sources.list"
apt=(-o Dir::Etc::sourcelist="$tmp/sources.list" -o Dir::Etc::sourceparts=-
     -o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp/cache"
     -o APT::Sandbox::User=root)
apt-get "${apt[@]}" -qq update
(cd "$tmp/debs" && apt-get "${apt[@]}" -qq download libwireshark-dev libwiretap-dev libwsutil-dev)
for d in "$tmp"/debs/*.deb; do dpkg -x "$d" "$tmp/root"; done
inc="$tmp/root/usr/include/wireshark"
ver=$(awk '/define WIRESHARK_VERSION_(MAJOR|MINOR|MICRO)/ {printf "%s%s", sep, $3; sep="."}' "$inc/ws_version.h")
echo "Wireshark headers $ver ($suite)"

# What CMakeLists.txt detects, for these headers.
defs=(-DSBD_VERSION=\"check\" -DVERSION=\"check\")
if grep -q 'tvb_get_uint8' "$inc/epan/tvbuff.h"; then defs+=(-DSBD_HAVE_TVB_GET_UINT8=1); fi
if grep -A3 'prefs_register_bool_preference(' "$inc/epan/prefs.h" | grep -q 'gboolean \*var'; then defs+=(-DSBD_PREFS_BOOL_IS_GBOOLEAN=1); fi
if grep -qs 'struct tlsinfo' "$inc/epan/dissectors/packet-tls.h"; then defs+=(-DSBD_HAVE_TLSINFO=1); fi
if grep -qs 'val_to_str(wmem_allocator_t' "$inc/wsutil/value_string.h" "$inc/epan/value_string.h"; then defs+=(-DSBD_VAL_TO_STR_HAS_SCOPE=1); fi
if grep -A1 'wtap_read(wtap \*wth' "$inc/wiretap/wtap.h" | grep -q 'wtap_rec \*rec, int \*err'; then defs+=(-DSBD_WTAP_REC_HAS_DATA=1); fi

rc=0
for f in "$src"/dissectors/*.c "$src"/plugin/plugin.c "$src"/tools/itl-audit/*.c \
         "$src"/fuzz/*.c "$src"/tests/unit_*.c; do
    # shellcheck disable=SC2046
    if ! gcc -std=gnu11 -fsyntax-only -Wall -Wextra -Werror -Wno-missing-field-initializers -pthread \
            "${defs[@]}" -I"$src/dissectors" -I"$src/tools/itl-audit" -I"$src/tests" -isystem "$inc" \
            $(pkg-config --cflags glib-2.0 libgcrypt) "$f"; then
        echo "FAIL: ${f#"$src"/}"
        rc=1
    fi
done
[ $rc = 0 ] && echo "every source compiles against the $ver headers"
exit $rc
