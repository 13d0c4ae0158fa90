/* fuzz-common.c - a minimal epan session for the libFuzzer harnesses
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Init order as in shared/docs/wireshark-api.md section 8.  Our dissectors
 * are registered statically before epan_init; a small protocol "sbdfuzz"
 * of this file owns a private wiretap encapsulation number, so that a raw
 * frame reaches the harness callback with a packet_info that the frame
 * dissector has set up (and the "sbd" post-dissector runs after it, as in
 * tshark).  IPv4 frames use WTAP_ENCAP_RAW_IP.
 */
#include <wireshark.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/column.h>
#include <epan/column-info.h>
#include <epan/timestamp.h>
#include <epan/addr_resolv.h>
#include <epan/frame_data.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

#define SBD_COMPAT_PROGRAM
#include "sbd-compat.h"
#include "sbd-common.h"
#include "sbd-checks.h"
#include "fuzz-common.h"

/* A wiretap encapsulation number nothing else uses. */
#define SBD_FUZZ_ENCAP 0x7ff0

/* Inputs per epan session.  A session is created once and reused (as in
 * fuzzshark): epan_new() costs tens of milliseconds and Wireshark 4.0
 * does not give back all its memory at epan_free().  Inputs stay
 * independent: each gets its own 10.X.Y.0/24 network (so no conversation,
 * TCP stream or per-client state of one input is found by another) and
 * the trust-checks engine is reset.  After this many inputs the session is
 * replaced, which frees what the inputs left in file scope. */
#define SBD_FUZZ_SESSION_INPUTS 20000

/* report_message_routines' parameter types: sbd-compat.h. */
typedef sbd_rm_bool_t fz_bool_t;
typedef sbd_rm_framenum_t fz_framenum_t;

typedef struct {
    frame_data fd;
    guint8 *data;
    size_t len;
    int encap;
    unsigned tag;
    guint32 src, dst;
    nstime_t ts;
} fz_frame;

struct packet_provider_data {
    GPtrArray *frames;           /* fz_frame* of the current input */
    guint32 first_num;           /* frame number of frames[0] */
    const frame_data *ref;
    frame_data *prev_dis;
};

static struct {
    const char *prog;
    sbd_fuzz_raw_cb cb;
    int proto;
    dissector_handle_t handle;
    column_info cinfo;
    struct packet_provider_data prov;
    epan_t *session;
    epan_dissect_t *edt;
    nstime_t elapsed;
    guint32 cum_bytes;
    guint32 next_num;            /* frame numbers run on across the inputs of a session */
    guint32 inputs;              /* inputs in this session */
    guint8 src_addr[4], dst_addr[4];
} fz;

/* Protocol ids of ciscotl, tvs and sbd (for fill_labels()). */
static int fz_our_protos[3] = { -1, -1, -1 };

/* ---- report callbacks: quiet, except failures ---------------------------- */

static void
fz_vmsg(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", fz.prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void fz_failure(const char *fmt, va_list ap) { fz_vmsg(fmt, ap); }
static void fz_warning(const char *fmt, va_list ap) { (void)fmt; (void)ap; }
static void fz_open_failure(const char *f, int e, fz_bool_t w) { (void)f; (void)e; (void)w; }
static void fz_read_failure(const char *f, int e) { (void)f; (void)e; }
static void fz_write_failure(const char *f, int e) { (void)f; (void)e; }
static void fz_rename_failure(const char *o, const char *n, int e) G_GNUC_UNUSED;
static void fz_rename_failure(const char *o, const char *n, int e) { (void)o; (void)n; (void)e; }
static void fz_cf_open_failure(const char *f, int e, gchar *i) { (void)f; (void)e; (void)i; }
static void fz_cf_dump_open_failure(const char *f, int e, gchar *i, int t) { (void)f; (void)e; (void)i; (void)t; }
static void fz_cf_read_failure(const char *f, int e, gchar *i) { (void)f; (void)e; (void)i; }
static void fz_cf_write_failure(const char *i, const char *o, int e, gchar *ei, fz_framenum_t n, int t)
{ (void)i; (void)o; (void)e; (void)ei; (void)n; (void)t; }
static void fz_cf_close_failure(const char *f, int e, gchar *i) { (void)f; (void)e; (void)i; }

/* ---- the "sbdfuzz" protocol: raw frames to the harness callback -------- */

static fz_frame *
frame_at(guint32 num)
{
    GPtrArray *a = fz.prov.frames;

    if (!a || num < fz.prov.first_num || num - fz.prov.first_num >= a->len)
        return NULL;
    return (fz_frame *)g_ptr_array_index(a, num - fz.prov.first_num);
}

static void
put_ip(guint8 out[4], guint32 ip)
{
    out[0] = (guint8)(ip >> 24);
    out[1] = (guint8)(ip >> 16);
    out[2] = (guint8)(ip >> 8);
    out[3] = (guint8)ip;
}

static int
dissect_sbdfuzz(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    fz_frame *f = frame_at(pinfo->num);

    if (!f || !fz.cb)
        return 0;
    put_ip(fz.src_addr, f->src);
    put_ip(fz.dst_addr, f->dst);
    set_address(&pinfo->src, AT_IPv4, 4, fz.src_addr);
    set_address(&pinfo->dst, AT_IPv4, 4, fz.dst_addr);
    copy_address_shallow(&pinfo->net_src, &pinfo->src);
    copy_address_shallow(&pinfo->net_dst, &pinfo->dst);
    fz.cb(f->tag, tvb, pinfo, tree);
    return (int)tvb_captured_length(tvb);
}

static void
sbdfuzz_register(void)
{
    fz.proto = proto_register_protocol("cucm-sbd fuzz harness frame", "SBDFUZZ", "sbdfuzz");
    fz.handle = register_dissector("sbdfuzz", dissect_sbdfuzz, fz.proto);
}

static void
sbdfuzz_handoff(void)
{
    dissector_add_uint("wtap_encap", SBD_FUZZ_ENCAP, fz.handle);
}

/* ---- provider ------------------------------------------------------------ */

static const nstime_t *
fz_get_frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    fz_frame *f;

    (void)prov;
    f = frame_at(frame_num);
    return f ? &f->fd.abs_ts : NULL;
}

/* ---- init --------------------------------------------------------------- */

void
sbd_fuzz_init(const char *progname, sbd_fuzz_raw_cb cb)
{
    static const struct report_message_routines routines = {
        .vreport_failure = fz_failure, .vreport_warning = fz_warning,
        .report_open_failure = fz_open_failure, .report_read_failure = fz_read_failure,
        .report_write_failure = fz_write_failure, SBD_RM_RENAME_FAILURE(fz_rename_failure)
        .report_cfile_open_failure = fz_cf_open_failure,
        .report_cfile_dump_open_failure = fz_cf_dump_open_failure,
        .report_cfile_read_failure = fz_cf_read_failure,
        .report_cfile_write_failure = fz_cf_write_failure,
        .report_cfile_close_failure = fz_cf_close_failure,
    };
    static proto_plugin plug = { sbdfuzz_register, sbdfuzz_handoff };
    e_prefs *p;
    char *err;

    fz.prog = progname;
    fz.cb = cb;
    /* No personal configuration; every wmem allocation its own malloc
     * block, so that AddressSanitizer sees overruns inside packet scope. */
    g_setenv("XDG_CACHE_HOME", "/nonexistent/sbd-fuzz", 1);
    g_setenv("XDG_CONFIG_HOME", "/nonexistent/sbd-fuzz", 1);
    g_setenv("XDG_DATA_HOME", "/nonexistent/sbd-fuzz", 1);
    if (!g_getenv("SBD_FUZZ_BLOCK_WMEM"))
        g_setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", 1);
    g_setenv("G_SLICE", "always-malloc", 1);
    /* A dissector bug (DISSECTOR_ASSERT, ...) must stop the run. */
    g_setenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG", "1", 1);

    sbd_log_init(progname, NULL);
    ws_log_set_level(LOG_LEVEL_CRITICAL);
    init_process_policies();
    err = sbd_configuration_init(progname);
    g_free(err);
    init_report_message(progname, &routines);
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(FALSE);
    sbd_register_protocols();
    proto_register_plugin(&plug);
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "%s: epan_init failed\n", progname);
        exit(1);
    }
    p = epan_load_settings();
    disable_name_resolution();
    prefs_apply_all();
    build_column_format_array(&fz.cinfo, p->num_cols, TRUE);
    fz_our_protos[0] = proto_get_id_by_filter_name("ciscotl");
    fz_our_protos[1] = proto_get_id_by_filter_name("tvs");
    fz_our_protos[2] = proto_get_id_by_filter_name("sbd");
}

void
sbd_fuzz_decode_tcp_port_as(guint16 port, const char *dissector)
{
    dissector_handle_t h = find_dissector(dissector);

    if (!h) {
        fprintf(stderr, "%s: no dissector %s\n", fz.prog, dissector);
        exit(1);
    }
    dissector_change_uint("tcp.port", port, h);
}

/* ---- one input ----------------------------------------------------------- */

static const struct packet_provider_funcs fz_funcs = { fz_get_frame_ts, NULL, NULL, NULL };

static void
session_new(void)
{
    fz.session = epan_new(&fz.prov, &fz_funcs);
    fz.edt = epan_dissect_new(fz.session, TRUE, TRUE);
    fz.next_num = 1;
    fz.inputs = 0;
}

static void
session_free(void)
{
    epan_dissect_free(fz.edt);
    fz.edt = NULL;
    epan_free(fz.session);
    fz.session = NULL;
}

void
sbd_fuzz_begin(void)
{
    if (fz.session && fz.inputs >= SBD_FUZZ_SESSION_INPUTS)
        session_free();
    if (!fz.session)
        session_new();
    fz.inputs++;
    fz.prov.frames = g_ptr_array_new();
    fz.prov.first_num = fz.next_num;
    fz.prov.ref = NULL;
    fz.prov.prev_dis = NULL;
    nstime_set_zero(&fz.elapsed);
    fz.cum_bytes = 0;
    /* The checks engine is per capture: each input is one. */
    sbd_checks_reset();
}

guint32
sbd_fuzz_net(void)
{
    return 0x0a000000u | (fz.inputs & 0xffffu) << 8;
}

guint32
sbd_fuzz_frame_count(void)
{
    return fz.prov.frames ? fz.prov.frames->len : 0;
}

guint32
sbd_fuzz_frame_number(guint32 index)
{
    return fz.prov.first_num + index;
}

/* Format every label of our protocols' trees (and what they contain, e.g.
 * X.509 subtrees), as `tshark -V` does: custom formatters run only then.
 * The frame, IP and TCP trees are Wireshark's and are left alone. */

static void
fill_labels(proto_node *node, gpointer data)
{
    field_info *fi = PNODE_FINFO(node);
    gboolean ours = data != NULL;
    char label[ITEM_LABEL_LENGTH];
    unsigned i;

    if (!ours && fi && fi->hfinfo)
        for (i = 0; i < G_N_ELEMENTS(fz_our_protos); i++)
            if (fi->hfinfo->id == fz_our_protos[i])
                ours = TRUE;
    if (ours && fi && !fi->rep)
        sbd_item_fill_label(fi, label);
    proto_tree_children_foreach(node, fill_labels, ours ? (gpointer)1 : NULL);
}

static void
dissect_frame(fz_frame *f)
{
    wtap_rec rec;
    Buffer buf;

    sbd_rec_init(&rec, &buf, f->len);
    rec.rec_type = REC_TYPE_PACKET;
    rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    rec.ts = f->ts;
    rec.rec_header.packet_header.caplen = (guint32)f->len;
    rec.rec_header.packet_header.len = (guint32)f->len;
    rec.rec_header.packet_header.pkt_encap = f->encap;

    prime_epan_dissect_with_postdissector_wanted_hfids(fz.edt);
    sbd_dissect_record(fz.edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, f->data, &f->fd, &fz.cinfo);
    epan_dissect_fill_in_columns(fz.edt, FALSE, TRUE);
    if (fz.edt->tree)
        proto_tree_children_foreach(fz.edt->tree, fill_labels, NULL);
    epan_dissect_reset(fz.edt);
    sbd_rec_cleanup(&rec, &buf);
}

static void
add_frame(int encap, unsigned tag, guint32 src, guint32 dst, const guint8 *data, size_t len)
{
    fz_frame *f = g_new0(fz_frame, 1);
    wtap_rec rec;
    guint32 num;

    f->data = g_memdup2(data ? data : (const guint8 *)"", len);
    f->len = len;
    f->encap = encap;
    f->tag = tag;
    f->src = src;
    f->dst = dst;
    g_ptr_array_add(fz.prov.frames, f);
    num = fz.next_num++;
    /* 1.5 s apart from 2023-11-14 (the seeds' certificates are valid then). */
    {
        guint32 i = fz.prov.frames->len - 1;
        f->ts.secs = 1700000000 + (time_t)i + (time_t)(i / 2);
        f->ts.nsecs = (i % 2) ? 500000000 : 0;
    }

    memset(&rec, 0, sizeof rec);
    rec.rec_type = REC_TYPE_PACKET;
    rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    rec.ts = f->ts;
    rec.rec_header.packet_header.caplen = (guint32)len;
    rec.rec_header.packet_header.len = (guint32)len;
    rec.rec_header.packet_header.pkt_encap = encap;
    frame_data_init(&f->fd, num, &rec, 0, fz.cum_bytes);
    frame_data_set_before_dissect(&f->fd, &fz.elapsed, &fz.prov.ref, fz.prov.prev_dis);
    dissect_frame(f);
    frame_data_set_after_dissect(&f->fd, &fz.cum_bytes);
    fz.prov.prev_dis = &f->fd;
}

void
sbd_fuzz_raw_frame(unsigned tag, guint32 src, guint32 dst, const guint8 *data, size_t len)
{
    add_frame(SBD_FUZZ_ENCAP, tag, src, dst, data, len);
}

static guint16
ip_checksum(const guint8 *p, size_t n)
{
    guint32 s = 0;
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        s += (guint32)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (guint32)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (guint16)~s;
}

void
sbd_fuzz_tcp_frame(guint32 src, guint16 sport, guint32 dst, guint16 dport, guint32 seq,
                   guint32 ack, guint8 flags, const guint8 *payload, size_t len)
{
    guint8 *pkt;
    size_t total;
    guint16 cs;

    if (len > 65535 - 40)
        len = 65535 - 40;
    total = 40 + len;
    pkt = g_malloc0(total);
    pkt[0] = 0x45;
    pkt[2] = (guint8)(total >> 8);
    pkt[3] = (guint8)total;
    pkt[6] = 0x40;                      /* don't fragment */
    pkt[8] = 64;
    pkt[9] = 6;                         /* TCP */
    put_ip(pkt + 12, src);
    put_ip(pkt + 16, dst);
    cs = ip_checksum(pkt, 20);
    pkt[10] = (guint8)(cs >> 8);
    pkt[11] = (guint8)cs;
    pkt[20] = (guint8)(sport >> 8);
    pkt[21] = (guint8)sport;
    pkt[22] = (guint8)(dport >> 8);
    pkt[23] = (guint8)dport;
    pkt[24] = (guint8)(seq >> 24);
    pkt[25] = (guint8)(seq >> 16);
    pkt[26] = (guint8)(seq >> 8);
    pkt[27] = (guint8)seq;
    pkt[28] = (guint8)(ack >> 24);
    pkt[29] = (guint8)(ack >> 16);
    pkt[30] = (guint8)(ack >> 8);
    pkt[31] = (guint8)ack;
    pkt[32] = 5 << 4;
    pkt[33] = flags;
    pkt[34] = 0xff;                     /* window */
    pkt[35] = 0xff;
    if (len)
        memcpy(pkt + 40, payload, len);
    add_frame(WTAP_ENCAP_RAW_IP, 0, src, dst, pkt, total);
    g_free(pkt);
}

void
sbd_fuzz_end(gboolean second_pass, void (*before_second_pass)(void))
{
    guint i, n = fz.prov.frames->len;

    if (second_pass) {
        if (before_second_pass)
            before_second_pass();
        for (i = 0; i < n; i++)
            dissect_frame(g_ptr_array_index(fz.prov.frames, i));
    }
    for (i = 0; i < n; i++) {
        fz_frame *f = g_ptr_array_index(fz.prov.frames, i);
        frame_data_destroy(&f->fd);
        g_free(f->data);
        g_free(f);
    }
    g_ptr_array_free(fz.prov.frames, TRUE);
    fz.prov.frames = NULL;
    fz.prov.ref = NULL;
    fz.prov.prev_dis = NULL;
}

const char *
sbd_fuzz_ip_str(guint32 ip)
{
    static char buf[16];

    snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
    return buf;
}
