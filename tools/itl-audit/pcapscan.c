/* pcapscan.c - a record scanner for classic pcap files (see pcapscan.h)
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

gboolean
pcs_open(pcs_reader *s, int fd, gsize bufsize)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    if (bufsize < PCS_REC_HDR_LEN + PCS_MAX_CAPLEN)
        bufsize = PCS_REC_HDR_LEN + PCS_MAX_CAPLEN;
    s->cap = bufsize;
    s->buf = g_malloc(bufsize);
    if (!fill(s, PCS_FILE_HDR_LEN) ||
        !pcs_header_ok(s->buf, s->len, &s->swapped, &s->nsec, &s->linktype)) {
        g_free(s->buf);
        s->buf = NULL;
        return FALSE;
    }
    s->pos = PCS_FILE_HDR_LEN;
    return TRUE;
}

pcs_ret
pcs_next(pcs_reader *s, pcs_rec *rec)
{
    const guint8 *h;
    guint32 incl;

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
