/* reader.h - reading one capture: a reader thread that reads and
 * pre-filters the records and queues those epan must see
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef ITL_AUDIT_READER_H
#define ITL_AUDIT_READER_H

#include <wireshark.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>

#include "prefilter.h"
#include "pcapscan.h"

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

typedef struct reader {
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

reader *reader_start(const char *path);
gboolean reader_handover(reader *r);
void reader_resume(reader *r);
void reader_forget(reader *r);
qitem *reader_take(reader *r, const char *path, unsigned idx, unsigned count);
void reader_recycle(reader *r, qitem *q);
void reader_stop(reader *r, gboolean abort);
void reader_free(reader *r);
void reader_finish(reader *r, gboolean abort);
void reader_abort(reader *r);
void qitem_free(qitem *q);
/* Wiretap's error as a sentence for the report. */
char *wtap_error_text(int err, const gchar *err_info);

#endif
