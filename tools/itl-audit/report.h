/* report.h - the outputs of itl-audit behind one interface, and what they
 * share
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * An output writes the beginning of the document, then per input a
 * fragment (input_begin, phone for each phone, input_end) into a memory
 * file (in a worker process with -j), which place() puts into the
 * document in input order, and at the end the summary.  Members may be
 * NULL: nothing to write there.
 */
#ifndef ITL_AUDIT_REPORT_H
#define ITL_AUDIT_REPORT_H

#include <stdio.h>
#include <glib.h>

#include "itl-audit.h"

typedef struct {
    void (*begin)(FILE *o);
    void (*input_begin)(FILE *o, const audit_input *in);
    void (*phone)(FILE *o, const audit_input *in, const sbd_phone *ph);
    void (*input_end)(FILE *o, const audit_input *in);
    /* One input's fragment into the document (NULL: as it is). */
    void (*place)(FILE *o, const char *fragment, size_t len);
    void (*end)(FILE *o, const totals_t *t, int exit_status);
} report_output;

extern const report_output report_text;   /* report-text.c */
extern const report_output report_quiet;  /* report-text.c: the summary only */
extern const report_output report_json;   /* report-json.c */
extern const report_output report_csv;    /* report-csv.c */

/* The output the options ask for. */
const report_output *report_output_chosen(void);

/* ---- per-input results (report.c) ---- */

typedef struct {
    gboolean present;           /* FALSE: a file of a walk that was skipped */
    gboolean error;
    char *err_text;             /* stderr lines (error, --stats), or NULL */
    char *out;                  /* the formatted fragment */
    size_t out_len;
    totals_t delta;
} input_result;

extern totals_t total;
extern gboolean any_error;

void report_init(void);
void report_done(void);
void result_clear(input_result *res);
void format_result(audit_input *in, input_result *res);
void run_input(guint n, struct reader *r, input_result *res);
/* Print one result; FALSE when stdout went away. */
gboolean emit_result(const input_result *res);

/* ---- what the outputs share (report.c) ---- */

/* Strings made for one input's output live until it is formatted. */
const char *keep(char *s);
const char *hex_or_null(const guint8 *p, unsigned len);
const char *serial_or_null(const guint8 *p, unsigned len);
const char *serial_text(const guint8 *p, unsigned len);
/* For a terminal: valid UTF-8, control characters as \xNN; "-" for NULL. */
const char *T(const char *s);
unsigned exchange_n_roles(const sbd_exchange *x);
void phone_verdicts(const sbd_phone *ph, unsigned counts[SBD_TVS_N]);
gboolean is_trust_list(const sbd_file *f);
/* ISO 8601 UTC of seconds since 1970 (with microseconds: ".uuuuuuZ"). */
const char *iso_time(gint64 secs, int usecs, gboolean with_usecs);
/* The absolute time of a frame of the input, NULL if not known. */
const char *frame_time(const audit_input *in, guint32 frame);
/* " (TIME)" after a frame number in text, "" if not known. */
const char *at(const audit_input *in, guint32 frame);
const char *tls_version_text(guint16 v);
/* An untrusted file accepted later, inferred (a TVS answer says it). */
gboolean file_accepted(const sbd_file *f);
/* The TLS exchanges of a session the engine kept. */
unsigned session_n_tx(const sbd_session *s);

/* Stable names (JSON/CSV keys do not depend on display strings). */
const char *file_type_key(ciscotl_file_type t);
const char *sig_key(ciscotl_sig_status s);
const char *trust_key(sbd_signer_trust t);
const char *severity_key(sbd_severity s);
const char *command_key(unsigned command);
const char *finding_name(sbd_finding_code code);
void mac_str(const guint8 mac[6], char out[18]);

/* The progress line on a terminal (stderr), with opt.progress. */
void progress(const char *path, unsigned idx, unsigned count, guint32 frames, gboolean done);

#endif
