/* packet-tvs.c - Cisco CUCM Trust Verification Service (TVS)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Byte layout: shared/docs/formats.md section 6.  A phone asks the TVS
 * (TCP 2445, inside TLS) whether a certificate is trusted (verify) or asks
 * for a certificate by subject/issuer/serial (query).  Every message is a
 * 10-byte header
 *
 *     57 | version 01 | command | reserved | request id (4, BE) | body length (2, BE)
 *
 * followed by `body length` bytes of elements (1-byte tag, 2-byte BE
 * length, value).  Messages are framed with tcp_dissect_pdus, so a message
 * split over TLS records or TCP segments is reassembled and several
 * messages in one record are all shown.
 *
 * The TLS application data reaches this dissector through the port table
 * (preference tvs.tls.port, default 2445) or, on any other port, through a
 * strict heuristic on TLS's "tls" list.
 *
 * Each message is also handed, as a tvs_tap_info (tvs-tap.h), to the "tvs"
 * tap and to the "sbd" post-dissector (sbd_push_event, first pass).
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/range.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>

#include "sbd-common.h"
#include "packet-tvs.h"

#define TVS_DEFAULT_PORTS "2445"

static const value_string tvs_command_vals[] = {
    { TVS_CMD_VERIFY_REQUEST,  "Verify Request" },
    { TVS_CMD_VERIFY_RESPONSE, "Verify Response" },
    { TVS_CMD_QUERY_REQUEST,   "Query Request" },
    { TVS_CMD_QUERY_RESPONSE,  "Query Response" },
    { 0, NULL }
};

static const value_string tvs_tag_vals[] = {
    { TVS_TAG_DEVICE_NAME,        "Device Name" },
    { TVS_TAG_CERTIFICATE,        "Certificate" },
    { TVS_TAG_SUBJECT,            "Subject Name" },
    { TVS_TAG_ISSUER_OR_SERIAL_4, "Issuer Name or Serial Number (tag number inferred)" },
    { TVS_TAG_ISSUER_OR_SERIAL_5, "Serial Number or Issuer Name (tag number inferred)" },
    { TVS_TAG_ISSUER_OR_SERIAL_6, "Serial Number or Issuer Name (tag number inferred)" },
    { TVS_TAG_STATUS,             "Status" },
    { TVS_TAG_ROLES,              "Roles" },
    { TVS_TAG_TTL,                "TTL" },
    { 0, NULL }
};

static const value_string tvs_status_vals[] = {
    { TVS_STATUS_VALID,   "valid" },
    { TVS_STATUS_INVALID, "invalid" },
    { 0, NULL }
};

static int proto_tvs = -1;
static int tvs_tap = -1;

static int hf_protocol_id = -1;
static int hf_version = -1;
static int hf_command = -1;
static int hf_reserved = -1;
static int hf_request_id = -1;
static int hf_length = -1;
static int hf_element_tag = -1;
static int hf_element_length = -1;
static int hf_element_value = -1;
static int hf_device_prefix = -1;
static int hf_device_name = -1;
static int hf_device_model = -1;
static int hf_device_mac = -1;
static int hf_certificate = -1;
static int hf_cert_serial = -1;
static int hf_cert_subject = -1;
static int hf_cert_issuer = -1;
static int hf_cert_sha1 = -1;
static int hf_cert_sha256 = -1;
static int hf_cert_not_before = -1;
static int hf_cert_not_after = -1;
static int hf_subject = -1;
static int hf_issuer = -1;
static int hf_serial = -1;
static int hf_status = -1;
static int hf_role = -1;
static int hf_ttl = -1;
static int hf_response_in = -1;
static int hf_response_to = -1;
static int hf_time = -1;
static int hf_undecoded = -1;

static gint ett_tvs = -1;
static gint ett_element = -1;

static expert_field ei_not_tvs = EI_INIT;
static expert_field ei_truncated = EI_INIT;
static expert_field ei_unknown_command = EI_INIT;
static expert_field ei_body_length = EI_INIT;
static expert_field ei_element_overrun = EI_INIT;
static expert_field ei_element_length = EI_INIT;
static expert_field ei_unknown_tag = EI_INIT;
static expert_field ei_missing_element = EI_INIT;
static expert_field ei_device_name = EI_INIT;
static expert_field ei_device_prefix = EI_INIT;
static expert_field ei_device_mac_case = EI_INIT;
static expert_field ei_repeated_element = EI_INIT;
static expert_field ei_query_no_issuer = EI_INIT;
static expert_field ei_query_no_serial = EI_INIT;
static expert_field ei_query_valid_no_cert = EI_INIT;
static expert_field ei_no_nul = EI_INIT;
static expert_field ei_bad_der = EI_INIT;
static expert_field ei_cert_expired = EI_INIT;
static expert_field ei_status_unknown = EI_INIT;
static expert_field ei_status_invalid = EI_INIT;
static expert_field ei_no_roles = EI_INIT;
static expert_field ei_no_response = EI_INIT;
static expert_field ei_no_request = EI_INIT;
static expert_field ei_command_mismatch = EI_INIT;
static expert_field ei_tracking_capped = EI_INIT;
static expert_field ei_x509_omitted = EI_INIT;

static dissector_handle_t tvs_tls_handle;
static dissector_handle_t tvs_tcp_handle;

static range_t *pref_tls_ports;
static sbd_pref_bool_t pref_desegment = TRUE;

static const sbd_cert_fields tvs_cert_fields = {
    &hf_cert_serial, &hf_cert_subject, &hf_cert_issuer, &hf_cert_sha1, &hf_cert_sha256,
    &ei_bad_der, &hf_cert_not_before, &hf_cert_not_after, &ei_cert_expired, &ei_x509_omitted
};

/* ---- request/response tracking ----------------------------------------
 * One transaction per request, kept per TCP conversation in a map from the
 * request id to the requests carrying it, oldest first.  A response answers
 * the oldest request with its id that is still unanswered and was sent the
 * other way.  Each message finds its transaction again on later passes
 * through one per-frame array indexed by the message's position in the
 * frame.
 *
 * Bounded: at most TVS_MAX_TRACKED requests per connection are tracked
 * (a phone sends a handful); later requests and the responses that match
 * none of the tracked ones get the expert info tvs.tracking.capped instead
 * of links.  Adding a request and matching a response cost O(1) per
 * request id (amortised), whatever the number of requests. */

#define TVS_MAX_TRACKED 4096

typedef struct tvs_trans {
    guint32 req_frame;
    guint32 rep_frame;
    nstime_t req_time;
    guint8 req_cmd;
    guint32 req_srcport;
    struct tvs_trans *next;      /* next request with the same id */
} tvs_trans_t;

/* The requests with one id: oldest, newest, oldest maybe unanswered. */
typedef struct {
    tvs_trans_t *head;
    tvs_trans_t *tail;
    tvs_trans_t *open;
} tvs_id_chain_t;

typedef struct {
    wmem_map_t *by_id;           /* request id -> tvs_id_chain_t* */
    guint n_tracked;
    guint32 partial_frame[2];    /* first pass: start of a message still incomplete
                                  * (0 none), [0] requests, [1] responses */
} tvs_conv_t;

/* Stands for "not tracked: the connection's limit was reached". */
static tvs_trans_t tvs_untracked;

/* Per-frame state of one dissection (pinfo->pool). */
typedef struct {
    guint n_pdus;                /* TVS messages seen so far in this frame */
    wmem_strbuf_t *info;         /* the Info text of all of them */
    gboolean info_full;          /* longer than the column: no more appended */
} tvs_frame_t;

static gboolean
is_request(unsigned cmd)
{
    return cmd == TVS_CMD_VERIFY_REQUEST || cmd == TVS_CMD_QUERY_REQUEST;
}

static gboolean
is_response(unsigned cmd)
{
    return cmd == TVS_CMD_VERIFY_RESPONSE || cmd == TVS_CMD_QUERY_RESPONSE;
}

/* The transactions of the messages of this frame, by message index
 * (file scope, one proto-data entry per frame). */
static wmem_array_t *
frame_links(packet_info *pinfo, gboolean create)
{
    wmem_array_t *a = (wmem_array_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tvs, 0);

    if (!a && create) {
        a = wmem_array_new(wmem_file_scope(), sizeof(tvs_trans_t *));
        p_add_proto_data(wmem_file_scope(), pinfo, proto_tvs, 0, a);
    }
    return a;
}

static void
set_link(packet_info *pinfo, guint pdu_index, tvs_trans_t *tr)
{
    wmem_array_t *a = frame_links(pinfo, TRUE);
    tvs_trans_t *none = NULL;

    while (wmem_array_get_count(a) <= pdu_index)
        wmem_array_append_one(a, none);
    *(tvs_trans_t **)wmem_array_index(a, pdu_index) = tr;
}

static tvs_trans_t *
get_link(packet_info *pinfo, guint pdu_index)
{
    wmem_array_t *a = frame_links(pinfo, FALSE);

    if (!a || pdu_index >= wmem_array_get_count(a))
        return NULL;
    return *(tvs_trans_t **)wmem_array_index(a, pdu_index);
}

static tvs_conv_t *
conv_data(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    tvs_conv_t *cd = (tvs_conv_t *)conversation_get_proto_data(conv, proto_tvs);

    if (!cd) {
        cd = wmem_new0(wmem_file_scope(), tvs_conv_t);
        cd->by_id = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        conversation_add_proto_data(conv, proto_tvs, cd);
    }
    return cd;
}

static tvs_trans_t *
tvs_track(packet_info *pinfo, unsigned cmd, guint32 id, guint pdu_index)
{
    tvs_conv_t *cd;
    tvs_id_chain_t *ch;
    tvs_trans_t *tr;

    if (PINFO_FD_VISITED(pinfo))
        return get_link(pinfo, pdu_index);
    tr = get_link(pinfo, pdu_index);
    if (tr)
        return tr;
    if (!is_request(cmd) && !is_response(cmd))
        return NULL;

    cd = conv_data(pinfo);
    ch = (tvs_id_chain_t *)wmem_map_lookup(cd->by_id, GUINT_TO_POINTER(id));

    if (is_request(cmd)) {
        if (cd->n_tracked >= TVS_MAX_TRACKED) {
            tr = &tvs_untracked;
        } else {
            cd->n_tracked++;
            tr = wmem_new0(wmem_file_scope(), tvs_trans_t);
            tr->req_frame = pinfo->num;
            tr->req_time = pinfo->abs_ts;
            tr->req_cmd = (guint8)cmd;
            tr->req_srcport = pinfo->srcport;
            if (!ch) {
                ch = wmem_new0(wmem_file_scope(), tvs_id_chain_t);
                ch->head = ch->tail = ch->open = tr;
                wmem_map_insert(cd->by_id, GUINT_TO_POINTER(id), ch);
            } else {
                ch->tail->next = tr;
                ch->tail = tr;
                if (!ch->open)
                    ch->open = tr;
            }
        }
    } else {
        tr = NULL;
        if (ch) {
            /* Answered requests at the front are passed for good. */
            while (ch->open && ch->open->rep_frame)
                ch->open = ch->open->next;
            for (tr = ch->open; tr; tr = tr->next) {
                if (!tr->rep_frame && tr->req_frame <= pinfo->num && tr->req_srcport == pinfo->destport)
                    break;
            }
        }
        if (tr)
            tr->rep_frame = pinfo->num;
        else if (cd->n_tracked >= TVS_MAX_TRACKED)
            tr = &tvs_untracked;     /* its request may be one of those not tracked */
    }
    if (tr)
        set_link(pinfo, pdu_index, tr);
    return tr;
}

static void
tvs_show_tracking(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *ti,
                  unsigned cmd, const tvs_trans_t *tr)
{
    proto_item *pi;

    if (tr == &tvs_untracked) {
        expert_add_info_format(pinfo, ti, &ei_tracking_capped,
                               "Request/response matching stops after %u requests on one connection: "
                               "this message is not linked", TVS_MAX_TRACKED);
        return;
    }
    if (is_request(cmd)) {
        if (tr && tr->rep_frame) {
            pi = proto_tree_add_uint(tree, hf_response_in, tvb, 0, 0, tr->rep_frame);
            proto_item_set_generated(pi);
        } else if (PINFO_FD_VISITED(pinfo)) {
            /* Only known once the whole capture has been read. */
            expert_add_info(pinfo, ti, &ei_no_response);
        }
    } else if (is_response(cmd)) {
        if (tr) {
            nstime_t delta;
            unsigned want = tr->req_cmd == TVS_CMD_VERIFY_REQUEST ? TVS_CMD_VERIFY_RESPONSE
                                                                  : TVS_CMD_QUERY_RESPONSE;
            pi = proto_tree_add_uint(tree, hf_response_to, tvb, 0, 0, tr->req_frame);
            proto_item_set_generated(pi);
            nstime_delta(&delta, &pinfo->abs_ts, &tr->req_time);
            pi = proto_tree_add_time(tree, hf_time, tvb, 0, 0, &delta);
            proto_item_set_generated(pi);
            if (cmd != want)
                expert_add_info_format(pinfo, ti, &ei_command_mismatch,
                                       "%s answers a %s (frame %u); expected a %s",
                                       val_to_str_const(cmd, tvs_command_vals, "?"),
                                       val_to_str_const(tr->req_cmd, tvs_command_vals, "?"),
                                       tr->req_frame, val_to_str_const(want, tvs_command_vals, "?"));
        } else {
            expert_add_info(pinfo, ti, &ei_no_request);
        }
    }
}

/* ---- helpers ------------------------------------------------------------ */

/* Does the data at offset start like a TVS header?  Only the bytes present
 * are checked: protocol id 0x57, then version 1. */
static gboolean
tvs_header_start_ok(tvbuff_t *tvb, int offset)
{
    guint avail = tvb_captured_length_remaining(tvb, offset);

    if (avail >= 1 && tvb_get_uint8(tvb, offset) != TVS_PROTOCOL_ID)
        return FALSE;
    if (avail >= 2 && tvb_get_uint8(tvb, offset + 1) != TVS_VERSION)
        return FALSE;
    return TRUE;
}

/* "86400 s (1 day)" */
static void
tvs_fmt_ttl(gchar *buf, guint32 v)
{
    static const struct { guint32 secs; const char *unit; } units[] = {
        { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" }
    };
    size_t n;
    guint32 rest = v;
    unsigned i;
    gboolean first = TRUE;

    n = (size_t)snprintf(buf, ITEM_LABEL_LENGTH, "%u s", v);
    if (v == 0 || n >= ITEM_LABEL_LENGTH)
        return;
    n += (size_t)snprintf(buf + n, ITEM_LABEL_LENGTH - n, " (");
    for (i = 0; i < G_N_ELEMENTS(units) && n < ITEM_LABEL_LENGTH; i++) {
        guint32 q = rest / units[i].secs;
        if (!q)
            continue;
        rest -= q * units[i].secs;
        n += (size_t)snprintf(buf + n, ITEM_LABEL_LENGTH - n, "%s%u %s%s", first ? "" : ", ",
                                q, units[i].unit, q == 1 ? "" : "s");
        first = FALSE;
    }
    if (n < ITEM_LABEL_LENGTH)
        snprintf(buf + n, ITEM_LABEL_LENGTH - n, ")");
}

/* The "CN=..." attribute of a ";"-joined DN, or the whole DN without one. */
static const char *
dn_cn(wmem_allocator_t *scope, const char *dn)
{
    const char *p = dn, *end;

    while (p && *p) {
        if (g_ascii_strncasecmp(p, "CN=", 3) == 0) {
            end = strchr(p, ';');
            return end ? wmem_strndup(scope, p, end - p) : p;
        }
        p = strchr(p, ';');
        if (p)
            p++;
    }
    return dn;
}

/* A NUL-terminated string of printable text (ASCII or UTF-8)? */
static gboolean
looks_like_cstring(tvbuff_t *tvb, int off, int len)
{
    const guint8 *p;
    int i;

    if (len < 2)
        return FALSE;
    p = tvb_get_ptr(tvb, off, len);
    if (p[len - 1] != 0)
        return FALSE;
    if (!g_utf8_validate((const char *)p, len - 1, NULL))
        return FALSE;
    for (i = 0; i < len - 1; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f)
            return FALSE;
    }
    return TRUE;
}

static int
hexval(guint8 c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- one message ------------------------------------------------------- */

/* What the Info column, the mandatory-element checks and the tap need. */
typedef struct {
    unsigned cmd;
    const char *device;
    const char *cert_cn;
    const char *cert_serial;
    const char *subject_cn;
    const char *serial;
    int status;                  /* -1 = absent */
    wmem_strbuf_t *roles;        /* NULL = absent */
    gboolean has_ttl;
    guint32 ttl;
    guint32 seen_tags;           /* bit n = tag n present (n < 32) */
    tvs_tap_info *tap;           /* the rest, pinfo->pool */
} tvs_msg_t;

static void
dissect_device_name(tvbuff_t *tvb, packet_info *pinfo, proto_tree *et, proto_item *ei,
                    int v, int len, tvs_msg_t *m)
{
    const guint8 *raw;
    const guint8 *name;
    int n, i, sep = -1, model_len;
    guint8 mac[6];
    proto_item *pi;
    gboolean ok = TRUE;

    if (len < 1) {
        expert_add_info_format(pinfo, ei, &ei_element_length,
                               "Device Name is empty (expected prefix byte 0x01 and CP-<model>-SEP<MAC>)");
        return;
    }
    pi = proto_tree_add_item(et, hf_device_prefix, tvb, v, 1, ENC_NA);
    if (tvb_get_uint8(tvb, v) != 0x01)
        expert_add_info(pinfo, pi, &ei_device_prefix);
    else
        proto_item_append_text(pi, " (meaning unknown)");

    n = len - 1;
    pi = proto_tree_add_item_ret_string(et, hf_device_name, tvb, v + 1, n, ENC_ASCII | ENC_NA,
                                        pinfo->pool, &name);
    m->device = (const char *)name;
    proto_item_append_text(ei, ": %s", name ? (const char *)name : "");

    /* CP-<model>-SEP<12 hex digits>; a trailing NUL is tolerated. */
    raw = tvb_get_ptr(tvb, v + 1, n);
    if (n > 0 && raw[n - 1] == 0)
        n--;
    if (n < 3 + 1 + 4 + 12 || memcmp(raw, "CP-", 3) != 0) {
        ok = FALSE;
    } else {
        sep = n - 16;                   /* where "-SEP" must start */
        if (memcmp(raw + sep, "-SEP", 4) != 0)
            ok = FALSE;
        for (i = 0; ok && i < 12; i++) {
            int hi = hexval(raw[sep + 4 + i]);
            if (hi < 0)
                ok = FALSE;
            else if (i % 2 == 0)
                mac[i / 2] = (guint8)(hi << 4);
            else
                mac[i / 2] |= (guint8)hi;
        }
        model_len = sep - 3;
        if (model_len < 1)
            ok = FALSE;
        for (i = 3; ok && i < sep; i++) {
            if (!g_ascii_isalnum(raw[i]) && raw[i] != '-' && raw[i] != '_')
                ok = FALSE;
        }
        if (ok) {
            const guint8 *model = NULL;
            for (i = 0; i < 12; i++) {
                if (g_ascii_islower(raw[sep + 4 + i])) {
                    expert_add_info(pinfo, pi, &ei_device_mac_case);
                    break;
                }
            }
            proto_tree_add_item_ret_string(et, hf_device_model, tvb, v + 1 + 3, model_len,
                                           ENC_ASCII | ENC_NA, pinfo->pool, &model);
            m->tap->model = (const char *)model;
            proto_tree_add_ether(et, hf_device_mac, tvb, v + 1 + sep + 4, 12, mac);
            memcpy(m->tap->mac, mac, sizeof mac);
            m->tap->has_mac = TRUE;
        }
    }
    if (!ok)
        expert_add_info(pinfo, pi, &ei_device_name);
}

static void
dissect_certificate(tvbuff_t *tvb, packet_info *pinfo, proto_tree *et, proto_item *ei,
                    int v, int len, tvs_msg_t *m)
{
    sbd_cert cert;

    if (len < 1) {
        expert_add_info_format(pinfo, ei, &ei_element_length, "Certificate element is empty");
        return;
    }
    proto_tree_add_item(et, hf_certificate, tvb, v, len, ENC_NA);
    if (sbd_add_certificate(tvb, v, len, pinfo, et, ei, &tvs_cert_fields, &cert)) {
        const char *subject = sbd_dn_string(pinfo->pool, cert.subject, ";", FALSE);
        m->cert_cn = dn_cn(pinfo->pool, subject);
        m->cert_serial = sbd_hex(pinfo->pool, cert.serial.p, cert.serial.len);
        proto_item_append_text(ei, ": %s, serial %s, %d bytes", m->cert_cn, m->cert_serial, len);
        m->tap->has_cert = TRUE;
        m->tap->cert_der = cert.der.p;
        m->tap->cert_der_len = (unsigned)cert.der.len;
    } else {
        proto_item_append_text(ei, ": %d bytes, not a valid DER certificate", len);
    }
}

/* NUL-terminated string element; returns the text. */
static const char *
dissect_string(tvbuff_t *tvb, packet_info *pinfo, proto_tree *et, proto_item *ei, int hf,
               int v, int len)
{
    const guint8 *s = NULL;

    proto_tree_add_item_ret_string(et, hf, tvb, v, len, ENC_UTF_8 | ENC_NA, pinfo->pool, &s);
    if (len == 0 || tvb_get_uint8(tvb, v + len - 1) != 0)
        expert_add_info(pinfo, ei, &ei_no_nul);
    proto_item_append_text(ei, ": %s", s ? (const char *)s : "");
    return s ? (const char *)s : "";
}

static void
dissect_element_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *et, proto_item *ei,
                      unsigned tag, int v, int len, tvs_msg_t *m)
{
    int i;

    switch (tag) {
    case TVS_TAG_DEVICE_NAME:
        dissect_device_name(tvb, pinfo, et, ei, v, len, m);
        break;

    case TVS_TAG_CERTIFICATE:
        dissect_certificate(tvb, pinfo, et, ei, v, len, m);
        break;

    case TVS_TAG_SUBJECT:
        m->tap->subject = dissect_string(tvb, pinfo, et, ei, hf_subject, v, len);
        m->subject_cn = dn_cn(pinfo->pool, m->tap->subject);
        break;

    case TVS_TAG_ISSUER_OR_SERIAL_4:
    case TVS_TAG_ISSUER_OR_SERIAL_5:
    case TVS_TAG_ISSUER_OR_SERIAL_6:
        /* formats.md 6.6: the tag numbers of issuer and serial are not
         * known; a NUL-terminated text is the issuer, raw bytes the serial. */
        if (looks_like_cstring(tvb, v, len)) {
            proto_item_set_text(ei, "Issuer Name (tag %u: number inferred, recognised by content)", tag);
            if (m->tap->issuer)
                expert_add_info_format(pinfo, ei, &ei_repeated_element,
                                       "A second Issuer Name: which one TVS would use is not known; "
                                       "this decode uses the last");
            m->tap->issuer = dissect_string(tvb, pinfo, et, ei, hf_issuer, v, len);
        } else {
            proto_item_set_text(ei, "Serial Number (tag %u: number inferred, recognised by content)", tag);
            if (len > 0 && m->tap->serial)
                expert_add_info_format(pinfo, ei, &ei_repeated_element,
                                       "A second Serial Number: which one TVS would use is not known; "
                                       "this decode uses the last");
            if (len > 0) {
                proto_tree_add_item(et, hf_serial, tvb, v, len, ENC_NA);
                m->serial = sbd_hex(pinfo->pool, tvb_get_ptr(tvb, v, len), len);
                proto_item_append_text(ei, ": %s", m->serial);
                m->tap->serial = (const guint8 *)tvb_memdup(pinfo->pool, tvb, v, len);
                m->tap->serial_len = (unsigned)len;
            } else {
                expert_add_info_format(pinfo, ei, &ei_element_length, "Serial Number is empty");
            }
        }
        break;

    case TVS_TAG_STATUS: {
        guint32 st;
        proto_item *pi;
        if (len != 1) {
            expert_add_info_format(pinfo, ei, &ei_element_length,
                                   "Status should be 1 byte long, not %d", len);
            if (len > 0)
                proto_tree_add_item(et, hf_element_value, tvb, v, len, ENC_NA);
            break;
        }
        pi = proto_tree_add_item_ret_uint(et, hf_status, tvb, v, 1, ENC_NA, &st);
        m->status = (int)st;
        m->tap->has_status = TRUE;
        m->tap->status = st;
        proto_item_append_text(ei, ": %s (%u)", val_to_str_const(st, tvs_status_vals, "unknown"), st);
        if (st == TVS_STATUS_INVALID)
            expert_add_info(pinfo, pi, &ei_status_invalid);
        else if (st != TVS_STATUS_VALID)
            expert_add_info(pinfo, pi, &ei_status_unknown);
        break;
    }

    case TVS_TAG_ROLES:
        m->roles = wmem_strbuf_new(pinfo->pool, "");
        m->tap->has_roles = TRUE;
        if (len == 0) {
            expert_add_info(pinfo, ei, &ei_no_roles);
            proto_item_append_text(ei, ": none");
            break;
        }
        proto_item_append_text(ei, ":");
        for (i = 0; i < len; i++) {
            guint8 r = tvb_get_uint8(tvb, v + i);
            const char *name = try_val_to_str(r, sbd_role_vals) ? sbd_role_name(r) : NULL;
            proto_tree_add_item(et, hf_role, tvb, v + i, 1, ENC_NA);
            if (m->tap->n_roles < TVS_MAX_TAP_ROLES)
                m->tap->roles[m->tap->n_roles++] = r;
            proto_item_append_text(ei, "%s %s (%u)", i ? "," : "", name ? name : "unknown", r);
            if (i)
                wmem_strbuf_append_c(m->roles, ',');
            if (name)
                wmem_strbuf_append(m->roles, name);
            else
                wmem_strbuf_append_printf(m->roles, "%u", r);
        }
        break;

    case TVS_TAG_TTL:
        if (len != 4) {
            expert_add_info_format(pinfo, ei, &ei_element_length,
                                   "TTL should be 4 bytes long, not %d", len);
            if (len > 0)
                proto_tree_add_item(et, hf_element_value, tvb, v, len, ENC_NA);
            break;
        }
        {
            gchar text[ITEM_LABEL_LENGTH];
            proto_tree_add_item_ret_uint(et, hf_ttl, tvb, v, 4, ENC_BIG_ENDIAN, &m->ttl);
            m->has_ttl = TRUE;
            m->tap->has_ttl = TRUE;
            m->tap->ttl = m->ttl;
            tvs_fmt_ttl(text, m->ttl);
            proto_item_append_text(ei, ": %s", text);
        }
        break;

    default:
        if (len > 0)
            proto_tree_add_item(et, hf_element_value, tvb, v, len, ENC_NA);
        expert_add_info_format(pinfo, ei, &ei_unknown_tag, "Unknown element tag %u (%d bytes), skipped",
                               tag, len);
        proto_item_append_text(ei, ": %d bytes", len);
        break;
    }
}

/* The elements in [off, end) of which [off, avail) was captured. */
static void
dissect_elements(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *len_item,
                 int off, int end, int avail, tvs_msg_t *m)
{
    int lim = MIN(end, avail);

    while (off < lim) {
        unsigned tag;
        int len, have;
        gboolean repeated;
        proto_tree *et;
        proto_item *ei;

        if (lim - off < TVS_ELEMENT_HDR_LEN) {
            if (lim == end) {
                proto_tree_add_item(tree, hf_undecoded, tvb, off, lim - off, ENC_NA);
                expert_add_info_format(pinfo, len_item, &ei_body_length,
                                       "%d byte%s left after the last element: too few for an element",
                                       lim - off, lim - off == 1 ? "" : "s");
            }
            return;       /* else the capture ends here (already flagged) */
        }
        tag = tvb_get_uint8(tvb, off);
        len = tvb_get_ntohs(tvb, off + 1);
        repeated = tag < 32 && (m->seen_tags & (1u << tag)) && try_val_to_str(tag, tvs_tag_vals) &&
                   tag != TVS_TAG_ISSUER_OR_SERIAL_4 && tag != TVS_TAG_ISSUER_OR_SERIAL_5 &&
                   tag != TVS_TAG_ISSUER_OR_SERIAL_6;   /* told apart by content, above */
        if (tag < 32)
            m->seen_tags |= 1u << tag;

        have = MIN(len, lim - off - TVS_ELEMENT_HDR_LEN);
        et = proto_tree_add_subtree(tree, tvb, off, TVS_ELEMENT_HDR_LEN + have, ett_element, &ei,
                                    sbd_val_to_str(pinfo->pool, tag, tvs_tag_vals, "Unknown element (tag %u)"));
        proto_tree_add_item(et, hf_element_tag, tvb, off, 1, ENC_NA);
        proto_tree_add_item(et, hf_element_length, tvb, off + 1, 2, ENC_BIG_ENDIAN);
        if (repeated)
            expert_add_info_format(pinfo, ei, &ei_repeated_element,
                                   "A second %s element: which one TVS or the phone would use is not known; "
                                   "this decode uses the last readable one",
                                   val_to_str_const(tag, tvs_tag_vals, "?"));

        if (off + TVS_ELEMENT_HDR_LEN + len > end) {
            /* Runs past the body: show what there is, do not decode it. */
            expert_add_info_format(pinfo, ei, &ei_element_overrun,
                                   "Element length %d runs %d byte%s past the end of the message body",
                                   len, off + TVS_ELEMENT_HDR_LEN + len - end,
                                   off + TVS_ELEMENT_HDR_LEN + len - end == 1 ? "" : "s");
            expert_add_info_format(pinfo, len_item, &ei_body_length,
                                   "Body length ends inside the element at offset %d", off);
            if (have > 0)
                proto_tree_add_item(et, hf_element_value, tvb, off + TVS_ELEMENT_HDR_LEN, have, ENC_NA);
            return;
        }
        if (off + TVS_ELEMENT_HDR_LEN + len > lim) {
            /* Complete in the message, not in the capture. */
            if (have > 0)
                proto_tree_add_item(et, hf_element_value, tvb, off + TVS_ELEMENT_HDR_LEN, have, ENC_NA);
            proto_item_append_text(ei, " (incomplete in the capture)");
            return;
        }
        dissect_element_value(tvb, pinfo, et, ei, tag, off + TVS_ELEMENT_HDR_LEN, len, m);
        off += TVS_ELEMENT_HDR_LEN + len;
    }
}

static void
check_mandatory(packet_info *pinfo, proto_item *ti, const tvs_msg_t *m)
{
    static const struct { unsigned cmd; unsigned tag; } need[] = {
        { TVS_CMD_VERIFY_REQUEST,  TVS_TAG_DEVICE_NAME },
        { TVS_CMD_VERIFY_REQUEST,  TVS_TAG_CERTIFICATE },
        { TVS_CMD_QUERY_REQUEST,   TVS_TAG_DEVICE_NAME },
        { TVS_CMD_QUERY_REQUEST,   TVS_TAG_SUBJECT },
        { TVS_CMD_VERIFY_RESPONSE, TVS_TAG_STATUS },
        { TVS_CMD_QUERY_RESPONSE,  TVS_TAG_STATUS },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(need); i++) {
        if (need[i].cmd == m->cmd && !(m->seen_tags & (1u << need[i].tag)))
            expert_add_info_format(pinfo, ti, &ei_missing_element, "%s without a %s element",
                                   val_to_str_const(m->cmd, tvs_command_vals, "?"),
                                   val_to_str_const(need[i].tag, tvs_tag_vals, "?"));
    }
    /* formats.md 6.6/6.7: a query names subject, issuer and serial (serial
     * and issuer are TVS's lookup key); a found certificate comes back with
     * status 0. */
    if (m->cmd == TVS_CMD_QUERY_REQUEST && !m->tap->issuer)
        expert_add_info(pinfo, ti, &ei_query_no_issuer);
    if (m->cmd == TVS_CMD_QUERY_REQUEST && !m->tap->serial)
        expert_add_info(pinfo, ti, &ei_query_no_serial);
    if (m->cmd == TVS_CMD_QUERY_RESPONSE && m->status == TVS_STATUS_VALID &&
        !(m->seen_tags & (1u << TVS_TAG_CERTIFICATE)))
        expert_add_info(pinfo, ti, &ei_query_valid_no_cert);
}

static const char *
info_text(packet_info *pinfo, guint32 id, const tvs_msg_t *m)
{
    wmem_strbuf_t *s = wmem_strbuf_new(pinfo->pool, "");
    const char *sep = ": ";

    switch (m->cmd) {
    case TVS_CMD_VERIFY_REQUEST:
    case TVS_CMD_QUERY_REQUEST:
        wmem_strbuf_append(s, val_to_str_const(m->cmd, tvs_command_vals, "?"));
        if (m->device)
            wmem_strbuf_append_printf(s, " %s", m->device);
        if (m->cmd == TVS_CMD_VERIFY_REQUEST && m->cert_cn) {
            wmem_strbuf_append_printf(s, "%s%s, serial %s", sep, m->cert_cn, m->cert_serial);
        } else if (m->cmd == TVS_CMD_QUERY_REQUEST && (m->subject_cn || m->serial)) {
            if (m->subject_cn) {
                wmem_strbuf_append_printf(s, "%s%s", sep, m->subject_cn);
                sep = ", ";
            }
            if (m->serial)
                wmem_strbuf_append_printf(s, "%sserial %s", sep, m->serial);
        }
        break;
    case TVS_CMD_VERIFY_RESPONSE:
    case TVS_CMD_QUERY_RESPONSE:
        wmem_strbuf_append(s, val_to_str_const(m->cmd, tvs_command_vals, "?"));
        if (m->status >= 0) {
            wmem_strbuf_append_printf(s, "%s%s", sep,
                                      try_val_to_str(m->status, tvs_status_vals)
                                      ? val_to_str_const(m->status, tvs_status_vals, "?")
                                      : wmem_strdup_printf(pinfo->pool, "status %d", m->status));
            sep = ", ";
        }
        if (m->cert_cn) {
            wmem_strbuf_append_printf(s, "%s%s", sep, m->cert_cn);
            sep = ", ";
        }
        if (m->roles) {
            wmem_strbuf_append_printf(s, "%sroles %s", sep,
                                      wmem_strbuf_get_len(m->roles) ? wmem_strbuf_get_str(m->roles) : "none");
            sep = ", ";
        }
        if (m->has_ttl)
            wmem_strbuf_append_printf(s, "%sTTL %u s", sep, m->ttl);
        break;
    default:
        wmem_strbuf_append_printf(s, "Unknown command %u, id %u", m->cmd, id);
        break;
    }
    return wmem_strbuf_get_str(s);
}

/* Several messages in one frame: "A | B | C".  The first message replaces
 * what TLS wrote ("Application Data"); a fence keeps the text of later
 * TLS records in the frame from being mixed in. */
static void
set_info(packet_info *pinfo, tvs_frame_t *fr, const char *text)
{
    if (!fr->info) {
        fr->info = wmem_strbuf_new(pinfo->pool, text);
    } else if (!fr->info_full) {
        /* Thousands of messages in one frame: the column shows the first
         * ones (COL_MAX_INFO_LEN), so stop building the text there. */
        if (wmem_strbuf_get_len(fr->info) >= COL_MAX_INFO_LEN) {
            wmem_strbuf_append(fr->info, " | ...");
            fr->info_full = TRUE;
        } else {
            wmem_strbuf_append_printf(fr->info, " | %s", text);
        }
    } else {
        return;
    }
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_clear(pinfo->cinfo, COL_INFO);
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(fr->info));
    col_set_fence(pinfo->cinfo, COL_INFO);
}

static tvs_frame_t *
frame_state(packet_info *pinfo)
{
    tvs_frame_t *fr = (tvs_frame_t *)p_get_proto_data(pinfo->pool, pinfo, proto_tvs, 0);

    if (!fr) {
        fr = wmem_new0(pinfo->pool, tvs_frame_t);
        p_add_proto_data(pinfo->pool, pinfo, proto_tvs, 0, fr);
    }
    return fr;
}

/* One TVS message (or, when the data does not start like one, the rest of
 * the data shown as undecoded). */
static int
dissect_tvs_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    int avail = (int)tvb_captured_length(tvb);
    tvs_frame_t *fr = frame_state(pinfo);
    guint pdu_index = fr->n_pdus++;
    proto_item *ti, *pi, *len_item;
    proto_tree *t;
    guint32 cmd, reserved, id, body;
    tvs_msg_t m;
    tvs_trans_t *tr;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "TVS");
    ti = proto_tree_add_item(tree, proto_tvs, tvb, 0, -1, ENC_NA);
    t = proto_item_add_subtree(ti, ett_tvs);

    if (!tvs_header_start_ok(tvb, 0)) {
        proto_tree_add_item(t, hf_undecoded, tvb, 0, -1, ENC_NA);
        if (tvb_get_uint8(tvb, 0) == TVS_PROTOCOL_ID)
            expert_add_info_format(pinfo, ti, &ei_not_tvs,
                                   "Protocol id 0x57 but version %u (only version 1 is known): not decoded",
                                   tvb_get_uint8(tvb, 1));
        else
            expert_add_info(pinfo, ti, &ei_not_tvs);
        proto_item_append_text(ti, ", undecoded data (%d bytes)", avail);
        set_info(pinfo, fr, "Undecoded data (not a TVS message)");
        return avail;
    }

    proto_tree_add_item(t, hf_protocol_id, tvb, 0, 1, ENC_NA);
    if (avail >= 2)
        proto_tree_add_item(t, hf_version, tvb, 1, 1, ENC_NA);
    if (avail < TVS_HEADER_LEN) {
        if (avail >= 3)
            proto_tree_add_item(t, hf_command, tvb, 2, 1, ENC_NA);
        if (avail >= 4)
            proto_tree_add_item(t, hf_reserved, tvb, 3, 1, ENC_NA);
        if (avail >= 8)
            proto_tree_add_item(t, hf_request_id, tvb, 4, 4, ENC_BIG_ENDIAN);
        expert_add_info_format(pinfo, ti, &ei_truncated,
                               "Header incomplete: %d of %d bytes", avail, TVS_HEADER_LEN);
        proto_item_append_text(ti, ", incomplete header");
        set_info(pinfo, fr, "Incomplete TVS header");
        return avail;
    }

    pi = proto_tree_add_item_ret_uint(t, hf_command, tvb, 2, 1, ENC_NA, &cmd);
    if (!try_val_to_str(cmd, tvs_command_vals))
        expert_add_info(pinfo, pi, &ei_unknown_command);
    pi = proto_tree_add_item_ret_uint(t, hf_reserved, tvb, 3, 1, ENC_NA, &reserved);
    if (reserved)
        proto_item_append_text(pi, " (Cisco's TVS sends junk here: not an error)");
    proto_tree_add_item_ret_uint(t, hf_request_id, tvb, 4, 4, ENC_BIG_ENDIAN, &id);
    len_item = proto_tree_add_item_ret_uint(t, hf_length, tvb, 8, 2, ENC_BIG_ENDIAN, &body);

    proto_item_append_text(ti, ", %s, id %u", sbd_val_to_str(pinfo->pool, cmd, tvs_command_vals, "Unknown command %u"), id);

    if (avail < TVS_HEADER_LEN + (int)body) {
        expert_add_info_format(pinfo, ti, &ei_truncated,
                               "Message incomplete: %d of %u bytes present (reassembly is off or the rest is missing)",
                               avail, TVS_HEADER_LEN + body);
    }

    memset(&m, 0, sizeof m);
    m.cmd = cmd;
    m.status = -1;
    m.tap = wmem_new0(pinfo->pool, tvs_tap_info);
    dissect_elements(tvb, pinfo, t, len_item, TVS_HEADER_LEN, TVS_HEADER_LEN + (int)body, avail, &m);
    if (avail >= TVS_HEADER_LEN + (int)body)
        check_mandatory(pinfo, ti, &m);

    tr = tvs_track(pinfo, cmd, id, pdu_index);
    tvs_show_tracking(tvb, pinfo, t, ti, cmd, tr);

    m.tap->frame = pinfo->num;
    m.tap->command = cmd;
    m.tap->request_id = id;
    m.tap->reserved = reserved;
    m.tap->request_frame = is_response(cmd) && tr ? tr->req_frame : 0;
    m.tap->device_name = m.device;
    if (!PINFO_FD_VISITED(pinfo)) {
        if (avail >= TVS_HEADER_LEN + (int)body && (is_request(cmd) || is_response(cmd)))
            conv_data(pinfo)->partial_frame[is_request(cmd) ? 0 : 1] = 0;   /* it came whole */
        sbd_push_event(pinfo, SBD_EV_TVS, m.tap);
    }
    tap_queue_packet(tvs_tap, pinfo, m.tap);

    set_info(pinfo, fr, info_text(pinfo, id, &m));
    return MIN(avail, TVS_HEADER_LEN + (int)body);
}

/* Length of the message at offset.  For data that does not start like a
 * TVS header, everything there is, so that it is shown (as undecoded data)
 * instead of being held back for reassembly.  tcp_dissect_pdus is called
 * with a fixed part of one byte, so this also sees short garbage. */
/* First pass: a message starts at offset, but only avail of its need
 * bytes (0: the header is incomplete) are there and TCP/TLS will be asked
 * for the rest.  Should the rest never come, the trust checks report it. */
static void
note_partial(packet_info *pinfo, tvbuff_t *tvb, int offset, guint avail, guint need)
{
    tvs_partial_info *pi;
    tvs_conv_t *cd;
    unsigned cmd, dir;

    if (PINFO_FD_VISITED(pinfo) || avail < 3)
        return;                         /* direction unknown before the command byte */
    cmd = tvb_get_uint8(tvb, offset + 2);
    if (!is_request(cmd) && !is_response(cmd))
        return;
    dir = is_request(cmd) ? 0 : 1;
    cd = conv_data(pinfo);
    if (!cd->partial_frame[dir])
        cd->partial_frame[dir] = pinfo->num;
    pi = wmem_new0(pinfo->pool, tvs_partial_info);
    pi->start_frame = cd->partial_frame[dir];
    pi->to_server = dir == 0;
    pi->command = cmd;
    if (avail >= 8) {
        pi->has_id = TRUE;
        pi->request_id = tvb_get_ntohl(tvb, offset + 4);
    }
    pi->have = avail;
    pi->need = need;
    sbd_push_event(pinfo, SBD_EV_TVS_PARTIAL, pi);
}

static guint
get_tvs_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint avail = tvb_captured_length_remaining(tvb, offset);
    guint need;

    if (!tvs_header_start_ok(tvb, offset))
        return avail;
    if (avail < TVS_HEADER_LEN) {
        if (pref_desegment && pinfo->can_desegment) {
            note_partial(pinfo, tvb, offset, avail, 0);
            return 0;                   /* one more segment, please */
        }
        return avail;                   /* shown as an incomplete header */
    }
    need = TVS_HEADER_LEN + tvb_get_ntohs(tvb, offset + 8);
    if (avail < need && pref_desegment && pinfo->can_desegment)
        note_partial(pinfo, tvb, offset, avail, need);
    return need;
}

/* TLS application data (or, with Decode As, a plaintext TCP stream). */
static int
dissect_tvs_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_dissect_pdus(tvb, pinfo, tree, pref_desegment, 1, get_tvs_pdu_len, dissect_tvs_pdu, data);
    return tvb_captured_length(tvb);
}

/* TLS application data on another port: accept only a plausible header
 * (0x57, version 1, command 1-4) whose elements start plausibly and, as far
 * as they are present, fit the body length exactly. */
static gboolean
tvs_looks_like_tvs(tvbuff_t *tvb)
{
    int avail = (int)tvb_captured_length(tvb);
    int body, end, lim, off;
    unsigned cmd;

    if (avail < TVS_HEADER_LEN + TVS_ELEMENT_HDR_LEN)
        return FALSE;
    if (tvb_get_uint8(tvb, 0) != TVS_PROTOCOL_ID || tvb_get_uint8(tvb, 1) != TVS_VERSION)
        return FALSE;
    cmd = tvb_get_uint8(tvb, 2);
    if (cmd < TVS_CMD_VERIFY_REQUEST || cmd > TVS_CMD_QUERY_RESPONSE)
        return FALSE;
    body = tvb_get_ntohs(tvb, 8);
    if (body < TVS_ELEMENT_HDR_LEN)
        return FALSE;
    end = TVS_HEADER_LEN + body;
    lim = MIN(end, avail);
    for (off = TVS_HEADER_LEN; off + TVS_ELEMENT_HDR_LEN <= lim; ) {
        unsigned tag = tvb_get_uint8(tvb, off);
        int len = tvb_get_ntohs(tvb, off + 1);
        if (tag < TVS_TAG_DEVICE_NAME || tag > TVS_TAG_TTL)
            return FALSE;
        if (off + TVS_ELEMENT_HDR_LEN + len > end)
            return FALSE;
        off += TVS_ELEMENT_HDR_LEN + len;
    }
    /* The whole body is here: the elements must fill it exactly. */
    if (end <= avail && off != end)
        return FALSE;
    return TRUE;
}

static sbd_heur_ret_t
dissect_tvs_heur_tls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!tvs_looks_like_tvs(tvb))
        return FALSE;
    /* The rest of the session is ours (sbd-compat.h: how TLS is told). */
    sbd_tls_heur_set_app_handle(data, tvs_tls_handle);
    dissect_tvs_stream(tvb, pinfo, tree, NULL);
    return TRUE;
}

/* ---- registration ----------------------------------------------------- */

void
proto_register_tvs(void)
{
    static hf_register_info hf[] = {
        { &hf_protocol_id, { "Protocol ID", "tvs.protocol_id", FT_UINT8, BASE_HEX, NULL, 0x0, "Always 0x57", HFILL } },
        { &hf_version, { "Version", "tvs.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_command, { "Command", "tvs.command", FT_UINT8, BASE_DEC, VALS(tvs_command_vals), 0x0, NULL, HFILL } },
        { &hf_reserved, { "Reserved", "tvs.reserved", FT_UINT8, BASE_HEX, NULL, 0x0, "0 in requests; Cisco's TVS sends arbitrary values (0xf7, 0xf5) in responses", HFILL } },
        { &hf_request_id, { "Request ID", "tvs.request_id", FT_UINT32, BASE_DEC, NULL, 0x0, "Chosen by the phone, echoed in the response", HFILL } },
        { &hf_length, { "Body Length", "tvs.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Bytes of elements after the 10-byte header", HFILL } },
        { &hf_element_tag, { "Tag", "tvs.element.tag", FT_UINT8, BASE_DEC, VALS(tvs_tag_vals), 0x0, NULL, HFILL } },
        { &hf_element_length, { "Length", "tvs.element.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_element_value, { "Value", "tvs.element.value", FT_BYTES, BASE_NONE, NULL, 0x0, "Element value not decoded further", HFILL } },
        { &hf_device_prefix, { "Prefix", "tvs.device.prefix", FT_UINT8, BASE_HEX, NULL, 0x0, "Byte before the device name (meaning unknown)", HFILL } },
        { &hf_device_name, { "Device Name", "tvs.device.name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_device_model, { "Model", "tvs.device.model", FT_STRING, BASE_NONE, NULL, 0x0, "Phone model from CP-<model>-SEP<MAC>", HFILL } },
        { &hf_device_mac, { "MAC Address", "tvs.device.mac", FT_ETHER, BASE_NONE, NULL, 0x0, "Phone MAC address from CP-<model>-SEP<MAC>", HFILL } },
        { &hf_certificate, { "Certificate (DER)", "tvs.certificate", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cert_serial, { "Certificate Serial Number", "tvs.cert.serial", FT_BYTES, BASE_NONE, NULL, 0x0, "Serial number inside the certificate (DER, sign byte included)", HFILL } },
        { &hf_cert_subject, { "Certificate Subject", "tvs.cert.subject", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cert_issuer, { "Certificate Issuer", "tvs.cert.issuer", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cert_sha1, { "Certificate SHA-1", "tvs.cert.sha1", FT_BYTES, BASE_NONE, NULL, 0x0, "SHA-1 of the DER certificate", HFILL } },
        { &hf_cert_sha256, { "Certificate SHA-256", "tvs.cert.sha256", FT_BYTES, BASE_NONE, NULL, 0x0, "SHA-256 of the DER certificate", HFILL } },
        { &hf_cert_not_before, { "Certificate valid from", "tvs.cert.not_before", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_cert_not_after, { "Certificate valid until", "tvs.cert.not_after", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_subject, { "Subject Name", "tvs.subject", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_issuer, { "Issuer Name", "tvs.issuer", FT_STRING, BASE_NONE, NULL, 0x0, "Tag number inferred (4 or 5); recognised as NUL-terminated text", HFILL } },
        { &hf_serial, { "Serial Number", "tvs.serial", FT_BYTES, BASE_NONE, NULL, 0x0, "Tag number inferred (5 or 6); recognised as raw bytes", HFILL } },
        { &hf_status, { "Status", "tvs.status", FT_UINT8, BASE_DEC, VALS(tvs_status_vals), 0x0, NULL, HFILL } },
        { &hf_role, { "Role", "tvs.role", FT_UINT8, BASE_DEC, VALS(sbd_role_vals), 0x0, NULL, HFILL } },
        { &hf_ttl, { "TTL", "tvs.ttl", FT_UINT32, BASE_CUSTOM, CF_FUNC(tvs_fmt_ttl), 0x0, "How long the phone may cache the answer, in seconds", HFILL } },
        { &hf_response_in, { "Response In", "tvs.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The response to this request is in this frame", HFILL } },
        { &hf_response_to, { "Response To", "tvs.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "This is a response to the request in this frame", HFILL } },
        { &hf_time, { "Response Time", "tvs.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "Time between the request and this response", HFILL } },
        { &hf_undecoded, { "Undecoded Data", "tvs.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = { &ett_tvs, &ett_element };
    static ei_register_info ei[] = {
        { &ei_not_tvs, { "tvs.not_tvs", PI_MALFORMED, PI_WARN, "Data does not start with a TVS header (protocol id 0x57, version 1): not decoded", EXPFILL } },
        { &ei_truncated, { "tvs.truncated", PI_MALFORMED, PI_WARN, "Message incomplete", EXPFILL } },
        { &ei_unknown_command, { "tvs.command.unknown", PI_PROTOCOL, PI_WARN, "Unknown command", EXPFILL } },
        { &ei_body_length, { "tvs.length.mismatch", PI_MALFORMED, PI_ERROR, "Body length disagrees with the elements", EXPFILL } },
        { &ei_element_overrun, { "tvs.element.overrun", PI_MALFORMED, PI_ERROR, "Element runs past the end of the message", EXPFILL } },
        { &ei_element_length, { "tvs.element.bad_length", PI_MALFORMED, PI_ERROR, "Wrong length for this element", EXPFILL } },
        { &ei_unknown_tag, { "tvs.element.unknown", PI_UNDECODED, PI_WARN, "Unknown element tag", EXPFILL } },
        { &ei_missing_element, { "tvs.element.missing", PI_PROTOCOL, PI_WARN, "Mandatory element missing", EXPFILL } },
        { &ei_device_name, { "tvs.device.name.unexpected", PI_PROTOCOL, PI_WARN, "Device name does not match CP-<model>-SEP<12 hex digits>", EXPFILL } },
        { &ei_device_mac_case, { "tvs.device.mac_lower_case", PI_PROTOCOL, PI_NOTE, "MAC in the device name has lower-case hex digits (tvsd accepts upper case only)", EXPFILL } },
        { &ei_query_no_issuer, { "tvs.query.no_issuer", PI_PROTOCOL, PI_WARN, "Query Request without an Issuer Name (TVS looks certificates up by serial and issuer)", EXPFILL } },
        { &ei_query_no_serial, { "tvs.query.no_serial", PI_PROTOCOL, PI_WARN, "Query Request without a Serial Number (TVS looks certificates up by serial and issuer)", EXPFILL } },
        { &ei_query_valid_no_cert, { "tvs.query.valid_without_certificate", PI_PROTOCOL, PI_WARN, "Query Response \"valid\" without a Certificate element (TVS returns the certificate it found)", EXPFILL } },
        { &ei_repeated_element, { "tvs.element.repeated", PI_PROTOCOL, PI_WARN, "Element repeated", EXPFILL } },
        { &ei_device_prefix, { "tvs.device.prefix.unexpected", PI_PROTOCOL, PI_NOTE, "Device name prefix is not 0x01 (the only value seen so far)", EXPFILL } },
        { &ei_no_nul, { "tvs.string.no_nul", PI_PROTOCOL, PI_NOTE, "String is not NUL-terminated", EXPFILL } },
        { &ei_bad_der, { "tvs.cert.bad", PI_MALFORMED, PI_ERROR, "Certificate is not valid DER X.509", EXPFILL } },
        { &ei_cert_expired, { "tvs.cert.expired", PI_SECURITY, PI_WARN, "Certificate outside its validity period", EXPFILL } },
        { &ei_status_unknown, { "tvs.status.unknown", PI_PROTOCOL, PI_NOTE, "Status code not seen before (known: 0 valid, 1 invalid)", EXPFILL } },
        { &ei_status_invalid, { "tvs.status.invalid", PI_RESPONSE_CODE, PI_NOTE, "TVS answered \"invalid\": certificate not trusted or not found", EXPFILL } },
        { &ei_no_roles, { "tvs.roles.empty", PI_PROTOCOL, PI_NOTE, "Empty role list", EXPFILL } },
        { &ei_no_response, { "tvs.no_response", PI_SEQUENCE, PI_WARN, "No response to this request in the capture", EXPFILL } },
        { &ei_no_request, { "tvs.no_request", PI_SEQUENCE, PI_WARN, "Response without a matching request (same id, same connection) in the capture", EXPFILL } },
        { &ei_command_mismatch, { "tvs.command.mismatch", PI_SEQUENCE, PI_WARN, "Response command does not fit the request", EXPFILL } },
        { &ei_x509_omitted, { "tvs.cert.x509_omitted", PI_UNDECODED, PI_NOTE, "X.509 subtree not shown (protocol layer limit)", EXPFILL } },
        { &ei_tracking_capped, { "tvs.tracking.capped", PI_SEQUENCE, PI_NOTE, "Too many requests on one connection: not linked", EXPFILL } },
    };
    module_t *m;
    expert_module_t *em;

    proto_tvs = proto_register_protocol("Cisco Trust Verification Service", "TVS", "tvs");
    proto_register_field_array(proto_tvs, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_tvs);
    expert_register_field_array(em, ei, array_length(ei));

    tvs_tap = register_tap("tvs");
    tvs_tls_handle = register_dissector("tvs.tls", dissect_tvs_stream, proto_tvs);
    /* TVS always runs inside TLS; this one is for Decode As on streams
     * decrypted elsewhere (and for feeding the dissector test data). */
    tvs_tcp_handle = register_dissector("tvs.tcp", dissect_tvs_stream, proto_tvs);
    /* One whole message, without TCP or TLS underneath: the messages of a
     * CUCM TVS trace (packet-cucmlog.c), with the phone's address set. */
    register_dissector("tvs", dissect_tvs_pdu, proto_tvs);

    range_convert_str(wmem_epan_scope(), &pref_tls_ports, TVS_DEFAULT_PORTS, 65535);
    m = prefs_register_protocol(proto_tvs, proto_reg_handoff_tvs);
    prefs_register_range_preference(m, "tls.port", "TVS TLS ports",
        "TCP ports on which TLS application data is TVS (default 2445). "
        "On other ports a heuristic recognises TVS messages.",
        &pref_tls_ports, 65535);
    prefs_register_bool_preference(m, "desegment", "Reassemble TVS messages spanning several TLS records",
        "Whether a TVS message split over several TLS records or TCP segments is reassembled. "
        "Needs the TLS preference \"Reassemble TLS Application Data spanning multiple TLS records\".",
        &pref_desegment);
}

/* The TLS application data on a TVS TLS port is TVS.  TCP hands those
 * ports to the sbd post-dissector's TLS front, which calls TLS (told by
 * sbd_tls_front_set_tvs_ports in proto_reg_handoff_tvs). */
static void
tvs_port_add(guint32 port, gpointer ptr _U_)
{
    if (port)
        dissector_add_uint("tls.port", port, tvs_tls_handle);
}

static void
tvs_port_delete(guint32 port, gpointer ptr _U_)
{
    if (port)
        dissector_delete_uint("tls.port", port, tvs_tls_handle);
}

/* Also the preferences' apply callback: moves the TLS port registrations
 * to the current value of tvs.tls.port.  Only when that value changed:
 * re-registering TLS on the ports would undo a Decode As of them (e.g.
 * tcp.port 2445 as TVS) when another TVS preference is set. */
void
proto_reg_handoff_tvs(void)
{
    static gboolean initialized = FALSE;
    static range_t *registered_ports;

    if (!initialized) {
        heur_dissector_add("tls", dissect_tvs_heur_tls, "TVS over TLS (any port)", "tvs_tls",
                           proto_tvs, HEURISTIC_ENABLE);
        dissector_add_for_decode_as("tls.port", tvs_tls_handle);
        dissector_add_for_decode_as("tcp.port", tvs_tcp_handle);
        initialized = TRUE;
    } else {
        if (ranges_are_equal(registered_ports, pref_tls_ports))
            return;
        range_foreach(registered_ports, tvs_port_delete, NULL);
        wmem_free(wmem_epan_scope(), registered_ports);
    }
    registered_ports = range_copy(wmem_epan_scope(), pref_tls_ports);
    range_foreach(registered_ports, tvs_port_add, NULL);
    sbd_tls_front_set_tvs_ports(registered_ports);
}
