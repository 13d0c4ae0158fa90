/* itl-audit.c - batch audit of CUCM Security-By-Default trust in captures
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Reads capture files (anything wiretap reads: pcap, pcapng, gzip-compressed
 * files, ...) with libwireshark, with this project's dissectors registered
 * statically, and reports per phone what the trust checks engine
 * (dissectors/sbd-checks.c) concluded: the trust lists each phone
 * downloaded, its TLS sessions to TVS, its TVS exchanges and the findings.
 *
 * The tool never decodes trust traffic itself.  The "sbd" post-dissector
 * feeds the engine in frame order while epan dissects each record; after
 * the last record the tool calls sbd_checks_finish() and copies the
 * results into its own report structures before epan_free() runs the
 * cleanup routines (the engine is reset by an init routine at epan_new()
 * and by a cleanup routine at epan_free()).  What it does look at are the
 * link/IP/UDP/TCP headers of each record (prefilter.c): records that
 * cannot matter are not handed to epan at all, but keep their numbers.
 *
 * Pipeline: a reader thread reads and pre-filters the records and queues
 * those epan must see; the main thread dissects them.  For one input the
 * reader starts before libwireshark does, so reading overlaps its start.
 * Several inputs are audited by worker processes forked after the start
 * (-j), the main process printing their results in input order.
 *
 * Memory: one epan_dissect_t is reused for every record; the frame_data of
 * a record is destroyed after it is dissected, and only copies of the
 * reference / previous frames are kept for the timestamp callback.  What
 * grows is epan's own per-conversation state (of the dissected
 * conversations) and the engine's per-phone state, not per-packet data of
 * this program; the pre-filter's tables are bounded.
 *
 * The layout of the text, JSON and CSV output is documented in README.md
 * next to this file.
 */
#define _GNU_SOURCE 1      /* memfd_create */
#include <wireshark.h>

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <getopt.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/secrets.h>
#include <epan/timestamp.h>
#include <epan/addr_resolv.h>
#include <epan/frame_data.h>
#include <epan/uat-int.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

#include "sbd-common.h"
#include "sbd-checks.h"
#include "packet-ciscotl.h"
#include "prefilter.h"
#include "pcapscan.h"

#ifndef SBD_VERSION
#error "SBD_VERSION must come from the build (sbd_dissectors compile definitions)"
#endif

#define PROGNAME "itl-audit"
#define DEFAULT_TVS_PORT 2445u

/* Two report_message_routines members changed their parameter types in
 * 4.4 (gboolean -> bool, guint32 -> uint64_t).  4.2 is unverified. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
typedef bool rm_bool_t;
typedef uint64_t rm_framenum_t;
#else
typedef gboolean rm_bool_t;
typedef guint32 rm_framenum_t;
#endif

/* ========================================================================
 * Options
 * ======================================================================== */

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV } out_format;

static struct {
    out_format format;
    gboolean quiet;
    const char *keylog;         /* the one handed to epan */
    GPtrArray *keylogs;         /* const char*, every --keylog given */
    char *keylog_tmp;           /* several: concatenated into this file */
    GPtrArray *rsa_keys;        /* const char* */
    GPtrArray *prefs;           /* const char* "name:value" */
    GArray *tvs_ports;          /* unsigned */
    gboolean phone_filter;
    guint8 phone_mac[6];
    gboolean progress;
    gboolean prefilter;         /* FALSE: --no-prefilter */
    gboolean fast_read;         /* FALSE: --no-fast-read */
    unsigned jobs;              /* -j */
    gboolean stats;             /* --stats */
} opt;

#define MAX_JOBS 256u

/* libwireshark is started and the preferences are applied. */
static gboolean epan_ready;
/* What the pre-filter keeps, from the applied preferences. */
static pf_config pf_effective;

/* ========================================================================
 * The report of one input, copied out of the engine
 * ======================================================================== */

typedef struct {
    unsigned index;             /* 1-based */
    gboolean has_role;
    unsigned role;
    gboolean blank;
    char *serial;               /* hex, NULL if none */
    char *subject;
    gboolean has_cert;
    char *cert_sha1;            /* hex, NULL without a certificate */
} rp_record;

typedef struct {
    guint32 frame;
    ciscotl_file_type type;
    char *name;
    char *server;
    char *md5;                  /* hex, NULL if the file was incomplete */
    char *signer_name;
    char *signer_issuer;
    char *signer_serial;
    ciscotl_sig_status sig;
    sbd_signer_trust trust;
    guint32 prev_frame;
    gboolean blank_itl;
    gboolean has_tvs;           /* TVS request about its signer */
    guint32 tvs_req_frame;
    gboolean tvs_answered;
    unsigned tvs_status;
    rp_record *recs;
    unsigned n_recs;
    char *sha1;                 /* hex, NULL if the file was incomplete */
    gboolean has_build_time;    /* header tag 15 */
    guint32 build_time;
    gboolean accepted;          /* untrusted, accepted (inferred) */
    const char *accepted_how;   /* static text */
    guint32 accepted_frame;
} rp_file;

typedef struct {
    guint32 frame;
    char *server;
    unsigned port;
    char *client_port;
    gboolean tls13;
    gboolean cert_seen;
    char *cert_serial;
    char *cert_sha1;
    char *cert_sha256;
    char *cert_subject;
    sbd_tvs_verdict verdict;
    guint32 itl_frame;
    gboolean itl_after;
    char *record_serial;
    const char *compared_by;    /* static text */
    char *itl_tvs_serial;       /* the ITL's TVS record beside the server's */
    char *itl_tvs_sha1;
    guint16 tls_version, cipher_suite;
    gboolean has_cipher;
    gboolean handshake_done;
    sbd_certainty handshake_certainty;
    guint32 handshake_frame;
    gboolean alert, alert_by_phone, alert_encrypted;
    unsigned alert_desc;
    guint32 alert_frame;
    guint32 reset_frame;        /* TCP reset (0: none) */
    gboolean reset_by_server;
    sbd_tls_exchange tx[SBD_MAX_TLS_EXCHANGES];
    unsigned n_tx;
} rp_session;

typedef struct {
    guint32 req_frame;
    guint32 resp_frame;
    unsigned command;
    guint32 request_id;
    char *subject;
    char *issuer;
    char *serial;
    gboolean answered;
    unsigned status;
    gboolean has_roles;
    guint8 roles[TVS_MAX_TAP_ROLES];
    unsigned n_roles;
    gboolean has_ttl;
    guint32 ttl;
} rp_exchange;

typedef struct {
    char *ip;
    gboolean has_mac;
    guint8 mac[6];
    char *model;
    GPtrArray *files;           /* rp_file* */
    GPtrArray *sessions;        /* rp_session* */
    GPtrArray *exchanges;       /* rp_exchange* */
    unsigned verdicts[SBD_TVS_N];
    sbd_outcome outcome;
    gboolean has_root;
    sbd_finding_code root;
    guint32 root_frame;
    sbd_certainty certainty;
    char *summary;
    GArray *consequences;       /* rp_consequence */
} rp_phone;

typedef struct {
    sbd_finding_code code;
    guint32 frame;
} rp_consequence;

typedef struct {
    sbd_finding_code code;
    guint32 frame;
    guint32 related_frame;
    rp_phone *phone;            /* NULL if the engine gave none */
    char *detail;
    sbd_certainty certainty;
} rp_finding;

typedef struct {
    char *path;
    char *error;                /* NULL if the input was read to its end */
    guint32 frames;
    gboolean capped;
    GPtrArray *phones;          /* rp_phone* */
    GPtrArray *findings;        /* rp_finding* */
    char *stats;                /* --stats line, or NULL */
    GHashTable *times;          /* frame -> nstime_t*: the frames the report refers to */
} rp_input;

/* Totals over all inputs (what survives the per-input reports). */
typedef struct {
    unsigned inputs;
    unsigned errors;
    unsigned phones;
    unsigned files;
    unsigned sessions;
    unsigned exchanges;
    unsigned findings;
    unsigned verdicts[SBD_TVS_N];
    unsigned by_finding[SBD_F_N];
} totals_t;

static totals_t total;

static char *
hex_or_null(const guint8 *p, unsigned len)
{
    static const char digits[] = "0123456789abcdef";
    char *s;
    unsigned i;

    if (!p)
        return NULL;
    s = g_malloc(2 * (gsize)len + 1);
    for (i = 0; i < len; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 0xf];
    }
    s[2 * len] = '\0';
    return s;
}

/* A serial as the README promises it: the magnitude, without the leading
 * zero bytes a DER sign byte (or a padded ITL field) puts in front. */
static char *
serial_or_null(const guint8 *p, unsigned len)
{
    while (p && len > 1 && p[0] == 0) {
        p++;
        len--;
    }
    return hex_or_null(p, len);
}

static void
rp_file_free(gpointer p)
{
    rp_file *f = p;
    unsigned i;

    for (i = 0; i < f->n_recs; i++) {
        g_free(f->recs[i].serial);
        g_free(f->recs[i].subject);
        g_free(f->recs[i].cert_sha1);
    }
    g_free(f->recs);
    g_free(f->name);
    g_free(f->server);
    g_free(f->md5);
    g_free(f->signer_name);
    g_free(f->signer_issuer);
    g_free(f->signer_serial);
    g_free(f->sha1);
    g_free(f);
}

static void
rp_session_free(gpointer p)
{
    rp_session *s = p;

    g_free(s->server);
    g_free(s->client_port);
    g_free(s->cert_serial);
    g_free(s->cert_sha1);
    g_free(s->cert_sha256);
    g_free(s->cert_subject);
    g_free(s->record_serial);
    g_free(s->itl_tvs_serial);
    g_free(s->itl_tvs_sha1);
    g_free(s);
}

static void
rp_exchange_free(gpointer p)
{
    rp_exchange *x = p;

    g_free(x->subject);
    g_free(x->issuer);
    g_free(x->serial);
    g_free(x);
}

static void
rp_phone_free(gpointer p)
{
    rp_phone *ph = p;

    g_ptr_array_free(ph->files, TRUE);
    g_ptr_array_free(ph->sessions, TRUE);
    g_ptr_array_free(ph->exchanges, TRUE);
    if (ph->consequences)
        g_array_free(ph->consequences, TRUE);
    g_free(ph->summary);
    g_free(ph->ip);
    g_free(ph->model);
    g_free(ph);
}

static void
rp_finding_free(gpointer p)
{
    rp_finding *f = p;

    g_free(f->detail);
    g_free(f);
}

static rp_input *
rp_input_new(const char *path)
{
    rp_input *in = g_new0(rp_input, 1);

    in->path = g_strdup(path);
    in->phones = g_ptr_array_new_with_free_func(rp_phone_free);
    in->findings = g_ptr_array_new_with_free_func(rp_finding_free);
    in->times = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return in;
}

static void
rp_input_free(rp_input *in)
{
    if (!in)
        return;
    g_ptr_array_free(in->findings, TRUE);
    g_ptr_array_free(in->phones, TRUE);
    g_hash_table_destroy(in->times);
    g_free(in->path);
    g_free(in->error);
    g_free(in->stats);
    g_free(in);
}

static void
rp_input_set_error(rp_input *in, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
rp_input_set_error(rp_input *in, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_free(in->error);
    in->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

static gboolean
phone_selected(const sbd_phone *ph)
{
    if (!opt.phone_filter)
        return TRUE;
    return ph && ph->has_mac && memcmp(ph->mac, opt.phone_mac, 6) == 0;
}

static rp_file *
copy_file(const sbd_file *f)
{
    rp_file *r = g_new0(rp_file, 1);
    unsigned i;

    r->frame = f->frame;
    r->type = f->type;
    r->name = g_strdup(f->name);
    r->server = g_strdup(f->server);
    r->md5 = f->has_md5 ? hex_or_null(f->md5, 16) : NULL;
    r->signer_name = g_strdup(f->signer_name);
    r->signer_issuer = g_strdup(f->signer_issuer);
    r->signer_serial = serial_or_null(f->signer_serial, f->signer_serial_len);
    r->sig = f->sig_status;
    r->trust = f->trust;
    r->prev_frame = f->prev_frame;
    r->blank_itl = f->blank_itl;
    if (f->tvs) {
        r->has_tvs = TRUE;
        r->tvs_req_frame = f->tvs->req_frame;
        r->tvs_answered = f->tvs->answered;
        r->tvs_status = f->tvs->status;
    }
    r->sha1 = f->has_md5 ? hex_or_null(f->sha1, 20) : NULL;
    r->has_build_time = f->has_build_time;
    r->build_time = f->build_time;
    r->accepted = f->accepted && !(f->tvs && f->tvs->answered);
    r->accepted_how = f->accepted_how;
    r->accepted_frame = f->accepted_frame;
    r->n_recs = f->n_recs;
    r->recs = g_new0(rp_record, f->n_recs ? f->n_recs : 1);
    for (i = 0; i < f->n_recs; i++) {
        const sbd_record *s = &f->recs[i];
        rp_record *d = &r->recs[i];
        d->index = i + 1;
        d->has_role = s->has_role;
        d->role = s->role;
        d->blank = s->blank;
        d->serial = serial_or_null(s->serial, s->serial_len);
        d->subject = g_strdup(s->subject);
        d->has_cert = s->has_cert;
        d->cert_sha1 = s->has_cert ? hex_or_null(s->cert_sha1, 20) : NULL;
    }
    return r;
}

static rp_session *
copy_session(const sbd_session *s)
{
    rp_session *r = g_new0(rp_session, 1);

    r->frame = s->frame;
    r->server = g_strdup(s->server);
    r->port = s->port;
    r->client_port = g_strdup(s->client_port);
    r->tls13 = s->tls13;
    r->cert_seen = s->cert_seen;
    r->cert_serial = serial_or_null(s->cert_serial, s->cert_serial_len);
    if (s->cert_seen) {
        r->cert_sha1 = hex_or_null(s->cert_sha1, 20);
        r->cert_sha256 = hex_or_null(s->cert_sha256, 32);
    }
    r->cert_subject = g_strdup(s->cert_subject);
    r->verdict = s->verdict;
    r->itl_frame = s->itl_frame;
    r->itl_after = s->itl_after;
    r->record_serial = serial_or_null(s->record_serial, s->record_serial_len);
    r->compared_by = s->compared_by;
    r->itl_tvs_serial = serial_or_null(s->itl_tvs_serial, s->itl_tvs_serial_len);
    r->itl_tvs_sha1 = s->has_itl_tvs_sha1 ? hex_or_null(s->itl_tvs_sha1, 20) : NULL;
    r->tls_version = s->tls_version;
    r->cipher_suite = s->cipher_suite;
    r->has_cipher = s->has_cipher;
    r->handshake_done = s->handshake_done;
    r->handshake_certainty = s->handshake_certainty;
    r->handshake_frame = s->handshake_frame;
    r->alert = s->alert;
    r->alert_by_phone = s->alert_by_phone;
    r->alert_encrypted = s->alert_encrypted;
    r->alert_desc = s->alert_desc;
    r->alert_frame = s->alert_frame;
    r->reset_frame = s->reset_frame;
    r->reset_by_server = s->reset_by_server;
    r->n_tx = MIN(s->n_tx, (unsigned)SBD_MAX_TLS_EXCHANGES);
    memcpy(r->tx, s->tx, r->n_tx * sizeof r->tx[0]);
    return r;
}

static rp_exchange *
copy_exchange(const sbd_exchange *x)
{
    rp_exchange *r = g_new0(rp_exchange, 1);

    r->req_frame = x->req_frame;
    r->resp_frame = x->resp_frame;
    r->command = x->command;
    r->request_id = x->request_id;
    r->subject = g_strdup(x->subject);
    r->issuer = g_strdup(x->issuer);
    r->serial = serial_or_null(x->serial, x->serial_len);
    r->answered = x->answered;
    r->status = x->status;
    r->has_roles = x->has_roles;
    r->n_roles = MIN(x->n_roles, (unsigned)TVS_MAX_TAP_ROLES);
    memcpy(r->roles, x->roles, r->n_roles);
    r->has_ttl = x->has_ttl;
    r->ttl = x->ttl;
    return r;
}

/* The absolute time of `frame` (the engine keeps those of the frames it
 * refers to), kept in the report. */
static void
keep_time(rp_input *in, guint32 frame)
{
    const nstime_t *t;

    if (!frame || g_hash_table_contains(in->times, GUINT_TO_POINTER(frame)))
        return;
    t = sbd_checks_frame_time(frame);
    if (t)
        g_hash_table_insert(in->times, GUINT_TO_POINTER(frame), g_memdup2(t, sizeof *t));
}

static void
keep_times(rp_input *in, const rp_phone *r)
{
    guint j, k;

    for (j = 0; j < r->files->len; j++) {
        const rp_file *f = g_ptr_array_index(r->files, j);
        keep_time(in, f->frame);
        keep_time(in, f->prev_frame);
        keep_time(in, f->tvs_req_frame);
        keep_time(in, f->accepted_frame);
    }
    for (j = 0; j < r->sessions->len; j++) {
        const rp_session *s = g_ptr_array_index(r->sessions, j);
        keep_time(in, s->frame);
        keep_time(in, s->itl_frame);
        keep_time(in, s->handshake_frame);
        keep_time(in, s->alert_frame);
        keep_time(in, s->reset_frame);
        for (k = 0; k < s->n_tx; k++) {
            keep_time(in, s->tx[k].req_frame);
            keep_time(in, s->tx[k].resp_frame);
        }
    }
    for (j = 0; j < r->exchanges->len; j++) {
        const rp_exchange *x = g_ptr_array_index(r->exchanges, j);
        keep_time(in, x->req_frame);
        keep_time(in, x->resp_frame);
    }
    keep_time(in, r->root_frame);
    for (j = 0; j < r->consequences->len; j++)
        keep_time(in, g_array_index(r->consequences, rp_consequence, j).frame);
}

/* Copy what the engine concluded about the current capture.  Must run after
 * sbd_checks_finish() and before epan_free(). */
static void
collect_report(rp_input *in)
{
    GPtrArray *phones = sbd_checks_phones();
    GPtrArray *findings = sbd_checks_findings();
    GHashTable *map = g_hash_table_new(g_direct_hash, g_direct_equal);
    guint i, j;

    in->capped = sbd_checks_capped();
    for (i = 0; phones && i < phones->len; i++) {
        const sbd_phone *ph = g_ptr_array_index(phones, i);
        rp_phone *r;

        if (!phone_selected(ph))
            continue;
        r = g_new0(rp_phone, 1);
        r->ip = g_strdup(ph->ip);
        r->has_mac = ph->has_mac;
        memcpy(r->mac, ph->mac, 6);
        r->model = g_strdup(ph->model);
        r->files = g_ptr_array_new_with_free_func(rp_file_free);
        r->sessions = g_ptr_array_new_with_free_func(rp_session_free);
        r->exchanges = g_ptr_array_new_with_free_func(rp_exchange_free);
        for (j = 0; j < ph->files->len; j++)
            g_ptr_array_add(r->files, copy_file(g_ptr_array_index(ph->files, j)));
        for (j = 0; j < ph->sessions->len; j++) {
            rp_session *s = copy_session(g_ptr_array_index(ph->sessions, j));
            if ((unsigned)s->verdict < SBD_TVS_N)
                r->verdicts[s->verdict]++;
            g_ptr_array_add(r->sessions, s);
        }
        for (j = 0; j < ph->exchanges->len; j++)
            g_ptr_array_add(r->exchanges, copy_exchange(g_ptr_array_index(ph->exchanges, j)));
        r->outcome = ph->outcome;
        r->has_root = ph->root_cause != NULL;
        if (ph->root_cause) {
            r->root = ph->root_cause->code;
            r->root_frame = ph->root_cause->frame;
        }
        r->certainty = ph->outcome_certainty;
        r->summary = g_strdup(ph->outcome_summary);
        r->consequences = g_array_new(FALSE, FALSE, sizeof(rp_consequence));
        for (j = 0; ph->consequences && j < ph->consequences->len; j++) {
            const sbd_finding *c = g_ptr_array_index(ph->consequences, j);
            rp_consequence rc = { c->code, c->frame };
            g_array_append_val(r->consequences, rc);
        }
        keep_times(in, r);
        g_ptr_array_add(in->phones, r);
        g_hash_table_insert(map, (gpointer)ph, r);
    }
    for (i = 0; findings && i < findings->len; i++) {
        const sbd_finding *f = g_ptr_array_index(findings, i);
        rp_finding *r;

        if (opt.phone_filter && !g_hash_table_lookup(map, f->phone))
            continue;
        r = g_new0(rp_finding, 1);
        r->code = f->code;
        r->frame = f->frame;
        r->related_frame = f->related_frame;
        r->phone = f->phone ? g_hash_table_lookup(map, f->phone) : NULL;
        r->detail = g_strdup(f->detail);
        r->certainty = f->certainty;
        keep_time(in, r->frame);
        keep_time(in, r->related_frame);
        g_ptr_array_add(in->findings, r);
    }
    g_hash_table_destroy(map);
}

static void
add_to_totals(totals_t *t, const rp_input *in)
{
    guint i, v;

    t->inputs++;
    if (in->error)
        t->errors++;
    for (i = 0; i < in->phones->len; i++) {
        const rp_phone *ph = g_ptr_array_index(in->phones, i);
        t->phones++;
        t->files += ph->files->len;
        t->sessions += ph->sessions->len;
        t->exchanges += ph->exchanges->len;
        for (v = 0; v < SBD_TVS_N; v++)
            t->verdicts[v] += ph->verdicts[v];
    }
    for (i = 0; i < in->findings->len; i++) {
        const rp_finding *f = g_ptr_array_index(in->findings, i);
        t->findings++;
        if ((unsigned)f->code < SBD_F_N)
            t->by_finding[f->code]++;
    }
}

static void
totals_add(totals_t *t, const totals_t *d)
{
    guint i;

    t->inputs += d->inputs;
    t->errors += d->errors;
    t->phones += d->phones;
    t->files += d->files;
    t->sessions += d->sessions;
    t->exchanges += d->exchanges;
    t->findings += d->findings;
    for (i = 0; i < SBD_TVS_N; i++)
        t->verdicts[i] += d->verdicts[i];
    for (i = 0; i < SBD_F_N; i++)
        t->by_finding[i] += d->by_finding[i];
}

/* ========================================================================
 * Stable names (JSON/CSV keys do not depend on display strings)
 * ======================================================================== */

static const char *
file_type_key(ciscotl_file_type t)
{
    switch (t) {
    case CISCOTL_TYPE_ITL: return "ITL";
    case CISCOTL_TYPE_CTL: return "CTL";
    case CISCOTL_TYPE_SGN: return "SGN";
    case CISCOTL_TYPE_ENC_SGN: return "ENC-SGN";
    default: return "unknown";
    }
}

static const char *
sig_key(ciscotl_sig_status s)
{
    switch (s) {
    case CISCOTL_SIG_VALID: return "valid";
    case CISCOTL_SIG_INVALID: return "invalid";
    case CISCOTL_SIG_SIGNER_NOT_IN_FILE: return "signer-not-in-file";
    case CISCOTL_SIG_UNSUPPORTED: return "unsupported";
    case CISCOTL_SIG_NO_TRUST_LIST: return "no-trust-list";
    case CISCOTL_SIG_SIGNER_NOT_IN_TRUST_LIST: return "signer-not-in-trust-list";
    case CISCOTL_SIG_INCOMPLETE: return "incomplete";
    case CISCOTL_SIG_MISSING: return "missing";
    default: return "unknown";
    }
}

static const char *
trust_key(sbd_signer_trust t)
{
    switch (t) {
    case SBD_TRUST_FIRST: return "first-file";
    case SBD_TRUST_YES: return "yes";
    case SBD_TRUST_NO: return "no";
    default: return "unknown";
    }
}

static const char *
severity_key(sbd_severity s)
{
    switch (s) {
    case SBD_SEV_ERROR: return "error";
    case SBD_SEV_WARN: return "warning";
    default: return "note";
    }
}

static const char *
command_key(unsigned command)
{
    switch (command) {
    case TVS_CMD_VERIFY_REQUEST: return "verify";
    case TVS_CMD_QUERY_REQUEST: return "query";
    default: return "unknown";
    }
}

static const char *
finding_name(sbd_finding_code code)
{
    const sbd_finding_info *fi = sbd_finding_describe(code);
    return fi ? fi->name : "unknown";
}

static void
mac_str(const guint8 mac[6], char out[18])
{
    g_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* ========================================================================
 * Text output
 * ======================================================================== */

/* Strings for a terminal: valid UTF-8, no control characters (a capture
 * may carry escape sequences in certificate names or file names). */
static GPtrArray *scratch;

/* The input being written (its frame times). */
static const rp_input *cur_in;

/* ISO 8601 UTC with microseconds of a time in seconds since 1970. */
static const char *
iso_time(gint64 secs, int usecs, gboolean with_usecs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    char buf[40], *v;

    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm))
        return NULL;
    v = with_usecs ? g_strdup_printf("%s.%06dZ", buf, usecs) : g_strdup_printf("%sZ", buf);
    g_ptr_array_add(scratch, v);
    return v;
}

/* The absolute time of a frame of the current input, NULL if not known. */
static const char *
frame_time(guint32 frame)
{
    const nstime_t *t = frame && cur_in ? g_hash_table_lookup(cur_in->times, GUINT_TO_POINTER(frame)) : NULL;

    return t ? iso_time((gint64)t->secs, t->nsecs / 1000, TRUE) : NULL;
}

/* " (TIME)" after a frame number in text, "" if not known. */
static const char *
at(guint32 frame)
{
    const char *t = frame_time(frame);
    char *v;

    if (!t)
        return "";
    v = g_strdup_printf(" (%s)", t);
    g_ptr_array_add(scratch, v);
    return v;
}

static const char *
tls_version_text(guint16 v)
{
    switch (v) {
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return "TLS ?";
    }
}

static const char *
T(const char *s)
{
    GString *o;
    char *v;
    const char *p;

    if (!s)
        return "-";
    v = g_utf8_make_valid(s, -1);
    o = g_string_sized_new(strlen(v) + 8);
    for (p = v; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
            g_string_append_printf(o, "\\x%02x", (unsigned)c);
        else
            g_string_append_len(o, p, g_utf8_next_char(p) - p);
    }
    g_free(v);
    v = g_string_free(o, FALSE);
    g_ptr_array_add(scratch, v);
    return v;
}

static const char *
roles_text(const guint8 *roles, unsigned n)
{
    GString *o = g_string_new(NULL);
    unsigned i;
    char *v;

    for (i = 0; i < n; i++)
        g_string_append_printf(o, "%s%s", i ? "," : "", sbd_role_name(roles[i]));
    if (!n)
        g_string_append(o, "none");
    v = g_string_free(o, FALSE);
    g_ptr_array_add(scratch, v);
    return v;
}

static const char *
status_text(unsigned status)
{
    switch (status) {
    case 0: return "valid";
    case 1: return "invalid";
    case SBD_TVS_NO_STATUS: return "no readable status";
    default: {
        char *v = g_strdup_printf("status %u", status);
        g_ptr_array_add(scratch, v);
        return v;
    }
    }
}

static const char *
phone_label(const rp_phone *ph)
{
    char mac[18];
    char *v;

    if (!ph)
        return "-";
    if (ph->has_mac) {
        mac_str(ph->mac, mac);
        v = g_strdup_printf("%s (%s)", mac, T(ph->ip));
    } else {
        v = g_strdup(T(ph->ip));
    }
    g_ptr_array_add(scratch, v);
    return v;
}

/* The first RDN of a DN string ("CN=x" of "CN=x;OU=y;..."), for short lines. */
static const char *
first_rdn(const char *dn)
{
    const char *end;
    char *v;

    if (!dn)
        return "-";
    end = strpbrk(dn, ";,");
    if (!end)
        return T(dn);
    v = g_strndup(dn, (gsize)(end - dn));
    g_ptr_array_add(scratch, v);
    return T(v);
}

static gboolean
is_trust_list(const rp_file *f)
{
    return f->type == CISCOTL_TYPE_ITL || f->type == CISCOTL_TYPE_CTL;
}

static void
text_file(FILE *o, const rp_file *f)
{
    unsigned i, n_tvs = 0;

    fprintf(o, "    frame %u%s  %s %s  from %s\n", f->frame, at(f->frame), file_type_key(f->type), T(f->name),
            T(f->server));
    if (f->md5)
        fprintf(o, "      MD5 %s  SHA-1 %s\n", f->md5, f->sha1 ? f->sha1 : "-");
    else
        fprintf(o, "      MD5 - (file incomplete)\n");
    if (f->has_build_time)
        fprintf(o, "      built %s (header tag 15)\n", iso_time(f->build_time, 0, FALSE));
    fprintf(o, "      signer %s, serial %s\n", T(f->signer_name), f->signer_serial ? f->signer_serial : "-");
    fprintf(o, "      signature: %s", ciscotl_sig_status_str(f->sig));
    if (is_trust_list(f)) {
        fprintf(o, "; signer trusted: %s", sbd_signer_trust_str(f->trust));
        if (f->prev_frame)
            fprintf(o, " (previous list in frame %u%s)", f->prev_frame, at(f->prev_frame));
    }
    fputc('\n', o);
    if (f->has_tvs) {
        fprintf(o, "      TVS request about the signer in frame %u%s: %s\n", f->tvs_req_frame, at(f->tvs_req_frame),
                f->tvs_answered ? status_text(f->tvs_status) : "no answer");
    }
    if (f->accepted)
        fprintf(o, "      accepted (inferred): %s, frame %u%s\n", f->accepted_how, f->accepted_frame,
                at(f->accepted_frame));
    if (f->type != CISCOTL_TYPE_ITL)
        return;
    if (f->blank_itl)
        fprintf(o, "      blank (rollback) ITL\n");
    for (i = 0; i < f->n_recs; i++) {
        const rp_record *r = &f->recs[i];
        if (!r->has_role || r->role != SBD_ROLE_TVS)
            continue;
        n_tvs++;
        if (r->blank)
            fprintf(o, "      TVS record %u: blank\n", r->index);
        else
            fprintf(o, "      TVS record %u: serial %s  %s\n", r->index, r->serial ? r->serial : "-",
                    T(r->subject));
    }
    if (!n_tvs)
        fprintf(o, "      TVS records: none\n");
}

static void
text_session(FILE *o, const rp_session *s)
{
    unsigned k;

    fprintf(o, "    frame %u%s  %s:%u (client port %s)%s\n", s->frame, at(s->frame), T(s->server), s->port,
            T(s->client_port), s->tls13 ? "  TLS 1.3" : "");
    if (s->cert_seen)
        fprintf(o, "      certificate serial %s  SHA-1 %s  %s\n", s->cert_serial ? s->cert_serial : "-",
                s->cert_sha1, T(s->cert_subject));
    else
        fprintf(o, "      certificate not seen\n");
    fprintf(o, "      verdict: %s", sbd_tvs_verdict_str(s->verdict));
    if (s->itl_frame)
        fprintf(o, " (ITL in frame %u%s%s)", s->itl_frame, at(s->itl_frame),
                s->itl_after ? ", downloaded after the session" : "");
    if (s->record_serial)
        fprintf(o, ", TVS record serial %s", s->record_serial);
    if (s->compared_by)
        fprintf(o, ", compared by %s", s->compared_by);
    fputc('\n', o);
    if ((s->verdict == SBD_TVS_SERIAL_MISMATCH || s->verdict == SBD_TVS_HASH_MISMATCH) && s->itl_tvs_serial)
        fprintf(o, "      the ITL's TVS record: serial %s  SHA-1 %s\n", s->itl_tvs_serial,
                s->itl_tvs_sha1 ? s->itl_tvs_sha1 : "-");
    if (s->has_cipher)
        fprintf(o, "      %s, cipher suite 0x%04x\n", tls_version_text(s->tls_version), s->cipher_suite);
    if (s->alert)
        fprintf(o, "      alert by the %s in frame %u%s: %s\n", s->alert_by_phone ? "phone" : "server",
                s->alert_frame, at(s->alert_frame),
                s->alert_encrypted ? "encrypted (inferred from its size)" : sbd_tls_alert_str(s->alert_desc));
    if (s->reset_frame)
        fprintf(o, "      TCP reset by the %s in frame %u%s\n", s->reset_by_server ? "server" : "phone",
                s->reset_frame, at(s->reset_frame));
    if (s->handshake_done)
        fprintf(o, "      handshake finished by the phone in frame %u%s (%s)\n", s->handshake_frame,
                at(s->handshake_frame), sbd_certainty_str(s->handshake_certainty));
    for (k = 0; k < s->n_tx; k++) {
        const sbd_tls_exchange *x = &s->tx[k];
        fprintf(o, "      encrypted request in frame %u%s (record %u bytes)", x->req_frame, at(x->req_frame),
                x->req_len);
        if (x->resp_frame && x->resp_min == x->resp_max)
            fprintf(o, ", answer in frame %u%s (record %u bytes, %u bytes of plaintext): %s (inferred)\n",
                    x->resp_frame, at(x->resp_frame), x->resp_len, x->resp_min, sbd_answer_kind_str(x->kind));
        else if (x->resp_frame)
            fprintf(o, ", answer in frame %u%s (record %u bytes, %u to %u bytes of plaintext): %s (inferred)\n",
                    x->resp_frame, at(x->resp_frame), x->resp_len, x->resp_min, x->resp_max,
                    sbd_answer_kind_str(x->kind));
        else
            fprintf(o, ", no answer\n");
    }
}

static void
text_exchange(FILE *o, const rp_exchange *x)
{
    fprintf(o, "    frames %u/", x->req_frame);
    if (x->answered)
        fprintf(o, "%u", x->resp_frame);
    else
        fputc('-', o);
    fputs(at(x->req_frame), o);
    fprintf(o, "  %s (id %u)\n", command_key(x->command), x->request_id);
    fprintf(o, "      subject %s\n      issuer %s\n      serial %s\n", T(x->subject), T(x->issuer),
            x->serial ? x->serial : "-");
    if (x->answered) {
        fprintf(o, "      answer: %s, roles %s", status_text(x->status),
                x->has_roles ? roles_text(x->roles, x->n_roles) : "absent");
        if (x->has_ttl)
            fprintf(o, ", TTL %u s", x->ttl);
        fputc('\n', o);
    } else {
        fprintf(o, "      answer: none\n");
    }
}

typedef struct {
    guint32 frame;
    unsigned order;
    char *text;
} tl_event;

static gint
tl_cmp(gconstpointer a, gconstpointer b)
{
    const tl_event *x = a, *y = b;

    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void
tl_add(GArray *tl, guint32 frame, char *text)
{
    tl_event e = { frame, tl->len, text };
    g_array_append_val(tl, e);
}

static void
text_timeline(FILE *o, const rp_phone *ph)
{
    GArray *tl = g_array_new(FALSE, FALSE, sizeof(tl_event));
    guint i;

    for (i = 0; i < ph->files->len; i++) {
        const rp_file *f = g_ptr_array_index(ph->files, i);
        if (is_trust_list(f))
            tl_add(tl, f->frame, g_strdup_printf("%s %s signed by %s: signature %s, signer trusted: %s",
                                                 file_type_key(f->type), T(f->name), first_rdn(f->signer_name),
                                                 ciscotl_sig_status_str(f->sig),
                                                 sbd_signer_trust_str(f->trust)));
        else
            tl_add(tl, f->frame, g_strdup_printf("%s %s: signature %s", file_type_key(f->type), T(f->name),
                                                 ciscotl_sig_status_str(f->sig)));
    }
    for (i = 0; i < ph->sessions->len; i++) {
        const rp_session *s = g_ptr_array_index(ph->sessions, i);
        tl_add(tl, s->frame, g_strdup_printf("TVS %s:%u certificate %s: %s", T(s->server), s->port,
                                             s->cert_serial ? s->cert_serial : "-",
                                             sbd_tvs_verdict_str(s->verdict)));
        if (s->reset_frame)
            tl_add(tl, s->reset_frame, g_strdup_printf("TCP reset by the %s", s->reset_by_server ? "server" : "phone"));
        if (s->alert)
            tl_add(tl, s->alert_frame, g_strdup_printf("TLS alert by the %s: %s", s->alert_by_phone ? "phone" : "server",
                                                       s->alert_encrypted ? "encrypted (inferred from its size)"
                                                                          : sbd_tls_alert_str(s->alert_desc)));
        if (s->n_tx && !ph->exchanges->len) {
            unsigned k;
            for (k = 0; k < s->n_tx; k++)
                if (s->tx[k].resp_frame)
                    tl_add(tl, s->tx[k].resp_frame,
                           g_strdup_printf("TVS answer (encrypted): %s, inferred from its size",
                                           sbd_answer_kind_str(s->tx[k].kind)));
        }
    }
    for (i = 0; i < ph->exchanges->len; i++) {
        const rp_exchange *x = g_ptr_array_index(ph->exchanges, i);
        tl_add(tl, x->req_frame, g_strdup_printf("TVS %s request, serial %s", command_key(x->command),
                                                 x->serial ? x->serial : "-"));
        if (x->answered)
            tl_add(tl, x->resp_frame, g_strdup_printf("TVS %s answer: %s", command_key(x->command),
                                                      status_text(x->status)));
    }
    g_array_sort(tl, tl_cmp);
    if (tl->len)
        fprintf(o, "  timeline:\n");
    for (i = 0; i < tl->len; i++) {
        tl_event *e = &g_array_index(tl, tl_event, i);
        const char *t = frame_time(e->frame);
        fprintf(o, "    %6u  %s%s%s\n", e->frame, t ? t : "", t ? "  " : "", e->text);
        g_free(e->text);
    }
    g_array_free(tl, TRUE);
}

static void
text_phone(FILE *o, const rp_input *in, const rp_phone *ph)
{
    char mac[18] = "-";
    guint i, n_lists = 0, n_signed = 0;

    if (ph->has_mac)
        mac_str(ph->mac, mac);
    fprintf(o, "\nphone %s  IP %s  model %s  [input %s]\n", mac, T(ph->ip), T(ph->model), T(in->path));
    if (ph->outcome != SBD_OUTCOME_NONE) {
        fprintf(o, "  outcome: %s, root cause %s (%s): %s\n", sbd_outcome_str(ph->outcome),
                ph->has_root ? finding_name(ph->root) : "none", sbd_certainty_str(ph->certainty), T(ph->summary));
        if (ph->has_root)
            fprintf(o, "    act on: %s\n", sbd_finding_describe(ph->root)->remediation);
        for (i = 0; i < ph->consequences->len; i++) {
            const rp_consequence *c = &g_array_index(ph->consequences, rp_consequence, i);
            fprintf(o, "%s%s (frame %u%s)", i ? ", " : "    consequences: ", finding_name(c->code), c->frame,
                    at(c->frame));
        }
        if (ph->consequences->len)
            fputc('\n', o);
    }
    for (i = 0; i < ph->files->len; i++) {
        const rp_file *f = g_ptr_array_index(ph->files, i);
        if (is_trust_list(f))
            n_lists++;
        else
            n_signed++;
    }
    if (n_lists) {
        fprintf(o, "  trust lists:\n");
        for (i = 0; i < ph->files->len; i++)
            if (is_trust_list(g_ptr_array_index(ph->files, i)))
                text_file(o, g_ptr_array_index(ph->files, i));
    } else {
        fprintf(o, "  trust lists: none\n");
    }
    if (n_signed) {
        fprintf(o, "  signed files:\n");
        for (i = 0; i < ph->files->len; i++)
            if (!is_trust_list(g_ptr_array_index(ph->files, i)))
                text_file(o, g_ptr_array_index(ph->files, i));
    }
    if (ph->sessions->len) {
        fprintf(o, "  TVS sessions:\n");
        for (i = 0; i < ph->sessions->len; i++)
            text_session(o, g_ptr_array_index(ph->sessions, i));
    } else {
        fprintf(o, "  TVS sessions: none\n");
    }
    if (ph->exchanges->len) {
        fprintf(o, "  TVS exchanges:\n");
        for (i = 0; i < ph->exchanges->len; i++)
            text_exchange(o, g_ptr_array_index(ph->exchanges, i));
    }
    text_timeline(o, ph);
}

static void
text_input(FILE *o, const rp_input *in)
{
    guint i;

    cur_in = in;
    fprintf(o, "== %s: %u frame%s, %u phone%s, %u finding%s\n", T(in->path), in->frames,
            in->frames == 1 ? "" : "s", in->phones->len, in->phones->len == 1 ? "" : "s",
            in->findings->len, in->findings->len == 1 ? "" : "s");
    if (in->error)
        fprintf(o, "error: %s%s\n", T(in->error),
                in->frames ? " (results up to the error are reported)" : "");
    if (in->capped)
        fprintf(o, "warning: a limit of tracked phones/files/sessions was reached; later ones were not checked\n");
    for (i = 0; i < in->phones->len; i++)
        text_phone(o, in, g_ptr_array_index(in->phones, i));
    if (in->findings->len)
        fprintf(o, "\nfindings (%u) in %s:\n", in->findings->len, T(in->path));
    for (i = 0; i < in->findings->len; i++) {
        const rp_finding *f = g_ptr_array_index(in->findings, i);
        const sbd_finding_info *fi = sbd_finding_describe(f->code);
        fprintf(o, "  [%s] %s  frame %u%s", fi ? severity_key(fi->severity) : "?", finding_name(f->code), f->frame,
                at(f->frame));
        if (f->related_frame)
            fprintf(o, " (related frame %u%s)", f->related_frame, at(f->related_frame));
        fprintf(o, " [%s]", sbd_certainty_str(f->certainty));
        fprintf(o, "  phone %s: %s\n", phone_label(f->phone), T(f->detail));
        if (fi) {
            fprintf(o, "      what it means: %s\n", fi->explanation);
            fprintf(o, "      remediation: %s\n", fi->remediation);
        }
    }
    fputc('\n', o);
}

static void
text_summary(FILE *o)
{
    unsigned v, c;
    gboolean any;

    fprintf(o, "summary: %u input%s (%u unreadable), %u phone%s, %u file%s, %u TVS session%s (",
            total.inputs, total.inputs == 1 ? "" : "s", total.errors, total.phones,
            total.phones == 1 ? "" : "s", total.files, total.files == 1 ? "" : "s", total.sessions,
            total.sessions == 1 ? "" : "s");
    any = FALSE;
    for (v = 0; v < SBD_TVS_N; v++) {
        if (!total.verdicts[v])
            continue;
        fprintf(o, "%s%s %u", any ? ", " : "", sbd_tvs_verdict_str((sbd_tvs_verdict)v), total.verdicts[v]);
        any = TRUE;
    }
    fprintf(o, "%s), %u TVS exchange%s, %u finding%s (", any ? "" : "none", total.exchanges,
            total.exchanges == 1 ? "" : "s", total.findings, total.findings == 1 ? "" : "s");
    any = FALSE;
    for (c = 0; c < SBD_F_N; c++) {
        if (!total.by_finding[c])
            continue;
        fprintf(o, "%s%s %u", any ? ", " : "", finding_name((sbd_finding_code)c), total.by_finding[c]);
        any = TRUE;
    }
    fprintf(o, "%s)\n", any ? "" : "none");
}

/* ========================================================================
 * JSON output (a small streaming writer; no JSON library needed)
 * ======================================================================== */

static struct {
    FILE *f;
    int depth;
    gboolean first[64];
} jw;

static void
json_string(FILE *f, const char *s)
{
    char *v;
    const unsigned char *p;

    if (!s) {
        fputs("null", f);
        return;
    }
    v = g_utf8_make_valid(s, -1);       /* JSON text must be UTF-8 */
    fputc('"', f);
    for (p = (const unsigned char *)v; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
    g_free(v);
}

/* Start a value: separator, newline, indentation, key. */
static void
jw_key(const char *key)
{
    int i;

    if (jw.depth > 0) {
        if (!jw.first[jw.depth])
            fputc(',', jw.f);
        jw.first[jw.depth] = FALSE;
        fputc('\n', jw.f);
        for (i = 0; i < jw.depth; i++)
            fputs("  ", jw.f);
    }
    if (key) {
        json_string(jw.f, key);
        fputs(": ", jw.f);
    }
}

static void
jw_open(const char *key, char bracket)
{
    jw_key(key);
    fputc(bracket, jw.f);
    if (jw.depth < (int)G_N_ELEMENTS(jw.first) - 1)
        jw.depth++;
    jw.first[jw.depth] = TRUE;
}

static void
jw_close(char bracket)
{
    gboolean empty = jw.first[jw.depth];
    int i;

    jw.depth--;
    if (!empty) {
        fputc('\n', jw.f);
        for (i = 0; i < jw.depth; i++)
            fputs("  ", jw.f);
    }
    fputc(bracket, jw.f);
}

#define jw_obj(key) jw_open((key), '{')
#define jw_arr(key) jw_open((key), '[')
#define jw_end_obj() jw_close('}')
#define jw_end_arr() jw_close(']')

static void
jw_str(const char *key, const char *val)
{
    jw_key(key);
    json_string(jw.f, val);
}

static void
jw_uint(const char *key, guint64 val)
{
    jw_key(key);
    fprintf(jw.f, "%" G_GUINT64_FORMAT, val);
}

/* A frame number, or null when 0 (frame numbers start at 1). */
static void
jw_frame(const char *key, guint32 frame)
{
    jw_key(key);
    if (frame)
        fprintf(jw.f, "%u", frame);
    else
        fputs("null", jw.f);
}

/* The time of a frame beside it: "frame" -> "time", "X_frame" -> "X_time";
 * null when the frame is 0 or its time unknown. */
static void
jw_time(const char *frame_key, guint32 frame)
{
    char key[64];
    size_t n = strlen(frame_key);
    const char *t = frame_time(frame);

    if (n >= 5 && n < sizeof key && strcmp(frame_key + n - 5, "frame") == 0)
        g_snprintf(key, sizeof key, "%.*stime", (int)(n - 5), frame_key);
    else
        g_snprintf(key, sizeof key, "%s_time", frame_key);
    jw_key(key);
    if (t)
        json_string(jw.f, t);
    else
        fputs("null", jw.f);
}

/* A frame number and its time. */
static void
jw_frame_t(const char *key, guint32 frame)
{
    jw_frame(key, frame);
    jw_time(key, frame);
}

static void
jw_bool(const char *key, gboolean val)
{
    jw_key(key);
    fputs(val ? "true" : "false", jw.f);
}

static void
jw_null(const char *key)
{
    jw_key(key);
    fputs("null", jw.f);
}

static void
json_mac(const char *key, gboolean has, const guint8 mac[6])
{
    char m[18];

    if (!has) {
        jw_null(key);
        return;
    }
    mac_str(mac, m);
    jw_str(key, m);
}

static void
json_file(const rp_file *f)
{
    unsigned i;

    jw_obj(NULL);
    jw_frame_t("frame", f->frame);
    jw_str("type", file_type_key(f->type));
    jw_str("name", f->name);
    jw_str("server", f->server);
    jw_str("md5", f->md5);
    jw_str("sha1", f->sha1);
    jw_str("build_time", f->has_build_time ? iso_time(f->build_time, 0, FALSE) : NULL);
    jw_obj("signer");
    jw_str("name", f->signer_name);
    jw_str("issuer", f->signer_issuer);
    jw_str("serial", f->signer_serial);
    jw_end_obj();
    jw_str("signature", sig_key(f->sig));
    if (is_trust_list(f)) {
        jw_str("signer_trusted", trust_key(f->trust));
        jw_frame_t("previous_list_frame", f->prev_frame);
    } else {
        jw_null("signer_trusted");
        jw_null("previous_list_frame");
        jw_null("previous_list_time");
    }
    if (f->accepted) {
        jw_obj("accepted");
        jw_str("how", f->accepted_how);
        jw_frame_t("frame", f->accepted_frame);
        jw_str("certainty", "inferred");
        jw_end_obj();
    } else {
        jw_null("accepted");
    }
    jw_bool("blank_itl", f->blank_itl);
    if (f->has_tvs) {
        jw_obj("tvs_followup");
        jw_frame_t("request_frame", f->tvs_req_frame);
        jw_bool("answered", f->tvs_answered);
        if (f->tvs_answered && f->tvs_status != SBD_TVS_NO_STATUS)
            jw_uint("status", f->tvs_status);
        else
            jw_null("status");
        jw_end_obj();
    } else {
        jw_null("tvs_followup");
    }
    jw_arr("records");
    for (i = 0; i < f->n_recs; i++) {
        const rp_record *r = &f->recs[i];
        jw_obj(NULL);
        jw_uint("index", r->index);
        if (r->has_role) {
            jw_uint("role", r->role);
            jw_str("role_name", sbd_role_name(r->role));
        } else {
            jw_null("role");
            jw_null("role_name");
        }
        jw_bool("blank", r->blank);
        jw_str("serial", r->serial);
        jw_str("subject", r->subject);
        jw_str("cert_sha1", r->cert_sha1);
        jw_end_obj();
    }
    jw_end_arr();
    jw_end_obj();
}

static void
json_session(const rp_session *s)
{
    unsigned k;

    jw_obj(NULL);
    jw_frame_t("frame", s->frame);
    jw_str("server", s->server);
    jw_uint("port", s->port);
    jw_str("client_port", s->client_port);
    jw_bool("tls13", s->tls13);
    jw_bool("cert_seen", s->cert_seen);
    jw_str("cert_serial", s->cert_serial);
    jw_str("cert_sha1", s->cert_sha1);
    jw_str("cert_sha256", s->cert_sha256);
    jw_str("cert_subject", s->cert_subject);
    jw_str("verdict", sbd_tvs_verdict_str(s->verdict));
    jw_frame_t("itl_frame", s->itl_frame);
    jw_bool("itl_after", s->itl_after);
    jw_str("record_serial", s->record_serial);
    jw_str("compared_by", s->compared_by);
    jw_str("itl_tvs_serial", s->itl_tvs_serial);
    jw_str("itl_tvs_cert_sha1", s->itl_tvs_sha1);
    jw_obj("tls");
    if (s->has_cipher) {
        jw_str("version", tls_version_text(s->tls_version));
        jw_uint("cipher_suite", s->cipher_suite);
    } else {
        jw_null("version");
        jw_null("cipher_suite");
    }
    jw_bool("handshake_done", s->handshake_done);
    jw_frame_t("handshake_frame", s->handshake_done ? s->handshake_frame : 0);
    if (s->handshake_done)
        jw_str("handshake_certainty", sbd_certainty_str(s->handshake_certainty));
    else
        jw_null("handshake_certainty");
    jw_end_obj();
    if (s->alert) {
        jw_obj("alert");
        jw_str("sender", s->alert_by_phone ? "phone" : "server");
        if (s->alert_encrypted) {
            jw_null("description");
            jw_null("code");
        } else {
            jw_str("description", sbd_tls_alert_str(s->alert_desc));
            jw_uint("code", s->alert_desc);
        }
        jw_frame_t("frame", s->alert_frame);
        jw_str("certainty", s->alert_encrypted ? "inferred" : "seen");
        jw_end_obj();
    } else {
        jw_null("alert");
    }
    if (s->reset_frame) {
        jw_obj("reset");
        jw_str("sender", s->reset_by_server ? "server" : "phone");
        jw_frame_t("frame", s->reset_frame);
        jw_end_obj();
    } else {
        jw_null("reset");
    }
    jw_arr("answers_inferred");
    for (k = 0; k < s->n_tx; k++) {
        const sbd_tls_exchange *x = &s->tx[k];
        jw_obj(NULL);
        jw_frame_t("request_frame", x->req_frame);
        jw_uint("request_record_length", x->req_len);
        jw_frame_t("response_frame", x->resp_frame);
        if (x->resp_frame) {
            jw_uint("response_record_length", x->resp_len);
            jw_uint("plaintext_min", x->resp_min);
            jw_uint("plaintext_max", x->resp_max);
        } else {
            jw_null("response_record_length");
            jw_null("plaintext_min");
            jw_null("plaintext_max");
        }
        jw_str("answer", sbd_answer_kind_str(x->kind));
        jw_str("certainty", "inferred");
        jw_end_obj();
    }
    jw_end_arr();
    jw_end_obj();
}

static void
json_exchange(const rp_exchange *x)
{
    unsigned i;

    jw_obj(NULL);
    jw_frame_t("request_frame", x->req_frame);
    jw_frame_t("response_frame", x->answered ? x->resp_frame : 0);
    jw_str("command", command_key(x->command));
    jw_uint("command_code", x->command);
    jw_uint("request_id", x->request_id);
    jw_str("subject", x->subject);
    jw_str("issuer", x->issuer);
    jw_str("serial", x->serial);
    jw_bool("answered", x->answered);
    if (x->answered) {
        if (x->status != SBD_TVS_NO_STATUS)
            jw_uint("status", x->status);
        else
            jw_null("status");
        if (x->has_roles) {
            jw_arr("roles");
            for (i = 0; i < x->n_roles; i++) {
                jw_obj(NULL);
                jw_uint("code", x->roles[i]);
                jw_str("name", sbd_role_name(x->roles[i]));
                jw_end_obj();
            }
            jw_end_arr();
        } else {
            jw_null("roles");
        }
        if (x->has_ttl)
            jw_uint("ttl", x->ttl);
        else
            jw_null("ttl");
    } else {
        jw_null("status");
        jw_null("roles");
        jw_null("ttl");
    }
    jw_end_obj();
}

static void
json_verdicts(const char *key, const unsigned *counts)
{
    unsigned v;

    jw_obj(key);
    for (v = 0; v < SBD_TVS_N; v++)
        jw_uint(sbd_tvs_verdict_str((sbd_tvs_verdict)v), counts[v]);
    jw_end_obj();
}

static void
json_input(const rp_input *in)
{
    guint i, j;

    cur_in = in;
    jw_obj(NULL);
    jw_str("path", in->path);
    jw_str("error", in->error);
    jw_uint("frames", in->frames);
    jw_bool("capped", in->capped);
    jw_arr("phones");
    for (i = 0; i < in->phones->len; i++) {
        const rp_phone *ph = g_ptr_array_index(in->phones, i);
        jw_obj(NULL);
        json_mac("mac", ph->has_mac, ph->mac);
        jw_str("ip", ph->ip);
        jw_str("model", ph->model);
        json_verdicts("verdicts", ph->verdicts);
        jw_obj("outcome");
        jw_str("status", ph->outcome != SBD_OUTCOME_NONE ? sbd_outcome_str(ph->outcome) : NULL);
        jw_str("root_cause", ph->has_root ? finding_name(ph->root) : NULL);
        jw_frame_t("root_cause_frame", ph->has_root ? ph->root_frame : 0);
        jw_str("certainty", sbd_certainty_str(ph->certainty));
        jw_str("summary", ph->summary);
        jw_str("remediation", ph->has_root ? sbd_finding_describe(ph->root)->remediation : NULL);
        jw_arr("consequences");
        for (j = 0; j < ph->consequences->len; j++) {
            const rp_consequence *c = &g_array_index(ph->consequences, rp_consequence, j);
            jw_obj(NULL);
            jw_str("finding", finding_name(c->code));
            jw_frame_t("frame", c->frame);
            jw_end_obj();
        }
        jw_end_arr();
        jw_end_obj();
        jw_arr("files");
        for (j = 0; j < ph->files->len; j++)
            json_file(g_ptr_array_index(ph->files, j));
        jw_end_arr();
        jw_arr("sessions");
        for (j = 0; j < ph->sessions->len; j++)
            json_session(g_ptr_array_index(ph->sessions, j));
        jw_end_arr();
        jw_arr("exchanges");
        for (j = 0; j < ph->exchanges->len; j++)
            json_exchange(g_ptr_array_index(ph->exchanges, j));
        jw_end_arr();
        jw_end_obj();
    }
    jw_end_arr();
    jw_arr("findings");
    for (i = 0; i < in->findings->len; i++) {
        const rp_finding *f = g_ptr_array_index(in->findings, i);
        const sbd_finding_info *fi = sbd_finding_describe(f->code);
        jw_obj(NULL);
        jw_str("finding", finding_name(f->code));
        jw_str("severity", fi ? severity_key(fi->severity) : NULL);
        jw_str("certainty", sbd_certainty_str(f->certainty));
        jw_frame_t("frame", f->frame);
        jw_frame_t("related_frame", f->related_frame);
        if (f->phone) {
            json_mac("phone_mac", f->phone->has_mac, f->phone->mac);
            jw_str("phone_ip", f->phone->ip);
        } else {
            jw_null("phone_mac");
            jw_null("phone_ip");
        }
        jw_str("detail", f->detail);
        jw_str("explanation", fi ? fi->explanation : NULL);
        jw_str("remediation", fi ? fi->remediation : NULL);
        jw_end_obj();
    }
    jw_end_arr();
    jw_end_obj();
}

static void
json_begin(FILE *f)
{
    jw.f = f;
    jw.depth = 0;
    jw_obj(NULL);
    jw_str("version", SBD_VERSION);
    jw_str("wireshark_version", epan_get_version());
    jw_arr("inputs");
}

static void
json_end(int exit_status)
{
    unsigned c;

    jw_end_arr();
    jw_obj("summary");
    jw_uint("inputs", total.inputs);
    jw_uint("errors", total.errors);
    jw_uint("phones", total.phones);
    jw_uint("files", total.files);
    jw_uint("sessions", total.sessions);
    jw_uint("exchanges", total.exchanges);
    jw_uint("findings", total.findings);
    json_verdicts("verdicts", total.verdicts);
    jw_obj("by_finding");
    for (c = 0; c < SBD_F_N; c++)
        jw_uint(finding_name((sbd_finding_code)c), total.by_finding[c]);
    jw_end_obj();
    jw_uint("exit_status", (guint64)exit_status);
    jw_end_obj();
    jw_end_obj();
    fputc('\n', jw.f);
}

/* ========================================================================
 * CSV output (RFC 4180: CRLF, fields with , " CR LF quoted, "" inside)
 * ======================================================================== */

static void
csv_field(FILE *f, const char *s, gboolean last)
{
    char *v = g_utf8_make_valid(s ? s : "", -1);

    if (strpbrk(v, ",\"\r\n")) {
        const char *p;
        fputc('"', f);
        for (p = v; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(v, f);
    }
    fputs(last ? "\r\n" : ",", f);
    g_free(v);
}

static void
csv_header(FILE *f)
{
    fputs("input,phone_mac,phone_ip,frame,related_frame,finding,severity,detail,explanation,remediation,"
          "time,related_time,certainty,phone_outcome,phone_root_cause\r\n", f);
}

static void
csv_input(FILE *f, const rp_input *in)
{
    guint i;

    cur_in = in;
    for (i = 0; i < in->findings->len; i++) {
        const rp_finding *fd = g_ptr_array_index(in->findings, i);
        const sbd_finding_info *fi = sbd_finding_describe(fd->code);
        char mac[18] = "", frame[16], rel[16] = "";

        if (fd->phone && fd->phone->has_mac)
            mac_str(fd->phone->mac, mac);
        g_snprintf(frame, sizeof frame, "%u", fd->frame);
        if (fd->related_frame)
            g_snprintf(rel, sizeof rel, "%u", fd->related_frame);
        csv_field(f, in->path, FALSE);
        csv_field(f, mac, FALSE);
        csv_field(f, fd->phone ? fd->phone->ip : "", FALSE);
        csv_field(f, frame, FALSE);
        csv_field(f, rel, FALSE);
        csv_field(f, finding_name(fd->code), FALSE);
        csv_field(f, fi ? severity_key(fi->severity) : "", FALSE);
        csv_field(f, fd->detail, FALSE);
        csv_field(f, fi ? fi->explanation : "", FALSE);
        csv_field(f, fi ? fi->remediation : "", FALSE);
        csv_field(f, frame_time(fd->frame), FALSE);
        csv_field(f, frame_time(fd->related_frame), FALSE);
        csv_field(f, sbd_certainty_str(fd->certainty), FALSE);
        csv_field(f, fd->phone && fd->phone->outcome != SBD_OUTCOME_NONE ? sbd_outcome_str(fd->phone->outcome) : "",
                  FALSE);
        csv_field(f, fd->phone && fd->phone->has_root ? finding_name(fd->phone->root) : "", TRUE);
    }
}

/* ========================================================================
 * Inputs: explicit paths and recursive directory walks
 * ======================================================================== */

typedef struct {
    char *path;
    gboolean explicit_path;     /* named on the command line */
    char *error;                /* found unreadable while walking */
} input_item;

static GPtrArray *items;        /* input_item* */
static GHashTable *seen_dirs;   /* "dev:ino" of directories entered */
static GHashTable *seen_files;  /* "dev:ino" of files queued */

#define MAX_WALK_DEPTH 256

static void
item_free(gpointer p)
{
    input_item *it = p;

    g_free(it->path);
    g_free(it->error);
    g_free(it);
}

static void
add_item(const char *path, gboolean explicit_path, char *error)
{
    input_item *it = g_new0(input_item, 1);

    it->path = g_strdup(path);
    it->explicit_path = explicit_path;
    it->error = error;
    g_ptr_array_add(items, it);
}

static char *
inode_key(const struct stat *st)
{
    return g_strdup_printf("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
}

static gboolean
has_capture_extension(const char *path)
{
    static const char *const exts[] = {
        ".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz", ".ntar", ".ntar.gz",
    };
    const char *base = strrchr(path, '/');
    char *lower = g_ascii_strdown(base ? base + 1 : path, -1);
    gboolean yes = FALSE;
    guint i;

    for (i = 0; i < G_N_ELEMENTS(exts) && !yes; i++)
        yes = g_str_has_suffix(lower, exts[i]);
    g_free(lower);
    return yes;
}

static gint
name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void walk_dir(const char *dir, const struct stat *dst, gboolean explicit_path, int depth);

static void
add_path(const char *path, gboolean explicit_path, int depth)
{
    struct stat st;
    char *key;

    if (stat(path, &st) != 0) {
        /* In a walk, only names that look like captures are worth an error
         * (a dangling symlink "x.pcap"); other broken entries are skipped. */
        if (explicit_path || has_capture_extension(path))
            add_item(path, explicit_path, g_strdup_printf("cannot access: %s", g_strerror(errno)));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        walk_dir(path, &st, explicit_path, depth);
        return;
    }
    if (!explicit_path && !S_ISREG(st.st_mode))
        return;                 /* FIFOs, sockets, devices met in a walk */
    key = inode_key(&st);
    if (g_hash_table_contains(seen_files, key)) {
        g_free(key);            /* the same file reached twice: once is enough */
        return;
    }
    g_hash_table_add(seen_files, key);
    add_item(path, explicit_path, NULL);
}

static void
walk_dir(const char *dir, const struct stat *dst, gboolean explicit_path, int depth)
{
    GPtrArray *names;
    DIR *d;
    struct dirent *de;
    char *key = inode_key(dst);
    guint i;

    if (g_hash_table_contains(seen_dirs, key)) {
        g_free(key);            /* symlink loop, or the same tree named twice */
        return;
    }
    g_hash_table_add(seen_dirs, key);
    if (depth > MAX_WALK_DEPTH) {
        add_item(dir, explicit_path, g_strdup_printf("directory nesting deeper than %d levels", MAX_WALK_DEPTH));
        return;
    }
    d = opendir(dir);
    if (!d) {
        add_item(dir, explicit_path, g_strdup_printf("cannot read directory: %s", g_strerror(errno)));
        return;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        g_ptr_array_add(names, g_strdup(de->d_name));
    }
    closedir(d);
    g_ptr_array_sort(names, name_cmp);
    for (i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, (const char *)g_ptr_array_index(names, i), NULL);
        add_path(path, FALSE, depth + 1);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
}

/* ========================================================================
 * libwireshark glue
 * ======================================================================== */

/* Frame data the timestamp callback can be asked about: only copies of the
 * reference frame and of the previous frame are kept. */
struct packet_provider_data {
    wtap *wth;
    const frame_data *ref;
    frame_data *prev_dis;
    frame_data *prev_cap;
};

static const nstime_t *
get_frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    if (prov->ref && prov->ref->num == frame_num)
        return &prov->ref->abs_ts;
    if (prov->prev_dis && prov->prev_dis->num == frame_num)
        return &prov->prev_dis->abs_ts;
    if (prov->prev_cap && prov->prev_cap->num == frame_num)
        return &prov->prev_cap->abs_ts;
    return NULL;
}

static void
vmessage(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", PROGNAME, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void
rm_failure(const char *fmt, va_list ap)
{
    vmessage("", fmt, ap);
}

static void
rm_warning(const char *fmt, va_list ap)
{
    vmessage("warning: ", fmt, ap);
}

static void
rm_open_failure(const char *filename, int err, rm_bool_t for_writing)
{
    fprintf(stderr, "%s: cannot open %s for %s: %s\n", PROGNAME, filename, for_writing ? "writing" : "reading",
            g_strerror(err));
}

static void
rm_read_failure(const char *filename, int err)
{
    fprintf(stderr, "%s: error reading %s: %s\n", PROGNAME, filename, g_strerror(err));
}

static void
rm_write_failure(const char *filename, int err)
{
    fprintf(stderr, "%s: error writing %s: %s\n", PROGNAME, filename, g_strerror(err));
}

static void
rm_cfile_message(const char *what, const char *filename, int err, gchar *err_info)
{
    fprintf(stderr, "%s: %s %s: %s%s%s\n", PROGNAME, what, filename, wtap_strerror(err),
            err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void
rm_cfile_open_failure(const char *filename, int err, gchar *err_info)
{
    rm_cfile_message("cannot open", filename, err, err_info);
}

static void
rm_cfile_dump_open_failure(const char *filename, int err, gchar *err_info, int file_type_subtype _U_)
{
    rm_cfile_message("cannot create", filename, err, err_info);
}

static void
rm_cfile_read_failure(const char *filename, int err, gchar *err_info)
{
    rm_cfile_message("error reading", filename, err, err_info);
}

static void
rm_cfile_write_failure(const char *in_filename _U_, const char *out_filename, int err, gchar *err_info,
                       rm_framenum_t framenum _U_, int file_type_subtype _U_)
{
    rm_cfile_message("error writing", out_filename ? out_filename : "output", err, err_info);
}

static void
rm_cfile_close_failure(const char *filename, int err, gchar *err_info)
{
    rm_cfile_message("error closing", filename, err, err_info);
}

static void
cmdarg_err_cb(const char *fmt, va_list ap)
{
    vmessage("", fmt, ap);
}

/* prefs_set_pref() writes into its argument: give it a copy. */
static gboolean
set_pref(const char *setting, gboolean from_user)
{
    char *buf = g_strdup(setting);
    char *errmsg = NULL;
    prefs_set_pref_e r = prefs_set_pref(buf, &errmsg);
    gboolean ok = r == PREFS_SET_OK;

    if (!ok) {
        const char *why = r == PREFS_SET_SYNTAX_ERR ? "syntax error"
                        : r == PREFS_SET_NO_SUCH_PREF ? "no such preference"
                        : r == PREFS_SET_OBSOLETE ? "obsolete preference" : "cannot be set";
        fprintf(stderr, "%s: %s \"%s\": %s%s%s\n", PROGNAME, from_user ? "invalid -o" : "cannot set preference",
                setting, why, errmsg ? ": " : "", errmsg ? errmsg : "");
    }
    g_free(errmsg);
    g_free(buf);
    return ok;
}

/* A UAT string field: quotes, backslashes and non-printable bytes as \xNN. */
static char *
uat_quote(const char *s)
{
    GString *o = g_string_new("\"");
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || !g_ascii_isprint(*p))
            g_string_append_printf(o, "\\x%02x", *p);
        else
            g_string_append_c(o, (char)*p);
    }
    g_string_append_c(o, '"');
    return g_string_free(o, FALSE);
}

static gboolean
apply_preferences(void)
{
    gboolean ok = TRUE;
    GString *ports = g_string_new(NULL);
    char *s;
    guint i;

    /* The plugin's init routine forces TFTP reassembly on too (preference
     * ciscotl.force_tftp_defragment); setting it here as well makes the
     * tool independent of that. */
    ok &= set_pref("tftp.defragment:TRUE", FALSE);

    for (i = 0; i < opt.tvs_ports->len; i++)
        g_string_append_printf(ports, "%s%u", i ? "," : "", g_array_index(opt.tvs_ports, unsigned, i));
    s = g_strdup_printf("sbd.tvs_ports:%s", ports->str);
    ok &= set_pref(s, FALSE);
    g_free(s);
    /* The TVS dissector's own port list (TLS application data on these
     * ports is TVS; it also hands the ports to TLS). */
    s = g_strdup_printf("tvs.tls.port:%s", ports->str);
    ok &= set_pref(s, FALSE);
    g_free(s);
    g_string_free(ports, TRUE);

    if (opt.keylog) {
        s = g_strdup_printf("tls.keylog_file:%s", opt.keylog);
        ok &= set_pref(s, FALSE);
        g_free(s);
    }
    for (i = 0; i < opt.rsa_keys->len; i++) {
        char *q = uat_quote(g_ptr_array_index(opt.rsa_keys, i));
        s = g_strdup_printf("uat:rsa_keys:%s,\"\"", q);
        ok &= set_pref(s, FALSE);
        g_free(s);
        g_free(q);
    }
    /* -o last: the user has the final word (except where an init routine
     * of a dissector forces a value per capture). */
    for (i = 0; i < opt.prefs->len; i++)
        ok &= set_pref(g_ptr_array_index(opt.prefs, i), TRUE);
    prefs_apply_all();
    return ok;
}

/* ========================================================================
 * Reading one capture
 * ======================================================================== */

static void
progress(const char *path, unsigned idx, unsigned count, guint32 frames, gboolean done)
{
    if (!opt.progress)
        return;
    if (done)
        fputs("\r\033[K", stderr);
    else
        fprintf(stderr, "\r\033[K[%u/%u] %s: %u frames", idx, count, T(path), frames);
    fflush(stderr);
}

static char *
wtap_error_text(int err, const gchar *err_info)
{
    if (err == WTAP_ERR_FILE_UNKNOWN_FORMAT)
        return g_strdup("not a capture file (wiretap does not recognise its format)");
    if (err == WTAP_ERR_SHORT_READ)
        return g_strdup_printf("capture cut short (%s)", wtap_strerror(err));
    if (err_info)
        return g_strdup_printf("%s (%s)", wtap_strerror(err), err_info);
    return g_strdup(wtap_strerror(err));
}

/* Wiretap also opens files that are not network captures: documents it
 * hands over whole as one record (PEM, DER/BER, MIME types, JSON, MP4,
 * ...), some of them by weak heuristics that match short text files, and
 * text logs.  They carry no phone traffic. */
static gboolean
is_document(wtap *wth)
{
    switch (wtap_file_encap(wth)) {
    case WTAP_ENCAP_BER:
    case WTAP_ENCAP_TNEF:
    case WTAP_ENCAP_JPEG_JFIF:
    case WTAP_ENCAP_MIME:
    case WTAP_ENCAP_JSON:
    case WTAP_ENCAP_RUBY_MARSHAL:
    case WTAP_ENCAP_RFC7468:
    case WTAP_ENCAP_SYSTEMD_JOURNAL:
    case WTAP_ENCAP_MP4:
    case WTAP_ENCAP_LOGCAT:
    case WTAP_ENCAP_LOGCAT_BRIEF:
    case WTAP_ENCAP_LOGCAT_PROCESS:
    case WTAP_ENCAP_LOGCAT_TAG:
    case WTAP_ENCAP_LOGCAT_THREAD:
    case WTAP_ENCAP_LOGCAT_TIME:
    case WTAP_ENCAP_LOGCAT_THREADTIME:
    case WTAP_ENCAP_LOGCAT_LONG:
        return TRUE;
    default:
        return FALSE;
    }
}

/* ========================================================================
 * The record pre-filter: which ports matter
 * ======================================================================== */

/* Before epan is initialised (the first input is read while epan starts):
 * only what the command line says.  TFTP 69, the --tvs-port list, HTTP
 * 6970; TLS on other ports when a key log or RSA key was given. */
static void
prefilter_config_early(pf_config *cfg)
{
    guint i;

    pf_config_init(cfg);
    pf_config_add_udp(cfg, 69);
    pf_config_add_tcp(cfg, 6970);
    for (i = 0; i < opt.tvs_ports->len; i++)
        pf_config_add_tcp(cfg, g_array_index(opt.tvs_ports, unsigned, i));
    cfg->tls_any_port = opt.keylog != NULL || opt.rsa_keys->len > 0;
}

static void
add_range_pref(pf_config *cfg, gboolean tcp, const char *module, const char *name)
{
    module_t *m = prefs_find_module(module);
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;
    range_t *r = p ? prefs_get_range_value_real(p, pref_current) : NULL;
    guint i;
    guint32 port;

    if (!r)
        return;
    for (i = 0; i < r->nranges; i++) {
        for (port = r->ranges[i].low; port <= r->ranges[i].high && port < 65536; port++) {
            if (tcp)
                pf_config_add_tcp(cfg, port);
            else
                pf_config_add_udp(cfg, port);
        }
    }
}

static gboolean
string_pref_set(module_t *m, const char *name)
{
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;
    const char *v = NULL;

    if (p && (prefs_get_type(p) & (PREF_STRING | PREF_SAVE_FILENAME | PREF_OPEN_FILENAME | PREF_DIRNAME)))
        v = prefs_get_string_value(p, pref_current);
    return v && *v;
}

static gboolean
uat_has_rows(const char *name)
{
    uat_t *u = uat_get_table_by_name(name);

    return u && u->raw_data && u->raw_data->len > 0;
}

/* Can TLS be decrypted at all (key log, pre-shared key, RSA keys)?  Only
 * then can TVS's heuristic find TVS inside TLS on a port that is not a TVS
 * port.  Decryption Secrets Blocks in a capture switch it on as they are
 * read. */
static gboolean
tls_decryption_configured(void)
{
    module_t *tls = prefs_find_module("tls");

    return string_pref_set(tls, "keylog_file") || string_pref_set(tls, "psk") ||
           string_pref_set(tls, "keys_list") || uat_has_rows("TLS Decrypt") ||
           uat_has_rows("RSA Private Keys");
}

/* After the preferences are applied (-o, the user's profile): the ports
 * epan itself dissects as TFTP / TVS / checked TVS sessions. */
static void
prefilter_config_effective(pf_config *cfg)
{
    pf_config_init(cfg);
    add_range_pref(cfg, FALSE, "tftp", "udp.port");
    pf_config_add_udp(cfg, 69);
    add_range_pref(cfg, TRUE, "sbd", "tvs_ports");
    add_range_pref(cfg, TRUE, "tvs", "tls.port");
    pf_config_add_tcp(cfg, 6970);
    cfg->tls_any_port = tls_decryption_configured();
}

/* ========================================================================
 * Reading one capture: a reader thread
 *
 * The thread reads the records with wiretap, runs the pre-filter and
 * queues the records epan must see (with the DSB secrets in between, in
 * file order); the main thread dissects them.  The first input's thread
 * starts before epan is initialised, so that reading overlaps epan's start.
 *
 * Wiretap's Buffer code keeps a global pool of small buffers that is not
 * thread-safe: while a reader thread runs, only that thread creates, resets
 * or frees wtap_rec and Buffer objects.  The main thread hands used items
 * back for reuse and frees them only after joining the thread.
 * ======================================================================== */

typedef enum { QI_PACKET, QI_SECRETS, QI_END } qi_kind;

typedef struct qitem {
    struct qitem *next;
    qi_kind kind;
    /* QI_PACKET */
    wtap_rec rec;
    Buffer buf;
    gint64 offset;
    guint32 framenum;           /* record number in the file */
    guint32 cum_bytes;          /* bytes of all records before it */
    gboolean has_prev;
    nstime_t prev_ts;           /* time stamp of record framenum - 1 */
    /* QI_SECRETS */
    guint32 secrets_type;
    guint8 *secrets;
    guint secrets_len;
    /* QI_END */
    int err;
    gchar *err_info;
} qitem;

/* Records read ahead of the dissection.  While libwireshark starts, the
 * reader of the first input goes on until this many records wait for epan;
 * the bound is what keeps the peak memory the same whatever the size of
 * the capture (some 2.5 kB per waiting record: its buffer, its wtap_rec
 * and packet block).  Past it the reader waits for the dissection. */
#define QUEUE_MAX_ITEMS 1024u
#define QUEUE_MAX_BYTES (2u << 20)

enum { CTL_ABORT = 1, CTL_YIELD = 2 };

typedef struct {
    char *path;
    gboolean filter;
    pf_config cfg;
    GThread *thread;
    GMutex lock;
    GCond cond;
    gint ctl;                   /* CTL_*, atomic, looked at for every record */
    /* under lock */
    qitem *head, *tail;
    guint queued;
    gsize queued_bytes;
    qitem *free_items;
    gboolean opened, done, paused, abort, consumer_waiting;
    gboolean yield;             /* asked to stop the thread, to go on in a forked worker */
    gboolean handed;            /* read by the main process while libwireshark started */
    guint32 handed_records;     /* records read there */
    /* set when opening, before the thread starts */
    wtap *wth;
    gboolean scan;              /* records walked by pcapscan.c, not wtap_read() */
    gboolean scanned;           /* the scanner walked the file, or its start */
    int scan_fd;
    pcs_reader pcs;
    /* pcapng: the scanner met a block only wiretap's sequential reading may
     * take; wtap_read() reads on from the start, passing over the records
     * the scanner had walked */
    gboolean scan_stopped;
    gint64 scan_stop_off;
    guint32 scan_stop_type;
    guint32 skip;               /* records still to pass over */
    guint64 seek_reads;         /* thread only: records read again through wiretap */
    int open_err;
    gchar *open_err_info;
    gboolean document;
    int file_type;
    /* set by the thread before the first item is queued */
    nstime_t first_ts;
    /* set by the thread when it ends: the last record's time stamp */
    gboolean has_last;
    nstime_t last_ts;
    /* thread only; read after the join */
    pf_state *pf;
    gint progress;              /* atomic: records read so far */
    /* where the thread stopped when it yielded (see reader_handover()) */
    struct {
        gboolean valid;
        gint64 offset;
        guint32 framenum, cum;
        gboolean has_prev;
        nstime_t prev_ts;
        qitem *cur;
    } at;
} reader;

static _Thread_local reader *cur_reader;

static void
qitem_free(qitem *q)
{
    if (!q)
        return;
    if (q->kind == QI_PACKET) {
        wtap_rec_cleanup(&q->rec);
        ws_buffer_free(&q->buf);
    }
    g_free(q->secrets);
    g_free(q->err_info);
    g_free(q);
}

static void
qitems_free(qitem *q)
{
    while (q) {
        qitem *n = q->next;
        qitem_free(q);
        q = n;
    }
}

/* With r->lock held: wait while the queue is full. */
static void
reader_block(reader *r, gboolean need_space)
{
    while (!r->abort && !r->yield && need_space &&
           (r->queued >= QUEUE_MAX_ITEMS || r->queued_bytes >= QUEUE_MAX_BYTES)) {
        r->paused = TRUE;
        g_cond_broadcast(&r->cond);
        g_cond_wait(&r->cond, &r->lock);
    }
    r->paused = FALSE;
}

static gboolean
reader_push(reader *r, qitem *q, gboolean bounded)
{
    gboolean ok;

    g_mutex_lock(&r->lock);
    reader_block(r, bounded);
    ok = !r->abort;
    if (ok) {
        q->next = NULL;
        if (r->tail)
            r->tail->next = q;
        else
            r->head = q;
        r->tail = q;
        r->queued++;
        if (q->kind == QI_PACKET)
            r->queued_bytes += ws_buffer_length(&q->buf);
        if (r->consumer_waiting)
            g_cond_broadcast(&r->cond);
    }
    g_mutex_unlock(&r->lock);
    return ok;
}

/* An item to read the next record into: a recycled one or a new one. */
static qitem *
reader_item(reader *r)
{
    qitem *q;

    g_mutex_lock(&r->lock);
    q = r->free_items;
    if (q)
        r->free_items = q->next;
    g_mutex_unlock(&r->lock);
    if (q) {
        wtap_rec_reset(&q->rec);
    } else {
        q = g_new0(qitem, 1);
        wtap_rec_init(&q->rec);
        ws_buffer_init(&q->buf, 1514);
    }
    q->kind = QI_PACKET;
    q->next = NULL;
    return q;
}

/* Called by wiretap, in the reader thread, for each Decryption Secrets
 * Block (those read before the callback was set are replayed at once). */
static void
reader_secrets(guint32 secrets_type, const void *secrets, guint size)
{
    reader *r = cur_reader;
    qitem *q = g_new0(qitem, 1);

    q->kind = QI_SECRETS;
    q->secrets_type = secrets_type;
    q->secrets = g_memdup2(secrets, size);
    q->secrets_len = size;
    if (r->pf)
        pf_enable_tls_any_port(r->pf);      /* TLS can now be decrypted */
    if (!reader_push(r, q, FALSE))
        qitem_free(q);
}

/* What frame_data_init() adds to the cumulative byte count. */
static guint32
record_len(const wtap_rec *rec)
{
    switch (rec->rec_type) {
    case REC_TYPE_PACKET:
        return rec->rec_header.packet_header.len;
    case REC_TYPE_FT_SPECIFIC_EVENT:
    case REC_TYPE_FT_SPECIFIC_REPORT:
        return rec->rec_header.ft_specific_header.record_len;
    case REC_TYPE_SYSCALL:
        return rec->rec_header.syscall_header.event_len;
    case REC_TYPE_SYSTEMD_JOURNAL_EXPORT:
        return rec->rec_header.systemd_journal_export_header.record_len;
    case REC_TYPE_CUSTOM_BLOCK:
        return rec->rec_header.custom_block_header.length -
               (rec->rec_header.custom_block_header.pen == PEN_NFLX ? 4 : 0);
    default:
        return 0;
    }
}

static gpointer
reader_main(gpointer data)
{
    reader *r = data;
    int err = 0;
    gchar *err_info = NULL;
    gint64 offset = 0;
    guint32 framenum = 0, cum = 0;
    gboolean has_prev = FALSE, stop = FALSE;
    nstime_t prev_ts;
    qitem *cur, *end;
    wtap *wth;

    cur_reader = r;
    nstime_set_zero(&prev_ts);
    wth = r->wth;
    if (r->at.valid) {
        /* Going on where the thread of the process that forked stopped. */
        offset = r->at.offset;
        framenum = r->at.framenum;
        cum = r->at.cum;
        has_prev = r->at.has_prev;
        prev_ts = r->at.prev_ts;
        cur = r->at.cur;
        r->at.valid = FALSE;
        r->at.cur = NULL;
    } else {
        if (r->filter)
            r->pf = pf_new(&r->cfg);
        wtap_set_cb_new_secrets(wth, reader_secrets);
        cur = reader_item(r);
    }
    for (;;) {
        gboolean wanted = TRUE, decided = FALSE;
        nstime_t ts;

        if (g_atomic_int_get(&r->ctl)) {
            gboolean yield;
            g_mutex_lock(&r->lock);
            reader_block(r, FALSE);
            stop = r->abort;
            yield = r->yield && !stop;
            if (yield) {
                r->at.valid = TRUE;
                r->at.offset = offset;
                r->at.framenum = framenum;
                r->at.cum = cum;
                r->at.has_prev = has_prev;
                r->at.prev_ts = prev_ts;
                r->at.cur = cur;
            }
            g_mutex_unlock(&r->lock);
            if (yield)
                return NULL;    /* joined by reader_handover() */
            if (stop)
                break;
        }
        if (r->scan) {
            pcs_rec pr;
            pcs_ret pret = pcs_next(&r->pcs, &pr);

            if (pret == PCS_EOF)
                break;
            if (pret == PCS_IOERR) {
                err = r->pcs.err;
                break;
            }
            if (pret == PCS_OTHER || (pret == PCS_ODD && r->pcs.ng && pr.next_off >= 0 &&
                                      pr.next_off < pr.off + (gint64)PCS_NG_BLOCK_MIN)) {
                /* (An EPB whose length would not lead forward: wiretap
                 * refuses it; let it do so in order.) */
                r->scan = FALSE;
                r->scan_stopped = TRUE;
                r->scan_stop_off = pr.off;
                r->scan_stop_type = pret == PCS_OTHER ? r->pcs.other_type : 6u;
                r->skip = framenum;
                continue;
            }
            offset = pr.off;
            if (pret == PCS_OK) {
                framenum++;
                ts.secs = (time_t)pr.ts_sec;
                /* As wiretap does it (including its wrap-around). */
                ts.nsecs = r->pcs.nsec ? (int)pr.ts_frac : (int)(guint32)(pr.ts_frac * 1000u);
                if (framenum == 1)
                    r->first_ts = ts;
                wanted = pf_record(r->pf, pr.encap, pr.data, pr.incl_len, pr.ts_sec);
                decided = TRUE;
                if (!wanted) {
                    cum += pr.orig_len;
                    goto next_record;
                }
            }
            /* A record epan must see, or one the scanner does not decide
             * (cut short, too long): wiretap reads it, or tells why not. */
            if (!wtap_seek_read(wth, offset, &cur->rec, &cur->buf, &err, &err_info))
                break;
            r->seek_reads++;
            if (pret != PCS_OK) {
                pcs_seek(&r->pcs, r->pcs.ng ? pr.next_off
                                            : offset + PCS_REC_HDR_LEN + cur->rec.rec_header.packet_header.caplen);
                framenum++;
            }
        } else if (!wtap_read(wth, &cur->rec, &cur->buf, &err, &err_info, &offset)) {
            break;
        } else if (r->skip) {
            /* Walked by the scanner already (and counted, filtered, queued). */
            r->skip--;
            wtap_rec_reset(&cur->rec);
            continue;
        } else {
            framenum++;
        }
        if (framenum == 1)
            r->first_ts = cur->rec.ts;
        if (r->pf && cur->rec.rec_type == REC_TYPE_PACKET && !decided)
            wanted = pf_record(r->pf, cur->rec.rec_header.packet_header.pkt_encap, ws_buffer_start_ptr(&cur->buf),
                               cur->rec.rec_header.packet_header.caplen,
                               (cur->rec.presence_flags & WTAP_HAS_TS) ? (gint64)cur->rec.ts.secs : 0);
        ts = cur->rec.ts;
        if (wanted) {
            guint32 len = record_len(&cur->rec);
            cur->offset = offset;
            cur->framenum = framenum;
            cur->cum_bytes = cum;
            cur->has_prev = has_prev;
            cur->prev_ts = prev_ts;
            if (!reader_push(r, cur, TRUE)) {
                stop = TRUE;
                break;
            }
            cur = reader_item(r);
            cum += len;
        } else {
            cum += record_len(&cur->rec);
            wtap_rec_reset(&cur->rec);
        }
    next_record:
        prev_ts = ts;
        has_prev = TRUE;
        if ((framenum & 0x3ff) == 0)
            g_atomic_int_set(&r->progress, (gint)framenum);
    }
    qitem_free(cur);
    r->has_last = has_prev;
    r->last_ts = prev_ts;
    g_atomic_int_set(&r->progress, (gint)framenum);
    end = g_new0(qitem, 1);
    end->kind = QI_END;
    end->framenum = framenum;
    end->err = stop ? 0 : err;
    end->err_info = stop ? NULL : err_info;
    if (stop)
        g_free(err_info);
    if (!reader_push(r, end, FALSE))
        qitem_free(end);
    g_mutex_lock(&r->lock);
    r->done = TRUE;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    return NULL;
}

/* Is `path` a regular file that starts as a plain pcap file or a pcapng
 * file does? */
static gboolean
looks_scannable(const char *path)
{
    guint8 hdr[PCS_FILE_HDR_LEN];
    gboolean sw, ns, ok = FALSE;
    guint32 lt;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return FALSE;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread(fd, hdr, sizeof hdr, 0) == (ssize_t)sizeof hdr)
        ok = pcs_header_ok(hdr, sizeof hdr, &sw, &ns, &lt) || pcs_ng_header_ok(hdr, sizeof hdr, &sw);
    close(fd);
    return ok;
}

/* Link types whose records wiretap hands on as they are in the file (no
 * pseudo-header taken off, nothing swapped that the pre-filter reads). */
static gboolean
scannable_encap(int encap)
{
    switch (encap) {
    case WTAP_ENCAP_ETHERNET:
    case WTAP_ENCAP_SLL:
    case WTAP_ENCAP_SLL2:
    case WTAP_ENCAP_RAW_IP:
    case WTAP_ENCAP_RAW_IP4:
    case WTAP_ENCAP_RAW_IP6:
    case WTAP_ENCAP_NULL:
    case WTAP_ENCAP_LOOP:
        return TRUE;
    default:
        return FALSE;
    }
}

/* pcapng: the interfaces wiretap read when it opened the file must be the
 * IDBs the scanner found after the SHB.  Records of an interface are
 * decided by the scanner if its link type is one of the above, its time
 * stamps count in a power of 10 per second up to 1e9, and it has no time
 * stamp offset; the others are read through wiretap. */
static gboolean
scan_ifaces_ng(reader *r)
{
    wtapng_iface_descriptions_t *idb = wtap_file_get_idb_info(r->wth);
    gboolean same = idb && idb->interface_data && idb->interface_data->len == r->pcs.n_ifaces;
    guint i;

    for (i = 0; same && i < r->pcs.n_ifaces; i++) {
        wtap_block_t b = g_array_index(idb->interface_data, wtap_block_t, i);
        const wtapng_if_descr_mandatory_t *m = wtap_block_get_mandatory_data(b);
        pcs_iface *pi = &r->pcs.ifaces[i];
        gint64 tsoffset = 0;
        guint64 u;

        pi->encap = m->wtap_encap;
        pi->units = m->time_units_per_second;
        for (u = 1; u < pi->units && u < 1000000000u; u *= 10)
            ;
        pi->ok = scannable_encap(m->wtap_encap) && u == pi->units &&
                 (wtap_block_get_int64_option_value(b, OPT_IDB_TSOFFSET, &tsoffset) != WTAP_OPTTYPE_SUCCESS ||
                  tsoffset == 0);
    }
    g_free(idb);
    return same;
}

/* Walk the records with pcapscan.c if wiretap agrees that this is an
 * uncompressed, plain pcap file of a link type the scanner takes (see
 * scannable_encap()), or an uncompressed pcapng file. */
static gboolean
scan_start(reader *r, const char *path)
{
    gboolean ng = r->file_type == wtap_pcapng_file_type_subtype(), ok;

    if (r->document || wtap_get_compression_type(r->wth) != WTAP_UNCOMPRESSED ||
        (!ng && r->file_type != wtap_pcap_file_type_subtype() && r->file_type != wtap_pcap_nsec_file_type_subtype()) ||
        (!ng && !scannable_encap(wtap_file_encap(r->wth))))
        return FALSE;
    r->scan_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->scan_fd < 0)
        return FALSE;
    if (ng) {
        ok = pcs_open_ng(&r->pcs, r->scan_fd, PCS_BUF_DEFAULT) && scan_ifaces_ng(r);
    } else {
        ok = pcs_open(&r->pcs, r->scan_fd, PCS_BUF_DEFAULT) &&
             r->pcs.nsec == (r->file_type == wtap_pcap_nsec_file_type_subtype());
        r->pcs.ifaces[0].encap = wtap_file_encap(r->wth);
    }
    if (!ok) {
        pcs_close(&r->pcs);
        close(r->scan_fd);
        r->scan_fd = -1;
        return FALSE;
    }
    return TRUE;
}

/* Open the input (in the calling thread: opening consults wiretap's tables
 * of file readers, to which starting libwireshark adds Lua readers) and,
 * if it is a capture, start the thread that reads it. */
static reader *
reader_start(const char *path)
{
    reader *r = g_new0(reader, 1);

    r->path = g_strdup(path);
    r->filter = opt.prefilter;
    if (epan_ready)
        r->cfg = pf_effective;
    else
        prefilter_config_early(&r->cfg);
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    r->scan_fd = -1;
    r->scan = r->filter && opt.fast_read && looks_scannable(path);
    /* Random access only for the records the scanner hands to wiretap. */
    r->wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &r->open_err, &r->open_err_info, r->scan);
    if (r->wth) {
        r->document = is_document(r->wth);
        r->file_type = wtap_file_type_subtype(r->wth);
    }
    if (r->scan)
        r->scanned = r->scan = r->wth && scan_start(r, path);
    r->opened = TRUE;
    if (!r->wth || r->document)
        r->done = TRUE;
    else
        r->thread = g_thread_new("itl-audit-reader", reader_main, r);
    return r;
}

static void reader_free(reader *r);

/* Stop the reader's thread between two records and join it, so that a
 * process can fork with the reader's state but without its thread (a
 * thread does not survive fork()).  Returns TRUE when the worker must
 * start the thread again with reader_resume(); FALSE when the thread had
 * already read everything (or never ran). */
static gboolean
reader_handover(reader *r)
{
    if (!r->thread)
        return FALSE;
    g_mutex_lock(&r->lock);
    r->yield = TRUE;
    g_atomic_int_or(&r->ctl, CTL_YIELD);
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    g_thread_join(r->thread);
    r->thread = NULL;
    r->handed = TRUE;
    r->handed_records = r->at.valid ? r->at.framenum : (guint32)g_atomic_int_get(&r->progress);
    return r->at.valid;
}

/* In the forked worker: read on from where reader_handover() stopped. */
static void
reader_resume(reader *r)
{
    r->yield = FALSE;
    g_atomic_int_and(&r->ctl, ~CTL_YIELD);
    r->thread = g_thread_new("itl-audit-reader", reader_main, r);
}

/* In the process that forked: forget a reader handed over to a worker
 * without reading on (the file offset is shared with the worker). */
static void
reader_forget(reader *r)
{
    wtap *wth = r->wth;

    reader_free(r);
    if (wth)
        wtap_close(wth);
}

/* All queued items, waiting for at least one; NULL never. */
static qitem *
reader_take(reader *r, const char *path, unsigned idx, unsigned count)
{
    qitem *q;

    g_mutex_lock(&r->lock);
    while (!r->head) {
        r->consumer_waiting = TRUE;
        if (opt.progress) {
            gint64 until = g_get_monotonic_time() + 200000;
            if (!g_cond_wait_until(&r->cond, &r->lock, until) && !r->head) {
                g_mutex_unlock(&r->lock);
                progress(path, idx, count, (guint32)g_atomic_int_get(&r->progress), FALSE);
                g_mutex_lock(&r->lock);
            }
        } else {
            g_cond_wait(&r->cond, &r->lock);
        }
    }
    r->consumer_waiting = FALSE;
    q = r->head;
    r->head = r->tail = NULL;
    r->queued = 0;
    r->queued_bytes = 0;
    if (r->paused)
        g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    return q;
}

static void
reader_recycle(reader *r, qitem *q)
{
    g_mutex_lock(&r->lock);
    q->next = r->free_items;
    r->free_items = q;
    g_mutex_unlock(&r->lock);
}

/* Join the thread (telling it to stop first if abort). */
static void
reader_stop(reader *r, gboolean abort)
{
    if (abort) {
        g_mutex_lock(&r->lock);
        r->abort = TRUE;
        g_atomic_int_or(&r->ctl, CTL_ABORT);
        g_cond_broadcast(&r->cond);
        g_mutex_unlock(&r->lock);
    }
    if (r->thread)
        g_thread_join(r->thread);
    r->thread = NULL;
}

/* Free a stopped reader, everything but r->wth (closed by the caller). */
static void
reader_free(reader *r)
{
    qitems_free(r->head);
    qitems_free(r->free_items);
    qitem_free(r->at.cur);
    pf_free(r->pf);
    if (r->scan_fd >= 0) {
        pcs_close(&r->pcs);
        close(r->scan_fd);
    }
    g_free(r->open_err_info);
    g_mutex_clear(&r->lock);
    g_cond_clear(&r->cond);
    g_free(r->path);
    g_free(r);
}

static void
reader_finish(reader *r, gboolean abort)
{
    if (!r)
        return;
    reader_stop(r, abort);
    reader_free(r);
}

/* Stop and discard a reader, closing its file. */
static void
reader_abort(reader *r)
{
    wtap *wth;

    if (!r)
        return;
    reader_stop(r, TRUE);
    wth = r->wth;
    reader_free(r);
    if (wth)
        wtap_close(wth);
}

/* Could the input be read at all?  (Decided without opening it.) */
static gboolean
item_readable(const input_item *it)
{
    struct stat st;

    if (it->error)
        return FALSE;
    return !(stat(it->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
}

/* Is the input a bare trust list or signed file (ITLFile.tlv, a .sgn)?
 * Wiretap has no reader for them, and a weak heuristic of its own may take
 * one for a capture (IxVeriWave's), so they are recognised here, by the
 * dissector's own test, before wiretap sees them. */
static gboolean
item_is_trust_list(const input_item *it)
{
    guint8 head[10], *buf;
    struct stat st;
    size_t want;
    gboolean yes = FALSE;
    FILE *f;

    /* Regular files only: opening a FIFO would take (or block on) what a
     * writer sends to wiretap. */
    if (it->error || stat(it->path, &st) != 0 || !S_ISREG(st.st_mode))
        return FALSE;
    f = fopen(it->path, "rb");
    if (!f)
        return FALSE;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        fread(head, 1, sizeof head, f) == sizeof head && head[0] == 1 && head[5] == 2) {
        /* Version, Header Length: the header length says how much of the
         * file the test reads. */
        want = MIN((size_t)(head[8] << 8 | head[9]), (size_t)st.st_size);
        buf = g_malloc(MAX(want, sizeof head));
        memcpy(buf, head, sizeof head);
        if (want <= sizeof head || fread(buf + sizeof head, 1, want - sizeof head, f) == want - sizeof head)
            yes = ciscotl_looks_like_file(buf, MAX(want, sizeof head), (guint64)st.st_size);
        g_free(buf);
    }
    fclose(f);
    return yes;
}

static char *
stats_line(const input_item *it, reader *r, guint32 frames, gint64 usec)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "%s: stats: %s: %u records in %.3f s", PROGNAME, T(it->path), frames, usec / 1e6);
    if (r->pf) {
        const pf_stats *ps = pf_get_stats(r->pf);
        g_string_append_printf(s, ", %" G_GUINT64_FORMAT " to epan (%" G_GUINT64_FORMAT " not understood, %"
                               G_GUINT64_FORMAT " for a full table); TFTP requests %" G_GUINT64_FORMAT
                               ", ended %" G_GUINT64_FORMAT "; TLS connections tracked %" G_GUINT64_FORMAT
                               "; fragments dropped %" G_GUINT64_FORMAT "; peak table entries tftp %u, tcp %u, "
                               "fragments %u; live at the end tftp %u, tcp %u, fragments %u",
                               ps->kept, ps->kept_unparsed, ps->kept_overflow, ps->tftp_requests, ps->tftp_ended,
                               ps->tls_tracked, ps->frag_dropped, ps->peak_tftp, ps->peak_tcp, ps->peak_frag,
                               ps->live_tftp, ps->live_tcp, ps->live_frag);
    } else {
        g_string_append(s, ", all to epan (no pre-filter)");
    }
    if (frames && r->has_last)
        g_string_append_printf(s, "; time stamps %" PRId64 ".%09d to %" PRId64 ".%09d", (gint64)r->first_ts.secs,
                               r->first_ts.nsecs, (gint64)r->last_ts.secs, r->last_ts.nsecs);
    if (r->scanned) {
        g_string_append_printf(s, "; %s records walked by the scanner, %" G_GUINT64_FORMAT
                               " read again through wiretap", r->pcs.ng ? "pcapng" : "pcap", r->seek_reads);
        if (r->pcs.isbs)
            g_string_append_printf(s, ", %" G_GUINT64_FORMAT " statistics blocks passed over", r->pcs.isbs);
        if (r->scan_stopped)
            g_string_append_printf(s, "; the scanner stopped at a block of type 0x%08x at offset %" PRId64
                                   ", where wiretap read on from the start", r->scan_stop_type, r->scan_stop_off);
    }
    if (r->handed)
        g_string_append_printf(s, "; %s%u records read while libwireshark started",
                               r->handed_records < frames ? "the first " : "all ", r->handed_records);
    g_string_append_c(s, '\n');
    return g_string_free(s, FALSE);
}

/* Returns the report of the input, or NULL if the input is skipped (a file
 * met in a directory walk that is not a capture).  `r`: a reader already
 * started on this input (the first one), or NULL. */
static const struct packet_provider_funcs provider_funcs = {
    .get_frame_ts = get_frame_ts,
};

/* A dissection session started ahead of its input (see the pool below):
 * epan_new() reads the name resolution files again and runs every
 * dissector's init routine, some 40 ms that a worker forked from a process
 * holding such a session does not spend.  It serves one input, in the
 * process that forked, which then exits without epan_free(). */
static struct packet_provider_data prep_prov;
static epan_t *prep_session;

static void
prepare_session(void)
{
    if (!prep_session) {
        memset(&prep_prov, 0, sizeof prep_prov);
        prep_session = epan_new(&prep_prov, &provider_funcs);
    }
}

static void
drop_prepared_session(void)
{
    if (prep_session)
        epan_free(prep_session);
    prep_session = NULL;
}

static rp_input *
process_item(const input_item *it, unsigned idx, unsigned count, reader *r)
{
    struct packet_provider_data own_prov, *prov_p;
    frame_data ref_frame, prev_dis_frame, prev_cap_frame;
    rp_input *in;
    epan_t *session;
    epan_dissect_t *edt;
    guint32 cum_bytes = 0, frames = 0;
    nstime_t elapsed;
    gboolean named = it->explicit_path || has_capture_extension(it->path);
    gboolean end = FALSE, first = TRUE, one_shot = FALSE;
    gint64 t0 = g_get_monotonic_time(), last_progress = 0;
    wtap *wth;

    if (it->error) {
        in = rp_input_new(it->path);
        in->error = g_strdup(it->error);
        return in;
    }
    if (!item_readable(it)) {
        if (!named)
            return NULL;
        in = rp_input_new(it->path);
        rp_input_set_error(in, "empty file");
        return in;
    }
    if (item_is_trust_list(it)) {
        reader_abort(r);
        if (!named)
            return NULL;
        in = rp_input_new(it->path);
        rp_input_set_error(in, "a bare trust list or signed file, not a packet capture: without its "
                               "transport there is no phone to attribute it to (tshark -r shows it)");
        return in;
    }

    progress(it->path, idx, count, 0, FALSE);
    /* A reader started before the preferences were known may filter with
     * less than they ask for (a -o or a profile that adds TVS or TFTP
     * ports, or TLS keys): read the input again. */
    if (r && r->filter && !pf_config_covers(&r->cfg, &pf_effective)) {
        reader_abort(r);
        r = NULL;
    }
    /* Opened before libwireshark started: without the file readers its Lua
     * plugins add.  Try again. */
    if (r && !r->wth) {
        reader_finish(r, FALSE);
        r = NULL;
    }
    if (!r)
        r = reader_start(it->path);
    if (!r->wth) {
        int err = r->open_err;
        char *why = wtap_error_text(err, r->open_err_info);
        reader_finish(r, FALSE);
        progress(it->path, idx, count, 0, TRUE);
        /* In a walk, a file that is no capture, or that cannot be opened at
         * all (a key of mode 600 next to the captures, for a user other
         * than its owner), is skipped like any entry that cannot be
         * accessed: only capture names are worth an error. */
        if (!named && (err == WTAP_ERR_FILE_UNKNOWN_FORMAT || err == EACCES || err == EPERM || err == ENOENT)) {
            g_free(why);
            return NULL;
        }
        in = rp_input_new(it->path);
        in->error = why;
        return in;
    }
    if (r->document) {
        char *what = g_strdup(wtap_file_type_subtype_description(r->file_type));
        wth = r->wth;
        reader_finish(r, FALSE);
        wtap_close(wth);
        progress(it->path, idx, count, 0, TRUE);
        if (!named) {
            g_free(what);
            return NULL;
        }
        in = rp_input_new(it->path);
        rp_input_set_error(in, "not a packet capture (wiretap reads it as %s)", what ? what : "a document");
        g_free(what);
        return in;
    }
    in = rp_input_new(it->path);

    nstime_set_zero(&elapsed);

    /* epan_new() runs the init routines: the engine is reset and the
     * plugin switches TFTP reassembly on.  A prepared session has had
     * them run and has not dissected anything yet. */
    if (prep_session) {
        session = prep_session;
        prov_p = &prep_prov;
        one_shot = TRUE;
    } else {
        prov_p = &own_prov;
        memset(prov_p, 0, sizeof *prov_p);
        session = epan_new(prov_p, &provider_funcs);
    }
    prov_p->wth = r->wth;
    /* No protocol tree: the checks get what they need from the dissectors
     * (the TLS packets of TVS ports get a tree of the plugin's own). */
    edt = epan_dissect_new(session, FALSE, FALSE);

    while (!end) {
        qitem *q = reader_take(r, it->path, idx, count);
        while (q) {
            qitem *next = q->next;
            if (q->kind == QI_SECRETS) {
                /* Decryption Secrets Blocks, in file order. */
                secrets_wtap_callback(q->secrets_type, q->secrets, q->secrets_len);
                qitem_free(q);
            } else if (q->kind == QI_END) {
                frames = q->framenum;
                if (q->err != 0) {
                    char *why = wtap_error_text(q->err, q->err_info);
                    rp_input_set_error(in, "%s after frame %u", why, frames);
                    g_free(why);
                }
                qitem_free(q);
                end = TRUE;
            } else {
                frame_data fd;
                tvbuff_t *tvb;
                gint cap, rep;

                /* Frame numbers, times relative to the first record and
                 * to the previous one, cumulative bytes: as if every
                 * record had been dissected. */
                if (first && q->framenum != 1) {
                    memset(&ref_frame, 0, sizeof ref_frame);
                    ref_frame.num = 1;
                    ref_frame.abs_ts = r->first_ts;
                    prov_p->ref = &ref_frame;
                }
                first = FALSE;
                if (q->has_prev && (!prov_p->prev_cap || prov_p->prev_cap->num != q->framenum - 1)) {
                    memset(&prev_cap_frame, 0, sizeof prev_cap_frame);
                    prev_cap_frame.num = q->framenum - 1;
                    prev_cap_frame.abs_ts = q->prev_ts;
                    prov_p->prev_cap = &prev_cap_frame;
                }
                cum_bytes = q->cum_bytes;
                frame_data_init(&fd, q->framenum, &q->rec, q->offset, cum_bytes);
                frame_data_set_before_dissect(&fd, &elapsed, &prov_p->ref, prov_p->prev_dis);
                if (prov_p->ref == &fd) {
                    ref_frame = fd;
                    ref_frame.pfd = NULL;
                    prov_p->ref = &ref_frame;
                }
                cap = (gint)MIN(fd.cap_len, (guint32)G_MAXINT);
                rep = (gint)MIN(MAX(fd.pkt_len, fd.cap_len), (guint32)G_MAXINT);
                tvb = tvb_new_real_data(ws_buffer_start_ptr(&q->buf), cap, rep);
                epan_dissect_run_with_taps(edt, r->file_type, &q->rec, tvb, &fd, NULL);
                frame_data_set_after_dissect(&fd, &cum_bytes);

                prev_dis_frame = fd;
                prev_dis_frame.pfd = NULL;
                prov_p->prev_dis = &prev_dis_frame;
                prev_cap_frame = fd;
                prev_cap_frame.pfd = NULL;
                prov_p->prev_cap = &prev_cap_frame;

                epan_dissect_reset(edt);
                frame_data_destroy(&fd);
                reader_recycle(r, q);
            }
            q = next;
        }
        if (opt.progress) {
            gint64 now = g_get_monotonic_time();
            if (now - last_progress > 200000) {
                progress(it->path, idx, count, (guint32)g_atomic_int_get(&r->progress), FALSE);
                last_progress = now;
            }
        }
    }
    in->frames = frames;

    /* Conclusions, then copy them out: epan_free() runs the cleanup
     * routines, which reset the engine. */
    sbd_checks_finish();
    collect_report(in);

    epan_dissect_free(edt);
    if (one_shot) {
        /* This process exits after the input: its cleanup is the exit. */
        prep_session = NULL;
    } else {
        epan_free(session);
    }
    reader_stop(r, FALSE);
    if (opt.stats)
        in->stats = stats_line(it, r, frames, g_get_monotonic_time() - t0);
    wth = r->wth;
    reader_free(r);
    wtap_close(wth);
    progress(it->path, idx, count, frames, TRUE);
    return in;
}
/* ========================================================================
 * Command line
 * ======================================================================== */

static void
print_usage(FILE *f)
{
    fprintf(f,
        "Usage: " PROGNAME " [options] PATH...\n"
        "\n"
        "Audit Cisco CUCM Security-By-Default trust (ITL/CTL downloads, TVS sessions\n"
        "and exchanges) in capture files.  PATH is a capture file (pcap, pcapng,\n"
        "gzip-compressed, any format Wireshark reads) or a directory, walked\n"
        "recursively (files in it that are not captures are skipped).\n"
        "\n"
        "Options:\n"
        "  --keylog FILE       TLS key log (NSS format) to decrypt TVS sessions\n"
        "                      (sets tls.keylog_file; repeatable: the files are merged)\n"
        "  --rsa-key FILE      RSA private key (PEM) of a TVS server, for TLS with RSA\n"
        "                      key exchange; repeatable\n"
        "  -o PREF:VALUE       set a Wireshark preference, as tshark -o; repeatable\n"
        "  --tvs-port N        TCP port of TVS (default 2445); repeatable\n"
        "  --phone MAC         report only this phone (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff,\n"
        "                      AABBCCDDEEFF or SEPAABBCCDDEEFF)\n"
        "  --json              one JSON document on stdout\n"
        "  --csv               one CSV row per finding on stdout\n"
        "  -q, --quiet         text output: the summary line only\n"
        "  -j, --jobs N        audit N inputs at a time, in worker processes (default:\n"
        "                      the number of processors); the output is the same\n"
        "  --no-prefilter      hand every record to libwireshark (slow; for checks)\n"
        "  --no-fast-read      read every record through wiretap, also in plain pcap\n"
        "                      files (slower; for checks)\n"
        "  --stats             per input: records read, records dissected, pre-filter\n"
        "                      tables; at the end: time to start libwireshark, peak\n"
        "                      memory (on stderr)\n"
        "  -h, --help          this help\n"
        "  -V, --version       version\n"
        "\n"
        "Exit status: 0 no findings, 1 findings, 2 usage error or an input that could\n"
        "not be read (the other inputs are still reported).\n");
}

static gboolean
parse_mac(const char *s, guint8 mac[6])
{
    char digits[13];
    size_t len = strlen(s), i, n = 0;

    if (len == 15 && g_ascii_strncasecmp(s, "SEP", 3) == 0) {
        s += 3;
        len -= 3;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        gboolean sep_pos;
        if (len == 17)
            sep_pos = i % 3 == 2;
        else if (len == 14)
            sep_pos = i == 4 || i == 9;
        else if (len == 12)
            sep_pos = FALSE;
        else
            return FALSE;
        if (sep_pos) {
            if (!((len == 17 && (c == ':' || c == '-')) || (len == 14 && c == '.')))
                return FALSE;
            continue;
        }
        if (!g_ascii_isxdigit(c) || n >= 12)
            return FALSE;
        digits[n++] = c;
    }
    if (n != 12)
        return FALSE;
    if (len == 17) {            /* one separator style throughout */
        for (i = 5; i < len; i += 3)
            if (s[i] != s[2])
                return FALSE;
    }
    for (i = 0; i < 6; i++)
        mac[i] = (guint8)(g_ascii_xdigit_value(digits[2 * i]) << 4 | g_ascii_xdigit_value(digits[2 * i + 1]));
    return TRUE;
}

static gboolean
parse_port(const char *s, unsigned *port)
{
    char *end;
    unsigned long v;

    if (!g_ascii_isdigit(*s))
        return FALSE;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < 1 || v > 65535)
        return FALSE;
    *port = (unsigned)v;
    return TRUE;
}

static int
usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: ", PROGNAME);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help'.\n", PROGNAME);
    va_end(ap);
    return 2;
}

enum { OPT_KEYLOG = 256, OPT_RSA_KEY, OPT_TVS_PORT, OPT_PHONE, OPT_JSON, OPT_CSV, OPT_NO_PREFILTER, OPT_NO_FAST_READ, OPT_STATS };

/* Returns -1 to go on, or an exit status. */
/* Several --keylog files: one key log for libwireshark, in a private
 * temporary file removed at exit. */
static gboolean
merge_keylogs(void)
{
    GString *all = g_string_new(NULL);
    GError *gerr = NULL;
    guint i;
    int fd;

    for (i = 0; i < opt.keylogs->len; i++) {
        gchar *text = NULL;
        gsize len = 0;
        if (!g_file_get_contents(g_ptr_array_index(opt.keylogs, i), &text, &len, NULL)) {
            g_string_free(all, TRUE);
            return FALSE;
        }
        g_string_append_len(all, text, (gssize)len);
        if (len && text[len - 1] != '\n')
            g_string_append_c(all, '\n');
        g_free(text);
    }
    fd = g_file_open_tmp("itl-audit-keys-XXXXXX", &opt.keylog_tmp, &gerr);
    if (fd < 0) {
        g_clear_error(&gerr);
        g_string_free(all, TRUE);
        return FALSE;
    }
    if (write(fd, all->str, all->len) != (ssize_t)all->len) {
        close(fd);
        g_string_free(all, TRUE);
        return FALSE;
    }
    close(fd);
    g_string_free(all, TRUE);
    opt.keylog = opt.keylog_tmp;
    return TRUE;
}

static int
parse_args(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "keylog", required_argument, NULL, OPT_KEYLOG },
        { "rsa-key", required_argument, NULL, OPT_RSA_KEY },
        { "tvs-port", required_argument, NULL, OPT_TVS_PORT },
        { "phone", required_argument, NULL, OPT_PHONE },
        { "json", no_argument, NULL, OPT_JSON },
        { "csv", no_argument, NULL, OPT_CSV },
        { "quiet", no_argument, NULL, 'q' },
        { "jobs", required_argument, NULL, 'j' },
        { "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
        { "no-fast-read", no_argument, NULL, OPT_NO_FAST_READ },
        { "stats", no_argument, NULL, OPT_STATS },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    gboolean json = FALSE, csv = FALSE;
    unsigned port;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:j:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_KEYLOG:
            g_ptr_array_add(opt.keylogs, optarg);
            break;
        case OPT_RSA_KEY:
            g_ptr_array_add(opt.rsa_keys, optarg);
            break;
        case 'o':
            if (!strchr(optarg, ':'))
                return usage_error("-o wants PREF:VALUE, got \"%s\"", optarg);
            g_ptr_array_add(opt.prefs, optarg);
            break;
        case OPT_TVS_PORT:
            if (!parse_port(optarg, &port))
                return usage_error("--tvs-port wants a TCP port 1-65535, got \"%s\"", optarg);
            g_array_append_val(opt.tvs_ports, port);
            break;
        case OPT_PHONE:
            if (!parse_mac(optarg, opt.phone_mac))
                return usage_error("--phone wants a MAC address (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff or "
                                   "AABBCCDDEEFF), got \"%s\"", optarg);
            opt.phone_filter = TRUE;
            break;
        case OPT_JSON:
            json = TRUE;
            break;
        case OPT_CSV:
            csv = TRUE;
            break;
        case 'q':
            opt.quiet = TRUE;
            break;
        case 'j':
            if (!parse_port(optarg, &port) || port > MAX_JOBS)
                return usage_error("-j wants a number of jobs 1-%u, got \"%s\"", MAX_JOBS, optarg);
            opt.jobs = port;
            break;
        case OPT_NO_PREFILTER:
            opt.prefilter = FALSE;
            break;
        case OPT_NO_FAST_READ:
            opt.fast_read = FALSE;
            break;
        case OPT_STATS:
            opt.stats = TRUE;
            break;
        case 'h':
            print_usage(stdout);
            return 0;
        case 'V':
            printf("%s %s (cucm-sbd), built with Wireshark %d.%d.%d\n", PROGNAME, SBD_VERSION,
                   WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR, WIRESHARK_VERSION_MICRO);
            return 0;
        case ':':
            return usage_error("option %s needs an argument", argv[optind - 1]);
        default:
            if (optopt)
                return usage_error("unknown option -%c", optopt);
            return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (json && csv)
        return usage_error("--json and --csv exclude each other");
    /* Key files are read by libwireshark, which only warns; a key file that
     * cannot be read would silently leave TVS encrypted. */
    for (c = 0; c < (int)opt.keylogs->len; c++) {
        const char *k = g_ptr_array_index(opt.keylogs, c);
        if (access(k, R_OK) != 0)
            return usage_error("cannot read --keylog file %s: %s", k, g_strerror(errno));
    }
    if (opt.keylogs->len == 1) {
        opt.keylog = g_ptr_array_index(opt.keylogs, 0);
    } else if (opt.keylogs->len > 1 && !merge_keylogs())
        return usage_error("cannot merge the --keylog files: %s", g_strerror(errno));
    for (c = 0; c < (int)opt.rsa_keys->len; c++) {
        const char *k = g_ptr_array_index(opt.rsa_keys, c);
        if (access(k, R_OK) != 0)
            return usage_error("cannot read --rsa-key file %s: %s", k, g_strerror(errno));
    }
    opt.format = json ? OUT_JSON : csv ? OUT_CSV : OUT_TEXT;
    if (optind >= argc)
        return usage_error("no PATH given");
    if (!opt.tvs_ports->len) {
        port = DEFAULT_TVS_PORT;
        g_array_append_val(opt.tvs_ports, port);
    }
    return -1;
}

/* ========================================================================
 * libwireshark start (once per run)
 * ======================================================================== */

static gboolean epan_started;   /* epan_init() ran: epan_cleanup() at exit */
static gint64 epan_start_usec;

static gboolean
ensure_epan(void)
{
    gint64 t0;

    if (epan_ready)
        return TRUE;
    t0 = g_get_monotonic_time();
    /* Our dissectors, statically, before epan_init; epan plugins are not
     * loaded, so an installed copy of the cucm-sbd plugin cannot clash. */
    sbd_register_protocols();
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "%s: libwireshark initialisation failed\n", PROGNAME);
        return FALSE;
    }
    epan_started = TRUE;
    epan_load_settings();
    disable_name_resolution();          /* addresses stay numeric, no DNS */
    if (!apply_preferences())
        return FALSE;
    prefilter_config_effective(&pf_effective);
    epan_ready = TRUE;
    epan_start_usec = g_get_monotonic_time() - t0;
    return TRUE;
}

/* ========================================================================
 * Per-input results: formatted once, printed in input order
 *
 * Serial and parallel runs share this path: an input's text / JSON / CSV
 * fragment and its stderr lines are produced in full, then printed; with
 * -j the fragment comes from a worker process through a memory file.
 * ======================================================================== */

typedef struct {
    gboolean present;           /* FALSE: a file of a walk that was skipped */
    gboolean error;
    char *err_text;             /* stderr lines (error, --stats), or NULL */
    char *out;                  /* the formatted fragment */
    size_t out_len;
    totals_t delta;
} input_result;

static void
result_clear(input_result *res)
{
    free(res->out);             /* open_memstream() memory */
    g_free(res->err_text);
    memset(res, 0, sizeof *res);
}

static void
format_result(rp_input *in, input_result *res)
{
    GString *e = g_string_new(NULL);
    FILE *m;

    memset(res, 0, sizeof *res);
    res->present = TRUE;
    res->error = in->error != NULL;
    if (in->error)
        g_string_append_printf(e, "%s: %s: %s\n", PROGNAME, T(in->path), T(in->error));
    if (in->stats)
        g_string_append(e, in->stats);
    if (e->len)
        res->err_text = g_string_free(e, FALSE);
    else
        g_string_free(e, TRUE);
    add_to_totals(&res->delta, in);
    m = open_memstream(&res->out, &res->out_len);
    if (!m) {
        fprintf(stderr, "%s: out of memory\n", PROGNAME);
        exit(2);
    }
    if (opt.format == OUT_JSON) {
        /* One element of "inputs"; the separator is added when printing. */
        FILE *keep = jw.f;
        int depth = jw.depth;
        gboolean first = jw.first[2];
        jw.f = m;
        jw.depth = 2;
        jw.first[2] = TRUE;
        json_input(in);
        jw.f = keep;
        jw.depth = depth;
        jw.first[2] = first;
    } else if (opt.format == OUT_CSV) {
        csv_input(m, in);
    } else if (!opt.quiet) {
        text_input(m, in);
    }
    if (fclose(m) != 0) {
        fprintf(stderr, "%s: out of memory\n", PROGNAME);
        exit(2);
    }
    g_ptr_array_set_size(scratch, 0);
}

static void
run_input(guint n, reader *r, input_result *res)
{
    const input_item *it = g_ptr_array_index(items, n);
    rp_input *in = process_item(it, n + 1, items->len, r);

    memset(res, 0, sizeof *res);
    if (!in)
        return;
    format_result(in, res);
    rp_input_free(in);
}

static gboolean any_error, json_any;

/* Print one result; FALSE when stdout went away. */
static gboolean
emit_result(const input_result *res)
{
    if (!res->present)
        return TRUE;
    if (res->error)
        any_error = TRUE;
    if (res->err_text)
        fputs(res->err_text, stderr);
    totals_add(&total, &res->delta);
    if (opt.format == OUT_JSON) {
        if (json_any)
            fputc(',', stdout);
        json_any = TRUE;
        jw.first[2] = FALSE;
    }
    if (res->out_len)
        fwrite(res->out, 1, res->out_len, stdout);
    return fflush(stdout) == 0 && !ferror(stdout);
}

static long
status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t klen = strlen(key);
    long v = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

/* ========================================================================
 * Several inputs: a pool of worker processes (-j N)
 *
 * libwireshark keeps global state, so inputs run in parallel in separate
 * processes.  The main process starts libwireshark and a dissection
 * session that has not seen any packet (prepare_session()), then forks one
 * worker per input: the worker shares that memory copy-on-write, so it
 * neither starts libwireshark nor runs the per-capture setup (name
 * resolution files read again, every dissector's init routine: ~40 ms on
 * the benchmark machine), audits its input with the session and exits.
 * Nothing of one input can leak into the next, and no worker grows over a
 * long folder walk.
 *
 * The main process hands out input numbers over a socket per worker; a
 * worker answers with the number and a memory file holding the result
 * (counts, stderr lines, formatted fragment).  The main process prints the
 * results in input order: the output is that of a serial run.
 * ======================================================================== */

#define WIRE_MAGIC 0x49544c41u          /* "ITLA" */
#define RESULT_WINDOW 64u               /* results waiting to be printed, per job */
#define NO_INPUT G_MAXUINT32

typedef struct {
    guint32 magic;
    guint32 present;
    guint32 error;
    guint32 pad;
    guint64 err_len;
    guint64 out_len;
    totals_t delta;
} wire_hdr;

typedef struct {
    guint32 n;                  /* input number */
    guint32 retire;             /* the worker exits after this message */
} wire_msg;

typedef enum { S_WAIT = 0, S_RUN, S_DONE, S_PRINTED } slot_state;

typedef struct {
    slot_state state;
    input_result res;
} slot_t;

typedef struct {
    pid_t pid;
    int sock;
    guint32 busy;               /* input number, or NO_INPUT */
    gboolean alive;
} worker_t;

static gboolean
write_all(int fd, const void *p, size_t len)
{
    const char *c = p;

    while (len) {
        ssize_t w = write(fd, c, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FALSE;
        c += w;
        len -= (size_t)w;
    }
    return TRUE;
}

static gboolean
read_all(int fd, void *p, size_t len)
{
    char *c = p;

    while (len) {
        ssize_t r = read(fd, c, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return FALSE;
        c += r;
        len -= (size_t)r;
    }
    return TRUE;
}

static int
result_file(void)
{
    int fd = memfd_create("itl-audit-result", MFD_CLOEXEC);

    if (fd < 0) {
        FILE *t = tmpfile();
        if (t) {
            fd = dup(fileno(t));
            fclose(t);
        }
    }
    return fd;
}

static gboolean
send_msg(int sock, const wire_msg *m, int fd)
{
    struct msghdr mh;
    struct iovec iov;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    ssize_t w;

    memset(&mh, 0, sizeof mh);
    iov.iov_base = (void *)m;
    iov.iov_len = sizeof *m;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (fd >= 0) {
        struct cmsghdr *c;
        memset(&u, 0, sizeof u);
        mh.msg_control = u.buf;
        mh.msg_controllen = sizeof u.buf;
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    do
        w = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)sizeof *m;
}

/* 1: a message (and *fd, or -1); 0: the other end closed; -1: error. */
static int
recv_msg(int sock, wire_msg *m, int *fd)
{
    struct msghdr mh;
    struct iovec iov;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct cmsghdr *c;
    ssize_t r;

    *fd = -1;
    memset(&mh, 0, sizeof mh);
    iov.iov_base = m;
    iov.iov_len = sizeof *m;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof u.buf;
    do
        r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return 0;
    if (r != (ssize_t)sizeof *m)
        return -1;
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            memcpy(fd, CMSG_DATA(c), sizeof *fd);
    return 1;
}

/* The reader of the first input, started while libwireshark starts, on
 * its way to the worker that audits that input. */
static struct {
    reader *r;
    guint input;
    gboolean resume;
} handed;

static void
reader_forget_handed(void)
{
    if (handed.r)
        reader_forget(handed.r);
    handed.r = NULL;
}

/* A worker: one input with the prepared session, then exit. */
G_GNUC_NORETURN static void
worker_loop(int sock)
{
    opt.progress = FALSE;
    for (;;) {
        input_result res;
        wire_hdr h;
        wire_msg m;
        int fd, in_fd;
        gboolean ok;

        if (recv_msg(sock, &m, &in_fd) != 1 || m.n == NO_INPUT)
            _exit(0);
        if (in_fd >= 0)
            close(in_fd);
        if (handed.r && handed.input == m.n) {
            if (handed.resume)
                reader_resume(handed.r);
            run_input(m.n, handed.r, &res);
        } else {
            reader_forget_handed();
            run_input(m.n, NULL, &res);
        }
        handed.r = NULL;
        fd = result_file();
        if (fd < 0)
            _exit(4);
        memset(&h, 0, sizeof h);
        h.magic = WIRE_MAGIC;
        h.present = res.present;
        h.error = res.error;
        h.err_len = res.err_text ? strlen(res.err_text) : 0;
        h.out_len = res.out_len;
        h.delta = res.delta;
        ok = write_all(fd, &h, sizeof h) && write_all(fd, res.err_text ? res.err_text : "", (size_t)h.err_len) &&
             write_all(fd, res.out ? res.out : "", res.out_len);
        result_clear(&res);
        m.retire = TRUE;        /* the session is used up */
        if (!ok || !send_msg(sock, &m, fd))
            _exit(3);
        close(fd);
        /* No exit handlers, no stdio flushing: the main process owns them. */
        if (m.retire)
            _exit(0);
    }
}

static gboolean
worker_spawn(worker_t *w, worker_t *all, unsigned nall)
{
    int sv[2];
    pid_t pid, parent;
    unsigned i;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return FALSE;
    fflush(stdout);
    fflush(stderr);
    parent = getpid();
    pid = fork();
    if (pid == 0) {
        /* A worker never outlives the main process (killed, or stopped by
         * a signal sent to it alone): nobody would read its result. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(5);
        close(sv[0]);
        for (i = 0; i < nall; i++)
            if (all[i].alive)
                close(all[i].sock);
        worker_loop(sv[1]);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return FALSE;
    }
    w->pid = pid;
    w->sock = sv[0];
    w->busy = NO_INPUT;
    w->alive = TRUE;
    return TRUE;
}

static void
slot_fail(guint n, slot_t *s, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* An input whose worker failed: reported as an input that could not be read. */
static void
slot_fail(guint n, slot_t *s, const char *fmt, ...)
{
    const input_item *it = g_ptr_array_index(items, n);
    rp_input *in = rp_input_new(it->path);
    va_list ap;

    va_start(ap, fmt);
    in->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    result_clear(&s->res);
    format_result(in, &s->res);
    rp_input_free(in);
    s->state = S_DONE;
}

static gboolean
slot_read(slot_t *s, int fd)
{
    input_result *res = &s->res;
    wire_hdr h;
    gboolean ok;

    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0 || !read_all(fd, &h, sizeof h) || h.magic != WIRE_MAGIC ||
        h.err_len >= ((guint64)1 << 32) || h.out_len >= ((guint64)1 << 40))
        return FALSE;
    memset(res, 0, sizeof *res);
    res->present = h.present != 0;
    res->error = h.error != 0;
    res->delta = h.delta;
    res->out_len = (size_t)h.out_len;
    res->out = malloc(res->out_len + 1);
    if (h.err_len)
        res->err_text = g_malloc0((gsize)h.err_len + 1);
    ok = res->out && (!h.err_len || read_all(fd, res->err_text, (size_t)h.err_len)) &&
         read_all(fd, res->out, res->out_len);
    if (!ok)
        result_clear(res);
    return ok;
}

static void
worker_gone(worker_t *w, slot_t *slots)
{
    int wstatus = 0;

    close(w->sock);
    w->alive = FALSE;
    while (waitpid(w->pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (w->busy != NO_INPUT) {
        if (WIFSIGNALED(wstatus))
            slot_fail(w->busy, &slots[w->busy],
                      "internal error: the worker process auditing this input was killed by signal %d",
                      WTERMSIG(wstatus));
        else
            slot_fail(w->busy, &slots[w->busy], "internal error: the worker process auditing this input failed");
        w->busy = NO_INPUT;
    }
}

/* FALSE when stdout went away. */
static gboolean
run_pool(unsigned jobs, reader *r0, guint first)
{
    guint count = items->len, n, next_start = 0, next_print = 0;
    slot_t *slots = g_new0(slot_t, count);
    worker_t *workers = g_new0(worker_t, jobs);
    struct pollfd *pfd = g_new0(struct pollfd, jobs);
    gboolean out_ok = TRUE;
    unsigned i;

    prepare_session();
    if (r0) {
        /* No thread may run while the workers are forked. */
        handed.r = r0;
        handed.input = first;
        handed.resume = reader_handover(r0);
    }
    for (;;) {
        unsigned nbusy = 0, npoll = 0;

        while (next_print < count && slots[next_print].state == S_DONE) {
            if (out_ok)
                out_ok = emit_result(&slots[next_print].res);
            result_clear(&slots[next_print].res);
            slots[next_print].state = S_PRINTED;
            next_print++;
        }
        if (next_print >= count || !out_ok)
            break;
        /* Hand out inputs; those that need no reading are done here. */
        for (i = 0; i < jobs; i++) {
            worker_t *w = &workers[i];
            while (next_start < count && next_start < next_print + RESULT_WINDOW * jobs &&
                   (!w->alive || w->busy == NO_INPUT)) {
                wire_msg m;
                n = next_start;
                if (!item_readable(g_ptr_array_index(items, n))) {
                    run_input(n, NULL, &slots[n].res);
                    slots[n].state = S_DONE;
                    next_start++;
                    continue;
                }
                if (!w->alive && !worker_spawn(w, workers, jobs)) {
                    int e = errno;
                    reader_forget_handed();
                    slot_fail(n, &slots[n], "cannot start a worker process: %s", g_strerror(e));
                    next_start++;
                    continue;
                }
                /* The worker has the reader now (or it was not its turn). */
                if (handed.r && handed.input <= n)
                    reader_forget_handed();
                m.n = n;
                m.retire = 0;
                if (!send_msg(w->sock, &m, -1)) {
                    worker_gone(w, slots);
                    continue;
                }
                w->busy = n;
                slots[n].state = S_RUN;
                next_start++;
                progress(((const input_item *)g_ptr_array_index(items, n))->path, n + 1, count, 0, FALSE);
            }
            if (w->alive && w->busy != NO_INPUT) {
                pfd[npoll].fd = w->sock;
                pfd[npoll].events = POLLIN;
                pfd[npoll].revents = 0;
                npoll++;
                nbusy++;
            }
        }
        if (!nbusy)
            continue;           /* what is done is printed next; nothing can stall here */
        if (poll(pfd, npoll, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (i = 0; i < jobs; i++) {
            worker_t *w = &workers[i];
            unsigned k;
            wire_msg m;
            int fd, rc;

            if (!w->alive || w->busy == NO_INPUT)
                continue;
            for (k = 0; k < npoll && pfd[k].fd != w->sock; k++)
                ;
            if (k == npoll || !pfd[k].revents)
                continue;
            rc = recv_msg(w->sock, &m, &fd);
            if (rc != 1 || m.n != w->busy) {
                if (fd >= 0)
                    close(fd);
                worker_gone(w, slots);
                continue;
            }
            if (!slot_read(&slots[m.n], fd))
                slot_fail(m.n, &slots[m.n], "internal error: unreadable result from the worker process");
            slots[m.n].state = S_DONE;
            close(fd);
            w->busy = NO_INPUT;
            if (m.retire)
                worker_gone(w, slots);
        }
    }
    /* Done, or stdout went away: let the workers go. */
    for (i = 0; i < jobs; i++) {
        if (!workers[i].alive)
            continue;
        if (workers[i].busy != NO_INPUT)
            kill(workers[i].pid, SIGTERM);
        workers[i].busy = NO_INPUT;
        worker_gone(&workers[i], slots);
    }
    for (n = 0; n < count; n++)
        result_clear(&slots[n].res);
    reader_forget_handed();
    drop_prepared_session();
    progress("", count, count, 0, TRUE);
    g_free(pfd);
    g_free(workers);
    g_free(slots);
    return out_ok;
}

/* ========================================================================
 * main
 * ======================================================================== */

static void
print_run_stats(void)
{
    struct rusage kids;

    memset(&kids, 0, sizeof kids);
    getrusage(RUSAGE_CHILDREN, &kids);
    fprintf(stderr,
            "%s: stats: libwireshark start %.3f s; peak RSS %ld kB (main process), %ld kB (largest worker); "
            "RSS now %ld kB anonymous, %ld kB file-backed\n",
            PROGNAME, epan_start_usec / 1e6, status_kb("VmHWM"), (long)kids.ru_maxrss, status_kb("RssAnon"),
            status_kb("RssFile"));
}

int
main(int argc, char **argv)
{
    static const struct report_message_routines routines = {
        rm_failure, rm_warning, rm_open_failure, rm_read_failure, rm_write_failure,
        rm_cfile_open_failure, rm_cfile_dump_open_failure, rm_cfile_read_failure,
        rm_cfile_write_failure, rm_cfile_close_failure,
    };
    int status, i;
    char *err;
    guint n, first = 0, readable = 0;
    reader *r0 = NULL;
    unsigned jobs;

    opt.rsa_keys = g_ptr_array_new();
    opt.keylogs = g_ptr_array_new();
    opt.prefs = g_ptr_array_new();
    opt.tvs_ports = g_array_new(FALSE, FALSE, sizeof(unsigned));
    opt.prefilter = TRUE;
    opt.fast_read = TRUE;
    opt.jobs = (unsigned)MIN(MAX(g_get_num_processors(), 1), MAX_JOBS);
    status = parse_args(argc, argv);
    if (status >= 0)
        goto out_args;

    /* ---- libwireshark (order as in wireshark-api.md 8) ---- */
    ws_log_init(PROGNAME, cmdarg_err_cb);
    init_process_policies();
    relinquish_special_privs_perm();
    err = configuration_init(argv[0], NULL);
    if (err) {
        fprintf(stderr, "%s: cannot find the program's directory: %s\n", PROGNAME, err);
        g_free(err);
    }
    init_report_message(PROGNAME, &routines);
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(TRUE);

    /* ---- the inputs ---- */
    items = g_ptr_array_new_with_free_func(item_free);
    seen_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    seen_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (i = optind; i < argc; i++)
        add_path(argv[i], TRUE, 0);
    for (n = items->len; n > 0; n--) {
        if (item_readable(g_ptr_array_index(items, n - 1))) {
            first = n - 1;
            readable++;
        }
    }
    /* Read the first capture while libwireshark starts (the filter uses
     * the command line's ports until the preferences are known).  With
     * several, worker processes are forked once libwireshark has started,
     * and the first one takes that reader over. */
    if (readable >= 1)
        r0 = reader_start(((const input_item *)g_ptr_array_index(items, first))->path);
    if (!ensure_epan()) {
        reader_abort(r0);
        status = 2;
        goto out_epan;
    }
    opt.progress = isatty(STDERR_FILENO) != 0;

    scratch = g_ptr_array_new_with_free_func(g_free);
    if (opt.format == OUT_JSON)
        json_begin(stdout);
    else if (opt.format == OUT_CSV)
        csv_header(stdout);
    jobs = MIN(opt.jobs, readable);
    if (readable > 1) {
        run_pool(jobs, r0, first);
        r0 = NULL;
    } else {
        for (n = 0; n < items->len; n++) {
            input_result res;
            gboolean ok;
            run_input(n, n == first ? r0 : NULL, &res);
            if (n == first)
                r0 = NULL;
            ok = emit_result(&res);
            result_clear(&res);
            if (!ok)
                break;          /* e.g. the reader of a pipe went away */
        }
        reader_abort(r0);       /* not reached */
    }
    status = any_error ? 2 : total.findings ? 1 : 0;
    if (opt.format == OUT_JSON)
        json_end(status);
    else if (opt.format == OUT_TEXT)
        text_summary(stdout);
    fflush(stdout);
    if (ferror(stdout)) {
        fprintf(stderr, "%s: error writing the output\n", PROGNAME);
        status = 2;
    }
    if (opt.stats)
        print_run_stats();

    g_ptr_array_free(scratch, TRUE);
out_epan:
    g_hash_table_destroy(seen_files);
    g_hash_table_destroy(seen_dirs);
    g_ptr_array_free(items, TRUE);
    /* Wireshark's global teardown takes about 40 ms (every registration
     * freed) for memory the process is about to give back anyway; it is
     * still done in sanitizer builds, where it is checked. */
#if defined(__SANITIZE_ADDRESS__)
    if (epan_started)
        epan_cleanup();
    wtap_cleanup();
#else
    (void)epan_started;
#endif
    free_progdirs();
out_args:
    if (opt.keylog_tmp) {
        g_unlink(opt.keylog_tmp);
        g_free(opt.keylog_tmp);
    }
    g_ptr_array_free(opt.keylogs, TRUE);
    g_ptr_array_free(opt.rsa_keys, TRUE);
    g_ptr_array_free(opt.prefs, TRUE);
    g_array_free(opt.tvs_ports, TRUE);
    return status;
}
