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
/* A trust list with this status fails its own signature (invalid, or its
 * signer is not in it): a phone rejects it and keeps the lists it had. */
gboolean ciscotl_sig_rejected(ciscotl_sig_status s);
const char *ciscotl_file_type_str(ciscotl_file_type t);

/* What the dissector hands to the "ciscotl" tap for every file (packet
 * scope).  Byte pointers point into the file's data. */
typedef struct {
    int index;                    /* 1-based */
    gboolean has_role;
    unsigned role;
    const guint8 *serial;         /* record tag 6 */
    unsigned serial_len;
    const char *subject;          /* record tags 3 and 5, NULL if absent */
    const char *issuer;
    gboolean has_cert;            /* tag 9 present and valid DER */
    guint8 cert_sha1[20];
    guint8 cert_sha256[32];
    const guint8 *cert_der;
    unsigned cert_der_len;
    const guint8 *cert_hash;      /* tag 11 */
    unsigned cert_hash_len;
    gboolean blank;               /* role without name/key/certificate */
} ciscotl_tap_record;

typedef struct {
    guint32 frame;
    ciscotl_file_type type;
    const char *name;             /* transport (TFTP) name, else header FILENAME */
    const char *header_name;
    gboolean complete;            /* whole file captured (hashes valid) */
    guint8 md5[16];
    guint8 sha1[20];
    unsigned size;
    const char *signer_name;
    const char *signer_issuer;
    const guint8 *signer_serial;
    unsigned signer_serial_len;
    ciscotl_sig_status sig_status;
    guint32 trust_list_frame;     /* .sgn: the ITL/CTL it was checked against */
    unsigned n_records;           /* kept records (at most 256) */
    gboolean blank_itl;           /* ITL whose TFTP/CCM+TFTP/TVS records are all blank */
    ciscotl_tap_record *records;
    gboolean has_build_time;      /* header tag 15: when the list was built */
    guint32 build_time;           /* seconds since 1970, UTC */
} ciscotl_tap_info;

/* Dissect a whole trust list or signed file; `filename` is the transport
 * name (TFTP/HTTP) or NULL (copied: it need not outlive the call).
 * Returns the bytes consumed. */
int dissect_ciscotl_file(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         const char *filename);

/* Does a file that starts with these avail bytes (of size in all) look
 * like a trust list or signed file, by the same strict test as the
 * heuristics (Version, Header Length, header elements chaining exactly up
 * to the header length)?  For itl-audit, which has no file reader for
 * them. */
gboolean ciscotl_looks_like_file(const guint8 *p, size_t avail, guint64 size);

#endif
