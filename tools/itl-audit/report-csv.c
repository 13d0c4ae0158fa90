/* report-csv.c - the CSV output: one row per finding (RFC 4180: CRLF,
 * fields with , " CR LF quoted, "" inside)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <stdio.h>
#include <string.h>

#include "itl-audit.h"
#include "report.h"

static void
csv_field(FILE *f, const char *s, gboolean last)
{
    char *v = g_utf8_make_valid(s ? s : "", -1);

    if (strpbrk(v, ",\"\r\n")) {
        const char *p;
        fputc('"', f);
        for (p = v; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(v, f);
    }
    fputs(last ? "\r\n" : ",", f);
    g_free(v);
}

static void
csv_header(FILE *f)
{
    fputs("input,phone_mac,phone_ip,frame,related_frame,finding,severity,detail,explanation,remediation,"
          "time,related_time,certainty,phone_outcome,phone_root_cause\r\n", f);
}

static void
csv_input(FILE *f, const audit_input *in)
{
    guint i;

    for (i = 0; i < in->rep->findings->len; i++) {
        const sbd_finding *fd = g_ptr_array_index(in->rep->findings, i);
        const sbd_finding_info *fi = sbd_finding_describe(fd->code);
        char mac[18] = "", frame[16], rel[16] = "";

        if (fd->phone && fd->phone->has_mac)
            mac_str(fd->phone->mac, mac);
        g_snprintf(frame, sizeof frame, "%u", fd->frame);
        if (fd->related_frame)
            g_snprintf(rel, sizeof rel, "%u", fd->related_frame);
        csv_field(f, in->path, FALSE);
        csv_field(f, mac, FALSE);
        csv_field(f, fd->phone ? fd->phone->ip : "", FALSE);
        csv_field(f, frame, FALSE);
        csv_field(f, rel, FALSE);
        csv_field(f, finding_name(fd->code), FALSE);
        csv_field(f, fi ? severity_key(fi->severity) : "", FALSE);
        csv_field(f, fd->detail, FALSE);
        csv_field(f, fi ? fi->explanation : "", FALSE);
        csv_field(f, fi ? fi->remediation : "", FALSE);
        csv_field(f, frame_time(in, fd->frame), FALSE);
        csv_field(f, frame_time(in, fd->related_frame), FALSE);
        csv_field(f, sbd_certainty_str(fd->certainty), FALSE);
        csv_field(f, fd->phone && fd->phone->outcome != SBD_OUTCOME_NONE ? sbd_outcome_str(fd->phone->outcome) : "",
                  FALSE);
        csv_field(f, fd->phone && fd->phone->root_cause ? finding_name(fd->phone->root_cause->code) : "", TRUE);
    }
}

const report_output report_csv = {
    .begin = csv_header,
    .input_end = csv_input,
};
