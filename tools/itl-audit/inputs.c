/* inputs.c - itl-audit's inputs: explicit paths and recursive directory
 * walks, and what is worth handing to wiretap
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "itl-audit.h"
#include "packet-ciscotl.h"

GPtrArray *items;        /* input_item* */
static GHashTable *seen_dirs;   /* "dev:ino" of directories entered */
static GHashTable *seen_files;  /* "dev:ino" of files queued */

#define MAX_WALK_DEPTH 256

static void
item_free(gpointer p)
{
    input_item *it = p;

    g_free(it->path);
    g_free(it->error);
    g_free(it);
}

static void
add_item(const char *path, gboolean explicit_path, char *error)
{
    input_item *it = g_new0(input_item, 1);

    it->path = g_strdup(path);
    it->explicit_path = explicit_path;
    it->error = error;
    g_ptr_array_add(items, it);
}

static char *
inode_key(const struct stat *st)
{
    return g_strdup_printf("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
}

gboolean
has_capture_extension(const char *path)
{
    static const char *const exts[] = {
        ".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz", ".ntar", ".ntar.gz",
    };
    const char *base = strrchr(path, '/');
    char *lower = g_ascii_strdown(base ? base + 1 : path, -1);
    gboolean yes = FALSE;
    guint i;

    for (i = 0; i < G_N_ELEMENTS(exts) && !yes; i++)
        yes = g_str_has_suffix(lower, exts[i]);
    g_free(lower);
    return yes;
}

static gint
name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void walk_dir(const char *dir, const struct stat *dst, gboolean explicit_path, int depth);

static void
add_path(const char *path, gboolean explicit_path, int depth)
{
    struct stat st;
    char *key;

    if (stat(path, &st) != 0) {
        /* In a walk, only names that look like captures are worth an error
         * (a dangling symlink "x.pcap"); other broken entries are skipped. */
        if (explicit_path || has_capture_extension(path))
            add_item(path, explicit_path, g_strdup_printf("cannot access: %s", g_strerror(errno)));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        walk_dir(path, &st, explicit_path, depth);
        return;
    }
    if (!explicit_path && !S_ISREG(st.st_mode))
        return;                 /* FIFOs, sockets, devices met in a walk */
    key = inode_key(&st);
    if (g_hash_table_contains(seen_files, key)) {
        g_free(key);            /* the same file reached twice: once is enough */
        return;
    }
    g_hash_table_add(seen_files, key);
    add_item(path, explicit_path, NULL);
}

static void
walk_dir(const char *dir, const struct stat *dst, gboolean explicit_path, int depth)
{
    GPtrArray *names;
    DIR *d;
    struct dirent *de;
    char *key = inode_key(dst);
    guint i;

    if (g_hash_table_contains(seen_dirs, key)) {
        g_free(key);            /* symlink loop, or the same tree named twice */
        return;
    }
    g_hash_table_add(seen_dirs, key);
    if (depth > MAX_WALK_DEPTH) {
        add_item(dir, explicit_path, g_strdup_printf("directory nesting deeper than %d levels", MAX_WALK_DEPTH));
        return;
    }
    d = opendir(dir);
    if (!d) {
        add_item(dir, explicit_path, g_strdup_printf("cannot read directory: %s", g_strerror(errno)));
        return;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        g_ptr_array_add(names, g_strdup(de->d_name));
    }
    closedir(d);
    g_ptr_array_sort(names, name_cmp);
    for (i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, (const char *)g_ptr_array_index(names, i), NULL);
        add_path(path, FALSE, depth + 1);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
}

/* Could the input be read at all?  (Decided without opening it.) */
gboolean
item_readable(const input_item *it)
{
    struct stat st;

    if (it->error)
        return FALSE;
    return !(stat(it->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
}

/* Is the input a bare trust list or signed file (ITLFile.tlv, a .sgn)?
 * Wiretap has no reader for them, and a weak heuristic of its own may take
 * one for a capture (IxVeriWave's), so they are recognised here, by the
 * dissector's own test, before wiretap sees them. */
gboolean
item_is_trust_list(const input_item *it)
{
    guint8 head[10], *buf;
    struct stat st;
    size_t want;
    gboolean yes = FALSE;
    FILE *f;

    /* Regular files only: opening a FIFO would take (or block on) what a
     * writer sends to wiretap. */
    if (it->error || stat(it->path, &st) != 0 || !S_ISREG(st.st_mode))
        return FALSE;
    f = fopen(it->path, "rb");
    if (!f)
        return FALSE;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        fread(head, 1, sizeof head, f) == sizeof head && head[0] == 1 && head[5] == 2) {
        /* Version, Header Length: the header length says how much of the
         * file the test reads. */
        want = MIN((size_t)(head[8] << 8 | head[9]), (size_t)st.st_size);
        buf = g_malloc(MAX(want, sizeof head));
        memcpy(buf, head, sizeof head);
        if (want <= sizeof head || fread(buf + sizeof head, 1, want - sizeof head, f) == want - sizeof head)
            yes = ciscotl_looks_like_file(buf, MAX(want, sizeof head), (guint64)st.st_size);
        g_free(buf);
    }
    fclose(f);
    return yes;
}

/* The inputs of the command line, in order, directories walked. */
void
inputs_collect(char **paths, int n)
{
    int i;

    items = g_ptr_array_new_with_free_func(item_free);
    seen_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    seen_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (i = 0; i < n; i++)
        add_path(paths[i], TRUE, 0);
}

void
inputs_free(void)
{
    g_hash_table_destroy(seen_files);
    g_hash_table_destroy(seen_dirs);
    g_ptr_array_free(items, TRUE);
}
