/* prefilter.h - record-level pre-filter of itl-audit
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Decides from the link, IP and UDP/TCP headers of a record whether epan
 * needs to see it.  Kept: UDP to or from a TFTP port, every TFTP request
 * (read or write, on any port: TFTP's heuristic finds them too) and the UDP
 * traffic to and from the client endpoint of each request until the
 * transfer ends; TCP to or from a "wanted" port (TVS ports, HTTP 6970);
 * optionally TLS connections on any other TCP port from their ClientHello
 * (only useful when TLS can be decrypted: TVS's heuristic then finds TVS
 * there); ICMP errors quoting such packets; anything it does not understand
 * (unknown link types, truncated headers, tunnels it cannot open).
 *
 * State: a table of TFTP client endpoints, a table of tracked TLS
 * connections and a table of "dropped datagram" decisions for IP fragments.
 * Entries are released when a transfer or connection ends (after a short
 * linger for the final ACK / FIN), or after an idle timeout in capture
 * time.  The tables are bounded; when one is full, the class of traffic it
 * tracks is passed unfiltered until entries expire (never a wrong drop).
 *
 * No per-packet state is kept for dropped packets.  No libwireshark
 * dependency: wiretap's encapsulation numbers only.
 */
#ifndef ITL_AUDIT_PREFILTER_H
#define ITL_AUDIT_PREFILTER_H

#include <glib.h>

typedef struct pf_config {
    guint8 udp_ports[65536 / 8];        /* TFTP server ports (69) */
    guint8 tcp_ports[65536 / 8];        /* TVS ports, 6970 */
    gboolean tls_any_port;              /* track TLS connections on other ports */
} pf_config;

void pf_config_init(pf_config *cfg);
void pf_config_add_udp(pf_config *cfg, unsigned port);
void pf_config_add_tcp(pf_config *cfg, unsigned port);
gboolean pf_config_has_udp(const pf_config *cfg, unsigned port);
gboolean pf_config_has_tcp(const pf_config *cfg, unsigned port);
/* Does a filter built from `outer` keep everything one built from `inner` keeps? */
gboolean pf_config_covers(const pf_config *outer, const pf_config *inner);

typedef struct pf_stats {
    guint64 records;            /* records looked at */
    guint64 kept;               /* handed to epan */
    guint64 kept_unparsed;      /* of which: link type or header not understood */
    guint64 kept_overflow;      /* of which: because a table was full */
    guint64 tftp_requests;      /* TFTP requests seen (endpoints opened) */
    guint64 tftp_ended;         /* transfers seen to end (last block / error) */
    guint64 tls_tracked;        /* TLS connections opened on other ports */
    guint64 frag_dropped;       /* non-first fragments dropped with their datagram */
    guint32 peak_tftp;          /* peak live entries per table */
    guint32 peak_tcp;
    guint32 peak_frag;
    guint32 live_tftp;          /* live entries now */
    guint32 live_tcp;
    guint32 live_frag;
} pf_stats;

typedef struct pf_state pf_state;

/* Bounds and timeouts (capture time, seconds). */
#define PF_MAX_TFTP 16384u
#define PF_MAX_TCP 16384u
#define PF_MAX_FRAG 16384u
#define PF_TFTP_IDLE 120
#define PF_TFTP_LINGER 10
#define PF_TCP_IDLE 3600
#define PF_TCP_LINGER 10
#define PF_FRAG_IDLE 60
#define PF_FRAG_LINGER 2
/* The timeouts run on a clock of the records' time stamps that moves on by
 * at most this much from one record to the next: a capture whose clock
 * jumps (an NTP step, captures merged from hosts that disagree) or that
 * is silent for minutes in the middle of a transfer does not make the
 * pre-filter forget a conversation that epan, which sees everything
 * without it, still follows.  Normal traffic moves the clock on as its
 * time stamps do; a silent capture only keeps its (bounded) entries
 * longer, and keeping more never changes a verdict. */
#define PF_MAX_CLOCK_STEP 5

pf_state *pf_new(const pf_config *cfg);
void pf_free(pf_state *st);
/* For tests of the timeouts: the clock's largest step (PF_MAX_CLOCK_STEP). */
void pf_set_max_clock_step(pf_state *st, gint64 step);
/* Switch TLS tracking on other ports on (decryption secrets appeared). */
void pf_enable_tls_any_port(pf_state *st);

/* One record: wiretap encapsulation (WTAP_ENCAP_*), the captured bytes and
 * the record's time stamp in seconds (0 if it has none).  TRUE: epan must
 * see it. */
gboolean pf_record(pf_state *st, int encap, const guint8 *data, guint32 caplen, gint64 ts_sec);

const pf_stats *pf_get_stats(pf_state *st);

#endif
