/* pcapscan.h - a record scanner for classic pcap files, for the pre-filter
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Reading every record through wiretap costs a packet block created and
 * freed, a copy into a Buffer and several calls per record: three times
 * what the pre-filter itself costs.  For the commonest capture file of all,
 * an uncompressed classic pcap (tcpdump's format), itl-audit walks the
 * records itself with large pread()s and hands the pre-filter the bytes in
 * place; the few records epan must see are then read again through
 * wiretap's random access (wtap_seek_read), so that epan gets exactly the
 * record a sequential wiretap read would have given.
 *
 * The scanner knows only the plain format (magic 0xa1b2c3d4 or 0xa1b23c4d
 * in either byte order, version 2.4, 16-byte record headers).  Anything
 * else it does not decide: a record header cut short, a captured length
 * over the limit or data past the end of the file is reported as
 * PCS_ODD with the record's offset, and the caller lets wiretap read (or
 * refuse) that record.  No libwireshark dependency.
 */
#ifndef ITL_AUDIT_PCAPSCAN_H
#define ITL_AUDIT_PCAPSCAN_H

#include <glib.h>

/* The largest captured length the scanner passes without asking wiretap
 * (wiretap's WTAP_MAX_PACKET_SIZE_STANDARD, its limit for the link types
 * the pre-filter reads). */
#define PCS_MAX_CAPLEN 262144u
#define PCS_FILE_HDR_LEN 24u
#define PCS_REC_HDR_LEN 16u
/* Default read size; at least one largest record must fit. */
#define PCS_BUF_DEFAULT (1u << 20)

typedef struct pcs_reader {
    int fd;
    guint8 *buf;
    gsize cap;                  /* size of buf */
    gsize len;                  /* bytes in buf */
    gsize pos;                  /* next record header, in buf */
    gint64 buf_off;             /* file offset of buf[0] */
    gboolean swapped;           /* written in the other byte order */
    gboolean nsec;              /* nanosecond time stamps */
    guint32 linktype;           /* the header's link-layer type field */
    int err;                    /* errno of a failed read, with PCS_IOERR */
} pcs_reader;

typedef struct pcs_rec {
    gint64 off;                 /* file offset of the record header */
    guint32 ts_sec;
    guint32 ts_frac;            /* microseconds, or nanoseconds if nsec */
    guint32 incl_len;
    guint32 orig_len;
    const guint8 *data;         /* incl_len bytes, valid until the next call */
} pcs_rec;

typedef enum {
    PCS_OK,                     /* a record */
    PCS_EOF,                    /* the file ends where a record would start */
    PCS_ODD,                    /* rec->off: a record the scanner does not decide */
    PCS_IOERR                   /* a read failed (s->err) */
} pcs_ret;

/* Is this the start of a plain pcap file (magic, version 2.4)?  `hdr` holds
 * at least `len` bytes; fills swapped / nsec / linktype when TRUE. */
gboolean pcs_header_ok(const guint8 *hdr, gsize len, gboolean *swapped, gboolean *nsec, guint32 *linktype);

/* Start scanning `fd` (not taken over) with a buffer of `bufsize` bytes
 * (at least PCS_REC_HDR_LEN + PCS_MAX_CAPLEN).  FALSE: not a plain pcap
 * file, or its header could not be read (s->err). */
gboolean pcs_open(pcs_reader *s, int fd, gsize bufsize);
pcs_ret pcs_next(pcs_reader *s, pcs_rec *rec);
/* Go on at file offset `off` (after the caller had wiretap read a record). */
void pcs_seek(pcs_reader *s, gint64 off);
void pcs_close(pcs_reader *s);

#endif
