/* sbd-tls-size.h - plaintext length of a TLS record, from what a capture
 * without keys shows; and what a TVS answer of that length can be
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Pure C (glib types only), no epan: a unit test links sbd-tls-size.c alone.
 *
 * Without keys a capture still shows, in plaintext: the negotiated protocol
 * version (ServerHello; for TLS 1.3 its supported_versions extension, the
 * record layer says 0x0303), the cipher suite (ServerHello), whether
 * encrypt_then_mac was negotiated (RFC 7366: extension 22 in the ClientHello
 * AND the ServerHello) and the length field of every record.  The record
 * protection of RFC 2246 / 4346 / 5246 / 8446 adds a fixed or bounded number
 * of bytes to the plaintext, so the plaintext length follows within a range:
 *
 *   AEAD, TLS 1.2 (RFC 5288 GCM, RFC 6655 / 7251 CCM): explicit nonce 8 +
 *       tag 16 (CCM_8: 8)                 -> exact: length - 24 (CCM_8: - 16)
 *   ChaCha20-Poly1305, TLS 1.2 (RFC 7905): no explicit nonce, tag 16
 *                                         -> exact: length - 16
 *   TLS 1.3 (RFC 8446 5.2): tag 16 (CCM_8: 8), 1 byte inner content type,
 *       then any number of zero padding bytes
 *                                         -> at most length - 17, at least 0;
 *                                            exactly length - 17 if unpadded
 *   CBC, TLS 1.1 / 1.2 (RFC 4346 / 5246 6.2.3.2): explicit IV (one block),
 *       then plaintext + MAC + padding (1..256 bytes, padding_length byte
 *       included) in whole blocks       -> range
 *   CBC, TLS 1.0 (RFC 2246 6.2.3.2): the same without explicit IV
 *   CBC with encrypt_then_mac (RFC 7366 3): IV + (plaintext + padding) + MAC
 *   stream (RC4) and NULL ciphers (RFC 5246 6.2.3.1): length - MAC, exact
 *
 * Assumed: null compression (RFC 3749 DEFLATE is not used by phones or CUCM
 * and was removed in TLS 1.3); the record is an application_data record
 * (content type 23).  In TLS 1.3 every encrypted record has outer type 23,
 * also the server's encrypted handshake messages, NewSessionTicket and
 * alerts: the caller must decide which records carry application data (see
 * sbd_tvs_answer_classify below).
 */
#ifndef SBD_TLS_SIZE_H
#define SBD_TLS_SIZE_H

#include <glib.h>

/* Protocol versions as on the wire (RFC 8446 B.1 / RFC 5246 A.1). */
#define SBD_TLS_V10 0x0301
#define SBD_TLS_V11 0x0302
#define SBD_TLS_V12 0x0303
#define SBD_TLS_V13 0x0304

/* Largest TLSCiphertext.length: 2^14 + 2048 up to TLS 1.2 (RFC 5246
 * 6.2.3), 2^14 + 256 in TLS 1.3 (RFC 8446 5.2). */
#define SBD_TLS_MAX_CIPHERTEXT12 (16384 + 2048)
#define SBD_TLS_MAX_CIPHERTEXT13 (16384 + 256)

typedef enum {
    SBD_TLS_PROT_NULL,     /* no encryption, MAC only */
    SBD_TLS_PROT_STREAM,   /* RC4 */
    SBD_TLS_PROT_CBC,      /* block cipher in CBC mode, MAC-then-encrypt */
    SBD_TLS_PROT_AEAD,     /* GCM, CCM, ChaCha20-Poly1305 (TLS 1.2) */
    SBD_TLS_PROT_TLS13     /* TLS 1.3 AEAD suites (RFC 8446 B.4) */
} sbd_tls_protection;

typedef struct {
    guint16 id;            /* IANA TLS Cipher Suites registry value */
    const char *name;      /* IANA name, e.g. "TLS_RSA_WITH_AES_256_CBC_SHA" */
    sbd_tls_protection prot;
    guint8 block;          /* CBC: cipher block size (AES 16, 3DES 8) */
    guint8 mac;            /* NULL/STREAM/CBC: HMAC length (MD5 16, SHA1 20, SHA256 32, SHA384 48) */
    guint8 nonce;          /* AEAD: explicit nonce bytes in each record (TLS 1.2) */
    guint8 tag;            /* AEAD / TLS 1.3: authentication tag bytes */
    guint16 min_version;   /* first version that defines the suite */
} sbd_tls_suite;

/* The suite with this id, or NULL when it is not in the table. */
const sbd_tls_suite *sbd_tls_suite_lookup(guint16 id);

typedef enum {
    SBD_TLS_SIZE_EXACT,          /* min == max: AEAD (TLS 1.2), stream, NULL */
    SBD_TLS_SIZE_RANGE,          /* CBC: padding length unknown */
    SBD_TLS_SIZE_PADDING_UNKNOWN,/* TLS 1.3: max exact if unpadded, min 0 */
    SBD_TLS_SIZE_UNKNOWN_SUITE,  /* cipher suite not in the table */
    SBD_TLS_SIZE_UNKNOWN_VERSION,/* version not 1.0..1.3 (SSL 3.0, DTLS, garbage) */
    SBD_TLS_SIZE_BAD_VERSION,    /* suite not defined for this version */
    SBD_TLS_SIZE_BAD_LENGTH      /* length impossible for this suite (too short,
                                    not whole blocks, over the maximum) */
} sbd_tls_size_status;

typedef struct {
    sbd_tls_size_status status;
    const sbd_tls_suite *suite;  /* NULL for UNKNOWN_SUITE */
    /* Strict bounds: every plaintext length the record can hold.  Valid for
     * EXACT, RANGE, PADDING_UNKNOWN; 0 otherwise. */
    guint32 min, max;
    /* Bounds under the sender's usual choice (a judgement, not the RFC):
     * minimal CBC padding (1..block bytes: OpenSSL, GnuTLS, NSS, Java and
     * Schannel pad minimally) and no TLS 1.3 padding (OpenSSL pads only
     * when asked, SSL_CTX_set_record_padding_callback).  Equal to min/max
     * for EXACT. */
    guint32 likely_min, likely_max;
} sbd_tls_size;

/* The plaintext length of one application_data record.  version: the
 * negotiated version (SBD_TLS_V1x); suite: the ServerHello cipher suite;
 * etm: encrypt_then_mac negotiated (ignored for non-CBC suites, RFC 7366
 * 3: a server must not accept it with them); length: the record header's
 * length field.  Returns TRUE when out->min/max are valid (EXACT, RANGE,
 * PADDING_UNKNOWN). */
gboolean sbd_tls_plaintext_size(guint16 version, guint16 suite, gboolean etm,
                                guint32 length, sbd_tls_size *out);

/* Add the sizes of two records of one direction (a message spread over
 * several records): sums of the bounds, saturating at G_MAXUINT32.  *acc
 * starts zeroed with status SBD_TLS_SIZE_EXACT; the result keeps the
 * weakest status (EXACT < RANGE < PADDING_UNKNOWN; an invalid one stays). */
void sbd_tls_size_add(sbd_tls_size *acc, const sbd_tls_size *rec);

const char *sbd_tls_size_status_name(sbd_tls_size_status s);

/* ---- TVS answers (../shared/docs/formats.md 6) ----
 *
 * Sizes of a whole TVS answer (10-byte header + body), derived from
 * formats.md 6.2, 6.4, 6.5 and 6.6:
 *   status only ("not found" / invalid): 10 + STATUS (1+2+1)       = 14
 *   valid verify answer: 14 + ROLES (3 + n, n >= 1) + TTL (3+4)    >= 25
 *     (n >= 1 is judgement: a trust-store entry with no role is not
 *      seen; with n = 0 it would be 24, still above 14)
 *   valid query answer: 14 + CERTIFICATE (3 + DER) + ROLES + TTL   >= 28 + DER
 *     The DER size is judgement: the smallest real certificate with a
 *     subject, issuer and an EC key is about 300 bytes; an RSA-2048 one is
 *     over 700, the TAC capture's (formats.md 6.6) 1451 bytes.  So a query
 *     answer of at least SBD_TVS_QUERY_CERT_MIN carries a certificate.
 *
 * What the classification assumes: the range passed is the plaintext of
 * ONE TVS answer, i.e. of all the server's application data of one TLS
 * session (formats.md 6.1: tvsd handles one request per TLS connection and
 * closes it; the Cisco TVS answers once per connection in every capture
 * seen).  Several answers in one record or one session, or an answer
 * split over records, are the caller's to add up (sbd_tls_size_add) or to
 * rule out; in TLS 1.3 the server's NewSessionTicket records look like
 * application data (outer type 23) and must not be counted: in the
 * captures made with OpenSSL they come before the client's first
 * application data record, the answer after it.
 */
#define SBD_TVS_HEADER_LEN        10
#define SBD_TVS_STATUS_ONLY_LEN   14   /* derived */
#define SBD_TVS_VERIFY_VALID_MIN  25   /* derived, with n >= 1 role (judgement) */
#define SBD_TVS_CERT_MIN          300  /* judgement: smallest realistic DER certificate */
#define SBD_TVS_QUERY_CERT_MIN    (28 + SBD_TVS_CERT_MIN)

typedef enum {
    SBD_TVS_ANSWER_UNKNOWN,      /* no usable size (invalid or unknown suite) */
    SBD_TVS_ANSWER_TOO_SHORT,    /* at most 13 bytes: not a whole TVS answer */
    SBD_TVS_ANSWER_STATUS_ONLY,  /* only 14 fits: an invalid / not-found answer */
    SBD_TVS_ANSWER_NOT_STATUS_ONLY, /* 15..327 fits, 14 does not: more than a status
                                       (a valid verify answer; a query answer
                                       without certificate) */
    SBD_TVS_ANSWER_WITH_CERT,    /* every fitting length >= SBD_TVS_QUERY_CERT_MIN:
                                    carries a certificate (valid query answer) */
    SBD_TVS_ANSWER_AMBIGUOUS     /* the range holds 14 and larger sizes too */
} sbd_tvs_answer_class;

/* Classify an answer whose plaintext length lies in [min, max]. */
sbd_tvs_answer_class sbd_tvs_answer_classify(guint32 min, guint32 max);
const char *sbd_tvs_answer_class_name(sbd_tvs_answer_class c);

#endif
