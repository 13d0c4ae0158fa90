/* packet-ciscotl.h - Cisco trust lists (ITL/CTL) and signed files
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_CISCOTL_H
#define PACKET_CISCOTL_H

#include <epan/packet.h>

typedef enum {
    CISCOTL_TYPE_UNKNOWN = 0,
    CISCOTL_TYPE_ITL,
    CISCOTL_TYPE_CTL,
    CISCOTL_TYPE_SGN,
    CISCOTL_TYPE_ENC_SGN
} ciscotl_file_type;

typedef enum {
    CISCOTL_SIG_VALID = 0,
    CISCOTL_SIG_INVALID,
    CISCOTL_SIG_SIGNER_NOT_IN_FILE,
    CISCOTL_SIG_UNSUPPORTED,
    CISCOTL_SIG_NO_TRUST_LIST,
    CISCOTL_SIG_SIGNER_NOT_IN_TRUST_LIST,
    CISCOTL_SIG_INCOMPLETE,
    CISCOTL_SIG_MISSING
} ciscotl_sig_status;

const char *ciscotl_sig_status_str(ciscotl_sig_status s);

/* Dissect a whole trust list or signed file; `filename` is the transport
 * name (TFTP/HTTP) or NULL.  Returns the bytes consumed. */
int dissect_ciscotl_file(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         const char *filename);

#endif
