/* epan-run.c - auditing one input: its records dissected by libwireshark,
 * then the trust checks engine's report taken over
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The tool never decodes trust traffic itself.  The "sbd" post-dissector
 * feeds the engine in frame order while epan dissects each record; after
 * the last record the tool calls sbd_checks_finish() and takes the
 * engine's report over (sbd_checks_take_report()) before epan_free() runs
 * the cleanup routines (the engine is reset by an init routine at
 * epan_new() and by a cleanup routine at epan_free()).
 *
 * Memory: one epan_dissect_t is reused for every record; the frame_data of
 * a record is destroyed after it is dissected, and only copies of the
 * reference / previous frames are kept for the timestamp callback.  What
 * grows is epan's own per-conversation state (of the dissected
 * conversations) and the engine's per-phone state, not per-packet data of
 * this program; the pre-filter's tables are bounded.
 */
#include <wireshark.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/packet.h>
#include <epan/secrets.h>
#include <epan/frame_data.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>

#define SBD_COMPAT_PROGRAM
#include "sbd-compat.h"
#include "itl-audit.h"
#include "reader.h"
#include "report.h"

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

void
prepare_session(void)
{
    if (!prep_session) {
        memset(&prep_prov, 0, sizeof prep_prov);
        prep_session = epan_new(&prep_prov, &provider_funcs);
    }
}

void
drop_prepared_session(void)
{
    if (prep_session)
        epan_free(prep_session);
    prep_session = NULL;
}

static gboolean
phone_selected(const sbd_phone *ph)
{
    if (!opt.phone_filter)
        return TRUE;
    return ph && ph->has_mac && memcmp(ph->mac, opt.phone_mac, 6) == 0;
}

/* --phone: drop the other phones and their findings (and the findings of
 * no phone).  From the end: what is kept, and moved, is little. */
static void
select_phone(sbd_report *rep)
{
    guint i;

    if (!opt.phone_filter)
        return;
    for (i = rep->findings->len; i > 0; i--) {
        const sbd_finding *f = g_ptr_array_index(rep->findings, i - 1);
        if (!f->phone || !phone_selected(f->phone))
            g_ptr_array_remove_index(rep->findings, i - 1);
    }
    for (i = rep->phones->len; i > 0; i--)
        if (!phone_selected(g_ptr_array_index(rep->phones, i - 1)))
            g_ptr_array_remove_index(rep->phones, i - 1);
}

/* The absolute time of `frame` (the engine keeps those of the frames it
 * refers to in its per-frame views, which go with its state), kept in the
 * input's report. */
static void
keep_time(audit_input *in, guint32 frame)
{
    const nstime_t *t;

    if (!frame || g_hash_table_contains(in->times, GUINT_TO_POINTER(frame)))
        return;
    t = sbd_checks_frame_time(frame);
    if (t)
        g_hash_table_insert(in->times, GUINT_TO_POINTER(frame), g_memdup2(t, sizeof *t));
}

/* The times of the frames a phone's part of the report names. */
static void
keep_times(audit_input *in, const sbd_phone *ph)
{
    guint j, k;

    for (j = 0; j < ph->files->len; j++) {
        const sbd_file *f = g_ptr_array_index(ph->files, j);
        keep_time(in, f->frame);
        keep_time(in, f->prev_frame);
        if (f->tvs)
            keep_time(in, f->tvs->req_frame);
        keep_time(in, f->accepted_frame);
    }
    for (j = 0; j < ph->sessions->len; j++) {
        const sbd_session *s = g_ptr_array_index(ph->sessions, j);
        keep_time(in, s->frame);
        keep_time(in, s->itl_frame);
        keep_time(in, s->handshake_frame);
        keep_time(in, s->alert_frame);
        keep_time(in, s->reset_frame);
        for (k = 0; k < MIN(s->n_tx, (unsigned)SBD_MAX_TLS_EXCHANGES); k++) {
            keep_time(in, s->tx[k].req_frame);
            keep_time(in, s->tx[k].resp_frame);
        }
    }
    for (j = 0; j < ph->exchanges->len; j++) {
        const sbd_exchange *x = g_ptr_array_index(ph->exchanges, j);
        keep_time(in, x->req_frame);
        keep_time(in, x->resp_frame);
    }
    if (ph->root_cause)
        keep_time(in, ph->root_cause->frame);
    for (j = 0; ph->consequences && j < ph->consequences->len; j++)
        keep_time(in, ((const sbd_finding *)g_ptr_array_index(ph->consequences, j))->frame);
}

/* Take what the engine concluded about the current capture, and the times
 * of the frames it refers to.  Must run after sbd_checks_finish() and
 * before epan_free(), whose cleanup routine resets the engine. */
static void
collect_report(audit_input *in)
{
    GPtrArray *phones = sbd_checks_phones();
    GPtrArray *findings = sbd_checks_findings();
    guint i;

    g_hash_table_remove_all(in->times);
    for (i = 0; phones && i < phones->len; i++)
        keep_times(in, g_ptr_array_index(phones, i));
    for (i = 0; findings && i < findings->len; i++) {
        const sbd_finding *f = g_ptr_array_index(findings, i);
        keep_time(in, f->frame);
        keep_time(in, f->related_frame);
    }
    sbd_report_free(in->rep);
    in->rep = sbd_checks_take_report();
    select_phone(in->rep);
}

/* The outcome of an input that is not read at all: an error for a
 * path that must be reported, NULL for a skipped one (*done TRUE); *done
 * FALSE when it is worth opening. */
static audit_input *
input_before_reading(const input_item *it, gboolean named, reader *r, gboolean *done)
{
    audit_input *in;

    *done = TRUE;
    if (it->error) {
        in = audit_input_new(it->path);
        in->error = g_strdup(it->error);
        return in;
    }
    if (!item_readable(it)) {
        if (!named)
            return NULL;
        in = audit_input_new(it->path);
        audit_input_set_error(in, "empty file");
        return in;
    }
    if (item_is_trust_list(it)) {
        reader_abort(r);
        if (!named)
            return NULL;
        in = audit_input_new(it->path);
        audit_input_set_error(in, "a bare trust list or signed file, not a packet capture: without its "
                               "transport there is no phone to attribute it to (tshark -r shows it)");
        return in;
    }
    *done = FALSE;
    return NULL;
}

/* A reader on the input: `r` (started on it before libwireshark was), or
 * a new one. */
static reader *
input_reader(const input_item *it, reader *r)
{
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
    return r;
}

/* An input wiretap cannot open, or reads as a document: its outcome
 * (NULL: skipped), the reader finished. */
static audit_input *
input_not_capture(const input_item *it, gboolean named, reader *r)
{
    audit_input *in;
    wtap *wth;

    if (!r->wth) {
        int err = r->open_err;
        char *why = wtap_error_text(err, r->open_err_info);
        reader_finish(r, FALSE);
        /* In a walk, a file that is no capture, or that cannot be opened at
         * all (a key of mode 600 next to the captures, for a user other
         * than its owner), is skipped like any entry that cannot be
         * accessed: only capture names are worth an error. */
        if (!named && (err == WTAP_ERR_FILE_UNKNOWN_FORMAT || err == EACCES || err == EPERM || err == ENOENT)) {
            g_free(why);
            return NULL;
        }
        in = audit_input_new(it->path);
        in->error = why;
        return in;
    } else {
        char *what = g_strdup(wtap_file_type_subtype_description(r->file_type));
        wth = r->wth;
        reader_finish(r, FALSE);
        wtap_close(wth);
        if (!named) {
            g_free(what);
            return NULL;
        }
        in = audit_input_new(it->path);
        audit_input_set_error(in, "not a packet capture (wiretap reads it as %s)", what ? what : "a document");
        g_free(what);
        return in;
    }
}

/* One input's dissection: the session, the frame data the timestamp
 * callback is asked about, the counters frame_data needs. */
typedef struct {
    reader *r;
    struct packet_provider_data own_prov, *prov_p;
    frame_data ref_frame, prev_dis_frame, prev_cap_frame;
    epan_t *session;
    epan_dissect_t *edt;
    guint32 cum_bytes;
    nstime_t elapsed;
    gboolean first, one_shot;
} epan_run;

static void
epan_run_start(epan_run *run, reader *r)
{
    memset(run, 0, sizeof *run);
    run->r = r;
    run->first = TRUE;
    nstime_set_zero(&run->elapsed);

    /* epan_new() runs the init routines: the engine is reset and the
     * plugin switches TFTP reassembly on.  A prepared session has had
     * them run and has not dissected anything yet. */
    if (prep_session) {
        run->session = prep_session;
        run->prov_p = &prep_prov;
        run->one_shot = TRUE;
    } else {
        run->prov_p = &run->own_prov;
        memset(run->prov_p, 0, sizeof *run->prov_p);
        run->session = epan_new(run->prov_p, &provider_funcs);
    }
    run->prov_p->wth = r->wth;
    /* No protocol tree: the checks get what they need from the dissectors
     * (the TLS packets of TVS ports get a tree of the plugin's own). */
    run->edt = epan_dissect_new(run->session, FALSE, FALSE);
}

/* One record, through epan. */
static void
dissect_one_record(epan_run *run, qitem *q)
{
    struct packet_provider_data *prov_p = run->prov_p;
    reader *r = run->r;
    frame_data fd;

    /* Frame numbers, times relative to the first record and
     * to the previous one, cumulative bytes: as if every
     * record had been dissected. */
    if (run->first && q->framenum != 1) {
        memset(&run->ref_frame, 0, sizeof run->ref_frame);
        run->ref_frame.num = 1;
        run->ref_frame.abs_ts = r->first_ts;
        prov_p->ref = &run->ref_frame;
    }
    run->first = FALSE;
    if (q->has_prev && (!prov_p->prev_cap || prov_p->prev_cap->num != q->framenum - 1)) {
        memset(&run->prev_cap_frame, 0, sizeof run->prev_cap_frame);
        run->prev_cap_frame.num = q->framenum - 1;
        run->prev_cap_frame.abs_ts = q->prev_ts;
        prov_p->prev_cap = &run->prev_cap_frame;
    }
    run->cum_bytes = q->cum_bytes;
    frame_data_init(&fd, q->framenum, &q->rec, q->offset, run->cum_bytes);
    frame_data_set_before_dissect(&fd, &run->elapsed, &prov_p->ref, prov_p->prev_dis);
    if (prov_p->ref == &fd) {
        run->ref_frame = fd;
        run->ref_frame.pfd = NULL;
        prov_p->ref = &run->ref_frame;
    }
    sbd_dissect_record(run->edt, r->file_type, &q->rec, sbd_rec_data(&q->rec, &q->buf), &fd, NULL);
    frame_data_set_after_dissect(&fd, &run->cum_bytes);

    run->prev_dis_frame = fd;
    run->prev_dis_frame.pfd = NULL;
    prov_p->prev_dis = &run->prev_dis_frame;
    run->prev_cap_frame = fd;
    run->prev_cap_frame.pfd = NULL;
    prov_p->prev_cap = &run->prev_cap_frame;

    epan_dissect_reset(run->edt);
    frame_data_destroy(&fd);
    reader_recycle(r, q);
}

/* Everything the reader queues, up to its end: the number of records
 * read (a read error goes into the report). */
static guint32
dissect_records(epan_run *run, audit_input *in, const input_item *it, unsigned idx, unsigned count)
{
    reader *r = run->r;
    guint32 frames = 0;
    gboolean end = FALSE;
    gint64 last_progress = 0;

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
                    audit_input_set_error(in, "%s after frame %u", why, frames);
                    g_free(why);
                }
                qitem_free(q);
                end = TRUE;
            } else {
                dissect_one_record(run, q);
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
    return frames;
}

static void
epan_run_end(epan_run *run)
{
    epan_dissect_free(run->edt);
    if (run->one_shot) {
        /* This process exits after the input: its cleanup is the exit. */
        prep_session = NULL;
    } else {
        epan_free(run->session);
    }
}

/* Returns the report of the input, or NULL if the input is skipped (a file
 * met in a directory walk that is not a capture).  `r`: a reader already
 * started on this input (the first one), or NULL. */
audit_input *
audit_one_input(const input_item *it, unsigned idx, unsigned count, reader *r)
{
    gboolean named = it->explicit_path || has_capture_extension(it->path);
    gint64 t0 = g_get_monotonic_time();
    audit_input *in;
    epan_run run;
    gboolean done;
    wtap *wth;

    in = input_before_reading(it, named, r, &done);
    if (done)
        return in;
    progress(it->path, idx, count, 0, FALSE);
    r = input_reader(it, r);
    if (!r->wth || r->document) {
        in = input_not_capture(it, named, r);
        progress(it->path, idx, count, 0, TRUE);
        return in;
    }
    in = audit_input_new(it->path);
    epan_run_start(&run, r);
    in->frames = dissect_records(&run, in, it, idx, count);
    /* Conclusions, then take them over: epan_free() runs the cleanup
     * routines, which reset the engine. */
    sbd_checks_finish();
    collect_report(in);
    epan_run_end(&run);

    reader_stop(r, FALSE);
    if (opt.stats)
        in->stats = stats_line(it, r, in->frames, g_get_monotonic_time() - t0);
    wth = r->wth;
    reader_free(r);
    wtap_close(wth);
    progress(it->path, idx, count, in->frames, TRUE);
    return in;
}
