/* report-json.c - the JSON output: one document on stdout, written with
 * wsutil/json_dumper.h
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <stdio.h>
#include <string.h>

#include <epan/epan.h>
#include <wsutil/json_dumper.h>

#include "sbd-common.h"
#include "itl-audit.h"
#include "report.h"

/* The dumper being written: the document's (on stdout, from the first
 * line to the summary), or an input's (one element of "inputs", written on
 * its own into a string, in a worker process with -j). */
static json_dumper doc_dumper, input_dumper;
static json_dumper *jw = &doc_dumper;
/* The input being written (the times of its frames). */
static const audit_input *cur_in;

/* The elements of "inputs" are at this depth of the document. */
#define INPUT_INDENT "    "

static void
jw_start(json_dumper *d, FILE *f)
{
    memset(d, 0, sizeof *d);
    if (f)
        d->output_file = f;
    else
        d->output_string = g_string_new(NULL);
    d->flags = JSON_DUMPER_FLAGS_PRETTY_PRINT;
    jw = d;
}

static void
jw_key(const char *key)
{
    if (key)
        json_dumper_set_member_name(jw, key);
}

static void
jw_obj(const char *key)
{
    jw_key(key);
    json_dumper_begin_object(jw);
}

static void
jw_arr(const char *key)
{
    jw_key(key);
    json_dumper_begin_array(jw);
}

static void
jw_end_obj(void)
{
    json_dumper_end_object(jw);
}

static void
jw_end_arr(void)
{
    json_dumper_end_array(jw);
}

static void
jw_null(const char *key)
{
    jw_key(key);
    json_dumper_value_anyf(jw, "null");
}

/* A string, or null.  JSON text must be UTF-8, and json_dumper escapes
 * but does not check it: bytes from a capture are made valid first
 * (invalid sequences become U+FFFD). */
static void
jw_str(const char *key, const char *val)
{
    char *v;

    if (!val) {
        jw_null(key);
        return;
    }
    v = g_utf8_make_valid(val, -1);
    jw_key(key);
    json_dumper_value_string(jw, v);
    g_free(v);
}

static void
jw_uint(const char *key, guint64 val)
{
    jw_key(key);
    json_dumper_value_anyf(jw, "%" G_GUINT64_FORMAT, val);
}

/* A frame number, or null when 0 (frame numbers start at 1). */
static void
jw_frame(const char *key, guint32 frame)
{
    if (!frame) {
        jw_null(key);
        return;
    }
    jw_uint(key, frame);
}

/* The time of a frame beside it: "frame" -> "time", "X_frame" -> "X_time";
 * null when the frame is 0 or its time unknown. */
static void
jw_time(const char *frame_key, guint32 frame)
{
    char key[64];
    size_t n = strlen(frame_key);

    if (n >= 5 && n < sizeof key && strcmp(frame_key + n - 5, "frame") == 0)
        g_snprintf(key, sizeof key, "%.*stime", (int)(n - 5), frame_key);
    else
        g_snprintf(key, sizeof key, "%s_time", frame_key);
    jw_str(key, frame_time(cur_in, frame));
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
    json_dumper_value_anyf(jw, "%s", val ? "true" : "false");
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
json_file(const sbd_file *f)
{
    unsigned i;

    jw_obj(NULL);
    jw_frame_t("frame", f->frame);
    jw_str("type", file_type_key(f->type));
    jw_str("name", f->name);
    jw_str("server", f->server);
    jw_str("md5", f->has_md5 ? hex_or_null(f->md5, 16) : NULL);
    jw_str("sha1", f->has_md5 ? hex_or_null(f->sha1, 20) : NULL);
    jw_str("build_time", f->has_build_time ? iso_time(f->build_time, 0, FALSE) : NULL);
    jw_obj("signer");
    jw_str("name", f->signer_name);
    jw_str("issuer", f->signer_issuer);
    jw_str("serial", serial_or_null(f->signer_serial, f->signer_serial_len));
    jw_end_obj();
    jw_str("signature", sig_key(f->sig_status));
    if (is_trust_list(f)) {
        jw_str("signer_trusted", trust_key(f->trust));
        jw_frame_t("previous_list_frame", f->prev_frame);
    } else {
        jw_null("signer_trusted");
        jw_null("previous_list_frame");
        jw_null("previous_list_time");
    }
    if (file_accepted(f)) {
        jw_obj("accepted");
        jw_str("how", f->accepted_how);
        jw_frame_t("frame", f->accepted_frame);
        jw_str("certainty", "inferred");
        jw_end_obj();
    } else {
        jw_null("accepted");
    }
    jw_bool("blank_itl", f->blank_itl);
    if (f->tvs) {
        jw_obj("tvs_followup");
        jw_frame_t("request_frame", f->tvs->req_frame);
        jw_bool("answered", f->tvs->answered);
        if (f->tvs->answered && f->tvs->status != SBD_TVS_NO_STATUS)
            jw_uint("status", f->tvs->status);
        else
            jw_null("status");
        jw_end_obj();
    } else {
        jw_null("tvs_followup");
    }
    jw_arr("records");
    for (i = 0; i < f->n_recs; i++) {
        const sbd_record *r = &f->recs[i];
        jw_obj(NULL);
        jw_uint("index", i + 1);
        if (r->has_role) {
            jw_uint("role", r->role);
            jw_str("role_name", sbd_role_name(r->role));
        } else {
            jw_null("role");
            jw_null("role_name");
        }
        jw_bool("blank", r->blank);
        jw_str("serial", serial_or_null(r->serial, r->serial_len));
        jw_str("subject", r->subject);
        jw_str("cert_sha1", r->has_cert ? hex_or_null(r->cert_sha1, 20) : NULL);
        jw_end_obj();
    }
    jw_end_arr();
    jw_end_obj();
}

static void
json_session(const sbd_session *s)
{
    unsigned k;

    jw_obj(NULL);
    jw_frame_t("frame", s->frame);
    jw_str("server", s->server);
    jw_uint("port", s->port);
    jw_str("client_port", s->client_port);
    jw_bool("tls13", s->tls13);
    jw_bool("cert_seen", s->cert_seen);
    jw_str("cert_serial", serial_or_null(s->cert_serial, s->cert_serial_len));
    jw_str("cert_sha1", s->cert_seen ? hex_or_null(s->cert_sha1, 20) : NULL);
    jw_str("cert_sha256", s->cert_seen ? hex_or_null(s->cert_sha256, 32) : NULL);
    jw_str("cert_subject", s->cert_subject);
    jw_str("verdict", sbd_tvs_verdict_str(s->verdict));
    jw_frame_t("itl_frame", s->itl_frame);
    jw_bool("itl_after", s->itl_after);
    jw_str("record_serial", serial_or_null(s->record_serial, s->record_serial_len));
    jw_str("compared_by", s->compared_by);
    jw_str("itl_tvs_serial", serial_or_null(s->itl_tvs_serial, s->itl_tvs_serial_len));
    jw_str("itl_tvs_cert_sha1", s->has_itl_tvs_sha1 ? hex_or_null(s->itl_tvs_sha1, 20) : NULL);
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
    for (k = 0; k < session_n_tx(s); k++) {
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
json_exchange(const sbd_exchange *x)
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
    jw_str("serial", serial_or_null(x->serial, x->serial_len));
    jw_bool("answered", x->answered);
    if (x->answered) {
        if (x->status != SBD_TVS_NO_STATUS)
            jw_uint("status", x->status);
        else
            jw_null("status");
        if (x->has_roles) {
            jw_arr("roles");
            for (i = 0; i < exchange_n_roles(x); i++) {
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
json_input_begin(FILE *o _U_, const audit_input *in)
{
    cur_in = in;
    jw_start(&input_dumper, NULL);
    jw_obj(NULL);
    jw_str("path", in->path);
    jw_str("error", in->error);
    jw_uint("frames", in->frames);
    jw_bool("capped", in->rep->capped);
    jw_arr("phones");
}

static void
json_phone(FILE *o _U_, const audit_input *in, const sbd_phone *ph)
{
    unsigned verdicts[SBD_TVS_N];
    guint j;

    jw_obj(NULL);
    json_mac("mac", ph->has_mac, ph->mac);
    jw_str("ip", ph->ip);
    jw_str("model", ph->model);
    phone_verdicts(ph, verdicts);
    json_verdicts("verdicts", verdicts);
    cur_in = in;
    jw_obj("outcome");
    jw_str("status", ph->outcome != SBD_OUTCOME_NONE ? sbd_outcome_str(ph->outcome) : NULL);
    jw_str("root_cause", ph->root_cause ? finding_name(ph->root_cause->code) : NULL);
    jw_frame_t("root_cause_frame", ph->root_cause ? ph->root_cause->frame : 0);
    jw_str("certainty", sbd_certainty_str(ph->outcome_certainty));
    jw_str("summary", ph->outcome_summary);
    jw_str("remediation", ph->root_cause ? sbd_finding_describe(ph->root_cause->code)->remediation : NULL);
    jw_arr("consequences");
    for (j = 0; ph->consequences && j < ph->consequences->len; j++) {
        const sbd_finding *c = g_ptr_array_index(ph->consequences, j);
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

static void
json_finding(const sbd_finding *f)
{
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

static void
json_input_end(FILE *o, const audit_input *in)
{
    guint i;

    jw_end_arr();
    cur_in = in;
    jw_arr("findings");
    for (i = 0; i < in->rep->findings->len; i++)
        json_finding(g_ptr_array_index(in->rep->findings, i));
    jw_end_arr();
    jw_end_obj();
    /* (finish() checks that every object and array was closed, and ends
     * the text with a newline, which place() does not want.) */
    if (!json_dumper_finish(jw))
        fprintf(stderr, "%s: internal error: unbalanced JSON for %s\n", PROGNAME, T(in->path));
    if (jw->output_string->len && jw->output_string->str[jw->output_string->len - 1] == '\n')
        g_string_truncate(jw->output_string, jw->output_string->len - 1);
    fwrite(jw->output_string->str, 1, jw->output_string->len, o);
    g_string_free(jw->output_string, TRUE);
    jw->output_string = NULL;
    jw = &doc_dumper;
}

/* An input's object (written at depth 0) into "inputs": the document's
 * dumper writes the separator and the indentation and counts it as a
 * value; the object follows, each line indented to its depth. */
static void
json_place(FILE *o, const char *fragment, size_t len)
{
    const char *p = fragment, *end = fragment + len, *nl;

    json_dumper_value_anyf(&doc_dumper, "%s", "");
    while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        fwrite(p, 1, (size_t)(nl + 1 - p), o);
        fputs(INPUT_INDENT, o);
        p = nl + 1;
    }
    fwrite(p, 1, (size_t)(end - p), o);
}

static void
json_begin(FILE *f)
{
    jw_start(&doc_dumper, f);
    jw_obj(NULL);
    jw_str("version", SBD_VERSION);
    jw_str("wireshark_version", epan_get_version());
    jw_arr("inputs");
}

static void
json_end(FILE *o _U_, const totals_t *t, int exit_status)
{
    unsigned c;

    jw = &doc_dumper;
    jw_end_arr();
    jw_obj("summary");
    jw_uint("inputs", t->inputs);
    jw_uint("errors", t->errors);
    jw_uint("phones", t->phones);
    jw_uint("files", t->files);
    jw_uint("sessions", t->sessions);
    jw_uint("exchanges", t->exchanges);
    jw_uint("findings", t->findings);
    json_verdicts("verdicts", t->verdicts);
    jw_obj("by_finding");
    for (c = 0; c < SBD_F_N; c++)
        jw_uint(finding_name((sbd_finding_code)c), t->by_finding[c]);
    jw_end_obj();
    jw_uint("exit_status", (guint64)exit_status);
    jw_end_obj();
    jw_end_obj();
    json_dumper_finish(jw);
}

const report_output report_json = {
    .begin = json_begin,
    .input_begin = json_input_begin,
    .phone = json_phone,
    .input_end = json_input_end,
    .place = json_place,
    .end = json_end,
};
