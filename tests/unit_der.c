/* unit_der.c - unit tests of the DER reader, DN matching and RSA check
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Expected values come from formats.md 3.7 (offsets of the sample ITL) and
 * from `openssl x509 -noout -serial -subject` on the certificate at that
 * offset (serial 6BA5DE3A260B069337C75B38BE3C2D74, subject CN=SAST,O=SAST,
 * OU=SAST in certificate order).
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <gcrypt.h>

#include "sbd-der.h"
#include "sbd-crypto.h"
#include "unit-check.h"


static const char *
hex(const guint8 *p, size_t n)
{
    static char buf[1024];
    size_t i;
    for (i = 0; i < n && i < 500; i++)
        sprintf(buf + 2 * i, "%02x", p[i]);
    buf[2 * i] = 0;
    return buf;
}

int
main(int argc, char **argv)
{
    gchar *path, *data = NULL;
    gsize len = 0;
    sbd_cert c;
    sbd_span n, e;
    size_t i;

    if (argc < 2) {
        fprintf(stderr, "usage: unit_der SOURCE_DIR\n");
        return 2;
    }
    gcry_check_version(NULL);
    /* ../shared/samples next to the checkout, else the committed copy */
    path = g_build_filename(argv[1], "..", "shared", "samples",
                            "ITLFile-usecallmanager-csptech.tlv", NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_free(path);
        path = g_build_filename(argv[1], "test-captures", "samples",
                                "ITLFile-usecallmanager-csptech.tlv", NULL);
    }
    if (!g_file_get_contents(path, &data, &len, NULL) || len != 10370) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }

    /* formats.md 3.7: at 0x3e9 "09 03 64 30 82 03 60": certificate, 868 bytes */
    CHECK((guint8)data[0x3e9] == 9, "tag 9 at 0x3e9");
    CHECK(sbd_cert_parse((const guint8 *)data + 0x3ec, 868, &c), "sample certificate parses");
    CHECK(c.version == 3, "v3");
    CHECK(strcmp(hex(c.serial.p, c.serial.len), "6ba5de3a260b069337c75b38be3c2d74") == 0, "serial");
    {
        char *s = sbd_dn_string(NULL, c.subject, ";", FALSE);
        CHECK(strcmp(s, "CN=SAST;O=SAST;OU=SAST") == 0, "subject in certificate order");
        g_free(s);
        s = sbd_dn_string(NULL, c.subject, ",", TRUE);
        CHECK(strcmp(s, "OU=SAST,O=SAST,CN=SAST") == 0, "subject reversed");
        g_free(s);
    }
    /* openssl x509 -noout -dates: notBefore=Nov 29 00:00:00 2025 GMT,
     * notAfter=Nov 29 00:00:00 2045 GMT (date -u -d ... +%s) */
    CHECK(c.has_validity, "validity parsed");
    CHECK(c.not_before == 1764374400, "notBefore");
    CHECK(c.not_after == 2395526400, "notAfter");
    CHECK(sbd_oid_is_rsa(c.spki_alg), "RSA key");
    CHECK(sbd_rsa_key_parse(c.pubkey, &n, &e), "RSAPublicKey parses");
    CHECK(n.len == 257 && n.p[0] == 0, "2048-bit modulus with sign byte");
    CHECK(e.len == 3 && e.p[0] == 1 && e.p[1] == 0 && e.p[2] == 1, "exponent 65537");
    /* record 1's PUBLICKEY (0x1d5, 270 bytes) equals the certificate's key */
    CHECK(c.pubkey.len == 270 && memcmp(c.pubkey.p, data + 0x1d8, 270) == 0, "record key = cert key");

    /* DN text as Cisco and as certutils write it */
    {
        const char *cisco = "CN=SAST;O=SAST;OU=SAST";
        const char *rfc = "OU=SAST,O=SAST,CN=SAST";
        const char *certutils_old = "CN=SAST,O=SAST,OU=SAST";
        const char *quoted = "cn=\"SAST\";o=SAST;ou=SAST";
        const char *wrong = "CN=SAST;O=SAST";
        const char *wrong2 = "CN=SAST;O=SAST;OU=SASTX";
        CHECK(sbd_dn_equal_text(cisco, strlen(cisco) + 1, c.subject), "Cisco DN");
        CHECK(sbd_dn_equal_text(rfc, strlen(rfc), c.subject), "RFC 4514 DN");
        CHECK(sbd_dn_equal_text(certutils_old, strlen(certutils_old), c.subject), "comma DN");
        CHECK(sbd_dn_equal_text(quoted, strlen(quoted), c.subject), "quoted, lower-case types");
        CHECK(!sbd_dn_equal_text(wrong, strlen(wrong), c.subject), "missing attribute");
        CHECK(!sbd_dn_equal_text(wrong2, strlen(wrong2), c.subject), "different value");
    }

    /* Serial magnitude rule (formats.md 1) */
    {
        static const guint8 a[] = { 0x00, 0x81, 0xa3 }, b[] = { 0x81, 0xa3 }, d[] = { 0x81, 0xa4 };
        sbd_span sa = { a, 3 }, sb = { b, 2 }, sd = { d, 2 }, empty = { b, 0 };
        CHECK(sbd_serial_equal(sa, sb), "sign byte ignored");
        CHECK(!sbd_serial_equal(sa, sd), "different serials");
        CHECK(!sbd_serial_equal(empty, sb), "empty serial");
    }

    /* Every truncation of the certificate is rejected, never read past. */
    for (i = 0; i < 868; i++) {
        guint8 *copy = g_memdup2(data + 0x3ec, i);
        sbd_cert t;
        CHECK(!sbd_cert_parse(copy, i, &t), "truncated certificate rejected");
        g_free(copy);
    }

    /* Signature of the sample (formats.md 3.7/8: RSA-2048 PKCS#1 v1.5 SHA-1
     * over the file minus the signature TLV at 0x6b, 3 + 256 bytes). */
    {
        guint8 md[SBD_MAX_DIGEST];
        size_t mdlen;
        sbd_span sig = { (const guint8 *)data + 0x6e, 256 };
        CHECK(sbd_digest_with_hole(GCRY_MD_SHA1, (const guint8 *)data, len, 0x6b, 259, md, &mdlen),
              "digest");
        CHECK(sbd_cert_verify(&c, GCRY_MD_SHA1, md, mdlen, sig) == SBD_VERIFY_VALID, "sample verifies");
        md[0] ^= 1;
        CHECK(sbd_cert_verify(&c, GCRY_MD_SHA1, md, mdlen, sig) == SBD_VERIFY_INVALID, "flipped digest");
        CHECK(!sbd_digest_with_hole(GCRY_MD_SHA1, (const guint8 *)data, 10, 8, 5, md, &mdlen),
              "hole past the end refused");
    }
    /* OIDs of the sample certificate: `openssl asn1parse -inform DER` lists
     * 14 OBJECTs, and the extKeyUsage value (OCTET STRING at 510) holds 3
     * more (30 1E 06 08 2B06010505070301 06 08 ... 0302 06 08 ... 0305). */
    CHECK(sbd_der_count_oids((const guint8 *)data + 0x3ec, 868, 1000) == 17, "OIDs in the certificate");
    CHECK(sbd_der_count_oids((const guint8 *)data + 0x3ec, 868, 5) == 5, "OID count stops at the limit");
    CHECK(sbd_der_count_oids((const guint8 *)data + 0x3ec, 100, 1000) == 0, "cut DER: no OID");
    {
        /* 40 nested SEQUENCEs around an OID: nesting deeper than 32 counts as the limit */
        guint8 deep[2 * 40 + 3];
        for (i = 0; i < 40; i++) {
            deep[2 * i] = 0x30;
            deep[2 * i + 1] = (guint8)(2 * (40 - i - 1) + 3);
        }
        deep[80] = 0x06; deep[81] = 1; deep[82] = 0x2a;
        CHECK(sbd_der_count_oids(deep, sizeof deep, 1000) == 1000, "deep nesting counts as the limit");
        CHECK(sbd_der_count_oids(deep + 2 * 20, sizeof deep - 2 * 20, 1000) == 1, "20 levels: one OID");
    }

    /* RSA exponents longer than 64 bits are not used (bounded time). */
    {
        static const guint8 e8[8] = { 0x80, 0, 0, 0, 0, 0, 0, 1 }, e9[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 };
        sbd_span se8 = { e8, 8 }, se9 = { e9, 9 };
        sbd_span sig = { (const guint8 *)data + 0x6e, 256 };
        guint8 md[SBD_MAX_DIGEST];
        size_t mdlen;
        sbd_digest_with_hole(GCRY_MD_SHA1, (const guint8 *)data, len, 0x6b, 259, md, &mdlen);
        CHECK(sbd_rsa_verify(GCRY_MD_SHA1, md, mdlen, n, se9, sig) == SBD_VERIFY_UNSUPPORTED,
              "9-byte exponent not used");
        CHECK(sbd_rsa_verify(GCRY_MD_SHA1, md, mdlen, n, se8, sig) == SBD_VERIFY_INVALID,
              "8-byte exponent used (and wrong)");
        CHECK(sbd_rsa_verify(GCRY_MD_SHA1, md, mdlen, n, e, sig) == SBD_VERIFY_VALID, "65537 verifies");
    }

    CHECK(sbd_hash_algo_for_code(1, FALSE) == GCRY_MD_SHA1, "code 1");
    CHECK(sbd_hash_algo_for_code(3, FALSE) == GCRY_MD_SHA512, "code 3");
    CHECK(sbd_hash_algo_for_code(3, TRUE) == GCRY_MD_SHA384, "code 3 old reading");
    CHECK(sbd_hash_algo_for_code(4, FALSE) == GCRY_MD_SHA512, "code 4");
    CHECK(sbd_hash_algo_for_code(9, FALSE) == 0, "code 9");

    g_free(data);
    g_free(path);
    printf("unit_der: %d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
