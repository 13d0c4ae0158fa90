/* unit_pcapscan.c - unit tests of itl-audit's classic pcap record scanner
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The files are written byte by byte here from the pcap layout (tcpdump's
 * pcap-savefile(5) and the IETF draft draft-ietf-opsawg-pcap: a 24-byte file
 * header, magic 0xa1b2c3d4 for microsecond and 0xa1b23c4d for nanosecond
 * time stamps, written in the writer's byte order; 16-byte record headers
 * ts_sec, ts_usec/ts_nsec, incl_len, orig_len).  Every expected offset is
 * the sum of the header and record sizes written.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "pcapscan.h"
#include "unit-check.h"


typedef struct {
    GByteArray *b;
    gboolean be;
} out_t;

static void
put32(out_t *o, guint32 v)
{
    guint8 x[4];

    if (o->be) {
        x[0] = (guint8)(v >> 24); x[1] = (guint8)(v >> 16); x[2] = (guint8)(v >> 8); x[3] = (guint8)v;
    } else {
        x[3] = (guint8)(v >> 24); x[2] = (guint8)(v >> 16); x[1] = (guint8)(v >> 8); x[0] = (guint8)v;
    }
    g_byte_array_append(o->b, x, 4);
}

static void
put16(out_t *o, guint16 v)
{
    guint8 x[2];

    if (o->be) {
        x[0] = (guint8)(v >> 8); x[1] = (guint8)v;
    } else {
        x[1] = (guint8)(v >> 8); x[0] = (guint8)v;
    }
    g_byte_array_append(o->b, x, 2);
}

static void
file_header(out_t *o, guint32 magic, guint16 major, guint16 minor, guint32 linktype)
{
    put32(o, magic);
    put16(o, major);
    put16(o, minor);
    put32(o, 0);                /* thiszone */
    put32(o, 0);                /* sigfigs */
    put32(o, 65535);            /* snaplen */
    put32(o, linktype);
}

/* A record whose data bytes are (seed + i) & 0xff; `have` of `incl` written. */
static void
record(out_t *o, guint32 sec, guint32 frac, guint32 incl, guint32 orig, guint32 have, guint8 seed)
{
    guint32 i;

    put32(o, sec);
    put32(o, frac);
    put32(o, incl);
    put32(o, orig);
    for (i = 0; i < have; i++) {
        guint8 c = (guint8)(seed + i);
        g_byte_array_append(o->b, &c, 1);
    }
}

/* The bytes as an open file (unlinked). */
static int
as_file(const out_t *o)
{
    FILE *f = tmpfile();
    int fd;

    if (!f || fwrite(o->b->data, 1, o->b->len, f) != o->b->len || fflush(f) != 0) {
        perror("unit_pcapscan: tmpfile");
        exit(2);
    }
    fd = dup(fileno(f));
    fclose(f);
    return fd;
}

static gboolean
data_ok(const pcs_rec *r, guint8 seed)
{
    guint32 i;

    for (i = 0; i < r->incl_len; i++)
        if (r->data[i] != (guint8)(seed + i))
            return FALSE;
    return TRUE;
}

static void
test_header_checks(void)
{
    out_t o = { g_byte_array_new(), FALSE };
    gboolean sw = FALSE, ns = FALSE;
    guint32 lt = 0;
    static const guint8 shb[24] = { 0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a };

    file_header(&o, 0xa1b2c3d4u, 2, 4, 1);
    CHECK(pcs_header_ok(o.b->data, o.b->len, &sw, &ns, &lt) && !sw && !ns && lt == 1, "LE usec header");
    CHECK(!pcs_header_ok(o.b->data, 23, &sw, &ns, &lt), "23 bytes are not a header");
    g_byte_array_set_size(o.b, 0);
    file_header(&o, 0xa1b2c3d4u, 2, 3, 1);
    CHECK(!pcs_header_ok(o.b->data, o.b->len, &sw, &ns, &lt), "version 2.3 (lengths maybe swapped) left to wiretap");
    g_byte_array_set_size(o.b, 0);
    file_header(&o, 0xa1b2cd34u, 2, 4, 1);
    CHECK(!pcs_header_ok(o.b->data, o.b->len, &sw, &ns, &lt), "modified pcap magic left to wiretap");
    CHECK(!pcs_header_ok(shb, sizeof shb, &sw, &ns, &lt), "a pcapng Section Header Block is not pcap");
    o.be = TRUE;
    g_byte_array_set_size(o.b, 0);
    file_header(&o, 0xa1b23c4du, 2, 4, 113);
    CHECK(o.b->data[0] == 0xa1 && o.b->data[3] == 0x4d, "big-endian magic written as a1 b2 3c 4d");
    CHECK(pcs_header_ok(o.b->data, o.b->len, &sw, &ns, &lt) && sw && ns && lt == 113, "BE nsec header, SLL");
    g_byte_array_free(o.b, TRUE);
}

static void
test_records(gboolean be, gboolean nsec)
{
    out_t o = { g_byte_array_new(), be };
    pcs_reader s;
    pcs_rec r;
    int fd;

    file_header(&o, nsec ? 0xa1b23c4du : 0xa1b2c3d4u, 2, 4, 1);
    record(&o, 1700000000u, nsec ? 123456789u : 123456u, 60, 60, 60, 1);        /* at 24 */
    record(&o, 1700000001u, 1u, 0, 1514, 0, 0);                                 /* at 100 */
    record(&o, 1700000002u, 2u, PCS_MAX_CAPLEN, PCS_MAX_CAPLEN, PCS_MAX_CAPLEN, 7); /* at 116 */
    record(&o, 1700000003u, 3u, 100, 1000, 100, 9);                             /* at 262276 */
    fd = as_file(&o);
    /* The smallest buffer: the largest record forces a refill that moves the
     * rest of the buffer to its start. */
    CHECK(pcs_open(&s, fd, 0), "open (%s, %s)", be ? "BE" : "LE", nsec ? "nsec" : "usec");
    CHECK(s.swapped == be && s.nsec == nsec && s.linktype == 1, "byte order, resolution, link type");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 24 && r.ts_sec == 1700000000u &&
          r.ts_frac == (nsec ? 123456789u : 123456u) && r.incl_len == 60 && r.orig_len == 60 && data_ok(&r, 1),
          "record 1");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 100 && r.ts_sec == 1700000001u && r.ts_frac == 1 &&
          r.incl_len == 0 && r.orig_len == 1514, "record 2: nothing captured of 1514 bytes");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 116 && r.incl_len == PCS_MAX_CAPLEN && data_ok(&r, 7),
          "record 3: the largest record, read across a refill");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 262276 && r.incl_len == 100 && r.orig_len == 1000 &&
          r.ts_frac == 3 && data_ok(&r, 9), "record 4");
    CHECK(pcs_next(&s, &r) == PCS_EOF && r.off == 262392, "end of file after record 4 (at %lld)", (long long)r.off);
    CHECK(pcs_next(&s, &r) == PCS_EOF, "end of file again");
    /* Back to record 2, inside the buffer, then to record 1, outside it. */
    pcs_seek(&s, 100);
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 100 && r.orig_len == 1514, "seek back to record 2");
    pcs_seek(&s, 24);
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 24 && data_ok(&r, 1), "seek back to record 1");
    pcs_close(&s);
    close(fd);
    g_byte_array_free(o.b, TRUE);
}

/* From scratch: a LE usec file header and one 40-byte record at 24; the next
 * record starts at 80. */
static void
one_record(out_t *o)
{
    g_byte_array_set_size(o->b, 0);
    file_header(o, 0xa1b2c3d4u, 2, 4, 1);
    record(o, 10, 0, 40, 40, 40, 3);
}

static void
test_odd_records(void)
{
    out_t o = { g_byte_array_new(), FALSE };
    pcs_reader s;
    pcs_rec r;
    int fd;

    one_record(&o);
    record(&o, 11, 0, PCS_MAX_CAPLEN + 1, 300000, 300, 0);      /* at 80: too long for the scanner */
    /* the caller's wiretap read it, and it goes on at 80 + 16 + 262145 = 262241;
     * nothing is there, the file ends at 80 + 16 + 300 = 396 */
    fd = as_file(&o);
    CHECK(pcs_open(&s, fd, PCS_BUF_DEFAULT), "open");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 24, "record before the odd one");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 80, "captured length over the limit: odd, at 80");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 80, "still odd until the caller moves on");
    pcs_seek(&s, 262241);
    CHECK(pcs_next(&s, &r) == PCS_EOF && r.off == 262241, "past the end: end of file");
    pcs_close(&s);
    close(fd);

    /* Cut in the data of the second record, then cut in a record header. */
    one_record(&o);
    record(&o, 11, 0, 100, 100, 50, 0);                         /* at 80, 50 of 100 bytes */
    fd = as_file(&o);
    CHECK(pcs_open(&s, fd, PCS_BUF_DEFAULT) && pcs_next(&s, &r) == PCS_OK, "open, record 1");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 80, "data cut short: odd, at 80");
    pcs_close(&s);
    close(fd);

    one_record(&o);
    put32(&o, 12);                                              /* at 80: 7 bytes of a header */
    put16(&o, 0);
    g_byte_array_append(o.b, (const guint8 *)"x", 1);
    fd = as_file(&o);
    CHECK(pcs_open(&s, fd, PCS_BUF_DEFAULT) && pcs_next(&s, &r) == PCS_OK, "open, record 1");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 80, "record header cut short: odd, at 80");
    /* A read error: the descriptor closed under the scanner. */
    pcs_seek(&s, 1u << 22);
    close(fd);
    CHECK(pcs_next(&s, &r) == PCS_IOERR && s.err == EBADF, "read error reported with its errno (%d)", s.err);
    pcs_close(&s);

    /* Not pcap at all, and an empty file. */
    g_byte_array_set_size(o.b, 0);
    g_byte_array_append(o.b, (const guint8 *)"# not a capture, just text in a file\n", 37);
    fd = as_file(&o);
    CHECK(!pcs_open(&s, fd, PCS_BUF_DEFAULT) && s.buf == NULL, "text is not pcap");
    close(fd);
    g_byte_array_set_size(o.b, 0);
    fd = as_file(&o);
    CHECK(!pcs_open(&s, fd, PCS_BUF_DEFAULT), "an empty file is not pcap");
    close(fd);
    g_byte_array_free(o.b, TRUE);
}

int
main(void)
{
    test_header_checks();
    test_records(FALSE, FALSE);
    test_records(TRUE, FALSE);
    test_records(FALSE, TRUE);
    test_records(TRUE, TRUE);
    test_odd_records();
    printf("unit_pcapscan: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
