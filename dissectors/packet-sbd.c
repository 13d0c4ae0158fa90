/* packet-sbd.c - post-dissector "sbd": trust checks across ITL/CTL, TVS and TLS
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Feeds the checks (sbd-checks.c) in frame order with what the ciscotl and
 * tvs dissectors found in a frame and with the server certificate of TLS
 * sessions to TVS ports, then shows the results of each frame as generated
 * fields with expert info.  A statistics tree (tshark -z sbd,tree) lists the
 * phones with their verdicts.
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/address.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>

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

static gint ett_sbd = -1;
static gint ett_finding = -1;

static expert_field ei_tvs_check = EI_INIT;
static expert_field ei_signer_untrusted = EI_INIT;
static expert_field ei_finding_error = EI_INIT;
static expert_field ei_finding_warn = EI_INIT;
static expert_field ei_finding_note = EI_INIT;
static expert_field ei_capped = EI_INIT;

static range_t *tvs_ports;

/* Read TLS server certificates of TVS sessions from the TLS tree (default
 * on).  The fields are "wanted" by this post-dissector, which makes tshark
 * build a protocol tree for every packet even when it prints only summary
 * lines; off, the TVS certificate checks are not made and tshark builds
 * trees only when it would anyway. */
static sbd_pref_bool_t pref_tls_certificates = TRUE;

static int hf_tls_certificate = -1;
static int hf_tls_supported_version = -1;
static int hf_tls_app_data = -1;

static dissector_handle_t sbd_handle;

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

/* The first occurrence of a wanted field in this frame, or NULL. */
static field_info *
first_field(proto_tree *tree, int hf)
{
    GPtrArray *a;

    if (hf < 0 || !tree)
        return NULL;
    a = proto_get_finfo_ptr_array(tree, hf);
    return a && a->len ? (field_info *)g_ptr_array_index(a, 0) : NULL;
}

static void
feed_tls(packet_info *pinfo, proto_tree *tree)
{
    const char *cport, *client, *server;
    guint32 sport;
    field_info *fi;

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

    fi = first_field(tree, hf_tls_supported_version);
    if (fi && pinfo->srcport == sport && fi->length == 2 && fi->ds_tvb &&
        tvb_get_ntohs(fi->ds_tvb, fi->start) == 0x0304)
        sbd_checks_tls_hello13(client, cport, server, sport);

    fi = first_field(tree, hf_tls_certificate);
    if (fi && pinfo->srcport == sport && fi->ds_tvb && fi->length > 0 &&
        tvb_captured_length_remaining(fi->ds_tvb, fi->start) >= fi->length) {
        const guint8 *der = tvb_get_ptr(fi->ds_tvb, fi->start, fi->length);
        sbd_checks_tls_cert(pinfo->num, client, cport, server, sport, der, (unsigned)fi->length);
    }
    if (first_field(tree, hf_tls_app_data))
        sbd_checks_tls_data(pinfo->num, client, cport, server, sport);
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
        }
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
        proto_item_set_generated(proto_tree_add_string(ft, hf_finding_text, tvb, 0, 0, fd->explanation));
        proto_item_set_generated(proto_tree_add_string(ft, hf_finding_detail, tvb, 0, 0, f->detail));
        proto_item_set_generated(proto_tree_add_string(ft, hf_remediation, tvb, 0, 0, fd->remediation));
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
        sbd_checks_begin_frame(pinfo->num);
        feed_events(pinfo);
        if (pref_tls_certificates)
            feed_tls(pinfo, tree);
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
        if (s->cert_serial)
            proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_tvs_cert_serial, tvb, 0, 0,
                                                                      s->cert_serial, s->cert_serial_len));
        if (s->cert_seen)
            proto_item_set_generated(proto_tree_add_bytes_with_length(t, hf_tvs_cert_sha1, tvb, 0, 0,
                                                                      s->cert_sha1, 20));
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
            if (f->tvs->answered)
                proto_item_set_generated(proto_tree_add_uint(t, hf_tvs_followup_status, tvb, 0, 0, f->tvs->status));
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
    GArray *wanted;

    sbd_checks_reset();
    if (!pref_tls_certificates || !proto_is_protocol_enabled(find_protocol_by_id(proto_sbd))) {
        set_postdissector_wanted_hfids(sbd_handle, NULL);
        return;
    }
    wanted = g_array_new(FALSE, FALSE, sizeof(int));
    hf_tls_certificate = proto_registrar_get_id_byname("tls.handshake.certificate");
    hf_tls_supported_version = proto_registrar_get_id_byname("tls.handshake.extensions.supported_version");
    hf_tls_app_data = proto_registrar_get_id_byname("tls.app_data");
    if (hf_tls_certificate > 0)
        g_array_append_val(wanted, hf_tls_certificate);
    if (hf_tls_supported_version > 0)
        g_array_append_val(wanted, hf_tls_supported_version);
    if (hf_tls_app_data > 0)
        g_array_append_val(wanted, hf_tls_app_data);
    set_postdissector_wanted_hfids(sbd_handle, wanted);
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
        { &hf_tvs_cert_serial, { "TVS server certificate serial", "sbd.tvs_cert_serial", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_cert_sha1, { "TVS server certificate SHA-1", "sbd.tvs_cert_sha1", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_signer_trusted, { "Signer trusted by the previous trust list", "sbd.signer_trusted", FT_STRING, BASE_NONE, NULL, 0x0, "yes, no or first file", HFILL } },
        { &hf_previous_list_frame, { "Previous trust list in frame", "sbd.previous_list_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_followup_frame, { "TVS request about the signer in frame", "sbd.tvs_followup_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_tvs_followup_status, { "TVS answer about the signer", "sbd.tvs_followup_status", FT_UINT32, BASE_DEC, NULL, 0x0, "0 = valid", HFILL } },
        { &hf_finding, { "Finding", "sbd.finding", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_finding_text, { "What it means", "sbd.finding.explanation", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_finding_detail, { "Detail", "sbd.finding.detail", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_remediation, { "Remediation", "sbd.finding.remediation", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_related_frame, { "Related frame", "sbd.finding.related_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_exchange_request, { "TVS request in frame", "sbd.tvs_request_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_exchange_response, { "TVS response in frame", "sbd.tvs_response_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = { &ett_sbd, &ett_finding };
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
    m = prefs_register_protocol(proto_sbd, NULL);
    prefs_register_range_preference(m, "tvs_ports", "TVS ports",
        "TCP ports of TLS sessions whose server certificate is checked against the phone's ITL",
        &tvs_ports, 65535);
    prefs_register_bool_preference(m, "tls_certificates", "Check TVS server certificates",
        "Compare the server certificate of each TLS session to a TVS port with the phone's ITL. "
        "This reads fields of the TLS tree, so tshark then builds a protocol tree for every packet "
        "(slower in summary mode); turn off when only the trust lists matter",
        &pref_tls_certificates);

    sbd_tap = register_tap("sbd");
    sbd_events_proto = proto_sbd;
    sbd_handle = register_dissector("sbd", dissect_sbd, proto_sbd);
    register_init_routine(sbd_init);
    register_cleanup_routine(sbd_cleanup);
}

void
proto_reg_handoff_sbd(void)
{
    register_postdissector(sbd_handle);
}

void
sbd_register_taps(void)
{
    static const tap_plugin stats = { sbd_register_stats };

    tap_register_plugin(&stats);
}
