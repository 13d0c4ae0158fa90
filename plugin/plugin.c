/* plugin.c - registration glue of the cucm-sbd Wireshark plugin
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Wireshark's plugin loader looks for plugin_version, plugin_want_major,
 * plugin_want_minor and plugin_register (and, from 4.2 on, the optional
 * plugin_describe).  Everything else lives in dissectors/ so that the
 * itl-audit tool can register the very same dissectors statically.
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#if defined(__has_include)
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#endif

#include "sbd-common.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
    sbd_register_protocols();
    sbd_register_taps();       /* tshark -z sbd,tree and the Statistics menu */
}

#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
