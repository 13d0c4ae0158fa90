/* sbd-checks.h - the trust checks: TVS certificate vs ITL, trust-list chain,
 * known failure patterns.  One implementation for the Wireshark
 * post-dissector "sbd" and for itl-audit.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The engine is fed in frame order (first pass) by the sbd post-dissector
 * with what the ciscotl and tvs dissectors found and with the TLS server
 * certificates of sessions to TVS ports.  sbd_checks_finish() draws the
 * conclusions that need the whole capture.  State is per capture file and
 * bounded (SBD_MAX_* below).
 */
#ifndef SBD_CHECKS_H
#define SBD_CHECKS_H

#include <glib.h>
#include "packet-ciscotl.h"
#include "tvs-tap.h"

#define SBD_MAX_PHONES   10000   /* phones tracked per capture */
#define SBD_MAX_ITEMS    512     /* files, sessions or TVS exchanges per phone */
#define SBD_MAX_NAMES    10000   /* distinct file names compared across phones */
#define SBD_MAX_TLS13    40000   /* TLS 1.3 sessions to TVS remembered (4 per phone) */

typedef enum {
    SBD_TVS_NONE = 0,
    SBD_TVS_MATCH,
    SBD_TVS_SERIAL_MISMATCH,
    SBD_TVS_HASH_MISMATCH,
    SBD_TVS_NO_TVS_RECORD,
    SBD_TVS_NO_ITL,
    SBD_TVS_CERT_HIDDEN,
    SBD_TVS_N
} sbd_tvs_verdict;

typedef enum {
    SBD_TRUST_UNKNOWN = 0,
    SBD_TRUST_FIRST,
    SBD_TRUST_YES,
    SBD_TRUST_NO
} sbd_signer_trust;

typedef enum {
    SBD_F_TVS_SERIAL_MISMATCH,
    SBD_F_TVS_HASH_MISMATCH,
    SBD_F_NO_TVS_RECORD,
    SBD_F_NO_ITL,
    SBD_F_CERT_HIDDEN,
    SBD_F_LIST_BAD_SIGNATURE,
    SBD_F_SIGNER_UNTRUSTED_NO_TVS,
    SBD_F_TVS_INVALID,
    SBD_F_CM_TVS_REPLACED,
    SBD_F_BLANK_ITL_WITH_CTL,
    SBD_F_SAME_NAME_DIFFERENT_CONTENT,
    SBD_F_SGN_SIGNER_NOT_TRUSTED,
    SBD_F_TVS_CUT_OFF,
    SBD_F_N
} sbd_finding_code;

typedef enum { SBD_SEV_NOTE, SBD_SEV_WARN, SBD_SEV_ERROR } sbd_severity;

typedef struct {
    sbd_finding_code code;
    const char *name;          /* stable key: "serial-mismatch", ... */
    sbd_severity severity;
    const char *explanation;   /* one line: what it means */
    const char *remediation;   /* what Cisco's TAC procedures say to do */
} sbd_finding_info;

const sbd_finding_info *sbd_finding_describe(sbd_finding_code code);
const char *sbd_tvs_verdict_str(sbd_tvs_verdict v);
const char *sbd_signer_trust_str(sbd_signer_trust t);

typedef struct {
    gboolean has_role;
    unsigned role;
    gboolean blank;
    gboolean has_cert;
    guint8 *serial;
    unsigned serial_len;
    guint8 cert_sha1[20];
    guint8 cert_sha256[32];
    guint8 *cert_issuer_der;    /* issuer Name of the certificate */
    unsigned cert_issuer_len;
    guint8 *cert_hash;          /* tag 11 */
    unsigned cert_hash_len;
    char *subject;
} sbd_record;

struct sbd_exchange;

typedef struct {
    guint32 frame;
    ciscotl_file_type type;
    char *name;
    char *server;
    gboolean has_md5;
    guint8 md5[16];
    char *signer_name;
    char *signer_issuer;
    guint8 *signer_serial;
    unsigned signer_serial_len;
    ciscotl_sig_status sig_status;
    sbd_record *recs;
    unsigned n_recs;
    gboolean blank_itl;         /* ITL whose TFTP/TVS records are blank */
    sbd_signer_trust trust;     /* ITL/CTL: signer known to the previous lists? */
    guint32 prev_frame;         /* the previous list(s) it was checked against */
    struct sbd_exchange *tvs;   /* TVS query/verify about its signer, if any */
} sbd_file;

typedef struct {
    guint32 frame;              /* where the verdict was reached */
    char *server;
    unsigned port;
    char *client_port;
    gboolean tls13;
    gboolean cert_seen;
    guint8 *cert_serial;
    unsigned cert_serial_len;
    guint8 cert_sha1[20];
    guint8 cert_sha256[32];
    guint8 *cert_issuer_der;
    unsigned cert_issuer_len;
    char *cert_subject;
    sbd_tvs_verdict verdict;
    guint32 itl_frame;
    gboolean itl_after;         /* no ITL before: compared with a later one */
    guint8 *record_serial;      /* serial of the TVS record compared */
    unsigned record_serial_len;
    const char *compared_by;    /* what of that record was compared (static text), or NULL */
} sbd_session;

/* sbd_exchange.status of an answer without a (readable) Status element:
 * not valid for a phone, but not a status TVS sent either. */
#define SBD_TVS_NO_STATUS 0xFFFFFFFFu

typedef struct sbd_exchange {
    guint32 req_frame;
    guint32 resp_frame;
    unsigned command;           /* of the request */
    guint32 request_id;
    char *subject;
    char *issuer;
    guint8 *serial;
    unsigned serial_len;
    gboolean answered;
    unsigned status;            /* SBD_TVS_NO_STATUS: the answer had no readable Status */
    gboolean has_roles;         /* the answer had a Roles element (maybe empty) */
    guint8 roles[TVS_MAX_TAP_ROLES];
    unsigned n_roles;
    gboolean has_ttl;
    guint32 ttl;
} sbd_exchange;

typedef struct {
    char *ip;
    gboolean has_mac;
    guint8 mac[6];
    char *model;
    GPtrArray *files;           /* sbd_file*, in frame order */
    GPtrArray *sessions;        /* sbd_session* */
    GPtrArray *exchanges;       /* sbd_exchange* */
    unsigned verdicts[SBD_TVS_N];
    tvs_partial_info partial[2];  /* TVS message still incomplete: [0] request, [1] answer
                                   * (start_frame 0: none) */
} sbd_phone;

typedef struct {
    sbd_finding_code code;
    guint32 frame;
    guint32 related_frame;
    sbd_phone *phone;
    char *detail;               /* this instance, one line */
} sbd_finding;

/* Per-frame view for the post-dissector. */
typedef struct {
    sbd_phone *phone;
    sbd_file *file;
    sbd_session *session;
    sbd_exchange *exchange;
    GPtrArray *findings;        /* sbd_finding*, or NULL */
} sbd_frame_view;

/* Feed (first pass, frame order). Addresses are display strings. */
void sbd_checks_reset(void);
/* The frame the next calls belong to (the entry points with a frame
 * argument set it too); a limit hit is reported on it. */
void sbd_checks_begin_frame(guint32 frame);
void sbd_checks_file(guint32 frame, const char *client, const char *server,
                     const ciscotl_tap_info *ti);
void sbd_checks_tls_hello13(const char *client, const char *client_port, const char *server,
                            unsigned port);
void sbd_checks_tls_cert(guint32 frame, const char *client, const char *client_port,
                         const char *server, unsigned port, const guint8 *der, unsigned len);
/* Encrypted application data (or TVS data) in a TLS session to a TVS port. */
void sbd_checks_tls_data(guint32 frame, const char *client, const char *client_port,
                         const char *server, unsigned port);
void sbd_checks_tvs(guint32 frame, const char *client, const tvs_tap_info *ti);
/* A TVS message of this phone has started but is not complete yet. */
void sbd_checks_tvs_partial(guint32 frame, const char *client, const tvs_partial_info *pi);
/* Conclusions that need the whole capture; idempotent. */
void sbd_checks_finish(void);
gboolean sbd_checks_finished(void);

/* Results */
const sbd_frame_view *sbd_checks_frame(guint32 frame);
GPtrArray *sbd_checks_phones(void);      /* sbd_phone* */
GPtrArray *sbd_checks_findings(void);    /* sbd_finding*, in frame order after finish */
gboolean sbd_checks_capped(void);        /* a SBD_MAX_* cap was hit */
/* The frame where a limit was hit first (0: none) and which limit. */
guint32 sbd_checks_capped_frame(const char **what);

/* The results of one capture, handed over to their reader (itl-audit) so
 * that they outlive the engine's state, which epan_free() resets.  All of
 * it is GLib memory of the engine's own (no epan/wmem memory): the caller
 * owns it after sbd_checks_take_report() and frees it with
 * sbd_report_free(). */
typedef struct {
    GPtrArray *phones;          /* sbd_phone*, as sbd_checks_phones() */
    GPtrArray *findings;        /* sbd_finding*, in frame order; ->phone is one of phones */
    gboolean capped;            /* as sbd_checks_capped() */
    guint32 capped_frame;       /* as sbd_checks_capped_frame() */
    const char *capped_what;    /* static text, or NULL */
} sbd_report;

/* Hand the phones and findings over (after sbd_checks_finish()) and start
 * again empty, as sbd_checks_reset() does: the per-frame views, which point
 * into what was handed over, go with the old state. */
sbd_report *sbd_checks_take_report(void);
/* Free a handed-over report (NULL: nothing). */
void sbd_report_free(sbd_report *rep);

#endif
