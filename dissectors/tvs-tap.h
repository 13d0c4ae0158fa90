/* tvs-tap.h - what the TVS dissector hands to the "tvs" tap and to the checks
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TVS_TAP_H
#define TVS_TAP_H

#include <glib.h>

#define TVS_MAX_TAP_ROLES 32

enum {
    TVS_CMD_VERIFY_REQUEST = 1,
    TVS_CMD_VERIFY_RESPONSE = 2,
    TVS_CMD_QUERY_REQUEST = 3,
    TVS_CMD_QUERY_RESPONSE = 4
};

/* One TVS message (packet scope; pointers into the message). */
typedef struct {
    guint32 frame;
    unsigned command;
    guint32 request_id;
    unsigned reserved;
    guint32 request_frame;        /* responses: frame of the matched request, 0 if none */
    const char *device_name;      /* "CP-8861-SEPB000B4BA0AEE", NULL if absent */
    const char *model;
    gboolean has_mac;
    guint8 mac[6];
    gboolean has_status;
    unsigned status;
    gboolean has_roles;           /* a Roles element, even an empty one */
    unsigned n_roles;
    guint8 roles[TVS_MAX_TAP_ROLES];
    gboolean has_ttl;
    guint32 ttl;
    const char *subject;          /* query request elements */
    const char *issuer;
    const guint8 *serial;
    unsigned serial_len;
    gboolean has_cert;            /* certificate element, valid DER */
    const guint8 *cert_der;
    unsigned cert_der_len;
} tvs_tap_info;

/* A TVS message whose start was seen but whose end never came (first
 * pass): what the dissector knows when it asks TCP/TLS for more data.
 * Pushed to the sbd post-dissector each time; a complete message in the
 * same direction later ends it. */
typedef struct {
    guint32 start_frame;          /* where the message starts */
    gboolean to_server;           /* a request (command 1/3), else a response */
    unsigned command;             /* 0 when fewer than 3 bytes are there */
    gboolean has_id;
    guint32 request_id;
    unsigned have;                /* bytes of the message in the capture so far */
    unsigned need;                /* its length, 0 while the header is incomplete */
} tvs_partial_info;

#endif
