/* fuzz_ciscotl.c - libFuzzer harness: the trust-list dissector on a whole file
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Input: the bytes of one ITL/CTL/.sgn/.enc.sgn file (no framing), as
 * plugin/cisco-tl-file.lua or TFTP reassembly would hand it over.
 *
 * Each input is dissected as two frames from server .100 to phone .1 of
 * its own network (fuzz-common.h):
 *   1. the file under no transport name (the type comes from the content),
 *      which is what the ciscotl handle does;
 *   2. the same file again, for an even input length as
 *      SEP001122334455.cnf.xml.sgn (so a signed-file verdict is computed
 *      against the trust list frame 1 left for this phone), for an odd one
 *      through the HTTP body handle "ciscotl.http" (the recognising
 *      heuristic, then XML or data when it is not ours).
 * The "sbd" post-dissector sees both frames.
 */
#include <stddef.h>
#include <stdint.h>
#include <epan/packet.h>

#include "packet-ciscotl.h"
#include "fuzz-common.h"

#define SERVER 100
#define PHONE  1

static dissector_handle_t http_body;

static void
frame_cb(unsigned tag, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    switch (tag) {
    case 0:
        dissect_ciscotl_file(tvb, pinfo, tree, NULL);
        break;
    case 1:
        dissect_ciscotl_file(tvb, pinfo, tree, "SEP001122334455.cnf.xml.sgn");
        break;
    default:
        call_dissector(http_body, tvb, pinfo, tree);
        break;
    }
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sbd_fuzz_init("fuzz_ciscotl", frame_cb);
    http_body = find_dissector("ciscotl.http");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1000000)         /* trust lists are a few KB */
        return -1;
    guint32 net;

    sbd_fuzz_begin();
    net = sbd_fuzz_net();
    sbd_fuzz_raw_frame(0, net | SERVER, net | PHONE, data, size);
    sbd_fuzz_raw_frame((size & 1) ? 2 : 1, net | SERVER, net | PHONE, data, size);
    sbd_fuzz_end(FALSE, NULL);
    return 0;
}
