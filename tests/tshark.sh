#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run tshark with the plugin from the build tree (not an installed copy):
# WIRESHARK_PLUGIN_DIR points at build/stage/plugins.  tshark ignores that
# variable when run as root, so as root we drop to an unprivileged user with
# a throw-away HOME (no personal preferences or plugins).  That user must be
# able to read the plugins and the files named on the command line (tests/
# lib.sh copies them for a checkout only root can read).
#
# Usage: tests/tshark.sh BUILD_DIR [tshark arguments...]
set -euo pipefail
build=$(cd "$1" && pwd); shift
# SBD_STAGE: a copy of build/stage/plugins that user nobody can read (tests/lib.sh).
stage="${SBD_STAGE:-$build/stage/plugins}"
home=$(mktemp -d "${TMPDIR:-/tmp}/sbd-home.XXXXXX")
chmod 755 "$home"
trap 'rm -rf "$home"' EXIT

# An empty extcap directory: `tshark -G plugins` would otherwise run every
# extcap program (with the sanitizer preload below, some of them abort).
mkdir "$home/extcap"
envs=(HOME="$home" WIRESHARK_PLUGIN_DIR="$stage" XDG_CONFIG_HOME="$home/.config"
      WIRESHARK_EXTCAP_DIR="$home/extcap"
      LC_ALL=C.UTF-8 TZ=UTC WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)
# An ASan/UBSan build of the plugin needs the sanitizer runtime loaded first.
if [ -f "$build/sanitize.env" ]; then
    # shellcheck disable=SC1091
    . "$build/sanitize.env"
    envs+=(LD_PRELOAD="$SBD_ASAN_PRELOAD" ASAN_OPTIONS="$SBD_ASAN_OPTIONS"
           UBSAN_OPTIONS="$SBD_UBSAN_OPTIONS" WIRESHARK_DEBUG_WMEM_OVERRIDE=simple)
fi
if [ "$(id -u)" = 0 ]; then
    if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$stage"; then
        echo "tests/tshark.sh: user nobody cannot read $stage (a checkout only root can read):" \
             "copy build/stage/plugins where it can and set SBD_STAGE to its plugins directory" >&2
        exit 2
    fi
    exec setpriv --reuid=65534 --regid=65534 --clear-groups env "${envs[@]}" ${SBD_TSHARK_WRAP:-} tshark "$@"
else
    exec env "${envs[@]}" ${SBD_TSHARK_WRAP:-} tshark "$@"
fi
