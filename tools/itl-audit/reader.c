/* reader.c - reading one capture: a reader thread (see reader.h)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <wiretap/wtap.h>
#include <wsutil/buffer.h>

#define SBD_COMPAT_PROGRAM
#include "sbd-compat.h"
#include "itl-audit.h"
#include "logs.h"
#include "reader.h"
#include "report.h"

char *
wtap_error_text(int err, const gchar *err_info)
{
    if (err == WTAP_ERR_FILE_UNKNOWN_FORMAT)
        return err_info ? g_strdup_printf("not a capture file (%s)", err_info)
                        : g_strdup("not a capture file (wiretap does not recognise its format)");
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

static _Thread_local reader *cur_reader;

void
qitem_free(qitem *q)
{
    if (!q)
        return;
    if (q->kind == QI_PACKET) {
        sbd_rec_cleanup(&q->rec, &q->buf);
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
            r->queued_bytes += sbd_rec_data_len(&q->rec, &q->buf);
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
        sbd_rec_init(&q->rec, &q->buf, 1514);
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
        return sbd_custom_block_len(rec);
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
            if (!sbd_wtap_seek_read(wth, offset, &cur->rec, &cur->buf, &err, &err_info))
                break;
            r->seek_reads++;
            if (pret != PCS_OK) {
                pcs_seek(&r->pcs, r->pcs.ng ? pr.next_off
                                            : offset + PCS_REC_HDR_LEN + cur->rec.rec_header.packet_header.caplen);
                framenum++;
            }
        } else if (!sbd_wtap_read(wth, &cur->rec, &cur->buf, &err, &err_info, &offset)) {
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
            wanted = pf_record(r->pf, cur->rec.rec_header.packet_header.pkt_encap, sbd_rec_data(&cur->rec, &cur->buf),
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
        wtapng_iface_descriptions_t *idb = wtap_file_get_idb_info(r->wth);
        guint n_idb = idb && idb->interface_data ? idb->interface_data->len : 0;

        g_free(idb);
        ok = pcs_open_ng_ifaces(&r->pcs, r->scan_fd, PCS_BUF_DEFAULT, n_idb) && scan_ifaces_ng(r);
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
reader *
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
    if (!epan_ready && logs_file_is_log(path))
        r->open_err = WTAP_ERR_FILE_UNKNOWN_FORMAT;     /* a log: opened again with its reader (logs.c) */
    else
        r->wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &r->open_err, &r->open_err_info, r->scan);
    if (!r->wth && epan_ready && r->open_err == WTAP_ERR_FILE_UNKNOWN_FORMAT &&
        logs_unreadable_reason() && logs_file_is_log(path)) {
        g_free(r->open_err_info);
        r->open_err_info = g_strdup(logs_unreadable_reason());
    }
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

/* Stop the reader's thread between two records and join it, so that a
 * process can fork with the reader's state but without its thread (a
 * thread does not survive fork()).  Returns TRUE when the worker must
 * start the thread again with reader_resume(); FALSE when the thread had
 * already read everything (or never ran). */
gboolean
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
void
reader_resume(reader *r)
{
    r->yield = FALSE;
    g_atomic_int_and(&r->ctl, ~CTL_YIELD);
    r->thread = g_thread_new("itl-audit-reader", reader_main, r);
}

/* In the process that forked: forget a reader handed over to a worker
 * without reading on (the file offset is shared with the worker). */
void
reader_forget(reader *r)
{
    wtap *wth = r->wth;

    reader_free(r);
    if (wth)
        wtap_close(wth);
}

/* All queued items, waiting for at least one; NULL never. */
qitem *
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

void
reader_recycle(reader *r, qitem *q)
{
    g_mutex_lock(&r->lock);
    q->next = r->free_items;
    r->free_items = q;
    g_mutex_unlock(&r->lock);
}

/* Join the thread (telling it to stop first if abort). */
void
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
void
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

void
reader_finish(reader *r, gboolean abort)
{
    if (!r)
        return;
    reader_stop(r, abort);
    reader_free(r);
}

/* Stop and discard a reader, closing its file. */
void
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
