/* fuzz_cucmlog.c - libFuzzer harness: TVS traces and phone console logs
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Input: byte 0 selects the log kind (0 TVS trace, 1 88xx console log,
 * 2 79xx console log; modulo 3) and byte 1 the date source (modulo 4);
 * the rest is the log's text.  The harness cuts it into records as
 * plugin/cucm-log-file.lua does (one line, at most 16384 bytes kept; a
 * "HEX_DUMP: Len = N:" line with the lines after it that are a time
 * stamp, a level and hex digits and spaces only, at most 9000), puts the
 * reader's 12-byte header in front (kind, date source, flags, lines, line
 * number, a date) and hands each record to the "cucmlog" dissector in a
 * frame of its own.  Two passes, as `tshark -2`.  At most 256 records.
 * The Lua reader itself is not fuzzed here (tests/test_logs.sh feeds it
 * hostile files).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <epan/packet.h>

#include "fuzz-common.h"
#include "packet-cucmlog.h"

#define MAX_LINE 16384
#define MAX_HEX_LINES 9000
#define MAX_RECORDS 256

static dissector_handle_t cucmlog_handle;

static void
frame_cb(unsigned tag, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    (void)tag;
    if (cucmlog_handle)
        call_dissector(cucmlog_handle, tvb, pinfo, tree);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sbd_fuzz_init("fuzz_cucmlog", frame_cb);
    cucmlog_handle = find_dissector("cucmlog");
    return 0;
}

/* The line at *off (without its '\n' and a '\r' before it); *off moves past it. */
static gboolean
next_line(const uint8_t *d, size_t size, size_t *off, const uint8_t **line, size_t *len, gboolean *cut)
{
    const uint8_t *nl;
    size_t n;

    if (*off >= size)
        return FALSE;
    nl = memchr(d + *off, '\n', size - *off);
    n = nl ? (size_t)(nl - (d + *off)) : size - *off;
    *line = d + *off;
    *off += n + (nl ? 1 : 0);
    if (n && (*line)[n - 1] == '\r')
        n--;
    *cut = n > MAX_LINE;
    *len = *cut ? MAX_LINE : n;
    return TRUE;
}

/* "HH:MM:SS.mmm | level " followed by hex digits and spaces only */
static gboolean
hex_line(const uint8_t *l, size_t n)
{
    size_t i = 15;

    if (n < 17 || l[2] != ':' || l[5] != ':' || l[8] != '.' || memcmp(l + 12, " | ", 3))
        return FALSE;
    while (i < n && g_ascii_isalpha(l[i]))
        i++;
    if (i == 15 || i >= n || l[i] != ' ')
        return FALSE;
    for (i++; i < n; i++) {
        if (!g_ascii_isxdigit(l[i]) && l[i] != ' ')
            return FALSE;
    }
    return TRUE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GByteArray *rec;
    size_t off = 2;
    guint32 lineno = 1, records = 0;
    guint8 kind, src;
    guint32 net;

    if (size < 2)
        return 0;
    kind = (guint8)(data[0] % 3 + 1);
    src = (guint8)(data[1] % 4);
    sbd_fuzz_begin();
    cucmlog_reset();
    net = sbd_fuzz_net();
    rec = g_byte_array_new();
    while (records < MAX_RECORDS) {
        const uint8_t *line;
        size_t len;
        gboolean cut;
        guint lines = 1;
        guint8 hdr[12] = { 0 };

        if (!next_line(data, size, &off, &line, &len, &cut))
            break;
        g_byte_array_set_size(rec, 0);
        g_byte_array_append(rec, hdr, sizeof hdr);
        g_byte_array_append(rec, line, (guint)len);
        if (kind == 1 && len >= 16 && memcmp(line, "HEX_DUMP: Len = ", 16) == 0) {
            while (lines < MAX_HEX_LINES) {
                size_t save = off, l2;
                const uint8_t *n2;
                gboolean c2;
                if (!next_line(data, size, &off, &n2, &l2, &c2) || c2 || !hex_line(n2, l2)) {
                    off = save;
                    break;
                }
                g_byte_array_append(rec, (const guint8 *)"\n", 1);
                g_byte_array_append(rec, n2, (guint)l2);
                lines++;
            }
        }
        rec->data[0] = kind;
        rec->data[1] = src;
        rec->data[2] = cut ? 1 : 0;
        rec->data[3] = (guint8)MIN(lines, 255);
        rec->data[4] = (guint8)(lineno >> 24);
        rec->data[5] = (guint8)(lineno >> 16);
        rec->data[6] = (guint8)(lineno >> 8);
        rec->data[7] = (guint8)lineno;
        rec->data[8] = 0x07;            /* 2016-11-29 */
        rec->data[9] = 0xe0;
        rec->data[10] = 11;
        rec->data[11] = 29;
        sbd_fuzz_raw_frame(0, net | 1, net | 2, rec->data, rec->len);
        lineno += lines;
        records++;
    }
    g_byte_array_free(rec, TRUE);
    sbd_fuzz_end(TRUE, NULL);
    return 0;
}
