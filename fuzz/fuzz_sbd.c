/* fuzz_sbd.c - libFuzzer harness: the sbd trust checks fed by both dissectors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Input: a list of events of one small capture with up to 4 phones
 * (.1-.4) and 2 servers (.100, .101) of the input's own network
 * (fuzz-common.h), each as
 *
 *     kind (1) | arg (1) | length (2, big-endian) | payload
 *
 * arg: phone = bits 0-1, name = bits 2-4 (files), connection = bit 2
 * (TLS/TVS: client port 50000 or 50001), server = bit 5.
 * kind % 8:
 *   0  a file (payload) downloaded by the phone from the server, under
 *      the name selected by `name` (none, ITLSEP<MAC>.tlv, ITLFile.tlv,
 *      CTLSEP<MAC>.tlv, CTLFile.tlv, SEP<MAC>.cnf.xml.sgn,
 *      SEP<MAC>.cnf.xml.enc.sgn, ringlist.xml.sgn): the ciscotl dissector
 *      decodes it and pushes it to the sbd post-dissector;
 *   1  TVS bytes phone -> server (a TCP segment to port 2445, decoded with
 *      the tvs.tcp handle: reassembly, several messages per segment);
 *   2  TVS bytes server -> phone;
 *   3  the TLS server certificate (payload, DER) of the session to TVS,
 *      given to the checks engine as the post-dissector does from
 *      tls.handshake.certificate;
 *   4  that session negotiated TLS 1.3 (server hello);
 *   5  encrypted application data in that session;
 *   6  keyless TLS evidence of that session (bit 6 of arg: sent by the
 *      server), payload: type (1) | a (2, big-endian) | b (2) | c (1):
 *      type % 4 = 0 a record (content type a, length b), 1 a plaintext
 *      alert (level a, description b), 2 the ServerHello (version a,
 *      suite b, encrypt_then_mac c), 3 a TCP reset; as feed_tls() feeds
 *      the checks in packet-sbd.c;
 *   7  ignored.
 * At most 128 events are used.  Then the second pass (`tshark -2`: the
 * conclusions that need the whole capture) and the findings list.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <epan/packet.h>

#include "packet-ciscotl.h"
#include "sbd-checks.h"
#include "sbd-common.h"
#include "fuzz-common.h"

#define SERVER0 100
#define TVS_PORT 2445
#define MAX_EVENTS 128

#define TH_PUSH 0x08
#define TH_ACK  0x10

static const char *const mac_hex[4] = {
    "001122330001", "001122330002", "0011223300A3", "B000B4BA0AEE"
};

static const char *
file_name(unsigned phone, unsigned sel, char *buf, size_t n)
{
    const char *m = mac_hex[phone & 3];

    switch (sel & 7) {
    case 0: return NULL;
    case 1: snprintf(buf, n, "ITLSEP%s.tlv", m); break;
    case 2: return "ITLFile.tlv";
    case 3: snprintf(buf, n, "CTLSEP%s.tlv", m); break;
    case 4: return "CTLFile.tlv";
    case 5: snprintf(buf, n, "SEP%s.cnf.xml.sgn", m); break;
    case 6: snprintf(buf, n, "SEP%s.cnf.xml.enc.sgn", m); break;
    default: return "ringlist.xml.sgn";
    }
    return buf;
}

/* Raw frames: tag = kind << 8 | arg. */
static void
frame_cb(unsigned tag, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    unsigned kind = tag >> 8, arg = tag & 0xff;
    unsigned phone = arg & 3;
    guint32 net = sbd_fuzz_net();
    char client[16], server[16], name[64];
    const char *cport = (arg & 4) ? "50001" : "50000";

    snprintf(client, sizeof client, "%s", sbd_fuzz_ip_str(net | (1 + phone)));
    snprintf(server, sizeof server, "%s", sbd_fuzz_ip_str(net | (SERVER0 + ((arg >> 5) & 1))));
    switch (kind) {
    case 0:
        dissect_ciscotl_file(tvb, pinfo, tree, file_name(phone, arg >> 2, name, sizeof name));
        break;
    case 3:
        /* as feed_tls() in packet-sbd.c: a certificate of at least one byte */
        if (!PINFO_FD_VISITED(pinfo) && tvb_captured_length(tvb) > 0)
            sbd_checks_tls_cert(pinfo->num, client, cport, server, TVS_PORT,
                                tvb_get_ptr(tvb, 0, -1), tvb_captured_length(tvb));
        break;
    case 4:
        if (!PINFO_FD_VISITED(pinfo))
            sbd_checks_tls_hello13(client, cport, server, TVS_PORT);
        break;
    case 5:
        if (!PINFO_FD_VISITED(pinfo))
            sbd_checks_tls_data(pinfo->num, client, cport, server, TVS_PORT);
        break;
    case 6:
        if (!PINFO_FD_VISITED(pinfo) && tvb_captured_length(tvb) >= 6) {
            gboolean from_server = (arg >> 6) & 1;
            unsigned a = tvb_get_ntohs(tvb, 1), b = tvb_get_ntohs(tvb, 3), c = tvb_get_uint8(tvb, 5);
            switch (tvb_get_uint8(tvb, 0) & 3) {
            case 0:
                sbd_checks_tls_record(pinfo->num, client, cport, server, TVS_PORT, from_server, a & 0xff, b);
                break;
            case 1:
                sbd_checks_tls_alert(pinfo->num, client, cport, server, TVS_PORT, from_server, a & 0xff, b & 0xff);
                break;
            case 2:
                sbd_checks_tls_hello(pinfo->num, client, cport, server, TVS_PORT, a, b, c & 1);
                break;
            default:
                sbd_checks_tcp_reset(pinfo->num, client, cport, server, TVS_PORT, from_server);
                break;
            }
        }
        break;
    default:
        break;
    }
}

/* The findings in frame order, as itl-audit reads them. */
static void
read_results(void)
{
    GPtrArray *f = sbd_checks_findings();
    GPtrArray *p = sbd_checks_phones();
    guint i;
    size_t sum = 0;

    for (i = 0; i < f->len; i++) {
        const sbd_finding *x = g_ptr_array_index(f, i);
        const sbd_finding_info *d = sbd_finding_describe(x->code);
        sum += strlen(d->name) + strlen(x->detail);
    }
    for (i = 0; i < p->len; i++) {
        const sbd_phone *ph = g_ptr_array_index(p, i);
        sum += ph->files->len + ph->sessions->len + ph->exchanges->len;
        /* the outcome, as the post-dissector and itl-audit show it */
        sum += strlen(sbd_outcome_str(ph->outcome)) + (ph->outcome_summary ? strlen(ph->outcome_summary) : 0);
        if (ph->root_cause)
            sum += strlen(sbd_finding_describe(ph->root_cause->code)->remediation);
        if (ph->consequences)
            sum += ph->consequences->len;
    }
    (void)sum;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sbd_fuzz_init("fuzz_sbd", frame_cb);
    sbd_fuzz_decode_tcp_port_as(TVS_PORT, "tvs.tcp");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* next TCP sequence numbers: [phone][connection][direction] */
    guint32 seq[4][2][2];
    size_t off = 0;
    unsigned n = 0, p, c;
    guint32 net;

    for (p = 0; p < 4; p++)
        for (c = 0; c < 2; c++) {
            seq[p][c][0] = 1000;
            seq[p][c][1] = 900000;
        }
    sbd_fuzz_begin();
    net = sbd_fuzz_net();
    while (off + 4 <= size && n < MAX_EVENTS) {
        unsigned kind = data[off] & 7, arg = data[off + 1];
        size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
        unsigned phone = arg & 3, conn = (arg >> 2) & 1;
        guint32 pip = net | (1 + phone), sip = net | (SERVER0 + ((arg >> 5) & 1));
        guint16 cport = (guint16)(50000 + conn);

        off += 4;
        if (len > size - off)
            len = size - off;
        switch (kind) {
        case 0: case 3: case 4: case 5: case 6:
            sbd_fuzz_raw_frame(kind << 8 | arg, kind == 0 ? sip : pip, kind == 0 ? pip : sip,
                               data + off, len);
            break;
        case 1:
            sbd_fuzz_tcp_frame(pip, cport, sip, TVS_PORT, seq[phone][conn][0], seq[phone][conn][1],
                               TH_PUSH | TH_ACK, data + off, len);
            seq[phone][conn][0] += (guint32)len;
            break;
        case 2:
            sbd_fuzz_tcp_frame(sip, TVS_PORT, pip, cport, seq[phone][conn][1], seq[phone][conn][0],
                               TH_PUSH | TH_ACK, data + off, len);
            seq[phone][conn][1] += (guint32)len;
            break;
        default:
            break;
        }
        off += len;
        n++;
    }
    sbd_fuzz_end(TRUE, NULL);
    read_results();
    return 0;
}
