/* tls_size_cli.c - the keyless TLS size inference on stdin lines, for the
 * capture test (tests/test_tls_size_captures.sh)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   size VERSION SUITE ETM LENGTH  ->  STATUS MIN MAX LIKELY_MIN LIKELY_MAX
 *   class MIN MAX                  ->  CLASS
 * Numbers in C notation (0x prefix for hex).  STATUS and CLASS are the enum
 * names without prefix, e.g. EXACT, RANGE, STATUS_ONLY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "sbd-tls-size.h"

static const char *
status_id(sbd_tls_size_status s)
{
    static const char *n[] = { "EXACT", "RANGE", "PADDING_UNKNOWN", "UNKNOWN_SUITE",
                               "UNKNOWN_VERSION", "BAD_VERSION", "BAD_LENGTH" };
    return (size_t)s < G_N_ELEMENTS(n) ? n[s] : "?";
}

static const char *
class_id(sbd_tvs_answer_class c)
{
    static const char *n[] = { "UNKNOWN", "TOO_SHORT", "STATUS_ONLY", "NOT_STATUS_ONLY",
                               "WITH_CERT", "AMBIGUOUS" };
    return (size_t)c < G_N_ELEMENTS(n) ? n[c] : "?";
}

int
main(void)
{
    char line[256];
    long a, b, c, d;
    sbd_tls_size r;

    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "size %li %li %li %li", &a, &b, &c, &d) == 4) {
            sbd_tls_plaintext_size((guint16)a, (guint16)b, c != 0, (guint32)d, &r);
            printf("%s %u %u %u %u\n", status_id(r.status), r.min, r.max,
                   r.likely_min, r.likely_max);
        } else if (sscanf(line, "class %li %li", &a, &b) == 2) {
            printf("%s\n", class_id(sbd_tvs_answer_classify((guint32)a, (guint32)b)));
        } else {
            printf("?\n");
        }
        fflush(stdout);
    }
    return 0;
}
