/* main.c - itl-audit: batch audit of CUCM Security-By-Default trust in
 * captures
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Reads capture files (anything wiretap reads: pcap, pcapng, gzip-compressed
 * files, ...) with libwireshark, with this project's dissectors registered
 * statically, and reports per phone what the trust checks engine
 * (dissectors/sbd-checks.c) concluded: the trust lists each phone
 * downloaded, its TLS sessions to TVS, its TVS exchanges and the findings.
 *
 * What the tool does look at itself are the link/IP/UDP/TCP headers of
 * each record (prefilter.c): records that cannot matter are not handed to
 * epan at all, but keep their numbers.
 *
 * Pipeline: a reader thread reads and pre-filters the records and queues
 * those epan must see (reader.c); the main thread dissects them
 * (epan-run.c).  For one input the reader starts before libwireshark does,
 * so reading overlaps its start.  Several inputs are audited by worker
 * processes forked after the start (-j, pool.c), the main process printing
 * their results in input order.
 *
 * The layout of the text, JSON and CSV output is documented in README.md
 * next to this file.  itl-audit.h lists the parts.
 */
#include <wireshark.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <getopt.h>
#include <unistd.h>

#include "itl-audit.h"
#include "reader.h"
#include "report.h"

static long
status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t klen = strlen(key);
    long v = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

static void
print_run_stats(void)
{
    struct rusage kids;

    memset(&kids, 0, sizeof kids);
    getrusage(RUSAGE_CHILDREN, &kids);
    fprintf(stderr,
            "%s: stats: libwireshark start %.3f s; peak RSS %ld kB (main process), %ld kB (largest worker); "
            "RSS now %ld kB anonymous, %ld kB file-backed\n",
            PROGNAME, epan_start_usec / 1e6, status_kb("VmHWM"), (long)kids.ru_maxrss, status_kb("RssAnon"),
            status_kb("RssFile"));
}

/* The input where reading starts while libwireshark starts: the first
 * that can be read (*first), and how many can. */
static guint
count_readable(guint *first)
{
    guint n, readable = 0;

    *first = 0;
    for (n = items->len; n > 0; n--) {
        if (item_readable(g_ptr_array_index(items, n - 1))) {
            *first = n - 1;
            readable++;
        }
    }
    return readable;
}

/* One input after the other, in this process. */
static void
run_serial(reader *r0, guint first)
{
    guint n;

    for (n = 0; n < items->len; n++) {
        input_result res;
        gboolean ok;
        run_input(n, n == first ? r0 : NULL, &res);
        if (n == first)
            r0 = NULL;
        ok = emit_result(&res);
        result_clear(&res);
        if (!ok)
            break;          /* e.g. the reader of a pipe went away */
    }
    reader_abort(r0);       /* not reached */
}

/* The audit of every input, once libwireshark has started; the exit status. */
static int
run_audit(reader *r0, guint first, guint readable)
{
    const report_output *out = report_output_chosen();
    int status;

    report_init();
    if (out->begin)
        out->begin(stdout);
    if (readable > 1)
        run_pool(MIN(opt.jobs, readable), r0, first);
    else
        run_serial(r0, first);
    status = any_error ? 2 : total.findings ? 1 : 0;
    if (out->end)
        out->end(stdout, &total, status);
    fflush(stdout);
    if (ferror(stdout)) {
        fprintf(stderr, "%s: error writing the output\n", PROGNAME);
        status = 2;
    }
    if (opt.stats)
        print_run_stats();
    report_done();
    return status;
}

int
main(int argc, char **argv)
{
    int status;
    guint first, readable;
    reader *r0 = NULL;

    options_init();
    status = parse_args(argc, argv);
    if (status >= 0)
        goto out_args;
    wireshark_init(argv[0]);
    inputs_collect(argv + optind, argc - optind);
    readable = count_readable(&first);
    /* Read the first capture while libwireshark starts (the filter uses
     * the command line's ports until the preferences are known).  With
     * several, worker processes are forked once libwireshark has started,
     * and the first one takes that reader over. */
    if (readable >= 1)
        r0 = reader_start(((const input_item *)g_ptr_array_index(items, first))->path);
    if (!ensure_epan()) {
        reader_abort(r0);
        status = 2;
    } else {
        opt.progress = isatty(STDERR_FILENO) != 0;
        status = run_audit(r0, first, readable);
    }
    inputs_free();
    wireshark_cleanup();
out_args:
    options_free();
    return status;
}
