/* sbd-tls-size.c - plaintext length of a TLS record without keys; TVS
 * answer classes by length (see sbd-tls-size.h)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "sbd-tls-size.h"

#define V10 SBD_TLS_V10
#define V12 SBD_TLS_V12
#define V13 SBD_TLS_V13
#define NUL SBD_TLS_PROT_NULL
#define STR SBD_TLS_PROT_STREAM
#define CBC SBD_TLS_PROT_CBC
#define AEAD SBD_TLS_PROT_AEAD
#define T13 SBD_TLS_PROT_TLS13

/* Suites seen with phones, CUCM and the common TLS stacks.  Ids and names
 * from the IANA TLS Cipher Suites registry and the RFC that defines each;
 * the MAC of a CBC/stream suite is the hash in its name (RFC 5246 6.2.3.1,
 * RFC 5289 3.1 for _SHA384), the AEAD nonce/tag sizes from the AEAD's RFC.
 * Sorted by id (binary search). */
static const sbd_tls_suite suites[] = {
    /* RFC 5246 A.5 (NULL and RC4 also RFC 2246 / 4346) */
    { 0x0001, "TLS_RSA_WITH_NULL_MD5",                 NUL, 0, 16, 0, 0, V10 },
    { 0x0002, "TLS_RSA_WITH_NULL_SHA",                 NUL, 0, 20, 0, 0, V10 },
    { 0x0004, "TLS_RSA_WITH_RC4_128_MD5",              STR, 0, 16, 0, 0, V10 },
    { 0x0005, "TLS_RSA_WITH_RC4_128_SHA",              STR, 0, 20, 0, 0, V10 },
    { 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA",         CBC, 8, 20, 0, 0, V10 },
    { 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",     CBC, 8, 20, 0, 0, V10 },
    /* RFC 3268 (AES for TLS 1.0), RFC 5246 A.5 */
    { 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA",          CBC, 16, 20, 0, 0, V10 },
    { 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",      CBC, 16, 20, 0, 0, V10 },
    { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",      CBC, 16, 20, 0, 0, V10 },
    { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA",          CBC, 16, 20, 0, 0, V10 },
    { 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",      CBC, 16, 20, 0, 0, V10 },
    { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",      CBC, 16, 20, 0, 0, V10 },
    /* RFC 5246 A.5: SHA-256 MAC suites are TLS 1.2 only */
    { 0x003B, "TLS_RSA_WITH_NULL_SHA256",              NUL, 0, 32, 0, 0, V12 },
    { 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256",       CBC, 16, 32, 0, 0, V12 },
    { 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256",       CBC, 16, 32, 0, 0, V12 },
    { 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",   CBC, 16, 32, 0, 0, V12 },
    { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",   CBC, 16, 32, 0, 0, V12 },
    { 0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",   CBC, 16, 32, 0, 0, V12 },
    { 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",   CBC, 16, 32, 0, 0, V12 },
    /* RFC 5288 (AES-GCM): 8-byte explicit nonce, 16-byte tag */
    { 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256",       AEAD, 0, 0, 8, 16, V12 },
    { 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384",       AEAD, 0, 0, 8, 16, V12 },
    { 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",   AEAD, 0, 0, 8, 16, V12 },
    { 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",   AEAD, 0, 0, 8, 16, V12 },
    { 0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",   AEAD, 0, 0, 8, 16, V12 },
    { 0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",   AEAD, 0, 0, 8, 16, V12 },
    /* RFC 8446 B.4 (TLS 1.3); RFC 8446 5.3: no explicit nonce; CCM_8 tag 8 */
    { 0x1301, "TLS_AES_128_GCM_SHA256",                T13, 0, 0, 0, 16, V13 },
    { 0x1302, "TLS_AES_256_GCM_SHA384",                T13, 0, 0, 0, 16, V13 },
    { 0x1303, "TLS_CHACHA20_POLY1305_SHA256",          T13, 0, 0, 0, 16, V13 },
    { 0x1304, "TLS_AES_128_CCM_SHA256",                T13, 0, 0, 0, 16, V13 },
    { 0x1305, "TLS_AES_128_CCM_8_SHA256",              T13, 0, 0, 0, 8,  V13 },
    /* RFC 4492 / 8422 (ECC cipher suites) */
    { 0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA",         NUL, 0, 20, 0, 0, V10 },
    { 0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",      STR, 0, 20, 0, 0, V10 },
    { 0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", CBC, 8, 20, 0, 0, V10 },
    { 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",  CBC, 16, 20, 0, 0, V10 },
    { 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",  CBC, 16, 20, 0, 0, V10 },
    { 0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA",           NUL, 0, 20, 0, 0, V10 },
    { 0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA",        STR, 0, 20, 0, 0, V10 },
    { 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",   CBC, 8, 20, 0, 0, V10 },
    { 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",    CBC, 16, 20, 0, 0, V10 },
    { 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",    CBC, 16, 20, 0, 0, V10 },
    /* RFC 5289 (ECC with SHA-256/384 MACs and AES-GCM), TLS 1.2 only */
    { 0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", CBC, 16, 32, 0, 0, V12 },
    { 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", CBC, 16, 48, 0, 0, V12 },
    { 0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",   CBC, 16, 32, 0, 0, V12 },
    { 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",   CBC, 16, 48, 0, 0, V12 },
    { 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", AEAD, 0, 0, 8, 16, V12 },
    { 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", AEAD, 0, 0, 8, 16, V12 },
    { 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",   AEAD, 0, 0, 8, 16, V12 },
    { 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",   AEAD, 0, 0, 8, 16, V12 },
    /* RFC 6655 (AES-CCM): 8-byte explicit nonce; tag 16, _8: tag 8 */
    { 0xC09C, "TLS_RSA_WITH_AES_128_CCM",              AEAD, 0, 0, 8, 16, V12 },
    { 0xC09D, "TLS_RSA_WITH_AES_256_CCM",              AEAD, 0, 0, 8, 16, V12 },
    { 0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM",          AEAD, 0, 0, 8, 16, V12 },
    { 0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM",          AEAD, 0, 0, 8, 16, V12 },
    { 0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8",            AEAD, 0, 0, 8, 8,  V12 },
    { 0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8",            AEAD, 0, 0, 8, 8,  V12 },
    { 0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8",        AEAD, 0, 0, 8, 8,  V12 },
    { 0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8",        AEAD, 0, 0, 8, 8,  V12 },
    /* RFC 7251 (ECC AES-CCM) */
    { 0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",      AEAD, 0, 0, 8, 16, V12 },
    { 0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",      AEAD, 0, 0, 8, 16, V12 },
    { 0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",    AEAD, 0, 0, 8, 8,  V12 },
    { 0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",    AEAD, 0, 0, 8, 8,  V12 },
    /* RFC 7905 (ChaCha20-Poly1305): nonce from the sequence number, tag 16 */
    { 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",   AEAD, 0, 0, 0, 16, V12 },
    { 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", AEAD, 0, 0, 0, 16, V12 },
    { 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",     AEAD, 0, 0, 0, 16, V12 },
};

const sbd_tls_suite *
sbd_tls_suite_lookup(guint16 id)
{
    size_t lo = 0, hi = G_N_ELEMENTS(suites);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (suites[mid].id == id)
            return &suites[mid];
        if (suites[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static gboolean
set(sbd_tls_size *out, sbd_tls_size_status st, guint32 min, guint32 max,
    guint32 lmin, guint32 lmax)
{
    out->status = st;
    out->min = min;
    out->max = max;
    out->likely_min = lmin;
    out->likely_max = lmax;
    return TRUE;
}

static gboolean
fail(sbd_tls_size *out, sbd_tls_size_status st)
{
    out->status = st;
    out->min = out->max = out->likely_min = out->likely_max = 0;
    return FALSE;
}

gboolean
sbd_tls_plaintext_size(guint16 version, guint16 id, gboolean etm,
                       guint32 length, sbd_tls_size *out)
{
    const sbd_tls_suite *s;
    guint32 c, over;

    out->suite = NULL;
    if (version < SBD_TLS_V10 || version > SBD_TLS_V13)
        return fail(out, SBD_TLS_SIZE_UNKNOWN_VERSION);
    s = sbd_tls_suite_lookup(id);
    if (!s)
        return fail(out, SBD_TLS_SIZE_UNKNOWN_SUITE);
    out->suite = s;
    /* TLS 1.3 suites only in 1.3 and 1.3 only with them (RFC 8446 B.4). */
    if ((s->prot == SBD_TLS_PROT_TLS13) != (version == SBD_TLS_V13) ||
        version < s->min_version)
        return fail(out, SBD_TLS_SIZE_BAD_VERSION);
    if (length > (version == SBD_TLS_V13 ? SBD_TLS_MAX_CIPHERTEXT13
                                         : SBD_TLS_MAX_CIPHERTEXT12))
        return fail(out, SBD_TLS_SIZE_BAD_LENGTH);

    switch (s->prot) {
    case SBD_TLS_PROT_NULL:
    case SBD_TLS_PROT_STREAM:
        /* RFC 5246 6.2.3.1: content + MAC */
        if (length < s->mac)
            return fail(out, SBD_TLS_SIZE_BAD_LENGTH);
        c = length - s->mac;
        return set(out, SBD_TLS_SIZE_EXACT, c, c, c, c);

    case SBD_TLS_PROT_AEAD:
        /* RFC 5246 6.2.3.3: nonce_explicit + aead output (content + tag) */
        over = (guint32)s->nonce + s->tag;
        if (length < over)
            return fail(out, SBD_TLS_SIZE_BAD_LENGTH);
        c = length - over;
        return set(out, SBD_TLS_SIZE_EXACT, c, c, c, c);

    case SBD_TLS_PROT_TLS13:
        /* RFC 8446 5.2: encrypted TLSInnerPlaintext (content, 1 byte type,
         * zeros) + tag.  A record with no content is allowed for
         * application data (5.4 padding-only is not: 5.1 forbids zero-
         * length handshake/alert, application data may be empty). */
        over = (guint32)s->tag + 1;
        if (length < over)
            return fail(out, SBD_TLS_SIZE_BAD_LENGTH);
        c = length - over;
        return set(out, SBD_TLS_SIZE_PADDING_UNKNOWN, 0, c, c, c);

    case SBD_TLS_PROT_CBC: {
        guint32 iv = version >= SBD_TLS_V11 ? s->block : 0; /* RFC 4346 6.2.3.2 */
        guint32 mac_in = etm ? 0 : s->mac;    /* MAC inside the encryption */
        guint32 mac_out = etm ? s->mac : 0;   /* RFC 7366 3: MAC after it */
        guint32 hi, lo, llo;

        if (length < iv + mac_out + s->block)
            return fail(out, SBD_TLS_SIZE_BAD_LENGTH);
        c = length - iv - mac_out;           /* encrypted bytes */
        if (c % s->block != 0 || c < mac_in + 1)
            return fail(out, SBD_TLS_SIZE_BAD_LENGTH);
        /* c = content + mac_in + padding, padding 1..256 bytes (the
         * padding_length byte and up to 255 padding bytes) */
        hi = c - mac_in - 1;
        lo = c - mac_in > 256 ? c - mac_in - 256 : 0;
        /* minimal padding: 1..block bytes */
        llo = c - mac_in > s->block ? c - mac_in - s->block : 0;
        return set(out, SBD_TLS_SIZE_RANGE, lo, hi, llo, hi);
    }
    }
    return fail(out, SBD_TLS_SIZE_UNKNOWN_SUITE);
}

static guint32
sat_add(guint32 a, guint32 b)
{
    return a > G_MAXUINT32 - b ? G_MAXUINT32 : a + b;
}

void
sbd_tls_size_add(sbd_tls_size *acc, const sbd_tls_size *rec)
{
    gboolean acc_ok = acc->status <= SBD_TLS_SIZE_PADDING_UNKNOWN;
    gboolean rec_ok = rec->status <= SBD_TLS_SIZE_PADDING_UNKNOWN;

    if (!acc_ok)
        return;
    if (!rec_ok) {
        acc->status = rec->status;
        acc->suite = rec->suite;
        acc->min = acc->max = acc->likely_min = acc->likely_max = 0;
        return;
    }
    if (rec->status > acc->status)
        acc->status = rec->status;
    if (!acc->suite)
        acc->suite = rec->suite;
    acc->min = sat_add(acc->min, rec->min);
    acc->max = sat_add(acc->max, rec->max);
    acc->likely_min = sat_add(acc->likely_min, rec->likely_min);
    acc->likely_max = sat_add(acc->likely_max, rec->likely_max);
}

const char *
sbd_tls_size_status_name(sbd_tls_size_status s)
{
    switch (s) {
    case SBD_TLS_SIZE_EXACT:           return "exact";
    case SBD_TLS_SIZE_RANGE:           return "range (CBC padding)";
    case SBD_TLS_SIZE_PADDING_UNKNOWN: return "at most (TLS 1.3 padding)";
    case SBD_TLS_SIZE_UNKNOWN_SUITE:   return "unknown cipher suite";
    case SBD_TLS_SIZE_UNKNOWN_VERSION: return "unknown TLS version";
    case SBD_TLS_SIZE_BAD_VERSION:     return "cipher suite not valid in this TLS version";
    case SBD_TLS_SIZE_BAD_LENGTH:      return "record length impossible for the cipher suite";
    }
    return "?";
}

sbd_tvs_answer_class
sbd_tvs_answer_classify(guint32 min, guint32 max)
{
    if (min > max)
        return SBD_TVS_ANSWER_UNKNOWN;
    if (max < SBD_TVS_STATUS_ONLY_LEN)
        return SBD_TVS_ANSWER_TOO_SHORT;
    if (min <= SBD_TVS_STATUS_ONLY_LEN) {
        /* 14 fits.  The next known answer form is 25 bytes: a range that
         * stops below it holds no other answer. */
        if (max < SBD_TVS_VERIFY_VALID_MIN)
            return SBD_TVS_ANSWER_STATUS_ONLY;
        return SBD_TVS_ANSWER_AMBIGUOUS;
    }
    if (min >= SBD_TVS_QUERY_CERT_MIN)
        return SBD_TVS_ANSWER_WITH_CERT;
    return SBD_TVS_ANSWER_NOT_STATUS_ONLY;
}

const char *
sbd_tvs_answer_class_name(sbd_tvs_answer_class c)
{
    switch (c) {
    case SBD_TVS_ANSWER_UNKNOWN:         return "unknown";
    case SBD_TVS_ANSWER_TOO_SHORT:       return "too short for a TVS answer";
    case SBD_TVS_ANSWER_STATUS_ONLY:     return "status only (invalid)";
    case SBD_TVS_ANSWER_NOT_STATUS_ONLY: return "more than a status";
    case SBD_TVS_ANSWER_WITH_CERT:       return "with certificate (valid query answer)";
    case SBD_TVS_ANSWER_AMBIGUOUS:       return "ambiguous (status only or more)";
    }
    return "?";
}
