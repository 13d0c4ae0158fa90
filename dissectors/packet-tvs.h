/* packet-tvs.h - Cisco CUCM Trust Verification Service (TVS)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Wire constants of the TVS protocol (shared/docs/formats.md section 6).
 */
#ifndef PACKET_TVS_H
#define PACKET_TVS_H

#define TVS_TLS_PORT        2445
#define TVS_PROTOCOL_ID     0x57    /* header byte 0 */
#define TVS_VERSION         1       /* header byte 1 */
#define TVS_HEADER_LEN      10      /* id, version, command, reserved, id(4), length(2) */
#define TVS_ELEMENT_HDR_LEN 3       /* tag(1), length(2, big-endian) */

/* Header byte 2 (formats.md 6.3): TVS_CMD_VERIFY_REQUEST (1),
 * TVS_CMD_VERIFY_RESPONSE (2), TVS_CMD_QUERY_REQUEST (3) and
 * TVS_CMD_QUERY_RESPONSE (4) come from tvs-tap.h. */
#include "tvs-tap.h"

/* Element tags (formats.md 6.4).  The issuer and serial number of a query
 * request travel in tags whose numbers are not confirmed: 4 and 5 are the
 * best guess, 5 and 6 (the trust-list record numbering) the alternative.
 * The dissector tells them apart by content. */
enum {
    TVS_TAG_DEVICE_NAME = 1,
    TVS_TAG_CERTIFICATE = 2,
    TVS_TAG_SUBJECT = 3,
    TVS_TAG_ISSUER_OR_SERIAL_4 = 4,
    TVS_TAG_ISSUER_OR_SERIAL_5 = 5,
    TVS_TAG_ISSUER_OR_SERIAL_6 = 6,
    TVS_TAG_STATUS = 7,
    TVS_TAG_ROLES = 8,
    TVS_TAG_TTL = 9
};

/* STATUS element values */
enum {
    TVS_STATUS_VALID = 0,
    TVS_STATUS_INVALID = 1
};

#endif
