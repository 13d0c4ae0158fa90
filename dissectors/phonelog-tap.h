/* phonelog-tap.h - what the phonelog dissector hands to the "phonelog" tap
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One trust event of an IP phone's console log (../shared/docs/logs.md 2).
 * The trust checks do not subscribe yet: a listener of the "phonelog" tap
 * receives one phonelog_tap_info per line that is a trust event.
 */
#ifndef PHONELOG_TAP_H
#define PHONELOG_TAP_H

#include <glib.h>

/* phonelog.event values */
typedef enum {
    PHONELOG_EV_NONE = 0,            /* a line, but no trust event */
    PHONELOG_EV_DOWNLOAD_REQUEST,    /* trust list / config download requested (file, server) */
    PHONELOG_EV_DOWNLOAD_DONE,       /* download finished (size or status) */
    PHONELOG_EV_DOWNLOAD_SERVER,     /* the server that actually served it */
    PHONELOG_EV_FILE_VERIFIED,       /* signature verified (file if named) */
    PHONELOG_EV_FILE_REFUSED,        /* verification failed */
    PHONELOG_EV_TL_PARSED,           /* trust list parsed into the table */
    PHONELOG_EV_TL_UPDATED,          /* trust list replaced */
    PHONELOG_EV_TL_WARNING,          /* e.g. "hdr ver 1.2 (knows only upto 1.1)" */
    PHONELOG_EV_TVS_CONNECT,         /* TVS connection attempted (server, port) */
    PHONELOG_EV_TLS_OK,              /* TLS handshake (to TVS) done */
    PHONELOG_EV_TVS_CERT_CHECK,      /* TVS server certificate checked against the TL */
    PHONELOG_EV_TVS_REQUEST,         /* a TVS request is being prepared */
    PHONELOG_EV_TVS_SENT,            /* request sent (size) */
    PHONELOG_EV_TVS_RECEIVED,        /* response received (size) */
    PHONELOG_EV_TVS_STATUS,          /* response status */
    PHONELOG_EV_CERT_IN_TL,          /* certificate found in the CTL/ITL */
    PHONELOG_EV_CERT_NOT_IN_TL,      /* certificate not in the CTL/ITL (server) */
    PHONELOG_EV_CACHE_ADD,           /* TVS cache: certificate added (ttl) */
    PHONELOG_EV_CACHE_MISS,          /* TVS cache: no entry */
    PHONELOG_EV_PHONE_CERT,          /* the phone's own certificate subject */
    PHONELOG_EV_TVS_UNUSED,          /* TVS not used (not in the trust list) */
    PHONELOG_EV_COUNT
} phonelog_event;

typedef struct {
    guint32 frame;
    guint32 line;                 /* line number in the log file */
    phonelog_event event;
    const char *file;             /* file name, NULL if none */
    const char *server;           /* server address as printed, NULL if none */
    gboolean has_port;
    guint32 port;
    gboolean has_size;
    guint32 size;                 /* bytes */
    gboolean has_status;
    guint32 status;
    gboolean has_ttl;
    guint32 ttl;                  /* seconds */
    gboolean has_mac;
    guint8 mac[6];                /* from SEP<mac> in a file or device name */
    const char *text;             /* the line's text after the task */
} phonelog_tap_info;

#endif
