/* packet-cucmlog.c - CUCM TVS traces and IP phone console logs as records
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The reader plugin/cucm-log-file.lua cuts a log into records (one line, or
 * a "HEX_DUMP: Len = N:" line with its hex lines) and sends each, as an
 * exported PDU, to the dissector "cucmlog" here, after a 12-byte header
 * (described in the reader).  Line formats: ../shared/docs/logs.md.
 *
 *  - "tvstrace": a line of CUCM's Cisco Trust Verification Service trace.
 *    A hex dump of a whole TVS message (after "Incoming Phone Msg:" or
 *    "Sending TLS Msg ..") is handed to the "tvs" dissector as a message
 *    between the phone (its address from "Got a new ph conn <ip> on <fd>"
 *    or "ipAddrStr (Phone) <ip>") and TVS, so the tvs tap and the sbd
 *    post-dissector see it as they see a decrypted capture.  The trace's own
 *    decode lines are checked against the tvs dissector's decode.
 *  - "phonelog": a line of a phone's console log; trust events become
 *    phonelog.* fields and go to the "phonelog" tap (phonelog-tap.h).
 */
#include <stdlib.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/strutil.h>
#include <wsutil/str_util.h>
#include <wsutil/inet_addr.h>

#include "sbd-common.h"
#include "packet-tvs.h"
#include "phonelog-tap.h"
#include "packet-cucmlog.h"

#define CLOG_HDR_LEN 12
#define CLOG_MAX_DUMP 70000          /* bytes kept of one dump (a TVS message is at most 65545) */
#define CLOG_MAX_FDS 4096            /* connections remembered (fd -> phone address) */

enum { KIND_TRACE = 1, KIND_PHONE_NEW = 2, KIND_PHONE_OLD = 3 };
enum { DATE_NONE = 0, DATE_PREF = 1, DATE_LINE_PREF_YEAR = 2, DATE_LINE_NO_YEAR = 3 };
enum { DIR_NONE = 0, DIR_TO_TVS = 1, DIR_FROM_TVS = 2 };

static int proto_cucmlog = -1;
static int proto_tvstrace = -1;
static int proto_phonelog = -1;

static int hf_kind = -1;
static int hf_line = -1;
static int hf_lines = -1;
static int hf_date_source = -1;
static int hf_date = -1;
static int hf_text = -1;

static int hf_tt_kind = -1;
static int hf_tt_fd = -1;
static int hf_tt_phone = -1;
static int hf_tt_dir = -1;
static int hf_tt_dump_len = -1;
static int hf_tt_dump_have = -1;
static int hf_tt_dump = -1;
static int hf_tt_msg_frame = -1;
static int hf_tt_pd = -1;
static int hf_tt_msgtype = -1;
static int hf_tt_session = -1;
static int hf_tt_length = -1;
static int hf_tt_subject = -1;
static int hf_tt_issuer = -1;
static int hf_tt_serial = -1;
static int hf_tt_rolecount = -1;
static int hf_tt_role = -1;
static int hf_tt_decode = -1;

static int hf_pl_seq = -1;
static int hf_pl_level = -1;
static int hf_pl_task = -1;
static int hf_pl_text = -1;
static int hf_pl_event = -1;
static int hf_pl_file = -1;
static int hf_pl_server = -1;
static int hf_pl_port = -1;
static int hf_pl_size = -1;
static int hf_pl_status = -1;
static int hf_pl_ttl = -1;
static int hf_pl_mac = -1;
static int hf_pl_subject = -1;
static int hf_pl_role = -1;

static gint ett_cucmlog = -1;
static gint ett_tvstrace = -1;
static gint ett_decode = -1;
static gint ett_phonelog = -1;

static expert_field ei_cut = EI_INIT;
static expert_field ei_bad_header = EI_INIT;
static expert_field ei_no_date = EI_INIT;
static expert_field ei_dump_short = EI_INIT;
static expert_field ei_dump_long = EI_INIT;
static expert_field ei_dump_bad_hex = EI_INIT;
static expert_field ei_dump_orphan = EI_INIT;
static expert_field ei_decode_mismatch = EI_INIT;
static expert_field ei_no_phone = EI_INIT;
static expert_field ei_pl_failure = EI_INIT;

static dissector_handle_t tvs_handle;
static int phonelog_tap = -1;
static const char *pref_date = "";

static const value_string kind_vals[] = {
    { KIND_TRACE, "CUCM TVS trace" },
    { KIND_PHONE_NEW, "Phone console log (88xx style: sequence, level, month, day, time)" },
    { KIND_PHONE_OLD, "Phone console log (79xx style: sequence, level, time; no date)" },
    { 0, NULL }
};

static const value_string date_source_vals[] = {
    { DATE_NONE, "date unknown: time of day on 1970-01-01 (set cucmlog.date or itl-audit --log-date)" },
    { DATE_PREF, "preference cucmlog.date (itl-audit --log-date)" },
    { DATE_LINE_PREF_YEAR, "month and day of the line, year of cucmlog.date" },
    { DATE_LINE_NO_YEAR, "month and day of the line, year unknown (1970 used; set cucmlog.date)" },
    { 0, NULL }
};

static const value_string dir_vals[] = {
    { DIR_TO_TVS, "phone to TVS (Incoming Phone Msg)" },
    { DIR_FROM_TVS, "TVS to phone (Sending TLS Msg)" },
    { 0, NULL }
};

/* tvstrace.line_kind */
enum {
    TL_OTHER = 0, TL_ACCEPT, TL_NEW_CONN, TL_PHONE_ADDR, TL_CIPHER, TL_HS_DONE, TL_INCOMING,
    TL_SENDING, TL_SENDING_TLS, TL_DECODE_START, TL_DECODE, TL_LOOKUP, TL_DUMP_MSG, TL_DUMP_PIECE,
    TL_HEX_ORPHAN
};
static const value_string tl_vals[] = {
    { TL_OTHER, "Other line" },
    { TL_ACCEPT, "TCP connection accepted" },
    { TL_NEW_CONN, "New phone connection" },
    { TL_PHONE_ADDR, "Phone address" },
    { TL_CIPHER, "TLS cipher" },
    { TL_HS_DONE, "TLS handshake done" },
    { TL_INCOMING, "Incoming phone message follows" },
    { TL_SENDING, "TVS prepares an answer" },
    { TL_SENDING_TLS, "Sent message follows" },
    { TL_DECODE_START, "Trace decode of a message" },
    { TL_DECODE, "Trace decode line" },
    { TL_LOOKUP, "Certificate lookup" },
    { TL_DUMP_MSG, "Hex dump of a TVS message" },
    { TL_DUMP_PIECE, "Hex dump of a piece of the decode (certificate, TTL)" },
    { TL_HEX_ORPHAN, "Hex line outside a dump" },
    { 0, NULL }
};

static const value_string pl_event_vals[] = {
    { PHONELOG_EV_NONE, "None" },
    { PHONELOG_EV_DOWNLOAD_REQUEST, "Download requested" },
    { PHONELOG_EV_DOWNLOAD_DONE, "Download finished" },
    { PHONELOG_EV_DOWNLOAD_SERVER, "Download server" },
    { PHONELOG_EV_FILE_VERIFIED, "File verified" },
    { PHONELOG_EV_FILE_REFUSED, "File refused (verification failed)" },
    { PHONELOG_EV_TL_PARSED, "Trust list parsed" },
    { PHONELOG_EV_TL_UPDATED, "Trust list updated" },
    { PHONELOG_EV_TL_WARNING, "Trust list warning" },
    { PHONELOG_EV_TVS_CONNECT, "TVS connection attempted" },
    { PHONELOG_EV_TLS_OK, "TLS handshake successful" },
    { PHONELOG_EV_TVS_CERT_CHECK, "TVS server certificate checked" },
    { PHONELOG_EV_TVS_REQUEST, "TVS request prepared" },
    { PHONELOG_EV_TVS_SENT, "TVS request sent" },
    { PHONELOG_EV_TVS_RECEIVED, "TVS response received" },
    { PHONELOG_EV_TVS_STATUS, "TVS response status" },
    { PHONELOG_EV_CERT_IN_TL, "Certificate found in the CTL/ITL" },
    { PHONELOG_EV_CERT_NOT_IN_TL, "Certificate not in the CTL/ITL" },
    { PHONELOG_EV_CACHE_ADD, "TVS cache: certificate added" },
    { PHONELOG_EV_CACHE_MISS, "TVS cache: no entry" },
    { PHONELOG_EV_PHONE_CERT, "Phone certificate" },
    { PHONELOG_EV_TVS_UNUSED, "TVS not used" },
    { 0, NULL }
};

/* ---- first-pass state of a TVS trace ------------------------------------
 * Rebuilt on each first pass; what later passes need is kept per frame
 * (trace_frame, file scope), only for hex dumps and decode lines. */

typedef struct {
    gboolean has_pd, has_cmd, has_len, has_rolecount;
    guint pd, cmd, len, rolecount, n_roles;
    guint8 roles[TVS_MAX_TAP_ROLES];
    const char *subject, *issuer, *serial;   /* file scope */
} trace_decode;

/* A whole TVS message of the trace (file scope). */
typedef struct {
    guint32 frame;
    guint dir;
    gboolean hdr;               /* its first 10 bytes were in the dump */
    guint pd, cmd, len;
    gboolean has_subject, has_issuer, has_serial, has_roles;
    char *subject, *issuer, *serial;
    guint n_roles;
    guint8 roles[TVS_MAX_TAP_ROLES];
} trace_msg;

/* What a frame shows again on later passes (file scope). */
typedef struct {
    guint line_kind;
    guint dir;
    gint fd;                    /* -1 unknown */
    const char *phone;          /* NULL unknown */
    guint32 msg_frame;          /* decode lines: the message they describe */
    wmem_strbuf_t *mismatch;    /* disagreements with the tvs dissector, NULL none */
} trace_frame;

typedef struct {
    wmem_map_t *fd_phone;       /* fd -> phone address (file scope) */
    guint n_fds;
    gint last_fd;
    const char *last_phone;
    guint pending_dir;          /* the next dump is a whole message */
    gint pending_fd;
    gint sending_fd;
    gboolean sending;           /* "Sending X msg" seen: the next decode is of the answer */
    trace_msg *last_in;
    trace_msg *decode_of;       /* the message the decode lines in progress describe */
    trace_decode out;           /* decode printed before the answer's dump */
    gboolean out_active;
} trace_state;

static trace_state *ts;

void
cucmlog_reset(void)
{
    ts = wmem_new0(wmem_file_scope(), trace_state);
    ts->fd_phone = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    ts->last_fd = ts->pending_fd = ts->sending_fd = -1;
}

/* ---- small text helpers (the text is NUL-terminated, from pinfo->pool) -- */

static const char *
skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Decimal number at p (at most 9 digits); end set after it. */
static gboolean
parse_uint(const char *p, guint32 *v, const char **end)
{
    guint32 n = 0;
    int digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 9) {
        n = n * 10 + (guint32)(*p - '0');
        p++;
        digits++;
    }
    if (!digits || (*p >= '0' && *p <= '9'))
        return FALSE;
    *v = n;
    if (end)
        *end = p;
    return TRUE;
}

/* Number after `key` in s. */
static gboolean
uint_after(const char *s, const char *key, guint32 *v)
{
    const char *p = strstr(s, key);

    return p && parse_uint(skip_spaces(p + strlen(key)), v, NULL);
}

/* An IPv4/IPv6 address token at p (copied into scope), or NULL. */
static char *
addr_token(wmem_allocator_t *scope, const char *p)
{
    size_t n = 0;
    char *s;
    ws_in4_addr a4;
    ws_in6_addr a6;

    p = skip_spaces(p);
    while (p[n] && (g_ascii_isxdigit(p[n]) || p[n] == '.' || p[n] == ':') && n < 64)
        n++;
    while (n && (p[n - 1] == '.' || p[n - 1] == ':'))
        n--;    /* "..", trailing punctuation */
    if (!n || n >= 64)
        return NULL;
    s = wmem_strndup(scope, p, n);
    if (ws_inet_pton4(s, &a4) || ws_inet_pton6(s, &a6))
        return s;
    wmem_free(scope, s);
    return NULL;
}

/* Text of s between `open` (after key) and `close`, or NULL. */
static char *
between(wmem_allocator_t *scope, const char *s, const char *key, char close)
{
    const char *p = strstr(s, key), *q;

    if (!p)
        return NULL;
    p += strlen(key);
    q = strchr(p, close);
    if (!q)
        return NULL;
    return wmem_strndup(scope, p, (size_t)(q - p));
}

/* ---- TVS trace ----------------------------------------------------------- */

/* The text after "HH:MM:SS.mmm | <level> ", or the whole line when it has
 * no such prefix. */
static const char *
trace_body(const char *line)
{
    const char *p;

    if (strlen(line) < 15 || line[2] != ':' || line[5] != ':' || line[8] != '.' || strncmp(line + 12, " | ", 3))
        return line;
    p = line + 15;
    while (*p && *p != ' ')
        p++;
    return skip_spaces(p);
}

/* "8:UNKNOWN:..." -> 8 */
static gint
line_fd(const char *body)
{
    guint32 fd;
    const char *end;

    if (!parse_uint(body, &fd, &end) || *end != ':' || fd > 65535)
        return -1;
    return (gint)fd;
}

static guint
cmd_from_name(const char *s)
{
    if (strstr(s, "CERT_VERIFICATION_REQ"))
        return TVS_CMD_VERIFY_REQUEST;
    if (strstr(s, "CERT_VERIFICATION_RES"))
        return TVS_CMD_VERIFY_RESPONSE;
    if (strstr(s, "QUERY_CERT_REQ"))
        return TVS_CMD_QUERY_REQUEST;
    if (strstr(s, "QUERY_CERT_RES"))
        return TVS_CMD_QUERY_RESPONSE;
    return 0;
}

static void
mismatch(wmem_strbuf_t **m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
mismatch(wmem_strbuf_t **m, const char *fmt, ...)
{
    va_list ap;

    if (!*m)
        *m = wmem_strbuf_new(wmem_file_scope(), "");
    else
        wmem_strbuf_append(*m, "; ");
    va_start(ap, fmt);
    wmem_strbuf_append_vprintf(*m, fmt, ap);
    va_end(ap);
}

/* Compare decode values printed by the trace with the dissector's decode
 * of message `m`. */
static void
compare_decode(const trace_decode *d, const trace_msg *m, wmem_strbuf_t **mm)
{
    guint i;

    if (m->hdr) {
        if (d->has_pd && d->pd != m->pd)
            mismatch(mm, "Protocol Discriminator %x printed, byte 0 is %02x", d->pd, m->pd);
        if (d->has_cmd && d->cmd != m->cmd)
            mismatch(mm, "MsgType of command %u printed, byte 2 is %u", d->cmd, m->cmd);
        if (d->has_len && d->len != m->len)
            mismatch(mm, "Length %u printed, header body length is %u", d->len, m->len);
    }
    if (d->subject && m->has_subject && strcmp(d->subject, m->subject))
        mismatch(mm, "Subject \"%s\" printed, message has \"%s\"", d->subject, m->subject);
    if (d->issuer && m->has_issuer && strcmp(d->issuer, m->issuer))
        mismatch(mm, "Issuer \"%s\" printed, message has \"%s\"", d->issuer, m->issuer);
    if (d->serial && m->has_serial && g_ascii_strcasecmp(d->serial, m->serial))
        mismatch(mm, "Serial %s printed, message has %s", d->serial, m->serial);
    if (d->has_rolecount && m->has_roles) {
        gboolean same = d->n_roles == m->n_roles && d->rolecount == m->n_roles;
        for (i = 0; same && i < d->n_roles; i++)
            same = d->roles[i] == m->roles[i];
        if (!same)
            mismatch(mm, "TVS's certificate cache listed %u role(s), the answer carries %u%s", d->rolecount,
                     m->n_roles, d->n_roles == m->n_roles ? " (different codes)" : "");
    }
}

static void
decode_line(trace_decode *d, const char *body, wmem_allocator_t *scope)
{
    guint32 v;
    const char *p;

    if ((p = strstr(body, "Protocol Discriminator:")) != NULL) {
        d->has_pd = TRUE;
        d->pd = (guint)strtoul(skip_spaces(p + 23), NULL, 16) & 0xffff;
    } else if ((p = strstr(body, "MsgType :")) != NULL) {
        d->cmd = cmd_from_name(p);
        d->has_cmd = d->cmd != 0;
    } else if (uint_after(body, "Length :", &v)) {
        d->has_len = TRUE;
        d->len = v;
    } else if ((p = strstr(body, "Subject Name is:")) != NULL) {
        d->subject = wmem_strdup(scope, skip_spaces(p + 16));
    } else if ((p = strstr(body, "Issuer Name is:")) != NULL) {
        d->issuer = wmem_strdup(scope, skip_spaces(p + 15));
    } else if ((p = strstr(body, "Serial Number is:")) != NULL) {
        d->serial = wmem_strdup(scope, skip_spaces(p + 17));
    } else if (uint_after(body, "{rolecount :", &v)) {
        d->has_rolecount = TRUE;
        d->rolecount = v;
        d->n_roles = 0;
    } else if (uint_after(body, "{role :", &v)) {
        if (d->n_roles < TVS_MAX_TAP_ROLES)
            d->roles[d->n_roles++] = (guint8)v;
    }
}

static gboolean
is_decode_line(const char *body)
{
    return strstr(body, "Protocol Discriminator:") || strstr(body, "MsgType :") || strstr(body, "Session Id :") ||
           (strncmp(body, "Length :", 8) == 0) || strstr(body, "Subject Name is:") || strstr(body, "Issuer Name is:") ||
           strstr(body, "Serial Number is:");
}

static guint
classify_trace_line(const char *body)
{
    if (strstr(body, "Got a new ph conn "))
        return TL_NEW_CONN;
    if (strstr(body, "ipAddrStr (Phone)"))
        return TL_PHONE_ADDR;
    if (strstr(body, "Accepted TCP connection"))
        return TL_ACCEPT;
    if (strstr(body, "Session ciphers"))
        return TL_CIPHER;
    if (strstr(body, "TLS HS Done"))
        return TL_HS_DONE;
    if (strstr(body, "Incoming Phone Msg"))
        return TL_INCOMING;
    if (strstr(body, "Sending TLS Msg"))
        return TL_SENDING_TLS;
    if (strstr(body, "Sending ") && strstr(body, " msg"))
        return TL_SENDING;
    if (strstr(body, "tvsPhoneDecodeMsg") || strstr(body, "Decoded Phone Msg"))
        return TL_DECODE_START;
    if (is_decode_line(body))
        return TL_DECODE;
    if (strstr(body, "{rolecount :") || strstr(body, "{role :") || strstr(body, "Certificate compare") ||
        strstr(body, "Certificate found") || strstr(body, "getCertificateInformation"))
        return TL_LOOKUP;
    return TL_OTHER;
}

static void
remember_fd(gint fd, const char *phone)
{
    gpointer key = GINT_TO_POINTER(fd + 1);

    if (fd < 0 || !phone)
        return;
    if (!wmem_map_contains(ts->fd_phone, key)) {
        if (ts->n_fds >= CLOG_MAX_FDS)
            return;
        ts->n_fds++;
    }
    wmem_map_insert(ts->fd_phone, key, wmem_strdup(wmem_file_scope(), phone));
}

static const char *
phone_of_fd(gint fd)
{
    const char *p = fd >= 0 ? (const char *)wmem_map_lookup(ts->fd_phone, GINT_TO_POINTER(fd + 1)) : NULL;

    return p ? p : ts->last_phone;
}

/* First pass over a plain trace line: update the state, return what the
 * frame keeps (NULL: nothing). */
static trace_frame *
trace_line_first(packet_info *pinfo, const char *body, guint kind)
{
    trace_frame *tf = NULL;
    gint fd = line_fd(body);
    char *ip;
    const char *p;

    if (fd >= 0)
        ts->last_fd = fd;
    switch (kind) {
    case TL_NEW_CONN:
        p = strstr(body, "Got a new ph conn ") + 18;
        ip = addr_token(pinfo->pool, p);
        if (ip) {
            guint32 cfd;
            const char *on = strstr(p, " on ");
            ts->last_phone = wmem_strdup(wmem_file_scope(), ip);
            if (on && parse_uint(on + 4, &cfd, NULL) && cfd <= 65535)
                remember_fd((gint)cfd, ip);
        }
        break;
    case TL_PHONE_ADDR:
        ip = addr_token(pinfo->pool, strstr(body, "ipAddrStr (Phone)") + 17);
        if (ip)
            ts->last_phone = wmem_strdup(wmem_file_scope(), ip);
        break;
    case TL_INCOMING:
        ts->pending_dir = DIR_TO_TVS;
        ts->pending_fd = fd >= 0 ? fd : ts->last_fd;
        ts->sending = FALSE;
        break;
    case TL_SENDING:
        ts->sending = TRUE;
        ts->sending_fd = fd >= 0 ? fd : ts->last_fd;
        break;
    case TL_SENDING_TLS:
        ts->pending_dir = DIR_FROM_TVS;
        ts->pending_fd = ts->sending_fd >= 0 ? ts->sending_fd : ts->last_fd;
        break;
    case TL_DECODE_START:
        if (ts->sending) {
            ts->decode_of = NULL;
            ts->out_active = TRUE;
        } else {
            ts->decode_of = ts->last_in;
        }
        break;
    case TL_DECODE:
    case TL_LOOKUP: {
        trace_decode d;
        gboolean in_req = strstr(body, "Name is:") || strstr(body, "Serial Number is:");
        memset(&d, 0, sizeof d);
        if (kind == TL_LOOKUP || ts->out_active) {
            /* printed before the answer: kept for its dump */
            if (kind == TL_LOOKUP && strstr(body, "{rolecount :"))
                memset(&ts->out, 0, sizeof ts->out);
            if (!in_req) {
                decode_line(&ts->out, body, wmem_file_scope());
                break;
            }
        }
        /* printed after the request's dump: compared now */
        tf = wmem_new0(wmem_file_scope(), trace_frame);
        tf->line_kind = kind;
        tf->fd = -1;
        decode_line(&d, body, pinfo->pool);
        {
            trace_msg *m = in_req ? ts->last_in : ts->decode_of;
            if (m) {
                tf->msg_frame = m->frame;
                compare_decode(&d, m, &tf->mismatch);
            }
        }
        break;
    }
    default:
        break;
    }
    return tf;
}

static void
msg_from_tap(trace_msg *m, packet_info *pinfo)
{
    wmem_list_t *events = sbd_frame_events(pinfo);
    wmem_list_frame_t *l;
    const tvs_tap_info *ti = NULL;

    for (l = events ? wmem_list_head(events) : NULL; l; l = wmem_list_frame_next(l)) {
        const sbd_event *ev = (const sbd_event *)wmem_list_frame_data(l);
        if (ev->kind == SBD_EV_TVS)
            ti = (const tvs_tap_info *)ev->data;
    }
    if (!ti)
        return;
    if (ti->subject) {
        m->has_subject = TRUE;
        m->subject = wmem_strdup(wmem_file_scope(), ti->subject);
    }
    if (ti->issuer) {
        m->has_issuer = TRUE;
        m->issuer = wmem_strdup(wmem_file_scope(), ti->issuer);
    }
    if (ti->serial) {
        m->has_serial = TRUE;
        m->serial = sbd_hex(wmem_file_scope(), ti->serial, ti->serial_len);
    }
    if (ti->has_roles) {
        m->has_roles = TRUE;
        m->n_roles = MIN(ti->n_roles, TVS_MAX_TAP_ROLES);
        memcpy(m->roles, ti->roles, m->n_roles);
    }
}

static void
set_phone_address(packet_info *pinfo, address *a, const char *phone, gint fd)
{
    ws_in4_addr a4;
    ws_in6_addr a6;

    if (phone && ws_inet_pton4(phone, &a4)) {
        guint8 *b = (guint8 *)wmem_memdup(pinfo->pool, &a4, 4);
        set_address(a, AT_IPv4, 4, b);
    } else if (phone && ws_inet_pton6(phone, &a6)) {
        guint8 *b = (guint8 *)wmem_memdup(pinfo->pool, &a6, 16);
        set_address(a, AT_IPv6, 16, b);
    } else {
        char *s = fd >= 0 ? wmem_strdup_printf(pinfo->pool, "phone on fd %d", fd) : wmem_strdup(pinfo->pool, "phone");
        set_address(a, AT_STRINGZ, (int)strlen(s) + 1, s);
    }
}

/* A "HEX_DUMP: Len = N:" record: lines[0] the header, then hex lines. */
static void
dissect_trace_dump(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *tt, proto_item *ti,
                   char **lines, guint n_lines, int text_off)
{
    guint32 stated = 0;
    guint8 *bytes = (guint8 *)wmem_alloc(pinfo->pool, CLOG_MAX_DUMP);
    guint have = 0, i, kept_over = 0;
    gboolean bad = FALSE;
    trace_frame *tf = (trace_frame *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tvstrace, 0);
    proto_item *pi;
    tvbuff_t *mt;

    uint_after(lines[0], "Len =", &stated);
    /* Up to the first token that is not two hex digits: after a cut or
     * garbled line the bytes would no longer be where the message has them. */
    for (i = 1; i < n_lines && !bad; i++) {
        const char *p = trace_body(lines[i]);
        while (*p) {
            if (g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]) && (p[2] == ' ' || p[2] == '\0')) {
                if (have < CLOG_MAX_DUMP)
                    bytes[have++] = (guint8)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
                else
                    kept_over++;
                p = skip_spaces(p + 2);
            } else {
                bad = TRUE;
                break;
            }
        }
    }

    if (!PINFO_FD_VISITED(pinfo)) {
        tf = wmem_new0(wmem_file_scope(), trace_frame);
        tf->fd = -1;
        if (ts->pending_dir) {
            tf->line_kind = TL_DUMP_MSG;
            tf->dir = ts->pending_dir;
            tf->fd = ts->pending_fd;
            tf->phone = phone_of_fd(tf->fd);
            if (tf->phone)
                tf->phone = wmem_strdup(wmem_file_scope(), tf->phone);
            if (tf->fd >= 0 && tf->phone)
                remember_fd(tf->fd, tf->phone);
        } else {
            tf->line_kind = TL_DUMP_PIECE;
        }
        p_add_proto_data(wmem_file_scope(), pinfo, proto_tvstrace, 0, tf);
    }
    if (!tf)
        return;

    proto_tree_add_uint(tt, hf_tt_kind, tvb, text_off, 0, tf->line_kind);
    pi = proto_tree_add_uint(tt, hf_tt_dump_len, tvb, text_off, 0, stated);
    proto_tree_add_uint(tt, hf_tt_dump_have, tvb, text_off, 0, have + kept_over);
    if (bad)
        expert_add_info(pinfo, ti, &ei_dump_bad_hex);
    if (have + kept_over < stated)
        expert_add_info_format(pinfo, pi, &ei_dump_short,
                               "Dump shorter than its Len: %u of %u bytes (decoded as far as it goes)",
                               have + kept_over, stated);
    else if (have + kept_over > stated)
        expert_add_info_format(pinfo, pi, &ei_dump_long, "Dump longer than its Len: %u bytes, Len = %u",
                               have + kept_over, stated);
    if (!have)
        return;

    mt = tvb_new_child_real_data(tvb, bytes, have, have);
    if (tf->line_kind != TL_DUMP_MSG) {
        add_new_data_source(pinfo, mt, "Hex dump (part of the trace's decode)");
        proto_tree_add_item(tt, hf_tt_dump, mt, 0, have, ENC_NA);
        col_set_str(pinfo->cinfo, COL_INFO, "Hex dump (part of the trace's decode)");
        return;
    }
    add_new_data_source(pinfo, mt, "TVS message (trace hex dump)");
    proto_tree_add_uint(tt, hf_tt_dir, tvb, text_off, 0, tf->dir);
    if (tf->fd >= 0)
        proto_tree_add_int(tt, hf_tt_fd, tvb, text_off, 0, tf->fd);
    if (tf->phone)
        proto_tree_add_string(tt, hf_tt_phone, tvb, text_off, 0, tf->phone);
    else
        expert_add_info(pinfo, ti, &ei_no_phone);

    /* The message between the phone and TVS: the fd stands for the phone's
     * port (the trace does not print it), 2445 for TVS's. */
    if (tf->dir == DIR_TO_TVS) {
        set_phone_address(pinfo, &pinfo->src, tf->phone, tf->fd);
        set_address(&pinfo->dst, AT_STRINGZ, 4, "TVS");
        pinfo->srcport = tf->fd >= 0 ? (guint32)tf->fd : 0;
        pinfo->destport = TVS_TLS_PORT;
    } else {
        set_address(&pinfo->src, AT_STRINGZ, 4, "TVS");
        set_phone_address(pinfo, &pinfo->dst, tf->phone, tf->fd);
        pinfo->srcport = TVS_TLS_PORT;
        pinfo->destport = tf->fd >= 0 ? (guint32)tf->fd : 0;
    }
    copy_address_shallow(&pinfo->net_src, &pinfo->src);
    copy_address_shallow(&pinfo->net_dst, &pinfo->dst);
    pinfo->ptype = PT_NONE;

    if (tvs_handle)
        call_dissector(tvs_handle, mt, pinfo, tree);

    if (!PINFO_FD_VISITED(pinfo)) {
        trace_msg *m = wmem_new0(wmem_file_scope(), trace_msg);
        m->frame = pinfo->num;
        m->dir = tf->dir;
        if (have >= TVS_HEADER_LEN) {
            m->hdr = TRUE;
            m->pd = bytes[0];
            m->cmd = bytes[2];
            m->len = (guint)bytes[8] << 8 | bytes[9];
        }
        msg_from_tap(m, pinfo);
        if (tf->dir == DIR_TO_TVS) {
            ts->last_in = m;
            ts->decode_of = m;
        } else {
            compare_decode(&ts->out, m, &tf->mismatch);
            memset(&ts->out, 0, sizeof ts->out);
            ts->out_active = FALSE;
            ts->sending = FALSE;
            ts->decode_of = NULL;
        }
        ts->pending_dir = DIR_NONE;
        ts->pending_fd = -1;
    }
    if (tf->mismatch)
        expert_add_info_format(pinfo, ti, &ei_decode_mismatch, "The trace's decode disagrees with the bytes: %s",
                               wmem_strbuf_get_str(tf->mismatch));
}

static void
dissect_trace_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *cti,
                     const char *text, int text_off)
{
    proto_item *ti;
    proto_tree *tt;
    char **lines;
    guint n_lines;
    const char *body;
    trace_frame *tf;
    guint kind;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "TVS trace");
    ti = proto_tree_add_item(tree, proto_tvstrace, tvb, text_off, -1, ENC_NA);
    tt = proto_item_add_subtree(ti, ett_tvstrace);
    lines = wmem_strsplit(pinfo->pool, text, "\n", -1);
    for (n_lines = 0; lines[n_lines]; n_lines++)
        ;
    if (!n_lines)
        return;

    if (strncmp(lines[0], "HEX_DUMP: Len =", 15) == 0) {
        dissect_trace_dump(tvb, pinfo, tree, tt, cti, lines, n_lines, text_off);
        return;
    }

    body = trace_body(lines[0]);
    kind = classify_trace_line(body);
    if (kind == TL_OTHER && body != lines[0] && *body) {
        const char *p = body;
        while (*p && (g_ascii_isxdigit(*p) || *p == ' '))
            p++;
        if (!*p)
            kind = TL_HEX_ORPHAN;
    }
    if (!PINFO_FD_VISITED(pinfo)) {
        tf = trace_line_first(pinfo, body, kind);
        if (tf)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_tvstrace, 0, tf);
    } else {
        tf = (trace_frame *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tvstrace, 0);
    }
    proto_tree_add_uint(tt, hf_tt_kind, tvb, text_off, 0, kind);
    col_add_str(pinfo->cinfo, COL_INFO, sbd_format_text(pinfo->pool, body, strlen(body)));

    if (kind == TL_HEX_ORPHAN)
        expert_add_info(pinfo, ti, &ei_dump_orphan);
    if (kind == TL_NEW_CONN || kind == TL_PHONE_ADDR) {
        const char *p = strstr(body, kind == TL_NEW_CONN ? "Got a new ph conn " : "ipAddrStr (Phone)");
        char *ip = addr_token(pinfo->pool, p + (kind == TL_NEW_CONN ? 18 : 17));
        guint32 cfd;
        const char *on = strstr(body, " on ");
        if (ip)
            proto_tree_add_string(tt, hf_tt_phone, tvb, text_off, 0, ip);
        if (kind == TL_NEW_CONN && on && parse_uint(on + 4, &cfd, NULL) && cfd <= 65535)
            proto_tree_add_int(tt, hf_tt_fd, tvb, text_off, 0, (gint32)cfd);
    } else if (line_fd(body) >= 0) {
        proto_tree_add_int(tt, hf_tt_fd, tvb, text_off, 0, line_fd(body));
    }
    if (kind == TL_DECODE || kind == TL_LOOKUP) {
        trace_decode d;
        proto_tree *dt;
        proto_item *di;
        memset(&d, 0, sizeof d);
        decode_line(&d, body, pinfo->pool);
        di = proto_tree_add_item(tt, hf_tt_decode, tvb, text_off, -1, ENC_NA);
        dt = proto_item_add_subtree(di, ett_decode);
        if (d.has_pd)
            proto_tree_add_uint(dt, hf_tt_pd, tvb, text_off, 0, d.pd);
        if (d.has_cmd || strstr(body, "MsgType :"))
            proto_tree_add_string(dt, hf_tt_msgtype, tvb, text_off, 0, skip_spaces(strstr(body, "MsgType :") ? strstr(body, "MsgType :") + 9 : body));
        {
            guint32 sid;
            if (uint_after(body, "Session Id :", &sid))
                proto_tree_add_uint(dt, hf_tt_session, tvb, text_off, 0, sid);
        }
        if (d.has_len)
            proto_tree_add_uint(dt, hf_tt_length, tvb, text_off, 0, d.len);
        if (d.subject)
            proto_tree_add_string(dt, hf_tt_subject, tvb, text_off, 0, d.subject);
        if (d.issuer)
            proto_tree_add_string(dt, hf_tt_issuer, tvb, text_off, 0, d.issuer);
        if (d.serial)
            proto_tree_add_string(dt, hf_tt_serial, tvb, text_off, 0, d.serial);
        if (d.has_rolecount)
            proto_tree_add_uint(dt, hf_tt_rolecount, tvb, text_off, 0, d.rolecount);
        if (d.n_roles)
            proto_tree_add_uint(dt, hf_tt_role, tvb, text_off, 0, d.roles[0]);
    }
    if (tf && tf->msg_frame) {
        proto_item *pi = proto_tree_add_uint(tt, hf_tt_msg_frame, tvb, text_off, 0, tf->msg_frame);
        proto_item_set_generated(pi);
    }
    if (tf && tf->mismatch)
        expert_add_info_format(pinfo, ti, &ei_decode_mismatch, "The trace's decode disagrees with the bytes: %s",
                               wmem_strbuf_get_str(tf->mismatch));
}

/* ---- phone console log --------------------------------------------------- */

typedef struct {
    phonelog_event ev;
    const char *key;
} pl_rule;

/* Fixed texts of logs.md 2 ([S]); checked in this order, first match wins.
 * Failure wording is open ([?]): matched loosely further down. */
static const pl_rule pl_rules[] = {
    { PHONELOG_EV_DOWNLOAD_REQUEST, "GETXXTP [" },
    { PHONELOG_EV_DOWNLOAD_REQUEST, "tlRequestFile: Request " },
    { PHONELOG_EV_DOWNLOAD_REQUEST, "]:Requesting " },
    { PHONELOG_EV_DOWNLOAD_DONE, "]:Finished --> rcvd " },
    { PHONELOG_EV_DOWNLOAD_DONE, "XXTP complete - status = " },
    { PHONELOG_EV_DOWNLOAD_SERVER, "XXTP actualserver [" },
    { PHONELOG_EV_TVS_CONNECT, "Attempting connect to TVS server addr [" },
    { PHONELOG_EV_TVS_CONNECT, "BIO created with: addr:" },
    { PHONELOG_EV_TVS_CONNECT, "connectToTvsServer:" },
    { PHONELOG_EV_PHONE_CERT, "Certificate subject name = " },
    { PHONELOG_EV_TVS_CERT_CHECK, "Cert Verification - Role is = " },
    { PHONELOG_EV_TVS_CERT_CHECK, "Cert Verification - Certificate is valid" },
    { PHONELOG_EV_TLS_OK, "Handshake successful" },
    { PHONELOG_EV_TVS_REQUEST, "TVS process request - processing" },
    { PHONELOG_EV_TVS_SENT, "sent the TVS request to TVS server, bytes written : " },
    { PHONELOG_EV_TVS_RECEIVED, "TVS Service receives " },
    { PHONELOG_EV_TVS_STATUS, "Authentication Response received, status : " },
    { PHONELOG_EV_CACHE_ADD, "TVS added cert to TVS cache" },
    { PHONELOG_EV_CACHE_ADD, "saveCertToTvsCache:" },
    { PHONELOG_EV_CACHE_MISS, "No matching entry found at cache" },
    { PHONELOG_EV_CERT_NOT_IN_TL, "cert not in CTL" },
    { PHONELOG_EV_CERT_NOT_IN_TL, "not in Trust list" },
    { PHONELOG_EV_CERT_IN_TL, "hash in TL MATCH" },
    { PHONELOG_EV_CERT_IN_TL, "TVS cert verified with hash from TL" },
    { PHONELOG_EV_FILE_VERIFIED, "Hashes match... authentication successful" },
    { PHONELOG_EV_FILE_VERIFIED, "File sign verify SUCCESS" },
    { PHONELOG_EV_FILE_VERIFIED, "verifyFile: verify SUCCESS" },
    { PHONELOG_EV_FILE_VERIFIED, "TL file verified successfully" },
    { PHONELOG_EV_TL_WARNING, "(knows only upto" },
    { PHONELOG_EV_TL_PARSED, "TL parse to table:" },
    { PHONELOG_EV_TL_UPDATED, "TL file updated" },
    { PHONELOG_EV_NONE, NULL }
};

static gboolean
contains_ci(const char *s, const char *key)
{
    size_t n = strlen(key);

    for (; *s; s++) {
        if (g_ascii_strncasecmp(s, key, n) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Parse the event of `text` into `pt`. */
static void
phonelog_event_of(packet_info *pinfo, const char *text, phonelog_tap_info *pt)
{
    const pl_rule *r;
    const char *p;
    guint32 v;

    for (r = pl_rules; r->key; r++) {
        if (strstr(text, r->key))
            break;
    }
    pt->event = r->key ? r->ev : PHONELOG_EV_NONE;
    if (!r->key) {
        /* loosely: a failed verification of a trust list or a file */
        if ((contains_ci(text, "verif") || contains_ci(text, "sign") || contains_ci(text, "Trust List") ||
             contains_ci(text, "ITL") || contains_ci(text, "CTL")) &&
            (contains_ci(text, "fail") || contains_ci(text, "not used to sign") || contains_ci(text, "error pars")))
            pt->event = PHONELOG_EV_FILE_REFUSED;
        return;
    }
    switch (pt->event) {
    case PHONELOG_EV_DOWNLOAD_REQUEST:
        if ((p = strstr(text, "[src=")) != NULL) {
            pt->file = between(pinfo->pool, p, "[src=", ']');
            p = strstr(text, "[serv=");
            if (p) {
                char *s = between(pinfo->pool, p, "[serv=", ']');
                pt->server = s && *s ? s : NULL;
            }
        } else if ((p = strstr(text, "Request ")) != NULL && strstr(text, "tlRequestFile")) {
            pt->file = wmem_strndup(pinfo->pool, p + 8, strcspn(p + 8, " \t"));
        } else if ((p = strstr(text, "]:Requesting ")) != NULL) {
            const char *from;
            pt->file = wmem_strndup(pinfo->pool, p + 13, strcspn(p + 13, " \t"));
            from = strstr(p, " from ");
            if (from)
                pt->server = addr_token(pinfo->pool, from + 6);
        }
        break;
    case PHONELOG_EV_DOWNLOAD_DONE:
        if (uint_after(text, "rcvd", &v)) {
            pt->has_size = TRUE;
            pt->size = v;
        } else if (uint_after(text, "status =", &v)) {
            pt->has_status = TRUE;
            pt->status = v;
        }
        break;
    case PHONELOG_EV_DOWNLOAD_SERVER:
        pt->server = addr_token(pinfo->pool, strstr(text, "actualserver [") + 14);
        break;
    case PHONELOG_EV_TVS_CONNECT:
        if ((p = strstr(text, "addr [")) != NULL)
            pt->server = addr_token(pinfo->pool, p + 6);
        else if ((p = strstr(text, "addr:")) != NULL)
            pt->server = addr_token(pinfo->pool, p + 5);
        else if ((p = strstr(text, "IP:")) != NULL)
            pt->server = addr_token(pinfo->pool, p + 3);
        if (uint_after(text, "port:", &v)) {
            pt->has_port = TRUE;
            pt->port = v;
        }
        break;
    case PHONELOG_EV_TVS_SENT:
        if (uint_after(text, "bytes written :", &v)) {
            pt->has_size = TRUE;
            pt->size = v;
        }
        break;
    case PHONELOG_EV_TVS_RECEIVED:
        if (uint_after(text, "receives", &v)) {
            pt->has_size = TRUE;
            pt->size = v;
        }
        break;
    case PHONELOG_EV_TVS_STATUS:
        if (uint_after(text, "status :", &v)) {
            pt->has_status = TRUE;
            pt->status = v;
        }
        break;
    case PHONELOG_EV_CACHE_ADD:
        if (uint_after(text, "time-to-live value:", &v)) {
            pt->has_ttl = TRUE;
            pt->ttl = v;
        } else if (uint_after(text, "expires in", &v) && v <= 24 * 365 && strstr(text, "hours")) {
            pt->has_ttl = TRUE;
            pt->ttl = v * 3600;
        }
        break;
    case PHONELOG_EV_CERT_NOT_IN_TL:
    case PHONELOG_EV_CERT_IN_TL:
        if ((p = strrchr(text, '<')) != NULL)
            pt->server = addr_token(pinfo->pool, p + 1);
        if (strstr(text, "not in Trust list") && strstr(text, "TVS"))
            pt->event = PHONELOG_EV_TVS_UNUSED;
        break;
    case PHONELOG_EV_FILE_VERIFIED:
        if ((p = strstr(text, "SUCCESS <")) != NULL) {
            char *f = between(pinfo->pool, p, "SUCCESS <", '>');
            if (f) {
                const char *slash = strrchr(f, '/');
                pt->file = slash ? slash + 1 : f;
            }
        }
        break;
    default:
        break;
    }
}

/* Split "3233 NOT Nov 29 06:33:59.033132 dgetfile(870)-GETXXTP ..." or
 * "837: NOT 09:13:17.561856 SECD: tlRequestFile: ..." */
static gboolean
phonelog_split(const char *line, guint kind, guint32 *seq, char **level, char **task, const char **text,
               wmem_allocator_t *scope)
{
    const char *p = line, *q;
    int i;

    if (!parse_uint(p, seq, &p))
        return FALSE;
    if (kind == KIND_PHONE_OLD && *p++ != ':')
        return FALSE;
    if (*p++ != ' ')
        return FALSE;
    q = p;
    while (*q >= 'A' && *q <= 'Z')
        q++;
    if (q == p || *q != ' ')
        return FALSE;
    *level = wmem_strndup(scope, p, (size_t)(q - p));
    p = skip_spaces(q);
    /* month and day, then the time: skip words until one has ':' */
    for (i = 0; i < 3 && *p; i++) {
        q = p + strcspn(p, " ");
        if (memchr(p, ':', (size_t)(q - p)))
            break;
        p = skip_spaces(q);
    }
    p += strcspn(p, " ");
    p = skip_spaces(p);
    /* the task: up to "-" (88xx) or ": " (79xx) */
    q = kind == KIND_PHONE_OLD ? strstr(p, ": ") : strchr(p, '-');
    if (!q || memchr(p, ' ', (size_t)(q - p))) {
        *task = NULL;
        *text = p;
        return TRUE;
    }
    *task = wmem_strndup(scope, p, (size_t)(q - p));
    *text = q + (kind == KIND_PHONE_OLD ? 2 : 1);
    return TRUE;
}

static void
dissect_phonelog_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint kind, guint32 lineno,
                        const char *line, int text_off)
{
    proto_item *ti, *ei;
    proto_tree *pt;
    guint32 seq = 0;
    char *level = NULL, *task = NULL;
    const char *text = line;
    phonelog_tap_info *tap;
    const char *sep;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Phone log");
    ti = proto_tree_add_item(tree, proto_phonelog, tvb, text_off, -1, ENC_NA);
    pt = proto_item_add_subtree(ti, ett_phonelog);
    if (!phonelog_split(line, kind, &seq, &level, &task, &text, pinfo->pool)) {
        /* a wrapped line or one of another format: kept as text */
        proto_tree_add_string(pt, hf_pl_text, tvb, text_off, -1, line);
        col_add_str(pinfo->cinfo, COL_INFO, sbd_format_text(pinfo->pool, line, strlen(line)));
        return;
    }
    proto_tree_add_uint(pt, hf_pl_seq, tvb, text_off, 0, seq);
    proto_tree_add_string(pt, hf_pl_level, tvb, text_off, 0, level);
    if (task)
        proto_tree_add_string(pt, hf_pl_task, tvb, text_off, 0, task);
    proto_tree_add_string(pt, hf_pl_text, tvb, text_off, -1, text);

    tap = wmem_new0(pinfo->pool, phonelog_tap_info);
    tap->frame = pinfo->num;
    tap->line = lineno;
    tap->text = text;
    phonelog_event_of(pinfo, text, tap);
    /* SEP<mac> in a file name (CTLSEP0011215A1AE3.tlv) or a device name
     * (CN=CP-8861-SEPB000B4BA0AEE): the 15 characters from "SEP" */
    for (sep = strstr(text, "SEP"); sep && !tap->has_mac; sep = strstr(sep + 3, "SEP")) {
        char *n = wmem_strdup_printf(pinfo->pool, "%.15s.", sep);
        tap->has_mac = strlen(n) == 16 && sbd_mac_from_name(n, tap->mac);
    }

    if (tap->event != PHONELOG_EV_NONE) {
        ei = proto_tree_add_uint(pt, hf_pl_event, tvb, text_off, 0, tap->event);
        if (tap->event == PHONELOG_EV_FILE_REFUSED)
            expert_add_info(pinfo, ei, &ei_pl_failure);
        if (tap->file)
            proto_tree_add_string(pt, hf_pl_file, tvb, text_off, 0, tap->file);
        if (tap->server)
            proto_tree_add_string(pt, hf_pl_server, tvb, text_off, 0, tap->server);
        if (tap->has_port)
            proto_tree_add_uint(pt, hf_pl_port, tvb, text_off, 0, tap->port);
        if (tap->has_size)
            proto_tree_add_uint(pt, hf_pl_size, tvb, text_off, 0, tap->size);
        if (tap->has_status)
            proto_tree_add_uint(pt, hf_pl_status, tvb, text_off, 0, tap->status);
        if (tap->has_ttl)
            proto_tree_add_uint(pt, hf_pl_ttl, tvb, text_off, 0, tap->ttl);
        if (tap->event == PHONELOG_EV_PHONE_CERT)
            proto_tree_add_string(pt, hf_pl_subject, tvb, text_off, 0, strstr(text, "= ") + 2);
        if (tap->event == PHONELOG_EV_TVS_CERT_CHECK) {
            guint32 role;
            if (uint_after(text, "Role is =", &role))
                proto_tree_add_uint(pt, hf_pl_role, tvb, text_off, 0, role);
        }
        tap_queue_packet(phonelog_tap, pinfo, tap);
        col_add_fstr(pinfo->cinfo, COL_INFO, "%s: %s", val_to_str_const(tap->event, pl_event_vals, "?"),
                     sbd_format_text(pinfo->pool, text, strlen(text)));
    } else {
        col_add_str(pinfo->cinfo, COL_INFO, sbd_format_text(pinfo->pool, text, strlen(text)));
    }
    if (tap->has_mac)
        proto_tree_add_ether(pt, hf_pl_mac, tvb, text_off, 0, tap->mac);
}

/* ---- the record ---------------------------------------------------------- */

static int
dissect_cucmlog(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    proto_item *ti, *pi;
    proto_tree *ct;
    guint kind, src, flags, year, month, day;
    guint32 lineno;
    int len = (int)tvb_captured_length(tvb);
    char *text;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Log");
    col_clear(pinfo->cinfo, COL_INFO);
    ti = proto_tree_add_item(tree, proto_cucmlog, tvb, 0, -1, ENC_NA);
    ct = proto_item_add_subtree(ti, ett_cucmlog);
    if (len < CLOG_HDR_LEN || (kind = tvb_get_uint8(tvb, 0)) < KIND_TRACE || kind > KIND_PHONE_OLD) {
        expert_add_info(pinfo, ti, &ei_bad_header);
        return len;
    }
    src = tvb_get_uint8(tvb, 1);
    flags = tvb_get_uint8(tvb, 2);
    lineno = tvb_get_ntohl(tvb, 4);
    year = tvb_get_ntohs(tvb, 8);
    month = tvb_get_uint8(tvb, 10);
    day = tvb_get_uint8(tvb, 11);
    proto_tree_add_uint(ct, hf_kind, tvb, 0, 1, kind);
    proto_tree_add_uint(ct, hf_line, tvb, 4, 4, lineno);
    proto_tree_add_uint(ct, hf_lines, tvb, 3, 1, tvb_get_uint8(tvb, 3));
    pi = proto_tree_add_uint(ct, hf_date_source, tvb, 1, 1, src);
    if (src == DATE_NONE || src == DATE_LINE_NO_YEAR)
        expert_add_info(pinfo, pi, &ei_no_date);
    if (src != DATE_NONE)
        proto_tree_add_string(ct, hf_date, tvb, 8, 4,
                              wmem_strdup_printf(pinfo->pool, src == DATE_LINE_NO_YEAR ? "year unknown, %02u-%02u" : "%04u-%02u-%02u",
                                                 src == DATE_LINE_NO_YEAR ? month : year,
                                                 src == DATE_LINE_NO_YEAR ? day : month, day));
    text = (char *)tvb_get_string_enc(pinfo->pool, tvb, CLOG_HDR_LEN, len - CLOG_HDR_LEN, ENC_UTF_8);
    pi = proto_tree_add_string(ct, hf_text, tvb, CLOG_HDR_LEN, len - CLOG_HDR_LEN, text);
    if (flags & 1)
        expert_add_info(pinfo, pi, &ei_cut);
    proto_item_append_text(ti, ", line %u", lineno);

    if (kind == KIND_TRACE)
        dissect_trace_record(tvb, pinfo, tree, ti, text, CLOG_HDR_LEN);
    else
        dissect_phonelog_record(tvb, pinfo, tree, kind, lineno, text, CLOG_HDR_LEN);
    return len;
}

void
proto_register_cucmlog(void)
{
    static hf_register_info hf[] = {
        { &hf_kind, { "Log kind", "cucmlog.kind", FT_UINT8, BASE_DEC, VALS(kind_vals), 0, NULL, HFILL } },
        { &hf_line, { "Line", "cucmlog.line", FT_UINT32, BASE_DEC, NULL, 0, "Line number in the log file", HFILL } },
        { &hf_lines, { "Lines", "cucmlog.lines", FT_UINT8, BASE_DEC, NULL, 0, "Lines in this record", HFILL } },
        { &hf_date_source, { "Date source", "cucmlog.date_source", FT_UINT8, BASE_DEC, VALS(date_source_vals), 0, NULL, HFILL } },
        { &hf_date, { "Date", "cucmlog.date", FT_STRING, BASE_NONE, NULL, 0, "Date used for the time stamp", HFILL } },
        { &hf_text, { "Text", "cucmlog.text", FT_STRING, BASE_NONE, NULL, 0, "The record's text as in the file", HFILL } },
    };
    static hf_register_info hf_tt[] = {
        { &hf_tt_kind, { "Line kind", "tvstrace.line_kind", FT_UINT8, BASE_DEC, VALS(tl_vals), 0, NULL, HFILL } },
        { &hf_tt_fd, { "Connection (fd)", "tvstrace.fd", FT_INT32, BASE_DEC, NULL, 0, "TVS's socket of the phone connection", HFILL } },
        { &hf_tt_phone, { "Phone address", "tvstrace.phone", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_dir, { "Direction", "tvstrace.direction", FT_UINT8, BASE_DEC, VALS(dir_vals), 0, NULL, HFILL } },
        { &hf_tt_dump_len, { "Dump Len", "tvstrace.dump.len", FT_UINT32, BASE_DEC, NULL, 0, "Length the HEX_DUMP line states", HFILL } },
        { &hf_tt_dump_have, { "Dump bytes present", "tvstrace.dump.present", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_tt_dump, { "Dump bytes", "tvstrace.dump.bytes", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_msg_frame, { "Decode of the message in", "tvstrace.msg_frame", FT_FRAMENUM, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_decode, { "Trace decode", "tvstrace.decode", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_pd, { "Protocol Discriminator", "tvstrace.decode.pd", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_tt_msgtype, { "MsgType", "tvstrace.decode.msgtype", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_session, { "Session Id", "tvstrace.decode.session_id", FT_UINT32, BASE_DEC, NULL, 0,
            "As printed; not the header's request id (logs.md 1)", HFILL } },
        { &hf_tt_length, { "Length", "tvstrace.decode.length", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_tt_subject, { "Subject Name", "tvstrace.decode.subject", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_issuer, { "Issuer Name", "tvstrace.decode.issuer", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_serial, { "Serial Number", "tvstrace.decode.serial", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tt_rolecount, { "Role count", "tvstrace.decode.rolecount", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_tt_role, { "Role", "tvstrace.decode.role", FT_UINT8, BASE_DEC, VALS(sbd_role_vals), 0, NULL, HFILL } },
    };
    static hf_register_info hf_pl[] = {
        { &hf_pl_seq, { "Sequence", "phonelog.seq", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_pl_level, { "Level", "phonelog.level", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_pl_task, { "Task", "phonelog.task", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_pl_text, { "Text", "phonelog.text", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_pl_event, { "Trust event", "phonelog.event", FT_UINT8, BASE_DEC, VALS(pl_event_vals), 0, NULL, HFILL } },
        { &hf_pl_file, { "File", "phonelog.file", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_pl_server, { "Server", "phonelog.server", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_pl_port, { "Port", "phonelog.port", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_pl_size, { "Size", "phonelog.size", FT_UINT32, BASE_DEC, NULL, 0, "Bytes", HFILL } },
        { &hf_pl_status, { "Status", "phonelog.status", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_pl_ttl, { "Cache time-to-live", "phonelog.ttl", FT_UINT32, BASE_DEC, NULL, 0, "Seconds", HFILL } },
        { &hf_pl_mac, { "Phone MAC", "phonelog.mac", FT_ETHER, BASE_NONE, NULL, 0, "From SEP<mac> in a file or device name", HFILL } },
        { &hf_pl_subject, { "Certificate subject", "phonelog.subject", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_pl_role, { "Role", "phonelog.role", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
    };
    static gint *ett[] = { &ett_cucmlog, &ett_tvstrace, &ett_decode, &ett_phonelog };
    static ei_register_info ei[] = {
        { &ei_cut, { "cucmlog.line.cut", PI_MALFORMED, PI_WARN, "Line longer than the reader keeps: cut", EXPFILL } },
        { &ei_bad_header, { "cucmlog.bad_header", PI_MALFORMED, PI_ERROR, "Not a record of the cucm-log reader", EXPFILL } },
        { &ei_no_date, { "cucmlog.date.unknown", PI_ASSUMPTION, PI_NOTE, "The log line has no (full) date: set cucmlog.date (itl-audit --log-date)", EXPFILL } },
    };
    static ei_register_info ei_tt[] = {
        { &ei_dump_short, { "tvstrace.dump.truncated", PI_MALFORMED, PI_WARN, "Dump shorter than its Len", EXPFILL } },
        { &ei_dump_long, { "tvstrace.dump.long", PI_MALFORMED, PI_WARN, "Dump longer than its Len", EXPFILL } },
        { &ei_dump_bad_hex, { "tvstrace.dump.bad_hex", PI_MALFORMED, PI_WARN, "Garbled hex in the dump: decoded up to it", EXPFILL } },
        { &ei_dump_orphan, { "tvstrace.dump.orphan", PI_SEQUENCE, PI_NOTE, "Hex line outside a dump (the dump was cut or garbled)", EXPFILL } },
        { &ei_decode_mismatch, { "tvstrace.decode.mismatch", PI_PROTOCOL, PI_WARN, "The trace's decode disagrees with the bytes", EXPFILL } },
        { &ei_no_phone, { "tvstrace.phone.unknown", PI_SEQUENCE, PI_NOTE, "The phone's address is not in the trace before this message", EXPFILL } },
    };
    static ei_register_info ei_pl[] = {
        { &ei_pl_failure, { "phonelog.failure", PI_SECURITY, PI_WARN, "The phone refused a file or failed a verification", EXPFILL } },
    };
    module_t *m;
    expert_module_t *em;

    proto_cucmlog = proto_register_protocol("CUCM / phone log record", "CUCMLOG", "cucmlog");
    proto_tvstrace = proto_register_protocol("CUCM TVS trace line", "TVSTRACE", "tvstrace");
    proto_phonelog = proto_register_protocol("IP phone console log line", "PHONELOG", "phonelog");
    proto_register_field_array(proto_cucmlog, hf, array_length(hf));
    proto_register_field_array(proto_tvstrace, hf_tt, array_length(hf_tt));
    proto_register_field_array(proto_phonelog, hf_pl, array_length(hf_pl));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_cucmlog);
    expert_register_field_array(em, ei, array_length(ei));
    em = expert_register_protocol(proto_tvstrace);
    expert_register_field_array(em, ei_tt, array_length(ei_tt));
    em = expert_register_protocol(proto_phonelog);
    expert_register_field_array(em, ei_pl, array_length(ei_pl));
    register_dissector("cucmlog", dissect_cucmlog, proto_cucmlog);
    register_init_routine(cucmlog_reset);
    phonelog_tap = register_tap("phonelog");

    m = prefs_register_protocol(proto_cucmlog, NULL);
    prefs_register_string_preference(m, "date", "Date of log lines without one (YYYY-MM-DD)",
        "TVS traces and 79xx console logs print only the time of day, 88xx logs month and day: this date "
        "(its year for 88xx logs) completes their time stamps.  Read when the file is opened.",
        &pref_date);
}

void
proto_reg_handoff_cucmlog(void)
{
    tvs_handle = find_dissector("tvs");
}
