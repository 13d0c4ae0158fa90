/* logs.h - itl-audit: CUCM TVS traces and phone console logs as inputs
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef IA_LOGS_H
#define IA_LOGS_H

#include <glib.h>

/* Before epan_init(): have libwireshark's Lua load the log reader
 * (plugin/cucm-log-file.lua) when it is not installed where Lua plugins are
 * looked for (the reader ignores a second load). */
void logs_register_reader(void);

/* --log-date YYYY-MM-DD: the -o setting for it ("cucmlog.date:..."), or
 * NULL (with *why set) when the date is not valid. */
char *logs_date_setting(const char *date, const char **why);

/* Does the file look like a TVS trace or a phone console log (the reader's
 * own test)?  Such a file is opened only once the reader is loaded: before
 * that, a weak heuristic of wiretap's (IxVeriWave's) may claim it. */
gboolean logs_file_is_log(const char *path);

/* Why a log cannot be read in this run (NULL: it can): from Wireshark 4.4
 * on, libwireshark runs no Lua script, so not the log reader either, in a
 * process started as root. */
const char *logs_unreadable_reason(void);

#endif
