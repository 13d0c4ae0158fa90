/* gen-background.c - synthetic span-port background traffic for bench/run
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Writes a classic pcap (Ethernet, microseconds) of what a span port in a
 * voice network mostly carries: G.711 RTP streams (20 ms, 214-byte frames;
 * some on a voice VLAN, some over IPv6), their RTCP, SIP over UDP 5060
 * (INVITE / 100 / 180 / 200 / ACK / BYE / 200 around each call), SIP over
 * TLS on 5061 (a TLS connection per phone: handshake, then keepalive
 * records), a little ARP.  Deterministic for a given seed.  None of it is
 * trust traffic: no UDP 69, no TCP 2445 / 6970.
 *
 *   gen-background -n PACKETS -o FILE [-c CALLS] [-s SEED] [-t START_EPOCH]
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXPKT 2048

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return (uint32_t)(x >> 16);
}

static uint32_t
rnd_range(uint32_t lo, uint32_t hi)
{
    return lo + rnd() % (hi - lo + 1);
}

/* ---- output ------------------------------------------------------------ */

static FILE *out;
static uint64_t written, limit;
static char iobuf[1 << 20];

static void
put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void
write_record(uint64_t ts_us, const uint8_t *frame, unsigned len)
{
    uint32_t h[4];

    if (written >= limit)
        return;
    h[0] = (uint32_t)(ts_us / 1000000u);
    h[1] = (uint32_t)(ts_us % 1000000u);
    h[2] = len;
    h[3] = len;
    if (fwrite(h, sizeof h, 1, out) != 1 || fwrite(frame, len, 1, out) != 1) {
        perror("gen-background: write");
        exit(1);
    }
    written++;
}

/* ---- headers ------------------------------------------------------------- */

typedef struct {
    int v6;
    uint8_t mac[6];
    uint8_t ip4[4];
    uint8_t ip6[16];
    unsigned vlan;              /* 0: untagged */
} host;

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, unsigned len)
{
    unsigned i;

    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    return sum;
}

static unsigned
csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (~sum) & 0xffff;
}

static uint16_t ip_id;

/* Ethernet (+ 802.1Q) + IPv4/IPv6 + UDP/TCP around payload p (already at
 * the right place in frame).  Returns the frame length. */
static unsigned
build(uint8_t *f, const host *src, const host *dst, int proto, unsigned sport, unsigned dport,
      const uint8_t *tcp_extra /* seq,ack,flags: 9 bytes or NULL */, const uint8_t *payload, unsigned plen)
{
    unsigned off = 0, l4len, iphl, l4off, ipoff;
    uint32_t sum;

    memcpy(f, dst->mac, 6);
    memcpy(f + 6, src->mac, 6);
    off = 12;
    if (src->vlan) {
        put16(f + off, 0x8100);
        put16(f + off + 2, src->vlan);
        off += 4;
    }
    put16(f + off, src->v6 ? 0x86dd : 0x0800);
    off += 2;
    ipoff = off;
    l4len = (proto == 17 ? 8 : 20) + plen;
    if (src->v6) {
        put32(f + off, 0x60000000u | (46u << 20));  /* EF */
        put16(f + off + 4, l4len);
        f[off + 6] = (uint8_t)proto;
        f[off + 7] = 64;
        memcpy(f + off + 8, src->ip6, 16);
        memcpy(f + off + 24, dst->ip6, 16);
        iphl = 40;
    } else {
        f[off] = 0x45;
        f[off + 1] = 0xb8;
        put16(f + off + 2, 20 + l4len);
        put16(f + off + 4, ip_id++);
        put16(f + off + 6, 0x4000);
        f[off + 8] = 64;
        f[off + 9] = (uint8_t)proto;
        put16(f + off + 10, 0);
        memcpy(f + off + 12, src->ip4, 4);
        memcpy(f + off + 16, dst->ip4, 4);
        put16(f + off + 10, csum_fold(csum_add(0, f + off, 20)));
        iphl = 20;
    }
    l4off = ipoff + iphl;
    put16(f + l4off, sport);
    put16(f + l4off + 2, dport);
    if (proto == 17) {
        put16(f + l4off + 4, l4len);
        put16(f + l4off + 6, 0);
        memcpy(f + l4off + 8, payload, plen);
    } else {
        memcpy(f + l4off + 4, tcp_extra, 8);            /* seq, ack */
        f[l4off + 12] = 0x50;
        f[l4off + 13] = tcp_extra[8];                   /* flags */
        put16(f + l4off + 14, 64240);
        put16(f + l4off + 16, 0);
        put16(f + l4off + 18, 0);
        memcpy(f + l4off + 20, payload, plen);
    }
    /* Transport checksum over the pseudo header (mandatory for UDP/IPv6). */
    sum = 0;
    if (src->v6) {
        sum = csum_add(sum, src->ip6, 16);
        sum = csum_add(sum, dst->ip6, 16);
    } else {
        sum = csum_add(sum, src->ip4, 4);
        sum = csum_add(sum, dst->ip4, 4);
    }
    sum += (uint32_t)proto + l4len;
    sum = csum_add(sum, f + l4off, l4len);
    {
        unsigned c = csum_fold(sum);
        if (proto == 17 && c == 0)
            c = 0xffff;
        put16(f + l4off + (proto == 17 ? 6 : 16), c);
    }
    return l4off + l4len;
}

/* ---- the network ------------------------------------------------------- */

#define N_PHONES 2000
static host phones[N_PHONES];
static host cucm, gateway, router;

static void
make_host(host *h, unsigned idx, int v6, unsigned vlan)
{
    h->v6 = v6;
    h->mac[0] = 0x00;
    h->mac[1] = 0x1b;
    h->mac[2] = 0x54;
    h->mac[3] = (uint8_t)(idx >> 16);
    h->mac[4] = (uint8_t)(idx >> 8);
    h->mac[5] = (uint8_t)idx;
    h->ip4[0] = 10;
    h->ip4[1] = 20 + (uint8_t)(idx >> 16);
    h->ip4[2] = (uint8_t)(idx >> 8);
    h->ip4[3] = (uint8_t)(idx ? idx : 1);
    memset(h->ip6, 0, 16);
    h->ip6[0] = 0x20;
    h->ip6[1] = 0x01;
    h->ip6[2] = 0x0d;
    h->ip6[3] = 0xb8;
    h->ip6[4] = 0x00;
    h->ip6[5] = 0x20;
    h->ip6[14] = (uint8_t)(idx >> 8);
    h->ip6[15] = (uint8_t)idx;
    h->vlan = vlan;
}

/* ---- calls --------------------------------------------------------------- */

typedef struct {
    int active;
    host *a, *b;
    unsigned aport, bport;
    uint32_t ssrc_a, ssrc_b;
    uint16_t seq_a, seq_b;
    uint32_t rtpts_a, rtpts_b;
    uint64_t end_us;
    uint64_t next_rtcp_us;
    unsigned callno;
} call;

static unsigned call_counter;

static void
sip_message(uint64_t ts, const host *from, const host *to, const char *first_line, const call *c,
            const char *method, unsigned cseq, int with_sdp)
{
    uint8_t f[MAXPKT];
    char body[400], msg[1400];
    int blen = 0, n;
    unsigned hdr = (from->vlan ? 4 : 0) + (from->v6 ? 40 : 20) + 14 + 8;

    if (with_sdp)
        blen = snprintf(body, sizeof body,
                        "v=0\r\no=CiscoSystemsCCM-SIP %u 1 IN IP4 10.1.0.10\r\ns=SIP Call\r\n"
                        "c=IN IP4 10.20.%u.%u\r\nt=0 0\r\nm=audio %u RTP/AVP 0 101\r\n"
                        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                        "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n",
                        c->callno, c->a->ip4[2], c->a->ip4[3], c->aport);
    n = snprintf(msg, sizeof msg,
                 "%s\r\nVia: SIP/2.0/UDP 10.1.0.10:5060;branch=z9hG4bK%08x\r\n"
                 "From: <sip:%u@10.1.0.10>;tag=%u\r\nTo: <sip:%u@10.1.0.10>;tag=%u\r\n"
                 "Call-ID: %08x-%u@10.1.0.10\r\nCSeq: %u %s\r\nMax-Forwards: 70\r\n"
                 "User-Agent: Cisco-CUCM14.0\r\nContact: <sip:%u@10.1.0.10:5060>\r\n"
                 "Allow: INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, NOTIFY\r\n"
                 "%sContent-Length: %d\r\n\r\n%s",
                 first_line, rnd(), 1000 + c->callno % 9000, c->callno, 2000 + c->callno % 9000, c->callno * 7,
                 c->ssrc_a, c->callno, cseq, method, 1000 + c->callno % 9000,
                 with_sdp ? "Content-Type: application/sdp\r\n" : "", blen, with_sdp ? body : "");
    if (n < 0 || (unsigned)n + hdr > MAXPKT)
        return;
    write_record(ts, f, build(f, from, to, 17, 5060, 5060, NULL, (uint8_t *)msg, (unsigned)n));
}

static void
start_call(call *c, uint64_t now)
{
    char line[128];
    unsigned cseq = 101;

    c->active = 1;
    c->callno = ++call_counter;
    c->a = &phones[rnd() % N_PHONES];
    do
        c->b = &phones[rnd() % N_PHONES];
    while (c->b == c->a || c->b->v6 != c->a->v6);
    c->aport = 16384 + 2 * rnd_range(0, 8000);
    c->bport = 16384 + 2 * rnd_range(0, 8000);
    c->ssrc_a = rnd();
    c->ssrc_b = rnd();
    c->seq_a = (uint16_t)rnd();
    c->seq_b = (uint16_t)rnd();
    c->rtpts_a = rnd();
    c->rtpts_b = rnd();
    c->end_us = now + 1000000ull * rnd_range(20, 240);
    c->next_rtcp_us = now + 5000000ull;
    snprintf(line, sizeof line, "INVITE sip:%u@10.1.0.10:5060 SIP/2.0", 2000 + c->callno % 9000);
    sip_message(now, c->a, &cucm, line, c, "INVITE", cseq, 1);
    sip_message(now + 900, &cucm, c->a, "SIP/2.0 100 Trying", c, "INVITE", cseq, 0);
    sip_message(now + 1800, &cucm, c->b, line, c, "INVITE", cseq, 1);
    sip_message(now + 40000, c->b, &cucm, "SIP/2.0 180 Ringing", c, "INVITE", cseq, 0);
    sip_message(now + 41000, &cucm, c->a, "SIP/2.0 180 Ringing", c, "INVITE", cseq, 0);
    sip_message(now + 90000, c->b, &cucm, "SIP/2.0 200 OK", c, "INVITE", cseq, 1);
    sip_message(now + 91000, &cucm, c->a, "SIP/2.0 200 OK", c, "INVITE", cseq, 1);
    sip_message(now + 95000, c->a, &cucm, "ACK sip:10.1.0.10:5060 SIP/2.0", c, "ACK", cseq, 0);
}

static void
end_call(call *c, uint64_t now)
{
    sip_message(now, c->a, &cucm, "BYE sip:10.1.0.10:5060 SIP/2.0", c, "BYE", 102, 0);
    sip_message(now + 700, &cucm, c->a, "SIP/2.0 200 OK", c, "BYE", 102, 0);
    sip_message(now + 1400, &cucm, c->b, "BYE sip:10.1.0.10:5060 SIP/2.0", c, "BYE", 102, 0);
    sip_message(now + 9000, c->b, &cucm, "SIP/2.0 200 OK", c, "BYE", 102, 0);
    c->active = 0;
}

static void
rtp(uint64_t ts, const host *src, const host *dst, unsigned sport, unsigned dport, uint16_t *seq,
    uint32_t *rtpts, uint32_t ssrc)
{
    uint8_t f[MAXPKT], pl[172];
    unsigned i;

    pl[0] = 0x80;
    pl[1] = 0x00;       /* PCMU */
    put16(pl + 2, (*seq)++);
    put32(pl + 4, *rtpts);
    *rtpts += 160;
    put32(pl + 8, ssrc);
    for (i = 12; i < sizeof pl; i++)
        pl[i] = (uint8_t)(0xff ^ (rnd() & 0x0f));
    write_record(ts, f, build(f, src, dst, 17, sport, dport, NULL, pl, sizeof pl));
}

static void
rtcp(uint64_t ts, const host *src, const host *dst, unsigned sport, unsigned dport, uint32_t ssrc)
{
    uint8_t f[MAXPKT], pl[52];
    unsigned i;

    memset(pl, 0, sizeof pl);
    pl[0] = 0x81;
    pl[1] = 200;        /* SR */
    put16(pl + 2, 12);
    put32(pl + 4, ssrc);
    for (i = 8; i < sizeof pl; i++)
        pl[i] = (uint8_t)rnd();
    write_record(ts, f, build(f, src, dst, 17, sport + 1, dport + 1, NULL, pl, sizeof pl));
}

/* ---- SIP over TLS (5061): one connection per phone of a small set ------ */

#define N_TLS 64
typedef struct {
    host *phone;
    unsigned cport;
    uint32_t cseq, sseq;
    int state;                  /* 0 closed, 1 established */
    uint64_t next_us;
} tls_conn;

static tls_conn tls[N_TLS];

static void
tcp_seg(uint64_t ts, const host *src, const host *dst, unsigned sport, unsigned dport, uint32_t *seq,
        uint32_t ack, unsigned flags, const uint8_t *pl, unsigned plen)
{
    uint8_t f[MAXPKT], x[9];

    put32(x, *seq);
    put32(x + 4, ack);
    x[8] = (uint8_t)flags;
    write_record(ts, f, build(f, src, dst, 6, sport, dport, x, pl, plen));
    *seq += plen + ((flags & 0x03) ? 1 : 0);    /* SYN/FIN count */
}

static void
tls_record(uint8_t *pl, unsigned type, unsigned len)
{
    unsigned i;

    pl[0] = (uint8_t)type;
    pl[1] = 3;
    pl[2] = 3;
    put16(pl + 3, len);
    for (i = 0; i < len; i++)
        pl[5 + i] = (uint8_t)rnd();
}

static void
tls_step(tls_conn *t, uint64_t now)
{
    uint8_t pl[1200];

    if (!t->state) {
        t->cport = rnd_range(49152, 65000);
        t->cseq = rnd();
        t->sseq = rnd();
        tcp_seg(now, t->phone, &cucm, t->cport, 5061, &t->cseq, 0, 0x02, NULL, 0);
        tcp_seg(now + 300, &cucm, t->phone, 5061, t->cport, &t->sseq, t->cseq, 0x12, NULL, 0);
        tcp_seg(now + 600, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x10, NULL, 0);
        tls_record(pl, 0x16, 200);
        pl[5] = 0x01;           /* ClientHello */
        tcp_seg(now + 900, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x18, pl, 205);
        tls_record(pl, 0x16, 1100);
        pl[5] = 0x02;           /* ServerHello ... */
        tcp_seg(now + 2000, &cucm, t->phone, 5061, t->cport, &t->sseq, t->cseq, 0x18, pl, 1105);
        tls_record(pl, 0x14, 1);
        tcp_seg(now + 4000, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x18, pl, 6);
        t->state = 1;
        t->next_us = now + 1000000ull * rnd_range(5, 30);
        return;
    }
    if (rnd() % 40 == 0) {      /* the phone re-registers on a new connection */
        tcp_seg(now, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x11, NULL, 0);
        tcp_seg(now + 400, &cucm, t->phone, 5061, t->cport, &t->sseq, t->cseq, 0x11, NULL, 0);
        tcp_seg(now + 800, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x10, NULL, 0);
        t->state = 0;
        t->next_us = now + 1000000ull * rnd_range(1, 5);
        return;
    }
    tls_record(pl, 0x17, 600);  /* REGISTER / keepalive */
    tcp_seg(now, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x18, pl, 605);
    tls_record(pl, 0x17, 400);
    tcp_seg(now + 3000, &cucm, t->phone, 5061, t->cport, &t->sseq, t->cseq, 0x18, pl, 405);
    tcp_seg(now + 3300, t->phone, &cucm, t->cport, 5061, &t->cseq, t->sseq, 0x10, NULL, 0);
    t->next_us = now + 1000000ull * rnd_range(15, 45);
}

static void
arp(uint64_t ts, const host *who, const host *target)
{
    uint8_t f[60];

    memset(f, 0, sizeof f);
    memset(f, 0xff, 6);
    memcpy(f + 6, who->mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1);
    memcpy(f + 22, who->mac, 6);
    memcpy(f + 28, who->ip4, 4);
    memcpy(f + 38, target->ip4, 4);
    write_record(ts, f, sizeof f);
}

int
main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned ncalls = 250, i;
    uint64_t start = 1700000000ull, t, tick = 20000;
    call *calls;
    int c;

    limit = 0;
    while ((c = getopt(argc, argv, "n:o:c:s:t:")) != -1) {
        switch (c) {
        case 'n': limit = strtoull(optarg, NULL, 10); break;
        case 'o': path = optarg; break;
        case 'c': ncalls = (unsigned)strtoul(optarg, NULL, 10); break;
        case 's': rng_state ^= strtoull(optarg, NULL, 10) * 0x2545f4914f6cdd1dull; break;
        case 't': start = strtoull(optarg, NULL, 10); break;
        default:
            fprintf(stderr, "usage: gen-background -n PACKETS -o FILE [-c CALLS] [-s SEED] [-t START]\n");
            return 2;
        }
    }
    if (!path || !limit || !ncalls) {
        fprintf(stderr, "usage: gen-background -n PACKETS -o FILE [-c CALLS] [-s SEED] [-t START]\n");
        return 2;
    }
    out = fopen(path, "wb");
    if (!out) {
        fprintf(stderr, "gen-background: %s: %s\n", path, strerror(errno));
        return 1;
    }
    setvbuf(out, iobuf, _IOFBF, sizeof iobuf);
    {
        static const uint32_t gh[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1 };
        if (fwrite(gh, sizeof gh, 1, out) != 1) {
            perror("gen-background: write");
            return 1;
        }
    }
    /* Phones: 1 in 10 on IPv6, half of the IPv4 ones on voice VLAN 100. */
    for (i = 0; i < N_PHONES; i++)
        make_host(&phones[i], i + 1, i % 10 == 9, (i % 10) < 5 ? 100 : 0);
    make_host(&cucm, 0xfff0, 0, 0);
    cucm.ip4[1] = 1; cucm.ip4[2] = 0; cucm.ip4[3] = 10;
    make_host(&gateway, 0xfff1, 0, 0);
    make_host(&router, 0xfff2, 0, 0);
    for (i = 0; i < N_TLS; i++) {
        tls[i].phone = &phones[(i * 31) % N_PHONES];
        if (tls[i].phone->v6)
            tls[i].phone = &phones[(i * 31 + 1) % N_PHONES];
        tls[i].next_us = start * 1000000ull + rnd_range(0, 20000000);
    }
    calls = calloc(ncalls, sizeof *calls);
    if (!calls)
        return 1;
    start *= 1000000ull;
    /* The first calls start one after the other (records in time order). */
    for (i = 0; i < ncalls; i++) {
        start_call(&calls[i], start + (uint64_t)i * 2000000 / ncalls);
        calls[i].end_us = start + 1000000ull * rnd_range(5, 240);
    }
    for (t = start + 2100000; written < limit; t += tick) {
        unsigned k;
        for (k = 0; k < ncalls && written < limit; k++) {
            call *cl = &calls[k];
            uint64_t ts = t + (uint64_t)k * tick / ncalls;
            if (!cl->active) {
                start_call(cl, ts);
                continue;
            }
            if (ts >= cl->end_us) {
                end_call(cl, ts);
                continue;
            }
            rtp(ts, cl->a, cl->b, cl->aport, cl->bport, &cl->seq_a, &cl->rtpts_a, cl->ssrc_a);
            rtp(ts + tick / ncalls / 2, cl->b, cl->a, cl->bport, cl->aport, &cl->seq_b, &cl->rtpts_b, cl->ssrc_b);
            if (ts >= cl->next_rtcp_us) {
                rtcp(ts + 1, cl->a, cl->b, cl->aport, cl->bport, cl->ssrc_a);
                rtcp(ts + 2, cl->b, cl->a, cl->bport, cl->aport, cl->ssrc_b);
                cl->next_rtcp_us = ts + 5000000ull;
            }
        }
        for (k = 0; k < N_TLS; k++)
            if (t >= tls[k].next_us)
                tls_step(&tls[k], t + 7);
        if (rnd() % 50 == 0)
            arp(t + 11, &phones[rnd() % N_PHONES], &router);
    }
    if (fclose(out) != 0) {
        perror("gen-background: close");
        return 1;
    }
    free(calls);
    return 0;
}
