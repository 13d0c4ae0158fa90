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
        "import the destination cluster's CallManager (and, from CUCM 12, ITLRecovery) certificate into "
        "the source cluster as CallManager-trust and Phone-SAST-trust (Bulk Certificate Management "
        "export -> consolidate -> import, or manual upload), then restart TVS on the source nodes" },
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
};

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
} st;

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
    if (ph)
        v->phone = ph;
    return v;
}

static void
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
    return f->trust == SBD_TRUST_NO && f->tvs && f->tvs->answered && f->tvs->status == 0 &&
           f->tvs->resp_frame < frame;
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
    for (i = 0; i < itl->n_recs; i++) {
        const sbd_record *r = &itl->recs[i];
        gboolean same;
        if (!r->has_role || r->role != SBD_ROLE_TVS || r->blank || !r->serial)
            continue;
        any_tvs = TRUE;
        if (!bytes_equal_magnitude(r->serial, r->serial_len, s->cert_serial, s->cert_serial_len))
            continue;
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

static void
evaluate_session(sbd_phone *ph, sbd_session *s)
{
    sbd_file *itl = latest_list(ph, CISCOTL_TYPE_ITL, s->frame, NULL);

    if (itl)
        compare_with_itl(ph, s, itl);
    else
        s->verdict = SBD_TVS_NO_ITL;        /* may be revised by sbd_checks_finish */
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

/* ---- TVS messages ----------------------------------------------------------- */

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

    if (ti->command == TVS_CMD_VERIFY_REQUEST || ti->command == TVS_CMD_QUERY_REQUEST) {
        sbd_exchange *x = open_exchange(ph, frame, ti);
        if (!x)
            return;
        view_for(frame, ph)->exchange = x;
        /* Is it about the signer of a list the phone could not trust? */
        for (i = ph->files->len; i-- > 0;) {
            sbd_file *f = g_ptr_array_index(ph->files, i);
            if (f->frame < frame && f->trust == SBD_TRUST_NO && !f->tvs &&
                bytes_equal_magnitude(f->signer_serial, f->signer_serial_len, x->serial, x->serial_len))
                f->tvs = x;
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
            add_finding(SBD_F_TVS_INVALID, frame, x->req_frame, ph, detail);
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

/* ---- conclusions ------------------------------------------------------------ */

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
            if (f->trust != SBD_TRUST_NO)
                continue;
            if (!untrusted_frame)
                untrusted_frame = f->frame;
            untrusted_signer = TRUE;
            if (!f->tvs || !f->tvs->answered || f->tvs->status != 0) {
                char *sn = f->signer_serial ? hex(f->signer_serial, f->signer_serial_len) : g_strdup("?");
                add_finding(SBD_F_SIGNER_UNTRUSTED_NO_TVS, f->frame, f->prev_frame, ph,
                            g_strdup_printf("%s %s signed by %s (serial %s) is not trusted by the list "
                                            "in frame %u; %s", ciscotl_file_type_str(f->type), f->name,
                                            f->signer_name ? f->signer_name : "?", sn, f->prev_frame,
                                            !f->tvs ? "no TVS query about it followed"
                                            : !f->tvs->answered ? "the TVS query was not answered"
                                                                : "TVS answered invalid"));
                g_free(sn);
            }
        }
        if (untrusted_signer && tvs_mismatch)
            add_finding(SBD_F_CM_TVS_REPLACED, untrusted_frame, mismatch_frame, ph,
                        g_strdup_printf("phone %s: new trust-list signer unknown (frame %u) and TVS certificate "
                                        "mismatch (TVS session in frame %u)", ph->ip, untrusted_frame,
                                        mismatch_frame));
        if (!ctl_frame)
            ctl_frame = first_ctl;  /* no CTL before the blank ITL: the first one after it */
        if (blank_itl && has_ctl)
            add_finding(SBD_F_BLANK_ITL_WITH_CTL, blank_frame, ctl_frame, ph,
                        g_strdup_printf("phone %s: blank ITL in frame %u while a CTL is in place (CTL in "
                                        "frame %u)", ph->ip, blank_frame, ctl_frame));
    }
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
