# SPDX-License-Identifier: GPL-2.0-or-later
#
# Debian package of the plugin, the Lua file reader, itl-audit and its man
# page: `cpack -G DEB` in a build directory (README, "Debian package").
# Included at the end of the top-level CMakeLists.txt, after every install()
# rule.  Needs dpkg-dev (dpkg-shlibdeps) and file, which CPack uses to find
# the ELF files.
#
# The install rules put the plugin into Wireshark's plugin directory, an
# absolute path (pkg-config plugindir), and itl-audit and the man page under
# CMAKE_INSTALL_PREFIX (/usr/local by default).  The package is therefore
# staged with DESTDIR and the prefix /usr, whatever CMAKE_INSTALL_PREFIX says:
# /usr/bin/itl-audit, /usr/share/man/man1/itl-audit.1.gz,
# /usr/share/doc/cucm-sbd/copyright and the plugin where the Wireshark it was
# built against looks for it.

set(SBD_PACKAGING_DIR "${CMAKE_CURRENT_LIST_DIR}/../packaging")
# packaging/changelog (Debian format, written by hand) must start with an
# entry for this version: a new project() version needs a new entry.  Only
# a warning here (the build and the tests go on); `cpack -G DEB` refuses.
file(STRINGS "${SBD_PACKAGING_DIR}/changelog" _sbd_changelog_top LIMIT_COUNT 1)
string(REGEX MATCH "^${PROJECT_NAME} \\(([^)]*)\\) " _sbd_m "${_sbd_changelog_top}")
set(_sbd_cpack_checks "${CMAKE_BINARY_DIR}/CPackProjectChecks.cmake")
if(CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  file(WRITE "${_sbd_cpack_checks}" "")
else()
  set(_sbd_msg "packaging/changelog starts with an entry for '${CMAKE_MATCH_1}', not for "
               "${PROJECT_VERSION}: add one before building the Debian package")
  string(CONCAT _sbd_msg ${_sbd_msg})
  message(WARNING "${_sbd_msg}")
  file(WRITE "${_sbd_cpack_checks}" "message(FATAL_ERROR \"${_sbd_msg}\")\n")
endif()
set(CPACK_PROJECT_CONFIG_FILE "${_sbd_cpack_checks}")
find_program(SBD_GZIP gzip REQUIRED)
add_custom_command(OUTPUT changelog.gz
  COMMAND ${SBD_GZIP} -9nc ${SBD_PACKAGING_DIR}/changelog > ${CMAKE_BINARY_DIR}/changelog.gz
  DEPENDS ${SBD_PACKAGING_DIR}/changelog
  COMMENT "Compressing packaging/changelog")
add_custom_target(sbd-changelog ALL DEPENDS changelog.gz)
install(FILES "${SBD_PACKAGING_DIR}/copyright" "${CMAKE_BINARY_DIR}/changelog.gz"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/${PROJECT_NAME}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "cucm-sbd developers")
set(CPACK_PACKAGE_CONTACT "cucm-sbd developers <dev@cucm-sbd.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Wireshark plugin for Cisco CUCM Security By Default (ITL/CTL, TVS)")
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the long text.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"Dissectors for the traffic behind Cisco CUCM Security By Default: ciscotl
(ITL and CTL trust lists and the signed header of .sgn files, from TFTP,
HTTP on TCP 6970 or opened directly, with the signature verdict), tvs (the
Trust Verification Service protocol inside TLS on TCP 2445) and sbd (trust
checks per phone: TVS certificate against the phone's ITL, signers trusted
by the previous lists, known failure patterns), plus the batch tool
itl-audit, which runs the same checks over capture files and folders.
.
Built for Wireshark ${SBD_WS_VERSION}: the plugin loads only in that
major.minor version.")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
# Depends: the shared libraries of the plugin and of itl-audit (libwireshark,
# libwiretap, libwsutil, GLib, libgcrypt, libc) from dpkg-shlibdeps, plus the
# Wireshark version range below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
find_program(SBD_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(SBD_FILE_CMD file)
if(NOT SBD_DPKG_SHLIBDEPS OR NOT SBD_FILE_CMD)
  message(STATUS "Debian package: `cpack -G DEB` needs dpkg-shlibdeps (dpkg-dev) and file")
endif()

# A Wireshark plugin loads only in the major.minor version it was built for
# (plugins/<major.minor>/), and a newer libwireshark of the same soname (a
# 4.0.x update) keeps it: restrict libwireshark's package to that major.minor.
# The package and its version (for an epoch) come from dpkg, from the
# libwireshark.so this build links.
find_library(SBD_LIBWIRESHARK_SO NAMES wireshark
             HINTS ${WIRESHARK_LIBRARY_DIRS} ${Wireshark_LIB_DIR})
set(SBD_DEB_WS_DEPENDS "")
if(SBD_LIBWIRESHARK_SO)
  get_filename_component(_sbd_ws_real "${SBD_LIBWIRESHARK_SO}" REALPATH)
  execute_process(COMMAND dpkg-query -S "${_sbd_ws_real}"
                  OUTPUT_VARIABLE _sbd_ws_owner ERROR_QUIET
                  RESULT_VARIABLE _sbd_ws_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  # "libwireshark16:amd64: /usr/lib/x86_64-linux-gnu/libwireshark.so.16.0.17"
  if(_sbd_ws_rc EQUAL 0 AND _sbd_ws_owner MATCHES "^([a-z0-9][a-z0-9.+-]*)(:[a-z0-9-]+)?: ")
    set(_sbd_ws_pkg "${CMAKE_MATCH_1}")
    execute_process(COMMAND dpkg-query -W -f=\${Version} "${_sbd_ws_pkg}${CMAKE_MATCH_2}"
                    OUTPUT_VARIABLE _sbd_ws_pkgver ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(_sbd_ws_epoch "")
    if(_sbd_ws_pkgver MATCHES "^([0-9]+):")
      set(_sbd_ws_epoch "${CMAKE_MATCH_1}:")
    endif()
    string(REPLACE "." ";" _sbd_ws_mm "${SBD_WS_VERSION}")
    list(GET _sbd_ws_mm 0 _sbd_ws_major)
    list(GET _sbd_ws_mm 1 _sbd_ws_minor)
    math(EXPR _sbd_ws_next "${_sbd_ws_minor} + 1")
    set(SBD_DEB_WS_DEPENDS
        "${_sbd_ws_pkg} (>= ${_sbd_ws_epoch}${SBD_WS_VERSION}), ${_sbd_ws_pkg} (<< ${_sbd_ws_epoch}${_sbd_ws_major}.${_sbd_ws_next})")
  endif()
endif()
if(SBD_DEB_WS_DEPENDS)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${SBD_DEB_WS_DEPENDS}")
  message(STATUS "Debian package: Depends ${SBD_DEB_WS_DEPENDS} (+ dpkg-shlibdeps)")
else()
  message(STATUS "Debian package: no dpkg package owns ${SBD_LIBWIRESHARK_SO}; "
                 "`cpack -G DEB` would not restrict the Wireshark version")
endif()

include(CPack)
