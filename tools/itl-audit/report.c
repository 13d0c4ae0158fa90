/* report.c - per-input results, formatted once and printed in input
 * order, and what the outputs share
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Serial and parallel runs share this path: an input's text / JSON / CSV
 * fragment and its stderr lines are produced in full, then printed; with
 * -j the fragment comes from a worker process through a memory file.
 */
#include <wireshark.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sbd-common.h"
#include "itl-audit.h"
#include "reader.h"
#include "report.h"

totals_t total;

/* Strings made for one input's output, freed once it is formatted. */
static GPtrArray *scratch;

const char *
keep(char *s)
{
    if (s)
        g_ptr_array_add(scratch, s);
    return s;
}

const char *
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
    return keep(s);
}

/* A serial as the README promises it: the magnitude, without the leading
 * zero bytes a DER sign byte (or a padded ITL field) puts in front. */
const char *
serial_or_null(const guint8 *p, unsigned len)
{
    while (p && len > 1 && p[0] == 0) {
        p++;
        len--;
    }
    return hex_or_null(p, len);
}

/* The same, "-" when there is none. */
const char *
serial_text(const guint8 *p, unsigned len)
{
    const char *v = serial_or_null(p, len);

    return v ? v : "-";
}

const char *
iso_time(gint64 secs, int usecs, gboolean with_usecs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    char buf[40];

    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm))
        return NULL;
    return keep(with_usecs ? g_strdup_printf("%s.%06dZ", buf, usecs) : g_strdup_printf("%sZ", buf));
}

const char *
frame_time(const audit_input *in, guint32 frame)
{
    const nstime_t *t = frame && in ? g_hash_table_lookup(in->times, GUINT_TO_POINTER(frame)) : NULL;

    return t ? iso_time((gint64)t->secs, t->nsecs / 1000, TRUE) : NULL;
}

const char *
at(const audit_input *in, guint32 frame)
{
    const char *t = frame_time(in, frame);

    return t ? keep(g_strdup_printf(" (%s)", t)) : "";
}

const char *
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

gboolean
file_accepted(const sbd_file *f)
{
    return f->accepted && !(f->tvs && f->tvs->answered);
}

unsigned
session_n_tx(const sbd_session *s)
{
    return MIN(s->n_tx, (unsigned)SBD_MAX_TLS_EXCHANGES);
}

/* Roles of a TVS answer (the tap's array bounds what the engine kept). */
unsigned
exchange_n_roles(const sbd_exchange *x)
{
    return MIN(x->n_roles, (unsigned)TVS_MAX_TAP_ROLES);
}

static sbd_report *
empty_report(void)
{
    sbd_report *rep = g_new0(sbd_report, 1);

    rep->phones = g_ptr_array_new();
    rep->findings = g_ptr_array_new();
    return rep;
}

audit_input *
audit_input_new(const char *path)
{
    audit_input *in = g_new0(audit_input, 1);

    in->path = g_strdup(path);
    in->rep = empty_report();
    in->times = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return in;
}

void
audit_input_free(audit_input *in)
{
    if (!in)
        return;
    sbd_report_free(in->rep);
    g_hash_table_destroy(in->times);
    g_free(in->path);
    g_free(in->error);
    g_free(in->stats);
    g_free(in);
}

void
audit_input_set_error(audit_input *in, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_free(in->error);
    in->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* TVS session verdicts of a phone, counted from its sessions. */
void
phone_verdicts(const sbd_phone *ph, unsigned counts[SBD_TVS_N])
{
    guint i;

    memset(counts, 0, SBD_TVS_N * sizeof counts[0]);
    for (i = 0; i < ph->sessions->len; i++) {
        const sbd_session *s = g_ptr_array_index(ph->sessions, i);
        if ((unsigned)s->verdict < SBD_TVS_N)
            counts[s->verdict]++;
    }
}

static void
add_to_totals(totals_t *t, const audit_input *in)
{
    unsigned verdicts[SBD_TVS_N];
    guint i, v;

    t->inputs++;
    if (in->error)
        t->errors++;
    for (i = 0; i < in->rep->phones->len; i++) {
        const sbd_phone *ph = g_ptr_array_index(in->rep->phones, i);
        t->phones++;
        t->files += ph->files->len;
        t->sessions += ph->sessions->len;
        t->exchanges += ph->exchanges->len;
        phone_verdicts(ph, verdicts);
        for (v = 0; v < SBD_TVS_N; v++)
            t->verdicts[v] += verdicts[v];
    }
    for (i = 0; i < in->rep->findings->len; i++) {
        const sbd_finding *f = g_ptr_array_index(in->rep->findings, i);
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

const char *
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

const char *
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

const char *
trust_key(sbd_signer_trust t)
{
    switch (t) {
    case SBD_TRUST_FIRST: return "first-file";
    case SBD_TRUST_YES: return "yes";
    case SBD_TRUST_NO: return "no";
    default: return "unknown";
    }
}

const char *
severity_key(sbd_severity s)
{
    switch (s) {
    case SBD_SEV_ERROR: return "error";
    case SBD_SEV_WARN: return "warning";
    default: return "note";
    }
}

const char *
command_key(unsigned command)
{
    switch (command) {
    case TVS_CMD_VERIFY_REQUEST: return "verify";
    case TVS_CMD_QUERY_REQUEST: return "query";
    default: return "unknown";
    }
}

const char *
finding_name(sbd_finding_code code)
{
    const sbd_finding_info *fi = sbd_finding_describe(code);
    return fi ? fi->name : "unknown";
}

void
mac_str(const guint8 mac[6], char out[18])
{
    g_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* Strings for a terminal: valid UTF-8, no control characters (a capture
 * may carry escape sequences in certificate names or file names). */

const char *
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
    keep(v);
    return v;
}

gboolean
is_trust_list(const sbd_file *f)
{
    return f->type == CISCOTL_TYPE_ITL || f->type == CISCOTL_TYPE_CTL;
}

void
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

void
result_clear(input_result *res)
{
    free(res->out);             /* open_memstream() memory */
    g_free(res->err_text);
    memset(res, 0, sizeof *res);
}

/* One input's part of the document, through the chosen output. */
static void
format_fragment(FILE *m, const report_output *out, const audit_input *in)
{
    guint i;

    if (out->input_begin)
        out->input_begin(m, in);
    for (i = 0; out->phone && i < in->rep->phones->len; i++)
        out->phone(m, in, g_ptr_array_index(in->rep->phones, i));
    if (out->input_end)
        out->input_end(m, in);
}

void
format_result(audit_input *in, input_result *res)
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
    format_fragment(m, report_output_chosen(), in);
    if (fclose(m) != 0) {
        fprintf(stderr, "%s: out of memory\n", PROGNAME);
        exit(2);
    }
    g_ptr_array_set_size(scratch, 0);
}

void
run_input(guint n, reader *r, input_result *res)
{
    const input_item *it = g_ptr_array_index(items, n);
    audit_input *in = audit_one_input(it, n + 1, items->len, r);

    memset(res, 0, sizeof *res);
    if (!in)
        return;
    format_result(in, res);
    audit_input_free(in);
}

gboolean any_error;

/* Print one result; FALSE when stdout went away. */
gboolean
emit_result(const input_result *res)
{
    if (!res->present)
        return TRUE;
    if (res->error)
        any_error = TRUE;
    if (res->err_text)
        fputs(res->err_text, stderr);
    totals_add(&total, &res->delta);
    if (res->out_len) {
        const report_output *out = report_output_chosen();
        if (out->place)
            out->place(stdout, res->out, res->out_len);
        else
            fwrite(res->out, 1, res->out_len, stdout);
    }
    return fflush(stdout) == 0 && !ferror(stdout);
}

const report_output *
report_output_chosen(void)
{
    switch (opt.format) {
    case OUT_JSON: return &report_json;
    case OUT_CSV: return &report_csv;
    default: return opt.quiet ? &report_quiet : &report_text;
    }
}

void
report_init(void)
{
    scratch = g_ptr_array_new_with_free_func(g_free);
}

void
report_done(void)
{
    g_ptr_array_free(scratch, TRUE);
    scratch = NULL;
}
