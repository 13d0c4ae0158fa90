/* fuzz_tvs.c - libFuzzer harness: the TVS dissector on a message stream
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Input: the TCP segments of one connection between a phone (.1, port
 * 50000) and TVS (.100, port 2445) of the input's own network
 * (fuzz-common.h), each as
 *
 *     flags (1) | length (2, big-endian) | payload (length bytes; fewer if
 *                                                  the input ends first)
 *
 * flags bit 0: 0 phone -> TVS, 1 TVS -> phone
 *       bit 1: the segment is lost: its sequence numbers are used but it is
 *              not in the capture
 *       bit 2: the segment is a retransmission of the previous one in that
 *              direction (same sequence number)
 *       bit 3: not a TCP segment but the first decrypted TLS record of a
 *              session on another port: handed to the heuristic "tvs_tls"
 *              (which TLS would try), in a frame of its own
 * The segments are plaintext TVS, decoded with the "tvs.tcp" handle
 * (Decode As TCP port 2445), exactly as tests/test_tvs.sh does, so TCP
 * reassembly feeds tcp_dissect_pdus.  Two passes, as `tshark -2`: request /
 * response links and "no response" are known only in the second.  At most
 * 64 segments are used (each is a frame dissected twice, from IP up).
 */
#include <stddef.h>
#include <stdint.h>
#include <epan/packet.h>

#include "fuzz-common.h"

#define PHONE 1
#define SERVER 100
#define PHONE_PORT 50000
#define TVS_PORT 2445
#define MAX_SEGMENTS 64

#define TH_PUSH 0x08
#define TH_ACK  0x10

static heur_dtbl_entry_t *tvs_heur;

/* Raw frames: a TLS record's plaintext for the heuristic. */
static void
frame_cb(unsigned tag, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    dissector_handle_t app = NULL;

    (void)tag;
    if (tvs_heur && tvb_captured_length(tvb) > 0)
        tvs_heur->dissector(tvb, pinfo, tree, &app);   /* TLS passes &session->app_handle */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sbd_fuzz_init("fuzz_tvs", frame_cb);
    tvs_heur = find_heur_dissector_by_unique_short_name("tvs_tls");
    sbd_fuzz_decode_tcp_port_as(TVS_PORT, "tvs.tcp");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    guint32 next[2] = { 1000, 900000 };     /* next sequence number per direction */
    guint32 last[2] = { 1000, 900000 };     /* sequence number of the last segment */
    size_t off = 0;
    unsigned n = 0;
    guint32 net;

    sbd_fuzz_begin();
    net = sbd_fuzz_net();
    while (off + 3 <= size && n < MAX_SEGMENTS) {
        unsigned flags = data[off];
        size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
        int dir = flags & 1;
        guint32 seq;

        off += 3;
        if (len > size - off)
            len = size - off;
        if (flags & 8) {
            sbd_fuzz_raw_frame(0, net | (dir ? SERVER : PHONE), net | (dir ? PHONE : SERVER), data + off, len);
            off += len;
            n++;
            continue;
        }
        if (flags & 4)
            seq = last[dir];
        else {
            seq = next[dir];
            next[dir] += (guint32)len;
        }
        last[dir] = seq;
        if (!(flags & 2)) {
            if (dir == 0)
                sbd_fuzz_tcp_frame(net | PHONE, PHONE_PORT, net | SERVER, TVS_PORT, seq, next[1],
                                   TH_PUSH | TH_ACK, data + off, len);
            else
                sbd_fuzz_tcp_frame(net | SERVER, TVS_PORT, net | PHONE, PHONE_PORT, seq, next[0],
                                   TH_PUSH | TH_ACK, data + off, len);
        }
        off += len;
        n++;
    }
    sbd_fuzz_end(TRUE, NULL);
    return 0;
}
