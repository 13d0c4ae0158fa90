/* fuzz-common.h - a minimal epan session for the libFuzzer harnesses
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The harnesses link libwireshark and this project's dissectors, compiled
 * into the harness and registered statically before epan_init (as
 * itl-audit does).  Each input is one small "capture": a list of frames
 * the harness adds with sbd_fuzz_raw_frame() (handed to a callback of the
 * harness, which calls our dissectors directly with a real packet_info)
 * or sbd_fuzz_tcp_frame() (an IPv4/TCP packet dissected from the IP layer
 * up, so TCP reassembly and Decode As are the real ones).
 *
 * One epan session serves many inputs (a new one per input would cost
 * tens of milliseconds).  Inputs stay independent: each has its own
 * network 10.X.Y.0/24 (sbd_fuzz_net()) for its addresses, so that no
 * conversation, TCP stream or per-client state of one input is found by
 * another, and the trust-checks engine is reset for each input.  A crash
 * therefore reproduces from its input file alone.
 */
#ifndef SBD_FUZZ_COMMON_H
#define SBD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <epan/packet.h>

/* Called for a frame added with sbd_fuzz_raw_frame(): `tag` is what the
 * harness passed, pinfo->src / pinfo->dst are set to the addresses it gave. */
typedef void (*sbd_fuzz_raw_cb)(unsigned tag, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* Once, from LLVMFuzzerInitialize. */
void sbd_fuzz_init(const char *progname, sbd_fuzz_raw_cb cb);

/* Start / end one input.  sbd_fuzz_end() runs the second pass (every frame
 * again, visited, as `tshark -2` and the GUI do) when `second_pass` is set,
 * after calling `before_second_pass` (may be NULL). */
void sbd_fuzz_begin(void);
void sbd_fuzz_end(gboolean second_pass, void (*before_second_pass)(void));

/* The network of the current input: 10.X.Y.0, host order; add 1-254. */
guint32 sbd_fuzz_net(void);

/* Frames of the current input, dissected (first pass) at once.  Data is
 * copied.  Addresses are IPv4 addresses in host order (10.0.0.1 =
 * 0x0a000001). */
void sbd_fuzz_raw_frame(unsigned tag, guint32 src, guint32 dst, const guint8 *data, size_t len);
void sbd_fuzz_tcp_frame(guint32 src, guint16 sport, guint32 dst, guint16 dport, guint32 seq,
                        guint32 ack, guint8 flags, const guint8 *payload, size_t len);

/* Frames added so far in this input, and the frame number of the
 * index-th (0-based) of them. */
guint32 sbd_fuzz_frame_count(void);
guint32 sbd_fuzz_frame_number(guint32 index);

/* Route TCP port `port` to the named dissector (as Decode As does). */
void sbd_fuzz_decode_tcp_port_as(guint16 port, const char *dissector);

/* A printable dotted quad of a host-order IPv4 address (static buffer). */
const char *sbd_fuzz_ip_str(guint32 ip);

/* libFuzzer's entry points, defined by each harness. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
