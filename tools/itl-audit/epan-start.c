/* epan-start.c - libwireshark's start (once per run): the report message
 * routines, the preferences, and the ports the pre-filter keeps
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <epan/epan.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/timestamp.h>
#include <epan/addr_resolv.h>
#include <epan/uat-int.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

#define SBD_COMPAT_PROGRAM
#include "sbd-compat.h"
#include "sbd-common.h"
#include "itl-audit.h"
#include "logs.h"

gboolean epan_ready;
pf_config pf_effective;
gint64 epan_start_usec;

/* report_message_routines' parameter types: sbd-compat.h. */
typedef sbd_rm_bool_t rm_bool_t;
typedef sbd_rm_framenum_t rm_framenum_t;

static void
vmessage(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", PROGNAME, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void
rm_failure(const char *fmt, va_list ap)
{
    vmessage("", fmt, ap);
}

static void
rm_warning(const char *fmt, va_list ap)
{
    vmessage("warning: ", fmt, ap);
}

static void
rm_open_failure(const char *filename, int err, rm_bool_t for_writing)
{
    fprintf(stderr, "%s: cannot open %s for %s: %s\n", PROGNAME, filename, for_writing ? "writing" : "reading",
            g_strerror(err));
}

static void
rm_read_failure(const char *filename, int err)
{
    fprintf(stderr, "%s: error reading %s: %s\n", PROGNAME, filename, g_strerror(err));
}

static void
rm_write_failure(const char *filename, int err)
{
    fprintf(stderr, "%s: error writing %s: %s\n", PROGNAME, filename, g_strerror(err));
}

static void
rm_cfile_message(const char *what, const char *filename, int err, gchar *err_info)
{
    fprintf(stderr, "%s: %s %s: %s%s%s\n", PROGNAME, what, filename, wtap_strerror(err),
            err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void
rm_cfile_open_failure(const char *filename, int err, gchar *err_info)
{
    rm_cfile_message("cannot open", filename, err, err_info);
}

static void
rm_cfile_dump_open_failure(const char *filename, int err, gchar *err_info, int file_type_subtype _U_)
{
    rm_cfile_message("cannot create", filename, err, err_info);
}

static void
rm_rename_failure(const char *old_filename, const char *new_filename, int err) G_GNUC_UNUSED;
static void
rm_rename_failure(const char *old_filename, const char *new_filename, int err)
{
    fprintf(stderr, "%s: cannot rename %s to %s: %s\n", PROGNAME, old_filename, new_filename, g_strerror(err));
}

static void
rm_cfile_read_failure(const char *filename, int err, gchar *err_info)
{
    rm_cfile_message("error reading", filename, err, err_info);
}

static void
rm_cfile_write_failure(const char *in_filename _U_, const char *out_filename, int err, gchar *err_info,
                       rm_framenum_t framenum _U_, int file_type_subtype _U_)
{
    rm_cfile_message("error writing", out_filename ? out_filename : "output", err, err_info);
}

static void
rm_cfile_close_failure(const char *filename, int err, gchar *err_info)
{
    rm_cfile_message("error closing", filename, err, err_info);
}

static void
cmdarg_err_cb(const char *fmt, va_list ap)
{
    vmessage("", fmt, ap);
}

/* prefs_set_pref() writes into its argument: give it a copy. */
static gboolean
set_pref(const char *setting, gboolean from_user)
{
    char *buf = g_strdup(setting);
    char *errmsg = NULL;
    prefs_set_pref_e r = prefs_set_pref(buf, &errmsg);
    gboolean ok = r == PREFS_SET_OK;

    if (!ok) {
        const char *why = r == PREFS_SET_SYNTAX_ERR ? "syntax error"
                        : r == PREFS_SET_NO_SUCH_PREF ? "no such preference"
                        : r == PREFS_SET_OBSOLETE ? "obsolete preference" : "cannot be set";
        fprintf(stderr, "%s: %s \"%s\": %s%s%s\n", PROGNAME, from_user ? "invalid -o" : "cannot set preference",
                setting, why, errmsg ? ": " : "", errmsg ? errmsg : "");
    }
    g_free(errmsg);
    g_free(buf);
    return ok;
}

/* A UAT string field: quotes, backslashes and non-printable bytes as \xNN. */
static char *
uat_quote(const char *s)
{
    GString *o = g_string_new("\"");
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || !g_ascii_isprint(*p))
            g_string_append_printf(o, "\\x%02x", *p);
        else
            g_string_append_c(o, (char)*p);
    }
    g_string_append_c(o, '"');
    return g_string_free(o, FALSE);
}

static gboolean
apply_preferences(void)
{
    gboolean ok = TRUE;
    GString *ports = g_string_new(NULL);
    char *s;
    guint i;

    /* The plugin's init routine forces TFTP reassembly on too (preference
     * ciscotl.force_tftp_defragment); setting it here as well makes the
     * tool independent of that. */
    ok &= set_pref("tftp.defragment:TRUE", FALSE);

    for (i = 0; i < opt.tvs_ports->len; i++)
        g_string_append_printf(ports, "%s%u", i ? "," : "", g_array_index(opt.tvs_ports, unsigned, i));
    s = g_strdup_printf("sbd.tvs_ports:%s", ports->str);
    ok &= set_pref(s, FALSE);
    g_free(s);
    /* The TVS dissector's own port list (TLS application data on these
     * ports is TVS; it also hands the ports to TLS). */
    s = g_strdup_printf("tvs.tls.port:%s", ports->str);
    ok &= set_pref(s, FALSE);
    g_free(s);
    g_string_free(ports, TRUE);

    if (opt.keylog) {
        s = g_strdup_printf("tls.keylog_file:%s", opt.keylog);
        ok &= set_pref(s, FALSE);
        g_free(s);
    }
    for (i = 0; i < opt.rsa_keys->len; i++) {
        char *q = uat_quote(g_ptr_array_index(opt.rsa_keys, i));
        s = g_strdup_printf("uat:rsa_keys:%s,\"\"", q);
        ok &= set_pref(s, FALSE);
        g_free(s);
        g_free(q);
    }
    /* -o last: the user has the final word (except where an init routine
     * of a dissector forces a value per capture). */
    for (i = 0; i < opt.prefs->len; i++)
        ok &= set_pref(g_ptr_array_index(opt.prefs, i), TRUE);
    prefs_apply_all();
    return ok;
}

/* Before epan is initialised (the first input is read while epan starts):
 * only what the command line says.  TFTP 69, the --tvs-port list, HTTP
 * 6970; TLS on other ports when a key log or RSA key was given. */
void
prefilter_config_early(pf_config *cfg)
{
    guint i;

    pf_config_init(cfg);
    pf_config_add_udp(cfg, 69);
    pf_config_add_tcp(cfg, 6970);
    for (i = 0; i < opt.tvs_ports->len; i++)
        pf_config_add_tcp(cfg, g_array_index(opt.tvs_ports, unsigned, i));
    cfg->tls_any_port = opt.keylog != NULL || opt.rsa_keys->len > 0;
}

static void
add_range_pref(pf_config *cfg, gboolean tcp, const char *module, const char *name)
{
    module_t *m = prefs_find_module(module);
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;
    range_t *r = p ? prefs_get_range_value_real(p, pref_current) : NULL;
    guint i;
    guint32 port;

    if (!r)
        return;
    for (i = 0; i < r->nranges; i++) {
        for (port = r->ranges[i].low; port <= r->ranges[i].high && port < 65536; port++) {
            if (tcp)
                pf_config_add_tcp(cfg, port);
            else
                pf_config_add_udp(cfg, port);
        }
    }
}

static gboolean
string_pref_set(module_t *m, const char *name)
{
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;
    const char *v = NULL;

    if (p && (sbd_pref_is(p, PREF_STRING) || sbd_pref_is(p, PREF_SAVE_FILENAME) ||
              sbd_pref_is(p, PREF_OPEN_FILENAME) || sbd_pref_is(p, PREF_DIRNAME)))
        v = prefs_get_string_value(p, pref_current);
    return v && *v;
}

static gboolean
uat_has_rows(const char *name)
{
    uat_t *u = uat_get_table_by_name(name);

    return u && u->raw_data && u->raw_data->len > 0;
}

/* Can TLS be decrypted at all (key log, pre-shared key, RSA keys)?  Only
 * then can TVS's heuristic find TVS inside TLS on a port that is not a TVS
 * port.  Decryption Secrets Blocks in a capture switch it on as they are
 * read. */
static gboolean
tls_decryption_configured(void)
{
    module_t *tls = prefs_find_module("tls");

    return string_pref_set(tls, "keylog_file") || string_pref_set(tls, "psk") ||
           string_pref_set(tls, "keys_list") || uat_has_rows("TLS Decrypt") ||
           uat_has_rows("RSA Private Keys");
}

/* After the preferences are applied (-o, the user's profile): the ports
 * epan itself dissects as TFTP / TVS / checked TVS sessions. */
static void
prefilter_config_effective(pf_config *cfg)
{
    pf_config_init(cfg);
    add_range_pref(cfg, FALSE, "tftp", "udp.port");
    pf_config_add_udp(cfg, 69);
    add_range_pref(cfg, TRUE, "sbd", "tvs_ports");
    add_range_pref(cfg, TRUE, "tvs", "tls.port");
    pf_config_add_tcp(cfg, 6970);
    cfg->tls_any_port = tls_decryption_configured();
}

static gboolean epan_started;   /* epan_init() ran: epan_cleanup() at exit */

gboolean
ensure_epan(void)
{
    gint64 t0;

    if (epan_ready)
        return TRUE;
    t0 = g_get_monotonic_time();
    /* Our dissectors, statically, before epan_init; epan plugins are not
     * loaded, so an installed copy of the cucm-sbd plugin cannot clash. */
    sbd_register_protocols();
    logs_register_reader();             /* TVS traces and phone logs (logs.c) */
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "%s: libwireshark initialisation failed\n", PROGNAME);
        return FALSE;
    }
    epan_started = TRUE;
    epan_load_settings();
    disable_name_resolution();          /* addresses stay numeric, no DNS */
    if (!apply_preferences())
        return FALSE;
    prefilter_config_effective(&pf_effective);
    epan_ready = TRUE;
    epan_start_usec = g_get_monotonic_time() - t0;
    return TRUE;
}

/* What comes before anything is read (order as in wireshark-api.md 8). */
void
wireshark_init(const char *argv0)
{
    static const struct report_message_routines routines = {
        .vreport_failure = rm_failure, .vreport_warning = rm_warning,
        .report_open_failure = rm_open_failure, .report_read_failure = rm_read_failure,
        .report_write_failure = rm_write_failure, SBD_RM_RENAME_FAILURE(rm_rename_failure)
        .report_cfile_open_failure = rm_cfile_open_failure,
        .report_cfile_dump_open_failure = rm_cfile_dump_open_failure,
        .report_cfile_read_failure = rm_cfile_read_failure,
        .report_cfile_write_failure = rm_cfile_write_failure,
        .report_cfile_close_failure = rm_cfile_close_failure,
    };
    char *err;

    sbd_log_init(PROGNAME, cmdarg_err_cb);
    init_process_policies();
    relinquish_special_privs_perm();
    err = sbd_configuration_init(argv0);
    if (err) {
        fprintf(stderr, "%s: cannot find the program's directory: %s\n", PROGNAME, err);
        g_free(err);
    }
    init_report_message(PROGNAME, &routines);
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(TRUE);
}

void
wireshark_cleanup(void)
{
    /* Wireshark's global teardown takes about 40 ms (every registration
     * freed) for memory the process is about to give back anyway; it is
     * still done in sanitizer builds, where it is checked. */
#if defined(__SANITIZE_ADDRESS__)
    if (epan_started)
        epan_cleanup();
    wtap_cleanup();
#else
    (void)epan_started;
#endif
    free_progdirs();
}
