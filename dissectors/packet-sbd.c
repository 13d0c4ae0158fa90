/* packet-sbd.c - post-dissector "sbd": trust checks across ITL/CTL, TVS and TLS
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Feeds the checks (sbd-checks.c) in frame order with what the ciscotl and
 * tvs dissectors found in a frame and with the server certificate of TLS
 * sessions to TVS ports, then shows the results of each frame as generated
 * fields with expert info.  A statistics tree (tshark -z sbd,tree) lists the
 * phones with their verdicts.
 *
 * The server certificate comes from Wireshark's TLS dissector (so TLS 1.3
 * certificates decrypted with a key log count too).  On the TVS ports
 * (tvs.tls.port and sbd.tvs_ports) TCP hands the payload to a small front,
 * a "protocol in name only" under TLS, shown as "TLS (TVS ports)" in Decode
 * As, that calls TLS with a protocol tree primed with the few TLS fields
 * needed: its own tree when the caller builds none (tshark summary lines, a
 * GUI first pass without filters).  Only those packets pay for a tree; a
 * post-dissector "wanting" the fields instead would make tshark build a tree
 * for every packet of every capture.
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/address.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/exceptions.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>

#include "sbd-common.h"
#include "sbd-checks.h"

#define TVS_PORT_DEFAULT "2445"

static int proto_sbd = -1;
static int sbd_tap = -1;

static int hf_phone_mac = -1;
static int hf_phone_ip = -1;
static int hf_phone_model = -1;
static int hf_tvs_check = -1;
static int hf_itl_frame = -1;
static int hf_tvs_record_serial = -1;
static int hf_tvs_compared_by = -1;
static int hf_tvs_cert_serial = -1;
static int hf_tvs_cert_sha1 = -1;
static int hf_signer_trusted = -1;
static int hf_previous_list_frame = -1;
static int hf_tvs_followup_frame = -1;
static int hf_tvs_followup_status = -1;
static int hf_finding = -1;
static int hf_finding_text = -1;
static int hf_finding_detail = -1;
static int hf_remediation = -1;
static int hf_related_frame = -1;
static int hf_exchange_request = -1;
static int hf_exchange_response = -1;
static int hf_outcome = -1;
static int hf_root_cause = -1;
static int hf_outcome_certainty = -1;
static int hf_outcome_summary = -1;
static int hf_consequence = -1;
static int hf_finding_certainty = -1;
static int hf_tls_alert = -1;
static int hf_tls_alert_sender = -1;
static int hf_tvs_answer_inferred = -1;
static int hf_tvs_answer_plaintext_min = -1;
static int hf_tvs_answer_plaintext_max = -1;
static int hf_itl_tvs_serial = -1;
static int hf_tvs_record_cert_sha1 = -1;
static int hf_list_accepted = -1;

static gint ett_sbd = -1;
static gint ett_finding = -1;
static gint ett_outcome = -1;

static expert_field ei_tvs_check = EI_INIT;
static expert_field ei_signer_untrusted = EI_INIT;
static expert_field ei_finding_error = EI_INIT;
static expert_field ei_finding_warn = EI_INIT;
static expert_field ei_finding_note = EI_INIT;
static expert_field ei_capped = EI_INIT;

static range_t *tvs_ports;

/* Check the server certificates of TLS sessions to TVS ports (default on);
 * off, the TLS front below only passes packets on to TLS. */
static sbd_pref_bool_t pref_tls_certificates = TRUE;

static int hf_tls_certificate = -1;
static int hf_tls_supported_version = -1;
static int hf_tls_app_data = -1;
static int hf_tls_record = -1;     /* tls.record.length: the record header is 3 bytes before */
static int hf_tls_alert_level = -1;   /* decrypted alerts (TLS 1.3 with keys) */
static int hf_tls_alert_desc = -1;

/* Outcome names (sbd_outcome). */
static const value_string outcome_vals[] = {
    { SBD_OUTCOME_TRUSTED, "trusted" },
    { SBD_OUTCOME_MIGRATED, "migrated" },
    { SBD_OUTCOME_FAILED, "failed" },
    { SBD_OUTCOME_UNDETERMINED, "undetermined" },
    { 0, NULL }
};

/* TVS status codes (formats.md 6: 0 valid, 1 invalid; no others known). */
static const value_string tvs_status_names[] = {
    { 0, "valid" },
    { 1, "invalid" },
    { 0, NULL }
};

static dissector_handle_t sbd_handle;
static dissector_handle_t tls_handle;
static dissector_handle_t tls_front_handle;
static int proto_tls_front = -1;    /* "protocol in name only" under TLS */

#define SBD_TLS_FRAME_RECORDS 16  /* records of one frame looked at */

/* One TLS record's header, read from the record bytes TLS showed. */
typedef struct {
    guint8 type;
    guint16 length;
    guint8 alert_level, alert_desc;   /* a plaintext alert (type 21, length 2) */
} sbd_tls_rec;

/* What TLS showed of one frame on a TVS port (first pass), for feed_tls. */
typedef struct {
    const guint8 *cert;         /* first certificate in the frame (pinfo->pool) */
    unsigned cert_len;
    gboolean hello13;           /* a supported_versions value 0x0304 (TLS 1.3) */
    gboolean app_data;          /* TLS application data */
    gboolean server_hello;      /* a ServerHello was read: */
    guint16 version, cipher;    /* negotiated version (supported_versions or legacy), suite */
    gboolean etm;               /* encrypt_then_mac extension in it */
    sbd_tls_rec recs[SBD_TLS_FRAME_RECORDS];
    unsigned n_recs;
    unsigned recs_taken;        /* record items of a shared tree already read */
    gboolean alert_field;       /* an alert TLS decoded (decrypted, or plaintext) */
    guint8 alert_level, alert_desc;
} sbd_tls_frame;

#define SBD_PROTO_DATA_TLS 1    /* proto data key (0: the event list) */

static gboolean
is_tvs_port(guint32 port)
{
    return tvs_ports && value_is_in_range(tvs_ports, port);
}

static const char *
addr_str(packet_info *pinfo, const address *a)
{
    return address_to_str(pinfo->pool, a);
}

/* The first occurrence of a field in a tree, or NULL. */
static field_info *
first_field(proto_tree *tree, int hf)
{
    GPtrArray *a;

    if (hf < 0 || !tree)
        return NULL;
    a = proto_get_finfo_ptr_array(tree, hf);
    return a && a->len ? (field_info *)g_ptr_array_index(a, 0) : NULL;
}

/* Record in the frame's sbd_tls_frame what TLS put in `tree` (the first
 * certificate of the frame; whether TLS 1.3 was chosen; application data).
 * Called after each call of TLS in the frame; in a tree shared by the whole
 * frame, the first occurrence is the frame's first. */
/* A ServerHello at `off` (the handshake message) in `tvb`: the negotiated
 * version and cipher suite, encrypt_then_mac (RFC 8446 4.1.3, RFC 5246
 * 7.4.1.3, RFC 7366).  Bounds-checked: a short or odd one is left out. */
static void
read_server_hello(tvbuff_t *tvb, int off, sbd_tls_frame *f)
{
    int avail = tvb_captured_length_remaining(tvb, off);
    int p, end, sid;
    guint16 version;

    if (avail < 4 + 2 + 32 + 1 || tvb_get_uint8(tvb, off) != 2)
        return;
    end = off + 4 + (int)tvb_get_ntoh24(tvb, off + 1);
    if (end > off + avail)
        end = off + avail;
    p = off + 4;
    version = tvb_get_ntohs(tvb, p);
    p += 2 + 32;
    sid = tvb_get_uint8(tvb, p);
    p += 1 + sid;
    if (p + 3 > end)
        return;
    f->server_hello = TRUE;
    f->version = version;
    f->cipher = tvb_get_ntohs(tvb, p);
    p += 3;                             /* suite, compression method */
    if (p + 2 <= end) {
        int xend = p + 2 + tvb_get_ntohs(tvb, p);
        p += 2;
        if (xend > end)
            xend = end;
        while (p + 4 <= xend) {
            guint16 type = tvb_get_ntohs(tvb, p), len = tvb_get_ntohs(tvb, p + 2);
            if (type == 43 && len == 2 && p + 6 <= xend)
                f->version = tvb_get_ntohs(tvb, p + 4);
            else if (type == 22)
                f->etm = TRUE;
            p += 4 + len;
        }
    }
}

/* The headers of the TLS records in `tree` not read yet: content type and
 * length from the record's own bytes (the same with and without keys), a
 * plaintext alert's level and description, a ServerHello's parameters. */
static void
tls_records_collect(sbd_tls_frame *f, proto_tree *tree, gboolean own_tree)
{
    GPtrArray *a;
    guint i;

    if (hf_tls_record < 0 || !tree)
        return;
    a = proto_get_finfo_ptr_array(tree, hf_tls_record);
    for (i = own_tree ? 0 : f->recs_taken; a && i < a->len && f->n_recs < SBD_TLS_FRAME_RECORDS; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(a, i);
        int start = fi->start - 3;      /* the record header: type, version, length */
        sbd_tls_rec *r;
        if (!fi->ds_tvb || fi->start < 3 || fi->length != 2 ||
            tvb_captured_length_remaining(fi->ds_tvb, start) < 5)
            continue;
        r = &f->recs[f->n_recs++];
        r->type = tvb_get_uint8(fi->ds_tvb, start);
        r->length = tvb_get_ntohs(fi->ds_tvb, start + 3);
        if (r->type == 21 && r->length == 2 && tvb_captured_length_remaining(fi->ds_tvb, start + 5) >= 2) {
            r->alert_level = tvb_get_uint8(fi->ds_tvb, start + 5);
            r->alert_desc = tvb_get_uint8(fi->ds_tvb, start + 6);
        }
        if (r->type == 22 && !f->server_hello)
            read_server_hello(fi->ds_tvb, start + 5, f);
    }
    if (!own_tree && a)
        f->recs_taken = a->len;
}

static void
tls_frame_collect(packet_info *pinfo, proto_tree *tree, gboolean own_tree)
{
    sbd_tls_frame *f = (sbd_tls_frame *)p_get_proto_data(pinfo->pool, pinfo, proto_sbd, SBD_PROTO_DATA_TLS);
    field_info *fi;

    if (!f) {
        f = wmem_new0(pinfo->pool, sbd_tls_frame);
        p_add_proto_data(pinfo->pool, pinfo, proto_sbd, SBD_PROTO_DATA_TLS, f);
    }
    if (!tree)
        return;
    fi = first_field(tree, hf_tls_supported_version);
    if (fi && fi->length == 2 && fi->ds_tvb && tvb_captured_length_remaining(fi->ds_tvb, fi->start) >= 2 &&
        tvb_get_ntohs(fi->ds_tvb, fi->start) == 0x0304)
        f->hello13 = TRUE;
    fi = first_field(tree, hf_tls_certificate);
    if (!f->cert && fi && fi->ds_tvb && fi->length > 0 &&
        tvb_captured_length_remaining(fi->ds_tvb, fi->start) >= fi->length) {
        f->cert = (const guint8 *)tvb_memdup(pinfo->pool, fi->ds_tvb, fi->start, fi->length);
        f->cert_len = (unsigned)fi->length;
    }
    if (first_field(tree, hf_tls_app_data))
        f->app_data = TRUE;
    if (!f->alert_field) {
        field_info *lv = first_field(tree, hf_tls_alert_level), *ds = first_field(tree, hf_tls_alert_desc);
        if (lv && ds && lv->ds_tvb && ds->ds_tvb && tvb_captured_length_remaining(lv->ds_tvb, lv->start) >= 1 &&
            tvb_captured_length_remaining(ds->ds_tvb, ds->start) >= 1) {
            f->alert_field = TRUE;
            f->alert_level = tvb_get_uint8(lv->ds_tvb, lv->start);
            f->alert_desc = tvb_get_uint8(ds->ds_tvb, ds->start);
        }
    }
    tls_records_collect(f, tree, own_tree);
}

static gboolean
tls_front_wanted(packet_info *pinfo)
{
    return pref_tls_certificates && !PINFO_FD_VISITED(pinfo) && pinfo->ptype == PT_TCP &&
           proto_is_protocol_enabled(find_protocol_by_id(proto_sbd)) &&
           (is_tvs_port(pinfo->srcport) || is_tvs_port(pinfo->destport));
}

/* TCP payload on a TVS TLS port: TLS, with a tree in which the fields that
 * tls_frame_collect reads are primed (not left out, and found by
 * proto_get_finfo_ptr_array).  The caller's tree when there is one (the
 * display filter and the tree shown must have TLS and TVS in it); else the
 * tree of a throw-away epan_dissect_t, freed as soon as TLS returns.
 * Priming goes through an epan_dissect_t because epan exports it only that
 * way; it marks the fields for any tree, and a field stays primed until the
 * frame's tree is reset, as with a post-dissector's wanted fields.  The
 * return value and TCP reassembly requests are TLS's. */
static int
dissect_tls_front(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    epan_dissect_t *volatile own = NULL;
    proto_tree *volatile t = tree;
    volatile int ret = 0;
    const int hfs[] = { hf_tls_certificate, hf_tls_supported_version, hf_tls_app_data, hf_tls_record,
                        hf_tls_alert_level, hf_tls_alert_desc };
    unsigned i;

    if (!tls_handle)
        return 0;
    if (!tls_front_wanted(pinfo))
        return call_dissector_with_data(tls_handle, tvb, pinfo, tree, data);
    /* Primed even in a visible tree: only primed fields can be looked up. */
    own = epan_dissect_new(pinfo->epan, TRUE, FALSE);
    for (i = 0; i < G_N_ELEMENTS(hfs); i++)
        if (hfs[i] > 0)
            epan_dissect_prime_with_hfid(own, hfs[i]);
    if (!t)
        t = own->tree;
    TRY {
        ret = call_dissector_with_data(tls_handle, tvb, pinfo, t, data);
    }
    FINALLY {
        /* Also when TLS threw (a malformed record): what it showed before
         * counts, and our tree is freed before the exception goes on. */
        tls_frame_collect(pinfo, t, t != tree);
        if (own)
            epan_dissect_free(own);
    }
    ENDTRY;
    return ret;
}

/* TCP ports whose payload goes to the front: tvs.tls.port (TLS carrying
 * TVS, told by the tvs dissector) and sbd.tvs_ports (TLS sessions whose
 * server certificate is checked).  Kept in step with both preferences. */
static range_t *front_tvs_ports;      /* tvs.tls.port, as last told */
static range_t *front_ports_tvs;      /* what is registered: the two ranges */
static range_t *front_ports_sbd;

static gboolean
in_front_ranges(guint32 port, const range_t *a, const range_t *b)
{
    return (a && value_is_in_range(a, port)) || (b && value_is_in_range(b, port));
}

static void
front_port_drop(guint32 port, gpointer unused _U_)
{
    if (port && !in_front_ranges(port, front_tvs_ports, tvs_ports) &&
        dissector_get_uint_handle(find_dissector_table("tcp.port"), port) == tls_front_handle)
        dissector_delete_uint("tcp.port", port, tls_front_handle);
}

static void
front_port_add(guint32 port, gpointer unused _U_)
{
    if (port)
        dissector_add_uint("tcp.port", port, tls_front_handle);
}

static void
front_ports_update(void)
{
    if (!tls_front_handle)
        return;
    if (front_ports_tvs)
        range_foreach(front_ports_tvs, front_port_drop, NULL);
    if (front_ports_sbd)
        range_foreach(front_ports_sbd, front_port_drop, NULL);
    wmem_free(wmem_epan_scope(), front_ports_tvs);
    wmem_free(wmem_epan_scope(), front_ports_sbd);
    front_ports_tvs = front_tvs_ports ? range_copy(wmem_epan_scope(), front_tvs_ports) : NULL;
    front_ports_sbd = tvs_ports ? range_copy(wmem_epan_scope(), tvs_ports) : NULL;
    if (front_ports_tvs)
        range_foreach(front_ports_tvs, front_port_add, NULL);
    if (front_ports_sbd)
        range_foreach(front_ports_sbd, front_port_add, NULL);
}

void
sbd_tls_front_set_tvs_ports(const range_t *ports)
{
    wmem_free(wmem_epan_scope(), front_tvs_ports);
    front_tvs_ports = ports ? range_copy(wmem_epan_scope(), ports) : NULL;
    front_ports_update();
}

static int tcp_flags_of_frame(tvbuff_t *tvb, packet_info *pinfo);

static void
feed_tls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const char *cport, *client, *server;
    guint32 sport;
    const sbd_tls_frame *f;
    unsigned i;

    if (pinfo->ptype != PT_TCP)
        return;
    if (is_tvs_port(pinfo->srcport)) {          /* server -> phone */
        client = addr_str(pinfo, &pinfo->dst);
        server = addr_str(pinfo, &pinfo->src);
        cport = wmem_strdup_printf(pinfo->pool, "%u", pinfo->destport);
        sport = pinfo->srcport;
    } else if (is_tvs_port(pinfo->destport)) {  /* phone -> server */
        client = addr_str(pinfo, &pinfo->src);
        server = addr_str(pinfo, &pinfo->dst);
        cport = wmem_strdup_printf(pinfo->pool, "%u", pinfo->srcport);
        sport = pinfo->destport;
    } else {
        return;
    }

    f = (const sbd_tls_frame *)p_get_proto_data(pinfo->pool, pinfo, proto_sbd, SBD_PROTO_DATA_TLS);
    if (!f && tvb && tvb_captured_length(tvb) > 0) {
        /* No payload for TLS: a reset of the connection? (RST, 0x04) */
        int flags = tcp_flags_of_frame(tvb, pinfo);
        if (flags >= 0 && (flags & 0x04))
            sbd_checks_tcp_reset(pinfo->num, client, cport, server, sport, pinfo->srcport == sport);
    }
    if (!f) {
        /* TLS reached without the front (Decode As of the port to TLS):
         * only fields a display filter refers to can be found. */
        tls_frame_collect(pinfo, tree, FALSE);
        f = (const sbd_tls_frame *)p_get_proto_data(pinfo->pool, pinfo, proto_sbd, SBD_PROTO_DATA_TLS);
    }
    if (f->hello13 && pinfo->srcport == sport)
        sbd_checks_tls_hello13(client, cport, server, sport);
    if (f->cert && pinfo->srcport == sport)
        sbd_checks_tls_cert(pinfo->num, client, cport, server, sport, f->cert, f->cert_len);
    if (f->server_hello && pinfo->srcport == sport)
        sbd_checks_tls_hello(pinfo->num, client, cport, server, sport, f->version, f->cipher, f->etm);
    if (f->app_data)
        sbd_checks_tls_data(pinfo->num, client, cport, server, sport);
    /* An alert TLS decrypted (TLS 1.3 with keys): seen, before the record
     * sizes would only suggest it. */
    if (f->alert_field)
        sbd_checks_tls_alert(pinfo->num, client, cport, server, sport, pinfo->srcport == sport,
                             f->alert_level, f->alert_desc);
    for (i = 0; i < f->n_recs; i++) {
        const sbd_tls_rec *r = &f->recs[i];
        if (r->type == 21 && r->length == 2)
            sbd_checks_tls_alert(pinfo->num, client, cport, server, sport, pinfo->srcport == sport,
                                 r->alert_level, r->alert_desc);
        else
            sbd_checks_tls_record(pinfo->num, client, cport, server, sport, pinfo->srcport == sport,
                                  r->type, r->length);
    }
}

/* The TCP flags of this frame's segment, read from the frame's bytes: the
 * IP header whose addresses are the packet's, then the TCP header whose
 * ports are its ports.  TCP hands TLS (and so the front) only segments with
 * payload; a reset usually has none.  Called only for TCP segments on TVS
 * ports that TLS did not see; -1 when not found. */
static int
tcp_flags_of_frame(tvbuff_t *tvb, packet_info *pinfo)
{
    int len = (int)tvb_captured_length(tvb), limit = MIN(len, 256), off;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);

    if (pinfo->src.type == AT_IPv4 && pinfo->dst.type == AT_IPv4) {
        for (off = 0; off + 20 <= limit; off++) {
            int ihl, t;
            if ((p[off] >> 4) != 4 || p[off + 9] != 6 || memcmp(p + off + 12, pinfo->src.data, 4) != 0 ||
                memcmp(p + off + 16, pinfo->dst.data, 4) != 0)
                continue;
            ihl = (p[off] & 0x0f) * 4;
            t = off + ihl;
            if (ihl >= 20 && t + 14 <= len && ((p[t] << 8) | p[t + 1]) == (int)pinfo->srcport &&
                ((p[t + 2] << 8) | p[t + 3]) == (int)pinfo->destport)
                return p[t + 13];
        }
    } else if (pinfo->src.type == AT_IPv6 && pinfo->dst.type == AT_IPv6) {
        for (off = 0; off + 40 <= limit; off++) {
            int t = off + 40;
            if ((p[off] >> 4) != 6 || p[off + 6] != 6 || memcmp(p + off + 8, pinfo->src.data, 16) != 0 ||
                memcmp(p + off + 24, pinfo->dst.data, 16) != 0)
                continue;
            if (t + 14 <= len && ((p[t] << 8) | p[t + 1]) == (int)pinfo->srcport &&
                ((p[t + 2] << 8) | p[t + 3]) == (int)pinfo->destport)
                return p[t + 13];
        }
    }
    return -1;
}

static void
feed_events(packet_info *pinfo)
{
    wmem_list_t *events = sbd_frame_events(pinfo);
    wmem_list_frame_t *l;

    for (l = events ? wmem_list_head(events) : NULL; l; l = wmem_list_frame_next(l)) {
        const sbd_event *ev = (const sbd_event *)wmem_list_frame_data(l);
        if (ev->kind == SBD_EV_FILE) {
            sbd_checks_file(pinfo->num, addr_str(pinfo, &pinfo->dst), addr_str(pinfo, &pinfo->src),
                            (const ciscotl_tap_info *)ev->data);
        } else if (ev->kind == SBD_EV_TVS) {
            const tvs_tap_info *ti = (const tvs_tap_info *)ev->data;
            gboolean request = ti->command == 1 || ti->command == 3;
            sbd_checks_tvs(pinfo->num, addr_str(pinfo, request ? &pinfo->src : &pinfo->dst), ti);
        } else if (ev->kind == SBD_EV_TVS_PARTIAL) {
            const tvs_partial_info *pi = (const tvs_partial_info *)ev->data;
            sbd_checks_tvs_partial(pinfo->num, addr_str(pinfo, pi->to_server ? &pinfo->src : &pinfo->dst), pi);
        }
    }
}

/* A long text as several items of one field, cut at spaces, so that no
 * part is cut off by the item label's length limit. */
#define SBD_TEXT_PIECE 180

static void
add_text(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo, const char *text)
{
    size_t len = text ? strlen(text) : 0, start = 0;

    if (!text)
        return;
    while (start < len || start == 0) {
        size_t n = len - start, cut = n;
        if (n > SBD_TEXT_PIECE) {
            cut = SBD_TEXT_PIECE;
            while (cut > SBD_TEXT_PIECE / 2 && text[start + cut] != ' ')
                cut--;
            if (text[start + cut] != ' ')
                cut = SBD_TEXT_PIECE;
        }
        proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0,
                                                       wmem_strndup(pinfo->pool, text + start, cut)));
        start += cut;
        while (start < len && text[start] == ' ')
            start++;
        if (!len)
            break;
    }
}

static void
add_findings(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sbd_frame_view *v)
{
    guint i;

    if (!v->findings)
        return;
    for (i = 0; i < v->findings->len; i++) {
        const sbd_finding *f = (const sbd_finding *)g_ptr_array_index(v->findings, i);
        const sbd_finding_info *fd = sbd_finding_describe(f->code);
        proto_item *fi;
        proto_tree *ft;
        expert_field *ei;

        fi = proto_tree_add_string(tree, hf_finding, tvb, 0, 0, fd->name);
        proto_item_set_generated(fi);
        proto_item_append_text(fi, " (%s)", fd->explanation);
        ft = proto_item_add_subtree(fi, ett_finding);
        add_text(ft, hf_finding_text, tvb, pinfo, fd->explanation);
        add_text(ft, hf_finding_detail, tvb, pinfo, f->detail);
        add_text(ft, hf_remediation, tvb, pinfo, fd->remediation);
        proto_item_set_generated(proto_tree_add_string(ft, hf_finding_certainty, tvb, 0, 0,
                                                       sbd_certainty_str(f->certainty)));
        if (f->related_frame)
            proto_item_set_generated(proto_tree_add_uint(ft, hf_related_frame, tvb, 0, 0, f->related_frame));
        ei = fd->severity == SBD_SEV_ERROR ? &ei_finding_error
           : fd->severity == SBD_SEV_WARN ? &ei_finding_warn : &ei_finding_note;
        expert_add_info_format(pinfo, fi, ei, "%s: %s", fd->name, f->detail);
    }
}

static int
dissect_sbd(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const sbd_frame_view *v;
    proto_item *ti, *pi;
    proto_tree *t;
    const char *capped_what;
    guint32 capped_frame;

    if (!PINFO_FD_VISITED(pinfo)) {
        sbd_checks_begin_frame_ts(pinfo->num, &pinfo->abs_ts);
        feed_events(pinfo);
        if (pref_tls_certificates)
            feed_tls(tvb, pinfo, tree);
    } else if (!sbd_checks_finished()) {
        /* Second pass (GUI, tshark -2): the whole capture has been seen. */
        sbd_checks_finish();
    }
    v = sbd_checks_frame(pinfo->num);
    capped_frame = sbd_checks_capped_frame(&capped_what);
    if (capped_frame && capped_frame == pinfo->num) {
        /* Where a limit was hit: shown even when this frame has nothing
         * else of the checks (what was over the limit is not tracked). */
        ti = proto_tree_add_item(tree, proto_sbd, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(ti);
        expert_add_info_format(pinfo, ti, &ei_capped,
                               "Limit reached here: %s; from this frame on, what is over the limit "
                               "is not checked", capped_what ? capped_what : "?");
    }
    if (!v || !v->phone)
        return 0;

    ti = proto_tree_add_item(tree, proto_sbd, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    t = proto_item_add_subtree(ti, ett_sbd);
    if (v->phone->has_mac) {
        pi = proto_tree_add_ether(t, hf_phone_mac, tvb, 0, 0, v->phone->mac);
        proto_item_set_generated(pi);
        proto_item_append_text(ti, ", phone %02x:%02x:%02x:%02x:%02x:%02x", v->phone->mac[0],
                               v->phone->mac[1], v->phone->mac[2], v->phone->mac[3], v->phone->mac[4],
                               v->phone->mac[5]);
    }
    pi = proto_tree_add_string(t, hf_phone_ip, tvb, 0, 0, v->phone->ip);
    proto_item_set_generated(pi);
    if (v->phone->model) {
        pi = proto_tree_add_string(t, hf_phone_model, tvb, 0, 0, v->phone->model);
        proto_item_set_generated(pi);
    }

    if (v->session) {
        const sbd_session *s = v->session;
        pi = proto_tree_add_string(t, hf_tvs_check, tvb, 0, 0, sbd_tvs_verdict_str(s->verdict));
        proto_item_set_generated(pi);
        proto_item_append_text(ti, ", TVS check %s", sbd_tvs_verdict_str(s->verdict));
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " ", "[TVS check: %s]", sbd_tvs_verdict_str(s->verdict));
        if (s->verdict != SBD_TVS_MATCH)
            expert_add_info_format(pinfo, pi, &ei_tvs_check, "TVS certificate check: %s",
                                   sbd_tvs_verdict_str(s->verdict));
        if (s->itl_frame) {
            proto_item *fi = proto_tree_add_uint(t, hf_itl_frame, tvb, 0, 0, s->itl_frame);
            proto_item_set_generated(fi);
            if (s->itl_after)
                proto_item_append_text(fi, " (downloaded after this session)");
        }
        if (s->record_serial)
            proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_tvs_record_serial, tvb, 0, 0,
                                                                      s->record_serial, s->record_serial_len));
        if (s->compared_by)
            proto_item_set_generated(proto_tree_add_string(t, hf_tvs_compared_by, tvb, 0, 0, s->compared_by));
        if (s->cert_serial)
            proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_tvs_cert_serial, tvb, 0, 0,
                                                                      s->cert_serial, s->cert_serial_len));
        if (s->cert_seen)
            proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_tvs_cert_sha1, tvb, 0, 0,
                                                                      s->cert_sha1, 20));
        /* The ITL's side beside the server's when they differ. */
        if (s->verdict == SBD_TVS_SERIAL_MISMATCH || s->verdict == SBD_TVS_HASH_MISMATCH) {
            if (s->itl_tvs_serial)
                proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_itl_tvs_serial, tvb, 0, 0,
                                                                          s->itl_tvs_serial, s->itl_tvs_serial_len));
            if (s->has_itl_tvs_sha1)
                proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_tvs_record_cert_sha1, tvb, 0, 0,
                                                                          s->itl_tvs_sha1, 20));
        }
    }
    if (v->tls_session) {
        const sbd_session *s = v->tls_session;
        unsigned k;
        if (s->alert && s->alert_frame == pinfo->num) {
            pi = proto_tree_add_string(t, hf_tls_alert, tvb, 0, 0,
                                       s->alert_encrypted ? "encrypted alert (told from its size)"
                                                          : sbd_tls_alert_str(s->alert_desc));
            proto_item_set_generated(pi);
            if (!s->alert_encrypted)
                proto_item_append_text(pi, " (%u)", s->alert_desc);
            proto_item_set_generated(proto_tree_add_string(t, hf_tls_alert_sender, tvb, 0, 0,
                                                           s->alert_by_phone ? "phone" : "server"));
        }
        for (k = 0; k < s->n_tx; k++) {
            const sbd_tls_exchange *x = &s->tx[k];
            if (x->resp_frame != pinfo->num)
                continue;
            pi = proto_tree_add_string(t, hf_tvs_answer_inferred, tvb, 0, 0, sbd_answer_kind_str(x->kind));
            proto_item_set_generated(pi);
            proto_item_append_text(pi, " (inferred from a record of %u bytes: %u to %u bytes of plaintext)",
                                   x->resp_len, x->resp_min, x->resp_max);
            proto_item_set_generated(proto_tree_add_uint(t, hf_tvs_answer_plaintext_min, tvb, 0, 0, x->resp_min));
            proto_item_set_generated(proto_tree_add_uint(t, hf_tvs_answer_plaintext_max, tvb, 0, 0, x->resp_max));
        }
    }
    if (v->file && (v->file->type == CISCOTL_TYPE_ITL || v->file->type == CISCOTL_TYPE_CTL)) {
        const sbd_file *f = v->file;
        pi = proto_tree_add_string(t, hf_signer_trusted, tvb, 0, 0, sbd_signer_trust_str(f->trust));
        proto_item_set_generated(pi);
        proto_item_append_text(ti, ", signer trusted: %s", sbd_signer_trust_str(f->trust));
        if (f->trust == SBD_TRUST_NO)
            expert_add_info(pinfo, pi, &ei_signer_untrusted);
        if (f->prev_frame)
            proto_item_set_generated(proto_tree_add_uint(t, hf_previous_list_frame, tvb, 0, 0, f->prev_frame));
        if (f->tvs) {
            proto_item_set_generated(proto_tree_add_uint(t, hf_tvs_followup_frame, tvb, 0, 0, f->tvs->req_frame));
            if (f->tvs->answered && f->tvs->status != SBD_TVS_NO_STATUS)
                proto_item_set_generated(proto_tree_add_uint(t, hf_tvs_followup_status, tvb, 0, 0, f->tvs->status));
        }
        if (f->accepted) {
            pi = proto_tree_add_string(t, hf_list_accepted, tvb, 0, 0, f->accepted_how);
            proto_item_set_generated(pi);
            proto_item_append_text(pi, " (frame %u, inferred)", f->accepted_frame);
        }
    }
    if (v->exchange) {
        const sbd_exchange *x = v->exchange;
        if (x->req_frame && x->req_frame != pinfo->num)
            proto_item_set_generated(proto_tree_add_uint(t, hf_exchange_request, tvb, 0, 0, x->req_frame));
        if (x->resp_frame && x->resp_frame != pinfo->num)
            proto_item_set_generated(proto_tree_add_uint(t, hf_exchange_response, tvb, 0, 0, x->resp_frame));
    }
    add_findings(tvb, pinfo, t, v);
    if (sbd_checks_finished() && v->phone->outcome != SBD_OUTCOME_NONE && v->phone->last_frame == pinfo->num) {
        const sbd_phone *ph = v->phone;
        proto_tree *ot;
        guint k;
        pi = proto_tree_add_uint(t, hf_outcome, tvb, 0, 0, ph->outcome);
        proto_item_set_generated(pi);
        proto_item_append_text(pi, " (%s)", sbd_certainty_str(ph->outcome_certainty));
        proto_item_append_text(ti, ", outcome %s", sbd_outcome_str(ph->outcome));
        ot = proto_item_add_subtree(pi, ett_outcome);
        proto_item_set_generated(proto_tree_add_string(ot, hf_root_cause, tvb, 0, 0,
            ph->root_cause ? sbd_finding_describe(ph->root_cause->code)->name : "none"));
        proto_item_set_generated(proto_tree_add_string(ot, hf_outcome_certainty, tvb, 0, 0,
                                                       sbd_certainty_str(ph->outcome_certainty)));
        add_text(ot, hf_outcome_summary, tvb, pinfo, ph->outcome_summary);
        if (ph->root_cause)
            add_text(ot, hf_remediation, tvb, pinfo, sbd_finding_describe(ph->root_cause->code)->remediation);
        for (k = 0; ph->consequences && k < ph->consequences->len; k++) {
            const sbd_finding *c = (const sbd_finding *)g_ptr_array_index(ph->consequences, k);
            proto_item *ci = proto_tree_add_string(ot, hf_consequence, tvb, 0, 0, sbd_finding_describe(c->code)->name);
            proto_item_set_generated(ci);
            proto_item_append_text(ci, " (frame %u)", c->frame);
        }
    }
    if (capped_frame && pinfo->num > capped_frame)
        expert_add_info(pinfo, ti, &ei_capped);

    if (have_tap_listener(sbd_tap))
        tap_queue_packet(sbd_tap, pinfo, v);
    return 0;
}

/* ---- statistics tree: tshark -z sbd,tree ------------------------------------ */

static int st_phones = -1;
static int st_findings = -1;

static void
sbd_stats_init(stats_tree *st)
{
    st_phones = stats_tree_create_node(st, "Phones (TVS certificate check per session)", 0, STAT_DT_INT, TRUE);
    st_findings = stats_tree_create_node(st, "Findings", 0, STAT_DT_INT, TRUE);
}

static tap_packet_status
sbd_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
                 tap_flags_t flags _U_)
{
    const sbd_frame_view *v = (const sbd_frame_view *)p;
    char *label;
    int node;
    guint i;

    if (!v || !v->phone)
        return TAP_PACKET_DONT_REDRAW;
    if (v->phone->has_mac)
        label = wmem_strdup_printf(pinfo->pool, "%02X%02X%02X%02X%02X%02X (%s)", v->phone->mac[0],
                                   v->phone->mac[1], v->phone->mac[2], v->phone->mac[3],
                                   v->phone->mac[4], v->phone->mac[5], v->phone->ip);
    else
        label = wmem_strdup(pinfo->pool, v->phone->ip);
    if (v->session) {
        tick_stat_node(st, "Phones (TVS certificate check per session)", 0, TRUE);
        node = tick_stat_node(st, label, st_phones, TRUE);
        tick_stat_node(st, sbd_tvs_verdict_str(v->session->verdict), node, FALSE);
    }
    for (i = 0; v->findings && i < v->findings->len; i++) {
        const sbd_finding *f = (const sbd_finding *)g_ptr_array_index(v->findings, i);
        tick_stat_node(st, "Findings", 0, TRUE);
        node = tick_stat_node(st, sbd_finding_describe(f->code)->name, st_findings, TRUE);
        tick_stat_node(st, label, node, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

static void
sbd_register_stats(void)
{
    stats_tree_register_plugin("sbd", "sbd", "Cisco SBD/Phones and trust checks", 0,
                               sbd_stats_packet, sbd_stats_init, NULL);
}

/* ---- registration ---------------------------------------------------------- */

static void
sbd_init(void)
{
    sbd_checks_reset();
}

static void
sbd_cleanup(void)
{
    sbd_checks_reset();
}

void
proto_register_sbd(void)
{
    static hf_register_info hf[] = {
        { &hf_phone_mac, { "Phone MAC", "sbd.phone.mac", FT_ETHER, BASE_NONE, NULL, 0x0, "From ITLSEP/CTLSEP<MAC> file names and TVS device names", HFILL } },
        { &hf_phone_ip, { "Phone IP", "sbd.phone.ip", FT_STRING, BASE_NONE, NULL, 0x0, "TFTP and TLS client address", HFILL } },
        { &hf_phone_model, { "Phone model", "sbd.phone.model", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_check, { "TVS certificate check", "sbd.tvs_check", FT_STRING, BASE_NONE, NULL, 0x0, "match, serial-mismatch, hash-mismatch, no-tvs-record, no-itl, cert-hidden", HFILL } },
        { &hf_itl_frame, { "Compared with the ITL in frame", "sbd.itl_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_record_serial, { "ITL TVS record serial", "sbd.tvs_record_serial", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_compared_by, { "Compared with the TVS record by", "sbd.tvs_compared_by", FT_STRING, BASE_NONE, NULL, 0x0, "What of the ITL's TVS record (same serial and issuer) the server certificate was compared with", HFILL } },
        { &hf_tvs_cert_serial, { "TVS server certificate serial", "sbd.tvs_cert_serial", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_cert_sha1, { "TVS server certificate SHA-1", "sbd.tvs_cert_sha1", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_signer_trusted, { "Signer trusted by the previous trust list", "sbd.signer_trusted", FT_STRING, BASE_NONE, NULL, 0x0, "yes, no or first file", HFILL } },
        { &hf_previous_list_frame, { "Previous trust list in frame", "sbd.previous_list_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_followup_frame, { "TVS request about the signer in frame", "sbd.tvs_followup_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_followup_status, { "TVS answer about the signer", "sbd.tvs_followup_status", FT_UINT32, BASE_DEC, VALS(tvs_status_names), 0x0, "0 = valid, 1 = invalid", HFILL } },
        { &hf_finding, { "Finding", "sbd.finding", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_finding_text, { "What it means", "sbd.finding.explanation", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_finding_detail, { "Detail", "sbd.finding.detail", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_remediation, { "Remediation", "sbd.finding.remediation", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_related_frame, { "Related frame", "sbd.finding.related_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_exchange_request, { "TVS request in frame", "sbd.tvs_request_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_exchange_response, { "TVS response in frame", "sbd.tvs_response_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_outcome, { "Phone outcome", "sbd.phone.outcome", FT_UINT8, BASE_DEC, VALS(outcome_vals), 0x0, "One per phone, on its last trust frame (two passes): trusted, migrated, failed, undetermined", HFILL } },
        { &hf_root_cause, { "Root cause", "sbd.phone.root_cause", FT_STRING, BASE_NONE, NULL, 0x0, "The finding the outcome comes from (none: no finding)", HFILL } },
        { &hf_outcome_certainty, { "Outcome certainty", "sbd.phone.outcome.certainty", FT_STRING, BASE_NONE, NULL, 0x0, "seen (decoded) or inferred (sizes, next steps)", HFILL } },
        { &hf_outcome_summary, { "Summary", "sbd.phone.outcome.summary", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_consequence, { "Consequence", "sbd.phone.consequence", FT_STRING, BASE_NONE, NULL, 0x0, "The phone's other findings, causal then time order", HFILL } },
        { &hf_finding_certainty, { "Certainty", "sbd.finding.certainty", FT_STRING, BASE_NONE, NULL, 0x0, "seen (decoded) or inferred (sizes, next steps)", HFILL } },
        { &hf_tls_alert, { "TLS alert", "sbd.tls.alert", FT_STRING, BASE_NONE, NULL, 0x0, "A fatal alert in a TLS session to TVS", HFILL } },
        { &hf_tls_alert_sender, { "TLS alert sent by", "sbd.tls.alert.sender", FT_STRING, BASE_NONE, NULL, 0x0, "phone or server", HFILL } },
        { &hf_tvs_answer_inferred, { "TVS answer told from its size", "sbd.tvs_answer_inferred", FT_STRING, BASE_NONE, NULL, 0x0, "status-only (invalid), valid, unknown", HFILL } },
        { &hf_tvs_answer_plaintext_min, { "TVS answer plaintext, at least", "sbd.tvs_answer_plaintext.min", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_answer_plaintext_max, { "TVS answer plaintext, at most", "sbd.tvs_answer_plaintext.max", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_itl_tvs_serial, { "ITL TVS record serial (beside the server's)", "sbd.itl_tvs_serial", FT_BYTES, BASE_NONE, NULL, 0x0, "On a mismatch: the TVS record of the ITL compared", HFILL } },
        { &hf_tvs_record_cert_sha1, { "ITL TVS record certificate SHA-1", "sbd.tvs_record_cert_sha1", FT_BYTES, BASE_NONE, NULL, 0x0, "On a mismatch: beside sbd.tvs_cert_sha1", HFILL } },
        { &hf_list_accepted, { "List accepted, told from", "sbd.list_accepted", FT_STRING, BASE_NONE, NULL, 0x0, "An untrusted list the phone accepted, inferred without keys", HFILL } },
    };
    static gint *ett[] = { &ett_sbd, &ett_finding, &ett_outcome };
    static ei_register_info ei[] = {
        { &ei_tvs_check, { "sbd.tvs_check.failed", PI_SECURITY, PI_WARN, "TVS certificate does not match the phone's ITL", EXPFILL } },
        { &ei_signer_untrusted, { "sbd.signer_untrusted", PI_SECURITY, PI_WARN, "Trust list signed by a certificate the previous lists do not trust: the phone must ask TVS", EXPFILL } },
        { &ei_finding_error, { "sbd.finding.error", PI_SECURITY, PI_ERROR, "Trust check finding", EXPFILL } },
        { &ei_finding_warn, { "sbd.finding.warning", PI_SECURITY, PI_WARN, "Trust check finding", EXPFILL } },
        { &ei_finding_note, { "sbd.finding.note", PI_SECURITY, PI_NOTE, "Trust check finding", EXPFILL } },
        { &ei_capped, { "sbd.capped", PI_UNDECODED, PI_WARN, "Limit of tracked phones/files/sessions reached: later ones are not checked", EXPFILL } },
    };
    module_t *m;
    expert_module_t *em;

    proto_sbd = proto_register_protocol("Cisco SBD trust checks", "SBD", "sbd");
    proto_register_field_array(proto_sbd, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_sbd);
    expert_register_field_array(em, ei, array_length(ei));

    range_convert_str(wmem_epan_scope(), &tvs_ports, TVS_PORT_DEFAULT, 65535);
    m = prefs_register_protocol(proto_sbd, front_ports_update);
    prefs_register_range_preference(m, "tvs_ports", "TVS ports",
        "TCP ports of TLS sessions whose server certificate is checked against the phone's ITL",
        &tvs_ports, 65535);
    prefs_register_bool_preference(m, "tls_certificates", "Check TVS server certificates",
        "Compare the server certificate of each TLS session to a TVS port with the phone's ITL. "
        "TLS packets on TVS ports are then dissected with a protocol tree (only those); "
        "turn off when only the trust lists matter",
        &pref_tls_certificates);

    sbd_tap = register_tap("sbd");
    sbd_events_proto = proto_sbd;
    sbd_handle = register_dissector("sbd", dissect_sbd, proto_sbd);

    /* TLS is registered before plugins and statically linked copies. */
    tls_handle = find_dissector("tls");
    if (tls_handle) {
        proto_tls_front = proto_register_protocol_in_name_only(
            "Transport Layer Security on TVS ports (certificates for the SBD checks)", "TLS (TVS ports)", "sbd_tls",
            dissector_handle_get_protocol_index(tls_handle), FT_PROTOCOL);
        tls_front_handle = create_dissector_handle(dissect_tls_front, proto_tls_front);
    }
    register_init_routine(sbd_init);
    register_cleanup_routine(sbd_cleanup);
}

void
proto_reg_handoff_sbd(void)
{
    register_postdissector(sbd_handle);
    front_ports_update();
    hf_tls_certificate = proto_registrar_get_id_byname("tls.handshake.certificate");
    hf_tls_supported_version = proto_registrar_get_id_byname("tls.handshake.extensions.supported_version");
    hf_tls_app_data = proto_registrar_get_id_byname("tls.app_data");
    /* "tls.record" names two fields (SSLv2's too); the length is one. */
    hf_tls_record = proto_registrar_get_id_byname("tls.record.length");
    hf_tls_alert_level = proto_registrar_get_id_byname("tls.alert_message.level");
    hf_tls_alert_desc = proto_registrar_get_id_byname("tls.alert_message.desc");
}

void
sbd_register_taps(void)
{
    static const tap_plugin stats = { sbd_register_stats };

    tap_register_plugin(&stats);
}
