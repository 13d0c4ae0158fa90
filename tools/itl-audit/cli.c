/* cli.c - itl-audit's command line: options, usage
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "itl-audit.h"
#include "logs.h"

audit_options opt;

void
options_init(void)
{
    opt.rsa_keys = g_ptr_array_new();
    opt.keylogs = g_ptr_array_new();
    opt.prefs = g_ptr_array_new();
    opt.tvs_ports = g_array_new(FALSE, FALSE, sizeof(unsigned));
    opt.prefilter = TRUE;
    opt.fast_read = TRUE;
    opt.jobs = (unsigned)MIN(MAX(g_get_num_processors(), 1), MAX_JOBS);
}

static void
print_usage(FILE *f)
{
    fprintf(f,
        "Usage: " PROGNAME " [options] PATH...\n"
        "\n"
        "Audit Cisco CUCM Security-By-Default trust (ITL/CTL downloads, TVS sessions\n"
        "and exchanges) in capture files.  PATH is a capture file (pcap, pcapng,\n"
        "gzip-compressed, any format Wireshark reads) or a directory, walked\n"
        "recursively (files in it that are not captures are skipped).\n"
        "\n"
        "Options:\n"
        "  --keylog FILE       TLS key log (NSS format) to decrypt TVS sessions\n"
        "                      (sets tls.keylog_file; repeatable: the files are merged)\n"
        "  --rsa-key FILE      RSA private key (PEM) of a TVS server, for TLS with RSA\n"
        "                      key exchange; repeatable\n"
        "  -o PREF:VALUE       set a Wireshark preference, as tshark -o; repeatable\n"
        "  --tvs-port N        TCP port of TVS (default 2445); repeatable\n"
        "  --phone MAC         report only this phone (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff,\n"
        "                      AABBCCDDEEFF or SEPAABBCCDDEEFF)\n"
        "  --json              one JSON document on stdout\n"
        "  --csv               one CSV row per finding on stdout\n"
        "  -q, --quiet         text output: the summary line only\n"
        "  -j, --jobs N        audit N inputs at a time, in worker processes (default:\n"
        "                      the number of processors); the output is the same\n"
        "  --no-prefilter      hand every record to libwireshark (slow; for checks)\n"
        "  --no-fast-read      read every record through wiretap, also in plain pcap\n"
        "                      files (slower; for checks)\n"
        "  --stats             per input: records read, records dissected, pre-filter\n"
        "                      tables; at the end: time to start libwireshark, peak\n"
        "                      memory (on stderr)\n"
        "  --log-date DATE     date (YYYY-MM-DD) of the lines of TVS traces and phone\n"
        "                      console logs, which print only the time of day (or\n"
        "                      month and day: then the year of DATE is used)\n"
        "  -h, --help          this help\n"
        "  -V, --version       version\n"
        "\n"
        "Exit status: 0 no findings, 1 findings, 2 usage error or an input that could\n"
        "not be read (the other inputs are still reported).\n");
}

static gboolean
parse_mac(const char *s, guint8 mac[6])
{
    char digits[13];
    size_t len = strlen(s), i, n = 0;

    if (len == 15 && g_ascii_strncasecmp(s, "SEP", 3) == 0) {
        s += 3;
        len -= 3;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        gboolean sep_pos;
        if (len == 17)
            sep_pos = i % 3 == 2;
        else if (len == 14)
            sep_pos = i == 4 || i == 9;
        else if (len == 12)
            sep_pos = FALSE;
        else
            return FALSE;
        if (sep_pos) {
            if (!((len == 17 && (c == ':' || c == '-')) || (len == 14 && c == '.')))
                return FALSE;
            continue;
        }
        if (!g_ascii_isxdigit(c) || n >= 12)
            return FALSE;
        digits[n++] = c;
    }
    if (n != 12)
        return FALSE;
    if (len == 17) {            /* one separator style throughout */
        for (i = 5; i < len; i += 3)
            if (s[i] != s[2])
                return FALSE;
    }
    for (i = 0; i < 6; i++)
        mac[i] = (guint8)(g_ascii_xdigit_value(digits[2 * i]) << 4 | g_ascii_xdigit_value(digits[2 * i + 1]));
    return TRUE;
}

static gboolean
parse_port(const char *s, unsigned *port)
{
    char *end;
    unsigned long v;

    if (!g_ascii_isdigit(*s))
        return FALSE;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < 1 || v > 65535)
        return FALSE;
    *port = (unsigned)v;
    return TRUE;
}

static int
usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: ", PROGNAME);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help'.\n", PROGNAME);
    va_end(ap);
    return 2;
}

enum { OPT_KEYLOG = 256, OPT_RSA_KEY, OPT_TVS_PORT, OPT_PHONE, OPT_JSON, OPT_CSV, OPT_NO_PREFILTER, OPT_NO_FAST_READ, OPT_STATS, OPT_LOG_DATE };

/* Several --keylog files: one key log for libwireshark, in a private
 * temporary file removed at exit. */
static gboolean
merge_keylogs(void)
{
    GString *all = g_string_new(NULL);
    GError *gerr = NULL;
    guint i;
    int fd;

    for (i = 0; i < opt.keylogs->len; i++) {
        gchar *text = NULL;
        gsize len = 0;
        if (!g_file_get_contents(g_ptr_array_index(opt.keylogs, i), &text, &len, NULL)) {
            g_string_free(all, TRUE);
            return FALSE;
        }
        g_string_append_len(all, text, (gssize)len);
        if (len && text[len - 1] != '\n')
            g_string_append_c(all, '\n');
        g_free(text);
    }
    fd = g_file_open_tmp("itl-audit-keys-XXXXXX", &opt.keylog_tmp, &gerr);
    if (fd < 0) {
        g_clear_error(&gerr);
        g_string_free(all, TRUE);
        return FALSE;
    }
    if (write(fd, all->str, all->len) != (ssize_t)all->len) {
        close(fd);
        g_string_free(all, TRUE);
        return FALSE;
    }
    close(fd);
    g_string_free(all, TRUE);
    opt.keylog = opt.keylog_tmp;
    return TRUE;
}

/* Returns -1 to go on, or an exit status. */
int
parse_args(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "keylog", required_argument, NULL, OPT_KEYLOG },
        { "rsa-key", required_argument, NULL, OPT_RSA_KEY },
        { "tvs-port", required_argument, NULL, OPT_TVS_PORT },
        { "phone", required_argument, NULL, OPT_PHONE },
        { "json", no_argument, NULL, OPT_JSON },
        { "csv", no_argument, NULL, OPT_CSV },
        { "quiet", no_argument, NULL, 'q' },
        { "jobs", required_argument, NULL, 'j' },
        { "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
        { "no-fast-read", no_argument, NULL, OPT_NO_FAST_READ },
        { "stats", no_argument, NULL, OPT_STATS },
        { "log-date", required_argument, NULL, OPT_LOG_DATE },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    gboolean json = FALSE, csv = FALSE;
    unsigned port;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:j:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_KEYLOG:
            g_ptr_array_add(opt.keylogs, optarg);
            break;
        case OPT_RSA_KEY:
            g_ptr_array_add(opt.rsa_keys, optarg);
            break;
        case 'o':
            if (!strchr(optarg, ':'))
                return usage_error("-o wants PREF:VALUE, got \"%s\"", optarg);
            g_ptr_array_add(opt.prefs, optarg);
            break;
        case OPT_LOG_DATE: {            /* logs.c */
            const char *why = NULL;
            char *setting = logs_date_setting(optarg, &why);
            if (!setting)
                return usage_error("--log-date wants YYYY-MM-DD, got \"%s\": %s", optarg, why);
            g_ptr_array_add(opt.prefs, setting);
            break;
        }
        case OPT_TVS_PORT:
            if (!parse_port(optarg, &port))
                return usage_error("--tvs-port wants a TCP port 1-65535, got \"%s\"", optarg);
            g_array_append_val(opt.tvs_ports, port);
            break;
        case OPT_PHONE:
            if (!parse_mac(optarg, opt.phone_mac))
                return usage_error("--phone wants a MAC address (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff or "
                                   "AABBCCDDEEFF), got \"%s\"", optarg);
            opt.phone_filter = TRUE;
            break;
        case OPT_JSON:
            json = TRUE;
            break;
        case OPT_CSV:
            csv = TRUE;
            break;
        case 'q':
            opt.quiet = TRUE;
            break;
        case 'j':
            if (!parse_port(optarg, &port) || port > MAX_JOBS)
                return usage_error("-j wants a number of jobs 1-%u, got \"%s\"", MAX_JOBS, optarg);
            opt.jobs = port;
            break;
        case OPT_NO_PREFILTER:
            opt.prefilter = FALSE;
            break;
        case OPT_NO_FAST_READ:
            opt.fast_read = FALSE;
            break;
        case OPT_STATS:
            opt.stats = TRUE;
            break;
        case 'h':
            print_usage(stdout);
            return 0;
        case 'V':
            printf("%s %s (cucm-sbd), built with Wireshark %d.%d.%d\n", PROGNAME, SBD_VERSION,
                   WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR, WIRESHARK_VERSION_MICRO);
            return 0;
        case ':':
            return usage_error("option %s needs an argument", argv[optind - 1]);
        default:
            if (optopt)
                return usage_error("unknown option -%c", optopt);
            return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (json && csv)
        return usage_error("--json and --csv exclude each other");
    /* Key files are read by libwireshark, which only warns; a key file that
     * cannot be read would silently leave TVS encrypted. */
    for (c = 0; c < (int)opt.keylogs->len; c++) {
        const char *k = g_ptr_array_index(opt.keylogs, c);
        if (access(k, R_OK) != 0)
            return usage_error("cannot read --keylog file %s: %s", k, g_strerror(errno));
    }
    if (opt.keylogs->len == 1) {
        opt.keylog = g_ptr_array_index(opt.keylogs, 0);
    } else if (opt.keylogs->len > 1 && !merge_keylogs())
        return usage_error("cannot merge the --keylog files: %s", g_strerror(errno));
    for (c = 0; c < (int)opt.rsa_keys->len; c++) {
        const char *k = g_ptr_array_index(opt.rsa_keys, c);
        if (access(k, R_OK) != 0)
            return usage_error("cannot read --rsa-key file %s: %s", k, g_strerror(errno));
    }
    opt.format = json ? OUT_JSON : csv ? OUT_CSV : OUT_TEXT;
    if (optind >= argc)
        return usage_error("no PATH given");
    if (!opt.tvs_ports->len) {
        port = DEFAULT_TVS_PORT;
        g_array_append_val(opt.tvs_ports, port);
    }
    return -1;
}

void
options_free(void)
{
    if (opt.keylog_tmp) {
        g_unlink(opt.keylog_tmp);
        g_free(opt.keylog_tmp);
    }
    g_ptr_array_free(opt.keylogs, TRUE);
    g_ptr_array_free(opt.rsa_keys, TRUE);
    g_ptr_array_free(opt.prefs, TRUE);
    g_array_free(opt.tvs_ports, TRUE);
}
