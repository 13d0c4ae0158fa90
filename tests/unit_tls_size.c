/* unit_tls_size.c - unit tests of the keyless TLS plaintext-length inference
 * and of the TVS answer classes
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Expected values are worked out by hand from the record formats:
 *   RFC 5246 6.2.3.1 (stream: content + MAC), 6.2.3.2 (CBC: IV + content +
 *   MAC + padding 1..256 in whole blocks; RFC 2246: no IV in TLS 1.0),
 *   6.2.3.3 with RFC 5288 3 / RFC 6655 3 (AEAD: 8-byte explicit nonce +
 *   content + 16-byte tag, CCM_8 8-byte tag), RFC 7905 2 (ChaCha20-Poly1305:
 *   no explicit nonce, 16-byte tag), RFC 7366 3 (encrypt-then-MAC: IV +
 *   (content + padding) + MAC), RFC 8446 5.2 (TLS 1.3: content + 1 type
 *   byte + zero padding + 16-byte tag).
 * TVS answer lengths from ../shared/docs/formats.md 6.5/6.6: status only 14,
 * valid verify 10+4+(3+n)+7, the TAC query answer 1480.
 * Suite ids from the IANA registry / the RFCs (cross-checked with
 * `openssl ciphers -V`).
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "sbd-tls-size.h"
#include "unit-check.h"

static sbd_tls_size r;

/* expect(version, suite, etm, length, status, min, max, likely_min, likely_max) */
static void
expect(int line, guint16 v, guint16 id, gboolean etm, guint32 len,
       sbd_tls_size_status st, guint32 min, guint32 max, guint32 lmin, guint32 lmax)
{
    gboolean ok = sbd_tls_plaintext_size(v, id, etm, len, &r);
    gboolean want_ok = st <= SBD_TLS_SIZE_PADDING_UNKNOWN;

    CHECK(ok == want_ok, "line %d: returned %d", line, ok);
    CHECK(r.status == st, "line %d: status %s, want %s", line,
          sbd_tls_size_status_name(r.status), sbd_tls_size_status_name(st));
    CHECK(r.min == min && r.max == max, "line %d: [%u,%u], want [%u,%u]",
          line, r.min, r.max, min, max);
    CHECK(r.likely_min == lmin && r.likely_max == lmax,
          "line %d: likely [%u,%u], want [%u,%u]", line, r.likely_min,
          r.likely_max, lmin, lmax);
}
#define EXPECT(...) expect(__LINE__, __VA_ARGS__)
#define EX SBD_TLS_SIZE_EXACT
#define RG SBD_TLS_SIZE_RANGE
#define PU SBD_TLS_SIZE_PADDING_UNKNOWN

int
main(void)
{
    static const struct { guint16 id; const char *name; } names[] = {
        { 0x0001, "TLS_RSA_WITH_NULL_MD5" },
        { 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
        { 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
        { 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA" },
        { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
        { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
        { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
        { 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
        { 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
        { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
        { 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
        { 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
        { 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
        { 0x1301, "TLS_AES_128_GCM_SHA256" },
        { 0x1302, "TLS_AES_256_GCM_SHA384" },
        { 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
        { 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
        { 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
        { 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
        { 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
        { 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
        { 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
        { 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
        { 0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8" },
        { 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
        { 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
    };
    const sbd_tls_suite *s;
    sbd_tls_size acc, rec;
    size_t i;

    /* --- the suite table: ids as in the RFCs --- */
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        s = sbd_tls_suite_lookup(names[i].id);
        CHECK(s && s->id == names[i].id && strcmp(s->name, names[i].name) == 0,
              "suite 0x%04x: %s, want %s", names[i].id, s ? s->name : "(none)",
              names[i].name);
    }
    CHECK(sbd_tls_suite_lookup(0x0000) == NULL, "TLS_NULL_WITH_NULL_NULL not usable");
    CHECK(sbd_tls_suite_lookup(0x00FF) == NULL, "renegotiation SCSV is no suite");
    CHECK(sbd_tls_suite_lookup(0xC05C) == NULL, "ARIA not in the table");
    CHECK(sbd_tls_suite_lookup(0xFFFF) == NULL, "0xFFFF");
    s = sbd_tls_suite_lookup(0xC028);
    CHECK(s && s->mac == 48 && s->block == 16, "SHA384 CBC: 48-byte MAC (RFC 5289)");
    s = sbd_tls_suite_lookup(0x000A);
    CHECK(s && s->block == 8, "3DES: 8-byte blocks");

    /* --- AEAD, TLS 1.2 --- */
    /* status-only answer (14) with ECDHE-RSA-AES256-GCM-SHA384: 8 + 14 + 16 */
    EXPECT(SBD_TLS_V12, 0xC030, FALSE, 38, EX, 14, 14, 14, 14);
    /* EtM is ignored for AEAD (RFC 7366 3) */
    EXPECT(SBD_TLS_V12, 0xC030, TRUE, 38, EX, 14, 14, 14, 14);
    /* the TAC query answer, 1480 bytes: 8 + 1480 + 16 = 1504 */
    EXPECT(SBD_TLS_V12, 0xC02F, FALSE, 1504, EX, 1480, 1480, 1480, 1480);
    /* CCM (16-byte tag) and CCM_8 (8-byte tag), both 8-byte nonce */
    EXPECT(SBD_TLS_V12, 0xC09C, FALSE, 38, EX, 14, 14, 14, 14);
    EXPECT(SBD_TLS_V12, 0xC0A0, FALSE, 30, EX, 14, 14, 14, 14);
    /* ChaCha20-Poly1305: no explicit nonce, 14 + 16 */
    EXPECT(SBD_TLS_V12, 0xCCA8, FALSE, 30, EX, 14, 14, 14, 14);
    /* shortest possible: empty content; one byte less is impossible */
    EXPECT(SBD_TLS_V12, 0xC030, FALSE, 24, EX, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V12, 0xC030, FALSE, 23, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V12, 0xCCA8, FALSE, 15, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    /* AEAD before TLS 1.2 does not exist */
    EXPECT(SBD_TLS_V11, 0xC030, FALSE, 38, SBD_TLS_SIZE_BAD_VERSION, 0, 0, 0, 0);
    /* 2^14 + 2048 is the TLS 1.2 maximum (RFC 5246 6.2.3) */
    EXPECT(SBD_TLS_V12, 0xC030, FALSE, 18432, EX, 18408, 18408, 18408, 18408);
    EXPECT(SBD_TLS_V12, 0xC030, FALSE, 18433, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);

    /* --- TLS 1.3 --- */
    /* 14 + 1 (type) + 16 (tag) = 31: at most 14, at least 0 (padding) */
    EXPECT(SBD_TLS_V13, 0x1302, FALSE, 31, PU, 0, 14, 14, 14);
    EXPECT(SBD_TLS_V13, 0x1303, FALSE, 31, PU, 0, 14, 14, 14);
    /* CCM_8: 8-byte tag: 14 + 1 + 8 = 23 */
    EXPECT(SBD_TLS_V13, 0x1305, FALSE, 23, PU, 0, 14, 14, 14);
    /* 1480 + 17 = 1497 */
    EXPECT(SBD_TLS_V13, 0x1301, FALSE, 1497, PU, 0, 1480, 1480, 1480);
    EXPECT(SBD_TLS_V13, 0x1302, FALSE, 17, PU, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V13, 0x1302, FALSE, 16, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    /* 2^14 + 256 maximum (RFC 8446 5.2) */
    EXPECT(SBD_TLS_V13, 0x1302, FALSE, 16640, PU, 0, 16623, 16623, 16623);
    EXPECT(SBD_TLS_V13, 0x1302, FALSE, 16641, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    /* 1.3 suites only in 1.3, and 1.3 only with them */
    EXPECT(SBD_TLS_V12, 0x1302, FALSE, 31, SBD_TLS_SIZE_BAD_VERSION, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V13, 0xC030, FALSE, 38, SBD_TLS_SIZE_BAD_VERSION, 0, 0, 0, 0);

    /* --- CBC --- */
    /* AES256-SHA, TLS 1.2, a 14-byte answer: 14 + 20 MAC = 34, padded to
     * 48 (14 padding bytes), + 16 IV = 64.  From 64: 48 encrypted, content
     * = 48 - 20 - padding(1..256) -> [0, 27]; minimal padding (1..16) ->
     * [12, 27]. */
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 64, RG, 0, 27, 12, 27);
    /* the TAC answer, 1480: 1480 + 20 = 1500 -> 1504 (4 padding bytes),
     * + 16 = 1520.  1504 - 20 - 256 = 1228, 1504 - 20 - 1 = 1483,
     * 1504 - 20 - 16 = 1468 */
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 1520, RG, 1228, 1483, 1468, 1483);
    /* TLS 1.0: no explicit IV, the same answer: 48 bytes on the wire */
    EXPECT(SBD_TLS_V10, 0x002F, FALSE, 48, RG, 0, 27, 12, 27);
    EXPECT(SBD_TLS_V11, 0x002F, FALSE, 64, RG, 0, 27, 12, 27);
    /* SHA-256 MAC, TLS 1.2: 14 + 32 = 46 -> 48, + 16 = 64: [0, 15], likely [0, 15] */
    EXPECT(SBD_TLS_V12, 0x003D, FALSE, 64, RG, 0, 15, 0, 15);
    /* SHA-384 MAC (RFC 5289): 14 + 48 = 62 -> 64, + 16 = 80 */
    EXPECT(SBD_TLS_V12, 0xC028, FALSE, 80, RG, 0, 15, 0, 15);
    /* SHA-256 MAC suites are TLS 1.2 only (RFC 5246 A.5) */
    EXPECT(SBD_TLS_V11, 0x003D, FALSE, 64, SBD_TLS_SIZE_BAD_VERSION, 0, 0, 0, 0);
    /* 3DES, 8-byte blocks, TLS 1.2: 14 + 20 = 34 -> 40, + 8 = 48:
     * 40 - 20 - 1 = 19, likely 40 - 20 - 8 = 12 */
    EXPECT(SBD_TLS_V12, 0x000A, FALSE, 48, RG, 0, 19, 12, 19);
    /* a long record: 1040 = 16 + 1024; 1024 - 20 - 256 = 748 */
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 1040, RG, 748, 1003, 988, 1003);
    /* impossible CBC lengths: not whole blocks, only an IV, no room for MAC */
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 63, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 16, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 32, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 0, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    /* encrypt-then-MAC (RFC 7366): 14 -> 16 (2 padding bytes), + 16 IV +
     * 20 MAC = 52: 16 encrypted -> [0, 15]; minimal padding: [0, 15] */
    EXPECT(SBD_TLS_V12, 0x0035, TRUE, 52, RG, 0, 15, 0, 15);
    /* the same 52 bytes without EtM are not whole blocks */
    EXPECT(SBD_TLS_V12, 0x0035, FALSE, 52, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);
    /* EtM, 1480: 1480 -> 1488 (8 padding), + 16 + 20 = 1524:
     * 1488 - 256 = 1232, 1487, 1488 - 16 = 1472 */
    EXPECT(SBD_TLS_V12, 0x0035, TRUE, 1524, RG, 1232, 1487, 1472, 1487);
    /* EtM in TLS 1.0: no IV: 16 + 20 = 36 */
    EXPECT(SBD_TLS_V10, 0x002F, TRUE, 36, RG, 0, 15, 0, 15);

    /* --- stream and NULL --- */
    EXPECT(SBD_TLS_V10, 0x0005, FALSE, 34, EX, 14, 14, 14, 14);     /* RC4-SHA: + 20 */
    EXPECT(SBD_TLS_V12, 0x0004, FALSE, 30, EX, 14, 14, 14, 14);     /* RC4-MD5: + 16 */
    EXPECT(SBD_TLS_V12, 0x0001, TRUE, 30, EX, 14, 14, 14, 14);      /* NULL-MD5 */
    EXPECT(SBD_TLS_V12, 0x003B, FALSE, 46, EX, 14, 14, 14, 14);     /* NULL-SHA256: + 32 */
    EXPECT(SBD_TLS_V12, 0x0002, FALSE, 19, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);

    /* --- unknown inputs --- */
    EXPECT(SBD_TLS_V12, 0xC05C, FALSE, 38, SBD_TLS_SIZE_UNKNOWN_SUITE, 0, 0, 0, 0);
    CHECK(r.suite == NULL, "unknown suite: no suite");
    EXPECT(0x0300, 0x0035, FALSE, 64, SBD_TLS_SIZE_UNKNOWN_VERSION, 0, 0, 0, 0);
    EXPECT(0x0305, 0x1302, FALSE, 31, SBD_TLS_SIZE_UNKNOWN_VERSION, 0, 0, 0, 0);
    EXPECT(0xFEFD, 0xC030, FALSE, 38, SBD_TLS_SIZE_UNKNOWN_VERSION, 0, 0, 0, 0);   /* DTLS 1.2 */
    EXPECT(SBD_TLS_V12, 0xC030, FALSE, G_MAXUINT32, SBD_TLS_SIZE_BAD_LENGTH, 0, 0, 0, 0);

    /* --- adding records: a 1480-byte answer in two TLS 1.3 records of
     * 1000 and 480 content bytes (1017 and 497 on the wire) --- */
    memset(&acc, 0, sizeof acc);
    acc.status = SBD_TLS_SIZE_EXACT;
    sbd_tls_plaintext_size(SBD_TLS_V13, 0x1302, FALSE, 1017, &rec);
    sbd_tls_size_add(&acc, &rec);
    sbd_tls_plaintext_size(SBD_TLS_V13, 0x1302, FALSE, 497, &rec);
    sbd_tls_size_add(&acc, &rec);
    CHECK(acc.status == PU && acc.min == 0 && acc.max == 1480 &&
          acc.likely_min == 1480 && acc.likely_max == 1480,
          "sum of two 1.3 records: %d [%u,%u] likely [%u,%u]", acc.status,
          acc.min, acc.max, acc.likely_min, acc.likely_max);
    /* CBC then AEAD-like exact: the weaker status stays */
    memset(&acc, 0, sizeof acc);
    acc.status = SBD_TLS_SIZE_EXACT;
    sbd_tls_plaintext_size(SBD_TLS_V12, 0x0035, FALSE, 64, &rec);     /* [0,27] [12,27] */
    sbd_tls_size_add(&acc, &rec);
    sbd_tls_plaintext_size(SBD_TLS_V12, 0x0035, FALSE, 1520, &rec);   /* [1228,1483] [1468,1483] */
    sbd_tls_size_add(&acc, &rec);
    CHECK(acc.status == RG && acc.min == 1228 && acc.max == 1510 &&
          acc.likely_min == 1480 && acc.likely_max == 1510,
          "sum of two CBC records: %d [%u,%u] likely [%u,%u]", acc.status,
          acc.min, acc.max, acc.likely_min, acc.likely_max);
    /* an impossible record poisons the sum */
    sbd_tls_plaintext_size(SBD_TLS_V12, 0x0035, FALSE, 63, &rec);
    sbd_tls_size_add(&acc, &rec);
    CHECK(acc.status == SBD_TLS_SIZE_BAD_LENGTH && acc.max == 0, "bad record in a sum");
    sbd_tls_plaintext_size(SBD_TLS_V12, 0x0035, FALSE, 64, &rec);
    sbd_tls_size_add(&acc, &rec);
    CHECK(acc.status == SBD_TLS_SIZE_BAD_LENGTH && acc.max == 0, "stays bad");
    /* saturation */
    memset(&acc, 0, sizeof acc);
    acc.max = G_MAXUINT32 - 5;
    rec.status = SBD_TLS_SIZE_EXACT;
    rec.min = rec.max = rec.likely_min = rec.likely_max = 10;
    sbd_tls_size_add(&acc, &rec);
    CHECK(acc.max == G_MAXUINT32 && acc.min == 10, "saturating sum");

    /* --- TVS answer classes (formats.md 6.5 / 6.6) --- */
    CHECK(sbd_tvs_answer_classify(14, 14) == SBD_TVS_ANSWER_STATUS_ONLY, "14");
    CHECK(sbd_tvs_answer_classify(0, 14) == SBD_TVS_ANSWER_STATUS_ONLY, "TLS 1.3 14, strict");
    CHECK(sbd_tvs_answer_classify(0, 15) == SBD_TVS_ANSWER_STATUS_ONLY, "EtM / SHA256 CBC 14");
    CHECK(sbd_tvs_answer_classify(0, 24) == SBD_TVS_ANSWER_STATUS_ONLY, "below 25");
    CHECK(sbd_tvs_answer_classify(0, 13) == SBD_TVS_ANSWER_TOO_SHORT, "13");
    CHECK(sbd_tvs_answer_classify(10, 10) == SBD_TVS_ANSWER_TOO_SHORT, "header only");
    /* valid verify with one role: 10 + 4 + 4 + 7 = 25 */
    CHECK(sbd_tvs_answer_classify(25, 25) == SBD_TVS_ANSWER_NOT_STATUS_ONLY, "25");
    CHECK(sbd_tvs_answer_classify(15, 15) == SBD_TVS_ANSWER_NOT_STATUS_ONLY, "15");
    /* AES256-SHA, 64-byte record: 14 and 25 both fit */
    CHECK(sbd_tvs_answer_classify(0, 27) == SBD_TVS_ANSWER_AMBIGUOUS, "CBC 64 strict");
    CHECK(sbd_tvs_answer_classify(12, 27) == SBD_TVS_ANSWER_AMBIGUOUS, "CBC 64 likely");
    CHECK(sbd_tvs_answer_classify(0, 1480) == SBD_TVS_ANSWER_AMBIGUOUS, "TLS 1.3 1480 strict");
    CHECK(sbd_tvs_answer_classify(1480, 1480) == SBD_TVS_ANSWER_WITH_CERT, "TAC 1480");
    CHECK(sbd_tvs_answer_classify(1228, 1483) == SBD_TVS_ANSWER_WITH_CERT, "CBC 1520 strict");
    CHECK(sbd_tvs_answer_classify(328, 328) == SBD_TVS_ANSWER_WITH_CERT, "28 + 300");
    CHECK(sbd_tvs_answer_classify(327, 400) == SBD_TVS_ANSWER_NOT_STATUS_ONLY, "327..400");
    CHECK(sbd_tvs_answer_classify(30, 20) == SBD_TVS_ANSWER_UNKNOWN, "min > max");

    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
