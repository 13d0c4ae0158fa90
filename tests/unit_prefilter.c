/* unit_prefilter.c - unit tests of itl-audit's record pre-filter
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Frames are built byte by byte here (header layouts from the RFCs and
 * IEEE 802.1Q / Linux cooked capture documentation); each check states
 * whether epan must see the frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <wiretap/wtap.h>

#include "prefilter.h"
#include "unit-check.h"


/* ---- frame builder ------------------------------------------------------ */

typedef struct {
    guint8 b[4096];
    guint32 n;
} buf;

static void
put(buf *o, const void *p, guint32 len)
{
    if (len)
        memcpy(o->b + o->n, p, len);
    o->n += len;
}

static void
put8(buf *o, unsigned v)
{
    o->b[o->n++] = (guint8)v;
}

static void
put16(buf *o, unsigned v)
{
    put8(o, v >> 8);
    put8(o, v);
}

static void
put32(buf *o, guint32 v)
{
    put16(o, v >> 16);
    put16(o, v & 0xffff);
}

static const guint8 A4[4] = { 10, 0, 0, 2 }, B4[4] = { 10, 0, 0, 1 }, C4[4] = { 10, 0, 0, 3 };
static const guint8 A6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const guint8 B6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static buf
udp(unsigned sport, unsigned dport, const void *pl, guint32 len)
{
    buf o = { .n = 0 };

    put16(&o, sport);
    put16(&o, dport);
    put16(&o, 8 + len);
    put16(&o, 0);
    put(&o, pl, len);
    return o;
}

static buf
tcp(unsigned sport, unsigned dport, unsigned flags, const void *pl, guint32 len)
{
    buf o = { .n = 0 };

    put16(&o, sport);
    put16(&o, dport);
    put32(&o, 1000);
    put32(&o, 2000);
    put8(&o, 0x50);
    put8(&o, flags);
    put16(&o, 65535);
    put32(&o, 0);
    put(&o, pl, len);
    return o;
}

/* IPv4 with fragment offset (bytes) and more-fragments flag. */
static buf
ip4f(const guint8 *src, const guint8 *dst, unsigned proto, const buf *l4, unsigned id, unsigned off, int mf,
     guint32 total_l4)
{
    buf o = { .n = 0 };

    put8(&o, 0x45);
    put8(&o, 0);
    put16(&o, 20 + l4->n);
    put16(&o, id);
    put16(&o, (mf ? 0x2000 : 0) | (off / 8));
    put8(&o, 64);
    put8(&o, proto);
    put16(&o, 0);
    put(&o, src, 4);
    put(&o, dst, 4);
    put(&o, l4->b, l4->n);
    (void)total_l4;
    return o;
}

static buf
ip4(const guint8 *src, const guint8 *dst, unsigned proto, const buf *l4)
{
    return ip4f(src, dst, proto, l4, 1, 0, 0, l4->n);
}

/* IPv6 with a hop-by-hop and a destination options header. */
static buf
ip6(const guint8 *src, const guint8 *dst, unsigned proto, const buf *l4, int ext)
{
    buf o = { .n = 0 };

    put32(&o, 0x60000000);
    put16(&o, l4->n + (ext ? 16 : 0));
    put8(&o, ext ? 0 : proto);
    put8(&o, 64);
    put(&o, src, 16);
    put(&o, dst, 16);
    if (ext) {
        static const guint8 pad[6] = { 1, 4, 0, 0, 0, 0 };
        put8(&o, 60);
        put8(&o, 0);
        put(&o, pad, 6);
        put8(&o, proto);
        put8(&o, 0);
        put(&o, pad, 6);
    }
    put(&o, l4->b, l4->n);
    return o;
}

static buf
ip6frag(const guint8 *src, const guint8 *dst, unsigned proto, const buf *part, guint32 id, unsigned off, int mf)
{
    buf o = { .n = 0 };

    put32(&o, 0x60000000);
    put16(&o, part->n + 8);
    put8(&o, 44);
    put8(&o, 64);
    put(&o, src, 16);
    put(&o, dst, 16);
    put8(&o, proto);
    put8(&o, 0);
    put16(&o, (off & 0xfff8) | (mf ? 1 : 0));
    put32(&o, id);
    put(&o, part->b, part->n);
    return o;
}

static buf
eth_tags(unsigned type, const buf *pl, const unsigned *tags, unsigned ntags)
{
    static const guint8 macs[12] = { 0, 0x1b, 0x54, 0, 0, 2, 0, 0x1b, 0x54, 0, 0, 1 };
    buf o = { .n = 0 };
    unsigned i;

    put(&o, macs, 12);
    for (i = 0; i < ntags; i++) {
        put16(&o, tags[i]);
        put16(&o, 100 + i);
    }
    put16(&o, type);
    put(&o, pl->b, pl->n);
    return o;
}

static buf
eth(unsigned type, const buf *pl)
{
    return eth_tags(type, pl, NULL, 0);
}

static buf
rrq(const char *name, const char *mode, const char *opt, const char *val)
{
    buf o = { .n = 0 };

    put16(&o, 1);
    put(&o, name, (guint32)strlen(name) + 1);
    put(&o, mode, (guint32)strlen(mode) + 1);
    if (opt) {
        put(&o, opt, (guint32)strlen(opt) + 1);
        put(&o, val, (guint32)strlen(val) + 1);
    }
    return o;
}

static buf
tftp_data(unsigned block, guint32 len)
{
    buf o = { .n = 0 };

    put16(&o, 3);
    put16(&o, block);
    memset(o.b + o.n, 0x5a, len);
    o.n += len;
    return o;
}

static buf
tftp_short(unsigned opcode, unsigned arg)
{
    buf o = { .n = 0 };

    put16(&o, opcode);
    put16(&o, arg);
    return o;
}

static buf
rtp(void)
{
    buf o = { .n = 0 };

    put8(&o, 0x80);
    put8(&o, 0);
    put16(&o, 7);
    put32(&o, 160);
    put32(&o, 0x1234);
    memset(o.b + o.n, 0xff, 160);
    o.n += 160;
    return o;
}

static gboolean
rec(pf_state *st, int encap, const buf *f, gint64 ts)
{
    return pf_record(st, encap, f->b, f->n, ts);
}

/* An Ethernet/IPv4/UDP frame. */
static buf
eu(const guint8 *s, unsigned sp, const guint8 *d, unsigned dp, const buf *pl)
{
    buf u = udp(sp, dp, pl->b, pl->n), i = ip4(s, d, 17, &u);
    return eth(0x0800, &i);
}

static buf
et(const guint8 *s, unsigned sp, const guint8 *d, unsigned dp, unsigned flags, const buf *pl)
{
    buf t = tcp(sp, dp, flags, pl ? pl->b : NULL, pl ? pl->n : 0), i = ip4(s, d, 6, &t);
    return eth(0x0800, &i);
}

static pf_state *
new_state(gboolean tls_any)
{
    pf_config cfg;

    pf_config_init(&cfg);
    pf_config_add_udp(&cfg, 69);
    pf_config_add_tcp(&cfg, 2445);
    pf_config_add_tcp(&cfg, 6970);
    cfg.tls_any_port = tls_any;
    {
        /* The timeout tests jump the clock: no step limit (test_clock_step
         * checks the limit). */
        pf_state *st = pf_new(&cfg);
        pf_set_max_clock_step(st, G_GINT64_CONSTANT(1) << 40);
        return st;
    }
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_link_layers(void)
{
    pf_state *st = new_state(FALSE);
    buf r = rrq("ITLSEP001122334455.tlv", "octet", NULL, NULL), m = rtp();
    buf ur = udp(40000, 69, r.b, r.n), um = udp(16384, 16386, m.b, m.n);
    buf ir = ip4(A4, B4, 17, &ur), im = ip4(A4, C4, 17, &um);
    buf f, x;
    static const unsigned q1[] = { 0x8100 }, q2[] = { 0x88a8, 0x8100 };
    static const guint8 unknown[20] = { 1, 2, 3 };

    f = eth(0x0800, &ir);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "Ethernet: TFTP read request kept");
    f = eth(0x0800, &im);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "Ethernet: RTP dropped");
    f = eth_tags(0x0800, &ir, q1, 1);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "802.1Q: request kept");
    f = eth_tags(0x0800, &im, q1, 1);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "802.1Q: RTP dropped");
    f = eth_tags(0x0800, &im, q2, 2);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "QinQ: RTP dropped");
    f = eth_tags(0x0800, &ir, q2, 2);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "QinQ: request kept");

    /* Linux cooked v1: type, ARPHRD, addr len, addr[8], protocol. */
    f.n = 0;
    put16(&f, 0); put16(&f, 1); put16(&f, 6); put(&f, unknown, 8); put16(&f, 0x0800); put(&f, im.b, im.n);
    CHECK(!rec(st, WTAP_ENCAP_SLL, &f, 100), "SLL: RTP dropped");
    f.n = 0;
    put16(&f, 0); put16(&f, 1); put16(&f, 6); put(&f, unknown, 8); put16(&f, 0x0800); put(&f, ir.b, ir.n);
    CHECK(rec(st, WTAP_ENCAP_SLL, &f, 100), "SLL: request kept");
    f.n = 0;
    put16(&f, 0); put16(&f, 824); put16(&f, 0); put(&f, unknown, 8); put16(&f, 0x0800); put(&f, im.b, im.n);
    CHECK(rec(st, WTAP_ENCAP_SLL, &f, 100), "SLL netlink: not understood, kept");
    /* Linux cooked v2: protocol, reserved, ifindex, ARPHRD, type, addr len, addr[8]. */
    f.n = 0;
    put16(&f, 0x0800); put16(&f, 0); put32(&f, 2); put16(&f, 1); put8(&f, 0); put8(&f, 6); put(&f, unknown, 8);
    put(&f, im.b, im.n);
    CHECK(!rec(st, WTAP_ENCAP_SLL2, &f, 100), "SLL2: RTP dropped");
    f.n = 0;
    put16(&f, 0x0800); put16(&f, 0); put32(&f, 2); put16(&f, 1); put8(&f, 0); put8(&f, 6); put(&f, unknown, 8);
    put(&f, ir.b, ir.n);
    CHECK(rec(st, WTAP_ENCAP_SLL2, &f, 100), "SLL2: request kept");

    CHECK(!rec(st, WTAP_ENCAP_RAW_IP, &im, 100), "raw IP: RTP dropped");
    CHECK(rec(st, WTAP_ENCAP_RAW_IP, &ir, 100), "raw IP: request kept");
    CHECK(!rec(st, WTAP_ENCAP_RAW_IP4, &im, 100), "raw IPv4: RTP dropped");
    f.n = 0;
    put8(&f, 2); put8(&f, 0); put8(&f, 0); put8(&f, 0); put(&f, im.b, im.n);
    CHECK(!rec(st, WTAP_ENCAP_NULL, &f, 100), "BSD loopback (little-endian AF_INET): RTP dropped");
    f.n = 0;
    put32(&f, 2); put(&f, ir.b, ir.n);
    CHECK(rec(st, WTAP_ENCAP_LOOP, &f, 100), "OpenBSD loopback: request kept");
    f.n = 0;
    put32(&f, 77); put(&f, im.b, im.n);
    CHECK(rec(st, WTAP_ENCAP_LOOP, &f, 100), "loopback with an unknown family: kept");

    f.n = 0;
    put(&f, im.b, im.n);
    CHECK(rec(st, WTAP_ENCAP_USER0, &f, 100), "unknown link type: kept");
    CHECK(rec(st, WTAP_ENCAP_PPP, &f, 100), "PPP (not parsed): kept");
    f.n = 10;
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "truncated Ethernet header: kept");
    x.n = 0;
    put(&x, unknown, 20);
    f = eth(0x0806, &x);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "ARP dropped");
    f = eth(0x88cc, &x);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "LLDP dropped");
    f = eth(0x88b5, &x);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "unknown Ethertype: kept");
    x.n = 0;
    put8(&x, 0x42); put8(&x, 0x42); put8(&x, 0x03); put(&x, unknown, 20);
    f = eth(x.n, &x);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "802.3 + LLC (STP) dropped");
    x.n = 0;
    put8(&x, 0xaa); put8(&x, 0xaa); put8(&x, 0x03); put8(&x, 0); put8(&x, 0); put8(&x, 0); put16(&x, 0x0800);
    put(&x, ir.b, ir.n);
    f = eth(x.n, &x);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "802.3 + SNAP + IPv4: request kept");
    /* truncated IPv4 header */
    x.n = 0;
    put(&x, ir.b, 12);
    f = eth(0x0800, &x);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "truncated IPv4 header: kept");
    /* MPLS and PPPoE */
    x.n = 0;
    put32(&x, (1000u << 12) | 0x100 | 64); put(&x, im.b, im.n);
    f = eth(0x8847, &x);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "MPLS + IPv4: RTP dropped");
    x.n = 0;
    put32(&x, (1000u << 12) | 0x100 | 64); put8(&x, 0); put(&x, im.b, im.n);
    f = eth(0x8847, &x);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "MPLS pseudowire: kept");
    x.n = 0;
    put8(&x, 0x11); put8(&x, 0); put16(&x, 1); put16(&x, im.n + 2); put16(&x, 0x0021); put(&x, im.b, im.n);
    f = eth(0x8864, &x);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "PPPoE + IPv4: RTP dropped");
    pf_free(st);
}

static void
test_tftp_tracking(void)
{
    pf_state *st = new_state(FALSE);
    buf r = rrq("ITLSEP001122334455.tlv", "octet", "blksize", "1024");
    buf oack, d, ack, f, m = rtp();
    const pf_stats *s;

    f = eu(A4, 40000, B4, 69, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000), "RRQ kept");
    oack.n = 0;
    put16(&oack, 6); put(&oack, "blksize", 8); put(&oack, "1024", 5);
    f = eu(B4, 50000, A4, 40000, &oack);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000), "OACK from the transfer port kept");
    ack = tftp_short(4, 0);
    f = eu(A4, 40000, B4, 50000, &ack);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000), "ACK 0 from the client kept");
    d = tftp_data(1, 1024);
    f = eu(B4, 50000, A4, 40000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1001), "full data block kept");
    f = eu(B4, 50000, C4, 40000, &m);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 1001), "same ports, other client: dropped");
    f = eu(A4, 40001, C4, 16384, &m);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 1001), "client's other port: dropped");
    /* 600 bytes < 1024 from the OACK: the last block (with 512, not short). */
    d = tftp_data(2, 600);
    f = eu(B4, 50000, A4, 40000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1002), "last data block kept");
    s = pf_get_stats(st);
    CHECK(s->tftp_ended == 1, "the 600-byte block ends a transfer with blksize 1024 (ended %u)",
          (unsigned)s->tftp_ended);
    ack = tftp_short(4, 2);
    f = eu(A4, 40000, B4, 50000, &ack);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1003), "final ACK kept");
    /* A retransmitted last block within the linger time. */
    f = eu(B4, 50000, A4, 40000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1003 + PF_TFTP_LINGER), "retransmission within the linger kept");
    f = eu(B4, 50000, A4, 40000, &d);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 1004 + 2 * PF_TFTP_LINGER), "after the linger: dropped");
    s = pf_get_stats(st);
    CHECK(s->live_tftp == 0, "no TFTP state left (live %u)", s->live_tftp);
    f = eu(A4, 40000, B4, 69, &r);
    for (int i = 0; i < 100; i++)
        rec(st, WTAP_ENCAP_ETHERNET, &f, 2000);
    s = pf_get_stats(st);
    CHECK(s->live_tftp == 1, "the same endpoint asking again is one entry (live %u)", s->live_tftp);

    /* A request on another port (TFTP's heuristic finds those too). */
    r = rrq("CTLSEP001122334455.tlv", "NetASCII", NULL, NULL);
    f = eu(A4, 41000, B4, 1069, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 3000), "read request to port 1069 kept");
    d = tftp_data(1, 100);
    f = eu(B4, 51000, A4, 41000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 3000), "its data kept");
    /* Idle transfer: forgotten after PF_TFTP_IDLE. */
    r = rrq("x.sgn", "octet", NULL, NULL);
    f = eu(A4, 42000, B4, 69, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 4000), "RRQ kept");
    d = tftp_data(1, 512);
    f = eu(B4, 52000, A4, 42000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 4000 + PF_TFTP_IDLE - 1), "data before the idle timeout kept");
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 4000 + 3 * PF_TFTP_IDLE), "data after the idle timeout dropped");
    /* Not requests: DNS query id 1, WRQ without a mode. */
    {
        buf dns = { .n = 0 };
        put16(&dns, 1); put16(&dns, 0x0100); put16(&dns, 1); put32(&dns, 0); put16(&dns, 0);
        put(&dns, "\003cm1\000\000\001\000\001", 9);
        f = eu(A4, 43000, C4, 53, &dns);
        CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 5000), "DNS query with id 1 is no TFTP request");
    }
    r.n = 0;
    put16(&r, 2); put(&r, "file", 5); put(&r, "binary", 7);
    f = eu(A4, 43001, C4, 2000, &r);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 5000), "WRQ with an unknown mode is no request");
    r = rrq("y.tlv", "octet", NULL, NULL);
    f = eu(A4, 43002, B4, 69, &r);
    f.n -= 3;   /* cut in the mode by the snap length */
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 5000), "request cut short: kept");
    f = eu(B4, 69, A4, 43003, &m);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 5000), "anything from port 69 kept");
    /* A write request: the client sends the data; its last block ends it. */
    r.n = 0;
    put16(&r, 2); put(&r, "up.bin", 7); put(&r, "octet", 6);
    f = eu(A4, 44000, B4, 69, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 6000), "WRQ kept");
    d = tftp_data(1, 10);
    f = eu(A4, 44000, B4, 54000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 6000), "WRQ data from the client kept");
    f = eu(B4, 54000, A4, 44000, &m);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 6001 + PF_TFTP_LINGER), "after the last block and the linger: dropped");
    pf_free(st);
}

static void
test_tftp_table_full(void)
{
    pf_state *st = new_state(FALSE);
    buf r = rrq("f.tlv", "octet", NULL, NULL), m = rtp(), f;
    guint32 i;
    const pf_stats *s;
    gboolean all = TRUE;

    for (i = 0; i < PF_MAX_TFTP; i++) {
        guint8 a[4] = { 10, 1, (guint8)(i >> 8), (guint8)i };
        f = eu(a, 40000, B4, 69, &r);
        all &= rec(st, WTAP_ENCAP_ETHERNET, &f, 100);
    }
    CHECK(all, "all requests up to the bound kept");
    f = eu(C4, 40000, B4, 69, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 100), "the request past the bound is kept");
    f = eu(A4, 16384, C4, 16386, &m);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 101), "table full: all UDP passes (RTP kept)");
    s = pf_get_stats(st);
    CHECK(s->kept_overflow >= 2, "overflow counted (%u)", (unsigned)s->kept_overflow);
    CHECK(s->peak_tftp == PF_MAX_TFTP, "peak %u", s->peak_tftp);
    /* All of them expire: the table empties and filtering resumes. */
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 100 + 3 * PF_TFTP_IDLE), "after the timeouts RTP dropped again");
    s = pf_get_stats(st);
    CHECK(s->live_tftp == 0, "table empty again (live %u)", s->live_tftp);
    pf_free(st);
}

static void
test_tcp(void)
{
    pf_state *st = new_state(FALSE), *st2 = new_state(TRUE);
    buf ch = { .n = 0 }, app = { .n = 0 }, f;
    const pf_stats *s;

    put8(&ch, 0x16); put8(&ch, 3); put8(&ch, 1); put16(&ch, 200); put8(&ch, 1); put(&ch, "\0\0\xc4\x03\x03", 5);
    put8(&app, 0x17); put8(&app, 3); put8(&app, 3); put16(&app, 4); put32(&app, 0);

    f = et(A4, 50000, B4, 2445, 0x02, NULL);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "SYN to TVS port kept");
    f = et(B4, 2445, A4, 50000, 0x18, &app);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "from TVS port kept");
    f = et(A4, 50001, B4, 6970, 0x18, &app);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "HTTP 6970 kept");
    f = et(A4, 50002, B4, 3445, 0x18, &ch);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ClientHello elsewhere, TLS not decryptable: dropped");

    /* TLS on another port when TLS can be decrypted. */
    f = et(A4, 50002, B4, 3445, 0x02, NULL);
    CHECK(!rec(st2, WTAP_ENCAP_ETHERNET, &f, 10), "SYN elsewhere: dropped");
    f = et(A4, 50003, B4, 443, 0x18, &app);
    CHECK(!rec(st2, WTAP_ENCAP_ETHERNET, &f, 10), "application data without a handshake: dropped");
    f = et(A4, 50002, B4, 3445, 0x18, &ch);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 10), "ClientHello: kept");
    f = et(B4, 3445, A4, 50002, 0x18, &app);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 11), "server's answer kept");
    f = et(A4, 50002, B4, 3445, 0x10, NULL);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 11), "bare ACK kept");
    f = et(A4, 50002, B4, 3445, 0x11, NULL);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 12), "FIN from the client kept");
    f = et(B4, 3445, A4, 50002, 0x11, NULL);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 12), "FIN from the server kept");
    f = et(A4, 50002, B4, 3445, 0x10, NULL);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 12), "last ACK kept");
    CHECK(!rec(st2, WTAP_ENCAP_ETHERNET, &f, 13 + PF_TCP_LINGER), "after close and linger: dropped");
    s = pf_get_stats(st2);
    CHECK(s->tls_tracked == 1 && s->live_tcp == 0, "one connection tracked, none left (%u, %u)",
          (unsigned)s->tls_tracked, s->live_tcp);
    f = et(A4, 50010, B4, 3445, 0x18, &ch);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 100), "new ClientHello kept");
    f = et(B4, 3445, A4, 50010, 0x04, NULL);
    CHECK(rec(st2, WTAP_ENCAP_ETHERNET, &f, 100), "RST kept");
    f = et(A4, 50010, B4, 3445, 0x10, NULL);
    CHECK(!rec(st2, WTAP_ENCAP_ETHERNET, &f, 101 + PF_TCP_LINGER), "after RST and linger: dropped");
    /* DSB secrets switch it on as the file is read. */
    pf_enable_tls_any_port(st);
    f = et(A4, 50020, B4, 3445, 0x18, &ch);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 200), "ClientHello once secrets appeared: kept");
    pf_free(st);
    pf_free(st2);
}

static void
test_fragments(void)
{
    pf_state *st = new_state(FALSE);
    buf m = rtp(), u = udp(16384, 16386, m.b, m.n), p1, p2, p3, i, f, d, r;
    unsigned id = 77;

    /* RTP datagram in three fragments: first 64 bytes, then 64, then the rest. */
    p1.n = 0; put(&p1, u.b, 64);
    p2.n = 0; put(&p2, u.b + 64, 64);
    p3.n = 0; put(&p3, u.b + 128, u.n - 128);
    i = ip4f(A4, C4, 17, &p1, id, 0, 1, u.n); f = eth(0x0800, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "first fragment of RTP dropped");
    i = ip4f(A4, C4, 17, &p3, id, 128, 0, u.n); f = eth(0x0800, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "its last fragment (out of order) dropped");
    i = ip4f(A4, C4, 17, &p2, id, 64, 1, u.n); f = eth(0x0800, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "its middle fragment (after the last) dropped");
    i = ip4f(A4, C4, 17, &p2, id + 1, 64, 1, u.n); f = eth(0x0800, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "fragment of an unknown datagram kept");
    /* A fragmented TFTP data block to a tracked client. */
    r = rrq("ITLFile.tlv", "octet", "blksize", "1428");
    f = eu(A4, 40000, B4, 69, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 20), "RRQ kept");
    d = tftp_data(1, 1428);
    u = udp(50000, 40000, d.b, d.n);
    p1.n = 0; put(&p1, u.b, 800);
    p2.n = 0; put(&p2, u.b + 800, u.n - 800);
    i = ip4f(B4, A4, 17, &p1, 9, 0, 1, u.n); f = eth(0x0800, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 20), "first fragment of a TFTP block kept");
    i = ip4f(B4, A4, 17, &p2, 9, 800, 0, u.n); f = eth(0x0800, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 20), "second fragment of a TFTP block kept");
    CHECK(pf_get_stats(st)->tftp_ended == 0, "a 1428-byte block is not short when fragmented");
    /* IPv6 fragments */
    u = udp(16384, 16386, m.b, m.n);
    p1.n = 0; put(&p1, u.b, 96);
    p2.n = 0; put(&p2, u.b + 96, u.n - 96);
    i = ip6frag(A6, B6, 17, &p1, 0x1234, 0, 1); f = eth(0x86dd, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 30), "IPv6 first fragment of RTP dropped");
    i = ip6frag(A6, B6, 17, &p2, 0x1234, 96, 0); f = eth(0x86dd, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 30), "IPv6 last fragment of RTP dropped");
    i = ip6frag(A6, B6, 17, &p2, 0x1235, 96, 0); f = eth(0x86dd, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 30), "IPv6 fragment of an unknown datagram kept");
    CHECK(pf_get_stats(st)->frag_dropped == 3, "3 later fragments dropped (%u)",
          (unsigned)pf_get_stats(st)->frag_dropped);
    pf_free(st);
}

static void
test_ipv6_icmp_tunnels(void)
{
    pf_state *st = new_state(FALSE);
    buf r = rrq("ITLSEP001122334455.tlv", "octet", NULL, NULL), m = rtp();
    buf ur = udp(40000, 69, r.b, r.n), um = udp(16384, 16386, m.b, m.n);
    buf i, f, x, icmp, inner;
    int k;

    i = ip6(A6, B6, 17, &ur, 1); f = eth(0x86dd, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "IPv6 + hop-by-hop + destination options: request kept");
    i = ip6(A6, B6, 17, &um, 1); f = eth(0x86dd, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "IPv6 + extension headers: RTP dropped");
    i = ip6(A6, B6, 50, &um, 0); f = eth(0x86dd, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "IPv6 ESP dropped");
    i = ip6(A6, B6, 17, &um, 1); i.n = 50; f = eth(0x86dd, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "IPv6 extension header cut short: kept");

    /* ICMP destination unreachable quoting a read request, and RTP. */
    inner = ip4(A4, B4, 17, &ur);
    icmp.n = 0; put8(&icmp, 3); put8(&icmp, 3); put16(&icmp, 0); put32(&icmp, 0); put(&icmp, inner.b, 28);
    i = ip4(B4, A4, 1, &icmp); f = eth(0x0800, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ICMP error quoting TFTP kept");
    inner = ip4(A4, C4, 17, &um);
    icmp.n = 0; put8(&icmp, 3); put8(&icmp, 3); put16(&icmp, 0); put32(&icmp, 0); put(&icmp, inner.b, 28);
    i = ip4(C4, A4, 1, &icmp); f = eth(0x0800, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ICMP error quoting RTP dropped");
    icmp.n = 0; put8(&icmp, 8); put8(&icmp, 0); put16(&icmp, 0); put32(&icmp, 1);
    i = ip4(C4, A4, 1, &icmp); f = eth(0x0800, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ICMP echo dropped");
    inner = ip6(A6, B6, 17, &ur, 0);
    icmp.n = 0; put8(&icmp, 1); put8(&icmp, 4); put16(&icmp, 0); put32(&icmp, 0); put(&icmp, inner.b, 48);
    i = ip6(B6, A6, 58, &icmp, 0); f = eth(0x86dd, &i);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ICMPv6 error quoting TFTP kept");
    icmp.n = 0; put8(&icmp, 135); put8(&icmp, 0); put16(&icmp, 0); put32(&icmp, 0);
    i = ip6(B6, A6, 58, &icmp, 0); f = eth(0x86dd, &i);
    CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "neighbour solicitation dropped");

    /* GRE (Ethernet bridging), ERSPAN II, VXLAN, IP in IP. */
    {
        buf ir = ip4(A4, B4, 17, &ur), im = ip4(A4, C4, 17, &um), er = eth(0x0800, &ir), em = eth(0x0800, &im);
        buf g;
        g.n = 0; put16(&g, 0); put16(&g, 0x6558); put(&g, er.b, er.n);
        i = ip4(C4, B4, 47, &g); f = eth(0x0800, &i);
        CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "GRE: request kept");
        g.n = 0; put16(&g, 0); put16(&g, 0x6558); put(&g, em.b, em.n);
        i = ip4(C4, B4, 47, &g); f = eth(0x0800, &i);
        CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "GRE: RTP dropped");
        g.n = 0; put16(&g, 0x1000); put16(&g, 0x88be); put32(&g, 5); put32(&g, 0x10010001); put32(&g, 0);
        put(&g, em.b, em.n);
        i = ip4(C4, B4, 47, &g); f = eth(0x0800, &i);
        CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ERSPAN II: RTP dropped");
        g.n = 0; put16(&g, 0x1000); put16(&g, 0x88be); put32(&g, 6); put32(&g, 0x10010001); put32(&g, 0);
        put(&g, er.b, er.n);
        i = ip4(C4, B4, 47, &g); f = eth(0x0800, &i);
        CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "ERSPAN II: request kept");
        g.n = 0; put16(&g, 0x0001); put16(&g, 0x880b); put32(&g, 0);
        i = ip4(C4, B4, 47, &g); f = eth(0x0800, &i);
        CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "GRE version 1 (PPTP): not understood, kept");
        g.n = 0; put32(&g, 0x08000000); put32(&g, 0x100); put(&g, em.b, em.n);
        x = udp(50000, 4789, g.b, g.n); i = ip4(C4, B4, 17, &x); f = eth(0x0800, &i);
        CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "VXLAN: RTP dropped");
        g.n = 0; put32(&g, 0x08000000); put32(&g, 0x100); put(&g, er.b, er.n);
        x = udp(50000, 4789, g.b, g.n); i = ip4(C4, B4, 17, &x); f = eth(0x0800, &i);
        CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "VXLAN: request kept");
        i = ip4(C4, B4, 4, &ir); f = eth(0x0800, &i);
        CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "IP in IP: request kept");
        x = im;
        for (k = 0; k < 3; k++) {
            i = ip4(C4, B4, 4, &x);
            x = i;
        }
        f = eth(0x0800, &x);
        CHECK(!rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "IP in IP in IP in IP: RTP dropped");
        for (k = 0; k < 3; k++) {
            i = ip4(C4, B4, 4, &x);
            x = i;
        }
        f = eth(0x0800, &x);
        CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 10), "tunnels nested too deep: kept");
    }
    pf_free(st);
}

static void
test_config(void)
{
    pf_config a, b;

    pf_config_init(&a);
    pf_config_init(&b);
    pf_config_add_tcp(&a, 2445);
    pf_config_add_udp(&a, 69);
    pf_config_add_tcp(&b, 2445);
    CHECK(pf_config_covers(&a, &b), "superset covers");
    pf_config_add_tcp(&b, 3445);
    CHECK(!pf_config_covers(&a, &b), "a missing TCP port is not covered");
    CHECK(pf_config_has_tcp(&b, 3445) && !pf_config_has_tcp(&a, 3445) && pf_config_has_udp(&a, 69),
          "port sets");
    pf_config_init(&b);
    b.tls_any_port = TRUE;
    CHECK(!pf_config_covers(&a, &b), "TLS on any port is not covered by a filter without it");
}

/* The clock of the timeouts moves on by at most PF_MAX_CLOCK_STEP per
 * record: a jump of the capture's clock, or minutes of silence, in the
 * middle of a transfer does not end it; traffic that goes on does. */
static void
test_clock_step(void)
{
    pf_config cfg;
    pf_state *st;
    buf r = rrq("ITLSEP001122334455.tlv", "octet", NULL, NULL), m = rtp(), d, f, bg;
    gint64 t;
    gboolean dropped = FALSE;

    pf_config_init(&cfg);
    pf_config_add_udp(&cfg, 69);
    st = pf_new(&cfg);
    f = eu(A4, 40000, B4, 69, &r);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000), "clock: RRQ kept");
    d = tftp_data(1, 512);
    f = eu(B4, 50000, A4, 40000, &d);
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000), "clock: first block kept");
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000 + 86400), "clock: a block after the clock jumped a day kept");
    CHECK(rec(st, WTAP_ENCAP_ETHERNET, &f, 1000 + 86400 + 3 * PF_TFTP_IDLE),
          "clock: a block after minutes of silence kept");
    /* Other traffic every second: the clock moves on, the idle transfer ends. */
    bg = eu(A4, 16384, C4, 16386, &m);
    for (t = 1; t <= 2 * PF_TFTP_IDLE; t++)
        rec(st, WTAP_ENCAP_ETHERNET, &bg, 1000 + 86400 + 3 * PF_TFTP_IDLE + t);
    dropped = !rec(st, WTAP_ENCAP_ETHERNET, &f, 1000 + 86400 + 5 * PF_TFTP_IDLE + 1);
    CHECK(dropped, "clock: after %d s of other traffic the idle transfer is forgotten", 2 * PF_TFTP_IDLE);
    pf_free(st);
}

int
main(void)
{
    test_config();
    test_link_layers();
    test_tftp_tracking();
    test_tftp_table_full();
    test_clock_step();
    test_tcp();
    test_fragments();
    test_ipv6_icmp_tunnels();
    printf("unit_prefilter: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
