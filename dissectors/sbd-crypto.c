/* sbd-crypto.c - digests and RSA signature checks (libgcrypt)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <gcrypt.h>
#include "sbd-crypto.h"

int
sbd_hash_algo_for_code(unsigned code, gboolean alternative)
{
    switch (code) {
    case 1: return alternative ? 0 : GCRY_MD_SHA1;
    case 2: return alternative ? 0 : GCRY_MD_SHA256;
    case 3: return alternative ? GCRY_MD_SHA384 : GCRY_MD_SHA512;
    case 4: return alternative ? 0 : GCRY_MD_SHA512;
    default: return 0;
    }
}

size_t
sbd_digest(int algo, const guint8 *data, size_t len, guint8 *out)
{
    unsigned dlen = gcry_md_get_algo_dlen(algo);

    if (dlen == 0 || dlen > SBD_MAX_DIGEST)
        return 0;
    gcry_md_hash_buffer(algo, out, data, len);
    return dlen;
}

gboolean
sbd_digest_with_hole(int algo, const guint8 *data, size_t len, size_t hole_off,
                     size_t hole_len, guint8 *out, size_t *out_len)
{
    gcry_md_hd_t h;
    unsigned dlen = gcry_md_get_algo_dlen(algo);

    if (dlen == 0 || dlen > SBD_MAX_DIGEST || hole_off > len || hole_len > len - hole_off)
        return FALSE;
    if (gcry_md_open(&h, algo, 0) != 0)
        return FALSE;
    gcry_md_write(h, data, hole_off);
    gcry_md_write(h, data + hole_off + hole_len, len - hole_off - hole_len);
    memcpy(out, gcry_md_read(h, algo), dlen);
    gcry_md_close(h);
    *out_len = dlen;
    return TRUE;
}

static const char *
gcry_hash_name(int algo)
{
    switch (algo) {
    case GCRY_MD_SHA1: return "sha1";
    case GCRY_MD_SHA256: return "sha256";
    case GCRY_MD_SHA384: return "sha384";
    case GCRY_MD_SHA512: return "sha512";
    case GCRY_MD_MD5: return "md5";
    default: return NULL;
    }
}

sbd_verify_result
sbd_rsa_verify(int algo, const guint8 *digest, size_t digest_len, sbd_span n, sbd_span e,
               sbd_span sig)
{
    gcry_sexp_t key = NULL, data = NULL, sv = NULL;
    const char *hname = gcry_hash_name(algo);
    sbd_verify_result r;
    gcry_error_t err;

    if (!hname || digest_len != gcry_md_get_algo_dlen(algo))
        return SBD_VERIFY_UNSUPPORTED;
    n = sbd_int_magnitude(n);
    e = sbd_int_magnitude(e);
    if (e.len > SBD_MAX_RSA_EXPONENT_BYTES)
        return SBD_VERIFY_UNSUPPORTED;      /* bounded time, see sbd-crypto.h */
    if (n.len == 0 || e.len == 0 || n.len > SBD_MAX_RSA_MODULUS_BYTES || sig.len == 0 ||
        sig.len > SBD_MAX_RSA_MODULUS_BYTES)
        return SBD_VERIFY_BAD_KEY;
    if (gcry_sexp_build(&key, NULL, "(public-key (rsa (n %b) (e %b)))",
                        (int)n.len, n.p, (int)e.len, e.p) != 0)
        return SBD_VERIFY_BAD_KEY;
    if (gcry_sexp_build(&data, NULL, "(data (flags pkcs1) (hash %s %b))",
                        hname, (int)digest_len, digest) != 0 ||
        gcry_sexp_build(&sv, NULL, "(sig-val (rsa (s %b)))", (int)sig.len, sig.p) != 0) {
        gcry_sexp_release(key);
        gcry_sexp_release(data);
        return SBD_VERIFY_BAD_KEY;
    }
    err = gcry_pk_verify(sv, data, key);
    if (err == 0)
        r = SBD_VERIFY_VALID;
    else if (gcry_err_code(err) == GPG_ERR_BAD_SIGNATURE)
        r = SBD_VERIFY_INVALID;
    else
        r = SBD_VERIFY_INVALID;   /* e.g. signature longer than modulus */
    gcry_sexp_release(key);
    gcry_sexp_release(data);
    gcry_sexp_release(sv);
    return r;
}

sbd_verify_result
sbd_cert_verify(const sbd_cert *cert, int algo, const guint8 *digest, size_t digest_len,
                sbd_span sig)
{
    sbd_span n, e;

    if (!sbd_oid_is_rsa(cert->spki_alg))
        return SBD_VERIFY_UNSUPPORTED;
    if (!sbd_rsa_key_parse(cert->pubkey, &n, &e))
        return SBD_VERIFY_BAD_KEY;
    return sbd_rsa_verify(algo, digest, digest_len, n, e, sig);
}

const char *
sbd_md_name(int algo)
{
    switch (algo) {
    case GCRY_MD_MD5: return "MD5";
    case GCRY_MD_SHA1: return "SHA-1";
    case GCRY_MD_SHA256: return "SHA-256";
    case GCRY_MD_SHA384: return "SHA-384";
    case GCRY_MD_SHA512: return "SHA-512";
    default: return gcry_md_algo_name(algo);
    }
}
