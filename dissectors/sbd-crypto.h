/* sbd-crypto.h - digests and RSA signature checks (libgcrypt)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SBD_CRYPTO_H
#define SBD_CRYPTO_H

#include <glib.h>
#include "sbd-der.h"

#define SBD_MAX_DIGEST 64

/* RSA keys used for signature checks: modulus up to 8192 bits, public
 * exponent up to 64 bits (real keys use 3, 17 or 65537).  A longer
 * exponent would make one check cost a large modular exponentiation
 * (hostile files carry hundreds of certificates): such keys are reported
 * as unsupported. */
#define SBD_MAX_RSA_MODULUS_BYTES 1024
#define SBD_MAX_RSA_EXPONENT_BYTES 8

typedef enum {
    SBD_VERIFY_VALID,
    SBD_VERIFY_INVALID,
    SBD_VERIFY_BAD_KEY,      /* the key could not be used */
    SBD_VERIFY_UNSUPPORTED   /* algorithm we cannot check */
} sbd_verify_result;

/* libgcrypt digest id for a trust-list hash code (formats.md 2.4), or 0.
 * Code 3 is SHA-512 in current certutils but SHA-384 in the 2017-2020
 * tools; `alternative` selects that second reading. */
int sbd_hash_algo_for_code(unsigned code, gboolean alternative);

/* "SHA-1", "SHA-256", ... for a libgcrypt digest (as the tree writes them). */
const char *sbd_md_name(int algo);

/* Digest of data[0,len) minus the hole [hole_off, hole_off+hole_len). */
gboolean sbd_digest_with_hole(int algo, const guint8 *data, size_t len, size_t hole_off,
                              size_t hole_len, guint8 *out, size_t *out_len);

/* Plain digest; returns its length (0 on error). */
size_t sbd_digest(int algo, const guint8 *data, size_t len, guint8 *out);

/* RSASSA-PKCS1-v1_5 verification of `sig` over `digest` with key (n, e).
 * SBD_VERIFY_UNSUPPORTED for an exponent longer than
 * SBD_MAX_RSA_EXPONENT_BYTES, SBD_VERIFY_BAD_KEY for a modulus longer than
 * SBD_MAX_RSA_MODULUS_BYTES. */
sbd_verify_result sbd_rsa_verify(int algo, const guint8 *digest, size_t digest_len,
                                 sbd_span n, sbd_span e, sbd_span sig);

/* Same, with the public key of a parsed certificate. */
sbd_verify_result sbd_cert_verify(const sbd_cert *cert, int algo, const guint8 *digest,
                                  size_t digest_len, sbd_span sig);

#endif
