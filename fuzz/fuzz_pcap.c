/* fuzz_pcap.c - libFuzzer harness: itl-audit's pcap record scanner and
 * record pre-filter on a whole file
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Input: the bytes of a classic pcap or a pcapng file, written to a memory
 * file and walked as itl-audit walks one (tools/itl-audit/pcapscan.c):
 * every record the scanner reads goes through the pre-filter
 * (tools/itl-audit/prefilter.c) with the link type of the file header
 * (those itl-audit scans; any other is taken as Ethernet, so that the link
 * type field does not hide the rest).  Where itl-audit would ask wiretap
 * about a record the scanner does not decide, the harness goes on after the
 * length its header claims, if the header is whole, as wiretap would when it
 * reads that record.  The TLS-on-any-port switch of the pre-filter follows
 * the input's length (odd: on).  No libwireshark here: wiretap's
 * encapsulation numbers only.
 */
#define _GNU_SOURCE 1
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>
#include <wiretap/wtap.h>

#include "pcapscan.h"
#include "prefilter.h"
#include "fuzz-common.h"

static int
encap_of(guint32 linktype)
{
    switch (linktype & 0xffff) {
    case 0: return WTAP_ENCAP_NULL;
    case 101: return WTAP_ENCAP_RAW_IP;
    case 108: return WTAP_ENCAP_LOOP;
    case 113: return WTAP_ENCAP_SLL;
    case 228: return WTAP_ENCAP_RAW_IP4;
    case 229: return WTAP_ENCAP_RAW_IP6;
    case 276: return WTAP_ENCAP_SLL2;
    default: return WTAP_ENCAP_ETHERNET;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    pcs_reader s;
    pcs_rec rec;
    pf_config cfg;
    pf_state *st;
    unsigned n;

    if (fd < 0)
        fd = memfd_create("fuzz-pcap", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    /* The smallest buffer: refills inside the file as often as can be. */
    if (pcs_open(&s, fd, 0)) {
        s.ifaces[0].encap = encap_of(s.linktype);
    } else if (pcs_open_ng(&s, fd, 0)) {
        /* As itl-audit marks them from wiretap's interface list: here every
         * interface may be decided, in units of 10^k per second (k from its
         * link type's high bits, 0-9). */
        for (n = 0; n < s.n_ifaces; n++) {
            guint64 u = 1;
            unsigned k;
            for (k = (s.ifaces[n].linktype >> 12) % 10; k; k--)
                u *= 10;
            s.ifaces[n].ok = TRUE;
            s.ifaces[n].units = u;
            s.ifaces[n].encap = encap_of(s.ifaces[n].linktype & 0x0fff);
        }
    } else {
        return 0;
    }
    pf_config_init(&cfg);
    pf_config_add_udp(&cfg, 69);
    pf_config_add_tcp(&cfg, 2445);
    pf_config_add_tcp(&cfg, 6970);
    cfg.tls_any_port = (size & 1) != 0;
    st = pf_new(&cfg);
    for (n = 0; n < 200000; n++) {
        pcs_ret r = pcs_next(&s, &rec);

        if (r == PCS_OK) {
            (void)pf_record(st, rec.encap, rec.data, rec.incl_len, rec.ts_sec);
        } else if (r == PCS_ODD && s.ng) {
            /* wiretap would read the block, or fail; go on after it if its
             * length leads forward inside the file. */
            if (rec.next_off <= rec.off || rec.next_off > (gint64)size)
                break;
            pcs_seek(&s, rec.next_off);
        } else if (r == PCS_ODD) {
            guint8 h[PCS_REC_HDR_LEN];
            guint32 incl;

            if (pread(fd, h, sizeof h, (off_t)rec.off) != (ssize_t)sizeof h)
                break;
            memcpy(&incl, h + 8, 4);
            if (s.swapped)
                incl = GUINT32_SWAP_LE_BE(incl);
            if ((gint64)rec.off + PCS_REC_HDR_LEN + incl > (gint64)size)
                break;
            pcs_seek(&s, rec.off + PCS_REC_HDR_LEN + incl);
        } else {
            break;
        }
    }
    (void)pf_get_stats(st);
    pf_free(st);
    pcs_close(&s);
    return 0;
}
