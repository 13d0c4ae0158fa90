/* report-text.c - the text output: per phone its trust lists, TVS
 * sessions and exchanges and a timeline, per input the findings, then a
 * summary line
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <stdio.h>
#include <string.h>

#include "sbd-common.h"
#include "itl-audit.h"
#include "report.h"

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
    keep(v);
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
        keep(v);
        return v;
    }
    }
}

static const char *
phone_label(const sbd_phone *ph)
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
    keep(v);
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
    keep(v);
    return T(v);
}

static void
text_file(FILE *o, const audit_input *in, const sbd_file *f)
{
    unsigned i, n_tvs = 0;

    fprintf(o, "    frame %u%s  %s %s  from %s\n", f->frame, at(in, f->frame), file_type_key(f->type), T(f->name),
            T(f->server));
    if (f->has_md5)
        fprintf(o, "      MD5 %s  SHA-1 %s\n", hex_or_null(f->md5, 16), hex_or_null(f->sha1, 20));
    else
        fprintf(o, "      MD5 - (file incomplete)\n");
    if (f->has_build_time)
        fprintf(o, "      built %s (header tag 15)\n", iso_time(f->build_time, 0, FALSE));
    fprintf(o, "      signer %s, serial %s\n", T(f->signer_name), serial_text(f->signer_serial, f->signer_serial_len));
    fprintf(o, "      signature: %s", ciscotl_sig_status_str(f->sig_status));
    if (is_trust_list(f)) {
        fprintf(o, "; signer trusted: %s", sbd_signer_trust_str(f->trust));
        if (f->prev_frame)
            fprintf(o, " (previous list in frame %u%s)", f->prev_frame, at(in, f->prev_frame));
    }
    fputc('\n', o);
    if (f->tvs) {
        fprintf(o, "      TVS request about the signer in frame %u%s: %s\n", f->tvs->req_frame,
                at(in, f->tvs->req_frame), f->tvs->answered ? status_text(f->tvs->status) : "no answer");
    }
    if (file_accepted(f))
        fprintf(o, "      accepted (inferred): %s, frame %u%s\n", f->accepted_how, f->accepted_frame,
                at(in, f->accepted_frame));
    if (f->type != CISCOTL_TYPE_ITL)
        return;
    if (f->blank_itl)
        fprintf(o, "      blank (rollback) ITL\n");
    for (i = 0; i < f->n_recs; i++) {
        const sbd_record *r = &f->recs[i];
        if (!r->has_role || r->role != SBD_ROLE_TVS)
            continue;
        n_tvs++;
        if (r->blank)
            fprintf(o, "      TVS record %u: blank\n", i + 1);
        else
            fprintf(o, "      TVS record %u: serial %s  %s\n", i + 1, serial_text(r->serial, r->serial_len),
                    T(r->subject));
    }
    if (!n_tvs)
        fprintf(o, "      TVS records: none\n");
}

static void
text_session(FILE *o, const audit_input *in, const sbd_session *s)
{
    unsigned k;

    fprintf(o, "    frame %u%s  %s:%u (client port %s)%s\n", s->frame, at(in, s->frame), T(s->server), s->port,
            T(s->client_port), s->tls13 ? "  TLS 1.3" : "");
    if (s->cert_seen)
        fprintf(o, "      certificate serial %s  SHA-1 %s  %s\n", serial_text(s->cert_serial, s->cert_serial_len),
                hex_or_null(s->cert_sha1, 20), T(s->cert_subject));
    else
        fprintf(o, "      certificate not seen\n");
    fprintf(o, "      verdict: %s", sbd_tvs_verdict_str(s->verdict));
    if (s->itl_frame)
        fprintf(o, " (ITL in frame %u%s%s)", s->itl_frame, at(in, s->itl_frame),
                s->itl_after ? ", downloaded after the session" : "");
    if (s->record_serial)
        fprintf(o, ", TVS record serial %s", serial_or_null(s->record_serial, s->record_serial_len));
    if (s->compared_by)
        fprintf(o, ", compared by %s", s->compared_by);
    fputc('\n', o);
    if ((s->verdict == SBD_TVS_SERIAL_MISMATCH || s->verdict == SBD_TVS_HASH_MISMATCH) && s->itl_tvs_serial)
        fprintf(o, "      the ITL's TVS record: serial %s  SHA-1 %s\n",
                serial_text(s->itl_tvs_serial, s->itl_tvs_serial_len),
                s->has_itl_tvs_sha1 ? hex_or_null(s->itl_tvs_sha1, 20) : "-");
    if (s->has_cipher)
        fprintf(o, "      %s, cipher suite 0x%04x\n", tls_version_text(s->tls_version), s->cipher_suite);
    if (s->alert)
        fprintf(o, "      alert by the %s in frame %u%s: %s\n", s->alert_by_phone ? "phone" : "server",
                s->alert_frame, at(in, s->alert_frame),
                s->alert_encrypted ? "encrypted (inferred from its size)" : sbd_tls_alert_str(s->alert_desc));
    if (s->reset_frame)
        fprintf(o, "      TCP reset by the %s in frame %u%s\n", s->reset_by_server ? "server" : "phone",
                s->reset_frame, at(in, s->reset_frame));
    if (s->handshake_done)
        fprintf(o, "      handshake finished by the phone in frame %u%s (%s)\n", s->handshake_frame,
                at(in, s->handshake_frame), sbd_certainty_str(s->handshake_certainty));
    for (k = 0; k < session_n_tx(s); k++) {
        const sbd_tls_exchange *x = &s->tx[k];
        fprintf(o, "      encrypted request in frame %u%s (record %u bytes)", x->req_frame, at(in, x->req_frame),
                x->req_len);
        if (x->resp_frame && x->resp_min == x->resp_max)
            fprintf(o, ", answer in frame %u%s (record %u bytes, %u bytes of plaintext): %s (inferred)\n",
                    x->resp_frame, at(in, x->resp_frame), x->resp_len, x->resp_min, sbd_answer_kind_str(x->kind));
        else if (x->resp_frame)
            fprintf(o, ", answer in frame %u%s (record %u bytes, %u to %u bytes of plaintext): %s (inferred)\n",
                    x->resp_frame, at(in, x->resp_frame), x->resp_len, x->resp_min, x->resp_max,
                    sbd_answer_kind_str(x->kind));
        else
            fprintf(o, ", no answer\n");
    }
}

static void
text_exchange(FILE *o, const audit_input *in, const sbd_exchange *x)
{
    fprintf(o, "    frames %u/", x->req_frame);
    if (x->answered)
        fprintf(o, "%u", x->resp_frame);
    else
        fputc('-', o);
    fputs(at(in, x->req_frame), o);
    fprintf(o, "  %s (id %u)\n", command_key(x->command), x->request_id);
    fprintf(o, "      subject %s\n      issuer %s\n      serial %s\n", T(x->subject), T(x->issuer),
            serial_text(x->serial, x->serial_len));
    if (x->answered) {
        fprintf(o, "      answer: %s, roles %s", status_text(x->status),
                x->has_roles ? roles_text(x->roles, exchange_n_roles(x)) : "absent");
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
text_timeline(FILE *o, const audit_input *in, const sbd_phone *ph)
{
    GArray *tl = g_array_new(FALSE, FALSE, sizeof(tl_event));
    guint i;

    for (i = 0; i < ph->files->len; i++) {
        const sbd_file *f = g_ptr_array_index(ph->files, i);
        if (is_trust_list(f))
            tl_add(tl, f->frame, g_strdup_printf("%s %s signed by %s: signature %s, signer trusted: %s",
                                                 file_type_key(f->type), T(f->name), first_rdn(f->signer_name),
                                                 ciscotl_sig_status_str(f->sig_status),
                                                 sbd_signer_trust_str(f->trust)));
        else
            tl_add(tl, f->frame, g_strdup_printf("%s %s: signature %s", file_type_key(f->type), T(f->name),
                                                 ciscotl_sig_status_str(f->sig_status)));
    }
    for (i = 0; i < ph->sessions->len; i++) {
        const sbd_session *s = g_ptr_array_index(ph->sessions, i);
        tl_add(tl, s->frame, g_strdup_printf("TVS %s:%u certificate %s: %s", T(s->server), s->port,
                                             serial_text(s->cert_serial, s->cert_serial_len),
                                             sbd_tvs_verdict_str(s->verdict)));
        if (s->reset_frame)
            tl_add(tl, s->reset_frame, g_strdup_printf("TCP reset by the %s", s->reset_by_server ? "server" : "phone"));
        if (s->alert)
            tl_add(tl, s->alert_frame, g_strdup_printf("TLS alert by the %s: %s", s->alert_by_phone ? "phone" : "server",
                                                       s->alert_encrypted ? "encrypted (inferred from its size)"
                                                                          : sbd_tls_alert_str(s->alert_desc)));
        if (session_n_tx(s) && !ph->exchanges->len) {
            unsigned k;
            for (k = 0; k < session_n_tx(s); k++)
                if (s->tx[k].resp_frame)
                    tl_add(tl, s->tx[k].resp_frame,
                           g_strdup_printf("TVS answer (encrypted): %s, inferred from its size",
                                           sbd_answer_kind_str(s->tx[k].kind)));
        }
    }
    for (i = 0; i < ph->exchanges->len; i++) {
        const sbd_exchange *x = g_ptr_array_index(ph->exchanges, i);
        tl_add(tl, x->req_frame, g_strdup_printf("TVS %s request, serial %s", command_key(x->command),
                                                 serial_text(x->serial, x->serial_len)));
        if (x->answered)
            tl_add(tl, x->resp_frame, g_strdup_printf("TVS %s answer: %s", command_key(x->command),
                                                      status_text(x->status)));
    }
    g_array_sort(tl, tl_cmp);
    if (tl->len)
        fprintf(o, "  timeline:\n");
    for (i = 0; i < tl->len; i++) {
        tl_event *e = &g_array_index(tl, tl_event, i);
        const char *t = frame_time(in, e->frame);
        fprintf(o, "    %6u  %s%s%s\n", e->frame, t ? t : "", t ? "  " : "", e->text);
        g_free(e->text);
    }
    g_array_free(tl, TRUE);
}

static void
text_phone(FILE *o, const audit_input *in, const sbd_phone *ph)
{
    char mac[18] = "-";
    guint i, n_lists = 0, n_signed = 0;

    if (ph->has_mac)
        mac_str(ph->mac, mac);
    fprintf(o, "\nphone %s  IP %s  model %s  [input %s]\n", mac, T(ph->ip), T(ph->model), T(in->path));
    if (ph->outcome != SBD_OUTCOME_NONE) {
        fprintf(o, "  outcome: %s, root cause %s (%s): %s\n", sbd_outcome_str(ph->outcome),
                ph->root_cause ? finding_name(ph->root_cause->code) : "none",
                sbd_certainty_str(ph->outcome_certainty), T(ph->outcome_summary));
        if (ph->root_cause)
            fprintf(o, "    act on: %s\n", sbd_finding_describe(ph->root_cause->code)->remediation);
        for (i = 0; ph->consequences && i < ph->consequences->len; i++) {
            const sbd_finding *c = g_ptr_array_index(ph->consequences, i);
            fprintf(o, "%s%s (frame %u%s)", i ? ", " : "    consequences: ", finding_name(c->code), c->frame,
                    at(in, c->frame));
        }
        if (ph->consequences && ph->consequences->len)
            fputc('\n', o);
    }
    for (i = 0; i < ph->files->len; i++) {
        const sbd_file *f = g_ptr_array_index(ph->files, i);
        if (is_trust_list(f))
            n_lists++;
        else
            n_signed++;
    }
    if (n_lists) {
        fprintf(o, "  trust lists:\n");
        for (i = 0; i < ph->files->len; i++)
            if (is_trust_list(g_ptr_array_index(ph->files, i)))
                text_file(o, in, g_ptr_array_index(ph->files, i));
    } else {
        fprintf(o, "  trust lists: none\n");
    }
    if (n_signed) {
        fprintf(o, "  signed files:\n");
        for (i = 0; i < ph->files->len; i++)
            if (!is_trust_list(g_ptr_array_index(ph->files, i)))
                text_file(o, in, g_ptr_array_index(ph->files, i));
    }
    if (ph->sessions->len) {
        fprintf(o, "  TVS sessions:\n");
        for (i = 0; i < ph->sessions->len; i++)
            text_session(o, in, g_ptr_array_index(ph->sessions, i));
    } else {
        fprintf(o, "  TVS sessions: none\n");
    }
    if (ph->exchanges->len) {
        fprintf(o, "  TVS exchanges:\n");
        for (i = 0; i < ph->exchanges->len; i++)
            text_exchange(o, in, g_ptr_array_index(ph->exchanges, i));
    }
    text_timeline(o, in, ph);
}

/* The input's line, and what kept it from being read whole. */
static void
text_input_begin(FILE *o, const audit_input *in)
{
    fprintf(o, "== %s: %u frame%s, %u phone%s, %u finding%s\n", T(in->path), in->frames,
            in->frames == 1 ? "" : "s", in->rep->phones->len, in->rep->phones->len == 1 ? "" : "s",
            in->rep->findings->len, in->rep->findings->len == 1 ? "" : "s");
    if (in->error)
        fprintf(o, "error: %s%s\n", T(in->error),
                in->frames ? " (results up to the error are reported)" : "");
    if (in->rep->capped)
        fprintf(o, "warning: a limit of tracked phones/files/sessions was reached; later ones were not checked\n");
}

/* The input's findings, after its phones. */
static void
text_input_end(FILE *o, const audit_input *in)
{
    guint i;

    if (in->rep->findings->len)
        fprintf(o, "\nfindings (%u) in %s:\n", in->rep->findings->len, T(in->path));
    for (i = 0; i < in->rep->findings->len; i++) {
        const sbd_finding *f = g_ptr_array_index(in->rep->findings, i);
        const sbd_finding_info *fi = sbd_finding_describe(f->code);
        fprintf(o, "  [%s] %s  frame %u%s", fi ? severity_key(fi->severity) : "?", finding_name(f->code), f->frame,
                at(in, f->frame));
        if (f->related_frame)
            fprintf(o, " (related frame %u%s)", f->related_frame, at(in, f->related_frame));
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
text_summary(FILE *o, const totals_t *t, int exit_status _U_)
{
    unsigned v, c;
    gboolean any;

    fprintf(o, "summary: %u input%s (%u unreadable), %u phone%s, %u file%s, %u TVS session%s (",
            t->inputs, t->inputs == 1 ? "" : "s", t->errors, t->phones,
            t->phones == 1 ? "" : "s", t->files, t->files == 1 ? "" : "s", t->sessions,
            t->sessions == 1 ? "" : "s");
    any = FALSE;
    for (v = 0; v < SBD_TVS_N; v++) {
        if (!t->verdicts[v])
            continue;
        fprintf(o, "%s%s %u", any ? ", " : "", sbd_tvs_verdict_str((sbd_tvs_verdict)v), t->verdicts[v]);
        any = TRUE;
    }
    fprintf(o, "%s), %u TVS exchange%s, %u finding%s (", any ? "" : "none", t->exchanges,
            t->exchanges == 1 ? "" : "s", t->findings, t->findings == 1 ? "" : "s");
    any = FALSE;
    for (c = 0; c < SBD_F_N; c++) {
        if (!t->by_finding[c])
            continue;
        fprintf(o, "%s%s %u", any ? ", " : "", finding_name((sbd_finding_code)c), t->by_finding[c]);
        any = TRUE;
    }
    fprintf(o, "%s)\n", any ? "" : "none");
}

const report_output report_text = {
    .input_begin = text_input_begin,
    .phone = text_phone,
    .input_end = text_input_end,
    .end = text_summary,
};

/* -q: the summary line only. */
const report_output report_quiet = {
    .end = text_summary,
};
