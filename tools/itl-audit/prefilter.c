/* prefilter.c - record-level pre-filter of itl-audit (see prefilter.h)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every decision errs on the side of keeping: a record is dropped only
 * when its headers were read completely and say that it is IP traffic
 * that none of the project's dissectors, nor the dissectors they depend
 * on (TFTP reassembly, TCP/TLS reassembly and decryption, HTTP), can use.
 */
#include "prefilter.h"

#include <string.h>

#include <wiretap/wtap.h>

/* ---- configuration ------------------------------------------------------ */

void
pf_config_init(pf_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
}

void
pf_config_add_udp(pf_config *cfg, unsigned port)
{
    if (port < 65536)
        cfg->udp_ports[port >> 3] |= (guint8)(1u << (port & 7));
}

void
pf_config_add_tcp(pf_config *cfg, unsigned port)
{
    if (port < 65536)
        cfg->tcp_ports[port >> 3] |= (guint8)(1u << (port & 7));
}

gboolean
pf_config_has_udp(const pf_config *cfg, unsigned port)
{
    return port < 65536 && (cfg->udp_ports[port >> 3] >> (port & 7) & 1);
}

gboolean
pf_config_has_tcp(const pf_config *cfg, unsigned port)
{
    return port < 65536 && (cfg->tcp_ports[port >> 3] >> (port & 7) & 1);
}

gboolean
pf_config_covers(const pf_config *outer, const pf_config *inner)
{
    unsigned i;

    if (inner->tls_any_port && !outer->tls_any_port)
        return FALSE;
    for (i = 0; i < sizeof outer->udp_ports; i++) {
        if ((inner->udp_ports[i] & ~outer->udp_ports[i]) || (inner->tcp_ports[i] & ~outer->tcp_ports[i]))
            return FALSE;
    }
    return TRUE;
}

/* ---- bounded tables -------------------------------------------------------- */

typedef struct {
    guint64 w[5];
} pf_key;

#define PF_HINT_BITS 1024u

typedef struct {
    pf_key key;
    gint64 expires;             /* capture time, seconds */
    guint32 blksize;            /* TFTP */
    guint8 used;
    guint8 ending;              /* TFTP: last block / error seen; TCP: both FINs or RST */
    guint8 fin;                 /* TCP: FIN seen from the lower (1) / higher (2) endpoint */
} pf_entry;

typedef struct {
    pf_entry *slots;
    guint32 cap;                /* power of two, 0 before the first insert */
    guint32 occupied;           /* slots in use, expired ones included until a sweep */
    guint32 max;
    gint64 overflow_until;      /* full: pass the traffic class until then */
    /* Bit (port & 1023) of every entry's port (TFTP), ports XORed (TCP) or
     * fragment id (fragments), set on insert and recomputed when the table
     * is rebuilt: most records of a span-port capture are looked up here
     * and miss, and a clear bit says so without hashing the key. */
    guint64 hint[PF_HINT_BITS / 64];
} pf_table;

enum { K_TFTP = 1, K_TCP = 2, K_FRAG4 = 3, K_FRAG6 = 4 };

struct pf_state {
    pf_config cfg;
    gint64 now;                 /* the clock of the timeouts (PF_MAX_CLOCK_STEP) */
    gint64 last_ts;             /* the latest record time stamp */
    gint64 max_step;
    gboolean started;
    gint64 next_sweep;
    pf_table tftp, tcp, frag;
    pf_stats stats;
};

#define SWEEP_EVERY 10

static guint32
key_hash(const pf_key *k)
{
    guint64 h = 0x9e3779b97f4a7c15ull;
    unsigned i;

    for (i = 0; i < 5; i++) {
        h ^= k->w[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    return (guint32)(h ^ (h >> 32));
}

static unsigned
key_hint(const pf_key *k)
{
    const guint8 *b = (const guint8 *)k->w;
    unsigned v;

    switch (b[0]) {
    case K_TFTP:        /* endpoint_key(): port in bytes 2-3 */
        v = (unsigned)b[2] << 8 | b[3];
        break;
    case K_TCP:         /* conn_key(): the two ports in bytes 18-19 and 36-37 */
        v = ((unsigned)b[18] << 8 | b[19]) ^ ((unsigned)b[36] << 8 | b[37]);
        break;
    default:            /* frag_key(): low half of the id in bytes 4-5 */
        v = (unsigned)b[4] << 8 | b[5];
        break;
    }
    return v & (PF_HINT_BITS - 1);
}

static void
hint_set(pf_table *t, unsigned h)
{
    t->hint[h / 64] |= (guint64)1 << (h % 64);
}

/* FALSE: no entry of the table has this hint. */
static inline gboolean
tab_maybe(const pf_table *t, unsigned v)
{
    unsigned h = v & (PF_HINT_BITS - 1);

    return (t->hint[h / 64] >> (h % 64)) & 1;
}

static gboolean
key_eq(const pf_key *a, const pf_key *b)
{
    return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3] &&
           a->w[4] == b->w[4];
}

/* The live (not expired) entry of key, or NULL. */
static pf_entry *
tab_find(pf_table *t, const pf_key *k, gint64 now)
{
    guint32 mask, i;

    if (!t->occupied || !tab_maybe(t, key_hint(k)))
        return NULL;
    mask = t->cap - 1;
    for (i = key_hash(k) & mask;; i = (i + 1) & mask) {
        pf_entry *e = &t->slots[i];
        if (!e->used)
            return NULL;
        if (key_eq(&e->key, k))
            return e->expires >= now ? e : NULL;
    }
}

static void
tab_place(pf_entry *slots, guint32 cap, const pf_entry *src)
{
    guint32 mask = cap - 1, i;

    for (i = key_hash(&src->key) & mask; slots[i].used; i = (i + 1) & mask)
        ;
    slots[i] = *src;
}

/* Rebuild with capacity cap, dropping expired entries. */
static void
tab_rebuild(pf_table *t, guint32 cap, gint64 now)
{
    pf_entry *old = t->slots;
    guint32 oldcap = t->cap, i;

    t->slots = g_new0(pf_entry, cap);
    t->cap = cap;
    t->occupied = 0;
    memset(t->hint, 0, sizeof t->hint);
    for (i = 0; i < oldcap; i++) {
        if (old[i].used && old[i].expires >= now) {
            tab_place(t->slots, cap, &old[i]);
            hint_set(t, key_hint(&old[i].key));
            t->occupied++;
        }
    }
    g_free(old);
}

static guint32
tab_live(const pf_table *t, gint64 now)
{
    guint32 i, n = 0;

    for (i = 0; i < t->cap; i++)
        n += t->slots[i].used && t->slots[i].expires >= now;
    return n;
}

static void
tab_sweep(pf_table *t, gint64 now)
{
    guint32 cap = t->cap;

    if (!t->occupied)
        return;
    /* Shrink when mostly empty: state goes away with the conversations. */
    while (cap > 64 && tab_live(t, now) * 8 < cap)
        cap /= 2;
    tab_rebuild(t, cap, now);
}

/* Find or create the entry of key; a new entry is zeroed apart from its
 * key.  NULL when the table is full of live entries. */
static pf_entry *
tab_insert(pf_table *t, const pf_key *k, gint64 now, gboolean *created)
{
    guint32 mask, i;

    *created = FALSE;
    if (t->cap) {
        mask = t->cap - 1;
        for (i = key_hash(k) & mask; t->slots[i].used; i = (i + 1) & mask) {
            if (key_eq(&t->slots[i].key, k)) {
                if (t->slots[i].expires < now) {        /* expired: reuse */
                    pf_entry *e = &t->slots[i];
                    memset(e, 0, sizeof *e);
                    e->key = *k;
                    e->used = 1;
                    *created = TRUE;
                }
                return &t->slots[i];
            }
        }
    }
    if (t->occupied >= t->max) {
        tab_rebuild(t, t->cap, now);
        if (t->occupied >= t->max)
            return NULL;
    }
    if (!t->cap || (t->occupied + 1) * 2 > t->cap)
        tab_rebuild(t, t->cap ? t->cap * 2 : 64, now);
    mask = t->cap - 1;
    for (i = key_hash(k) & mask; t->slots[i].used; i = (i + 1) & mask)
        ;
    memset(&t->slots[i], 0, sizeof t->slots[i]);
    t->slots[i].key = *k;
    t->slots[i].used = 1;
    hint_set(t, key_hint(k));
    t->occupied++;
    *created = TRUE;
    return &t->slots[i];
}

/* ---- state ---------------------------------------------------------------- */

pf_state *
pf_new(const pf_config *cfg)
{
    pf_state *st = g_new0(pf_state, 1);

    st->cfg = *cfg;
    st->tftp.max = PF_MAX_TFTP;
    st->tcp.max = PF_MAX_TCP;
    st->frag.max = PF_MAX_FRAG;
    st->tftp.overflow_until = st->tcp.overflow_until = G_MININT64;
    st->next_sweep = G_MININT64;
    st->max_step = PF_MAX_CLOCK_STEP;
    return st;
}

void
pf_set_max_clock_step(pf_state *st, gint64 step)
{
    st->max_step = step > 0 ? step : 1;
}

void
pf_free(pf_state *st)
{
    if (!st)
        return;
    g_free(st->tftp.slots);
    g_free(st->tcp.slots);
    g_free(st->frag.slots);
    g_free(st);
}

void
pf_enable_tls_any_port(pf_state *st)
{
    st->cfg.tls_any_port = TRUE;
}

const pf_stats *
pf_get_stats(pf_state *st)
{
    pf_stats *s = &st->stats;

    s->live_tftp = tab_live(&st->tftp, st->now);
    s->live_tcp = tab_live(&st->tcp, st->now);
    s->live_frag = tab_live(&st->frag, st->now);
    return s;
}

static void
note_peak(guint32 *peak, const pf_table *t)
{
    if (t->occupied > *peak)
        *peak = t->occupied;
}

/* ---- parsing ---------------------------------------------------------------- */

enum {
    V_DROP = 0,
    V_KEEP,
    V_UNPARSED,                 /* kept: not understood */
    V_OVERFLOW                  /* kept: a table was full */
};

#define MAX_DEPTH 4             /* tunnels inside tunnels */

typedef struct {
    pf_state *st;
    gboolean embedded;          /* quoted by an ICMP error: decide only */
    int depth;
} pctx;

typedef struct {
    int fam;                    /* 4 or 6 */
    const guint8 *src, *dst;
} ipaddr;

static inline unsigned
be16(const guint8 *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static inline guint32
be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static int do_ether(pctx *c, const guint8 *p, guint32 len);
static int do_ethertype(pctx *c, unsigned type, const guint8 *p, guint32 len, int vlans);
static int do_ipv4(pctx *c, const guint8 *p, guint32 len);
static int do_ipv6(pctx *c, const guint8 *p, guint32 len);
static int do_proto(pctx *c, unsigned proto, const ipaddr *ip, const guint8 *p, guint32 caplen, guint32 len);

static void
endpoint_key(pf_key *k, const ipaddr *ip, const guint8 *addr, unsigned port)
{
    guint8 *b = (guint8 *)k->w;

    memset(k, 0, sizeof *k);
    b[0] = K_TFTP;
    b[1] = (guint8)ip->fam;
    b[2] = (guint8)(port >> 8);
    b[3] = (guint8)port;
    memcpy(b + 4, addr, ip->fam == 4 ? 4 : 16);
}

/* Both endpoints in a canonical order; *lower_is_src tells the direction. */
static void
conn_key(pf_key *k, const ipaddr *ip, unsigned sport, unsigned dport, gboolean *lower_is_src)
{
    guint8 *b = (guint8 *)k->w, a[18], z[18];
    unsigned alen = ip->fam == 4 ? 4 : 16;
    int cmp;

    memset(a, 0, sizeof a);
    memset(z, 0, sizeof z);
    memcpy(a, ip->src, alen);
    a[16] = (guint8)(sport >> 8);
    a[17] = (guint8)sport;
    memcpy(z, ip->dst, alen);
    z[16] = (guint8)(dport >> 8);
    z[17] = (guint8)dport;
    cmp = memcmp(a, z, sizeof a);
    *lower_is_src = cmp <= 0;
    memset(k, 0, sizeof *k);
    b[0] = K_TCP;
    b[1] = (guint8)ip->fam;
    memcpy(b + 2, cmp <= 0 ? a : z, 18);
    memcpy(b + 20, cmp <= 0 ? z : a, 18);
}

static void
frag_key(pf_key *k, int kind, const ipaddr *ip, guint32 id, unsigned proto)
{
    guint8 *b = (guint8 *)k->w;
    unsigned alen = ip->fam == 4 ? 4 : 16;

    memset(k, 0, sizeof *k);
    b[0] = (guint8)kind;
    b[1] = (guint8)proto;
    b[2] = (guint8)(id >> 24);
    b[3] = (guint8)(id >> 16);
    b[4] = (guint8)(id >> 8);
    b[5] = (guint8)id;
    memcpy(b + 6, ip->src, alen);
    memcpy(b + 22, ip->dst, alen);
}

/* ---- TFTP ------------------------------------------------------------------- */

/* A read or write request as TFTP (port or heuristic) accepts it: opcode
 * 1/2, a NUL-terminated file name, a mode of netascii, octet or mail.
 * Looser than TFTP's own test (never rejects what it accepts); a request
 * cut short by the snap length is accepted. */
static gboolean
tftp_request(const guint8 *p, guint32 n, gboolean cut)
{
    static const char *const modes[] = { "netascii", "octet", "mail" };
    const guint8 *z, *mode;
    guint32 left, mlen;
    unsigned i;

    if (n < 2 || p[0] != 0 || (p[1] != 1 && p[1] != 2))
        return FALSE;
    z = n > 2 ? memchr(p + 2, 0, n - 2) : NULL;
    if (!z)
        return cut;
    mode = z + 1;
    left = (guint32)(p + n - mode);
    for (mlen = 0; mlen < left && mode[mlen]; mlen++)
        ;
    if (mlen == left && !cut)
        return FALSE;
    if (mlen == left)
        return TRUE;
    for (i = 0; i < G_N_ELEMENTS(modes); i++)
        if (mlen == strlen(modes[i]) && g_ascii_strncasecmp((const char *)mode, modes[i], mlen) == 0)
            return TRUE;
    return FALSE;
}

/* blksize from an OACK's options, 0 if none. */
static guint32
oack_blksize(const guint8 *p, guint32 n)
{
    guint32 off = 2;

    while (off < n) {
        const guint8 *name = p + off, *val;
        guint32 nlen = 0, vlen = 0, v = 0, i;
        while (off + nlen < n && name[nlen])
            nlen++;
        if (off + nlen >= n)
            return 0;
        val = name + nlen + 1;
        off += nlen + 1;
        while (off + vlen < n && val[vlen])
            vlen++;
        off += vlen + 1;
        if (nlen == 7 && g_ascii_strncasecmp((const char *)name, "blksize", 7) == 0) {
            for (i = 0; i < vlen && i < 6 && g_ascii_isdigit(val[i]); i++)
                v = v * 10 + (guint32)(val[i] - '0');
            return v >= 8 && v <= 65464 ? v : 0;
        }
    }
    return 0;
}

static void
tftp_track(pf_state *st, pf_entry *e, const guint8 *pl, guint32 caplen, guint32 len)
{
    unsigned opcode = caplen >= 2 ? be16(pl) : 0;

    switch (opcode) {
    case 3:                     /* DATA: a short block is the last one */
        if (len >= 4) {
            gboolean last = len - 4 < e->blksize;
            if (last && !e->ending)
                st->stats.tftp_ended++;
            e->ending = last;
        }
        break;
    case 5:                     /* ERROR ends the transfer */
        if (!e->ending)
            st->stats.tftp_ended++;
        e->ending = 1;
        break;
    case 6: {                   /* OACK: the block size in force */
        guint32 b = oack_blksize(pl, caplen);
        if (b)
            e->blksize = b;
        break;
    }
    default:
        break;
    }
    e->expires = st->now + (e->ending ? PF_TFTP_LINGER : PF_TFTP_IDLE);
}

static int
do_udp(pctx *c, const ipaddr *ip, const guint8 *p, guint32 caplen)
{
    pf_state *st = c->st;
    unsigned sport, dport, ulen;
    const guint8 *pl;
    guint32 plcap, pllen;
    gboolean keep;
    pf_key k;
    pf_entry *e;

    if (caplen < 8)
        return caplen >= 4 && (pf_config_has_udp(&st->cfg, be16(p)) || pf_config_has_udp(&st->cfg, be16(p + 2)))
                   ? V_KEEP : V_UNPARSED;
    sport = be16(p);
    dport = be16(p + 2);
    ulen = be16(p + 4);
    pl = p + 8;
    plcap = caplen - 8;
    pllen = ulen >= 8 ? ulen - 8 : plcap;
    if (plcap > pllen)
        plcap = pllen;

    /* VXLAN and Geneve: decide on the inner frame. */
    if (!c->embedded && (dport == 4789 || dport == 6081)) {
        if (c->depth >= MAX_DEPTH || plcap < 8)
            return V_UNPARSED;
        c->depth++;
        if (dport == 4789)
            return do_ether(c, pl + 8, plcap - 8);
        {
            guint32 hl = 8 + 4u * (pl[0] & 0x3f);
            unsigned proto = be16(pl + 2);
            if (hl > plcap)
                return V_UNPARSED;
            if (proto == 0x6558)
                return do_ether(c, pl + hl, plcap - hl);
            if (proto == 0x0800 || proto == 0x86dd)
                return proto == 0x0800 ? do_ipv4(c, pl + hl, plcap - hl) : do_ipv6(c, pl + hl, plcap - hl);
            return V_UNPARSED;
        }
    }

    keep = pf_config_has_udp(&st->cfg, sport) || pf_config_has_udp(&st->cfg, dport);
    if (tftp_request(pl, plcap, plcap < pllen)) {
        gboolean created;
        if (c->embedded)
            return V_KEEP;
        endpoint_key(&k, ip, ip->src, sport);
        e = tab_insert(&st->tftp, &k, st->now, &created);
        if (!e) {
            st->tftp.overflow_until = st->now + PF_TFTP_IDLE;
            return V_OVERFLOW;
        }
        e->blksize = 512;       /* a new transfer on this endpoint */
        e->ending = 0;
        e->expires = st->now + PF_TFTP_IDLE;
        st->stats.tftp_requests++;
        note_peak(&st->stats.peak_tftp, &st->tftp);
        return V_KEEP;
    }
    if (st->tftp.occupied && (tab_maybe(&st->tftp, dport) || tab_maybe(&st->tftp, sport))) {
        /* Server -> client (RRQ data, WRQ acks), then client -> server. */
        endpoint_key(&k, ip, ip->dst, dport);
        e = tab_find(&st->tftp, &k, st->now);
        if (!e) {
            endpoint_key(&k, ip, ip->src, sport);
            e = tab_find(&st->tftp, &k, st->now);
        }
        if (e) {
            if (!c->embedded)
                tftp_track(st, e, pl, plcap, pllen);
            return V_KEEP;
        }
    }
    if (keep)
        return V_KEEP;
    if (st->tftp.overflow_until >= st->now)
        return V_OVERFLOW;
    return V_DROP;
}

/* ---- TCP ----------------------------------------------------------------------- */

static int
do_tcp(pctx *c, const ipaddr *ip, const guint8 *p, guint32 caplen)
{
    pf_state *st = c->st;
    unsigned sport, dport, flags, doff;
    gboolean lower_is_src;
    pf_key k;
    pf_entry *e;

    if (caplen < 4)
        return V_UNPARSED;
    sport = be16(p);
    dport = be16(p + 2);
    if (pf_config_has_tcp(&st->cfg, sport) || pf_config_has_tcp(&st->cfg, dport))
        return V_KEEP;
    if (!st->cfg.tls_any_port && !st->tcp.occupied)
        return V_DROP;
    if (caplen < 14)
        return V_UNPARSED;
    flags = p[13];
    doff = (unsigned)(p[12] >> 4) * 4;
    conn_key(&k, ip, sport, dport, &lower_is_src);
    e = tab_find(&st->tcp, &k, st->now);
    if (e) {
        if (c->embedded)
            return V_KEEP;
        if (flags & 0x04)                       /* RST */
            e->ending = 1;
        if (flags & 0x01)                       /* FIN */
            e->fin |= lower_is_src ? 1 : 2;
        if (e->fin == 3)
            e->ending = 1;
        e->expires = st->now + (e->ending ? PF_TCP_LINGER : PF_TCP_IDLE);
        return V_KEEP;
    }
    if (st->cfg.tls_any_port && !c->embedded && doff >= 20 && caplen >= doff + 6) {
        const guint8 *pl = p + doff;
        /* A TLS handshake record holding a ClientHello starts the
         * connection's TLS: from here TLS can decrypt, if it has keys. */
        if (pl[0] == 0x16 && pl[1] == 3 && pl[2] <= 4 && pl[5] == 1) {
            gboolean created;
            e = tab_insert(&st->tcp, &k, st->now, &created);
            if (!e) {
                st->tcp.overflow_until = st->now + PF_TCP_IDLE;
                return V_OVERFLOW;
            }
            e->ending = 0;
            e->fin = 0;
            e->expires = st->now + PF_TCP_IDLE;
            if (created)
                st->stats.tls_tracked++;
            note_peak(&st->stats.peak_tcp, &st->tcp);
            return V_KEEP;
        }
    }
    if (st->tcp.overflow_until >= st->now)
        return V_OVERFLOW;
    return V_DROP;
}

/* ---- ICMP errors: keep those quoting kept traffic ------------------------- */

static int
do_icmp(pctx *c, int v6, const guint8 *p, guint32 caplen)
{
    unsigned type;
    pctx inner;
    int v;

    if (c->embedded)
        return V_DROP;
    if (caplen < 8)
        return V_UNPARSED;
    type = p[0];
    if (v6 ? !(type >= 1 && type <= 4) : !(type == 3 || type == 4 || type == 5 || type == 11 || type == 12))
        return V_DROP;          /* echo, neighbour discovery, ...: no use to us */
    inner = *c;
    inner.embedded = TRUE;
    v = v6 ? do_ipv6(&inner, p + 8, caplen - 8) : do_ipv4(&inner, p + 8, caplen - 8);
    return v;
}

/* ---- GRE ------------------------------------------------------------------------ */

static int
do_greproto(pctx *c, unsigned proto, const guint8 *p, guint32 len)
{
    switch (proto) {
    case 0x0800:
        return do_ipv4(c, p, len);
    case 0x86dd:
        return do_ipv6(c, p, len);
    case 0x6558:                /* transparent Ethernet bridging */
        return do_ether(c, p, len);
    default:
        return do_ethertype(c, proto, p, len, 0);
    }
}

static int
do_gre(pctx *c, const guint8 *p, guint32 caplen)
{
    unsigned flags, proto;
    guint32 off = 4;

    if (caplen < 4 || c->depth >= MAX_DEPTH)
        return V_UNPARSED;
    flags = be16(p);
    proto = be16(p + 2);
    if ((flags & 7) != 0 || (flags & 0x4000))
        return V_UNPARSED;      /* version 1 (PPTP), source routing */
    if (flags & 0x8000)
        off += 4;               /* checksum */
    if (flags & 0x2000)
        off += 4;               /* key */
    if (flags & 0x1000)
        off += 4;               /* sequence */
    if (off > caplen)
        return V_UNPARSED;
    c->depth++;
    if (proto == 0x88be) {      /* ERSPAN I (no header) / II (8 bytes, with a sequence number) */
        if (flags & 0x1000)
            off += 8;
        return off <= caplen ? do_ether(c, p + off, caplen - off) : V_UNPARSED;
    }
    if (proto == 0x22eb) {      /* ERSPAN III: 12 bytes, 8 more with the O flag */
        if (off + 12 > caplen)
            return V_UNPARSED;
        off += (p[off + 11] & 1) ? 20 : 12;
        return off <= caplen ? do_ether(c, p + off, caplen - off) : V_UNPARSED;
    }
    return do_greproto(c, proto, p + off, caplen - off);
}

/* ---- IP ---------------------------------------------------------------------------- */

static int
do_proto(pctx *c, unsigned proto, const ipaddr *ip, const guint8 *p, guint32 caplen, guint32 len)
{
    if (caplen > len)
        caplen = len;
    switch (proto) {
    case 6:
        return do_tcp(c, ip, p, caplen);
    case 17:
        return do_udp(c, ip, p, caplen);
    case 1:
        return ip->fam == 4 ? do_icmp(c, 0, p, caplen) : V_DROP;
    case 58:
        return ip->fam == 6 ? do_icmp(c, 1, p, caplen) : V_DROP;
    case 4:
    case 41:
        if (c->depth >= MAX_DEPTH)
            return V_UNPARSED;
        c->depth++;
        return proto == 4 ? do_ipv4(c, p, caplen) : do_ipv6(c, p, caplen);
    case 47:
        return do_gre(c, p, caplen);
    default:
        /* ESP, SCTP, OSPF, IGMP, PIM, VRRP, ...: none of it is ours. */
        return V_DROP;
    }
}

/* A datagram's later fragment: dropped if its first fragment was. */
static int
frag_later(pctx *c, pf_key *k, gboolean more)
{
    pf_state *st = c->st;
    pf_entry *e;

    if (c->embedded)
        return V_UNPARSED;
    e = tab_find(&st->frag, k, st->now);
    if (!e)
        return V_KEEP;
    if (!more)                          /* the last one: the rest are due soon */
        e->expires = MIN(e->expires, st->now + PF_FRAG_LINGER);
    st->stats.frag_dropped++;
    return V_DROP;
}

static void
frag_first_dropped(pctx *c, pf_key *k)
{
    pf_state *st = c->st;
    gboolean created;
    pf_entry *e;

    if (c->embedded)
        return;
    e = tab_insert(&st->frag, k, st->now, &created);
    if (!e)
        return;                 /* full: later fragments are kept, harmless */
    e->expires = st->now + PF_FRAG_IDLE;
    note_peak(&st->stats.peak_frag, &st->frag);
}

static int
do_ipv4(pctx *c, const guint8 *p, guint32 caplen)
{
    guint32 hl, tot, len;
    unsigned fo, proto;
    ipaddr ip;
    pf_key k;
    int v;

    if (caplen < 20 || (p[0] >> 4) != 4)
        return V_UNPARSED;
    hl = (guint32)(p[0] & 0x0f) * 4;
    tot = be16(p + 2);
    if (hl < 20 || hl > caplen)
        return V_UNPARSED;
    if (tot == 0)               /* TSO: length not filled in */
        tot = caplen;
    if (tot < hl)
        return V_UNPARSED;
    len = tot - hl;
    fo = be16(p + 6);
    proto = p[9];
    ip.fam = 4;
    ip.src = p + 12;
    ip.dst = p + 16;
    if (fo & 0x3fff) {
        if (fo & 0x1fff) {      /* a later fragment */
            frag_key(&k, K_FRAG4, &ip, be16(p + 4), proto);
            return frag_later(c, &k, (fo & 0x2000) != 0);
        }
        v = do_proto(c, proto, &ip, p + hl, caplen - hl, len);
        if (v == V_DROP) {
            frag_key(&k, K_FRAG4, &ip, be16(p + 4), proto);
            frag_first_dropped(c, &k);
        }
        return v;
    }
    return do_proto(c, proto, &ip, p + hl, caplen - hl, len);
}

static int
do_ipv6(pctx *c, const guint8 *p, guint32 caplen)
{
    guint32 off = 40, len, plen;
    unsigned nh, n;
    gboolean first_frag = FALSE;
    guint32 frag_id = 0;
    ipaddr ip;
    pf_key k;
    int v;

    if (caplen < 40 || (p[0] >> 4) != 6)
        return V_UNPARSED;
    plen = be16(p + 4);
    len = plen ? plen + 40 : caplen;    /* 0: jumbogram */
    nh = p[6];
    ip.fam = 6;
    ip.src = p + 8;
    ip.dst = p + 24;
    for (n = 0; n < 16; n++) {
        guint32 elen;
        switch (nh) {
        case 0:                 /* hop-by-hop */
        case 43:                /* routing */
        case 60:                /* destination options */
        case 135:               /* mobility */
        case 139:               /* HIP */
        case 140:               /* shim6 */
        case 253:
        case 254:
            if (off + 8 > caplen)
                return V_UNPARSED;
            elen = ((guint32)p[off + 1] + 1) * 8;
            nh = p[off];
            off += elen;
            continue;
        case 51:                /* AH */
            if (off + 8 > caplen)
                return V_UNPARSED;
            elen = ((guint32)p[off + 1] + 2) * 4;
            nh = p[off];
            off += elen;
            continue;
        case 44: {              /* fragment */
            unsigned fo;
            if (off + 8 > caplen)
                return V_UNPARSED;
            fo = be16(p + off + 2);
            frag_id = be32(p + off + 4);
            nh = p[off];
            off += 8;
            if (fo & 0xfff8) {
                frag_key(&k, K_FRAG6, &ip, frag_id, 0);
                return frag_later(c, &k, (fo & 1) != 0);
            }
            first_frag = (fo & 1) != 0;
            continue;
        }
        case 59:                /* no next header */
        case 50:                /* ESP */
            return V_DROP;
        default:
            break;
        }
        break;
    }
    if (n == 16 || off > caplen || off > len)
        return V_UNPARSED;
    v = do_proto(c, nh, &ip, p + off, caplen - off, len - off);
    if (first_frag && v == V_DROP) {
        frag_key(&k, K_FRAG6, &ip, frag_id, 0);
        frag_first_dropped(c, &k);
    }
    return v;
}

/* ---- link layers ---------------------------------------------------------------- */

static int
do_mpls(pctx *c, const guint8 *p, guint32 len)
{
    guint32 off = 0;
    unsigned n;

    for (n = 0; n < 8; n++) {
        if (off + 4 > len)
            return V_UNPARSED;
        off += 4;
        if (p[off - 2] & 1)     /* bottom of stack */
            break;
    }
    if (n == 8 || off >= len)
        return V_UNPARSED;
    switch (p[off] >> 4) {
    case 4:
        return do_ipv4(c, p + off, len - off);
    case 6:
        return do_ipv6(c, p + off, len - off);
    default:
        return V_UNPARSED;      /* pseudowires, control words */
    }
}

/* 802.2 LLC after an 802.3 length field: only SNAP with an Ethertype can
 * carry IP; the rest (STP, CDP/VTP under Cisco's OUI, IPX, ...) cannot. */
static int
do_llc(pctx *c, const guint8 *p, guint32 len)
{
    if (len >= 8 && p[0] == 0xaa && p[1] == 0xaa && p[2] == 0x03) {
        /* RFC 1042 and 802.1H encapsulated Ethertypes; other OUIs carry
         * vendor control protocols (CDP, VTP, ...). */
        if (p[3] == 0 && p[4] == 0 && (p[5] == 0 || p[5] == 0xf8))
            return do_ethertype(c, be16(p + 6), p + 8, len - 8, 0);
        return V_DROP;
    }
    if (len < 3)
        return V_UNPARSED;
    return V_DROP;
}

static int
do_ethertype(pctx *c, unsigned type, const guint8 *p, guint32 len, int vlans)
{
    switch (type) {
    case 0x0800:
        return do_ipv4(c, p, len);
    case 0x86dd:
        return do_ipv6(c, p, len);
    case 0x8100:                /* 802.1Q */
    case 0x88a8:                /* 802.1ad (QinQ) */
    case 0x9100:
    case 0x9200:
        if (len < 4 || vlans >= 8)
            return V_UNPARSED;
        return do_ethertype(c, be16(p + 2), p + 4, len - 4, vlans + 1);
    case 0x8847:
    case 0x8848:
        return do_mpls(c, p, len);
    case 0x8864:                /* PPPoE session */
        if (len < 8)
            return V_UNPARSED;
        switch (be16(p + 6)) {
        case 0x0021:
            return do_ipv4(c, p + 8, len - 8);
        case 0x0057:
            return do_ipv6(c, p + 8, len - 8);
        default:
            return V_DROP;      /* LCP, IPCP, ... */
        }
    case 0x0806:                /* ARP */
    case 0x8035:                /* RARP */
    case 0x88cc:                /* LLDP */
    case 0x8809:                /* slow protocols (LACP) */
    case 0x888e:                /* 802.1X */
    case 0x88f7:                /* PTP */
    case 0x8902:                /* CFM */
    case 0x9000:                /* loopback */
    case 0x0842:                /* wake-on-LAN */
    case 0x88e3:                /* MRP */
    case 0x22ea:                /* SRP */
    case 0x88f5:                /* MVRP */
    case 0x8863:                /* PPPoE discovery */
    case 0x893a:                /* IEEE 1905 */
        return V_DROP;
    default:
        return V_UNPARSED;
    }
}

static int
do_ether(pctx *c, const guint8 *p, guint32 len)
{
    unsigned type;

    if (len < 14)
        return V_UNPARSED;
    type = be16(p + 12);
    if (type <= 1500)
        return do_llc(c, p + 14, len - 14);
    if (type < 0x0600)
        return V_UNPARSED;
    return do_ethertype(c, type, p + 14, len - 14, 0);
}

/* Linux cooked capture: the protocol field is an Ethertype except for a
 * few small values and some hardware types. */
static int
do_sll_proto(pctx *c, unsigned hatype, unsigned proto, const guint8 *p, guint32 len)
{
    if (hatype == 824)          /* netlink */
        return V_UNPARSED;
    if (hatype == 778)          /* IP over GRE: a GRE protocol type */
        return do_greproto(c, proto, p, len);
    if (proto == 0x0001)        /* 802.3 without LLC (Novell) */
        return V_DROP;
    if (proto == 0x0004)        /* 802.2 LLC */
        return do_llc(c, p, len);
    if (proto < 0x0600)
        return V_UNPARSED;
    return do_ethertype(c, proto, p, len, 0);
}

static int
do_af(pctx *c, guint32 af, const guint8 *p, guint32 len)
{
    switch (af) {
    case 2:
        return do_ipv4(c, p, len);
    case 10:                    /* Linux */
    case 24:                    /* NetBSD, OpenBSD */
    case 28:                    /* FreeBSD */
    case 30:                    /* macOS */
        return do_ipv6(c, p, len);
    default:
        return V_UNPARSED;
    }
}

static int
do_link(pctx *c, int encap, const guint8 *p, guint32 len)
{
    switch (encap) {
    case WTAP_ENCAP_ETHERNET:
        return do_ether(c, p, len);
    case WTAP_ENCAP_SLL:
        if (len < 16)
            return V_UNPARSED;
        return do_sll_proto(c, be16(p + 2), be16(p + 14), p + 16, len - 16);
    case WTAP_ENCAP_SLL2:
        if (len < 20)
            return V_UNPARSED;
        return do_sll_proto(c, be16(p + 8), be16(p), p + 20, len - 20);
    case WTAP_ENCAP_RAW_IP:
        if (len < 1)
            return V_UNPARSED;
        if ((p[0] >> 4) == 4)
            return do_ipv4(c, p, len);
        if ((p[0] >> 4) == 6)
            return do_ipv6(c, p, len);
        return V_UNPARSED;
    case WTAP_ENCAP_RAW_IP4:
        return do_ipv4(c, p, len);
    case WTAP_ENCAP_RAW_IP6:
        return do_ipv6(c, p, len);
    case WTAP_ENCAP_NULL:       /* address family in the capturing host's byte order */
        if (len < 4)
            return V_UNPARSED;
        {
            guint32 le = (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
            return do_af(c, le < 256 ? le : be32(p), p + 4, len - 4);
        }
    case WTAP_ENCAP_LOOP:       /* network byte order */
        if (len < 4)
            return V_UNPARSED;
        return do_af(c, be32(p), p + 4, len - 4);
    default:
        return V_UNPARSED;
    }
}

static void
sweep(pf_state *st)
{
    tab_sweep(&st->tftp, st->now);
    tab_sweep(&st->tcp, st->now);
    tab_sweep(&st->frag, st->now);
    st->next_sweep = st->now + SWEEP_EVERY;
}

gboolean
pf_record(pf_state *st, int encap, const guint8 *data, guint32 caplen, gint64 ts_sec)
{
    pctx c;
    int v;

    st->stats.records++;
    if (!st->started) {
        st->started = TRUE;
        st->now = st->last_ts = ts_sec;
    } else if (ts_sec > st->last_ts) {
        gint64 d = ts_sec - st->last_ts;
        st->now += d < st->max_step ? d : st->max_step;
        st->last_ts = ts_sec;
    }
    if (st->now >= st->next_sweep)
        sweep(st);
    c.st = st;
    c.embedded = FALSE;
    c.depth = 0;
    v = do_link(&c, encap, data, caplen);
    if (v == V_DROP)
        return FALSE;
    st->stats.kept++;
    if (v == V_UNPARSED)
        st->stats.kept_unparsed++;
    else if (v == V_OVERFLOW)
        st->stats.kept_overflow++;
    return TRUE;
}
