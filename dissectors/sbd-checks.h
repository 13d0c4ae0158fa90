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
#include <wsutil/nstime.h>
#include "packet-ciscotl.h"
#include "tvs-tap.h"

#define SBD_MAX_PHONES   10000   /* phones tracked per capture */
#define SBD_MAX_ITEMS    512     /* files, sessions or TVS exchanges per phone */
#define SBD_MAX_NAMES    10000   /* distinct file names compared across phones */
#define SBD_MAX_TLS13    40000   /* TLS 1.3 sessions to TVS remembered (4 per phone) */
#define SBD_MAX_HELLOS   40000   /* ServerHellos of TVS sessions remembered */
#define SBD_MAX_TLS_EXCHANGES 16 /* request/answer pairs told from record sizes, per session */

typedef enum {
    SBD_TVS_NONE = 0,
    SBD_TVS_MATCH,
    SBD_TVS_SERIAL_MISMATCH,
    SBD_TVS_HASH_MISMATCH,
    SBD_TVS_NO_TVS_RECORD,
    SBD_TVS_NO_ITL,
    SBD_TVS_CERT_HIDDEN,
    SBD_TVS_ITL_REJECTED,       /* the only ITL before the session failed its own signature */
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
    SBD_F_TVS_REJECTED,             /* the phone aborted the TLS handshake with TVS */
    SBD_F_TVS_INVALID_SERVICE,      /* TVS "invalid" for a certificate no trust list needed */
    SBD_F_TVS_ITL_REJECTED,         /* TVS session, and the ITL before it failed its signature */
    SBD_F_TVS_SERVER_ALERT,         /* TVS ended the TLS handshake with an alert */
    SBD_F_TVS_RESET,                /* TVS reset the TCP connection before answering */
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

/* How a conclusion was reached: decoded (a TVS message decrypted, an alert
 * in plaintext, a list's signature checked) or inferred (record sizes, what
 * the phone did next). */
typedef enum { SBD_SEEN = 0, SBD_INFERRED } sbd_certainty;
const char *sbd_certainty_str(sbd_certainty c);

/* One outcome per phone (sbd_checks_finish). */
typedef enum {
    SBD_OUTCOME_NONE = 0,       /* not computed yet */
    SBD_OUTCOME_TRUSTED,        /* its lists verify and TVS matches */
    SBD_OUTCOME_MIGRATED,       /* it moved to another cluster's lists and accepted them */
    SBD_OUTCOME_FAILED,         /* it rejected a list or TVS */
    SBD_OUTCOME_UNDETERMINED,   /* the input cannot tell */
    SBD_OUTCOME_N
} sbd_outcome;
const char *sbd_outcome_str(sbd_outcome o);

/* A TVS answer told from its size alone (no keys). */
typedef enum {
    SBD_ANSWER_UNKNOWN = 0,     /* size does not decide, or no answer */
    SBD_ANSWER_STATUS_ONLY,     /* status only: "invalid" */
    SBD_ANSWER_VALID            /* carries roles/TTL/a certificate: "valid" */
} sbd_answer_kind;
const char *sbd_answer_kind_str(sbd_answer_kind k);
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
    /* added for the outcome */
    nstime_t abs_ts;            /* time of `frame` (zero when not known) */
    guint8 sha1[20];            /* of the whole file (has_md5: complete) */
    gboolean has_build_time;    /* header tag 15 */
    guint32 build_time;         /* seconds since 1970 (UTC) */
    gboolean accepted;          /* trust NO: accepted later (through TVS or next steps) */
    sbd_certainty accepted_certainty;
    guint32 accepted_frame;     /* the evidence of acceptance */
    const char *accepted_how;   /* static text */
    guint32 rejected_next_frame;  /* trust NO: the phone asked for it again or went back (inferred) */
} sbd_file;

/* A request/answer pair in an encrypted TVS session, told from the TLS
 * record sizes only. */
typedef struct {
    guint32 req_frame;
    guint32 resp_frame;         /* 0: no answer seen */
    unsigned req_len, resp_len; /* TLS record lengths */
    unsigned resp_min, resp_max;  /* plaintext length range of the answer */
    sbd_answer_kind kind;
    nstime_t req_ts, resp_ts;
} sbd_tls_exchange;

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
    /* added: keyless evidence of the TLS session */
    nstime_t abs_ts;
    guint8 *itl_tvs_serial;         /* the ITL's TVS record shown beside the server's certificate: */
    unsigned itl_tvs_serial_len;    /* the one compared, else the first non-blank one */
    guint8 itl_tvs_sha1[20];        /* its certificate's SHA-1 (or its tag-11 SHA-1 hash) */
    gboolean has_itl_tvs_sha1;
    guint32 first_frame;            /* first frame of the session seen */
    guint16 tls_version;            /* negotiated (0x0304: TLS 1.3), 0 unknown */
    guint16 cipher_suite;
    gboolean has_cipher;
    gboolean encrypt_then_mac;
    gboolean handshake_done;        /* the phone finished the handshake */
    sbd_certainty handshake_certainty;
    guint32 handshake_frame;
    gboolean alert;                 /* an alert ended or marked the handshake */
    gboolean alert_by_phone;
    gboolean alert_encrypted;       /* description unknown (inferred from size) */
    guint8 alert_level, alert_desc;
    guint32 alert_frame;
    nstime_t alert_ts;
    unsigned client_app_records;    /* encrypted application-data records per side */
    unsigned server_app_records;
    sbd_tls_exchange tx[SBD_MAX_TLS_EXCHANGES];
    unsigned n_tx;
    gboolean decoded;               /* TVS messages of this session were decoded */
    guint32 reset_frame;            /* a TCP reset of the connection (0: none) */
    gboolean reset_by_server;
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
    nstime_t req_ts, resp_ts;
    gboolean for_list;          /* about the signer of a trust list the phone needed */
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
    /* added: the outcome (sbd_checks_finish) */
    sbd_outcome outcome;
    struct sbd_finding *root_cause;     /* NULL: none */
    sbd_certainty outcome_certainty;
    char *outcome_summary;              /* one sentence */
    GPtrArray *consequences;            /* sbd_finding*: the phone's other findings, causal then time order */
    guint32 last_frame;                 /* the phone's last trust frame (list, session, TVS, alert) */
} sbd_phone;

typedef struct sbd_finding {
    sbd_finding_code code;
    guint32 frame;
    guint32 related_frame;
    sbd_phone *phone;
    char *detail;               /* this instance, one line */
    sbd_certainty certainty;    /* added */
} sbd_finding;

/* Per-frame view for the post-dissector. */
typedef struct {
    sbd_phone *phone;
    sbd_file *file;
    sbd_session *session;
    sbd_exchange *exchange;
    GPtrArray *findings;        /* sbd_finding*, or NULL */
    gboolean has_ts;            /* added */
    nstime_t abs_ts;
    sbd_session *tls_session;   /* keyless TLS evidence in this frame (alert, answer size) */
} sbd_frame_view;

/* Feed (first pass, frame order). Addresses are display strings. */
void sbd_checks_reset(void);
/* The frame the next calls belong to (the entry points with a frame
 * argument set it too); a limit hit is reported on it. */
void sbd_checks_begin_frame(guint32 frame);
/* The same, with the frame's absolute time (kept for the frames the results
 * refer to: sbd_checks_frame_time). */
void sbd_checks_begin_frame_ts(guint32 frame, const nstime_t *abs_ts);
void sbd_checks_file(guint32 frame, const char *client, const char *server,
                     const ciscotl_tap_info *ti);
void sbd_checks_tls_hello13(const char *client, const char *client_port, const char *server,
                            unsigned port);
void sbd_checks_tls_cert(guint32 frame, const char *client, const char *client_port,
                         const char *server, unsigned port, const guint8 *der, unsigned len);
/* Encrypted application data (or TVS data) in a TLS session to a TVS port. */
void sbd_checks_tls_data(guint32 frame, const char *client, const char *client_port,
                         const char *server, unsigned port);
/* Keyless evidence of a TLS session to a TVS port (no keys needed): the
 * ServerHello's version and cipher suite; each TLS record (content type of
 * the record header, its length); a plaintext alert (level, description),
 * and who sent it. */
void sbd_checks_tls_hello(guint32 frame, const char *client, const char *client_port, const char *server,
                          unsigned port, unsigned version, unsigned cipher_suite, gboolean encrypt_then_mac);
void sbd_checks_tls_record(guint32 frame, const char *client, const char *client_port, const char *server,
                           unsigned port, gboolean from_server, unsigned content_type, unsigned length);
void sbd_checks_tls_alert(guint32 frame, const char *client, const char *client_port, const char *server,
                          unsigned port, gboolean from_server, unsigned level, unsigned description);
const char *sbd_tls_alert_str(unsigned description);
/* A TCP reset (RST) of a connection to a TVS port; from_server: TVS sent it. */
void sbd_checks_tcp_reset(guint32 frame, const char *client, const char *client_port, const char *server,
                          unsigned port, gboolean from_server);
void sbd_checks_tvs(guint32 frame, const char *client, const tvs_tap_info *ti);
/* A TVS message of this phone has started but is not complete yet. */
void sbd_checks_tvs_partial(guint32 frame, const char *client, const tvs_partial_info *pi);
/* Conclusions that need the whole capture; idempotent. */
void sbd_checks_finish(void);
gboolean sbd_checks_finished(void);

/* Results */
const sbd_frame_view *sbd_checks_frame(guint32 frame);
/* Absolute time of a frame the results refer to; NULL when not known. */
const nstime_t *sbd_checks_frame_time(guint32 frame);
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
