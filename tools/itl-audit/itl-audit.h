/* itl-audit.h - what the parts of itl-audit share: the options, the inputs,
 * the report of one input
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The parts, one job each (README.md next to this file, "Layout"):
 *   main.c         the run: start, inputs in order or through the pool, summary
 *   cli.c          the command line (options, usage)
 *   inputs.c       explicit paths, directory walks, what is worth auditing
 *   reader.c       reading one capture: the reader thread and its queue
 *   epan-start.c   libwireshark's start and preferences, the pre-filter's ports
 *   epan-run.c     auditing one input: dissecting its records, taking the report
 *   pool.c         worker processes for several inputs (-j)
 *   report.c       per-input results: formatted once, printed in input order
 *   report-text.c, report-json.c, report-csv.c: the outputs (report.h)
 */
#ifndef ITL_AUDIT_H
#define ITL_AUDIT_H

#include <glib.h>

#include "sbd-checks.h"
#include "prefilter.h"

#ifndef SBD_VERSION
#error "SBD_VERSION must come from the build (sbd_dissectors compile definitions)"
#endif

#define PROGNAME "itl-audit"
#define DEFAULT_TVS_PORT 2445u
#define MAX_JOBS 256u

/* ---- options (cli.c) ---- */

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV } out_format;

typedef struct {
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
} audit_options;

extern audit_options opt;

void options_init(void);
/* Returns -1 to go on, or an exit status. */
int parse_args(int argc, char **argv);
void options_free(void);

/* ---- inputs (inputs.c) ---- */

typedef struct {
    char *path;
    gboolean explicit_path;     /* named on the command line */
    char *error;                /* found unreadable while walking */
} input_item;

extern GPtrArray *items;        /* input_item*, in the order they are audited */

void inputs_collect(char **paths, int n);
void inputs_free(void);
gboolean has_capture_extension(const char *path);
gboolean item_readable(const input_item *it);
gboolean item_is_trust_list(const input_item *it);

/* ---- the report of one input (report.c) ---- */

typedef struct {
    char *path;
    char *error;                /* NULL if the input was read to its end */
    guint32 frames;
    sbd_report *rep;            /* the engine's results (empty if not read) */
    GHashTable *times;          /* frame -> nstime_t*: of the frames the report refers to */
    char *stats;                /* --stats line, or NULL */
} audit_input;

audit_input *audit_input_new(const char *path);
void audit_input_free(audit_input *in);
void audit_input_set_error(audit_input *in, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

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

/* ---- libwireshark (epan-start.c) ---- */

/* libwireshark is started and the preferences are applied. */
extern gboolean epan_ready;
/* What the pre-filter keeps, from the applied preferences. */
extern pf_config pf_effective;
extern gint64 epan_start_usec;

void wireshark_init(const char *argv0);
gboolean ensure_epan(void);
void wireshark_cleanup(void);
void prefilter_config_early(pf_config *cfg);

/* ---- one input (epan-run.c) ---- */

struct reader;
audit_input *audit_one_input(const input_item *it, unsigned idx, unsigned count, struct reader *r);
void prepare_session(void);
void drop_prepared_session(void);

/* ---- several inputs (pool.c) ---- */

/* FALSE when stdout went away. */
gboolean run_pool(unsigned jobs, struct reader *r0, guint first);

#endif
