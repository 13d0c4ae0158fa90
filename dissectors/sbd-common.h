/* sbd-common.h - helpers shared by the cucm-sbd dissectors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SBD_COMMON_H
#define SBD_COMMON_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/range.h>
#include "sbd-der.h"
#include "sbd-compat.h"   /* every difference between Wireshark versions */

/* Register every protocol of this project with epan.  Called from the
 * plugin's plugin_register() and by itl-audit before epan_init(). */
void sbd_register_protocols(void);

void proto_register_ciscotl(void);
void proto_reg_handoff_ciscotl(void);
void proto_register_tvs(void);
void proto_reg_handoff_tvs(void);

/* Role / function codes, formats.md 3.2 (2 bytes in trust-list records,
 * 1 byte in TVS). */
enum {
    SBD_ROLE_SAST = 0,
    SBD_ROLE_CCM = 1,
    SBD_ROLE_CCM_TFTP = 2,
    SBD_ROLE_TFTP = 3,
    SBD_ROLE_CAPF = 4,
    SBD_ROLE_SRST = 5,
    SBD_ROLE_APP_SERVER = 7,
    SBD_ROLE_TVS = 21
};
extern const value_string sbd_role_vals[];
const char *sbd_role_name(unsigned role);

/* Hash (digest) algorithm codes, formats.md 2.4. */
extern const value_string sbd_hash_vals[];

/* Hash field ids and subtree for a DER certificate carried in a message. */
typedef struct {
    int *hf_serial;     /* FT_BYTES */
    int *hf_subject;    /* FT_STRING */
    int *hf_issuer;     /* FT_STRING */
    int *hf_sha1;       /* FT_BYTES */
    int *hf_sha256;     /* FT_BYTES */
    expert_field *ei_bad_der;
    int *hf_not_before;   /* FT_ABSOLUTE_TIME, optional */
    int *hf_not_after;    /* FT_ABSOLUTE_TIME, optional */
    expert_field *ei_expired;   /* optional: outside its validity at capture time */
    expert_field *ei_x509_omitted;  /* optional: X.509 subtree left out (layer limit) */
} sbd_cert_fields;

/* Show the certificate at tvb[offset, offset+len) as a full X.509 subtree
 * (x509af.* fields) below `tree`, plus generated serial/subject/issuer and
 * SHA-1/SHA-256 of the DER.  Never throws for bad DER: it adds expert info
 * and returns FALSE.  `cert` (may be NULL) receives the parsed view; its
 * spans point into memory owned by pinfo->pool.
 *
 * The X.509 subtree is a view of one field, not a protocol layer of the
 * frame: the layers Wireshark's X.509 dissector adds (x509af, and one per
 * OID-dispatched value: x509ce, x509sat, ...; about 15 per certificate) are
 * taken back afterwards, so that a frame may carry any number of
 * certificates (epan refuses to call dissectors once a frame has
 * prefs.gui_max_tree_depth layers).  A certificate that alone could reach
 * that limit is shown without the subtree (f->ei_x509_omitted). */
gboolean sbd_add_certificate(tvbuff_t *tvb, int offset, int len, packet_info *pinfo,
                             proto_tree *tree, proto_item *item,
                             const sbd_cert_fields *f, sbd_cert *cert);

/* Colon-less lower-case hex of a byte span, in `scope`. */
char *sbd_hex(wmem_allocator_t *scope, const guint8 *p, size_t len);

/* The MAC in a file name ITLSEP<mac>.tlv, CTLSEP<mac>.tlv,
 * SEP<mac>.cnf.xml[.enc].sgn (12 hex digits after "SEP", then '.'). */
gboolean sbd_mac_from_name(const char *name, guint8 mac[6]);

#endif

/* ---- hand-off to the sbd post-dissector --------------------------------
 * Dissectors push what they found in a frame (first pass); the post-
 * dissector "sbd" reads it at the end of the frame.  Data in pinfo->pool. */
#ifndef SBD_EVENTS_DEFINED
#define SBD_EVENTS_DEFINED
typedef enum { SBD_EV_FILE, SBD_EV_TVS, SBD_EV_TVS_PARTIAL } sbd_event_kind;
typedef struct {
    sbd_event_kind kind;
    const void *data;       /* ciscotl_tap_info*, tvs_tap_info* or tvs_partial_info* */
} sbd_event;

extern int sbd_events_proto;   /* proto id of "sbd", -1 until registered */
void sbd_push_event(packet_info *pinfo, sbd_event_kind kind, const void *data);
wmem_list_t *sbd_frame_events(packet_info *pinfo);

void proto_register_sbd(void);
void proto_reg_handoff_sbd(void);
/* tvs.tls.port changed: TCP sends those ports to the sbd post-dissector's
 * TLS front (packet-sbd.c), which calls TLS. */
void sbd_tls_front_set_tvs_ports(const range_t *ports);
/* Statistics tree registration (tap plugin), called from plugin_register. */
void sbd_register_taps(void);
#endif
