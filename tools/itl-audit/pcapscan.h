/* pcapscan.h - a record scanner for classic pcap and pcapng files, for the
 * pre-filter
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
 *
 * pcapng (dumpcap's, Wireshark's and editcap's format): the scanner reads
 * the Section Header Block and the Interface Description Blocks that follow
 * it (what wiretap has read when it opens the file), then walks Enhanced
 * Packet Blocks.  An EPB it decides is one without options, of a known
 * interface the caller marked as scannable, whose lengths agree (block
 * length, captured length and padding, the trailing length); any other EPB
 * is PCS_ODD, for wiretap to read.  An Interface Statistics Block (dumpcap
 * writes one per interface when a file is closed) is passed over when it
 * holds only the standard statistics options, each of its exact length,
 * and comments in UTF-8.
 * Any other block (another IDB or SHB, name resolution, decryption secrets,
 * simple or obsolete packet blocks, custom blocks, ...) is PCS_OTHER:
 * wiretap must read the file on from there, in order.
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
/* pcapng: block header and trailer, and an EPB's fixed part */
#define PCS_NG_BLOCK_MIN 12u
#define PCS_NG_EPB_MIN 32u
/* Leading IDBs beyond this many: not scanned. */
#define PCS_NG_MAX_IFACES 64u
/* Default read size; at least one largest record must fit. */
#define PCS_BUF_DEFAULT (1u << 20)

typedef struct pcs_iface {
    guint16 linktype;           /* from the IDB */
    gboolean ok;                /* set by the caller: records of this interface may be decided */
    guint64 units;              /* set by the caller: time stamp units per second, a power of 10 <= 1e9 */
    int encap;                  /* set by the caller, handed back in pcs_rec */
} pcs_iface;

typedef struct pcs_reader {
    int fd;
    guint8 *buf;
    gsize cap;                  /* size of buf */
    gsize len;                  /* bytes in buf */
    gsize pos;                  /* next record header, in buf */
    gint64 buf_off;             /* file offset of buf[0] */
    gboolean swapped;           /* written in the other byte order */
    gboolean nsec;              /* nanosecond time stamps */
    guint32 linktype;           /* pcap: the header's link-layer type field */
    gboolean ng;                /* a pcapng file */
    guint n_ifaces;             /* pcapng: the IDBs after the SHB */
    pcs_iface ifaces[PCS_NG_MAX_IFACES]; /* pcap: [0].encap set by the caller */
    guint32 other_type;         /* pcapng, with PCS_OTHER: the block type */
    guint64 isbs;               /* pcapng: statistics blocks passed over */
    int err;                    /* errno of a failed read, with PCS_IOERR */
} pcs_reader;

typedef struct pcs_rec {
    gint64 off;                 /* file offset of the record header (pcapng: block) */
    gint64 next_off;            /* pcapng, with PCS_ODD: where the next block starts if
                                 * wiretap reads this one (-1: its header is cut short) */
    gint64 ts_sec;
    guint32 ts_frac;            /* microseconds, or nanoseconds if nsec (pcapng: always) */
    guint32 iface;              /* pcapng: interface id */
    int encap;                  /* the interface's, as the caller set it (pcap: ifaces[0]) */
    guint32 incl_len;
    guint32 orig_len;
    const guint8 *data;         /* incl_len bytes, valid until the next call */
} pcs_rec;

typedef enum {
    PCS_OK,                     /* a record */
    PCS_EOF,                    /* the file ends where a record would start */
    PCS_ODD,                    /* rec->off: a record the scanner does not decide */
    PCS_IOERR,                  /* a read failed (s->err) */
    PCS_OTHER                   /* pcapng: rec->off starts a block only wiretap's
                                 * sequential reading may take (s->other_type) */
} pcs_ret;

/* Is this the start of a plain pcap file (magic, version 2.4)?  `hdr` holds
 * at least `len` bytes; fills swapped / nsec / linktype when TRUE. */
gboolean pcs_header_ok(const guint8 *hdr, gsize len, gboolean *swapped, gboolean *nsec, guint32 *linktype);

/* Start scanning `fd` (not taken over) with a buffer of `bufsize` bytes
 * (at least PCS_REC_HDR_LEN + PCS_MAX_CAPLEN).  FALSE: not a plain pcap
 * file, or its header could not be read (s->err). */
gboolean pcs_open(pcs_reader *s, int fd, gsize bufsize);
/* Does `hdr` start as a pcapng Section Header Block does (block type and
 * byte-order magic)?  Fills swapped when TRUE. */
gboolean pcs_ng_header_ok(const guint8 *hdr, gsize len, gboolean *swapped);
/* The same for a pcapng file: reads the SHB and the IDBs that follow it
 * (s->n_ifaces, s->ifaces[].linktype; the caller then fills in ok, units and
 * encap).  FALSE: not pcapng, an SHB or IDB the scanner does not take as it
 * is, more than PCS_NG_MAX_IFACES IDBs, or a read error (s->err). */
gboolean pcs_open_ng(pcs_reader *s, int fd, gsize bufsize);
/* pcs_open_ng(), for a file wiretap opened and found `ifaces` IDBs in: as
 * long as fewer IDBs were read, Decryption Secrets Blocks between them are
 * passed over too.  Wireshark 4.4 reads on past the DSBs that come before
 * the first IDB when it opens a file (editcap --inject-secrets writes them
 * there) and hands their secrets over then; 4.0 stops at them. */
gboolean pcs_open_ng_ifaces(pcs_reader *s, int fd, gsize bufsize, guint ifaces);
pcs_ret pcs_next(pcs_reader *s, pcs_rec *rec);
/* Go on at file offset `off` (after the caller had wiretap read a record;
 * pcapng: rec->next_off). */
void pcs_seek(pcs_reader *s, gint64 off);
void pcs_close(pcs_reader *s);

#endif
