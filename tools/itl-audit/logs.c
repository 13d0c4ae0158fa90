/* logs.c - itl-audit: CUCM TVS traces and phone console logs as inputs
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A trace or a console log reaches the audit as any capture does: wiretap
 * opens it with the reader plugin/cucm-log-file.lua, and the dissectors
 * cucmlog/tvstrace (packet-cucmlog.c) hand its TVS messages to the tvs
 * dissector, which feeds the trust checks.  Here: making sure the reader is
 * loaded, and the date of lines that carry none.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

#include <glib.h>
#include <epan/ex-opt.h>

#include <wsutil/privileges.h>

#define SBD_COMPAT_PROGRAM
#include "sbd-compat.h"
#include "logs.h"

#ifndef SBD_LOG_READER_STAGED
#define SBD_LOG_READER_STAGED ""
#endif

void
logs_register_reader(void)
{
    static gboolean done;
    const char *path = SBD_LOG_READER_STAGED;
    char *opt;

    if (done)
        return;
    done = TRUE;
    /* An installed copy (the global or personal Lua plugin directory) is
     * loaded by libwireshark itself; the copy of the build tree serves a
     * tool that is run from there. */
    if (!*path || !g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return;
    opt = g_strdup_printf("lua_script:%s", path);
    ex_opt_add(opt);                    /* kept: ex_opt may hold on to it */
}

const char *
logs_unreadable_reason(void)
{
#if SBD_WS_AT_LEAST(4, 4)
    if (started_with_special_privs())
        return "a TVS trace or phone console log: Wireshark 4.4 and later load no Lua "
               "file reader, so not the log reader, in a program run as root; run "
               "itl-audit as an ordinary user to read it";
#endif
    return NULL;
}

char *
logs_date_setting(const char *date, const char **why)
{
    int y, m, d, n = 0;
    GDate *g;
    gboolean ok;

    if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10) {
        *why = "not YYYY-MM-DD";
        return NULL;
    }
    g = g_date_new();
    ok = y >= 1970 && y <= 9999 && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
    g_date_free(g);
    if (!ok) {
        *why = "no such date (1970-01-01 or later)";
        return NULL;
    }
    return g_strdup_printf("cucmlog.date:%s", date);
}

/* The reader's test (plugin/cucm-log-file.lua, recognise()): of the first
 * 20 non-empty complete lines of the first 8 KB (no NUL byte in them), at
 * least min(3, n) and more than half have one of the three line formats. */
gboolean
logs_file_is_log(const char *path)
{
    static const char *const pat[3] = {
        "^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} \\| [A-Za-z]+ ",
        "^[0-9]+ [A-Z]{3} [A-Za-z]{3} +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]+ ",
        "^[0-9]+: [A-Z]{3} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]+ ",
    };
    char head[8192];
    size_t got, start = 0, i;
    unsigned counts[3] = { 0, 0, 0 }, n = 0, k;
    gboolean yes = FALSE;
    GRegex *re[3] = { NULL, NULL, NULL };
    struct stat st;
    FILE *f;

    /* Regular files only: reading a FIFO would take what its writer sends
     * to wiretap (and opening one could block). */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb")))
        return FALSE;
    got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (!got || memchr(head, '\0', got))
        return FALSE;
    for (k = 0; k < 3; k++)
        re[k] = g_regex_new(pat[k], G_REGEX_RAW, 0, NULL);
    for (i = 0; i < got && n < 20; i++) {
        size_t end;
        char *line;
        if (head[i] != '\n' && !(i + 1 == got && got < sizeof head))
            continue;
        end = head[i] == '\n' ? i : i + 1;
        if (end > start && head[end - 1] == '\r')
            end--;
        if (end > start) {
            line = g_strndup(head + start, end - start);
            n++;
            for (k = 0; k < 3; k++) {
                if (re[k] && g_regex_match(re[k], line, 0, NULL)) {
                    counts[k]++;
                    break;
                }
            }
            g_free(line);
        }
        start = i + 1;
    }
    for (k = 0; k < 3; k++) {
        if (counts[k] && counts[k] >= MIN(3u, n) && counts[k] * 2 > n)
            yes = TRUE;
        if (re[k])
            g_regex_unref(re[k]);
    }
    return yes;
}
