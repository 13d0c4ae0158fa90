/* sbd-der.c - a small, bounded DER reader for X.509 certificates
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "sbd-der.h"

#define DER_INTEGER     0x02
#define DER_BIT_STRING  0x03
#define DER_OID         0x06
#define DER_SEQUENCE    0x30
#define DER_SET         0x31
#define DER_CTX0        0xa0

gboolean
sbd_der_read(const guint8 *buf, size_t len, size_t *off, guint8 *tag, sbd_span *content)
{
    size_t o = *off;
    size_t l;

    if (o >= len || len - o < 2)
        return FALSE;
    *tag = buf[o++];
    if ((*tag & 0x1f) == 0x1f)          /* multi-octet tags: not in X.509 */
        return FALSE;
    l = buf[o++];
    if (l & 0x80) {
        unsigned n = l & 0x7f;
        if (n == 0 || n > 4 || len - o < n)   /* indefinite or absurd */
            return FALSE;
        l = 0;
        while (n--)
            l = (l << 8) | buf[o++];
    }
    if (l > len - o)
        return FALSE;
    content->p = buf + o;
    content->len = l;
    *off = o + l;
    return TRUE;
}

/* Do the TLVs of buf[0, len) fill it exactly? */
static gboolean
der_fills(const guint8 *buf, size_t len)
{
    size_t off = 0;
    guint8 tag;
    sbd_span c;

    while (off < len)
        if (!sbd_der_read(buf, len, &off, &tag, &c))
            return FALSE;
    return len > 0;
}

static size_t
count_oids(const guint8 *buf, size_t len, size_t limit, int depth)
{
    size_t off = 0, n = 0;
    guint8 tag;
    sbd_span c;

    if (depth > 32)
        return limit;
    while (off < len && n < limit) {
        if (!sbd_der_read(buf, len, &off, &tag, &c))
            break;
        if (tag == DER_OID)
            n++;
        else if (tag & 0x20)                                 /* constructed */
            n += count_oids(c.p, c.len, limit - n, depth + 1);
        else if (tag == 0x04 && der_fills(c.p, c.len))       /* OCTET STRING holding DER */
            n += count_oids(c.p, c.len, limit - n, depth + 1);
        else if (tag == DER_BIT_STRING && c.len > 1 && der_fills(c.p + 1, c.len - 1))
            n += count_oids(c.p + 1, c.len - 1, limit - n, depth + 1);
    }
    return MIN(n, limit);
}

size_t
sbd_der_count_oids(const guint8 *buf, size_t len, size_t limit)
{
    return count_oids(buf, len, limit, 0);
}

/* Read a TLV of an expected tag from a span cursor. */
static gboolean
expect(sbd_span in, size_t *off, guint8 want, sbd_span *content, sbd_span *whole)
{
    size_t start = *off;
    guint8 tag;

    if (!sbd_der_read(in.p, in.len, off, &tag, content) || tag != want)
        return FALSE;
    if (whole) {
        whole->p = in.p + start;
        whole->len = *off - start;
    }
    return TRUE;
}

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
static gboolean
read_alg(sbd_span in, size_t *off, sbd_span *oid)
{
    sbd_span seq;
    size_t o = 0;

    if (!expect(in, off, DER_SEQUENCE, &seq, NULL))
        return FALSE;
    return expect(seq, &o, DER_OID, oid, NULL);
}

static gboolean
read_bits(sbd_span in, size_t *off, sbd_span *bits)
{
    sbd_span b;

    if (!expect(in, off, DER_BIT_STRING, &b, NULL) || b.len < 1)
        return FALSE;
    bits->p = b.p + 1;          /* skip the unused-bits octet */
    bits->len = b.len - 1;
    return TRUE;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static gint64
days_from_civil(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (gint64)era * 146097 + doe - 719468;
}

static gboolean
digits(const guint8 *p, size_t n, int *out)
{
    size_t i;
    int v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return FALSE;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return TRUE;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 forms). */
static gboolean
read_time(sbd_span in, size_t *off, gint64 *t)
{
    sbd_span v;
    guint8 tag;
    int y, mo, d, h, mi, se;
    size_t yl;

    if (!sbd_der_read(in.p, in.len, off, &tag, &v))
        return FALSE;
    if (tag == 0x17 && v.len == 13)
        yl = 2;
    else if (tag == 0x18 && v.len == 15)
        yl = 4;
    else
        return FALSE;
    if (v.p[v.len - 1] != 'Z' || !digits(v.p, yl, &y) || !digits(v.p + yl, 2, &mo) ||
        !digits(v.p + yl + 2, 2, &d) || !digits(v.p + yl + 4, 2, &h) ||
        !digits(v.p + yl + 6, 2, &mi) || !digits(v.p + yl + 8, 2, &se))
        return FALSE;
    if (yl == 2)
        y += y < 50 ? 2000 : 1900;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return FALSE;
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return TRUE;
}

gboolean
sbd_cert_parse(const guint8 *der, size_t len, sbd_cert *c)
{
    sbd_span all = { der, len }, cert, tbs, v, validity;
    size_t off = 0, o = 0, t = 0;
    guint8 tag;

    memset(c, 0, sizeof *c);
    if (!expect(all, &off, DER_SEQUENCE, &cert, &c->der) || off != len)
        return FALSE;
    if (!expect(cert, &o, DER_SEQUENCE, &tbs, &c->tbs))
        return FALSE;
    if (!read_alg(cert, &o, &c->sig_alg) || !read_bits(cert, &o, &c->signature))
        return FALSE;

    c->version = 1;
    /* [0] EXPLICIT Version DEFAULT v1 */
    if (tbs.len > 0 && tbs.p[0] == DER_CTX0) {
        sbd_span inner, iv;
        size_t io = 0;
        if (!sbd_der_read(tbs.p, tbs.len, &t, &tag, &inner))
            return FALSE;
        if (!expect(inner, &io, DER_INTEGER, &iv, NULL) || iv.len != 1 || iv.p[0] > 2)
            return FALSE;
        c->version = iv.p[0] + 1;
    }
    if (!expect(tbs, &t, DER_INTEGER, &c->serial, NULL) || c->serial.len == 0)
        return FALSE;
    if (!read_alg(tbs, &t, &v))                                  /* signature */
        return FALSE;
    if (!expect(tbs, &t, DER_SEQUENCE, &v, &c->issuer))
        return FALSE;
    if (!expect(tbs, &t, DER_SEQUENCE, &validity, NULL))
        return FALSE;
    {
        size_t vo = 0;
        c->has_validity = read_time(validity, &vo, &c->not_before) &&
                          read_time(validity, &vo, &c->not_after);
    }
    if (!expect(tbs, &t, DER_SEQUENCE, &v, &c->subject))
        return FALSE;
    {
        sbd_span spki;
        size_t so = 0;
        if (!expect(tbs, &t, DER_SEQUENCE, &spki, &c->spki))
            return FALSE;
        if (!read_alg(spki, &so, &c->spki_alg) || !read_bits(spki, &so, &c->pubkey))
            return FALSE;
    }
    return TRUE;
}

/* ---- distinguished names ------------------------------------------------ */

typedef struct {
    const char *name;
    const guint8 *oid;
    size_t oid_len;
} attr_name;

static const guint8 oid_cn[] = { 0x55, 0x04, 0x03 };
static const guint8 oid_sn[] = { 0x55, 0x04, 0x04 };
static const guint8 oid_serial[] = { 0x55, 0x04, 0x05 };
static const guint8 oid_c[] = { 0x55, 0x04, 0x06 };
static const guint8 oid_l[] = { 0x55, 0x04, 0x07 };
static const guint8 oid_st[] = { 0x55, 0x04, 0x08 };
static const guint8 oid_street[] = { 0x55, 0x04, 0x09 };
static const guint8 oid_o[] = { 0x55, 0x04, 0x0a };
static const guint8 oid_ou[] = { 0x55, 0x04, 0x0b };
static const guint8 oid_title[] = { 0x55, 0x04, 0x0c };
static const guint8 oid_gn[] = { 0x55, 0x04, 0x2a };
static const guint8 oid_email[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 };
static const guint8 oid_dc[] = { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19 };
static const guint8 oid_uid[] = { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01 };

#define A(n, o) { n, o, sizeof o }
static const attr_name attr_names[] = {
    A("CN", oid_cn), A("SN", oid_sn), A("serialNumber", oid_serial), A("C", oid_c),
    A("L", oid_l), A("ST", oid_st), A("street", oid_street), A("O", oid_o),
    A("OU", oid_ou), A("title", oid_title), A("GN", oid_gn),
    A("emailAddress", oid_email), A("DC", oid_dc), A("UID", oid_uid),
};
#undef A

/* Other spellings seen for the same attribute types. */
static const struct { const char *alias, *name; } attr_aliases[] = {
    { "E", "emailAddress" }, { "EMAIL", "emailAddress" }, { "S", "ST" },
    { "SERIALNUMBER", "serialNumber" }, { "STREET", "street" },
    { "GIVENNAME", "GN" }, { "SURNAME", "SN" },
};

static void
append_oid(GString *s, sbd_span oid)
{
    guint64 v = 0;
    size_t i;

    if (oid.len == 0)
        return;
    {
        unsigned first = oid.p[0] < 40 ? 0 : oid.p[0] < 80 ? 1 : 2;
        g_string_append_printf(s, "%u.%u", first, oid.p[0] - 40 * first);
    }
    for (i = 1; i < oid.len; i++) {
        v = (v << 7) | (oid.p[i] & 0x7f);
        if (!(oid.p[i] & 0x80)) {
            g_string_append_printf(s, ".%" G_GUINT64_FORMAT, v);
            v = 0;
        }
    }
}

static const char *
attr_short_name(sbd_span oid)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(attr_names); i++)
        if (attr_names[i].oid_len == oid.len && memcmp(attr_names[i].oid, oid.p, oid.len) == 0)
            return attr_names[i].name;
    return NULL;
}

/* One attribute as (type, value) text; value bytes copied as they are,
 * BMPString reduced to its low octets, control characters replaced. */
typedef struct {
    GString *type;
    GString *value;
} dn_attr;

static void
attr_value_text(GString *out, guint8 tag, sbd_span v)
{
    size_t i;

    if (tag == 0x1e) {                              /* BMPString, UCS-2 BE */
        for (i = 0; i + 1 < v.len; i += 2)
            g_string_append_c(out, v.p[i] == 0 && v.p[i + 1] >= 0x20 ? (char)v.p[i + 1] : '?');
        return;
    }
    for (i = 0; i < v.len; i++)
        g_string_append_c(out, v.p[i] >= 0x20 && v.p[i] != 0x7f ? (char)v.p[i] : '?');
}

/* Collect the attributes of a Name; returns FALSE on bad DER. */
static gboolean
dn_attrs(sbd_span name, GPtrArray *out)
{
    sbd_span seq, set, atv, oid, val;
    size_t off = 0, so = 0;
    guint8 tag;

    if (!expect(name, &off, DER_SEQUENCE, &seq, NULL))
        return FALSE;
    while (so < seq.len) {
        size_t ao = 0;
        if (!expect(seq, &so, DER_SET, &set, NULL))
            return FALSE;
        while (ao < set.len) {
            size_t vo = 0;
            dn_attr *a;
            if (!expect(set, &ao, DER_SEQUENCE, &atv, NULL))
                return FALSE;
            if (!expect(atv, &vo, DER_OID, &oid, NULL))
                return FALSE;
            if (!sbd_der_read(atv.p, atv.len, &vo, &tag, &val))
                return FALSE;
            a = g_new0(dn_attr, 1);
            a->type = g_string_new(attr_short_name(oid));
            if (a->type->len == 0)
                append_oid(a->type, oid);
            a->value = g_string_new(NULL);
            attr_value_text(a->value, tag, val);
            g_ptr_array_add(out, a);
        }
    }
    return TRUE;
}

static void
dn_attr_free(gpointer p)
{
    dn_attr *a = p;

    g_string_free(a->type, TRUE);
    g_string_free(a->value, TRUE);
    g_free(a);
}

char *
sbd_dn_string(wmem_allocator_t *scope, sbd_span name, const char *sep, gboolean reverse)
{
    GPtrArray *attrs = g_ptr_array_new_with_free_func(dn_attr_free);
    GString *s = g_string_new(NULL);
    char *ret;
    guint i;

    if (!dn_attrs(name, attrs)) {
        g_string_assign(s, "(invalid DN)");
    } else {
        for (i = 0; i < attrs->len; i++) {
            dn_attr *a = g_ptr_array_index(attrs, reverse ? attrs->len - 1 - i : i);
            if (i)
                g_string_append(s, sep);
            g_string_append_printf(s, "%s=%s", a->type->str, a->value->str);
        }
    }
    ret = wmem_strdup(scope, s->str);
    g_string_free(s, TRUE);
    g_ptr_array_free(attrs, TRUE);
    return ret;
}

/* Split "T=v;T=v" (or with ',') into attributes.  Backslash escapes and
 * double quotes protect separators; surrounding quotes are dropped. */
static void
text_attrs(const char *text, size_t len, char sep, GPtrArray *out)
{
    size_t i = 0;

    while (i < len) {
        GString *item = g_string_new(NULL);
        gboolean quoted = FALSE;
        char *eq;
        dn_attr *a;

        for (; i < len && text[i] != '\0'; i++) {
            char ch = text[i];
            if (ch == '\\' && i + 1 < len) {
                g_string_append_c(item, text[++i]);
                continue;
            }
            if (ch == '"') {
                quoted = !quoted;
                continue;
            }
            if (ch == sep && !quoted)
                break;
            g_string_append_c(item, ch);
        }
        i++;                                    /* skip separator */
        eq = strchr(item->str, '=');
        a = g_new0(dn_attr, 1);
        if (eq) {
            a->type = g_string_new_len(item->str, eq - item->str);
            a->value = g_string_new(eq + 1);
        } else {
            a->type = g_string_new(NULL);
            a->value = g_string_new(item->str);
        }
        g_strstrip(a->type->str);
        a->type->len = strlen(a->type->str);
        g_ptr_array_add(out, a);
        g_string_free(item, TRUE);
    }
}

static gboolean
type_equal(const char *text_type, const char *der_type)
{
    size_t i;

    if (g_ascii_strcasecmp(text_type, der_type) == 0)
        return TRUE;
    for (i = 0; i < G_N_ELEMENTS(attr_aliases); i++)
        if (g_ascii_strcasecmp(text_type, attr_aliases[i].alias) == 0 &&
            g_ascii_strcasecmp(attr_aliases[i].name, der_type) == 0)
            return TRUE;
    return FALSE;
}

static gboolean
attrs_equal(GPtrArray *text, GPtrArray *der, gboolean reverse)
{
    guint i;

    if (text->len != der->len)
        return FALSE;
    for (i = 0; i < text->len; i++) {
        dn_attr *t = g_ptr_array_index(text, i);
        dn_attr *d = g_ptr_array_index(der, reverse ? der->len - 1 - i : i);
        if (!type_equal(t->type->str, d->type->str) || strcmp(t->value->str, d->value->str) != 0)
            return FALSE;
    }
    return TRUE;
}

gboolean
sbd_dn_equal_text(const char *text, size_t textlen, sbd_span name)
{
    GPtrArray *der = g_ptr_array_new_with_free_func(dn_attr_free);
    GPtrArray *txt = g_ptr_array_new_with_free_func(dn_attr_free);
    gboolean eq = FALSE;
    char sep = memchr(text, ';', textlen) ? ';' : ',';

    if (dn_attrs(name, der)) {
        text_attrs(text, textlen, sep, txt);
        eq = attrs_equal(txt, der, FALSE) || attrs_equal(txt, der, TRUE);
    }
    g_ptr_array_free(der, TRUE);
    g_ptr_array_free(txt, TRUE);
    return eq;
}

sbd_span
sbd_int_magnitude(sbd_span a)
{
    while (a.len > 1 && a.p[0] == 0) {
        a.p++;
        a.len--;
    }
    return a;
}

gboolean
sbd_serial_equal(sbd_span a, sbd_span b)
{
    if (a.len == 0 || b.len == 0)
        return FALSE;
    a = sbd_int_magnitude(a);
    b = sbd_int_magnitude(b);
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

gboolean
sbd_rsa_key_parse(sbd_span pkcs1, sbd_span *n, sbd_span *e)
{
    sbd_span seq;
    size_t off = 0, so = 0;

    if (!expect(pkcs1, &off, DER_SEQUENCE, &seq, NULL) || off != pkcs1.len)
        return FALSE;
    if (!expect(seq, &so, DER_INTEGER, n, NULL) || !expect(seq, &so, DER_INTEGER, e, NULL))
        return FALSE;
    return n->len > 0 && e->len > 0 && so == seq.len;
}

gboolean
sbd_oid_is_rsa(sbd_span oid)
{
    static const guint8 rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
    return oid.len == sizeof rsa && memcmp(oid.p, rsa, sizeof rsa) == 0;
}

gboolean
sbd_oid_is_ec(sbd_span oid)
{
    static const guint8 ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
    return oid.len == sizeof ec && memcmp(oid.p, ec, sizeof ec) == 0;
}
