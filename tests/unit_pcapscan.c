/* unit_pcapscan.c - unit tests of itl-audit's pcap and pcapng record scanner
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The files are written byte by byte here from the pcap layout (tcpdump's
 * pcap-savefile(5) and the IETF draft draft-ietf-opsawg-pcap: a 24-byte file
 * header, magic 0xa1b2c3d4 for microsecond and 0xa1b23c4d for nanosecond
 * time stamps, written in the writer's byte order; 16-byte record headers
 * ts_sec, ts_usec/ts_nsec, incl_len, orig_len).  Every expected offset is
 * the sum of the header and record sizes written.
 *
 * pcapng files from the pcapng draft (draft-ietf-opsawg-pcapng): blocks of
 * type (4), total length (4), body padded to 4, total length again, in the
 * section's byte order; SHB type 0x0a0d0d0a with magic 0x1a2b3c4d, version,
 * section length; IDB (1) link type (2), reserved (2), snap length (4),
 * options; EPB (6) interface id, time stamp high and low, captured and
 * original length, data, options; ISB (5) interface id, time stamp high and
 * low, options; NRB (4) records.  Options: code (2), length (2), value padded
 * to 4; code 0 ends them.
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

/* pcapng: a block of `type` around the `len` bytes of `body`, padded to 4,
 * with the trailing length off by `trailer_delta`. */
static void
ng_block(out_t *o, guint32 type, const GByteArray *body, gint32 trailer_delta)
{
    static const guint8 zero[3];
    guint32 tl = 12u + ((body->len + 3u) & ~3u);

    put32(o, type);
    put32(o, tl);
    g_byte_array_append(o->b, body->data, body->len);
    g_byte_array_append(o->b, zero, tl - 12u - body->len);
    put32(o, (guint32)((gint64)tl + trailer_delta));
}

static void
ng_shb(out_t *o)
{
    out_t b = { g_byte_array_new(), o->be };

    put32(&b, 0x1a2b3c4du);
    put16(&b, 1);
    put16(&b, 0);
    put32(&b, 0xffffffffu);     /* section length -1: not given */
    put32(&b, 0xffffffffu);
    ng_block(o, 0x0a0d0d0au, b.b, 0);           /* 28 bytes */
    g_byte_array_free(b.b, TRUE);
}

/* An IDB; with `tsresol` (not 0) an if_tsresol option and opt_endofopt. */
static void
ng_idb(out_t *o, guint16 linktype, guint8 tsresol)
{
    out_t b = { g_byte_array_new(), o->be };
    static const guint8 pad[3];

    put16(&b, linktype);
    put16(&b, 0);
    put32(&b, 65535);
    if (tsresol) {
        put16(&b, 9);
        put16(&b, 1);
        g_byte_array_append(b.b, &tsresol, 1);
        g_byte_array_append(b.b, pad, 3);
        put32(&b, 0);
    }
    ng_block(o, 1, b.b, 0);                      /* 20 bytes, or 32 with the option */
    g_byte_array_free(b.b, TRUE);
}

/* An EPB whose data bytes are (seed + i) & 0xff; `opts` (not NULL) after them. */
static void
ng_epb(out_t *o, guint32 iface, guint64 ts, guint32 caplen, guint32 orig, guint8 seed, const GByteArray *opts,
       gint32 trailer_delta)
{
    out_t b = { g_byte_array_new(), o->be };
    static const guint8 pad[3];
    guint32 i;

    put32(&b, iface);
    put32(&b, (guint32)(ts >> 32));
    put32(&b, (guint32)ts);
    put32(&b, caplen);
    put32(&b, orig);
    for (i = 0; i < caplen; i++) {
        guint8 c = (guint8)(seed + i);
        g_byte_array_append(b.b, &c, 1);
    }
    g_byte_array_append(b.b, pad, (4u - caplen % 4u) % 4u);
    if (opts)
        g_byte_array_append(b.b, opts->data, opts->len);
    ng_block(o, 6, b.b, trailer_delta);
    g_byte_array_free(b.b, TRUE);
}

/* An ISB of interface `iface` with the options `opts` (NULL: none). */
static void
ng_isb_opts(out_t *o, guint32 iface, const GByteArray *opts)
{
    out_t b = { g_byte_array_new(), o->be };

    put32(&b, iface);
    put32(&b, 395812);
    put32(&b, 1000);
    if (opts)
        g_byte_array_append(b.b, opts->data, opts->len);
    ng_block(o, 5, b.b, 0);
    g_byte_array_free(b.b, TRUE);
}

/* An ISB of interface 0: isb_starttime, isb_endtime, isb_ifrecv, with an
 * opt_comment "stopped." as well if `comment`, then opt_endofopt. */
static void
ng_isb(out_t *o, gboolean comment)
{
    out_t b = { g_byte_array_new(), o->be };
    guint16 code;

    for (code = 2; code <= 4; code++) {
        put16(&b, code);
        put16(&b, 8);
        put32(&b, code == 4 ? 0 : 395812);
        put32(&b, 7777);
    }
    if (comment) {
        put16(&b, 1);
        put16(&b, 8);
        g_byte_array_append(b.b, (const guint8 *)"stopped.", 8);
    }
    put32(&b, 0);
    ng_isb_opts(o, 0, b.b);                      /* 64 bytes, 76 with the comment */
    g_byte_array_free(b.b, TRUE);
}

static void
test_pcapng(gboolean be)
{
    out_t o = { g_byte_array_new(), be };
    out_t opt = { g_byte_array_new(), be }, nrb = { g_byte_array_new(), be };
    gboolean sw = !be;
    pcs_reader s;
    pcs_rec r;
    int fd;

    ng_shb(&o);                                  /* 0-27 */
    CHECK(pcs_ng_header_ok(o.b->data, o.b->len, &sw) && sw == be, "SHB start (%s)", be ? "BE" : "LE");
    CHECK(o.b->data[8] == (be ? 0x1a : 0x4d), "byte-order magic as written");
    ng_idb(&o, 1, 0);                            /* 28-47: Ethernet, microseconds */
    ng_idb(&o, 113, 9);                          /* 48-79: Linux cooked, nanoseconds */
    /* 80: 1700000000.123456 s in microseconds; 92 bytes */
    ng_epb(&o, 0, G_GUINT64_CONSTANT(1700000000123456), 60, 60, 1, NULL, 0);
    /* 172: 1700000001.987654321 s in nanoseconds, 5 of 1000 bytes; 40 bytes */
    ng_epb(&o, 1, G_GUINT64_CONSTANT(1700000001987654321), 5, 1000, 2, NULL, 0);
    ng_isb(&o, FALSE);                           /* 212-275: passed over */
    put16(&opt, 2);                              /* epb_flags, 4 bytes; opt_endofopt */
    put16(&opt, 4);
    put32(&opt, 1);
    put32(&opt, 0);
    ng_epb(&o, 0, 5, 4, 4, 3, opt.b, 0);         /* 276-323: options */
    ng_epb(&o, 2, 6, 0, 60, 0, NULL, 0);         /* 324-355: interface 2 of 2 */
    ng_epb(&o, 0, 7, 4, 4, 4, NULL, 4);          /* 356-391: trailing length 40, not 36 */
    put32(&nrb, 0);                              /* nrb_record_end */
    ng_block(&o, 4, nrb.b, 0);                   /* 392-407: NRB */
    ng_isb(&o, TRUE);                            /* 408-483: ISB with a comment */
    ng_epb(&o, 1, 8, 3, 3, 5, NULL, 0);          /* 484-519 */
    put32(&o, 6);                                /* 520: 7 bytes of a block header */
    put16(&o, 36);
    g_byte_array_append(o.b, (const guint8 *)"x", 1);
    fd = as_file(&o);
    CHECK(pcs_open_ng(&s, fd, 0), "open the pcapng file");
    CHECK(s.ng && s.swapped == be && s.n_ifaces == 2 && s.ifaces[0].linktype == 1 && s.ifaces[1].linktype == 113,
          "two interfaces: Ethernet, Linux cooked (%u)", s.n_ifaces);
    s.ifaces[0].ok = s.ifaces[1].ok = TRUE;
    s.ifaces[0].units = 1000000;
    s.ifaces[1].units = 1000000000;
    s.ifaces[0].encap = 11;
    s.ifaces[1].encap = 22;
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 80 && r.iface == 0 && r.encap == 11 && r.ts_sec == 1700000000 &&
          r.ts_frac == 123456000u && r.incl_len == 60 && r.orig_len == 60 && data_ok(&r, 1), "EPB 1 (usec)");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 172 && r.iface == 1 && r.encap == 22 && r.ts_sec == 1700000001 &&
          r.ts_frac == 987654321u && r.incl_len == 5 && r.orig_len == 1000 && data_ok(&r, 2), "EPB 2 (nsec)");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 276 && r.next_off == 324 && s.isbs == 1,
          "the ISB passed over; an EPB with options: odd, next block at 324 (%lld)", (long long)r.next_off);
    pcs_seek(&s, r.next_off);
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 324 && r.next_off == 356, "interface 2 of 2: odd");
    pcs_seek(&s, r.next_off);
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 356 && r.next_off == 392, "trailing length differs: odd");
    pcs_seek(&s, r.next_off);
    CHECK(pcs_next(&s, &r) == PCS_OTHER && r.off == 392 && s.other_type == 4, "an NRB: for wiretap, in order");
    pcs_seek(&s, 408);
    s.ifaces[1].ok = FALSE;
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 484 && r.next_off == 520 && s.isbs == 2,
          "an ISB with a comment passed over too; an interface not marked: odd");
    s.ifaces[1].ok = TRUE;
    pcs_seek(&s, 484);
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 484 && r.ts_sec == 0 && r.ts_frac == 8 && data_ok(&r, 5),
          "the same, marked: decided");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 520 && r.next_off == -1, "a block header cut short: odd");
    pcs_close(&s);
    close(fd);
    g_byte_array_free(opt.b, TRUE);
    g_byte_array_free(nrb.b, TRUE);
    g_byte_array_free(o.b, TRUE);
}

/* ISBs the scanner leaves to wiretap, each after an SHB and an IDB (at 48),
 * and one it passes over. */
static void
test_pcapng_isbs(void)
{
    static const struct {
        guint16 code, len;
        const char *value;          /* `have` bytes of it written, then padding to 4 */
        guint have;
        gboolean passed;
        const char *what;
    } cases[] = {
        { 0, 0, NULL, 0, TRUE, "no options at all" },
        { 1, 28, "Counters provided by dumpcap", 28, TRUE, "dumpcap's comment" },
        { 1, 4, "ok\0\0", 4, TRUE, "a comment with trailing NULs" },
        { 1, 3, "a\377b", 3, FALSE, "a comment that is not UTF-8" },
        { 1, 3, "a\0b", 3, FALSE, "a comment with a NUL inside" },
        { 4, 4, "\1\0\0\0", 4, FALSE, "isb_ifrecv of 4 bytes" },
        { 9, 8, "12345678", 8, FALSE, "an option code past isb_usrdeliv" },
        { 2988, 8, "\0\0\0\0abcd", 8, FALSE, "a custom option" },
        { 1, 200, "abcd", 4, FALSE, "an option longer than the block" },
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        out_t o = { g_byte_array_new(), FALSE }, b = { g_byte_array_new(), FALSE };
        static const guint8 zero[4];
        pcs_reader s;
        pcs_rec r;
        int fd;

        ng_shb(&o);
        ng_idb(&o, 1, 0);
        if (cases[i].value) {
            put16(&b, cases[i].code);
            put16(&b, cases[i].len);
            g_byte_array_append(b.b, (const guint8 *)cases[i].value, cases[i].have);
            g_byte_array_append(b.b, zero, (4u - cases[i].have % 4u) % 4u);
            put32(&b, 0);
        }
        ng_isb_opts(&o, 0, cases[i].value ? b.b : NULL);
        fd = as_file(&o);
        CHECK(pcs_open_ng(&s, fd, 0), "open (%s)", cases[i].what);
        s.ifaces[0].ok = TRUE;
        s.ifaces[0].units = 1000000;
        if (cases[i].passed)
            CHECK(pcs_next(&s, &r) == PCS_EOF && s.isbs == 1 && r.off == (gint64)o.b->len, "ISB passed over: %s",
                  cases[i].what);
        else
            CHECK(pcs_next(&s, &r) == PCS_OTHER && r.off == 48 && s.other_type == 5 && s.isbs == 0,
                  "ISB left to wiretap: %s", cases[i].what);
        pcs_close(&s);
        close(fd);
        g_byte_array_free(b.b, TRUE);
        g_byte_array_free(o.b, TRUE);
    }
}

/* The bytes are not taken as a pcapng file. */
static void
ng_refused(const out_t *o, const char *what)
{
    pcs_reader s;
    int fd = as_file(o);

    CHECK(!pcs_open_ng(&s, fd, 0) && s.buf == NULL, "%s", what);
    close(fd);
}

static void
test_pcapng_sizes(void)
{
    out_t o = { g_byte_array_new(), FALSE }, b = { g_byte_array_new(), FALSE };
    pcs_reader s;
    pcs_rec r;
    gboolean sw;
    int fd, i;

    /* The largest EPB the scanner takes (32 + 262144 bytes), after a small
     * one: with the smallest buffer it is read across a refill. */
    ng_shb(&o);
    ng_idb(&o, 1, 0);                            /* 28-47 */
    ng_epb(&o, 0, 1, 10, 10, 0, NULL, 0);        /* 48-91 */
    ng_epb(&o, 0, 2, PCS_MAX_CAPLEN, PCS_MAX_CAPLEN, 7, NULL, 0); /* 92-262267 */
    ng_epb(&o, 0, 3, PCS_MAX_CAPLEN + 1, PCS_MAX_CAPLEN + 1, 0, NULL, 0); /* 262268: too long */
    fd = as_file(&o);
    CHECK(pcs_open_ng(&s, fd, 0) && s.n_ifaces == 1, "open");
    s.ifaces[0].ok = TRUE;
    s.ifaces[0].units = 0;
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 48 && r.next_off == 92, "units of 0 per second: odd, not decided");
    pcs_seek(&s, 48);
    s.ifaces[0].units = 1;
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 48 && r.ts_sec == 1 && r.ts_frac == 0, "small EPB, units of 1 s");
    CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 92 && r.incl_len == PCS_MAX_CAPLEN && data_ok(&r, 7),
          "the largest EPB");
    CHECK(pcs_next(&s, &r) == PCS_ODD && r.off == 262268 && r.next_off == 262268 + 32 + 262148,
          "one byte more: odd");
    pcs_seek(&s, r.next_off);
    CHECK(pcs_next(&s, &r) == PCS_EOF, "end of file");
    pcs_close(&s);
    close(fd);

    /* Only the SHB and an IDB: end of file at 48. */
    g_byte_array_set_size(o.b, 48);
    fd = as_file(&o);
    CHECK(pcs_open_ng(&s, fd, PCS_BUF_DEFAULT) && pcs_next(&s, &r) == PCS_EOF && r.off == 48, "no packets: EOF");
    pcs_close(&s);
    close(fd);

    /* A DSB (type 10; 8 bytes of secrets: 12 + 8 + 8 = 28 bytes) before the IDB,
     * as editcap --inject-secrets writes it: passed over at open only when
     * wiretap found an IDB behind it (Wireshark 4.4); else the first block
     * for wiretap (4.0). */
    {
        out_t dsb = { g_byte_array_new() };

        put32(&dsb, 0x544c534b);                 /* secrets type "TLSK" */
        put32(&dsb, 8);                          /* secrets length */
        g_byte_array_append(dsb.b, (const guint8 *)"CLIENT_R", 8);
        g_byte_array_set_size(o.b, 0);
        ng_shb(&o);                              /* 0-27 */
        ng_block(&o, 10, dsb.b, 0);              /* 28-55: DSB */
        ng_idb(&o, 1, 0);                        /* 56-75 */
        ng_epb(&o, 0, 1, 10, 10, 0, NULL, 0);    /* 76-119 */
        fd = as_file(&o);
        CHECK(pcs_open_ng_ifaces(&s, fd, 0, 1) && s.n_ifaces == 1, "DSB first, wiretap found 1 IDB: passed over");
        s.ifaces[0].ok = TRUE;
        s.ifaces[0].units = 1000000;
        CHECK(pcs_next(&s, &r) == PCS_OK && r.off == 76, "then the EPB at 76 (%lld)", (long long)r.off);
        pcs_close(&s);
        CHECK(pcs_open_ng_ifaces(&s, fd, 0, 0) && s.n_ifaces == 0, "DSB first, wiretap found no IDB: 0 interfaces");
        CHECK(pcs_next(&s, &r) == PCS_OTHER && r.off == 28 && s.other_type == 10, "the DSB: for wiretap, in order");
        pcs_close(&s);
        close(fd);
        g_byte_array_free(dsb.b, TRUE);
    }

    /* Not taken: a classic pcap file; an SHB of another magic; an SHB whose
     * trailing length differs; an IDB whose trailing length differs; more
     * IDBs than PCS_NG_MAX_IFACES. */
    g_byte_array_set_size(o.b, 0);
    file_header(&o, 0xa1b2c3d4u, 2, 4, 1);
    CHECK(!pcs_ng_header_ok(o.b->data, o.b->len, &sw), "a pcap header is not an SHB");
    ng_refused(&o, "pcap is not pcapng");
    g_byte_array_set_size(o.b, 0);
    ng_shb(&o);
    o.b->data[9] = 0x3d;
    ng_refused(&o, "SHB with a byte-order magic of 4d 3d 2b 1a");
    o.b->data[9] = 0x3c;
    o.b->data[24] = 29;
    ng_refused(&o, "SHB with lengths 28 and 29");
    g_byte_array_set_size(o.b, 0);
    ng_shb(&o);
    put16(&b, 1);
    put16(&b, 0);
    put32(&b, 0);
    ng_block(&o, 1, b.b, -4);
    ng_refused(&o, "IDB with lengths 20 and 16");
    g_byte_array_set_size(o.b, 0);
    ng_shb(&o);
    for (i = 0; i < (int)PCS_NG_MAX_IFACES; i++)
        ng_idb(&o, 1, 0);
    fd = as_file(&o);
    CHECK(pcs_open_ng(&s, fd, 0) && s.n_ifaces == PCS_NG_MAX_IFACES, "%u IDBs", PCS_NG_MAX_IFACES);
    pcs_close(&s);
    close(fd);
    ng_idb(&o, 1, 0);
    ng_refused(&o, "65 IDBs: too many");
    g_byte_array_free(b.b, TRUE);
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
    test_pcapng(FALSE);
    test_pcapng(TRUE);
    test_pcapng_sizes();
    test_pcapng_isbs();
    printf("unit_pcapscan: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
