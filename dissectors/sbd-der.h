/* sbd-der.h - a small, bounded DER reader for X.509 certificates
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Only what the trust checks need: serial, issuer, subject, public key and
 * signature of a certificate, DN strings, RSA public keys.  Every read is
 * bounds-checked; nothing here allocates except the DN string functions.
 */
#ifndef SBD_DER_H
#define SBD_DER_H

#include <stddef.h>
#include <glib.h>
#include <wsutil/wmem/wmem.h>

typedef struct {
    const guint8 *p;
    size_t len;
} sbd_span;

typedef struct {
    sbd_span der;        /* the whole Certificate TLV */
    sbd_span tbs;        /* the whole TBSCertificate TLV (what the CA signed) */
    int version;         /* 1, 2 or 3 */
    sbd_span serial;     /* INTEGER content octets, sign byte included */
    sbd_span issuer;     /* Name TLV */
    sbd_span subject;    /* Name TLV */
    sbd_span spki;       /* SubjectPublicKeyInfo TLV */
    sbd_span spki_alg;   /* algorithm OID content octets */
    sbd_span pubkey;     /* subjectPublicKey BIT STRING, without the unused-bits octet */
    sbd_span sig_alg;    /* outer signatureAlgorithm OID content octets */
    gboolean has_validity;
    gint64 not_before;   /* seconds since 1970, UTC */
    gint64 not_after;
    sbd_span signature;  /* signatureValue BIT STRING, without the unused-bits octet */
} sbd_cert;

/* Read one DER TLV at *off (definite lengths only, at most 4 length
 * octets, single-octet tags).  On success advance *off past it. */
gboolean sbd_der_read(const guint8 *buf, size_t len, size_t *off,
                      guint8 *tag, sbd_span *content);

/* Number of OBJECT IDENTIFIERs in a DER value, also inside OCTET STRING and
 * BIT STRING contents that are DER themselves: an upper bound for the
 * OID-dispatched subdissector calls a BER dissector makes on it.  Bounded
 * work: at most `limit` is returned (also for nesting deeper than 32). */
size_t sbd_der_count_oids(const guint8 *buf, size_t len, size_t limit);

/* Parse a DER certificate.  The certificate must fill `len` exactly. */
gboolean sbd_cert_parse(const guint8 *der, size_t len, sbd_cert *c);

/* A Name as text: attributes as TYPE=value in DER order (or reversed),
 * joined with `sep`.  Allocated in `scope` (NULL = g_malloc). */
char *sbd_dn_string(wmem_allocator_t *scope, sbd_span name, const char *sep,
                    gboolean reverse);

/* Does the DN text of a trust-list file (Cisco "CN=a;OU=b" in certificate
 * order, or certutils' RFC 4514 "OU=b,CN=a" in reverse order, quotes kept
 * or not) name the same attributes as the DER Name? */
gboolean sbd_dn_equal_text(const char *text, size_t textlen, sbd_span name);

/* Serial numbers compared as unsigned magnitudes: a leading 0x00 sign
 * octet (DER) and its absence (certutils, formats.md 1) are equal. */
gboolean sbd_serial_equal(sbd_span a, sbd_span b);

/* Strip leading 0x00 octets of an integer (keeps at least one octet). */
sbd_span sbd_int_magnitude(sbd_span a);

/* PKCS#1 RSAPublicKey (SEQUENCE { n, e }) -> modulus and exponent. */
gboolean sbd_rsa_key_parse(sbd_span pkcs1, sbd_span *n, sbd_span *e);

/* rsaEncryption 1.2.840.113549.1.1.1 ? */
gboolean sbd_oid_is_rsa(sbd_span oid);
/* id-ecPublicKey 1.2.840.10045.2.1 ? */
gboolean sbd_oid_is_ec(sbd_span oid);

#endif
