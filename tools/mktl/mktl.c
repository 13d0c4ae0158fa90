/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mktl - build Cisco CUCM "Security By Default" test files:
 *   ITL / CTL trust lists (.tlv), signed files (.sgn) and encrypted
 *   signed configuration files (.enc.sgn).
 *
 * The layout follows the project's format reference (shared/docs/formats.md):
 *   section 1  TLV primitives (1-byte tag, 2-byte big-endian length,
 *              single-byte 0x0D header padding, NUL-terminated strings)
 *   section 2  signed header, signature over the file minus the
 *              signature TLV, RSASSA-PKCS1-v1_5
 *   section 3  trust-list records
 *   section 4  .sgn
 *   section 5  .enc.sgn (AES-128-CBC, 0x0D padding, RSA-wrapped key)
 *
 * This is a test-data generator: it deliberately allows unusual
 * combinations (a signing key that does not match the signer
 * certificate, a signer that is not in the file, legacy hash codes).
 */

#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#define MKTL_VERSION "1.0"

/* Upper bound for any file this tool writes or reads. */
#define MKTL_MAX_FILE (4u * 1024u * 1024u)
/* Largest value a 2-byte TLV length field can carry. */
#define TLV_MAX_VALUE 0xFFFFu
#define TLV_HDR 3u
#define MAX_RECORDS 64
#define STR(x) #x
#define XSTR(x) STR(x)
#define MAX_SERIAL 64
#define AES128_KEY_LEN 16
#define AES_BLOCK 16

/* ---- tag numbers (formats.md 2.1, 3.1, 5.2) ---------------------------- */

enum header_tag {
	HDR_VERSION = 1,
	HDR_LENGTH = 2,
	HDR_SIGNER_INFO = 3,
	HDR_SIGNER_NAME = 4,
	HDR_SERIAL_NUMBER = 5,
	HDR_ISSUER_NAME = 6,
	HDR_SIGNATURE_INFO = 7,
	HDR_HASH_ALGORITHM = 8,
	HDR_SIGNATURE_ALGO_INFO = 9,
	HDR_SIGNATURE_ALGORITHM = 10,
	HDR_SIGNATURE_MODULUS = 11,
	HDR_SIGNATURE = 12,
	HDR_PADDING = 13,
	HDR_FILENAME = 14,
	HDR_TIMESTAMP = 15,
	HDR_ENC_INFO = 16,
	HDR_ENC_IV_INFO = 17,
	HDR_ENC_UNKNOWN1 = 18,
	HDR_ENC_IV = 19,
	HDR_ENC_PADDING = 20,
	HDR_ENC_KEY_INFO = 21,
	HDR_ENC_UNKNOWN2 = 22,
	HDR_ENC_KEY_SIZE = 23,
	HDR_ENC_KEY_ALGORITHM = 24,
	HDR_ENC_KEY = 25,
	HDR_ENC_HASH_ALGORITHM = 26,
	HDR_ENC_HASH = 27,
	HDR_SIGNER_VERSION = 28
};

enum record_tag {
	REC_LENGTH = 1,
	REC_DNS_NAME = 2,
	REC_SUBJECT_NAME = 3,
	REC_ROLE = 4,
	REC_ISSUER_NAME = 5,
	REC_SERIAL_NUMBER = 6,
	REC_PUBLIC_KEY = 7,
	REC_SIGNATURE = 8,
	REC_CERTIFICATE = 9,
	REC_IP_ADDRESS = 10
};

/* Record tag sequences (after RECORD_LENGTH), formats.md 3.1 "Ordering". */
static const int record_order_cisco[] = {
	REC_DNS_NAME, REC_SUBJECT_NAME, REC_ROLE, REC_ISSUER_NAME,
	REC_SERIAL_NUMBER, REC_PUBLIC_KEY, REC_SIGNATURE, REC_CERTIFICATE,
	REC_IP_ADDRESS
};
static const int record_order_certutils[] = {
	REC_SUBJECT_NAME, REC_ISSUER_NAME, REC_SERIAL_NUMBER, REC_ROLE,
	REC_PUBLIC_KEY, REC_SIGNATURE, REC_CERTIFICATE
};
/* Blank records: RECORD_LENGTH, DNS name, role, IP only (formats.md 3.1). */
static const int record_order_blank[] = {
	REC_DNS_NAME, REC_ROLE, REC_IP_ADDRESS
};

enum style { STYLE_CISCO = 0, STYLE_CERTUTILS = 1 };

/* How distinguished names are written as strings. */
enum dn_style {
	DN_CISCO,     /* certificate order, ';', values verbatim */
	DN_CERTUTILS, /* certificate order, ',', each value RFC 4514-escaped */
	DN_RFC4514    /* RFC 4514: reversed order, ',' and '+', escaped */
};

enum file_kind { KIND_ITL, KIND_CTL, KIND_SGN, KIND_ENCSGN };

/* ---- diagnostics ------------------------------------------------------- */

static const char *progname = "mktl";

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* Append whatever OpenSSL queued, if anything. */
	ERR_print_errors_fp(stderr);
	return -1;
}

static void warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- bounded output buffer --------------------------------------------- */

struct buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	int failed; /* sticky: set once any write did not fit */
};

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, ncap;
	unsigned char *p;

	if (b->failed)
		return -1;
	if (extra > MKTL_MAX_FILE || b->len > MKTL_MAX_FILE - extra) {
		b->failed = 1;
		return fail("output would exceed %u bytes", MKTL_MAX_FILE);
	}
	need = b->len + extra;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 1024;
	while (ncap < need)
		ncap *= 2;
	if (ncap > MKTL_MAX_FILE)
		ncap = MKTL_MAX_FILE;
	p = realloc(b->data, ncap);
	if (p == NULL) {
		b->failed = 1;
		return fail("out of memory");
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

static int buf_put(struct buf *b, const void *src, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, src, n);
	b->len += n;
	return 0;
}

static int buf_u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)(v & 0xFFu);

	return buf_put(b, &c, 1);
}

static int buf_u16(struct buf *b, unsigned v)
{
	unsigned char c[2];

	c[0] = (unsigned char)((v >> 8) & 0xFFu);
	c[1] = (unsigned char)(v & 0xFFu);
	return buf_put(b, c, 2);
}

static void buf_patch_u16(struct buf *b, size_t off, unsigned v)
{
	b->data[off] = (unsigned char)((v >> 8) & 0xFFu);
	b->data[off + 1] = (unsigned char)(v & 0xFFu);
}

static void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* ---- generic TLV primitives (formats.md 1) ----------------------------- */

static int tlv_bytes(struct buf *b, int tag, const void *val, size_t n)
{
	if (n > TLV_MAX_VALUE)
		return fail("tag %d: value of %zu bytes does not fit a 2-byte length",
			    tag, n);
	if (buf_u8(b, (unsigned)tag) || buf_u16(b, (unsigned)n) ||
	    buf_put(b, val, n))
		return -1;
	return 0;
}

static int tlv_u8(struct buf *b, int tag, unsigned v)
{
	unsigned char c = (unsigned char)v;

	return tlv_bytes(b, tag, &c, 1);
}

static int tlv_u16(struct buf *b, int tag, unsigned v)
{
	unsigned char c[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	return tlv_bytes(b, tag, c, 2);
}

static int tlv_u32(struct buf *b, int tag, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	return tlv_bytes(b, tag, c, 4);
}

/* String with its terminating NUL counted; NULL or "" gives length 1. */
static int tlv_string(struct buf *b, int tag, const char *s)
{
	if (s == NULL)
		s = "";
	return tlv_bytes(b, tag, s, strlen(s) + 1);
}

/*
 * Containers (tags 3, 7, 9, 16, 17, 21) have a length but no value of their
 * own: the length is the size of the child TLVs that follow inline.
 * tlv_open() writes the tag and a zero length and returns its offset;
 * tlv_close() patches the length once the children are written.
 */
static int tlv_open(struct buf *b, int tag, size_t *off)
{
	*off = b->len;
	return (buf_u8(b, (unsigned)tag) || buf_u16(b, 0)) ? -1 : 0;
}

static int tlv_close(struct buf *b, size_t off)
{
	size_t n = b->len - off - TLV_HDR;

	if (b->failed)
		return -1;
	if (n > TLV_MAX_VALUE)
		return fail("container tag %u: %zu bytes of children do not fit",
			    (unsigned)b->data[off], n);
	buf_patch_u16(b, off + 1, (unsigned)n);
	return 0;
}

/* ---- small parsers ----------------------------------------------------- */

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "M.m" with both parts 0..255. */
static int parse_version(const char *s, unsigned *major, unsigned *minor)
{
	unsigned a, b;
	char extra;

	if (sscanf(s, "%u.%u%c", &a, &b, &extra) != 2 || a > 255 || b > 255)
		return -1;
	*major = a;
	*minor = b;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n bytes of hex, optional ':' separators. */
static int parse_hex_exact(const char *s, unsigned char *out, size_t n)
{
	size_t i = 0;

	while (*s != '\0') {
		int hi, lo;

		if (*s == ':') {
			s++;
			continue;
		}
		hi = hexval((unsigned char)s[0]);
		lo = s[1] ? hexval((unsigned char)s[1]) : -1;
		if (hi < 0 || lo < 0 || i >= n)
			return -1;
		out[i++] = (unsigned char)((hi << 4) | lo);
		s += 2;
	}
	return i == n ? 0 : -1;
}

/* ---- hash codes (formats.md 2.4) --------------------------------------- */

struct hash_code {
	unsigned code;
	const char *name;
};

/* 4 is the superseded SHA-512 code of 2017-2021 certutils. */
static const struct hash_code hash_codes[] = {
	{ 1, "sha1" },
	{ 2, "sha256" },
	{ 3, "sha512" },
	{ 4, "sha512-legacy" },
};

static int parse_hash_code(const char *s, unsigned *code)
{
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(hash_codes) / sizeof(hash_codes[0]); i++) {
		if (strcmp(s, hash_codes[i].name) == 0) {
			*code = hash_codes[i].code;
			return 0;
		}
	}
	if (parse_ulong(s, 4, &v) != 0 || v < 1)
		return -1;
	*code = (unsigned)v;
	return 0;
}

static const EVP_MD *hash_md(unsigned code)
{
	switch (code) {
	case 1:
		return EVP_sha1();
	case 2:
		return EVP_sha256();
	case 3:
	case 4:
		return EVP_sha512();
	default:
		return NULL;
	}
}

/* ---- roles (formats.md 3.2) -------------------------------------------- */

struct role_name {
	unsigned code;
	const char *name;
};

static const struct role_name role_names[] = {
	{ 0, "SAST" },   { 1, "CCM" },        { 2, "CCM+TFTP" },
	{ 3, "TFTP" },   { 4, "CAPF" },       { 5, "SRST" },
	{ 7, "APP-SERVER" }, { 7, "HTTPS" }, { 21, "TVS" },
};

static int parse_role(const char *s, unsigned *code)
{
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
		if (strcasecmp(s, role_names[i].name) == 0) {
			*code = role_names[i].code;
			return 0;
		}
	}
	if (parse_ulong(s, 0xFFFF, &v) != 0)
		return -1;
	*code = (unsigned)v;
	return 0;
}

/* ---- certificate helpers ----------------------------------------------- */

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return 0; /* encrypted keys are not supported */
}

static X509 *load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL) {
		fail("cannot open certificate %s: %s", path, strerror(errno));
		return NULL;
	}
	x = PEM_read_X509(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (x == NULL)
		fail("%s: not a PEM certificate", path);
	return x;
}

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (f == NULL) {
		fail("cannot open key %s: %s", path, strerror(errno));
		return NULL;
	}
	k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (k == NULL)
		fail("%s: not an unencrypted PEM private key", path);
	return k;
}

/*
 * Serial as minimal big-endian magnitude (no DER sign byte), formats.md 1.
 * A zero serial is written as a single 0x00 byte.
 */
static int cert_serial(const X509 *x, unsigned char *out, size_t *len)
{
	const ASN1_INTEGER *ai = X509_get0_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(ai, NULL);
	int n;

	if (bn == NULL)
		return fail("cannot read certificate serial number");
	n = BN_num_bytes(bn);
	if (n > MAX_SERIAL) {
		BN_free(bn);
		return fail("serial number longer than %d bytes", MAX_SERIAL);
	}
	if (n == 0) {
		out[0] = 0;
		*len = 1;
	} else {
		BN_bn2bin(bn, out);
		*len = (size_t)n;
	}
	BN_free(bn);
	return 0;
}

/* Attribute type names for the RFC 4514 style (as certutils writes them). */
static const char *rfc4514_type(int nid)
{
	switch (nid) {
	case NID_commonName:
		return "CN";
	case NID_localityName:
		return "L";
	case NID_stateOrProvinceName:
		return "ST";
	case NID_organizationName:
		return "O";
	case NID_organizationalUnitName:
		return "OU";
	case NID_countryName:
		return "C";
	case NID_streetAddress:
		return "STREET";
	case NID_domainComponent:
		return "DC";
	case NID_userId:
		return "UID";
	default:
		return NULL;
	}
}

static int append_str(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

/* RFC 4514 section 2.4 escaping of one attribute value. */
static int append_rfc4514_value(struct buf *b, const unsigned char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = v[i];
		int esc = 0;

		if (strchr("\\\"+,;<>", c) != NULL && c != '\0')
			esc = 1;
		else if (i == 0 && (c == ' ' || c == '#'))
			esc = 1;
		else if (i == n - 1 && c == ' ')
			esc = 1;
		if (c == '\0') {
			if (append_str(b, "\\00"))
				return -1;
			continue;
		}
		if ((esc && buf_u8(b, '\\')) || buf_u8(b, c))
			return -1;
	}
	return 0;
}

/*
 * Distinguished name as a string.
 *   DN_CISCO:     certificate (DER) order, "TYPE=value" joined by ';',
 *                 values verbatim (formats.md 1).
 *   DN_CERTUTILS: certificate (DER) order, "TYPE=value" joined by ',', each
 *                 attribute escaped as in RFC 4514 (formats.md 7; this is
 *                 what the certutils sample of formats.md 3.7 carries:
 *                 "CN=SAST,O=SAST,OU=SAST" for a CN, O, OU certificate).
 *   DN_RFC4514:   a real RFC 4514 string: reversed order, ',' between RDNs,
 *                 '+' inside a multi-valued RDN, values escaped.
 * Returns a malloc'd NUL-terminated string or NULL.
 */
static char *dn_string(const X509_NAME *name, enum dn_style style)
{
	struct buf b = { 0 };
	int count = X509_NAME_entry_count(name);
	int i, prev_set = -1;

	for (i = 0; i < count; i++) {
		int idx = (style == DN_RFC4514) ? count - 1 - i : i;
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, idx);
		const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
		const ASN1_STRING *val = X509_NAME_ENTRY_get_data(e);
		int nid = OBJ_obj2nid(obj);
		int set = X509_NAME_ENTRY_set(e);
		unsigned char *utf8 = NULL;
		int ulen = ASN1_STRING_to_UTF8(&utf8, val);
		char oidbuf[128];
		const char *type;
		int rc = 0;

		if (ulen < 0) {
			fail("cannot convert a name attribute to UTF-8");
			buf_free(&b);
			return NULL;
		}
		if (style == DN_CISCO)
			type = (nid != NID_undef) ? OBJ_nid2sn(nid) : NULL;
		else
			type = rfc4514_type(nid);
		if (type == NULL) {
			OBJ_obj2txt(oidbuf, sizeof(oidbuf), obj, 1);
			type = oidbuf;
		}
		if (i > 0) {
			if (style == DN_CISCO)
				rc = buf_u8(&b, ';');
			else if (style == DN_CERTUTILS)
				rc = buf_u8(&b, ',');
			else
				rc = buf_u8(&b, set == prev_set ? '+' : ',');
		}
		if (rc == 0)
			rc = append_str(&b, type) || buf_u8(&b, '=');
		if (rc == 0) {
			if (style == DN_CISCO)
				rc = buf_put(&b, utf8, (size_t)ulen);
			else
				rc = append_rfc4514_value(&b, utf8, (size_t)ulen);
		}
		OPENSSL_free(utf8);
		if (rc != 0) {
			buf_free(&b);
			return NULL;
		}
		prev_set = set;
	}
	if (buf_u8(&b, '\0') != 0) {
		buf_free(&b);
		return NULL;
	}
	return (char *)b.data;
}

/* ---- signer ------------------------------------------------------------ */

struct signer {
	X509 *cert;
	EVP_PKEY *key;
	char *name;   /* subject DN string */
	char *issuer; /* issuer DN string */
	unsigned char serial[MAX_SERIAL];
	size_t serial_len;
	size_t sig_len; /* RSA modulus bytes */
};

static void signer_free(struct signer *s)
{
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	free(s->name);
	free(s->issuer);
	memset(s, 0, sizeof(*s));
}

static int signer_load(struct signer *s, const char *cert_path,
		       const char *key_path, enum dn_style dn_style,
		       int allow_mismatch)
{
	int bits;

	s->cert = load_cert(cert_path);
	if (s->cert == NULL)
		return -1;
	s->key = load_key(key_path);
	if (s->key == NULL)
		return -1;
	if (EVP_PKEY_get_base_id(s->key) != EVP_PKEY_RSA)
		return fail("%s: the signing key must be RSA", key_path);
	if (X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		if (!allow_mismatch)
			return fail("%s does not match %s (use --allow-key-mismatch "
				    "to build a deliberately bad signature)",
				    key_path, cert_path);
		warn("signing key does not match the signer certificate "
		     "(--allow-key-mismatch): the signature will not verify");
	}
	bits = EVP_PKEY_get_bits(s->key);
	if (bits != 512 && bits != 1024 && bits != 2048 && bits != 4096)
		return fail("%s: RSA-%d has no signature-modulus code "
			    "(512, 1024, 2048 or 4096 only)", key_path, bits);
	s->sig_len = (size_t)EVP_PKEY_get_size(s->key);
	s->name = dn_string(X509_get_subject_name(s->cert), dn_style);
	s->issuer = dn_string(X509_get_issuer_name(s->cert), dn_style);
	if (s->name == NULL || s->issuer == NULL)
		return -1;
	return cert_serial(s->cert, s->serial, &s->serial_len);
}

/* Tag 11 value: 0=64, 1=128, 2=256, 3=512-byte signature (formats.md 2.1). */
static unsigned modulus_code(size_t sig_len)
{
	switch (sig_len) {
	case 64:
		return 0;
	case 128:
		return 1;
	case 256:
		return 2;
	default:
		return 3;
	}
}

static int rsa_sign(const struct signer *s, unsigned hash,
		    const unsigned char *data, size_t len,
		    unsigned char *sig, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc = -1;

	if (ctx == NULL)
		return fail("out of memory");
	if (EVP_DigestSignInit(ctx, &pctx, hash_md(hash), NULL, s->key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_DigestSign(ctx, sig, sig_len, data, len) != 1)
		fail("RSA signing failed");
	else if (*sig_len != s->sig_len)
		fail("unexpected signature length %zu", *sig_len);
	else
		rc = 0;
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* ---- header options ---------------------------------------------------- */

struct header_opts {
	enum file_kind kind;
	unsigned version_major, version_minor;
	int have_signer_version;
	unsigned signer_version_major, signer_version_minor;
	enum style signer_order;
	unsigned hash;
	const char *filename;
	uint32_t timestamp;
};

/* Encryption material for .enc.sgn (formats.md 5.2). */
struct enc_info {
	unsigned char iv[AES_BLOCK];
	unsigned pad_count;
	unsigned char wrapped_key[1024];
	size_t wrapped_len;
	unsigned hash;
	unsigned char digest[EVP_MAX_MD_SIZE];
	size_t digest_len;
};

/* ---- header TLV writers (formats.md 2.1, 2.2) -------------------------- */

static int put_header_version(struct buf *b, const struct header_opts *h)
{
	unsigned char v[2] = { (unsigned char)h->version_major,
			       (unsigned char)h->version_minor };

	return tlv_bytes(b, HDR_VERSION, v, 2);
}

/* Placeholder; the value is patched by patch_header_length(). */
static int put_header_length(struct buf *b, size_t *off)
{
	*off = b->len;
	return tlv_u16(b, HDR_LENGTH, 0);
}

static int patch_header_length(struct buf *b, size_t off, size_t header_len)
{
	if (header_len > TLV_MAX_VALUE)
		return fail("header of %zu bytes does not fit HEADER_LENGTH",
			    header_len);
	buf_patch_u16(b, off + TLV_HDR, (unsigned)header_len);
	return 0;
}

static int put_signer_version(struct buf *b, const struct header_opts *h)
{
	unsigned char v[2] = { (unsigned char)h->signer_version_major,
			       (unsigned char)h->signer_version_minor };

	return tlv_bytes(b, HDR_SIGNER_VERSION, v, 2);
}

static int put_signer_name(struct buf *b, const struct signer *s)
{
	return tlv_string(b, HDR_SIGNER_NAME, s->name);
}

static int put_signer_serial(struct buf *b, const struct signer *s)
{
	return tlv_bytes(b, HDR_SERIAL_NUMBER, s->serial, s->serial_len);
}

static int put_signer_issuer(struct buf *b, const struct signer *s)
{
	return tlv_string(b, HDR_ISSUER_NAME, s->issuer);
}

/* Tag 3 container: Cisco order 4,5,6; certutils (2024) order 4,6,5. */
static int put_signer_info(struct buf *b, const struct signer *s,
			   enum style order)
{
	size_t off;

	if (tlv_open(b, HDR_SIGNER_INFO, &off) || put_signer_name(b, s))
		return -1;
	if (order == STYLE_CISCO) {
		if (put_signer_serial(b, s) || put_signer_issuer(b, s))
			return -1;
	} else {
		if (put_signer_issuer(b, s) || put_signer_serial(b, s))
			return -1;
	}
	return tlv_close(b, off);
}

/* Tag 7 container {8, 9 {10, 11}}, always 15 bytes of children. */
static int put_signature_info(struct buf *b, unsigned hash, size_t sig_len)
{
	size_t off7, off9;

	if (tlv_open(b, HDR_SIGNATURE_INFO, &off7) ||
	    tlv_u8(b, HDR_HASH_ALGORITHM, hash) ||
	    tlv_open(b, HDR_SIGNATURE_ALGO_INFO, &off9) ||
	    tlv_u8(b, HDR_SIGNATURE_ALGORITHM, 0) ||
	    tlv_u8(b, HDR_SIGNATURE_MODULUS, modulus_code(sig_len)) ||
	    tlv_close(b, off9))
		return -1;
	return tlv_close(b, off7);
}

static int put_signature(struct buf *b, const unsigned char *sig, size_t n)
{
	return tlv_bytes(b, HDR_SIGNATURE, sig, n);
}

static int put_filename(struct buf *b, const char *name)
{
	return tlv_string(b, HDR_FILENAME, name);
}

static int put_timestamp(struct buf *b, uint32_t t)
{
	return tlv_u32(b, HDR_TIMESTAMP, t);
}

/* Single 0x0D bytes without a length field (formats.md 1, 2.2). */
static int put_padding(struct buf *b, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (buf_u8(b, HDR_PADDING))
			return -1;
	return 0;
}

/* Tag 17 container {18, 19, 20}. */
static int put_encryption_iv_info(struct buf *b, const struct enc_info *e)
{
	size_t off;

	if (tlv_open(b, HDR_ENC_IV_INFO, &off) ||
	    tlv_u8(b, HDR_ENC_UNKNOWN1, 0) ||
	    tlv_bytes(b, HDR_ENC_IV, e->iv, sizeof(e->iv)) ||
	    tlv_u16(b, HDR_ENC_PADDING, e->pad_count))
		return -1;
	return tlv_close(b, off);
}

/* Tag 21 container {22, 23, 24, 25}. */
static int put_encryption_key_info(struct buf *b, const struct enc_info *e)
{
	size_t off;

	if (8 * e->wrapped_len > TLV_MAX_VALUE)
		return fail("wrapped key of %zu bytes is too large", e->wrapped_len);
	if (tlv_open(b, HDR_ENC_KEY_INFO, &off) ||
	    tlv_u8(b, HDR_ENC_UNKNOWN2, 0) ||
	    tlv_u16(b, HDR_ENC_KEY_SIZE, (unsigned)(8 * e->wrapped_len)) ||
	    tlv_u8(b, HDR_ENC_KEY_ALGORITHM, 1) ||
	    tlv_bytes(b, HDR_ENC_KEY, e->wrapped_key, e->wrapped_len))
		return -1;
	return tlv_close(b, off);
}

/* Tag 16 container {17, 21}, then tags 26 and 27. */
static int put_encryption_info(struct buf *b, const struct enc_info *e)
{
	size_t off;

	if (tlv_open(b, HDR_ENC_INFO, &off) ||
	    put_encryption_iv_info(b, e) ||
	    put_encryption_key_info(b, e) ||
	    tlv_close(b, off))
		return -1;
	if (tlv_u8(b, HDR_ENC_HASH_ALGORITHM, e->hash) ||
	    tlv_bytes(b, HDR_ENC_HASH, e->digest, e->digest_len))
		return -1;
	return 0;
}

/*
 * Build a complete signed file (formats.md 2.3):
 * header without the signature TLV, padding computed for a 3+N byte
 * signature TLV, body appended, data signed, signature TLV inserted just
 * after tag 11 (i.e. before FILENAME).
 */
static int build_signed_file(const struct header_opts *h,
			     const struct signer *s,
			     const struct enc_info *enc,
			     const struct buf *body, struct buf *out)
{
	struct buf tmp = { 0 };
	unsigned char sig[1024];
	size_t sig_len = sizeof(sig);
	size_t hl_off, sig_pos, header_len, pad;
	int rc = -1;

	if (put_header_version(&tmp, h) || put_header_length(&tmp, &hl_off))
		goto out;
	if (h->have_signer_version && put_signer_version(&tmp, h))
		goto out;
	if (put_signer_info(&tmp, s, h->signer_order) ||
	    put_signature_info(&tmp, h->hash, s->sig_len))
		goto out;
	sig_pos = tmp.len;
	if (put_filename(&tmp, h->filename) || put_timestamp(&tmp, h->timestamp))
		goto out;
	if (enc != NULL && put_encryption_info(&tmp, enc))
		goto out;

	header_len = tmp.len + TLV_HDR + s->sig_len;
	pad = (4 - header_len % 4) % 4;
	if (put_padding(&tmp, pad))
		goto out;
	header_len += pad;
	if (patch_header_length(&tmp, hl_off, header_len))
		goto out;
	if (buf_put(&tmp, body->data, body->len))
		goto out;

	if (rsa_sign(s, h->hash, tmp.data, tmp.len, sig, &sig_len))
		goto out;

	if (buf_put(out, tmp.data, sig_pos) || put_signature(out, sig, sig_len) ||
	    buf_put(out, tmp.data + sig_pos, tmp.len - sig_pos))
		goto out;
	rc = 0;
out:
	buf_free(&tmp);
	return rc;
}

/* ---- records (formats.md 3) -------------------------------------------- */

struct record {
	const char *spec; /* for messages */
	X509 *cert;
	unsigned role;
	char *dns;        /* NULL = empty string */
	unsigned char ip[4];
	int nosig;        /* omit tag 8 (eToken-style) */
	int blank;        /* tags 1, 2, 4, 10 only */
};

struct record_ctx {
	const struct record *r;
	enum dn_style dn_style;
};

static int put_record_length(struct buf *b, size_t *off)
{
	*off = b->len;
	return tlv_u16(b, REC_LENGTH, 0);
}

static int patch_record_length(struct buf *b, size_t off)
{
	size_t n = b->len - off;

	if (b->failed)
		return -1;
	if (n > TLV_MAX_VALUE)
		return fail("record of %zu bytes does not fit RECORD_LENGTH", n);
	buf_patch_u16(b, off + TLV_HDR, (unsigned)n);
	return 0;
}

static int put_record_dns_name(struct buf *b, const struct record_ctx *c)
{
	return tlv_string(b, REC_DNS_NAME, c->r->dns);
}

static int put_record_subject(struct buf *b, const struct record_ctx *c)
{
	char *s = dn_string(X509_get_subject_name(c->r->cert), c->dn_style);
	int rc;

	if (s == NULL)
		return -1;
	rc = tlv_string(b, REC_SUBJECT_NAME, s);
	free(s);
	return rc;
}

static int put_record_role(struct buf *b, const struct record_ctx *c)
{
	return tlv_u16(b, REC_ROLE, c->r->role);
}

static int put_record_issuer(struct buf *b, const struct record_ctx *c)
{
	char *s = dn_string(X509_get_issuer_name(c->r->cert), c->dn_style);
	int rc;

	if (s == NULL)
		return -1;
	rc = tlv_string(b, REC_ISSUER_NAME, s);
	free(s);
	return rc;
}

static int put_record_serial(struct buf *b, const struct record_ctx *c)
{
	unsigned char serial[MAX_SERIAL];
	size_t len = 0;

	if (cert_serial(c->r->cert, serial, &len))
		return -1;
	return tlv_bytes(b, REC_SERIAL_NUMBER, serial, len);
}

/* RSA: PKCS#1 RSAPublicKey DER; EC: X9.62 point (formats.md 3.1 tag 7). */
static int put_record_public_key(struct buf *b, const struct record_ctx *c)
{
	EVP_PKEY *pk = X509_get0_pubkey(c->r->cert);
	unsigned char *der = NULL;
	int n, rc;

	if (pk == NULL)
		return fail("record %s: cannot read the public key", c->r->spec);
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA &&
	    EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
		return fail("record %s: only RSA and EC keys are supported",
			    c->r->spec);
	n = i2d_PublicKey(pk, &der);
	if (n <= 0)
		return fail("record %s: cannot encode the public key", c->r->spec);
	rc = tlv_bytes(b, REC_PUBLIC_KEY, der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

/* The certificate's own signatureValue bytes. */
static int put_record_signature(struct buf *b, const struct record_ctx *c)
{
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *alg = NULL;

	if (c->r->nosig)
		return 0;
	X509_get0_signature(&sig, &alg, c->r->cert);
	if (sig == NULL)
		return fail("record %s: certificate has no signature", c->r->spec);
	return tlv_bytes(b, REC_SIGNATURE, ASN1_STRING_get0_data(sig),
			 (size_t)ASN1_STRING_length(sig));
}

static int put_record_certificate(struct buf *b, const struct record_ctx *c)
{
	unsigned char *der = NULL;
	int n = i2d_X509(c->r->cert, &der);
	int rc;

	if (n <= 0)
		return fail("record %s: cannot encode the certificate", c->r->spec);
	rc = tlv_bytes(b, REC_CERTIFICATE, der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

static int put_record_ip(struct buf *b, const struct record_ctx *c)
{
	return tlv_bytes(b, REC_IP_ADDRESS, c->r->ip, 4);
}

static int put_record_tag(struct buf *b, const struct record_ctx *c, int tag)
{
	switch (tag) {
	case REC_DNS_NAME:
		return put_record_dns_name(b, c);
	case REC_SUBJECT_NAME:
		return put_record_subject(b, c);
	case REC_ROLE:
		return put_record_role(b, c);
	case REC_ISSUER_NAME:
		return put_record_issuer(b, c);
	case REC_SERIAL_NUMBER:
		return put_record_serial(b, c);
	case REC_PUBLIC_KEY:
		return put_record_public_key(b, c);
	case REC_SIGNATURE:
		return put_record_signature(b, c);
	case REC_CERTIFICATE:
		return put_record_certificate(b, c);
	case REC_IP_ADDRESS:
		return put_record_ip(b, c);
	default:
		return fail("internal: unknown record tag %d", tag);
	}
}

static int put_record(struct buf *b, const struct record *r,
		      enum style order, enum dn_style dn_style)
{
	const struct record_ctx c = { r, dn_style };
	const int *tags;
	size_t ntags, i, off;

	if (r->blank) {
		tags = record_order_blank;
		ntags = sizeof(record_order_blank) / sizeof(record_order_blank[0]);
	} else if (order == STYLE_CISCO) {
		tags = record_order_cisco;
		ntags = sizeof(record_order_cisco) / sizeof(record_order_cisco[0]);
	} else {
		tags = record_order_certutils;
		ntags = sizeof(record_order_certutils) /
			sizeof(record_order_certutils[0]);
	}
	if (put_record_length(b, &off))
		return -1;
	for (i = 0; i < ntags; i++)
		if (put_record_tag(b, &c, tags[i]))
			return -1;
	return patch_record_length(b, off);
}

static void record_free(struct record *r)
{
	X509_free(r->cert);
	free(r->dns);
	memset(r, 0, sizeof(*r));
}

/*
 * Record spec: comma-separated items
 *   role=ROLE  cert=PEM  dns=NAME  ip=A.B.C.D  nosig  blank
 */
static int parse_record(const char *spec, struct record *r)
{
	char *copy = strdup(spec);
	char *save = NULL, *item;
	const char *cert_path = NULL;
	int have_role = 0, rc = -1;

	memset(r, 0, sizeof(*r));
	r->spec = spec;
	if (copy == NULL)
		return fail("out of memory");
	for (item = strtok_r(copy, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		const char *val = eq ? eq + 1 : NULL;

		if (eq)
			*eq = '\0';
		if (strcmp(item, "role") == 0 && val) {
			if (parse_role(val, &r->role)) {
				fail("record '%s': unknown role '%s'", spec, val);
				goto out;
			}
			have_role = 1;
		} else if (strcmp(item, "cert") == 0 && val) {
			cert_path = val;
		} else if (strcmp(item, "dns") == 0 && val) {
			free(r->dns);
			r->dns = strdup(val);
			if (r->dns == NULL) {
				fail("out of memory");
				goto out;
			}
		} else if (strcmp(item, "ip") == 0 && val) {
			if (inet_pton(AF_INET, val, r->ip) != 1) {
				fail("record '%s': bad IPv4 address '%s'", spec, val);
				goto out;
			}
		} else if (strcmp(item, "nosig") == 0 && !val) {
			r->nosig = 1;
		} else if (strcmp(item, "blank") == 0 && !val) {
			r->blank = 1;
		} else {
			fail("record '%s': unknown item '%s'", spec, item);
			goto out;
		}
	}
	if (!have_role) {
		fail("record '%s': role= is required", spec);
		goto out;
	}
	if (r->blank) {
		if (cert_path != NULL || r->nosig) {
			fail("record '%s': blank records take no cert= or nosig",
			     spec);
			goto out;
		}
	} else {
		if (cert_path == NULL) {
			fail("record '%s': cert= is required (or use blank)", spec);
			goto out;
		}
		r->cert = load_cert(cert_path);
		if (r->cert == NULL)
			goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* ---- file I/O ---------------------------------------------------------- */

static int read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	unsigned char chunk[4096];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return fail("cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_put(b, chunk, n)) {
			rc = fail("%s: file too large", path);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = fail("cannot read %s", path);
	fclose(f);
	return rc;
}

static int write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return fail("cannot create %s: %s", path, strerror(errno));
	if (fwrite(b->data, 1, b->len, f) != b->len) {
		fclose(f);
		return fail("cannot write %s", path);
	}
	if (fclose(f) != 0)
		return fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- .enc.sgn payload (formats.md 5.2) --------------------------------- */

static int wrap_key(const char *device_cert, const unsigned char *key,
		    struct enc_info *e)
{
	X509 *x = load_cert(device_cert);
	EVP_PKEY *pk;
	EVP_PKEY_CTX *ctx = NULL;
	size_t outlen = sizeof(e->wrapped_key);
	int rc = -1;

	if (x == NULL)
		return -1;
	pk = X509_get0_pubkey(x);
	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		fail("%s: the device certificate must carry an RSA key",
		     device_cert);
		goto out;
	}
	ctx = EVP_PKEY_CTX_new(pk, NULL);
	if (ctx == NULL || EVP_PKEY_encrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_encrypt(ctx, e->wrapped_key, &outlen, key,
			     AES128_KEY_LEN) != 1) {
		fail("%s: RSA key wrapping failed", device_cert);
		goto out;
	}
	e->wrapped_len = outlen;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	X509_free(x);
	return rc;
}

/* AES-128-CBC over plaintext || N x 0x0D, N = 16 - (len mod 16). */
static int encrypt_payload(const struct buf *plain, const unsigned char *key,
			   struct enc_info *e, struct buf *cipher)
{
	struct buf padded = { 0 };
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned int dlen = 0;
	int outl = 0, finl = 0, rc = -1;

	e->pad_count = AES_BLOCK - (unsigned)(plain->len % AES_BLOCK);
	if (buf_put(&padded, plain->data, plain->len) ||
	    put_padding(&padded, e->pad_count))
		goto out;
	if (padded.len > INT_MAX - AES_BLOCK ||
	    buf_reserve(cipher, padded.len + AES_BLOCK))
		goto out;

	if (EVP_Digest(plain->data, plain->len, e->digest, &dlen,
		       hash_md(e->hash), NULL) != 1) {
		fail("plaintext digest failed");
		goto out;
	}
	e->digest_len = dlen;

	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, e->iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, cipher->data + cipher->len, &outl,
			      padded.data, (int)padded.len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, cipher->data + cipher->len + outl,
				&finl) != 1) {
		fail("AES-128-CBC encryption failed");
		goto out;
	}
	cipher->len += (size_t)outl + (size_t)finl;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	buf_free(&padded);
	return rc;
}

/* ---- command line ------------------------------------------------------ */

static const char *const usage_text[] = {
	"Usage: mktl COMMAND [OPTIONS]\n",
	"\n",
	"Build Cisco CUCM trust lists and signed files for testing.\n",
	"\n",
	"Commands:\n",
	"  itl       ITL trust list (.tlv); default FILENAME tag \"ITLFile.tlv\"\n",
	"  ctl       CTL trust list (.tlv); default FILENAME tag \"CTLFile.tlv\"\n",
	"            (ITL and CTL share one format; only the default name differs)\n",
	"  sgn       signed file: header + unmodified payload (--input)\n",
	"  encsgn    encrypted signed config (.enc.sgn): header with encryption\n",
	"            tags 16-27 + AES-128-CBC payload\n",
	"\n",
	"Common options:\n",
	"  -o, --output FILE          file to write (required)\n",
	"  -c, --signer-cert PEM      certificate whose subject, issuer and serial go\n",
	"                             into header tags 4, 6, 5 (required)\n",
	"  -k, --signer-key PEM       unencrypted RSA private key that signs the file\n",
	"                             (512/1024/2048/4096 bits; required)\n",
	"      --allow-key-mismatch   sign even if the key does not belong to the\n",
	"                             signer certificate (bad-signature test files)\n",
	"  -f, --filename NAME        FILENAME tag 14 (default: itl/ctl as above,\n",
	"                             sgn/encsgn the base name of --output)\n",
	"  -H, --hash CODE            hash code, tag 8: 1|sha1 (default), 2|sha256,\n",
	"                             3|sha512, 4|sha512-legacy (SHA-512, old code)\n",
	"  -V, --header-version M.m   tag 1 (default itl/ctl 1.2, sgn 1.0, encsgn 2.0)\n",
	"  -S, --signer-version M.m   add tag 28 signer version (e.g. 1.0 or 1.1)\n",
	"      --no-signer-version    omit tag 28 (cancels the certutils preset)\n",
	"  -t, --timestamp SECONDS    tag 15 Unix time (default: now)\n",
	"      --style cisco|certutils\n",
	"                             preset for the three options below (default\n",
	"                             cisco); for itl/ctl, certutils also adds tag 28\n",
	"                             version 1.0 unless -S/--no-signer-version\n",
	"      --signer-order cisco|certutils\n",
	"                             tag 3 children: cisco = name(4), serial(5),\n",
	"                             issuer(6); certutils = name(4), issuer(6),\n",
	"                             serial(5)\n",
	"      --dn-style cisco|certutils|rfc4514\n",
	"                             cisco = certificate order, ';' separator,\n",
	"                             values verbatim (CN=x;OU=y;O=z);\n",
	"                             certutils = certificate order, ',' separator,\n",
	"                             values escaped as in RFC 4514 (CN=x,OU=y,O=z);\n",
	"                             rfc4514 = RFC 4514 string: reversed order,\n",
	"                             ',' separator (O=z,OU=y,CN=x)\n",
	"  -h, --help                 this text\n",
	"      --version              print the version\n",
	"\n",
	"itl / ctl options:\n",
	"      --record-order cisco|certutils\n",
	"                             cisco = tags 1,2,3,4,5,6,7,8,9,10 (with DNS\n",
	"                             name and IPv4 address); certutils = tags\n",
	"                             1,3,5,6,4,7,8,9 (no DNS name, no IP)\n",
	"  -r, --record SPEC          add a record (repeat, in file order; max " XSTR(MAX_RECORDS) ").\n",
	"                             SPEC is a comma-separated list of:\n",
	"                               role=ROLE   required: SAST, CCM, CCM+TFTP,\n",
	"                                           TFTP, CAPF, SRST, APP-SERVER (or\n",
	"                                           HTTPS), TVS, or a number 0-65535\n",
	"                               cert=PEM    certificate (required unless blank)\n",
	"                               dns=NAME    tag 2 (default empty: length 1)\n",
	"                               ip=A.B.C.D  tag 10 (default 0.0.0.0)\n",
	"                               nosig       omit tag 8 (eToken-style record)\n",
	"                               blank       blank record: tags 1,2,4,10 only\n",
	"                             Paths must not contain ','.\n",
	"\n",
	"sgn / encsgn options:\n",
	"  -i, --input FILE           payload (plaintext for encsgn; required)\n",
	"\n",
	"encsgn options:\n",
	"  -d, --device-cert PEM      device (phone) certificate; its RSA public key\n",
	"                             wraps the AES key with PKCS#1 v1.5 (required)\n",
	"      --aes-key HEX          16-byte AES-128 key (default: random)\n",
	"      --iv HEX               16-byte IV (default: random)\n",
	"      --enc-hash CODE        hash code for tags 26/27 (default: --hash)\n",
	"\n",
	"Encoding (see formats.md): TLV = 1-byte tag, 2-byte big-endian length;\n",
	"strings include their NUL; serials are minimal big-endian magnitudes;\n",
	"the header is padded with single 0x0D bytes to a multiple of 4 and\n",
	"HEADER_LENGTH counts the signature TLV; the RSASSA-PKCS1-v1_5 signature\n",
	"covers the whole file with the signature TLV (tag 12) cut out. Record\n",
	"tag 7 is the PKCS#1 RSAPublicKey DER (EC: uncompressed point), tag 8 the\n",
	"certificate's signatureValue, tag 9 the certificate DER. .enc.sgn pads\n",
	"the plaintext with 1-16 bytes 0x0D, tag 27 is the digest of the\n",
	"unpadded plaintext and tag 23 is 8 x the wrapped key length.\n",
	"\n",
	"Exit status: 0 success, 1 error, 2 usage error.\n",
};

static void usage(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(usage_text) / sizeof(usage_text[0]); i++)
		fputs(usage_text[i], f);
}

enum long_only {
	OPT_ALLOW_MISMATCH = 256,
	OPT_NO_SIGNER_VERSION,
	OPT_STYLE,
	OPT_SIGNER_ORDER,
	OPT_DN_STYLE,
	OPT_RECORD_ORDER,
	OPT_AES_KEY,
	OPT_IV,
	OPT_ENC_HASH,
	OPT_VERSION
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "signer-cert", required_argument, NULL, 'c' },
	{ "signer-key", required_argument, NULL, 'k' },
	{ "allow-key-mismatch", no_argument, NULL, OPT_ALLOW_MISMATCH },
	{ "filename", required_argument, NULL, 'f' },
	{ "hash", required_argument, NULL, 'H' },
	{ "header-version", required_argument, NULL, 'V' },
	{ "signer-version", required_argument, NULL, 'S' },
	{ "no-signer-version", no_argument, NULL, OPT_NO_SIGNER_VERSION },
	{ "timestamp", required_argument, NULL, 't' },
	{ "style", required_argument, NULL, OPT_STYLE },
	{ "signer-order", required_argument, NULL, OPT_SIGNER_ORDER },
	{ "dn-style", required_argument, NULL, OPT_DN_STYLE },
	{ "record-order", required_argument, NULL, OPT_RECORD_ORDER },
	{ "record", required_argument, NULL, 'r' },
	{ "input", required_argument, NULL, 'i' },
	{ "device-cert", required_argument, NULL, 'd' },
	{ "aes-key", required_argument, NULL, OPT_AES_KEY },
	{ "iv", required_argument, NULL, OPT_IV },
	{ "enc-hash", required_argument, NULL, OPT_ENC_HASH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct options {
	enum file_kind kind;
	const char *output, *signer_cert, *signer_key, *filename;
	const char *input, *device_cert, *aes_key, *iv;
	const char *records[MAX_RECORDS];
	int nrecords;
	int allow_mismatch;
	int have_version;
	unsigned version_major, version_minor;
	int signer_version_set; /* -1 none requested, 0 off, 1 on */
	unsigned sv_major, sv_minor;
	int have_style, have_signer_order, have_dn_style, have_record_order;
	enum style style, signer_order, record_order;
	enum dn_style dn_style;
	unsigned hash, enc_hash;
	int have_enc_hash;
	int have_timestamp;
	uint32_t timestamp;
};

static int parse_style(const char *s, enum style *out)
{
	if (strcmp(s, "cisco") == 0)
		*out = STYLE_CISCO;
	else if (strcmp(s, "certutils") == 0)
		*out = STYLE_CERTUTILS;
	else
		return -1;
	return 0;
}

static int parse_dn_style(const char *s, enum dn_style *out)
{
	if (strcmp(s, "cisco") == 0)
		*out = DN_CISCO;
	else if (strcmp(s, "certutils") == 0)
		*out = DN_CERTUTILS;
	else if (strcmp(s, "rfc4514") == 0)
		*out = DN_RFC4514;
	else
		return -1;
	return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", progname);
	return 2;
}

static int parse_command(const char *s, enum file_kind *kind)
{
	if (strcmp(s, "itl") == 0)
		*kind = KIND_ITL;
	else if (strcmp(s, "ctl") == 0)
		*kind = KIND_CTL;
	else if (strcmp(s, "sgn") == 0)
		*kind = KIND_SGN;
	else if (strcmp(s, "encsgn") == 0)
		*kind = KIND_ENCSGN;
	else
		return -1;
	return 0;
}

/* Returns 0 on success, 2 on a usage error. */
static int parse_args(int argc, char **argv, struct options *o)
{
	int c;
	unsigned long ul;

	memset(o, 0, sizeof(*o));
	o->hash = 1;
	o->signer_version_set = -1;

	if (argc < 2)
		return usage_error("%s", "missing COMMAND");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		exit(0);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mktl %s\n", MKTL_VERSION);
		exit(0);
	}
	if (parse_command(argv[1], &o->kind))
		return usage_error("unknown command '%s'", argv[1]);

	optind = 2;
	while ((c = getopt_long(argc, argv, "o:c:k:f:H:V:S:t:r:i:d:h",
				long_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'c':
			o->signer_cert = optarg;
			break;
		case 'k':
			o->signer_key = optarg;
			break;
		case OPT_ALLOW_MISMATCH:
			o->allow_mismatch = 1;
			break;
		case 'f':
			o->filename = optarg;
			break;
		case 'H':
			if (parse_hash_code(optarg, &o->hash))
				return usage_error("bad hash code '%s'", optarg);
			break;
		case 'V':
			if (parse_version(optarg, &o->version_major,
					  &o->version_minor))
				return usage_error("bad header version '%s'", optarg);
			o->have_version = 1;
			break;
		case 'S':
			if (parse_version(optarg, &o->sv_major, &o->sv_minor))
				return usage_error("bad signer version '%s'", optarg);
			o->signer_version_set = 1;
			break;
		case OPT_NO_SIGNER_VERSION:
			o->signer_version_set = 0;
			break;
		case 't':
			if (parse_ulong(optarg, 0xFFFFFFFFul, &ul))
				return usage_error("bad timestamp '%s'", optarg);
			o->timestamp = (uint32_t)ul;
			o->have_timestamp = 1;
			break;
		case OPT_STYLE:
			if (parse_style(optarg, &o->style))
				return usage_error("bad style '%s'", optarg);
			o->have_style = 1;
			break;
		case OPT_SIGNER_ORDER:
			if (parse_style(optarg, &o->signer_order))
				return usage_error("bad signer order '%s'", optarg);
			o->have_signer_order = 1;
			break;
		case OPT_DN_STYLE:
			if (parse_dn_style(optarg, &o->dn_style))
				return usage_error("bad DN style '%s'", optarg);
			o->have_dn_style = 1;
			break;
		case OPT_RECORD_ORDER:
			if (parse_style(optarg, &o->record_order))
				return usage_error("bad record order '%s'", optarg);
			o->have_record_order = 1;
			break;
		case 'r':
			if (o->nrecords >= MAX_RECORDS)
				return usage_error("%s", "too many records");
			o->records[o->nrecords++] = optarg;
			break;
		case 'i':
			o->input = optarg;
			break;
		case 'd':
			o->device_cert = optarg;
			break;
		case OPT_AES_KEY:
			o->aes_key = optarg;
			break;
		case OPT_IV:
			o->iv = optarg;
			break;
		case OPT_ENC_HASH:
			if (parse_hash_code(optarg, &o->enc_hash))
				return usage_error("bad hash code '%s'", optarg);
			o->have_enc_hash = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("mktl %s\n", MKTL_VERSION);
			exit(0);
		default:
			return usage_error("%s", "invalid option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->output == NULL)
		return usage_error("%s", "--output is required");
	if (o->signer_cert == NULL || o->signer_key == NULL)
		return usage_error("%s", "--signer-cert and --signer-key are required");

	if (o->kind == KIND_ITL || o->kind == KIND_CTL) {
		if (o->nrecords == 0)
			return usage_error("%s", "at least one --record is required");
		if (o->input || o->device_cert)
			return usage_error("%s", "--input/--device-cert are for sgn/encsgn");
	} else {
		if (o->nrecords > 0 || o->have_record_order)
			return usage_error("%s", "--record/--record-order are for itl/ctl");
		if (o->input == NULL)
			return usage_error("%s", "--input is required");
	}
	if (o->kind != KIND_ENCSGN &&
	    (o->device_cert || o->aes_key || o->iv || o->have_enc_hash))
		return usage_error("%s", "encryption options are for encsgn only");
	if (o->kind == KIND_ENCSGN && o->device_cert == NULL)
		return usage_error("%s", "--device-cert is required");
	return 0;
}

/* Resolve presets and defaults into header options. */
static void resolve_header(const struct options *o, struct header_opts *h,
			   enum dn_style *dn_style, enum style *record_order)
{
	enum style base = o->have_style ? o->style : STYLE_CISCO;
	int tl = (o->kind == KIND_ITL || o->kind == KIND_CTL);

	memset(h, 0, sizeof(*h));
	h->kind = o->kind;
	h->hash = o->hash;
	h->signer_order = o->have_signer_order ? o->signer_order : base;
	if (o->have_dn_style)
		*dn_style = o->dn_style;
	else
		*dn_style = (base == STYLE_CISCO) ? DN_CISCO : DN_CERTUTILS;
	*record_order = o->have_record_order ? o->record_order : base;

	if (o->have_version) {
		h->version_major = o->version_major;
		h->version_minor = o->version_minor;
	} else if (tl) {
		h->version_major = 1;
		h->version_minor = 2;
	} else if (o->kind == KIND_SGN) {
		h->version_major = 1;
		h->version_minor = 0;
	} else {
		h->version_major = 2;
		h->version_minor = 0;
	}

	if (o->signer_version_set == 1) {
		h->have_signer_version = 1;
		h->signer_version_major = o->sv_major;
		h->signer_version_minor = o->sv_minor;
	} else if (o->signer_version_set == -1 && tl && base == STYLE_CERTUTILS) {
		h->have_signer_version = 1;
		h->signer_version_major = 1;
		h->signer_version_minor = 0;
	}

	if (o->filename)
		h->filename = o->filename;
	else if (o->kind == KIND_ITL)
		h->filename = "ITLFile.tlv";
	else if (o->kind == KIND_CTL)
		h->filename = "CTLFile.tlv";
	else
		h->filename = base_name(o->output);

	h->timestamp = o->have_timestamp ? o->timestamp : (uint32_t)time(NULL);
}

static int check_signer_in_records(const struct signer *s,
				   const struct record *recs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned char serial[MAX_SERIAL];
		size_t len = 0;

		if (recs[i].blank || recs[i].role != 0)
			continue;
		if (cert_serial(recs[i].cert, serial, &len))
			return -1;
		if (len == s->serial_len && memcmp(serial, s->serial, len) == 0)
			return 0;
	}
	warn("no SAST record has the signer's serial number: "
	     "the file cannot be verified from its own records");
	return 0;
}

static int build_trust_list(const struct options *o,
			    const struct header_opts *h, const struct signer *s,
			    enum dn_style dn_style, enum style record_order,
			    struct buf *out)
{
	struct record recs[MAX_RECORDS];
	struct buf body = { 0 };
	int i, n = 0, rc = -1;

	for (i = 0; i < o->nrecords; i++) {
		if (parse_record(o->records[i], &recs[i])) {
			record_free(&recs[i]);
			goto out;
		}
		n++;
		if (record_order == STYLE_CERTUTILS && !recs[i].blank &&
		    (recs[i].dns || recs[i].ip[0] || recs[i].ip[1] ||
		     recs[i].ip[2] || recs[i].ip[3]))
			warn("record '%s': dns/ip are not written in certutils "
			     "record order", o->records[i]);
	}
	if (check_signer_in_records(s, recs, n))
		goto out;
	for (i = 0; i < n; i++)
		if (put_record(&body, &recs[i], record_order, dn_style))
			goto out;
	rc = build_signed_file(h, s, NULL, &body, out);
out:
	for (i = 0; i < n; i++)
		record_free(&recs[i]);
	buf_free(&body);
	return rc;
}

static int build_sgn(const struct options *o, const struct header_opts *h,
		     const struct signer *s, struct buf *out)
{
	struct buf payload = { 0 };
	int rc;

	rc = read_file(o->input, &payload);
	if (rc == 0)
		rc = build_signed_file(h, s, NULL, &payload, out);
	buf_free(&payload);
	return rc;
}

static int build_encsgn(const struct options *o, const struct header_opts *h,
			const struct signer *s, struct buf *out)
{
	struct buf plain = { 0 }, cipher = { 0 };
	struct enc_info e;
	unsigned char key[AES128_KEY_LEN];
	int rc = -1;

	memset(&e, 0, sizeof(e));
	e.hash = o->have_enc_hash ? o->enc_hash : o->hash;
	if (o->aes_key) {
		if (parse_hex_exact(o->aes_key, key, sizeof(key))) {
			fail("--aes-key needs exactly 16 bytes of hex");
			goto out;
		}
	} else if (RAND_bytes(key, sizeof(key)) != 1) {
		fail("cannot generate an AES key");
		goto out;
	}
	if (o->iv) {
		if (parse_hex_exact(o->iv, e.iv, sizeof(e.iv))) {
			fail("--iv needs exactly 16 bytes of hex");
			goto out;
		}
	} else if (RAND_bytes(e.iv, sizeof(e.iv)) != 1) {
		fail("cannot generate an IV");
		goto out;
	}
	if (read_file(o->input, &plain) || wrap_key(o->device_cert, key, &e) ||
	    encrypt_payload(&plain, key, &e, &cipher))
		goto out;
	rc = build_signed_file(h, s, &e, &cipher, out);
out:
	OPENSSL_cleanse(key, sizeof(key));
	buf_free(&plain);
	buf_free(&cipher);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct header_opts h;
	struct signer s;
	struct buf out = { 0 };
	enum dn_style dn_style;
	enum style record_order;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc;
	resolve_header(&o, &h, &dn_style, &record_order);

	rc = signer_load(&s, o.signer_cert, o.signer_key, dn_style,
			 o.allow_mismatch);
	if (rc == 0) {
		switch (o.kind) {
		case KIND_ITL:
		case KIND_CTL:
			rc = build_trust_list(&o, &h, &s, dn_style, record_order,
					      &out);
			break;
		case KIND_SGN:
			rc = build_sgn(&o, &h, &s, &out);
			break;
		case KIND_ENCSGN:
			rc = build_encsgn(&o, &h, &s, &out);
			break;
		}
	}
	if (rc == 0)
		rc = write_file(o.output, &out);
	buf_free(&out);
	signer_free(&s);
	return rc == 0 ? 0 : 1;
}
