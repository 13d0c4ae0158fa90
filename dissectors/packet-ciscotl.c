/* packet-ciscotl.c - Cisco trust lists (ITL/CTL) and signed files (.sgn, .enc.sgn)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Byte layout: shared/docs/formats.md sections 1-5.  A signed header of
 * 1-byte-tag / 2-byte-length elements (containers 3, 7, 9, 16, 17, 21 whose
 * length covers the children that follow inline, single 0x0D padding bytes)
 * is followed by records (ITL/CTL) or by the original file (.sgn).
 *
 * The files arrive through the "tftp" heuristic list (reassembled file plus
 * its name), HTTP on TCP 6970, and the "wtap_file" list for a bare file
 * opened with the Lua reader plugin/cisco-tl-file.lua.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto_data.h>
#include <epan/addr_resolv.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-http.h>
#include <wsutil/str_util.h>
#include <gcrypt.h>

#include "sbd-common.h"
#include "sbd-crypto.h"
#include "packet-ciscotl.h"

#define HTTP_TFTP_PORT 6970
#define MAX_CONTAINER_DEPTH 8

/* Header tags, formats.md 2.1 and 5.2 */
enum {
    H_VERSION = 1, H_LENGTH = 2, H_SIGNER_INFO = 3, H_SIGNER_NAME = 4, H_SERIAL = 5,
    H_ISSUER = 6, H_SIG_INFO = 7, H_HASH_ALG = 8, H_SIGALG_INFO = 9, H_SIG_ALG = 10,
    H_SIG_MODULUS = 11, H_SIGNATURE = 12, H_PADDING = 13, H_FILENAME = 14,
    H_TIMESTAMP = 15, H_ENC_INFO = 16, H_ENC_IV_INFO = 17, H_ENC_UNKNOWN1 = 18,
    H_ENC_IV = 19, H_ENC_PADDING = 20, H_ENC_KEY_INFO = 21, H_ENC_UNKNOWN2 = 22,
    H_ENC_KEY_SIZE = 23, H_ENC_KEY_ALG = 24, H_ENC_KEY = 25, H_ENC_HASH_ALG = 26,
    H_ENC_HASH = 27, H_SIGNER_VERSION = 28
};

/* Record tags, formats.md 3.1 */
enum {
    R_LENGTH = 1, R_DNS_NAME = 2, R_SUBJECT = 3, R_ROLE = 4, R_ISSUER = 5, R_SERIAL = 6,
    R_PUBLIC_KEY = 7, R_SIGNATURE = 8, R_CERTIFICATE = 9, R_IP = 10, R_CERT_HASH = 11,
    R_HASH_ALG = 12
};

static const value_string header_tag_vals[] = {
    { H_VERSION,        "Version" },
    { H_LENGTH,         "Header Length" },
    { H_SIGNER_INFO,    "Signer Info" },
    { H_SIGNER_NAME,    "Signer Name" },
    { H_SERIAL,         "Signer Serial Number" },
    { H_ISSUER,         "Signer Issuer (CA) Name" },
    { H_SIG_INFO,       "Signature Info" },
    { H_HASH_ALG,       "Hash Algorithm" },
    { H_SIGALG_INFO,    "Signature Algorithm Info" },
    { H_SIG_ALG,        "Signature Algorithm" },
    { H_SIG_MODULUS,    "Signature Modulus" },
    { H_SIGNATURE,      "Signature" },
    { H_PADDING,        "Padding" },
    { H_FILENAME,       "File Name" },
    { H_TIMESTAMP,      "Timestamp" },
    { H_ENC_INFO,       "Encryption Info" },
    { H_ENC_IV_INFO,    "Encryption IV Info" },
    { H_ENC_UNKNOWN1,   "Encryption Unknown 1" },
    { H_ENC_IV,         "Encryption IV" },
    { H_ENC_PADDING,    "Encryption Padding" },
    { H_ENC_KEY_INFO,   "Encryption Key Info" },
    { H_ENC_UNKNOWN2,   "Encryption Unknown 2" },
    { H_ENC_KEY_SIZE,   "Encryption Key Size" },
    { H_ENC_KEY_ALG,    "Encryption Key Algorithm" },
    { H_ENC_KEY,        "Encrypted Key" },
    { H_ENC_HASH_ALG,   "Encryption Hash Algorithm" },
    { H_ENC_HASH,       "Plaintext Hash" },
    { H_SIGNER_VERSION, "Signer Version" },
    { 0, NULL }
};

static const value_string record_tag_vals[] = {
    { R_LENGTH,      "Record Length" },
    { R_DNS_NAME,    "DNS Name" },
    { R_SUBJECT,     "Subject Name" },
    { R_ROLE,        "Role (Function)" },
    { R_ISSUER,      "Issuer Name" },
    { R_SERIAL,      "Serial Number" },
    { R_PUBLIC_KEY,  "Public Key" },
    { R_SIGNATURE,   "Certificate Signature" },
    { R_CERTIFICATE, "Certificate" },
    { R_IP,          "IP Address" },
    { R_CERT_HASH,   "Certificate Hash" },
    { R_HASH_ALG,    "Hash Algorithm" },
    { 0, NULL }
};

static const value_string sig_alg_vals[] = {
    { 0, "RSA" },
    { 0, NULL }
};

static const value_string sig_modulus_vals[] = {
    /* formats.md 9.10: only 2 <-> 256 bytes is evidenced by a file. */
    { 0, "64-byte signature (RSA-512; mapping inferred)" },
    { 1, "128-byte signature (RSA-1024; mapping inferred)" },
    { 2, "256-byte signature (RSA-2048)" },
    { 3, "512-byte signature (RSA-4096; mapping inferred)" },
    { 0, NULL }
};

static int proto_ciscotl = -1;
static int ciscotl_tap = -1;

static int hf_header = -1;
static int hf_header_tag = -1;
static int hf_record_tag = -1;
static int hf_elem_length = -1;
static int hf_version = -1;
static int hf_version_major = -1;
static int hf_version_minor = -1;
static int hf_header_length = -1;
static int hf_container_length = -1;
static int hf_signer_name = -1;
static int hf_signer_serial = -1;
static int hf_signer_issuer = -1;
static int hf_hash_algorithm = -1;
static int hf_sig_algorithm = -1;
static int hf_sig_modulus = -1;
static int hf_signature = -1;
static int hf_padding = -1;
static int hf_filename = -1;
static int hf_timestamp = -1;
static int hf_signer_version = -1;
static int hf_enc_unknown1 = -1;
static int hf_enc_iv = -1;
static int hf_enc_padding = -1;
static int hf_enc_unknown2 = -1;
static int hf_enc_key_size = -1;
static int hf_enc_key_alg = -1;
static int hf_enc_key = -1;
static int hf_enc_hash_alg = -1;
static int hf_enc_hash = -1;
static int hf_unknown_value = -1;
static int hf_file_type = -1;
static int hf_file_size = -1;
static int hf_file_md5 = -1;
static int hf_file_sha1 = -1;
static int hf_file_sha256 = -1;
static int hf_phone_mac = -1;
static int hf_transport_name = -1;
static int hf_record_count = -1;
static int hf_sig_status = -1;
static int hf_sig_hash_used = -1;
static int hf_sig_key_record = -1;
static int hf_sig_trust_list_frame = -1;
static int hf_record = -1;
static int hf_record_length = -1;
static int hf_record_dns_name = -1;
static int hf_record_subject = -1;
static int hf_record_role = -1;
static int hf_record_issuer = -1;
static int hf_record_serial = -1;
static int hf_record_public_key = -1;
static int hf_record_signature = -1;
static int hf_record_certificate = -1;
static int hf_record_ip = -1;
static int hf_record_ipv6 = -1;
static int hf_record_ip_other = -1;
static int hf_record_cert_hash = -1;
static int hf_record_hash_alg = -1;
static int hf_record_blank = -1;
static int hf_record_cert_sha1 = -1;
static int hf_record_cert_sha256 = -1;
static int hf_record_cert_serial = -1;
static int hf_record_cert_subject = -1;
static int hf_record_cert_issuer = -1;
static int hf_record_cert_not_before = -1;
static int hf_record_cert_not_after = -1;
static int hf_record_match_serial = -1;
static int hf_record_match_subject = -1;
static int hf_record_match_issuer = -1;
static int hf_record_match_pubkey = -1;
static int hf_record_cert_hash_kind = -1;
static int hf_payload = -1;
static int hf_encrypted_payload = -1;
static int hf_trailing = -1;

static gint ett_ciscotl = -1;
static gint ett_header = -1;
static gint ett_element = -1;
static gint ett_container = -1;
static gint ett_record = -1;
static gint ett_certificate = -1;
static gint ett_version = -1;
static gint ett_summary = -1;

static expert_field ei_len_past_end = EI_INIT;
static expert_field ei_header_len_past_end = EI_INIT;
static expert_field ei_header_len_not_mult4 = EI_INIT;
static expert_field ei_header_len_mismatch = EI_INIT;
static expert_field ei_container_overrun = EI_INIT;
static expert_field ei_record_len_mismatch = EI_INIT;
static expert_field ei_record_no_length = EI_INIT;
static expert_field ei_unknown_tag = EI_INIT;
static expert_field ei_bad_elem_len = EI_INIT;
static expert_field ei_missing_tag = EI_INIT;
static expert_field ei_not_nul_terminated = EI_INIT;
static expert_field ei_sig_invalid = EI_INIT;
static expert_field ei_sig_signer_missing = EI_INIT;
static expert_field ei_sig_unsupported = EI_INIT;
static expert_field ei_sig_unverifiable = EI_INIT;
static expert_field ei_sig_modulus_mismatch = EI_INIT;
static expert_field ei_sig_alt_hash = EI_INIT;
static expert_field ei_cert_mismatch = EI_INIT;
static expert_field ei_bad_der = EI_INIT;
static expert_field ei_cert_expired = EI_INIT;
static expert_field ei_blank_itl = EI_INIT;
static expert_field ei_blank_record = EI_INIT;
static expert_field ei_truncated = EI_INIT;
static expert_field ei_trailing = EI_INIT;
static expert_field ei_version = EI_INIT;
static expert_field ei_repeated_header = EI_INIT;
static expert_field ei_misplaced_header = EI_INIT;
static expert_field ei_container_empty = EI_INIT;
static expert_field ei_sig_modulus_unknown = EI_INIT;
static expert_field ei_record_repeated = EI_INIT;
static expert_field ei_header_order = EI_INIT;
static expert_field ei_enc_check = EI_INIT;
static expert_field ei_ec_signer_version = EI_INIT;
static expert_field ei_duplicate_signer = EI_INIT;
static expert_field ei_too_many_records = EI_INIT;
static expert_field ei_x509_omitted = EI_INIT;
static expert_field ei_clients_cap = EI_INIT;

static dissector_handle_t ciscotl_handle;
static dissector_handle_t ciscotl_http_handle;
static dissector_handle_t ciscotl_media_handle;
static dissector_handle_t xml_handle;
static dissector_handle_t data_handle;

static sbd_pref_bool_t pref_force_tftp_defragment = TRUE;

/* Records kept per file; more are shown but not kept for the checks. */
#define MAX_KEPT_RECORDS 256
/* Clients whose last trust list is kept for checking their .sgn files. */
#define CISCOTL_MAX_CLIENTS 10000
/* proto data key (above any layer number) of "not kept: cap reached". */
#define KEY_CLIENT_CAP 0x10000u

/* One record as the checks need it (packet scope). */
typedef struct {
    int index;                 /* 1-based */
    gboolean has_role;
    unsigned role;
    sbd_span serial;           /* tag 6 value */
    sbd_span subject_text;     /* tag 3 value (may lack NUL) */
    sbd_span issuer_text;      /* tag 5 value */
    sbd_span pubkey;           /* tag 7 value */
    sbd_span cert_hash;        /* tag 11 value */
    gboolean blank;
    gboolean has_cert;
    gboolean cert_ok;
    sbd_cert cert;
    proto_item *item;
} tl_record;

typedef struct {
    const guint8 *data;        /* whole file (captured part) */
    guint len;                 /* captured length */
    gboolean complete;         /* captured == reported */
    const char *name;          /* transport file name, else header FILENAME */
    const char *header_name;
    gboolean has_build_time;      /* header tag 15 (the first one) */
    guint32 build_time;
    guint header_len;          /* declared (tag 2), 0 if absent */
    guint header_end;          /* where parsing of records/payload starts */
    gboolean has_version, has_header_len, has_signer_version;
    unsigned ver_major, ver_minor, signer_ver_major, signer_ver_minor;
    int first_ec_record;       /* index of the first record with an EC key, 0 if none */
    sbd_span signer_name, signer_serial, signer_issuer;
    int hash_code, sig_alg, sig_modulus;
    int enc_hash_code;         /* tag 26, -1 if absent */
    guint sig_off;             /* offset of the signature TLV's tag byte */
    sbd_span sig;
    gboolean has_sig, has_enc;
    ciscotl_file_type type;
    gboolean type_from_content;
    wmem_array_t *records;     /* tl_record */
    guint n_records;
    gboolean blank_trust_role; /* a TFTP/CCM+TFTP/TVS record without certificate */
    gboolean live_trust_role;  /* a TFTP/CCM+TFTP/TVS record that is not blank */
    gboolean has_tvs;
    /* Digests of the signed bytes, computed once per file for the
     * (at most two) readings of the hash code, whatever the number of
     * certificates tried. */
    gboolean md_done[2];
    gboolean md_ok[2];
    guint8 md[2][SBD_MAX_DIGEST];
    size_t md_len[2];
} tl_file;

/* What one client last downloaded (file scope), for .sgn verification. */
typedef struct {
    guint32 frame;
    ciscotl_file_type type;
    GArray *keys;              /* tl_trusted_cert, freed with the map */
} tl_trust_state;

typedef struct {
    unsigned role;
    guint8 *der;
    size_t der_len;
} tl_trusted_cert;

/* What a client (phone) holds: its last ITL and its last CTL.  A phone
 * keeps both (formats.md 3.3) and takes a signed file's signer from either
 * (2.3: a TFTP or CCM+TFTP certificate). */
typedef struct {
    tl_trust_state *itl, *ctl;
} tl_client;

/* address string -> tl_client* (both owned): a newer list of the same
 * kind replaces (and frees) the older one. */
static GHashTable *trust_by_client;

/* Verdict of a file remembered from the first pass (per frame). */
typedef struct {
    ciscotl_sig_status status;
    guint32 trust_frame;
    int key_record;
    int hash_algo;
} tl_verdict;

static const char *const sig_status_text[] = {
    [CISCOTL_SIG_VALID] = "valid",
    [CISCOTL_SIG_INVALID] = "invalid",
    [CISCOTL_SIG_SIGNER_NOT_IN_FILE] = "signer not in file",
    [CISCOTL_SIG_UNSUPPORTED] = "unsupported algorithm",
    [CISCOTL_SIG_NO_TRUST_LIST] = "unverifiable: no trust list seen",
    [CISCOTL_SIG_SIGNER_NOT_IN_TRUST_LIST] = "signer not in trust list",
    [CISCOTL_SIG_INCOMPLETE] = "unverifiable: file incomplete",
    [CISCOTL_SIG_MISSING] = "no signature",
};

gboolean
ciscotl_sig_rejected(ciscotl_sig_status s)
{
    return s == CISCOTL_SIG_INVALID || s == CISCOTL_SIG_SIGNER_NOT_IN_FILE;
}

const char *
ciscotl_sig_status_str(ciscotl_sig_status s)
{
    return (unsigned)s < G_N_ELEMENTS(sig_status_text) ? sig_status_text[s] : "?";
}

static const char *const file_type_text[] = {
    [CISCOTL_TYPE_UNKNOWN] = "unknown",
    [CISCOTL_TYPE_ITL] = "ITL",
    [CISCOTL_TYPE_CTL] = "CTL",
    [CISCOTL_TYPE_SGN] = "SGN",
    [CISCOTL_TYPE_ENC_SGN] = "ENC-SGN",
};

const char *
ciscotl_file_type_str(ciscotl_file_type t)
{
    return (unsigned)t < G_N_ELEMENTS(file_type_text) ? file_type_text[t] : "?";
}

/* ---- helpers --------------------------------------------------------- */

static gboolean
is_container(unsigned tag)
{
    return tag == H_SIGNER_INFO || tag == H_SIG_INFO || tag == H_SIGALG_INFO ||
           tag == H_ENC_INFO || tag == H_ENC_IV_INFO || tag == H_ENC_KEY_INFO;
}

/* Expected value length of fixed-size header tags, 0 = variable. */
static guint
header_fixed_len(unsigned tag)
{
    switch (tag) {
    case H_VERSION: case H_LENGTH: case H_SIGNER_VERSION: case H_ENC_PADDING:
    case H_ENC_KEY_SIZE:
        return 2;
    case H_HASH_ALG: case H_SIG_ALG: case H_SIG_MODULUS: case H_ENC_UNKNOWN1:
    case H_ENC_UNKNOWN2: case H_ENC_KEY_ALG: case H_ENC_HASH_ALG:
        return 1;
    case H_TIMESTAMP:
        return 4;
    default:
        return 0;
    }
}

static ciscotl_file_type
type_from_name(const char *name)
{
    const char *base;

    if (!name || !*name)
        return CISCOTL_TYPE_UNKNOWN;
    base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (g_str_has_suffix(base, ".enc.sgn"))
        return CISCOTL_TYPE_ENC_SGN;
    if (g_str_has_suffix(base, ".sgn"))
        return CISCOTL_TYPE_SGN;
    if (g_ascii_strncasecmp(base, "ITL", 3) == 0 && g_str_has_suffix(base, ".tlv"))
        return CISCOTL_TYPE_ITL;
    if (g_ascii_strncasecmp(base, "CTL", 3) == 0 && g_str_has_suffix(base, ".tlv"))
        return CISCOTL_TYPE_CTL;
    return CISCOTL_TYPE_UNKNOWN;
}

static char *
span_text(wmem_allocator_t *scope, sbd_span s)
{
    size_t n = s.len;
    size_t i;
    char *t;

    if (!s.p)
        return wmem_strdup(scope, "");
    while (n > 0 && s.p[n - 1] == '\0')
        n--;
    t = wmem_alloc(scope, n + 1);
    for (i = 0; i < n; i++)
        t[i] = (s.p[i] >= 0x20 && s.p[i] < 0x7f) || s.p[i] >= 0x80 ? (char)s.p[i] : '.';
    t[n] = '\0';
    return t;
}

static sbd_span
span_at(const tl_file *f, guint off, guint len)
{
    sbd_span s = { f->data + off, len };
    return s;
}

/* The element subtree: "Name: value" with tag and length children.
 * Returns the subtree; *pti gets its item. */
static proto_tree *
add_element(proto_tree *parent, tvbuff_t *tvb, guint off, guint vlen, int hf_tag,
            const value_string *names, proto_item **pti)
{
    unsigned tag = tvb_get_uint8(tvb, off);
    proto_tree *t;

    t = proto_tree_add_subtree_format(parent, tvb, off, 3 + vlen, ett_element, pti, "%s",
                                      parent ? sbd_val_to_str(sbd_tree_pool(parent), tag, names, "Unknown tag %u") : "");
    proto_tree_add_item(t, hf_tag, tvb, off, 1, ENC_NA);
    proto_tree_add_item(t, hf_elem_length, tvb, off + 1, 2, ENC_BIG_ENDIAN);
    return t;
}

/* A NUL-terminated string value; notes a missing NUL. */
static const char *
add_string(proto_tree *t, proto_item *ti, int hf, tvbuff_t *tvb, packet_info *pinfo,
           guint off, guint len)
{
    const guint8 *s;

    proto_tree_add_item_ret_string(t, hf, tvb, off, len, ENC_UTF_8, pinfo->pool, &s);
    if (len == 0 || tvb_get_uint8(tvb, off + len - 1) != 0)
        expert_add_info(pinfo, ti, &ei_not_nul_terminated);
    proto_item_append_text(ti, ": %s", s ? (const char *)s : "");
    return (const char *)s;
}

/* ---- header ---------------------------------------------------------- */

typedef struct {
    guint end;
    unsigned tag;
    proto_tree *tree;
    proto_item *item;
} container_frame;

/* The container a basic header element belongs in (formats.md 2.1), 0 if
 * it stands at the top level or its place is not checked. */
static unsigned
header_parent(unsigned tag)
{
    switch (tag) {
    case H_SIGNER_NAME: case H_SERIAL: case H_ISSUER:
        return H_SIGNER_INFO;
    case H_HASH_ALG: case H_SIGALG_INFO:
        return H_SIG_INFO;
    case H_SIG_ALG: case H_SIG_MODULUS:
        return H_SIGALG_INFO;
    default:
        return 0;
    }
}

static void
dissect_header_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *ti,
                     tl_file *f, unsigned tag, guint off, guint len)
{
    guint v = off + 3;
    guint fixed = header_fixed_len(tag);

    if (fixed && len != fixed) {
        expert_add_info_format(pinfo, ti, &ei_bad_elem_len,
                               "%s should be %u bytes long, not %u",
                               val_to_str_const(tag, header_tag_vals, "?"), fixed, len);
        if (len)
            proto_tree_add_item(t, hf_unknown_value, tvb, v, len, ENC_NA);
        return;
    }
    switch (tag) {
    case H_VERSION:
    case H_SIGNER_VERSION: {
        unsigned maj = tvb_get_uint8(tvb, v), min = tvb_get_uint8(tvb, v + 1);
        char *s = wmem_strdup_printf(pinfo->pool, "%u.%u", maj, min);
        proto_item *vi = proto_tree_add_string(t, tag == H_VERSION ? hf_version : hf_signer_version,
                                               tvb, v, 2, s);
        proto_item_append_text(ti, ": %s", s);
        if (tag == H_VERSION) {
            proto_tree *vt = proto_item_add_subtree(vi, ett_version);
            proto_tree_add_item(vt, hf_version_major, tvb, v, 1, ENC_NA);
            proto_tree_add_item(vt, hf_version_minor, tvb, v + 1, 1, ENC_NA);
            f->has_version = TRUE;
            f->ver_major = maj;
            f->ver_minor = min;
            if (!((maj == 1 && (min == 0 || min == 2)) || (maj == 2 && min == 0)))
                expert_add_info(pinfo, vi, &ei_version);
        } else {
            f->has_signer_version = TRUE;
            f->signer_ver_major = maj;
            f->signer_ver_minor = min;
        }
        if (tag == H_SIGNER_VERSION && !(maj == 1 && min <= 1)) {
            expert_add_info_format(pinfo, vi, &ei_version,
                                   "Signer version not seen before (known: 1.0, 1.1; formats.md 2.5)");
        }
        break;
    }
    case H_LENGTH:
        proto_tree_add_item(t, hf_header_length, tvb, v, 2, ENC_BIG_ENDIAN);
        proto_item_append_text(ti, ": %u bytes", tvb_get_ntohs(tvb, v));
        break;
    case H_SIGNER_NAME:
        add_string(t, ti, hf_signer_name, tvb, pinfo, v, len);
        f->signer_name = span_at(f, v, len);
        break;
    case H_ISSUER:
        add_string(t, ti, hf_signer_issuer, tvb, pinfo, v, len);
        f->signer_issuer = span_at(f, v, len);
        break;
    case H_SERIAL:
        proto_tree_add_item(t, hf_signer_serial, tvb, v, len, ENC_NA);
        proto_item_append_text(ti, ": %s", sbd_hex(pinfo->pool, f->data + v, len));
        f->signer_serial = span_at(f, v, len);
        break;
    case H_HASH_ALG:
        proto_tree_add_item(t, hf_hash_algorithm, tvb, v, 1, ENC_NA);
        f->hash_code = tvb_get_uint8(tvb, v);
        proto_item_append_text(ti, ": %s", sbd_val_to_str(pinfo->pool, f->hash_code, sbd_hash_vals, "unknown (%u)"));
        break;
    case H_SIG_ALG:
        proto_tree_add_item(t, hf_sig_algorithm, tvb, v, 1, ENC_NA);
        f->sig_alg = tvb_get_uint8(tvb, v);
        proto_item_append_text(ti, ": %s", sbd_val_to_str(pinfo->pool, f->sig_alg, sig_alg_vals, "unknown (%u)"));
        break;
    case H_SIG_MODULUS:
        proto_tree_add_item(t, hf_sig_modulus, tvb, v, 1, ENC_NA);
        f->sig_modulus = tvb_get_uint8(tvb, v);
        proto_item_append_text(ti, ": %s", sbd_val_to_str(pinfo->pool, f->sig_modulus, sig_modulus_vals, "unknown (%u)"));
        if (f->sig_modulus > 3)
            expert_add_info(pinfo, ti, &ei_sig_modulus_unknown);
        break;
    case H_SIGNATURE:
        proto_tree_add_item(t, hf_signature, tvb, v, len, ENC_NA);
        proto_item_append_text(ti, ": %u bytes", len);
        if (!f->has_sig) {
            f->has_sig = TRUE;
            f->sig_off = off;
            f->sig = span_at(f, v, len);
        }
        break;
    case H_FILENAME:
        f->header_name = add_string(t, ti, hf_filename, tvb, pinfo, v, len);
        break;
    case H_TIMESTAMP: {
        proto_item *tsi = proto_tree_add_item(t, hf_timestamp, tvb, v, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
        proto_item_append_text(ti, ": %s", proto_item_get_display_repr(pinfo->pool, tsi));
        if (!f->has_build_time) {
            f->has_build_time = TRUE;
            f->build_time = tvb_get_ntohl(tvb, v);
        }
        break;
    }
    case H_ENC_UNKNOWN1:
    case H_ENC_UNKNOWN2:
        proto_tree_add_item(t, tag == H_ENC_UNKNOWN1 ? hf_enc_unknown1 : hf_enc_unknown2,
                            tvb, v, 1, ENC_NA);
        proto_item_append_text(ti, ": %u (meaning unknown)", tvb_get_uint8(tvb, v));
        f->has_enc = TRUE;
        break;
    case H_ENC_IV:
        if (len != 16)
            expert_add_info_format(pinfo, ti, &ei_bad_elem_len,
                                   "IV should be 16 bytes long (AES-CBC, formats.md 5.2), not %u", len);
        proto_tree_add_item(t, hf_enc_iv, tvb, v, len, ENC_NA);
        proto_item_append_text(ti, ": %s", sbd_hex(pinfo->pool, f->data + v, len));
        f->has_enc = TRUE;
        break;
    case H_ENC_PADDING:
        proto_tree_add_item(t, hf_enc_padding, tvb, v, 2, ENC_BIG_ENDIAN);
        proto_item_append_text(ti, ": %u bytes", tvb_get_ntohs(tvb, v));
        if (tvb_get_ntohs(tvb, v) < 1 || tvb_get_ntohs(tvb, v) > 16)
            expert_add_info_format(pinfo, ti, &ei_enc_check,
                                   "Padding count %u is outside 1-16 (formats.md 5.2)", tvb_get_ntohs(tvb, v));
        f->has_enc = TRUE;
        break;
    case H_ENC_KEY_SIZE:
        proto_tree_add_item(t, hf_enc_key_size, tvb, v, 2, ENC_BIG_ENDIAN);
        proto_item_append_text(ti, ": %u", tvb_get_ntohs(tvb, v));
        f->has_enc = TRUE;
        break;
    case H_ENC_KEY_ALG:
        proto_tree_add_item(t, hf_enc_key_alg, tvb, v, 1, ENC_NA);
        proto_item_append_text(ti, ": %u", tvb_get_uint8(tvb, v));
        f->has_enc = TRUE;
        break;
    case H_ENC_KEY:
        proto_tree_add_item(t, hf_enc_key, tvb, v, len, ENC_NA);
        proto_item_append_text(ti, ": %u bytes", len);
        f->has_enc = TRUE;
        break;
    case H_ENC_HASH_ALG:
        proto_tree_add_item(t, hf_enc_hash_alg, tvb, v, 1, ENC_NA);
        proto_item_append_text(ti, ": %s", sbd_val_to_str(pinfo->pool, tvb_get_uint8(tvb, v), sbd_hash_vals, "unknown (%u)"));
        f->enc_hash_code = tvb_get_uint8(tvb, v);
        f->has_enc = TRUE;
        break;
    case H_ENC_HASH: {
        /* Its length against the algorithm named before it (either reading
         * of the code, formats.md 2.4). */
        int a1 = f->enc_hash_code >= 0 ? sbd_hash_algo_for_code((unsigned)f->enc_hash_code, FALSE) : 0;
        int a2 = f->enc_hash_code >= 0 ? sbd_hash_algo_for_code((unsigned)f->enc_hash_code, TRUE) : 0;
        if (a1 && len != gcry_md_get_algo_dlen(a1) && !(a2 && len == gcry_md_get_algo_dlen(a2)))
            expert_add_info_format(pinfo, ti, &ei_enc_check,
                                   "Hash of %u bytes, but the hash algorithm is %s (%u bytes)", len,
                                   sbd_md_name(a1), gcry_md_get_algo_dlen(a1));
        proto_tree_add_item(t, hf_enc_hash, tvb, v, len, ENC_NA);
        proto_item_append_text(ti, ": %s", sbd_hex(pinfo->pool, f->data + v, len));
        f->has_enc = TRUE;
        break;
    }
    default:
        if (len)
            proto_tree_add_item(t, hf_unknown_value, tvb, v, len, ENC_NA);
        expert_add_info_format(pinfo, ti, &ei_unknown_tag, "Unknown header tag %u (%u bytes), skipped",
                               tag, len);
        break;
    }
}

/* A header element met a second time, or outside the container it belongs
 * in: shown where it is, flagged (which one phones use is not known). */
static void
note_header_place(packet_info *pinfo, proto_item *ti, unsigned tag, gboolean repeated, gboolean misplaced)
{
    if (repeated)
        expert_add_info_format(pinfo, ti, &ei_repeated_header,
                               "A second %s element (which one phones use is not known; the "
                               "decode uses the %s)", val_to_str_const(tag, header_tag_vals, "?"),
                               tag == H_SIGNATURE ? "first" : "last readable one");
    if (misplaced)
        expert_add_info_format(pinfo, ti, &ei_misplaced_header, "%s outside its %s container",
                               val_to_str_const(tag, header_tag_vals, "?"),
                               val_to_str_const(header_parent(tag), header_tag_vals, "?"));
}

/* Is `off` plausibly where records start (RECORD_LENGTH element)? */
static gboolean
record_start_at(tvbuff_t *tvb, guint off, guint len)
{
    return off + 5 <= len && tvb_get_uint8(tvb, off) == R_LENGTH &&
           tvb_get_ntohs(tvb, off + 1) == 2 && tvb_get_ntohs(tvb, off + 3) >= 5;
}

static void
dissect_header(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tl_file *f)
{
    container_frame stack[MAX_CONTAINER_DEPTH];
    int depth = 0;
    guint off = 0;
    guint limit = f->len;       /* until the header length is known */
    gboolean seen_sig_or_name = FALSE;
    proto_item *hi;
    proto_tree *ht;
    gboolean seen[29] = { FALSE };
    gboolean repeated, misplaced;
    unsigned n_elements = 0;
    static const struct { unsigned tag; const char *what; } mandatory[] = {
        { H_VERSION, "Version (1)" }, { H_LENGTH, "Header Length (2)" },
        { H_SIGNER_NAME, "Signer Name (4)" }, { H_SERIAL, "Signer Serial Number (5)" },
        { H_ISSUER, "Signer Issuer Name (6)" }, { H_HASH_ALG, "Hash Algorithm (8)" },
        { H_SIGNATURE, "Signature (12)" },
    };
    guint i;

    hi = proto_tree_add_item(tree, hf_header, tvb, 0, -1, ENC_NA);
    proto_item_set_text(hi, "Signed Header");
    ht = proto_item_add_subtree(hi, ett_header);

    while (off < limit) {
        proto_tree *parent;
        proto_item *ti;
        proto_tree *t;
        unsigned tag;
        guint len;

        while (depth > 0 && off >= stack[depth - 1].end)
            depth--;
        parent = depth ? stack[depth - 1].tree : ht;
        tag = tvb_get_uint8(tvb, off);

        if (tag == H_PADDING) {
            proto_tree_add_item(parent, hf_padding, tvb, off, 1, ENC_NA);
            off++;
            continue;
        }
        /* A Record Length element after the signature/file name/timestamp
         * is where records begin, whatever the header length says. */
        if (seen_sig_or_name && record_start_at(tvb, off, f->len))
            break;
        if (limit - off < 3) {
            proto_tree_add_expert_format(parent, pinfo, &ei_len_past_end, tvb, off, limit - off,
                                         "Truncated header element (%u bytes left)", limit - off);
            off = limit;
            break;
        }
        len = tvb_get_ntohs(tvb, off + 1);
        repeated = tag < G_N_ELEMENTS(seen) && seen[tag] && try_val_to_str(tag, header_tag_vals);
        if (tag < G_N_ELEMENTS(seen))
            seen[tag] = TRUE;
        misplaced = header_parent(tag) &&
                    (depth == 0 || stack[depth - 1].tag != header_parent(tag));
        /* formats.md 2.1: Version must be the first element, Header Length
         * the second. */
        if ((n_elements == 0 && tag != H_VERSION) || (n_elements == 1 && tag != H_LENGTH))
            proto_tree_add_expert_format(parent, pinfo, &ei_header_order, tvb, off, 3,
                                         "%s where %s must be (formats.md 2.1)",
                                         sbd_val_to_str(pinfo->pool, tag, header_tag_vals, "Tag %u"),
                                         n_elements == 0 ? "Version, the first element,"
                                                         : "Header Length, the second element,");
        n_elements++;

        if (is_container(tag)) {
            proto_item *ci;
            t = proto_tree_add_subtree_format(parent, tvb, off, MIN(3 + len, limit - off),
                                              ett_container, &ci, "%s",
                                              val_to_str_const(tag, header_tag_vals, "?"));
            proto_tree_add_item(t, hf_header_tag, tvb, off, 1, ENC_NA);
            proto_tree_add_item(t, hf_container_length, tvb, off + 1, 2, ENC_BIG_ENDIAN);
            proto_item_append_text(ci, " (%u bytes of elements follow)", len);
            note_header_place(pinfo, ci, tag, repeated, misplaced);
            if (len == 0)
                expert_add_info_format(pinfo, ci, &ei_container_empty,
                                       "%s is empty (length 0): the elements after it are not inside it",
                                       val_to_str_const(tag, header_tag_vals, "?"));
            if (off + 3 + len > limit ||
                (depth > 0 && off + 3 + len > stack[depth - 1].end)) {
                expert_add_info_format(pinfo, ci, &ei_container_overrun,
                                       "Container length %u runs past its enclosing element", len);
            }
            if (depth < MAX_CONTAINER_DEPTH) {
                stack[depth].end = MIN(off + 3 + len, limit);
                stack[depth].tag = tag;
                stack[depth].tree = t;
                stack[depth].item = ci;
                depth++;
            }
            off += 3;
            continue;
        }

        if (off + 3 + len > limit) {
            guint avail = limit - off - 3;
            t = add_element(parent, tvb, off, avail, hf_header_tag, header_tag_vals, &ti);
            if (f->has_header_len && off + 3 + len <= f->len)
                expert_add_info_format(pinfo, ti, &ei_header_len_mismatch,
                                       "Element length %u crosses the header length %u: header "
                                       "length and header elements disagree", len, f->header_len);
            else
                expert_add_info_format(pinfo, ti, &ei_len_past_end,
                                       "Element length %u runs past the end of the %s (%u bytes left)",
                                       len, f->has_header_len ? "header" : "data", avail);
            if (avail)
                proto_tree_add_item(t, hf_unknown_value, tvb, off + 3, avail, ENC_NA);
            off = limit;
            break;
        }
        if (depth > 0 && off + 3 + len > stack[depth - 1].end)
            expert_add_info_format(pinfo, stack[depth - 1].item, &ei_container_overrun,
                                   "Element at offset %u crosses the end of this container", off);

        t = add_element(parent, tvb, off, len, hf_header_tag, header_tag_vals, &ti);
        dissect_header_value(tvb, pinfo, t, ti, f, tag, off, len);
        note_header_place(pinfo, ti, tag, repeated, misplaced);

        if (tag == H_LENGTH && len == 2 && !f->has_header_len) {
            guint hl = tvb_get_ntohs(tvb, off + 3);
            f->header_len = hl;
            if (hl < off + 5 || hl > tvb_reported_length(tvb)) {
                expert_add_info_format(pinfo, ti, &ei_header_len_past_end,
                                       "Header length %u is %s", hl,
                                       hl < off + 5 ? "shorter than the elements before it"
                                                    : "past the end of the file");
            } else {
                f->has_header_len = TRUE;
                limit = MIN(hl, f->len);
                if (hl % 4)
                    expert_add_info_format(pinfo, ti, &ei_header_len_not_mult4,
                                           "Header length %u is not a multiple of 4", hl);
            }
        }
        if (tag == H_SIGNATURE || tag == H_FILENAME || tag == H_TIMESTAMP)
            seen_sig_or_name = TRUE;
        if (tag == 0 || tag > H_SIGNER_VERSION) {
            /* Not a header tag at all: without a header length, stop here. */
            if (!f->has_header_len) {
                off += 3 + len;
                break;
            }
        }
        off += 3 + len;
    }

    f->header_end = off;
    proto_item_set_len(hi, off);
    proto_item_append_text(hi, ", %u bytes", off);
    if (f->has_header_len && off != f->header_len && f->header_len <= f->len)
        expert_add_info_format(pinfo, hi, &ei_header_len_mismatch,
                               "Header elements end at %u but the header length says %u",
                               off, f->header_len);
    if (f->has_header_len && f->header_len > f->len) {
        /* Declared header is longer than what was captured. */
        f->header_end = f->len;
    }
    for (i = 0; i < G_N_ELEMENTS(mandatory); i++)
        if (!seen[mandatory[i].tag])
            expert_add_info_format(pinfo, hi, &ei_missing_tag, "Mandatory header element missing: %s",
                                   mandatory[i].what);
    if (f->has_sig && f->sig_modulus >= 0 && f->sig_modulus <= 3 &&
        f->sig.len != (64u << f->sig_modulus))
        expert_add_info_format(pinfo, hi, &ei_sig_modulus_mismatch,
                               "Signature is %u bytes but the modulus code %d means %u "
                               "(code mapping from certutils, unconfirmed)",
                               (unsigned)f->sig.len, f->sig_modulus, 64u << f->sig_modulus);
}

/* ---- records --------------------------------------------------------- */

static const sbd_cert_fields record_cert_fields = {
    &hf_record_cert_serial, &hf_record_cert_subject, &hf_record_cert_issuer,
    &hf_record_cert_sha1, &hf_record_cert_sha256, &ei_bad_der,
    &hf_record_cert_not_before, &hf_record_cert_not_after, &ei_cert_expired, &ei_x509_omitted
};

static proto_item *
add_match(proto_tree *t, packet_info *pinfo, tvbuff_t *tvb, int hf, gboolean equal, const char *what)
{
    proto_item *mi = proto_tree_add_boolean(t, hf, tvb, 0, 0, equal);

    proto_item_set_generated(mi);
    if (!equal)
        expert_add_info_format(pinfo, mi, &ei_cert_mismatch,
                               "Record %s disagrees with its certificate", what);
    return mi;
}

/* Compare what the record says with its certificate. */
static void
check_record_against_cert(tvbuff_t *tvb, packet_info *pinfo, proto_tree *rt, tl_record *r)
{
    if (r->serial.p) {
        gboolean eq = sbd_serial_equal(r->serial, r->cert.serial);
        proto_item *mi = add_match(rt, pinfo, tvb, hf_record_match_serial, eq, "serial number");
        if (eq && r->serial.len + 1 == r->cert.serial.len && r->cert.serial.p[0] == 0)
            proto_item_append_text(mi, " (record omits the DER sign byte 00)");
    }
    if (r->subject_text.p)
        add_match(rt, pinfo, tvb, hf_record_match_subject,
                  sbd_dn_equal_text((const char *)r->subject_text.p, r->subject_text.len,
                                    r->cert.subject), "subject name");
    if (r->issuer_text.p)
        add_match(rt, pinfo, tvb, hf_record_match_issuer,
                  sbd_dn_equal_text((const char *)r->issuer_text.p, r->issuer_text.len,
                                    r->cert.issuer), "issuer name");
    if (r->pubkey.p)
        add_match(rt, pinfo, tvb, hf_record_match_pubkey,
                  r->pubkey.len == r->cert.pubkey.len &&
                      memcmp(r->pubkey.p, r->cert.pubkey.p, r->pubkey.len) == 0,
                  "public key");
}

/* Certificate hash tag 11: which digest of the certificate is it? */
static void
describe_cert_hash(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *ti,
                   const tl_file *f, guint v, guint len, const sbd_span *cert_der)
{
    static const struct { int algo; const char *name; } algos[] = {
        { GCRY_MD_SHA1, "SHA-1" }, { GCRY_MD_SHA256, "SHA-256" },
        { GCRY_MD_SHA512, "SHA-512" }, { GCRY_MD_MD5, "MD5" },
    };
    guint8 md[SBD_MAX_DIGEST];
    const char *kind = "unknown (no certificate to compare with)";
    proto_item *ki;
    guint i;

    if (cert_der && cert_der->p) {
        kind = "does not match an MD5/SHA-1/SHA-256/SHA-512 of the record's certificate";
        for (i = 0; i < G_N_ELEMENTS(algos); i++) {
            size_t n = sbd_digest(algos[i].algo, cert_der->p, cert_der->len, md);
            if (n == len && memcmp(md, f->data + v, n) == 0) {
                kind = wmem_strdup_printf(pinfo->pool, "%s of the certificate", algos[i].name);
                break;
            }
        }
    }
    ki = proto_tree_add_string(t, hf_record_cert_hash_kind, tvb, v, len, kind);
    proto_item_set_generated(ki);
    (void)ti;
}

/* Dissect one record at off, length rlen (already clamped to the data). */
static void
dissect_tl_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tl_file *f, guint off,
               guint rlen, guint declared, tl_record *r)
{
    proto_item *ri;
    proto_tree *rt;
    guint end = off + rlen;
    guint p;
    sbd_span cert_der = { NULL, 0 };
    guint cert_off = 0;
    gboolean seen[13] = { FALSE };
    gboolean trailing_bad = FALSE;

    ri = proto_tree_add_item(tree, hf_record, tvb, off, rlen, ENC_NA);
    rt = proto_item_add_subtree(ri, ett_record);
    proto_item_set_text(ri, "Record %d", r->index);
    r->item = ri;

    /* RECORD_LENGTH */
    {
        proto_item *ti;
        proto_tree *t = add_element(rt, tvb, off, 2, hf_record_tag, record_tag_vals, &ti);
        proto_tree_add_item(t, hf_record_length, tvb, off + 3, 2, ENC_BIG_ENDIAN);
        proto_item_append_text(ti, ": %u bytes", declared);
    }
    seen[R_LENGTH] = TRUE;

    for (p = off + 5; p < end;) {
        proto_item *ti;
        proto_tree *t;
        unsigned tag;
        guint len, v;

        if (end - p < 3) {
            proto_tree_add_expert_format(rt, pinfo, &ei_record_len_mismatch, tvb, p, end - p,
                                         "%u stray bytes at the end of the record", end - p);
            trailing_bad = TRUE;
            break;
        }
        tag = tvb_get_uint8(tvb, p);
        len = tvb_get_ntohs(tvb, p + 1);
        v = p + 3;
        if (v + len > end) {
            guint avail = end - v;
            t = add_element(rt, tvb, p, avail, hf_record_tag, record_tag_vals, &ti);
            expert_add_info_format(pinfo, ti, &ei_record_len_mismatch,
                                   "Element length %u runs past the end of the record "
                                   "(%u bytes left): record length and elements disagree",
                                   len, avail);
            if (avail)
                proto_tree_add_item(t, hf_unknown_value, tvb, v, avail, ENC_NA);
            trailing_bad = TRUE;
            break;
        }
        t = add_element(rt, tvb, p, len, hf_record_tag, record_tag_vals, &ti);
        if (tag < G_N_ELEMENTS(seen) && seen[tag] && tag != R_LENGTH)
            expert_add_info_format(pinfo, ti, &ei_record_repeated,
                                   "A second %s in the record (which one phones use is not known)",
                                   val_to_str_const(tag, record_tag_vals, "?"));
        if (tag < G_N_ELEMENTS(seen))
            seen[tag] = TRUE;

        switch (tag) {
        case R_LENGTH:
            expert_add_info_format(pinfo, ti, &ei_record_len_mismatch,
                                   "A second Record Length inside the record: record length "
                                   "and elements disagree");
            if (len)
                proto_tree_add_item(t, hf_unknown_value, tvb, v, len, ENC_NA);
            break;
        case R_DNS_NAME:
            add_string(t, ti, hf_record_dns_name, tvb, pinfo, v, len);
            if (len <= 1)
                proto_item_append_text(ti, "(empty)");
            break;
        case R_SUBJECT:
            add_string(t, ti, hf_record_subject, tvb, pinfo, v, len);
            r->subject_text = span_at(f, v, len);
            break;
        case R_ISSUER:
            add_string(t, ti, hf_record_issuer, tvb, pinfo, v, len);
            r->issuer_text = span_at(f, v, len);
            break;
        case R_ROLE:
            if (len != 2) {
                expert_add_info_format(pinfo, ti, &ei_bad_elem_len,
                                       "Role should be 2 bytes long, not %u", len);
                if (len)
                    proto_tree_add_item(t, hf_unknown_value, tvb, v, len, ENC_NA);
                break;
            }
            proto_tree_add_item(t, hf_record_role, tvb, v, 2, ENC_BIG_ENDIAN);
            r->has_role = TRUE;
            r->role = tvb_get_ntohs(tvb, v);
            proto_item_append_text(ti, ": %s (%u)", sbd_role_name(r->role), r->role);
            break;
        case R_SERIAL:
            if (len == 0)
                expert_add_info_format(pinfo, ti, &ei_bad_elem_len, "Serial Number is empty");
            proto_tree_add_item(t, hf_record_serial, tvb, v, len, ENC_NA);
            r->serial = span_at(f, v, len);
            proto_item_append_text(ti, ": %s", sbd_hex(pinfo->pool, f->data + v, len));
            break;
        case R_PUBLIC_KEY:
            proto_tree_add_item(t, hf_record_public_key, tvb, v, len, ENC_NA);
            r->pubkey = span_at(f, v, len);
            proto_item_append_text(ti, ": %u bytes", len);
            break;
        case R_SIGNATURE:
            proto_tree_add_item(t, hf_record_signature, tvb, v, len, ENC_NA);
            proto_item_append_text(ti, ": %u bytes", len);
            break;
        case R_CERTIFICATE: {
            proto_item *ci = proto_tree_add_item(t, hf_record_certificate, tvb, v, len, ENC_NA);
            proto_tree *ct = proto_item_add_subtree(ci, ett_certificate);
            proto_item_append_text(ti, ": %u bytes", len);
            r->has_cert = TRUE;
            cert_der = span_at(f, v, len);
            cert_off = v;
            r->cert_ok = sbd_add_certificate(tvb, v, len, pinfo, ct, ci, &record_cert_fields, &r->cert);
            break;
        }
        case R_IP:
            /* formats.md 3.1: 4 bytes in every Cisco record, binary
             * encoding inferred; 9.12: IPv6 never seen. */
            if (len == 4) {
                proto_tree_add_item(t, hf_record_ip, tvb, v, 4, ENC_BIG_ENDIAN);
                proto_item_append_text(ti, ": %s (read as binary IPv4: encoding inferred)",
                                       tvb_ip_to_str(pinfo->pool, tvb, v));
            } else if (len == 16) {
                proto_tree_add_item(t, hf_record_ipv6, tvb, v, 16, ENC_NA);
                proto_item_append_text(ti, ": %s (read as IPv6: never seen, encoding guessed)",
                                       tvb_ip6_to_str(pinfo->pool, tvb, v));
            } else {
                if (len)
                    proto_tree_add_item(t, hf_record_ip_other, tvb, v, len, ENC_NA);
                expert_add_info_format(pinfo, ti, &ei_bad_elem_len,
                                       "IP Address should be 4 bytes long (16 for IPv6), not %u", len);
            }
            break;
        case R_CERT_HASH:
            proto_tree_add_item(t, hf_record_cert_hash, tvb, v, len, ENC_NA);
            r->cert_hash = span_at(f, v, len);
            proto_item_append_text(ti, ": %s", sbd_hex(pinfo->pool, f->data + v, len));
            break;
        case R_HASH_ALG:
            if (len == 1) {
                proto_tree_add_item(t, hf_record_hash_alg, tvb, v, 1, ENC_NA);
                proto_item_append_text(ti, ": %s (meaning inferred)",
                                       sbd_val_to_str(pinfo->pool, tvb_get_uint8(tvb, v), sbd_hash_vals, "unknown (%u)"));
            } else {
                if (len)
                    proto_tree_add_item(t, hf_unknown_value, tvb, v, len, ENC_NA);
                expert_add_info_format(pinfo, ti, &ei_bad_elem_len,
                                       "Hash Algorithm should be 1 byte long, not %u", len);
            }
            break;
        default:
            if (len)
                proto_tree_add_item(t, hf_unknown_value, tvb, v, len, ENC_NA);
            expert_add_info_format(pinfo, ti, &ei_unknown_tag, "Unknown record tag %u (%u bytes), skipped",
                                   tag, len);
            break;
        }
        p = v + len;
    }

    /* Certificate hash needs the certificate, which may come later. */
    if (seen[R_CERT_HASH]) {
        guint q;
        for (q = off + 5; q + 3 <= end;) {
            guint l = tvb_get_ntohs(tvb, q + 1);
            if (q + 3 + l > end)
                break;
            if (tvb_get_uint8(tvb, q) == R_CERT_HASH)
                describe_cert_hash(tvb, pinfo, rt, r->item, f, q + 3, l,
                                   cert_der.p ? &cert_der : NULL);
            q += 3 + l;
        }
    }
    (void)cert_off;

    /* Record summary and checks */
    {
        /* A record cut short by the end of the capture is not blank. */
        gboolean blank = declared == rlen &&
                         !seen[R_SUBJECT] && !seen[R_CERTIFICATE] && !seen[R_PUBLIC_KEY];
        gboolean trust_role = r->has_role && (r->role == SBD_ROLE_TFTP || r->role == SBD_ROLE_CCM_TFTP ||
                                              r->role == SBD_ROLE_TVS);
        proto_item_append_text(ri, ": %s", r->has_role ? sbd_role_name(r->role) : "no role");
        r->blank = blank;
        if (!f->first_ec_record &&
            ((r->cert_ok && sbd_oid_is_ec(r->cert.spki_alg)) ||
             (!r->cert_ok && r->pubkey.p && r->pubkey.p[0] == 0x04 &&
              (r->pubkey.len == 65 || r->pubkey.len == 97 || r->pubkey.len == 133))))
            f->first_ec_record = r->index;
        if (trust_role && !blank)
            f->live_trust_role = TRUE;
        if (blank) {
            proto_item *bi = proto_tree_add_boolean(rt, hf_record_blank, tvb, off, rlen, TRUE);
            proto_item_set_generated(bi);
            proto_item_append_text(ri, ", blank (no subject, key or certificate)");
            if (trust_role)
                f->blank_trust_role = TRUE;
            expert_add_info_format(pinfo, ri, &ei_blank_record,
                                   "Record %d is blank: %s role without subject, key or certificate "
                                   "(cluster rolled back or moved to non-secure mode)", r->index,
                                   r->has_role ? sbd_role_name(r->role) : "no");
        } else {
            if (r->subject_text.p)
                proto_item_append_text(ri, ", %s", span_text(pinfo->pool, r->subject_text));
            if (r->serial.p)
                proto_item_append_text(ri, ", serial %s",
                                       sbd_hex(pinfo->pool, r->serial.p, r->serial.len));
            if (!seen[R_SUBJECT])
                expert_add_info_format(pinfo, ri, &ei_missing_tag, "Mandatory record element missing: Subject Name (3)");
            if (!seen[R_ISSUER])
                expert_add_info_format(pinfo, ri, &ei_missing_tag, "Mandatory record element missing: Issuer Name (5)");
            if (!seen[R_SERIAL])
                expert_add_info_format(pinfo, ri, &ei_missing_tag, "Mandatory record element missing: Serial Number (6)");
            if (!seen[R_PUBLIC_KEY])
                expert_add_info_format(pinfo, ri, &ei_missing_tag, "Mandatory record element missing: Public Key (7)");
            if (!seen[R_CERTIFICATE])
                expert_add_info_format(pinfo, ri, &ei_missing_tag, "Mandatory record element missing: Certificate (9)");
        }
        if (!seen[R_ROLE])
            expert_add_info_format(pinfo, ri, &ei_missing_tag, "Mandatory record element missing: Role (4)");
        if (r->has_role && r->role == SBD_ROLE_TVS)
            f->has_tvs = TRUE;
        if (r->cert_ok)
            check_record_against_cert(tvb, pinfo, rt, r);
        if (!trailing_bad && p != end)
            expert_add_info(pinfo, ri, &ei_record_len_mismatch);
    }
}

static void
dissect_records(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tl_file *f)
{
    guint off = f->header_end;
    int index = 0;

    while (off < f->len) {
        tl_record rec;
        guint declared, rlen;

        memset(&rec, 0, sizeof rec);
        rec.index = ++index;
        if (f->len - off < 5 || tvb_get_uint8(tvb, off) != R_LENGTH ||
            tvb_get_ntohs(tvb, off + 1) != 2) {
            proto_item *ti = proto_tree_add_item(tree, hf_trailing, tvb, off, f->len - off, ENC_NA);
            expert_add_info_format(pinfo, ti, f->len - off < 5 ? &ei_trailing : &ei_record_no_length,
                                   "%u bytes at offset %u do not start a record (Record Length "
                                   "element expected)", f->len - off, off);
            break;
        }
        declared = tvb_get_ntohs(tvb, off + 3);
        rlen = declared;
        if (rlen < 5) {
            rlen = 5;
        }
        if (rlen > f->len - off)
            rlen = f->len - off;
        dissect_tl_record(tvb, pinfo, tree, f, off, rlen, declared, &rec);
        if (declared < 5)
            expert_add_info_format(pinfo, rec.item, &ei_record_len_mismatch,
                                   "Record length %u is shorter than its own length element", declared);
        else if (declared > f->len - off)
            expert_add_info_format(pinfo, rec.item, &ei_len_past_end,
                                   "Record length %u runs past the end of the file (%u bytes left)",
                                   declared, f->len - off);
        if (f->n_records < MAX_KEPT_RECORDS)
            wmem_array_append_one(f->records, rec);
        else if (f->n_records == MAX_KEPT_RECORDS)
            expert_add_info_format(pinfo, rec.item, &ei_too_many_records,
                                   "More than %u records: later ones are shown but not used "
                                   "for signature checks", MAX_KEPT_RECORDS);
        f->n_records++;
        off += rlen;
    }
}

/* ---- signature ------------------------------------------------------- */

/* Verify the signature with one certificate; fills the hash used. */
static sbd_verify_result
verify_with_cert(tl_file *f, const sbd_cert *cert, int *hash_used)
{
    sbd_verify_result r = SBD_VERIFY_UNSUPPORTED;
    int alt;

    for (alt = 0; alt < 2; alt++) {
        int algo = sbd_hash_algo_for_code((unsigned)f->hash_code, alt);
        if (!algo)
            continue;
        if (!f->md_done[alt]) {
            f->md_done[alt] = TRUE;
            f->md_ok[alt] = sbd_digest_with_hole(algo, f->data, f->len, f->sig_off, 3 + f->sig.len,
                                                 f->md[alt], &f->md_len[alt]);
        }
        if (!f->md_ok[alt])
            continue;
        r = sbd_cert_verify(cert, algo, f->md[alt], f->md_len[alt], f->sig);
        if (r == SBD_VERIFY_VALID) {
            *hash_used = algo;
            return r;
        }
        if (r != SBD_VERIFY_INVALID)
            return r;
    }
    return r;
}

static ciscotl_sig_status
verify_trust_list(tl_file *f, int *key_record, int *hash_used, int *n_candidates)
{
    guint i;
    gboolean any_unsupported = FALSE;
    ciscotl_sig_status st = CISCOTL_SIG_SIGNER_NOT_IN_FILE;

    *n_candidates = 0;
    for (i = 0; i < wmem_array_get_count(f->records); i++) {
        tl_record *r = (tl_record *)wmem_array_index(f->records, i);
        sbd_verify_result vr;
        if (!r->has_role || r->role != SBD_ROLE_SAST || !r->serial.p ||
            !sbd_serial_equal(r->serial, f->signer_serial))
            continue;
        (*n_candidates)++;
        if (!r->cert_ok)
            continue;
        vr = verify_with_cert(f, &r->cert, hash_used);
        if (vr == SBD_VERIFY_VALID) {
            *key_record = r->index;
            return CISCOTL_SIG_VALID;
        }
        if (vr == SBD_VERIFY_UNSUPPORTED)
            any_unsupported = TRUE;
        else
            st = CISCOTL_SIG_INVALID;
        if (*key_record == 0)
            *key_record = r->index;
    }
    if (st == CISCOTL_SIG_SIGNER_NOT_IN_FILE && any_unsupported)
        st = CISCOTL_SIG_UNSUPPORTED;
    return st;
}

static ciscotl_sig_status
verify_signed_file(tl_file *f, const tl_trust_state *ts, int *hash_used)
{
    gboolean tried = FALSE, unsupported = FALSE;
    guint i;

    if (!ts)
        return CISCOTL_SIG_NO_TRUST_LIST;
    for (i = 0; i < ts->keys->len; i++) {
        const tl_trusted_cert *k = &g_array_index(ts->keys, tl_trusted_cert, i);
        sbd_cert cert;
        sbd_verify_result vr;
        if (k->role != SBD_ROLE_TFTP && k->role != SBD_ROLE_CCM_TFTP)
            continue;
        if (!sbd_cert_parse(k->der, k->der_len, &cert))
            continue;
        vr = verify_with_cert(f, &cert, hash_used);
        if (vr == SBD_VERIFY_VALID)
            return CISCOTL_SIG_VALID;
        if (vr == SBD_VERIFY_UNSUPPORTED)
            unsupported = TRUE;
        else if (sbd_serial_equal(cert.serial, f->signer_serial))
            tried = TRUE;
    }
    if (tried)
        return CISCOTL_SIG_INVALID;
    return unsupported ? CISCOTL_SIG_UNSUPPORTED : CISCOTL_SIG_SIGNER_NOT_IN_TRUST_LIST;
}

static void
trust_state_free(tl_trust_state *ts)
{
    guint i;

    if (!ts)
        return;
    for (i = 0; i < ts->keys->len; i++)
        g_free(g_array_index(ts->keys, tl_trusted_cert, i).der);
    g_array_free(ts->keys, TRUE);
    g_free(ts);
}

static void
trust_client_free(gpointer p)
{
    tl_client *c = p;

    if (!c)
        return;
    trust_state_free(c->itl);
    trust_state_free(c->ctl);
    g_free(c);
}

/* A signed file against what its client holds: valid when either list
 * verifies it (then *trust_frame is that list); otherwise the verdict and
 * frame of the later list, except that "invalid" (a certificate with the
 * signer's serial did not verify) wins over "not in the list". */
static ciscotl_sig_status
verify_signed_file_client(tl_file *f, const tl_client *c, int *hash_used, guint32 *trust_frame)
{
    const tl_trust_state *first, *second;
    ciscotl_sig_status s1, s2;
    int h1 = 0, h2 = 0;

    *trust_frame = 0;
    if (!c || (!c->itl && !c->ctl))
        return verify_signed_file(f, NULL, hash_used);
    /* the later list first */
    if (c->itl && c->ctl) {
        first = c->itl->frame > c->ctl->frame ? c->itl : c->ctl;
        second = first == c->itl ? c->ctl : c->itl;
    } else {
        first = c->itl ? c->itl : c->ctl;
        second = NULL;
    }
    s1 = verify_signed_file(f, first, &h1);
    if (s1 == CISCOTL_SIG_VALID || !second) {
        *hash_used = h1;
        *trust_frame = first->frame;
        return s1;
    }
    s2 = verify_signed_file(f, second, &h2);
    if (s2 == CISCOTL_SIG_VALID || (s2 == CISCOTL_SIG_INVALID && s1 != CISCOTL_SIG_INVALID)) {
        *hash_used = h2;
        *trust_frame = second->frame;
        return s2;
    }
    *hash_used = h1;
    *trust_frame = first->frame;
    return s1;
}

/* FALSE when the client is new and CISCOTL_MAX_CLIENTS clients are kept. */
static gboolean
remember_trust_list(packet_info *pinfo, const tl_file *f)
{
    tl_trust_state *ts;
    guint i;

    if (pinfo->dst.type == AT_NONE || !trust_by_client)
        return TRUE;
    if (g_hash_table_size(trust_by_client) >= CISCOTL_MAX_CLIENTS) {
        char *k = address_to_str(NULL, &pinfo->dst);
        gboolean known = g_hash_table_contains(trust_by_client, k);
        wmem_free(NULL, k);
        if (!known)
            return FALSE;
    }
    if (f->type != CISCOTL_TYPE_ITL && f->type != CISCOTL_TYPE_CTL)
        return TRUE;
    ts = g_new0(tl_trust_state, 1);
    ts->frame = pinfo->num;
    ts->type = f->type;
    ts->keys = g_array_new(FALSE, FALSE, sizeof(tl_trusted_cert));
    for (i = 0; i < wmem_array_get_count(f->records); i++) {
        tl_record *r = (tl_record *)wmem_array_index(f->records, i);
        tl_trusted_cert k;
        if (!r->has_role || !r->cert_ok)
            continue;
        k.role = r->role;
        k.der_len = r->cert.der.len;
        k.der = g_memdup2(r->cert.der.p, k.der_len);
        g_array_append_val(ts->keys, k);
    }
    /* Replaces (and frees) the list of the same kind this client downloaded before. */
    {
        char *k = address_to_str(NULL, &pinfo->dst);
        tl_client *c = (tl_client *)g_hash_table_lookup(trust_by_client, k);
        tl_trust_state **slot;
        if (!c) {
            c = g_new0(tl_client, 1);
            g_hash_table_insert(trust_by_client, g_strdup(k), c);
        }
        wmem_free(NULL, k);
        slot = f->type == CISCOTL_TYPE_ITL ? &c->itl : &c->ctl;
        trust_state_free(*slot);
        *slot = ts;
    }
    return TRUE;
}

static void
add_signature_verdict(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *top,
                      tl_file *f, ciscotl_sig_status *status_out)
{
    tl_verdict *vd;
    proto_item *si;
    guint32 key = (guint32)pinfo->curr_layer_num;

    vd = (tl_verdict *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ciscotl, key);
    if (!vd) {
        int n_candidates = 0;
        vd = wmem_new0(wmem_file_scope(), tl_verdict);
        if (!f->has_sig)
            vd->status = CISCOTL_SIG_MISSING;
        else if (!f->complete)
            vd->status = CISCOTL_SIG_INCOMPLETE;
        else if (f->sig_alg > 0 || !sbd_hash_algo_for_code((unsigned)f->hash_code, FALSE))
            vd->status = CISCOTL_SIG_UNSUPPORTED;
        else if (f->type == CISCOTL_TYPE_ITL || f->type == CISCOTL_TYPE_CTL) {
            vd->status = verify_trust_list(f, &vd->key_record, &vd->hash_algo, &n_candidates);
            if (n_candidates > 1)
                expert_add_info_format(pinfo, top, &ei_duplicate_signer,
                                       "%d SAST records carry the signer's serial number", n_candidates);
        } else {
            const tl_client *c = NULL;
            if (trust_by_client && pinfo->dst.type != AT_NONE)
                c = (const tl_client *)g_hash_table_lookup(trust_by_client,
                                                           address_to_str(pinfo->pool, &pinfo->dst));
            vd->status = verify_signed_file_client(f, c, &vd->hash_algo, &vd->trust_frame);
        }
        if (!PINFO_FD_VISITED(pinfo))
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ciscotl, key, vd);
    }

    si = proto_tree_add_string(tree, hf_sig_status, tvb, f->has_sig ? f->sig_off : 0,
                               f->has_sig ? 3 + (int)f->sig.len : 0,
                               ciscotl_sig_status_str(vd->status));
    proto_item_set_generated(si);
    if (vd->hash_algo) {
        proto_item *hi = proto_tree_add_string(tree, hf_sig_hash_used, tvb, 0, 0,
                                               sbd_md_name(vd->hash_algo));
        proto_item_set_generated(hi);
        if (f->hash_code == 3 && vd->hash_algo == GCRY_MD_SHA384)
            expert_add_info(pinfo, hi, &ei_sig_alt_hash);
    }
    if (vd->key_record && vd->status == CISCOTL_SIG_VALID) {
        proto_item *ki = proto_tree_add_uint(tree, hf_sig_key_record, tvb, 0, 0, (guint32)vd->key_record);
        proto_item_set_generated(ki);
        if ((guint)vd->key_record <= wmem_array_get_count(f->records)) {
            tl_record *r = (tl_record *)wmem_array_index(f->records, (guint)vd->key_record - 1);
            proto_item_append_text(ki, " (%s, %s)", sbd_role_name(r->role),
                                   r->subject_text.p ? span_text(pinfo->pool, r->subject_text) : "?");
            proto_item_append_text(r->item, " [signer of this file]");
        }
    }
    if (vd->trust_frame) {
        proto_item *ti = proto_tree_add_uint(tree, hf_sig_trust_list_frame, tvb, 0, 0, vd->trust_frame);
        proto_item_set_generated(ti);
    }
    switch (vd->status) {
    case CISCOTL_SIG_VALID:
        break;
    case CISCOTL_SIG_INVALID:
        expert_add_info(pinfo, si, &ei_sig_invalid);
        break;
    case CISCOTL_SIG_SIGNER_NOT_IN_FILE:
        expert_add_info_format(pinfo, si, &ei_sig_signer_missing,
                               "No SAST record carries the signer's serial number %s: the file was "
                               "signed by a certificate it does not contain (another cluster?)",
                               f->signer_serial.p ? sbd_hex(pinfo->pool, f->signer_serial.p,
                                                            f->signer_serial.len) : "(none)");
        break;
    case CISCOTL_SIG_SIGNER_NOT_IN_TRUST_LIST:
        expert_add_info_format(pinfo, si, &ei_sig_signer_missing,
                               "Not signed by a TFTP or CCM+TFTP certificate of the trust list this "
                               "client downloaded in frame %u", vd->trust_frame);
        break;
    case CISCOTL_SIG_UNSUPPORTED:
        expert_add_info(pinfo, si, &ei_sig_unsupported);
        break;
    default:
        expert_add_info_format(pinfo, si, &ei_sig_unverifiable, "Signature not checked (%s)",
                               vd->status == CISCOTL_SIG_NO_TRUST_LIST
                                   ? "no ITL/CTL downloaded earlier by this client"
                                   : ciscotl_sig_status_str(vd->status));
        break;
    }
    *status_out = vd->status;
}

/* ---- the file -------------------------------------------------------- */

static void
add_file_hashes(tvbuff_t *tvb, proto_tree *tree, const tl_file *f)
{
    guint8 md[SBD_MAX_DIGEST];
    proto_item *pi;

    pi = proto_tree_add_uint(tree, hf_file_size, tvb, 0, 0, tvb_reported_length(tvb));
    proto_item_set_generated(pi);
    proto_item_append_text(pi, " bytes");
    if (!f->complete)
        return;
    sbd_digest(GCRY_MD_MD5, f->data, f->len, md);
    pi = proto_tree_add_bytes_with_length(tree, hf_file_md5, tvb, 0, 0, md, 16);
    proto_item_set_generated(pi);
    sbd_digest(GCRY_MD_SHA1, f->data, f->len, md);
    pi = proto_tree_add_bytes_with_length(tree, hf_file_sha1, tvb, 0, 0, md, 20);
    proto_item_set_generated(pi);
    sbd_digest(GCRY_MD_SHA256, f->data, f->len, md);
    pi = proto_tree_add_bytes_with_length(tree, hf_file_sha256, tvb, 0, 0, md, 32);
    proto_item_set_generated(pi);
}

/* Kind of file when the transport gave no usable name: the header's own
 * FILENAME first, then the content. */
static ciscotl_file_type
type_from_content(tvbuff_t *tvb, const tl_file *f)
{
    ciscotl_file_type t;

    if (f->has_enc)
        return CISCOTL_TYPE_ENC_SGN;
    t = type_from_name(f->header_name);
    if (t != CISCOTL_TYPE_UNKNOWN)
        return t;
    if (f->header_end + 3 <= f->len && tvb_get_uint8(tvb, f->header_end) == R_LENGTH &&
        tvb_get_ntohs(tvb, f->header_end + 1) == 2)
        return CISCOTL_TYPE_UNKNOWN;          /* records: ITL or CTL, see below */
    return CISCOTL_TYPE_SGN;
}

/* The signer for the Info column: its CN (first CN= attribute), else the
 * whole name. */
static const char *
signer_short(wmem_allocator_t *scope, const char *dn)
{
    const char *cn = NULL, *p;
    size_t n;

    for (p = dn; *p; p++) {
        if ((p == dn || p[-1] == ';' || p[-1] == ',') && g_ascii_strncasecmp(p, "CN=", 3) == 0) {
            cn = p;
            break;
        }
    }
    if (!cn)
        return dn;
    n = strcspn(cn, ";,");
    return wmem_strndup(scope, cn, n);
}

static const char *
opt_text(wmem_allocator_t *scope, sbd_span s)
{
    return s.p ? span_text(scope, s) : NULL;
}

static ciscotl_tap_info *
make_tap_info(packet_info *pinfo, const tl_file *f, ciscotl_sig_status status, const char *filename)
{
    ciscotl_tap_info *ti = wmem_new0(pinfo->pool, ciscotl_tap_info);
    guint i, n = wmem_array_get_count(f->records);
    tl_verdict *vd = (tl_verdict *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ciscotl,
                                                    (guint32)pinfo->curr_layer_num);

    ti->frame = pinfo->num;
    ti->type = f->type;
    ti->name = f->name;
    ti->header_name = f->header_name;
    ti->has_build_time = f->has_build_time;
    ti->build_time = f->build_time;
    ti->complete = f->complete;
    ti->size = f->len;
    if (f->complete) {
        sbd_digest(GCRY_MD_MD5, f->data, f->len, ti->md5);
        sbd_digest(GCRY_MD_SHA1, f->data, f->len, ti->sha1);
    }
    ti->signer_name = opt_text(pinfo->pool, f->signer_name);
    ti->signer_issuer = opt_text(pinfo->pool, f->signer_issuer);
    ti->signer_serial = f->signer_serial.p;
    ti->signer_serial_len = (unsigned)f->signer_serial.len;
    ti->sig_status = status;
    ti->trust_list_frame = vd ? vd->trust_frame : 0;
    ti->n_records = n;
    /* formats.md 3.5: the TVS and TFTP entries are empty (layout inferred):
     * blank records of those roles, and none of them with a certificate. */
    ti->blank_itl = f->type == CISCOTL_TYPE_ITL && f->blank_trust_role && !f->live_trust_role;
    ti->records = wmem_alloc0_array(pinfo->pool, ciscotl_tap_record, n ? n : 1);
    for (i = 0; i < n; i++) {
        const tl_record *r = (const tl_record *)wmem_array_index(f->records, i);
        ciscotl_tap_record *tr = &ti->records[i];
        tr->index = r->index;
        tr->has_role = r->has_role;
        tr->role = r->role;
        tr->serial = r->serial.p;
        tr->serial_len = (unsigned)r->serial.len;
        tr->subject = opt_text(pinfo->pool, r->subject_text);
        tr->issuer = opt_text(pinfo->pool, r->issuer_text);
        tr->blank = r->blank;
        tr->cert_hash = r->cert_hash.p;
        tr->cert_hash_len = (unsigned)r->cert_hash.len;
        if (r->cert_ok) {
            tr->has_cert = TRUE;
            tr->cert_der = r->cert.der.p;
            tr->cert_der_len = (unsigned)r->cert.der.len;
            sbd_digest(GCRY_MD_SHA1, r->cert.der.p, r->cert.der.len, tr->cert_sha1);
            sbd_digest(GCRY_MD_SHA256, r->cert.der.p, r->cert.der.len, tr->cert_sha256);
        }
    }
    (void)filename;
    return ti;
}

/* The original file of a .sgn: XML or data.  Whatever it does to those
 * dissectors, the caller's verdict and summary are still added. */
static void
dissect_payload(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree)
{
    TRY {
        if (xml_handle && tvb_get_uint8(payload, 0) == '<')
            call_dissector(xml_handle, payload, pinfo, tree);
        else
            call_dissector(data_handle, payload, pinfo, tree);
    }
    CATCH_BOUNDS_AND_DISSECTOR_ERRORS {
        show_exception(payload, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

int
dissect_ciscotl_file(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *filename)
{
    tl_file f;
    proto_item *ti, *pi;
    proto_tree *t, *st;
    proto_item *sti;
    ciscotl_sig_status status = CISCOTL_SIG_MISSING;
    guint8 mac[6];
    const char *signer;
    gboolean blank;

    /* The name ends up in the tap information that the post-dissector
     * reads at the end of the frame: keep a copy of our own. */
    if (filename)
        filename = wmem_strdup(pinfo->pool, filename);
    memset(&f, 0, sizeof f);
    f.len = tvb_captured_length(tvb);
    f.complete = f.len == tvb_reported_length(tvb);
    f.data = tvb_get_ptr(tvb, 0, f.len);
    f.hash_code = f.sig_alg = f.sig_modulus = f.enc_hash_code = -1;
    f.records = wmem_array_new(pinfo->pool, sizeof(tl_record));

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CiscoTL");
    ti = proto_tree_add_item(tree, proto_ciscotl, tvb, 0, -1, ENC_NA);
    t = proto_item_add_subtree(ti, ett_ciscotl);

    if (!f.complete)
        expert_add_info(pinfo, ti, &ei_truncated);
    /* Filled at the end, shown first. */
    st = proto_tree_add_subtree(t, tvb, 0, 0, ett_summary, &sti, "Summary");

    dissect_header(tvb, pinfo, t, &f);

    f.name = filename && *filename ? filename : f.header_name;
    f.type = type_from_name(filename);
    if (f.type == CISCOTL_TYPE_UNKNOWN) {
        f.type = type_from_content(tvb, &f);
        if (f.type == CISCOTL_TYPE_UNKNOWN)
            f.type = CISCOTL_TYPE_CTL;   /* decided below once records are read */
        f.type_from_content = TRUE;
    }

    if (f.type == CISCOTL_TYPE_ITL || f.type == CISCOTL_TYPE_CTL) {
        dissect_records(tvb, pinfo, t, &f);
        if (f.type_from_content && type_from_name(f.header_name) == CISCOTL_TYPE_UNKNOWN)
            f.type = f.has_tvs ? CISCOTL_TYPE_ITL : CISCOTL_TYPE_CTL;
    } else if (f.header_end < f.len) {
        if (f.type == CISCOTL_TYPE_ENC_SGN) {
            proto_item *ei = proto_tree_add_item(t, hf_encrypted_payload, tvb, f.header_end, -1, ENC_NA);
            if (f.complete && (f.len - f.header_end) % 16 != 0)
                expert_add_info_format(pinfo, ei, &ei_enc_check,
                                       "Encrypted payload of %u bytes is not a whole number of AES blocks "
                                       "(16 bytes, formats.md 5.2)", f.len - f.header_end);
        } else {
            proto_tree_add_item(t, hf_payload, tvb, f.header_end, -1, ENC_NA);
            dissect_payload(tvb_new_subset_remaining(tvb, f.header_end), pinfo, tree);
        }
    }

    /* Generated summary */
    pi = proto_tree_add_string(st, hf_file_type, tvb, 0, 0, file_type_text[f.type]);
    proto_item_set_generated(pi);
    if (f.type_from_content)
        proto_item_append_text(pi, " (from content)");
    if (f.type == CISCOTL_TYPE_ITL || f.type == CISCOTL_TYPE_CTL) {
        pi = proto_tree_add_uint(st, hf_record_count, tvb, 0, 0, f.n_records);
        proto_item_set_generated(pi);
    }
    if (filename && *filename) {
        pi = proto_tree_add_string(st, hf_transport_name, tvb, 0, 0, filename);
        proto_item_set_generated(pi);
    }
    if (filename && sbd_mac_from_name(filename, mac)) {
        pi = proto_tree_add_ether(st, hf_phone_mac, tvb, 0, 0, mac);
        proto_item_set_generated(pi);
    }
    add_file_hashes(tvb, st, &f);
    add_signature_verdict(tvb, pinfo, st, ti, &f, &status);
    proto_item_append_text(sti, ": %s, signature %s", file_type_text[f.type],
                           ciscotl_sig_status_str(status));

    if (f.type == CISCOTL_TYPE_ITL && f.blank_trust_role && !f.live_trust_role)
        expert_add_info(pinfo, ti, &ei_blank_itl);
    if (f.first_ec_record &&
        !(f.has_signer_version && f.signer_ver_major == 1 && f.signer_ver_minor >= 1))
        expert_add_info_format(pinfo, ti, &ei_ec_signer_version,
                               "Record %d has an EC key, but the signer version is %s, not 1.1 "
                               "(formats.md 3.6: phones accept EC certificates with 1.1)", f.first_ec_record,
                               f.has_signer_version ? wmem_strdup_printf(pinfo->pool, "%u.%u", f.signer_ver_major,
                                                                         f.signer_ver_minor)
                                                    : "absent");

    /* A list whose own signature fails is rejected by the phone, which keeps
     * the lists it had: signed files are checked against those. */
    if ((f.type == CISCOTL_TYPE_ITL || f.type == CISCOTL_TYPE_CTL) && !PINFO_FD_VISITED(pinfo) &&
        !ciscotl_sig_rejected(status) &&
        !remember_trust_list(pinfo, &f))
        p_add_proto_data(wmem_file_scope(), pinfo, proto_ciscotl,
                         KEY_CLIENT_CAP + (guint32)pinfo->curr_layer_num, GUINT_TO_POINTER(1));
    if (p_get_proto_data(wmem_file_scope(), pinfo, proto_ciscotl,
                         KEY_CLIENT_CAP + (guint32)pinfo->curr_layer_num))
        expert_add_info(pinfo, ti, &ei_clients_cap);

    if (have_tap_listener(ciscotl_tap) || !PINFO_FD_VISITED(pinfo)) {
        ciscotl_tap_info *tinfo = make_tap_info(pinfo, &f, status, filename);
        if (!PINFO_FD_VISITED(pinfo))
            sbd_push_event(pinfo, SBD_EV_FILE, tinfo);
        tap_queue_packet(ciscotl_tap, pinfo, tinfo);
    }

    signer = f.signer_name.p ? signer_short(pinfo->pool, span_text(pinfo->pool, f.signer_name)) : "?";
    blank = f.type == CISCOTL_TYPE_ITL && f.blank_trust_role && !f.live_trust_role;
    proto_item_append_text(ti, " (%s), %s: signature %s%s", file_type_text[f.type],
                           f.name && *f.name ? f.name : "unnamed", ciscotl_sig_status_str(status),
                           blank ? ", BLANK ITL (rollback)" : "");
    col_clear(pinfo->cinfo, COL_INFO);
    col_add_fstr(pinfo->cinfo, COL_INFO, "%s %s", file_type_text[f.type], f.name && *f.name ? f.name : "(unnamed)");
    if (f.type == CISCOTL_TYPE_ITL || f.type == CISCOTL_TYPE_CTL)
        col_append_fstr(pinfo->cinfo, COL_INFO, ", %u record%s", f.n_records, f.n_records == 1 ? "" : "s");
    if (blank)
        col_append_str(pinfo->cinfo, COL_INFO, ", BLANK ITL (rollback)");
    col_append_fstr(pinfo->cinfo, COL_INFO, ", signer %s, signature %s", signer,
                    ciscotl_sig_status_str(status));
    return tvb_captured_length(tvb);
}

/* ---- recognising a file ---------------------------------------------- */

/* The first two elements are Version and Header Length (any version: an
 * unknown one is decoded and flagged). */
static gboolean
starts_like_ciscotl(const guint8 *p)
{
    return p[0] == H_VERSION && p[1] == 0 && p[2] == 2 &&
           p[5] == H_LENGTH && p[6] == 0 && p[7] == 2;
}

/* The header's elements chain exactly up to the header length hl
 * (p holds at least hl bytes). */
static gboolean
header_chains(const guint8 *p, guint hl)
{
    guint off;

    for (off = 10; off < hl;) {
        unsigned tag = p[off];
        if (tag == H_PADDING) {
            off++;
            continue;
        }
        if (tag == 0 || tag > H_SIGNER_VERSION || hl - off < 3)
            return FALSE;
        off += 3 + (is_container(tag) ? 0 : ((guint)p[off + 1] << 8 | p[off + 2]));
    }
    return off == hl;
}

gboolean
ciscotl_looks_like_file(const guint8 *p, size_t avail, guint64 size)
{
    guint hl;

    if (!p || avail < 10 || size < avail || !starts_like_ciscotl(p))
        return FALSE;
    hl = (guint)p[8] << 8 | p[9];
    return hl >= 20 && hl <= size && hl <= avail && header_chains(p, hl);
}

/* Cheap and strict: the first two elements are Version and Header Length,
 * and the header's elements chain exactly up to the header length; unless
 * the transport name says the file is ours. */
static gboolean
looks_like_ciscotl(tvbuff_t *tvb, gboolean name_says_so)
{
    guint len = tvb_captured_length(tvb);
    guint hl;

    /* A name that says so lets any content through, so that its defects
     * (Header Length first, a 3-byte Version, ...) are shown. */
    if (name_says_so)
        return len > 0;
    if (len < 10 || !starts_like_ciscotl(tvb_get_ptr(tvb, 0, 10)))
        return FALSE;
    hl = tvb_get_ntohs(tvb, 8);
    if (hl < 20 || hl > tvb_reported_length(tvb) || hl > len)
        return FALSE;
    return header_chains(tvb_get_ptr(tvb, 0, hl), hl);
}

static gboolean
name_is_ours(const char *name)
{
    return type_from_name(name) != CISCOTL_TYPE_UNKNOWN;
}

/* The struct TFTP passes to its heuristics (packet-tftp.h is not installed). */
struct sbd_tftpinfo {
    const char *filename;
};

/* What TFTP's Export Objects tap ("tftp_eo") takes: the same three members
 * in the same order as TFTP's own (private) struct in packet-tftp.c, read in
 * the 4.0.17 source and in a recent development version (unchanged between
 * them).  Its listener g_free()s the name and keeps the data. */
struct sbd_tftp_eo {
    gchar *filename;
    guint32 payload_len;
    guint8 *payload_data;
};

static int tftp_eo_tap = -1;

/* TFTP offers a file in File > Export Objects > TFTP only when no heuristic
 * claimed it, so a trust list decoded here would vanish from that list (and
 * from tshark --export-objects tftp).  Hand it to TFTP's tap ourselves,
 * when that tap has a listener and the whole file is in the capture. */
static void
offer_tftp_export(tvbuff_t *tvb, packet_info *pinfo, const char *name)
{
    struct sbd_tftp_eo *eo;
    guint len = tvb_captured_length(tvb);

    if (tftp_eo_tap < 0 || !name || !have_tap_listener(tftp_eo_tap) ||
        len == 0 || len != tvb_reported_length(tvb))
        return;
    eo = wmem_new(pinfo->pool, struct sbd_tftp_eo);
    eo->filename = g_strdup(name);
    eo->payload_len = len;
    eo->payload_data = (guint8 *)tvb_memdup(NULL, tvb, 0, len);
    tap_queue_packet(tftp_eo_tap, pinfo, eo);
}

static sbd_heur_ret_t
dissect_ciscotl_tftp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct sbd_tftpinfo *info = (const struct sbd_tftpinfo *)data;
    const char *name = info ? info->filename : NULL;

    if (!looks_like_ciscotl(tvb, name_is_ours(name)))
        return FALSE;
    offer_tftp_export(tvb, pinfo, name);
    dissect_ciscotl_file(tvb, pinfo, tree, name);
    return TRUE;
}

static sbd_heur_ret_t
dissect_ciscotl_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!looks_like_ciscotl(tvb, FALSE))
        return FALSE;
    dissect_ciscotl_file(tvb, pinfo, tree, NULL);
    return TRUE;
}

/* A bare file handed over by plugin/cisco-tl-file.lua: its reader already
 * matched the first elements, so a broken header length is shown, not
 * refused. */
static sbd_heur_ret_t
dissect_ciscotl_file_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    /* Every file wiretap hands over whole (JPEG, ELF, ... ) passes here:
     * the first elements must be Version and Header Length. */
    if (tvb_captured_length(tvb) < 10 || !starts_like_ciscotl(tvb_get_ptr(tvb, 0, 10)))
        return FALSE;
    dissect_ciscotl_file(tvb, pinfo, tree, NULL);
    return TRUE;
}

static int
dissect_ciscotl(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return dissect_ciscotl_file(tvb, pinfo, tree, NULL);
}

/* HTTP body on TCP 6970 (phones fetch the same files there), and bodies
 * typed application/octet-stream: ours when the content says so,
 * otherwise what HTTP would have done (XML or data). */
static int
dissect_ciscotl_http_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (looks_like_ciscotl(tvb, FALSE))
        return dissect_ciscotl_file(tvb, pinfo, tree, NULL);
    if (xml_handle && tvb_captured_length(tvb) > 0 && tvb_get_uint8(tvb, 0) == '<')
        return call_dissector_with_data(xml_handle, tvb, pinfo, tree, data);
    return call_dissector_with_data(data_handle, tvb, pinfo, tree, data);
}

static void
ciscotl_init(void)
{
    trust_by_client = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, trust_client_free);
    if (pref_force_tftp_defragment) {
        module_t *tftp = prefs_find_module("tftp");
        pref_t *p = tftp ? prefs_find_preference(tftp, "defragment") : NULL;
        if (p)
            prefs_set_bool_value(p, TRUE, pref_current);
    }
}

static void
ciscotl_cleanup(void)
{
    if (trust_by_client)
        g_hash_table_destroy(trust_by_client);
    trust_by_client = NULL;
}

void
proto_register_ciscotl(void)
{
    static hf_register_info hf[] = {
        { &hf_header, { "Header", "ciscotl.header", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_header_tag, { "Tag", "ciscotl.header.tag", FT_UINT8, BASE_DEC, VALS(header_tag_vals), 0x0, NULL, HFILL } },
        { &hf_record_tag, { "Tag", "ciscotl.record.tag", FT_UINT8, BASE_DEC, VALS(record_tag_vals), 0x0, NULL, HFILL } },
        { &hf_elem_length, { "Length", "ciscotl.element.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_version, { "Version", "ciscotl.version", FT_STRING, BASE_NONE, NULL, 0x0, "Header version (CUCM trust lists: 1.2)", HFILL } },
        { &hf_version_major, { "Major", "ciscotl.version.major", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_version_minor, { "Minor", "ciscotl.version.minor", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_header_length, { "Header Length", "ciscotl.header_length", FT_UINT16, BASE_DEC, NULL, 0x0, "Header size including signature and padding = offset of the first record or of the payload", HFILL } },
        { &hf_container_length, { "Length of the elements that follow", "ciscotl.container_length", FT_UINT16, BASE_DEC, NULL, 0x0, "A container's length covers the elements that follow it inline", HFILL } },
        { &hf_signer_name, { "Signer Name", "ciscotl.signer.name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_signer_serial, { "Signer Serial Number", "ciscotl.signer.serial", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_signer_issuer, { "Signer Issuer Name", "ciscotl.signer.issuer", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hash_algorithm, { "Hash Algorithm", "ciscotl.hash_algorithm", FT_UINT8, BASE_DEC, VALS(sbd_hash_vals), 0x0, NULL, HFILL } },
        { &hf_sig_algorithm, { "Signature Algorithm", "ciscotl.signature.algorithm", FT_UINT8, BASE_DEC, VALS(sig_alg_vals), 0x0, NULL, HFILL } },
        { &hf_sig_modulus, { "Signature Modulus", "ciscotl.signature.modulus", FT_UINT8, BASE_DEC, VALS(sig_modulus_vals), 0x0, "Code to size mapping from certutils (unconfirmed by Cisco data)", HFILL } },
        { &hf_signature, { "Signature", "ciscotl.signature", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_padding, { "Padding (0x0D, no length)", "ciscotl.padding", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_filename, { "File Name", "ciscotl.filename", FT_STRING, BASE_NONE, NULL, 0x0, "File name in the signed header", HFILL } },
        { &hf_timestamp, { "Timestamp", "ciscotl.timestamp", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_signer_version, { "Signer Version", "ciscotl.signer_version", FT_STRING, BASE_NONE, NULL, 0x0, "Tag 28 (1.1: EC certificates and HTTPS 6971 allowed, per usecallmanager docs)", HFILL } },
        { &hf_enc_unknown1, { "Unknown 1", "ciscotl.enc.unknown1", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_enc_iv, { "IV", "ciscotl.enc.iv", FT_BYTES, BASE_NONE, NULL, 0x0, "AES-CBC initialisation vector", HFILL } },
        { &hf_enc_padding, { "Plaintext Padding", "ciscotl.enc.padding", FT_UINT16, BASE_DEC, NULL, 0x0, "Number of 0x0D bytes appended to the plaintext", HFILL } },
        { &hf_enc_unknown2, { "Unknown 2", "ciscotl.enc.unknown2", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_enc_key_size, { "Key Size", "ciscotl.enc.key_size", FT_UINT16, BASE_DEC, NULL, 0x0, "certutils writes the wrapped key size in bits", HFILL } },
        { &hf_enc_key_alg, { "Key Algorithm", "ciscotl.enc.key_algorithm", FT_UINT8, BASE_DEC, NULL, 0x0, "1 = AES? (meaning inferred)", HFILL } },
        { &hf_enc_key, { "Encrypted Key", "ciscotl.enc.key", FT_BYTES, BASE_NONE, NULL, 0x0, "AES key wrapped with the device public key", HFILL } },
        { &hf_enc_hash_alg, { "Plaintext Hash Algorithm", "ciscotl.enc.hash_algorithm", FT_UINT8, BASE_DEC, VALS(sbd_hash_vals), 0x0, NULL, HFILL } },
        { &hf_enc_hash, { "Plaintext Hash", "ciscotl.enc.hash", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_unknown_value, { "Value", "ciscotl.value", FT_BYTES, BASE_NONE, NULL, 0x0, "Value of an element not decoded further", HFILL } },
        { &hf_file_type, { "File Type", "ciscotl.file_type", FT_STRING, BASE_NONE, NULL, 0x0, "ITL, CTL, SGN or ENC-SGN", HFILL } },
        { &hf_file_size, { "File Size", "ciscotl.file.size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_file_md5, { "File MD5", "ciscotl.file.md5", FT_BYTES, BASE_NONE, NULL, 0x0, "MD5 of the whole file (some phones show it in the Trust List menu)", HFILL } },
        { &hf_file_sha1, { "File SHA-1", "ciscotl.file.sha1", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_file_sha256, { "File SHA-256", "ciscotl.file.sha256", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_transport_name, { "Transferred as", "ciscotl.file.name", FT_STRING, BASE_NONE, NULL, 0x0, "File name of the TFTP request (the header's File Name may differ, e.g. ITLFile.tlv inside ITLSEP<MAC>.tlv)", HFILL } },
        { &hf_phone_mac, { "Phone MAC (from file name)", "ciscotl.phone_mac", FT_ETHER, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_count, { "Records", "ciscotl.record_count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_sig_status, { "Signature Status", "ciscotl.signature.status", FT_STRING, BASE_NONE, NULL, 0x0, "valid, invalid, signer not in file, signer not in trust list, unsupported algorithm, unverifiable: ...", HFILL } },
        { &hf_sig_hash_used, { "Signature Hash", "ciscotl.signature.hash", FT_STRING, BASE_NONE, NULL, 0x0, "Digest with which the signature verified", HFILL } },
        { &hf_sig_key_record, { "Signer Record", "ciscotl.signature.record", FT_UINT32, BASE_DEC, NULL, 0x0, "Index of the SAST record whose certificate checked the signature", HFILL } },
        { &hf_sig_trust_list_frame, { "Checked against trust list in frame", "ciscotl.signature.trust_list_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record, { "Record", "ciscotl.record", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_length, { "Record Length", "ciscotl.record.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Size of the whole record including this element", HFILL } },
        { &hf_record_dns_name, { "DNS Name", "ciscotl.record.dns_name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_subject, { "Subject Name", "ciscotl.record.subject", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_role, { "Role", "ciscotl.record.role", FT_UINT16, BASE_DEC, VALS(sbd_role_vals), 0x0, NULL, HFILL } },
        { &hf_record_issuer, { "Issuer Name", "ciscotl.record.issuer", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_serial, { "Serial Number", "ciscotl.record.serial", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_public_key, { "Public Key", "ciscotl.record.public_key", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_signature, { "Certificate Signature", "ciscotl.record.signature", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_certificate, { "Certificate", "ciscotl.record.certificate", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_ip, { "IP Address", "ciscotl.record.ip", FT_IPv4, BASE_NONE, NULL, 0x0, "4 bytes (binary IPv4 encoding inferred)", HFILL } },
        { &hf_record_ipv6, { "IPv6 Address", "ciscotl.record.ipv6", FT_IPv6, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_ip_other, { "IP Address (unknown encoding)", "ciscotl.record.ip_bytes", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_cert_hash, { "Certificate Hash", "ciscotl.record.cert_hash", FT_BYTES, BASE_NONE, NULL, 0x0, "Tag 11 (content undocumented)", HFILL } },
        { &hf_record_cert_hash_kind, { "Certificate Hash is", "ciscotl.record.cert_hash.kind", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_hash_alg, { "Hash Algorithm", "ciscotl.record.hash_algorithm", FT_UINT8, BASE_DEC, VALS(sbd_hash_vals), 0x0, "Tag 12 (meaning inferred)", HFILL } },
        { &hf_record_blank, { "Blank record", "ciscotl.record.blank", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Role without name, key or certificate", HFILL } },
        { &hf_record_cert_sha1, { "Certificate SHA-1", "ciscotl.record.cert_sha1", FT_BYTES, BASE_NONE, NULL, 0x0, "SHA-1 of the record's DER certificate", HFILL } },
        { &hf_record_cert_sha256, { "Certificate SHA-256", "ciscotl.record.cert_sha256", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_cert_serial, { "Certificate Serial Number", "ciscotl.record.cert_serial", FT_BYTES, BASE_NONE, NULL, 0x0, "Serial number inside the certificate (DER, sign byte included)", HFILL } },
        { &hf_record_cert_subject, { "Certificate Subject", "ciscotl.record.cert_subject", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_cert_issuer, { "Certificate Issuer", "ciscotl.record.cert_issuer", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_cert_not_before, { "Certificate valid from", "ciscotl.record.cert_not_before", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_record_cert_not_after, { "Certificate valid until", "ciscotl.record.cert_not_after", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_record_match_serial, { "Serial matches certificate", "ciscotl.record.cert_match.serial", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_match_subject, { "Subject matches certificate", "ciscotl.record.cert_match.subject", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_match_issuer, { "Issuer matches certificate", "ciscotl.record.cert_match.issuer", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_record_match_pubkey, { "Public key matches certificate", "ciscotl.record.cert_match.public_key", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_payload, { "Payload (original file)", "ciscotl.payload", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_encrypted_payload, { "Encrypted payload (AES-128-CBC)", "ciscotl.encrypted_payload", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_trailing, { "Undecoded data", "ciscotl.trailing", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = {
        &ett_ciscotl, &ett_header, &ett_element, &ett_container, &ett_record,
        &ett_certificate, &ett_version, &ett_summary,
    };
    static ei_register_info ei[] = {
        { &ei_len_past_end, { "ciscotl.len_past_end", PI_MALFORMED, PI_ERROR, "Length runs past the end of the data", EXPFILL } },
        { &ei_header_len_past_end, { "ciscotl.header_length.bad", PI_MALFORMED, PI_ERROR, "Header length is impossible", EXPFILL } },
        { &ei_header_len_not_mult4, { "ciscotl.header_length.not_aligned", PI_PROTOCOL, PI_WARN, "Header length is not a multiple of 4", EXPFILL } },
        { &ei_header_len_mismatch, { "ciscotl.header_length.mismatch", PI_MALFORMED, PI_WARN, "Header elements and header length disagree", EXPFILL } },
        { &ei_container_overrun, { "ciscotl.container.overrun", PI_MALFORMED, PI_ERROR, "Container length disagrees with its elements", EXPFILL } },
        { &ei_record_len_mismatch, { "ciscotl.record.length.mismatch", PI_MALFORMED, PI_ERROR, "Record length and record elements disagree", EXPFILL } },
        { &ei_record_no_length, { "ciscotl.record.no_length", PI_MALFORMED, PI_ERROR, "Record does not start with a Record Length element", EXPFILL } },
        { &ei_unknown_tag, { "ciscotl.unknown_tag", PI_UNDECODED, PI_WARN, "Unknown tag", EXPFILL } },
        { &ei_bad_elem_len, { "ciscotl.element.bad_length", PI_MALFORMED, PI_ERROR, "Wrong length for this element", EXPFILL } },
        { &ei_missing_tag, { "ciscotl.missing_element", PI_PROTOCOL, PI_WARN, "Mandatory element missing", EXPFILL } },
        { &ei_not_nul_terminated, { "ciscotl.string.no_nul", PI_PROTOCOL, PI_NOTE, "String is not NUL-terminated", EXPFILL } },
        { &ei_sig_invalid, { "ciscotl.signature.invalid", PI_SECURITY, PI_ERROR, "Signature does not verify", EXPFILL } },
        { &ei_sig_signer_missing, { "ciscotl.signature.signer_unknown", PI_SECURITY, PI_WARN, "No certificate of the signer to check the signature with", EXPFILL } },
        { &ei_sig_unsupported, { "ciscotl.signature.unsupported", PI_SECURITY, PI_NOTE, "Signature or hash algorithm not supported", EXPFILL } },
        { &ei_sig_unverifiable, { "ciscotl.signature.unverifiable", PI_SECURITY, PI_NOTE, "Signature not checked", EXPFILL } },
        { &ei_sig_modulus_mismatch, { "ciscotl.signature.modulus_mismatch", PI_PROTOCOL, PI_NOTE, "Signature length and modulus code disagree", EXPFILL } },
        { &ei_sig_alt_hash, { "ciscotl.signature.sha384", PI_PROTOCOL, PI_NOTE, "Hash code 3 verified as SHA-384 (reading of the 2017-2020 tools)", EXPFILL } },
        { &ei_cert_mismatch, { "ciscotl.record.cert_mismatch", PI_SECURITY, PI_WARN, "Record disagrees with its certificate", EXPFILL } },
        { &ei_cert_expired, { "ciscotl.record.cert_expired", PI_SECURITY, PI_WARN, "Certificate outside its validity period", EXPFILL } },
        { &ei_bad_der, { "ciscotl.record.bad_certificate", PI_MALFORMED, PI_ERROR, "Certificate is not valid DER X.509", EXPFILL } },
        { &ei_blank_itl, { "ciscotl.blank_itl", PI_SECURITY, PI_WARN, "Blank ITL (\"Prepare Cluster for Rollback to pre-8.0\"): its TVS/TFTP entries are all empty (the byte layout of a blank ITL is inferred, formats.md 3.5); the phone will accept unsigned configuration and any new ITL, but a CTL in place is not blanked", EXPFILL } },
        { &ei_blank_record, { "ciscotl.blank_record", PI_SECURITY, PI_NOTE, "Blank record: role without certificate (cluster rolled back or moved to non-secure mode)", EXPFILL } },
        { &ei_truncated, { "ciscotl.truncated", PI_MALFORMED, PI_WARN, "File incomplete in the capture: hashes and signature not computed", EXPFILL } },
        { &ei_trailing, { "ciscotl.trailing", PI_MALFORMED, PI_WARN, "Trailing bytes after the last record", EXPFILL } },
        { &ei_repeated_header, { "ciscotl.header.repeated", PI_PROTOCOL, PI_WARN, "Header element repeated", EXPFILL } },
        { &ei_misplaced_header, { "ciscotl.header.misplaced", PI_PROTOCOL, PI_WARN, "Header element outside its container", EXPFILL } },
        { &ei_container_empty, { "ciscotl.container.empty", PI_MALFORMED, PI_WARN, "Header container of length 0", EXPFILL } },
        { &ei_enc_check, { "ciscotl.enc.inconsistent", PI_MALFORMED, PI_WARN, "Encryption header and payload disagree", EXPFILL } },
        { &ei_header_order, { "ciscotl.header.order", PI_PROTOCOL, PI_WARN, "Version and Header Length are not the first two elements", EXPFILL } },
        { &ei_record_repeated, { "ciscotl.record.repeated", PI_PROTOCOL, PI_WARN, "Record element repeated", EXPFILL } },
        { &ei_ec_signer_version, { "ciscotl.ec_without_signer_version_1_1", PI_PROTOCOL, PI_NOTE, "EC key in a record, but the header's signer version is not 1.1 (formats.md 3.6: phones accept EC certificates with 1.1)", EXPFILL } },
        { &ei_sig_modulus_unknown, { "ciscotl.signature.modulus.unknown", PI_PROTOCOL, PI_WARN, "Signature modulus code not defined (0-3 known, formats.md 2.1)", EXPFILL } },
        { &ei_version, { "ciscotl.version.unknown", PI_PROTOCOL, PI_NOTE, "Header version not seen before (known: 1.0, 1.2, 2.0; formats.md 2.5)", EXPFILL } },
        { &ei_duplicate_signer, { "ciscotl.signature.duplicate_signer", PI_PROTOCOL, PI_WARN, "Several SAST records carry the signer's serial number", EXPFILL } },
        { &ei_clients_cap, { "ciscotl.clients_cap", PI_PROTOCOL, PI_WARN, "Trust lists of " G_STRINGIFY(CISCOTL_MAX_CLIENTS) " clients already kept in this capture: this one is not kept, so this client's signed files are not checked against it", EXPFILL } },
        { &ei_too_many_records, { "ciscotl.too_many_records", PI_PROTOCOL, PI_NOTE, "Too many records kept", EXPFILL } },
        { &ei_x509_omitted, { "ciscotl.record.x509_omitted", PI_UNDECODED, PI_NOTE, "X.509 subtree not shown (protocol layer limit)", EXPFILL } },
    };
    module_t *m;
    expert_module_t *em;

    proto_ciscotl = proto_register_protocol("Cisco Trust List / Signed File", "CiscoTL", "ciscotl");
    proto_register_field_array(proto_ciscotl, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_ciscotl);
    expert_register_field_array(em, ei, array_length(ei));

    m = prefs_register_protocol(proto_ciscotl, NULL);
    prefs_register_bool_preference(m, "force_tftp_defragment", "Turn on TFTP reassembly",
        "Trust lists are larger than one TFTP block; TFTP hands whole files to this "
        "dissector only when its \"defragment\" preference is on. With this set, the "
        "plugin turns it on whenever a capture is opened.",
        &pref_force_tftp_defragment);

    ciscotl_handle = register_dissector("ciscotl", dissect_ciscotl, proto_ciscotl);
    ciscotl_http_handle = register_dissector("ciscotl.http", dissect_ciscotl_http_body, proto_ciscotl);
    ciscotl_media_handle = create_dissector_handle(dissect_ciscotl_http_body, proto_ciscotl);
    ciscotl_tap = register_tap("ciscotl");
    register_init_routine(ciscotl_init);
    register_cleanup_routine(ciscotl_cleanup);
}

void
proto_reg_handoff_ciscotl(void)
{
    xml_handle = find_dissector("xml");
    data_handle = find_dissector("data");

    tftp_eo_tap = find_tap_id("tftp_eo");
    heur_dissector_add("tftp", dissect_ciscotl_tftp_heur, "Cisco trust list / signed file over TFTP",
                       "ciscotl_tftp", proto_ciscotl, HEURISTIC_ENABLE);
    heur_dissector_add("http", dissect_ciscotl_heur, "Cisco trust list / signed file over HTTP",
                       "ciscotl_http", proto_ciscotl, HEURISTIC_ENABLE);
    heur_dissector_add("wtap_file", dissect_ciscotl_file_heur, "Cisco trust list / signed file",
                       "ciscotl_wtap", proto_ciscotl, HEURISTIC_ENABLE);
    /* Phones fetch the TFTP files over HTTP on 6970 too. */
    http_tcp_dissector_add(HTTP_TFTP_PORT, ciscotl_http_handle);
    dissector_add_string("media_type", "application/octet-stream", ciscotl_media_handle);
}
