/* pcapscan.c - a record scanner for classic pcap and pcapng files (see
 * pcapscan.h)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE 1
#include "pcapscan.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static guint32
rd32(const guint8 *p, gboolean swapped)
{
    guint32 v;

    memcpy(&v, p, 4);
    return swapped ? GUINT32_SWAP_LE_BE(v) : v;
}

static guint16
rd16(const guint8 *p, gboolean swapped)
{
    guint16 v;

    memcpy(&v, p, 2);
    return swapped ? GUINT16_SWAP_LE_BE(v) : v;
}

gboolean
pcs_header_ok(const guint8 *hdr, gsize len, gboolean *swapped, gboolean *nsec, guint32 *linktype)
{
    guint32 magic;
    gboolean sw, ns;

    if (len < PCS_FILE_HDR_LEN)
        return FALSE;
    memcpy(&magic, hdr, 4);
    switch (magic) {
    case 0xa1b2c3d4u: sw = FALSE; ns = FALSE; break;
    case 0xd4c3b2a1u: sw = TRUE; ns = FALSE; break;
    case 0xa1b23c4du: sw = FALSE; ns = TRUE; break;
    case 0x4d3cb2a1u: sw = TRUE; ns = TRUE; break;
    default: return FALSE;
    }
    /* Older versions swap the two lengths (2.3: sometimes); other majors
     * are not this format. */
    if (rd16(hdr + 4, sw) != 2 || rd16(hdr + 6, sw) != 4)
        return FALSE;
    *swapped = sw;
    *nsec = ns;
    *linktype = rd32(hdr + 20, sw);
    return TRUE;
}

/* Make `need` bytes from s->pos available; FALSE at end of file (or an
 * error: s->err) with fewer. */
static gboolean
fill(pcs_reader *s, gsize need)
{
    if (s->len - s->pos >= need)
        return TRUE;
    if (s->pos) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->buf_off += (gint64)s->pos;
        s->len -= s->pos;
        s->pos = 0;
    }
    while (s->len < need) {
        ssize_t r = pread(s->fd, s->buf + s->len, s->cap - s->len, (off_t)(s->buf_off + (gint64)s->len));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            s->err = errno;
            return FALSE;
        }
        if (r == 0)
            return FALSE;
        s->len += (gsize)r;
    }
    return TRUE;
}

/* Large enough for the largest record or block the scanner decides. */
#define PCS_BUF_MIN (PCS_NG_EPB_MIN + PCS_MAX_CAPLEN)
/* The largest statistics block passed over. */
#define PCS_NG_ISB_MAX 65536u

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_ISB 5u
#define BT_EPB 6u
#define BT_DSB 10u

static void
reader_init(pcs_reader *s, int fd, gsize bufsize)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    if (bufsize < PCS_BUF_MIN)
        bufsize = PCS_BUF_MIN;
    s->cap = bufsize;
    s->buf = g_malloc(bufsize);
}

gboolean
pcs_open(pcs_reader *s, int fd, gsize bufsize)
{
    reader_init(s, fd, bufsize);
    if (!fill(s, PCS_FILE_HDR_LEN) ||
        !pcs_header_ok(s->buf, s->len, &s->swapped, &s->nsec, &s->linktype)) {
        g_free(s->buf);
        s->buf = NULL;
        return FALSE;
    }
    s->pos = PCS_FILE_HDR_LEN;
    return TRUE;
}

gboolean
pcs_ng_header_ok(const guint8 *hdr, gsize len, gboolean *swapped)
{
    guint32 type, magic;

    if (len < 12)
        return FALSE;
    memcpy(&type, hdr, 4);
    memcpy(&magic, hdr + 8, 4);
    if (type != BT_SHB)         /* the same in either byte order */
        return FALSE;
    if (magic == 0x1a2b3c4du)
        *swapped = FALSE;
    else if (magic == 0x4d3c2b1au)
        *swapped = TRUE;
    else
        return FALSE;
    return TRUE;
}

/* A whole block at s->pos whose type is `type` (0: any), of `min` bytes at
 * least, at most `max`, a multiple of 4, with a trailing length equal to
 * the leading one: its length, or 0. */
static guint32
whole_block(pcs_reader *s, guint32 type, guint32 min, guint32 max)
{
    const guint8 *h;
    guint32 tl;

    if (!fill(s, 8))
        return 0;
    h = s->buf + s->pos;
    tl = rd32(h + 4, s->swapped);
    if ((type && rd32(h, s->swapped) != type) || tl < min || tl > max || tl % 4 || tl > s->cap || !fill(s, tl))
        return 0;
    h = s->buf + s->pos;
    return rd32(h + tl - 4, s->swapped) == tl ? tl : 0;
}

gboolean
pcs_open_ng(pcs_reader *s, int fd, gsize bufsize)
{
    return pcs_open_ng_ifaces(s, fd, bufsize, 0);
}

gboolean
pcs_open_ng_ifaces(pcs_reader *s, int fd, gsize bufsize, guint ifaces)
{
    guint32 tl;

    reader_init(s, fd, bufsize);
    s->ng = TRUE;
    s->nsec = TRUE;
    if (!fill(s, 28) || !pcs_ng_header_ok(s->buf, s->len, &s->swapped) ||
        !(tl = whole_block(s, BT_SHB, 28, G_MAXUINT32)))
        goto fail;
    s->pos += tl;
    /* The IDBs wiretap reads when it opens the file: those up to the first
     * block of another type. */
    for (;;) {
        if (!fill(s, 8))
            break;              /* the end, or a cut header: pcs_next() says which */
        if (rd32(s->buf + s->pos, s->swapped) == BT_DSB && s->n_ifaces < ifaces) {
            if (!(tl = whole_block(s, BT_DSB, 20, G_MAXUINT32)))
                goto fail;
            s->pos += tl;
            continue;
        }
        if (rd32(s->buf + s->pos, s->swapped) != BT_IDB)
            break;
        if (!(tl = whole_block(s, BT_IDB, 20, G_MAXUINT32)) || s->n_ifaces == PCS_NG_MAX_IFACES)
            goto fail;
        s->ifaces[s->n_ifaces++].linktype = rd16(s->buf + s->pos + 8, s->swapped);
        s->pos += tl;
    }
    if (s->err)
        goto fail;
    return TRUE;
fail:
    g_free(s->buf);
    s->buf = NULL;
    return FALSE;
}

/* An ISB that only holds the standard statistics options (isb_starttime
 * to isb_usrdeliv, 8 bytes each) and comments in UTF-8 (dumpcap writes
 * "Counters provided by dumpcap"), then opt_endofopt, or no options, of an
 * interface the file describes: what wiretap reads without complaint and
 * keeps only as interface statistics.  Its length, or 0. */
static guint32
plain_isb(pcs_reader *s)
{
    guint32 tl = whole_block(s, BT_ISB, 24, PCS_NG_ISB_MAX), at;
    const guint8 *h = s->buf + s->pos;

    if (!tl || rd32(h + 8, s->swapped) >= s->n_ifaces)
        return 0;
    for (at = 20; at < tl - 4;) {
        /* at and tl are multiples of 4: there are 4 bytes at least for the
         * option header, and `left` after it */
        guint32 left = tl - 4 - at - 4, len;
        guint16 code = rd16(h + at, s->swapped), olen = rd16(h + at + 2, s->swapped);

        if (code == 0)
            return olen == 0 && left == 0 ? tl : 0;
        if (((olen + 3u) & ~3u) > left)
            return 0;
        if (code == 1) {
            /* opt_comment: trailing NULs allowed, nothing else that is not UTF-8 */
            for (len = olen; len && h[at + 4 + len - 1] == 0; len--)
                ;
            if (!g_utf8_validate_len((const gchar *)h + at + 4, len, NULL))
                return 0;
        } else if (code < 2 || code > 8 || olen != 8) {
            return 0;
        }
        at += 4u + ((olen + 3u) & ~3u);
    }
    return at == tl - 4 ? tl : 0;
}

static pcs_ret
next_ng(pcs_reader *s, pcs_rec *rec)
{
    const guint8 *h;
    guint32 type, tl, caplen, iface;
    guint64 ts, units;

again:
    rec->off = s->buf_off + (gint64)s->pos;
    rec->next_off = -1;
    if (!fill(s, 8)) {
        if (s->err)
            return PCS_IOERR;
        return s->len == s->pos ? PCS_EOF : PCS_ODD;
    }
    h = s->buf + s->pos;
    type = rd32(h, s->swapped);
    tl = rd32(h + 4, s->swapped);
    if (type == BT_ISB) {
        guint32 isb = plain_isb(s);
        if (s->err)
            return PCS_IOERR;
        if (isb) {
            s->pos += isb;
            s->isbs++;
            goto again;
        }
    }
    if (type != BT_EPB) {
        s->other_type = type;
        return PCS_OTHER;
    }
    rec->next_off = rec->off + tl;
    if (tl < PCS_NG_EPB_MIN || tl % 4 || tl > PCS_NG_EPB_MIN + PCS_MAX_CAPLEN)
        return PCS_ODD;
    if (!fill(s, tl))
        return s->err ? PCS_IOERR : PCS_ODD;
    h = s->buf + s->pos;        /* fill() may have moved it */
    rec->off = s->buf_off + (gint64)s->pos;
    rec->next_off = rec->off + tl;
    iface = rd32(h + 8, s->swapped);
    caplen = rd32(h + 20, s->swapped);
    /* No options: the block is the fixed part and the padded data. */
    if (caplen > PCS_MAX_CAPLEN || tl != PCS_NG_EPB_MIN + ((caplen + 3u) & ~3u) ||
        rd32(h + tl - 4, s->swapped) != tl || iface >= s->n_ifaces || !s->ifaces[iface].ok)
        return PCS_ODD;
    units = s->ifaces[iface].units;
    if (units == 0 || units > 1000000000u)
        return PCS_ODD;         /* a caller's mistake; wiretap converts those */
    ts = (guint64)rd32(h + 12, s->swapped) << 32 | rd32(h + 16, s->swapped);
    /* As wiretap converts it (for a power of 10 up to 1e9 every way of
     * writing it gives the same). */
    rec->ts_sec = (gint64)(ts / units);
    rec->ts_frac = (guint32)((ts % units) * (1000000000u / units));
    rec->iface = iface;
    rec->encap = s->ifaces[iface].encap;
    rec->incl_len = caplen;
    rec->orig_len = rd32(h + 24, s->swapped);
    rec->data = h + 28;
    s->pos += tl;
    return PCS_OK;
}

pcs_ret
pcs_next(pcs_reader *s, pcs_rec *rec)
{
    const guint8 *h;
    guint32 incl;

    if (s->ng)
        return next_ng(s, rec);

    rec->off = s->buf_off + (gint64)s->pos;
    if (!fill(s, PCS_REC_HDR_LEN)) {
        if (s->err)
            return PCS_IOERR;
        return s->len == s->pos ? PCS_EOF : PCS_ODD;
    }
    h = s->buf + s->pos;
    incl = rd32(h + 8, s->swapped);
    if (incl > PCS_MAX_CAPLEN)
        return PCS_ODD;
    if (!fill(s, PCS_REC_HDR_LEN + incl))
        return s->err ? PCS_IOERR : PCS_ODD;
    h = s->buf + s->pos;        /* fill() may have moved it */
    rec->off = s->buf_off + (gint64)s->pos;
    rec->ts_sec = rd32(h, s->swapped);
    rec->ts_frac = rd32(h + 4, s->swapped);
    rec->incl_len = incl;
    rec->orig_len = rd32(h + 12, s->swapped);
    rec->iface = 0;
    rec->encap = s->ifaces[0].encap;
    rec->data = h + PCS_REC_HDR_LEN;
    s->pos += PCS_REC_HDR_LEN + incl;
    return PCS_OK;
}

void
pcs_seek(pcs_reader *s, gint64 off)
{
    if (off >= s->buf_off && off <= s->buf_off + (gint64)s->len) {
        s->pos = (gsize)(off - s->buf_off);
    } else {
        s->buf_off = off;
        s->len = s->pos = 0;
    }
}

void
pcs_close(pcs_reader *s)
{
    g_free(s->buf);
    s->buf = NULL;
}
