/* sbd-common.c - helpers shared by the cucm-sbd dissectors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-ber.h>
#include <gcrypt.h>

#include "sbd-common.h"
#include "sbd-crypto.h"
#include "packet-cucmlog.h"

const value_string sbd_role_vals[] = {
    { SBD_ROLE_SAST,       "SAST" },
    { SBD_ROLE_CCM,        "CCM" },
    { SBD_ROLE_CCM_TFTP,   "CCM+TFTP" },
    { SBD_ROLE_TFTP,       "TFTP" },
    { SBD_ROLE_CAPF,       "CAPF" },
    { SBD_ROLE_SRST,       "SRST? (code from 2017 tools only, unverified)" },
    { SBD_ROLE_APP_SERVER, "APP-SERVER" },
    { SBD_ROLE_TVS,        "TVS" },
    { 0, NULL }
};

const char *
sbd_role_name(unsigned role)
{
    if (role == SBD_ROLE_SRST)
        return "SRST?";
    return val_to_str_const(role, sbd_role_vals, "unknown");
}

const value_string sbd_hash_vals[] = {
    { 1, "SHA-1" },
    { 2, "SHA-256 (assumed: code 2 not yet seen in a Cisco file)" },
    { 3, "SHA-512 (current tools; SHA-384 in 2017-2021 tools)" },
    { 4, "SHA-512 (legacy code of 2017-2021 tools)" },
    { 0, NULL }
};

void
sbd_register_protocols(void)
{
    static proto_plugin ciscotl = { proto_register_ciscotl, proto_reg_handoff_ciscotl };
    static proto_plugin tvs = { proto_register_tvs, proto_reg_handoff_tvs };
    static proto_plugin sbd = { proto_register_sbd, proto_reg_handoff_sbd };
    static proto_plugin cucmlog = { proto_register_cucmlog, proto_reg_handoff_cucmlog };

    proto_register_plugin(&ciscotl);
    proto_register_plugin(&tvs);
    proto_register_plugin(&sbd);
    proto_register_plugin(&cucmlog);
}

char *
sbd_hex(wmem_allocator_t *scope, const guint8 *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *s = wmem_alloc(scope, len * 2 + 1);
    size_t i;

    for (i = 0; i < len; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 0xf];
    }
    s[2 * len] = '\0';
    return s;
}

/* Protocol layers of a frame (pinfo->layers and the counters that go with
 * it), to be put back after a subdissector call whose layers should not
 * stay. */
typedef struct {
    guint count;
    guint8 layer_num;
    guint8 proto_layer_num;
} sbd_layer_mark;

static void
layers_mark(packet_info *pinfo, sbd_layer_mark *m)
{
    m->count = pinfo->layers ? wmem_list_count(pinfo->layers) : 0;
    m->layer_num = pinfo->curr_layer_num;
    m->proto_layer_num = pinfo->curr_proto_layer_num;
}

static void
layers_restore(packet_info *pinfo, const sbd_layer_mark *m)
{
    while (pinfo->layers && wmem_list_count(pinfo->layers) > m->count) {
        wmem_list_frame_t *last = wmem_list_tail(pinfo->layers);
        int proto_id = GPOINTER_TO_INT(wmem_list_frame_data(last));
        int *n = pinfo->proto_layers ? (int *)wmem_map_lookup(pinfo->proto_layers,
                                                              GINT_TO_POINTER(proto_id)) : NULL;
        wmem_list_remove_frame(pinfo->layers, last);
        if (n && *n > 0)
            (*n)--;
    }
    pinfo->curr_layer_num = m->layer_num;
    pinfo->curr_proto_layer_num = m->proto_layer_num;
}

/* Layers kept free for what follows the certificate in the frame. */
#define SBD_LAYER_RESERVE 16

gboolean
sbd_add_certificate(tvbuff_t *tvb, int offset, int len, packet_info *pinfo, proto_tree *tree,
                    proto_item *item, const sbd_cert_fields *f, sbd_cert *cert)
{
    sbd_cert local;
    guint8 *der;
    guint8 md[SBD_MAX_DIGEST];
    proto_item *pi;
    tvbuff_t *volatile ctvb;

    if (!cert)
        cert = &local;
    memset(cert, 0, sizeof *cert);
    if (len <= 0 || tvb_captured_length_remaining(tvb, offset) < len) {
        expert_add_info(pinfo, item, f->ei_bad_der);     /* empty, or not all captured */
        return FALSE;
    }
    der = (guint8 *)tvb_memdup(pinfo->pool, tvb, offset, len);

    sbd_digest(GCRY_MD_SHA1, der, len, md);
    pi = proto_tree_add_bytes_with_length(tree, *f->hf_sha1, tvb, offset, len, md, 20);
    proto_item_set_generated(pi);
    sbd_digest(GCRY_MD_SHA256, der, len, md);
    pi = proto_tree_add_bytes_with_length(tree, *f->hf_sha256, tvb, offset, len, md, 32);
    proto_item_set_generated(pi);

    if (!sbd_cert_parse(der, len, cert)) {
        memset(cert, 0, sizeof *cert);
        expert_add_info(pinfo, item, f->ei_bad_der);
        return FALSE;
    }

    pi = proto_tree_add_bytes_with_length(tree, *f->hf_serial, tvb,
                                          offset + (int)(cert->serial.p - der),
                                          (int)cert->serial.len, cert->serial.p,
                                          (int)cert->serial.len);
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(tree, *f->hf_subject, tvb, offset + (int)(cert->subject.p - der),
                               (int)cert->subject.len,
                               sbd_dn_string(pinfo->pool, cert->subject, ";", FALSE));
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(tree, *f->hf_issuer, tvb, offset + (int)(cert->issuer.p - der),
                               (int)cert->issuer.len,
                               sbd_dn_string(pinfo->pool, cert->issuer, ";", FALSE));
    proto_item_set_generated(pi);

    if (cert->has_validity && f->hf_not_after) {
        nstime_t nb = { (time_t)cert->not_before, 0 }, na = { (time_t)cert->not_after, 0 };
        proto_item *ai;
        pi = proto_tree_add_time(tree, *f->hf_not_before, tvb, offset, len, &nb);
        proto_item_set_generated(pi);
        ai = proto_tree_add_time(tree, *f->hf_not_after, tvb, offset, len, &na);
        proto_item_set_generated(ai);
        /* Judged at the time of the frame (a bare file has no time). */
        if (f->ei_expired && pinfo->abs_ts.secs > 0) {
            if (pinfo->abs_ts.secs > (time_t)cert->not_after)
                expert_add_info_format(pinfo, ai, f->ei_expired,
                                       "Certificate expired before this frame was captured");
            else if (pinfo->abs_ts.secs < (time_t)cert->not_before)
                expert_add_info_format(pinfo, pi, f->ei_expired,
                                       "Certificate not yet valid when this frame was captured");
        }
    }

    /* The standard X.509 subtree.  dissect_x509af_Certificate is not
     * exported by 4.0, the BER OID table entry of id-at-userCertificate is.
     * It may add one layer per OID in the certificate, plus its own. */
    {
        sbd_layer_mark mark;
        size_t need;

        layers_mark(pinfo, &mark);
        need = sbd_der_count_oids(der, (size_t)len, prefs.gui_max_tree_depth) + 1 + SBD_LAYER_RESERVE;
        if (mark.count + need >= prefs.gui_max_tree_depth) {
            if (f->ei_x509_omitted)
                expert_add_info_format(pinfo, item, f->ei_x509_omitted,
                                       "X.509 subtree not shown: the certificate could take the frame "
                                       "past %u protocol layers (preference gui.max_tree_depth)",
                                       prefs.gui_max_tree_depth);
            return TRUE;
        }
        ctvb = tvb_new_subset_length(tvb, offset, len);
        TRY {
            call_ber_oid_callback("2.5.4.36", ctvb, 0, pinfo, tree, NULL);
        }
        CATCH_BOUNDS_AND_DISSECTOR_ERRORS {
            /* the subtree is a view; the rest of the caller's tree stays */
            show_exception(ctvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
        }
        ENDTRY;
        layers_restore(pinfo, &mark);
    }
    return TRUE;
}

/* ---- hand-off to the sbd post-dissector ------------------------------- */

int sbd_events_proto = -1;

/* The frame whose dissection last pushed an event: the post-dissector runs
 * on every packet, and this spares the others the look-up of the list in
 * the packet's proto data (a list walk).  Only a quick "no": a match still
 * looks the list up.  Epan dissects one packet at a time, and the
 * post-dissector runs at the end of the same dissection as the push. */
static guint32 events_frame;

void
sbd_push_event(packet_info *pinfo, sbd_event_kind kind, const void *data)
{
    wmem_list_t *l;
    sbd_event *ev;

    if (sbd_events_proto < 0 || !data)
        return;
    ev = wmem_new(pinfo->pool, sbd_event);
    ev->kind = kind;
    ev->data = data;
    l = (wmem_list_t *)p_get_proto_data(pinfo->pool, pinfo, sbd_events_proto, 0);
    if (!l) {
        l = wmem_list_new(pinfo->pool);
        p_add_proto_data(pinfo->pool, pinfo, sbd_events_proto, 0, l);
    }
    wmem_list_append(l, ev);
    events_frame = pinfo->num;
}

wmem_list_t *
sbd_frame_events(packet_info *pinfo)
{
    if (sbd_events_proto < 0 || events_frame != pinfo->num)
        return NULL;
    return (wmem_list_t *)p_get_proto_data(pinfo->pool, pinfo, sbd_events_proto, 0);
}

/* MAC of ITLSEP<mac>.tlv, CTLSEP<mac>.tlv, SEP<mac>.cnf.xml[.enc].sgn */
gboolean
sbd_mac_from_name(const char *name, guint8 mac[6])
{
    const char *p, *base;
    int i;

    if (!name)
        return FALSE;
    base = strrchr(name, '/');
    base = base ? base + 1 : name;
    p = strstr(base, "SEP");
    if (!p)
        return FALSE;
    p += 3;
    for (i = 0; i < 12; i++)
        if (!g_ascii_isxdigit(p[i]))
            return FALSE;
    if (p[12] != '.')
        return FALSE;
    for (i = 0; i < 6; i++)
        mac[i] = (guint8)(g_ascii_xdigit_value(p[2 * i]) << 4 | g_ascii_xdigit_value(p[2 * i + 1]));
    return TRUE;
}
