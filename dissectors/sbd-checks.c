/* sbd-checks.c - the trust checks shared by the sbd post-dissector and itl-audit
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <gcrypt.h>

#include "sbd-checks.h"
#include "sbd-common.h"
#include "sbd-crypto.h"
#include "sbd-der.h"
#include "sbd-tls-size.h"

/* The findings, their one-line explanations and what to do about them.
 *
 * Sources of the remediation texts (paraphrased, our words):
 *  - Cisco TAC 213407 "Migrate Phones Between Secure Clusters" (TVS query for
 *    the destination signer; import the destination CallManager/ITLRecovery
 *    certificates into the source cluster; rollback parameter does not help
 *    secure clusters);
 *  - Cisco TAC 214231 "Regenerate Certificates in Unified Communications
 *    Manager" (ITL/TVS after regeneration; deleting the ITL by hand when
 *    CallManager and TVS were regenerated together);
 *  - CUCM Security Guide 14SU2 "Default Security" (ITL contents, TVS,
 *    "Prepare Cluster for Rollback to pre-8.0", utils itl reset);
 *  - CUCM Security Guide 12.5(1) "Encrypted Phone Configuration File Setup"
 *    (.sgn signed with the TFTP certificate).
 * (shared/docs/formats.md sources S6, S14, S10, S11.)
 */
static const sbd_finding_info findings[SBD_F_N] = {
    [SBD_F_TVS_SERIAL_MISMATCH] = { SBD_F_TVS_SERIAL_MISMATCH, "serial-mismatch", SBD_SEV_ERROR,
        "the TVS server certificate's serial is not in any TVS record of the phone's ITL",
        "the TVS certificate was regenerated or the phone points at another cluster's TVS: check the "
        "phone's CallManager group and the ITL on the TFTP server; if CallManager and TVS certificates "
        "were regenerated together, phones need their ITL deleted by hand" },
    [SBD_F_TVS_HASH_MISMATCH] = { SBD_F_TVS_HASH_MISMATCH, "hash-mismatch", SBD_SEV_ERROR,
        "the TVS server certificate has the serial and issuer of the ITL's TVS record but different content",
        "the TVS certificate was re-issued with the same serial: restart the TFTP service so the ITL is "
        "rebuilt with the current TVS certificate, then reset the phones; if the phone still rejects "
        "the new ITL, delete its ITL by hand" },
    [SBD_F_NO_TVS_RECORD] = { SBD_F_NO_TVS_RECORD, "no-tvs-record", SBD_SEV_WARN,
        "the phone's ITL has no (non-blank) TVS record, so the phone cannot use TVS",
        "a blank ITL comes from \"Prepare Cluster for Rollback to pre-8.0\" = True: set it back to False "
        "(and restart TFTP and TVS) unless a rollback is really under way; otherwise check that the "
        "TVS service runs on the nodes of the phone's CallManager group" },
    [SBD_F_NO_ITL] = { SBD_F_NO_ITL, "no-itl", SBD_SEV_NOTE,
        "the phone talked to TVS but no ITL download of this phone is in the input",
        "capture from the phone's boot (TFTP download of ITLSEP<MAC>.tlv / ITLFile.tlv) to compare the "
        "TVS certificate with the ITL, or compare with `show itl` on the TFTP server" },
    [SBD_F_CERT_HIDDEN] = { SBD_F_CERT_HIDDEN, "cert-hidden", SBD_SEV_NOTE,
        "TLS 1.3 session to TVS: the server certificate is encrypted",
        "give the TLS keys (--keylog, or a pcapng with embedded secrets) to compare the TVS certificate" },
    [SBD_F_LIST_BAD_SIGNATURE] = { SBD_F_LIST_BAD_SIGNATURE, "bad-signature", SBD_SEV_ERROR,
        "the trust list's signature does not verify with its own SAST record, or its signer is not in it",
        "the file was altered or built with the wrong key: restart the TFTP service (or run "
        "`utils itl reset localkey` / `utils ctl reset localkey`) so the file is rebuilt and re-signed" },
    [SBD_F_SIGNER_UNTRUSTED_NO_TVS] = { SBD_F_SIGNER_UNTRUSTED_NO_TVS, "signer-untrusted", SBD_SEV_ERROR,
        "the new trust list is signed by a certificate the phone's previous lists do not trust, and no "
        "successful TVS answer for it follows",
        "the phone must verify the new signer through its current TVS: import the new cluster's "
        "CallManager (and, from CUCM 12, ITLRecovery) certificate into the old cluster as "
        "CallManager-trust and Phone-SAST-trust, restart TVS there; or delete the ITL on the phone" },
    [SBD_F_TVS_INVALID] = { SBD_F_TVS_INVALID, "tvs-invalid", SBD_SEV_ERROR,
        "TVS answered \"invalid\" / not found for the certificate the phone asked about",
        "import the certificate TVS was asked about (the CallManager and, from CUCM 12, ITLRecovery "
        "certificate of the cluster whose list the phone got: the detail names it) into the cluster whose "
        "TVS answered (the one the phone still trusts) as CallManager-trust and Phone-SAST-trust (Bulk "
        "Certificate Management export -> consolidate -> import, or manual upload), then restart TVS on "
        "that cluster's nodes" },
    [SBD_F_CM_TVS_REPLACED] = { SBD_F_CM_TVS_REPLACED, "cm-and-tvs-replaced", SBD_SEV_ERROR,
        "the new ITL's signer is unknown to the phone and the TVS certificate does not match its ITL: "
        "CallManager/ITLRecovery and TVS certificates were replaced at the same time",
        "the phone can verify neither locally nor through TVS: delete the ITL on the phones by hand "
        "(Settings > Security > Trust List, or factory reset), then let them download the new ITL; "
        "next time regenerate one certificate at a time and let phones pick up the new ITL in between" },
    [SBD_F_BLANK_ITL_WITH_CTL] = { SBD_F_BLANK_ITL_WITH_CTL, "blank-itl-with-ctl", SBD_SEV_ERROR,
        "the phone got a blank (rollback) ITL while it has a CTL: the CTL is not blanked, so the "
        "destination CTL must still be verified through TVS and the migration fails",
        "\"Prepare Cluster for Rollback to pre-8.0\" does not help secure clusters: set it back to False "
        "and import the destination certificates into the source cluster instead (or delete CTL and "
        "ITL on the phones)" },
    [SBD_F_SAME_NAME_DIFFERENT_CONTENT] = { SBD_F_SAME_NAME_DIFFERENT_CONTENT, "same-name-different-content",
        SBD_SEV_WARN,
        "the same file name was served with different content (different MD5) to different phones "
        "or by different TFTP servers",
        "TFTP servers of one cluster disagree: check each server's ITL/CTL (`show itl`, `show ctl`) and "
        "restart the TFTP service on the server that is out of date, or fix the phones' TFTP option" },
    [SBD_F_SGN_SIGNER_NOT_TRUSTED] = { SBD_F_SGN_SIGNER_NOT_TRUSTED, "sgn-signer-not-trusted", SBD_SEV_ERROR,
        "a signed configuration file is not signed by a TFTP / CCM+TFTP certificate of the phone's "
        "current trust lists (its ITL and CTL)",
        "the phone will reject the file: make sure the TFTP server that signed it is in the phone's "
        "ITL/CTL (restart TFTP after certificate changes), or that the phone has the right ITL" },
    [SBD_F_TVS_CUT_OFF] = { SBD_F_TVS_CUT_OFF, "tvs-cut-off", SBD_SEV_WARN,
        "a TVS message was cut off: its start is in the input, its end is not (the capture ended, or "
        "the connection closed, in the middle of it)",
        "if the capture went on after it, TVS or the phone dropped the connection mid-message: check "
        "the Cisco Trust Verification Service on that node (its trace files, a restart); otherwise "
        "capture until the exchange is over" },
    /* A phone checks the TVS server certificate against the TVS (role 21)
     * records of its ITL (formats.md 6.1) and ends the handshake with a
     * fatal alert when it is not there: what it trusts and what TVS shows
     * differ, so the phone can verify nothing new through this TVS. */
    [SBD_F_TVS_REJECTED] = { SBD_F_TVS_REJECTED, "tvs-rejected", SBD_SEV_ERROR,
        "the phone aborted the TLS handshake with TVS: it does not trust the certificate TVS presented "
        "(not the TVS record of the ITL it holds), so nothing new can be verified through TVS",
        "make the phone's ITL and the TVS certificate agree: if only the TVS certificate was regenerated, "
        "restart TFTP so the ITL carries it and reset the phones; if the ITL's signer (CallManager/"
        "ITLRecovery) was replaced at the same time, delete the ITL on the phones by hand; if the phone "
        "talks to another cluster's TVS, fix its CallManager group" },
    /* TVS answers verify requests for any certificate a phone meets (HTTPS
     * services, CAPF, ...); only a query about a trust list's signer decides
     * a migration (TAC 213407). */
    [SBD_F_TVS_INVALID_SERVICE] = { SBD_F_TVS_INVALID_SERVICE, "tvs-invalid-service", SBD_SEV_WARN,
        "TVS answered \"invalid\" for a certificate that no trust list of the phone needed (an HTTPS or "
        "other service certificate): the phone will not trust that service, its trust lists are not affected",
        "import the certificate of that service (or of its CA) into the trust store of the cluster whose "
        "TVS answered (Phone-trust / tomcat-trust, as the service needs), then restart TVS there" },
    [SBD_F_TVS_ITL_REJECTED] = { SBD_F_TVS_ITL_REJECTED, "tvs-itl-rejected", SBD_SEV_WARN,
        "the ITL the phone downloaded before this TVS session failed its own signature, so the phone "
        "does not hold it: the TVS certificate cannot be compared with an ITL the phone uses",
        "fix the ITL first (see bad-signature: restart TFTP so it is rebuilt and re-signed), then capture "
        "the phone's boot again" },
    [SBD_F_TVS_RESET] = { SBD_F_TVS_RESET, "tvs-reset", SBD_SEV_ERROR,
        "TVS reset the TCP connection before it answered: the phone got no answer, so it cannot verify a "
        "list signed by a certificate it does not know",
        "check the Cisco Trust Verification Service on that node (is it running, its trace files, a "
        "restart) and anything between the phone and TVS that resets connections (firewall, load "
        "balancer, TLS inspection)" },
    [SBD_F_TVS_SERVER_ALERT] = { SBD_F_TVS_SERVER_ALERT, "tvs-server-alert", SBD_SEV_ERROR,
        "TVS ended the TLS handshake with an alert: the phone could not reach TVS, so it cannot verify "
        "a list signed by a certificate it does not know",
        "check the TLS settings of the Cisco Trust Verification Service against the phone (TLS version "
        "and ciphers, the phone's certificate: LSC/MIC and CAPF/Phone-trust), and TVS's trace files" },
};

const char *
sbd_certainty_str(sbd_certainty c)
{
    return c == SBD_INFERRED ? "inferred" : "seen";
}

const char *
sbd_outcome_str(sbd_outcome o)
{
    switch (o) {
    case SBD_OUTCOME_TRUSTED: return "trusted";
    case SBD_OUTCOME_MIGRATED: return "migrated";
    case SBD_OUTCOME_FAILED: return "failed";
    case SBD_OUTCOME_UNDETERMINED: return "undetermined";
    default: return "none";
    }
}

const char *
sbd_answer_kind_str(sbd_answer_kind k)
{
    switch (k) {
    case SBD_ANSWER_STATUS_ONLY: return "status-only";
    case SBD_ANSWER_VALID: return "valid";
    default: return "unknown";
    }
}

/* TLS alert descriptions (RFC 8446 6, RFC 5246 7.2). */
const char *
sbd_tls_alert_str(unsigned d)
{
    switch (d) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "unknown alert";
    }
}

const sbd_finding_info *
sbd_finding_describe(sbd_finding_code code)
{
    return (unsigned)code < SBD_F_N ? &findings[code] : NULL;
}

static const char *const verdict_names[SBD_TVS_N] = {
    [SBD_TVS_NONE] = "none",
    [SBD_TVS_MATCH] = "match",
    [SBD_TVS_SERIAL_MISMATCH] = "serial-mismatch",
    [SBD_TVS_HASH_MISMATCH] = "hash-mismatch",
    [SBD_TVS_NO_TVS_RECORD] = "no-tvs-record",
    [SBD_TVS_NO_ITL] = "no-itl",
    [SBD_TVS_CERT_HIDDEN] = "cert-hidden",
    [SBD_TVS_ITL_REJECTED] = "itl-rejected",
};

const char *
sbd_tvs_verdict_str(sbd_tvs_verdict v)
{
    return (unsigned)v < SBD_TVS_N ? verdict_names[v] : "?";
}

const char *
sbd_signer_trust_str(sbd_signer_trust t)
{
    switch (t) {
    case SBD_TRUST_FIRST: return "first file";
    case SBD_TRUST_YES: return "yes";
    case SBD_TRUST_NO: return "no";
    default: return "unknown";
    }
}

/* ---- state ---------------------------------------------------------------- */

typedef struct {
    char *name;
    guint8 md5[16];
    guint32 frame;
    sbd_phone *phone;
    char *server;
    char *signer;
    gboolean reported;
} name_seen;

static struct {
    GHashTable *phones_by_ip;     /* ip -> sbd_phone* */
    GPtrArray *phones;
    GHashTable *frames;           /* frame -> sbd_frame_view* */
    GHashTable *sessions;         /* "client:port>server:port" -> sbd_session* */
    GHashTable *tls13;            /* same key -> present */
    GHashTable *names;            /* file name -> name_seen* */
    GPtrArray *findings;
    gboolean finished;
    gboolean capped;
    guint32 frame;                /* frame being fed */
    guint32 capped_frame;         /* where a limit was hit first */
    const char *capped_what;
    gboolean has_ts;              /* time of the frame being fed */
    nstime_t ts;
    GHashTable *hellos;           /* session key -> sbd_hello*: ServerHello seen before the session */
} st;

/* What the ServerHello of a TLS session to a TVS port said (kept until the
 * session is made: its certificate, or its first encrypted record). */
typedef struct {
    guint16 version, cipher;
    gboolean etm;
} sbd_hello;

static nstime_t now_ts(void);

static void
file_free(gpointer p)
{
    sbd_file *f = p;
    unsigned i;

    for (i = 0; i < f->n_recs; i++) {
        g_free(f->recs[i].serial);
        g_free(f->recs[i].cert_issuer_der);
        g_free(f->recs[i].cert_hash);
        g_free(f->recs[i].subject);
    }
    g_free(f->recs);
    g_free(f->name);
    g_free(f->server);
    g_free(f->signer_name);
    g_free(f->signer_issuer);
    g_free(f->signer_serial);
    g_free(f);
}

static void
session_free(gpointer p)
{
    sbd_session *s = p;

    g_free(s->server);
    g_free(s->client_port);
    g_free(s->cert_serial);
    g_free(s->cert_issuer_der);
    g_free(s->cert_subject);
    g_free(s->record_serial);
    g_free(s->itl_tvs_serial);
    g_free(s);
}

static void
exchange_free(gpointer p)
{
    sbd_exchange *x = p;

    g_free(x->subject);
    g_free(x->issuer);
    g_free(x->serial);
    g_free(x);
}

static void
phone_free(gpointer p)
{
    sbd_phone *ph = p;

    g_ptr_array_free(ph->files, TRUE);
    g_ptr_array_free(ph->sessions, TRUE);
    g_ptr_array_free(ph->exchanges, TRUE);
    if (ph->consequences)
        g_ptr_array_free(ph->consequences, TRUE);
    g_free(ph->outcome_summary);
    g_free(ph->ip);
    g_free(ph->model);
    g_free(ph);
}

static void
finding_free(gpointer p)
{
    sbd_finding *f = p;

    g_free(f->detail);
    g_free(f);
}

static void
view_free(gpointer p)
{
    sbd_frame_view *v = p;

    if (v->findings)
        g_ptr_array_free(v->findings, TRUE);
    g_free(v);
}

static void
name_free(gpointer p)
{
    name_seen *n = p;

    g_free(n->name);
    g_free(n->server);
    g_free(n->signer);
    g_free(n);
}

void
sbd_checks_reset(void)
{
    if (st.phones_by_ip) {
        g_hash_table_destroy(st.phones_by_ip);
        g_hash_table_destroy(st.frames);
        g_hash_table_destroy(st.sessions);
        g_hash_table_destroy(st.tls13);
        g_hash_table_destroy(st.names);
        g_hash_table_destroy(st.hellos);
        g_ptr_array_free(st.findings, TRUE);
        g_ptr_array_free(st.phones, TRUE);
    }
    memset(&st, 0, sizeof st);
    st.phones_by_ip = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, NULL);
    st.phones = g_ptr_array_new_with_free_func(phone_free);
    st.frames = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, view_free);
    st.sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    st.tls13 = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    st.names = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, name_free);
    st.hellos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    st.findings = g_ptr_array_new_with_free_func(finding_free);
}

static void
ensure_state(void)
{
    if (!st.phones_by_ip)
        sbd_checks_reset();
}

/* A SBD_MAX_* limit was hit while feeding frame st.frame. */
static void
cap_hit(const char *what)
{
    if (!st.capped) {
        st.capped = TRUE;
        st.capped_frame = st.frame;
        st.capped_what = what;
    }
}

static sbd_phone *phone_new(const char *ip);

static sbd_phone *
phone_for(const char *ip)
{
    sbd_phone *ph;

    ensure_state();
    if (!ip || !*ip)
        return NULL;
    ph = g_hash_table_lookup(st.phones_by_ip, ip);
    return ph ? ph : phone_new(ip);
}

/* A new phone at `ip`, which becomes the address's current phone; NULL at
 * the cap. */
static sbd_phone *
phone_new(const char *ip)
{
    sbd_phone *ph;

    if (st.phones->len >= SBD_MAX_PHONES) {
        cap_hit("phones per capture (" G_STRINGIFY(SBD_MAX_PHONES) ")");
        return NULL;
    }
    ph = g_new0(sbd_phone, 1);
    ph->ip = g_strdup(ip);
    ph->files = g_ptr_array_new_with_free_func(file_free);
    ph->sessions = g_ptr_array_new_with_free_func(session_free);
    ph->exchanges = g_ptr_array_new_with_free_func(exchange_free);
    g_ptr_array_add(st.phones, ph);
    g_hash_table_replace(st.phones_by_ip, ph->ip, ph);
    return ph;
}

/* The phone behind `ip` that a MAC (from a file name, a TVS device name)
 * names.  Phones are known by address, but one address can serve several
 * phones in a capture: DHCP gives a released address to another phone, or
 * a NAT puts several behind one.  A MAC that differs from the one the
 * address's current phone has is another phone at that address, which
 * becomes its current phone (what carries no MAC, such as a TLS session,
 * goes to the current one). */
static sbd_phone *
phone_for_mac(const char *ip, const guint8 *mac)
{
    sbd_phone *ph = phone_for(ip);
    guint i;

    if (!ph || !mac)
        return ph;
    if (!ph->has_mac) {
        memcpy(ph->mac, mac, 6);
        ph->has_mac = TRUE;
        return ph;
    }
    if (memcmp(ph->mac, mac, 6) == 0)
        return ph;
    for (i = 0; i < st.phones->len; i++) {
        sbd_phone *o = g_ptr_array_index(st.phones, i);
        if (o->has_mac && memcmp(o->mac, mac, 6) == 0 && strcmp(o->ip, ip) == 0) {
            g_hash_table_replace(st.phones_by_ip, o->ip, o);
            return o;
        }
    }
    ph = phone_new(ip);
    if (ph) {
        memcpy(ph->mac, mac, 6);
        ph->has_mac = TRUE;
    }
    return ph;
}

static sbd_frame_view *
view_for(guint32 frame, sbd_phone *ph)
{
    sbd_frame_view *v = g_hash_table_lookup(st.frames, GUINT_TO_POINTER(frame));

    if (!v) {
        v = g_new0(sbd_frame_view, 1);
        g_hash_table_insert(st.frames, GUINT_TO_POINTER(frame), v);
    }
    if (!v->has_ts && frame == st.frame && st.has_ts) {
        v->has_ts = TRUE;
        v->abs_ts = st.ts;
    }
    if (ph) {
        v->phone = ph;
        if (frame > ph->last_frame)
            ph->last_frame = frame;
    }
    return v;
}

static sbd_finding *
add_finding(sbd_finding_code code, guint32 frame, guint32 related, sbd_phone *ph, char *detail)
{
    sbd_finding *f = g_new0(sbd_finding, 1);
    sbd_frame_view *v;

    f->code = code;
    f->frame = frame;
    f->related_frame = related;
    f->phone = ph;
    f->detail = detail;
    g_ptr_array_add(st.findings, f);
    v = view_for(frame, ph);
    if (!v->findings)
        v->findings = g_ptr_array_new();
    g_ptr_array_add(v->findings, f);
    return f;
}

/* A finding reached from sizes or next steps, not from decoded content. */
static sbd_finding *
add_inferred(sbd_finding_code code, guint32 frame, guint32 related, sbd_phone *ph, char *detail)
{
    sbd_finding *f = add_finding(code, frame, related, ph, detail);
    f->certainty = SBD_INFERRED;
    return f;
}

static gboolean
bytes_equal_magnitude(const guint8 *a, unsigned al, const guint8 *b, unsigned bl)
{
    sbd_span x = { a, al }, y = { b, bl };
    return a && b && sbd_serial_equal(x, y);
}

static char *
hex(const guint8 *p, unsigned n)
{
    return sbd_hex(NULL, p, n);
}

static gboolean
room(GPtrArray *a, const char *what)
{
    if (a->len < SBD_MAX_ITEMS)
        return TRUE;
    cap_hit(what);
    return FALSE;
}

/* ---- trust lists ------------------------------------------------------------ */

static void infer_acceptance(sbd_phone *ph, const sbd_file *newf);

/* The phone's file at `frame`, or NULL. */
static const sbd_file *
file_at(const sbd_phone *ph, guint32 frame)
{
    guint i;

    for (i = ph->files->len; i-- > 0;) {
        const sbd_file *f = g_ptr_array_index(ph->files, i);
        if (f->frame == frame)
            return f;
    }
    return NULL;
}

static gboolean
is_trust_list(const sbd_file *f)
{
    return f->type == CISCOTL_TYPE_ITL || f->type == CISCOTL_TYPE_CTL;
}

/* Does the phone reject list `f` whatever its signer: its signature does
 * not verify with the file's own signer record, or that record is not in
 * it (the bad-signature finding).  A phone verifies a downloaded list's
 * signature before it uses the list, and keeps the lists it had when that
 * fails (Cisco's ITL troubleshooting; formats.md 2.3 says what is signed,
 * not what a phone does on failure).  A list only cut off in the capture
 * (signature incomplete) or with an algorithm not checked here is not
 * taken as rejected. */
static gboolean
signature_rejected(const sbd_file *f)
{
    return ciscotl_sig_rejected(f->sig_status);
}

/* Did the phone accept list `f` by `frame`?  A first list is taken on trust
 * ("leap of faith"), a list signed by a certificate the phone already
 * trusts is accepted, and an untrusted one only once TVS vouched for its
 * signer; a list whose signature fails, never.  Otherwise the phone keeps
 * the lists it had. */
static gboolean
accepted_by(const sbd_file *f, guint32 frame)
{
    if (signature_rejected(f))
        return FALSE;
    if (f->trust == SBD_TRUST_FIRST || f->trust == SBD_TRUST_YES)
        return TRUE;
    if (f->trust != SBD_TRUST_NO)
        return FALSE;
    /* A decoded answer decides; an inference only where none was decoded. */
    if (f->tvs && f->tvs->answered)
        return f->tvs->status == 0 && f->tvs->resp_frame < frame;
    return f->accepted && f->accepted_frame <= frame;
}

/* Latest list of a type (UNKNOWN = any) the phone accepted before `frame`. */
static sbd_file *
latest_list(sbd_phone *ph, ciscotl_file_type type, guint32 frame, const sbd_file *except)
{
    guint i;

    for (i = ph->files->len; i-- > 0;) {
        sbd_file *f = g_ptr_array_index(ph->files, i);
        if (f == except || f->frame >= frame || !is_trust_list(f) || !accepted_by(f, frame))
            continue;
        if (type == CISCOTL_TYPE_UNKNOWN || f->type == type)
            return f;
    }
    return NULL;
}

/* Is the signer of `f` one of the SAST / CCM+TFTP / TFTP certificates of `prev`? */
static gboolean
list_trusts_signer(const sbd_file *prev, const sbd_file *f)
{
    unsigned i;

    for (i = 0; i < prev->n_recs; i++) {
        const sbd_record *r = &prev->recs[i];
        if (!r->has_role || r->blank ||
            (r->role != SBD_ROLE_SAST && r->role != SBD_ROLE_CCM_TFTP && r->role != SBD_ROLE_TFTP))
            continue;
        if (!bytes_equal_magnitude(r->serial, r->serial_len, f->signer_serial, f->signer_serial_len))
            continue;
        if (r->cert_issuer_der && f->signer_issuer) {
            sbd_span issuer = { r->cert_issuer_der, r->cert_issuer_len };
            if (!sbd_dn_equal_text(f->signer_issuer, strlen(f->signer_issuer), issuer))
                continue;
        }
        return TRUE;
    }
    return FALSE;
}

static sbd_file *
copy_file(guint32 frame, const char *server, const ciscotl_tap_info *ti)
{
    sbd_file *f = g_new0(sbd_file, 1);
    unsigned i;

    f->frame = frame;
    f->type = ti->type;
    f->name = g_strdup(ti->name ? ti->name : "(unnamed)");
    f->server = g_strdup(server);
    f->has_md5 = ti->complete;
    memcpy(f->md5, ti->md5, sizeof f->md5);
    f->signer_name = g_strdup(ti->signer_name);
    f->signer_issuer = g_strdup(ti->signer_issuer);
    f->signer_serial = g_memdup2(ti->signer_serial, ti->signer_serial_len);
    f->signer_serial_len = ti->signer_serial ? ti->signer_serial_len : 0;
    f->sig_status = ti->sig_status;
    f->n_recs = ti->n_records;
    f->recs = g_new0(sbd_record, f->n_recs ? f->n_recs : 1);
    for (i = 0; i < f->n_recs; i++) {
        const ciscotl_tap_record *tr = &ti->records[i];
        sbd_record *r = &f->recs[i];
        r->has_role = tr->has_role;
        r->role = tr->role;
        r->blank = tr->blank;
        r->serial = tr->serial ? g_memdup2(tr->serial, tr->serial_len) : NULL;
        r->serial_len = tr->serial ? tr->serial_len : 0;
        r->subject = g_strdup(tr->subject);
        r->cert_hash = tr->cert_hash ? g_memdup2(tr->cert_hash, tr->cert_hash_len) : NULL;
        r->cert_hash_len = tr->cert_hash ? tr->cert_hash_len : 0;
        if (tr->has_cert) {
            sbd_cert c;
            r->has_cert = TRUE;
            memcpy(r->cert_sha1, tr->cert_sha1, 20);
            memcpy(r->cert_sha256, tr->cert_sha256, 32);
            if (sbd_cert_parse(tr->cert_der, tr->cert_der_len, &c)) {
                r->cert_issuer_der = g_memdup2(c.issuer.p, c.issuer.len);
                r->cert_issuer_len = (unsigned)c.issuer.len;
                if (!r->serial) {
                    sbd_span m = sbd_int_magnitude(c.serial);
                    r->serial = g_memdup2(m.p, m.len);
                    r->serial_len = (unsigned)m.len;
                }
            }
        }
    }
    f->blank_itl = ti->blank_itl;
    f->abs_ts = now_ts();
    if (ti->complete)
        memcpy(f->sha1, ti->sha1, sizeof f->sha1);
    f->has_build_time = ti->has_build_time;
    f->build_time = ti->build_time;
    return f;
}

static void
note_name(sbd_phone *ph, const sbd_file *f)
{
    name_seen *n;

    if (!f->has_md5)
        return;
    n = g_hash_table_lookup(st.names, f->name);
    if (!n) {
        if (g_hash_table_size(st.names) >= SBD_MAX_NAMES) {
            cap_hit("distinct file names (" G_STRINGIFY(SBD_MAX_NAMES) ")");
            return;
        }
        n = g_new0(name_seen, 1);
        n->name = g_strdup(f->name);
        memcpy(n->md5, f->md5, 16);
        n->frame = f->frame;
        n->phone = ph;
        n->server = g_strdup(f->server);
        n->signer = g_strdup(f->signer_name);
        g_hash_table_insert(st.names, n->name, n);
        return;
    }
    /* Different content under one name: a finding when different phones
     * got it, or when different servers of one cluster (same signer) served
     * it; one phone moving between clusters is a migration, not a fault. */
    if (memcmp(n->md5, f->md5, 16) != 0 && !n->reported &&
        (n->phone != ph || (g_strcmp0(n->server, f->server) != 0 &&
                            g_strcmp0(n->signer, f->signer_name) == 0))) {
        char *a = hex(n->md5, 16), *b = hex(f->md5, 16);
        char *detail = g_strdup_printf("%s: MD5 %s from %s to %s (frame %u), MD5 %s from %s to %s "
                                       "(frame %u)", f->name, a, n->server, n->phone->ip, n->frame, b,
                                       f->server, ph->ip, f->frame);
        /* Both phones got one of the two contents: report it for each. */
        if (n->phone != ph)
            add_finding(SBD_F_SAME_NAME_DIFFERENT_CONTENT, n->frame, f->frame, n->phone, g_strdup(detail));
        add_finding(SBD_F_SAME_NAME_DIFFERENT_CONTENT, f->frame, n->frame, ph, detail);
        g_free(a);
        g_free(b);
        n->reported = TRUE;
    }
}

void
sbd_checks_file(guint32 frame, const char *client, const char *server, const ciscotl_tap_info *ti)
{
    sbd_phone *ph;
    sbd_file *f;
    sbd_frame_view *v;
    guint8 mac[6];

    ensure_state();
    st.frame = frame;
    ph = phone_for_mac(client, ti && sbd_mac_from_name(ti->name, mac) ? mac : NULL);
    if (!ph || !ti || !room(ph->files, "files per phone (" G_STRINGIFY(SBD_MAX_ITEMS) ")"))
        return;
    f = copy_file(frame, server, ti);
    infer_acceptance(ph, f);            /* what this download says of the lists before it */
    g_ptr_array_add(ph->files, f);
    v = view_for(frame, ph);
    v->file = f;
    note_name(ph, f);

    if (is_trust_list(f)) {
        sbd_file *itl = latest_list(ph, CISCOTL_TYPE_ITL, frame, f);
        sbd_file *ctl = latest_list(ph, CISCOTL_TYPE_CTL, frame, f);
        if (!itl && !ctl) {
            f->trust = SBD_TRUST_FIRST;
        } else if ((itl && list_trusts_signer(itl, f)) || (ctl && list_trusts_signer(ctl, f))) {
            f->trust = SBD_TRUST_YES;
        } else {
            f->trust = SBD_TRUST_NO;
        }
        if (itl || ctl) {
            sbd_file *prev = !itl ? ctl : !ctl ? itl : (itl->frame > ctl->frame ? itl : ctl);
            f->prev_frame = prev->frame;
        }
        if (signature_rejected(f)) {
            sbd_file *kept = latest_list(ph, f->type, frame, f);
            add_finding(SBD_F_LIST_BAD_SIGNATURE, frame, kept ? kept->frame : 0, ph,
                        kept ? g_strdup_printf("%s %s: signature %s; the phone rejects it and keeps the %s "
                                               "in frame %u", ciscotl_file_type_str(f->type), f->name,
                                               ciscotl_sig_status_str(f->sig_status),
                                               ciscotl_file_type_str(f->type), kept->frame)
                             : g_strdup_printf("%s %s: signature %s; the phone rejects it (no earlier %s of "
                                               "it in the capture)", ciscotl_file_type_str(f->type), f->name,
                                               ciscotl_sig_status_str(f->sig_status),
                                               ciscotl_file_type_str(f->type)));
        }
    } else if (f->sig_status == CISCOTL_SIG_SIGNER_NOT_IN_TRUST_LIST ||
               f->sig_status == CISCOTL_SIG_INVALID) {
        add_finding(SBD_F_SGN_SIGNER_NOT_TRUSTED, frame, ti->trust_list_frame, ph,
                    g_strdup_printf("%s signed by %s: %s", f->name,
                                    f->signer_name ? f->signer_name : "?",
                                    ciscotl_sig_status_str(f->sig_status)));
    }
}

/* ---- TLS sessions to TVS ---------------------------------------------------- */

static char *
session_key(const char *client, const char *client_port, const char *server, unsigned port)
{
    return g_strdup_printf("%s:%s>%s:%u", client, client_port ? client_port : "", server, port);
}

/* The ITL's TVS record shown beside the server's certificate. */
static void
itl_tvs_show(sbd_session *s, const sbd_record *r)
{
    g_free(s->itl_tvs_serial);
    s->itl_tvs_serial = g_memdup2(r->serial, r->serial_len);
    s->itl_tvs_serial_len = r->serial_len;
    s->has_itl_tvs_sha1 = TRUE;
    if (r->has_cert)
        memcpy(s->itl_tvs_sha1, r->cert_sha1, 20);
    else if (r->cert_hash && r->cert_hash_len == 20)
        memcpy(s->itl_tvs_sha1, r->cert_hash, 20);
    else
        s->has_itl_tvs_sha1 = FALSE;
}

static void
compare_with_itl(sbd_phone *ph, sbd_session *s, const sbd_file *itl)
{
    unsigned i;
    gboolean any_tvs = FALSE;

    s->itl_frame = itl->frame;
    s->compared_by = NULL;             /* both describe the ITL compared now */
    g_free(s->record_serial);
    s->record_serial = NULL;
    s->record_serial_len = 0;
    g_free(s->itl_tvs_serial);
    s->itl_tvs_serial = NULL;
    s->itl_tvs_serial_len = 0;
    s->has_itl_tvs_sha1 = FALSE;
    for (i = 0; i < itl->n_recs; i++) {
        const sbd_record *r = &itl->recs[i];
        gboolean same;
        if (!r->has_role || r->role != SBD_ROLE_TVS || r->blank || !r->serial)
            continue;
        if (!any_tvs)
            itl_tvs_show(s, r);         /* the first one, until one is compared */
        any_tvs = TRUE;
        if (!bytes_equal_magnitude(r->serial, r->serial_len, s->cert_serial, s->cert_serial_len))
            continue;
        itl_tvs_show(s, r);
        if (r->cert_issuer_der && s->cert_issuer_der &&
            (r->cert_issuer_len != s->cert_issuer_len ||
             memcmp(r->cert_issuer_der, s->cert_issuer_der, r->cert_issuer_len) != 0))
            continue;                       /* same serial from another CA */
        g_free(s->record_serial);
        s->record_serial = g_memdup2(r->serial, r->serial_len);
        s->record_serial_len = r->serial_len;
        if (r->has_cert) {
            same = memcmp(r->cert_sha1, s->cert_sha1, 20) == 0;
            s->compared_by = "certificate";
        } else if (r->cert_hash && r->cert_hash_len == 20) {
            same = memcmp(r->cert_hash, s->cert_sha1, 20) == 0;
            s->compared_by = "certificate hash (SHA-1)";
        } else if (r->cert_hash && r->cert_hash_len == 32) {
            same = memcmp(r->cert_hash, s->cert_sha256, 32) == 0;
            s->compared_by = "certificate hash (SHA-256)";
        } else {
            same = TRUE;                    /* serial and issuer are all there is */
            s->compared_by = "serial and issuer only (the record has no certificate)";
        }
        s->verdict = same ? SBD_TVS_MATCH : SBD_TVS_HASH_MISMATCH;
        return;
    }
    s->verdict = any_tvs ? SBD_TVS_SERIAL_MISMATCH : SBD_TVS_NO_TVS_RECORD;
    (void)ph;
}

static void
session_verdict_findings(sbd_phone *ph, sbd_session *s)
{
    char *cs = s->cert_serial ? hex(s->cert_serial, s->cert_serial_len) : NULL;

    ph->verdicts[s->verdict]++;
    switch (s->verdict) {
    case SBD_TVS_SERIAL_MISMATCH:
        add_finding(SBD_F_TVS_SERIAL_MISMATCH, s->frame, s->itl_frame, ph,
                    g_strdup_printf("TVS %s:%u presents %s (serial %s), not in the TVS records of the ITL "
                                    "in frame %u%s", s->server, s->port,
                                    s->cert_subject ? s->cert_subject : "?", cs, s->itl_frame,
                                    s->itl_after ? " (downloaded after the session)" : ""));
        break;
    case SBD_TVS_HASH_MISMATCH:
        add_finding(SBD_F_TVS_HASH_MISMATCH, s->frame, s->itl_frame, ph,
                    g_strdup_printf("TVS %s:%u certificate serial %s matches the ITL in frame %u but "
                                    "its content differs", s->server, s->port, cs, s->itl_frame));
        break;
    case SBD_TVS_NO_TVS_RECORD:
        add_finding(SBD_F_NO_TVS_RECORD, s->frame, s->itl_frame, ph,
                    g_strdup_printf("the ITL in frame %u has no TVS record to check TVS %s:%u against",
                                    s->itl_frame, s->server, s->port));
        break;
    case SBD_TVS_NO_ITL:
        add_finding(SBD_F_NO_ITL, s->frame, 0, ph,
                    g_strdup_printf("session to TVS %s:%u (certificate serial %s), no ITL for %s in "
                                    "the input", s->server, s->port, cs ? cs : "?", ph->ip));
        break;
    case SBD_TVS_CERT_HIDDEN:
        add_finding(SBD_F_CERT_HIDDEN, s->frame, 0, ph,
                    g_strdup_printf("TLS 1.3 session to TVS %s:%u without keys", s->server, s->port));
        break;
    case SBD_TVS_ITL_REJECTED:
        add_finding(SBD_F_TVS_ITL_REJECTED, s->frame, s->itl_frame, ph,
                    g_strdup_printf("session to TVS %s:%u (certificate serial %s): the ITL the phone downloaded "
                                    "in frame %u failed its signature and no earlier ITL of the phone is in "
                                    "the input", s->server, s->port, cs ? cs : "?", s->itl_frame));
        break;
    default:
        break;
    }
    g_free(cs);
}

static sbd_session *
session_for(sbd_phone *ph, const char *key, guint32 frame, const char *server, unsigned port,
            const char *client_port)
{
    sbd_session *s = g_hash_table_lookup(st.sessions, key);

    if (s)
        return s;
    if (!room(ph->sessions, "TLS sessions to TVS per phone (" G_STRINGIFY(SBD_MAX_ITEMS) ")"))
        return NULL;
    s = g_new0(sbd_session, 1);
    s->frame = frame;
    s->server = g_strdup(server);
    s->port = port;
    s->client_port = g_strdup(client_port);
    s->tls13 = g_hash_table_contains(st.tls13, key);
    s->first_frame = frame;
    s->abs_ts = now_ts();
    {
        sbd_hello *h = g_hash_table_lookup(st.hellos, key);
        if (h) {
            s->tls_version = h->version;
            s->cipher_suite = h->cipher;
            s->has_cipher = TRUE;
            s->encrypt_then_mac = h->etm;
            g_hash_table_remove(st.hellos, key);
        }
    }
    g_ptr_array_add(ph->sessions, s);
    g_hash_table_insert(st.sessions, g_strdup(key), s);
    return s;
}

void
sbd_checks_tls_hello13(const char *client, const char *client_port, const char *server, unsigned port)
{
    ensure_state();
    if (g_hash_table_size(st.tls13) < SBD_MAX_TLS13)
        g_hash_table_add(st.tls13, session_key(client, client_port, server, port));
    else
        cap_hit("TLS 1.3 sessions to TVS (" G_STRINGIFY(SBD_MAX_TLS13) ")");
}

/* The latest ITL before `frame` that failed its own signature, or NULL. */
static sbd_file *
rejected_itl_before(sbd_phone *ph, guint32 frame)
{
    guint i;

    for (i = ph->files->len; i-- > 0;) {
        sbd_file *f = g_ptr_array_index(ph->files, i);
        if (f->frame < frame && f->type == CISCOTL_TYPE_ITL && signature_rejected(f))
            return f;
    }
    return NULL;
}

static void
evaluate_session(sbd_phone *ph, sbd_session *s)
{
    sbd_file *itl = latest_list(ph, CISCOTL_TYPE_ITL, s->frame, NULL);
    sbd_file *bad = rejected_itl_before(ph, s->frame);

    if (itl) {
        compare_with_itl(ph, s, itl);
    } else if (bad) {
        /* The phone holds no ITL: the one it got failed its signature. */
        s->verdict = SBD_TVS_ITL_REJECTED;
        s->itl_frame = bad->frame;
    } else {
        s->verdict = SBD_TVS_NO_ITL;        /* may be revised by sbd_checks_finish */
    }
}

void
sbd_checks_tls_cert(guint32 frame, const char *client, const char *client_port, const char *server,
                    unsigned port, const guint8 *der, unsigned len)
{
    sbd_phone *ph;
    char *key;
    sbd_session *s;
    sbd_cert c;

    ensure_state();
    st.frame = frame;
    ph = phone_for(client);
    if (!ph)
        return;
    key = session_key(client, client_port, server, port);
    s = session_for(ph, key, frame, server, port, client_port);
    g_free(key);
    if (!s || s->cert_seen)
        return;
    s->frame = frame;
    s->cert_seen = TRUE;
    sbd_digest(GCRY_MD_SHA1, der, len, s->cert_sha1);
    sbd_digest(GCRY_MD_SHA256, der, len, s->cert_sha256);
    if (sbd_cert_parse(der, len, &c)) {
        sbd_span m = sbd_int_magnitude(c.serial);
        s->cert_serial = g_memdup2(m.p, m.len);
        s->cert_serial_len = (unsigned)m.len;
        s->cert_issuer_der = g_memdup2(c.issuer.p, c.issuer.len);
        s->cert_issuer_len = (unsigned)c.issuer.len;
        s->cert_subject = sbd_dn_string(NULL, c.subject, ";", FALSE);
    }
    evaluate_session(ph, s);
    view_for(frame, ph)->session = s;
    if (s->verdict != SBD_TVS_NO_ITL)
        session_verdict_findings(ph, s);
}

void
sbd_checks_tls_data(guint32 frame, const char *client, const char *client_port, const char *server,
                    unsigned port)
{
    sbd_phone *ph;
    char *key;
    sbd_session *s;

    ensure_state();
    st.frame = frame;
    key = session_key(client, client_port, server, port);
    if (!g_hash_table_contains(st.tls13, key) || g_hash_table_contains(st.sessions, key)) {
        g_free(key);
        return;
    }
    ph = phone_for(client);
    s = ph ? session_for(ph, key, frame, server, port, client_port) : NULL;
    g_free(key);
    if (!s)
        return;
    s->tls13 = TRUE;
    s->verdict = SBD_TVS_CERT_HIDDEN;
    view_for(frame, ph)->session = s;
    session_verdict_findings(ph, s);
}

/* ---- keyless evidence of TLS sessions to TVS ---------------------------------
 *
 * What a capture without keys still shows of a session: the ServerHello's
 * version and cipher suite, each record's content type and length, alerts
 * sent before encryption starts (and who sent them), whether the phone
 * finished the handshake.  From the record lengths and the cipher, the
 * plaintext length of each TVS message (sbd-tls-size.c), and from that
 * whether an answer is status-only ("invalid") or carries more ("valid").
 * A TVS message decoded with keys always wins over these inferences.
 */

static sbd_session *
tls_session_lookup(const char *client, const char *client_port, const char *server, unsigned port)
{
    char *key = session_key(client, client_port, server, port);
    sbd_session *s = g_hash_table_lookup(st.sessions, key);

    g_free(key);
    return s;
}

void
sbd_checks_tls_hello(guint32 frame, const char *client, const char *client_port, const char *server,
                     unsigned port, unsigned version, unsigned cipher_suite, gboolean encrypt_then_mac)
{
    sbd_session *s;
    char *key;
    sbd_hello *h;

    ensure_state();
    st.frame = frame;
    s = tls_session_lookup(client, client_port, server, port);
    if (s) {
        if (!s->has_cipher) {
            s->tls_version = (guint16)version;
            s->cipher_suite = (guint16)cipher_suite;
            s->has_cipher = TRUE;
            s->encrypt_then_mac = encrypt_then_mac;
        }
        return;
    }
    if (g_hash_table_size(st.hellos) >= SBD_MAX_HELLOS) {
        cap_hit("ServerHellos of TVS sessions (" G_STRINGIFY(SBD_MAX_HELLOS) ")");
        return;
    }
    key = session_key(client, client_port, server, port);
    h = g_new0(sbd_hello, 1);
    h->version = (guint16)version;
    h->cipher = (guint16)cipher_suite;
    h->etm = encrypt_then_mac;
    g_hash_table_replace(st.hellos, key, h);
}

/* Plaintext length range of an application-data record of `s` (the
 * sender's usual padding: sbd-tls-size.h); FALSE when unknown. */
static gboolean
record_plaintext(const sbd_session *s, unsigned length, guint32 *min, guint32 *max)
{
    sbd_tls_size z;

    if (!s->has_cipher || !sbd_tls_plaintext_size(s->tls_version, s->cipher_suite, s->encrypt_then_mac,
                                                  length, &z))
        return FALSE;
    *min = z.likely_min;
    *max = z.likely_max;
    return TRUE;
}

static gboolean
is_tls13(const sbd_session *s)
{
    return s->tls_version == SBD_TLS_V13 || s->tls13;
}

static sbd_answer_kind
answer_kind(guint32 min, guint32 max)
{
    switch (sbd_tvs_answer_classify(min, max)) {
    case SBD_TVS_ANSWER_STATUS_ONLY: return SBD_ANSWER_STATUS_ONLY;
    case SBD_TVS_ANSWER_NOT_STATUS_ONLY:
    case SBD_TVS_ANSWER_WITH_CERT: return SBD_ANSWER_VALID;
    default: return SBD_ANSWER_UNKNOWN;
    }
}

void
sbd_checks_tls_record(guint32 frame, const char *client, const char *client_port, const char *server,
                      unsigned port, gboolean from_server, unsigned content_type, unsigned length)
{
    sbd_session *s;
    sbd_phone *ph;
    guint32 min = 0, max = 0;
    gboolean sized;

    ensure_state();
    st.frame = frame;
    s = tls_session_lookup(client, client_port, server, port);
    if (!s)
        return;
    ph = phone_for(client);
    if (!ph)
        return;
    if (content_type == 20 && !from_server && !is_tls13(s) && !s->handshake_done) {
        /* TLS 1.2: the phone's ChangeCipherSpec comes after it checked the
         * server's certificate (RFC 5246 7.3): it accepted TVS. */
        s->handshake_done = TRUE;
        s->handshake_certainty = SBD_SEEN;
        s->handshake_frame = frame;
        view_for(frame, NULL);              /* its time */
        return;
    }
    if (content_type != 23)
        return;
    sized = record_plaintext(s, length, &min, &max);
    if (!from_server) {
        s->client_app_records++;
        if (is_tls13(s) && s->client_app_records == 1) {
            /* The phone's first encrypted record: its Finished (RFC 8446
             * 4.4.4, 32 or 48 bytes + 4), or an alert (2 bytes) when it
             * rejects the server's certificate. */
            if (sized && max <= 2) {
                if (!s->alert) {
                    s->alert = TRUE;
                    s->alert_by_phone = TRUE;
                    s->alert_encrypted = TRUE;
                    s->alert_level = 2;
                    s->alert_frame = frame;
                    s->alert_ts = now_ts();
                    view_for(frame, ph)->tls_session = s;
                }
            } else {
                s->handshake_done = TRUE;
                s->handshake_certainty = SBD_INFERRED;
                s->handshake_frame = frame;
                view_for(frame, NULL);
            }
            return;
        }
        if (!s->handshake_done) {
            s->handshake_done = TRUE;       /* application data: handshake over */
            s->handshake_certainty = SBD_INFERRED;
            s->handshake_frame = frame;
        }
        view_for(frame, NULL);              /* the request's time */
        if (sized && max <= 2)
            return;                         /* an alert (TLS 1.3 close_notify) */
        if (s->n_tx >= SBD_MAX_TLS_EXCHANGES) {
            cap_hit("TVS requests per TLS session (" G_STRINGIFY(SBD_MAX_TLS_EXCHANGES) ")");
            return;
        }
        memset(&s->tx[s->n_tx], 0, sizeof s->tx[0]);
        s->tx[s->n_tx].req_frame = frame;
        s->tx[s->n_tx].req_len = length;
        s->tx[s->n_tx].req_ts = now_ts();
        s->n_tx++;
        return;
    }
    s->server_app_records++;
    if (sized && max <= 2 && is_tls13(s) && s->handshake_done && !s->alert &&
        (!s->n_tx || !s->tx[s->n_tx - 1].resp_frame)) {
        /* TLS 1.3: a 2-byte record from TVS after the phone's Finished and
         * before any answer: an alert (RFC 8446 6), its description
         * encrypted; a close_notify after an answer is not this. */
        s->alert = TRUE;
        s->alert_by_phone = FALSE;
        s->alert_encrypted = TRUE;
        s->alert_level = 2;
        s->alert_frame = frame;
        s->alert_ts = now_ts();
        view_for(frame, ph)->tls_session = s;
        return;
    }
    /* The server's records before the phone's first request are handshake
     * (TLS 1.3) or session tickets; its last record after a request, before
     * the next one, is the answer (tickets come before it: sbd-tls-size.h). */
    if (!s->n_tx || (sized && max <= 2))
        return;
    {
        sbd_tls_exchange *x = &s->tx[s->n_tx - 1];
        x->resp_frame = frame;
        x->resp_len = length;
        x->resp_ts = now_ts();
        x->resp_min = sized ? min : 0;
        x->resp_max = sized ? max : 0;
        x->kind = sized ? answer_kind(min, max) : SBD_ANSWER_UNKNOWN;
        if (x->kind == SBD_ANSWER_UNKNOWN && sized && max < SBD_TVS_QUERY_CERT_MIN &&
            sbd_tvs_answer_classify(min, max) == SBD_TVS_ANSWER_AMBIGUOUS) {
            /* A request too short to carry a certificate is a query
             * (formats.md 6.3: subject, issuer, serial), whose valid answer
             * carries one: an answer too short for that is a status. */
            guint32 qmin, qmax;
            if (record_plaintext(s, x->req_len, &qmin, &qmax) &&
                qmax < SBD_TVS_HEADER_LEN + 3 + SBD_TVS_CERT_MIN)
                x->kind = SBD_ANSWER_STATUS_ONLY;
        }
        view_for(frame, ph)->tls_session = s;
    }
}

void
sbd_checks_tls_alert(guint32 frame, const char *client, const char *client_port, const char *server,
                     unsigned port, gboolean from_server, unsigned level, unsigned description)
{
    sbd_session *s;
    sbd_phone *ph;

    ensure_state();
    st.frame = frame;
    /* close_notify (and warnings) end a session, they do not reject it;
     * the first fatal alert counts. */
    if (description == 0 || level != 2)
        return;
    s = tls_session_lookup(client, client_port, server, port);
    ph = phone_for(client);
    if (!ph)
        return;
    if (!s) {
        /* An alert before any certificate (no shared cipher, ...). */
        char *key = session_key(client, client_port, server, port);
        s = session_for(ph, key, frame, server, port, client_port);
        g_free(key);
        if (!s)
            return;
        view_for(frame, ph);
    }
    if (s->alert)
        return;
    s->alert = TRUE;
    s->alert_by_phone = !from_server;
    s->alert_encrypted = FALSE;
    s->alert_level = (guint8)level;
    s->alert_desc = (guint8)description;
    s->alert_frame = frame;
    s->alert_ts = now_ts();
    view_for(frame, ph)->tls_session = s;
}

void
sbd_checks_tcp_reset(guint32 frame, const char *client, const char *client_port, const char *server,
                     unsigned port, gboolean from_server)
{
    sbd_session *s;
    sbd_phone *ph;

    ensure_state();
    st.frame = frame;
    s = tls_session_lookup(client, client_port, server, port);
    if (!s || s->reset_frame)
        return;
    ph = phone_for(client);
    if (!ph)
        return;
    s->reset_frame = frame;
    s->reset_by_server = from_server;
    view_for(frame, ph)->tls_session = s;
}

/* ---- TVS messages ----------------------------------------------------------- */

/* The TVS server of the phone's latest session, NULL if none. */
static const char *
tvs_server_of(const sbd_phone *ph)
{
    return ph->sessions->len ? ((const sbd_session *)g_ptr_array_index(ph->sessions, ph->sessions->len - 1))->server
                             : NULL;
}

static sbd_exchange *
open_exchange(sbd_phone *ph, guint32 frame, const tvs_tap_info *ti)
{
    sbd_exchange *x;

    if (!room(ph->exchanges, "TVS exchanges per phone (" G_STRINGIFY(SBD_MAX_ITEMS) ")"))
        return NULL;
    x = g_new0(sbd_exchange, 1);
    x->req_frame = frame;
    x->command = ti->command;
    x->request_id = ti->request_id;
    x->subject = g_strdup(ti->subject);
    x->issuer = g_strdup(ti->issuer);
    if (ti->serial) {
        x->serial = g_memdup2(ti->serial, ti->serial_len);
        x->serial_len = ti->serial_len;
    } else if (ti->has_cert) {
        sbd_cert c;
        if (sbd_cert_parse(ti->cert_der, ti->cert_der_len, &c)) {
            sbd_span m = sbd_int_magnitude(c.serial);
            x->serial = g_memdup2(m.p, m.len);
            x->serial_len = (unsigned)m.len;
            x->subject = sbd_dn_string(NULL, c.subject, ";", FALSE);
            x->issuer = sbd_dn_string(NULL, c.issuer, ";", FALSE);
        }
    }
    g_ptr_array_add(ph->exchanges, x);
    return x;
}

void
sbd_checks_tvs(guint32 frame, const char *client, const tvs_tap_info *ti)
{
    sbd_phone *ph;
    guint i;

    ensure_state();
    st.frame = frame;
    ph = phone_for_mac(client, ti && ti->has_mac ? ti->mac : NULL);
    if (!ph || !ti)
        return;
    if (ti->model && !ph->model)
        ph->model = g_strdup(ti->model);

    /* A whole message ends the one that was incomplete in its direction. */
    if (ti->command == TVS_CMD_VERIFY_REQUEST || ti->command == TVS_CMD_QUERY_REQUEST)
        ph->partial[0].start_frame = 0;
    else if (ti->command == TVS_CMD_VERIFY_RESPONSE || ti->command == TVS_CMD_QUERY_RESPONSE)
        ph->partial[1].start_frame = 0;

    /* The phone's latest TLS session to TVS carries it: decoded, so what
     * its record sizes suggest no longer counts. */
    if (ph->sessions->len)
        ((sbd_session *)g_ptr_array_index(ph->sessions, ph->sessions->len - 1))->decoded = TRUE;

    if (ti->command == TVS_CMD_VERIFY_REQUEST || ti->command == TVS_CMD_QUERY_REQUEST) {
        sbd_exchange *x = open_exchange(ph, frame, ti);
        if (!x)
            return;
        x->req_ts = now_ts();
        view_for(frame, ph)->exchange = x;
        /* Is it about the signer of a list the phone could not trust? */
        for (i = ph->files->len; i-- > 0;) {
            sbd_file *f = g_ptr_array_index(ph->files, i);
            if (f->frame < frame && f->trust == SBD_TRUST_NO && !f->tvs &&
                bytes_equal_magnitude(f->signer_serial, f->signer_serial_len, x->serial, x->serial_len)) {
                f->tvs = x;
                x->for_list = TRUE;
            }
        }
        return;
    }
    if (ti->command == TVS_CMD_VERIFY_RESPONSE || ti->command == TVS_CMD_QUERY_RESPONSE) {
        sbd_exchange *x = NULL;
        for (i = ph->exchanges->len; i-- > 0;) {
            sbd_exchange *c = g_ptr_array_index(ph->exchanges, i);
            /* Several requests can share a frame (one TLS record): the
             * frame and the id the TVS dissector matched on, together. */
            if (!c->answered && c->request_id == ti->request_id &&
                (!ti->request_frame || c->req_frame == ti->request_frame)) {
                x = c;
                break;
            }
        }
        if (!x)
            return;
        x->answered = TRUE;
        x->resp_frame = frame;
        x->resp_ts = now_ts();
        x->status = ti->has_status ? ti->status : SBD_TVS_NO_STATUS;
        x->has_roles = ti->has_roles;
        x->n_roles = MIN(ti->n_roles, TVS_MAX_TAP_ROLES);
        memcpy(x->roles, ti->roles, x->n_roles);
        x->has_ttl = ti->has_ttl;
        x->ttl = ti->ttl;
        view_for(frame, ph)->exchange = x;
        if (x->status != 0) {
            char *sn = x->serial ? hex(x->serial, x->serial_len) : g_strdup("?");
            char *what = x->status == SBD_TVS_NO_STATUS
                             ? g_strdup("without a readable Status element (not a \"valid\" for the phone)")
                             : g_strdup_printf("status %u", x->status);
            const char *cmd = x->command == TVS_CMD_QUERY_REQUEST ? "query" : "verify";
            char *detail;
            if (x->subject || x->issuer || x->serial)
                detail = g_strdup_printf("TVS %s answered %s for %s (issuer %s, serial %s)", cmd, what,
                                         x->subject ? x->subject : "?", x->issuer ? x->issuer : "?", sn);
            else if (x->req_frame)
                detail = g_strdup_printf("TVS %s answered %s (the request in frame %u has no readable "
                                         "subject, issuer or serial)", cmd, what, x->req_frame);
            else
                detail = g_strdup_printf("TVS %s answered %s (its request was not seen)", cmd, what);
            if (x->for_list) {
                /* The clusters by role: the one whose TVS answered (the
                 * phone's current one) and the one whose list needed it. */
                const sbd_file *lf = NULL;
                for (i = 0; i < ph->files->len && !lf; i++) {
                    const sbd_file *f = g_ptr_array_index(ph->files, i);
                    if (f->tvs == x)
                        lf = f;
                }
                if (lf) {
                    char *d2 = g_strdup_printf("%s; it signs %s %s from %s (frame %u): import that "
                                               "certificate into the cluster whose TVS answered (%s)",
                                               detail, ciscotl_file_type_str(lf->type), lf->name,
                                               lf->server ? lf->server : "?", lf->frame,
                                               tvs_server_of(ph) ? tvs_server_of(ph) : "?");
                    g_free(detail);
                    detail = d2;
                }
                add_finding(SBD_F_TVS_INVALID, frame, x->req_frame, ph, detail);
            } else {
                add_finding(SBD_F_TVS_INVALID_SERVICE, frame, x->req_frame, ph, detail);
            }
            g_free(what);
            g_free(sn);
        }
    }
}

void
sbd_checks_tvs_partial(guint32 frame, const char *client, const tvs_partial_info *pi)
{
    sbd_phone *ph;

    ensure_state();
    st.frame = frame;
    ph = phone_for(client);
    if (!ph || !pi || !pi->start_frame)
        return;
    if (pi->start_frame == frame)
        view_for(frame, NULL);          /* its time, for the finding */
    ph->partial[pi->to_server ? 0 : 1] = *pi;
}

static void
partial_findings(sbd_phone *ph)
{
    unsigned d;

    for (d = 0; d < 2; d++) {
        const tvs_partial_info *pi = &ph->partial[d];
        const char *what;
        char *id, *size;
        if (!pi->start_frame)
            continue;
        switch (pi->command) {
        case TVS_CMD_VERIFY_REQUEST: what = "verify request"; break;
        case TVS_CMD_QUERY_REQUEST: what = "query request"; break;
        case TVS_CMD_VERIFY_RESPONSE: what = "verify answer"; break;
        default: what = "query answer"; break;
        }
        id = pi->has_id ? g_strdup_printf(" (id %u)", pi->request_id) : g_strdup("");
        size = pi->need ? g_strdup_printf("%u of its %u bytes", pi->have, pi->need)
                        : g_strdup_printf("%u bytes of its 10-byte header", pi->have);
        add_finding(SBD_F_TVS_CUT_OFF, pi->start_frame, 0, ph,
                    g_strdup_printf("the TVS %s%s that starts in frame %u is cut off: %s are in the input",
                                    what, id, pi->start_frame, size));
        g_free(id);
        g_free(size);
    }
}

/* ---- what the phone did with a list it could not trust ---------------------- */

/* Did the phone abort a TLS handshake with TVS after list `f` (and before
 * `before`)?  Returns that session, or NULL. */
static const sbd_session *
tvs_rejected_after(const sbd_phone *ph, const sbd_file *f, guint32 before)
{
    guint i;

    for (i = 0; i < ph->sessions->len; i++) {
        const sbd_session *s = g_ptr_array_index(ph->sessions, i);
        if (s->first_frame > f->frame && s->first_frame < before && s->alert && s->alert_by_phone &&
            !s->handshake_done)
            return s;
    }
    return NULL;
}

/* Did an encrypted TLS session to TVS (never decoded) follow list `f`
 * before `before`?  Its answers' kinds, from their sizes: status-only if
 * any answer is, else valid if any is; *px the deciding answer. */
static gboolean
encrypted_session_after(const sbd_phone *ph, const sbd_file *f, guint32 before, sbd_answer_kind *kind,
                        const sbd_session **ps, const sbd_tls_exchange **px)
{
    guint i, j;
    gboolean any = FALSE;

    *kind = SBD_ANSWER_UNKNOWN;
    *ps = NULL;
    *px = NULL;
    for (i = 0; i < ph->sessions->len; i++) {
        const sbd_session *s = g_ptr_array_index(ph->sessions, i);
        if (s->first_frame <= f->frame || s->first_frame >= before || s->decoded || !s->handshake_done ||
            s->alert || (s->reset_frame && s->reset_by_server))
            continue;
        any = TRUE;
        if (!*ps)
            *ps = s;
        for (j = 0; j < s->n_tx; j++) {
            const sbd_tls_exchange *x = &s->tx[j];
            if (!x->resp_frame || x->resp_frame >= before)
                continue;
            if (x->kind == SBD_ANSWER_STATUS_ONLY && *kind != SBD_ANSWER_STATUS_ONLY) {
                *kind = SBD_ANSWER_STATUS_ONLY;
                *ps = s;
                *px = x;
            } else if (x->kind == SBD_ANSWER_VALID && *kind == SBD_ANSWER_UNKNOWN) {
                *kind = SBD_ANSWER_VALID;
                *ps = s;
                *px = x;
            }
        }
    }
    return any;
}

/* Keyless acceptance of the lists the phone could not trust, from what
 * followed them (never over a decoded TVS answer or a plaintext alert):
 * a TVS answer with more than a status means TVS vouched for the signer;
 * downloading the new cluster's next file (its ITL, a signed config) means
 * the phone took the list; asking for the same list again, or going back
 * to the old cluster's server, means it did not.  `newf` is the file
 * arriving now (NULL at the end of the capture). */
static void
infer_acceptance(sbd_phone *ph, const sbd_file *newf)
{
    guint32 before = newf ? newf->frame : G_MAXUINT32;
    guint i;

    for (i = 0; i < ph->files->len; i++) {
        sbd_file *f = g_ptr_array_index(ph->files, i);
        sbd_answer_kind kind;
        const sbd_session *s;
        const sbd_tls_exchange *x;
        const sbd_file *prev;

        if (f == newf || f->frame >= before || f->trust != SBD_TRUST_NO || f->accepted ||
            f->rejected_next_frame || (f->tvs && f->tvs->answered) || signature_rejected(f))
            continue;
        if (tvs_rejected_after(ph, f, before))
            continue;
        encrypted_session_after(ph, f, before, &kind, &s, &x);
        if (kind == SBD_ANSWER_STATUS_ONLY)
            continue;
        if (kind == SBD_ANSWER_VALID) {
            f->accepted = TRUE;
            f->accepted_certainty = SBD_INFERRED;
            f->accepted_frame = x->resp_frame;
            f->accepted_how = "a TVS answer with more than a status (told from its size)";
            continue;
        }
        if (!newf || !newf->server || !f->server)
            continue;
        if (strcmp(newf->server, f->server) == 0 && strcmp(newf->name, f->name) != 0) {
            f->accepted = TRUE;
            f->accepted_certainty = SBD_INFERRED;
            f->accepted_frame = newf->frame;
            f->accepted_how = "the phone went on to download the new cluster's next file";
        } else if (strcmp(newf->name, f->name) == 0 && strcmp(newf->server, f->server) == 0 &&
                   f->has_md5 && newf->has_md5 && memcmp(newf->md5, f->md5, 16) == 0) {
            f->rejected_next_frame = newf->frame;       /* asked for it again */
        } else if ((prev = f->prev_frame ? file_at(ph, f->prev_frame) : NULL) && prev->server &&
                   strcmp(newf->server, prev->server) == 0 && strcmp(newf->server, f->server) != 0) {
            f->rejected_next_frame = newf->frame;       /* back to the old cluster */
        }
    }
}

/* ---- conclusions ------------------------------------------------------------ */

static void
session_fate_findings(sbd_phone *ph, sbd_session *s)
{
    char *cmp = NULL, *cs, *rs;
    gboolean answered = FALSE;
    unsigned k;

    for (k = 0; k < s->n_tx; k++)
        if (s->tx[k].resp_frame)
            answered = TRUE;
    if (s->reset_frame && s->reset_by_server && !answered && !s->alert) {
        /* TVS dropped the connection: no answer reached the phone. */
        add_finding(SBD_F_TVS_RESET, s->reset_frame, s->frame, ph,
                    g_strdup_printf("TVS %s:%u reset the connection in frame %u %s", s->server, s->port,
                                    s->reset_frame,
                                    s->n_tx ? "after the phone's request, without answering"
                                    : s->handshake_done ? "after the phone finished the handshake, before any request"
                                                        : "during the handshake"));
        return;
    }
    if (!s->alert || (s->alert_by_phone && s->handshake_done) || (!s->alert_by_phone && answered))
        return;
    cs = s->cert_serial ? hex(s->cert_serial, s->cert_serial_len) : g_strdup("?");
    rs = s->itl_tvs_serial ? hex(s->itl_tvs_serial, s->itl_tvs_serial_len) : NULL;
    switch (s->verdict) {
    case SBD_TVS_SERIAL_MISMATCH:
        cmp = g_strdup_printf("its certificate (serial %s) is not in the TVS records of the ITL in frame %u "
                              "(TVS record serial %s)", cs, s->itl_frame, rs ? rs : "?");
        break;
    case SBD_TVS_HASH_MISMATCH:
        cmp = g_strdup_printf("its certificate (serial %s) has the serial of the ITL's TVS record (frame %u) "
                              "but other content", cs, s->itl_frame);
        break;
    case SBD_TVS_MATCH:
        cmp = g_strdup_printf("its certificate (serial %s) matches the ITL in frame %u, so the phone "
                              "rejected something else (its own certificate, the TLS parameters)", cs,
                              s->itl_frame);
        break;
    case SBD_TVS_CERT_HIDDEN:
        cmp = g_strdup("its certificate is encrypted (TLS 1.3): give the keys to compare it with the ITL");
        break;
    default:
        cmp = g_strdup_printf("verdict of the certificate check: %s", sbd_tvs_verdict_str(s->verdict));
        break;
    }
    if (s->alert_by_phone) {
        char *al = s->alert_encrypted
                       ? g_strdup("an encrypted alert (a 2-byte record, told from its size)")
                       : g_strdup_printf("a fatal alert %s (%u)", sbd_tls_alert_str(s->alert_desc), s->alert_desc);
        sbd_finding *f = add_finding(SBD_F_TVS_REJECTED, s->alert_frame, s->frame, ph,
                                     g_strdup_printf("the phone ended the handshake with TVS %s:%u by %s in "
                                                     "frame %u: %s", s->server, s->port, al, s->alert_frame, cmp));
        f->certainty = s->alert_encrypted ? SBD_INFERRED : SBD_SEEN;
        g_free(al);
    } else {
        sbd_finding *f = add_finding(SBD_F_TVS_SERVER_ALERT, s->alert_frame, s->frame, ph,
            s->alert_encrypted
                ? g_strdup_printf("TVS %s:%u sent an encrypted alert (a 2-byte record, told from its size) in "
                                  "frame %u, before any answer", s->server, s->port, s->alert_frame)
                : g_strdup_printf("TVS %s:%u sent a fatal alert %s (%u) in frame %u, before any answer",
                                  s->server, s->port, sbd_tls_alert_str(s->alert_desc), s->alert_desc,
                                  s->alert_frame));
        f->certainty = s->alert_encrypted ? SBD_INFERRED : SBD_SEEN;
    }
    g_free(cmp);
    g_free(cs);
    g_free(rs);
}

/* Size of an inferred answer, for a detail. */
static char *
answer_size_text(const sbd_session *s, const sbd_tls_exchange *x)
{
    const sbd_tls_suite *su = s->has_cipher ? sbd_tls_suite_lookup(s->cipher_suite) : NULL;
    char *pt = x->resp_min == x->resp_max ? g_strdup_printf("%u", x->resp_min)
                                          : g_strdup_printf("%u-%u", x->resp_min, x->resp_max);
    char *r = g_strdup_printf("a TLS record of %u bytes in frame %u, %s bytes of plaintext with %s",
                              x->resp_len, x->resp_frame, pt, su ? su->name : "its cipher suite");
    g_free(pt);
    return r;
}

/* What became of each list the phone could not trust with its earlier
 * lists (formats.md 6.1, TAC 213407: it asks TVS about the new signer). */
static void
untrusted_list_findings(sbd_phone *ph)
{
    guint i;

    for (i = 0; i < ph->files->len; i++) {
        sbd_file *f = g_ptr_array_index(ph->files, i);
        char *sn;
        sbd_answer_kind kind;
        const sbd_session *s;
        const sbd_tls_exchange *x;
        gboolean followed;

        if (f->trust != SBD_TRUST_NO || f->accepted || signature_rejected(f))
            continue;
        if (f->tvs && f->tvs->answered && f->tvs->status == 0)
            continue;                       /* TVS vouched (decoded) */
        if (f->tvs && f->tvs->answered)
            continue;                       /* decoded invalid: tvs-invalid, at the answer */
        sn = f->signer_serial ? hex(f->signer_serial, f->signer_serial_len) : g_strdup("?");
        followed = encrypted_session_after(ph, f, G_MAXUINT32, &kind, &s, &x);
        if (!f->tvs && followed && kind == SBD_ANSWER_STATUS_ONLY) {
            char *sz = answer_size_text(s, x);
            add_inferred(SBD_F_TVS_INVALID, x->resp_frame, f->frame, ph,
                         g_strdup_printf("TVS %s answered with a status only (%s), after %s %s signed by %s "
                                         "(serial %s) from %s in frame %u: TVS does not know that signer; "
                                         "import it into the cluster of TVS %s", s->server, sz,
                                         ciscotl_file_type_str(f->type), f->name,
                                         f->signer_name ? f->signer_name : "?", sn,
                                         f->server ? f->server : "?", f->frame, s->server));
            g_free(sz);
        } else if (!f->tvs && followed && f->rejected_next_frame) {
            add_inferred(SBD_F_TVS_INVALID, f->rejected_next_frame, f->frame, ph,
                         g_strdup_printf("%s %s signed by %s (serial %s): after an encrypted TVS session the "
                                         "phone asked again for the list or went back to the old cluster "
                                         "(frame %u): TVS did not vouch for the signer",
                                         ciscotl_file_type_str(f->type), f->name,
                                         f->signer_name ? f->signer_name : "?", sn, f->rejected_next_frame));
        } else if (!f->tvs && followed) {
            /* Undecided: the outcome says what would settle it. */
        } else {
            add_finding(SBD_F_SIGNER_UNTRUSTED_NO_TVS, f->frame, f->prev_frame, ph,
                        g_strdup_printf("%s %s signed by %s (serial %s) is not trusted by the list "
                                        "in frame %u; %s", ciscotl_file_type_str(f->type), f->name,
                                        f->signer_name ? f->signer_name : "?", sn, f->prev_frame,
                                        !f->tvs ? (tvs_rejected_after(ph, f, G_MAXUINT32)
                                                       ? "the phone rejected the TVS certificate, so no TVS "
                                                         "query about it followed"
                                                       : "no TVS query about it followed")
                                                : "the TVS query was not answered"));
        }
        g_free(sn);
    }
}

/* The outcome rules: the first rule whose finding the phone has names the
 * outcome and its root cause.  The order is the causal order of Cisco's
 * procedures (TAC 213407 migration, TAC 214231 regeneration, formats.md
 * 6.1): what the phone itself refused first, then what made it refuse. */
static const struct {
    sbd_finding_code root;
    sbd_outcome status;
} outcome_rules[] = {
    /* The phone aborted the handshake with TVS: whatever else is wrong, it
     * can verify nothing new through TVS (the certificate comparison is in
     * the finding's detail). */
    { SBD_F_TVS_REJECTED, SBD_OUTCOME_FAILED },
    /* A rollback ITL while a CTL is in place: the new CTL still needs TVS,
     * which the blank ITL takes away (TAC 213407: rollback does not help
     * secure clusters). */
    { SBD_F_BLANK_ITL_WITH_CTL, SBD_OUTCOME_FAILED },
    /* CallManager/ITLRecovery and TVS replaced together (TAC 214231). */
    { SBD_F_CM_TVS_REPLACED, SBD_OUTCOME_FAILED },
    /* TVS did not vouch for the new signer: certificates not imported
     * (TAC 213407). */
    { SBD_F_TVS_INVALID, SBD_OUTCOME_FAILED },
    /* TVS refused the phone. */
    { SBD_F_TVS_SERVER_ALERT, SBD_OUTCOME_FAILED },
    /* TVS dropped the connection before answering. */
    { SBD_F_TVS_RESET, SBD_OUTCOME_FAILED },
    /* A list that fails its own signature is refused, the old one kept. */
    { SBD_F_LIST_BAD_SIGNATURE, SBD_OUTCOME_FAILED },
    /* An untrusted signer and no TVS exchange at all. */
    { SBD_F_SIGNER_UNTRUSTED_NO_TVS, SBD_OUTCOME_FAILED },
    /* A signed config the phone's lists do not vouch for. */
    { SBD_F_SGN_SIGNER_NOT_TRUSTED, SBD_OUTCOME_FAILED },
    /* A TVS certificate that does not match the ITL, the handshake's fate
     * not in the input: a phone checks it (formats.md 6.1) and refuses. */
    { SBD_F_TVS_SERIAL_MISMATCH, SBD_OUTCOME_FAILED },
    { SBD_F_TVS_HASH_MISMATCH, SBD_OUTCOME_FAILED },
    /* TVS without the phone's ITL in the input: nothing to judge it by. */
    { SBD_F_NO_ITL, SBD_OUTCOME_UNDETERMINED },
    { SBD_F_TVS_ITL_REJECTED, SBD_OUTCOME_UNDETERMINED },
};

/* Causal rank of a consequence: what breaks a list first, then TVS, then
 * what follows from both. */
static int
causal_rank(sbd_finding_code c)
{
    switch (c) {
    case SBD_F_LIST_BAD_SIGNATURE: case SBD_F_BLANK_ITL_WITH_CTL: return 0;
    case SBD_F_TVS_SERIAL_MISMATCH: case SBD_F_TVS_HASH_MISMATCH: case SBD_F_NO_TVS_RECORD:
    case SBD_F_TVS_ITL_REJECTED: case SBD_F_NO_ITL: case SBD_F_CERT_HIDDEN: return 1;
    case SBD_F_TVS_REJECTED: case SBD_F_TVS_SERVER_ALERT: case SBD_F_TVS_INVALID: case SBD_F_TVS_RESET: return 2;
    case SBD_F_SIGNER_UNTRUSTED_NO_TVS: return 3;
    case SBD_F_CM_TVS_REPLACED: return 4;
    case SBD_F_SGN_SIGNER_NOT_TRUSTED: return 5;
    default: return 6;
    }
}

static gint
consequence_cmp(gconstpointer a, gconstpointer b)
{
    const sbd_finding *x = *(const sbd_finding *const *)a, *y = *(const sbd_finding *const *)b;
    int rx = causal_rank(x->code), ry = causal_rank(y->code);

    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return (int)x->code - (int)y->code;
}

static void
decide_outcome(sbd_phone *ph)
{
    GPtrArray *mine = ph->consequences;     /* all of the phone's findings, for now */
    sbd_finding *root = NULL;
    guint r, i;
    gboolean any_list = FALSE, migrated = FALSE, migrated_inferred = FALSE, tvs_inferred = FALSE;
    gboolean undecided_list = FALSE;
    const sbd_file *moved = NULL, *undecided = NULL;

    guint32 accepted_at = 0;

    /* A list the phone accepted later (a second attempt, after an
     * administrator fixed TVS) outweighs the failed attempts before it. */
    for (i = 0; i < ph->files->len; i++) {
        const sbd_file *f = g_ptr_array_index(ph->files, i);
        guint32 at = 0;
        if (f->trust != SBD_TRUST_NO || signature_rejected(f))
            continue;
        if (f->tvs && f->tvs->answered)
            at = f->tvs->status == 0 ? f->tvs->resp_frame : 0;
        else if (f->accepted)
            at = f->accepted_frame;
        if (at > accepted_at)
            accepted_at = at;
    }
    for (r = 0; r < G_N_ELEMENTS(outcome_rules) && !root; r++)
        for (i = 0; i < mine->len && !root; i++) {
            sbd_finding *f = g_ptr_array_index(mine, i);
            if (f->frame < accepted_at &&
                (f->code == SBD_F_TVS_INVALID || f->code == SBD_F_SIGNER_UNTRUSTED_NO_TVS ||
                 f->code == SBD_F_TVS_REJECTED || f->code == SBD_F_TVS_SERVER_ALERT || f->code == SBD_F_TVS_RESET))
                continue;                   /* an attempt that a later acceptance superseded */
            if (f->code == outcome_rules[r].root) {
                root = f;
                ph->outcome = outcome_rules[r].status;
            }
        }
    for (i = 0; i < ph->files->len; i++) {
        const sbd_file *f = g_ptr_array_index(ph->files, i);
        if (!is_trust_list(f))
            continue;
        any_list = TRUE;
        if (f->trust != SBD_TRUST_NO || signature_rejected(f))
            continue;
        if (f->tvs && f->tvs->answered && f->tvs->status == 0) {
            migrated = TRUE;
            moved = f;
        } else if (f->accepted && !(f->tvs && f->tvs->answered)) {
            migrated = TRUE;
            migrated_inferred = TRUE;
            moved = f;
        } else if ((!f->tvs || !f->tvs->answered) && f->frame >= accepted_at) {
            undecided_list = TRUE;
            if (!undecided)
                undecided = f;
        }
    }
    for (i = 0; i < ph->sessions->len; i++) {
        const sbd_session *s = g_ptr_array_index(ph->sessions, i);
        if (s->verdict == SBD_TVS_CERT_HIDDEN && s->handshake_done)
            tvs_inferred = TRUE;            /* the phone went on: it accepted TVS */
    }

    if (root) {
        ph->root_cause = root;
        ph->outcome_certainty = root->certainty;
        gboolean replaced = FALSE;
        for (i = 0; i < mine->len; i++)
            if (((sbd_finding *)g_ptr_array_index(mine, i))->code == SBD_F_CM_TVS_REPLACED)
                replaced = TRUE;
        ph->outcome_summary = g_strdup_printf("%s (%s, frame %u): %s%s", sbd_outcome_str(ph->outcome),
                                              sbd_finding_describe(root->code)->name, root->frame, root->detail,
                                              root->code == SBD_F_TVS_REJECTED && replaced
                                                  ? "; the new ITL's signer is unknown to the phone too "
                                                    "(CallManager and TVS replaced together): delete the ITL "
                                                    "on the phone by hand"
                                                  : "");
    } else if (undecided_list) {
        ph->outcome = SBD_OUTCOME_UNDETERMINED;
        ph->outcome_certainty = SBD_INFERRED;
        ph->outcome_summary = g_strdup_printf(
            "undetermined: %s %s (frame %u) is signed by a certificate the phone's earlier lists do not hold, "
            "and the encrypted TVS session after it does not tell whether TVS vouched for it; the TLS keys, "
            "or a capture of what the phone downloads next, would settle it",
            ciscotl_file_type_str(undecided->type), undecided->name, undecided->frame);
    } else if (migrated) {
        ph->outcome = SBD_OUTCOME_MIGRATED;
        ph->outcome_certainty = migrated_inferred || tvs_inferred ? SBD_INFERRED : SBD_SEEN;
        ph->outcome_summary = g_strdup_printf(
            "migrated: the phone accepted %s %s from %s (frame %u), signed by %s, through %s",
            ciscotl_file_type_str(moved->type), moved->name, moved->server ? moved->server : "?", moved->frame,
            moved->signer_name ? moved->signer_name : "?",
            moved->accepted && !(moved->tvs && moved->tvs->answered) ? moved->accepted_how
                                                                    : "a valid TVS answer (decoded)");
    } else if (any_list || ph->sessions->len) {
        ph->outcome = SBD_OUTCOME_TRUSTED;
        ph->outcome_certainty = tvs_inferred ? SBD_INFERRED : SBD_SEEN;
        ph->outcome_summary = g_strdup(
            tvs_inferred ? "trusted: its trust lists verify, and it went on after TVS's (encrypted) certificate, "
                           "so it accepted TVS"
            : ph->sessions->len ? "trusted: its trust lists verify and TVS's certificate matches its ITL"
                                : "trusted: its trust lists verify (no TVS session in the input)");
    } else {
        ph->outcome = SBD_OUTCOME_UNDETERMINED;
        ph->outcome_certainty = SBD_SEEN;
        ph->outcome_summary = g_strdup("undetermined: no trust list or TLS session to TVS of this phone in the "
                                       "input; a capture from the phone's boot would settle it");
    }
    /* Trusted or migrated with a warning: that warning is what to act on. */
    if (!root && (ph->outcome == SBD_OUTCOME_TRUSTED || ph->outcome == SBD_OUTCOME_MIGRATED)) {
        for (i = 0; i < mine->len; i++) {
            sbd_finding *f = g_ptr_array_index(mine, i);
            if (sbd_finding_describe(f->code)->severity == SBD_SEV_WARN &&
                (!ph->root_cause || causal_rank(f->code) < causal_rank(ph->root_cause->code)))
                ph->root_cause = f;
        }
        if (ph->root_cause) {
            char *s2 = g_strdup_printf("%s; but %s (frame %u): %s", ph->outcome_summary,
                                       sbd_finding_describe(ph->root_cause->code)->name, ph->root_cause->frame,
                                       ph->root_cause->detail);
            g_free(ph->outcome_summary);
            ph->outcome_summary = s2;
        }
    }
    if (ph->root_cause)
        g_ptr_array_remove(mine, ph->root_cause);
    g_ptr_array_sort(mine, consequence_cmp);
}

void
sbd_checks_finish(void)
{
    guint p, i;

    ensure_state();
    if (st.finished)
        return;
    st.finished = TRUE;
    for (p = 0; p < st.phones->len; p++) {
        sbd_phone *ph = g_ptr_array_index(st.phones, p);
        partial_findings(ph);
        gboolean untrusted_signer = FALSE, tvs_mismatch = FALSE, blank_itl = FALSE, has_ctl = FALSE;
        guint32 untrusted_frame = 0, blank_frame = 0, mismatch_frame = 0, ctl_frame = 0, first_ctl = 0;

        infer_acceptance(ph, NULL);
        /* Sessions with no earlier ITL: compare with a later one, marked. */
        for (i = 0; i < ph->sessions->len; i++) {
            sbd_session *s = g_ptr_array_index(ph->sessions, i);
            if (s->cert_seen && s->verdict == SBD_TVS_NO_ITL) {
                sbd_file *later = latest_list(ph, CISCOTL_TYPE_ITL, G_MAXUINT32, NULL);
                if (later) {
                    s->itl_after = TRUE;
                    compare_with_itl(ph, s, later);
                }
                session_verdict_findings(ph, s);
            }
            if (s->verdict == SBD_TVS_SERIAL_MISMATCH || s->verdict == SBD_TVS_HASH_MISMATCH) {
                if (!tvs_mismatch)
                    mismatch_frame = s->frame;
                tvs_mismatch = TRUE;
            }
            session_fate_findings(ph, s);
        }
        for (i = 0; i < ph->files->len; i++) {
            sbd_file *f = g_ptr_array_index(ph->files, i);
            if (f->type == CISCOTL_TYPE_CTL && !f->blank_itl) {
                has_ctl = TRUE;
                if (!first_ctl)
                    first_ctl = f->frame;
                if (!blank_itl)
                    ctl_frame = f->frame;   /* the CTL in place when the blank ITL came */
            }
            if (f->type == CISCOTL_TYPE_ITL && f->blank_itl) {
                blank_itl = TRUE;
                blank_frame = f->frame;
            }
            if (f->trust != SBD_TRUST_NO || f->accepted || (f->tvs && f->tvs->answered && f->tvs->status == 0))
                continue;
            if (!untrusted_frame)
                untrusted_frame = f->frame;
            untrusted_signer = TRUE;
        }
        untrusted_list_findings(ph);
        if (untrusted_signer && tvs_mismatch)
            add_finding(SBD_F_CM_TVS_REPLACED, untrusted_frame, mismatch_frame, ph,
                        g_strdup_printf("phone %s: new trust-list signer unknown (frame %u) and TVS certificate "
                                        "mismatch (TVS session in frame %u): delete the ITL on the phone by hand",
                                        ph->ip, untrusted_frame, mismatch_frame));
        if (!ctl_frame)
            ctl_frame = first_ctl;  /* no CTL before the blank ITL: the first one after it */
        if (blank_itl && has_ctl)
            add_finding(SBD_F_BLANK_ITL_WITH_CTL, blank_frame, ctl_frame, ph,
                        g_strdup_printf("phone %s: blank ITL in frame %u while a CTL is in place (CTL in "
                                        "frame %u)", ph->ip, blank_frame, ctl_frame));
    }
    /* The outcome of each phone, from all of its findings. */
    for (p = 0; p < st.phones->len; p++) {
        sbd_phone *ph = g_ptr_array_index(st.phones, p);
        ph->consequences = g_ptr_array_new();
    }
    for (i = 0; i < st.findings->len; i++) {
        sbd_finding *f = g_ptr_array_index(st.findings, i);
        if (f->phone && f->phone->consequences)
            g_ptr_array_add(f->phone->consequences, f);
    }
    for (p = 0; p < st.phones->len; p++)
        decide_outcome(g_ptr_array_index(st.phones, p));
}

gboolean
sbd_checks_finished(void)
{
    return st.finished;
}

const sbd_frame_view *
sbd_checks_frame(guint32 frame)
{
    return st.frames ? g_hash_table_lookup(st.frames, GUINT_TO_POINTER(frame)) : NULL;
}

static gint
finding_cmp(gconstpointer a, gconstpointer b)
{
    const sbd_finding *x = *(const sbd_finding *const *)a, *y = *(const sbd_finding *const *)b;

    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return (int)x->code - (int)y->code;
}

GPtrArray *
sbd_checks_phones(void)
{
    ensure_state();
    return st.phones;
}

GPtrArray *
sbd_checks_findings(void)
{
    ensure_state();
    if (st.finished)
        g_ptr_array_sort(st.findings, finding_cmp);
    return st.findings;
}

gboolean
sbd_checks_capped(void)
{
    return st.capped;
}

void
sbd_checks_begin_frame(guint32 frame)
{
    ensure_state();
    st.frame = frame;
    st.has_ts = FALSE;
}

void
sbd_checks_begin_frame_ts(guint32 frame, const nstime_t *abs_ts)
{
    ensure_state();
    st.frame = frame;
    st.has_ts = abs_ts != NULL;
    if (abs_ts)
        st.ts = *abs_ts;
}

const nstime_t *
sbd_checks_frame_time(guint32 frame)
{
    const sbd_frame_view *v = sbd_checks_frame(frame);
    return v && v->has_ts ? &v->abs_ts : NULL;
}

/* The current frame's time, zero when not known. */
static nstime_t
now_ts(void)
{
    nstime_t z = NSTIME_INIT_ZERO;
    return st.has_ts ? st.ts : z;
}

guint32
sbd_checks_capped_frame(const char **what)
{
    if (what)
        *what = st.capped ? st.capped_what : NULL;
    return st.capped ? st.capped_frame : 0;
}

/* ---- handing the results over ---------------------------------------------- */

sbd_report *
sbd_checks_take_report(void)
{
    sbd_report *rep = g_new0(sbd_report, 1);

    rep->findings = sbd_checks_findings();      /* sorted if finished */
    rep->phones = st.phones;
    rep->capped = st.capped;
    rep->capped_frame = sbd_checks_capped_frame(&rep->capped_what);
    /* What sbd_checks_reset() frees is no longer the engine's. */
    st.phones = g_ptr_array_new_with_free_func(phone_free);
    st.findings = g_ptr_array_new_with_free_func(finding_free);
    sbd_checks_reset();
    return rep;
}

void
sbd_report_free(sbd_report *rep)
{
    if (!rep)
        return;
    g_ptr_array_free(rep->findings, TRUE);      /* they point to the phones */
    g_ptr_array_free(rep->phones, TRUE);
    g_free(rep);
}
